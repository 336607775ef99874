import socket
import subprocess
import sys

from helpers import doctor
from helpers.processes import free_port


def test_every_check_passes_on_a_prepared_machine(fresh_store, tmp_path):
    for name in doctor.NOTEBOOKS:
        (tmp_path / name).write_text("{}")
    lines = []
    code = doctor.run(
        [doctor.check_python, doctor.check_packages, lambda: doctor.check_notebooks(tmp_path),
         doctor.check_store, lambda: doctor.check_port(free_port()), doctor.check_server],
        out=lines.append,
    )  # fmt: skip
    assert code == 0, lines
    assert [line.split()[0] for line in lines[:6]] == ["PASS"] * 6
    assert lines[-1].strip() == "6 of 6 checks passed: ready for the course"
    assert "started, answered and stopped" in lines[5]


def test_failures_say_what_is_wrong_and_how_to_fix_it(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen()
    try:
        results = [
            doctor.check_python(minimum=(99, 0)),
            doctor.check_packages(["mlflow>=99", "no-such-package-xyz>=1"]),
            doctor.check_store(blocker / "store"),
            doctor.check_port(busy.getsockname()[1]),
            doctor.check_notebooks(tmp_path),
        ]
    finally:
        busy.close()
    assert not any(r.ok for r in results)
    python, packages, store, port, notebooks = (str(r) for r in results)
    assert "needs 99.0 or newer" in python and "fix: install Python 99.0" in python
    assert "mlflow 3." in packages and "(needs >=99)" in packages
    assert "no-such-package-xyz missing" in packages and "make clean lab" in packages
    assert "cannot write to" in store and "COURSE_STORE_DIR" in store
    assert "is in use" in port and "--port" in port
    assert "missing: 00_databricks_and_mlflow.ipynb" in notebooks and "git pull" in notebooks
    lines = []
    assert doctor.run([lambda: results[0], lambda: results[3]], out=lines.append) == 1
    assert lines[-1].strip() == "0 of 2 checks passed; fix: python, ui port"


def test_a_damaged_store_is_reported(tmp_path):
    (tmp_path / "mlflow.db").write_bytes(b"not a database" * 100)
    result = doctor.check_store(tmp_path)
    assert not result.ok and "mlflow.db is damaged" in result.detail


def test_the_command_line_exits_non_zero_on_failure():
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen()
    with busy:
        port = busy.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "helpers", "doctor", "--port", str(port)],
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
    assert done.returncode == 1
    assert f"FAIL  ui port: 127.0.0.1:{port} is in use" in done.stdout


def test_local_checks_are_skipped_on_databricks_simulated(monkeypatch):
    """Simulated Databricks: only the environment variable Databricks sets."""
    monkeypatch.setenv("DATABRICKS_RUNTIME_VERSION", "16.4")
    lines = []
    doctor.run(out=lines.append)
    assert lines[0].startswith("skip  store, ui port, tracking server: local only")
    assert not any("tracking server:" in line and "PASS" in line for line in lines)

"""The workshop server as docs/workshop.md runs it: real `mlflow server` processes, real HTTP.

The commands of the docs are run as written, in bash, in a temporary folder (so that
./workshop-store is there), with a free port instead of 5000.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil
import pytest

from helpers import environment, processes, server

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "workshop.md"


def docs_block(containing: str) -> str:
    """The one fenced block of docs/workshop.md that contains ``containing``.

    Text ending with a newline must be a whole line of the block.
    """
    blocks = re.findall(r"```\w*\n(.*?)```", DOCS.read_text(), re.DOTALL)
    found = [block for block in blocks if containing in "\n" + block]
    if containing.endswith("\n"):
        found = [block for block in found if "\n" + containing in "\n" + block]
    assert len(found) == 1, f"{len(found)} blocks of docs/workshop.md contain {containing!r}"
    return found[0]


def shell_env() -> dict[str, str]:
    """This environment, with this Python first on PATH: `python` in the docs is the kit's."""
    path = environment.with_this_python_first(os.environ["PATH"])
    return {**os.environ, "PATH": path, "PYTHONUNBUFFERED": "1"}


def exported(block: str, env: dict[str, str] | None = None) -> dict[str, str]:
    """The variables the `export` lines of a docs block set, as bash sets them."""
    env = env or shell_env()
    exports = "\n".join(line for line in block.splitlines() if line.startswith("export "))
    out = subprocess.run(
        ["bash", "-ec", exports + "\nenv -0"], env=env, capture_output=True, text=True, check=True
    ).stdout
    after = dict(item.split("=", 1) for item in out.split("\0") if "=" in item)
    return {name: value for name, value in after.items() if env.get(name) != value}


class Output:
    """A process's output, read line by line as it comes, so that a test can wait for a line."""

    def __init__(self, process: subprocess.Popen) -> None:
        self.process, self.lines = process, []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line)

    def wait_for(self, text: str, timeout: float = 120) -> None:
        """Wait until a line of the output contains ``text``."""
        deadline = time.monotonic() + timeout
        while not any(text in line for line in self.lines):
            assert self._reader.is_alive(), f"exited without {text!r}: {self.text}"
            assert time.monotonic() < deadline, f"no {text!r} in {timeout} s: {self.text}"
            time.sleep(0.1)

    def end(self, timeout: float = 60) -> str:
        """Wait for the process to exit; return its whole output."""
        self.process.wait(timeout)
        self._reader.join(timeout)
        return self.text

    @property
    def text(self) -> str:
        """The output so far."""
        return "".join(self.lines)


READY = "Press Ctrl+C to stop."


def run_docs_block(
    block: str, port: int, folder: Path, env: dict | None = None
) -> subprocess.Popen:
    """Run a docs block in bash in ``folder``, on ``port`` instead of 5000 (also the default)."""
    block = block.replace("5000", str(port))
    block = re.sub(
        r"^(python -m helpers server)(?!.*--port)", rf"\1 --port {port}", block, flags=re.M
    )
    return subprocess.Popen(
        ["bash", "-ec", block],
        cwd=folder,
        env=env or shell_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # a process group of its own, as a terminal gives it
    )


def run_cli(*args: str) -> subprocess.Popen:
    """Start ``python -m helpers`` with these arguments."""
    return subprocess.Popen(
        [sys.executable, "-m", "helpers", *args],
        env=shell_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_for_health(port: int, process: subprocess.Popen, timeout: float = 120) -> None:
    """Wait until a server answers /health on 127.0.0.1:port."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2):
                return
        except OSError:
            assert process.poll() is None, process.communicate()[0]
            time.sleep(0.25)
    pytest.fail(f"no server answered on port {port} in {timeout} s")


def status(port: int, host: str) -> int:
    """The HTTP status of an API request to 127.0.0.1:port sent with this Host header."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/2.0/mlflow/experiments/search?max_results=1",
        headers={"Host": host},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            return reply.status
    except urllib.error.HTTPError as err:
        return err.code


def processes_on(port: int) -> list[psutil.Process]:
    """Every process whose command line names this port, and everything they started."""
    pattern = re.compile(rf"--port[ =]{port}\b")
    found = []
    for process in psutil.process_iter(["cmdline"]):
        if pattern.search(" ".join(process.info["cmdline"] or [])):
            found.append(process)
            with contextlib.suppress(psutil.NoSuchProcess):
                found += process.children(recursive=True)
    unique = {process.pid: process for process in found if process.pid != os.getpid()}
    return [process for process in unique.values() if _alive(process)]


def _alive(process: psutil.Process) -> bool:
    try:
        return process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def kill_all(port: int, *started: subprocess.Popen) -> None:
    """Leave nothing behind, also when a test fails: what was started, and all on the port."""
    family = processes_on(port)
    for process in [*started, *family]:
        with contextlib.suppress(ProcessLookupError, psutil.NoSuchProcess):
            process.kill()
    psutil.wait_procs(family, timeout=10)
    for process in started:
        process.communicate()


def listening(port: int) -> bool:
    """Whether anything accepts connections on 127.0.0.1:port."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            return True
    except OSError:
        return False


def programs(family: list[psutil.Process]) -> list[str]:
    """The modules a family of Python processes runs (``python -m <module>``), sorted.

    A kit server is ``mlflow server`` and its ``uvicorn``: MLflow's job runner (GenAI jobs,
    eight more processes, 18 s of CPU per start here) is off.
    """
    return sorted(p.cmdline()[p.cmdline().index("-m") + 1] for p in family)


def pool_settings(family: list[psutil.Process]) -> set[str | None]:
    """The connection-pool setting each server process runs with (processes.pool_environment)."""
    return {p.environ().get(processes.MAX_OVERFLOW_ENV) for p in family}


def test_the_command_line_does_not_import_mlflow():
    # `mlflow server` imports MLflow itself; a second import in the command cost 1.3 s.
    code = "import sys, helpers.__main__; print('mlflow' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.split() == ["False"], done.stderr


def test_a_signal_stops_the_workshop_server_and_every_process_it_started(tmp_path):
    """A closed terminal (SIGHUP). Ctrl+C always did; the room test below sends SIGTERM."""
    port = processes.free_port()
    cli = run_cli("server", "--port", str(port), "--store", str(tmp_path / "store"))
    output = Output(cli)
    try:
        output.wait_for(READY)
        family = psutil.Process(cli.pid).children(recursive=True)
        assert programs(family) == ["mlflow", "uvicorn"], "mlflow server, no job runner"
        assert pool_settings(family) == set(processes.pool_environment().values())
        cli.send_signal(signal.SIGHUP)
        output.end()
        gone, alive = psutil.wait_procs(family, timeout=10)
        left = processes_on(port)
    finally:
        kill_all(port, cli)
    assert alive == [] and left == [], "the mlflow server outlived the command"
    assert not listening(port)
    assert cli.returncode == 0, output.text


def test_sigterm_stops_the_ui_command_and_its_server():
    port = processes.free_port()
    cli = run_cli("ui", "--port", str(port))
    output = Output(cli)
    try:
        wait_for_health(port, cli)
        family = psutil.Process(cli.pid).children(recursive=True)
        assert programs(family) == ["mlflow", "uvicorn"], "mlflow server, no job runner"
        assert pool_settings(family) == set(processes.pool_environment().values())
        cli.send_signal(signal.SIGTERM)
        output.end()
        gone, alive = psutil.wait_procs(family, timeout=10)
        left = processes_on(port)
    finally:
        kill_all(port, cli)
    assert family and alive == [] and left == [], "the MLflow UI outlived the command"
    assert not listening(port)


def test_sigterm_while_the_server_starts_leaves_nothing_behind(tmp_path):
    port = processes.free_port()
    cli = run_cli("server", "--port", str(port), "--store", str(tmp_path / "store"))
    output = Output(cli)
    try:
        output.wait_for("Starting a workshop server")
        deadline = time.monotonic() + 60
        while not psutil.Process(cli.pid).children() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert psutil.Process(cli.pid).children(), "the mlflow server is starting"
        cli.send_signal(signal.SIGTERM)
        output.end()
        time.sleep(1)
        left = processes_on(port)
    finally:
        kill_all(port, cli)
    assert READY not in output.text, "stopped while starting"
    assert left == []
    assert cli.returncode == 0, output.text


def test_the_room_command_of_the_docs_prints_the_addresses_participants_can_use(tmp_path):
    """And a service manager's stop (SIGTERM) stops the command and every process it started."""
    command = "python -m helpers server --host 0.0.0.0 --allowed-hosts 192.168.1.20:5000\n"
    port = processes.free_port()
    shell = run_docs_block(docs_block(command), port, tmp_path)
    output = Output(shell)
    try:
        output.wait_for(READY)
        shell_tree = [psutil.Process(shell.pid), *psutil.Process(shell.pid).children(True)]
        command = next(p for p in shell_tree if p.cmdline()[1:3] == ["-m", "helpers"])
        family = command.children(recursive=True)
        started = programs(family)
        printed_url_works = status(port, f"192.168.1.20:{port}")
        this_machine_works = status(port, f"127.0.0.1:{port}")
        other_name = status(port, "evil.example")
        os.killpg(shell.pid, signal.SIGTERM)
        output.end()
        gone, alive = psutil.wait_procs(family, timeout=10)
        left = processes_on(port)
    finally:
        kill_all(port, shell)
    assert started == ["mlflow", "uvicorn"], "mlflow server, no job runner"
    assert alive == [], "the mlflow server outlived the command"
    assert shell.returncode == 0, output.text
    expected = docs_block("Participants join with:").replace("5000", str(port))
    assert expected in output.text
    assert "0.0.0.0:" not in output.text.split("Participants join with:")[1], output.text
    assert (printed_url_works, this_machine_works, other_name) == (200, 200, 403)
    assert left == []


@pytest.mark.parametrize(
    ("allowed", "said", "other_name"),
    [
        ("10.*", "No address participants can use: none of --allowed-hosts '10.*'", 403),
        # What docs/workshop.md warns about: any Host header gets in.
        ("*", "WARNING: allowed hosts '*' accept any Host header: this turns off MLflow's", 200),
    ],
)
def test_the_command_says_when_it_has_no_address_for_participants(
    tmp_path, allowed, said, other_name
):
    port = processes.free_port()
    store = str(tmp_path / "store")
    cli = run_cli(
        "server", "--port", str(port), "--store", store, "--host", "0.0.0.0",
        "--allowed-hosts", allowed,
    )  # fmt: skip
    output = Output(cli)
    try:
        output.wait_for(READY)
        answered = status(port, "evil.example")
        cli.send_signal(signal.SIGTERM)
        output.end()
    finally:
        kill_all(port, cli)
    assert said in output.text, output.text
    assert "helpers.workshop.join(" not in output.text, output.text
    assert answered == other_name


def test_the_command_line_masks_the_database_password(tmp_path):
    with socket.socket() as busy:  # the server stops at once: its first words are tested
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        database = "postgresql://kit:s3cret-pw@127.0.0.1:5432/runs"
        cli = run_cli(
            "server", "--port", str(port), "--store", str(tmp_path), "--backend-uri", database
        )
        try:
            output = cli.communicate(timeout=60)[0]
        finally:
            kill_all(port, cli)
    assert "s3cret-pw" not in output
    assert "runs in postgresql://kit:***@127.0.0.1:5432/runs" in output, output
    assert f"Port {port} on 127.0.0.1 is already in use" in output
    assert cli.returncode == 1


def test_a_port_out_of_range_is_refused_at_once():
    started = time.monotonic()
    with pytest.raises(ValueError, match="port must be a whole number from 1 to 65535, got 70000"):
        server.start(port=70000)
    assert time.monotonic() - started < 1


def test_a_busy_port_is_reported_at_once(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        started = time.monotonic()
        with pytest.raises(RuntimeError, match=f"Port {port} on 127.0.0.1 is already in use"):
            server.start(tmp_path / "store", port=port)
        elapsed = time.monotonic() - started
    assert elapsed < 10
    assert processes_on(port) == []
    print(f"\nbusy port reported in {elapsed:.3f} s")


def test_a_server_that_cannot_listen_is_reported_from_its_log_within_seconds(tmp_path):
    """The port taken after the check: `mlflow server` lives on for seconds after its worker
    failed, and then exits with code 0."""
    store = tmp_path / "store"
    store.mkdir()
    log = tmp_path / "server.log"
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        process = processes.start(server.server_command(store, port=port, workers=1), log)
        started = time.monotonic()
        try:
            with pytest.raises(RuntimeError, match=r"cannot start: .*address already in use"):
                processes.wait_until_up(f"http://127.0.0.1:{port}/health", process, 90, log)
            elapsed = time.monotonic() - started
        finally:
            kill_all(port, process)
    assert elapsed < 30
    print(f"\nserver's own bind failure reported {elapsed:.1f} s after its start")


def test_participant_urls_are_the_allowed_names_with_the_port():
    allowed = ["192.168.1.20:5000", "course.example", "10.*", "localhost:5000", "[fe80::1]:5000"]
    assert server.participant_urls("0.0.0.0", 5000, allowed) == [
        "http://192.168.1.20:5000",
        "http://course.example:5000",
        "http://[fe80::1]:5000",
    ]
    assert server.participant_urls("0.0.0.0", 5000, ["192.168.1.20:8080", "*"]) == []


def test_auth_needs_an_admin_password_before_anything_starts(tmp_path, monkeypatch):
    monkeypatch.delenv(server.ADMIN_PASSWORD_ENV, raising=False)
    with pytest.raises(ValueError, match="MLFLOW_AUTH_ADMIN_PASSWORD .* which is not set"):
        server.start(tmp_path / "store", auth=True)
    monkeypatch.setenv(server.ADMIN_PASSWORD_ENV, "tiny-pw")
    with pytest.raises(ValueError, match="shorter than 12 characters") as refused:
        server.start(tmp_path / "store", auth=True)
    assert "tiny-pw" not in str(refused.value)
    assert not (tmp_path / "store").exists()

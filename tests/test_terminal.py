"""Every terminal command the notebooks tell a learner to type, run as written.

A learner types them in a terminal in the course folder (JupyterLab's terminal opens there
with `make lab`), with the course's Python first on ``PATH``, after the notebook that comes
before them ran. Here the store holds what notebooks 03 and 04 leave in it: the experiment
``03-reproducibility`` and the registered model ``article_model`` with ``@champion`` on
version 2. The commands must find them there, and leave no ``mlflow.db`` or ``mlruns/`` of
their own behind. Only the port (5001) is replaced by a free one.
"""

from __future__ import annotations

import ast
import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path

import mlflow
import nbformat
import psutil
import pytest
from test_server import kill_all, listening, shell_env

from helpers import environment, processes
from helpers.__main__ import mlflow_environment

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
POINT_AT_THE_STORE = 'eval "$(python -m helpers env)"'
#: The same for PowerShell and cmd (Windows), which have no eval: one line, no shell syntax
#: but double quotes, which every shell reads alike. PowerShell is not on the test machine:
#: bash runs these lines as written.
WINDOWS_PREFIX = "python -m helpers mlflow "

#: Commands the notebooks name inline (in backticks), and the test (file, function) that runs
#: each. The benchmarks take minutes: `make bench` is for maintainers, not run by the tests.
INLINE_COMMANDS = {
    "make ui": (
        "test_tracking.py", "test_make_ui_serves_the_kits_store_and_setup_can_log_to_a_server"
    ),
    "python -m helpers ui": ("test_server.py", "test_sigterm_stops_the_ui_command_and_its_server"),
    "python -m helpers doctor": (
        "test_doctor.py", "test_the_command_line_exits_non_zero_on_failure"
    ),
    "python -m helpers server": (
        "test_server.py", "test_a_signal_stops_the_workshop_server_and_every_process_it_started"
    ),
    "make lab": ("test_terminal.py", "test_make_lab_opens_the_course_folder"),
    "python -m helpers mlflow": (
        "test_terminal.py", "test_mlflow_run_logs_to_the_notebooks_experiment"
    ),
    "make bench": None,
}  # fmt: skip


def text_blocks(languages: str) -> list[tuple[str, str]]:
    """The fenced blocks of the notebooks' text cells in these languages: (notebook, text).

    Args:
        languages: A regular expression of fence languages, e.g. ``"bash|powershell"``.
    """
    found = []
    for path in NOTEBOOKS:
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "markdown":
                for block in re.findall(rf"```(?:{languages})\n(.*?)```", cell.source, re.S):
                    found.append((path.name, textwrap.dedent(block)))
    return found


BLOCKS = text_blocks("bash|powershell")
RUN_BLOCKS = [b for b in BLOCKS if "mlflow run " in b[1]]
SERVE_BLOCKS = [b for b in BLOCKS if "mlflow models serve " in b[1]]
CURL_BLOCKS = [b for b in BLOCKS if b[1].startswith("curl ")]
#: The curl request sent from Python, for Windows.
REQUEST_BLOCKS = [b for _, b in text_blocks("python") if "5001/invocations" in b]


def block_id(block: tuple[str, str]) -> str:
    """Name a block by its notebook and its last command line."""
    return f"{block[0][:2]}: {block[1].strip().splitlines()[-1].strip()[:60]}"


@pytest.fixture(scope="module")
def learner(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A learner's terminal environment, on a store that holds what notebooks 03 and 04 left."""
    store = tmp_path_factory.mktemp("course") / "mlflow-store"
    env = {k: v for k, v in shell_env().items() if not k.startswith("MLFLOW_")}
    env["COURSE_STORE_DIR"] = str(store)
    as_the_notebooks_do = """
        import mlflow
        import helpers
        from sklearn.linear_model import LinearRegression
        from helpers.experiments import RunSpec, article_specs, run_experiments

        helpers.tracking.setup("03-reproducibility")
        helpers.tracking.setup("04-model-registry")
        df = helpers.data.article_data()
        runs = run_experiments(article_specs(), df, dataset_name="article-dummy-data")
        line = RunSpec(LinearRegression(), 0.8, ["feature1", "feature2"], "line")
        runs = [*runs["model_uri"], *run_experiments([line], df)["model_uri"]]
        first = helpers.registry.register(runs[3], "article_model")
        second = helpers.registry.register(runs[4], "article_model")
        mlflow.MlflowClient().set_registered_model_alias("article_model", "champion", "2")
    """
    subprocess.run(
        [sys.executable, "-c", textwrap.dedent(as_the_notebooks_do)],
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    return env


def run_in_terminal(commands: str, env: dict[str, str], **popen: object) -> subprocess.Popen:
    """Start ``commands`` in bash, in the course folder, in a session of their own."""
    return subprocess.Popen(
        ["bash", "-ec", commands], cwd=ROOT, env=env, start_new_session=True, text=True, **popen
    )


def stray_files() -> set[str]:
    """What an ``mlflow`` command without the kit's store would leave in the course folder."""
    return {name for name in ("mlflow.db", "mlruns", "mlartifacts") if (ROOT / name).exists()}


def test_every_terminal_block_is_run_by_a_test():
    known = RUN_BLOCKS + SERVE_BLOCKS + CURL_BLOCKS
    assert RUN_BLOCKS and SERVE_BLOCKS and CURL_BLOCKS and REQUEST_BLOCKS
    assert [b for b in BLOCKS if b not in known] == [], "a test must run these blocks"
    for name, block in RUN_BLOCKS + SERVE_BLOCKS:
        assert block.startswith((POINT_AT_THE_STORE + "\n", WINDOWS_PREFIX)), f"{name}: {block}"
    windows = [b for b in RUN_BLOCKS + SERVE_BLOCKS if b[1].startswith(WINDOWS_PREFIX)]
    assert all(b[1].count("\n") == 1 for b in windows), "one line: no line continuations"
    plain = [b for b in windows if not re.fullmatch(r'[\w .:/@="-]+\n', b[1])]
    assert plain == [], "no syntax that PowerShell, cmd and bash read differently"
    assert {b[0] for b in windows} == {b[0] for b in RUN_BLOCKS + SERVE_BLOCKS}


def test_every_inline_command_is_run_by_a_test():
    named = set()
    for path in NOTEBOOKS:
        text = "\n".join(
            c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown"
        )
        named |= set(re.findall(r"`((?:make [a-z]+|python -m helpers [a-z]+)\b)[^`]*`", text))
    assert named <= set(INLINE_COMMANDS), named - set(INLINE_COMMANDS)
    for file, function in filter(None, INLINE_COMMANDS.values()):
        assert f"def {function}(" in (ROOT / "tests" / file).read_text(), function


@pytest.mark.parametrize("block", RUN_BLOCKS, ids=block_id)
def test_mlflow_run_logs_to_the_notebooks_experiment(block, learner):
    params = dict(re.findall(r"-P (\w+)=(\S+)", block[1]))
    filters = " and ".join(f"params.{k} = '{v}'" for k, v in params.items())
    filters += " and attributes.status = 'FINISHED'"
    client = mlflow.MlflowClient(environment.sqlite_uri(Path(learner["COURSE_STORE_DIR"])))
    experiment = client.get_experiment_by_name("03-reproducibility").experiment_id
    earlier = len(client.search_runs([experiment], filters))
    before = stray_files()
    shell = run_in_terminal(block[1], learner, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output, _ = shell.communicate(timeout=300)
    assert shell.returncode == 0, output
    assert "does not exist. Creating" not in output, "the command made an experiment of its own"
    assert stray_files() <= before, "the command made a store of its own"
    assert len(client.search_runs([experiment], filters)) == earlier + 1, filters


@pytest.mark.parametrize("block", SERVE_BLOCKS, ids=block_id)
def test_mlflow_models_serve_answers_the_notebooks_curl_request(block, learner):
    port = processes.free_port()
    before = stray_files()
    log = Path(learner["COURSE_STORE_DIR"]).parent / f"serve-{port}.log"
    with log.open("w") as out:
        shell = run_in_terminal(
            block[1].replace("5001", str(port)), learner, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 180
        while True:
            assert shell.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/ping", timeout=2):
                    break
            except OSError:
                time.sleep(0.5)
        replies = []
        for _, curl in CURL_BLOCKS:
            done = subprocess.run(
                ["bash", "-ec", curl.replace("5001", str(port))],
                cwd=ROOT,
                env=learner,
                capture_output=True,
                text=True,
                timeout=60,
            )
            replies.append(json.loads(done.stdout))
        for request in REQUEST_BLOCKS:  # the same request from Python, for Windows
            done = subprocess.run(
                [sys.executable, "-c", request.replace("5001", str(port))],
                env=learner,
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert done.returncode == 0, done.stderr
            replies.append(ast.literal_eval(done.stdout))
        family = psutil.Process(shell.pid).children(recursive=True)
        os.killpg(shell.pid, signal.SIGINT)  # Ctrl+C, as the notebook says to stop it
        shell.wait(30)
        gone, alive = psutil.wait_procs(family, timeout=15)
        still_listening = listening(port)
    finally:
        kill_all(port, shell)  # nothing left behind, also when the test failed
    assert alive == [] and not still_listening, "Ctrl+C left a server running"
    assert len(replies) == len(CURL_BLOCKS) + len(REQUEST_BLOCKS)
    assert all(len(reply["predictions"]) == 1 for reply in replies), replies
    assert len({json.dumps(reply) for reply in replies}) == 1, "curl and Python differ"
    assert stray_files() <= before, "the command made a store of its own"


def test_make_lab_opens_the_course_folder(learner):
    """JupyterLab's root, where its terminals open, is the course folder the commands need."""
    env = {**learner, "BROWSER": "true"}  # no browser window from a test
    lab = run_in_terminal("make lab", env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        url = None
        while url is None:
            assert time.monotonic() < deadline and lab.poll() is None, "JupyterLab did not start"
            found = re.search(r"(http://127\.0\.0\.1:\d+)/lab\?token=(\w+)", lab.stdout.readline())
            url = found and found.groups()
        while True:
            try:
                with urllib.request.urlopen(f"{url[0]}/api/contents?token={url[1]}") as reply:
                    root = {item["name"] for item in json.loads(reply.read())["content"]}
                break
            except OSError:
                assert time.monotonic() < deadline, "JupyterLab does not answer"
                time.sleep(0.5)
    finally:
        os.killpg(lab.pid, signal.SIGTERM)
        lab.wait(30)
    assert {"notebooks", "project", "Makefile"} <= root, root


def test_helpers_env_leaves_a_tracking_uri_already_set_and_hides_its_password(learner):
    env = {**learner, "MLFLOW_TRACKING_URI": "http://learner:s3cret@workshop.example:5000"}
    done = subprocess.run(
        [sys.executable, "-m", "helpers", "env"], env=env, capture_output=True, text=True
    )
    assert done.stdout.startswith("# MLFLOW_TRACKING_URI is already set: http://learner:***@")
    assert "s3cret" not in done.stdout + done.stderr


def test_helpers_mlflow_uses_the_store_unless_told_otherwise(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_STORE_DIR", str(tmp_path / "store"))
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    env = mlflow_environment()
    assert env["MLFLOW_TRACKING_URI"] == environment.local_store_uri()
    assert environment.local_store_uri().endswith("/store/mlflow.db")
    assert env["PATH"].split(os.pathsep)[0] == str(Path(sys.executable).parent)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "http://workshop.example:5000")
    assert mlflow_environment()["MLFLOW_TRACKING_URI"] == "http://workshop.example:5000"
    monkeypatch.delenv("MLFLOW_TRACKING_URI")
    monkeypatch.setenv("DATABRICKS_RUNTIME_VERSION", "client.4.0")
    assert "MLFLOW_TRACKING_URI" not in mlflow_environment()


@pytest.mark.parametrize(
    ("stop", "expected"), [("Ctrl+C", 3), ("SIGTERM to python -m helpers alone", 4)]
)
def test_helpers_mlflow_stops_with_the_command_it_runs(stop, expected):
    """What `python -m helpers mlflow` does with signals, on a command that says which it got."""
    command = textwrap.dedent("""
        import signal, sys, time
        signal.signal(signal.SIGINT, lambda *_: sys.exit(3))
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(4))
        print("up", flush=True)
        time.sleep(60)
    """)
    code = (
        "import os, sys; from helpers.__main__ import run_child; "
        f"sys.exit(run_child([sys.executable, '-c', {command!r}], dict(os.environ)))"
    )
    wrapper = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        assert wrapper.stdout.readline() == "up\n"
        family = psutil.Process(wrapper.pid).children()
        if stop == "Ctrl+C":
            os.killpg(wrapper.pid, signal.SIGINT)  # a console sends it to all its processes
        else:
            wrapper.send_signal(signal.SIGTERM)
        assert wrapper.wait(15) == expected
        assert psutil.wait_procs(family, timeout=5)[1] == [], "the command outlived the wrapper"
    finally:
        wrapper.kill()
        wrapper.communicate()

import os
import signal
import time

import mlflow
import pandas as pd
import pytest
from test_server import (
    DOCS,
    READY,
    Output,
    docs_block,
    exported,
    kill_all,
    run_docs_block,
    shell_env,
)
from workshop_room import run_room, start_runs_at_once, stored_runs

from helpers import compare, processes, server, tracking, workshop
from helpers.processes import free_port


def test_a_room_of_30_joins_at_once_and_every_run_lands_in_the_workshop(tmp_path):
    """Load: 30 participants, one fresh experiment, 20 runs each, loopback only."""
    with server.start(tmp_path / "store") as shared:
        started = time.monotonic()
        outputs = run_room(shared.url, people=30, runs=20, folder=tmp_path)
        elapsed = time.monotonic() - started
        runs = stored_runs(shared.url)
    failed = [o for o in outputs if not o.startswith("exit 0: ok")]
    assert failed == [], failed
    assert len(runs) == 600, runs["experiment"].value_counts()
    assert (runs["experiment"] == "workshop").all(), "no run may land outside the workshop"
    assert (runs["status"] == "FINISHED").all()
    per_person = runs["tags.participant"].value_counts()
    assert len(per_person) == 30 and (per_person == 20).all()
    assert (runs["tags.mlflow.user"] == runs["tags.participant"]).all()
    print(f"\n30 participants x 20 runs: {len(runs)} runs stored in {elapsed:.1f} s")


def test_forty_runs_started_at_the_same_instant_all_start(tmp_path):
    """A room's burst: MLflow's ``create_run`` holds one database connection and waits for a
    second, so on MLflow's default pool (15) this stalled the server for 30 s, then failed
    runs with "QueuePool limit of size 5 overflow 10 reached" (measured: 3 bursts of 3)."""
    with server.start(tmp_path / "store") as shared:
        answers = start_runs_at_once(shared.url, processes.REQUEST_THREADS)
    assert answers == ["200"] * processes.REQUEST_THREADS, sorted(set(answers))


def test_the_server_pool_has_a_connection_for_every_request_thread(monkeypatch):
    import anyio.to_thread

    async def thread_limit() -> float:
        return anyio.to_thread.current_default_thread_limiter().total_tokens

    assert anyio.run(thread_limit) == processes.REQUEST_THREADS  # the pool MLflow's server uses
    monkeypatch.delenv(processes.MAX_OVERFLOW_ENV, raising=False)
    overflow = int(processes.pool_environment()[processes.MAX_OVERFLOW_ENV])
    assert 5 + overflow == processes.CONNECTIONS_PER_REQUEST * processes.REQUEST_THREADS
    assert f"`{processes.MAX_OVERFLOW_ENV}={overflow}`" in DOCS.read_text()  # what the guide says
    monkeypatch.setenv(processes.MAX_OVERFLOW_ENV, "30")  # an instructor's own setting is kept
    assert processes.pool_environment() == {}


def test_join_names_the_participant_and_ranks_them(tracking_server):
    # The shared server's "workshop" experiment is this test's alone.
    for name, mse in (("member_a", 3.0), ("member_b", 1.5), ("member_a", 2.0)):
        info = workshop.join(tracking_server.url, name)
        with mlflow.start_run(run_name=f"{name}-{mse}"):
            mlflow.log_metric("mse", mse)
    workshop.leave()
    with mlflow.start_run(run_name="anonymous") as run:
        pass
    assert "participant" not in mlflow.get_run(run.info.run_id).data.tags
    assert info.kind == "server" and info.experiment_name == "workshop"
    runs = compare.runs_table("workshop")
    board = workshop.leaderboard(runs, "mse")
    assert board.to_dict("records") == [
        {"rank": 1, "participant": "member_b", "run_name": "member_b-1.5", "mse": 1.5, "runs": 1},
        {"rank": 2, "participant": "member_a", "run_name": "member_a-2.0", "mse": 2.0, "runs": 2},
    ]


def test_joining_a_server_that_is_not_there_fails_fast_with_a_hint():
    started = time.monotonic()
    with pytest.raises(tracking.TrackingStoreUnreachableError, match="Cannot reach the MLflow"):
        workshop.join(f"http://127.0.0.1:{free_port()}", "member_a")
    assert time.monotonic() - started < 30, "MLflow's own retries would take minutes"


def test_a_password_protected_server_as_the_docs_run_it(tmp_path, monkeypatch):
    """The commands of docs/workshop.md, "Passwords", in bash; the participant in Python."""
    start = docs_block("python -m helpers server --auth")
    admin_password = exported(start)["MLFLOW_AUTH_ADMIN_PASSWORD"]
    port = free_port()
    shell = run_docs_block(start, port, tmp_path)
    output = Output(shell)
    try:
        output.wait_for(READY)
        url = f"http://127.0.0.1:{port}"
        admin_shell = {**shell_env(), **exported(start)}
        admin = exported(docs_block("MLFLOW_TRACKING_USERNAME=admin"), admin_shell)
        for name, value in admin.items():
            monkeypatch.setenv(name, value)
        exec(docs_block("create_user(").replace("5000", str(port)), {})
        for name, value in exported(docs_block("MLFLOW_TRACKING_USERNAME='member_a'")).items():
            monkeypatch.setenv(name, value)
        info = workshop.join(url, "member_a")
        with mlflow.start_run() as run:
            mlflow.log_metric("mse", 1.0)
        logged = mlflow.get_run(run.info.run_id)

        monkeypatch.setenv("MLFLOW_TRACKING_PASSWORD", "not-the-password-of-member_a")
        with pytest.raises(PermissionError, match="refused the user name 'member_a'") as wrong:
            workshop.join(url, "member_a")
        monkeypatch.delenv("MLFLOW_TRACKING_USERNAME")
        monkeypatch.delenv("MLFLOW_TRACKING_PASSWORD")
        with pytest.raises(PermissionError) as missing:
            workshop.join(url, "member_a")
        os.killpg(shell.pid, signal.SIGTERM)
        output.end()
    finally:
        kill_all(port, shell)
    assert info.experiment_name == "workshop"
    assert logged.data.metrics == {"mse": 1.0} and logged.data.tags["participant"] == "member_a"
    assert "not-the-password" not in str(wrong.value)
    quoted = "needs a user name and password: set MLFLOW_TRACKING_USERNAME and "
    quoted += "MLFLOW_TRACKING_PASSWORD"
    assert quoted in str(missing.value) and quoted in " ".join(DOCS.read_text().split())
    assert admin_password not in output.text and "password-protected" in output.text
    assert (tmp_path / "workshop-store" / "basic_auth.db").exists()


@pytest.mark.parametrize("bad", ["", "   ", "a" * 65, "member; drop", None])
def test_join_rejects_odd_names(bad):
    with pytest.raises(ValueError, match="name must be 1-64"):
        workshop.join("http://127.0.0.1:1", bad)


def test_server_refuses_a_lan_address_without_allowed_hosts():
    with pytest.raises(ValueError, match="allowed_hosts"), server.start(host="0.0.0.0"):
        pass


def test_server_is_refused_on_databricks_simulated(monkeypatch):
    """Simulated Databricks: only the environment variable Databricks sets."""
    monkeypatch.setenv("DATABRICKS_RUNTIME_VERSION", "16.4")
    with (
        pytest.raises(RuntimeError, match="workspace is the shared tracking"),
        server.start(),
    ):
        pass


def test_leaderboard_needs_participants():
    with pytest.raises(ValueError, match="Unknown column 'participant'"):
        workshop.leaderboard(pd.DataFrame({"mse": [1.0]}), "mse")


def test_leaderboard_takes_min_or_max_only():
    runs = pd.DataFrame(
        {"participant": ["a", "a", "b"], "run_name": ["a1", "a2", "b1"], "mse": [3.0, 1.0, 2.0]}
    )
    assert workshop.leaderboard(runs, "mse", mode="MIN")["run_name"].tolist() == ["a2", "b1"]
    assert workshop.leaderboard(runs, "mse", mode="max")["run_name"].tolist() == ["a1", "b1"]
    with pytest.raises(ValueError, match=r"^mode must be 'min' or 'max', got 'lowest'"):
        workshop.leaderboard(runs, "mse", mode="lowest")
    with pytest.raises(ValueError, match=r"^metric 'run_name' is not numeric"):
        workshop.leaderboard(runs, "run_name")

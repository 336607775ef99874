import time

import mlflow
import pandas as pd
import pytest
from workshop_room import run_room, stored_runs

from helpers import compare, server, tracking, workshop
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


def test_join_names_the_participant_and_ranks_them(tmp_path, monkeypatch):
    with server.start(tmp_path / "store") as shared:
        for name, mse in (("member_a", 3.0), ("member_b", 1.5), ("member_a", 2.0)):
            info = workshop.join(shared.url, name)
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

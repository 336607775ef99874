"""The kit's store under a careless learner: killed kernels, moved folders, odd names, races."""

import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import mlflow
import pytest
from mlflow.tracking import MlflowClient

from helpers import data, environment, experiments, registry, tracking
from helpers.experiments import RunSpec


def _python(code: str, store: Path, **env: str) -> subprocess.CompletedProcess:
    """Run Python code in a new process that uses the kit's store in ``store``."""
    environ = {**os.environ, environment.STORE_DIR_ENV: str(store), **env}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_two_kernels_opening_a_new_store_at_once_both_work(tmp_path):
    # Before the store lock, 3 of 3 tries crashed one process ("table ... already exists").
    store = tmp_path / "mlflow-store"
    start = time.time() + 3  # every process imports MLflow first, then all set up at once
    code = f"""
        import time, sys
        import helpers.tracking
        time.sleep(max(0, {start} - time.time()))
        print(helpers.tracking.setup(sys.argv[1] if len(sys.argv) > 1 else "race").experiment_id)
    """
    environ = {**os.environ, environment.STORE_DIR_ENV: str(store)}
    kernels = [
        subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent(code)],
            env=environ,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    outputs = [kernel.communicate(timeout=120) for kernel in kernels]
    assert [kernel.returncode for kernel in kernels] == [0] * 4, [err for _, err in outputs]
    assert len({out.strip() for out, _ in outputs}) == 1  # one experiment, found by all


def test_every_experiment_gets_a_folder_of_its_own(fresh_store):
    names = ["team/a", "team-a", "Team-A", "実験", "試験", "x" * 300]
    locations = [tracking.setup(name).artifact_location for name in names]
    assert len(set(map(str.casefold, locations))) == len(names)
    assert locations[1] == (fresh_store / "artifacts" / "team-a").as_uri()
    with mlflow.start_run():  # the long name's folder is short enough for any file system
        mlflow.log_text("hello", "notes/hello.txt")
    assert tracking.setup("team-a").artifact_location == locations[1]  # kept when reused


def test_names_mlflow_cannot_hold_are_refused_up_front(fresh_store):
    with pytest.raises(ValueError, match="at most 500 characters"):
        tracking.setup("x" * 501)
    assert not (fresh_store / "mlflow.db").exists()


def test_a_moved_store_keeps_working(tmp_path, monkeypatch, capsys):
    before = tmp_path / "old-course" / "mlflow-store"
    monkeypatch.setenv(environment.STORE_DIR_ENV, str(before))
    tracking.setup("moved")
    spec = RunSpec(_forest(), 0.8, ["feature1"])
    result = experiments.run_experiments([spec], data.article_data(), progress=False)
    version = registry.register(result["model_uri"][0], "moved_model")
    mlflow.set_tracking_uri(None)

    after = tmp_path / "new-course" / "mlflow-store"
    shutil.move(before.parent, after.parent)
    monkeypatch.setenv(environment.STORE_DIR_ENV, str(after))
    capsys.readouterr()
    tracking.setup("moved")
    assert "The store was moved" in capsys.readouterr().out
    model = mlflow.sklearn.load_model(result["model_uri"][0])
    assert model.predict(data.article_data()[["feature1"]].head(2)).shape == (2,)
    assert mlflow.sklearn.load_model(f"models:/moved_model/{version.version}") is not None
    with mlflow.start_run() as run:
        mlflow.log_text("new", "new.txt")
    assert run.info.artifact_uri.startswith((after / "artifacts").as_uri())
    assert not before.exists()  # the old folder is not recreated
    capsys.readouterr()
    tracking.setup("moved")
    assert "moved" not in capsys.readouterr().out  # repaired once


def _forest():
    from sklearn.ensemble import RandomForestRegressor

    return RandomForestRegressor(n_estimators=5)


KILLED_KERNEL = """
    import os, signal
    import mlflow
    from sklearn.base import BaseEstimator, RegressorMixin
    import helpers.tracking
    from helpers import data, experiments

    class DiesWhileFitting(BaseEstimator, RegressorMixin):
        def fit(self, X, y):
            os.kill(os.getpid(), signal.SIGKILL)

    info = helpers.tracking.setup("killed")
    client = mlflow.MlflowClient()
    run = client.create_run(
        info.experiment_id, run_name="half-logged", tags=helpers.tracking.process_tag()
    )
    model = mlflow.initialize_logged_model(name="model", source_run_id=run.info.run_id)
    print(model.model_id, flush=True)
    spec = experiments.RunSpec(DiesWhileFitting(), 0.8, ["feature1"], "dies")
    experiments.run_experiments([spec], data.article_data())
"""


def test_runs_of_a_killed_kernel_are_marked_killed_and_never_registered(fresh_store, capsys):
    killed = _python(KILLED_KERNEL, fresh_store)
    assert killed.returncode == -9, killed.stderr
    model_id = killed.stdout.split()[0]
    capsys.readouterr()
    info = tracking.setup("killed")
    said = capsys.readouterr().out
    assert "Marked 2 run(s) KILLED" in said and "dies" in said and "half-logged" in said
    runs = MlflowClient().search_runs([info.experiment_id])
    assert {run.info.status for run in runs} == {"KILLED"}
    assert all(run.data.tags["mlflow.note.content"] == tracking.ABANDONED_NOTE for run in runs)
    assert str(MlflowClient().get_logged_model(model_id).status) == "FAILED"
    with pytest.raises(ValueError, match="FAILED, not READY"):
        registry.register(f"models:/{model_id}", "never_registered")

    tracking.setup("killed")  # nothing left to mark
    assert "Marked" not in capsys.readouterr().out


def test_a_run_of_a_live_process_is_left_running(fresh_store, capsys):
    info = tracking.setup("alive")
    with mlflow.start_run(tags=tracking.process_tag()) as run:
        tracking.setup("alive")
        assert mlflow.get_run(run.info.run_id).info.status == "RUNNING"
    assert "Marked" not in capsys.readouterr().out
    assert info.experiment_id == run.info.experiment_id


def test_a_model_whose_files_are_missing_is_not_registered(tracking):
    spec = RunSpec(_forest(), 0.8, ["feature1"])
    result = experiments.run_experiments([spec], data.article_data(), progress=False)
    model_id = result["model_uri"][0].removeprefix("models:/")
    location = MlflowClient().get_logged_model(model_id).artifact_location
    shutil.rmtree(Path(location.removeprefix("file://")))
    with pytest.raises(ValueError, match="files of the model .* are missing"):
        registry.register(result["model_uri"][0], "no_files")


def test_store_in_a_folder_that_cannot_be_written_fails_at_once(monkeypatch):
    # /proc accepts no new files, not even from root; MLflow retried for about 100 s.
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "sqlite:////proc/mlflow.db")
    began = time.monotonic()
    with pytest.raises(tracking.TrackingStoreUnreachableError, match="cannot be written"):
        tracking.setup("read-only")
    assert time.monotonic() - began < 10


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into read-only folders")
def test_store_in_a_read_only_folder_fails_at_once(tmp_path, monkeypatch):
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{folder}/mlflow.db")
    with pytest.raises(tracking.TrackingStoreUnreachableError, match="cannot be written"):
        tracking.setup("read-only")


def test_unreachable_database_fails_within_seconds_without_the_password(monkeypatch):
    from helpers.processes import free_port

    uri = f"postgresql+psycopg://learner:s3cret@127.0.0.1:{free_port()}/runs"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    began = time.monotonic()
    with pytest.raises(tracking.TrackingStoreUnreachableError) as caught:
        tracking.setup("unreachable")
    assert time.monotonic() - began < 10
    message = str(caught.value)
    assert "Cannot open the database postgresql+psycopg://learner:***@127.0.0.1" in message
    assert "s3cret" not in message


@pytest.mark.parametrize("start", ["setup", "join"])
def test_telemetry_is_off_in_every_kit_process(tmp_path, start, request):
    # Offline, MLflow's telemetry thread removed a variable from os.environ while requests
    # read it: 1 or 2 of a room of 30 crashed with KeyError '_MLFLOW_TELEMETRY_SESSION_ID'.
    from workshop_room import LEARNER_UNSET

    code = """
        import os, sys
        import mlflow, mlflow.telemetry
        import helpers
        if sys.argv[1:]:
            helpers.workshop.join(sys.argv[1], "learner", experiment="telemetry")
        else:
            helpers.tracking.setup("telemetry")
        with mlflow.start_run():
            pass
        print(os.environ.get("MLFLOW_DISABLE_TELEMETRY"), mlflow.telemetry.get_telemetry_client())
        print("_MLFLOW_TELEMETRY_SESSION_ID" in os.environ)
    """
    learner = {k: v for k, v in os.environ.items() if k not in LEARNER_UNSET}
    learner[environment.STORE_DIR_ENV] = str(tmp_path / "store")
    # setup() needs no server; join joins the one the tests share.
    shared = request.getfixturevalue("tracking_server") if start == "join" else None
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *([shared.url] if shared else [])],
        env=learner,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert " ".join(done.stdout.splitlines()[-2:]).split() == ["true", "None", "False"]

import sys
import time

import mlflow
import pytest
from mlflow.tracking import MlflowClient

from helpers import environment, processes, tracking
from helpers.__main__ import ui_command
from helpers.processes import free_port


def test_setup_creates_the_kits_store_and_makes_the_experiment_active(fresh_store):
    info = tracking.setup("first-experiment")
    assert (fresh_store / "mlflow.db").is_file()
    assert info.kind == "local"
    assert info.tracking_uri == f"sqlite:///{fresh_store / 'mlflow.db'}"
    assert mlflow.get_tracking_uri() == info.tracking_uri
    assert mlflow.get_experiment_by_name("first-experiment").experiment_id == info.experiment_id
    assert info.artifact_location == (fresh_store / "artifacts" / "first-experiment").as_uri()
    with mlflow.start_run() as run:
        pass
    assert run.info.experiment_id == info.experiment_id


def test_setup_repr_says_where_runs_go_and_how_to_open_the_ui(fresh_store):
    text = repr(tracking.setup("first-experiment"))
    store = environment.display_path(fresh_store)
    assert text.splitlines() == [
        f"Runs go to experiment 'first-experiment' in the kit's local SQLite store "
        f"{store}/mlflow.db (files in {store}/artifacts/first-experiment).",
        "See them in the MLflow UI: `make ui` in the course folder, then http://127.0.0.1:5000",
    ]


def test_setup_prints_nothing_on_a_brand_new_store(fresh_store, capfd):
    tracking.setup("quiet")
    out, err = capfd.readouterr()
    assert out == "" and err == ""


def test_setup_is_idempotent(fresh_store):
    first = tracking.setup("again")
    second = tracking.setup("again")
    assert first == second
    names = [e.name for e in MlflowClient().search_experiments()]
    assert names.count("again") == 1


def test_setup_restores_a_deleted_experiment_with_a_message(fresh_store, capsys):
    first = tracking.setup("deleted-earlier")
    with mlflow.start_run(run_name="kept"):
        pass
    MlflowClient().delete_experiment(first.experiment_id)
    second = tracking.setup("deleted-earlier")
    assert "'deleted-earlier' had been deleted; restored it" in capsys.readouterr().out
    assert second.experiment_id == first.experiment_id
    runs = mlflow.search_runs([second.experiment_id])
    assert runs["tags.mlflow.runName"].tolist() == ["kept"]


def test_artifacts_land_beside_the_store_whatever_the_current_folder(
    fresh_store, tmp_path, monkeypatch
):
    elsewhere = tmp_path / "some" / "other" / "folder"
    elsewhere.mkdir(parents=True)
    monkeypatch.chdir(elsewhere)
    tracking.setup("cwd-independent")
    with mlflow.start_run():
        mlflow.log_text("hello", "note.txt")
    assert list(fresh_store.rglob("note.txt"))
    assert not list(elsewhere.rglob("*")), "nothing may be written to the current folder"


def test_tracking_uri_variable_wins(fresh_store, tmp_path, monkeypatch):
    uri = f"sqlite:///{tmp_path / 'own.db'}"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    info = tracking.setup("own-store")
    assert info.kind == "sqlite" and info.tracking_uri == uri
    assert (tmp_path / "own.db").is_file()
    assert not fresh_store.exists()
    assert "mlflow ui --backend-store-uri" in repr(info)


def test_unreachable_server_fails_fast_with_a_hint(monkeypatch):
    port = free_port()
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"http://127.0.0.1:{port}")
    started = time.monotonic()
    with pytest.raises(tracking.TrackingStoreUnreachableError) as caught:
        tracking.setup("nowhere")
    # MLflow's own retries would take minutes; the kit checks once.
    assert time.monotonic() - started < 30
    message = str(caught.value)
    assert f"Cannot reach the MLflow tracking server at http://127.0.0.1:{port}" in message
    assert "make ui" in message and "unset it" in message


def test_sqlite_store_in_a_missing_folder_is_reported(monkeypatch, tmp_path):
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{tmp_path / 'missing' / 'x.db'}")
    with pytest.raises(tracking.TrackingStoreUnreachableError, match="folder that does not exist"):
        tracking.setup("nowhere")


@pytest.mark.parametrize("bad", ["", "   ", None, 3])
def test_setup_rejects_a_bad_experiment_name(bad):
    with pytest.raises(ValueError, match="experiment_name must be a non-empty string"):
        tracking.setup(bad)


def test_databricks_experiment_path():
    path = tracking.databricks_experiment_path("first-experiment", user="learner@example.com")
    assert path == "/Users/learner@example.com/first-experiment"
    assert tracking.databricks_experiment_path("/Shared/course", user="x") == "/Shared/course"


def test_databricks_is_chosen_when_running_there_simulated(monkeypatch):
    """Simulated Databricks: only the environment variable is set; no workspace is called."""
    monkeypatch.setenv("DATABRICKS_RUNTIME_VERSION", "16.4")
    assert tracking.choose_tracking_uri() == ("databricks", "databricks")


def test_make_ui_serves_the_kits_store_and_setup_can_log_to_a_server(
    fresh_store, tmp_path, monkeypatch
):
    """A real `mlflow server`, started with the command `make ui` runs."""
    tracking.setup("seen-in-the-ui")
    with mlflow.start_run(run_name="local-run"):
        mlflow.log_metric("mse", 1.5)
    port = free_port()
    log = tmp_path / "server.log"
    server = processes.start(ui_command(port), log)
    try:
        url = f"http://127.0.0.1:{port}"
        processes.wait_until_up(url + "/health", server, 90, log)
        monkeypatch.setenv("MLFLOW_TRACKING_URI", url)
        info = tracking.setup("seen-in-the-ui")
        assert info.kind == "server"
        assert repr(info).endswith(f"open {url} in a browser")
        runs = mlflow.search_runs([info.experiment_id])
        assert runs["tags.mlflow.runName"].tolist() == ["local-run"]
        with mlflow.start_run(run_name="server-run"):
            mlflow.log_metric("mse", 2.5)
    finally:
        processes.stop(server)
    monkeypatch.delenv("MLFLOW_TRACKING_URI")
    tracking.setup("seen-in-the-ui")
    names = sorted(mlflow.search_runs()["tags.mlflow.runName"])
    assert names == ["local-run", "server-run"]
    assert sys.executable == ui_command(port)[0]


def test_credentials_in_a_tracking_uri_are_never_shown(monkeypatch):
    for kind, uri in (
        ("database", "postgresql://learner:s3cret@db.example/runs"),
        ("server", "http://learner:t0ken@127.0.0.1:5000"),
    ):
        text = repr(tracking.Tracking("e", "1", uri, kind, "mlflow-artifacts:/1"))
        assert "learner:***@" in text and "s3cret" not in text and "t0ken" not in text


def test_a_refused_connection_with_credentials_says_refused_not_unknown_host(monkeypatch):
    # urllib read "learner:t0ken@127.0.0.1" as a host name: a name-lookup error, token shown.
    port = free_port()
    with pytest.raises(tracking.TrackingStoreUnreachableError) as caught:
        tracking.check_reachable(f"http://learner:t0ken@127.0.0.1:{port}")
    message = str(caught.value)
    assert "ConnectionRefusedError" in message, message
    assert f"http://learner:***@127.0.0.1:{port}" in message and "t0ken" not in message

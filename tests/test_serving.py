"""A real `mlflow models serve` process on a loopback port."""

import time

import mlflow
import numpy as np
import psutil
import pytest
from sklearn.linear_model import LinearRegression
from test_models import model_dir, plant_pickle

from helpers import data, models, serving
from helpers.experiments import article_specs, run_experiments


def family(pid: int) -> list[psutil.Process]:
    leader = psutil.Process(pid)
    return [leader, *leader.children(recursive=True)]


def all_gone(processes: list[psutil.Process]) -> bool:
    """True when none is running (a zombie waiting for its parent to reap it is gone)."""

    def running(p: psutil.Process) -> bool:
        try:
            return p.is_running() and p.status() != psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return False

    return not any(running(p) for p in processes)


def test_serve_predicts_like_the_model_and_leaves_nothing_behind(tracking):
    results = run_experiments(article_specs()[3:], data.article_data(), progress=False)
    X = data.article_data()[["feature1", "feature2"]]
    local = mlflow.pyfunc.load_model(results["model_uri"][0]).predict(X)
    with serving.serve(results["model_uri"][0]) as endpoint:
        processes = family(endpoint.process.pid)
        assert endpoint.url.startswith("http://127.0.0.1:")
        assert len(processes) >= 2, "the server and its uvicorn worker"
        np.testing.assert_array_equal(endpoint.predict(X), local)
    assert all_gone(processes)


def test_an_interrupt_inside_the_block_still_stops_the_server(tracking):
    results = run_experiments(article_specs()[:1], data.article_data(), progress=False)
    with pytest.raises(KeyboardInterrupt), serving.serve(results["model_uri"][0]) as endpoint:
        processes = family(endpoint.process.pid)
        raise KeyboardInterrupt
    assert all_gone(processes)


def refusal(model_uri: str, error: type[Exception], message: str) -> float:
    """Try to serve ``model_uri``; check it fails with ``error`` and ``message``; return seconds."""
    before = psutil.Process().children(recursive=True)
    start = time.monotonic()
    with pytest.raises(error, match=message), serving.serve(model_uri, timeout=60):
        pass
    assert psutil.Process().children(recursive=True) == before, "no server was started"
    return time.monotonic() - start


def log_linear_model() -> mlflow.models.model.ModelInfo:
    frame = data.article_data()
    X, y = frame[["feature1", "feature2"]], frame["y"]
    with mlflow.start_run():
        return models.log_sklearn_model(LinearRegression().fit(X, y), X)


def test_a_missing_logged_model_fails_at_once(tracking):
    missing = "models:/m-00000000000000000000000000000000"
    message = f"No model at '{missing}': no logged model has the ID 'm-0+' in sqlite:"
    assert refusal(missing, models.ModelNotFoundError, message) < 1


def test_a_missing_registered_model_or_alias_fails_at_once(tracking, request):
    name = f"served-{request.node.name}"
    version = mlflow.register_model(log_linear_model().model_uri, name)
    mlflow.MlflowClient().set_registered_model_alias(name, "champion", version.version)
    message = (
        rf"No model at 'models:/{name}@challenger': the registered model '{name}' has no "
        r"alias 'challenger'; its aliases: @champion -> version 1; its versions: 1$"
    )
    assert refusal(f"models:/{name}@challenger", models.ModelNotFoundError, message) < 1
    message = r"No model at 'models:/no_such_model@champion': there is no registered model "
    message += r"'no_such_model' in sqlite:.* \(registered: \S.*\)$"  # at most 10 names
    assert refusal("models:/no_such_model@champion", models.ModelNotFoundError, message) < 1


def test_a_planted_pickle_is_never_served(tracking, tmp_path):
    info = log_linear_model()
    marker = tmp_path / "payload-ran"
    plant_pickle(model_dir(info), marker)
    message = r"saved as cloudpickle .* pass allow_pickle=True"
    assert refusal(info.model_uri, models.UnsafeModelError, message) < 1
    assert not marker.exists()


def test_serving_is_refused_on_databricks_simulated(monkeypatch):
    """Simulated Databricks: only the environment variable Databricks sets."""
    monkeypatch.setenv("DATABRICKS_RUNTIME_VERSION", "16.4")
    with pytest.raises(RuntimeError, match="Databricks Model Serving"):  # noqa: SIM117
        with serving.serve("models:/x@champion"):
            pass

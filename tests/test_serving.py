"""A real `mlflow models serve` process on a loopback port."""

import mlflow
import numpy as np
import psutil
import pytest

from helpers import data, serving
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


def test_a_model_that_does_not_exist_fails_with_the_servers_log(tracking):
    missing = "models:/m-00000000000000000000000000000000"
    with pytest.raises(RuntimeError, match="The server exited. Its log ends:"):  # noqa: SIM117
        with serving.serve(missing, timeout=60):
            pass


def test_serving_is_refused_on_databricks_simulated(monkeypatch):
    """Simulated Databricks: only the environment variable Databricks sets."""
    monkeypatch.setenv("DATABRICKS_RUNTIME_VERSION", "16.4")
    with pytest.raises(RuntimeError, match="Databricks Model Serving"):  # noqa: SIM117
        with serving.serve("models:/x@champion"):
            pass

import mlflow
import numpy as np
import pytest

from helpers import data, registry, tracking
from helpers.experiments import article_specs, run_experiments


@pytest.fixture
def logged(tracking):
    specs = [article_specs()[0], article_specs()[3]]
    return run_experiments(specs, data.article_data(), progress=False)


def test_register_once_per_model(logged, request):
    name = f"model-{request.node.name}"[:60]
    first = registry.register(logged["model_uri"][1], name)
    again = registry.register(logged["model_uri"][1], name)
    by_run = registry.register(logged["run_id"][1], name)
    other = registry.register(logged["run_id"][0], name)
    assert int(first.version) == int(again.version) == int(by_run.version) == 1
    assert int(other.version) == 2
    table = registry.versions(name)
    assert table["version"].tolist() == ["1", "2"]
    assert table["run_name"].tolist() == logged["run_name"].tolist()[::-1]


def test_aliases_move_and_load(logged, request):
    name = f"alias-{request.node.name}"[:60]
    one = registry.register(logged["model_uri"][1], name)
    two = registry.register(logged["model_uri"][0], name)
    assert int(registry.set_alias(name, "champion", one.version).version) == 1
    assert registry.versions(name)["aliases"].tolist() == ["champion", ""]
    X = data.article_data()[["feature1"]].head(5)
    registry.set_alias(name, "champion", two.version)
    loaded = mlflow.pyfunc.load_model(f"models:/{name}@champion")
    direct = mlflow.pyfunc.load_model(logged["model_uri"][0])
    np.testing.assert_array_equal(loaded.predict(X), direct.predict(X))
    assert registry.versions(name)["aliases"].tolist() == ["", "champion"]


def test_bad_input_says_what_is_missing(logged, request):
    name = f"bad-{request.node.name}"[:60]
    registry.register(logged["model_uri"][0], name)
    with pytest.raises(ValueError, match=f"Model '{name}' has no version 7; its versions are: 1"):
        registry.set_alias(name, "champion", 7)
    with pytest.raises(ValueError, match="No registered model 'nope'; models here: .*" + name):
        registry.versions("nope")
    with mlflow.start_run(run_name="no-model") as run:
        mlflow.log_metric("mse", 1.0)
    with pytest.raises(ValueError, match="Run 'no-model' .* logged no model, so there is nothing"):
        registry.register(run.info.run_id, name)
    with pytest.raises(ValueError, match="neither a model URI"):
        registry.register("not-a-run", name)
    with pytest.raises(ValueError, match="registered model's URI"):
        registry.register(f"models:/{name}@champion", name)
    with pytest.raises(ValueError, match="model name must use letters"):
        registry.model_name("my model!")


def test_model_name_uses_unity_catalog_on_databricks_simulated(monkeypatch):
    """Simulated Databricks: only the environment variable Databricks sets."""
    assert registry.model_name("article_model") == "article_model"
    monkeypatch.setenv("DATABRICKS_RUNTIME_VERSION", "16.4")
    assert registry.model_name("article-model") == "workspace.default.article_model"
    assert registry.model_name("m", catalog="main", schema="ml") == "main.ml.m"


def test_register_alias_and_load_on_a_tracking_server(tracking_server, monkeypatch):
    """A tracking server checks what a SQLite store does not: each version's source."""
    monkeypatch.setenv("MLFLOW_TRACKING_URI", tracking_server.url)
    tracking.setup("registry-on-a-server")
    specs = [article_specs()[0], article_specs()[3]]
    logged = run_experiments(specs, data.article_data(), progress=False)
    first = registry.register(logged["model_uri"][1], "served_model")
    assert registry.register(logged["run_id"][1], "served_model").version == first.version
    second = registry.register(logged["model_uri"][0], "served_model")
    registry.set_alias("served_model", "champion", second.version)
    X = data.article_data()[["feature1"]].head(5)
    champion = mlflow.pyfunc.load_model("models:/served_model@champion")
    np.testing.assert_array_equal(
        champion.predict(X), mlflow.pyfunc.load_model(logged["model_uri"][0]).predict(X)
    )
    table = registry.versions("served_model")
    assert table["version"].tolist() == ["1", "2"]
    assert table["aliases"].tolist() == ["", "champion"]


def test_a_name_with_a_quote_is_registered_once_and_listed(logged):
    # Before: MLflow's filter parser failed on "o'neil" after the model had been created.
    first = registry.register(logged["model_uri"][0], "o'neil")
    again = registry.register(logged["model_uri"][0], "o'neil")
    assert str(first.version) == str(again.version) == "1"
    assert registry.versions("o'neil")["version"].tolist() == ["1"]

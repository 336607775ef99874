from pathlib import Path
from urllib.parse import urlparse

import mlflow
import pytest
from sklearn.ensemble import RandomForestRegressor
from sklearn.neural_network import MLPRegressor
from sklearn.pipeline import Pipeline
from test_models import plant_pickle

from helpers import data, models
from helpers.experiments import RunSpec, article_specs, run_experiments
from helpers.reproduce import build_model, rebuild


@pytest.fixture
def article_runs(tracking):
    return run_experiments(
        article_specs(), data.article_data(), dataset_name="article-dummy-data", progress=False
    )


def test_every_article_run_is_rebuilt_exactly(article_runs):
    for run_id, mse in zip(article_runs["run_id"], article_runs["mse"], strict=True):
        report = rebuild(run_id)
        assert report.reproduced and report.differences == ()
        assert report.rebuilt_mse == report.recorded_mse == mse
        assert report.identical_predictions is True
    text = repr(report)
    assert text.startswith("Run 'RandomForest_Train80_Feature1+2': reproduced exactly.")
    assert f"mse rebuilt  {mse!r}" in text and "data and libraries: as recorded" in text
    assert isinstance(report.model, RandomForestRegressor) and report.model.random_state == 42


def test_changed_data_is_named_as_the_difference(article_runs):
    edited = data.article_data()
    edited.loc[3, "y"] += 1.0
    report = rebuild(article_runs["run_id"][3], data=edited)
    assert not report.reproduced and report.identical_predictions is False
    (difference,) = report.differences
    assert difference.startswith("training data digest ") and difference.endswith(
        "recorded 45f172eb: not the data the run saw"
    )
    assert "NOT reproduced" in repr(report)


def test_a_different_library_version_is_reported(article_runs):
    run_id = article_runs["run_id"][0]
    mlflow.MlflowClient().set_tag(run_id, "library.scikit-learn", "0.0.1")
    report = rebuild(run_id)
    assert report.differences[0].startswith("scikit-learn ")
    assert report.differences[0].endswith(", 0.0.1 when logged")
    assert "differs: scikit-learn" in repr(report)


def test_a_pickle_planted_in_a_run_is_refused_and_never_run(article_runs, tmp_path):
    run_id = article_runs["run_id"][0]
    model_id = mlflow.get_run(run_id).outputs.model_outputs[0].model_id
    marker = tmp_path / "payload-ran"
    plant_pickle(Path(urlparse(mlflow.get_logged_model(model_id).artifact_location).path), marker)
    with pytest.raises(
        models.UnsafeModelError,
        match=rf"Refusing to load 'models:/{model_id}': it is saved as cloudpickle .*"
        r"this Python process did not log it.*only for a model you created yourself, pass "
        r"allow_pickle=True",
    ):
        rebuild(run_id)
    assert not marker.exists()
    assert rebuild(article_runs["run_id"][1]).identical_predictions is True  # skops: loads
    with pytest.raises(AttributeError):  # the opt-in unpickles: the payload runs
        rebuild(run_id, allow_pickle=True)
    assert marker.exists()


def test_a_data_set_the_kit_cannot_load_must_be_passed(tracking):
    frame = data.article_data()
    results = run_experiments(
        [RunSpec(RandomForestRegressor(n_estimators=3), 0.8, ["feature1"])],
        frame,
        dataset_name="my-private-data",
        log_models=False,
        progress=False,
    )
    with pytest.raises(ValueError, match=r"data set 'my-private-data' \(digest \w+\).*data=\.\.\."):
        rebuild(results["run_id"][0])
    report = rebuild(results["run_id"][0], data=frame)
    assert report.reproduced and report.identical_predictions is None


def test_a_run_without_the_recipe_is_refused(tracking):
    with mlflow.start_run(run_name="by-hand") as run:
        mlflow.log_metric("mse", 1.0)
    with pytest.raises(
        ValueError, match=r"'by-hand' did not record \['model_type'.*run_experiments"
    ):
        rebuild(run.info.run_id)
    with pytest.raises(ValueError, match="No run with ID 'f00'"):
        rebuild("f00")


def test_build_model_restores_pipelines_and_typed_settings():
    params = {"mlpregressor__hidden_layer_sizes": "(4, 2)", "mlpregressor__alpha": "0.01",
              "mlpregressor__random_state": "42", "mlpregressor__activation": "tanh",
              "train_size": "0.8"}  # fmt: skip
    model = build_model("StandardScaler+MLPRegressor", params)
    assert isinstance(model, Pipeline) and isinstance(model[-1], MLPRegressor)
    assert model[-1].hidden_layer_sizes == (4, 2) and model[-1].alpha == 0.01
    assert model[-1].activation == "tanh" and model[-1].random_state == 42
    with pytest.raises(ValueError, match=r"\['NotAModel'\] are not scikit-learn estimators"):
        build_model("NotAModel", {})

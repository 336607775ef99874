import mlflow
import numpy as np
import pandas as pd
import pytest
from mlflow.tracking import MlflowClient
from sklearn.ensemble import RandomForestRegressor
from sklearn.linear_model import LinearRegression
from sklearn.metrics import mean_squared_error
from sklearn.neural_network import MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from helpers import data
from helpers.experiments import (
    RESULT_COLUMNS,
    RunSpec,
    article_specs,
    as_specs,
    run_experiments,
    seeded,
)


def article_dicts():
    return [
        {"model": LinearRegression(), "train_size": 0.8, "features": ["feature1"],
         "run_name": "LinearRegression_Train80_Feature1"},
        {"model": LinearRegression(), "train_size": 0.5, "features": ["feature1"],
         "run_name": "LinearRegression_Train50_Feature1"},
        {"model": RandomForestRegressor(n_estimators=50), "train_size": 0.8,
         "features": ["feature1"], "run_name": "RandomForest_Train80_Feature1"},
        {"model": RandomForestRegressor(n_estimators=50), "train_size": 0.8,
         "features": ["feature1", "feature2"], "run_name": "RandomForest_Train80_Feature1+2"},
    ]  # fmt: skip


def runs_of(experiment_id: str) -> pd.DataFrame:
    return mlflow.search_runs([experiment_id], order_by=["attributes.start_time ASC"])


def test_article_runs_are_logged_in_full(tracking, capsys):
    frame = data.article_data()
    results = run_experiments(article_dicts(), frame, dataset_name="article-dummy-data")
    assert list(results.columns) == RESULT_COLUMNS
    assert results["run_name"].tolist() == [s["run_name"] for s in article_dicts()]
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"[1/4] LinearRegression_Train80_Feature1: mse={results['mse'][0]:.4f}"
    assert len(out) == 4

    runs = runs_of(tracking.experiment_id)
    assert runs["tags.mlflow.runName"].tolist() == results["run_name"].tolist()
    assert (runs["status"] == "FINISHED").all()
    forest = runs.iloc[3]
    assert forest["params.model_type"] == "RandomForestRegressor"
    assert forest["params.features"] == "feature1, feature2"
    assert forest["params.train_size"] == "0.8"
    assert forest["params.n_estimators"] == "50"
    assert forest["params.random_state"] == "42", "an unset seed is fixed"
    assert forest["params.seed"] == "42"
    np.testing.assert_allclose(results["rmse"] ** 2, results["mse"])
    np.testing.assert_allclose(runs["metrics.mse"], results["mse"])

    run = MlflowClient().get_run(results["run_id"][3])
    (dataset_input,) = run.inputs.dataset_inputs
    assert dataset_input.dataset.name == "article-dummy-data"
    assert dataset_input.tags[0].value == "training"
    model = mlflow.pyfunc.load_model(results["model_uri"][3])
    X_train, X_test, y_train, y_test = data.split(frame, ["feature1", "feature2"], 0.8)
    refit = RandomForestRegressor(n_estimators=50, random_state=42).fit(X_train, y_train)
    np.testing.assert_array_equal(model.predict(X_test), refit.predict(X_test))
    assert results["mse"][3] == mean_squared_error(y_test, refit.predict(X_test))


def test_results_match_plain_scikit_learn_and_repeat_exactly(tracking):
    frame = data.article_data()
    first = run_experiments(article_dicts(), frame, log_models=False, progress=False)
    second = run_experiments(article_dicts(), frame, log_models=False, progress=False)
    pd.testing.assert_series_equal(first["mse"], second["mse"])
    assert first["model_uri"].isna().all()
    X_train, X_test, y_train, y_test = data.split(frame, ["feature1"], 0.5)
    plain = LinearRegression().fit(X_train, y_train)
    assert first["mse"][1] == mean_squared_error(y_test, plain.predict(X_test))


def test_spec_models_are_not_fitted_in_place(tracking):
    spec = RunSpec(RandomForestRegressor(n_estimators=5), 0.8, ["feature1"])
    run_experiments([spec], data.article_data(), log_models=False, progress=False)
    assert not hasattr(spec.model, "estimators_")
    assert spec.model.random_state is None


@pytest.mark.filterwarnings(
    "ignore::sklearn.exceptions.ConvergenceWarning"
)  # a tiny net on purpose
def test_pipeline_model_type_and_nested_seed(tracking):
    pipe = make_pipeline(StandardScaler(), MLPRegressor(hidden_layer_sizes=(4,), max_iter=50))
    assert seeded(pipe, 3).get_params()["mlpregressor__random_state"] == 3
    results = run_experiments(
        [RunSpec(pipe, 0.8, ["feature1", "feature2"])], data.article_data(), progress=False
    )
    assert results["model_type"][0] == "StandardScaler+MLPRegressor"
    assert results["run_name"][0] == "StandardScaler+MLPRegressor_Train80_feature1+feature2"
    params = MlflowClient().get_run(results["run_id"][0]).data.params
    assert params["mlpregressor__random_state"] == "42"
    assert params["mlpregressor__hidden_layer_sizes"] == "(4,)"
    assert "steps" not in params and "standardscaler" not in params


def test_bad_input_is_rejected_before_any_run_starts(tracking):
    frame = data.article_data()
    specs = [
        RunSpec(LinearRegression(), 0.8, ["feature1"]),
        RunSpec(LinearRegression(), 0.8, ["feature3"]),
    ]
    with pytest.raises(ValueError, match=r"\['feature3'\]; the data has: feature1, feature2, y"):
        run_experiments(specs, frame)
    with pytest.raises(ValueError, match=r"\['target'\]"):
        run_experiments(specs[:1], frame, target="target")
    with pytest.raises(ValueError, match="non-empty list"):
        run_experiments([], frame)
    assert runs_of(tracking.experiment_id).empty


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"model": "LinearRegression", "train_size": 0.8, "features": ["f"]}, TypeError,
         "must be a scikit-learn estimator .*got 'LinearRegression' \\(str\\)"),
        ({"model": LinearRegression(), "train_size": 80, "features": ["f"]}, ValueError,
         "strictly between 0 and 1 .*got 80"),
        ({"model": LinearRegression(), "train_size": 0.8, "features": "feature1"}, ValueError,
         "features must be a list of column names"),
        ({"model": LinearRegression(), "train_size": 0.8, "features": []}, ValueError,
         "at least one column"),
    ],
)  # fmt: skip
def test_runspec_rejects_bad_fields(kwargs, error, message):
    with pytest.raises(error, match=message):
        RunSpec(**kwargs)


def test_as_specs_names_unknown_and_missing_keys():
    with pytest.raises(
        ValueError, match=r"unknown keys \['size'\] / missing keys \['train_size'\]"
    ):
        as_specs([{"model": LinearRegression(), "size": 0.8, "features": ["f"]}])
    with pytest.raises(ValueError, match="non-empty list"):
        as_specs(RunSpec(LinearRegression(), 0.8, ["f"]))


def test_article_specs_are_the_articles_four_runs():
    specs = article_specs()
    assert [s.name for s in specs] == [d["run_name"] for d in article_dicts()]
    for spec, wanted in zip(specs, article_dicts(), strict=True):
        assert spec.model_type == type(wanted["model"]).__name__
        assert spec.model.get_params() == wanted["model"].get_params()
        assert (spec.train_size, list(spec.features)) == (wanted["train_size"], wanted["features"])


def test_reuse_skips_runs_already_logged_and_only_those(tracking, capsys):
    frame = data.article_data()
    first = run_experiments(article_specs(), frame, log_models=False, reuse=True)
    first_out = capsys.readouterr().out
    again = run_experiments(article_specs(), frame, log_models=False, reuse=True)
    assert capsys.readouterr().out == first_out, "the same progress lines either way"
    assert again["run_id"].tolist() == first["run_id"].tolist()
    assert not first["reused"].any() and again["reused"].all()
    pd.testing.assert_frame_equal(
        again.drop(columns="reused"), first.drop(columns="reused"), check_exact=True
    )
    assert len(runs_of(tracking.experiment_id)) == 4

    changed = [RunSpec(RandomForestRegressor(n_estimators=10), 0.8, ["feature1"],
                       "RandomForest_Train80_Feature1")]  # fmt: skip
    assert not run_experiments(changed, frame, log_models=False, reuse=True)["reused"][0]
    other_seed = run_experiments(article_specs()[:1], frame, seed=1, log_models=False, reuse=True)
    assert not other_seed["reused"][0]
    with_model = run_experiments(article_specs()[:1], frame, reuse=True, progress=False)
    assert not with_model["reused"][0], "a run without a model does not stand in for one with"
    assert with_model["model_uri"][0].startswith("models:/m-")
    reused_model = run_experiments(article_specs()[:1], frame, reuse=True, progress=False)
    assert reused_model["reused"][0] and reused_model["model_uri"][0] == with_model["model_uri"][0]
    assert len(runs_of(tracking.experiment_id)) == 7


def test_progress_lines_show_the_metric_asked_for(tracking, capsys):
    frame = data.article_data()
    specs = article_specs()[:2]
    results = run_experiments(specs, frame, log_models=False, progress_metric="rmse")
    out = capsys.readouterr().out.splitlines()
    assert out == [
        f"[{i}/2] {spec.name}: rmse={rmse:.4f}"
        for i, (spec, rmse) in enumerate(zip(specs, results["rmse"], strict=True), start=1)
    ]
    with pytest.raises(ValueError, match="progress_metric must be one of 'mse', 'rmse', 'r2'"):
        run_experiments(specs, frame, progress_metric="mae")
    assert len(runs_of(tracking.experiment_id)) == 2, "a bad progress_metric runs nothing"


@pytest.mark.parametrize(
    ("change", "features", "message"),
    [
        (lambda f: f, ["feature1", "y"], "features include the target 'y'.*mse=0"),
        (lambda f: f.assign(feature2=f["feature2"].astype(str).where(f.index != 3, "n/a")),
         ["feature2"], r"column 'feature2' holds \w+ values such as 'n/a', not numbers"),
        (lambda f: f.assign(feature1=f["feature1"].where(f.index != 7)),
         ["feature1"], r"column 'feature1' has 1 missing value\(s\) \(NaN\), the first in row 7"),
        (lambda f: f.head(0), ["feature1"], "0 rows with train_size=0.8 give 0 training and 0"),
        (lambda f: f.head(1), ["feature1"], "1 rows .* at least 2 of each"),
        (lambda f: f.head(2), ["feature1"], "2 rows .* give 1 training and 1 test rows"),
    ],
)  # fmt: skip
def test_data_that_cannot_train_a_model_is_named_before_any_run(
    tracking, change, features, message
):
    frame = change(data.article_data())
    good = RunSpec(LinearRegression(), 0.8, ["feature1"], "logged-first-before")
    with pytest.raises(ValueError, match=message):
        run_experiments([good, RunSpec(LinearRegression(), 0.8, features)], frame)
    assert runs_of(tracking.experiment_id).empty

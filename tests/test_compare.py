import mlflow
import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import RandomForestRegressor
from sklearn.linear_model import LinearRegression

from helpers import compare, data
from helpers.experiments import RunSpec, run_experiments


@pytest.fixture
def logged(tracking):
    specs = [
        RunSpec(LinearRegression(), 0.8, ["feature1"], "lr"),
        RunSpec(RandomForestRegressor(n_estimators=5, max_depth=3), 0.5, ["feature1"], "rf"),
    ]
    run_experiments(specs, data.article_data(), log_models=False, progress=False)
    return tracking


def test_an_empty_experiment_gives_an_empty_table_with_the_columns(tracking):
    table = compare.runs_table()
    assert table.empty
    assert list(table.columns) == compare.BASE_COLUMNS + compare.TAIL_COLUMNS


def test_table_is_tidy(logged):
    table = compare.runs_table(order_by=["attributes.run_name ASC"])
    assert table["run_name"].tolist() == ["lr", "rf"]
    assert list(table.columns[:4]) == ["run_name", "model_type", "features", "train_size"]
    assert list(table.columns[-6:]) == compare.TAIL_COLUMNS
    assert {"mse", "rmse", "r2", "n_estimators", "max_depth", "spec_digest"} <= set(table.columns)
    assert not [c for c in table.columns if c.startswith(("params.", "metrics.", "tags."))]
    assert "artifact_uri" not in table.columns and "experiment_id" not in table.columns
    assert str(table["n_estimators"].dtype) == "Int64" and table["n_estimators"].tolist()[1] == 5
    assert pd.isna(table["n_estimators"][0]), "a linear model has no n_estimators"
    assert table["train_size"].dtype == float and table["train_size"].tolist() == [0.8, 0.5]
    assert table["bootstrap"].tolist()[1] == "True", "text params stay text"
    assert (table["duration"] >= 0).all()
    assert table["author"].notna().all() and table["status"].eq("FINISHED").all()
    assert "mse" in table.attrs["metrics"] and "n_estimators" in table.attrs["params"]


def test_filter_order_and_internal_columns(logged):
    table = compare.runs_table(
        logged.experiment_name, filter="params.train_size = '0.5'", include_internal=True
    )
    assert table["run_name"].tolist() == ["rf"]
    assert {"artifact_uri", "experiment_id", "tags.mlflow.source.name"} <= set(table.columns)
    ordered = compare.runs_table(order_by=["metrics.mse DESC"])
    assert ordered["mse"].is_monotonic_decreasing


def test_parents_notes_and_clashing_names(tracking):
    with mlflow.start_run(run_name="parent") as parent:
        mlflow.set_tag("mlflow.note.content", "why this run")
        mlflow.log_param("mse", "as a param")
        mlflow.log_metric("mse", 1.0)
        with mlflow.start_run(run_name="child", nested=True):
            mlflow.log_metric("mse", 2.0)
    table = compare.runs_table(order_by=["attributes.run_name ASC"])
    child = table.set_index("run_name").loc["child"]
    assert child["parent_run_id"] == parent.info.run_id
    assert table.set_index("run_name").loc["parent", "note"] == "why this run"
    assert {"params.mse", "metrics.mse"} <= set(table.columns), "clashing names keep prefixes"


def test_unknown_experiment_lists_the_ones_that_exist(logged):
    with pytest.raises(ValueError, match=r"Unknown experiment 'nope'; experiments here: .*test-"):
        compare.runs_table("nope")


def test_tidy_scales_to_ten_thousand_runs():
    n = 10_000
    rng = np.random.default_rng(0)
    raw = pd.DataFrame(
        {
            "run_id": [f"{i:032x}" for i in range(n)],
            "experiment_id": "1",
            "status": "FINISHED",
            "artifact_uri": "file:///x",
            "start_time": pd.Timestamp("2026-01-01", tz="UTC"),
            "end_time": pd.Timestamp("2026-01-01 00:00:02", tz="UTC"),
            "metrics.mse": rng.random(n),
            "params.n_estimators": rng.integers(1, 100, n).astype(str),
            "params.max_depth": np.where(rng.random(n) < 0.5, "None", "3"),
            "tags.mlflow.runName": [f"run{i}" for i in range(n)],
            "tags.mlflow.user": "member_a",
        }
    )
    table = compare.tidy(raw)
    assert len(table) == n and table["duration"].eq(2.0).all()
    assert table["max_depth"].isna().sum() == (raw["params.max_depth"] == "None").sum()
    assert str(table["n_estimators"].dtype) == "Int64"


def test_best_run_knows_the_direction():
    table = pd.DataFrame(
        {"run_name": ["a", "b", "c"], "mse": [2.0, 1.0, np.nan], "r2": [0.1, 0.9, 0.5]}
    )
    assert compare.best_run(table, "mse")["run_name"] == "b"
    assert compare.best_run(table, "r2")["run_name"] == "b"
    assert compare.best_run(table, "mse", mode="max")["run_name"] == "a"
    with pytest.raises(
        ValueError, match=r"Unknown metric 'mae'; the table's metrics are: mse, r2$"
    ):
        compare.best_run(table, "mae")
    with pytest.raises(ValueError, match="mode must be 'min' or 'max', got 'lowest'"):
        compare.best_run(table, "mse", mode="lowest")
    with pytest.raises(ValueError, match="no run has a value for 'mse'"):
        compare.best_run(table.iloc[2:], "mse")


@pytest.mark.parametrize(
    ("metric", "higher"),
    [("r2", True), ("val_r2", True), ("accuracy", True), ("mse", False), ("rmse", False),
     ("loss", False), ("mse_by_trees", False)],
)  # fmt: skip
def test_higher_is_better(metric, higher):
    assert compare.higher_is_better(metric) is higher


def test_runs_table_takes_a_single_order_by_as_text(logged):
    ordered = compare.runs_table(order_by="metrics.mse DESC")
    assert ordered["mse"].is_monotonic_decreasing and len(ordered) == 2


@pytest.mark.parametrize(
    ("mode", "lower"), [(None, True), ("min", True), ("MIN", True), ("max", False), ("Max", False)]
)
def test_lower_is_better_takes_min_or_max_in_any_case(mode, lower):
    assert compare.lower_is_better("mse", mode) is lower


@pytest.mark.parametrize("mode", ["lowest", "", "minimum", " min"])
def test_lower_is_better_names_the_choices(mode):
    with pytest.raises(ValueError, match=rf"^mode must be 'min' or 'max', got {mode!r}; 'min'"):
        compare.lower_is_better("mse", mode)


def test_mode_must_be_text():
    with pytest.raises(TypeError, match=r"^mode must be 'min' or 'max' \(in quotes\), got <built"):
        compare.lower_is_better("mse", min)


def test_best_run_mode_ignores_case():
    table = pd.DataFrame({"run_name": ["a", "b"], "mse": [2.0, 1.0]})
    assert compare.best_run(table, "mse", mode="MAX")["run_name"] == "a"
    with pytest.raises(ValueError, match="mode must be 'min' or 'max', got ''"):
        compare.best_run(table, "mse", mode="")


def test_check_column_names_text_in_a_numeric_column():
    table = pd.DataFrame({"mse": [1.0, 2.0], "size": ["0.5", "big"], "empty": [None, None]})
    table.attrs = {"params": ["size", "empty"], "metrics": ["mse"]}
    with pytest.raises(
        ValueError,
        match=r"^param 'size' is not numeric \(it holds text such as 'big', not numbers\); "
        r"numeric params: none$",
    ):
        compare.check_column(table, "size", "param", numeric=True)
    compare.check_column(table, "mse", "metric", numeric=True)
    compare.check_column(table, "empty", "param", numeric=True)  # no values: nothing to judge
    with pytest.raises(TypeError, match=r"^param must be a column name \(text\), got 3 \(int\)"):
        compare.check_column(table, 3, "param")

import mlflow
import pytest
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.ensemble import RandomForestRegressor
from sklearn.linear_model import Ridge

from helpers import compare, data
from helpers import tracking as kit_tracking
from helpers.experiments import RunSpec, run_sweep

GRID = {"alpha": [0.1, 1.0, 10.0], "fit_intercept": [True, False]}


class FlakyRidge(RegressorMixin, BaseEstimator):
    """A ridge model whose fit can be made to fail once, to interrupt a sweep half-way."""

    fail_on: float | None = None

    def __init__(self, alpha=1.0, fit_intercept=True):
        self.alpha = alpha
        self.fit_intercept = fit_intercept

    def fit(self, X, y):
        if FlakyRidge.fail_on == self.alpha:
            FlakyRidge.fail_on = None
            raise KeyboardInterrupt("interrupted half-way")
        self.model_ = Ridge(alpha=self.alpha, fit_intercept=self.fit_intercept).fit(X, y)
        return self

    def predict(self, X):
        return self.model_.predict(X)


def best_history(run_id, key):
    history = mlflow.MlflowClient().get_metric_history(run_id, key)
    return [(m.step, m.value) for m in sorted(history, key=lambda m: m.step)]


def test_sweep_logs_children_under_one_parent_with_the_best(tracking):
    frame = data.article_data()
    spec = RunSpec(RandomForestRegressor(), 0.8, ["feature1", "feature2"])
    grid = {"n_estimators": [5, 10], "max_depth": [2, 4, 6]}
    results = run_sweep(spec, grid, frame, parent_name="sweep", progress=False)
    assert len(results) == 6 and results["parent_run_id"].nunique() == 1
    parent = mlflow.get_run(results["parent_run_id"][0])
    assert parent.info.status == "FINISHED" and parent.data.tags["sweep"] == "parent"
    assert parent.data.params == {"grid.n_estimators": "[5, 10]", "grid.max_depth": "[2, 4, 6]"}
    best = results.loc[results["rmse"].idxmin()]
    assert parent.data.metrics["best_rmse"] == best["rmse"]
    assert parent.data.tags["best.max_depth"] == str(best["max_depth"])
    assert parent.data.tags["best.n_estimators"] == str(best["n_estimators"])
    assert parent.data.tags["best_run_id"] == best["run_id"]
    # The best so far after each child, step by step: its last value is the best.
    expected = list(enumerate(results["rmse"].cummin(), start=1))
    assert best_history(parent.info.run_id, "best_rmse") == expected
    run_sweep(spec, grid, frame, parent_name="sweep", progress=False)
    assert best_history(parent.info.run_id, "best_rmse") == expected, "a re-run adds nothing"
    children = compare.runs_table(filter=f"tags.mlflow.parentRunId = '{parent.info.run_id}'")
    assert sorted(children["run_name"]) == sorted(results["run_name"])
    assert set(children["max_depth"]) == {2, 4, 6}
    assert not any(mlflow.get_run(r).outputs.model_outputs for r in results["run_id"])


def test_an_interrupted_sweep_resumes_and_prints_the_same(tracking, capsys):
    frame = data.article_data()
    spec = RunSpec(FlakyRidge(), 0.8, ["feature1", "feature2"])
    run_sweep(spec, GRID, frame, parent_name="whole")
    whole = capsys.readouterr().out

    tracking_b = kit_tracking.setup("interrupted")
    FlakyRidge.fail_on = 10.0
    with pytest.raises(KeyboardInterrupt):
        run_sweep(spec, GRID, frame, parent_name="resumed")
    capsys.readouterr()
    resumed = run_sweep(spec, GRID, frame, parent_name="resumed")
    trashed = (
        "Moved an unfinished earlier run of 'alpha=10.0, fit_intercept=True' (FAILED) to the "
        "trash; running it again.\n"
    )
    lines = whole.splitlines(keepends=True)
    assert capsys.readouterr().out == "".join([*lines[:4], trashed, *lines[4:]])
    runs = mlflow.search_runs([tracking_b.experiment_id])
    assert len(runs) == 1 + 6, "one parent, one finished child per combination"
    assert resumed["reused"].sum() == 4, "children finished before the interruption"
    assert set(runs["status"]) == {"FINISHED"}


def test_bad_grids_are_refused_before_any_run(tracking):
    frame = data.article_data()
    spec = RunSpec(RandomForestRegressor(), 0.8, ["feature1"])
    with pytest.raises(
        ValueError, match=r"does not accept \['n_trees'\]; it accepts: .*n_estimators"
    ):
        run_sweep(spec, {"n_trees": [10]}, frame, parent_name="p")
    with pytest.raises(ValueError, match="grid must name at least one parameter"):
        run_sweep(spec, {}, frame, parent_name="p")
    with pytest.raises(ValueError, match=r"non-empty lists; not for \['max_depth'\]"):
        run_sweep(spec, {"max_depth": []}, frame, parent_name="p")
    with pytest.raises(ValueError, match="metric must be"):
        run_sweep(spec, {"max_depth": [2]}, frame, parent_name="p", metric="mae")
    with pytest.raises(ValueError, match=r"grid values must be lists.*'max_depth': 3"):
        run_sweep(spec, {"max_depth": 3}, frame, parent_name="p")
    with pytest.raises(ValueError, match=r"grid values must be lists.*'max_depth': '3'"):
        run_sweep(spec, {"max_depth": "3"}, frame, parent_name="p")
    with pytest.raises(ValueError, match="features include the target 'y'"):
        run_sweep(RunSpec(RandomForestRegressor(), 0.8, ["y"]), {"max_depth": [2]}, frame,
                  parent_name="p")  # fmt: skip
    assert mlflow.search_runs([tracking.experiment_id]).empty


def test_each_grid_gets_a_parent_that_describes_its_own_children(tracking):
    # Before: a second grid under the same name kept grid.max_depth=[1, 2] and
    # best.max_depth=2 on the parent while best_rmse came from the other grid.
    frame = data.article_data()
    spec = RunSpec(RandomForestRegressor(n_estimators=5), 0.8, ["feature1", "feature2"])
    grids = [{"max_depth": [1, 2]}, {"max_depth": [4, 8]}, {"max_depth": [1]}]
    sweeps = [run_sweep(spec, g, frame, parent_name="same", progress=False) for g in grids]
    assert len({sweep["parent_run_id"][0] for sweep in sweeps}) == 3
    for grid, sweep in zip(grids, sweeps, strict=True):
        parent = mlflow.get_run(sweep["parent_run_id"][0])
        best = sweep.loc[sweep["rmse"].idxmin()]
        assert parent.data.params["grid.max_depth"] == str(grid["max_depth"])
        assert parent.data.tags["best.max_depth"] == str(best["max_depth"])
        assert parent.data.metrics["best_rmse"] == best["rmse"]
        assert parent.data.tags["best_run_id"] == best["run_id"]
    again = run_sweep(spec, grids[0], frame, parent_name="same", progress=False)
    assert again["parent_run_id"][0] == sweeps[0]["parent_run_id"][0]
    assert again["reused"].all()


def test_the_best_by_r2_is_the_highest_and_progress_shows_the_sweep_metric(tracking, capsys):
    frame = data.article_data()
    spec = RunSpec(Ridge(), 0.8, ["feature1", "feature2"])
    results = run_sweep(spec, GRID, frame, parent_name="r2", metric="r2")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"[1/6] alpha=0.1, fit_intercept=True: r2={results['r2'][0]:.4f}"
    assert len(lines) == 6 and all(": r2=" in line for line in lines)
    parent = results["parent_run_id"][0]
    best = results.loc[results["r2"].idxmax()]
    assert mlflow.get_run(parent).data.tags["best.alpha"] == str(best["alpha"])
    assert best_history(parent, "r2") == []
    assert best_history(parent, "best_r2") == list(enumerate(results["r2"].cummax(), start=1))


def test_a_parent_name_with_a_quote_works(tracking):
    frame = data.article_data()
    spec = RunSpec(Ridge(), 0.8, ["feature1"])
    first = run_sweep(spec, {"alpha": [1.0]}, frame, parent_name="o'neil's sweep", progress=False)
    second = run_sweep(spec, {"alpha": [1.0]}, frame, parent_name="o'neil's sweep", progress=False)
    assert first["parent_run_id"][0] == second["parent_run_id"][0]
    assert mlflow.get_run(first["parent_run_id"][0]).info.run_name == "o'neil's sweep"

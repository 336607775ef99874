"""Exercises of notebook 05: a ridge regression, a simpler forest, the winner's predictions."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
from mlflow.entities import Run

from helpers.exercises import Exercise, Wrong, records
from helpers.exercises.language import say
from helpers.exercises.records import NotYet, client, expect, listing, metric, param, runs

EXPERIMENT = "05-model-architectures"
#: The cross-validation params every run of section 3 logs, as MLflow stores them.
CV = {"cv_folds": "5", "cv_shuffle": "True", "cv_seed": "42"}
#: The forest of section 2, as its params read.
FOREST = {"n_estimators": "200", "min_samples_leaf": "5", "random_state": "42"}
#: What evaluate() logs for the rows a model was trained on (section 5's training RMSE).
TRAINING_RMSE = "training_root_mean_squared_error"
TABLE = "first_five.json"

#: Section 3's loop, as the notebook has it: it logs each candidate not logged before.
_LOOP = """
for model in candidates:
    name = model_type(model)
    params = {"model_type": name, **cv_settings, **hyperparameters(model)}
    earlier = already_logged(params)
    if earlier is not None:
        print(f"already logged: {earlier.info.run_name} (same model, hyperparameters and CV)")
        continue
    with mlflow.start_run(run_name=name, log_system_metrics=True):
        scores = cross_validate(model, X, y, cv=cv, scoring=("neg_root_mean_squared_error", "r2"))
        rmse = -scores["test_neg_root_mean_squared_error"]
        model.fit(X, y)
        mlflow.log_params(params)
        mlflow.log_metrics({
            "rmse_mean": rmse.mean(), "rmse_std": rmse.std(),
            "r2_mean": scores["test_r2"].mean(), "r2_std": scores["test_r2"].std(),
            "fit_seconds": scores["fit_time"].mean(),
            "model_kb": len(skops.io.dumps(model)) / 1024,
        })  # fmt: skip
        info = helpers.models.log_sklearn_model(model, X)
        mlflow.models.evaluate(
            info.model_uri, data, model_type="regressor", evaluator_config=config
        )
    print("logged:", name)
"""

#: What notebook 05 has recorded by its exercises, in short (for the tests): sections 1 to 3,
#: system metrics on as in the notebook (they cost no time here).
GIVEN = (
    """
import logging

import mlflow
import skops.io
from sklearn.ensemble import HistGradientBoostingRegressor, RandomForestRegressor
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import KFold, cross_validate
from sklearn.neural_network import MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import helpers
from helpers.experiments import hyperparameters, model_type

tracking = helpers.tracking.setup("05-model-architectures")
diabetes = helpers.data.diabetes()
X, y = diabetes.drop(columns="y"), diabetes["y"]
candidates = [
    LinearRegression(),
    RandomForestRegressor(n_estimators=200, min_samples_leaf=5, random_state=42),
    HistGradientBoostingRegressor(learning_rate=0.05, random_state=42),
    make_pipeline(
        StandardScaler(),
        MLPRegressor(
            hidden_layer_sizes=(16,), alpha=1.0, learning_rate_init=0.05, max_iter=1000,
            random_state=42,
        ),
    ),
]
cv = KFold(n_splits=5, shuffle=True, random_state=42)
cv_settings = {"cv_folds": cv.n_splits, "cv_shuffle": cv.shuffle, "cv_seed": cv.random_state}


def already_logged(params):
    wanted = {key: str(value) for key, value in params.items()}
    same_type = f"params.model_type = '{params['model_type']}' and attributes.status = 'FINISHED'"
    runs = mlflow.search_runs(
        experiment_ids=[tracking.experiment_id], filter_string=same_type, output_format="list"
    )
    return next((run for run in runs if run.data.params == wanted), None)


logging.getLogger("mlflow").setLevel(logging.WARNING)
mlflow.set_system_metrics_sampling_interval(0.2)
data = mlflow.data.from_pandas(diabetes, name="diabetes", targets="y")
config = {"metric_prefix": "training_", "log_model_explainability": False}
mlflow.models.list_evaluators()
"""
    + _LOOP
)


def _expect_cv(run: Run) -> None:
    """Require the cross-validation params of section 3 on a run."""
    wrong = [say("{key} = {found!r} (wanted {wanted!r})", key=key, found=param(run, key),
                 wanted=value) for key, value in CV.items()
             if param(run, key) != value]  # fmt: skip
    expect(
        not wrong,
        say("run {run!r} has the CV param {wrong}.", run=run.info.run_name, wrong="; ".join(wrong)),
    )


def _model_types() -> str:
    """List the model types this experiment's runs logged, for a message."""
    return listing(run.data.params.get("model_type", "?") for run in runs(EXPERIMENT))


def _ridge() -> str:
    ridges = runs(EXPERIMENT, "params.model_type = 'Ridge'")
    if not ridges:
        raise NotYet(
            say(
                "no finished run with the param model_type 'Ridge' in experiment "
                "{experiment!r}; the model types there: {types}.",
                experiment=EXPERIMENT,
                types=_model_types(),
            )
        )
    return records.first_passing(ridges, _one_ridge)


def _one_ridge(run: Run) -> str:
    name = run.info.run_name
    alpha = param(run, "alpha")
    try:
        right = float(alpha) == 1.0
    except ValueError:
        right = False
    expect(
        right, say("the Ridge run {run!r} has alpha {alpha!r}, not '1.0'.", run=name, alpha=alpha)
    )
    _expect_cv(run)
    found = {key: metric(run, key) for key in ("rmse_mean", "rmse_std", "fit_seconds")}
    linear = [
        r.data.metrics["rmse_mean"]
        for r in runs(EXPERIMENT, "params.model_type = 'LinearRegression'")
        if "rmse_mean" in r.data.metrics
    ]
    if linear:
        return say(
            "the Ridge run has an rmse_mean of {rmse:.2f} (std {std:.2f}), against {linear:.2f} "
            "for LinearRegression: with features scaled so that each column's squares sum to 1, "
            "alpha=1.0 shrinks the weights hard.",
            rmse=found["rmse_mean"],
            std=found["rmse_std"],
            linear=linear[0],
        )
    return say(
        "the Ridge run has an rmse_mean of {rmse:.2f} (std {std:.2f}): with features scaled so "
        "that each column's squares sum to 1, alpha=1.0 shrinks the weights hard.",
        rmse=found["rmse_mean"],
        std=found["rmse_std"],
    )


q1 = Exercise(
    notebook="05",
    number=1,
    title="A ridge regression",
    practises="log a new candidate, skip the ones already logged",
    task=(
        "Add `Ridge(alpha=1.0)` (from `sklearn.linear_model`) to `candidates` and run the loop\n"
        "of section 3 again. Which runs does it log, which does it skip, and why? The check\n"
        "looks for a finished run with the param `model_type` `Ridge`, `alpha` 1.0, the CV\n"
        "params (`cv_folds`, `cv_shuffle`, `cv_seed`) and the metrics `rmse_mean`,\n"
        "`rmse_std` and `fit_seconds`. Does the penalty help against `LinearRegression`?"
    ),
    hint_text=(
        "Append the model to the list and run the loop cell as it is: already_logged finds "
        "the four earlier models by their params, so only the new one is fitted and logged."
    ),
    solution_code=f"""
from sklearn.linear_model import Ridge

candidates.append(Ridge(alpha=1.0))
# The loop of section 3, unchanged: the models logged before are skipped.{_LOOP}""",
    why="Each run logs its model type, every hyperparameter and the CV settings, so the "
    "loop can tell which models are logged already and runs only the new one.",
    verify=_ridge,
    given=GIVEN,
    wrong=(
        Wrong(
            """from sklearn.linear_model import Ridge

ridge_scores = cross_validate(Ridge(alpha=1.0), X, y, cv=cv,
                              scoring="neg_root_mean_squared_error")
with mlflow.start_run(run_name="Ridge"):
    mlflow.log_params({"model_type": "Ridge", "alpha": 1.0, **cv_settings})
    mlflow.log_metric("rmse_mean", -ridge_scores["test_score"].mean())""",
            "has no metric 'rmse_std'",
        ),
    ),
)


def _simpler_forest() -> str:
    forests = runs(EXPERIMENT, "params.model_type = 'RandomForestRegressor'")
    shallow = [run for run in forests if run.data.params.get("max_depth") == "4"]
    if not shallow:
        depths = listing(run.data.params.get("max_depth", "?") for run in forests)
        raise NotYet(
            say(
                "no finished RandomForestRegressor run with max_depth '4' in experiment "
                "{experiment!r}; the forests there have max_depth {depths}.",
                experiment=EXPERIMENT,
                depths=depths,
            )
        )
    return records.first_passing(shallow, lambda run: _one_simpler_forest(run, forests))


def _forest_gap(run: Run) -> tuple[float, float]:
    """Return a forest run's rmse_mean and its gap (rmse_mean minus the training RMSE)."""
    rmse = metric(run, "rmse_mean")
    expect(
        TRAINING_RMSE in run.data.metrics,
        say(
            "run {run!r} has no metric {metric!r}, so its gap is unknown: section 3's loop logs "
            "it with mlflow.models.evaluate.",
            run=run.info.run_name,
            metric=TRAINING_RMSE,
        ),
    )
    return rmse, rmse - run.data.metrics[TRAINING_RMSE]


def _one_simpler_forest(run: Run, forests: list[Run]) -> str:
    params = run.data.params
    wrong = [say("{key} = {found!r} (wanted {wanted!r})", key=key, found=params.get(key),
                 wanted=value) for key, value in FOREST.items()
             if params.get(key) != value]  # fmt: skip
    expect(
        not wrong,
        say(
            "the forest with max_depth '4' is there, but with {wrong}: keep the other settings of "
            "section 2.",
            wrong="; ".join(wrong),
        ),
    )
    _expect_cv(run)
    rmse, gap = _forest_gap(run)
    original = [
        r for r in forests
        if r.data.params.get("max_depth") == "None"
        and all(r.data.params.get(k) == v for k, v in FOREST.items())
        and {"rmse_mean", TRAINING_RMSE} <= set(r.data.metrics)
    ]  # fmt: skip
    if not original:
        return say(
            "the forest with max_depth 4 has an rmse_mean of {rmse:.2f} and a gap of {gap:.2f}.",
            rmse=rmse,
            gap=gap,
        )
    before, before_gap = _forest_gap(original[0])
    values = {"rmse": rmse, "before": before, "gap": gap, "before_gap": before_gap}
    if gap < before_gap:
        return say(
            "with max_depth 4 the forest has an rmse_mean of {rmse:.2f} against {before:.2f} "
            "without it, and a gap of {gap:.2f} against {before_gap:.2f}: the shallower trees "
            "memorise less.",
            **values,
        )
    return say(
        "with max_depth 4 the forest has an rmse_mean of {rmse:.2f} against {before:.2f} "
        "without it, and a gap of {gap:.2f} against {before_gap:.2f}: the shallower trees "
        "memorise no less.",
        **values,
    )


q2 = Exercise(
    notebook="05",
    number=2,
    title="A simpler forest",
    practises="change one hyperparameter, log it as a new run, compare two runs",
    task=(
        "Run the random forest of section 2 with `max_depth=4` (its other settings\n"
        "unchanged) through the loop of section 3. It is logged as a second\n"
        "`RandomForestRegressor` run, because its params differ. Does a simpler forest do\n"
        "better here? Compare the two forests' `rmse_mean` and `gap` (section 5)."
    ),
    hint_text=(
        "Append a copy of the forest with one more setting to candidates and run the loop: "
        "already_logged compares every param, and max_depth is one of them."
    ),
    solution_code=f"""
candidates.append(
    RandomForestRegressor(n_estimators=200, min_samples_leaf=5, max_depth=4, random_state=42)
)
# The loop of section 3, unchanged: only the new forest is logged.{_LOOP}""",
    why="Every hyperparameter is a param, so a change of one of them makes a new run beside "
    "the old one, and the record shows what that one setting changed.",
    verify=_simpler_forest,
    given=GIVEN,
    wrong=(
        Wrong(
            f"""candidates.append(RandomForestRegressor(max_depth=4, random_state=42))
{_LOOP}""",
            "n_estimators = '100' (wanted '200')",
        ),
    ),
)


def _read_table(run: Run) -> pd.DataFrame:
    """Download a run's table artifact and read it as log_table wrote it."""
    with tempfile.TemporaryDirectory() as folder:
        path = client().download_artifacts(run.info.run_id, TABLE, folder)
        return pd.read_json(Path(path), orient="split")


def _predictions() -> str:
    found = runs(EXPERIMENT)
    scored = [run for run in found if "rmse_mean" in run.data.metrics]
    expect(
        scored,
        say(
            "no finished run in experiment {experiment!r} has a metric 'rmse_mean' yet: run "
            "section 3 first.",
            experiment=EXPERIMENT,
        ),
    )
    lowest = min(run.data.metrics["rmse_mean"] for run in scored)
    winners = [run for run in scored if run.data.metrics["rmse_mean"] <= lowest + 1e-9]
    with_table = [
        run for run in winners
        if TABLE in (f.path for f in client().list_artifacts(run.info.run_id))
    ]  # fmt: skip
    if not with_table:
        elsewhere = [
            run.info.run_name
            for run in found
            if f'"{TABLE}"' in run.data.tags.get("mlflow.loggedArtifacts", "")
        ]
        where = (
            say("it is on {runs} instead", runs=listing(elsewhere))
            if elsewhere
            else say("no run here has one")
        )
        raise NotYet(
            say(
                "the winner, run {run!r} (lowest rmse_mean), has no artifact {table!r}; {where}.",
                run=winners[0].info.run_name,
                table=TABLE,
                where=where,
            )
        )
    winner = with_table[0]
    name = winner.info.run_name
    table = _read_table(winner)
    expect(
        "prediction" in table.columns,
        say(
            "the table {table!r} of run {run!r} has no column 'prediction'; its columns: "
            "{columns}.",
            table=TABLE,
            run=name,
            columns=listing(str(column) for column in table.columns),
        ),
    )
    last = pd.to_numeric(table["prediction"].tail(5), errors="coerce")
    expect(
        len(table) >= 5 and len(table) % 5 == 0 and last.notna().all(),
        say(
            "the table {table!r} of run {run!r} has {rows} rows with {numeric} numeric "
            "predictions at the end; it needs the first five patients, one row each, with a "
            "prediction.",
            table=TABLE,
            run=name,
            rows=len(table),
            numeric=int(last.notna().sum()),
        ),
    )
    appended = (
        say(" (the file holds {tables} tables: log_table appends)", tables=len(table) // 5)
        if len(table) > 5
        else ""
    )
    shown = ", ".join(f"{value:.0f}" for value in last)
    return say(
        "the winner, {run!r}, carries {table} with the predictions {shown}{appended}.",
        run=name,
        table=TABLE,
        shown=shown,
        appended=appended,
    )


q3 = Exercise(
    notebook="05",
    number=3,
    title="The winner's predictions, on record",
    practises="load a model from its run, log a table artifact to that run",
    task=(
        "Find the winner now: the run with the lowest `rmse_mean`. Load its model with\n"
        '`mlflow.pyfunc.load_model(f"runs:/{run_id}/model")` (the model that run logged as\n'
        "`model`) and predict the first five patients (`X.head(5)`). Log them, with the\n"
        "predictions in a column `prediction`, to the winner's run:\n"
        '`mlflow.log_table(..., artifact_file="first_five.json", run_id=...)`.\n'
        "`log_table` appends to a file that exists, so log it once."
    ),
    hint_text=(
        "Section 4's table sorted by rmse_mean has the winner first, with its run_id; the "
        "same run_id goes into the runs:/ URI and into log_table, which needs no open run."
    ),
    solution_code="""
runs = helpers.compare.runs_table("05-model-architectures", order_by=["metrics.rmse_mean ASC"])
winner = runs["run_id"][0]
winner_model = mlflow.pyfunc.load_model(f"runs:/{winner}/model")
first_five = X.head(5).assign(prediction=winner_model.predict(X.head(5)))
mlflow.log_table(first_five, artifact_file="first_five.json", run_id=winner)
""",
    why="A table artifact keeps the winner's predictions with the run and the model that "
    "made them, and mlflow.load_table reads them back.",
    verify=_predictions,
    given=GIVEN,
    wrong=(
        Wrong(
            """runs = helpers.compare.runs_table("05-model-architectures",
                                  order_by=["metrics.rmse_mean ASC"])
winner_model = mlflow.pyfunc.load_model(f"runs:/{runs['run_id'][0]}/model")
with mlflow.start_run(run_name="predictions"):
    mlflow.log_table(X.head(5).assign(prediction=winner_model.predict(X.head(5))),
                     artifact_file="first_five.json")""",
            "it is on 'predictions' instead",
        ),
    ),
)

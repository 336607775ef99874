"""Exercises of notebook 08: a study resumed, a model per group, the UDF's score on record."""

from __future__ import annotations

import mlflow

from helpers import data
from helpers.exercises import Exercise, Wrong
from helpers.exercises.language import say
from helpers.exercises.records import (
    NotYet,
    children,
    expect,
    listing,
    metric,
    model_name,
    param,
    run_named,
    runs,
    version_by_alias,
)

EXPERIMENT = "08-scaling-out"
STUDY = "optuna-sequential"
MORE_TRIALS = 12
BANDS = ("middle", "older", "younger")
SCORING = "batch-scoring"

#: What notebook 08 has recorded by its exercises, in short (for the tests).
GIVEN = """
import os

import mlflow
import optuna
import pandas as pd
from mlflow.optuna.storage import MlflowStorage
from pyspark.sql import functions as F
from sklearn.ensemble import RandomForestRegressor
from sklearn.linear_model import Ridge
from sklearn.metrics import root_mean_squared_error

import helpers

tracking = helpers.tracking.setup("08-scaling-out")
os.environ["MLFLOW_LOGGING_LEVEL"] = "WARNING"
spark = helpers.spark.start()
diabetes = helpers.data.diabetes()
patients = spark.createDataFrame(diabetes)
features = [c for c in diabetes.columns if c != "y"]
X_train, X_test, y_train, y_test = helpers.data.split(diabetes, features, 0.8)


def objective(trial):
    forest = RandomForestRegressor(
        n_estimators=trial.suggest_int("n_estimators", 25, 200, step=25),
        max_depth=trial.suggest_int("max_depth", 2, 8),
        random_state=42,
    )
    forest.fit(X_train, y_train)
    return root_mean_squared_error(y_test, forest.predict(X_test))


TRIALS = 8
storage = MlflowStorage(experiment_id=tracking.experiment_id)
optuna.logging.set_verbosity(optuna.logging.WARNING)
sequential = optuna.create_study(
    study_name="optuna-sequential", storage=storage,
    sampler=optuna.samplers.TPESampler(seed=42, n_startup_trials=4), load_if_exists=True,
)
sequential.optimize(objective, n_trials=TRIALS - len(sequential.trials))
mlflow.MlflowClient().set_terminated(storage.get_study_id_from_name("optuna-sequential"))
tracking_uri, experiment_id = mlflow.get_tracking_uri(), tracking.experiment_id
bands = F.when(F.col("age") < -0.037, "younger").when(F.col("age") < 0.038, "middle")
by_band = patients.withColumn("age_band", bands.otherwise("older"))
name = helpers.registry.model_name("spark_forest")
best = RandomForestRegressor(**sequential.best_params, random_state=42)
with mlflow.start_run(run_name="best-trial-forest"):
    mlflow.log_params(sequential.best_params)
    model_uri = helpers.models.log_sklearn_model(best.fit(X_train, y_train), X_train).model_uri
version = helpers.registry.register(model_uri, name)
helpers.registry.set_alias(name, "champion", version.version)
"""


def _resumed() -> str:
    study = run_named(EXPERIMENT, STUDY)
    trials = children(study)
    expect(
        len(trials) >= MORE_TRIALS,
        say(
            "the study {study!r} has {count} finished trial runs, not {wanted} yet: load it by "
            "its name and optimize the trials that are missing.",
            study=STUDY,
            count=len(trials),
            wanted=MORE_TRIALS,
        ),
    )
    best = min(trials, key=lambda trial: metric(trial, "value"))
    return say(
        "the study has {count} trials; the best, max_depth {max_depth} and n_estimators "
        "{n_estimators}, has the value {value:.3f}.",
        count=len(trials),
        max_depth=param(best, "max_depth"),
        n_estimators=param(best, "n_estimators"),
        value=metric(best, "value"),
    )


q1 = Exercise(
    notebook="08",
    number=1,
    title="More trials for the same study",
    practises="resume an Optuna study kept in MLflow, by its name",
    task=(
        f"The study `{STUDY}` stopped at 8 trials. Load it again by its name from the\n"
        f"same `storage` and run trials until it has {MORE_TRIALS}. Its new trials are runs\n"
        "under the same study run. Did the best value improve?"
    ),
    hint_text=(
        "Optuna's create_study takes the same study name, storage and sampler, and whether to "
        "load a study that exists; its trials list says how many there are."
    ),
    solution_code=f"""
resumed = optuna.create_study(
    study_name="{STUDY}",
    storage=storage,
    sampler=optuna.samplers.TPESampler(seed=42, n_startup_trials=4),
    load_if_exists=True,
)
resumed.optimize(objective, n_trials={MORE_TRIALS} - len(resumed.trials))
mlflow.MlflowClient().set_terminated(storage.get_study_id_from_name("{STUDY}"))
print(len(resumed.trials), "trials; best:", resumed.best_params, round(resumed.best_value, 3))
""",
    why="A study kept in an MLflow experiment outlives the Python that ran it: any process (a "
    "later session, a Spark task on another machine) can load it and go on.",
    verify=_resumed,
    given=GIVEN,
    wrong=(
        Wrong(
            """another = optuna.create_study(study_name="optuna-more", storage=storage)
another.optimize(objective, n_trials=8)""",
            "has 8 finished trial runs",
        ),
    ),
)


def _forests_per_band() -> str:
    found = {band: runs(EXPERIMENT, f"attributes.run_name = 'forest-{band}'") for band in BANDS}
    missing = [f"forest-{band}" for band, logged in found.items() if not logged]
    if missing:
        others = [run.info.run_name for run in runs(EXPERIMENT) if run.info.run_name.startswith(
            ("ridge-", "forest-"))]  # fmt: skip
        raise NotYet(
            say(
                "no finished run named {missing} in {experiment!r}; the runs per band there: "
                "{others}.",
                missing=listing(missing),
                experiment=EXPERIMENT,
                others=listing(others),
            )
        )
    scores = []
    for band, logged in found.items():
        run = logged[0]
        kind = param(run, "model_type")
        expect(
            kind == "RandomForestRegressor",
            say(
                "run 'forest-{band}' has the model_type {kind!r}, not 'RandomForestRegressor'.",
                band=band,
                kind=kind,
            ),
        )
        expect(
            param(run, "age_band") == band,
            say(
                "run 'forest-{band}' has the age_band {age_band!r}.",
                band=band,
                age_band=param(run, "age_band"),
            ),
        )
        scores.append(f"{band} {metric(run, 'rmse'):.1f}")
    return say("one forest per band, RMSE {scores}.", scores=", ".join(scores))


q2 = Exercise(
    notebook="08",
    number=2,
    title="A forest per age band",
    practises="train and log one model per group from Spark's workers",
    task=(
        "Train one `RandomForestRegressor(n_estimators=100, max_depth=3, random_state=42)`\n"
        "per age band, as section 4 trains ridge regressions: with `applyInPandas`, each\n"
        "band's run logged from the worker, named `forest-<band>` (`forest-middle`, ...),\n"
        "with the params `model_type` (`RandomForestRegressor`) and `age_band` and the metric\n"
        "`rmse`. Which model is better in each band, the ridge or the forest?"
    ),
    hint_text=(
        "Copy train_group under a new name and change the model, the run name and the "
        "model_type param; drop its check for an earlier run, which looks for the ridge runs' "
        "names. Apply it to the same grouped DataFrame, in one action."
    ),
    solution_code="""
def train_forest(group: pd.DataFrame) -> pd.DataFrame:
    mlflow.set_tracking_uri(tracking_uri)
    band = group["age_band"].iloc[0]
    train = group.sample(frac=0.8, random_state=42)
    test = group.drop(train.index)
    forest = RandomForestRegressor(n_estimators=100, max_depth=3, random_state=42)
    forest.fit(train[features], train["y"])
    rmse = root_mean_squared_error(test["y"], forest.predict(test[features]))
    with mlflow.start_run(run_name=f"forest-{band}", experiment_id=experiment_id):
        mlflow.log_params({"model_type": "RandomForestRegressor", "age_band": band})
        mlflow.log_metric("rmse", rmse)
    return pd.DataFrame({"age_band": [band], "rmse": [rmse]})


forests = by_band.groupBy("age_band").applyInPandas(
    train_forest, schema="age_band string, rmse double"
).toPandas()
forests.sort_values("age_band").round(2)
""",
    why="The grouping, the function and the tracking are the same whatever the model: many "
    "models at once is one function and one action, with a run per group to compare.",
    verify=_forests_per_band,
    given=GIVEN,
    wrong=(
        Wrong(
            """with mlflow.start_run(run_name="forest-middle"):
    mlflow.log_params({"model_type": "RandomForestRegressor", "age_band": "middle"})
    mlflow.log_metric("rmse", 55.0)""",
            "no finished run named 'forest-older', 'forest-younger'",
        ),
    ),
)


def _scored() -> str:
    run = run_named(EXPERIMENT, SCORING)
    rmse = metric(run, "udf_rmse")
    champion = version_by_alias(model_name("spark_forest"), "champion")
    rows = param(run, "rows")
    expect(
        rows == "89",
        say("run {run!r} scored {rows} rows; the test rows are 89.", run=SCORING, rows=rows),
    )
    diabetes = data.diabetes()
    features = [c for c in diabetes.columns if c != "y"]
    _, X_test, _, y_test = data.split(diabetes, features, 0.8)
    model = mlflow.pyfunc.load_model(f"models:/{champion.name}/{champion.version}")
    wanted = float(((model.predict(X_test) - y_test.to_numpy()) ** 2).mean() ** 0.5)
    expect(
        abs(rmse - wanted) < 1e-6,
        say(
            "run {run!r} has udf_rmse {rmse:.4f}, but the champion's RMSE on the test rows is "
            "{wanted:.4f}: score X_test (with y_test) with the UDF of @champion.",
            run=SCORING,
            rmse=rmse,
            wanted=wanted,
        ),
    )
    return say(
        "the UDF scored the 89 test rows with RMSE {rmse:.3f}, as the model does in pandas.",
        rmse=rmse,
    )


q3 = Exercise(
    notebook="08",
    number=3,
    title="The UDF's score, on record",
    practises="score a Spark DataFrame with the registered model, log the result",
    task=(
        "Score the test rows (`X_test`, with `y_test` beside them) as a Spark DataFrame with\n"
        "the UDF of `@champion`, and log their RMSE as the metric `udf_rmse`, with the param\n"
        f"`rows` (how many rows were scored), in a run named `{SCORING}`."
    ),
    hint_text=(
        "spark.createDataFrame turns a pandas table into a Spark one; select the UDF applied "
        "to the feature columns next to y, bring the result back with toPandas, and compute "
        "the RMSE there."
    ),
    solution_code=f"""
predict = mlflow.pyfunc.spark_udf(
    spark, f"models:/{{name}}@champion", result_type="double", env_manager="local"
)
test_rows = spark.createDataFrame(X_test.assign(y=y_test))
scored = test_rows.select("y", predict(*features).alias("prediction")).toPandas()
with mlflow.start_run(run_name="{SCORING}"):
    mlflow.log_param("rows", len(scored))
    mlflow.log_metric("udf_rmse", root_mean_squared_error(scored["y"], scored["prediction"]))
""",
    why="A batch job that scores with the registered model should leave a record of what it "
    "scored and how well: the run is that record, next to the model's own runs.",
    verify=_scored,
    given=GIVEN,
    wrong=(
        Wrong(
            """with mlflow.start_run(run_name="batch-scoring"):
    mlflow.log_param("rows", 89)
    mlflow.log_metric("udf_rmse", 50.0)""",
            "but the champion's RMSE on the test rows",
        ),
    ),
)

"""Time notebook 08's two jobs on local Spark against plain Python, in one process.

(a) A search of N trials (``--trials``, 16 by default) over notebook 06's random forest on
the diabetes data (25-200 trees, max_depth 2-8, ``random_state=42``; rmse on the test
rows): once with plain Optuna, one trial after another, and once with MLflow's
``MlflowSparkStudy`` on ``local[2]`` (two Spark tasks, ``n_jobs=2``). Both keep every trial
as an MLflow run through ``MlflowStorage``, in one temporary SQLite store. Spark's start
and its first study (the Python workers import MLflow, Optuna and scikit-learn) are timed
apart: a notebook pays them once. The same N trials of an objective that returns at once
measure each side's cost per trial without any work: the store's writes, and for Spark
its job and the two tasks' contention for the one SQLite file.
(b) Scoring 1,000,000 generated rows with one fitted forest logged by
``helpers.models.log_sklearn_model``: ``mlflow.pyfunc.spark_udf(env_manager="local")``
on 2 partitions against ``mlflow.pyfunc.load_model(...).predict`` in pandas; the
predictions must agree. Reading the rows into Spark (from a Parquet file, cached), and
loading the model or building the UDF, are timed apart.

How to read it: two cores can at best halve a time (2.0x faster). A search falls short of
that by Spark's cost per trial; the break-even line says how much work a trial needs before
Spark wins on this machine. Below 1.0x, plain Python is faster here: on a laptop Spark
mostly teaches the API that a cluster's many cores pay off. Another busy process on the
machine slows both sides; the load average is printed first.
Run with ``.venv/bin/python benchmarks/bench_spark.py`` (under a minute on 2 cores).
"""

from __future__ import annotations

import argparse
import logging
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import mlflow
import numpy as np
import optuna
import pandas as pd
from mlflow.optuna.storage import MlflowStorage
from mlflow.pyspark.optuna.study import MlflowSparkStudy
from sklearn.ensemble import RandomForestRegressor
from sklearn.metrics import root_mean_squared_error

import helpers

TRIALS = 16
ROWS = 1_000_000
WARMUP_TRIALS = 2
#: The forest that scores the generated rows.
SCORING_FOREST = {"n_estimators": 100, "max_depth": 6, "random_state": 42}

Objective = Callable[[optuna.Trial], float]


def forest_objective(data: pd.DataFrame) -> Objective:
    """Notebook 06's forest as an Optuna objective: the test rmse of the suggested forest.

    A closure, so that Spark ships it and its data to the workers by value.
    """
    features = [c for c in data.columns if c != helpers.data.TARGET]
    X_train, X_test, y_train, y_test = helpers.data.split(data, features, 0.8)

    def objective(trial: optuna.Trial) -> float:
        forest = RandomForestRegressor(
            n_estimators=trial.suggest_int("n_estimators", 25, 200),
            max_depth=trial.suggest_int("max_depth", 2, 8),
            random_state=42,
        )
        forest.fit(X_train, y_train)
        return float(root_mean_squared_error(y_test, forest.predict(X_test)))

    return objective


def instant_objective(trial: optuna.Trial) -> float:
    """The same two suggestions, and no work: what is left is the cost of a trial."""
    return float(trial.suggest_int("n_estimators", 25, 200) + trial.suggest_int("max_depth", 2, 8))


def search(
    objective: Objective, n_trials: int, name: str, experiment_id: str, *, on_spark: bool
) -> tuple[float, float, int]:
    """Run one search of ``n_trials``, each trial an MLflow run of the study's run.

    Args:
        objective: The objective.
        n_trials: How many trials.
        name: The study's name (a new one: an existing study would be resumed).
        experiment_id: The experiment that keeps the study.
        on_spark: ``MlflowSparkStudy`` with ``n_jobs=2``, else plain Optuna in this process.

    Returns:
        ``(wall seconds, seconds of the trials summed, trees of the trials summed)``: the
        two sides' samplers suggest different forests (Spark reseeds each task's).
    """
    storage = MlflowStorage(experiment_id=experiment_id)
    sampler = optuna.samplers.TPESampler(seed=42)
    started = time.perf_counter()
    if on_spark:
        study = MlflowSparkStudy(name, storage, sampler=sampler)
        study.optimize(objective, n_trials=n_trials, n_jobs=helpers.spark.CORES)
    else:
        study = optuna.create_study(study_name=name, storage=storage, sampler=sampler)
        study.optimize(objective, n_trials=n_trials)
    wall = time.perf_counter() - started
    trials = study.trials
    done = [t for t in trials if t.state == optuna.trial.TrialState.COMPLETE]
    assert len(trials) == len(done) == n_trials, f"{name}: {len(done)}/{len(trials)} complete"
    busy = sum((t.datetime_complete - t.datetime_start).total_seconds() for t in done)
    return wall, busy, sum(t.params["n_estimators"] for t in done)


def generated_rows(data: pd.DataFrame, n_rows: int) -> pd.DataFrame:
    """``n_rows`` rows like the diabetes features: each column normal, its mean and spread."""
    features = data.drop(columns=helpers.data.TARGET)
    rng = np.random.default_rng(42)
    values = rng.normal(features.mean(), features.std(), size=(n_rows, features.shape[1]))
    return pd.DataFrame(values, columns=features.columns)


def scoring(spark, data: pd.DataFrame, n_rows: int, folder: Path) -> dict[str, float]:
    """Score generated rows with one logged forest, in pandas and with ``spark_udf``.

    Spark reads the rows from a Parquet file in ``folder``, as it would read a table:
    ``spark.createDataFrame`` of a large pandas frame ships the rows inside its tasks.

    Returns:
        Seconds of each step, and the largest difference between the two predictions.
    """
    X_train, _, y_train, _ = helpers.data.split(
        data, [c for c in data.columns if c != helpers.data.TARGET], 0.8
    )
    forest = RandomForestRegressor(**SCORING_FOREST).fit(X_train, y_train)
    with mlflow.start_run(run_name="scoring-forest"):
        uri = helpers.models.log_sklearn_model(forest, X_train).model_uri
    rows = generated_rows(data, n_rows)
    times: dict[str, float] = {}

    started = time.perf_counter()
    model = mlflow.pyfunc.load_model(uri)
    times["pandas load"] = time.perf_counter() - started
    started = time.perf_counter()
    expected = np.asarray(model.predict(rows))
    times["pandas predict"] = time.perf_counter() - started

    started = time.perf_counter()
    rows.assign(row=np.arange(n_rows)).to_parquet(folder / "rows.parquet")
    frame = spark.read.parquet(str(folder / "rows.parquet"))
    frame = frame.repartition(helpers.spark.CORES).cache()  # one file: one partition else
    assert frame.count() == n_rows
    times["to Spark"] = time.perf_counter() - started
    started = time.perf_counter()
    # A double per row: from the model's signature (an array output, as infer_signature
    # gives for predict's NumPy array) spark_udf would return a one-element array per row.
    udf = mlflow.pyfunc.spark_udf(spark, uri, env_manager="local", result_type="double")
    times["spark load"] = time.perf_counter() - started
    started = time.perf_counter()
    scored = frame.select("row", udf(*X_train.columns).alias("prediction")).toPandas()
    times["spark predict"] = time.perf_counter() - started
    frame.unpersist()

    got = scored.sort_values("row")["prediction"].to_numpy()
    assert len(got) == n_rows, f"spark_udf returned {len(got)} rows"
    times["difference"] = float(np.max(np.abs(got - expected)))
    return times


def line(label: str, plain: float, spark: float, *, ratio: bool = False, digits: int = 1) -> None:
    """Print one row of the table: plain Python's seconds, Spark's, and Spark's speed-up."""
    speedup = f"   {plain / spark:.2f}x faster on Spark" if ratio else ""
    print(f"  {label:26s} {plain:10.{digits}f} s  {spark:13.{digits}f} s{speedup}")


def main() -> None:
    """Time Spark's start, both searches and both scorings; print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=TRIALS, help="trials of each search")
    parser.add_argument("--rows", type=int, default=ROWS, help="rows to score")
    args = parser.parse_args()

    os.environ.pop("MLFLOW_TRACKING_URI", None)
    # MLflow logs a line per Spark trial, and warns that env_manager="local" reuses this
    # Python (as intended here). Spark's Python workers inherit the variable.
    os.environ["MLFLOW_LOGGING_LEVEL"] = "ERROR"
    logging.getLogger("mlflow").setLevel(logging.ERROR)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    load = os.getloadavg()[0]
    n = args.trials
    data = helpers.data.diabetes()
    forest = forest_objective(data)
    with tempfile.TemporaryDirectory(prefix="bench-spark-") as tmp:
        os.environ[helpers.environment.STORE_DIR_ENV] = str(Path(tmp) / "mlflow-store")
        experiment = helpers.tracking.setup("bench-spark").experiment_id
        search(forest, WARMUP_TRIALS, "warmup-seq", experiment, on_spark=False)
        started = time.perf_counter()
        with helpers.spark.session() as spark:
            spark_start = time.perf_counter() - started
            warmup, *_ = search(forest, WARMUP_TRIALS, "warmup-spark", experiment, on_spark=True)
            instant_seq, *_ = search(
                instant_objective, n, "instant-seq", experiment, on_spark=False
            )
            instant_spark, *_ = search(
                instant_objective, n, "instant-spark", experiment, on_spark=True
            )
            forest_seq, busy_seq, trees_seq = search(
                forest, n, "forest-seq", experiment, on_spark=False
            )
            forest_spark, busy_spark, trees_spark = search(
                forest, n, "forest-spark", experiment, on_spark=True
            )
            scored = scoring(spark, data, args.rows, Path(tmp))
            started = time.perf_counter()
        spark_stop = time.perf_counter() - started

    cores = helpers.spark.CORES
    cost_seq, cost_spark = instant_seq / n, instant_spark / n
    # A forest trial's own work: sequentially, and in one of the Spark tasks that run at once.
    work_seq = max(forest_seq - instant_seq, 0.0) / n
    work_spark = max(forest_spark - instant_spark, 0.0) * cores / n
    # Per trial, sequential: work + cost_seq; on Spark: work / cores + cost_spark.
    break_even = max((cost_spark - cost_seq) * cores / (cores - 1), 0.0)
    print(f"load average before: {load:.1f} on {os.cpu_count()} cores")
    print(f"Spark start (local[{cores}]): {spark_start:.1f} s; stop: {spark_stop:.1f} s")
    print(
        f"first Spark study, {WARMUP_TRIALS} forest trials (its Python workers start and import "
        f"MLflow, Optuna, scikit-learn): {warmup:.1f} s"
    )
    print()
    print(f"{f'search of {n} trials':28s} {'sequential':>10s}  {f'Spark local[{cores}]':>15s}")
    line("forest (wall)", forest_seq, forest_spark, ratio=True)
    line("instant objective (wall)", instant_seq, instant_spark, ratio=True)
    line("cost per trial (wall/N)", cost_seq, cost_spark, digits=2)
    line("trial time summed", busy_seq, busy_spark)
    print(f"  {'trees grown':26s} {trees_seq:10d}    {trees_spark:13d}")
    print(f"  Spark ran {busy_spark / forest_spark:.1f} forest trials at a time")
    print(
        f"  a forest trial's own work: {work_seq:.2f} s sequentially, {work_spark:.2f} s in a task"
    )
    print(
        f"  with the work split evenly on {cores} cores, Spark would win once a trial's own "
        f"work exceeds {break_even:.2f} s"
    )
    print()
    print(f"{f'scoring {args.rows:,} rows':28s} {'pandas':>10s}  {'spark_udf':>15s}")
    line("predict", scored["pandas predict"], scored["spark predict"], ratio=True)
    line("load model / build UDF", scored["pandas load"], scored["spark load"])
    print(f"  {'Parquet to Spark, cached':26s} {'':>12s}  {scored['to Spark']:13.1f} s")
    verdict = "agree" if scored["difference"] < 1e-9 else "DISAGREE"
    print(f"  predictions {verdict}: largest difference {scored['difference']:.1e}")
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()

"""helpers.spark against a real local Spark: quiet, fixed cores, no Java left behind."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import mlflow
import optuna
import psutil
import pytest
from mlflow.optuna.storage import MlflowStorage
from mlflow.pyspark.optuna.study import MlflowSparkStudy
from sklearn.ensemble import RandomForestRegressor
from sklearn.metrics import root_mean_squared_error

import helpers
from helpers import spark

#: Lines of Spark's start-up and logging that a learner must not see.
NOISE = ("WARN", "log4j", "NativeCodeLoader", "Setting default log level")


@pytest.fixture(scope="module")
def shared() -> Iterator[dict]:
    """Holds the session the tests of this file share, started when first needed."""
    holder: dict = {}
    yield holder
    if "session" in holder:
        spark.stop(holder.pop("session"))


@pytest.fixture
def session(shared: dict):
    """The shared local session (one start for the whole file: about 4 s)."""
    if "session" not in shared:
        shared["session"] = spark.start()
    return shared["session"]


@pytest.fixture
def no_session(shared: dict) -> None:
    """For a test that starts and stops sessions of its own: the shared one is stopped first.

    Otherwise ``getOrCreate`` would hand that test the shared session.
    """
    if "session" in shared:
        spark.stop(shared.pop("session"))


def running(process: psutil.Process) -> bool:
    """True while a process runs (a zombie waiting for its parent to reap it is gone)."""
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def name_of(process: psutil.Process) -> str:
    try:
        return process.name()
    except psutil.NoSuchProcess:
        return "?"


def scratch_of(session) -> Path:
    """The scratch folder a session was started with (its ``java.io.tmpdir``)."""
    options = session.sparkContext.getConf().get("spark.driver.extraJavaOptions")
    found = re.search(r"-Djava\.io\.tmpdir=(\S+)", options or "")
    assert found, f"no java.io.tmpdir in the driver's options: {options!r}"
    return Path(found.group(1))


def python_job(session) -> list[str]:
    """A job whose tasks run Python: each of two tasks reports the Python that ran it."""
    return session.sparkContext.parallelize(range(4), 2).map(lambda _: sys.executable).collect()


def test_stop_leaves_no_java_process_and_no_scratch_folder(no_session):
    # Other tests of this worker may have left processes of their own (a shared server).
    before = {p.pid for p in psutil.Process().children(recursive=True)}
    started = spark.start()
    try:
        assert python_job(started) == [sys.executable] * 4, "workers run this Python"
        children = {
            p: name_of(p) for p in psutil.Process().children(recursive=True) if p.pid not in before
        }
        scratch = scratch_of(started)
        assert scratch.is_dir(), f"the scratch folder {scratch} exists while Spark runs"
    finally:
        spark.stop(started)
    names = sorted(children.values())
    assert any(name.startswith("java") for name in names), f"no Java among {names}"
    left = [(p.pid, name) for p, name in children.items() if running(p)]
    assert not left, f"still running after stop(): {left}"
    assert not scratch.exists(), f"stop() left the scratch folder {scratch}"


def test_a_second_session_starts_after_stop(no_session):
    first = spark.start()
    spark.stop(first)
    second = spark.start()
    try:
        assert second.range(10).count() == 10, "a job runs on the second session"
        assert python_job(second) == [sys.executable] * 4, "Python tasks run too"
    finally:
        spark.stop(second)


def test_a_session_starts_and_stops_without_log_noise():
    script = (
        "from helpers import spark\n"
        "session = spark.start()\n"
        "assert session.range(10).count() == 10\n"
        "spark.stop(session)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=180, check=False
    )
    assert done.returncode == 0, f"the script failed:\n{done.stderr}"
    noise = [line for line in done.stderr.splitlines() if any(word in line for word in NOISE)]
    assert not noise, "Spark's log noise reached stderr:\n" + "\n".join(noise)


@pytest.mark.parametrize("cores", [0, -1, "2", 2.0, True])
def test_start_refuses_a_bad_number_of_cores(cores):
    with pytest.raises(ValueError, match=f"got {re.escape(repr(cores))}$"):
        spark.start(cores=cores)


def test_java_release_of_a_folder_without_java_is_none(tmp_path):
    assert spark.java_release(tmp_path) is None
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "java").write_text("not a program")
    assert spark.java_release(tmp_path) is None, "a file that does not run is no Java"


def test_java_home_is_the_java_spark_needs():
    home = Path(spark.java_home())
    assert spark.java_release(home) == spark.JAVA_RELEASE, f"{home} is not Java 17"


def test_a_session_runs_locally_on_the_fixed_cores_without_ui(session):
    context = session.sparkContext
    assert context.master == f"local[{spark.CORES}]", context.master
    assert context.defaultParallelism == spark.CORES, context.defaultParallelism
    assert session.conf.get("spark.ui.enabled") == "false"
    assert context.uiWebUrl is None, f"a web UI listens at {context.uiWebUrl}"
    assert session.range(1000).selectExpr("sum(id)").first()[0] == 499_500
    assert python_job(session) == [sys.executable] * 4, "workers run this Python"


def test_a_parallel_study_logs_each_trial_as_a_child_run(session, fresh_store):
    info = helpers.tracking.setup("test-spark-study")
    diabetes = helpers.data.diabetes()
    features = [c for c in diabetes.columns if c != "y"]
    X_train, X_test, y_train, y_test = helpers.data.split(diabetes, features, 0.8)

    def objective(trial: optuna.Trial) -> float:  # local: Spark ships it to its workers
        forest = RandomForestRegressor(
            n_estimators=trial.suggest_int("n_estimators", 5, 20),
            max_depth=trial.suggest_int("max_depth", 2, 6),
            random_state=42,
        )
        forest.fit(X_train, y_train)
        return root_mean_squared_error(y_test, forest.predict(X_test))

    study = MlflowSparkStudy(
        "forest-study",
        MlflowStorage(experiment_id=info.experiment_id),
        sampler=optuna.samplers.TPESampler(seed=42),
    )
    study.optimize(objective, n_trials=6, n_jobs=2)

    # MlflowStorage keeps the study as a run named after it, and each trial as a child run
    # whose run ID is the trial's ID, with the suggested params and the metric "value".
    client = mlflow.MlflowClient()
    parents = client.search_runs([info.experiment_id], "tags.mlflow.runName = 'forest-study'")
    assert len(parents) == 1, f"one run for the study, found {len(parents)}"
    parent = parents[0]
    assert parent.info.status == "FINISHED", parent.info.status
    trials = client.search_runs(
        [info.experiment_id], f"tags.mlflow.parentRunId = '{parent.info.run_id}'"
    )
    assert len(trials) == 6, f"6 trials, found {len(trials)} child runs"
    for run in trials:
        assert run.info.status == "FINISHED", f"{run.info.run_id} is {run.info.status}"
        assert set(run.data.params) == {"n_estimators", "max_depth"}, run.data.params
        assert "value" in run.data.metrics, f"{run.info.run_id} has no metric: {run.data.metrics}"
    assert {run.info.run_id for run in trials} == {t._trial_id for t in study.trials}
    assert len(study.trials) == 6, len(study.trials)

    best = study.best_trial
    best_run = client.get_run(best._trial_id)
    assert best_run.data.metrics["value"] == pytest.approx(best.value), best_run.data.metrics
    assert best_run.data.params == {k: str(v) for k, v in best.params.items()}
    assert best.value == min(run.data.metrics["value"] for run in trials), "the smallest rmse"


def test_starting_again_while_a_session_runs_returns_it(no_session):
    first = spark.start()
    try:
        assert spark.start() is first, "a cell run twice gets the same session"
        scratch = scratch_of(first)
    finally:
        spark.stop(first)
    assert not scratch.exists()

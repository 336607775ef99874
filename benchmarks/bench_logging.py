"""Time the article's logging loop against ``helpers.experiments.run_experiments``.

Both log the article's four runs with a model each, each into a fresh SQLite store of its
own, in this one process. The article's loop is fixed only as far as it needs to run on
MLflow 3 (``name=`` and the forest's trusted type) and keeps MLflow's default
requirement inference. Creating a store is done before timing, for both.

Run with ``make bench``. Target: run_experiments at least 10x faster.
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
from pathlib import Path

import mlflow
import mlflow.sklearn
from sklearn.ensemble import RandomForestRegressor
from sklearn.linear_model import LinearRegression
from sklearn.metrics import mean_squared_error
from sklearn.model_selection import train_test_split

import helpers

TARGET_RATIO = 10.0


def article_experiments() -> list[dict]:
    """The article's four experiment dicts (the forest seeded, as the course teaches)."""
    forest = {"n_estimators": 50, "random_state": 42}
    return [
        {"model": LinearRegression(), "train_size": 0.8, "features": ["feature1"],
         "run_name": "LinearRegression_Train80_Feature1"},
        {"model": LinearRegression(), "train_size": 0.5, "features": ["feature1"],
         "run_name": "LinearRegression_Train50_Feature1"},
        {"model": RandomForestRegressor(**forest), "train_size": 0.8,
         "features": ["feature1"], "run_name": "RandomForest_Train80_Feature1"},
        {"model": RandomForestRegressor(**forest), "train_size": 0.8,
         "features": ["feature1", "feature2"], "run_name": "RandomForest_Train80_Feature1+2"},
    ]  # fmt: skip


def article_loop(df) -> None:
    """The article's loop with the two fixes MLflow 3 needs, requirements inferred."""
    for exp in article_experiments():
        X_train, X_test, y_train, y_test = train_test_split(
            df[exp["features"]], df["y"], test_size=1 - exp["train_size"], random_state=42
        )
        with mlflow.start_run(run_name=exp["run_name"]):
            model = exp["model"]
            model.fit(X_train, y_train)
            mse = mean_squared_error(y_test, model.predict(X_test))
            mlflow.log_param("model_type", type(model).__name__)
            mlflow.log_param("train_size", exp["train_size"])
            mlflow.log_param("features", ", ".join(exp["features"]))
            mlflow.log_metric("mse", mse)
            mlflow.sklearn.log_model(
                model, name="model", skops_trusted_types=["sklearn.tree._tree.Tree"]
            )


def kit_loop(df) -> None:
    """The same four runs with the kit."""
    helpers.experiments.run_experiments(article_experiments(), df, progress=False)


def timed(label: str, loop, df, folder: Path) -> float:
    """Run ``loop`` against a fresh store in ``folder`` and return its seconds."""
    os.environ[helpers.environment.STORE_DIR_ENV] = str(folder / label)
    helpers.tracking.setup(f"bench-{label}")  # creates the store: not timed
    started = time.perf_counter()
    loop(df)
    seconds = time.perf_counter() - started
    runs = mlflow.search_runs()
    assert len(runs) == 4 and (runs["status"] == "FINISHED").all(), runs
    return seconds


def main() -> None:
    """Measure both loops and print their times and ratio."""
    logging.getLogger("mlflow").setLevel(logging.ERROR)
    os.environ.pop("MLFLOW_TRACKING_URI", None)
    df = helpers.data.article_data()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        # Warm-up, so neither side pays for first imports: one run of each, discarded.
        timed("warmup-kit", kit_loop, df, folder)
        article = timed("article", article_loop, df, folder)
        kit = timed("kit", kit_loop, df, folder)
    ratio = article / kit
    print(f"article loop (requirements inferred): {article:6.2f} s for 4 runs with models")
    print(f"helpers.run_experiments:              {kit:6.2f} s for 4 runs with models")
    verdict = "meets" if ratio >= TARGET_RATIO else "MISSES"
    print(f"ratio: {ratio:.1f}x faster ({verdict} the {TARGET_RATIO:.0f}x target)")


if __name__ == "__main__":
    main()

"""Time ``runs_table`` plus all six charts on experiments of 2,000 and 10,000 runs.

Each experiment is filled with realistic runs (five params, two metrics; ten of them with
a 20-step metric history) in a fresh temporary SQLite store. The baseline is a plain
``mlflow.search_runs`` of the same experiment, measured in the same run. Charts are
rendered (``canvas.draw()``), as a notebook would.

Run with ``make bench``. Targets: under 5 s for 2,000 runs, under 20 s for 10,000 runs.
"""

from __future__ import annotations

import itertools
import os
import tempfile
import time
from pathlib import Path

import matplotlib.pyplot as plt
import mlflow
import numpy as np
from mlflow.entities import Metric, Param

import helpers
from helpers import compare, plots

TARGETS = {2_000: 5.0, 10_000: 20.0}


def fill(experiment: str, n_runs: int) -> str:
    """Log ``n_runs`` runs to a new experiment and return its ID."""
    info = helpers.tracking.setup(experiment)
    client = mlflow.MlflowClient()
    rng = np.random.default_rng(0)
    combos = itertools.cycle(
        itertools.product(
            ("LinearRegression", "RandomForestRegressor", "HistGradientBoostingRegressor"),
            (0.5, 0.6, 0.7, 0.8, 0.9),
            (10, 25, 50, 100, 200),
            (2, 4, 6, 8),
        )
    )
    started = time.perf_counter()
    for i in range(n_runs):
        model, size, trees, depth = next(combos)
        run = client.create_run(info.experiment_id, run_name=f"run{i:05d}")
        mse = 5 + 10 * (1 - size) + 20 / depth + rng.normal(0, 1)
        metrics = [Metric("mse", mse, 0, 0), Metric("r2", 1 - mse / 40, 0, 0)]
        if i < 10:
            metrics += [Metric("loss", 10 / step + rng.random(), 0, step) for step in range(1, 21)]
        params = {"model_type": model, "train_size": size, "n_estimators": trees,
                  "max_depth": depth, "features": "feature1, feature2"}  # fmt: skip
        client.log_batch(run.info.run_id, metrics=metrics,
                         params=[Param(k, str(v)) for k, v in params.items()])  # fmt: skip
        client.set_terminated(run.info.run_id)
        if (i + 1) % 2_000 == 0:
            print(f"  logged {i + 1:,} runs ({time.perf_counter() - started:.0f} s)", flush=True)
    return info.experiment_id


def charts(experiment: str) -> tuple[float, float, int]:
    """Time search_runs alone, then runs_table plus the six charts; return both and the count."""
    started = time.perf_counter()
    raw = mlflow.search_runs(experiment_names=[experiment], max_results=100_000)
    baseline = time.perf_counter() - started

    started = time.perf_counter()
    runs = compare.runs_table(experiment)
    drawn = [
        plots.bar(runs, "mse"),
        plots.box(runs, "mse", by="train_size"),
        plots.contour(runs, "n_estimators", "max_depth", "mse"),
        plots.parallel_coordinates(runs, ["model_type", "train_size", "max_depth"], "mse"),
        plots.scatter(runs, "train_size", "mse", color_by="model_type"),
        plots.metric_history(runs.sort_values("run_name"), "loss"),
    ]
    for chart in drawn:
        chart.figure_.canvas.draw()
    elapsed = time.perf_counter() - started
    plt.close("all")
    assert len(runs) == len(raw), (len(runs), len(raw))
    return baseline, elapsed, len(runs)


def main() -> None:
    """Fill both experiments, then measure and print the times against the targets."""
    with tempfile.TemporaryDirectory() as tmp:
        os.environ[helpers.environment.STORE_DIR_ENV] = str(Path(tmp) / "mlflow-store")
        os.environ.pop("MLFLOW_TRACKING_URI", None)
        for n_runs, target in TARGETS.items():
            name = f"bench-{n_runs}"
            print(f"filling {name} ...", flush=True)
            fill(name, n_runs)
            baseline, elapsed, count = charts(name)
            assert count == n_runs, f"runs_table returned {count} of {n_runs} runs"
            verdict = "meets" if elapsed < target else "MISSES"
            print(
                f"{n_runs:>6,} runs: mlflow.search_runs {baseline:5.2f} s; runs_table + 6 charts "
                f"{elapsed:5.2f} s ({elapsed / baseline:.1f}x search_runs; {verdict} the "
                f"{target:.0f} s target)"
            )


if __name__ == "__main__":
    main()

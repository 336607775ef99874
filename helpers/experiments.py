"""Run a list of experiments: split, fit, score and log each one as an MLflow run."""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

import mlflow
import mlflow.data
import pandas as pd
from mlflow.entities import Metric, Param, Run, RunTag
from sklearn.base import BaseEstimator, clone
from sklearn.metrics import mean_squared_error, r2_score
from sklearn.pipeline import Pipeline

from helpers import data as kit_data
from helpers import environment, tracking
from helpers.models import log_sklearn_model

#: Columns of the table that ``run_experiments()`` returns.
RESULT_COLUMNS = [
    "run_name", "model_type", "train_size", "features", "mse", "rmse", "r2", "run_id", "model_uri",
    "reused",
]  # fmt: skip

#: Tag holding a fingerprint of everything that decides a run's result (see ``reuse``).
SPEC_TAG = "spec_digest"

#: The metrics every run logs; ``run_sweep`` can pick the best by any of them.
METRICS = ("mse", "rmse", "r2")

#: Libraries whose versions each run records as ``library.<name>`` tags.
LIBRARIES = ("scikit-learn", "numpy", "pandas", "mlflow")


@dataclass(frozen=True)
class RunSpec:
    """One experiment: which model, how much training data, which features.

    The fields match the keys of the article's experiment dicts, so ``RunSpec(**d)`` works.

    Attributes:
        model: An unfitted scikit-learn estimator (it is cloned, never fitted in place).
        train_size: Share of rows used for training, strictly between 0 and 1.
        features: Feature column names, e.g. ``["feature1", "feature2"]``.
        run_name: Name of the MLflow run; made from the other fields when None.

    Examples:
        >>> from sklearn.linear_model import LinearRegression
        >>> RunSpec(LinearRegression(), 0.8, ["feature1"]).name
        'LinearRegression_Train80_feature1'

    """

    model: BaseEstimator
    train_size: float
    features: Sequence[str]
    run_name: str | None = None

    def __post_init__(self) -> None:
        """Check every field, so a bad spec fails before any run starts."""
        if not isinstance(self.model, BaseEstimator):
            raise TypeError(
                "model must be a scikit-learn estimator such as LinearRegression() or "
                f"RandomForestRegressor(), got {self.model!r} ({type(self.model).__name__})"
            )
        kit_data.check_train_size(self.train_size)
        features = self.features
        if isinstance(features, str) or not all(isinstance(f, str) for f in features):
            raise ValueError(
                f"features must be a list of column names, e.g. ['feature1'], got {features!r}"
            )
        if len(features) == 0:
            raise ValueError("features must name at least one column, got an empty list")
        object.__setattr__(self, "features", tuple(features))

    @property
    def model_type(self) -> str:
        """The model's class name; for a pipeline, its steps joined by ``+``."""
        return model_type(self.model)

    @property
    def name(self) -> str:
        """The run name: ``run_name`` or e.g. ``RandomForestRegressor_Train80_feature1``."""
        if self.run_name:
            return self.run_name
        return f"{self.model_type}_Train{round(self.train_size * 100)}_{'+'.join(self.features)}"


def model_type(model: BaseEstimator) -> str:
    """Name a model for tables and charts.

    Args:
        model: A scikit-learn estimator or pipeline.

    Returns:
        The class name, e.g. ``"RandomForestRegressor"``; for a pipeline the steps'
        class names joined by ``+``, e.g. ``"StandardScaler+MLPRegressor"``.

    Examples:
        >>> from sklearn.linear_model import LinearRegression
        >>> model_type(LinearRegression())
        'LinearRegression'

    """
    if isinstance(model, Pipeline):
        return "+".join(type(step).__name__ for _, step in model.steps)
    return type(model).__name__


def hyperparameters(model: BaseEstimator) -> dict[str, Any]:
    """Return a model's own settings that can be logged as MLflow params.

    Args:
        model: A scikit-learn estimator or pipeline.

    Returns:
        ``get_params(deep=True)`` without values that are objects (pipeline steps);
        tuples of plain values, such as ``hidden_layer_sizes=(64, 32)``, are kept.

    Examples:
        >>> from sklearn.ensemble import RandomForestRegressor
        >>> hyperparameters(RandomForestRegressor(n_estimators=50))["n_estimators"]
        50

    """
    simple = (str, int, float, bool, type(None))

    def loggable(value: object) -> bool:
        if isinstance(value, tuple):
            return all(isinstance(item, simple) for item in value)
        return isinstance(value, simple)

    return {k: v for k, v in model.get_params(deep=True).items() if loggable(v)}


def seeded(model: BaseEstimator, seed: int) -> BaseEstimator:
    """Clone a model and fix every ``random_state`` that was left unset.

    Args:
        model: A scikit-learn estimator or pipeline.
        seed: Value for each ``random_state`` that is None.

    Returns:
        An unfitted clone; seeds that were already set are kept.

    Examples:
        >>> from sklearn.ensemble import RandomForestRegressor
        >>> seeded(RandomForestRegressor(), 42).random_state
        42

    """
    model = clone(model)
    unset = {
        key: seed
        for key, value in model.get_params(deep=True).items()
        if key.split("__")[-1] == "random_state" and value is None
    }
    return model.set_params(**unset)


def as_specs(specs: Sequence[RunSpec | Mapping[str, Any]]) -> list[RunSpec]:
    """Turn a list of ``RunSpec`` or of the article's dicts into specs.

    Args:
        specs: RunSpecs, or dicts with keys ``model``, ``train_size``, ``features`` and
            optionally ``run_name``.

    Returns:
        A list of RunSpecs.

    Raises:
        ValueError: For an empty list or a dict with unknown or missing keys.

    Examples:
        >>> from sklearn.linear_model import LinearRegression
        >>> as_specs([{"model": LinearRegression(), "train_size": 0.5, "features": ["x"]}])[0].name
        'LinearRegression_Train50_x'

    """
    if isinstance(specs, (RunSpec, Mapping)) or len(specs) == 0:
        raise ValueError(f"specs must be a non-empty list of RunSpec or dicts, got {specs!r}")
    valid = [f.name for f in fields(RunSpec)]
    result = []
    for i, spec in enumerate(specs):
        if isinstance(spec, Mapping):
            unknown = sorted(set(spec) - set(valid))
            missing = [k for k in valid[:3] if k not in spec]
            if unknown or missing:
                raise ValueError(
                    f"spec {i} has unknown keys {unknown} / missing keys {missing}; "
                    f"valid keys: {', '.join(valid)}"
                )
            spec = RunSpec(**spec)
        if not isinstance(spec, RunSpec):
            raise TypeError(f"spec {i} must be a RunSpec or a dict, got {type(spec).__name__}")
        result.append(spec)
    return result


def article_specs() -> list[RunSpec]:
    """Return the article's four experiments, exactly as it defines them.

    Linear regression against a random forest (``n_estimators=50``), 80% or 50% of the rows
    for training, ``feature1`` alone or with ``feature2``. The forests have no seed, as in
    the article; ``run_experiments()`` fixes it.

    Returns:
        Four RunSpecs with the article's run names.

    Examples:
        >>> [spec.name for spec in article_specs()][:2]
        ['LinearRegression_Train80_Feature1', 'LinearRegression_Train50_Feature1']
    """
    from sklearn.ensemble import RandomForestRegressor
    from sklearn.linear_model import LinearRegression

    one, two = ["feature1"], ["feature1", "feature2"]
    return [
        RunSpec(LinearRegression(), 0.8, one, "LinearRegression_Train80_Feature1"),
        RunSpec(LinearRegression(), 0.5, one, "LinearRegression_Train50_Feature1"),
        RunSpec(RandomForestRegressor(n_estimators=50), 0.8, one, "RandomForest_Train80_Feature1"),
        RunSpec(
            RandomForestRegressor(n_estimators=50), 0.8, two, "RandomForest_Train80_Feature1+2"
        ),
    ]


def run_experiments(
    specs: Sequence[RunSpec | Mapping[str, Any]],
    data: pd.DataFrame,
    *,
    target: str = kit_data.TARGET,
    seed: int = kit_data.SEED,
    dataset_name: str = "data",
    log_models: bool = True,
    reuse: bool = False,
    parent_run_id: str | None = None,
    progress: bool = True,
    progress_metric: str = "mse",
) -> pd.DataFrame:
    """Run each spec as one MLflow run in the active experiment and return the results.

    For each spec: split with a fixed seed (as the article does), fit a seeded clone of the
    model, score it on the test part (mse, rmse, r2), and log params (``model_type``,
    ``train_size``, ``features``, ``seed`` and the model's hyperparameters), metrics, the
    training data as an MLflow dataset input, and the model. Every spec is checked before
    the first run starts.

    Args:
        specs: RunSpecs, or the article's dicts (``model``, ``train_size``, ``features``,
            ``run_name``).
        data: A DataFrame with the feature columns and the target.
        target: Name of the target column.
        seed: Seed of the split and of every model ``random_state`` left unset.
        dataset_name: Name of the dataset input shown in the MLflow UI.
        log_models: Log each fitted model (``False`` is faster when only metrics matter).
        reuse: Do not run a spec again when the active experiment already has a finished
            run of it (same model and hyperparameters, data, split, seed and run name,
            fingerprinted in the ``spec_digest`` tag); return that run's results instead.
            Makes a notebook safe to re-run without piling up copies of the same runs.
            Earlier runs of it that never finished (a killed kernel, an error) are moved
            to the trash, with a message, before it runs again.
        parent_run_id: Log the runs as children of this run (and reuse only its children).
        progress: Print one line per run, the same whether it ran or was reused.
        progress_metric: The metric those lines show: ``"mse"``, ``"rmse"`` or ``"r2"``.

    Returns:
        One row per run with columns ``run_name, model_type, train_size, features, mse,
        rmse, r2, run_id, model_uri, reused``.

    Raises:
        ValueError: For an empty spec list, an unknown feature or target column, features
            that include the target, a column with text or missing values, too few rows
            to train and score, or an unknown ``progress_metric``; all before any run starts.
        TypeError: For a model that is not a scikit-learn estimator.

    Examples:
        >>> specs = article_specs()
        >>> results = run_experiments(specs, kit_data.article_data())  # doctest: +SKIP
    """
    specs = as_specs(specs)
    _check_metric(progress_metric, "progress_metric")
    for spec in specs:
        kit_data.check_training_data(data, spec.features, target, spec.train_size)
    rows = []
    for number, spec in enumerate(specs, start=1):
        digest = spec_digest(spec, data, target, seed)
        earlier = _earlier_run(digest, log_models, parent_run_id) if reuse else None
        if earlier is not None:
            row = _row_from_run(spec, earlier)
        else:
            row = _run_one(
                spec, data, target, seed, dataset_name, log_models, digest, parent_run_id
            )
        rows.append(row)
        if progress:
            value = row[progress_metric]
            print(f"[{number}/{len(specs)}] {row['run_name']}: {progress_metric}={value:.4f}")
    return pd.DataFrame(rows, columns=RESULT_COLUMNS)


def spec_digest(spec: RunSpec, data: pd.DataFrame, target: str, seed: int) -> str:
    """Fingerprint everything that decides a run's result, library versions included.

    Args:
        spec: The experiment.
        data: The whole data set (its feature and target columns are hashed).
        target: Name of the target column.
        seed: Split and model seed.

    Returns:
        16 hex digits; equal for two runs that must give the same result.

    Examples:
        >>> spec = article_specs()[0]
        >>> len(spec_digest(spec, kit_data.article_data(), "y", 42))
        16
    """
    columns = [*spec.features, target]
    rows = pd.util.hash_pandas_object(data[columns], index=True).to_numpy()
    recipe = {
        "run_name": spec.name,
        "model_type": spec.model_type,
        "hyperparameters": {
            k: repr(v) for k, v in hyperparameters(seeded(spec.model, seed)).items()
        },
        "train_size": spec.train_size,
        "columns": columns,
        "seed": seed,
        "data": hashlib.sha256(rows.tobytes()).hexdigest(),
        "libraries": library_tags(),  # an upgrade may change results: run again
    }
    return hashlib.sha256(json.dumps(recipe, sort_keys=True).encode()).hexdigest()[:16]


def library_tags() -> dict[str, str]:
    """Return the tags that record the Python and library versions of a run.

    Returns:
        ``{"library.python": "3.11.7", "library.scikit-learn": "1.9.1", ...}``.

    Examples:
        >>> sorted(library_tags())[:2]
        ['library.mlflow', 'library.numpy']
    """
    return dict(_library_tags())


@functools.cache
def _library_tags() -> tuple[tuple[str, str], ...]:
    """Look the versions up once per process (each run needs them; a lookup reads the disk).

    A library upgraded while a kernel runs keeps running its old code until the restart,
    so the versions found first are the ones that made the results.
    """
    found = environment.versions(LIBRARIES)
    return tuple((f"library.{name}", version) for name, version in found.items())


def _earlier_run(digest: str, need_model: bool, parent_run_id: str | None) -> Run | None:
    """Find the newest finished run of this digest (and with a model) in the active experiment.

    When there is none, earlier runs of the spec that never finished (a killed kernel, an
    error) are moved to the trash, so that running it again leaves one run of it, not a
    broken one beside it. MLflow keeps deleted runs in the experiment's trash, from where
    the UI restores them. One search finds both.
    """
    query = f"tags.{SPEC_TAG} = '{digest}'"
    if parent_run_id:
        query += f" and tags.mlflow.parentRunId = '{parent_run_id}'"
    found = mlflow.search_runs(
        filter_string=query, order_by=["attributes.start_time DESC"], output_format="list"
    )
    for run in found:
        if run.info.status == "FINISHED" and (not need_model or run.outputs.model_outputs):
            return run
    for run in found:
        if run.info.status == "FINISHED":
            continue
        if run.info.status == "RUNNING" and tracking.process_alive(
            run.data.tags.get(tracking.PROCESS_TAG, "")
        ):
            continue  # still being logged, by another kernel
        mlflow.MlflowClient().delete_run(run.info.run_id)
        print(
            f"Moved an unfinished earlier run of '{run.info.run_name}' ({run.info.status}) "
            "to the trash; running it again."
        )
    return None


def _row(
    spec: RunSpec, metrics: Mapping[str, float], run_id: str, model_uri: str | None, reused: bool
) -> dict[str, Any]:
    """Build one row of the results table."""
    return {
        "run_name": spec.name,
        "model_type": spec.model_type,
        "train_size": spec.train_size,
        "features": ", ".join(spec.features),
        **{name: metrics[name] for name in METRICS},
        "run_id": run_id,
        "model_uri": model_uri,
        "reused": reused,
    }


def _row_from_run(spec: RunSpec, run: Run) -> dict[str, Any]:
    """Build the results row of a run logged earlier."""
    outputs = run.outputs.model_outputs
    model_uri = f"models:/{outputs[0].model_id}" if outputs else None
    return _row(spec, run.data.metrics, run.info.run_id, model_uri, reused=True)


def _run_one(
    spec: RunSpec,
    data: pd.DataFrame,
    target: str,
    seed: int,
    dataset_name: str,
    log_model: bool,
    digest: str,
    parent_run_id: str | None = None,
) -> dict[str, Any]:
    """Fit, score and log one spec; return its row of results."""
    X_train, X_test, y_train, y_test = kit_data.split(
        data, list(spec.features), spec.train_size, target=target, seed=seed
    )
    model = seeded(spec.model, seed)
    tags = {SPEC_TAG: digest, **library_tags(), **tracking.process_tag()}
    with mlflow.start_run(run_name=spec.name, tags=tags, parent_run_id=parent_run_id) as run:
        model.fit(X_train, y_train)
        predictions = model.predict(X_test)
        mse = float(mean_squared_error(y_test, predictions))
        metrics = {"mse": mse, "rmse": math.sqrt(mse), "r2": float(r2_score(y_test, predictions))}
        mlflow.log_params(
            {
                "model_type": spec.model_type,
                "train_size": spec.train_size,
                "features": ", ".join(spec.features),
                "seed": seed,
                **hyperparameters(model),
            }
        )
        mlflow.log_metrics(metrics)
        training = pd.concat([X_train, y_train], axis=1)
        mlflow.log_input(
            mlflow.data.from_pandas(training, name=dataset_name, targets=target), context="training"
        )
        model_uri = log_sklearn_model(model, X_train).model_uri if log_model else None
    return _row(spec, metrics, run.info.run_id, model_uri, reused=False)


def run_sweep(
    spec: RunSpec,
    grid: Mapping[str, Sequence[Any]],
    data: pd.DataFrame,
    *,
    parent_name: str,
    metric: str = "rmse",
    target: str = kit_data.TARGET,
    seed: int = kit_data.SEED,
    dataset_name: str = "data",
    progress: bool = True,
) -> pd.DataFrame:
    """Try every combination of ``grid`` as child runs of one parent run.

    The parent records the search space as params (``grid.<param>``): the inputs of the
    search, which MLflow lets a run log once and never change. Its result is kept where
    MLflow allows updates: the metric ``best_<metric>``, logged step by step (at step ``k``
    the best of the first ``k`` children, so its last value is the sweep's best), and the
    tags ``best.<param>`` (the best child's values) and ``best_run_id``. Children log no
    model: a sweep only needs their metrics; log the winner's model afterwards. A sweep
    that was interrupted and is started again continues under the same parent: children
    already finished are reused, so its output is the same as an uninterrupted sweep's.
    A different grid, model, data or metric under the same ``parent_name`` starts a new
    parent (its ``grid.<param>`` params cannot change), so a parent always describes its
    children.

    Args:
        spec: The model, train size and features every child shares.
        grid: Values to try per hyperparameter, e.g.
            ``{"n_estimators": [10, 50], "max_depth": [2, 4]}``.
        data: The data set.
        parent_name: Run name of the parent, e.g. ``"forest-sweep"``.
        metric: What "best" means: ``"rmse"``, ``"mse"`` (lower is better) or ``"r2"``.
        target: Name of the target column.
        seed: Seed of the split and of the models.
        dataset_name: Name of the dataset input.
        progress: Print one line per child, with its ``metric``.

    Returns:
        One row per child (as ``run_experiments()``) plus a column per grid param, and
        ``parent_run_id``.

    Raises:
        ValueError: For an empty grid, values that are not a non-empty list, a parameter
            the model does not accept, or data that cannot train the model (see
            ``run_experiments``); all before any run starts.

    Examples:
        >>> grid = {"n_estimators": [10, 50], "max_depth": [2, 4]}
        >>> results = run_sweep(spec, grid, data, parent_name="sweep")  # doctest: +SKIP
    """
    if not grid:
        raise ValueError("grid must name at least one parameter, e.g. {'max_depth': [2, 4]}")
    accepted = spec.model.get_params(deep=True)
    unknown = [name for name in grid if name not in accepted]
    if unknown:
        valid = ", ".join(sorted(accepted))
        raise ValueError(f"{spec.model_type} does not accept {unknown}; it accepts: {valid}")
    not_lists = {
        name: values
        for name, values in grid.items()
        if isinstance(values, (str, bytes, Mapping)) or not hasattr(values, "__len__")
    }
    if not_lists:
        raise ValueError(
            f"grid values must be lists, e.g. {{'max_depth': [2, 4]}}; got {not_lists}"
        )
    empty = [name for name, values in grid.items() if not len(values)]
    if empty:
        raise ValueError(f"grid values must be non-empty lists; not for {empty}")
    _check_metric(metric, "metric")
    if not isinstance(parent_name, str) or not parent_name.strip():
        raise ValueError(f"parent_name must be a non-empty string, got {parent_name!r}")
    kit_data.check_training_data(data, spec.features, target, spec.train_size)
    names = list(grid)
    combos = [dict(zip(names, values, strict=True)) for values in itertools.product(*grid.values())]
    children = [
        RunSpec(
            clone(spec.model).set_params(**combo),
            spec.train_size,
            spec.features,
            ", ".join(f"{k}={v}" for k, v in combo.items()),
        )
        for combo in combos
    ]
    recipe = {
        "spec": spec_digest(spec, data, target, seed),
        "grid": {name: [repr(value) for value in grid[name]] for name in names},
        "metric": metric,
    }
    digest = hashlib.sha256(json.dumps(recipe, sort_keys=True).encode()).hexdigest()[:16]
    parent = _sweep_parent(parent_name, digest, {f"grid.{k}": list(v) for k, v in grid.items()})
    results = run_experiments(
        children, data, target=target, seed=seed, dataset_name=dataset_name, log_models=False,
        reuse=True, parent_run_id=parent, progress=progress, progress_metric=metric,
    )  # fmt: skip
    for name in names:
        results[name] = [combo[name] for combo in combos]
    results["parent_run_id"] = parent
    higher = metric == "r2"
    best = results.loc[results[metric].idxmax() if higher else results[metric].idxmin()]
    best_so_far = results[metric].cummax() if higher else results[metric].cummin()
    client = mlflow.MlflowClient()
    key = f"best_{metric}"
    logged_steps = {m.step for m in client.get_metric_history(parent, key)}  # a re-run adds none
    now = int(time.time() * 1000)
    client.log_batch(
        parent,
        metrics=[
            Metric(key, float(value), now, step)
            for step, value in enumerate(best_so_far, start=1)
            if step not in logged_steps
        ],
        tags=[
            *(RunTag(f"best.{k}", str(best[k])) for k in names),
            RunTag("best_run_id", str(best["run_id"])),
        ],
    )
    client.set_terminated(parent, "FINISHED")
    return results


def _check_metric(metric: str, argument: str) -> None:
    """Refuse a metric that the runs do not log, naming the ones they do."""
    if metric not in METRICS:
        valid = ", ".join(repr(name) for name in METRICS)
        raise ValueError(f"{argument} must be one of {valid}, got {metric!r}")


def _sweep_parent(name: str, digest: str, space: dict[str, list[Any]]) -> str:
    """Find this sweep's parent run in the active experiment, or start one; return its ID.

    A parent is this sweep's when it has the same name and the same ``spec_digest`` (the
    model, data, split, grid and metric), so its params and best result always describe
    its own children; a new grid under the same name gets a new parent.
    """
    client = mlflow.MlflowClient()
    found = [
        run
        for run in mlflow.search_runs(
            filter_string=f"tags.sweep = 'parent' and tags.{SPEC_TAG} = '{digest}'",
            order_by=["attributes.start_time DESC"],
            output_format="list",
        )
        if run.info.run_name == name
    ]
    if found:
        parent = found[0].info.run_id
        if found[0].info.status != "FINISHED":  # interrupted: this process continues it
            client.update_run(parent, status="RUNNING")
            client.set_tag(
                parent, tracking.PROCESS_TAG, tracking.process_tag()[tracking.PROCESS_TAG]
            )
        return parent
    experiment_id = tracking.active_experiment_id()
    tags = {"sweep": "parent", SPEC_TAG: digest, **tracking.process_tag()}
    parent = client.create_run(experiment_id, run_name=name, tags=tags)
    client.log_batch(parent.info.run_id, params=[Param(k, str(v)) for k, v in space.items()])
    return parent.info.run_id

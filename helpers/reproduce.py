"""Rebuild a past run from nothing but its record, and say what differs if anything does."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import mlflow
import mlflow.data
import numpy as np
import pandas as pd
from mlflow.exceptions import MlflowException
from sklearn.base import BaseEstimator
from sklearn.metrics import mean_squared_error
from sklearn.pipeline import make_pipeline
from sklearn.utils.discovery import all_estimators

from helpers import data as kit_data
from helpers import models
from helpers.experiments import library_tags

#: Data sets the kit can load by the name a run recorded for them.
KNOWN_DATASETS: dict[str, Callable[[], pd.DataFrame]] = {
    "article-dummy-data": kit_data.article_data,
    "diabetes": kit_data.diabetes,
}

#: Params that ``helpers.experiments.run_experiments()`` logs besides hyperparameters.
RECIPE_PARAMS = ("model_type", "train_size", "features", "seed")


@dataclass(frozen=True)
class Rebuild:
    """The outcome of ``rebuild()``; its repr is a short report.

    Attributes:
        run_name: Name of the run that was rebuilt.
        recorded_mse: The mse the run recorded.
        rebuilt_mse: The mse of the rebuilt model on the same test rows.
        identical_predictions: Whether the run's logged model and the rebuilt model predict
            exactly the same on the test rows (None if the run logged no model).
        data_digest: Digest of the training data, as recorded.
        differences: What differs from the record; empty when the rebuild is exact.
        model: The rebuilt, fitted model.
    """

    run_name: str
    recorded_mse: float
    rebuilt_mse: float
    identical_predictions: bool | None
    data_digest: str
    differences: tuple[str, ...]
    model: BaseEstimator = field(repr=False)

    @property
    def reproduced(self) -> bool:
        """True when the metric and the predictions came out exactly the same."""
        return self.rebuilt_mse == self.recorded_mse and self.identical_predictions is not False

    def __repr__(self) -> str:
        """Report what was compared and what, if anything, differs."""
        verdict = "reproduced exactly" if self.reproduced else "NOT reproduced"
        lines = [
            f"Run '{self.run_name}': {verdict}.",
            f"  mse recorded {self.recorded_mse!r}",
            f"  mse rebuilt  {self.rebuilt_mse!r}",
        ]
        if self.identical_predictions is not None:
            same = "identical" if self.identical_predictions else "DIFFERENT"
            lines.append(f"  logged model and rebuilt model: {same} predictions")
        lines += [f"  differs: {d}" for d in self.differences] or [
            "  data and libraries: as recorded"
        ]
        return "\n".join(lines)


def rebuild(
    run_id: str,
    data: pd.DataFrame | None = None,
    target: str = kit_data.TARGET,
    *,
    allow_pickle: bool = False,
    trusted_types: Iterable[str] = (),
) -> Rebuild:
    """Retrain a run of ``helpers.experiments.run_experiments()`` from its record alone.

    Reads the run's params (model type, hyperparameters, train size, features, seed) and
    its dataset input, loads the data set (by its recorded name, or ``data``), checks the
    training data's digest, splits and fits again, and compares the metric and the logged
    model's predictions with the new ones. Library versions recorded as ``library.*`` tags
    are compared with the installed ones. The logged model is loaded with
    ``helpers.models.load_model``, which refuses files that could run planted code.

    Args:
        run_id: ID of the run to rebuild.
        data: The data set, when the kit cannot load it by its recorded name.
        target: Name of the target column.
        allow_pickle: Load the run's model even if it is a pickle this process did not
            log. Only for models you created yourself: unpickling runs any code in the file.
        trusted_types: skops types you have reviewed beyond the kit's own (the
            ``extra_trusted_types`` the model was logged with).

    Returns:
        A ``Rebuild``; ``print`` it for a report, check ``.reproduced``.

    Raises:
        ValueError: If the run does not exist, did not record what a rebuild needs, or its
            data set is not available.
        helpers.models.UnsafeModelError: If loading the run's model could run code nobody
            reviewed, e.g. a pickle planted in the run (the message says how to proceed).

    Examples:
        >>> rebuild(results["run_id"][3])  # doctest: +SKIP
        Run 'RandomForest_Train80_Feature1+2': reproduced exactly.
    """
    client = mlflow.MlflowClient()
    try:
        run = client.get_run(run_id)
    except MlflowException as err:
        raise ValueError(f"No run with ID {run_id!r} in {mlflow.get_tracking_uri()}") from err
    params = run.data.params
    name = run.data.tags.get("mlflow.runName", run_id)
    missing = [p for p in RECIPE_PARAMS if p not in params] + (
        ["mse"] if "mse" not in run.data.metrics else []
    )
    if missing:
        raise ValueError(
            f"Run '{name}' did not record {missing}, which a rebuild needs; only runs logged "
            "by helpers.experiments.run_experiments record the whole recipe"
        )
    recorded = _recorded_dataset(run)
    if data is None:
        data = _load_dataset(name, recorded)
    features = [f.strip() for f in params["features"].split(",")]
    train_size, seed = float(params["train_size"]), int(params["seed"])
    X_train, X_test, y_train, y_test = kit_data.split(data, features, train_size, target, seed)

    differences = []
    training = pd.concat([X_train, y_train], axis=1)
    digest = mlflow.data.from_pandas(training, targets=target).digest
    if recorded is not None and digest != recorded[1]:
        differences.append(
            f"training data digest {digest}, recorded {recorded[1]}: not the data the run saw"
        )
    for tag, now in library_tags().items():
        then = run.data.tags.get(tag)
        if then is not None and then != now:
            differences.append(
                f"{tag.removeprefix('library.')} {now} installed, {then} when logged"
            )

    model = build_model(params["model_type"], params).fit(X_train, y_train)
    predictions = model.predict(X_test)
    rebuilt_mse = float(mean_squared_error(y_test, predictions))
    identical = None
    if run.outputs.model_outputs:
        logged = models.load_model(
            f"models:/{run.outputs.model_outputs[0].model_id}",
            allow_pickle=allow_pickle,
            trusted_types=trusted_types,
        )
        identical = bool(np.array_equal(np.asarray(logged.predict(X_test)), predictions))
    return Rebuild(
        run_name=name,
        recorded_mse=run.data.metrics["mse"],
        rebuilt_mse=rebuilt_mse,
        identical_predictions=identical,
        data_digest=recorded[1] if recorded else digest,
        differences=tuple(differences),
        model=model,
    )


def build_model(model_type: str, params: dict[str, str]) -> BaseEstimator:
    """Create an unfitted scikit-learn model from its logged type and params.

    Args:
        model_type: A class name such as ``"RandomForestRegressor"``, or pipeline steps
            joined by ``+`` such as ``"StandardScaler+MLPRegressor"``.
        params: Logged params (strings); those that are the model's settings are applied.

    Returns:
        The model, with every recorded setting.

    Raises:
        ValueError: If a class name is not a scikit-learn estimator.

    Examples:
        >>> build_model("RandomForestRegressor", {"n_estimators": "50", "max_depth": "None"})
        RandomForestRegressor(n_estimators=50)
    """
    classes = dict(all_estimators())
    steps = model_type.split("+")
    unknown = [s for s in steps if s not in classes]
    if unknown:
        raise ValueError(
            f"{unknown} are not scikit-learn estimators; cannot rebuild {model_type!r}"
        )
    model = (
        classes[steps[0]]() if len(steps) == 1 else make_pipeline(*[classes[s]() for s in steps])
    )
    settings = model.get_params(deep=True)
    chosen = {
        k: _parse(v)
        for k, v in params.items()
        if k in settings and not isinstance(settings[k], BaseEstimator)
    }
    return model.set_params(**chosen)


def _recorded_dataset(run: mlflow.entities.Run) -> tuple[str, str] | None:
    """Return (name, digest) of the run's training dataset input, if it logged one."""
    for item in run.inputs.dataset_inputs:
        if any(t.key == "mlflow.data.context" and t.value == "training" for t in item.tags):
            return item.dataset.name, item.dataset.digest
    return None


def _load_dataset(run_name: str, recorded: tuple[str, str] | None) -> pd.DataFrame:
    if recorded is None:
        raise ValueError(
            f"Run '{run_name}' recorded no training data set: pass the data as data=..."
        )
    name, digest = recorded
    if name not in KNOWN_DATASETS:
        raise ValueError(
            f"Run '{run_name}' was trained on the data set {name!r} (digest {digest}), which "
            f"the kit cannot load by name (it knows {', '.join(KNOWN_DATASETS)}): "
            "pass it as data=..."
        )
    return KNOWN_DATASETS[name]()


def _parse(value: str) -> Any:
    """Turn a logged param back into a value: '50' -> 50, 'None' -> None, 'sqrt' stays."""
    try:
        return ast.literal_eval(value)
    except (ValueError, SyntaxError):
        return value

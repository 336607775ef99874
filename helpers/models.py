"""Log scikit-learn models to MLflow quickly and safely.

Two defaults of ``mlflow.sklearn.log_model`` get in a learner's way:

* Without ``pip_requirements`` MLflow works out the model's requirements by loading it in
  a subprocess: 3 to 5 seconds per model. The kit pins them from what is installed.
* Outside Databricks MLflow saves with skops, which (unlike pickle) runs no code when a
  model is loaded, and refuses types it has not been told to trust, such as the tree
  structure inside a random forest. The kit trusts a short list of reviewed types.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
from collections.abc import Iterable

import mlflow
import mlflow.sklearn
import pandas as pd
from mlflow.exceptions import MlflowException
from mlflow.models import infer_signature
from mlflow.models.model import ModelInfo
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

#: scikit-learn types that skops does not trust by default, reviewed for this course.
#: Each is scikit-learn's own fitted state (no code runs when it is loaded); the risk skops
#: warns about is a hand-crafted file, and the course only loads models it logged itself.
REVIEWED_TRUSTED_TYPES: dict[str, str] = {
    "sklearn.tree._tree.Tree": "node arrays of decision trees, random forests, gradient boosting",
    "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor": (
        "node arrays of HistGradientBoosting models"
    ),
    "sklearn.neural_network._stochastic_optimizers.AdamOptimizer": (
        "optimizer state kept by MLPRegressor / MLPClassifier"
    ),
}

#: Rows of the training data stored with a model as its input example.
EXAMPLE_ROWS = 5


def pip_requirements(serialization_format: str = "skops") -> list[str]:
    """Pin the packages a logged scikit-learn model needs, from what is installed.

    Args:
        serialization_format: ``"skops"`` or ``"cloudpickle"``; adds the package that
            reads that format.

    Returns:
        For example ``["mlflow==3.17.2", "scikit-learn==1.9.1", "skops==0.16.0", ...]``.

    Examples:
        >>> any(r.startswith("scikit-learn==") for r in pip_requirements())
        True

    """
    if serialization_format not in ("skops", "cloudpickle"):
        raise ValueError(
            f"serialization_format must be 'skops' or 'cloudpickle', got {serialization_format!r}"
        )
    names = ["scikit-learn", serialization_format, "numpy", "scipy", "pandas"]
    return [f"mlflow=={mlflow.__version__}"] + [
        f"{name}=={importlib.metadata.version(name)}" for name in names
    ]


def default_format() -> str:
    """Pick the model format: skops where it is installed, else cloudpickle.

    Returns:
        ``"skops"`` or ``"cloudpickle"``.

    Examples:
        >>> default_format() in ("skops", "cloudpickle")
        True
    """
    return "skops" if importlib.util.find_spec("skops") is not None else "cloudpickle"


def untrusted_types(model: BaseEstimator) -> list[str]:
    """List the types skops would refuse to load from a saved ``model``: the ones to review.

    Args:
        model: A fitted scikit-learn estimator.

    Returns:
        Fully qualified type names, e.g. ``["sklearn.tree._tree.Tree"]`` for a forest.

    Examples:
        >>> from sklearn.linear_model import LinearRegression
        >>> untrusted_types(LinearRegression().fit([[0], [1]], [0, 1]))
        []

    """
    import skops.io  # imported here: only needed when a model is saved with skops

    return sorted(skops.io.get_untrusted_types(data=skops.io.dumps(model)))


def log_sklearn_model(
    model: BaseEstimator,
    input_example: pd.DataFrame,
    *,
    name: str = "model",
    serialization_format: str | None = None,
    extra_trusted_types: Iterable[str] = (),
) -> ModelInfo:
    """Log a fitted scikit-learn model to the active run, fast and safely.

    Adds a signature and an input example (the first rows of ``input_example``), pins the
    pip requirements (no 3-5 s inference), and saves with skops trusting only reviewed
    types.

    Args:
        model: A fitted scikit-learn estimator or pipeline.
        input_example: Training features (a DataFrame); the first rows are stored.
        name: Name of the logged model (``mlflow.sklearn.log_model(name=...)``).
        serialization_format: ``"skops"`` (safe; the default where skops is installed) or
            ``"cloudpickle"`` (the default where it is not, as on a bare Databricks
            runtime, where it is also MLflow's own default).
        extra_trusted_types: Further skops types you have reviewed.

    Returns:
        MLflow's ``ModelInfo``; ``info.model_uri`` (``models:/m-...``) loads the model.

    Raises:
        TypeError: If ``model`` is not a scikit-learn estimator.
        ValueError: If it is not fitted, or needs a skops type nobody has reviewed (the
            message names it).

    Examples:
        >>> with mlflow.start_run():  # doctest: +SKIP
        ...     info = log_sklearn_model(model, X_train)

    """
    if not isinstance(model, BaseEstimator):
        raise TypeError(
            f"model must be a scikit-learn estimator (e.g. LinearRegression()), "
            f"got {type(model).__name__}"
        )
    try:
        check_is_fitted(model)
    except NotFittedError as err:
        raise ValueError(f"{type(model).__name__} is not fitted yet: call .fit() first") from err
    example = input_example.head(EXAMPLE_ROWS)
    if serialization_format is None:
        serialization_format = default_format()
    skops = serialization_format == "skops"
    # Trusting a type the model does not contain is harmless, and saves a second dump.
    trusted = [*REVIEWED_TRUSTED_TYPES, *extra_trusted_types] if skops else []
    # skops_trusted_types only when saving with skops: older MLflow releases, such as the
    # 3.8.1 of Databricks' serverless environment 5, have no such parameter.
    skops_options = {"skops_trusted_types": trusted} if skops else {}
    try:
        return mlflow.sklearn.log_model(
            model,
            name=name,
            serialization_format=serialization_format,
            pip_requirements=pip_requirements(serialization_format),
            signature=infer_signature(example, model.predict(example)),
            input_example=example,
            **skops_options,
        )
    except MlflowException as err:
        if not (skops and "untrusted types" in str(err)):
            raise
        unknown = [t for t in untrusted_types(model) if t not in trusted]
        raise ValueError(
            f"{type(model).__name__} needs skops to trust {unknown}, which this kit has not "
            "reviewed. Read what they are, then pass them as extra_trusted_types=[...], or "
            "log with serialization_format='cloudpickle' if you trust every future reader."
        ) from None

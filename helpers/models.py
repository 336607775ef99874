"""Log scikit-learn models to MLflow quickly and safely.

Two defaults of ``mlflow.sklearn.log_model`` get in a learner's way:

* Without ``pip_requirements`` MLflow works out the model's requirements by loading it in
  a subprocess: 3 to 5 seconds per model. The kit pins them from what is installed.
* Outside Databricks MLflow saves with skops, which (unlike pickle) runs no code when a
  model is loaded, and refuses types it has not been told to trust, such as the tree
  structure inside a random forest. The kit trusts a short list of reviewed types.

And one default of ``mlflow.pyfunc.load_model`` is unsafe on a shared server: it unpickles
whatever a model's files hold, so a planted pickle runs its code in the learner's Python.
``load_model`` here (used by ``helpers.reproduce`` and ``helpers.serving`` too) reads the
model's ``MLmodel`` first and loads only scikit-learn models saved with skops and reviewed
types, or pickles this very process logged, unless told ``allow_pickle=True``.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import tempfile
import urllib.parse
import urllib.request
from collections.abc import Iterable
from pathlib import Path

import mlflow
import mlflow.sklearn
import pandas as pd
from mlflow.exceptions import MlflowException
from mlflow.models import Model, infer_signature
from mlflow.models.model import ModelInfo
from mlflow.pyfunc import PyFuncModel
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

from helpers import environment, tracking

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

#: Methods of a loaded scikit-learn model that an ``MLmodel`` may name as its predict_fn.
PREDICT_FUNCTIONS = (
    "predict",
    "predict_proba",
    "predict_log_proba",
    "predict_joint_log_proba",
    "score",
)

#: How many registered model names an error lists at most when a name is not found.
MAX_LISTED = 10

#: SHA-256 of every pickle file ``log_sklearn_model`` wrote in this process: the only
#: pickles ``load_model`` opens without ``allow_pickle=True``, since their bytes are known.
_PICKLES_LOGGED_HERE: set[str] = set()


class UnsafeModelError(ValueError):
    """A model whose loading could run code that nobody reviewed; the message says why."""


class ModelNotFoundError(LookupError):
    """No model at a URI; the message says what exists instead."""


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
    types. A pickle it logs is remembered by its digest, so that ``load_model`` in this
    same process loads it back without ``allow_pickle=True``.

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
        info = mlflow.sklearn.log_model(
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
    if not skops:
        _remember_pickle(info)
    return info


def load_model(
    model_uri: str, *, allow_pickle: bool = False, trusted_types: Iterable[str] = ()
) -> PyFuncModel:
    """Load a logged scikit-learn model, refusing files that could run planted code.

    Like ``mlflow.pyfunc.load_model``, but the model's files are downloaded once and
    checked with ``check_safe_to_load`` before anything in them is deserialized.

    Args:
        model_uri: E.g. ``"models:/m-..."`` (``info.model_uri``) or
            ``"models:/article_model@champion"``.
        allow_pickle: Load a pickle-based model this process did not log. Only for models
            you created yourself: unpickling runs whatever code the file holds.
        trusted_types: skops types you have reviewed beyond ``REVIEWED_TRUSTED_TYPES``
            (the ``extra_trusted_types`` the model was logged with).

    Returns:
        The model; ``.predict(frame)`` predicts.

    Raises:
        ModelNotFoundError: If there is no model at ``model_uri`` (the message says what
            exists).
        UnsafeModelError: If loading it could run code nobody reviewed (the message says
            what was found and how to proceed).

    Examples:
        >>> load_model("models:/article_model@champion").predict(X_test)  # doctest: +SKIP
    """
    with tempfile.TemporaryDirectory(prefix="kit-model-") as folder:
        local = download_model(model_uri, Path(folder))
        check_safe_to_load(
            local, model_uri=model_uri, allow_pickle=allow_pickle, trusted_types=trusted_types
        )
        return mlflow.pyfunc.load_model(str(local))


def download_model(model_uri: str, folder: Path) -> Path:
    """Download a model's files, or fail at once saying what exists instead.

    Args:
        model_uri: E.g. ``"models:/m-..."``, ``"models:/article_model@champion"``,
            ``"runs:/<run_id>/model"`` or a local folder.
        folder: An existing folder to download into.

    Returns:
        The local folder with the model's ``MLmodel`` file.

    Raises:
        ModelNotFoundError: If there is no model at ``model_uri``; the message names what
            there is, e.g. the aliases and versions of the registered model.
    """
    named = _local_folder(model_uri)
    if named is not None and not (named / "MLmodel").is_file():
        what = "it has no MLmodel file" if named.is_dir() else "there is no such folder"
        raise ModelNotFoundError(f"No model at {model_uri!r}: {what}")
    try:
        local = Path(
            mlflow.artifacts.download_artifacts(artifact_uri=model_uri, dst_path=str(folder))
        )
    except (MlflowException, OSError) as err:
        raise ModelNotFoundError(
            f"No model at {model_uri!r}: {_what_exists(model_uri, err)}"
        ) from err
    if not (local / "MLmodel").is_file():
        raise ModelNotFoundError(
            f"No model at {model_uri!r}: it holds no MLmodel file, so it is not an MLflow model"
        )
    return local


def check_safe_to_load(
    model_dir: Path,
    *,
    model_uri: str | None = None,
    allow_pickle: bool = False,
    trusted_types: Iterable[str] = (),
) -> None:
    """Check from its ``MLmodel`` file alone that loading a model runs no unreviewed code.

    Reads ``MLmodel`` as plain YAML; nothing is unpickled. Accepted: a scikit-learn model
    (loader ``mlflow.sklearn``, no ``code`` folder) saved with skops that trusts only
    ``REVIEWED_TRUSTED_TYPES`` and ``trusted_types`` (skops itself refuses any other type),
    or saved as a pickle that this process logged (same bytes) or with ``allow_pickle``.

    Args:
        model_dir: Local folder of the model, as ``download_model`` returns it.
        model_uri: Where it came from, for the messages.
        allow_pickle: Accept a pickle this process did not log. Only for models you
            created yourself: unpickling runs whatever code the file holds.
        trusted_types: skops types you have reviewed beyond ``REVIEWED_TRUSTED_TYPES``.

    Raises:
        UnsafeModelError: With what was found, why it is refused, and how to proceed.
    """
    shown = repr(model_uri or str(model_dir))
    flavors = Model.load(str(Path(model_dir) / "MLmodel")).flavors
    pyfunc, sklearn = flavors.get("python_function") or {}, flavors.get("sklearn")
    loader = pyfunc.get("loader_module")
    if sklearn is None or loader != "mlflow.sklearn":
        raise UnsafeModelError(
            f"Refusing to load {shown}: its MLmodel has flavors {sorted(flavors)} and loader "
            f"{loader!r}; the kit loads only scikit-learn models, with loader 'mlflow.sklearn'. "
            "Any other loader (a custom loader_module, a pickled python_model) runs whatever "
            "code the model's author wrote. Use mlflow.pyfunc.load_model yourself if, and only "
            "if, you trust who wrote this model."
        )
    _check_layout(shown, Path(model_dir), pyfunc, sklearn)
    file = Path(model_dir) / sklearn["pickled_model"]
    fmt = sklearn.get("serialization_format", "pickle")  # MLflow's own default
    if fmt == "skops":
        _check_skops_types(shown, sklearn.get("skops_trusted_types") or [], trusted_types)
    elif fmt not in ("pickle", "cloudpickle"):
        raise UnsafeModelError(f"Refusing to load {shown}: unknown serialization format {fmt!r}")
    elif not allow_pickle and _sha256(file) not in _PICKLES_LOGGED_HERE:
        raise UnsafeModelError(
            f"Refusing to load {shown}: it is saved as {fmt} ({file.name}), and this Python "
            "process did not log it. Unpickling runs any code the file holds, and anyone who "
            "can write to the tracking store (a workshop server has no passwords) can plant "
            "such a file. Log the model with skops (helpers.models.log_sklearn_model does by "
            "default) and load that; or, only for a model you created yourself, pass "
            "allow_pickle=True."
        )


def _check_layout(shown: str, model_dir: Path, pyfunc: dict, sklearn: dict) -> None:
    """Refuse a code folder, a predict_fn or a model file other than the kit logs."""
    code = pyfunc.get("code") or sklearn.get("code")
    if code:
        raise UnsafeModelError(
            f"Refusing to load {shown}: its MLmodel ships a code folder {code!r}, which "
            "loading puts first on sys.path, so its modules run instead of the real ones. "
            "Models logged by the kit have none: log the model again without code_paths."
        )
    predict_fn = pyfunc.get("predict_fn", "predict")
    if predict_fn not in PREDICT_FUNCTIONS:
        raise UnsafeModelError(
            f"Refusing to load {shown}: its predict_fn {predict_fn!r} is not one of "
            f"scikit-learn's {PREDICT_FUNCTIONS}."
        )
    name = sklearn.get("pickled_model")
    named = {pyfunc.get("model_path", name), pyfunc.get("data", name)}
    if not isinstance(name, str) or named != {name} or Path(name).name != name:
        raise UnsafeModelError(
            f"Refusing to load {shown}: its MLmodel names the model file as {sorted(named)} "
            f"and {name!r}, not one file inside the model's folder as MLflow writes it."
        )
    if not (model_dir / name).is_file():
        raise UnsafeModelError(f"Refusing to load {shown}: its model file {name!r} is missing.")


def _check_skops_types(shown: str, listed: Iterable[str], trusted_types: Iterable[str]) -> None:
    """Refuse a skops model whose MLmodel asks to trust types nobody reviewed."""
    unreviewed = sorted(set(listed) - set(REVIEWED_TRUSTED_TYPES) - set(trusted_types))
    if unreviewed:
        raise UnsafeModelError(
            f"Refusing to load {shown}: its MLmodel tells skops to trust {unreviewed}, which "
            "the kit has not reviewed. skops runs no code only for the types it trusts, and "
            "a planted MLmodel can list dangerous ones. If you logged this model yourself "
            "with extra_trusted_types=[...] and reviewed them, pass the same list as "
            "trusted_types=[...]."
        )


def _local_folder(model_uri: str) -> Path | None:
    """Return the local folder a model URI names, or None for a store's URI (``models:/``)."""
    parsed = urllib.parse.urlparse(model_uri)
    if parsed.scheme == "file":
        return Path(urllib.request.url2pathname(parsed.path))
    return Path(model_uri) if len(parsed.scheme) <= 1 else None  # "C:/..." has scheme "c"


def _remember_pickle(info: ModelInfo) -> None:
    """Record the digest of the pickle file just logged, so this process may load it back.

    If the file cannot be read back, nothing is recorded: loading it then needs
    ``allow_pickle=True``, as for any pickle.
    """
    name = info.flavors["sklearn"]["pickled_model"]
    with tempfile.TemporaryDirectory(prefix="kit-model-") as folder:
        try:
            location = mlflow.get_logged_model(info.model_id).artifact_location.rstrip("/")
            local = mlflow.artifacts.download_artifacts(
                artifact_uri=f"{location}/{name}", dst_path=folder
            )
        except (MlflowException, OSError):
            return
        _PICKLES_LOGGED_HERE.add(_sha256(Path(local)))


def _sha256(path: Path) -> str:
    """Return the SHA-256 hex digest of a file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _what_exists(model_uri: str, err: Exception) -> str:
    """Say why nothing is at ``model_uri`` and what is there instead, for an error message."""
    scheme, _, path = model_uri.partition(":/")
    try:
        if scheme == "models":
            return _registry_contents(path.strip("/"), err)
        if scheme == "runs":
            run_id, _, name = path.strip("/").partition("/")
            return _run_contents(run_id, name)
    except MlflowException:
        pass  # the store itself failed; MLflow's message below says how
    return _first(err)


def _first(err: Exception) -> str:
    """Return the first line of an error's message (MLflow's go on for many lines)."""
    lines = str(err).strip().splitlines()
    return lines[0] if lines else type(err).__name__


def _registry_contents(path: str, err: Exception) -> str:
    """Describe what a ``models:/`` path names and why it is not there."""
    client = mlflow.MlflowClient()
    head, _, suffix = path.partition("/")
    if "@" not in head and not suffix:  # models:/<model_id>
        try:
            client.get_logged_model(head)
        except MlflowException:
            where = environment.mask_credentials(mlflow.get_tracking_uri())
            return f"no logged model has the ID {head!r} in {where}"
        return f"the logged model {head!r} exists, but its files could not be read: {_first(err)}"
    name, _, alias = head.rpartition("@") if "@" in head else (head, "", "")
    try:
        registered = client.get_registered_model(name)
    except MlflowException:
        where = environment.mask_credentials(mlflow.get_registry_uri())
        found = [m.name for m in client.search_registered_models(max_results=MAX_LISTED + 1)]
        listed = ", ".join(found[:MAX_LISTED]) + (", ..." if len(found) > MAX_LISTED else "")
        return f"there is no registered model {name!r} in {where} (registered: {listed or 'none'})"
    found = client.search_model_versions(f"name = {tracking.quote(name)}")
    versions = ", ".join(str(v) for v in sorted(int(v.version) for v in found)) or "none"
    aliases = ", ".join(f"@{a} -> version {v}" for a, v in sorted(registered.aliases.items()))
    if alias:
        what = f"has no alias {alias!r}"
    elif suffix.isdigit():
        what = f"has no version {suffix}"
    else:
        what = f"has no version for {suffix or 'latest'!r}"
    return (
        f"the registered model {name!r} {what}; its aliases: {aliases or 'none'}; "
        f"its versions: {versions}"
    )


def _run_contents(run_id: str, name: str) -> str:
    """Describe what a ``runs:/`` path names and why it is not there."""
    client = mlflow.MlflowClient()
    try:
        run = client.get_run(run_id)
    except MlflowException:
        where = environment.mask_credentials(mlflow.get_tracking_uri())
        return f"no run has the ID {run_id!r} in {where}"
    names = sorted(client.get_logged_model(o.model_id).name for o in run.outputs.model_outputs)
    return f"run {run_id!r} has no model {name!r}; its models: {', '.join(names) or 'none'}"

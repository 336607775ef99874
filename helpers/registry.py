"""The model registry: register a run's model once, set and move aliases, name models right."""

from __future__ import annotations

import re

import mlflow
import pandas as pd
from mlflow.entities.model_registry import ModelVersion
from mlflow.exceptions import MlflowException

from helpers import environment, tracking

#: Words by which MLflow and the Databricks SDK say that the workspace refused access.
REFUSALS = ("PERMISSION_DENIED", "PermissionDenied", "AccessDenied", "Forbidden")

#: Where Unity Catalog models go in Databricks Free Edition unless told otherwise.
DEFAULT_CATALOG = "workspace"
DEFAULT_SCHEMA = "default"


def model_name(name: str, catalog: str = DEFAULT_CATALOG, schema: str = DEFAULT_SCHEMA) -> str:
    """Return the registered-model name to use where this notebook runs.

    Locally the name is used as it is. On Databricks the registry is Unity Catalog, whose
    names have three levels, ``catalog.schema.model``, in lower case with underscores.

    Args:
        name: A short name such as ``"article_forest"``.
        catalog: Unity Catalog catalog (Free Edition's default: ``workspace``).
        schema: Unity Catalog schema (``default``).

    Returns:
        ``"article_forest"`` locally, ``"workspace.default.article_forest"`` on Databricks.

    Raises:
        ValueError: If the name is empty or has characters other than letters, digits,
            ``_`` and ``-``.

    Examples:
        >>> model_name("article_forest", catalog="main")  # doctest: +SKIP
        'article_forest'
    """
    if not re.fullmatch(r"[A-Za-z0-9_-]+", name or ""):
        raise ValueError(f"model name must use letters, digits, '_' or '-' only, got {name!r}")
    if environment.is_databricks():
        return f"{catalog}.{schema}.{name.lower().replace('-', '_')}"
    return name


def register(source: str, name: str) -> ModelVersion:
    """Register a logged model as a version of ``name``, once.

    If this model is already a version of ``name``, that version is returned, so running a
    notebook again does not pile up versions of the same model.

    Args:
        source: A model URI (``models:/m-...``) or the ID of a run that logged a model.
        name: The registered model's name (see ``model_name()``).

    Returns:
        The ``ModelVersion`` (``.version`` is its number).

    Raises:
        ValueError: If the run logged no model, the source does not exist, or the model
            is unfinished (its run was killed while logging it) or its files are missing.
        RuntimeError: On Databricks, if Unity Catalog refuses the registration (the
            message says what to do).

    Examples:
        >>> version = register(results["model_uri"][3], "article_forest")  # doctest: +SKIP
        >>> version.version  # doctest: +SKIP
        '1'
    """
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"name must be a non-empty string, got {name!r}")
    quoted = tracking.quote(name)
    model_uri, run_id = _logged_model(source)
    model_id = model_uri.removeprefix("models:/")
    _check_complete(model_id, source)
    client = mlflow.MlflowClient()
    try:
        client.get_registered_model(name)
    except MlflowException:
        client.create_registered_model(name)
    for version in client.search_model_versions(f"name = {quoted}"):
        same = version.source == model_uri or getattr(version, "model_id", None) == model_id
        if same and version.status == "READY":  # this model is a version already
            return version
    try:
        # The client API (not mlflow.register_model) registers without printing to stderr;
        # model_id links the version to its LoggedModel, which a tracking server requires.
        return client.create_model_version(name, source=model_uri, run_id=run_id, model_id=model_id)
    except Exception as err:  # MLflow and the Databricks SDK raise different types for it
        if not (environment.is_databricks() and _is_refusal(err)):
            raise
        cause = str(err).splitlines()[0]
        cause = cause if len(cause) <= 200 else cause[:200] + " ..."
        raise RuntimeError(
            f"Unity Catalog refused to register {name!r} ({cause}). "
            f"Check that you may create models in {name.rsplit('.', 1)[0]!r} (Catalog in "
            "the left sidebar, the schema, Permissions), or use a schema of your own: "
            "helpers.registry.model_name(name, catalog=..., schema=...). For AccessDenied "
            "while uploading the model's files, see Troubleshooting in docs/databricks.md."
        ) from None


def set_alias(name: str, alias: str, version: str | int) -> ModelVersion:
    """Point an alias (such as ``champion``) at a version, moving it if it pointed elsewhere.

    Args:
        name: The registered model's name.
        alias: E.g. ``"champion"`` or ``"challenger"``.
        version: The version number.

    Returns:
        The version the alias now points at.

    Raises:
        ValueError: If the model or the version does not exist (the message lists the
            versions that do).

    Examples:
        >>> set_alias("article_forest", "champion", 1)  # doctest: +SKIP
    """
    client = mlflow.MlflowClient()
    existing = versions(name)["version"].tolist()
    if str(version) not in existing:
        raise ValueError(
            f"Model {name!r} has no version {version}; its versions are: {', '.join(existing)}"
        )
    client.set_registered_model_alias(name, alias, str(version))
    return client.get_model_version_by_alias(name, alias)


def versions(name: str) -> pd.DataFrame:
    """List a registered model's versions with their aliases, tags and descriptions.

    Args:
        name: The registered model's name.

    Returns:
        One row per version, oldest first: ``version, aliases, run_name, description,
        tags, status``.

    Raises:
        ValueError: If no model has that name (the message lists those that exist).

    Examples:
        >>> versions("article_forest")[["version", "aliases"]]  # doctest: +SKIP
    """
    client = mlflow.MlflowClient()
    try:
        client.get_registered_model(name)
    except MlflowException as err:
        names = [m.name for m in client.search_registered_models()]
        raise ValueError(f"No registered model {name!r}; models here: {', '.join(names)}") from err
    rows = []
    for found in client.search_model_versions(f"name = {tracking.quote(name)}"):
        # Unity Catalog's search answers leave out tags and aliases: read each version.
        version = client.get_model_version(name, found.version)
        run_name = client.get_run(version.run_id).info.run_name if version.run_id else None
        rows.append(
            {
                "version": str(version.version),
                "aliases": ", ".join(sorted(version.aliases)),
                "run_name": run_name,
                "description": version.description or "",
                "tags": dict(sorted(version.tags.items())),
                "status": version.status,
            }
        )
    table = pd.DataFrame(
        rows, columns=["version", "aliases", "run_name", "description", "tags", "status"]
    )
    return table.sort_values("version", key=lambda v: v.astype(int)).reset_index(drop=True)


def _is_refusal(err: Exception) -> bool:
    """Tell whether an error says the workspace refused access."""
    text = f"{type(err).__name__} {err}"
    return any(word in text for word in REFUSALS)


def _check_complete(model_id: str, source: str) -> None:
    """Refuse a logged model that was never finished or whose files are missing."""
    client = mlflow.MlflowClient()
    status = str(client.get_logged_model(model_id).status)
    if status != "READY":
        raise ValueError(
            f"The model of {source!r} is {status}, not READY: its run stopped while logging "
            "it (a killed kernel?), so it cannot be loaded. Run the experiment again and "
            "register the new run's model."
        )
    files = {info.path for info in client.list_logged_model_artifacts(model_id)}
    if "MLmodel" not in files:
        raise ValueError(
            f"The files of the model {source!r} are missing (no MLmodel file at "
            f"{environment.mask_credentials(client.get_logged_model(model_id).artifact_location)}"
            "): was the store's folder moved or cleaned? Run the experiment again and "
            "register the new run's model."
        )


def _logged_model(source: str) -> tuple[str, str | None]:
    """Return the logged model's URI (``models:/m-...``) and run ID behind a URI or run ID."""
    client = mlflow.MlflowClient()
    if source.startswith("models:/m-"):
        try:
            model = client.get_logged_model(source.removeprefix("models:/"))
        except MlflowException as err:
            raise ValueError(f"No logged model {source!r} in {mlflow.get_tracking_uri()}") from err
        return source, model.source_run_id
    if source.startswith("models:/"):
        raise ValueError(
            f"{source!r} is a registered model's URI; pass the logged model's URI or its run ID"
        )
    try:
        run = client.get_run(source)
    except MlflowException as err:
        raise ValueError(f"{source!r} is neither a model URI (models:/m-...) nor a run ID") from err
    outputs = run.outputs.model_outputs
    if not outputs:
        raise ValueError(
            f"Run '{run.info.run_name}' ({source}) logged no model, so there is nothing to "
            "register: log one with mlflow.sklearn.log_model (or run_experiments with "
            "log_models=True) first"
        )
    return f"models:/{outputs[0].model_id}", source

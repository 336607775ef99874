"""Point MLflow at the right tracking store and experiment, and say where runs go."""

from __future__ import annotations

import functools
import logging
import os
import re
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

import mlflow
from mlflow.entities import Experiment, LifecycleStage
from mlflow.exceptions import MlflowException
from mlflow.tracking import MlflowClient
from packaging.requirements import Requirement

from helpers import environment

#: Seconds to wait for a tracking server's health check before giving up.
CONNECT_TIMEOUT = 5.0

#: The address `make ui` serves the MLflow UI on.
UI_URL = "http://127.0.0.1:5000"


class TrackingStoreUnreachableError(ConnectionError):
    """The tracking URI points at a store or server that cannot be reached."""


@dataclass(frozen=True)
class Tracking:
    """Where this notebook's runs go; its repr says so in two lines.

    Attributes:
        experiment_name: The active experiment's name.
        experiment_id: The active experiment's ID.
        tracking_uri: The tracking URI MLflow now uses.
        kind: ``"local"`` (the kit's SQLite store), ``"sqlite"`` (another SQLite file),
            ``"server"``, ``"databricks"`` or ``"database"``.
        artifact_location: Where the experiment's files (models, plots) are stored.

    """

    experiment_name: str
    experiment_id: str
    tracking_uri: str
    kind: str
    artifact_location: str

    def __repr__(self) -> str:
        """Say where runs go and how to see them."""
        where = f"Runs go to experiment '{self.experiment_name}'"
        if self.kind in ("local", "sqlite"):
            store = environment.display_path(_sqlite_path(self.tracking_uri))
            files = _display_location(self.artifact_location)
            label = "the kit's local SQLite store" if self.kind == "local" else "the SQLite store"
            ui = (
                f"`make ui` in the course folder, then {UI_URL}"
                if self.kind == "local"
                else f"`mlflow ui --backend-store-uri sqlite:///{store}`"
            )
            return (
                f"{where} in {label} {store} (files in {files}).\nSee them in the MLflow UI: {ui}"
            )
        if self.kind == "server":
            return (
                f"{where} on the tracking server {self.tracking_uri}.\n"
                f"See them in the MLflow UI: open {self.tracking_uri} in a browser"
            )
        if self.kind == "databricks":
            return (
                f"{where} in this Databricks workspace.\n"
                "See them in the MLflow UI: Experiments in the left sidebar, "
                "or the flask icon at the notebook's right edge"
            )
        return f"{where} in the store {self.tracking_uri}.\nSee them with `mlflow ui` on that store"


def setup(experiment_name: str) -> Tracking:
    """Point MLflow at the right store, make the experiment active, and say where runs go.

    The store is chosen in this order: ``$MLFLOW_TRACKING_URI`` if set; the workspace when
    running on Databricks; else the kit's local SQLite store (``mlflow-store/mlflow.db``
    in the course folder, whatever the current directory), with files beside it. Safe to
    call again: an existing experiment is reused, and one deleted earlier is restored
    (with a message) instead of failing.

    Args:
        experiment_name: A name such as ``"first-experiment"``. On Databricks a name
            without a leading ``/`` is placed in the user's home folder.

    Returns:
        A ``Tracking`` whose repr says where runs go and how to open the UI.

    Raises:
        ValueError: If the name is empty.
        RuntimeError: If a package the course needs is missing or too old (the message
            says how to install it).
        TrackingStoreUnreachableError: If the store cannot be reached (within seconds).

    Examples:
        >>> tracking = setup("first-experiment")  # doctest: +SKIP
        >>> tracking  # doctest: +SKIP
        Runs go to experiment 'first-experiment' in the kit's local SQLite store ...

    """
    if not isinstance(experiment_name, str) or not experiment_name.strip():
        raise ValueError(f"experiment_name must be a non-empty string, got {experiment_name!r}")
    check_requirements()
    uri, kind = choose_tracking_uri()
    check_reachable(uri)
    mlflow.set_tracking_uri(uri)
    experiment_name = full_experiment_name(experiment_name)
    artifact_location = None
    if kind == "local":
        artifact_location = (
            environment.store_dir() / "artifacts" / _slug(experiment_name)
        ).as_uri()
    with _quiet_store_creation():
        experiment = get_or_create_experiment(MlflowClient(uri), experiment_name, artifact_location)
    # Setting by ID, not by name: MLflow's set_experiment(name) can leave the loser of a
    # creation race without an active experiment (see ../shared/notes).
    mlflow.set_experiment(experiment_id=experiment.experiment_id)
    return Tracking(
        experiment_name=experiment.name,
        experiment_id=experiment.experiment_id,
        tracking_uri=uri,
        kind=kind,
        artifact_location=experiment.artifact_location,
    )


def choose_tracking_uri() -> tuple[str, str]:
    """Pick the tracking URI: the environment variable, Databricks, or the kit's store.

    Returns:
        ``(uri, kind)`` with kind one of ``"local"``, ``"sqlite"``, ``"server"``,
        ``"databricks"``, ``"database"``. Creates the local store's folder if needed.

    Examples:
        >>> uri, kind = choose_tracking_uri()  # doctest: +SKIP
        >>> kind
        'local'

    """
    uri = os.environ.get("MLFLOW_TRACKING_URI", "").strip()
    if uri:
        return uri, _kind_of(uri)
    if environment.is_databricks():
        return "databricks", "databricks"
    store = environment.store_dir()
    store.mkdir(parents=True, exist_ok=True)
    return environment.sqlite_uri(store), "local"


def active_experiment_id() -> str:
    """Return the ID of the experiment new runs go to.

    Returns:
        The active experiment's ID (MLflow's default experiment "0" when none was set).

    Examples:
        >>> setup("first-experiment").experiment_id == active_experiment_id()  # doctest: +SKIP
        True
    """
    # MLflow has no public getter for this; the fluent API resolves it the same way.
    return mlflow.tracking.fluent._get_experiment_id()


def check_requirements(requirements: Sequence[str] | None = None) -> None:
    """Fail with the fix when a package the course needs is missing or too old.

    On Databricks this is what happens when the notebook's first cell was skipped: the
    preinstalled MLflow is older than the course needs, and skops is missing.

    Args:
        requirements: Requirement strings; the kit's runtime requirements when None.

    Raises:
        RuntimeError: Naming what is missing and how to install it (on Databricks: the
            notebook's first cell).

    Examples:
        >>> check_requirements()  # passes silently where the course is installed
    """
    missing = environment.unmet(
        environment.requirements() if requirements is None else requirements
    )
    if not missing:
        return
    found = ", ".join(
        f"{name} {environment.installed_version(name) or 'missing'}"
        for name in (Requirement(r).name for r in missing)
    )
    fix = (
        "run the notebook's first cell, helpers.environment.install_on_databricks(), which "
        "installs them and restarts Python"
        if environment.is_databricks()
        else 'reinstall the course: `make clean lab`, or `pip install -e ".[lab,test,docs]"`'
    )
    raise RuntimeError(f"The course needs {', '.join(missing)}; found {found}. To fix it, {fix}.")


def full_experiment_name(name: str) -> str:
    """Return the name an experiment has in the store MLflow points at now.

    On Databricks (tracking URI ``databricks``) experiments are workspace paths, so a short
    name goes into the user's home folder; elsewhere names are used as they are.

    Args:
        name: ``"02-comparing-runs"``, or a full workspace path such as
            ``"/Shared/team-project"``.

    Returns:
        ``"/Users/<you>/02-comparing-runs"`` on Databricks, else ``name`` unchanged.

    Examples:
        >>> full_experiment_name("02-comparing-runs")  # locally  # doctest: +SKIP
        '02-comparing-runs'
    """
    if _kind_of(mlflow.get_tracking_uri()) == "databricks":
        return databricks_experiment_path(name)
    return name


def check_reachable(uri: str, timeout: float = CONNECT_TIMEOUT) -> None:
    """Fail fast, with a hint, when a tracking URI cannot be reached.

    MLflow itself retries an unreachable server for minutes; this checks once.

    Args:
        uri: A tracking URI (``http(s)://...``, ``sqlite:///...``; others are not checked).
        timeout: Seconds to wait for a server's ``/health`` answer.

    Raises:
        TrackingStoreUnreachableError: With what failed and what to do about it.

    Examples:
        >>> check_reachable("http://127.0.0.1:9")  # doctest: +SKIP
        Traceback (most recent call last):
        TrackingStoreUnreachableError: Cannot reach the MLflow tracking server ...

    """
    scheme = urlparse(uri).scheme
    hint = (
        "Start the server (for the kit's store: `make ui`), correct MLFLOW_TRACKING_URI, "
        "or unset it to use the kit's local store."
    )
    if scheme in ("http", "https"):
        try:
            with urllib.request.urlopen(uri.rstrip("/") + "/health", timeout=timeout) as reply:
                if reply.status == 200:
                    return
                problem = f"it answered HTTP {reply.status}"
        except urllib.error.HTTPError as err:
            problem = f"it answered HTTP {err.code} on /health"
        except (OSError, ValueError) as err:
            reason = getattr(err, "reason", err)
            problem = f"{type(reason).__name__}: {reason}"
        raise TrackingStoreUnreachableError(
            f"Cannot reach the MLflow tracking server at {uri} ({problem}). {hint}"
        )
    if scheme == "sqlite":
        folder = _sqlite_path(uri).parent
        if not folder.is_dir():
            raise TrackingStoreUnreachableError(
                f"The SQLite store {uri} is in a folder that does not exist: {folder}. "
                "Create the folder, correct MLFLOW_TRACKING_URI, or unset it to use the kit's "
                "local store."
            )


def databricks_experiment_path(name: str, user: str | None = None) -> str:
    """Turn a short experiment name into a Databricks workspace path.

    Args:
        name: ``"first-experiment"``, or a full path starting with ``/`` (kept as is).
        user: The workspace user name; looked up with the Databricks SDK when None.

    Returns:
        ``/Users/<user>/<name>`` for a short name.

    Examples:
        >>> databricks_experiment_path("first-experiment", user="learner@example.com")
        '/Users/learner@example.com/first-experiment'

    """
    if name.startswith("/"):
        return name
    return f"/Users/{user or databricks_user()}/{name}"


def databricks_user() -> str:
    """Return the signed-in Databricks user's name (looked up once per workspace).

    Returns:
        E.g. ``"learner@example.com"``.
    """
    return _user_of(os.environ.get("DATABRICKS_HOST", ""))


@functools.cache
def _user_of(host: str) -> str:
    """Ask the Databricks SDK who is signed in to one workspace host."""
    from databricks.sdk import WorkspaceClient  # installed with MLflow, and on Databricks

    return WorkspaceClient().current_user.me().user_name


def get_or_create_experiment(
    client: MlflowClient, name: str, artifact_location: str | None
) -> Experiment:
    """Return the named experiment, creating it or restoring it from the trash.

    Safe when several processes create the same experiment at the same moment: the
    losers of the race find the winner's experiment.

    Args:
        client: A client for the tracking store.
        name: The experiment's name.
        artifact_location: Where a new experiment keeps its files (the store's default
            when None).

    Returns:
        The active experiment.
    """
    experiment = client.get_experiment_by_name(name)
    if experiment is None:
        try:
            client.create_experiment(name, artifact_location=artifact_location)
        except MlflowException as err:
            if err.error_code != "RESOURCE_ALREADY_EXISTS":  # another process won the race
                raise
        experiment = client.get_experiment_by_name(name)
    if experiment.lifecycle_stage == LifecycleStage.DELETED:
        client.restore_experiment(experiment.experiment_id)
        print(f"Experiment '{name}' had been deleted; restored it with its earlier runs.")
        experiment = client.get_experiment(experiment.experiment_id)
    return experiment


@contextmanager
def _quiet_store_creation() -> Iterator[None]:
    """Hide MLflow's INFO lines about creating a new database's tables."""
    logger = logging.getLogger("mlflow.store.db.utils")
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


def _kind_of(uri: str) -> str:
    # "databricks" has no "://": a bare word, or databricks://<profile>, or databricks-uc.
    if uri == "databricks" or uri.startswith(("databricks://", "databricks-uc")):
        return "databricks"
    scheme = urlparse(uri).scheme
    if scheme == "sqlite":
        kit_db = environment.store_dir() / "mlflow.db"
        return "local" if _sqlite_path(uri) == kit_db else "sqlite"
    if scheme in ("http", "https"):
        return "server"
    return "database"


def _sqlite_path(uri: str) -> Path:
    """``sqlite:////abs/mlflow.db`` or ``sqlite:///rel.db`` to an absolute path."""
    return Path(unquote(uri[len("sqlite:///") :])).resolve()


def _display_location(location: str) -> str:
    if location.startswith("file:"):
        return environment.display_path(Path(unquote(urlparse(location).path)))
    return location


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "experiment"

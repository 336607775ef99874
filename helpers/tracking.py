"""Point MLflow at the right tracking store and experiment, and say where runs go."""

from __future__ import annotations

import logging
import os
import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

import mlflow
from mlflow.entities import Experiment, LifecycleStage
from mlflow.exceptions import MlflowException
from mlflow.tracking import MlflowClient

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
        TrackingStoreUnreachableError: If the store cannot be reached (within seconds).

    Examples:
        >>> tracking = setup("first-experiment")  # doctest: +SKIP
        >>> tracking  # doctest: +SKIP
        Runs go to experiment 'first-experiment' in the kit's local SQLite store ...

    """
    if not isinstance(experiment_name, str) or not experiment_name.strip():
        raise ValueError(f"experiment_name must be a non-empty string, got {experiment_name!r}")
    uri, kind = choose_tracking_uri()
    check_reachable(uri)
    mlflow.set_tracking_uri(uri)
    if kind == "databricks":
        experiment_name = databricks_experiment_path(experiment_name)
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
    if user is None:
        from databricks.sdk import WorkspaceClient  # installed on every Databricks runtime

        user = WorkspaceClient().current_user.me().user_name
    return f"/Users/{user}/{name}"


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
    scheme = urlparse(uri).scheme
    if scheme == "sqlite":
        kit_db = environment.store_dir() / "mlflow.db"
        return "local" if _sqlite_path(uri) == kit_db else "sqlite"
    if scheme in ("http", "https"):
        return "server"
    if scheme.startswith("databricks"):
        return "databricks"
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

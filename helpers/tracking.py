"""Point MLflow at the right tracking store and experiment, and say where runs go."""

from __future__ import annotations

import base64
import functools
import hashlib
import logging
import os
import re
import socket
import sqlite3
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

import mlflow
import psutil
from filelock import FileLock
from mlflow.entities import Experiment, LifecycleStage, ViewType
from mlflow.exceptions import MlflowException
from mlflow.tracking import MlflowClient
from packaging.requirements import Requirement

from helpers import environment

#: Seconds to wait for a tracking server's health check before giving up.
CONNECT_TIMEOUT = 5.0

#: The address `make ui` serves the MLflow UI on.
UI_URL = "http://127.0.0.1:5000"

#: Tag naming the process that logs a kit run (``host:pid:start``), so that a run left
#: RUNNING by a killed kernel can be told from one still in progress.
PROCESS_TAG = "kit.process"

#: The longest experiment name MLflow accepts.
MAX_NAME_LENGTH = 500

#: Seconds a process waits for another to finish creating or opening the same SQLite store.
STORE_LOCK_TIMEOUT = 120.0


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
        uri = environment.mask_credentials(self.tracking_uri)
        if self.kind == "server":
            return (
                f"{where} on the tracking server {uri}.\n"
                f"See them in the MLflow UI: open {uri} in a browser"
            )
        if self.kind == "databricks":
            return (
                f"{where} in this Databricks workspace.\n"
                "See them in the MLflow UI: Experiments in the left sidebar, "
                "or the flask icon at the notebook's right edge"
            )
        return f"{where} in the store {uri}.\nSee them with `mlflow ui` on that store"


def setup(experiment_name: str) -> Tracking:
    """Point MLflow at the right store, make the experiment active, and say where runs go.

    The store is chosen in this order: ``$MLFLOW_TRACKING_URI`` if set; the workspace when
    running on Databricks; else the kit's local SQLite store (``mlflow-store/mlflow.db``
    in the course folder, whatever the current directory), with files beside it. Safe to
    call again: an existing experiment is reused, and one deleted earlier is restored
    (with a message) instead of failing. Also safe when several kernels open a brand-new
    store at the same moment. On the kit's store each experiment gets a folder of its own,
    and a store folder that was moved is repaired (with a message). Runs that a stopped
    kernel left RUNNING are marked KILLED (with a message), so they are never reused.
    MLflow's bars for downloading a model's files are turned off (unless
    ``MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR`` is set): the course's models are a few small
    files, and a bar per load would only fill the notebooks' outputs.

    Args:
        experiment_name: A name such as ``"first-experiment"``. On Databricks a name
            without a leading ``/`` is placed in the user's home folder.

    Returns:
        A ``Tracking`` whose repr says where runs go and how to open the UI.

    Raises:
        ValueError: If the name is empty or longer than MLflow accepts.
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
    if len(experiment_name) > MAX_NAME_LENGTH:
        raise ValueError(
            f"experiment_name may have at most {MAX_NAME_LENGTH} characters (MLflow's limit), "
            f"got {len(experiment_name)}: {experiment_name[:40]!r}..."
        )
    check_requirements()
    environment.disable_telemetry()
    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
    uri, kind = choose_tracking_uri()
    check_reachable(uri)
    mlflow.set_tracking_uri(uri)
    experiment_name = full_experiment_name(experiment_name)
    with _store_lock(uri), _quiet_store_creation():
        client = MlflowClient(uri)
        location = None
        if kind == "local":
            repair_moved_store(environment.store_dir())
            if client.get_experiment_by_name(experiment_name) is None:
                location = artifact_location(client, experiment_name)
        experiment = get_or_create_experiment(client, experiment_name, location)
    close_abandoned_runs(client, experiment.experiment_id)
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


def artifact_location(client: MlflowClient, name: str) -> str:
    """Choose the folder of a new experiment's files in the kit's store.

    Each experiment gets a folder of its own: ``artifacts/<name>`` when the name is a
    plain file name no other experiment's folder uses (also ignoring case, as macOS and
    Windows do), else ``artifacts/<name made plain, shortened>-<8 hex digits of the name>``.

    Args:
        client: A client for the kit's store.
        name: The new experiment's name.

    Returns:
        A ``file://`` URI.

    Examples:
        >>> artifact_location(MlflowClient(), "team/a")  # doctest: +SKIP
        'file:///.../mlflow-store/artifacts/team-a-0c5a1e2f'
    """
    root = environment.store_dir() / "artifacts"
    slug = _slug(name)
    taken = {
        experiment.artifact_location.casefold()
        for experiment in client.search_experiments(view_type=ViewType.ALL)
        if experiment.name != name
    }
    folder = slug
    if slug != name or len(slug) > 64 or (root / slug).as_uri().casefold() in taken:
        folder = f"{slug[:64]}-{hashlib.sha256(name.encode()).hexdigest()[:8]}"
    return (root / folder).as_uri()


def repair_moved_store(store: Path) -> int:
    """Point a moved store's records at the new place of its files.

    MLflow stores the absolute location of every experiment's, run's and model's files.
    When the course folder (and so the store) has been moved, those locations name a
    folder that no longer exists: logged models fail to load ("No such artifact") and new
    runs recreate the old folder. This rewrites the locations under the old
    ``.../artifacts`` folder to the store's ``artifacts`` folder, once.

    Args:
        store: The store folder, holding ``mlflow.db`` and ``artifacts/``.

    Returns:
        How many records were updated (0 when nothing had moved).
    """
    database = Path(store) / "mlflow.db"
    if not database.is_file():
        return 0
    new_root = (Path(store) / "artifacts").as_uri()
    with sqlite3.connect(database) as db:
        columns = [
            (table, column)
            for table, column in _LOCATION_COLUMNS
            if column in {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
        ]
        locations = [
            row[0] or "" for row in db.execute("SELECT artifact_location FROM experiments")
        ]
        old_roots = {
            location[: location.rindex("/artifacts/") + len("/artifacts")]
            for location in locations
            if location.startswith("file://") and "/artifacts/" in location
        } - {new_root}
        moved = [old for old in old_roots if not Path(unquote(urlparse(old).path)).exists()]
        updated = 0
        for old in moved:
            for table, column in columns:
                updated += db.execute(
                    f"UPDATE {table} SET {column} = ? || substr({column}, ?) "
                    f"WHERE substr({column}, 1, ?) = ?",
                    (new_root, len(old) + 1, len(old) + 1, old + "/"),
                ).rowcount
    if updated:
        was = ", ".join(environment.display_path(Path(unquote(urlparse(o).path))) for o in moved)
        print(
            f"The store was moved (its files were in {was}): pointed {updated} records at "
            f"{environment.display_path(Path(store) / 'artifacts')}."
        )
    return updated


_LOCATION_COLUMNS = (
    ("experiments", "artifact_location"),
    ("runs", "artifact_uri"),
    ("logged_models", "artifact_location"),
    ("model_versions", "source"),
    ("model_versions", "storage_location"),
)


def process_tag() -> dict[str, str]:
    """Return the tag that names this process on a run (see ``close_abandoned_runs``).

    Returns:
        ``{PROCESS_TAG: "<host>:<pid>:<process start time>"}``.

    Examples:
        >>> list(process_tag()) == [PROCESS_TAG]
        True
    """
    me = psutil.Process()
    return {PROCESS_TAG: f"{socket.gethostname()}:{me.pid}:{me.create_time():.0f}"}


def process_alive(owner: str) -> bool:
    """Tell whether the process named by a run's ``PROCESS_TAG`` may still be running.

    Args:
        owner: The tag's value, ``"<host>:<pid>:<start time>"``.

    Returns:
        False when that process ran on this machine and has stopped (its ID is free or
        now belongs to a process started later); True otherwise, also for another machine.

    Examples:
        >>> process_alive(process_tag()[PROCESS_TAG])
        True
    """
    parts = owner.rsplit(":", 2)
    if len(parts) != 3 or parts[0] != socket.gethostname():
        return True
    try:
        started = psutil.Process(int(parts[1])).create_time()
    except (psutil.NoSuchProcess, ValueError):
        return False
    except psutil.AccessDenied:  # another user's process: it exists
        return True
    return abs(started - float(parts[2])) < 2


def close_abandoned_runs(client: MlflowClient, experiment_id: str) -> list[str]:
    """Mark the runs that a stopped process left RUNNING as KILLED, and say so.

    A kernel that is killed (or crashes) while a run is open leaves it RUNNING forever,
    and its model half-logged. Runs logged by the kit carry ``PROCESS_TAG``; those whose
    process has stopped are marked KILLED with a note, and their unfinished models FAILED,
    so they are never reused or registered.

    Args:
        client: A client for the tracking store.
        experiment_id: The experiment to look in.

    Returns:
        The names of the runs marked KILLED.
    """
    closed = []
    for run in client.search_runs([experiment_id], "attributes.status = 'RUNNING'"):
        owner = run.data.tags.get(PROCESS_TAG)
        if owner is None or process_alive(owner):
            continue
        run_id = run.info.run_id
        for model in client.search_logged_models(
            [experiment_id], filter_string=f"source_run_id = '{run_id}'"
        ):
            if str(model.status) == "PENDING":
                client.finalize_logged_model(model.model_id, "FAILED")
        client.set_tag(run_id, "mlflow.note.content", ABANDONED_NOTE)
        client.set_terminated(run_id, "KILLED")
        closed.append(run.info.run_name)
    if closed:
        print(
            f"Marked {len(closed)} run(s) KILLED that a stopped kernel had left RUNNING: "
            f"{', '.join(closed)}. They are never reused or registered."
        )
    return closed


#: The note on a run that ``close_abandoned_runs`` marked KILLED.
ABANDONED_NOTE = (
    "Marked KILLED by helpers.tracking.setup: the process that logged this run stopped "
    "before the run ended (a killed or restarted kernel)."
)


def choose_tracking_uri() -> tuple[str, str]:
    """Pick the tracking URI: the environment variable, Databricks, or the kit's store.

    Returns:
        ``(uri, kind)`` with kind one of ``"local"``, ``"sqlite"``, ``"server"``,
        ``"databricks"``, ``"database"``. Creates the local store's folder if needed.

    Examples:
        >>> uri, kind = choose_tracking_uri()  # doctest: +SKIP
        >>> kind  # doctest: +SKIP
        'local'

    """
    uri = os.environ.get("MLFLOW_TRACKING_URI", "").strip()
    if uri:
        return uri, _kind_of(uri)
    if environment.is_databricks():
        return "databricks", "databricks"
    return environment.local_store_uri(), "local"


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
        else "reinstall the course: `make clean lab`, or "
        '`pip install -c constraints.txt -e ".[lab,test,docs,auth,spark]"`'
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


def quote(value: str) -> str:
    """Quote a name for an MLflow search filter, whichever quote it contains.

    Args:
        value: A run, model or experiment name, e.g. ``"o'neil"``.

    Returns:
        The name in single quotes, or in double quotes when it contains a single quote.

    Raises:
        ValueError: If it contains both kinds of quote (MLflow's filters cannot hold it).

    Examples:
        >>> print(quote("forest-sweep"), quote("o'neil"))
        'forest-sweep' "o'neil"
    """
    if "'" not in value:
        return f"'{value}'"
    if '"' not in value:
        return f'"{value}"'
    raise ValueError(
        f"a name may contain ' or \" but not both (MLflow cannot search it): {value!r}"
    )


def check_reachable(uri: str, timeout: float = CONNECT_TIMEOUT) -> None:
    """Fail fast, with a hint, when a tracking URI cannot be reached.

    MLflow itself retries an unreachable server or database for minutes; this checks
    once. Credentials in the URI are never shown in the message.

    Args:
        uri: A tracking URI: ``http(s)://...`` (its ``/health`` must answer),
            ``sqlite:///...`` (its folder must exist and be writable), or a database such
            as ``postgresql://...`` (one connection must open); others are not checked.
        timeout: Seconds to wait for a server's or database's answer.

    Raises:
        TrackingStoreUnreachableError: With what failed and what to do about it.

    Examples:
        >>> check_reachable("http://127.0.0.1:9")  # doctest: +SKIP
        Traceback (most recent call last):
        TrackingStoreUnreachableError: Cannot reach the MLflow tracking server ...

    """
    scheme = urlparse(uri).scheme
    if scheme in ("http", "https"):
        _check_server(uri, timeout)
    elif scheme == "sqlite":
        _check_sqlite(_sqlite_path(uri), uri)
    elif scheme.split("+")[0] in ("postgresql", "mysql", "mssql"):
        _check_database(uri, timeout)


_UNSET_HINT = "correct MLFLOW_TRACKING_URI, or unset it to use the kit's local store."


def _check_server(uri: str, timeout: float) -> None:
    """Ask a tracking server's ``/health`` once; credentials in the URI go in a header."""
    parts = urlparse(uri)
    address, headers = uri, {}
    if "@" in parts.netloc:  # urllib would take "user:token@host" for the host name
        userinfo, _, hostport = parts.netloc.rpartition("@")
        address = parts._replace(netloc=hostport).geturl()
        token = base64.b64encode(unquote(userinfo).encode()).decode()
        headers["Authorization"] = f"Basic {token}"
    request = urllib.request.Request(address.rstrip("/") + "/health", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            if reply.status == 200:
                return
            problem = f"it answered HTTP {reply.status}"
    except urllib.error.HTTPError as err:
        problem = f"it answered HTTP {err.code} on /health"
    except (OSError, ValueError) as err:
        reason = getattr(err, "reason", err)
        problem = f"{type(reason).__name__}: {reason}"
    raise TrackingStoreUnreachableError(
        f"Cannot reach the MLflow tracking server at {environment.mask_credentials(uri)} "
        f"({environment.mask_credentials(problem)}). Start the server (for the kit's store: "
        f"`make ui`), {_UNSET_HINT}"
    )


def _check_sqlite(database: Path, uri: str) -> None:
    """Fail at once when a SQLite store's folder is missing or cannot be written."""
    folder = database.parent
    if not folder.is_dir():
        raise TrackingStoreUnreachableError(
            f"The SQLite store {uri} is in a folder that does not exist: {folder}. "
            f"Create the folder, {_UNSET_HINT}"
        )
    try:
        with tempfile.TemporaryFile(dir=folder):  # SQLite writes journal files beside it
            pass
        if database.exists() and not os.access(database, os.W_OK):
            raise PermissionError(f"{database.name} is read-only")
    except OSError as err:
        raise TrackingStoreUnreachableError(
            f"The SQLite store {database} cannot be written ({err.strerror or err}). "
            "Move the course to a folder you can write to, set COURSE_STORE_DIR to one, or "
            f"{_UNSET_HINT}"
        ) from None


def _check_database(uri: str, timeout: float) -> None:
    """Open one connection to a database store, waiting ``timeout`` seconds at most."""
    import sqlalchemy
    from sqlalchemy.pool import NullPool

    masked = environment.mask_credentials(uri)
    try:
        url = sqlalchemy.engine.make_url(uri)
        quick = {"connect_timeout": max(1, round(timeout))}
        engine = sqlalchemy.create_engine(
            url,
            poolclass=NullPool,
            connect_args=quick if url.get_backend_name() in ("postgresql", "mysql") else {},
        )
        with engine.connect():
            pass
        engine.dispose()
    except Exception as err:  # drivers raise their own types: all mean "cannot open it"
        first = (str(err).strip().splitlines() or [""])[0]
        raise TrackingStoreUnreachableError(
            f"Cannot open the database {masked} ({type(err).__name__}: "
            f"{environment.mask_credentials(first)}). Start the database, check its address, "
            f"user and password, or {_UNSET_HINT}"
        ) from None


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


def _store_lock(uri: str) -> FileLock | nullcontext[None]:
    """Return a lock that lets one process at a time create or open a SQLite store."""
    if urlparse(uri).scheme != "sqlite":
        return nullcontext()
    return FileLock(f"{_sqlite_path(uri)}.lock", timeout=STORE_LOCK_TIMEOUT)


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

"""Where the course runs: local machine or Databricks, versions, the local store's folder.

This module imports nothing but the standard library and ``packaging`` (no MLflow), so
that on Databricks ``install_on_databricks()`` can run before MLflow is upgraded.
"""

from __future__ import annotations

import importlib.metadata
import os
import platform
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from packaging.requirements import Requirement

#: Environment variable that moves the kit's local store (``mlflow.db`` and ``artifacts/``).
STORE_DIR_ENV = "COURSE_STORE_DIR"

#: Name of the store folder at the course root (or in the home folder when installed).
STORE_DIR_NAME = "mlflow-store"

#: Packages whose versions the course reports.
CORE_PACKAGES = ("mlflow", "scikit-learn", "skops", "pandas", "numpy", "matplotlib")

#: The MLflow, skops and Optuna releases the committed notebooks were executed with.
#: Databricks preinstalls an older MLflow (serverless environment 5: 3.8.1), and no skops
#: or Optuna (notebook 08), so there ``install_on_databricks()`` installs exactly these; the
#: tests run with them too. Spark is Databricks' own.
DATABRICKS_PINS = ("mlflow==3.17.2", "skops==0.16.0", "optuna==5.0.0")

#: Where Databricks records its runtime version on compute that sets no variable.
_DBR_VERSION_FILE = Path("/databricks/DBR_VERSION")


def databricks_runtime_version() -> str | None:
    """Read the Databricks runtime version the way MLflow does.

    The same order as MLflow's ``get_databricks_runtime_version()``: on serverless compute
    ``DATABRICKS_RUNTIME_VERSION`` is ``client.<environment version>`` (or only
    ``DATABRICKS_ENV_VERSION`` is set); on classic compute it is a number such as ``16.4``.

    Returns:
        E.g. ``"client.4"`` or ``"16.4"``; None outside Databricks.

    Examples:
        >>> databricks_runtime_version() is None or isinstance(databricks_runtime_version(), str)
        True

    """
    # MLflow's function lives in mlflow.utils (not its public API) and importing MLflow
    # here would load the old MLflow before install_on_databricks() can upgrade it.
    if env_version := os.environ.get("DATABRICKS_ENV_VERSION"):
        return f"client.{env_version}"
    if version := os.environ.get("DATABRICKS_RUNTIME_VERSION"):
        return version
    if _DBR_VERSION_FILE.is_file():
        return _DBR_VERSION_FILE.read_text().strip()
    return None


def runtime() -> str:
    """Tell where this Python process runs.

    Returns:
        ``"databricks-serverless"``, ``"databricks-classic"`` or ``"local"``, read from what
        Databricks sets (see ``databricks_runtime_version()``).

    Examples:
        >>> runtime() in {"local", "databricks-classic", "databricks-serverless"}
        True

    """
    version = databricks_runtime_version()
    if version is None:
        return "local"
    return "databricks-serverless" if version.startswith("client.") else "databricks-classic"


def is_databricks() -> bool:
    """Tell whether this process runs on Databricks (classic or serverless).

    Returns:
        True on Databricks, False elsewhere.

    Examples:
        >>> isinstance(is_databricks(), bool)
        True

    """
    return runtime() != "local"


def with_this_python_first(path: str | None) -> str:
    """Put this Python's scripts folder (``python``, ``mlflow``, ``uvicorn``) first on a PATH.

    Args:
        path: A ``PATH`` value; None for none.

    Returns:
        The new ``PATH`` value.
    """
    return str(Path(sys.executable).parent) + os.pathsep + (path or "")


@contextmanager
def this_python_first() -> Iterator[None]:
    """Put this Python's scripts folder first on ``PATH`` inside a ``with`` block.

    Commands that MLflow starts by name, such as the ``python train.py`` of an MLflow
    Project run with ``env_manager="local"``, take the first ``python`` on ``PATH``. A
    kernel started from the course's virtual environment without activating it (VS Code,
    PyCharm, ``.venv/bin/jupyter``) would run them with another Python, one without MLflow.

    Yields:
        Nothing; ``PATH`` is restored when the block ends.

    Examples:
        >>> with this_python_first():
        ...     os.environ["PATH"].startswith(str(Path(sys.executable).parent))
        True
    """
    before = os.environ.get("PATH")
    os.environ["PATH"] = with_this_python_first(before)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("PATH", None)
        else:
            os.environ["PATH"] = before


def course_root() -> Path | None:
    """Find the course folder this package was imported from.

    Returns:
        The folder that holds ``helpers/``, ``notebooks/`` and ``pyproject.toml``, or None
        when the package was installed elsewhere (for example into site-packages).

    Examples:
        >>> root = course_root()
        >>> root is None or (root / "notebooks").is_dir()
        True

    """
    root = Path(__file__).resolve().parent.parent
    if (root / "pyproject.toml").is_file() and (root / "notebooks").is_dir():
        return root
    return None


def store_dir() -> Path:
    """Return the folder of the kit's local tracking store.

    The same folder is used whatever the current directory is, so every notebook and
    ``make ui`` see the same runs. Order: ``$COURSE_STORE_DIR`` if set, else
    ``mlflow-store/`` in the course folder, else ``~/mlflow-store`` when ``helpers`` was
    installed as a package.

    Returns:
        An absolute path; the folder may not exist yet.

    Examples:
        >>> store_dir().is_absolute()
        True

    """
    override = os.environ.get(STORE_DIR_ENV)
    if override:
        return Path(override).expanduser().resolve()
    root = course_root()
    base = root if root is not None else Path.home()
    return base / STORE_DIR_NAME


def local_store_uri() -> str:
    """Create the kit's local store folder if needed and return its SQLite tracking URI.

    Returns:
        ``sqlite:///<store_dir()>/mlflow.db``.
    """
    store = store_dir()
    store.mkdir(parents=True, exist_ok=True)
    return sqlite_uri(store)


def sqlite_uri(store: Path) -> str:
    """Return the tracking URI of the SQLite run database in a store folder.

    Args:
        store: A folder holding ``mlflow.db``: the kit's store, or a tracking server's.

    Returns:
        E.g. ``"sqlite:////home/me/course/mlflow-store/mlflow.db"``.

    Examples:
        >>> sqlite_uri(Path("/tmp/store"))
        'sqlite:////tmp/store/mlflow.db'

    """
    return f"sqlite:///{(Path(store) / 'mlflow.db').as_posix()}"


def mask_credentials(uri: str) -> str:
    """Hide the password or token in a URI, so that it can be printed and shared.

    Args:
        uri: Any URI or text containing one, e.g. ``postgresql://user:secret@host/db``.

    Returns:
        The same text with each ``user:password@`` shown as ``user:***@`` (a bare
        ``token@`` as ``***@``); text without credentials is returned unchanged.

    Examples:
        >>> mask_credentials("postgresql://kit:secret@db.example/runs")
        'postgresql://kit:***@db.example/runs'
        >>> mask_credentials("http://token@127.0.0.1:5000")
        'http://***@127.0.0.1:5000'
        >>> mask_credentials("sqlite:////tmp/mlflow.db")
        'sqlite:////tmp/mlflow.db'
    """

    def hide(match: re.Match[str]) -> str:
        user, _, secret = match.group("userinfo").partition(":")
        shown = f"{user}:***" if secret else "***"
        return f"{match.group('scheme')}{shown}@"

    return _USERINFO.sub(hide, uri)


_USERINFO = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)(?P<userinfo>[^/\s]+)@")


def disable_telemetry() -> None:
    """Turn off MLflow's usage telemetry in this process and the programs it starts.

    At import MLflow starts a thread that fetches a telemetry configuration from the
    internet. Offline (a workshop room, this kit's tests) the fetch fails and the thread
    removes a variable from ``os.environ`` while the main thread may be reading it for an
    HTTP request, which then fails with a ``KeyError``. The kit runs offline by design, so
    it sets MLflow's documented switch ``MLFLOW_DISABLE_TELEMETRY`` and, when MLflow is
    already imported, drops its telemetry client at once from this thread.
    """
    os.environ["MLFLOW_DISABLE_TELEMETRY"] = "true"
    telemetry = sys.modules.get("mlflow.telemetry")
    if telemetry is not None:
        telemetry.set_telemetry_client()  # disabled now: forgets the client, in this thread


def display_path(path: Path) -> str:
    """Show a path the way a learner would type it, without machine-specific parts.

    Args:
        path: An absolute path.

    Returns:
        The path relative to the course folder when inside it, ``~/...`` when inside the
        home folder, else the path unchanged.

    Examples:
        >>> display_path(Path.home() / "x")
        '~/x'

    """
    path = Path(path)
    root = course_root()
    for base, prefix in ((root, ""), (Path.home(), "~/")):
        if base is not None and path.is_relative_to(base):
            return prefix + path.relative_to(base).as_posix()
    return path.as_posix()


def versions(packages: tuple[str, ...] = CORE_PACKAGES) -> dict[str, str]:
    """Report the Python version and the installed versions of some packages.

    Args:
        packages: Distribution names to look up.

    Returns:
        ``{"python": "3.11.7", "mlflow": "3.17.2", ...}``; a missing package maps to
        ``"not installed"``.

    Examples:
        >>> versions(("mlflow",))["python"] == platform.python_version()
        True

    """
    found = {"python": platform.python_version()}
    for name in packages:
        found[name] = installed_version(name) or "not installed"
    return found


def installed_version(name: str) -> str | None:
    """Return the installed version of a distribution.

    MLflow counts as installed when only ``mlflow-skinny`` is, as on Databricks.

    Args:
        name: A distribution name such as ``"scikit-learn"``.

    Returns:
        The version, or None when it is not installed.

    Examples:
        >>> installed_version("no-such-package-xyz") is None
        True

    """
    for candidate in (name, f"{name}-skinny") if name == "mlflow" else (name,):
        try:
            return importlib.metadata.version(candidate)
        except importlib.metadata.PackageNotFoundError:
            continue
    return None


def requirements() -> list[str]:
    """Return the kit's runtime requirements, installed or not.

    Read from ``requirements.txt`` in the course folder (a Databricks Git folder has it, and
    no installed kit), else from the installed kit's metadata.

    Returns:
        Requirement strings such as ``"mlflow>=3.14"``.

    Examples:
        >>> any(r.startswith("mlflow") for r in requirements())
        True

    """
    root = course_root()
    if root is not None and (root / "requirements.txt").is_file():
        lines = (root / "requirements.txt").read_text().splitlines()
        return [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    declared = importlib.metadata.requires("mlflow-course-kit") or []
    return [r for r in declared if "extra ==" not in r]


def unmet(wanted: Sequence[str]) -> list[str]:
    """Pick the requirements that the installed packages do not satisfy.

    Args:
        wanted: Requirement strings, e.g. ``["mlflow>=3.14", "skops==0.16.0"]``.

    Returns:
        Those that are missing or installed in another version, in the given order.

    Examples:
        >>> unmet(["no-such-package-xyz>=1"])
        ['no-such-package-xyz>=1']

    """
    missing = []
    for text in wanted:
        requirement = Requirement(text)
        if requirement.marker and not requirement.marker.evaluate():
            continue
        version = installed_version(requirement.name)
        if version is None or not requirement.specifier.contains(version, prereleases=True):
            missing.append(text)
    return missing


def install_on_databricks(pins: Sequence[str] = DATABRICKS_PINS) -> None:
    """On Databricks, install what the course needs and restart Python; elsewhere, nothing.

    Databricks preinstalls an MLflow that is too old for the course, and no skops. The
    first cell of every notebook calls this: when a package is missing or too old, it
    runs ``%pip install`` with the requirements of ``requirements.txt`` and ``pins``
    (about a minute), then ``dbutils.library.restartPython()``, after which the notebook
    goes on with the next cell. Packages installed so last for the notebook's session: in
    a new session the first cell installs them again.

    Args:
        pins: Exact versions to install on top of ``requirements.txt``.

    Raises:
        RuntimeError: If the installation left something missing (the message says what
            to do instead).

    Examples:
        >>> install_on_databricks()  # locally: does nothing  # doctest: +SKIP

    """
    if not is_databricks():
        return
    wanted = [*requirements(), *pins]
    missing = unmet(wanted)
    if not missing:
        names = [Requirement(pin).name for pin in pins]
        shown = ", ".join(f"{name} {installed_version(name)}" for name in names)
        print(f"Ready: the course's packages are installed ({shown}).")
        return
    print(f"Installing {', '.join(missing)}, then restarting Python (about a minute) ...")
    _pip_install(wanted)
    still = unmet(wanted)
    if still:
        raise RuntimeError(
            f"Could not install {', '.join(still)} (pip's messages are above). Add them as "
            "dependencies in the notebook's Environment side panel, then run this cell "
            "again; docs/databricks.md, Troubleshooting, has more."
        )
    _restart_python()


def _ipython() -> Any:
    """Return the running IPython shell (a notebook's kernel), or None."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


def _pip_install(wanted: Sequence[str]) -> None:
    """Run ``%pip install`` (Databricks' notebook-scoped install) for these requirements."""
    arguments = ["install", "--quiet", *wanted]
    shell = _ipython()
    if shell is not None:
        shell.run_line_magic("pip", shlex.join(arguments))
    else:
        subprocess.run([sys.executable, "-m", "pip", *arguments], check=False)


def _restart_python() -> None:
    """Restart the notebook's Python with ``dbutils.library.restartPython()``."""
    shell = _ipython()
    dbutils = shell.user_ns.get("dbutils") if shell is not None else None
    if dbutils is None:
        print("Now restart Python: dbutils.library.restartPython()")
        return
    dbutils.library.restartPython()

"""Where the course runs: local machine or Databricks, versions, the local store's folder."""

from __future__ import annotations

import importlib.metadata
import os
import platform
from pathlib import Path

#: Environment variable that moves the kit's local store (``mlflow.db`` and ``artifacts/``).
STORE_DIR_ENV = "COURSE_STORE_DIR"

#: Name of the store folder at the course root (or in the home folder when installed).
STORE_DIR_NAME = "mlflow-store"

#: Packages whose versions the course reports.
CORE_PACKAGES = ("mlflow", "scikit-learn", "skops", "pandas", "numpy", "matplotlib")


def runtime() -> str:
    """Tell where this Python process runs.

    Returns:
        ``"databricks-serverless"``, ``"databricks-classic"`` or ``"local"``, read from the
        environment variables that Databricks sets.

    Examples:
        >>> runtime() in {"local", "databricks-classic", "databricks-serverless"}
        True

    """
    if os.environ.get("DATABRICKS_ENV_VERSION"):
        return "databricks-serverless"
    if os.environ.get("DATABRICKS_RUNTIME_VERSION"):
        return "databricks-classic"
    return "local"


def is_databricks() -> bool:
    """Tell whether this process runs on Databricks (classic or serverless).

    Returns:
        True on Databricks, False elsewhere.

    Examples:
        >>> isinstance(is_databricks(), bool)
        True

    """
    return runtime() != "local"


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
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found

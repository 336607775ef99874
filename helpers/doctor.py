"""Preflight check for a workshop or a first day: ``python -m helpers doctor``.

Each check prints one PASS or FAIL line; a failure says how to fix it.
"""

from __future__ import annotations

import platform
import socket
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from packaging.requirements import Requirement

from helpers import environment

#: The notebooks of the course, in order.
NOTEBOOKS = (
    "00_databricks_and_mlflow.ipynb",
    "01_first_experiment.ipynb",
    "02_comparing_runs.ipynb",
    "03_reproducibility.ipynb",
    "04_model_registry.ipynb",
    "05_model_architectures.ipynb",
    "06_hyperparameter_tuning.ipynb",
    "07_team_collaboration.ipynb",
    "08_scaling_out_with_spark.ipynb",
)
MINIMUM_PYTHON = (3, 10)


@dataclass(frozen=True)
class Result:
    """The outcome of one check.

    Attributes:
        name: What was checked.
        ok: Whether it passed.
        detail: What was found.
        fix: What to do when it failed.
    """

    name: str
    ok: bool
    detail: str
    fix: str = ""

    def __str__(self) -> str:
        """One line, plus the fix for a failure."""
        line = f"{'PASS' if self.ok else 'FAIL'}  {self.name}: {self.detail}"
        return line if self.ok else f"{line}\n      fix: {self.fix}"


def check_python(minimum: tuple[int, int] = MINIMUM_PYTHON) -> Result:
    """Check the Python version.

    Args:
        minimum: Oldest supported (major, minor).

    Returns:
        The result.
    """
    found = sys.version_info[:2]
    wanted = ".".join(map(str, minimum))
    return Result(
        "python",
        found >= minimum,
        f"{platform.python_version()} (needs {wanted} or newer)",
        f"install Python {wanted} or newer, then run `make clean lab`",
    )


def check_packages(requirements: Sequence[str] | None = None) -> Result:
    """Check that the packages the kit needs are installed in versions it supports.

    Args:
        requirements: Requirement strings; the kit's own runtime requirements when None.

    Returns:
        The result, naming each package that is missing or too old.
    """
    if requirements is None:
        # From requirements.txt, so that it works where the kit is not installed (a Git
        # folder on Databricks), with the exact releases Databricks needs there.
        requirements = environment.requirements()
        if environment.is_databricks():
            requirements += list(environment.DATABRICKS_PINS)
    unmet = environment.unmet(requirements)
    problems, found = [], []
    for text in requirements:
        requirement = Requirement(text)
        if requirement.marker and not requirement.marker.evaluate():
            continue
        version = environment.installed_version(requirement.name)
        if text not in unmet:
            found.append(f"{requirement.name} {version}")
        elif version is None:
            problems.append(f"{requirement.name} missing")
        else:
            problems.append(f"{requirement.name} {version} (needs {requirement.specifier})")
    if problems:
        fix = (
            "run the notebook's first cell: helpers.environment.install_on_databricks()"
            if environment.is_databricks()
            else "reinstall the kit: `make clean lab`, or "
            '`pip install -c constraints.txt -e ".[lab,test,docs,auth,spark]"`'
        )
        return Result("packages", False, "; ".join(problems), fix)
    return Result("packages", True, ", ".join(found))


def check_store(folder: Path | None = None) -> Result:
    """Check that the kit's local store folder is writable and its database is healthy.

    Args:
        folder: The store folder; the kit's own when None.

    Returns:
        The result.
    """
    folder = Path(folder) if folder is not None else environment.store_dir()
    shown = environment.display_path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder):
            pass
    except OSError as err:
        return Result(
            "store",
            False,
            f"cannot write to {shown} ({err.strerror or err})",
            f"make {shown} writable, or set COURSE_STORE_DIR to a folder you own",
        )
    database = folder / "mlflow.db"
    if not database.exists():
        return Result("store", True, f"{shown} is writable (no runs yet)")
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
            verdict = connection.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.DatabaseError as err:
        verdict = str(err)
    if verdict != "ok":
        return Result(
            "store",
            False,
            f"{shown}/mlflow.db is damaged ({verdict})",
            f"move {shown} aside (your runs are in it) and run a notebook again",
        )
    return Result("store", True, f"{shown} is writable and mlflow.db is healthy")


def check_port(port: int = 5000) -> Result:
    """Check that the MLflow UI's port is free on 127.0.0.1.

    Args:
        port: The port ``make ui`` uses.

    Returns:
        The result.
    """
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return Result(
                "ui port",
                False,
                f"127.0.0.1:{port} is in use",
                f"stop what listens there (an earlier `make ui`?), or run "
                f"`python -m helpers ui --port {port + 1}`",
            )
    return Result("ui port", True, f"127.0.0.1:{port} is free for `make ui`")


def check_server() -> Result:
    """Check that a local MLflow tracking server starts, answers, and stops.

    Returns:
        The result, with the start-up time.
    """
    from helpers import server

    started = time.monotonic()
    try:
        with server.start():
            seconds = time.monotonic() - started
    except Exception as err:  # any failure to start is the finding, reported with its cause
        first = str(err).splitlines()[0]
        return Result(
            "tracking server",
            False,
            f"did not start: {first}",
            "read the message above; `python -m helpers server` shows the full log",
        )
    return Result("tracking server", True, f"started, answered and stopped ({seconds:.0f} s)")


def check_notebooks(folder: Path | None = None) -> Result:
    """Check that every notebook of the course is present.

    Args:
        folder: The notebooks folder; the course's own when None.

    Returns:
        The result.
    """
    root = environment.course_root()
    folder = Path(folder) if folder is not None else (root / "notebooks" if root else None)
    if folder is None or not folder.is_dir():
        return Result(
            "notebooks",
            False,
            "no notebooks folder found",
            "run the doctor from a clone of the course repository",
        )
    missing = [name for name in NOTEBOOKS if not (folder / name).is_file()]
    if missing:
        return Result(
            "notebooks",
            False,
            f"missing: {', '.join(missing)}",
            "update your clone: `git pull` (or `git checkout -- notebooks`)",
        )
    return Result("notebooks", True, f"all {len(NOTEBOOKS)} present")


def run(
    checks: Sequence[Callable[[], Result]] | None = None,
    out: Callable[[str], None] = print,
    port: int = 5000,
) -> int:
    """Run the checks, print a line each and a verdict.

    Args:
        checks: Functions returning a ``Result``; all of the above when None (the
            local-only ones are skipped on Databricks).
        out: Where lines go.
        port: The UI port to check.

    Returns:
        0 when every check passed, 1 otherwise (an exit code).

    Examples:
        >>> run([check_python])  # doctest: +SKIP
        PASS  python: 3.11.7 (needs 3.10 or newer)
    """
    if checks is None:
        checks = [check_python, check_packages, check_notebooks]
        if environment.is_databricks():
            out("skip  store, ui port, tracking server: local only (this is Databricks)")
        else:
            checks += [check_store, lambda: check_port(port), check_server]
    results = [check() for check in checks]
    for result in results:
        out(str(result))
    failed = [r.name for r in results if not r.ok]
    out(
        f"\n{len(results) - len(failed)} of {len(results)} checks passed"
        + (f"; fix: {', '.join(failed)}" if failed else ": ready for the course")
    )
    return 1 if failed else 0

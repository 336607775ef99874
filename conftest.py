"""Test session set-up: every test and notebook writes to a temporary store, never a learner's.

At the course's root so that it also governs a run of notebooks alone (``pytest
notebooks/01_first_experiment.ipynb``): a conftest reaches only the tests of its folder and
below. The fixtures the tests share are in ``tests/conftest.py``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

import helpers

# Variables that would send runs elsewhere (a learner's server, Databricks).
_REDIRECTS = (
    "MLFLOW_TRACKING_URI",
    "MLFLOW_REGISTRY_URI",
    "MLFLOW_EXPERIMENT_NAME",
    "MLFLOW_EXPERIMENT_ID",
    "DATABRICKS_RUNTIME_VERSION",
    "DATABRICKS_ENV_VERSION",
)


def pytest_configure(config: pytest.Config) -> None:
    """Point the kit (and the notebook kernels, which inherit this environment) at a temp store."""
    for name in _REDIRECTS:
        os.environ.pop(name, None)
    helpers.environment.disable_telemetry()  # offline, as the kit's own processes
    parent = Path(tempfile.mkdtemp(prefix="course-tests-"))
    os.environ[helpers.environment.STORE_DIR_ENV] = str(parent / "mlflow-store")
    config.stash[_STORE_KEY] = parent


def pytest_unconfigure(config: pytest.Config) -> None:
    """Remove the temporary store."""
    parent = config.stash.get(_STORE_KEY, None)
    if parent is not None:
        shutil.rmtree(parent, ignore_errors=True)


_STORE_KEY = pytest.StashKey[Path]()

#: Test files by their time (measured with --durations), longest first; "*.ipynb" stands for
#: each notebook, in either language (10-15 s). The rest, a few seconds each, come last in
#: their own order: the two workers of `make test` then end together instead of one waiting
#: on a long file. (`--no-loadscope-reorder` in pyproject.toml keeps this order: xdist
#: would otherwise sort the files by their number of tests.)
LONGEST_FIRST = (
    "test_notebooks_on_databricks.py",
    "test_notebooks_on_a_server.py",
    "test_exercises.py",
    "test_workshop.py",
    "test_server.py",
    "test_terminal.py",
    "test_spark.py",
    "test_ui_screenshots.py",
    "test_store.py",
    "test_databricks.py",
    "*.ipynb",
    "test_serving.py",
    "test_tracking.py",
    "test_doctor.py",
    "test_postgres.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Order the test files as ``LONGEST_FIRST`` says; the tests of a file keep their order."""

    def rank(item: pytest.Item) -> int:
        name = "*.ipynb" if item.path.suffix == ".ipynb" else item.path.name
        return LONGEST_FIRST.index(name) if name in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=rank)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Run the Japanese notebooks on a store of their own, the English ones on the session's.

    Both editions log the same runs to the same experiments: on one store, whichever ran
    second would find the first one's runs and print other tables than it committed. The
    kernel nbval starts for a notebook inherits the store chosen here.
    """
    parent = item.config.stash[_STORE_KEY]
    japanese = item.path.suffix == ".ipynb" and item.path.parent.name == "ja"
    store = (parent / "ja" if japanese else parent) / "mlflow-store"  # the name nbval sanitizes
    os.environ[helpers.environment.STORE_DIR_ENV] = str(store)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    """Show what a notebook cell printed to stderr when nbval fails it for that.

    nbval says only "Unexpected output fields from running code: {'stderr'}"; the text is
    what tells a warning that appears on a busy machine from a real error.
    """
    outcome = yield
    report = outcome.get_result()
    outputs = getattr(item, "test_outputs", None) or []
    if report.failed and call.when == "call":
        printed = "".join(o.get("text", "") for o in outputs if o.get("name") == "stderr")
        if printed:
            report.sections.append(("the cell's stderr", printed))

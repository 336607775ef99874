"""Test set-up: every test and notebook writes to a temporary store, never a learner's."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import mlflow
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

#: The longest test files (a minute or more each, measured with --durations), run first so
#: that the two workers of `make test` end together instead of one waiting on a long file.
LONGEST_FIRST = (
    "test_notebooks_on_a_server.py",
    "test_notebooks_on_databricks.py",
    "test_server.py",
    "test_workshop.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Put the longest test files first; the rest keep their order."""

    def rank(item: pytest.Item) -> int:
        name = item.path.name
        return LONGEST_FIRST.index(name) if name in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=rank)


@pytest.fixture
def tracking(request: pytest.FixtureRequest) -> Iterator[helpers.tracking.Tracking]:
    """An experiment of its own for this test, in the session's temporary store."""
    name = f"test-{request.node.name}"
    yield helpers.tracking.setup(name)
    while mlflow.active_run():
        mlflow.end_run("FAILED")


@pytest.fixture
def fresh_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A brand-new, empty store folder used by the kit for this test only."""
    store = tmp_path / "mlflow-store"
    monkeypatch.setenv(helpers.environment.STORE_DIR_ENV, str(store))
    return store


@pytest.fixture(scope="session")
def git_folder(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The course as a Databricks Git folder: its root, and a Python without the kit installed."""
    from emulated_workspace import git_folder

    root, python = git_folder(tmp_path_factory.mktemp("git-folder"))
    return root, str(python)


@pytest.fixture(autouse=True)
def _forget_tracking_uri() -> Iterator[None]:
    """Undo set_tracking_uri and workshop.join after each test.

    MLflow exports the tracking URI as MLFLOW_TRACKING_URI; join sets the participant.
    """
    yield
    mlflow.set_tracking_uri(None)
    os.environ.pop("COURSE_PARTICIPANT", None)

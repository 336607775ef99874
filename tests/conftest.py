"""Fixtures the tests share: a tracking experiment of their own, a shared tracking server, a
fresh store, the course as a Databricks Git folder. The session's set-up (a temporary store
for everything, the order of the test files) is in the course root's ``conftest.py``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

import helpers


@pytest.fixture
def tracking(request: pytest.FixtureRequest) -> Iterator[helpers.tracking.Tracking]:
    """An experiment of its own for this test, in the session's temporary store."""
    name = f"test-{request.node.name}"
    yield helpers.tracking.setup(name)
    import mlflow  # here, not at the top: the xdist controller never needs MLflow (1.3 s)

    while mlflow.active_run():
        mlflow.end_run("FAILED")


@pytest.fixture(scope="session")
def tracking_server(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[helpers.server.TrackingServer]:
    """A tracking server shared by the tests that need one, as a workshop server is shared.

    Each test keeps to experiments and model names of its own, so that the others' runs
    do not matter to it. Started once per worker (a start costs about 5 s of CPU).
    """
    with helpers.server.start(tmp_path_factory.mktemp("shared-server")) as running:
        yield running


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
    import mlflow

    mlflow.set_tracking_uri(None)
    os.environ.pop("COURSE_PARTICIPANT", None)

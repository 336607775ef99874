"""Every notebook but 00, run against a real tracking server over HTTP, as in a workshop.

Each notebook runs with ``MLFLOW_TRACKING_URI`` pointing at a fresh ``mlflow server``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from notebook_runner import NOTEBOOKS, execute, unexpected_errors

from helpers import server

#: Notebook 00 is about where the course runs; on a tracking server it adds nothing.
ON_A_SERVER = [p for p in NOTEBOOKS if not p.name.startswith("00_")]


@pytest.mark.parametrize("path", ON_A_SERVER, ids=lambda p: p.name)
def test_notebook_runs_against_a_tracking_server(path, tmp_path):
    local_store = tmp_path / "local-store"
    env = {**os.environ, "COURSE_STORE_DIR": str(local_store)}
    # Programs the notebooks start (`mlflow run`) come from this environment, as with make.
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    with server.start(tmp_path / "server") as tracking_server:
        env["MLFLOW_TRACKING_URI"] = tracking_server.url
        executed = execute(path, env, sys.executable, cwd=path.parent)
    assert unexpected_errors(executed) == []
    assert not local_store.exists(), "with a tracking server nothing may go to the local store"

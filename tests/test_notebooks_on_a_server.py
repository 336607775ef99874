"""Every notebook but 00, run against a real tracking server over HTTP, as in a workshop.

The notebooks run in course order against one ``mlflow server`` (the ``tracking_server``
the tests share), as a participant works through the course on a workshop server: each
notebook must work on a server that already holds the runs and models of the ones before
it, and other people's. Nothing may go to the local store. The kernel's environment is
not activated (its programs are not on ``PATH``), as when an editor starts it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from notebook_runner import NOTEBOOKS, execute, unexpected_errors

#: Notebook 00 is about where the course runs; on a tracking server it adds nothing.
ON_A_SERVER = [p for p in NOTEBOOKS if not p.name.startswith("00_")]


@pytest.mark.parametrize("path", ON_A_SERVER, ids=lambda p: p.name)
def test_notebook_runs_against_a_tracking_server(path, tracking_server, tmp_path):
    local_store = tmp_path / "local-store"
    env = {**os.environ, "COURSE_STORE_DIR": str(local_store)}
    # The kernel's environment is not activated, as when VS Code or .venv/bin/jupyter start
    # it: what a notebook starts (`mlflow run`) must still run with the kernel's Python.
    ours = str(Path(sys.executable).parent)
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p != ours)
    env["MLFLOW_TRACKING_URI"] = tracking_server.url
    executed = execute(path, env, sys.executable, cwd=path.parent)
    assert unexpected_errors(executed) == []
    assert not local_store.exists(), "with a tracking server nothing may go to the local store"

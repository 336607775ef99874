"""Every notebook, run in an emulated Databricks serverless workspace.

The workspace is ``tests/emulated_workspace.py``: a stand-in workspace host in front of a
real ``mlflow server``, the environment of a serverless notebook, and the course as a Git
folder (its files only, the kit not installed). The notebooks run in course order in one
workspace, as a learner works through the course, each with a working directory that is
not its own folder, as serverless compute does not promise one. ``make databricks`` runs
these tests and ``tests/test_databricks.py``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from emulated_workspace import StandInHost, notebook_environment, workspace
from notebook_runner import NOTEBOOKS, execute, unexpected_errors

#: What the emulation cannot run, by notebook: local Spark is not Databricks' Spark. On
#: serverless, MLflow's ``spark_udf`` asks Databricks' Spark for its runtime version (SQL
#: ``current_version()``), which Apache Spark does not have. docs/databricks.md lists it
#: among the points that only a real workspace shows.
EMULATION_LIMITS = {
    "08_scaling_out_with_spark.ipynb": "Cannot resolve function `current_version`",
}


@pytest.fixture(scope="module")
def learners_workspace() -> Iterator[StandInHost]:
    """One emulated workspace for the whole course."""
    with workspace() as host:
        yield host


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_in_an_emulated_databricks_workspace(
    path, git_folder, learners_workspace, tmp_path
):
    root, python = git_folder
    host = learners_workspace
    home, local_store = tmp_path / "home", tmp_path / "local-store"
    home.mkdir()
    unanswered_before = len(host.unanswered)
    env = {**notebook_environment(host.url, home, root), "COURSE_STORE_DIR": str(local_store)}
    # Serverless does not promise a working directory: the notebooks must not need one.
    executed = execute(root / "notebooks" / path.name, env, python, cwd=home)
    errors = unexpected_errors(executed)
    limit = EMULATION_LIMITS.get(path.name)
    if limit:
        assert len([e for e in errors if limit in e]) == 1, "the one cell the emulation cannot run"
        errors = [e for e in errors if limit not in e]
    assert errors == []
    unanswered = host.unanswered[unanswered_before:]
    assert unanswered == [], "the notebook made calls the emulated workspace does not know"
    assert not local_store.exists(), "on Databricks nothing may go to the local store"
    models = host.catalog.models
    if path.name.startswith("04_"):
        assert models["workspace.default.article_model"]["aliases"] == {"champion": "2"}
    if path.name.startswith("06_"):
        assert "workspace.default.diabetes_forest" in models
    if path.name.startswith("08_"):
        assert models["workspace.default.spark_forest"]["aliases"] == {"champion": "1"}
    if path.name.startswith("07_"):
        granted = [acl for acls in host.permissions.values() for acl in acls]
        assert {"group_name": "users", "permission_level": "CAN_EDIT"} in granted


def test_a_japanese_notebook_runs_in_the_workspace_and_checks_in_japanese(
    git_folder, learners_workspace, tmp_path
):
    """The Japanese notebooks have the English code: one of them, run where Databricks
    Runtime 14 and above start a notebook's Python (its own folder), checks in Japanese.
    (Where compute gives no such folder, the notebook's path from its context tells; that is
    tested with a stand-in context in tests/test_language.py.)"""
    root, python = git_folder
    home = tmp_path / "home"
    home.mkdir()
    env = notebook_environment(learners_workspace.url, home, root)
    folder = root / "notebooks" / "ja"
    executed = execute(folder / NOTEBOOKS[0].name, env, python, cwd=folder)
    assert unexpected_errors(executed) == []
    checks = [c for c in executed.cells if c.get("id", "").endswith("-check")]
    printed = ["".join(o.get("text", "") for o in cell.outputs) for cell in checks]
    assert len(printed) == 3 and all(text.startswith("まだです: ") for text in printed), printed

"""Decisions the helpers take on Databricks, checked in a simulated Databricks environment.

Only the environment variable Databricks sets is simulated; no workspace is called.
"""

import importlib.util
import subprocess
import sys

import pytest

from helpers import environment, models, registry, tracking


@pytest.fixture
def on_databricks(monkeypatch):
    monkeypatch.setenv("DATABRICKS_ENV_VERSION", "4")  # serverless, as in Free Edition


def test_where_am_i(on_databricks):
    assert environment.runtime() == "databricks-serverless" and environment.is_databricks()


def test_runs_go_to_the_workspace_in_the_users_home_folder(on_databricks):
    assert tracking.choose_tracking_uri() == ("databricks", "databricks")
    path = tracking.databricks_experiment_path("01-first-experiment", user="learner@example.com")
    assert path == "/Users/learner@example.com/01-first-experiment"


def test_models_get_unity_catalog_names(on_databricks):
    assert registry.model_name("article_model") == "workspace.default.article_model"


def test_without_skops_models_are_saved_with_cloudpickle(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "skops" else real(name, *a)
    )
    assert models.default_format() == "cloudpickle"
    monkeypatch.undo()
    assert models.default_format() == "skops"


def test_make_ui_points_to_the_built_in_ui():
    env = {**__import__("os").environ, "DATABRICKS_RUNTIME_VERSION": "16.4"}
    done = subprocess.run(
        [sys.executable, "-m", "helpers", "ui"], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode == 1
    assert "On Databricks the MLflow UI is built in: Experiments" in done.stdout

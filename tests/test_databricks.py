"""The kit on Databricks: each decision and each path a learner takes there.

Most tests run in an emulated workspace (``tests/emulated_workspace.py``): the variables
Databricks sets, and a stand-in workspace host in front of a real ``mlflow server`` that
also answers the Unity Catalog registry and the Files API. What only a real workspace can
show is listed in ``docs/databricks.md``.
"""

import importlib.util
import json
import os
import subprocess
import sys

import mlflow
import numpy as np
import pytest
from emulated_workspace import USER, notebook_environment, workspace
from mlflow.utils import databricks_utils

import helpers
from helpers import compare, environment, models, registry, tracking, workshop
from helpers.experiments import article_specs, run_experiments


@pytest.fixture(scope="module")
def stand_in():
    """One emulated workspace for the tests of this module."""
    with workspace() as host:
        yield host


@pytest.fixture
def on_databricks(stand_in, monkeypatch, tmp_path):
    """This process as a serverless notebook of the emulated workspace."""
    env = notebook_environment(stand_in.url, tmp_path)
    for name in ("DATABRICKS_RUNTIME_VERSION", "DATABRICKS_HOST", "DATABRICKS_TOKEN"):
        monkeypatch.setenv(name, env[name])
    monkeypatch.setenv("MLFLOW_SUPPRESS_PRINTING_URL_TO_STDOUT", "true")
    yield stand_in
    while mlflow.active_run():
        mlflow.end_run()


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({}, "local"),
        ({"DATABRICKS_RUNTIME_VERSION": "16.4"}, "databricks-classic"),
        ({"DATABRICKS_RUNTIME_VERSION": "client.4"}, "databricks-serverless"),
        ({"DATABRICKS_RUNTIME_VERSION": "client.5.1"}, "databricks-serverless"),
        ({"DATABRICKS_ENV_VERSION": "4"}, "databricks-serverless"),
    ],
)
def test_the_runtime_is_read_as_mlflow_reads_it(monkeypatch, variables, expected):
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    assert environment.runtime() == expected
    assert environment.is_databricks() == bool(databricks_utils.is_in_databricks_runtime())
    serverless = bool(databricks_utils.is_in_databricks_serverless_runtime())
    assert (expected == "databricks-serverless") == serverless


def test_setup_twice_keeps_experiments_in_the_home_folder(on_databricks):
    first = tracking.setup("02-comparing-runs")
    second = tracking.setup("02-run-grid")  # MLflow now exports MLFLOW_TRACKING_URI=databricks
    assert (first.kind, second.kind) == ("databricks", "databricks")
    assert first.experiment_name == f"/Users/{USER}/02-comparing-runs"
    assert second.experiment_name == f"/Users/{USER}/02-run-grid"
    assert tracking.setup("/Shared/team-project").experiment_name == "/Shared/team-project"


def test_short_experiment_names_mean_the_home_folder_everywhere(on_databricks):
    tracking.setup("emulated-runs")
    with mlflow.start_run(run_name="one"):
        mlflow.log_metric("mse", 1.0)
    tracking.setup("elsewhere")
    assert compare.runs_table("emulated-runs")["run_name"].tolist() == ["one"]
    joined = workshop.join("databricks", "member_a", experiment="emulated-runs")
    assert joined.experiment_name == f"/Users/{USER}/emulated-runs"
    assert joined.kind == "databricks"


def test_a_team_shares_an_experiment_under_shared(on_databricks):
    for name, rmse in (("member_a", 3.0), ("member_b", 2.0)):
        info = workshop.join("databricks", name, experiment="/Shared/emulated-team")
        with mlflow.start_run(run_name=name):
            mlflow.log_metric("rmse", rmse)
    workshop.leave()
    assert info.experiment_name == "/Shared/emulated-team"
    runs = compare.runs_table("/Shared/emulated-team")
    assert sorted(runs["participant"]) == ["member_a", "member_b"]
    assert set(runs["author"]) == {USER}, "the workspace records who logged each run"
    board = workshop.leaderboard(runs, "rmse")
    assert board["participant"].tolist() == ["member_b", "member_a"]
    assert workshop.leaderboard(runs, "rmse", by="author")["runs"].tolist() == [2]


def test_unity_catalog_versions_aliases_and_tags(on_databricks):
    tracking.setup("emulated-registry")
    logged = run_experiments(
        [article_specs()[0], article_specs()[3]], helpers.data.article_data(), progress=False
    )
    name = registry.model_name("article_model")
    assert name == "workspace.default.article_model"
    first = registry.register(logged["model_uri"][1], name)
    assert registry.register(logged["model_uri"][1], name).version == first.version
    second = registry.register(logged["run_id"][0], name)
    registry.set_alias(name, "champion", second.version)
    mlflow.MlflowClient().set_model_version_tag(name, second.version, "validated", "yes")
    table = registry.versions(name)
    assert table["version"].tolist() == ["1", "2"]
    assert table["aliases"].tolist() == ["", "champion"]
    assert table["tags"].tolist() == [{}, {"validated": "yes"}]
    assert table["run_name"].tolist() == logged["run_name"].tolist()[::-1]
    X = helpers.data.article_data()[["feature1"]].head(3)
    champion = mlflow.pyfunc.load_model(f"models:/{name}@champion")
    np.testing.assert_array_equal(
        champion.predict(X), mlflow.pyfunc.load_model(logged["model_uri"][0]).predict(X)
    )


def test_a_refused_registration_says_what_to_do(on_databricks):
    on_databricks.catalog.refuse_uploads = True  # as Free Edition workspaces were reported to
    try:
        tracking.setup("emulated-refusal")
        logged = run_experiments(article_specs()[:1], helpers.data.article_data(), progress=False)
        with pytest.raises(RuntimeError, match="Unity Catalog refused to register") as refused:
            registry.register(logged["model_uri"][0], registry.model_name("refused"))
    finally:
        on_databricks.catalog.refuse_uploads = False
    message = str(refused.value)
    assert "AccessDenied" in message and "Troubleshooting in docs/databricks.md" in message
    assert "catalog=..., schema=..." in message and len(message) < 800


def test_models_are_logged_with_what_an_older_mlflow_accepts(fresh_store, monkeypatch):
    """MLflow 3.8.1 (serverless environment 5) has no skops_trusted_types: a TypeError there."""
    tracking.setup("older-mlflow")
    real = mlflow.sklearn.log_model

    def log_model_of_mlflow_3_8(model, *args, **kwargs):
        if "skops_trusted_types" in kwargs:
            raise TypeError("log_model() got an unexpected keyword argument 'skops_trusted_types'")
        return real(model, *args, **kwargs)

    monkeypatch.setattr(mlflow.sklearn, "log_model", log_model_of_mlflow_3_8)
    X = helpers.data.article_data()[["feature1"]]
    fitted = article_specs()[0].model.fit(X, helpers.data.article_data()["y"])
    with mlflow.start_run():
        info = models.log_sklearn_model(fitted, X, serialization_format="cloudpickle")
    assert info.model_uri.startswith("models:/m-")


def test_without_skops_models_are_saved_with_cloudpickle(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "skops" else real(name, *a)
    )
    assert models.default_format() == "cloudpickle"
    monkeypatch.undo()
    assert models.default_format() == "skops"


def test_setup_names_what_is_missing_and_the_fix(monkeypatch):
    with pytest.raises(RuntimeError, match=r"needs mlflow>=99; found mlflow 3\.") as local:
        tracking.check_requirements(["mlflow>=99"])
    assert "make clean lab" in str(local.value)
    monkeypatch.setenv("DATABRICKS_RUNTIME_VERSION", "client.5")
    with pytest.raises(RuntimeError, match="no-such-package-xyz missing") as remote:
        tracking.check_requirements(["no-such-package-xyz>=1"])
    assert "install_on_databricks()" in str(remote.value)
    tracking.check_requirements()  # everything the course needs is installed here


def test_the_first_cell_installs_only_on_databricks_and_only_what_is_missing(monkeypatch, capsys):
    """pip and the Python restart exist only on Databricks: here they are recorded."""
    calls = []
    monkeypatch.setattr(environment, "_pip_install", lambda wanted: calls.append(list(wanted)))
    monkeypatch.setattr(environment, "_restart_python", lambda: calls.append("restart"))
    environment.install_on_databricks()
    assert calls == [] and capsys.readouterr().out == "", "locally the cell does nothing"

    monkeypatch.setenv("DATABRICKS_RUNTIME_VERSION", "client.5")
    environment.install_on_databricks()
    assert calls == [], "everything is installed already"
    assert capsys.readouterr().out.startswith("Ready: the course's packages are installed")

    pins = (f"mlflow=={mlflow.__version__}", "no-such-package-xyz==1.0")
    with pytest.raises(RuntimeError, match="Could not install no-such-package-xyz==1.0"):
        environment.install_on_databricks(pins=pins)
    # One pip call with everything, and no restart after a failed installation.
    assert calls == [[*environment.requirements(), *pins]]
    assert "Installing no-such-package-xyz==1.0" in capsys.readouterr().out


def test_databricks_gets_the_versions_the_tests_run_with():
    """The emulated workspace runs this environment: it must be what Databricks installs."""
    for pin in environment.DATABRICKS_PINS:
        assert environment.unmet([pin]) == [], f"{pin}: `make test` runs another version"
    assert environment.unmet(environment.requirements()) == []


def test_the_doctor_runs_in_a_git_folder(git_folder, tmp_path):
    root, python = git_folder
    env = notebook_environment("http://127.0.0.1:9", tmp_path, root)
    done = subprocess.run(
        [python, "-c", "import helpers.doctor; raise SystemExit(helpers.doctor.run())"],
        capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "skip  store, ui port, tracking server: local only (this is Databricks)"
    assert lines[2].startswith("PASS  packages: mlflow 3.")
    assert "skops" in lines[2] and lines[-1].endswith("ready for the course")


def test_the_kit_is_not_installed_in_the_git_folder_python(git_folder, tmp_path):
    root, python = git_folder
    probe = (
        "import importlib.metadata as m, helpers, json; "
        "print(json.dumps([helpers.__file__, [d.metadata['Name'] for d in m.distributions()]]))"
    )
    done = subprocess.run(
        [python, "-c", probe], capture_output=True, text=True, check=True,
        env=notebook_environment("http://127.0.0.1:9", tmp_path, root), cwd=tmp_path,
    )  # fmt: skip
    where, installed = json.loads(done.stdout)
    assert where == str(root / "helpers" / "__init__.py")
    assert "mlflow-course-kit" not in installed and "mlflow" in installed


def test_make_ui_points_to_the_built_in_ui():
    env = {**os.environ, "DATABRICKS_RUNTIME_VERSION": "client.5"}
    done = subprocess.run(
        [sys.executable, "-m", "helpers", "ui"], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode == 1
    assert "On Databricks the MLflow UI is built in: Experiments" in done.stdout


def test_the_guide_gives_the_install_cell_that_the_first_cell_runs():
    guide = (environment.course_root() / "docs" / "databricks.md").read_text()
    typed = next(line.split() for line in guide.splitlines() if "%pip install" in line)
    assert typed[:4] == ["%pip", "install", "--quiet", "-r"]
    assert typed[4].endswith("/requirements.txt")
    assert typed[5:] == list(environment.DATABRICKS_PINS), "the pins of install_on_databricks"
    assert "dbutils.library.restartPython()" in guide
    for pin in environment.DATABRICKS_PINS:
        assert f"`{pin}`" in guide, "the Environment side panel gets the same pins"


@pytest.mark.parametrize("module", ["ex01", "ex04"])
def test_exercise_checks_read_the_home_folder_and_unity_catalog(on_databricks, module):
    """An exercise solved in the workspace: its experiment in /Users/<you>/, its model in UC."""
    exercises = importlib.import_module(f"helpers.exercises.{module}")
    namespace: dict = {}
    exec(exercises.GIVEN, namespace)
    first = exercises.q1
    assert first.status().message.startswith("Not yet: ")
    exec(first.solution_code, namespace)
    verdict = first.status()
    assert verdict.correct, verdict.message
    assert mlflow.get_experiment_by_name(f"/Users/{USER}/{exercises.EXPERIMENT}") is not None

from pathlib import Path

import pytest

from helpers import environment


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({}, "local"),
        ({"DATABRICKS_RUNTIME_VERSION": "16.4"}, "databricks-classic"),
        ({"DATABRICKS_ENV_VERSION": "4"}, "databricks-serverless"),
    ],
)
def test_runtime_is_read_from_databricks_variables_simulated(monkeypatch, variables, expected):
    """Simulated Databricks: only the environment variables Databricks sets."""
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    assert environment.runtime() == expected
    assert environment.is_databricks() == (expected != "local")


def test_course_root_is_this_checkout():
    root = environment.course_root()
    assert root == Path(__file__).resolve().parent.parent
    assert (root / "notebooks").is_dir()


def test_store_dir_defaults_to_the_course_folder(monkeypatch):
    monkeypatch.delenv(environment.STORE_DIR_ENV, raising=False)
    assert environment.store_dir() == environment.course_root() / "mlflow-store"


def test_store_dir_can_be_moved(monkeypatch, tmp_path):
    monkeypatch.setenv(environment.STORE_DIR_ENV, str(tmp_path / "elsewhere"))
    assert environment.store_dir() == tmp_path / "elsewhere"


def test_display_path_hides_machine_specific_parts():
    root = environment.course_root()
    assert environment.display_path(root / "mlflow-store" / "mlflow.db") == "mlflow-store/mlflow.db"
    assert environment.display_path(Path.home() / "x" / "y") in ("~/x/y", "x/y")
    assert environment.display_path(Path("/opt/store")) == "/opt/store"


def test_versions_report_python_and_packages():
    found = environment.versions(("mlflow", "no-such-package-xyz"))
    assert found["python"].count(".") == 2
    assert found["mlflow"][0].isdigit()
    assert found["no-such-package-xyz"] == "not installed"

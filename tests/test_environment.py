from pathlib import Path

from helpers import environment


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

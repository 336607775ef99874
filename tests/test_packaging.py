import json
import re
import subprocess
import sys
from pathlib import Path

import yaml

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def runtime_requirements() -> list[str]:
    """requirements.txt, which pyproject.toml reads as the kit's dependencies."""
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


# Packages that conda-forge names differently from PyPI.
CONDA_NAMES = {"psycopg[binary]": "psycopg", "mkdocstrings[python]": "mkdocstrings-python"}


def normalise(requirement: str) -> str:
    """Compare requirements without spaces, case or environment markers, by conda name."""
    text = re.sub(r"\s+", "", requirement.split(";")[0]).lower()
    for pypi, conda in CONDA_NAMES.items():
        text = text.replace(pypi, conda)
    return text


def test_pyproject_reads_its_runtime_dependencies_from_requirements_txt():
    config = pyproject()
    assert config["project"]["dynamic"] == ["dependencies"]
    assert config["tool"]["setuptools"]["dynamic"]["dependencies"] == {"file": ["requirements.txt"]}
    from helpers import environment

    assert environment.requirements() == runtime_requirements()


def test_environment_yml_lists_what_pyproject_lists():
    project = pyproject()["project"]
    wanted = {normalise(r) for r in runtime_requirements()}
    for extra in project["optional-dependencies"].values():
        wanted |= {normalise(r) for r in extra}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = {normalise(d) for d in env["dependencies"] if isinstance(d, str)}
    assert conda - {"pip"} == wanted | {normalise("python" + project["requires-python"])}
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert pip_section == ["-e ."]


def test_runtime_dependencies_leave_out_lab_and_test_tools():
    runtime = " ".join(runtime_requirements())
    for tool in ("jupyterlab", "ipykernel", "pytest", "nbval", "ruff"):
        assert tool not in runtime


def test_ci_runs_exactly_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in readme and "make lab" in readme
    commands = [
        line.split("#")[0].strip()
        for line in ci.splitlines()
        if line and not line.startswith(("#", "set ", "cd "))
    ]
    expected = ["make postgres", "make browser", "make test"]
    assert commands == expected, "services first, then the README's command"


def test_importing_helpers_has_no_side_effects(tmp_path):
    probe = """
import json, logging, os, sys
import matplotlib, mlflow, numpy as np
before = (dict(os.environ), np.random.get_state()[1].tolist(), dict(matplotlib.rcParams),
          logging.getLogger().level, logging.getLogger("mlflow").level, mlflow.get_tracking_uri())
import helpers
after = (dict(os.environ), np.random.get_state()[1].tolist(), dict(matplotlib.rcParams),
         logging.getLogger().level, logging.getLogger("mlflow").level, mlflow.get_tracking_uri())
print(json.dumps([before == after, os.listdir(".")]))
"""
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, check=True
    ).stdout
    unchanged, files = json.loads(out.splitlines()[-1])
    assert unchanged, "importing helpers changed the environment, seeds, styles or logging"
    assert files == [], "importing helpers wrote files"


def test_make_databricks_runs_the_databricks_tests_of_make_test():
    dry_run = subprocess.run(
        ["make", "-n", "databricks"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.splitlines()  # fmt: skip
    command = next(line for line in dry_run if "pytest" in line).split()
    files = [word for word in command if word.startswith("tests/")]
    assert files == ["tests/test_databricks.py", "tests/test_notebooks_on_databricks.py"]
    assert all((ROOT / name).is_file() for name in files)

import json
import os
import platform
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
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
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


SUPPORTED_PYTHONS = ("3.10", "3.11", "3.12", "3.13")


def locked_pins(python: str, full: str | None = None) -> dict[str, str]:
    """The exact version constraints.txt gives each package on one Python version (Linux).

    ``full`` is the full version (e.g. ``3.11.7``; ``<python>.0`` when None): the lock may
    differ between patch releases.
    """
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    where = {"python_version": python, "python_full_version": full or f"{python}.0"}
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        pin = Requirement(line)
        if pin.marker is None or pin.marker.evaluate(where):
            (version,) = [spec.version for spec in pin.specifier if spec.operator == "=="]
            pins[canonicalize_name(pin.name)] = version
    return pins


def declared_requirements() -> list[str]:
    """What pyproject.toml asks for: the runtime requirements and every extra."""
    extras = pyproject()["project"]["optional-dependencies"].values()
    return runtime_requirements() + [r for extra in extras for r in extra]


def test_the_lock_satisfies_pyproject_on_every_supported_python():
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    for python in SUPPORTED_PYTHONS:
        pins = locked_pins(python)
        for text in declared_requirements():
            wanted = Requirement(text)
            if wanted.marker and not wanted.marker.evaluate({"python_version": python}):
                continue
            name = canonicalize_name(wanted.name)
            assert name in pins, f"constraints.txt pins no {name} for Python {python}: make lock"
            assert wanted.specifier.contains(pins[name], prereleases=True), (
                f"constraints.txt pins {name}=={pins[name]} for Python {python}, but "
                f"pyproject.toml asks for {text}: run `make lock`"
            )


def test_environment_yml_admits_the_locked_versions():
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    pins = locked_pins("3.11")
    pypi_names = {conda: pypi.split("[")[0] for pypi, conda in CONDA_NAMES.items()}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    for line in env["dependencies"]:
        if not isinstance(line, str) or line.startswith(("python", "pip")):
            continue
        bound = Requirement(line.split("#")[0].strip())
        name = canonicalize_name(pypi_names.get(bound.name, bound.name))
        if name == "tomli":  # Python 3.10 only
            continue
        assert bound.specifier.contains(pins[name], prereleases=True), (
            f"environment.yml asks for {line.strip()}, the lock pins {name}=={pins[name]}"
        )


def test_this_environment_has_exactly_the_locked_versions():
    """`make lab`, `make test` and CI install with the lock: what runs is what it pins."""
    import importlib.metadata

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    pins = locked_pins(python, platform.python_version())
    installed = {
        canonicalize_name(dist.metadata["Name"]): dist.version
        for dist in importlib.metadata.distributions()
    }
    differ = {
        name: (installed.get(name), version)
        for name, version in pins.items()
        if installed.get(name) not in (version, None)
    }
    assert differ == {}, f"installed (left) differs from constraints.txt (right): {differ}"
    python_here = {"python_version": python}
    missing = [
        name
        for text in declared_requirements()
        if not (wanted := Requirement(text)).marker or wanted.marker.evaluate(python_here)
        if (name := canonicalize_name(wanted.name)) not in installed
    ]
    assert missing == []


def test_make_lock_writes_the_lock_that_is_committed():
    header = (ROOT / "constraints.txt").read_text().splitlines()[1].lstrip("# ").split()
    outside_make = {k: v for k, v in os.environ.items() if not k.startswith(("MAKE", "MFLAGS"))}
    make = subprocess.run(
        ["make", "--no-print-directory", "-n", "lock"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env=outside_make,
    ).stdout
    lines = make.replace("\\\n", " ").splitlines()
    command = next(line for line in lines if " pip compile " in line).split()
    assert command[0].endswith("/uv") and command[1:] == header[1:], (command, header)


def test_the_readmes_plain_pip_line_installs_exactly_the_locked_versions():
    """The README's pip command, as written, with --dry-run: nothing to change but the kit."""
    import shlex

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Without make", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    line = next(line for line in section.splitlines() if line.startswith("pip install"))
    command = shlex.split(line.split("#")[0])
    assert "-c" in command and "constraints.txt" in command
    done = subprocess.run(
        [sys.executable, "-m", *command, "--dry-run"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    would = [line.split()[2:] for line in done.stdout.splitlines() if line.startswith("Would")]
    assert len(would) == 1 and len(would[0]) == 1, would
    assert would[0][0].startswith("mlflow-course-kit-")


def test_installed_packages_are_compiled_to_bytecode():
    """Where PYTHONDONTWRITEBYTECODE is set, nothing compiles MLflow after the install."""
    import importlib.util

    import mlflow
    import sklearn

    for module in (mlflow, sklearn):
        cached = Path(importlib.util.cache_from_source(module.__file__))
        assert cached.exists(), f"{module.__name__} was installed without bytecode"

"""Time the test run of `make test` and show where its time goes.

Instructors run `make test` before every workshop; its target is 5 minutes warm on a 2-core
machine. This runs the same ``pytest`` (lint takes well under a second) and prints its wall
time against the target, against a baseline measured in the same run (one Python that
imports MLflow and scikit-learn: most of the suite is such processes, so the ratio carries
over to a faster or slower machine), how busy the workers were, and the test files that
took longest. Run with ``make bench`` (about 5 minutes).
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 300.0
BASELINE = "import mlflow, sklearn.ensemble, pandas"
SLOWEST = 10


def baseline_seconds(repeat: int = 3) -> float:
    """Median wall time of a fresh Python that imports MLflow, scikit-learn and pandas.

    Args:
        repeat: How many times to measure.

    Returns:
        Seconds.
    """
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", BASELINE], check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def run_tests(report: Path, log: Path) -> tuple[float, float, int]:
    """Run the suite as `make test` does, writing a JUnit report.

    Args:
        report: Where pytest writes its JUnit XML.
        log: Where pytest's output goes.

    Returns:
        ``(wall seconds, CPU seconds of every process it started, exit code)``.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    with log.open("w") as out:
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", f"--junitxml={report}"],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.returncode


def seconds_per_file(report: Path) -> Counter[str]:
    """Sum the test times of a JUnit report per test file (a notebook counts as a file).

    Args:
        report: A JUnit XML report of pytest.

    Returns:
        Seconds per file.
    """
    found: Counter[str] = Counter()
    for case in ET.parse(report).iter("testcase"):
        module = case.get("classname", "?")  # tests.test_store, notebooks.00_x.ipynb
        kind = ".ipynb" if module.endswith(".ipynb") else ".py"
        found[module.removesuffix(kind).replace(".", "/") + kind] += float(case.get("time", 0))
    return found


def main() -> None:
    """Measure the baseline, run the suite, print the ratios and the slowest files."""
    base = baseline_seconds()
    with tempfile.TemporaryDirectory() as folder:
        report, log = Path(folder) / "report.xml", Path(folder) / "pytest.log"
        wall, cpu, code = run_tests(report, log)
        files = seconds_per_file(report)
        if code != 0:
            print("\n".join(log.read_text().splitlines()[-30:]))
    workers = psutil.cpu_count(logical=False) or 1  # what `pytest -n auto` starts
    busy = sum(files.values())
    print(f"baseline (a Python importing MLflow, scikit-learn, pandas): {base:.2f} s")
    print(f"pytest: {wall:.0f} s wall ({wall / base:.0f}x the baseline), exit code {code}")
    print(f"  target {TARGET_SECONDS:.0f} s: {wall / TARGET_SECONDS:.2f} of it")
    print(f"  CPU of its processes: {cpu:.0f} s, {cpu / (workers * wall):.0%} of {workers} cores")
    floor = cpu / workers  # no schedule of this work finishes sooner on these cores
    print(f"  with every core busy all the time: {floor:.0f} s, {floor / TARGET_SECONDS:.2f} of it")
    print(f"  test time summed: {busy:.0f} s, {busy / (workers * wall):.0%} of {workers} workers")
    print(f"slowest {SLOWEST} files:")
    for name, seconds in files.most_common(SLOWEST):
        print(f"  {seconds:6.1f} s  {name}")


if __name__ == "__main__":
    main()

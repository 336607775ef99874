"""Time every notebook top to bottom, each on a fresh store, and show where the time goes.

The course promises each notebook runs in under 30 seconds on a laptop. This runs each one
as a learner meets it the first time: a new kernel (its start is counted) and a brand-new
store of its own (so creating the store is counted too; running all notebooks on one store
hides that cost in the first notebook and lets later ones reuse earlier runs). It prints
each notebook's time against the budget, the kernel start, and its slowest cells.

It also prints the CPU time of each kernel and what that means for ``make test``, which
executes every notebook ``EXECUTIONS`` times: the notebooks alone need at least that CPU,
divided by the cores, of wall time (the target of ``make test`` is in ``bench_tests.py``).
Run with ``make bench``.
"""

from __future__ import annotations

import os
import resource
import tempfile
import time
from datetime import datetime
from pathlib import Path

import nbformat
from nbclient import NotebookClient

BUDGET_SECONDS = 30.0
#: How often ``make test`` executes each notebook: nbval in English and in Japanese, against
#: a tracking server (tests/test_notebooks_on_a_server.py) and in the emulated Databricks
#: workspace (tests/test_notebooks_on_databricks.py).
EXECUTIONS = 4
#: ``make test``'s target, in seconds (see bench_tests.py).
TEST_TARGET_SECONDS = 300.0
NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
SLOWEST = 3


def run(path: Path, store: Path) -> tuple[float, float, float, list[tuple[float, int, str]]]:
    """Execute one notebook in its own folder on a fresh store.

    Args:
        path: The notebook.
        store: A folder that does not exist yet, for its store.

    Returns:
        Total seconds, seconds until the kernel was ready, CPU seconds of the kernel and the
        processes it waited for, and ``(seconds, cell number, first line)`` for every code
        cell.
    """
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=600,
        record_timing=True,
        resources={"metadata": {"path": str(path.parent)}},
    )
    previous = os.environ.get("COURSE_STORE_DIR")
    os.environ["COURSE_STORE_DIR"] = str(store)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    try:
        with client.setup_kernel():
            ready = time.perf_counter() - started
            for index, cell in enumerate(notebook.cells):
                client.execute_cell(cell, index)
    finally:
        if previous is None:
            os.environ.pop("COURSE_STORE_DIR", None)
        else:
            os.environ["COURSE_STORE_DIR"] = previous
    total = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    cells = []
    for index, cell in enumerate(notebook.cells):
        timing = cell.metadata.get("execution", {})
        if cell.cell_type != "code" or "shell.execute_reply" not in timing:
            continue
        begin = datetime.fromisoformat(timing["iopub.execute_input"].replace("Z", "+00:00"))
        end = datetime.fromisoformat(timing["shell.execute_reply"].replace("Z", "+00:00"))
        first = cell.source.strip().splitlines()[0] if cell.source.strip() else ""
        cells.append(((end - begin).total_seconds(), index, first[:60]))
    return total, ready, cpu, cells


def main() -> None:
    """Run every notebook on a store of its own; print its time and its slowest cells."""
    os.environ.pop("MLFLOW_TRACKING_URI", None)
    over, cpu_sum = 0, 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for path in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")):
            total, ready, cpu, cells = run(path, Path(tmp) / path.stem / "mlflow-store")
            cpu_sum += cpu
            verdict = "within" if total < BUDGET_SECONDS else "OVER"
            over += total >= BUDGET_SECONDS
            print(
                f"{path.name:40s} {total:6.1f} s ({verdict} the {BUDGET_SECONDS:.0f} s budget; "
                f"kernel start {ready:.1f} s; CPU {cpu:.1f} s)"
            )
            for seconds, index, first in sorted(cells, reverse=True)[:SLOWEST]:
                print(f"    cell {index:2d} {seconds:6.1f} s  {first}")
    print(f"{over} notebook(s) over the budget")
    cores = os.cpu_count() or 1
    floor = EXECUTIONS * cpu_sum / cores
    print(
        f"CPU of all notebooks: {cpu_sum:.0f} s. make test executes each {EXECUTIONS} times, so "
        f"its notebooks alone need at least {floor:.0f} s on {cores} cores: "
        f"{floor / TEST_TARGET_SECONDS:.2f} of its {TEST_TARGET_SECONDS:.0f} s target"
    )


if __name__ == "__main__":
    main()

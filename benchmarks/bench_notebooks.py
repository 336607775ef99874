"""Time every notebook top to bottom against a fresh temporary store.

The course promises each notebook runs in under 30 seconds on a laptop. This prints the
time of each one (kernel start included) next to that budget. Run with ``make bench``.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

BUDGET_SECONDS = 30.0
NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def run(path: Path) -> float:
    """Execute one notebook in its own folder and return the seconds it took."""
    notebook = nbformat.read(path, as_version=4)
    started = time.perf_counter()
    NotebookClient(
        notebook, timeout=600, resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    return time.perf_counter() - started


def main() -> None:
    """Run every notebook against a temporary store and print its time against the budget."""
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["COURSE_STORE_DIR"] = str(Path(tmp) / "mlflow-store")
        os.environ.pop("MLFLOW_TRACKING_URI", None)
        for path in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")):
            seconds = run(path)
            verdict = "within" if seconds < BUDGET_SECONDS else "OVER"
            print(f"{path.name:40s} {seconds:6.1f} s ({verdict} the {BUDGET_SECONDS:.0f} s budget)")


if __name__ == "__main__":
    main()

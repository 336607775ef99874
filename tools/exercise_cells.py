"""Write each notebook's exercise cells from the exercise definitions (``helpers.exercises``).

The exercises are written once, in ``helpers/exercises/exNN.py``; this script puts them
into the notebooks: under ``## Exercises``, for each one a task, a cell for the learner's
code and a check cell. ``make notebooks`` runs it before executing the notebooks, and a
test fails when a notebook's exercise cells differ from what it would write.

Usage: python tools/exercise_cells.py [NOTEBOOK ...]   (every notebook when none is given)
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import nbformat

from helpers.exercises import Exercise, of_notebook

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
HEADING = "## Exercises"
INTRODUCTION = """## Exercises

Under each exercise: a cell for your code, and a check cell. `q1.check()` reads your
tracking store and says "Correct", or what is still missing; `q1.hint()` gives a nudge,
`q1.solution()` shows one solution. `helpers.exercises.progress()` lists every exercise of
the course with its status. Do them in order: a later one may build on an earlier one."""


def exercise_cells(number: str) -> list[nbformat.NotebookNode]:
    """Return the cells of one notebook's exercise section.

    Args:
        number: The notebook's number, e.g. ``"01"``.

    Returns:
        The introduction (with the module's ``NOTE``, if it has one), the import of the
        questions, and per exercise a task, a cell for the learner's code and a check cell
        (with ids that stay the same).
    """
    exercises = list(of_notebook(number))
    names = ", ".join(exercise.name for exercise in exercises)
    note = getattr(importlib.import_module(f"helpers.exercises.ex{number}"), "NOTE", "")
    cells = [
        _cell("markdown", f"{INTRODUCTION}\n\n{note}".strip(), "exercises"),
        _cell("code", f"from helpers.exercises.ex{number} import {names}", "exercises-import"),
    ]
    for exercise in exercises:
        cells += [
            _cell("markdown", task_markdown(exercise), f"{exercise.name}-task"),
            _cell("code", "# your code here", f"{exercise.name}-answer"),
            _cell("code", check_code(exercise), f"{exercise.name}-check"),
        ]
    return cells


def task_markdown(exercise: Exercise) -> str:
    """Return an exercise's heading and task, as the notebook and the website show them.

    Args:
        exercise: The exercise.

    Returns:
        Markdown: ``### Exercise N: title`` and the task.
    """
    return f"### Exercise {exercise.number}: {exercise.title}\n\n{exercise.task.strip()}"


def check_code(exercise: Exercise) -> str:
    """Return the code of an exercise's check cell.

    Args:
        exercise: The exercise.

    Returns:
        ``q1.check()``, with the hint and the solution as comments to uncomment.
    """
    return f"{exercise.name}.check()\n# {exercise.name}.hint()\n# {exercise.name}.solution()"


def section_bounds(cells: list[nbformat.NotebookNode]) -> tuple[int, int]:
    """Find a notebook's exercise section: from its heading to the next ``## `` heading.

    Args:
        cells: The notebook's cells.

    Returns:
        ``(start, end)`` cell indexes; the section is ``cells[start:end]``.

    Raises:
        ValueError: If the notebook has no markdown cell starting with ``## Exercises``.
    """
    starts = [i for i, c in enumerate(cells) if c.cell_type == "markdown" and
              c.source.startswith(HEADING)]  # fmt: skip
    if not starts:
        raise ValueError(f"no markdown cell starts with {HEADING!r}")
    start = starts[0]
    end = next(
        (i for i in range(start + 1, len(cells)) if cells[i].cell_type == "markdown"
         and cells[i].source.startswith("## ")),
        len(cells),
    )  # fmt: skip
    return start, end


def write(path: Path) -> bool:
    """Put the exercise cells into a notebook, keeping the outputs of unchanged cells.

    Args:
        path: The notebook, e.g. ``notebooks/01_first_experiment.ipynb``.

    Returns:
        True if the notebook changed.
    """
    notebook = nbformat.read(path, as_version=4)
    start, end = section_bounds(notebook.cells)
    old = {cell.get("id"): cell for cell in notebook.cells[start:end]}
    new = []
    for cell in exercise_cells(path.name[:2]):
        kept = old.get(cell.id)
        same = kept is not None and kept.cell_type == cell.cell_type and kept.source == cell.source
        new.append(kept if same else cell)
    if [c.source for c in new] == [c.source for c in notebook.cells[start:end]]:
        return False
    notebook.cells[start:end] = new
    nbformat.write(notebook, path)
    return True


def _cell(kind: str, source: str, cell_id: str) -> nbformat.NotebookNode:
    """Make a cell with a fixed id."""
    make = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
    cell = make(source)
    cell.id = cell_id
    return cell


def main(paths: list[str]) -> None:
    """Write the exercise cells of the given notebooks, or of all of them."""
    notebooks = [Path(p) for p in paths] or sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    for path in notebooks:
        print(f"{path.name}: {'written' if write(path) else 'up to date'}")


if __name__ == "__main__":
    main(sys.argv[1:])

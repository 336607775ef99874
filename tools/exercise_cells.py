"""Write each notebook's exercise cells from the exercise definitions (``helpers.exercises``).

The exercises are written once, in ``helpers/exercises/exNN.py``; this script puts them
into the notebooks: under ``## Exercises``, for each one a task, a cell for the learner's
code and a check cell; in the Japanese notebooks (``notebooks/ja/``), under ``## 演習``, with
the Japanese texts of ``helpers.exercises.ja``. ``make notebooks`` runs it before executing
the notebooks, and a test fails when a notebook's exercise cells differ from what it
would write.

Usage: python tools/exercise_cells.py [NOTEBOOK ...]   (every notebook when none is given)
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import nbformat

from helpers.exercises import Exercise, ja, of_notebook

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
#: The heading of the exercise section, by language.
HEADINGS = {"en": "## Exercises", "ja": "## 演習"}
INTRODUCTION = """## Exercises

Under each exercise: a cell for your code, and a check cell. `q1.check()` reads your
tracking store and says "Correct", or what is still missing; `q1.hint()` gives a nudge,
`q1.solution()` shows one solution. `helpers.exercises.progress()` lists every exercise of
the course with its status. Do them in order: a later one may build on an earlier one."""
INTRODUCTION_JA = (  # one line per paragraph: a line break in Japanese shows as a space
    "## 演習\n\n"
    "各演習の下に、コードを書くセルとチェックのセルがあります。`q1.check()` はトラッキングストアを"
    "読み、「正解です」か、まだ足りないものを答えます。`q1.hint()` はヒントを、`q1.solution()` は"
    "解答例を表示します。`helpers.exercises.progress()` は講座のすべての演習とその状況を一覧に"
    "します。順番に取り組んでください。あとの演習が前の演習を前提にしていることがあります。"
)


def exercise_cells(number: str, lang: str = "en") -> list[nbformat.NotebookNode]:
    """Return the cells of one notebook's exercise section.

    Args:
        number: The notebook's number, e.g. ``"01"``.
        lang: The notebook's language, ``"en"`` or ``"ja"``.

    Returns:
        The introduction (with the module's ``NOTE``, if it has one), the import of the
        questions, and per exercise a task, a cell for the learner's code and a check cell
        (with ids that stay the same).
    """
    exercises = list(of_notebook(number))
    names = ", ".join(exercise.name for exercise in exercises)
    if lang == "ja":
        introduction, note = INTRODUCTION_JA, getattr(ja.module(f"ex{number}"), "NOTE", "")
    else:
        module = importlib.import_module(f"helpers.exercises.ex{number}")
        introduction, note = INTRODUCTION, getattr(module, "NOTE", "")
    cells = [
        _cell("markdown", f"{introduction}\n\n{note}".strip(), "exercises"),
        _cell("code", f"from helpers.exercises.ex{number} import {names}", "exercises-import"),
    ]
    for exercise in exercises:
        cells += [
            _cell("markdown", task_markdown(exercise, lang), f"{exercise.name}-task"),
            _cell("code", "# your code here", f"{exercise.name}-answer"),
            _cell("code", check_code(exercise), f"{exercise.name}-check"),
        ]
    return cells


def task_markdown(exercise: Exercise, lang: str = "en") -> str:
    """Return an exercise's heading and task, as the notebook and the website show them.

    Args:
        exercise: The exercise.
        lang: ``"en"`` or ``"ja"``.

    Returns:
        Markdown: ``### Exercise N: title`` (``### 演習 N: title``) and the task.
    """
    texts = exercise.texts(lang)
    word = "演習" if lang == "ja" else "Exercise"
    return f"### {word} {exercise.number}: {texts.title}\n\n{texts.task.strip()}"


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
        ValueError: If no markdown cell starts with ``## Exercises`` or ``## 演習``.
    """
    headings = tuple(HEADINGS.values())
    starts = [i for i, c in enumerate(cells) if c.cell_type == "markdown" and
              c.source.startswith(headings)]  # fmt: skip
    if not starts:
        raise ValueError(f"no markdown cell starts with one of {headings}")
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
        path: The notebook, e.g. ``notebooks/01_first_experiment.ipynb`` (in Japanese when
            it is in ``notebooks/ja/``).

    Returns:
        True if the notebook changed.
    """
    notebook = nbformat.read(path, as_version=4)
    start, end = section_bounds(notebook.cells)
    old = {cell.get("id"): cell for cell in notebook.cells[start:end]}
    new = []
    for cell in exercise_cells(path.name[:2], language_of(path)):
        kept = old.get(cell.id)
        same = kept is not None and kept.cell_type == cell.cell_type and kept.source == cell.source
        new.append(kept if same else cell)
    if [c.source for c in new] == [c.source for c in notebook.cells[start:end]]:
        return False
    notebook.cells[start:end] = new
    nbformat.write(notebook, path)
    return True


def language_of(path: Path) -> str:
    """Return a notebook's language: ``"ja"`` in ``notebooks/ja/``, else ``"en"``.

    Args:
        path: The notebook.

    Returns:
        ``"en"`` or ``"ja"``.
    """
    return "ja" if path.parent.name == "ja" else "en"


def _cell(kind: str, source: str, cell_id: str) -> nbformat.NotebookNode:
    """Make a cell with a fixed id."""
    make = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
    cell = make(source)
    cell.id = cell_id
    return cell


def main(paths: list[str]) -> None:
    """Write the exercise cells of the given notebooks, or of all of them."""
    every = [*NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"), *NOTEBOOKS.glob("ja/[0-9][0-9]_*.ipynb")]
    notebooks = [Path(p) for p in paths] or sorted(every)
    for path in notebooks:
        name = path.relative_to(NOTEBOOKS) if path.is_relative_to(NOTEBOOKS) else path
        print(f"{name}: {'written' if write(path) else 'up to date'}")


if __name__ == "__main__":
    main(sys.argv[1:])

"""MkDocs hook: put the course notebooks and their exercises on the website.

The notebooks stay in ``notebooks/``, where learners open them; this hook adds each one to
the site as ``notebooks/<name>.ipynb`` before mkdocs-jupyter renders it. The exercises are
defined once, in ``helpers/exercises/exNN.py``: the hook writes a page per notebook,
``exercises/NN.md``, with each exercise's task and its hint and solution folded.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

from helpers.exercises import Exercise, of_notebook

COURSE = Path(__file__).resolve().parent.parent


@event_priority(100)  # before mkdocs-jupyter turns .ipynb files into pages
def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add ``notebooks/*.ipynb`` and a page of hints and solutions per notebook.

    Args:
        files: The files MkDocs found in ``docs/``.
        config: The site's configuration.

    Returns:
        The same files, with the notebooks and ``exercises/NN.md`` added.
    """
    for notebook in sorted((COURSE / "notebooks").glob("*.ipynb")):
        path = notebook.relative_to(COURSE).as_posix()
        files.append(File(path, str(COURSE), config.site_dir, config.use_directory_urls))
        page = exercise_page(notebook)
        files.append(File.generated(config, f"exercises/{notebook.name[:2]}.md", content=page))
    return files


def exercise_page(notebook: Path) -> str:
    """Write the Markdown page of one notebook's exercises, hints and solutions folded.

    Args:
        notebook: The notebook, e.g. ``notebooks/01_first_experiment.ipynb``.

    Returns:
        The page: per exercise its task, then a hint and a solution to unfold.
    """
    first = json.loads(notebook.read_text())["cells"][0]["source"][0]
    title = first.removeprefix("# ").strip()
    parts = [
        f"# Exercises of {title}\n",
        f"The exercises at the end of [{title}](../notebooks/{notebook.name}), each with a hint "
        "and a solution, folded: unfold one only when you want it. In the notebook, "
        "`q1.check()` reads your tracking store and says whether exercise 1 is done.\n",
    ]
    parts += [_exercise_section(exercise) for exercise in of_notebook(notebook.name[:2])]
    return "\n".join(parts)


def _exercise_section(exercise: Exercise) -> str:
    """One exercise on the page: heading, what it practises, task, hint, solution."""
    code = textwrap.indent(exercise.solution_code.strip(), " " * 8)
    return f"""## Exercise {exercise.number}: {exercise.title}

*Practises: {exercise.practises}.*

{exercise.task.strip()}

??? tip "Hint"
    {exercise.hint_text}

??? success "Solution"
    ```python
{code}
    ```

    After it, `{exercise.name}.check()` says "Correct": {exercise.why}
"""

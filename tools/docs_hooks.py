"""MkDocs hook: put the course notebooks and their exercises on the website, in both languages.

The notebooks stay in ``notebooks/`` (Japanese: ``notebooks/ja/``), where learners open
them; this hook adds each one to the site as ``notebooks/<name>.ipynb`` (``ja/notebooks/...``)
before mkdocs-jupyter renders it. The exercises are defined once, in
``helpers/exercises/exNN.py`` (their Japanese in ``helpers/exercises/ja/``): the hook writes a
page per notebook, ``exercises/NN.md`` (``ja/exercises/NN.md``), with each exercise's task and
its hint and solution folded. The i18n plugin then builds the Japanese site from the ``ja/``
files under ``ja/``.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from helpers.exercises import Exercise, of_notebook

COURSE = Path(__file__).resolve().parent.parent

#: The words of an exercise page, by language.
WORDS = {
    "en": {
        "title": "Exercises of {title}",
        "intro": "The exercises at the end of [{title}](../notebooks/{name}), each with a hint "
        "and a solution, folded: unfold one only when you want it. In the notebook, "
        "`q1.check()` reads your tracking store and says whether exercise 1 is done.",
        "exercise": "Exercise",
        "practises": "*Practises: {practises}.*",
        "hint": "Hint",
        "solution": "Solution",
        "after": 'After it, `{name}.check()` says "Correct": {why}',
    },
    "ja": {
        "title": "演習: {title}",
        "intro": "[{title}](../notebooks/{name})の最後にある演習です。それぞれにヒントと解答例が"
        "あり、折りたたんであります。必要になったときだけ開いてください。ノートブックでは、"
        "`q1.check()` がトラッキングストアを読み、演習 1 ができているかを答えます。",
        "exercise": "演習",
        "practises": "**練習すること**: {practises}。",
        "hint": "ヒント",
        "solution": "解答例",
        "after": "これを実行すると、`{name}.check()` は「正解です」と答えます: {why}",
    },
}

#: The link from each Japanese notebook's first cell to the glossary, as JupyterLab opens it.
GLOSSARY_LINK = "../../docs/ja/glossary.md"


#: The languages of the site: where each one's notebooks are, and its folder on the site.
EDITIONS = {"en": ("notebooks", ""), "ja": ("notebooks/ja", "ja/")}


@event_priority(-110)  # after the i18n plugin (-100) has sorted docs/ into the languages
def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add the notebooks and a page of hints and solutions per notebook, in the language built.

    The i18n plugin builds the site once per language, each from the same nav: the Japanese
    build takes ``notebooks/ja/`` for ``notebooks/`` and writes its pages under ``ja/``.

    Args:
        files: The files of this language's build.
        config: The site's configuration.

    Returns:
        The same files, with the notebooks (as mkdocs-jupyter pages) and ``exercises/NN.md``.
    """
    lang = building(config)
    folder, prefix = EDITIONS[lang]
    added = Files([])
    for notebook in sorted((COURSE / folder).glob("[0-9][0-9]_*.ipynb")):
        source = str(notebook)
        added.append(File.generated(config, f"notebooks/{notebook.name}", abs_src_path=source))
        page = exercise_page(notebook, lang)
        added.append(File.generated(config, f"exercises/{notebook.name[:2]}.md", content=page))
    for file in config.plugins["mkdocs-jupyter"].on_files(added, config):
        # mkdocs-jupyter's wrapper computes its source path from a folder, which a notebook
        # shown under another path (notebooks/ for notebooks/ja/) does not have.
        file.abs_src_path = getattr(file, "file", file).abs_src_path
        if prefix:  # the URL first: a generated page computes it from its destination
            url = file.url
            file.dest_path = prefix + file.dest_path
            file.abs_dest_path = str(Path(config.site_dir) / file.dest_path)
            file.url = prefix + url
        files.append(file)
    return files


def on_page_context(context: dict, page: Page, config: MkDocsConfig, nav: object) -> dict:
    """Point the language switch of an added page at the same page in the other language.

    The i18n plugin does this for the pages of ``docs/``; the notebooks and exercise pages
    are added after it sorted them, so this hook does it for them. A page with no
    counterpart (the glossary) switches to the other language's home page.

    Args:
        context: The page's template context.
        page: The page.
        config: The site's configuration.
        nav: The site's navigation.

    Returns:
        The context, unchanged.
    """
    alternates = getattr(config.extra, "alternate", None) or []  # where the i18n plugin puts it
    for alternate in alternates:
        if not hasattr(page.file, "locale"):
            alternate["link"] = EDITIONS[alternate["lang"]][1] + page.file.url.removeprefix("ja/")
        else:  # a page with no counterpart gets the plugin's "/index.html", a link off the
            # site when it is opened from disk: the other language's home page, from the root
            alternate["link"] = alternate["link"].lstrip("/")
    return context


def building(config: MkDocsConfig) -> str:
    """Return the language the i18n plugin is building: ``"en"`` or ``"ja"``."""
    i18n = config.plugins.get("i18n")
    return getattr(i18n, "current_language", None) or "en"


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Point the Japanese notebooks' link to the glossary at the glossary's page.

    Args:
        html: The page's content.
        page: The page.
        config: The site's configuration.
        files: The site's files.

    Returns:
        The content, with the link made relative to the page.
    """
    if GLOSSARY_LINK not in html:
        return html
    glossary = files.get_file_from_path("ja/glossary.md")
    return html.replace(f'href="{GLOSSARY_LINK}"', f'href="{glossary.url_relative_to(page.file)}"')


def exercise_page(notebook: Path, lang: str = "en") -> str:
    """Write the Markdown page of one notebook's exercises, hints and solutions folded.

    Args:
        notebook: The notebook, e.g. ``notebooks/01_first_experiment.ipynb``.
        lang: The page's language, ``"en"`` or ``"ja"`` (that of the notebook).

    Returns:
        The page: per exercise its task, then a hint and a solution to unfold.
    """
    first = json.loads(notebook.read_text(encoding="utf-8"))["cells"][0]["source"][0]
    title = first.removeprefix("# ").strip()
    words = WORDS[lang]
    parts = [
        f"# {words['title'].format(title=title)}\n",
        words["intro"].format(title=title, name=notebook.name) + "\n",
    ]
    exercises = of_notebook(notebook.name[:2])
    parts += [_exercise_section(exercise, lang) for exercise in exercises]
    return "\n".join(parts)


def _exercise_section(exercise: Exercise, lang: str) -> str:
    """One exercise on the page: heading, what it practises, task, hint, solution."""
    code = textwrap.indent(exercise.solution_code.strip(), " " * 8)
    texts, words = exercise.texts(lang), WORDS[lang]
    return f"""## {words["exercise"]} {exercise.number}: {texts.title}

{words["practises"].format(practises=texts.practises)}

{texts.task.strip()}

??? tip "{words["hint"]}"
    {texts.hint}

??? success "{words["solution"]}"
    ```python
{code}
    ```

    {words["after"].format(name=exercise.name, why=texts.why)}
"""

"""The language of the exercises: English, or Japanese in the Japanese notebooks.

The Japanese notebooks (``notebooks/ja/``) run exactly the same code as the English ones,
so they cannot pass a language to the checks. What tells them apart is their folder:
JupyterLab, nbval and Databricks (Runtime 14.0 and above: "What is the default current
working directory?" in Databricks' documentation) start a notebook's Python in the
notebook's folder, so a check run from a folder named ``ja`` speaks Japanese. On
Databricks, where serverless compute does not promise that folder, the notebook's
workspace path tells instead. ``COURSE_LANGUAGE`` (``en`` or ``ja``) overrides both, e.g.
for a script.

Messages are written in English, as templates: ``say("run {name!r} has no metric.",
name=...)``. In Japanese, the same template is looked up in the catalogs of
``helpers.exercises.ja`` and its translation is filled with the same values.
"""

from __future__ import annotations

import functools
import os
import textwrap
import unicodedata
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

__all__ = ["LANGUAGES", "LANGUAGE_ENV", "Texts", "current", "fill", "say"]

#: The languages of the course.
LANGUAGES = ("en", "ja")

#: The environment variable that sets the language (``en`` or ``ja``) whatever the folder.
LANGUAGE_ENV = "COURSE_LANGUAGE"

#: Characters a Japanese line must not start with (kinsoku: closing marks, small kana).
_NO_LINE_START = set("、。，．・：；？！）」』】〕｝〉》ゝゞーぁぃぅぇぉっゃゅょァィゥェォッャュョ")
_NO_LINE_START |= set("):;,.!?]}")

#: Characters a Japanese line must not end with (opening brackets).
_NO_LINE_END = set("（「『【〔｛〈《([{")


@dataclass(frozen=True)
class Texts:
    """What an exercise says, in one language.

    Attributes:
        title: A few words, e.g. ``"A fifth run"``.
        practises: What it makes you do with MLflow.
        task: The task as the notebook states it (Markdown).
        hint: One nudge, no code.
        why: One sentence on why it matters, said when the check passes.
    """

    title: str
    practises: str
    task: str
    hint: str
    why: str


def current() -> str:
    """Return the language the exercises speak here.

    Returns:
        ``$COURSE_LANGUAGE`` if set, else ``"ja"`` for a notebook in a folder named ``ja``
        (on Databricks, the notebook's workspace path tells; elsewhere, the folder Python
        runs in), else ``"en"``.

    Raises:
        ValueError: If ``COURSE_LANGUAGE`` is set to a language the course does not have.
    """
    chosen = os.environ.get(LANGUAGE_ENV, "").strip().lower()
    if chosen:
        if chosen not in LANGUAGES:
            raise ValueError(f"{LANGUAGE_ENV}={chosen!r}: the course speaks {LANGUAGES}")
        return chosen
    notebook = _databricks_notebook()
    folder = notebook.parent if notebook is not None else Path.cwd()
    return "ja" if folder.name == "ja" else "en"


@functools.cache
def _databricks_notebook() -> PurePosixPath | None:
    """Return the workspace path of the Databricks notebook this Python runs, if any.

    Where the working directory is not the notebook's folder (compute that does not promise
    one), the notebook's own path tells the language. MLflow reads it from the notebook's
    context, as it does to tag runs with their source; elsewhere there is none.
    """
    if "DATABRICKS_RUNTIME_VERSION" not in os.environ:
        return None
    try:
        from mlflow.utils.databricks_utils import get_notebook_path

        path = get_notebook_path()
    except Exception:  # no notebook context: a job's script, a test, the emulation
        return None
    return PurePosixPath(path) if path else None


def say(template: str, /, **values: object) -> str:
    """Fill a message template in the current language.

    Args:
        template: The English message with ``{name}`` fields (``str.format`` syntax).
        **values: The fields' values.

    Returns:
        The message: in Japanese, the catalog's translation of ``template`` filled with the
        same values (the English one if the catalog has none).
    """
    if current() == "ja":
        from helpers.exercises import ja  # the catalogs, loaded when Japanese is spoken

        template = ja.messages().get(template, template)
    return template.format(**values)


def fill(text: str, width: int) -> str:
    """Fold text into lines of at most ``width`` columns, names kept whole.

    Japanese has no spaces between words: it may break between any two of its characters
    (each two columns wide), except before a closing mark or after an opening one.

    Args:
        text: One paragraph.
        width: The width of a line, in columns.

    Returns:
        The folded text.
    """
    if not any(_columns(char) == 2 for char in text):
        return textwrap.fill(text, width, break_long_words=False, break_on_hyphens=False)
    lines: list[str] = []
    line = ""
    for token in _tokens(text):
        fits = _columns(line + token) <= width
        kept = token.lstrip()[:1] in _NO_LINE_START or line.rstrip()[-1:] in _NO_LINE_END
        if fits or not line.strip() or kept:
            line += token
            continue
        lines.append(line.rstrip())
        line = token.lstrip()
    lines.append(line.rstrip())
    return "\n".join(lines)


def _tokens(text: str) -> list[str]:
    """Split text into the pieces a line may not break inside: words, wide characters."""
    tokens: list[str] = []
    for char in text:
        wide = _columns(char) == 2
        if (
            tokens
            and not wide
            and _columns(tokens[-1][-1]) == 1
            and not (tokens[-1][-1] == " " and char != " ")
        ):
            tokens[-1] += char
        else:
            tokens.append(char)
    return tokens


def _columns(text: str) -> int:
    """Count the columns text takes in a terminal: two for a wide (East Asian) character."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)

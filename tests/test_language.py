"""The exercises in two languages: every message and text of the checks has its Japanese.

The English modules pass their messages to ``say()`` as templates; the Japanese catalogs
(``helpers.exercises.ja``) must translate every one of them with the same fields, and
nothing else, so that a Japanese learner never meets an English sentence from a check.
"""

from __future__ import annotations

import ast
import os
import re
import string
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.exercises import all_exercises, ja, language
from helpers.exercises.language import LANGUAGE_ENV, current, fill, say

ROOT = Path(__file__).resolve().parent.parent
ENGLISH_MODULES = sorted((ROOT / "helpers" / "exercises").glob("*.py"))
EXERCISES = all_exercises()
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
WIDE = r"[\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef]"
JAPANESE_BREAK = re.compile(rf"{WIDE}\n{WIDE}")


def templates() -> dict[str, str]:
    """Every template passed to say() in the English modules, with where it is."""
    found: dict[str, str] = {}
    for path in ENGLISH_MODULES:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "say":
                first = node.args[0] if node.args else None
                where = f"{path.name}:{node.lineno}"
                assert isinstance(first, ast.Constant) and isinstance(first.value, str), (
                    f"{where}: say() takes its template as a literal, so it can be translated"
                )
                found[first.value] = where
    return found


def code_in(markdown: str) -> list[str]:
    """The code of Markdown text: its fenced blocks, then its inline spans (which may hold
    backticks: ``` `` a`b `` ```)."""
    fences = re.findall(r"```.*?```", markdown, re.S)
    inline = re.sub(r"```.*?```", "", markdown, flags=re.S)
    spans = re.finditer(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", inline, re.S)
    return fences + [span.group(2).strip() for span in spans]


def fields(template: str) -> set[str]:
    """The names of a template's fields."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def test_the_notes_under_the_exercise_headings_read_as_japanese_paragraphs():
    for name in ja.MODULES:
        note = getattr(ja.module(name), "NOTE", "")
        assert not JAPANESE_BREAK.search(note), name


def test_every_message_has_its_japanese_with_the_same_fields():
    english = templates()
    catalog = ja.messages()
    missing = {t: where for t, where in english.items() if t not in catalog}
    assert not missing, f"no Japanese for: {missing}"
    for template, japanese in catalog.items():
        assert template in english, f"the catalog translates a message no module says: {template!r}"
        assert fields(japanese) == fields(template), (template, japanese)
        assert JAPANESE.search(japanese) or not JAPANESE.search(template), japanese


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: f"ex{e.notebook}.{e.name}")
def test_every_exercise_speaks_japanese(exercise):
    texts = exercise.texts("ja")
    for name in ("title", "practises", "task", "hint", "why"):
        assert JAPANESE.search(getattr(texts, name)), f"{name} is not in Japanese"
    assert texts.why.endswith("。")
    assert not re.search(r"`|\w\(|=", texts.hint), "a hint is a nudge, not code"
    # Markdown shows a line break as a space, which Japanese does not put between words.
    assert not JAPANESE_BREAK.search(texts.task), "a line break inside a Japanese sentence"
    assert "\n" not in texts.hint + texts.why
    assert sorted(code_in(texts.task)) == sorted(code_in(exercise.task)), "the English task's code"


def test_the_japanese_notebooks_folder_speaks_japanese(tmp_path, monkeypatch):
    monkeypatch.delenv(LANGUAGE_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    assert current() == "en"
    (tmp_path / "ja").mkdir()
    monkeypatch.chdir(tmp_path / "ja")
    assert current() == "ja"
    assert say("Not yet: {missing}", missing="x") == "まだです: x"
    monkeypatch.setenv(LANGUAGE_ENV, "en")
    assert current() == "en"
    assert say("Not yet: {missing}", missing="x") == "Not yet: x"
    monkeypatch.setenv(LANGUAGE_ENV, "fr")
    with pytest.raises(ValueError, match="COURSE_LANGUAGE='fr'"):
        current()


def test_japanese_lines_fold_between_characters_but_keep_names_whole():
    text = ja.messages()["run {run!r} has no metric {key!r}; its metrics: {metrics}."].format(
        run="RandomForest_Train80_Feature1+2", key="answer_squared", metrics="'answer', 'mse'"
    )
    folded = fill(text * 3, 40)
    lines = folded.splitlines()
    assert len(lines) > 3
    assert all(language._columns(line) <= 40 for line in lines if " " not in line.strip())
    assert not [line for line in lines if line[0] in "、。)」"], "a line starts with a closing mark"
    assert "RandomForest_Train80_Feature1+2" in folded.replace("\n", "")
    assert all("RandomForest_Train80_Feature1+2" in line for line in lines if "Random" in line)
    assert fill("plain English text stays as textwrap folds it", 20) == (
        "plain English text\nstays as textwrap\nfolds it"
    )


def test_on_databricks_the_notebooks_own_path_tells_the_language(tmp_path):
    """Databricks gives a notebook's Python its context as ``dbutils``; MLflow reads the
    notebook's path from it. Here a stand-in context (the emulated workspace has none), in
    an IPython shell started away from any folder named ``ja``."""
    script = """
import os
from IPython.core.interactiveshell import InteractiveShell

class Value:
    def __init__(self, value): self.value = value
    def get(self): return self.value

class Context:
    def notebookPath(self): return Value(os.environ["NOTEBOOK"])

class Notebook:
    def getContext(self): return Context()

class JavaDbutils:
    def notebook(self): return Notebook()

class EntryPoint:
    def getDbutils(self): return JavaDbutils()

class Dbutils:
    entry_point = EntryPoint()

    class notebook:
        entry_point = EntryPoint()

shell = InteractiveShell.instance()
shell.user_global_ns["dbutils"] = Dbutils()
from helpers.exercises.language import current
print(current())
"""
    env = {**os.environ, "DATABRICKS_RUNTIME_VERSION": "client.4"}
    env.pop(LANGUAGE_ENV, None)
    said = {}
    for folder in ("ja", "notebooks"):
        env["NOTEBOOK"] = f"/Workspace/Users/learner@example.com/course/notebooks/{folder}/01"
        done = subprocess.run(
            [sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True,
            text=True, timeout=120, check=True,
        )  # fmt: skip
        said[folder] = done.stdout.split()[-1]
    assert said == {"ja": "ja", "notebooks": "en"}

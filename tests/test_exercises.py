"""Every exercise of the course: unsolved on a fresh store, solved by its own solution.

The tests are generated from the exercise definitions (``helpers.exercises.exNN``), so an
exercise without a passing solution cannot exist. Per notebook, one store: the notebook's
recorded state (``given``) first, then each exercise in order, as a learner does them: its
check says "Not yet", each plausible wrong answer is explained, its solution (the very
text ``solution()`` prints) makes the check say "Correct".
"""

from __future__ import annotations

import os
import re
import runpy
import time
from collections.abc import Iterator
from pathlib import Path

import mlflow
import nbformat
import pytest
from test_server import docs_block

import helpers
from helpers.exercises import NOTEBOOKS, Exercise, Verdict, all_exercises, of_notebook, progress
from helpers.exercises.language import LANGUAGE_ENV
from helpers.participant import PARTICIPANT_ENV
from helpers.processes import free_port

EXERCISES = all_exercises()
ROOT = Path(__file__).resolve().parent.parent
#: Both editions' notebooks: the English ones and the Japanese ones (notebooks/ja/).
COURSE = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")) + sorted(
    (ROOT / "notebooks").glob("ja/[0-9][0-9]_*.ipynb")
)
#: The script that writes the notebooks' exercise cells (a script, not a module to import).
CELLS = runpy.run_path(str(ROOT / "tools" / "exercise_cells.py"))
KANA = re.compile(r"[\u3040-\u30ff]")


def in_japanese(exercise: Exercise, monkeypatch: pytest.MonkeyPatch, correct: bool) -> Verdict:
    """Judge the exercise as a Japanese notebook does, and check the verdict reads Japanese."""
    monkeypatch.setenv(LANGUAGE_ENV, "ja")
    try:
        verdict = exercise.status()
    finally:
        monkeypatch.delenv(LANGUAGE_ENV)
    label, _, message = verdict.message.partition(": ")
    assert (verdict.correct, label) == (correct, "正解です" if correct else "まだです")
    assert KANA.search(message), verdict.message
    return verdict


@pytest.fixture(scope="module")
def notebook_state() -> Iterator[dict[str, dict]]:
    """Per notebook: its store, the variables of its code, where MLflow pointed, who joined."""
    states: dict[str, dict] = {}
    yield states
    for state in states.values():  # a notebook's given code may start a server or Spark
        server = state["namespace"].get("team_server")
        if server is not None:
            server.stop()
        spark = state["namespace"].get("spark")
        if spark is not None:
            helpers.spark.stop(spark)


def test_every_check_says_not_yet_on_a_fresh_store(fresh_store, monkeypatch):
    helpers.tracking.setup("scratch")
    table = progress()
    assert not table["done"].any(), table[table["done"]]
    assert table["status"].str.startswith("Not yet: ").all()
    assert table.attrs["done"] == 0
    monkeypatch.setenv(LANGUAGE_ENV, "ja")
    japanese = progress()
    assert japanese["status"].str.startswith("まだです: ").all()
    assert japanese["title"].str.contains(KANA).all()


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: f"ex{e.notebook}.{e.name}")
def test_exercise(exercise: Exercise, notebook_state, tmp_path_factory, monkeypatch):
    state = notebook_state.get(exercise.notebook)
    if state is None:
        store = tmp_path_factory.mktemp(f"ex{exercise.notebook}") / "mlflow-store"
        monkeypatch.setenv(helpers.environment.STORE_DIR_ENV, str(store))
        state = notebook_state[exercise.notebook] = {"store": store, "namespace": {}}
        exec(exercise.given, state["namespace"])
    else:  # where the notebook's code left MLflow, as in one kernel
        monkeypatch.setenv(helpers.environment.STORE_DIR_ENV, str(state["store"]))
        mlflow.set_tracking_uri(state["uri"])
        if state["participant"]:
            monkeypatch.setenv(PARTICIPANT_ENV, state["participant"])
    namespace = state["namespace"]
    try:
        before = exercise.status()
        assert not before.correct, before.message
        assert before.message.startswith("Not yet: ")
        in_japanese(exercise, monkeypatch, correct=False)
        for wrong in exercise.wrong:
            exec(wrong.code, namespace)
            verdict = exercise.status()
            assert not verdict.correct, f"accepted a wrong answer:\n{wrong.code}"
            assert wrong.explains in verdict.message
            in_japanese(exercise, monkeypatch, correct=False)
        exec(exercise.solution_code, namespace)
        after = exercise.status()
        assert after.correct, after.message
        assert after.message.startswith("Correct: ")
        in_japanese(exercise, monkeypatch, correct=True)
    finally:
        state["uri"] = mlflow.get_tracking_uri()
        state["participant"] = os.environ.get(PARTICIPANT_ENV)


def test_every_notebook_has_three_exercises_or_more():
    for number in NOTEBOOKS:
        exercises = list(of_notebook(number))
        assert len(exercises) >= 3, f"notebook {number} has {len(exercises)} exercises"
        assert [e.number for e in exercises] == list(range(1, len(exercises) + 1))
        assert all(e.notebook == number for e in exercises)


@pytest.mark.parametrize("path", COURSE, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_notebook_exercise_cells_are_written_from_the_definitions(path):
    notebook = nbformat.read(path, as_version=4)
    start, end = CELLS["section_bounds"](notebook.cells)
    lang = CELLS["language_of"](path)
    wanted = CELLS["exercise_cells"](path.name[:2], lang)
    assert [(c.cell_type, c.source) for c in notebook.cells[start:end]] == [
        (c.cell_type, c.source) for c in wanted
    ], "run `python tools/exercise_cells.py` (make notebooks does)"
    checks = [c for c in notebook.cells[start:end] if c.get("id", "").endswith("-check")]
    for cell in checks:  # the committed notebook shows the exercises unsolved
        printed = "".join(o.get("text", "") for o in cell.outputs)
        assert printed.startswith("まだです: " if lang == "ja" else "Not yet: "), (cell.id, printed)


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: f"ex{e.notebook}.{e.name}")
def test_exercise_texts_are_complete(exercise, capsys):
    assert exercise.title and exercise.practises and exercise.why.endswith(".")
    assert exercise.wrong, "at least one plausible wrong answer"
    assert not re.search(r"`|\w\(|=", exercise.hint_text), "a hint is a nudge, not code"
    assert [line for line in exercise.task.splitlines() if len(line) > 90] == []
    compile(exercise.solution_code, f"ex{exercise.notebook}.{exercise.name}", "exec")
    exercise.solution()
    printed = capsys.readouterr().out
    assert exercise.solution_code.strip() in printed
    exercise.hint()
    assert capsys.readouterr().out.startswith("Hint: ")


def test_a_check_before_the_set_up_cell_says_what_to_run():
    from helpers.exercises.ex01 import q1

    with pytest.raises(RuntimeError, match=r"helpers\.tracking\.setup"):
        q1.check()


def test_a_check_against_a_stopped_server_says_so_at_once():
    from helpers.exercises.ex07 import q1

    mlflow.set_tracking_uri(f"http://127.0.0.1:{free_port()}")  # as after notebook 07's end
    started = time.monotonic()
    with pytest.raises(helpers.tracking.TrackingStoreUnreachableError, match="Cannot reach"):
        q1.check()
    assert time.monotonic() - started < 30, "MLflow's own retries would take minutes"


def test_progress_per_participant_as_the_workshop_guide_shows_it(tracking_server):
    address = "http://192.168.1.20:5000"
    join = docs_block(f'helpers.workshop.join("{address}", "their name")')
    exec(join.replace(address, tracking_server.url), {})
    mlflow.set_experiment("01-first-experiment")
    with mlflow.start_run(run_name="LinearRegression_Train80_Feature1+2"):
        mlflow.log_params(
            {"model_type": "LinearRegression", "train_size": 0.8, "features": "feature1, feature2"}
        )
        mlflow.log_metric("mse", 3.0)
    from helpers.exercises.ex01 import q1

    assert q1.status().correct, "the participant's own check"
    helpers.workshop.join(tracking_server.url, "a neighbour")
    assert "no finished run named" in q1.status().message, "a neighbour's run does not count"
    helpers.workshop.leave()
    mlflow.set_tracking_uri(None)

    guide = docs_block("progress(participant=").replace(address, tracking_server.url)
    *lines, last = guide.strip().splitlines()
    namespace: dict = {}
    exec("\n".join(lines), namespace)  # the import
    theirs = eval(last, namespace)
    nobody = progress(participant="nobody", tracking_uri=tracking_server.url)
    first = (theirs["notebook"] == "01") & (theirs["exercise"] == "q1")
    assert theirs.loc[first, "done"].item() and theirs.attrs["done"] >= 1
    assert not nobody.loc[first, "done"].item()
    assert "no finished run named" in nobody.loc[first, "status"].item()
    with pytest.raises(ValueError, match="participant"):
        progress(participant=" ")

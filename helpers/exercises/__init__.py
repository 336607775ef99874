"""Exercises that check themselves: ``q1.check()``, ``q1.hint()``, ``q1.solution()``.

Each notebook's exercises live in a submodule (``helpers.exercises.ex01`` for notebook 01),
as ``q1``, ``q2``, ...: one ``Exercise`` each. An MLflow exercise asks you to *record*
something, so ``check()`` reads what was recorded (runs, params, metrics, tags, models,
aliases) in the tracking store the notebook logs to, and says "Correct" or exactly what is
still missing. ``progress()`` shows every exercise of the course at once::

    from helpers.exercises.ex01 import q1
    q1.check()      # Not yet: ... / Correct: ...
    q1.hint()       # one nudge, no code
    q1.solution()   # code that solves it

Importing this package has no side effects.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pandas as pd

from helpers.exercises import language, records
from helpers.exercises.language import Texts, say
from helpers.exercises.records import NotYet

__all__ = [
    "NOTEBOOKS", "Exercise", "NotYet", "Texts", "Verdict", "Wrong", "all_exercises", "progress",
]  # fmt: skip

#: The notebooks with exercises, by number: each has a module ``helpers.exercises.exNN``.
NOTEBOOKS = ("00", "01", "02", "03", "04", "05", "06", "07", "08")

#: The width of the lines check(), hint() and solution() print.
WIDTH = 88


@dataclass(frozen=True)
class Verdict:
    """What a check found.

    Attributes:
        correct: True when the store shows the exercise done.
        message: ``"Correct: ..."`` with why it matters, or ``"Not yet: ..."`` with what is
            missing and what was found instead.
    """

    correct: bool
    message: str


@dataclass(frozen=True)
class Wrong:
    """A plausible wrong answer, for the tests: the check must explain what is wrong.

    Attributes:
        code: Python code a learner might run instead of the solution.
        explains: Text that ``check()``'s "Not yet" message must contain afterwards.
    """

    code: str
    explains: str


@dataclass(frozen=True)
class Exercise:
    """One exercise: a task, a check that reads the tracking store, a hint and a solution.

    Attributes:
        notebook: The notebook's number, e.g. ``"01"``.
        number: The exercise's number in its notebook, from 1.
        title: A few words, e.g. ``"A fifth run"``.
        practises: What it makes you do with MLflow, e.g. ``"log a run with run_experiments"``.
        task: The task as the notebook states it (Markdown).
        hint_text: One nudge, no code.
        solution_code: Code that solves the exercise where the notebook's variables exist.
        why: One sentence on why it matters, said when the check passes.
        verify: Reads the store; returns what it found right (one sentence), or raises
            ``NotYet`` with what is missing.
        given: For the tests: code that records what the notebook has recorded by the time
            of its exercises, and defines the variables the solution uses.
        wrong: For the tests: plausible wrong answers and what the check must say to them.
    """

    notebook: str
    number: int
    title: str
    practises: str
    task: str
    hint_text: str
    solution_code: str
    why: str
    verify: Callable[[], str] = field(repr=False)
    given: str = field(default="", repr=False)
    wrong: tuple[Wrong, ...] = field(default=(), repr=False)

    @property
    def name(self) -> str:
        """The exercise's variable name in its notebook, e.g. ``"q1"``."""
        return f"q{self.number}"

    def texts(self, lang: str | None = None) -> Texts:
        """Return what the exercise says (title, task, hint, why) in a language.

        Args:
            lang: ``"en"`` or ``"ja"``; by default the one the exercises speak here
                (``helpers.exercises.language.current()``).

        Returns:
            Its ``Texts``.
        """
        if (lang or language.current()) == "ja":
            from helpers.exercises import ja

            return ja.texts(self.notebook, self.number)
        return Texts(self.title, self.practises, self.task, self.hint_text, self.why)

    def status(self) -> Verdict:
        """Read the tracking store MLflow points at and judge the exercise, printing nothing.

        Returns:
            A ``Verdict``.

        Raises:
            RuntimeError: If no tracking store is set in this Python session.
            helpers.tracking.TrackingStoreUnreachableError: If MLflow points at a tracking
                server that does not answer.
        """
        records.require_tracking()
        return self._judge()

    def check(self) -> None:
        """Print whether the tracking store shows the exercise done, and if not, what is missing.

        Raises:
            RuntimeError: If no tracking store is set in this Python session (run the
                notebook's set-up cell first).

        Examples:
            >>> from helpers.exercises.ex01 import q1
            >>> q1.check()  # doctest: +SKIP
            Not yet: no finished run named ...
        """
        print(_wrapped(self.status().message))

    def hint(self) -> None:
        """Print one nudge towards the answer, without code."""
        print(_wrapped(say("Hint: {hint}", hint=self.texts().hint)))

    def solution(self) -> None:
        """Print code that solves the exercise, and what ``check()`` says after it."""
        why = self.texts().why
        after = _wrapped(
            say('After it, {name}.check() says "Correct": {why}', name=self.name, why=why)
        )
        print(f"{say('Solution:')}\n\n{self.solution_code.strip()}\n\n{after}")

    def _judge(self) -> Verdict:
        """Run the check against the store the current reader points at."""
        try:
            found = self.verify()
        except NotYet as missing:
            return Verdict(False, say("Not yet: {missing}", missing=missing))
        return Verdict(
            True, say("Correct: {found} {why}", found=found, why=self.texts().why).strip()
        )


def _wrapped(text: str) -> str:
    """Fold a message into lines that fit a notebook's output, names kept whole."""
    return language.fill(text, WIDTH)


def all_exercises() -> list[Exercise]:
    """Return every exercise of the course, in course order.

    Returns:
        The ``Exercise`` objects of ``helpers.exercises.ex00`` to ``ex08``.
    """
    return [exercise for number in NOTEBOOKS for exercise in of_notebook(number)]


def of_notebook(number: str) -> Iterator[Exercise]:
    """Yield the exercises of one notebook's module, ``q1`` first."""
    module = importlib.import_module(f"helpers.exercises.ex{number}")
    count = 1
    while hasattr(module, f"q{count}"):
        yield getattr(module, f"q{count}")
        count += 1


def progress(participant: str | None = None, tracking_uri: str | None = None) -> pd.DataFrame:
    """Tabulate every exercise of the course with its status as the tracking store shows it.

    Args:
        participant: On a workshop server, count only the runs this participant logged
            (tag ``participant``, set by ``helpers.workshop.join``). Registered models are
            shared by everyone on a server, so their exercises show the room's state.
        tracking_uri: The store to read; by default the one MLflow points at, else the one
            ``helpers.tracking.setup`` would pick (the kit's local store, or Databricks).

    Returns:
        One row per exercise: ``notebook, exercise, title, practises, done, status``
        (``status`` is the check's message). ``df.attrs["done"]`` counts the ones done.

    Raises:
        ValueError: If ``participant`` is given but empty or not text.

    Examples:
        >>> progress()  # doctest: +SKIP
        >>> progress(participant="alice", tracking_uri="http://192.168.1.20:5000")  # doctest: +SKIP
    """
    if participant is not None and not (isinstance(participant, str) and participant.strip()):
        raise ValueError(f"participant must be a name, got {participant!r}")
    uri = tracking_uri or records.current_or_default_uri()
    rows = []
    with records.reading(uri, participant):
        for exercise in all_exercises():
            verdict = exercise._judge()
            rows.append(
                {
                    "notebook": exercise.notebook,
                    "exercise": exercise.name,
                    "title": exercise.texts().title,
                    "practises": exercise.texts().practises,
                    "done": verdict.correct,
                    "status": verdict.message,
                }
            )
    table = pd.DataFrame(rows)
    table.attrs["done"] = int(table["done"].sum())
    return table

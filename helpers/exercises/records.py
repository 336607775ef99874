"""Reading a tracking store for the exercise checks: experiments, runs, models, aliases.

A check calls these functions and lets their ``NotYet`` say what is missing. They read the
store MLflow points at, or the one ``progress()`` reads, and on a workshop server only the
runs of one participant when ``progress(participant=...)`` asks for that.
"""

from __future__ import annotations

import contextvars
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import mlflow
from mlflow.entities import Experiment, Run
from mlflow.entities.model_registry import ModelVersion
from mlflow.exceptions import MlflowException

from helpers import registry, tracking
from helpers.exercises.language import say
from helpers.participant import PARTICIPANT_ENV

#: The tag MLflow gives a child run, naming its parent.
PARENT = "mlflow.parentRunId"

#: How many names a "Not yet" message lists before it says how many more there are.
LISTED = 8


class NotYet(Exception):
    """The store does not show the exercise done; the message says what is missing."""


@dataclass(frozen=True)
class _Reader:
    """Where checks read: a client for one store, and optionally one participant's runs."""

    client: mlflow.MlflowClient
    databricks: bool
    participant: str | None = None


_reader: contextvars.ContextVar[_Reader | None] = contextvars.ContextVar("reader", default=None)


def require_tracking() -> None:
    """Refuse to check before the notebook has chosen its tracking store.

    Raises:
        RuntimeError: If no tracking URI is set in this Python session.
        helpers.tracking.TrackingStoreUnreachableError: Within seconds, if it is a tracking
            server that does not answer (stopped, or out of reach), instead of MLflow's
            retries for minutes.
    """
    if _reader.get() is not None:
        return
    if not mlflow.tracking.is_tracking_uri_set():
        raise RuntimeError(
            "No tracking store is set in this Python session, so there is nothing to check "
            "yet: run the notebook's set-up cell (helpers.tracking.setup(...)) first."
        )
    uri = mlflow.get_tracking_uri()
    if uri.startswith(("http://", "https://")):
        tracking.check_reachable(uri)


def current_or_default_uri() -> str:
    """Return the tracking URI MLflow points at, or the one ``tracking.setup`` would pick.

    Returns:
        A tracking URI.
    """
    if mlflow.tracking.is_tracking_uri_set():
        return mlflow.get_tracking_uri()
    return tracking.choose_tracking_uri()[0]


@contextmanager
def reading(uri: str, participant: str | None = None) -> Iterator[None]:
    """Make the checks inside the block read one store (and one participant's runs).

    Args:
        uri: The tracking URI to read.
        participant: Count only runs tagged ``participant`` with this name, when given.

    Yields:
        Nothing; checks called inside read ``uri``.
    """
    reader = _Reader(mlflow.MlflowClient(uri), uri.startswith("databricks"), participant)
    token = _reader.set(reader)
    try:
        yield
    finally:
        _reader.reset(token)


def _current() -> _Reader:
    """Return the reader of ``reading()``, or one for the store MLflow points at.

    After ``helpers.workshop.join`` the checks count the runs of the participant who joined,
    not those of everyone on the shared server.
    """
    reader = _reader.get()
    if reader is None:
        uri = mlflow.get_tracking_uri()
        joined = os.environ.get(PARTICIPANT_ENV) or None
        reader = _Reader(mlflow.MlflowClient(uri), uri.startswith("databricks"), joined)
    return reader


def on_databricks() -> bool:
    """Tell whether the store the checks read is a Databricks workspace.

    Returns:
        True for the tracking URI ``databricks``.
    """
    return _current().databricks


def client() -> mlflow.MlflowClient:
    """Return a client for the store the checks read.

    Returns:
        An ``MlflowClient``.
    """
    return _current().client


def expect(condition: object, message: str) -> None:
    """Raise ``NotYet(message)`` unless the condition holds.

    Args:
        condition: What the exercise needs.
        message: What is missing, and what was found instead.

    Raises:
        NotYet: If ``condition`` is false.
    """
    if not condition:
        raise NotYet(message)


def listing(names: Iterable[str]) -> str:
    """List names for a message: sorted, without repeats, the first few and how many more.

    Args:
        names: Run names, metric keys, ...

    Returns:
        E.g. ``"'a', 'b' and 3 more"``, or ``"none"``.
    """
    unique = sorted(set(names))
    if not unique:
        return say("none")
    shown = ", ".join(repr(name) for name in unique[:LISTED])
    more = len(unique) - LISTED
    return say("{shown} and {more} more", shown=shown, more=more) if more > 0 else shown


def experiment(name: str) -> Experiment:
    """Return an experiment of the store by its short name (in the user's folder on Databricks).

    Args:
        name: E.g. ``"01-first-experiment"``.

    Returns:
        The experiment.

    Raises:
        NotYet: If it does not exist yet.
    """
    reader = _current()
    full = tracking.databricks_experiment_path(name) if reader.databricks else name
    found = reader.client.get_experiment_by_name(full)
    expect(
        found is not None and found.lifecycle_stage == "active",
        say(
            "there is no experiment {name!r} in this store yet: run the notebook's cells first.",
            name=name,
        ),
    )
    return found


def runs(experiment_name: str, filter_string: str = "", everyone: bool = False) -> list[Run]:
    """Return the finished runs of an experiment, newest first.

    Args:
        experiment_name: The experiment's short name.
        filter_string: An MLflow search filter, e.g. ``"params.model_type = 'Ridge'"``.
        everyone: Count every participant's runs, not only those of the participant who
            joined (or whom ``progress(participant=...)`` asked for): for exercises about a
            team's runs.

    Returns:
        The runs.

    Raises:
        NotYet: If the experiment does not exist.
    """
    reader = _current()
    found = experiment(experiment_name)
    clauses = ["attributes.status = 'FINISHED'"]
    if filter_string:
        clauses.append(filter_string)
    if reader.participant and not everyone:
        clauses.append(f"tags.participant = {tracking.quote(reader.participant)}")
    return list(
        reader.client.search_runs(
            [found.experiment_id], " and ".join(clauses), order_by=["attributes.start_time DESC"]
        )
    )


def runs_named(experiment_name: str, run_name: str) -> list[Run]:
    """Return the finished runs of an experiment with this name, newest first.

    Args:
        experiment_name: The experiment's short name.
        run_name: The runs' name.

    Returns:
        At least one run.

    Raises:
        NotYet: If there is none; the message lists the top-level runs there are (child
            runs, such as autolog's with their random names, would make it differ from one
            session to the next).
    """
    found = runs(experiment_name, f"attributes.run_name = {tracking.quote(run_name)}")
    if not found:
        top = [r.info.run_name for r in runs(experiment_name) if PARENT not in r.data.tags]
        raise NotYet(
            say(
                "no finished run named {run!r} in experiment {experiment!r}; the runs there are: "
                "{runs}.",
                run=run_name,
                experiment=experiment_name,
                runs=listing(top),
            )
        )
    return found


def run_named(experiment_name: str, run_name: str) -> Run:
    """Return the newest finished run of an experiment with this name.

    Args:
        experiment_name: The experiment's short name.
        run_name: The run's name.

    Returns:
        The run.

    Raises:
        NotYet: If there is none; the message lists the top-level runs there are.
    """
    return runs_named(experiment_name, run_name)[0]


def first_passing(found: Sequence[Run], verify: Callable[[Run], str]) -> str:
    """Return what the first run that passes a check shows, else what the first one lacks.

    For exercises where any of several runs may be the answer (a learner's second try
    passes while the first one stays in the store).

    Args:
        found: The candidate runs, newest first.
        verify: Checks one run: returns what it found right, or raises ``NotYet``.

    Returns:
        What ``verify`` returned for the first run that passes.

    Raises:
        NotYet: What the first run lacks, when none passes (or that there is no run).
    """
    missing: NotYet | None = None
    for run in found:
        try:
            return verify(run)
        except NotYet as lacking:
            missing = missing or lacking
    raise missing or NotYet(say("no finished run to check."))


def children(parent: Run) -> list[Run]:
    """Return the finished child runs of a run (nested runs, sweeps), newest first.

    Args:
        parent: The parent run.

    Returns:
        Its finished children.
    """
    reader = _current()
    return list(
        reader.client.search_runs(
            [parent.info.experiment_id],
            f"tags.{PARENT} = '{parent.info.run_id}' and attributes.status = 'FINISHED'",
        )
    )


def param(run: Run, key: str) -> str:
    """Return a run's param, or say which params the run has.

    Args:
        run: The run.
        key: The param's name.

    Returns:
        Its value (params are text).

    Raises:
        NotYet: If the run has no such param.
    """
    params = run.data.params
    expect(
        key in params,
        say(
            "run {run!r} has no param {key!r}; its params: {params}.",
            run=run.info.run_name,
            key=key,
            params=listing(params),
        ),
    )
    return params[key]


def metric(run: Run, key: str) -> float:
    """Return a run's metric (its last value), or say which metrics the run has.

    Args:
        run: The run.
        key: The metric's name.

    Returns:
        Its value.

    Raises:
        NotYet: If the run has no such metric.
    """
    metrics = run.data.metrics
    expect(
        key in metrics,
        say(
            "run {run!r} has no metric {key!r}; its metrics: {metrics}.",
            run=run.info.run_name,
            key=key,
            metrics=listing(metrics),
        ),
    )
    return metrics[key]


def model_name(short: str) -> str:
    """Return a registered model's name where the store is (Unity Catalog on Databricks).

    Args:
        short: E.g. ``"article_model"``.

    Returns:
        ``short``, or ``workspace.default.<short>`` on Databricks.
    """
    return registry.model_name(short)


def version_by_alias(name: str, alias: str) -> ModelVersion:
    """Return the version an alias points at.

    Args:
        name: The registered model's name.
        alias: E.g. ``"champion"``.

    Returns:
        The model version.

    Raises:
        NotYet: If the model or the alias does not exist; the message lists what does.
    """
    reader = _current()
    try:
        model = reader.client.get_registered_model(name)
    except MlflowException:
        raise NotYet(say("there is no registered model {name!r} yet.", name=name)) from None
    aliases = model.aliases or {}
    expect(
        alias in aliases,
        say(
            "model {name!r} has no alias {alias!r}; its aliases: {aliases}.",
            name=name,
            alias=alias,
            aliases=listing(aliases),
        ),
    )
    return reader.client.get_model_version(name, str(aliases[alias]))

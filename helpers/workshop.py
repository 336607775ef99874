"""Join a shared tracking server as a named participant, and rank everyone's runs."""

from __future__ import annotations

import os
import re

import mlflow
import pandas as pd
from mlflow.exceptions import MlflowException

from helpers import compare, environment, participant, tracking
from helpers.participant import PARTICIPANT_ENV

#: The experiment a workshop shares unless the instructor names another.
WORKSHOP_EXPERIMENT = "workshop"


def join(server_url: str, name: str, experiment: str = WORKSHOP_EXPERIMENT) -> tracking.Tracking:
    """Point MLflow at the shared server, join the shared experiment, tag your runs.

    After this call every run you start (with plain ``mlflow.start_run``) goes to the
    shared experiment and carries your name in the tag ``participant`` (and, on a tracking
    server, ``mlflow.user``). Safe when a whole room joins at the same moment: the
    experiment is created once and everyone's runs land in it (MLflow's own
    ``set_experiment(name)`` can leave the loser of that race without an active experiment).

    Args:
        server_url: The address the instructor gives, e.g. ``http://192.168.1.20:5000``;
            or ``"databricks"``: the workspace itself, where a team shares an experiment
            under ``/Shared/``.
        name: Your name as the leaderboard should show it (letters, digits, space, ``.``,
            ``_``, ``-``, ``@``; at most 64 characters).
        experiment: The shared experiment's name. On Databricks a short name goes into
            your home folder (as in ``helpers.tracking.setup``): pass a path such as
            ``/Shared/team-project`` for one that teammates see.

    Returns:
        A ``helpers.tracking.Tracking`` saying where runs go.

    Raises:
        ValueError: For an empty or odd name, or an address that is neither.
        helpers.tracking.TrackingStoreUnreachableError: Within seconds, when no server
            answers at that address.
        PermissionError: When a password-protected server refuses you: it reads your user
            name and password from ``MLFLOW_TRACKING_USERNAME`` and ``MLFLOW_TRACKING_PASSWORD``
            (set them in the shell that starts JupyterLab, never in a notebook).

    Examples:
        >>> join("http://127.0.0.1:5000", "member_a")  # doctest: +SKIP
        Runs go to experiment 'workshop' on the tracking server http://127.0.0.1:5000.
    """
    if not isinstance(name, str) or not re.fullmatch(r"[\w .@-]{1,64}", name.strip() or "!"):
        raise ValueError(f"name must be 1-64 letters, digits, spaces or . _ - @, got {name!r}")
    if server_url != "databricks" and not server_url.startswith(("http://", "https://")):
        raise ValueError(
            f"server_url must start with http:// or https://, or be 'databricks', "
            f"got {server_url!r}"
        )
    environment.disable_telemetry()  # offline rooms: see docs/workshop.md
    tracking.check_reachable(server_url)  # /health: answered without a password
    mlflow.set_tracking_uri(server_url)
    try:
        shared = tracking.get_or_create_experiment(
            mlflow.MlflowClient(), tracking.full_experiment_name(experiment), None
        )
    except MlflowException as err:
        if err.error_code not in ("UNAUTHENTICATED", "PERMISSION_DENIED"):
            raise
        user = os.environ.get("MLFLOW_TRACKING_USERNAME")
        if err.error_code == "PERMISSION_DENIED":
            problem = f"lets {user!r} in, but not into the experiment {experiment!r}"
        elif user and os.environ.get("MLFLOW_TRACKING_PASSWORD"):
            problem = (
                f"refused the user name {user!r} (MLFLOW_TRACKING_USERNAME) with the password "
                "in MLFLOW_TRACKING_PASSWORD: check both with the instructor"
            )
        else:
            problem = (
                "needs a user name and password: set MLFLOW_TRACKING_USERNAME and "
                "MLFLOW_TRACKING_PASSWORD in the shell before starting JupyterLab (not in the "
                "notebook), with the account the instructor gave you"
            )
        where = environment.mask_credentials(server_url)
        raise PermissionError(f"The tracking server at {where} {problem}.") from None
    mlflow.set_experiment(experiment_id=shared.experiment_id)
    os.environ[PARTICIPANT_ENV] = name.strip()
    participant.register()
    return tracking.Tracking(
        experiment_name=shared.name,
        experiment_id=shared.experiment_id,
        tracking_uri=server_url,
        kind="databricks" if server_url == "databricks" else "server",
        artifact_location=shared.artifact_location,
    )


def leave() -> None:
    """Stop tagging new runs with a participant's name (the tracking URI stays)."""
    os.environ.pop(PARTICIPANT_ENV, None)


def leaderboard(
    runs: pd.DataFrame, metric: str, mode: str | None = None, by: str = "participant"
) -> pd.DataFrame:
    """Rank participants by their best run.

    Args:
        runs: A run table of the shared experiment (``helpers.compare.runs_table()``).
        metric: The metric to rank by, e.g. ``"mse"``.
        mode: ``"min"`` or ``"max"`` (in any case); guessed from the metric's name when None.
        by: The column naming who logged a run: ``"participant"`` (set by ``join``), or
            ``"author"`` (MLflow's ``mlflow.user``: the login, on Databricks).

    Returns:
        One row per participant, best first: ``rank, <by>, run_name, <metric>, runs``
        (how many runs each logged).

    Raises:
        ValueError: If the table has no such column, no such metric, a metric that is not
            numeric, or a mode other than min/max.
        TypeError: If ``mode`` is not text.

    Examples:
        >>> leaderboard(runs_table("workshop"), "mse")  # doctest: +SKIP
    """
    compare.check_column(runs, by, "column")
    compare.check_column(runs, metric, "metric", numeric=True)
    lower = compare.lower_is_better(metric, mode)
    scored = runs.dropna(subset=[metric, by])
    best = scored.sort_values(metric, ascending=lower, kind="stable").groupby(by).head(1)
    board = best[[by, "run_name", metric]].sort_values(metric, ascending=lower)
    board["runs"] = board[by].map(scored[by].value_counts())
    board.insert(0, "rank", range(1, len(board) + 1))
    return board.reset_index(drop=True)

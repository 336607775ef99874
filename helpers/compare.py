"""Read runs back for people: a tidy run table and the best run by a metric."""

from __future__ import annotations

from collections.abc import Sequence

import mlflow
import pandas as pd
from mlflow.entities import ViewType

from helpers import tracking

#: Columns every run table has, in this order, before its params and metrics.
BASE_COLUMNS = ["run_name"]
#: Columns every run table has after its params, metrics and tags.
TAIL_COLUMNS = ["start_time", "duration", "author", "parent_run_id", "status", "run_id"]

# MLflow's own tags that get a column of their own; other ``mlflow.*`` tags are internal.
_NAMED_TAGS = {
    "tags.mlflow.runName": "run_name",
    "tags.mlflow.user": "author",
    "tags.mlflow.parentRunId": "parent_run_id",
    "tags.mlflow.note.content": "note",
}
_MISSING = {"None", "none", "nan", "NaN", ""}

#: Metric names for which a higher value is better; any other metric: lower is better.
HIGHER_IS_BETTER = ("r2", "accuracy", "auc", "roc_auc", "f1", "precision", "recall", "score")


def runs_table(
    experiment: str | Sequence[str] | None = None,
    filter: str | None = None,
    order_by: str | Sequence[str] | None = None,
    *,
    max_results: int = 100_000,
    include_internal: bool = False,
) -> pd.DataFrame:
    """Return the runs of an experiment as a tidy table, one row per run.

    ``mlflow.search_runs`` made readable: the run name first, then params and metrics under
    their own names (``n_estimators``, not ``params.n_estimators``), numeric params cast to
    numbers, user tags, and then start time, duration in seconds, author, parent run,
    status and run ID. MLflow's internal columns are dropped unless asked for. The
    table's ``attrs`` record which columns are params, metrics and tags.

    Args:
        experiment: Experiment name or ID, or a list of them; the active experiment when
            None. On Databricks a short name means the one in your home folder, as in
            ``helpers.tracking.setup()``.
        filter: An MLflow filter string, e.g. ``"params.train_size = '0.8'"`` (params are
            strings: quote their values).
        order_by: E.g. ``"metrics.mse ASC"``, or a list such as
            ``["metrics.mse ASC", "attributes.start_time DESC"]``; newest first when None.
        max_results: Most runs to return.
        include_internal: Keep MLflow's internal columns (``artifact_uri``, ``mlflow.*``
            tags, ...).

    Returns:
        A DataFrame; an experiment with no runs gives an empty table with the base columns.

    Raises:
        ValueError: If an experiment name does not exist (the message lists those that do).

    Examples:
        >>> table = runs_table("01-first-experiment", order_by=["metrics.mse ASC"])
        >>> table[["run_name", "model_type", "mse"]].head(3)  # doctest: +SKIP
    """
    raw = mlflow.search_runs(
        experiment_ids=_experiment_ids(experiment),
        filter_string=filter or "",
        order_by=_as_list(order_by) if order_by else None,
        max_results=max_results,
        run_view_type=ViewType.ACTIVE_ONLY,
    )
    return tidy(raw, include_internal=include_internal)


def tidy(raw: pd.DataFrame, include_internal: bool = False) -> pd.DataFrame:
    """Turn the DataFrame of ``mlflow.search_runs`` into a run table (see ``runs_table()``).

    Args:
        raw: What ``mlflow.search_runs`` returned.
        include_internal: Keep MLflow's internal columns.

    Returns:
        The tidy table.

    Examples:
        >>> tidy(pd.DataFrame(columns=["run_id", "status", "start_time", "end_time"])).columns[0]
        'run_name'
    """
    params = [c for c in raw.columns if c.startswith("params.")]
    metrics = [c for c in raw.columns if c.startswith("metrics.")]
    user_tags = [
        c
        for c in raw.columns
        if c.startswith("tags.")
        and not c.startswith("tags.mlflow.")
        and c != f"tags.{tracking.PROCESS_TAG}"  # bookkeeping, not a result
    ]
    short = {c: c.split(".", 1)[1] for c in params + metrics + user_tags}
    taken = list(_NAMED_TAGS.values()) + TAIL_COLUMNS
    counts = pd.Series(list(short.values()) + taken).value_counts()
    names = {c: (s if counts[s] == 1 else c) for c, s in short.items()}  # clashes keep prefixes

    rank = {"model_type": 0, "features": 1, "train_size": 2}  # the article's params first
    params = sorted(params, key=lambda c: (rank.get(short[c], len(rank)), short[c]))
    metrics = sorted(metrics)
    table = pd.DataFrame(index=raw.index)
    table["run_name"] = raw.get("tags.mlflow.runName", pd.Series(index=raw.index, dtype=object))
    for column in params:
        table[names[column]] = _maybe_numeric(raw[column])
    for column in metrics + user_tags:
        table[names[column]] = raw[column]
    if "tags.mlflow.note.content" in raw.columns:
        table["note"] = raw["tags.mlflow.note.content"]
    table["start_time"] = (
        pd.to_datetime(raw["start_time"]) if len(raw) else pd.Series(dtype="datetime64[ns, UTC]")
    )
    ended = pd.to_datetime(raw["end_time"]) if len(raw) else table["start_time"]
    table["duration"] = (ended - table["start_time"]).dt.total_seconds()
    for tag, column in (
        ("tags.mlflow.user", "author"),
        ("tags.mlflow.parentRunId", "parent_run_id"),
    ):
        table[column] = raw[tag] if tag in raw.columns else None
    table["status"] = raw["status"]
    table["run_id"] = raw["run_id"]
    if include_internal:
        used = (
            set(params + metrics + user_tags)
            | set(_NAMED_TAGS)
            | {"start_time", "end_time", "status", "run_id"}
        )
        for column in raw.columns:
            if column not in used:
                table[column] = raw[column]
    table = table.reset_index(drop=True)
    table.attrs = {
        "params": [names[c] for c in params],
        "metrics": [names[c] for c in metrics],
        "tags": [names[c] for c in user_tags],
    }
    return table


def best_run(runs: pd.DataFrame, metric: str, mode: str | None = None) -> pd.Series:
    """Return the row of the best run by a metric.

    Args:
        runs: A run table (``runs_table()``) or any DataFrame with the metric column.
        metric: Column to rank by, e.g. ``"mse"``.
        mode: ``"min"`` or ``"max"`` (in any case); when None, ``"max"`` for scores such as
            ``r2`` and ``accuracy`` and ``"min"`` for everything else (errors, losses).

    Returns:
        The best run's row; runs without a value for the metric are ignored.

    Raises:
        ValueError: If the metric is not in the table, the mode is not min/max, or no run
            has a value.
        TypeError: If the mode is not text.

    Examples:
        >>> table = pd.DataFrame({"run_name": ["a", "b"], "mse": [2.0, 1.0]})
        >>> best_run(table, "mse")["run_name"]
        'b'
    """
    check_column(runs, metric, "metric")
    lower = lower_is_better(metric, mode)
    values = pd.to_numeric(runs[metric], errors="coerce").dropna()
    if values.empty:
        raise ValueError(f"no run has a value for {metric!r} ({len(runs)} runs in the table)")
    return runs.loc[values.idxmin() if lower else values.idxmax()]


def higher_is_better(metric: str) -> bool:
    """Guess a metric's direction from its name.

    Args:
        metric: A metric name such as ``"mse"``, ``"val_r2"`` or ``"accuracy"``.

    Returns:
        True for scores (r2, accuracy, auc, f1, ...), False for errors and losses.

    Examples:
        >>> higher_is_better("r2"), higher_is_better("rmse")
        (True, False)
    """
    name = metric.lower()
    return any(
        name == s or name.endswith(("_" + s, "." + s)) or name.startswith(s + "_")
        for s in HIGHER_IS_BETTER
    )


def lower_is_better(metric: str, mode: str | None = None) -> bool:
    """Check a ``mode`` argument and say which end of a metric is best.

    Args:
        metric: The metric, e.g. ``"mse"``; its name decides when ``mode`` is None.
        mode: ``"min"`` (lower is better) or ``"max"`` (higher is better), in any case; None
            to guess from the name (see ``higher_is_better()``).

    Returns:
        True when lower values are better.

    Raises:
        ValueError: For any other text, naming the choices.
        TypeError: If ``mode`` is not text (e.g. ``mode=min`` without quotes).

    Examples:
        >>> lower_is_better("r2"), lower_is_better("r2", "MIN")
        (False, True)
    """
    if mode is None:
        return not higher_is_better(metric)
    if not isinstance(mode, str):
        raise TypeError(f"mode must be 'min' or 'max' (in quotes), got {mode!r}")
    if mode.lower() not in ("min", "max"):
        raise ValueError(
            f"mode must be 'min' or 'max', got {mode!r}; 'min' when lower {metric} is better "
            "(errors, losses), 'max' when higher is better (scores), None to guess from the name"
        )
    return mode.lower() == "min"


def check_column(
    runs: pd.DataFrame, column: str, role: str = "column", *, numeric: bool = False
) -> None:
    """Raise a clear error if ``column`` is not in the run table (or holds no numbers).

    Args:
        runs: A run table.
        column: The column asked for.
        role: ``"metric"``, ``"param"`` or ``"column"``: which list to offer instead.
        numeric: Also require numbers in the column (a column without any value passes:
            there is nothing to judge).

    Raises:
        ValueError: Naming the column and listing those of that role that exist (the
            numeric ones, when the column holds something else).
        TypeError: If ``column`` is not a column name, e.g. a list.

    Examples:
        >>> check_column(pd.DataFrame({"mse": [1.0]}), "mse", "metric", numeric=True)
    """
    if not isinstance(column, str):
        raise TypeError(
            f"{role} must be a column name (text), got {column!r} ({type(column).__name__})"
        )
    kinds = {"metric": "metrics", "param": "params"}
    label = kinds.get(role, "columns")
    known = runs.attrs.get(kinds.get(role, ""), None) or [
        c for c in runs.columns if c not in TAIL_COLUMNS and c != "run_name"
    ]
    if column not in runs.columns:
        raise ValueError(
            f"Unknown {role} {column!r}; the table's {label} are: {', '.join(map(str, known))}"
        )
    if numeric and not _is_numeric(runs[column]) and runs[column].notna().any():
        numbers = [str(c) for c in known if c in runs.columns and _is_numeric(runs[c])]
        raise ValueError(
            f"{role} {column!r} is not numeric (it holds {_examples(runs[column])}, not "
            f"numbers); numeric {label}: {', '.join(numbers) or 'none'}"
        )


def _as_list(value: str | Sequence[str]) -> list[str]:
    """One string, or a list of them, as a list."""
    return [value] if isinstance(value, str) else list(value)


def _is_numeric(values: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(values)


def _examples(values: pd.Series) -> str:
    """Describe a few values of a column that are not numbers, e.g. ``text such as 'abc'``."""
    present = values.dropna()
    odd = present[pd.to_numeric(present, errors="coerce").isna()]
    sample = (odd if len(odd) else present).head(50)
    kind = "text" if all(isinstance(v, str) for v in sample) else "values"
    return f"{kind} such as {', '.join(list(dict.fromkeys(map(repr, sample)))[:3])}"


def _experiment_ids(experiment: str | Sequence[str] | None) -> list[str]:
    """Experiment names or IDs (or the active experiment) to a list of IDs."""
    if experiment is None:
        return [tracking.active_experiment_id()]
    wanted = _as_list(experiment)
    ids = []
    for item in wanted:
        found = mlflow.get_experiment_by_name(tracking.full_experiment_name(str(item)))
        if found is None and str(item).isdigit():
            found = mlflow.get_experiment(str(item))
        if found is None:
            names = [e.name for e in mlflow.search_experiments()]
            raise ValueError(f"Unknown experiment {item!r}; experiments here: {', '.join(names)}")
        ids.append(found.experiment_id)
    return ids


def _maybe_numeric(values: pd.Series) -> pd.Series:
    """Cast a param column to numbers when every value that is set is a number."""
    present = values.dropna()
    present = present[~present.isin(_MISSING)]
    if present.empty:
        return values
    numbers = pd.to_numeric(present, errors="coerce")
    if numbers.isna().any():
        return values
    cast = pd.to_numeric(values.where(~values.isin(_MISSING)), errors="coerce")
    if present.str.fullmatch(r"-?\d+").all():
        return cast.astype("Int64")  # integers stay integers (50, not 50.0), with gaps as <NA>
    return cast

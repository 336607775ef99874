"""Comparison charts drawn from a run table: the charts of the MLflow experiment UI, in code.

Every chart takes a run table (``helpers.compare.runs_table()``), draws on ``ax`` (a new
figure only when none is given), labels its axes and title, colours runs by model type
the same way in every chart, leaves out runs with missing values (and says so), and
returns a ``Chart`` holding ``ax_`` and ``figure_``. None calls ``plt.show()``.

Examples:
    >>> chart = plots.bar(runs_table("01-first-experiment"), "mse")  # doctest: +SKIP
    >>> mlflow.log_figure(chart.figure_, "charts/mse.png")  # doctest: +SKIP
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from mlflow.tracking import MlflowClient

from helpers.compare import check_column, lower_is_better

#: Colours of the course's model types; other types get a stable colour from their name.
MODEL_COLORS = {
    "LinearRegression": "#1f77b4",
    "RandomForestRegressor": "#2ca02c",
    "HistGradientBoostingRegressor": "#ff7f0e",
    "GradientBoostingRegressor": "#d62728",
    "StandardScaler+MLPRegressor": "#9467bd",
    "MLPRegressor": "#9467bd",
}
_OTHER_COLORS = ["#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f", "#393b79", "#ad494a"]
BEST_COLOR = "black"

#: Most bars a bar chart draws; more runs show the best ones with a note.
MAX_BARS = 25
#: Most groups a box plot draws.
MAX_BOXES = 30
#: Most runs a metric-history chart draws.
MAX_HISTORIES = 10


@dataclass
class Chart:
    """What a chart function drew.

    Attributes:
        ax_: The matplotlib Axes drawn on.
        figure_: Its Figure (pass it to ``mlflow.log_figure``).
        note_: What the reader should know that the data does not show: runs left out,
            or how a contour was drawn. Also shown under the chart's title.
    """

    ax_: Axes
    figure_: Figure
    note_: str = ""

    def __repr__(self) -> str:
        """Name the chart by its title."""
        return f"<Chart: {self.ax_.get_title()}>"


def model_color(model_type: str) -> str:
    """Return the colour of a model type, the same in every chart.

    Args:
        model_type: E.g. ``"RandomForestRegressor"``.

    Returns:
        A hex colour; fixed for the course's models, derived from the name otherwise.

    Examples:
        >>> model_color("LinearRegression")
        '#1f77b4'
    """
    if model_type in MODEL_COLORS:
        return MODEL_COLORS[model_type]
    return _OTHER_COLORS[zlib.crc32(str(model_type).encode()) % len(_OTHER_COLORS)]


def bar(
    runs: pd.DataFrame,
    metric: str,
    *,
    label: str = "run_name",
    mode: str | None = None,
    max_bars: int = MAX_BARS,
    ax: Axes | None = None,
) -> Chart:
    """Draw a metric per run as horizontal bars, best first, the best one outlined.

    Args:
        runs: A run table.
        metric: The metric, e.g. ``"mse"``.
        label: Column naming each bar.
        mode: ``"min"`` or ``"max"`` (in any case): which end is best (guessed from the
            name if None).
        max_bars: Most bars (at least 1); with more runs only the best are drawn, with a note.
        ax: Axes to draw on; a new figure when None.

    Returns:
        The ``Chart``; ``ax_.patches`` are the bars, best first.

    Raises:
        ValueError: For an empty table, an unknown column, a metric without numbers, a mode
            other than min/max, or ``max_bars`` below 1.
        TypeError: If ``max_bars`` is not a whole number.

    Examples:
        >>> chart = bar(runs, "mse")  # doctest: +SKIP
    """
    _check(runs, metric, columns={label: "column"}, limits={"max_bars": max_bars})
    lower = lower_is_better(metric, mode)
    data, notes = _complete(runs, [metric])
    data = data.sort_values(metric, ascending=lower, kind="stable")
    if len(data) > max_bars:
        notes.append(f"the best {max_bars} of {len(data)} runs shown")
        data = data.head(max_bars)
    beside = ax is None  # room for a legend beside the chart only in a figure of our own
    ax = _axes(ax, (9, max(2.5, 1.2 + 0.35 * len(data))))
    positions = np.arange(len(data))
    colors = _colors(data)
    bars = ax.barh(positions, data[metric], color=colors)
    if len(bars):
        bars[0].set_edgecolor(BEST_COLOR)
        bars[0].set_linewidth(2.5)
        bars[0].set_label("_best")
    for position, value in zip(positions, data[metric], strict=True):
        ax.text(value, position, f" {value:.4g}", va="center", fontsize=8)
    ax.set_yticks(positions, [_short(v) for v in data[label]], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel(f"{metric} ({'lower' if lower else 'higher'} is better)")
    ax.set_ylabel("")
    ax.margins(x=0.15)
    _model_legend(ax, data, beside)
    return _finish(ax, f"{metric} per run, best outlined", notes)


def box(
    runs: pd.DataFrame, metric: str, by: str, *, ax: Axes | None = None, max_boxes: int = MAX_BOXES
) -> Chart:
    """Draw the spread of a metric for each value of a param (the article's box plot).

    Each box shows the runs sharing one value of ``by``; the runs themselves are drawn as
    dots on top, coloured by model type.

    Args:
        runs: A run table.
        metric: The metric, e.g. ``"mse"``.
        by: The param (or any column) to group by, e.g. ``"train_size"``.
        ax: Axes to draw on; a new figure when None.
        max_boxes: Most groups (at least 1); more raise an error (use ``scatter()`` for those).

    Returns:
        The ``Chart``; one box per group, in the order of the group values.

    Raises:
        ValueError: For an empty table, an unknown column, a metric without numbers, or too
            many groups.
        TypeError: If ``max_boxes`` is not a whole number.

    Examples:
        >>> chart = box(runs, "mse", by="train_size")  # doctest: +SKIP
    """
    _check(runs, metric, columns={by: "param"}, limits={"max_boxes": max_boxes})
    data, notes = _complete(runs, [metric, by])
    groups = sorted(data[by].unique(), key=_sort_key)
    if len(groups) > max_boxes:
        raise ValueError(
            f"{by!r} has {len(groups)} different values, too many for a box plot "
            f"(at most {max_boxes}); use plots.scatter(runs, {by!r}, {metric!r}) instead"
        )
    beside = ax is None
    ax = _axes(ax, (max(6, 2.5 + 0.9 * len(groups)), 4.5))
    values = [data.loc[data[by] == g, metric].to_numpy() for g in groups]
    parts = ax.boxplot(
        values,
        positions=np.arange(1, len(groups) + 1),
        patch_artist=True,
        widths=0.6,
        showfliers=False,
    )
    for patch in parts["boxes"]:
        patch.set_facecolor("#dddddd")
    jitter = np.random.default_rng(0)
    for position, group in enumerate(groups, start=1):
        rows = data[data[by] == group]
        xs = position + jitter.uniform(-0.15, 0.15, len(rows))
        ax.scatter(
            xs,
            rows[metric],
            c=_colors(rows),
            s=_dot_size(len(data)),
            zorder=3,
            edgecolors="white",
            linewidths=0.5,
        )
    counts = [len(v) for v in values]
    ax.set_xticks(
        np.arange(1, len(groups) + 1),
        [f"{_fmt(g)}\nn={n}" for g, n in zip(groups, counts, strict=True)],
    )
    ax.set_xlabel(by)
    ax.set_ylabel(f"{metric} ({'lower' if lower_is_better(metric) else 'higher'} is better)")
    if by != "model_type":  # the axis already names the model types
        _model_legend(ax, data, beside)
    return _finish(ax, f"{metric} by {by}", notes)


def contour(runs: pd.DataFrame, x: str, y: str, metric: str, *, ax: Axes | None = None) -> Chart:
    """Draw a metric over two numeric params (the article's contour plot).

    Runs sharing a pair of values are averaged. When every combination of the x and y
    values has a run (a full grid), the metric is interpolated into filled contours;
    otherwise the grid is too sparse to interpolate honestly, and each pair is drawn as a
    dot coloured and labelled with its value. The note says which.

    Args:
        runs: A run table.
        x: A numeric param for the horizontal axis, e.g. ``"n_estimators"``.
        y: A numeric param for the vertical axis, e.g. ``"max_depth"``.
        metric: The metric, e.g. ``"mse"``.
        ax: Axes to draw on; a new figure when None.

    Returns:
        The ``Chart``; ``note_`` starts with ``"contours"`` or ``"too sparse"``.

    Raises:
        ValueError: For an empty table, an unknown or non-numeric column, or the same param
            for x and y.

    Examples:
        >>> chart = contour(runs, "n_estimators", "max_depth", "mse")  # doctest: +SKIP
    """
    _check(runs, metric, numeric=[x, y])
    if x == y:
        raise ValueError(f"x and y must be two different params, got {x!r} for both")
    data, notes = _complete(runs, [x, y, metric])
    grid = data.groupby([x, y])[metric].mean()
    xs, ys = np.sort(data[x].unique()), np.sort(data[y].unique())
    lower = lower_is_better(metric)
    cmap = _cmap(lower)
    ax = _axes(ax, (7, 5))
    full = len(xs) >= 2 and len(ys) >= 2 and len(grid) == len(xs) * len(ys)
    if full:
        z = grid.unstack(level=0).reindex(index=ys, columns=xs).to_numpy(dtype=float)
        filled = ax.contourf(xs.astype(float), ys.astype(float), z, levels=12, cmap=cmap)
        ax.scatter(
            *np.meshgrid(xs, ys),
            s=10,
            c="white",
            edgecolors="black",
            linewidths=0.4,
            clip_on=False,
            zorder=3,
        )  # the runs behind the contours, edges included
        mappable = filled
        notes.insert(0, f"contours interpolated over a full {len(xs)} x {len(ys)} grid of runs")
    else:
        points = grid.reset_index()
        mappable = ax.scatter(
            points[x],
            points[y],
            c=points[metric],
            cmap=cmap,
            s=120,
            edgecolors="black",
            linewidths=0.5,
        )
        if len(points) <= 60:
            for _, row in points.iterrows():
                ax.annotate(
                    f"{row[metric]:.3g}",
                    (row[x], row[y]),
                    xytext=(0, 9),
                    textcoords="offset points",
                    ha="center",
                    fontsize=7,
                )
        notes.insert(
            0,
            f"too sparse for contours ({len(grid)} of {len(xs) * len(ys)} "
            "combinations have runs): each dot is one combination",
        )
    best = grid.idxmin() if lower else grid.idxmax()
    ax.scatter(
        [best[0]],
        [best[1]],
        marker="*",
        s=320,
        c="red",
        edgecolors="white",
        zorder=4,
        clip_on=False,
        label=f"best {metric} {grid[best]:.4g}",
    )
    ax.figure.colorbar(
        mappable, ax=ax, label=f"{metric} ({'lower' if lower else 'higher'} is better)"
    )
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    ax.legend(loc="best", fontsize=8)
    return _finish(ax, f"{metric} over {x} and {y}", notes)


def parallel_coordinates(
    runs: pd.DataFrame, params: Sequence[str], metric: str, *, ax: Axes | None = None
) -> Chart:
    """Draw each run as a line through its params to its metric, coloured by the metric.

    Every column gets a vertical axis scaled from its smallest to its largest value (text
    params: one tick per value). Lines that end in the best colour show which params led
    there.

    Args:
        runs: A run table.
        params: Params to draw, left to right, e.g. ``["train_size", "n_estimators"]``.
        metric: The metric on the last axis, e.g. ``"mse"``.
        ax: Axes to draw on; a new figure when None.

    Returns:
        The ``Chart``; ``ax_.collections[0]`` holds one line per run.

    Raises:
        ValueError: For an empty table, no params, an unknown column, or a metric without
            numbers.

    Examples:
        >>> chart = parallel_coordinates(runs, ["train_size", "n_estimators"], "mse")
    """
    if isinstance(params, str) or not params:
        raise ValueError(f"params must be a non-empty list of column names, got {params!r}")
    _check(runs, metric, columns=dict.fromkeys(params, "param"))
    columns = [*params, metric]
    data, notes = _complete(runs, columns)
    lower = lower_is_better(metric)
    data = data.sort_values(metric, ascending=not lower, kind="stable")  # best drawn on top
    ax = _axes(ax, (1.8 * len(columns) + 2, 4.5))
    scaled, ticks = {}, {}
    for name in columns:
        scaled[name], ticks[name] = _scale(data[name])
    lines = (
        np.stack(
            [
                np.column_stack([np.arange(len(columns)), [scaled[c][i] for c in columns]])
                for i in range(len(data))
            ]
        )
        if len(data)
        else np.empty((0, len(columns), 2))
    )
    cmap = plt.get_cmap(_cmap(lower))
    norm = Normalize(data[metric].min(), data[metric].max()) if len(data) else Normalize(0, 1)
    alpha = 0.9 if len(data) <= 50 else max(0.15, 40 / len(data))
    collection = LineCollection(lines, cmap=cmap, norm=norm, alpha=alpha, linewidths=1.5)
    collection.set_array(data[metric].to_numpy(dtype=float))
    ax.add_collection(collection)
    for position, name in enumerate(columns):
        ax.axvline(position, color="#444444", linewidth=1)
        for level, text in ticks[name]:
            ax.text(
                position + 0.03,
                level,
                text,
                fontsize=7,
                va="center",
                bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.7, "pad": 1},
            )
    ax.set_xlim(-0.2, len(columns) - 0.5)
    ax.set_ylim(-0.05, 1.05)
    ax.set_xticks(np.arange(len(columns)), columns)
    ax.set_yticks([])
    ax.set_ylabel("each axis: its smallest to largest value")
    ax.figure.colorbar(
        collection, ax=ax, label=f"{metric} ({'lower' if lower else 'higher'} is better)"
    )
    return _finish(ax, f"{', '.join(params)} → {metric}", notes)


def scatter(
    runs: pd.DataFrame,
    x: str,
    metric: str,
    *,
    color_by: str | None = "model_type",
    ax: Axes | None = None,
) -> Chart:
    """Draw a param against a metric, one dot per run, coloured by a third column.

    Args:
        runs: A run table.
        x: A param (numbers spread out; text values get one column each).
        metric: The metric on the vertical axis.
        color_by: Column for the colour: model types (or any text) get a legend, numbers a
            colour bar; None for one colour.
        ax: Axes to draw on; a new figure when None.

    Returns:
        The ``Chart``; ``ax_.collections`` hold the dots.

    Raises:
        ValueError: For an empty table, an unknown column, or a metric without numbers.

    Examples:
        >>> chart = scatter(runs, "train_size", "mse", color_by="model_type")  # doctest: +SKIP
    """
    _check(runs, metric, columns={x: "param"} | ({color_by: "column"} if color_by else {}))
    data, notes = _complete(runs, [x, metric] + ([color_by] if color_by else []))
    ax = _axes(ax, (7, 4.5))
    numeric_x = pd.api.types.is_numeric_dtype(data[x])
    if numeric_x:
        xs = data[x].to_numpy(dtype=float)
    else:
        categories = sorted(data[x].unique(), key=_sort_key)
        xs = data[x].map({c: i for i, c in enumerate(categories)}).to_numpy(dtype=float)
        xs = xs + np.random.default_rng(0).uniform(-0.12, 0.12, len(xs))
        ax.set_xticks(range(len(categories)), [_short(str(c), 24) for c in categories])
    size = _dot_size(len(data))
    if color_by is None:
        ax.scatter(xs, data[metric], s=size, color="#1f77b4")
    elif pd.api.types.is_numeric_dtype(data[color_by]):
        dots = ax.scatter(xs, data[metric], c=data[color_by], cmap="viridis", s=size)
        ax.figure.colorbar(dots, ax=ax, label=color_by)
    else:
        groups = sorted(data[color_by].unique(), key=_sort_key)
        for group in groups:
            rows = data[color_by] == group
            color = model_color(group) if color_by == "model_type" else None
            ax.scatter(
                xs[rows.to_numpy()],
                data.loc[rows, metric],
                s=size,
                label=_short(str(group), 30),
                color=color,
                edgecolors="white",
                linewidths=0.5,
            )
        if len(groups) <= 12:
            ax.legend(title=color_by, fontsize=8, title_fontsize=8)
        else:
            notes.append(f"{len(groups)} values of {color_by}: legend left out")
    ax.set_xlabel(x)
    ax.set_ylabel(f"{metric} ({'lower' if lower_is_better(metric) else 'higher'} is better)")
    return _finish(ax, f"{metric} against {x}", notes)


def metric_history(
    runs: pd.DataFrame,
    metric: str,
    *,
    label: str = "run_name",
    max_runs: int = MAX_HISTORIES,
    ax: Axes | None = None,
    client: MlflowClient | None = None,
) -> Chart:
    """Draw a metric logged step by step (``log_metric(..., step=i)``) for several runs.

    Reads each run's history with ``MlflowClient.get_metric_history``.

    Args:
        runs: A run table with a ``run_id`` column; its first ``max_runs`` rows are drawn
            (sort it first).
        metric: The metric, e.g. ``"mse"``.
        label: Column naming each line.
        max_runs: Most runs drawn (at least 1), with a note when there are more.
        ax: Axes to draw on; a new figure when None.
        client: The MLflow client to read with; a new one for the current tracking URI
            when None.

    Returns:
        The ``Chart``; one line per run that logged the metric.

    Raises:
        ValueError: For an empty table, an unknown column, a table without ``run_id``, a
            metric without numbers, ``max_runs`` below 1, or if no run has a history for it.
        TypeError: If ``max_runs`` is not a whole number.

    Examples:
        >>> chart = metric_history(runs.head(5), "mse_by_trees")  # doctest: +SKIP
    """
    _check(runs, metric, columns={label: "column"}, limits={"max_runs": max_runs})
    if "run_id" not in runs.columns:
        raise ValueError(
            "metric_history reads each run's history by its 'run_id', and this table has no "
            "'run_id' column; pass a table from compare.runs_table()"
        )
    client = client or MlflowClient()
    notes = []
    if len(runs) > max_runs:
        notes.append(f"the first {max_runs} of {len(runs)} runs shown")
    histories = []
    for _, row in runs.head(max_runs).iterrows():
        history = client.get_metric_history(row["run_id"], metric)
        if history:
            ordered = sorted(history, key=lambda m: (m.step, m.timestamp))
            histories.append((_short(str(row[label]), 40), ordered))
    if not histories:
        raise ValueError(f"none of these runs logged a history of {metric!r}")
    ax = _axes(ax, (7, 4.5))
    for name, history in histories:
        steps, values = [m.step for m in history], [m.value for m in history]
        ax.plot(steps, values, marker="." if len(history) < 30 else None, label=name)
    ax.set_xlabel("step")
    ax.set_ylabel(f"{metric} ({'lower' if lower_is_better(metric) else 'higher'} is better)")
    ax.legend(fontsize=8)
    return _finish(ax, f"{metric} step by step", notes)


# -- shared pieces ------------------------------------------------------------------------


def _axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    """Return the given Axes, or a new figure's."""
    if ax is not None:
        return ax
    _, ax = plt.subplots(figsize=size, layout="constrained")
    return ax


def _finish(ax: Axes, title: str, notes: list[str]) -> Chart:
    """Title the chart, add the note in small print, and wrap it up."""
    note = "; ".join(notes)
    ax.set_title(title + (f"\n{note}" if note else ""), fontsize=11 if not note else 10)
    return Chart(ax_=ax, figure_=ax.figure, note_=note)


def _check(
    runs: pd.DataFrame,
    metric: str,
    *,
    numeric: Sequence[str] = (),
    columns: Mapping[str, str] | None = None,
    limits: Mapping[str, int] | None = None,
) -> None:
    """Check what every chart needs before it draws, in the learner's terms.

    Args:
        runs: The run table given.
        metric: The metric drawn: a column of numbers.
        numeric: Params that must hold numbers too (a contour's axes).
        columns: Other columns read, each with its role (``"param"`` or ``"column"``).
        limits: Arguments that count something, e.g. ``{"max_bars": 25}``.

    Raises:
        ValueError: For a table without runs, an unknown column, a column holding
            something else than numbers, or a count below 1.
        TypeError: For a column name that is not text, or a count that is not a whole
            number.
    """
    if len(runs) == 0:
        raise ValueError(
            "no runs to plot: the run table is empty; check the experiment name and the "
            "filter given to runs_table()"
        )
    check_column(runs, metric, "metric", numeric=True)
    for name in numeric:
        check_column(runs, name, "param", numeric=True)
    for name, role in (columns or {}).items():
        check_column(runs, name, role)
    for name, value in (limits or {}).items():
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise TypeError(f"{name} must be a whole number of at least 1, got {value!r}")
        if value < 1:
            raise ValueError(f"{name} must be a whole number of at least 1, got {value!r}")


def _complete(runs: pd.DataFrame, columns: list[str]) -> tuple[pd.DataFrame, list[str]]:
    """Rows with a value in every column, and a note on how many were left out.

    Raises:
        ValueError: If no row is left: naming the columns without any value, if any.
    """
    data = runs.dropna(subset=columns)
    if data.empty:
        empty = [repr(c) for c in columns if runs[c].isna().all()]
        what = (
            f"{' and '.join(empty)} {'has' if len(empty) == 1 else 'have'} no values in these"
            if empty
            else f"no run has a value for every one of {' / '.join(columns)} among the"
        )
        raise ValueError(f"{what} {len(runs)} runs; nothing to plot")
    notes = []
    if len(data) < len(runs):
        missing = len(runs) - len(data)
        notes.append(
            f"{missing} run{'s' if missing > 1 else ''} without {' / '.join(columns)} left out"
        )
    return data, notes


def _colors(rows: pd.DataFrame) -> list[str]:
    if "model_type" in rows.columns:
        return [model_color(t) for t in rows["model_type"].fillna("?")]
    return [MODEL_COLORS["LinearRegression"]] * len(rows)


def _model_legend(ax: Axes, rows: pd.DataFrame, beside: bool) -> None:
    """Add a legend of the model types drawn: beside the chart, or inside where it fits best."""
    if "model_type" not in rows.columns:
        return
    types = sorted(rows["model_type"].dropna().unique())
    if not 1 <= len(types) <= 12:
        return
    handles = [
        Line2D([], [], marker="s", linestyle="", color=model_color(t), label=t) for t in types
    ]
    place = {"loc": "upper left", "bbox_to_anchor": (1.01, 1), "borderaxespad": 0}
    ax.legend(
        handles=handles,
        title="model_type",
        fontsize=8,
        title_fontsize=8,
        **(place if beside else {"loc": "best"}),
    )


def _cmap(lower: bool) -> str:
    """Colour map in which the best values are the darkest, so they stand out on white."""
    return "viridis" if lower else "viridis_r"


def _scale(values: pd.Series) -> tuple[np.ndarray, list[tuple[float, str]]]:
    """Map a column onto 0..1 and return tick positions with their labels."""
    if pd.api.types.is_numeric_dtype(values):
        numbers = values.to_numpy(dtype=float)
        low, high = (numbers.min(), numbers.max()) if len(numbers) else (0.0, 1.0)
        if high == low:
            return np.full(len(numbers), 0.5), [(0.5, _fmt(low))]
        return (numbers - low) / (high - low), [(0.0, _fmt(low)), (1.0, _fmt(high))]
    categories = sorted(values.unique(), key=_sort_key)
    if len(categories) == 1:
        return np.full(len(values), 0.5), [(0.5, _short(str(categories[0]), 24))]
    levels = {c: i / (len(categories) - 1) for i, c in enumerate(categories)}
    return values.map(levels).to_numpy(dtype=float), [
        (levels[c], _short(str(c), 24)) for c in categories
    ]


def _sort_key(value: object) -> tuple[int, float | str]:
    """Numbers in numeric order, before text in alphabetical order."""
    try:
        return (0, float(value))
    except (TypeError, ValueError):
        return (1, str(value))


def _fmt(value: object) -> str:
    return f"{value:.4g}" if isinstance(value, (float, np.floating)) else str(value)


def _short(text: str, width: int = 40) -> str:
    text = str(text)
    return text if len(text) <= width else text[: width - 1] + "…"


def _dot_size(n: int) -> float:
    return 40 if n <= 50 else max(6, 2000 / n)

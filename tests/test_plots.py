import matplotlib.pyplot as plt
import mlflow
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.colors import to_hex

from helpers import compare, plots


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def runs() -> pd.DataFrame:
    """A run table like runs_table's: 2 models x 3 sizes x 2 depths, one run without mse."""
    rows = []
    for model in ("LinearRegression", "RandomForestRegressor"):
        for size in (0.5, 0.7, 0.9):
            for depth in (2, 4):
                mse = (1 if model == "LinearRegression" else 2) + size + depth / 10
                rows.append({"run_name": f"{model[:2]}_{size}_{depth}", "model_type": model,
                             "train_size": size, "max_depth": depth, "features": "f1",
                             "mse": mse, "r2": 1 - mse / 10})  # fmt: skip
    rows.append({"run_name": "failed", "model_type": "LinearRegression", "train_size": 0.5,
                 "max_depth": 2, "features": "f1", "mse": np.nan, "r2": np.nan})  # fmt: skip
    table = pd.DataFrame(rows)
    table.attrs = {"params": ["model_type", "train_size", "max_depth", "features"],
                   "metrics": ["mse", "r2"], "tags": []}  # fmt: skip
    return table


def test_bar_sorts_best_first_and_outlines_it(runs):
    chart = plots.bar(runs, "mse")
    bars = chart.ax_.patches
    assert len(bars) == 12, "one bar per run with an mse"
    widths = [b.get_width() for b in bars]
    assert widths == sorted(widths) and widths[0] == runs["mse"].min()
    assert bars[0].get_linewidth() == 2.5 and to_hex(bars[0].get_edgecolor()) == "#000000"
    assert all(b.get_linewidth() < 2.5 for b in bars[1:])
    labels = [t.get_text() for t in chart.ax_.get_yticklabels()]
    assert labels[0] == "Li_0.5_2" and len(labels) == 12
    assert chart.ax_.get_xlabel() == "mse (lower is better)"
    assert chart.note_ == "1 run without mse left out"
    assert "1 run without mse left out" in chart.ax_.get_title()
    assert to_hex(bars[0].get_facecolor()) == plots.model_color("LinearRegression")
    legend = [t.get_text() for t in chart.ax_.get_legend().get_texts()]
    assert legend == ["LinearRegression", "RandomForestRegressor"]


def test_bar_higher_is_better_and_many_runs(runs):
    chart = plots.bar(runs, "r2", max_bars=5)
    widths = [b.get_width() for b in chart.ax_.patches]
    assert len(widths) == 5 and widths == sorted(widths, reverse=True)
    assert chart.note_.endswith("the best 5 of 12 runs shown")
    assert chart.ax_.get_xlabel() == "r2 (higher is better)"


def test_box_has_one_box_per_group_and_every_run_as_a_dot(runs):
    chart = plots.box(runs, "mse", by="train_size")
    ax = chart.ax_
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0.5\nn=4", "0.7\nn=4", "0.9\nn=4"]
    boxes = [
        p
        for p in ax.patches
        if p.get_facecolor()[:3] == pytest.approx((0.867, 0.867, 0.867), abs=0.01)
    ]
    assert len(boxes) == 3
    dots = sum(len(c.get_offsets()) for c in ax.collections if isinstance(c, PathCollection))
    assert dots == 12
    assert ax.get_xlabel() == "train_size" and ax.get_title().startswith("mse by train_size")


def test_box_refuses_too_many_groups(runs):
    with pytest.raises(ValueError, match="'run_name' has 12 different values, too many .*scatter"):
        plots.box(runs.dropna(), "r2", by="run_name", max_boxes=5)


def test_contour_interpolates_only_a_full_grid(runs):
    full = plots.contour(runs, "train_size", "max_depth", "mse")
    assert full.note_.startswith("contours interpolated over a full 3 x 2 grid")
    assert any(
        type(c).__name__ == "QuadContourSet" or hasattr(c, "levels") for c in full.ax_.collections
    )
    assert full.ax_.get_xlabel() == "train_size" and full.ax_.get_ylabel() == "max_depth"
    best = full.ax_.get_legend().get_texts()[0].get_text()
    assert best == "best mse 2.2", "mean of the two runs at (0.5, 2): 1.7 and 2.7"

    sparse = plots.contour(runs.iloc[:5], "train_size", "max_depth", "mse")
    assert sparse.note_.startswith("too sparse for contours (5 of 6 combinations have runs)")
    assert not any(hasattr(c, "levels") for c in sparse.ax_.collections)
    assert len(sparse.ax_.texts) == 5, "each dot labelled with its value"


def test_contour_needs_numeric_params(runs):
    with pytest.raises(
        ValueError, match=r"'features' is not numeric .*numeric params: train_size, max_depth"
    ):
        plots.contour(runs, "features", "max_depth", "mse")


def test_parallel_coordinates_draws_one_line_per_run(runs):
    chart = plots.parallel_coordinates(runs, ["model_type", "train_size", "max_depth"], "mse")
    (lines,) = [c for c in chart.ax_.collections if isinstance(c, LineCollection)]
    assert len(lines.get_segments()) == 12
    assert all(len(segment) == 4 for segment in lines.get_segments())
    assert [t.get_text() for t in chart.ax_.get_xticklabels()] == [
        "model_type",
        "train_size",
        "max_depth",
        "mse",
    ]
    texts = {t.get_text() for t in chart.ax_.texts}
    assert {"LinearRegression", "RandomForestRegressor", "0.5", "0.9", "2", "4"} <= texts
    assert len(chart.figure_.axes) == 2, "the chart and its colour bar"
    with pytest.raises(ValueError, match="params must be a non-empty list"):
        plots.parallel_coordinates(runs, "train_size", "mse")


def test_scatter_colours_by_model_type_or_by_numbers(runs):
    chart = plots.scatter(runs, "train_size", "mse", color_by="model_type")
    groups = [c for c in chart.ax_.collections if isinstance(c, PathCollection)]
    assert [len(g.get_offsets()) for g in groups] == [6, 6]
    assert to_hex(groups[1].get_facecolor()[0]) == plots.model_color("RandomForestRegressor")
    assert [t.get_text() for t in chart.ax_.get_legend().get_texts()] == [
        "LinearRegression",
        "RandomForestRegressor",
    ]
    numeric = plots.scatter(runs, "train_size", "mse", color_by="max_depth")
    assert len(numeric.figure_.axes) == 2, "a colour bar for a numeric colour"
    text_x = plots.scatter(runs, "features", "mse", color_by=None)
    assert [t.get_text() for t in text_x.ax_.get_xticklabels()] == ["f1"]


def test_charts_draw_on_the_given_axes_and_never_show(runs, monkeypatch):
    monkeypatch.setattr(plt, "show", lambda *a, **k: pytest.fail("a chart called plt.show()"))
    fig, axes = plt.subplots(1, 5)
    before = plt.get_fignums()
    charts = [
        plots.bar(runs, "mse", ax=axes[0]),
        plots.box(runs, "mse", by="model_type", ax=axes[1]),
        plots.contour(runs, "train_size", "max_depth", "mse", ax=axes[2]),
        plots.parallel_coordinates(runs, ["train_size"], "mse", ax=axes[3]),
        plots.scatter(runs, "train_size", "mse", ax=axes[4]),
    ]
    assert plt.get_fignums() == before
    assert [c.ax_ for c in charts] == list(axes) and all(c.figure_ is fig for c in charts)
    assert repr(charts[0]).startswith("<Chart: mse per run, best outlined")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda r: plots.bar(r, "mae"), "Unknown metric 'mae'; the table's metrics are: mse, r2"),
        (lambda r: plots.box(r, "mse", by="depth"), "Unknown param .depth.; .* params are: model"),
        (lambda r: plots.scatter(r, "train_size", "loss"), "Unknown metric 'loss'"),
        (lambda r: plots.contour(r, "x", "max_depth", "mse"), "Unknown param 'x'"),
        (lambda r: plots.bar(r, "mse", mode="best"), "mode must be 'min' or 'max'"),
    ],
)  # fmt: skip
def test_bad_columns_are_named_with_what_exists(runs, call, message):
    with pytest.raises(ValueError, match=message):
        call(runs)


def test_metric_history_reads_every_step_and_a_chart_can_be_logged(tracking):
    for name, slope in (("fast", 2.0), ("slow", 0.5)):
        with mlflow.start_run(run_name=name):
            for step in range(1, 11):
                mlflow.log_metric("loss", 10 / (slope * step), step=step)
            mlflow.log_metric("final", 1.0)
    with mlflow.start_run(run_name="no-history"):
        mlflow.log_metric("other", 1.0)
    table = compare.runs_table(order_by=["attributes.run_name ASC"])
    chart = plots.metric_history(table, "loss")
    lines = chart.ax_.get_lines()
    assert [line.get_label() for line in lines] == ["fast", "slow"]
    assert list(lines[0].get_xdata()) == list(range(1, 11))
    assert lines[0].get_ydata()[-1] == pytest.approx(0.5)
    assert chart.ax_.get_xlabel() == "step"
    assert plots.metric_history(table, "loss", max_runs=1).note_ == "the first 1 of 3 runs shown"
    with pytest.raises(ValueError, match="none of these runs logged a history of 'loss'"):
        plots.metric_history(table[table["run_name"] == "no-history"], "loss")

    run_id = table.set_index("run_name").loc["fast", "run_id"]
    mlflow.MlflowClient().log_figure(run_id, chart.figure_, "charts/loss.png")
    files = [f.path for f in mlflow.MlflowClient().list_artifacts(run_id, "charts")]
    assert files == ["charts/loss.png"]


# Every chart, called with the columns of the ``runs`` fixture.
EVERY_CHART = {
    "bar": lambda r, metric="mse": plots.bar(r, metric),
    "box": lambda r, metric="mse": plots.box(r, metric, by="train_size"),
    "contour": lambda r, metric="mse": plots.contour(r, "train_size", "max_depth", metric),
    "parallel_coordinates": lambda r, metric="mse": plots.parallel_coordinates(
        r, ["model_type", "train_size"], metric
    ),
    "scatter": lambda r, metric="mse": plots.scatter(r, "train_size", metric),
    "metric_history": lambda r, metric="mse": plots.metric_history(r, metric),
}


@pytest.mark.parametrize("chart", EVERY_CHART)
def test_every_chart_says_a_metric_holds_text_not_numbers(runs, chart):
    with_text = runs.assign(mse=["abc"] * 6 + ["1.5"] * 6 + [None])
    with pytest.raises(
        ValueError,
        match=r"^metric 'mse' is not numeric \(it holds text such as 'abc', not numbers\); "
        r"numeric metrics: r2$",
    ):
        EVERY_CHART[chart](with_text)


@pytest.mark.parametrize("chart", EVERY_CHART)
def test_every_chart_says_there_are_no_runs_to_plot(runs, chart):
    with pytest.raises(ValueError, match=r"^no runs to plot: the run table is empty"):
        EVERY_CHART[chart](runs.iloc[:0])


@pytest.mark.parametrize("chart", [c for c in EVERY_CHART if c != "metric_history"])
def test_every_chart_says_a_metric_has_no_values(runs, chart):
    with pytest.raises(ValueError, match=r"^'mse' has no values in these 13 runs"):
        EVERY_CHART[chart](runs.assign(mse=np.nan))


def test_a_chart_says_no_run_has_every_value_it_needs(runs):
    apart = runs.assign(train_size=runs["train_size"].where(runs["mse"].isna()))
    with pytest.raises(ValueError, match=r"^no run has a value for every one of mse / train_size"):
        plots.box(apart, "mse", by="train_size")


@pytest.mark.parametrize("chart", EVERY_CHART)
def test_every_chart_wants_a_metric_name_not_a_list(runs, chart):
    with pytest.raises(TypeError, match=r"^metric must be a column name .*got \['mse'\] \(list\)"):
        EVERY_CHART[chart](runs, ["mse"])


def test_contour_needs_two_different_params(runs):
    with pytest.raises(
        ValueError, match=r"^x and y must be two different params, got 'max_depth' for both"
    ):
        plots.contour(runs, "max_depth", "max_depth", "mse")


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda r: plots.bar(r, "mse", max_bars=-1), ValueError, "max_bars must be .*got -1$"),
        (lambda r: plots.bar(r, "mse", max_bars=0), ValueError, "max_bars must be .*got 0$"),
        (lambda r: plots.bar(r, "mse", max_bars=2.5), TypeError, "max_bars must be .*got 2.5$"),
        (lambda r: plots.bar(r, "mse", max_bars="5"), TypeError, "max_bars must be .*got '5'$"),
        (lambda r: plots.box(r, "mse", by="train_size", max_boxes=0), ValueError, "max_boxes"),
        (lambda r: plots.metric_history(r, "mse", max_runs=0), ValueError, "max_runs"),
    ],
)  # fmt: skip
def test_counts_must_be_whole_numbers_of_at_least_one(runs, call, error, message):
    with pytest.raises(error, match=r"^" + message):
        call(runs.assign(run_id="0" * 32))


def test_metric_history_needs_run_ids_and_a_label_column(runs):
    with pytest.raises(
        ValueError, match=r"^metric_history reads each run's history by its 'run_id'"
    ):
        plots.metric_history(runs, "mse")
    with pytest.raises(ValueError, match=r"^Unknown column 'name'"):
        plots.metric_history(runs.assign(run_id="0" * 32), "mse", label="name")


def test_bar_mode_ignores_case_and_names_the_choices(runs):
    lowest = plots.bar(runs, "r2", mode="MIN")
    widths = [b.get_width() for b in lowest.ax_.patches]
    assert widths == sorted(widths) and lowest.ax_.get_xlabel() == "r2 (lower is better)"
    with pytest.raises(ValueError, match=r"^mode must be 'min' or 'max', got 'lowest'"):
        plots.bar(runs, "mse", mode="lowest")

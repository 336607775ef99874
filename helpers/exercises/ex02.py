"""Exercises of notebook 02: a fourth seed, tags by filter, a learning curve, a chart on record."""

from __future__ import annotations

from mlflow.entities import Run

from helpers.exercises import Exercise, Wrong
from helpers.exercises.language import say
from helpers.exercises.records import (
    NotYet,
    client,
    expect,
    listing,
    metric,
    param,
    run_named,
    runs,
)

GRID = "02-run-grid"
CURVES = "02-learning-curves"
#: The notebook's other experiments, where runs meant for the grid may have gone instead.
OTHERS = ("02-comparing-runs", CURVES)
MODELS = {"LR": "LinearRegression", "RF": "RandomForestRegressor"}
SIZES = (0.5, 0.6, 0.7, 0.8, 0.9)
FEATURES = {1: "feature1", 2: "feature1, feature2"}
#: The grid of section 6 with seed 4: run name -> (model_type, train_size, features).
SEED4 = {
    f"{short}_{size}_{count}f_seed4": (model, str(size), features)
    for short, model in MODELS.items()
    for size in SIZES
    for count, features in FEATURES.items()
}
GRID_RUNS = "tags.mlflow.runName LIKE '%_seed%'"
ONE_FEATURE_LR = "params.model_type = 'LinearRegression' and params.features = 'feature1'"
DEPTH3 = "forest_depth3"
CHART = "charts/r2_by_train_size.png"

#: What notebook 02 has recorded by its exercises, in short (for the tests). Section 1's
#: four runs and section 6's 25 forests of the contour plot are left out: no exercise
#: reads them.
GIVEN = """
import matplotlib.pyplot as plt
import mlflow
import numpy as np
from sklearn.ensemble import RandomForestRegressor
from sklearn.linear_model import LinearRegression
from sklearn.metrics import mean_squared_error, r2_score

import helpers
from helpers import compare, plots
from helpers.experiments import run_experiments

tracking = helpers.tracking.setup("02-comparing-runs")
df = helpers.data.article_data()

grid_tracking = helpers.tracking.setup("02-run-grid")
models = {"LR": LinearRegression(), "RF": RandomForestRegressor(n_estimators=50)}
for seed in (1, 2, 3):
    specs = [
        helpers.experiments.RunSpec(
            model, size, features, f"{short}_{size}_{len(features)}f_seed{seed}"
        )
        for short, model in models.items()
        for size in (0.5, 0.6, 0.7, 0.8, 0.9)
        for features in (["feature1"], ["feature1", "feature2"])
    ]
    run_experiments(specs, df, seed=seed, log_models=False, reuse=True, progress=False)
grid = compare.runs_table("02-run-grid", filter="tags.mlflow.runName LIKE '%_seed%'")

curves = helpers.tracking.setup("02-learning-curves")
X_train, X_test, y_train, y_test = helpers.data.split(df, ["feature1", "feature2"], 0.8)
for depth in (2, 4, None):
    settings = {"n_estimators": 30, "max_depth": depth, "random_state": 42}
    with mlflow.start_run(run_name=f"forest_depth{depth}", experiment_id=curves.experiment_id):
        forest = RandomForestRegressor(**settings).fit(X_train, y_train)
        mlflow.log_params(settings)
        per_tree = np.array([tree.predict(X_test.to_numpy()) for tree in forest.estimators_])
        for trees in range(1, len(per_tree) + 1):
            mse = float(np.mean((per_tree[:trees].mean(axis=0) - y_test.to_numpy()) ** 2))
            mlflow.log_metric("mse_by_trees", mse, step=trees)

best_in_grid = compare.best_run(grid, "mse")
chart = plots.box(grid, "mse", by="features")
client = mlflow.MlflowClient()
client.log_figure(best_in_grid["run_id"], chart.figure_, "charts/mse_by_features.png")
plt.close(chart.figure_)
"""

#: Seed-4 specs named as the notebook names them, for the wrong answers.
_SEED4_SPECS = """
specs4 = [
    helpers.experiments.RunSpec(model, size, features, f"{short}_{size}_{len(features)}f_seed4")
    for short, model in models.items()
    for size in (0.5, 0.6, 0.7, 0.8, 0.9)
    for features in (["feature1"], ["feature1", "feature2"])
]
"""


def _elsewhere(filter_string: str) -> list[tuple[str, int]]:
    """Count the finished runs matching a filter in the notebook's other experiments."""
    found = []
    for name in OTHERS:
        try:
            count = len(runs(name, filter_string))
        except NotYet:  # that experiment does not exist yet
            continue
        if count:
            found.append((name, count))
    return found


def _fourth_seed() -> str:
    seeded = runs(GRID, "params.seed = '4'")
    named = {run.info.run_name: run for run in seeded if run.info.run_name in SEED4}
    missing = [name for name in SEED4 if name not in named]
    if not missing:
        for name, (model, size, features) in SEED4.items():
            found = tuple(
                param(named[name], key) for key in ("model_type", "train_size", "features")
            )
            expect(
                found == (model, size, features),
                say(
                    "run {run!r} has model_type, train_size and features {found}, but its name "
                    "says {wanted}.",
                    run=name,
                    found=found,
                    wanted=(model, size, features),
                ),
            )
        return say(
            "all 20 runs of seed 4 are in {experiment!r}, next to those of seeds 1 to 3.",
            experiment=GRID,
        )
    expect(
        not named,
        say(
            "{count} of the 20 runs of seed 4 are missing in {experiment!r}: {missing}.",
            count=len(missing),
            experiment=GRID,
            missing=listing(missing),
        ),
    )
    mislabelled = sorted(
        {run.info.run_name for run in runs(GRID, "tags.mlflow.runName LIKE '%_seed4'")} & set(SEED4)
    )
    if mislabelled:
        raise NotYet(
            say(
                "runs named like {run!r} are in {experiment!r}, but without the param seed "
                "'4': pass seed=4 to run_experiments, or it splits with its default seed.",
                run=mislabelled[0],
                experiment=GRID,
            )
        )
    expect(
        not seeded,
        say(
            "{count} runs in {experiment!r} have the param seed '4', but other names: {names}: "
            "name them as the notebook does, ending in _seed4.",
            count=len(seeded),
            experiment=GRID,
            names=listing(run.info.run_name for run in seeded),
        ),
    )
    where = _elsewhere("params.seed = '4'")
    expect(
        not where,
        say(
            "there are runs with the param seed '4' in {others} instead of {experiment!r}: "
            "run_experiments logs to the active experiment, so make {experiment!r} active "
            "first with helpers.tracking.setup.",
            others=listing(name for name, _ in where),
            experiment=GRID,
        ),
    )
    raise NotYet(
        say(
            "no run in {experiment!r} has the param seed '4' yet; wanted 20, named as section 6 "
            "names them: {names}.",
            experiment=GRID,
            names=listing(SEED4),
        )
    )


q1 = Exercise(
    notebook="02",
    number=1,
    title="A fourth seed",
    practises="extend a grid of runs in the right experiment",
    task=(
        f"Add a fourth split to the grid of section 6: the same 20 runs with `seed` 4, named\n"
        f"as the notebook names them (`LR_0.5_1f_seed4`, ...), in the experiment `{GRID}`,\n"
        "with `run_experiments(..., seed=4, log_models=False, reuse=True)`. Mind which\n"
        "experiment is active at this point of the notebook. Does seed 4 change the best run\n"
        "of the grid?"
    ),
    hint_text=(
        "The active experiment is the one set up last (the learning curves): run the setup "
        "cell of section 6 again first. The specs variable still holds the names of seed 3, "
        "so build the list again with seed 4 in the names."
    ),
    solution_code="""
grid_tracking = helpers.tracking.setup("02-run-grid")
seed = 4
specs = [
    helpers.experiments.RunSpec(
        model, size, features, f"{short}_{size}_{len(features)}f_seed{seed}"
    )
    for short, model in models.items()
    for size in (0.5, 0.6, 0.7, 0.8, 0.9)
    for features in (["feature1"], ["feature1", "feature2"])
]
run_experiments(specs, df, seed=seed, log_models=False, reuse=True, progress=False)
all_seeds = compare.runs_table("02-run-grid", filter="tags.mlflow.runName LIKE '%_seed%'")
print(len(all_seeds), "runs; best:", compare.best_run(all_seeds, "mse")["run_name"])
""",
    why="Each seed is another split of the same data (and another random state for the "
    "forests), so every extra seed shows better how much of a difference between settings "
    "is only luck.",
    verify=_fourth_seed,
    given=GIVEN,
    wrong=(
        Wrong(
            _SEED4_SPECS
            + "run_experiments(specs4, df, seed=4, log_models=False, reuse=True, progress=False)",
            "instead of '02-run-grid'",
        ),
        Wrong(
            """grid_tracking = helpers.tracking.setup("02-run-grid")
run_experiments(specs, df, seed=4, log_models=False, reuse=True, progress=False)""",
            "but other names: 'LR_0.5_1f_seed3'",
        ),
        Wrong(
            _SEED4_SPECS
            + "run_experiments(specs4, df, log_models=False, reuse=True, progress=False)",
            "without the param seed '4'",
        ),
        Wrong(
            _SEED4_SPECS
            + """forests4 = [spec for spec in specs4 if spec.run_name.startswith("RF")]
run_experiments(forests4, df, seed=4, log_models=False, reuse=True, progress=False)""",
            "10 of the 20 runs of seed 4 are missing",
        ),
    ),
)


def _describe(run: Run) -> str:
    """Name a run of the grid with its model and features, for a message."""
    params = run.data.params
    return say(
        "{run!r} ({model_type}, features {features!r})",
        run=run.info.run_name,
        model_type=params.get("model_type", say("no model_type")),
        features=params.get("features", say("none")),
    )


def _tagged_by_filter() -> str:
    wanted = runs(GRID, ONE_FEATURE_LR)
    expect(
        wanted,
        say(
            "there are no LinearRegression runs with one feature in {experiment!r} yet: run the "
            "grid of section 6 first.",
            experiment=GRID,
        ),
    )
    tagged = runs(GRID, "tags.review = 'discard'")
    tagged_ids = {run.info.run_id for run in tagged}
    wanted_ids = {run.info.run_id for run in wanted}
    if not tagged:
        values = sorted({run.data.tags["review"] for run in runs(GRID, "tags.review LIKE '%'")})
        expect(
            not values,
            say(
                "runs in {experiment!r} have the tag 'review' with the value {values}, not "
                "'discard'.",
                experiment=GRID,
                values=listing(values),
            ),
        )
    untagged = [run.info.run_name for run in wanted if run.info.run_id not in tagged_ids]
    expect(
        len(untagged) < len(wanted),
        say(
            "none of the {count} LinearRegression runs with one feature in {experiment!r} has "
            "the tag review = 'discard' yet.",
            count=len(wanted),
            experiment=GRID,
        ),
    )
    expect(
        not untagged,
        say(
            "{untagged} of the {count} LinearRegression runs with one feature in "
            "{experiment!r} lack the tag review = 'discard': {names}.",
            untagged=len(untagged),
            count=len(wanted),
            experiment=GRID,
            names=listing(untagged),
        ),
    )
    extra = [run for run in tagged if run.info.run_id not in wanted_ids]
    expect(
        not extra,
        say(
            "the tag review = 'discard' is also on {count} other run(s), e.g. {example}: "
            "remove it there with MlflowClient().delete_tag.",
            count=len(extra),
            example=_describe(extra[0]) if extra else "",
        ),
    )
    return say(
        "all {count} LinearRegression runs with one feature in {experiment!r}, and only they, "
        "carry review = 'discard'.",
        count=len(wanted),
        experiment=GRID,
    )


q2 = Exercise(
    notebook="02",
    number=2,
    title="Tags by filter",
    practises="select runs with a search_runs filter, tag them",
    task=(
        f"Tag every `LinearRegression` run with one feature (`feature1`) in `{GRID}`, and\n"
        "only those, with `review` = `discard`: find them with `mlflow.search_runs` and a\n"
        "filter on their params, then tag each with `mlflow.MlflowClient().set_tag`.\n"
        "How many runs did you tag? Would the table `grid` of section 6 have listed them all?"
    ),
    hint_text=(
        "Two params describe the runs, model_type and features: join the two conditions "
        "with and, and quote the values, since params are text."
    ),
    solution_code="""
one_feature_lr = mlflow.search_runs(
    experiment_ids=[grid_tracking.experiment_id],
    filter_string="params.model_type = 'LinearRegression' and params.features = 'feature1'",
    output_format="list",
)
client = mlflow.MlflowClient()
for run in one_feature_lr:
    client.set_tag(run.info.run_id, "review", "discard")
print(len(one_feature_lr), "runs tagged")
""",
    why="A filter selects runs by what was recorded, whoever logged them and whenever, and a "
    "tag on them marks the verdict where the run list's search box finds it again.",
    verify=_tagged_by_filter,
    given=GIVEN,
    wrong=(
        Wrong(
            """one_feature_lr = grid[(grid["model_type"] == "LinearRegression")
                      & (grid["features"] == "feature1")]
for run_id in one_feature_lr["run_id"]:
    mlflow.MlflowClient().set_tag(run_id, "review", "discard")""",
            "LinearRegression runs with one feature in '02-run-grid' lack the tag",
        ),
    ),
)


def _steps(steps: list[int]) -> str:
    """Describe the steps of a metric's history, e.g. ``steps 0 to 29``."""
    if len(steps) == 1:
        return say("step {step}", step=steps[0])
    if steps == list(range(steps[0], steps[-1] + 1)):
        return say("steps {first} to {last}", first=steps[0], last=steps[-1])
    shown = ", ".join(str(step) for step in steps[:5]) + ", ..." * (len(steps) > 5)
    return say("steps {steps}", steps=shown)


def _learning_curve() -> str:
    run = run_named(CURVES, DEPTH3)
    depth = param(run, "max_depth")
    expect(
        depth == "3",
        say("run {run!r} has the param max_depth {depth!r}, not '3'.", run=DEPTH3, depth=depth),
    )
    trees = param(run, "n_estimators")
    expect(
        trees.isdigit(),
        say("run {run!r} has the param n_estimators {trees!r}.", run=DEPTH3, trees=trees),
    )
    metric(run, "mse_by_trees")  # says which metrics there are, if not this one
    history = client().get_metric_history(run.info.run_id, "mse_by_trees")
    steps = sorted({point.step for point in history})
    wanted = list(range(1, int(trees) + 1))
    expect(
        steps == wanted,
        say(
            "the metric 'mse_by_trees' of run {run!r} has {count} value(s), at the {steps}; "
            "wanted one per number of trees, at the steps 1 to {trees} (the step= of "
            "log_metric).",
            run=DEPTH3,
            count=len(history),
            steps=_steps(steps),
            trees=trees,
        ),
    )
    by_step = {point.step: point.value for point in history}
    return say(
        "its history of 'mse_by_trees' has {count} steps, from {first:.1f} with one tree to "
        "{last:.1f} with {trees}.",
        count=len(steps),
        first=by_step[1],
        last=by_step[int(trees)],
        trees=trees,
    )


q3 = Exercise(
    notebook="02",
    number=3,
    title="A learning curve of your own",
    practises="log a metric step by step, read its history",
    task=(
        f"Log a fourth learning curve in `{CURVES}`: a run named `{DEPTH3}`, a forest\n"
        "of 30 trees with `max_depth=3` and `random_state=42` on the same split, its\n"
        "settings as params, and the test MSE of the first 1, 2, ..., 30 trees as\n"
        "`mse_by_trees` with `step=` the number of trees, as section 6 does. Draw the four\n"
        "curves again: where does depth 3 fall?"
    ),
    hint_text=(
        "The loop of section 6 already does it for other depths: add 3 to its depths and run "
        "it again (the runs it has logged are skipped), or copy its body for depth 3 alone."
    ),
    solution_code=f"""
X_train, X_test, y_train, y_test = helpers.data.split(df, ["feature1", "feature2"], 0.8)
settings = {{"n_estimators": 30, "max_depth": 3, "random_state": 42}}
with mlflow.start_run(run_name="{DEPTH3}", experiment_id=curves.experiment_id):
    forest = RandomForestRegressor(**settings).fit(X_train, y_train)
    mlflow.log_params(settings)
    per_tree = np.array([tree.predict(X_test.to_numpy()) for tree in forest.estimators_])
    for trees in range(1, len(per_tree) + 1):
        mse = float(np.mean((per_tree[:trees].mean(axis=0) - y_test.to_numpy()) ** 2))
        mlflow.log_metric("mse_by_trees", mse, step=trees)

forests = "tags.mlflow.runName LIKE 'forest_%'"
histories = compare.runs_table("{CURVES}", filter=forests, order_by=["attributes.run_name ASC"])
plots.metric_history(histories, "mse_by_trees")
plt.show()
""",
    why="Each log_metric call adds a point to the metric's history, and step= puts the points "
    "in order: the UI and plots.metric_history draw them as a curve (without a step, all "
    "would sit at step 0).",
    verify=_learning_curve,
    given=GIVEN,
    wrong=(
        Wrong(
            f"""with mlflow.start_run(run_name="{DEPTH3}", experiment_id=curves.experiment_id):
    settings = {{"n_estimators": 30, "max_depth": 3, "random_state": 42}}
    mlflow.log_params(settings)
    forest = RandomForestRegressor(**settings).fit(X_train, y_train)
    mlflow.log_metric("mse_by_trees", mean_squared_error(y_test, forest.predict(X_test)))""",
            "has 1 value(s), at the step 0;",
        ),
    ),
)


def _chart_on_record() -> str:
    scored = [run for run in runs(GRID, GRID_RUNS) if "mse" in run.data.metrics]
    expect(
        scored,
        say(
            "there are no runs of the grid in {experiment!r} yet: run section 6 first.",
            experiment=GRID,
        ),
    )
    lowest = min(run.data.metrics["mse"] for run in scored)
    best = [run for run in scored if run.data.metrics["mse"] <= lowest + 1e-12]
    files = []
    for run in best:
        listed = client().list_artifacts(run.info.run_id)
        if any(item.is_dir and item.path == "charts" for item in listed):
            listed += client().list_artifacts(run.info.run_id, "charts")
        paths = [item.path for item in listed if not item.is_dir]
        if CHART in paths:
            return say(
                "the chart is stored with {run!r}, the grid's best run by mse.",
                run=run.info.run_name,
            )
        files += paths
    names = listing(run.info.run_name for run in best)
    raise NotYet(
        say(
            "the best run of the grid by mse is {names}, and it has no file {chart!r} (its "
            "files: {files}). Runs added since you last looked can change which run is best: "
            "find it again in a fresh run table.",
            names=names,
            chart=CHART,
            files=listing(files),
        )
    )


q4 = Exercise(
    notebook="02",
    number=4,
    title="A chart on the record",
    practises="log a figure to the run it describes",
    task=(
        f"Read the grid again (all its runs, seed 4 included), draw the box plot of `r2` by\n"
        "`train_size`, and log it with `MlflowClient().log_figure` to the grid's best run by\n"
        f"`mse`, as `{CHART}`, as section 7 does for the MSE by features.\n"
        "Do the boxes of `r2` tell the same story as those of `mse`?"
    ),
    hint_text=(
        "The variables grid and best_in_grid were computed before your new runs: build the "
        "run table again with the filter of section 6 and pick its best run from it."
    ),
    solution_code=f"""
grid = compare.runs_table("02-run-grid", filter="tags.mlflow.runName LIKE '%_seed%'")
best_in_grid = compare.best_run(grid, "mse")
chart = plots.box(grid, "r2", by="train_size")
client = mlflow.MlflowClient()
client.log_figure(best_in_grid["run_id"], chart.figure_, "{CHART}")
stored = client.list_artifacts(best_in_grid["run_id"], "charts")
print(best_in_grid["run_name"], [f.path for f in stored])
plt.show()
""",
    why="A chart logged with a run is stored with it, and the UI shows it under Artifacts to "
    "anyone who opens the run later, unlike a chart left in a notebook's output.",
    verify=_chart_on_record,
    given=GIVEN,
    wrong=(
        Wrong(
            f"""chart = plots.box(grid, "r2", by="train_size")
client.log_figure(best_in_grid["run_id"], chart.figure_, "{CHART}")
plt.close(chart.figure_)""",
            "find it again in a fresh run table",
        ),
    ),
)

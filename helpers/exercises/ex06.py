"""Exercises of notebook 06: a leaf sweep, nested runs by hand, autolog's top 3, a hypothesis."""

from __future__ import annotations

import ast
import itertools
import math
import statistics

from mlflow.entities import Run

from helpers.exercises import Exercise, Wrong, records
from helpers.exercises.language import say
from helpers.exercises.records import children, expect, listing, metric, runs

EXPERIMENT = "06-hyperparameter-tuning"
FOREST_SWEEP = "forest-sweep"
LEAF_SWEEP = "leaf-sweep"
LEAVES = ("1", "5", "10")
BY_HAND = "depth-by-hand-2"
DEPTHS = ("3", "5", "7")
SEARCH = "gridsearchcv-top3"
NEXT_SWEEP = "next-sweep"

#: What notebook 06 has recorded by its exercises, in short (for the tests): sections 1 and
#: 2. Sections 3 to 8 (the winner registered, GridSearchCV under autolog) are left out: the
#: exercises need none of their runs or variables.
GIVEN = """
import mlflow
from sklearn.ensemble import RandomForestRegressor

import helpers
from helpers.experiments import RunSpec, run_sweep

tracking = helpers.tracking.setup("06-hyperparameter-tuning")
diabetes = helpers.data.diabetes()
features = [c for c in diabetes.columns if c != "y"]

from sklearn.metrics import root_mean_squared_error

X_train, X_test, y_train, y_test = helpers.data.split(diabetes, features, 0.8)
with mlflow.start_run(run_name="depth-by-hand") as by_hand:
    for depth in [2, 4, 8]:
        with mlflow.start_run(run_name=f"max_depth={depth}", nested=True):
            forest = RandomForestRegressor(n_estimators=25, max_depth=depth, random_state=42)
            forest.fit(X_train, y_train)
            mlflow.log_param("max_depth", depth)
            mlflow.log_metric("rmse", root_mean_squared_error(y_test, forest.predict(X_test)))

spec = RunSpec(RandomForestRegressor(), 0.8, features)
grid = {"n_estimators": [10, 25, 50, 100, 200], "max_depth": [2, 3, 4, 6, 8]}
sweep = run_sweep(
    spec, grid, diabetes, parent_name="forest-sweep", dataset_name="diabetes", progress=False
)
"""


def _kids(parent: Run, how: str) -> list[Run]:
    """Return a parent's finished children, or say that it has none."""
    found = children(parent)
    expect(
        found,
        say("run {run!r} has no finished child runs: {how}", run=parent.info.run_name, how=how),
    )
    return found


def _grid(parent: Run) -> dict[str, list[str]]:
    """Read a sweep parent's search space (its ``grid.<param>`` params) as param texts."""
    grid = {}
    for key, text in parent.data.params.items():
        if not key.startswith("grid."):
            continue
        try:
            values = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            continue
        if isinstance(values, list):
            grid[key.removeprefix("grid.")] = [str(value) for value in values]
    return grid


def _leaf_sweep() -> str:
    return records.first_passing(records.runs_named(EXPERIMENT, LEAF_SWEEP), _one_leaf_sweep)


def _one_leaf_sweep(parent: Run) -> str:
    kids = _kids(
        parent,
        say("run_sweep(..., parent_name={parent!r}) logs one per combination.", parent=LEAF_SWEEP),
    )
    leaves = [kid.data.params.get("min_samples_leaf") for kid in kids]
    expect(
        set(LEAVES) <= set(leaves),
        say(
            "the children of {parent!r} have min_samples_leaf {leaves}, not 1, 5 and 10: the grid "
            "needs the key min_samples_leaf.",
            parent=LEAF_SWEEP,
            leaves=listing(leaf for leaf in leaves if leaf),
        ),
    )
    grid = _grid(parent)
    combos = set(itertools.product(*grid.values()))
    done = {tuple(kid.data.params.get(name) for name in grid) for kid in kids}
    expect(
        combos <= done,
        say(
            "{missing} of the {combos} combinations of the grid of {parent!r} have no finished "
            "child: run the sweep again, it finishes them.",
            missing=len(combos - done),
            combos=len(combos),
            parent=LEAF_SWEEP,
        ),
    )
    rmse: dict[str, list[float]] = {leaf: [] for leaf in LEAVES}
    for kid in kids:
        if kid.data.params.get("min_samples_leaf") in rmse:
            rmse[kid.data.params["min_samples_leaf"]].append(metric(kid, "rmse"))
    means = ", ".join(
        say("{rmse:.1f} for {leaf}", rmse=statistics.fmean(values), leaf=leaf)
        for leaf, values in rmse.items()
    )
    return say(
        "{children} children cover the grid; their mean RMSE by min_samples_leaf: {means}.",
        children=len(kids),
        means=means,
    )


q1 = Exercise(
    notebook="06",
    number=1,
    title="A sweep over min_samples_leaf",
    practises="sweep a new grid as a parent run with children",
    task=(
        "Sweep the forest of section 2 (`spec`) with `run_sweep` over the grid\n"
        '`{"n_estimators": [50, 100], "min_samples_leaf": [1, 5, 10]}`, with\n'
        '`parent_name="leaf-sweep"`. How many children does the parent get, what does it\n'
        "record as params, and which `min_samples_leaf` gives the lowest RMSE?"
    ),
    hint_text=(
        "Call run_sweep as section 2 does, with another grid and another parent name: "
        "each key of the grid must be a hyperparameter the forest accepts."
    ),
    solution_code="""
leaf_grid = {"n_estimators": [50, 100], "min_samples_leaf": [1, 5, 10]}
leaf_sweep = run_sweep(spec, leaf_grid, diabetes, parent_name="leaf-sweep", dataset_name="diabetes")
""",
    why="A new grid gets a parent of its own whose params record its search space, so the "
    "children of each sweep stay grouped with the grid that made them.",
    verify=_leaf_sweep,
    given=GIVEN,
    wrong=(
        Wrong(
            """run_sweep(spec, {"n_estimators": [50, 100]}, diabetes, parent_name="leaf-sweep",
          dataset_name="diabetes", progress=False)""",
            "not 1, 5 and 10",
        ),
    ),
)


def _by_hand() -> str:
    return records.first_passing(records.runs_named(EXPERIMENT, BY_HAND), _one_by_hand)


def _one_by_hand(parent: Run) -> str:
    kids = _kids(
        parent,
        say(
            "start each child with mlflow.start_run(..., nested=True) inside the parent's with "
            "block."
        ),
    )
    depths = {kid.data.params.get("max_depth"): kid for kid in kids}
    missing = [depth for depth in DEPTHS if depth not in depths]
    expect(
        not missing,
        say(
            "the children of {parent!r} have max_depth {depths}; none has {missing}.",
            parent=BY_HAND,
            depths=listing(d for d in depths if d),
            missing=say(" or ").join(missing),
        ),
    )
    rmse = {depth: metric(depths[depth], "rmse") for depth in DEPTHS}
    shown = ", ".join(
        say("{rmse:.1f} at max_depth {depth}", rmse=value, depth=depth)
        for depth, value in rmse.items()
    )
    return say("its children have the RMSE {shown}.", shown=shown)


q2 = Exercise(
    notebook="06",
    number=2,
    title="Nested runs by hand",
    practises="start child runs with nested=True",
    task=(
        "As section 1 does, log a parent run named `depth-by-hand-2` with one child run per\n"
        "`max_depth` in 3, 5 and 7 (a 25-tree forest each), each child logging the param\n"
        "`max_depth` and the metric `rmse` on the test rows. Where is the best depth?"
    ),
    hint_text=(
        "Copy the cell of section 1 with a new parent name and new depths: the children "
        "must start while the parent is still open."
    ),
    solution_code="""
with mlflow.start_run(run_name="depth-by-hand-2"):
    for depth in [3, 5, 7]:
        with mlflow.start_run(run_name=f"max_depth={depth}", nested=True):
            forest = RandomForestRegressor(n_estimators=25, max_depth=depth, random_state=42)
            forest.fit(X_train, y_train)
            mlflow.log_param("max_depth", depth)
            mlflow.log_metric("rmse", root_mean_squared_error(y_test, forest.predict(X_test)))
""",
    why="nested=True tags each child with its parent's ID (mlflow.parentRunId): the UI folds "
    "the children under their parent, and a search by that tag finds them.",
    verify=_by_hand,
    given=GIVEN,
    wrong=(
        Wrong(
            """with mlflow.start_run(run_name="depth-by-hand-2"):
    pass
for depth in [3, 5, 7]:
    with mlflow.start_run(run_name=f"max_depth={depth}"):
        forest = RandomForestRegressor(n_estimators=25, max_depth=depth, random_state=42)
        forest.fit(X_train, y_train)
        mlflow.log_param("max_depth", depth)
        mlflow.log_metric("rmse", root_mean_squared_error(y_test, forest.predict(X_test)))""",
            "has no finished child runs",
        ),
        Wrong(
            """with mlflow.start_run(run_name="depth-by-hand-2"):
    for depth in [3, 5, 7]:
        with mlflow.start_run(run_name=f"max_depth={depth}", nested=True):
            forest = RandomForestRegressor(n_estimators=25, max_depth=depth, random_state=42)
            forest.fit(X_train, y_train)
            mlflow.log_param("max_depth", depth)
            test_rmse = root_mean_squared_error(y_test, forest.predict(X_test))
            mlflow.log_metric("test_rmse", test_rmse)""",
            "has no metric 'rmse'",
        ),
    ),
)


def _combinations(param_grid: str | None) -> int | None:
    """Count the combinations of a search's ``param_grid`` param, or None if it is unreadable."""
    try:
        grid = ast.literal_eval(param_grid or "")
    except (ValueError, SyntaxError):
        return None
    grids = grid if isinstance(grid, list) else [grid]
    if not all(isinstance(g, dict) for g in grids):
        return None
    return sum(math.prod(len(values) for values in g.values()) for g in grids)


def _top3() -> str:
    return records.first_passing(records.runs_named(EXPERIMENT, SEARCH), _one_search)


def _one_search(parent: Run) -> str:
    estimator = parent.data.tags.get("estimator_name")
    expect(
        estimator == "GridSearchCV",
        say(
            "run {run!r} shows no GridSearchCV fitted under mlflow.sklearn.autolog() (autolog "
            "tags the run with its estimator_name; found {estimator!r}).",
            run=SEARCH,
            estimator=estimator,
        ),
    )
    combos = _combinations(parent.data.params.get("param_grid"))
    expect(
        combos is None or combos > 3,
        say(
            "the grid of {run!r} has only {combos} combinations, so it cannot show a limit of 3 "
            "child runs: give it more than 3.",
            run=SEARCH,
            combos=combos,
        ),
    )
    kids = children(parent)
    expect(
        len(kids) == 3,
        say(
            "run {run!r} has {children} child runs, not 3: autolog makes one for each of the best "
            "max_tuning_runs combinations (5 unless told otherwise).",
            run=SEARCH,
            children=len(kids),
        ),
    )
    ranks = sorted(int(kid.data.metrics.get("rank_test_score", 0)) for kid in kids)
    ranked = ", ".join(map(str, ranks))
    if combos:
        return say(
            "its 3 children hold the combinations ranked {ranks} (rank_test_score) of the grid's "
            "{combos}.",
            ranks=ranked,
            combos=combos,
        )
    return say(
        "its 3 children hold the combinations ranked {ranks} (rank_test_score).", ranks=ranked
    )


q3 = Exercise(
    notebook="06",
    number=3,
    title="Autolog's top 3",
    practises="configure autologging, count child runs",
    task=(
        "Fit a small `GridSearchCV` (more than 3 combinations, e.g. `max_depth` in\n"
        "`[2, 3, 4, 6, 8]` for a 25-tree forest, `cv=3`) under\n"
        "`mlflow.sklearn.autolog(max_tuning_runs=3, ...)`, inside a run named\n"
        "`gridsearchcv-top3`, then switch autologging off again. How many child runs does the\n"
        "parent get, and which combinations are they? Where are the others recorded?"
    ),
    hint_text=(
        "Each call of autolog sets all its options anew, those you leave out at their "
        "defaults: repeat the options of section 6 beside the new one."
    ),
    solution_code="""
from sklearn.model_selection import GridSearchCV

mlflow.sklearn.autolog(max_tuning_runs=3, log_models=False, log_datasets=False, silent=True)
small_search = GridSearchCV(
    RandomForestRegressor(n_estimators=25, random_state=42),
    {"max_depth": [2, 3, 4, 6, 8]},
    cv=3,
    scoring="neg_root_mean_squared_error",
)
with mlflow.start_run(run_name="gridsearchcv-top3"):
    small_search.fit(X_train, y_train)
mlflow.sklearn.autolog(disable=True)
""",
    why="max_tuning_runs keeps the child runs of a large search few, the best ones by "
    "rank_test_score, while the parent's cv_results.csv artifact still holds every "
    "combination.",
    verify=_top3,
    given=GIVEN,
    wrong=(
        Wrong(
            """from sklearn.model_selection import GridSearchCV

mlflow.sklearn.autolog(log_models=False, log_datasets=False, silent=True)
small_search = GridSearchCV(RandomForestRegressor(n_estimators=25, random_state=42),
                            {"max_depth": [2, 3, 4, 6, 8]}, cv=3,
                            scoring="neg_root_mean_squared_error")
with mlflow.start_run(run_name="gridsearchcv-top3"):
    small_search.fit(X_train, y_train)
mlflow.sklearn.autolog(disable=True)""",
            "(5 unless told otherwise)",
        ),
    ),
)


def _next_sweep() -> str:
    return records.first_passing(records.runs_named(EXPERIMENT, NEXT_SWEEP), _one_next_sweep)


def _one_next_sweep(parent: Run) -> str:
    kids = _kids(
        parent,
        say("run_sweep(..., parent_name={parent!r}) logs one per combination.", parent=NEXT_SWEEP),
    )
    tried = {(kid.data.params.get("n_estimators"), kid.data.params.get("max_depth")): kid
             for kid in kids}  # fmt: skip
    missing = [
        say("{trees} trees at max_depth {depth}", trees="400", depth=depth)
        for depth in ("3", "4")
        if ("400", depth) not in tried
    ]
    expect(
        not missing,
        say(
            "the children of {parent!r} have no {missing}; they tried {tried}.",
            parent=NEXT_SWEEP,
            missing=say(" and no ").join(missing),
            tried=listing(
                say("{trees} trees at max_depth {depth}", trees=n, depth=d) for n, d in tried
            ),
        ),
    )
    rmse = {depth: metric(tried[("400", depth)], "rmse") for depth in ("3", "4")}
    depth = min(rmse, key=rmse.get)
    best = rmse[depth]
    found = say(
        "the best of {parent!r} has an RMSE of {best:.2f} (400 trees, max_depth {depth})",
        parent=NEXT_SWEEP,
        best=best,
        depth=depth,
    )
    earlier = [r for r in runs(EXPERIMENT, f"attributes.run_name = '{FOREST_SWEEP}'")
               if "best_rmse" in r.data.metrics]  # fmt: skip
    if not earlier:
        return say("{found}.", found=found)
    before = earlier[0].data.metrics["best_rmse"]
    tags = earlier[0].data.tags
    where = say(
        "{trees} trees, max_depth {depth}",
        trees=tags.get("best.n_estimators", "?"),
        depth=tags.get("best.max_depth", "?"),
    )
    verdict = (
        say("better by {gain:.2f}", gain=before - best)
        if best < before
        else say("no better ({change:+.2f})", change=best - before)
    )
    return say(
        "{found}, against {before:.2f} for {earlier!r} ({where}): {verdict}.",
        found=found,
        before=before,
        earlier=FOREST_SWEEP,
        where=where,
        verdict=verdict,
    )


q4 = Exercise(
    notebook="06",
    number=4,
    title="Testing the next hypothesis",
    practises="turn past runs into the next sweep, compare sweeps",
    task=(
        "Test the first hypothesis of section 8: sweep `spec` with 400 trees at `max_depth` 3\n"
        'and 4, with `parent_name="next-sweep"`. Did the best RMSE improve on `forest-sweep`\'s\n'
        "(its parent's metric `best_rmse`), and by how much?"
    ),
    hint_text=(
        "A grid with one value for the number of trees and two for the depth; the best RMSE "
        "of each sweep is on its parent."
    ),
    solution_code="""
next_grid = {"n_estimators": [400], "max_depth": [3, 4]}
next_sweep = run_sweep(spec, next_grid, diabetes, parent_name="next-sweep", dataset_name="diabetes")
for parent_id in (next_sweep["parent_run_id"][0], sweep["parent_run_id"][0]):
    parent = mlflow.get_run(parent_id)
    print(parent.info.run_name, "best_rmse:", round(parent.data.metrics["best_rmse"], 3))
""",
    why="Past runs turn a hunch into a test: the new sweep's record answers the question next "
    "to the sweep that raised it.",
    verify=_next_sweep,
    given=GIVEN,
    wrong=(
        Wrong(
            """run_sweep(spec, {"n_estimators": [200], "max_depth": [3, 4]}, diabetes,
          parent_name="next-sweep", dataset_name="diabetes", progress=False)""",
            "have no 400 trees at max_depth 3",
        ),
    ),
)

"""Exercises of notebook 03: five unseeded fits as nested runs, a rebuild by hand, a project run."""

from __future__ import annotations

from mlflow.exceptions import MlflowException

from helpers.exercises import Exercise, Wrong, records
from helpers.exercises.language import say
from helpers.exercises.records import NotYet, children, client, expect, listing, metric, run_named

EXPERIMENT = "03-reproducibility"
PARENT = "unseeded-forests"
REBUILT = "rebuilt-by-hand"
FIT_COUNT = 5

#: What notebook 03 has recorded by its exercises, in short (for the tests). The project run
#: of section 6 is left out: it takes a process of its own, and no exercise needs it.
GIVEN = """
import mlflow
from sklearn.ensemble import RandomForestRegressor
from sklearn.metrics import mean_squared_error

import helpers
from helpers.experiments import article_specs, run_experiments
from helpers.reproduce import rebuild

tracking = helpers.tracking.setup("03-reproducibility")
df = helpers.data.article_data()
results = run_experiments(article_specs(), df, dataset_name="article-dummy-data", reuse=True,
                          progress=False)
run_id = results["run_id"][3]
run = mlflow.get_run(run_id)

X_train, X_test, y_train, y_test = helpers.data.split(df, ["feature1", "feature2"], 0.8)


def forest_mse(seed):
    forest = RandomForestRegressor(n_estimators=50, random_state=seed).fit(X_train, y_train)
    return mean_squared_error(y_test, forest.predict(X_test))


project = helpers.environment.course_root() / "project"
"""


def _unseeded_forests() -> str:
    parent = run_named(EXPERIMENT, PARENT)
    fits = children(parent)
    scored = [run.data.metrics["mse"] for run in fits if "mse" in run.data.metrics]
    others = (
        say(" ({count} finished child runs in all)", count=len(fits))
        if len(fits) != len(scored)
        else ""
    )
    expect(
        len(scored) >= FIT_COUNT,
        say(
            "run {run!r} has {scored} finished child run(s) with a metric 'mse', not "
            "{wanted}{others}: start each fit's run with nested=True inside the parent's with "
            "block.",
            run=PARENT,
            scored=len(scored),
            wanted=FIT_COUNT,
            others=others,
        ),
    )
    expect(
        len(set(scored)) > 1,
        say(
            "all {count} MSEs are identical ({mse:.4f}): did the forests have a random_state? "
            "Fit RandomForestRegressor(n_estimators=50) without one, as forest_mse(None) does.",
            count=len(scored),
            mse=scored[0],
        ),
    )
    return say(
        "the {count} unseeded fits of {run!r} range from {low:.4f} to {high:.4f}, a spread of "
        "{spread:.4f} from chance alone.",
        count=len(scored),
        run=PARENT,
        low=min(scored),
        high=max(scored),
        spread=max(scored) - min(scored),
    )


q1 = Exercise(
    notebook="03",
    number=1,
    title="Five unseeded fits, on record",
    practises="nest runs under a parent, log a metric per child",
    task=(
        f"Record section 5's experiment: a parent run `{PARENT}` with {FIT_COUNT} nested child\n"
        "runs, each logging as `mse` the test MSE of one fit of\n"
        "`RandomForestRegressor(n_estimators=50)` without a `random_state`, on the split of\n"
        "section 5 (`forest_mse(None)` computes it). Compare the five in the MLflow UI."
    ),
    hint_text=(
        "Open the parent's run in a with block, and inside that block start each child's run "
        "as a nested one; each child logs one mse."
    ),
    solution_code=f"""
with mlflow.start_run(run_name="{PARENT}"):
    for fit in range({FIT_COUNT}):
        with mlflow.start_run(run_name=f"unseeded-fit-{{fit}}", nested=True):
            mlflow.log_param("random_state", None)
            mlflow.log_metric("mse", forest_mse(None))
""",
    why="One run of an unseeded model is one draw among many: the spread says how much of a "
    "difference between two runs chance alone can make.",
    verify=_unseeded_forests,
    given=GIVEN,
    wrong=(
        Wrong(
            f"""with mlflow.start_run(run_name="{PARENT}"):
    for fit in range({FIT_COUNT}):
        with mlflow.start_run(run_name=f"seeded-fit-{{fit}}", nested=True):
            mlflow.log_metric("mse", forest_mse(42))""",
            "MSEs are identical",
        ),
        Wrong(
            f"""with mlflow.start_run(run_name="{PARENT}"):
    pass
for fit in range({FIT_COUNT}):
    with mlflow.start_run(run_name=f"unseeded-fit-{{fit}}"):
        mlflow.log_metric("mse", forest_mse(None))""",
            "start each fit's run with nested=True",
        ),
    ),
)


def _rebuilt_by_hand() -> str:
    rebuilt = run_named(EXPERIMENT, REBUILT)
    source = rebuilt.data.tags.get("rebuilt_from")
    expect(
        source,
        say(
            "run {run!r} has no tag 'rebuilt_from'; its tags: {tags}.",
            run=REBUILT,
            tags=listing(k for k in rebuilt.data.tags if not k.startswith("mlflow.")),
        ),
    )
    try:
        original = client().get_run(source)
    except MlflowException:
        raise NotYet(
            say(
                "the tag 'rebuilt_from' of run {run!r} is {source!r}, which is no run ID in "
                "this store: set it to the ID of the run you rebuilt (run_id).",
                run=REBUILT,
                source=source,
            )
        ) from None
    kind = original.data.params.get("model_type", say("run without a model_type"))
    expect(
        kind == "RandomForestRegressor",
        say(
            "the tag 'rebuilt_from' names run {run!r}, a {kind}: rebuild the forest with both "
            "features (run_id), whose result depends on its seeds.",
            run=original.info.run_name,
            kind=kind,
        ),
    )
    recorded = metric(original, "mse")
    mse = metric(rebuilt, "mse")
    expect(
        abs(mse - recorded) <= 1e-9,
        say(
            "run {run!r} has mse {mse!r}, but the run it was rebuilt from recorded "
            "{recorded!r}: rebuild it with every recorded setting (features, train_size, the "
            "split's seed, n_estimators, random_state).",
            run=REBUILT,
            mse=mse,
            recorded=recorded,
        ),
    )
    how = say("exactly") if mse == recorded else say("to 1e-9")
    return say(
        "{run!r} reproduces {original!r} {how}: mse {mse!r}, from nothing but its record.",
        run=REBUILT,
        original=original.info.run_name,
        how=how,
        mse=mse,
    )


q2 = Exercise(
    notebook="03",
    number=2,
    title="A rebuild by hand",
    practises="read a run's record, retrain from its params, link runs with a tag",
    task=(
        "Do by hand what `rebuild` does. Read the forest's run (`run_id`, section 1) with\n"
        "`mlflow.get_run`, and train it again from its params alone: the split (features,\n"
        "`train_size`, `seed`) and the forest (`n_estimators`, `random_state`). Log a run\n"
        f"`{REBUILT}` with its test MSE as the metric `mse` and the tag `rebuilt_from` set to\n"
        "the original run's ID. Do the two MSEs agree to the last digit?"
    ),
    hint_text=(
        "Params come back as text: features is one string with a comma, and the numbers need "
        "converting to int or float. The split's seed is an argument of helpers.data.split too."
    ),
    solution_code=f"""
params = mlflow.get_run(run_id).data.params
features = [f.strip() for f in params["features"].split(",")]
X_tr, X_te, y_tr, y_te = helpers.data.split(
    df, features, float(params["train_size"]), seed=int(params["seed"])
)
forest = RandomForestRegressor(
    n_estimators=int(params["n_estimators"]), random_state=int(params["random_state"])
).fit(X_tr, y_tr)
with mlflow.start_run(run_name="{REBUILT}", tags={{"rebuilt_from": run_id}}):
    mlflow.log_metric("mse", mean_squared_error(y_te, forest.predict(X_te)))
""",
    why="A run that records every setting, seeds included, can be rebuilt by anyone with the "
    "data, and the tag rebuilt_from ties the copy to its original in the store.",
    verify=_rebuilt_by_hand,
    given=GIVEN,
    wrong=(
        Wrong(
            f"""forest = RandomForestRegressor(n_estimators=50).fit(X_train, y_train)
with mlflow.start_run(run_name="{REBUILT}", tags={{"rebuilt_from": run_id}}):
    mlflow.log_metric("mse", mean_squared_error(y_test, forest.predict(X_test)))""",
            "but the run it was rebuilt from recorded",
        ),
        Wrong(
            f"""with mlflow.start_run(run_name="{REBUILT}",
                      tags={{"rebuilt_from": "RandomForest_Train80_Feature1+2"}}):
    mlflow.log_metric("mse", forest_mse(42))""",
            "which is no run ID in this store",
        ),
    ),
)


def _project_run() -> str:
    source = "tags.mlflow.source.type = 'PROJECT'"
    projects = records.runs(EXPERIMENT, source)
    found = [
        run
        for run in projects
        if run.data.params.get("model") == "random_forest"
        and _number(run.data.params.get("n_estimators")) == 200
    ]
    if not found:
        if records.on_databricks():
            raise NotYet(
                say(
                    "MLflow Projects do not run on Databricks (section 6 skips them there): do "
                    "this exercise on your own machine, with the course's local store."
                )
            )
        seen = [
            f"model={params.get('model')} n_estimators={params.get('n_estimators')}"
            for params in (run.data.params for run in projects)
        ]
        elsewhere = [
            f"{run.info.run_name} "
            f"({run.data.tags.get('mlflow.source.type', say('no source type'))})"
            for run in records.runs(EXPERIMENT, "params.n_estimators = '200'")
            if run.data.tags.get("mlflow.source.type") != "PROJECT"
        ]
        besides = (
            say(
                " Runs with n_estimators 200 not started as a project: {runs}.",
                runs=listing(elsewhere),
            )
            if elsewhere
            else ""
        )
        raise NotYet(
            say(
                "no finished project run in {experiment!r} with model=random_forest and "
                "n_estimators=200; the project runs there: {seen}.{besides} (mlflow run "
                "without --experiment-name logs to the experiment 'Default'.)",
                experiment=EXPERIMENT,
                seen=listing(seen),
                besides=besides,
            )
        )
    run = found[0]
    mse = metric(run, "mse")
    entry = run.data.tags.get("mlflow.project.entryPoint", "?")
    return say(
        "the project run {run!r} (entry point {entry!r}) recorded its parameters by itself and "
        "an mse of {mse:.4f}.",
        run=run.info.run_name,
        entry=entry,
        mse=mse,
    )


def _number(value: str | None) -> float | None:
    """Read a param as a number ('200' and '200.0' alike), or None."""
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


q3 = Exercise(
    notebook="03",
    number=3,
    title="A project run",
    practises="run an MLflow Project with parameters",
    task=(
        "Run the course's MLflow Project with a bigger forest, from a terminal in the course\n"
        "folder as in section 6:\n\n"
        "```bash\n"
        'eval "$(python -m helpers env)"\n'
        "mlflow run project --env-manager local --experiment-name 03-reproducibility \\\n"
        "    -P model=random_forest -P n_estimators=200\n"
        "```\n\n"
        "(on Windows, `python -m helpers mlflow run project ...` on one line, as in section 6),\n"
        "or from this notebook with `mlflow.projects.run` as in section 6. Then find the run\n"
        "with `mlflow.search_runs(filter_string=\"params.n_estimators = '200'\")` and rebuild\n"
        "it. (MLflow Projects do not run on Databricks: do this one on your own machine.)"
    ),
    hint_text=(
        "Section 6 ran the same project from Python: change its parameters, and keep the "
        "experiment, the local environment manager and this_python_first around it."
    ),
    solution_code="""
with helpers.environment.this_python_first():
    submitted = mlflow.projects.run(
        str(project),
        parameters={"model": "random_forest", "n_estimators": 200},
        experiment_id=tracking.experiment_id,
        run_name="project-random-forest-200",
        env_manager="local",
    )
print(rebuild(submitted.run_id))
""",
    why="A project run records its parameters, its entry point and, from a git clone, the "
    "commit of its code: one command runs it again the same way.",
    verify=_project_run,
    given=GIVEN,
    wrong=(
        Wrong(
            """from helpers.experiments import RunSpec
big = RunSpec(RandomForestRegressor(n_estimators=200), 0.8, ["feature1", "feature2"],
              "RandomForest_200_trees")
run_experiments([big], df, dataset_name="article-dummy-data", progress=False)""",
            "not started as a project",
        ),
    ),
)

"""Exercises of notebook 01: a fifth run, another seed, the best run on record, a model metric."""

from __future__ import annotations

from helpers.exercises import Exercise, Wrong, records
from helpers.exercises.language import say
from helpers.exercises.records import NotYet, client, expect, metric, param, run_named, runs

EXPERIMENT = "01-first-experiment"
FIFTH = "LinearRegression_Train80_Feature1+2"
FOREST = "RandomForest_Train80_Feature1+2"
SEED0 = "RandomForest_Train80_Feature1+2_seed0"
ONE_FEATURE_FOREST = "RandomForest_Train80_Feature1"

#: What notebook 01 has recorded by its exercises, in short (for the tests).
GIVEN = """
import mlflow
from sklearn.ensemble import RandomForestRegressor
from sklearn.linear_model import LinearRegression
from sklearn.metrics import mean_squared_error

import helpers
from helpers.experiments import run_experiments

tracking = helpers.tracking.setup("01-first-experiment")
df = helpers.data.article_data()
experiments = [
    {"model": LinearRegression(), "train_size": 0.8, "features": ["feature1"],
     "run_name": "LinearRegression_Train80_Feature1"},
    {"model": LinearRegression(), "train_size": 0.5, "features": ["feature1"],
     "run_name": "LinearRegression_Train50_Feature1"},
    {"model": RandomForestRegressor(n_estimators=50, random_state=42), "train_size": 0.8,
     "features": ["feature1"], "run_name": "RandomForest_Train80_Feature1"},
    {"model": RandomForestRegressor(n_estimators=50, random_state=42), "train_size": 0.8,
     "features": ["feature1", "feature2"], "run_name": "RandomForest_Train80_Feature1+2"},
]
results = run_experiments(experiments, df, dataset_name="article-dummy-data", progress=False)
"""


def _fifth_run() -> str:
    run = run_named(EXPERIMENT, FIFTH)
    found = {key: param(run, key) for key in ("model_type", "train_size", "features")}
    wanted = {
        "model_type": "LinearRegression",
        "train_size": "0.8",
        "features": "feature1, feature2",
    }
    wrong = [say("{key} = {found!r} (wanted {wanted!r})", key=key, found=found[key],
                 wanted=wanted[key]) for key in wanted
             if found[key] != wanted[key]]  # fmt: skip
    expect(
        not wrong,
        say("run {run!r} is there, but with the param {wrong}.", run=FIFTH, wrong="; ".join(wrong)),
    )
    mse = metric(run, "mse")
    forests = [
        r for r in runs(EXPERIMENT, f"attributes.run_name = '{FOREST}'") if "mse" in r.data.metrics
    ]
    if not forests:
        return say("its MSE is {mse:.4f}.", mse=mse)
    return say(
        "its MSE is {mse:.4f}, against {against:.4f} for {forest}.",
        mse=mse,
        against=forests[0].data.metrics["mse"],
        forest=FOREST,
    )


q1 = Exercise(
    notebook="01",
    number=1,
    title="A fifth run",
    practises="log a run from a spec with run_experiments",
    task=(
        "Add a fifth run: `LinearRegression()` with both features and a training size of\n"
        f"0.8, named `{FIFTH}`.\n"
        "Run it with `run_experiments([...], df)`. Does it beat the forest?"
    ),
    hint_text=(
        "A spec is a dict with the same four keys as the article's (model, train_size, "
        "features, run_name); run_experiments takes a list of them and the data."
    ),
    solution_code=f"""
fifth = {{"model": LinearRegression(), "train_size": 0.8, "features": ["feature1", "feature2"],
         "run_name": "{FIFTH}"}}
run_experiments([fifth], df, dataset_name="article-dummy-data")
""",
    why="One spec more is one more run with the same split, metrics and record as the others, "
    "so it compares fairly.",
    verify=_fifth_run,
    given=GIVEN,
    wrong=(
        Wrong(
            f"""run_experiments([{{"model": LinearRegression(), "train_size": 0.8,
                  "features": ["feature1"], "run_name": "{FIFTH}"}}], df, progress=False)""",
            "features = 'feature1' (wanted 'feature1, feature2')",
        ),
    ),
)


def _another_seed() -> str:
    run = run_named(EXPERIMENT, SEED0)
    kind = param(run, "model_type")
    expect(
        kind == "RandomForestRegressor",
        say("run {run!r} is a {kind}, not a RandomForestRegressor.", run=SEED0, kind=kind),
    )
    seed = param(run, "random_state")
    expect(
        seed == "0", say("run {run!r} has random_state {seed!r}, not '0'.", run=SEED0, seed=seed)
    )
    features = param(run, "features")
    expect(
        features == "feature1, feature2",
        say("run {run!r} has the features {features!r}.", run=SEED0, features=features),
    )
    mse = metric(run, "mse")
    seeded = runs(EXPERIMENT, f"attributes.run_name = '{FOREST}' and params.random_state = '42'")
    if not seeded or "mse" not in seeded[0].data.metrics:
        return say("its MSE is {mse:.4f}.", mse=mse)
    before = seeded[0].data.metrics["mse"]
    return say(
        "its MSE is {mse:.4f}, against {before:.4f} with random_state=42: the seed alone moved "
        "it by {moved:.2f}.",
        mse=mse,
        before=before,
        moved=abs(mse - before),
    )


q2 = Exercise(
    notebook="01",
    number=2,
    title="Another seed",
    practises="vary one hyperparameter, keep the rest, compare the runs",
    task=(
        "Run the forest with both features again with `random_state=0` instead of 42,\n"
        f"named `{SEED0}`, with `run_experiments` as in exercise 1.\n"
        "How much does its MSE move? What does that say about declaring a winner from one\n"
        "run per model?"
    ),
    hint_text=(
        "Copy the fourth spec of experiments, with a new forest seeded with 0 and a new run "
        "name; run_experiments logs it."
    ),
    solution_code=f"""
seed0 = {{"model": RandomForestRegressor(n_estimators=50, random_state=0), "train_size": 0.8,
         "features": ["feature1", "feature2"], "run_name": "{SEED0}"}}
run_experiments([seed0], df, dataset_name="article-dummy-data")
""",
    why="A ranking decided by one run per model can be a lucky seed: notebook 02 repeats runs "
    "over several seeds for that reason.",
    verify=_another_seed,
    given=GIVEN,
    wrong=(
        Wrong(
            f"""run_experiments([{{"model": RandomForestRegressor(n_estimators=50, random_state=42),
                  "train_size": 0.8, "features": ["feature1", "feature2"],
                  "run_name": "{SEED0}"}}], df, progress=False)""",
            "has random_state '42', not '0'",
        ),
    ),
)


def _best_on_record() -> str:
    experiment = records.experiment(EXPERIMENT)
    tag = experiment.tags.get("best_run")
    expect(
        tag,
        say(
            "experiment {experiment!r} has no tag 'best_run' yet; its tags: {tags}.",
            experiment=EXPERIMENT,
            tags=sorted(k for k in experiment.tags if not k.startswith("mlflow.")) or say("none"),
        ),
    )
    scored = [r for r in runs(EXPERIMENT) if "mse" in r.data.metrics]
    lowest = min(r.data.metrics["mse"] for r in scored)
    named = [r.data.metrics["mse"] for r in scored if r.info.run_name == tag]
    expect(
        named,
        say(
            "the tag 'best_run' is {tag!r}, but no finished run with an mse has that name.", tag=tag
        ),
    )
    expect(
        min(named) <= lowest + 1e-12,
        say(
            "the tag 'best_run' is {tag!r}, whose MSE is {mse:.4f}; {lower} run(s) here have a "
            "lower one.",
            tag=tag,
            mse=min(named),
            lower=sum(r.data.metrics["mse"] < min(named) for r in scored),
        ),
    )
    return say("{tag!r} has the lowest MSE here, {lowest:.4f}.", tag=tag, lowest=lowest)


q3 = Exercise(
    notebook="01",
    number=3,
    title="The best run, on record",
    practises="search runs in order, tag an experiment",
    task=(
        "Find the run with the lowest MSE in this experiment with `mlflow.search_runs`\n"
        '(`order_by=["metrics.mse ASC"]`) and record its name on the experiment as the tag\n'
        "`best_run`, with `mlflow.set_experiment_tag`. The forest with both features is there\n"
        "twice with the same MSE (sections 4 and 5): why do the two agree?"
    ),
    hint_text=(
        "search_runs returns a DataFrame; the run name is in the column tags.mlflow.runName. "
        "mlflow.set_experiment_tag tags the experiment set by helpers.tracking.setup."
    ),
    solution_code="""
ranked = mlflow.search_runs(order_by=["metrics.mse ASC"], max_results=3)  # active experiment
print(ranked[["tags.mlflow.runName", "metrics.mse"]])
mlflow.set_experiment_tag("best_run", ranked["tags.mlflow.runName"][0])
""",
    why="A tag on the experiment records the conclusion where the whole team sees it (the UI "
    "shows it), not only in one notebook's output.",
    verify=_best_on_record,
    given=GIVEN,
    wrong=(
        Wrong(
            'mlflow.set_experiment_tag("best_run", "LinearRegression_Train50_Feature1")',
            "run(s) here have a lower one",
        ),
    ),
)


def _model_metric() -> str:
    found = runs(EXPERIMENT, f"attributes.run_name = '{ONE_FEATURE_FOREST}'")
    outputs = [(run, out.model_id) for run in found for out in run.outputs.model_outputs]
    if not outputs:
        raise NotYet(
            say("no finished run named {run!r} has logged a model.", run=ONE_FEATURE_FOREST)
        )
    seen = []
    for run, model_id in outputs:
        model = client().get_logged_model(model_id)
        tested = [m for m in model.metrics or [] if m.key == "test_mse"]
        seen += [m.key for m in model.metrics or []]
        if not tested:
            continue
        expect(
            tested[-1].dataset_name,
            say("the model has a metric 'test_mse', but no data set: pass dataset= to log_metric."),
        )
        mse = run.data.metrics.get("mse")
        if mse is not None:  # a run without its own MSE has nothing to compare with
            expect(
                abs(tested[-1].value - mse) < 1e-6,
                say(
                    "the model's test_mse is {test_mse:.4f}, but its MSE on its own test rows is "
                    "{mse:.4f}: score the rows of helpers.data.split(df, ['feature1'], 0.8).",
                    test_mse=tested[-1].value,
                    mse=mse,
                ),
            )
        return say(
            "the model of {run!r} carries test_mse {test_mse:.4f}, with the data set {dataset!r}.",
            run=ONE_FEATURE_FOREST,
            test_mse=tested[-1].value,
            dataset=tested[-1].dataset_name,
        )
    raise NotYet(
        say(
            "the model of {run!r} has no metric 'test_mse'; its metrics: {metrics}. Pass "
            "model_id= to mlflow.log_metric.",
            run=ONE_FEATURE_FOREST,
            metrics=sorted(set(seen)) or say("none"),
        )
    )


q4 = Exercise(
    notebook="01",
    number=4,
    title="A metric for a model",
    practises="log a metric to a logged model, with its data set",
    task=(
        f"Score the model of `{ONE_FEATURE_FOREST}` (one feature) on its test rows and log\n"
        "the MSE as `test_mse` to that *model*, with `model_id=` and `dataset=`, as section 6\n"
        "did for the other forest (*A metric tied to a model and a dataset*)."
    ),
    hint_text=(
        "results has the model_uri of each run; a loaded model's metadata.model_id names it. "
        "The test rows are those of the run's own split: feature1 alone, 80% for training."
    ),
    solution_code=f"""
row = results[results["run_name"] == "{ONE_FEATURE_FOREST}"].iloc[0]
forest = mlflow.pyfunc.load_model(row["model_uri"])
X_train, X_test, y_train, y_test = helpers.data.split(df, ["feature1"], 0.8)
rows = mlflow.data.from_pandas(X_test.assign(y=y_test), name="article-test-rows", targets="y")
with mlflow.start_run(run_name="Evaluate_{ONE_FEATURE_FOREST}"):
    mse = mean_squared_error(y_test, forest.predict(X_test))
    mlflow.log_metric("test_mse", mse, model_id=forest.metadata.model_id, dataset=rows)
""",
    why="A metric tied to a model and its data stays with the model wherever it is used: "
    "the Models tab shows each model's metrics with their data sets.",
    verify=_model_metric,
    given=GIVEN,
    wrong=(
        Wrong(
            """with mlflow.start_run(run_name="Evaluate_without_model_id"):
    mlflow.log_metric("test_mse", 1.0)""",
            "has no metric 'test_mse'",
        ),
    ),
)

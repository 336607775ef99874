"""Exercises of notebook 00: two metrics in one run, a tag after the fact, a one-feature model."""

from __future__ import annotations

import mlflow
from mlflow.exceptions import MlflowException
from mlflow.models import Model

from helpers.exercises import Exercise, Wrong
from helpers.exercises.language import say
from helpers.exercises.records import NotYet, client, expect, listing, metric, run_named, runs

EXPERIMENT = "00-hello"
HELLO = "hello"
AGAIN = "hello-again"
ONE_FEATURE = "hello-one-feature"

#: What notebook 00 has recorded by its exercises, in short (for the tests).
GIVEN = """
import mlflow
from sklearn.linear_model import LinearRegression

import helpers

tracking = helpers.tracking.setup("00-hello")
with mlflow.start_run(run_name="hello") as run:
    mlflow.log_param("greeting", "hello")
    mlflow.log_metric("answer", 42)

df = helpers.data.article_data()
X, y = df[["feature1", "feature2"]], df["y"]
model = LinearRegression().fit(X, y)
with mlflow.start_run(run_name="hello-model"):
    info = mlflow.sklearn.log_model(model, name="model", input_example=X.head(2))
"""


def _two_metrics() -> str:
    run = run_named(EXPERIMENT, AGAIN)
    found = {key: metric(run, key) for key in ("answer", "answer_squared")}
    wanted = {"answer": 42.0, "answer_squared": 1764.0}
    wrong = [say("{key} = {found:g} (wanted {wanted:g})", key=key, found=found[key],
                 wanted=wanted[key]) for key in wanted
             if abs(found[key] - wanted[key]) > 1e-9]  # fmt: skip
    expect(
        not wrong,
        say(
            "run {run!r} is there, but with the metric {wrong}.", run=AGAIN, wrong="; ".join(wrong)
        ),
    )
    return say("run {run!r} has both metrics, answer = 42 and answer_squared = 1764.", run=AGAIN)


q1 = Exercise(
    notebook="00",
    number=1,
    title="Two metrics in one run",
    practises="start a run, log several metrics",
    task=(
        f"Log a new run named `{AGAIN}` in this experiment with two metrics: `answer` = 42,\n"
        "as in the `hello` run, and `answer_squared` = 42 squared (1764). Then count the runs\n"
        "of the experiment with `mlflow.search_runs()`: how many are there now?"
    ),
    hint_text=(
        "Copy the hello cell with another run name, and inside its with block log both "
        "metrics: one log_metric call each, or one log_metrics call with a dict."
    ),
    solution_code=f"""
with mlflow.start_run(run_name="{AGAIN}"):
    mlflow.log_metrics({{"answer": 42, "answer_squared": 42**2}})
print(len(mlflow.search_runs()), "runs in the experiment")
""",
    why="A run holds as many metrics as you log, and mlflow.search_runs gives each its own "
    "metrics.* column, so runs compare on all of them.",
    verify=_two_metrics,
    given=GIVEN,
    wrong=(
        Wrong(
            f"""with mlflow.start_run(run_name="{AGAIN}"):
    mlflow.log_metric("answer", 42)
    mlflow.log_metric("answer_sq", 1764)""",
            f"run {AGAIN!r} has no metric 'answer_squared'; its metrics: 'answer', 'answer_sq'",
        ),
        Wrong(
            f"""with mlflow.start_run(run_name="{AGAIN}"):
    mlflow.log_metrics({{"answer": 42, "answer_squared": 42 * 2}})""",
            "answer_squared = 84 (wanted 1764)",
        ),
    ),
)


def _tag_after_the_fact() -> str:
    every = runs(EXPERIMENT)
    hello = [run for run in every if run.info.run_name == HELLO]
    if not hello:
        run_named(EXPERIMENT, HELLO)  # says which runs there are
    if any(run.data.tags.get("reviewed") == "yes" for run in hello):
        return say(
            "the run {run!r} carries the tag reviewed = 'yes', added after it ended.", run=HELLO
        )
    values = sorted({run.data.tags["reviewed"] for run in hello if "reviewed" in run.data.tags})
    expect(
        not values,
        say(
            "the run {run!r} has the tag 'reviewed' = {values}, not 'yes' (tags are text: "
            "compare exactly).",
            run=HELLO,
            values=listing(values),
        ),
    )
    elsewhere = [run.info.run_name for run in every if run.data.tags.get("reviewed") == "yes"]
    raise NotYet(
        say(
            "no run named {run!r} has the tag 'reviewed' = 'yes'; the runs with that tag: "
            "{runs}. Tag the run of the hello cell, by its run ID.",
            run=HELLO,
            runs=listing(elsewhere),
        )
    )


q2 = Exercise(
    notebook="00",
    number=2,
    title="A tag after the fact",
    practises="find a finished run, tag it with MlflowClient",
    task=(
        f"The `{HELLO}` run has ended, but tags can still be added to it. Find it with\n"
        "`mlflow.search_runs(filter_string=\"attributes.run_name = 'hello'\")` and tag it\n"
        "with `reviewed` = `yes`, using `mlflow.MlflowClient().set_tag(run_id, key, value)`."
    ),
    hint_text=(
        "With output_format set to 'list', search_runs returns Run objects, whose run ID is "
        "in run.info.run_id. A client method takes that ID, so the run needs no restarting."
    ),
    solution_code=f"""
hello = mlflow.search_runs(
    experiment_ids=[tracking.experiment_id],
    filter_string="attributes.run_name = '{HELLO}'",
    output_format="list",
)[0]
mlflow.MlflowClient().set_tag(hello.info.run_id, "reviewed", "yes")
""",
    why="Unlike a param, which MLflow refuses to change once logged, a tag can be added or "
    "changed on a finished run: reviews and verdicts usually come after the run.",
    verify=_tag_after_the_fact,
    given=GIVEN,
    wrong=(
        Wrong(
            'mlflow.MlflowClient().set_tag(info.run_id, "reviewed", "yes")',
            "the runs with that tag: 'hello-model'",
        ),
    ),
)


def _signature_inputs(model_id: str) -> list[str] | None:
    """Read the input names of a logged model's signature, from the store the checks read."""
    store = client().tracking_uri
    try:
        if store == mlflow.get_tracking_uri():
            signature = mlflow.models.get_model_info(f"models:/{model_id}").signature
        else:  # progress(tracking_uri=...) reads another store than MLflow points at
            location = client().get_logged_model(model_id).artifact_location
            path = mlflow.artifacts.download_artifacts(
                artifact_uri=f"{location}/MLmodel", tracking_uri=store
            )
            signature = Model.load(path).signature
    except (MlflowException, OSError):
        raise NotYet(
            say(
                "the model of run {run!r} has no readable MLmodel file: log it again with "
                "mlflow.sklearn.log_model.",
                run=ONE_FEATURE,
            )
        ) from None
    return None if signature is None else signature.inputs.input_names()


def _one_feature_model() -> str:
    run = run_named(EXPERIMENT, ONE_FEATURE)
    outputs = run.outputs.model_outputs
    expect(
        outputs,
        say(
            "run {run!r} has logged no model: call mlflow.sklearn.log_model inside it.",
            run=ONE_FEATURE,
        ),
    )
    inputs = _signature_inputs(outputs[-1].model_id)
    expect(
        inputs is not None,
        say(
            "the model of run {run!r} has no signature: pass input_example= to log_model, and "
            "MLflow infers it.",
            run=ONE_FEATURE,
        ),
    )
    expect(
        inputs == ["feature1"],
        say(
            "the model of run {run!r} takes the inputs {inputs}; wanted 'feature1' only: train "
            "it (and make its input example) on df[['feature1']].",
            run=ONE_FEATURE,
            inputs=listing(inputs),
        ),
    )
    return say("the model of run {run!r} takes one input, 'feature1'.", run=ONE_FEATURE)


q3 = Exercise(
    notebook="00",
    number=3,
    title="A model on one feature",
    practises="log a model with an input example, read its signature",
    task=(
        "Train a `LinearRegression` on `feature1` only and log it with\n"
        f"`mlflow.sklearn.log_model` in a run named `{ONE_FEATURE}`, with an input example.\n"
        "Then print the signature of the model URI that `log_model` returns, with\n"
        "`mlflow.models.get_model_info(uri).signature`: which inputs does the model expect?"
    ),
    hint_text=(
        "Select the column as a DataFrame, df[['feature1']] (two brackets), and use it both "
        "to fit the model and for input_example: the signature comes from the example."
    ),
    solution_code=f"""
X1 = df[["feature1"]]
one_feature = LinearRegression().fit(X1, y)
with mlflow.start_run(run_name="{ONE_FEATURE}"):
    info1 = mlflow.sklearn.log_model(one_feature, name="model", input_example=X1.head(2))
print(mlflow.models.get_model_info(info1.model_uri).signature)
""",
    why="The signature records the columns a model expects: the loaded pyfunc model checks "
    "its input against it, so a missing feature is an error, not a silent wrong prediction.",
    verify=_one_feature_model,
    given=GIVEN,
    wrong=(
        Wrong(
            f"""with mlflow.start_run(run_name="{ONE_FEATURE}"):
    mlflow.sklearn.log_model(model, name="model", input_example=X.head(2))""",
            "takes the inputs 'feature1', 'feature2'",
        ),
    ),
)

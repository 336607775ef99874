"""Exercises of notebook 04: a baseline alias, a rollback, a version tag, what served on record."""

from __future__ import annotations

from mlflow.entities import Run
from mlflow.entities.model_registry import ModelVersion
from mlflow.exceptions import MlflowException

from helpers import tracking
from helpers.exercises import Exercise, Wrong, records
from helpers.exercises.language import say
from helpers.exercises.records import NotYet, client, expect, metric, run_named, version_by_alias

EXPERIMENT = "04-model-registry"
MODEL = "article_model"
CHECK_RUN = "champion-check"
BOTH = "feature1, feature2"

#: What notebook 04 has recorded by its exercises, in short (for the tests): version 1 (the
#: forest with both features, described and tagged) and version 2 (the straight line, now
#: the champion); the alias challenger was deleted.
GIVEN = """
import mlflow
from sklearn.linear_model import LinearRegression
from sklearn.metrics import mean_squared_error

import helpers
from helpers.experiments import RunSpec, article_specs, run_experiments

tracking = helpers.tracking.setup("04-model-registry")
client = mlflow.MlflowClient()
df = helpers.data.article_data()
results = run_experiments(article_specs(), df, dataset_name="article-dummy-data", reuse=True,
                          progress=False)
best = helpers.compare.best_run(results, "mse")

name = helpers.registry.model_name("article_model")
champion_version = helpers.registry.register(best["model_uri"], name)
client.set_registered_model_alias(name, "champion", champion_version.version)
client.update_registered_model(name, description="Predicts y from feature1 and feature2.")
client.update_model_version(
    name, champion_version.version, description="Best of the article's four runs."
)
client.set_model_version_tag(name, champion_version.version, "validated_mse", f"{best['mse']:.4f}")
X_train, X_test, y_train, y_test = helpers.data.split(df, ["feature1", "feature2"], 0.8)

line = RunSpec(
    LinearRegression(), 0.8, ["feature1", "feature2"], "LinearRegression_Train80_Feature1+2"
)
challenger_run = run_experiments([line], df, dataset_name="article-dummy-data", reuse=True,
                                 progress=False)
challenger_version = helpers.registry.register(challenger_run["model_uri"][0], name)
client.set_registered_model_alias(name, "challenger", challenger_version.version)

client.set_registered_model_alias(name, "champion", challenger_version.version)
client.delete_registered_model_alias(name, "challenger")
champion = mlflow.pyfunc.load_model(f"models:/{name}@champion")
"""


def _run_of(version: ModelVersion) -> Run | None:
    """Return the run a version came from (through its logged model if it names no run)."""
    run_id = version.run_id
    if not run_id and getattr(version, "model_id", None):
        run_id = client().get_logged_model(version.model_id).source_run_id
    try:
        return client().get_run(run_id) if run_id else None
    except MlflowException:
        return None


def _described(version: ModelVersion) -> str:
    """Say which run a version holds, e.g. "version 2, from run 'X' (LinearRegression, ...)"."""
    run = _run_of(version)
    if run is None:
        return say("version {version}, whose run is not in this store", version=version.version)
    params = run.data.params
    return say(
        "version {version}, from run {run!r} ({model_type} with the features {features!r})",
        version=version.version,
        run=run.info.run_name,
        model_type=params.get("model_type", "?"),
        features=params.get("features", "?"),
    )


def _origin(version: ModelVersion) -> str | None:
    """Return what a version was registered from: its logged model, else its run."""
    return getattr(version, "model_id", None) or version.run_id


def _holds(version: ModelVersion, model_type: str, features: str) -> bool:
    """Tell whether a version holds a model of this type trained on these features."""
    run = _run_of(version)
    params = run.data.params if run else {}
    return params.get("model_type") == model_type and params.get("features") == features


def _baseline() -> str:
    name = records.model_name(MODEL)
    version = version_by_alias(name, "baseline")
    expect(
        _holds(version, "RandomForestRegressor", "feature1"),
        say(
            "the alias 'baseline' points at {version}; it should be the forest with one feature "
            "(results['model_uri'][2]): register that model, then set the alias on its new "
            "version.",
            version=_described(version),
        ),
    )
    return say("'baseline' points at {version}.", version=_described(version))


q1 = Exercise(
    notebook="04",
    number=1,
    title="A baseline",
    practises="register a model as a new version, set an alias",
    task=(
        'Register the forest with one feature (`results["model_uri"][2]`) as a new version of\n'
        "`name`, and give that version the alias `baseline`: the model every candidate must\n"
        "beat. Print `helpers.registry.versions(name)` to see the three versions."
    ),
    hint_text=(
        "Register first, as section 2 did for the best run's model: the version it returns "
        "has the number the alias needs."
    ),
    solution_code="""
baseline_version = helpers.registry.register(results["model_uri"][2], name)
client.set_registered_model_alias(name, "baseline", baseline_version.version)
helpers.registry.versions(name)
""",
    why="An alias names a role, not a number: code and people can refer to the baseline "
    "without knowing which version it is.",
    verify=_baseline,
    given=GIVEN,
    wrong=(
        Wrong(
            """version = client.get_model_version_by_alias(name, "champion").version
client.set_registered_model_alias(name, "baseline", version)""",
            "the alias 'baseline' points at version 2, from run "
            "'LinearRegression_Train80_Feature1+2'",
        ),
    ),
)


def _rolled_back() -> str:
    name = records.model_name(MODEL)
    version = version_by_alias(name, "champion")
    expect(
        _holds(version, "RandomForestRegressor", BOTH),
        say(
            "the alias 'champion' points at {version}; roll it back to the former champion, the "
            "forest with both features.",
            version=_described(version),
        ),
    )
    same_model = [
        int(other.version)
        for other in client().search_model_versions(f"name = {tracking.quote(name)}")
        if _origin(other) == _origin(version)
    ]
    first = min(same_model, default=int(version.version))
    expect(
        first == int(version.version),
        say(
            "the alias 'champion' points at version {version}, a second copy of version "
            "{first}'s model (registered again): a rollback moves the alias back to version "
            "{first}, which keeps its description and tags.",
            version=version.version,
            first=first,
        ),
    )
    return say("'champion' is back on {version}.", version=_described(version))


q2 = Exercise(
    notebook="04",
    number=2,
    title="A rollback",
    practises="move an alias back to an earlier version",
    task=(
        "Suppose the straight line misbehaves in production: roll back. Point `champion` back\n"
        "at the version it had before the promotion (the forest with both features), and\n"
        "check with `client.get_model_version_by_alias`. What does code that loads\n"
        "`models:/article_model@champion` serve now?"
    ),
    hint_text=(
        "A rollback registers nothing: the former champion is still a version of the model, "
        "and the notebook kept it in a variable."
    ),
    solution_code="""
client.set_registered_model_alias(name, "champion", champion_version.version)
print("champion is version", client.get_model_version_by_alias(name, "champion").version)
""",
    why="Rolling back is moving an alias: whatever loads models:/article_model@champion gets "
    "the forest again at its next load, without a change to its code.",
    verify=_rolled_back,
    given=GIVEN,
    wrong=(
        Wrong(
            'helpers.registry.set_alias(name, "champion", 3)',
            "the alias 'champion' points at version 3, from run 'RandomForest_Train80_Feature1'",
        ),
        Wrong(
            """copy = mlflow.register_model(best["model_uri"], name)
client.set_registered_model_alias(name, "champion", copy.version)""",
            "a second copy of version 1's model",
        ),
    ),
)


def _reviewed() -> str:
    name = records.model_name(MODEL)
    version = version_by_alias(name, "champion")
    reviewer = version.tags.get("reviewed_by")
    if reviewer:
        return say(
            "{version}, the champion, carries reviewed_by = {reviewer!r}.",
            version=_described(version),
            reviewer=reviewer,
        )
    on_model = client().get_registered_model(name).tags.get("reviewed_by")
    expect(
        not on_model,
        say(
            "the tag 'reviewed_by' is on the registered model {name!r}, not on the version: a "
            "registered model's tag belongs to the model as a whole. Tag version {version}, the "
            "champion, with set_model_version_tag.",
            name=name,
            version=version.version,
        ),
    )
    tagged = [
        found.version
        for found in client().search_model_versions(f"name = {tracking.quote(name)}")
        if client().get_model_version(name, found.version).tags.get("reviewed_by")
    ]
    if tagged:
        raise NotYet(
            say(
                "version {version}, the champion, has no tag 'reviewed_by'; the versions that "
                "have it: {versions}.",
                version=version.version,
                versions=", ".join(sorted(tagged)),
            )
        )
    raise NotYet(
        say("version {version}, the champion, has no tag 'reviewed_by'.", version=version.version)
    )


q3 = Exercise(
    notebook="04",
    number=3,
    title="Reviewed by",
    practises="tag a model version",
    task=(
        "Record who reviewed the champion: add a tag `reviewed_by` with your name to the\n"
        "version `champion` points at (after exercise 2, the forest). Then list the versions\n"
        "with their tags with `helpers.registry.versions(name)`."
    ),
    hint_text=(
        "The client has one method to tag a registered model and another to tag one of its "
        "versions; section 3 used the second."
    ),
    solution_code="""
version = client.get_model_version_by_alias(name, "champion").version
client.set_model_version_tag(name, version, "reviewed_by", "your name")
helpers.registry.versions(name)
""",
    why="A version tag stays with that version wherever an alias moves, so the registry shows "
    "which version was reviewed, and by whom.",
    verify=_reviewed,
    given=GIVEN,
    wrong=(
        Wrong(
            'client.set_registered_model_tag(name, "reviewed_by", "your name")',
            "is on the registered model",
        ),
    ),
)


def _champion_check() -> str:
    name = records.model_name(MODEL)
    run = run_named(EXPERIMENT, CHECK_RUN)
    named = run.data.params.get("model_version") or run.data.tags.get("model_version")
    expect(
        named,
        say(
            "run {run!r} has no param or tag 'model_version'; its params: {params}.",
            run=CHECK_RUN,
            params=records.listing(run.data.params),
        ),
    )
    expect(
        named.isdigit(),
        say(
            "run {run!r} has model_version {named!r}, which is no version number: record the "
            "number the alias resolved to, as an alias moves on.",
            run=CHECK_RUN,
            named=named,
        ),
    )
    champion = version_by_alias(name, "champion")
    expect(
        named == str(champion.version),
        say(
            "run {run!r} names version {named}, but 'champion' points at version {version}: "
            "score the champion again after exercise 2.",
            run=CHECK_RUN,
            named=named,
            version=champion.version,
        ),
    )
    source = _run_of(champion)
    expect(
        source is not None,
        say("the run of version {version} is not in this store.", version=champion.version),
    )
    mse, recorded = metric(run, "mse"), metric(source, "mse")
    expect(
        abs(mse - recorded) < 1e-6,
        say(
            "run {run!r} has mse {mse:.4f}, but the run of version {named} recorded "
            "{recorded:.4f} on the same test rows: score X_test with the model that version "
            "holds (load models:/{name}@champion again: a model loaded earlier does not follow "
            "the alias).",
            run=CHECK_RUN,
            mse=mse,
            named=named,
            recorded=recorded,
            name=name,
        ),
    )
    return say(
        "{run!r} records that version {named} served, with mse {mse:.4f}.",
        run=CHECK_RUN,
        named=named,
        mse=mse,
    )


q4 = Exercise(
    notebook="04",
    number=4,
    title="What served, on record",
    practises="load a model by alias, record the version it resolved to",
    task=(
        "An alias moves, so a record of what served must name the version. Load\n"
        "`models:/<name>@champion`, score it on `X_test`, and log a run `champion-check`\n"
        "with the MSE as the metric `mse` and, as the param `model_version`, the version\n"
        "number `champion` pointed at (`client.get_model_version_by_alias`)."
    ),
    hint_text=(
        "The variable champion still holds the model loaded before your rollback: a loaded "
        "model does not change when its alias moves. Load it by the alias again."
    ),
    solution_code=f"""
served = client.get_model_version_by_alias(name, "champion")
model = mlflow.pyfunc.load_model(f"models:/{{name}}@champion")
with mlflow.start_run(run_name="{CHECK_RUN}"):
    mlflow.log_param("model_version", served.version)
    mlflow.log_metric("mse", mean_squared_error(y_test, model.predict(X_test)))
""",
    why="Metrics of a model loaded by alias mean little later unless the run names the "
    "version: the alias may point elsewhere tomorrow.",
    verify=_champion_check,
    given=GIVEN,
    wrong=(
        Wrong(
            f"""with mlflow.start_run(run_name="{CHECK_RUN}"):
    mlflow.log_param("model_version", "champion")
    mlflow.log_metric("mse", mean_squared_error(y_test, champion.predict(X_test)))""",
            "which is no version number",
        ),
        Wrong(
            f"""with mlflow.start_run(run_name="{CHECK_RUN}"):
    version = client.get_model_version_by_alias(name, "champion").version
    mlflow.log_param("model_version", version)
    mlflow.log_metric("mse", mean_squared_error(y_test, champion.predict(X_test)))""",
            "does not follow the alias",
        ),
    ),
)

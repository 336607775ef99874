"""Exercises of notebook 07: a fourth member, r2 beside rmse, a review of the notes."""

from __future__ import annotations

import re

from mlflow.entities import Run

from helpers.exercises import Exercise, Wrong, records
from helpers.exercises.language import say
from helpers.exercises.records import NotYet, expect, listing, runs

#: Said under the exercises' heading in notebook 07, after what every notebook says there.
NOTE = """In this notebook the checks read the team server of section 1, as the reviewer who
joined it: do the exercises while it runs. The last cell stops it, and its runs go with
it (it keeps them in a temporary folder). `progress()` reads the store MLflow points at,
here the team server; in the other notebooks, your own store."""

#: The team's shared experiment: on a local team server, and on Databricks.
TEAM = "team-project"
TEAM_ON_DATABRICKS = "/Shared/team-project"
#: Who has logged (or joined) by the time of the exercises.
MEMBERS = ("member_a", "member_b", "member_c")
REVIEWER = "reviewer"
NOTE_TAG = "mlflow.note.content"
MENTIONS_MAX_DEPTH = "tags.`mlflow.note.content` LIKE '%max_depth%'"

#: What notebook 07 has recorded by its exercises, in short (for the tests): a real team
#: server (the tests stop ``team_server``), the three members' runs, and the notebook
#: joined as the reviewer. The members log in this Python, as the notebook does on Databricks.
GIVEN = """
import runpy

import mlflow

import helpers

tracking = helpers.tracking.setup("07-team-collaboration")
team_server = helpers.server.start()
team_url, team_experiment = team_server.url, "team-project"
members = {"member_a": "ridge", "member_b": "forest", "member_c": "boosting"}
script = helpers.environment.course_root() / "notebooks" / "team_member.py"
for name, family in members.items():
    runpy.run_path(str(script))["main"]([team_url, name, family, team_experiment])
helpers.workshop.join(team_url, "reviewer", experiment=team_experiment)
"""


def _team() -> str:
    """Return the shared experiment's name in the store the checks read."""
    return TEAM_ON_DATABRICKS if records.on_databricks() else TEAM


def _participant(run: Run) -> str:
    """Return who logged a run (the tag ``participant`` that join sets), or ""."""
    return run.data.tags.get("participant", "")


def _fourth_member() -> str:
    team = _team()
    scored = [
        run
        for run in runs(team, everyone=True)  # the whole team's, not only the reviewer's
        if "rmse" in run.data.metrics and _participant(run)
    ]
    newcomers = [run for run in scored if _participant(run) not in (*MEMBERS, REVIEWER)]
    expect(
        newcomers,
        say(
            "no participant other than 'member_a', 'member_b', 'member_c' and 'reviewer' has a "
            "finished run with an rmse in {team!r} yet; the participants there: "
            "{participants}. A member who is there already adds nothing: team_member.py skips "
            "the runs that member logged before.",
            team=team,
            participants=listing(map(_participant, scored)),
        ),
    )
    ridge = [run for run in newcomers if run.data.params.get("model_type") == "Ridge"]
    expect(
        ridge,
        say(
            "{newcomers} logged runs with an rmse, but no Ridge (param model_type = 'Ridge'); "
            "their models: {models}.",
            newcomers=listing(map(_participant, newcomers)),
            models=listing(run.data.params.get("model_type", "none") for run in newcomers),
        ),
    )
    name = _participant(ridge[0])
    best: dict[str, float] = {}
    for run in scored:
        who = _participant(run)
        best[who] = min(best.get(who, float("inf")), run.data.metrics["rmse"])
    rank = 1 + sum(score < best[name] - 1e-9 for score in best.values())
    level = [who for who, score in best.items() if who != name and abs(score - best[name]) < 1e-9]
    tie = (
        say(
            ", level with {level}: the same model, settings and data split give the same rmse",
            level=listing(level),
        )
        if level
        else ""
    )
    return say(
        "the newcomer {name!r} ranks {rank} of {count} on the leaderboard, with a best rmse of "
        "{best:.2f}{tie}.",
        name=name,
        rank=rank,
        count=len(best),
        best=best[name],
        tie=tie,
    )


q1 = Exercise(
    notebook="07",
    number=1,
    title="A fourth member",
    practises="join a shared experiment as a new member and log runs",
    task=(
        "A fourth member joins the team: run `team_member.py`'s `main` in this notebook, as\n"
        'section 2 does on Databricks (`runpy.run_path(str(script))["main"]`), with the\n'
        'arguments `[team_url, NAME, "ridge", team_experiment]`, NAME being a new name (not\n'
        "member_a, member_b, member_c or reviewer). `main` joins as that member, so join\n"
        "again as `reviewer` afterwards. Where does the newcomer land on the leaderboard,\n"
        "and why is that not surprising?"
    ),
    hint_text=(
        "main takes the four arguments of the command line as a list: the server's address, "
        "the member's name, the model (ridge, forest or boosting) and the experiment."
    ),
    solution_code="""
log_member_runs = runpy.run_path(str(script))["main"]  # team_member.py's main, in this Python
log_member_runs([team_url, "member_d", "ridge", team_experiment])
helpers.workshop.join(team_url, "reviewer", experiment=team_experiment)  # yourself again
runs = helpers.compare.runs_table(team_experiment, order_by=["attributes.run_name ASC"])
helpers.workshop.leaderboard(runs, "rmse").round(2)
""",
    why="Joining takes an address, a name and the experiment: the newcomer's runs land beside "
    "everyone's, tagged with who logged them, and rank on the same leaderboard.",
    verify=_fourth_member,
    given=GIVEN,
    wrong=(
        Wrong(
            """log_member_runs = runpy.run_path(str(script))["main"]
log_member_runs([team_url, "member_a", "ridge", team_experiment])
helpers.workshop.join(team_url, "reviewer", experiment=team_experiment)""",
            "no participant other than 'member_a', 'member_b', 'member_c' and 'reviewer'",
        ),
        Wrong(
            """log_member_runs = runpy.run_path(str(script))["main"]
log_member_runs([team_url, "member_e", "forest", team_experiment])
helpers.workshop.join(team_url, "reviewer", experiment=team_experiment)""",
            "'member_e' logged runs with an rmse, but no Ridge",
        ),
    ),
)


def _like_r2(key: str) -> bool:
    """Tell whether a metric's name looks like an attempt at ``r2``."""
    plain = re.sub(r"[^a-z0-9]", "", key.lower())
    return key != "r2" and (plain.startswith("r2") or plain in ("rsquared", "rsquare"))


def _r2_too() -> str:
    team = _team()
    logged = [run for run in runs(team) if _participant(run)]
    with_r2 = [run for run in logged if "r2" in run.data.metrics]
    if not with_r2:
        keys = {key for run in logged for key in run.data.metrics}
        near = [key for key in keys if _like_r2(key)]
        instead = (
            say(
                " Found {near} instead: the run table and the leaderboard find a metric by its "
                "exact name, so name it 'r2'.",
                near=listing(near),
            )
            if near
            else ""
        )
        raise NotYet(
            say(
                "none of your finished runs in {team!r} has a metric 'r2' yet; the metrics of "
                "your runs there: {keys}.{instead}",
                team=team,
                keys=listing(keys),
                instead=instead,
            )
        )
    both = [run for run in with_r2 if "rmse" in run.data.metrics]
    expect(
        both,
        say(
            "run {run!r} has an r2 but no 'rmse': log both metrics in one run, so that it ranks "
            "by either.",
            run=with_r2[0].info.run_name,
        ),
    )
    run = both[0]
    r2, rmse = run.data.metrics["r2"], run.data.metrics["rmse"]
    expect(
        r2 <= 1,
        say(
            "run {run!r} has r2 = {r2:.4g}, but an R² is at most 1: log "
            "r2_score(y_test, predicted) of the test rows.",
            run=run.info.run_name,
            r2=r2,
        ),
    )
    return say(
        "run {run!r} of {participant!r} has rmse {rmse:.2f} and r2 {r2:.2f}: it explains "
        "{r2:.0%} of the variance of y on the test rows.",
        run=run.info.run_name,
        participant=_participant(run),
        rmse=rmse,
        r2=r2,
    )


q2 = Exercise(
    notebook="07",
    number=2,
    title="r2 as well as rmse",
    practises="log several metrics in one run, rank by another metric",
    task=(
        "Log a run of your own (as `reviewer`, who joined in section 3) to the team's\n"
        "experiment with two metrics: `rmse` and `r2` (scikit-learn's `r2_score` on the test\n"
        "rows). Fit any model on `helpers.data.diabetes()`, split with\n"
        "`helpers.data.split(data, features, 0.8)` as `team_member.py` does. Then rank the team\n"
        "by `r2` with `helpers.workshop.leaderboard`: who is on it, and why?"
    ),
    hint_text=(
        "team_member.py computes rmse with mean_squared_error; sklearn.metrics.r2_score takes "
        "the same two arguments. mlflow.log_metrics logs both at once, under the names you give."
    ),
    solution_code="""
from sklearn.linear_model import Ridge
from sklearn.metrics import mean_squared_error, r2_score

data = helpers.data.diabetes()
features = [c for c in data.columns if c != "y"]
X_train, X_test, y_train, y_test = helpers.data.split(data, features, 0.8)
with mlflow.start_run(run_name="reviewer-ridge-alpha=0.1"):
    predicted = Ridge(alpha=0.1).fit(X_train, y_train).predict(X_test)
    mlflow.log_params({"model_type": "Ridge", "alpha": 0.1})
    mlflow.log_metrics({"rmse": mean_squared_error(y_test, predicted) ** 0.5,
                        "r2": r2_score(y_test, predicted)})
runs = helpers.compare.runs_table(team_experiment, order_by=["attributes.run_name ASC"])
print(helpers.workshop.leaderboard(runs, "r2").round(3))  # only the runs that logged r2
""",
    why="A run can carry several metrics, so each teammate can rank by the one their question "
    "needs; but only runs that logged it under that exact name are ranked, so a team agrees "
    "on metric names.",
    verify=_r2_too,
    given=GIVEN,
    wrong=(
        Wrong(
            """with mlflow.start_run(run_name="reviewer-R2"):
    mlflow.log_metrics({"rmse": 53.45, "R2": 0.46})""",
            "Found 'R2' instead",
        ),
        Wrong(
            """with mlflow.start_run(run_name="reviewer-r2_score"):
    mlflow.log_metrics({"rmse": 53.45, "r2_score": 0.46})""",
            "'r2_score' instead",
        ),
    ),
)


def _reviewed() -> str:
    team = _team()
    noted = runs(team, MENTIONS_MAX_DEPTH, everyone=True)
    expect(
        noted,
        say(
            "no run in {team!r} has a note ({note}) that mentions max_depth: run the notebook's "
            "cells first.",
            team=team,
            note=NOTE_TAG,
        ),
    )
    tagged = {run.info.run_id: run for run in runs(team, "tags.reviewed = 'yes'", everyone=True)}
    missing = [run for run in noted if run.info.run_id not in tagged]
    others = sorted({run.data.tags["reviewed"] for run in missing if "reviewed" in run.data.tags})
    lacking = listing(run.info.run_name for run in missing)
    theirs = say(" (their tag reviewed: {others})", others=listing(others)) if others else ""
    expect(
        not missing,
        say(
            "none of the {count} runs whose note mentions max_depth carries the tag "
            "reviewed = 'yes' yet: {lacking}{theirs}.",
            count=len(noted),
            lacking=lacking,
            theirs=theirs,
        )
        if len(missing) == len(noted)
        else say(
            "{missing} of the {count} runs whose note mentions max_depth do not carry the tag "
            "reviewed = 'yes' yet: {lacking}{theirs}.",
            missing=len(missing),
            count=len(noted),
            lacking=lacking,
            theirs=theirs,
        ),
    )
    wanted = {run.info.run_id for run in noted}
    extra = [run.info.run_name for run_id, run in tagged.items() if run_id not in wanted]
    expect(
        not extra,
        say(
            "the {count} runs whose note mentions max_depth carry reviewed = 'yes', but so do "
            "{extra_count} whose note does not: {extra}. Remove it from those with "
            "MlflowClient().delete_tag.",
            count=len(noted),
            extra_count=len(extra),
            extra=listing(extra),
        ),
    )
    return say(
        "the {count} runs whose note mentions max_depth, and only they, carry reviewed = 'yes': "
        "{runs}.",
        count=len(noted),
        runs=listing(run.info.run_name for run in noted),
    )


q3 = Exercise(
    notebook="07",
    number=3,
    title="Review the notes",
    practises="search runs by their note with LIKE, tag runs after the fact",
    task=(
        "Find every run of the team's experiment whose note (the tag `mlflow.note.content`)\n"
        "mentions `max_depth`, with `mlflow.search_runs` and the filter\n"
        "`` filter_string=\"tags.`mlflow.note.content` LIKE '%max_depth%'\" ``, and tag each\n"
        "of them `reviewed` = `yes` with `mlflow.MlflowClient().set_tag`. Those runs, and\n"
        "only those, should carry the tag."
    ),
    hint_text=(
        "search_runs returns a DataFrame with a run_id column; a client's set_tag tags one run "
        "by its ID, finished or not, and its delete_tag removes a tag set by mistake."
    ),
    solution_code="""
client = mlflow.MlflowClient()
noted = mlflow.search_runs(
    experiment_names=[team_experiment],
    filter_string="tags.`mlflow.note.content` LIKE '%max_depth%'",
)
for run_id in noted["run_id"]:
    client.set_tag(run_id, "reviewed", "yes")
tagged = mlflow.search_runs(
    experiment_names=[team_experiment], filter_string="tags.reviewed = 'yes'"
)
for run_id in set(tagged["run_id"]) - set(noted["run_id"]):
    client.delete_tag(run_id, "reviewed")  # tagged by mistake before
print(sorted(noted["tags.mlflow.runName"]))
""",
    why="A tag set after the fact records the team's review on the runs themselves, where a "
    "filter (tags.reviewed = 'yes') and the MLflow UI find it; the notes say what each run "
    "tried without asking its author.",
    verify=_reviewed,
    given=GIVEN,
    wrong=(
        Wrong(
            """noted = mlflow.search_runs(experiment_names=[team_experiment],
                           filter_string="tags.`mlflow.note.content` LIKE '%max_depth%'")
for run_id in noted["run_id"]:
    mlflow.MlflowClient().set_tag(run_id, "reviewed", True)""",
            "(their tag reviewed: 'True')",
        ),
        Wrong(
            """for run_id in mlflow.search_runs(experiment_names=[team_experiment])["run_id"]:
    mlflow.MlflowClient().set_tag(run_id, "reviewed", "yes")""",
            "but so do",
        ),
    ),
)

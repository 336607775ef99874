"""One member of the team in notebook 07: joins the shared experiment and logs a few runs.

Usage: python team_member.py SERVER_URL NAME MODEL [EXPERIMENT]
SERVER_URL is the tracking server's address, or ``databricks`` for the workspace; MODEL is
ridge, forest or boosting; EXPERIMENT is ``team-project`` unless given. Each member tries
three settings of their model on the diabetes data and explains each run in a note. A run
this member logged before is not logged again, so running the notebook twice adds nothing.
"""

import sys

import mlflow
from sklearn.ensemble import HistGradientBoostingRegressor, RandomForestRegressor
from sklearn.linear_model import Ridge
from sklearn.metrics import mean_squared_error

import helpers

SETTINGS = {
    "ridge": [Ridge(alpha=alpha) for alpha in (0.1, 1.0, 10.0)],
    "forest": [
        RandomForestRegressor(n_estimators=100, max_depth=depth, random_state=42)
        for depth in (3, 5, 8)
    ],
    "boosting": [
        HistGradientBoostingRegressor(learning_rate=rate, random_state=42)
        for rate in (0.03, 0.1, 0.3)
    ],
}
TUNED = {"ridge": "alpha", "forest": "max_depth", "boosting": "learning_rate"}


def main(argv: list[str] | None = None) -> None:
    """Join, then log one run per setting with a note and tags.

    Args:
        argv: ``[SERVER_URL, NAME, MODEL]`` or with ``EXPERIMENT``; the command line's when
            None.
    """
    url, name, family, *rest = sys.argv[1:] if argv is None else argv
    helpers.workshop.join(url, name, experiment=rest[0] if rest else "team-project")
    data = helpers.data.diabetes()
    features = [c for c in data.columns if c != "y"]
    X_train, X_test, y_train, y_test = helpers.data.split(data, features, 0.8)
    for model in SETTINGS[family]:
        setting = TUNED[family]
        value = model.get_params()[setting]
        run_name = f"{name}-{family}-{setting}={value}"
        if not mlflow.search_runs(filter_string=f"tags.mlflow.runName = '{run_name}'").empty:
            continue
        with mlflow.start_run(run_name=run_name):
            model.fit(X_train, y_train)
            rmse = mean_squared_error(y_test, model.predict(X_test)) ** 0.5
            mlflow.log_params({"model_type": type(model).__name__, setting: value})
            mlflow.log_metric("rmse", rmse)
            note = f"{name} tries {type(model).__name__} with {setting}={value}."
            mlflow.set_tags({"family": family, "mlflow.note.content": note})


if __name__ == "__main__":
    main()

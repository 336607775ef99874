"""One member of the team in notebook 07: joins the shared server and logs a few runs.

Usage: python team_member.py SERVER_URL NAME MODEL
MODEL is ridge, forest or boosting. Each member tries three settings of their model on the
diabetes data and explains each run in a note.
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


def main() -> None:
    """Join, then log one run per setting with a note and tags."""
    url, name, family = sys.argv[1:4]
    helpers.workshop.join(url, name, experiment="team-project")
    data = helpers.data.diabetes()
    features = [c for c in data.columns if c != "y"]
    X_train, X_test, y_train, y_test = helpers.data.split(data, features, 0.8)
    for model in SETTINGS[family]:
        setting = TUNED[family]
        value = model.get_params()[setting]
        with mlflow.start_run(run_name=f"{name}-{family}-{setting}={value}"):
            model.fit(X_train, y_train)
            rmse = mean_squared_error(y_test, model.predict(X_test)) ** 0.5
            mlflow.log_params({"model_type": type(model).__name__, setting: value})
            mlflow.log_metric("rmse", rmse)
            note = f"{name} tries {type(model).__name__} with {setting}={value}."
            mlflow.set_tags({"family": family, "mlflow.note.content": note})


if __name__ == "__main__":
    main()

"""Train and log one run of the article's experiment; the entry point of ``MLproject``.

``mlflow run`` starts the run and passes its ID in ``MLFLOW_RUN_ID``, so ``start_run()``
below continues that run instead of opening a new one.
"""

from __future__ import annotations

import argparse

import mlflow
from sklearn.ensemble import RandomForestRegressor
from sklearn.linear_model import LinearRegression
from sklearn.metrics import mean_squared_error

import helpers


def main() -> None:
    """Parse the parameters, train, and log params, metric, data set and model."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", choices=["random_forest", "linear_regression"], required=True)
    parser.add_argument("--train-size", type=float, required=True)
    parser.add_argument("--features", required=True, help="comma-separated column names")
    parser.add_argument("--n-estimators", type=float, default=50)
    parser.add_argument("--seed", type=float, default=42)
    args = parser.parse_args()

    seed, features = int(args.seed), args.features.split(",")
    df = helpers.data.article_data()
    X_train, X_test, y_train, y_test = helpers.data.split(df, features, args.train_size, seed=seed)
    if args.model == "random_forest":
        model = RandomForestRegressor(n_estimators=int(args.n_estimators), random_state=seed)
    else:
        model = LinearRegression()

    with mlflow.start_run():  # the project's parameters are logged as params already
        model.fit(X_train, y_train)
        mse = mean_squared_error(y_test, model.predict(X_test))
        settings = {k: v for k, v in model.get_params().items() if k != "n_estimators"}
        mlflow.log_params({"model_type": type(model).__name__, **settings})
        mlflow.log_metric("mse", mse)
        training = X_train.assign(y=y_train)
        dataset = mlflow.data.from_pandas(training, name="article-dummy-data", targets="y")
        mlflow.log_input(dataset, context="training")
        helpers.models.log_sklearn_model(model, X_train)


if __name__ == "__main__":
    main()

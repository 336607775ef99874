import importlib.metadata
from pathlib import Path
from urllib.parse import urlparse

import mlflow
import numpy as np
import pytest
from sklearn.ensemble import RandomForestRegressor
from sklearn.linear_model import LinearRegression
from sklearn.neighbors import KNeighborsRegressor

from helpers import data, models


@pytest.fixture(scope="module")
def train():
    X_train, _, y_train, _ = data.split(data.article_data(), ["feature1", "feature2"], 0.8)
    return X_train, y_train


def model_dir(info) -> Path:
    return Path(urlparse(info.artifact_path).path)


def test_pip_requirements_are_pinned_to_what_is_installed():
    reqs = models.pip_requirements()
    assert reqs[0] == f"mlflow=={mlflow.__version__}"
    for name in ("scikit-learn", "skops", "numpy", "scipy", "pandas"):
        assert f"{name}=={importlib.metadata.version(name)}" in reqs
    assert "cloudpickle==" in " ".join(models.pip_requirements("cloudpickle"))
    with pytest.raises(ValueError, match="'skops' or 'cloudpickle', got 'pickle'"):
        models.pip_requirements("pickle")


def test_untrusted_types_names_what_to_review(train):
    forest = RandomForestRegressor(n_estimators=3, random_state=0).fit(*train)
    assert models.untrusted_types(forest) == ["sklearn.tree._tree.Tree"]
    assert models.untrusted_types(LinearRegression().fit(*train)) == []
    assert set(models.untrusted_types(forest)) <= set(models.REVIEWED_TRUSTED_TYPES)


def test_an_unreviewed_type_is_refused_with_a_way_out(tracking, train):
    X_train, y_train = train
    knn = KNeighborsRegressor(n_neighbors=2, algorithm="kd_tree").fit(X_train, y_train)
    needed = models.untrusted_types(knn)
    assert "sklearn.neighbors._kd_tree.KDTree" in needed
    with mlflow.start_run():
        with pytest.raises(ValueError, match=r"KNeighborsRegressor needs skops to trust .*KDTree"):
            models.log_sklearn_model(knn, X_train)
        info = models.log_sklearn_model(knn, X_train, extra_trusted_types=needed)
    reloaded = mlflow.pyfunc.load_model(info.model_uri)
    np.testing.assert_array_equal(reloaded.predict(X_train), knn.predict(X_train))


def test_log_forest_reloads_with_identical_predictions(tracking, train):
    X_train, y_train = train
    forest = RandomForestRegressor(n_estimators=10, random_state=0).fit(X_train, y_train)
    with mlflow.start_run():
        info = models.log_sklearn_model(forest, X_train)
    folder = model_dir(info)
    assert (folder / "model.skops").is_file()
    assert (folder / "requirements.txt").read_text().split() == models.pip_requirements()
    assert info.signature.inputs.input_names() == ["feature1", "feature2"]
    assert (folder / "input_example.json").is_file()
    reloaded = mlflow.pyfunc.load_model(info.model_uri)
    np.testing.assert_array_equal(reloaded.predict(X_train), forest.predict(X_train))


def test_log_with_cloudpickle(tracking, train):
    X_train, y_train = train
    model = LinearRegression().fit(X_train, y_train)
    with mlflow.start_run():
        info = models.log_sklearn_model(model, X_train, serialization_format="cloudpickle")
    assert (model_dir(info) / "model.pkl").is_file()
    reloaded = mlflow.sklearn.load_model(info.model_uri)
    np.testing.assert_array_equal(reloaded.predict(X_train), model.predict(X_train))


def test_log_rejects_what_is_not_a_fitted_sklearn_model(tracking, train):
    X_train, _ = train
    with mlflow.start_run():
        with pytest.raises(TypeError, match="must be a scikit-learn estimator .*got dict"):
            models.log_sklearn_model({"weights": [1, 2]}, X_train)
        with pytest.raises(ValueError, match="LinearRegression is not fitted yet"):
            models.log_sklearn_model(LinearRegression(), X_train)

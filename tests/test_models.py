import contextlib
import importlib.metadata
import pickle
import re
from pathlib import Path
from urllib.parse import urlparse

import mlflow
import numpy as np
import pytest
import yaml
from sklearn.ensemble import RandomForestRegressor
from sklearn.linear_model import LinearRegression
from sklearn.neighbors import KNeighborsRegressor
from skops.io.exceptions import UntrustedTypesFoundException

from helpers import data, models


@pytest.fixture(scope="module")
def train():
    X_train, _, y_train, _ = data.split(data.article_data(), ["feature1", "feature2"], 0.8)
    return X_train, y_train


def model_dir(info) -> Path:
    return Path(urlparse(info.artifact_path).path)


class Payload:
    """An attacker's pickle: unpickling it creates ``marker`` (as it could run os.system)."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def edit_mlmodel(folder: Path, **flavors: dict) -> None:
    """Change flavor settings in a logged model's MLmodel file, as anyone with write access can."""
    path = folder / "MLmodel"
    meta = yaml.safe_load(path.read_text())
    for flavor, changes in flavors.items():
        meta["flavors"][flavor].update(changes)
    path.write_text(yaml.safe_dump(meta))


def plant_pickle(folder: Path, marker: Path) -> None:
    """Replace a logged model's file with a ``Payload`` pickle and declare it cloudpickle."""
    (folder / "model.skops").unlink(missing_ok=True)
    (folder / "model.pkl").write_bytes(pickle.dumps(Payload(marker)))
    edit_mlmodel(
        folder,
        sklearn={"serialization_format": "cloudpickle", "pickled_model": "model.pkl"},
        python_function={"model_path": "model.pkl"},
    )


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


def test_a_pickle_this_process_logged_loads_and_a_swapped_one_is_refused(tracking, train, tmp_path):
    X_train, y_train = train
    model = LinearRegression().fit(X_train, y_train)
    with mlflow.start_run():
        info = models.log_sklearn_model(model, X_train, serialization_format="cloudpickle")
    reloaded = models.load_model(info.model_uri)
    np.testing.assert_array_equal(reloaded.predict(X_train), model.predict(X_train))

    marker = tmp_path / "payload-ran"
    plant_pickle(model_dir(info), marker)  # same model ID, other bytes
    with pytest.raises(
        models.UnsafeModelError,
        match=r"saved as cloudpickle \(model.pkl\), and this Python process did not log it.*"
        r"allow_pickle=True",
    ):
        models.load_model(info.model_uri)
    assert not marker.exists()
    models.load_model(info.model_uri, allow_pickle=True)  # the opt-in: the payload runs
    assert marker.exists()


def test_a_pickle_the_kit_did_not_log_needs_allow_pickle(tracking, train):
    X_train, y_train = train
    # Not the model of the test above: the very bytes this process logged would load.
    model = LinearRegression(fit_intercept=False).fit(X_train, y_train)
    with mlflow.start_run():
        info = mlflow.sklearn.log_model(model, name="m", serialization_format="cloudpickle")
    with pytest.raises(models.UnsafeModelError, match="saved as cloudpickle"):
        models.load_model(info.model_uri)
    reloaded = models.load_model(info.model_uri, allow_pickle=True)
    np.testing.assert_array_equal(reloaded.predict(X_train), model.predict(X_train))


def test_a_planted_python_model_is_refused(tracking, train, tmp_path):
    X_train, y_train = train
    with mlflow.start_run():
        info = models.log_sklearn_model(LinearRegression().fit(X_train, y_train), X_train)
    marker = tmp_path / "payload-ran"
    (model_dir(info) / "python_model.pkl").write_bytes(pickle.dumps(Payload(marker)))
    edit_mlmodel(
        model_dir(info),
        python_function={
            "loader_module": "mlflow.pyfunc.model",
            "python_model": "python_model.pkl",
        },
    )
    with pytest.raises(
        models.UnsafeModelError,
        match=r"flavors \['python_function', 'sklearn'\] and loader 'mlflow.pyfunc.model'; the "
        r"kit loads only scikit-learn models",
    ):
        models.load_model(info.model_uri)
    assert not marker.exists()
    with contextlib.suppress(Exception):
        mlflow.pyfunc.load_model(info.model_uri)  # what the kit no longer does
    assert marker.exists()


@pytest.mark.parametrize(
    ("flavors", "message"),
    [
        ({"python_function": {"code": "code"}}, r"ships a code folder 'code'"),
        ({"sklearn": {"code": "code"}}, r"ships a code folder 'code'"),
        ({"sklearn": {"skops_trusted_types": ["builtins.exec"]}},
         r"tells skops to trust \['builtins.exec'\], which the kit has not reviewed"),
        ({"python_function": {"model_path": "../../../model.skops"}}, "names the model file"),
        ({"python_function": {"data": "/tmp"}}, "names the model file"),
        ({"python_function": {"predict_fn": "__class__"}}, "predict_fn '__class__'"),
        ({"sklearn": {"serialization_format": "joblib"}}, "unknown serialization format"),
    ],
)  # fmt: skip
def test_a_tampered_mlmodel_is_refused(tracking, train, flavors, message):
    X_train, y_train = train
    with mlflow.start_run():
        info = models.log_sklearn_model(LinearRegression().fit(X_train, y_train), X_train)
    edit_mlmodel(model_dir(info), **flavors)
    with pytest.raises(models.UnsafeModelError, match=f"Refusing to load '{info.model_uri}'"):
        models.load_model(info.model_uri)
    with pytest.raises(models.UnsafeModelError, match=message):
        models.load_model(info.model_uri)


def test_skops_types_beyond_the_reviewed_ones_must_be_named(tracking, train):
    X_train, y_train = train
    knn = KNeighborsRegressor(n_neighbors=2, algorithm="kd_tree").fit(X_train, y_train)
    needed = models.untrusted_types(knn)
    with mlflow.start_run():
        info = models.log_sklearn_model(knn, X_train, extra_trusted_types=needed)
    with pytest.raises(
        models.UnsafeModelError, match=r"trust \[.*'sklearn.neighbors._kd_tree.KDTree'\]"
    ):
        models.load_model(info.model_uri)
    reloaded = models.load_model(info.model_uri, trusted_types=needed)
    np.testing.assert_array_equal(reloaded.predict(X_train), knn.predict(X_train))
    # skops itself refuses a type its MLmodel does not list as trusted
    edit_mlmodel(model_dir(info), sklearn={"skops_trusted_types": []})
    with pytest.raises(UntrustedTypesFoundException, match="KDTree"):
        models.load_model(info.model_uri)


def test_a_missing_model_is_reported_with_what_exists(tracking, train, tmp_path):
    X_train, y_train = train
    with mlflow.start_run() as run:
        models.log_sklearn_model(LinearRegression().fit(X_train, y_train), X_train, name="lr")
    missing = {
        "models:/m-0123": r"no logged model has the ID 'm-0123' in sqlite:",
        f"runs:/{run.info.run_id}/model": rf"run '{run.info.run_id}' has no model 'model'; "
        r"its models: lr$",
        "runs:/f00/model": r"no run has the ID 'f00'",
        str(tmp_path / "nothing"): "there is no such folder",
        str(tmp_path): "it has no MLmodel file",
    }
    for uri, message in missing.items():
        with pytest.raises(
            models.ModelNotFoundError, match=f"No model at {re.escape(repr(uri))}: {message}"
        ):
            models.load_model(uri)

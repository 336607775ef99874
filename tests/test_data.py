import numpy as np
import pandas as pd
import pytest

from helpers import data


def article_code() -> pd.DataFrame:
    """The article's data code, verbatim (it uses NumPy's global random state)."""
    np.random.seed(42)
    X = np.random.rand(100, 2) * 10
    df = pd.DataFrame(X, columns=["feature1", "feature2"])
    df["y"] = 3 * df["feature1"] + 2 * df["feature2"] + np.random.randn(100) * 2
    return df


def test_article_data_is_the_articles_data_exactly():
    pd.testing.assert_frame_equal(data.article_data(), article_code(), check_exact=True)


def test_article_data_leaves_global_random_state_alone():
    np.random.seed(7)
    expected = np.random.rand(3)
    np.random.seed(7)
    data.article_data()
    np.testing.assert_array_equal(np.random.rand(3), expected)


def test_article_data_rejects_bad_row_count():
    with pytest.raises(ValueError, match="n_rows must be a positive integer, got 0"):
        data.article_data(n_rows=0)


def test_diabetes_is_bundled_with_named_columns():
    frame = data.diabetes()
    assert frame.shape == (442, 11)
    assert list(frame.columns) == [
        "age",
        "sex",
        "bmi",
        "bp",
        "s1",
        "s2",
        "s3",
        "s4",
        "s5",
        "s6",
        "y",
    ]
    assert frame.notna().all().all()


@pytest.mark.parametrize(("train_size", "n_train"), [(0.8, 80), (0.5, 50)])
def test_split_matches_the_article(train_size, n_train):
    from sklearn.model_selection import train_test_split

    frame = data.article_data()
    X_train, X_test, y_train, y_test = data.split(frame, ["feature1"], train_size)
    expected = train_test_split(
        frame[["feature1"]], frame["y"], test_size=1 - train_size, random_state=42
    )
    assert len(X_train) == n_train and len(X_test) == 100 - n_train
    for got, want in zip((X_train, X_test, y_train, y_test), expected, strict=True):
        pd.testing.assert_index_equal(got.index, want.index)
    assert list(X_train.columns) == ["feature1"]


def test_split_unknown_feature_lists_what_exists():
    with pytest.raises(
        ValueError, match=r"Unknown column\(s\) \['feature3'\].*feature1, feature2, y"
    ):
        data.split(data.article_data(), ["feature3"], 0.8)


@pytest.mark.parametrize("bad", [0, 1, 1.5, -0.2, "0.8", True, None])
def test_split_rejects_train_size_outside_0_1(bad):
    with pytest.raises(ValueError, match="train_size must be"):
        data.split(data.article_data(), ["feature1"], bad)

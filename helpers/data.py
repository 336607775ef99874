"""Data sets of the course: the article's dummy data and scikit-learn's diabetes set."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.datasets import load_diabetes
from sklearn.model_selection import train_test_split

#: The seed the article uses, for its data and its train/test splits.
SEED = 42

#: Name of the target column in every data set of the course.
TARGET = "y"


def article_data(n_rows: int = 100, seed: int = SEED) -> pd.DataFrame:
    """Reproduce the article's dummy data exactly.

    The article runs ``np.random.seed(42)``, ``X = np.random.rand(100, 2) * 10`` and
    ``y = 3 * feature1 + 2 * feature2 + np.random.randn(100) * 2``. This draws the same
    numbers from a private generator, so NumPy's global random state is left alone.

    Args:
        n_rows: Number of rows (the article uses 100).
        seed: Seed of the generator (the article uses 42).

    Returns:
        A DataFrame with columns ``feature1``, ``feature2`` and ``y``.

    Examples:
        >>> article_data().shape
        (100, 3)

    """
    if not isinstance(n_rows, int) or n_rows < 1:
        raise ValueError(f"n_rows must be a positive integer, got {n_rows!r}")
    rng = np.random.RandomState(seed)  # the legacy generator behind np.random.seed
    X = rng.rand(n_rows, 2) * 10
    frame = pd.DataFrame(X, columns=["feature1", "feature2"])
    frame[TARGET] = 3 * frame["feature1"] + 2 * frame["feature2"] + rng.randn(n_rows) * 2
    return frame


def diabetes() -> pd.DataFrame:
    """Load scikit-learn's bundled diabetes data set (no download).

    442 patients, ten standardised features (``age``, ``sex``, ``bmi``, ``bp``,
    ``s1``...``s6``) and the target ``y``: a measure of disease progression one year later.

    Returns:
        A DataFrame with the ten features and ``y``.

    Examples:
        >>> diabetes().shape
        (442, 11)

    """
    bunch = load_diabetes(as_frame=True)
    return bunch.frame.rename(columns={"target": TARGET})


def split(
    data: pd.DataFrame,
    features: list[str],
    train_size: float,
    target: str = TARGET,
    seed: int = SEED,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series, pd.Series]:
    """Split a data set into train and test parts exactly as the article does.

    The article calls ``train_test_split(X, y, test_size=1 - train_size, random_state=42)``.

    Args:
        data: A DataFrame holding the features and the target.
        features: Feature column names to keep.
        train_size: Share of rows for training, strictly between 0 and 1.
        target: Name of the target column.
        seed: ``random_state`` of the split.

    Returns:
        ``(X_train, X_test, y_train, y_test)``.

    Raises:
        ValueError: For an unknown column or a train size outside (0, 1).

    Examples:
        >>> X_train, X_test, y_train, y_test = split(article_data(), ["feature1"], 0.8)
        >>> len(X_train), len(X_test)
        (80, 20)

    """
    check_columns(data, [*features, target])
    check_train_size(train_size)
    return train_test_split(
        data[list(features)], data[target], test_size=1 - train_size, random_state=seed
    )


def check_columns(data: pd.DataFrame, columns: list[str]) -> None:
    """Raise a clear error if any of ``columns`` is not in ``data``.

    Args:
        data: The data set.
        columns: Names that must be columns of ``data``.

    Raises:
        ValueError: Naming the missing columns and the ones that exist.

    Examples:
        >>> check_columns(article_data(), ["feature1", "y"])

    """
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise ValueError(
            f"Unknown column(s) {missing}; the data has: {', '.join(map(str, data.columns))}"
        )


def check_training_data(
    data: pd.DataFrame, features: Sequence[str], target: str, train_size: float
) -> None:
    """Raise a clear error unless ``data`` can train a model and score it.

    Args:
        data: The data set.
        features: The feature columns.
        target: The target column.
        train_size: Share of rows used for training.

    Raises:
        ValueError: For an unknown column, features that include the target (the model
            would see the answer), a column with text or missing values, or too few rows
            for two training and two test rows (r2 needs two).

    Examples:
        >>> check_training_data(article_data(), ["feature1"], "y", 0.8)

    """
    check_columns(data, [*features, target])
    check_train_size(train_size)
    if target in features:
        raise ValueError(
            f"features include the target {target!r}: the model would see the answer and "
            "score perfectly (mse=0). Remove it from the features."
        )
    for column in [*features, target]:
        values = data[column]
        if not pd.api.types.is_numeric_dtype(values):
            text = values[pd.to_numeric(values, errors="coerce").isna() & values.notna()]
            example = f" such as {text.iloc[0]!r}" if len(text) else ""
            raise ValueError(
                f"column {column!r} holds {values.dtype} values{example}, not numbers: "
                "convert it (pd.to_numeric, or one-hot encode a category) or leave it out"
            )
        missing = values.isna()
        if missing.any():
            raise ValueError(
                f"column {column!r} has {int(missing.sum())} missing value(s) (NaN), the first "
                f"in row {missing.idxmax()!r}: fill them (data.fillna) or drop those rows "
                "(data.dropna) first"
            )
    n_test = math.ceil((1 - train_size) * len(data))  # as train_test_split counts
    if min(n_test, len(data) - n_test) < 2:
        raise ValueError(
            f"{len(data)} rows with train_size={train_size} give {len(data) - n_test} "
            f"training and {n_test} test rows; at least 2 of each are needed (r2 needs two "
            "test rows): use more rows"
        )


def check_train_size(train_size: float) -> None:
    """Raise a clear error unless ``train_size`` is a number strictly between 0 and 1.

    Args:
        train_size: Share of rows used for training.

    Raises:
        ValueError: Naming the bad value.

    Examples:
        >>> check_train_size(0.8)

    """
    if isinstance(train_size, bool) or not isinstance(train_size, (int, float)):
        raise ValueError(f"train_size must be a number between 0 and 1, got {train_size!r}")
    if not 0 < train_size < 1:
        raise ValueError(
            f"train_size must be strictly between 0 and 1 (e.g. 0.8), got {train_size!r}"
        )

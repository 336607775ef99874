"""Helpers for the MLflow course: data, tracking set-up, experiments, comparison and models.

Importing this package has no side effects: it sets no tracking URI, seeds, styles or
logging. Notebooks call what they need, for example::

    import helpers
    tracking = helpers.tracking.setup("first-experiment")
"""

from helpers import (
    compare,
    data,
    environment,
    experiments,
    models,
    plots,
    registry,
    reproduce,
    serving,
    tracking,
)

__all__ = [
    "compare", "data", "environment", "experiments", "models", "plots", "registry",
    "reproduce", "serving", "tracking",
]  # fmt: skip

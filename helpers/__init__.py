"""Helpers for the MLflow course: data, tracking set-up, experiments, comparison and models.

Importing this package has no side effects and imports none of its modules: each one
(``helpers.tracking``, ``helpers.plots``, ...) is imported the first time it is used. It
sets no tracking URI, seeds, styles or logging. Notebooks call what they need::

    import helpers
    tracking = helpers.tracking.setup("first-experiment")
"""

from __future__ import annotations

import importlib
from types import ModuleType

__all__ = [
    "compare", "data", "doctor", "environment", "exercises", "experiments", "models", "plots",
    "processes", "registry", "reproduce", "server", "serving", "spark", "tracking", "workshop",
]  # fmt: skip


def __getattr__(name: str) -> ModuleType:
    """Import a submodule on first use, so ``import helpers`` stays light and inert."""
    if name in __all__:
        return importlib.import_module(f"helpers.{name}")
    raise AttributeError(f"module 'helpers' has no attribute {name!r}")


def __dir__() -> list[str]:
    """List the submodules, for tab completion."""
    return sorted(__all__)

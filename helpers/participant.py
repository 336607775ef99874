"""Tag every run with the workshop participant's name: an MLflow run-context plugin.

MLflow asks each registered run-context provider for tags whenever a run starts. This one
is registered in ``pyproject.toml`` (entry point group ``mlflow.run_context_provider``)
when the kit is installed, else by ``register()`` (where the kit is not installed, as in a
Databricks Git folder), and is active once ``helpers.workshop.join()`` has named the
participant. It imports only MLflow's plugin base class, because MLflow loads it while
``import mlflow`` is running.
"""

from __future__ import annotations

import os

from mlflow.tracking.context.abstract_context import RunContextProvider

#: Environment variable holding the participant's name (set by ``workshop.join``).
PARTICIPANT_ENV = "COURSE_PARTICIPANT"


class ParticipantContext(RunContextProvider):
    """Adds ``participant`` and ``mlflow.user`` tags with the participant's name."""

    def in_context(self) -> bool:
        """Tell whether a participant has joined in this process."""
        return bool(os.environ.get(PARTICIPANT_ENV))

    def tags(self) -> dict[str, str]:
        """Return the tags for a new run."""
        name = os.environ[PARTICIPANT_ENV]
        return {"participant": name, "mlflow.user": name}


def register() -> None:
    """Make sure MLflow asks this plugin for tags, also where the kit is not installed."""
    # MLflow registers plugins from installed entry points only; its registry of run-context
    # providers has no public API, so this adds to it directly (once).
    from mlflow.tracking.context.registry import _run_context_provider_registry as providers

    if not any(type(p).__qualname__ == ParticipantContext.__qualname__ for p in providers):
        providers.register(ParticipantContext)

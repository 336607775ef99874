"""Serve a model as a local REST endpoint with ``mlflow models serve``, and stop it cleanly."""

from __future__ import annotations

import atexit
import functools
import json
import subprocess
import sys
import tempfile
import urllib.request
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from helpers import environment, models, processes

#: Seconds to wait for the endpoint to answer ``/ping``.
START_TIMEOUT = 90.0


@dataclass
class Endpoint:
    """A running local model server.

    Attributes:
        url: Base address, e.g. ``http://127.0.0.1:5001``; predictions go to
            ``url + "/invocations"``.
        process: The ``mlflow models serve`` process.
    """

    url: str
    process: subprocess.Popen

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        """Send rows to the endpoint and return its predictions.

        Args:
            frame: Rows with the model's input columns.

        Returns:
            The predictions, one per row.
        """
        body = json.dumps({"dataframe_split": frame.to_dict(orient="split")}).encode()
        request = urllib.request.Request(
            self.url + "/invocations", data=body, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=30) as reply:
            return np.asarray(json.loads(reply.read())["predictions"])

    def __repr__(self) -> str:
        """Say where it listens: the URL to send requests to, with its port."""
        return f"Endpoint at {self.url}: POST rows to {self.url}/invocations"


@contextmanager
def serve(
    model_uri: str,
    port: int | None = None,
    timeout: float = START_TIMEOUT,
    *,
    allow_pickle: bool = False,
    trusted_types: Iterable[str] = (),
) -> Iterator[Endpoint]:
    """Serve a model on a loopback port for the length of a ``with`` block.

    Downloads the model first and checks it with ``helpers.models.check_safe_to_load``
    (a missing or unsafe model fails at once, before any server starts), then serves that
    checked copy with ``mlflow models serve`` and the local environment manager (no conda,
    no virtualenv to build), waits until ``/ping`` answers, and on leaving the block, also
    after an error or an interrupt, stops the server and its workers. A server still
    running when Python exits is stopped then.

    Args:
        model_uri: E.g. ``"models:/article_forest@champion"``.
        port: TCP port; a free one when None.
        timeout: Seconds to wait for the server to answer.
        allow_pickle: Serve a pickle-based model this process did not log. Only for models
            you created yourself: the server unpickles it, running any code in the file.
        trusted_types: skops types you have reviewed beyond the kit's own.

    Yields:
        An ``Endpoint``; ``endpoint.predict(frame)`` sends rows to it.

    Raises:
        RuntimeError: On Databricks (use Model Serving there), or if the server does not
            start (the message ends with its log).
        helpers.models.ModelNotFoundError: If there is no model at ``model_uri`` (the
            message says what exists, e.g. the registered model's aliases and versions).
        helpers.models.UnsafeModelError: If serving it could run code nobody reviewed.

    Examples:
        >>> with serve("models:/article_forest@champion") as endpoint:  # doctest: +SKIP
        ...     endpoint.predict(X_test.head())
    """
    if environment.is_databricks():
        raise RuntimeError(
            "Local serving is not available on Databricks. Serve the registered model with "
            "Databricks Model Serving instead: Serving in the left sidebar, then Create "
            "serving endpoint (Free Edition allows a few small CPU endpoints)."
        )
    with tempfile.TemporaryDirectory(prefix="mlflow-serve-") as folder:
        # The server loads this checked copy, not whatever the URI points to by then.
        (Path(folder) / "model").mkdir()
        model = models.download_model(model_uri, Path(folder) / "model")
        models.check_safe_to_load(
            model, model_uri=model_uri, allow_pickle=allow_pickle, trusted_types=trusted_types
        )
        port = port or processes.free_port()
        options = ["--env-manager", "local", "--host", "127.0.0.1", "--port", str(port)]
        command = [sys.executable, "-m", "mlflow", "models", "serve", "-m", str(model), *options]
        log = Path(folder) / "server.log"
        process = processes.start(command, log)
        cleanup = functools.partial(processes.stop, process)
        atexit.register(cleanup)  # a server left running when Python exits is stopped then
        try:
            url = f"http://127.0.0.1:{port}"
            processes.wait_until_up(url + "/ping", process, timeout, log)
            yield Endpoint(url=url, process=process)
        finally:
            processes.stop(process)
            atexit.unregister(cleanup)

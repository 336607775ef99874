"""Serve a model as a local REST endpoint with ``mlflow models serve``, and stop it cleanly."""

from __future__ import annotations

import atexit
import functools
import json
import subprocess
import sys
import tempfile
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from helpers import environment, processes

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
        """Say where it listens, without the port (which changes every time)."""
        return "Endpoint on 127.0.0.1 (a free port); POST rows to /invocations"


@contextmanager
def serve(
    model_uri: str, port: int | None = None, timeout: float = START_TIMEOUT
) -> Iterator[Endpoint]:
    """Serve a model on a loopback port for the length of a ``with`` block.

    Starts ``mlflow models serve`` with the local environment manager (no conda, no
    virtualenv to build), waits until ``/ping`` answers, and on leaving the block, also
    after an error or an interrupt, stops the server and its workers. A server still
    running when Python exits is stopped then.

    Args:
        model_uri: E.g. ``"models:/article_forest@champion"``.
        port: TCP port; a free one when None.
        timeout: Seconds to wait for the server to answer.

    Yields:
        An ``Endpoint``; ``endpoint.predict(frame)`` sends rows to it.

    Raises:
        RuntimeError: On Databricks (use Model Serving there), or if the server does not
            start (the message ends with its log).

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
    port = port or processes.free_port()
    command = [sys.executable, "-m", "mlflow", "models", "serve", "-m", model_uri,
               "--env-manager", "local", "--host", "127.0.0.1", "--port", str(port)]  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="mlflow-serve-") as folder:
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

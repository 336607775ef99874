"""A real MLflow tracking server for a team or a workshop room, started and stopped cleanly."""

from __future__ import annotations

import atexit
import functools
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from helpers import environment, processes

#: Seconds to wait for the server to answer ``/health``.
START_TIMEOUT = 90.0

LOOPBACK = ("127.0.0.1", "localhost", "::1")


@dataclass
class TrackingServer:
    """A running ``mlflow server``.

    Attributes:
        url: Its address, e.g. ``http://127.0.0.1:5000``: what participants join.
        backend_uri: Where it stores runs (a SQLite file or a PostgreSQL database).
        process: The server process.
    """

    url: str
    backend_uri: str
    process: subprocess.Popen

    def __repr__(self) -> str:
        """Say what it serves, without the port (which changes every time)."""
        backend = "PostgreSQL" if self.backend_uri.startswith("postgresql") else "SQLite"
        return f"MLflow tracking server on 127.0.0.1 (a free port), runs stored in {backend}"


@contextmanager
def tracking_server(
    store: Path | None = None,
    *,
    backend_uri: str | None = None,
    port: int | None = None,
    host: str = "127.0.0.1",
    allowed_hosts: Sequence[str] = (),
    workers: int = 2,
    timeout: float = START_TIMEOUT,
) -> Iterator[TrackingServer]:
    """Run ``mlflow server`` for the length of a ``with`` block.

    The server stores runs in ``store/mlflow.db`` (or ``backend_uri``, e.g. a PostgreSQL
    database) and the files clients upload in ``store/artifacts``. It listens on
    127.0.0.1 only, unless you name another address; then list the names clients use in
    ``allowed_hosts`` (MLflow rejects other ``Host`` headers). On leaving the block, also
    after an error or an interrupt, it is stopped with all its workers.

    Args:
        store: Folder for the run database and files; a temporary one when None.
        backend_uri: A database URI instead of ``store/mlflow.db``.
        port: TCP port; a free one when None.
        host: Address to listen on. Only change it on a network you trust.
        allowed_hosts: Host names or addresses clients may use (``--allowed-hosts``).
        workers: Server worker processes.
        timeout: Seconds to wait for the server to answer.

    Yields:
        A :class:`TrackingServer`; ``server.url`` is what clients connect to.

    Raises:
        RuntimeError: On Databricks (the workspace is the shared server there), or if the
            server does not start (the message ends with its log).
        ValueError: For a non-loopback host without ``allowed_hosts``.

    Example:
        >>> with tracking_server() as server:  # doctest: +SKIP
        ...     helpers.workshop.join(server.url, "ana")
    """
    if environment.is_databricks():
        raise RuntimeError(
            "No local tracking server on Databricks: the workspace is the shared tracking "
            "server. Share an experiment under /Shared/ (or your home folder) instead."
        )
    if host not in LOOPBACK and not allowed_hosts:
        raise ValueError(
            f"host={host!r} exposes the server beyond this machine: also pass allowed_hosts "
            "(the addresses participants type), and read docs/workshop.md on basic-auth"
        )
    port = port or processes.free_port()
    with tempfile.TemporaryDirectory(prefix="mlflow-server-") as scratch:
        folder = Path(store) if store is not None else Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        backend = backend_uri or f"sqlite:///{(folder / 'mlflow.db').as_posix()}"
        command = [
            sys.executable, "-m", "mlflow", "server",
            "--backend-store-uri", backend,
            "--artifacts-destination", (folder / "artifacts").as_posix(),
            "--host", host, "--port", str(port), "--workers", str(workers),
        ]  # fmt: skip
        if allowed_hosts:
            command += ["--allowed-hosts", ",".join(allowed_hosts)]
        log = Path(scratch) / "server.log"
        process = processes.start(command, log)
        cleanup = functools.partial(processes.stop, process)
        atexit.register(cleanup)  # a server left running when Python exits is stopped then
        try:
            url = f"http://{'127.0.0.1' if host in LOOPBACK else host}:{port}"
            processes.wait_until_up(url + "/health", process, timeout, log)
            yield TrackingServer(url=url, backend_uri=backend, process=process)
        finally:
            processes.stop(process)
            atexit.unregister(cleanup)

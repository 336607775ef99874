"""A real MLflow tracking server for a team or a workshop room, started and stopped cleanly."""

from __future__ import annotations

import atexit
import functools
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from helpers import environment, processes

#: Seconds to wait for the server to answer ``/health``.
START_TIMEOUT = 90.0

#: Seconds the server gets to finish open requests when stopped, before it is killed.
STOP_GRACE = 1.0

LOOPBACK = ("127.0.0.1", "localhost", "::1")


class TrackingServer:
    """A running ``mlflow server``; stop it with ``stop()`` or use it in a ``with`` block.

    Attributes:
        url: Its address, e.g. ``http://127.0.0.1:5000``: what participants join.
        backend_uri: Where it stores runs (a SQLite file or a PostgreSQL database).
        process: The server process.
    """

    def __init__(self, url: str, backend_uri: str, process: subprocess.Popen, scratch: Any) -> None:
        self.url, self.backend_uri, self.process = url, backend_uri, process
        self._scratch = scratch
        self._cleanup = functools.partial(processes.stop, process)
        atexit.register(self._cleanup)  # a server left running when Python exits stops then

    def stop(self) -> None:
        """Stop the server and all its workers (safe to call twice)."""
        processes.stop(self.process, grace=STOP_GRACE)
        atexit.unregister(self._cleanup)
        self._scratch.cleanup()

    def __enter__(self) -> TrackingServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        """Say what it serves, without the port (which changes every time)."""
        backend = "PostgreSQL" if self.backend_uri.startswith("postgresql") else "SQLite"
        running = "running" if self.process.poll() is None else "stopped"
        return f"MLflow tracking server on 127.0.0.1 (a free port), runs in {backend}, {running}"


def server_command(
    store: Path,
    *,
    backend_uri: str | None = None,
    host: str = "127.0.0.1",
    port: int = 5000,
    workers: int | None = None,
) -> list[str]:
    """Build the ``mlflow server`` command for a store folder.

    Args:
        store: Folder with ``mlflow.db`` and ``artifacts/``.
        backend_uri: A database URI instead of ``store/mlflow.db``.
        host: Address to listen on.
        port: TCP port.
        workers: Server worker processes; MLflow's default when None.

    Returns:
        The command as a list, ready for ``subprocess``.

    Examples:
        >>> server_command(Path("mlflow-store"))[1:4]
        ['-m', 'mlflow', 'server']
    """
    command = [
        sys.executable, "-m", "mlflow", "server",
        "--backend-store-uri", backend_uri or environment.sqlite_uri(store),
        "--artifacts-destination", (Path(store) / "artifacts").as_posix(),
        "--host", host, "--port", str(port),
    ]  # fmt: skip
    if workers is not None:
        command += ["--workers", str(workers)]
    return command


def start(
    store: Path | None = None,
    *,
    backend_uri: str | None = None,
    port: int | None = None,
    host: str = "127.0.0.1",
    allowed_hosts: Sequence[str] = (),
    workers: int = 1,
    timeout: float = START_TIMEOUT,
) -> TrackingServer:
    """Start ``mlflow server`` and wait until it answers.

    The server stores runs in ``store/mlflow.db`` (or ``backend_uri``, e.g. a PostgreSQL
    database) and the files clients upload in ``store/artifacts``. It listens on
    127.0.0.1 only, unless you name another address; then list the names clients use in
    ``allowed_hosts`` (MLflow rejects other ``Host`` headers). Use it in a ``with`` block
    to stop it on leaving, also after an error or an interrupt; otherwise call ``stop()``
    (it is stopped anyway when Python exits).

    Args:
        store: Folder for the run database and files; a temporary one when None.
        backend_uri: A database URI instead of ``store/mlflow.db``.
        port: TCP port; a free one when None.
        host: Address to listen on. Only change it on a network you trust.
        allowed_hosts: Host names or addresses clients may use (``--allowed-hosts``).
        workers: Server worker processes. One serves a room: measured here, each request
            took about four times as long with two (13 ms against 57 ms), and a room of 30
            logging at once took as long with one as with two.
        timeout: Seconds to wait for the server to answer.

    Returns:
        A ``TrackingServer``; ``server.url`` is what clients connect to.

    Raises:
        RuntimeError: On Databricks (the workspace is the shared server there), or if the
            server does not start (the message ends with its log).
        ValueError: For a non-loopback host without ``allowed_hosts``.

    Examples:
        >>> with start() as server:  # doctest: +SKIP
        ...     helpers.workshop.join(server.url, "member_a")
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
    scratch = tempfile.TemporaryDirectory(prefix="mlflow-server-")
    folder = Path(store) if store is not None else Path(scratch.name)
    folder.mkdir(parents=True, exist_ok=True)
    backend = backend_uri or environment.sqlite_uri(folder)
    command = server_command(folder, backend_uri=backend, host=host, port=port, workers=workers)
    if allowed_hosts:
        command += ["--allowed-hosts", ",".join(allowed_hosts)]
    log = Path(scratch.name) / "server.log"
    process = processes.start(command, log)
    url = f"http://{'127.0.0.1' if host in LOOPBACK else host}:{port}"
    try:
        processes.wait_until_up(url + "/health", process, timeout, log)
    except BaseException:  # an interrupt while waiting must not leave the server behind
        processes.stop(process)
        scratch.cleanup()
        raise
    return TrackingServer(url=url, backend_uri=backend, process=process, scratch=scratch)

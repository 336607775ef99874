"""A real MLflow tracking server for a team or a workshop room, started and stopped cleanly."""

from __future__ import annotations

import atexit
import functools
import importlib.util
import os
import re
import secrets
import subprocess
import sys
import tempfile
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from helpers import environment, processes

#: Seconds to wait for the server to answer ``/health``.
START_TIMEOUT = 90.0

#: Seconds the server gets to finish open requests when stopped, before it is killed.
STOP_GRACE = 1.0

LOOPBACK = ("127.0.0.1", "localhost", "::1")

#: Addresses that listen on every network interface of the machine.
EVERY_INTERFACE = ("0.0.0.0", "::")

#: MLflow's own variable for the admin password of a password-protected server: MLflow
#: creates the user ``ADMIN_USER`` with it the first time the server starts on a store.
ADMIN_PASSWORD_ENV = "MLFLOW_AUTH_ADMIN_PASSWORD"

#: The admin of a password-protected server (MLflow's ``MLFLOW_AUTH_ADMIN_USERNAME`` overrides).
ADMIN_USER = "admin"

# Names that reach only this machine (MLflow's LOCALHOST_VARIANTS).
_LOCAL_NAMES = ("127.0.0.1", "localhost", "[::1]", "0.0.0.0")

#: What ``allowed_hosts=["*"]`` turns off.
WILDCARD_WARNING = (
    "allowed hosts '*' accept any Host header: this turns off MLflow's protection against DNS "
    "rebinding, so a web page that someone on the network opens could send requests to this "
    "server through their browser. List the addresses participants type instead, e.g. "
    "192.168.1.20:5000."
)

# The basic-auth app's settings (mlflow/server/auth/basic_auth.ini), written for each server.
# Every account may read and add runs everywhere (EDIT), not delete or manage (the admin's).
_AUTH_CONFIG = """\
[mlflow]
default_permission = EDIT
database_uri = {database_uri}
admin_username = {admin}
authorization_function = mlflow.server.auth:authenticate_request_basic_auth
"""


class TrackingServer:
    """A running ``mlflow server``; stop it with ``stop()`` or use it in a ``with`` block.

    Attributes:
        url: Its address on this machine, e.g. ``http://127.0.0.1:5000``.
        host: The address it listens on (``0.0.0.0``: every network interface).
        participant_urls: The addresses other people can use (the names in ``allowed_hosts``,
            with the port; none when no name is usable); ``[url]`` for a server on 127.0.0.1.
        backend_uri: Where it stores runs (a SQLite file or a PostgreSQL database); print it
            with ``helpers.environment.mask_credentials``.
        process: The server process.
        auth: Whether it asks for a user name and password (MLflow's basic-auth app).
        log: Its output (until it is stopped).
    """

    def __init__(
        self,
        url: str,
        backend_uri: str,
        process: subprocess.Popen,
        scratch: Any,
        participant_urls: Sequence[str] | None = None,
        auth: bool = False,
        host: str = "127.0.0.1",
    ) -> None:
        self.url, self.backend_uri, self.process, self.host = url, backend_uri, process, host
        self.participant_urls = [url] if participant_urls is None else list(participant_urls)
        self.auth = auth
        self.log = Path(scratch.name) / "server.log"
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
        """Say where it listens (the URL to open) and what it serves, without a password."""
        backend = "PostgreSQL" if self.backend_uri.startswith("postgresql") else "SQLite"
        running = "running" if self.process.poll() is None else "stopped"
        protected = ", password-protected" if self.auth else ""
        return f"MLflow tracking server at {self.url}, runs in {backend}{protected}, {running}"


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


def split_host(entry: str) -> tuple[str, int | None]:
    """Split an ``--allowed-hosts`` entry into its name and port.

    Args:
        entry: E.g. ``"192.168.1.20:5000"``, ``"course.example"``, ``"[fe80::1]:5000"``.

    Returns:
        The name and the port (None when the entry has none).

    Examples:
        >>> split_host("192.168.1.20:5000")
        ('192.168.1.20', 5000)
        >>> split_host("course.example")
        ('course.example', None)
    """
    match = re.fullmatch(r"(?P<name>\[[^\]]*\]|[^:\[\]]*)(?::(?P<port>\d{1,5}))?", entry)
    if match is None:  # a bare IPv6 address: never equal to a Host header, which has brackets
        return entry, None
    return match["name"], int(match["port"]) if match["port"] else None


def participant_urls(host: str, port: int, allowed_hosts: Sequence[str]) -> list[str]:
    """List the addresses people can type to reach a server.

    MLflow compares a request's ``Host`` header (the name and port typed) with
    ``--allowed-hosts``, so these are the allowed names, with the server's port. Patterns
    (``*``) and loopback names are left out: they name no address to type.

    Args:
        host: The address the server listens on.
        port: Its port.
        allowed_hosts: Its allowed host names.

    Returns:
        E.g. ``["http://192.168.1.20:5000"]``; empty when no name is usable.

    Examples:
        >>> participant_urls("0.0.0.0", 5000, ["192.168.1.20:5000", "10.*"])
        ['http://192.168.1.20:5000']
        >>> participant_urls("127.0.0.1", 5000, [])
        ['http://127.0.0.1:5000']
    """
    if host in LOOPBACK:
        return [f"http://{_local_host(host)}:{port}"]
    urls = []
    for entry in allowed_hosts:
        name, given = split_host(entry)
        typed = bool(name) and "*" not in name and (name.startswith("[") or ":" not in name)
        if typed and name not in _LOCAL_NAMES and given in (None, port):
            urls.append(f"http://{name}:{port}")
    return list(dict.fromkeys(urls))


def start(
    store: Path | None = None,
    *,
    backend_uri: str | None = None,
    port: int | None = None,
    host: str = "127.0.0.1",
    allowed_hosts: Sequence[str] = (),
    workers: int = 1,
    timeout: float = START_TIMEOUT,
    auth: bool = False,
) -> TrackingServer:
    """Start ``mlflow server`` and wait until it answers.

    The server stores runs in ``store/mlflow.db`` (or ``backend_uri``, e.g. a PostgreSQL
    database) and the files clients upload in ``store/artifacts``. It listens on
    127.0.0.1 only, unless you name another address; then list the names clients use in
    ``allowed_hosts`` (MLflow rejects other ``Host`` headers: a name without a port is
    allowed with the server's port too, and 127.0.0.1 and localhost with it stay allowed
    for this machine). Use it in a ``with`` block to stop it on leaving, also after an
    error or an interrupt; otherwise call ``stop()`` (it is stopped anyway when Python
    exits).

    With ``auth=True`` it runs MLflow's basic-auth app: every request needs a user name
    and password. The first time on a store, MLflow creates the user ``admin`` with the
    password in the environment variable ``MLFLOW_AUTH_ADMIN_PASSWORD``; the accounts are
    kept in ``store/basic_auth.db``. Every account may read and add runs; only the admin
    manages accounts.

    Args:
        store: Folder for the run database and files; a temporary one when None.
        backend_uri: A database URI instead of ``store/mlflow.db``.
        port: TCP port (1-65535); a free one when None.
        host: Address to listen on. Only change it on a network you trust.
        allowed_hosts: Host names or addresses clients may use (``--allowed-hosts``).
            ``"*"`` accepts any (a warning says what that turns off).
        workers: Server worker processes. One serves a room: measured here, each request
            took about four times as long with two (13 ms against 57 ms), and a room of 30
            logging at once took as long with one as with two.
        timeout: Seconds to wait for the server to answer.
        auth: Ask for a user name and password (needs the kit's ``auth`` extra).

    Returns:
        A ``TrackingServer``; ``server.url`` is what clients on this machine connect to,
        ``server.participant_urls`` what others use.

    Raises:
        RuntimeError: On Databricks (the workspace is the shared server there), if the
            port is in use, or if the server does not start (the message says why and ends
            with its log).
        ValueError: For a port outside 1-65535, a non-loopback host without
            ``allowed_hosts``, or ``auth`` without an admin password.

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
            "(the addresses participants type), and read docs/workshop.md on passwords"
        )
    port = processes.check_port(port) if port is not None else processes.free_port()
    if "*" in allowed_hosts:
        warnings.warn(WILDCARD_WARNING, UserWarning, stacklevel=2)
    folder = Path(store) if store is not None else None
    if auth:
        _check_auth_ready(folder)
    processes.check_port_free(port, host)
    if backend_uri:  # MLflow would retry an unreachable database for minutes
        from helpers import tracking  # imports MLflow: the command itself does not need it

        tracking.check_reachable(backend_uri)
    scratch = tempfile.TemporaryDirectory(prefix="mlflow-server-")
    folder = folder or Path(scratch.name)
    backend = backend_uri or environment.sqlite_uri(folder)
    command = server_command(folder, backend_uri=backend, host=host, port=port, workers=workers)
    if allowed_hosts:
        command += ["--allowed-hosts", ",".join(_allowed_host_patterns(allowed_hosts, port))]
    url = f"http://{_local_host(host)}:{port}"
    log = Path(scratch.name) / "server.log"
    process = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        env = _auth_environment(folder, Path(scratch.name)) if auth else {}
        command += ["--app-name", "basic-auth"] if auth else []
        process = processes.start(command, log, env=env)
        processes.wait_until_up(url + "/health", process, timeout, log)
    except BaseException:  # an error or interrupt must leave no server nor scratch behind
        if process is not None:
            processes.stop(process)
        scratch.cleanup()
        raise
    return TrackingServer(
        url=url,
        backend_uri=backend,
        process=process,
        scratch=scratch,
        participant_urls=participant_urls(host, port, allowed_hosts),
        auth=auth,
        host=host,
    )


def _local_host(host: str) -> str:
    """Return the address this machine reaches a server on, in URL form."""
    if host in ("::", "::1"):
        return "[::1]"
    if host in (*LOOPBACK, *EVERY_INTERFACE):
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host


def _allowed_host_patterns(allowed_hosts: Sequence[str], port: int) -> list[str]:
    """``--allowed-hosts``: the names given, with the port where none is, and loopback.

    MLflow compares the whole ``Host`` header, which carries the port (``name:5000``), so a
    name without a port would refuse everyone who types the port.
    """
    if "*" in allowed_hosts:
        return list(allowed_hosts)
    patterns = []
    for entry in allowed_hosts:
        name, given = split_host(entry)
        patterns.append(entry)
        if given is None and "*" not in entry and name == entry:
            patterns.append(f"{name}:{port}")
    patterns += [f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}"]
    return list(dict.fromkeys(patterns))


def _check_auth_ready(store: Path | None) -> None:
    """Fail early, saying what to do, when a password-protected server cannot start."""
    if importlib.util.find_spec("flask_wtf") is None:
        raise RuntimeError(
            "A password-protected server needs MLflow's auth extra (Flask-WTF): "
            "pip install -e '.[auth]' in the course folder (or pip install 'mlflow[auth]')."
        )
    accounts_exist = store is not None and (store / "basic_auth.db").exists()
    password = os.environ.get(ADMIN_PASSWORD_ENV, "")
    if not accounts_exist and len(password) < 12:
        problem = "is not set" if not password else "is shorter than 12 characters"
        raise ValueError(
            f"A password-protected server needs the admin password in the environment "
            f"variable {ADMIN_PASSWORD_ENV} (at least 12 characters), which {problem}: MLflow "
            f"creates the user '{ADMIN_USER}' with it the first time the server starts on a "
            "store."
        )


def _auth_environment(store: Path, scratch: Path) -> dict[str, str]:
    """Write the basic-auth app's settings; return the variables that point the server there.

    The settings hold no password: MLflow reads the admin's from ``MLFLOW_AUTH_ADMIN_PASSWORD``.
    """
    config = scratch / "basic_auth.ini"
    database = f"sqlite:///{(store / 'basic_auth.db').resolve().as_posix()}"
    config.write_text(_AUTH_CONFIG.format(database_uri=database, admin=ADMIN_USER))
    config.chmod(0o600)
    return {
        "MLFLOW_AUTH_CONFIG_PATH": str(config),
        # A static key for the app's forms, the same in every worker of this server.
        "MLFLOW_FLASK_SERVER_SECRET_KEY": os.environ.get("MLFLOW_FLASK_SERVER_SECRET_KEY")
        or secrets.token_urlsafe(32),
    }

"""Child processes of the kit (tracking and model servers): free ports, health, clean stops."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path

import psutil

from helpers import environment

#: Lines of a server's log that mean it cannot start, although its first process may live
#: on for seconds: ``mlflow server`` outlives the uvicorn (or gunicorn) child that failed.
FATAL_LOG_LINE = re.compile(
    r"error while attempting to bind|address already in use|connection in use", re.IGNORECASE
)


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now.

    Returns:
        A port number.

    Examples:
        >>> 1024 < free_port() < 65536
        True
    """
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


#: Set for every server the kit starts: MLflow's telemetry off, as in the kit's own process
#: (``helpers.environment.disable_telemetry``), and no job runner
#: (``MLFLOW_SERVER_ENABLE_JOB_EXECUTION``, on by default): with it, each ``mlflow server``
#: starts eight more Python processes for GenAI jobs the course never submits (scorers,
#: evaluations and prompt optimisation started from the UI), measured here at 18 s of CPU
#: time and about 1.4 GB of memory per server start.
SERVER_VARIABLES = {
    "MLFLOW_DISABLE_TELEMETRY": "true",
    "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false",
}


#: Requests one server worker handles at once: uvicorn runs MLflow's Flask app through
#: Starlette's WSGI bridge, in anyio's default pool of 40 threads.
REQUEST_THREADS = 40

#: MLflow's variable for how many database connections its pool may open beyond its
#: ``pool_size`` (SQLAlchemy's default: 5, and 10 beyond).
MAX_OVERFLOW_ENV = "MLFLOW_SQLALCHEMYSTORE_MAX_OVERFLOW"

#: Connections each request thread may need at once. MLflow's ``create_run`` reads the
#: experiment in a second session while it holds its first, so with SQLAlchemy's default
#: pool (15 connections) fifteen runs started at the same moment each hold one connection
#: and wait for a second: the server stalls for 30 s, then answers "QueuePool limit of size
#: 5 overflow 10 reached". Measured here, a room of 30 hit it in 2 of 6 starts on a busy
#: machine.
CONNECTIONS_PER_REQUEST = 2


def pool_environment() -> dict[str, str]:
    """MLflow's pool setting for a server: a connection for every request that may wait on one.

    The pool may open ``CONNECTIONS_PER_REQUEST`` connections per request thread, so no
    request waits for a connection that another waiting request holds. A value set in this
    process's environment is kept.

    Returns:
        ``{MAX_OVERFLOW_ENV: ...}``, or nothing when the variable is set already.
    """
    if MAX_OVERFLOW_ENV in os.environ:
        return {}
    pool_size = 5  # SQLAlchemy's default, which MLflow keeps
    return {MAX_OVERFLOW_ENV: str(CONNECTIONS_PER_REQUEST * REQUEST_THREADS - pool_size)}


def server_environment(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """Build the environment of a server: this process's, ``SERVER_VARIABLES``, ``env``.

    It also gets ``pool_environment()``, unless this process sets the pool already.

    This Python's scripts folder is put first on ``PATH``, since MLflow's servers start
    programs such as ``uvicorn`` by name.

    Args:
        env: Variables to set on top.

    Returns:
        The whole environment.
    """
    merged = {**os.environ, **SERVER_VARIABLES, **pool_environment(), **(env or {})}
    merged["PATH"] = environment.with_this_python_first(merged.get("PATH"))
    return merged


def start(command: list[str], log: Path, env: Mapping[str, str] | None = None) -> subprocess.Popen:
    """Start a server command in a session of its own, its output going to ``log``.

    It runs in ``server_environment(env)``.

    Args:
        command: The command, e.g. ``[sys.executable, "-m", "mlflow", "server", ...]``.
        log: File for its output.
        env: Variables to set for it on top of this process's environment.

    Returns:
        The process.
    """
    with log.open("w") as out:
        return subprocess.Popen(
            command,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=server_environment(env),
            start_new_session=True,
        )


def check_port(port: object) -> int:
    """Check that a value is a TCP port number.

    Args:
        port: The value given as a port.

    Returns:
        The port.

    Raises:
        ValueError: Naming the value, unless it is a whole number from 1 to 65535.

    Examples:
        >>> check_port(5000)
        5000
    """
    if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
        raise ValueError(f"port must be a whole number from 1 to 65535, got {port!r}")
    return port


def check_port_free(port: int, host: str = "127.0.0.1") -> None:
    """Check, by binding it for a moment, that a server could listen on ``host:port``.

    Args:
        port: TCP port.
        host: Address the server will listen on.

    Raises:
        RuntimeError: If another program uses the port, or the address cannot be used.
    """
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror as err:
        raise RuntimeError(f"Cannot listen on {host!r}: {err.strerror}") from None
    with socket.socket(family, kind, proto) as sock:
        if os.name != "nt":  # as the server will: a port in TIME_WAIT is not in use
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(address)
        except OSError as err:
            if err.errno == errno.EADDRINUSE:
                raise RuntimeError(
                    f"Port {port} on {host} is already in use by another program (address "
                    f"already in use): stop that program, or choose another port, e.g. "
                    f"{free_port()}."
                ) from None
            hint = " (ports below 1024 need administrator rights)" if port < 1024 else ""
            raise RuntimeError(f"Cannot listen on {host}:{port}: {err.strerror}{hint}") from None


def wait_until_up(url: str, process: subprocess.Popen, timeout: float, log: Path) -> None:
    """Poll ``url`` until it answers 200; if the server fails or time runs out, stop it.

    A server fails when its process exits (whatever its exit code: ``mlflow server`` exits
    with 0 after its worker failed), or when its log says that it cannot listen on its port
    (``FATAL_LOG_LINE``), which shows seconds before its first process exits.

    Args:
        url: A health address, e.g. ``http://127.0.0.1:5000/health``.
        process: The server process.
        timeout: Seconds to wait.
        log: The server's output, quoted in the error.

    Raises:
        RuntimeError: Saying why (the log's line about it, when there is one), with the end
            of the server's log; passwords in it are masked.
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as reply:
                if reply.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        lines = environment.mask_credentials(log.read_text(errors="replace")).splitlines()
        fatal = next((line.strip() for line in lines if FATAL_LOG_LINE.search(line)), None)
        exited = process.poll()
        if fatal or exited is not None or time.monotonic() > deadline:
            stop(process)
            if fatal:
                what = f"cannot start: {fatal}"
            elif exited is not None:
                what = f"exited (code {exited}) before answering {url}"
            else:
                what = f"did not answer {url} in {timeout:.0f} s"
            tail = "\n".join(lines[-15:])
            raise RuntimeError(f"The server {what}. Its log ends:\n{tail}")
        time.sleep(0.25)


def stop(process: subprocess.Popen, grace: float = 10.0) -> None:
    """Stop a server and every process it started.

    Args:
        process: The server process.
        grace: Seconds to wait for a clean shutdown before killing what is left.
    """
    family = family_of(process.pid)
    if not family:
        process.poll()
        return
    end(family, grace)
    process.poll()


def family_of(pid: int) -> list[psutil.Process]:
    """Return a process and all the processes it started (theirs too), while they run.

    Args:
        pid: The first process's ID.

    Returns:
        The process first, then its descendants; empty if it has ended.
    """
    try:
        leader = psutil.Process(pid)
        return [leader, *leader.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def end(family: list[psutil.Process], grace: float = 10.0) -> None:
    """Ask processes to stop, wait for them, and kill those still running after ``grace``.

    Args:
        family: The processes, e.g. from ``family_of``.
        grace: Seconds to wait for a clean shutdown before killing what is left.
    """
    for member in family:
        with contextlib.suppress(psutil.NoSuchProcess):
            member.terminate()
    _, left = psutil.wait_procs(family, timeout=grace)
    for member in left:
        with contextlib.suppress(psutil.NoSuchProcess):
            member.kill()
    psutil.wait_procs(left, timeout=5)

"""Child processes of the kit (tracking and model servers): free ports, health, clean stops."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path

import psutil


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


def start(command: list[str], log: Path, env: Mapping[str, str] | None = None) -> subprocess.Popen:
    """Start a server command in a session of its own, its output going to ``log``.

    This Python's scripts folder is put first on ``PATH``, since MLflow's servers start
    programs such as ``uvicorn`` by name.

    Args:
        command: The command, e.g. ``[sys.executable, "-m", "mlflow", "server", ...]``.
        log: File for its output.
        env: Variables to set for it on top of this process's environment.

    Returns:
        The process.
    """
    env = {**os.environ, **(env or {})}
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    with log.open("w") as out:
        return subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )


def wait_until_up(url: str, process: subprocess.Popen, timeout: float, log: Path) -> None:
    """Poll ``url`` until it answers 200; if the process dies or time runs out, stop it.

    Args:
        url: A health address, e.g. ``http://127.0.0.1:5000/health``.
        process: The server process.
        timeout: Seconds to wait.
        log: The server's output, quoted in the error.

    Raises:
        RuntimeError: With the end of the server's log.
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as reply:
                if reply.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            stop(process)
            what = "exited" if process.returncode else f"did not answer in {timeout:.0f} s"
            tail = "\n".join(log.read_text(errors="replace").splitlines()[-15:])
            raise RuntimeError(f"The server {what}. Its log ends:\n{tail}")
        time.sleep(0.25)


def stop(process: subprocess.Popen, grace: float = 10.0) -> None:
    """Stop a server and every process it started.

    Args:
        process: The server process.
        grace: Seconds to wait for a clean shutdown before killing what is left.
    """
    try:
        leader = psutil.Process(process.pid)
        family = [leader, *leader.children(recursive=True)]
    except psutil.NoSuchProcess:
        process.poll()
        return
    for member in family:
        with contextlib.suppress(psutil.NoSuchProcess):
            member.terminate()
    _, left = psutil.wait_procs(family, timeout=grace)
    for member in left:
        with contextlib.suppress(psutil.NoSuchProcess):
            member.kill()
    psutil.wait_procs(left, timeout=5)
    process.poll()

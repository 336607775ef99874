"""Command line of the kit.

``python -m helpers ui`` serves the MLflow UI on the kit's local store;
``python -m helpers server`` runs a shared tracking server for a team or a workshop;
``eval "$(python -m helpers env)"`` points a terminal's ``mlflow`` commands at the kit's store;
``python -m helpers mlflow ...`` runs one ``mlflow`` command on it, in any shell (Windows too).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shlex
import signal
import subprocess
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

from helpers import environment, processes, server

#: Signals that stop a server of the command line as Ctrl+C does: a service manager's stop
#: (SIGTERM) and a closed terminal (SIGHUP). Its children run in a session of their own, so
#: they get none of these: the command line stops them.
STOP_SIGNALS = ("SIGINT", "SIGTERM", "SIGHUP")


def ui_command(port: int = 5000, host: str = "127.0.0.1") -> list[str]:
    """Build the ``mlflow server`` command that shows the kit's local store.

    One worker process: one learner's browser needs no more, and each extra worker is one
    more Python importing MLflow when the UI starts.

    Args:
        port: TCP port of the UI.
        host: Address to bind; loopback by default, so only this machine can connect.

    Returns:
        The command as a list, ready for ``subprocess``.

    Examples:
        >>> ui_command()[1:4]
        ['-m', 'mlflow', 'server']

    """
    return server.server_command(environment.store_dir(), host=host, port=port, workers=1)


def env_line() -> str:
    """Build the shell line that sends a terminal's ``mlflow`` commands where the notebooks log.

    ``mlflow run`` or ``mlflow models serve`` typed in a terminal know nothing of the kit:
    without ``MLFLOW_TRACKING_URI`` they create a new ``./mlflow.db`` in the current folder.
    ``eval "$(python -m helpers env)"`` (bash, zsh) sets it to the kit's local store.

    Returns:
        ``export MLFLOW_TRACKING_URI=...``, or a comment (which the shell ignores) when the
        variable is already set (its credentials masked) or on Databricks.

    Examples:
        >>> env_line().startswith(("export MLFLOW_TRACKING_URI=", "# "))
        True
    """
    uri = terminal_tracking_uri()
    if uri is not None:
        return f"export MLFLOW_TRACKING_URI={shlex.quote(uri)}"
    current = os.environ.get("MLFLOW_TRACKING_URI", "").strip()
    if current:
        return f"# MLFLOW_TRACKING_URI is already set: {environment.mask_credentials(current)}"
    return "# On Databricks, mlflow commands already log to the workspace."


def terminal_tracking_uri() -> str | None:
    """Decide what a terminal's ``mlflow`` commands need in ``MLFLOW_TRACKING_URI``.

    Returns:
        The kit's local store, or None when they need nothing: the variable is set already
        (a workshop server, say), or this is Databricks, where they log to the workspace.
    """
    if os.environ.get("MLFLOW_TRACKING_URI", "").strip() or environment.is_databricks():
        return None
    return environment.local_store_uri()


def mlflow_environment() -> dict[str, str]:
    """Build the environment ``python -m helpers mlflow`` runs ``mlflow`` in.

    Returns:
        This process's environment with ``MLFLOW_TRACKING_URI`` set as ``env_line`` sets it
        (``terminal_tracking_uri``), and this Python first on ``PATH``: what ``mlflow run``
        starts (``python train.py``) runs on it.
    """
    env = dict(os.environ)
    env["PATH"] = environment.with_this_python_first(env.get("PATH"))
    uri = terminal_tracking_uri()
    if uri is not None:
        env["MLFLOW_TRACKING_URI"] = uri
    return env


def run_mlflow(args: list[str]) -> int:
    """Run ``mlflow <args>`` on the kit's store: ``env_line`` for shells without ``eval``.

    ``eval "$(python -m helpers env)"`` works in bash and zsh; PowerShell and cmd on Windows
    have no such line that works in both. ``python -m helpers mlflow run project ...`` does
    the same in every shell: the words after ``mlflow`` are MLflow's own command line.

    Args:
        args: The arguments of the ``mlflow`` command, e.g. ``["models", "serve", ...]``.

    Returns:
        The exit code of the ``mlflow`` command.
    """
    return run_child([sys.executable, "-m", "mlflow", *args], mlflow_environment())


def run_child(command: list[str], env: dict[str, str]) -> int:
    """Run a command in this console until it ends, as if it had been typed itself.

    Ctrl+C goes to every process of the console: the command gets it and stops itself while
    this process waits. A stop sent to this process alone (SIGTERM from ``kill`` or a
    service manager, SIGHUP from a closed terminal) is passed on to the command, so that it
    never outlives this process.

    Args:
        command: The program and its arguments.
        env: Its whole environment.

    Returns:
        Its exit code; ``128 + N`` when signal N stopped it, as a shell says.
    """
    with subprocess.Popen(command, env=env) as child:
        # Set after the start: an ignored signal would be ignored by the command too.
        before = {signal.SIGINT: signal.signal(signal.SIGINT, signal.SIG_IGN)}
        for name in ("SIGTERM", "SIGHUP"):  # Windows has no SIGHUP
            number = getattr(signal, name, None)
            if number is not None:
                before[number] = signal.signal(number, lambda got, _: child.send_signal(got))
        try:
            code = child.wait()
        finally:
            for number, handler in before.items():
                signal.signal(number, handler)
    return 128 - code if code < 0 else code


def main(argv: list[str] | None = None) -> int:
    """Run the command line.

    Args:
        argv: Arguments without the program name; ``sys.argv[1:]`` when None.

    Returns:
        The exit code.

    """
    parser = argparse.ArgumentParser(prog="python -m helpers", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    ui = commands.add_parser("ui", help="serve the MLflow UI on the kit's local store")
    ui.add_argument("--port", type=int, default=5000, help="TCP port (default: 5000)")
    shared = commands.add_parser("server", help="a shared tracking server for a workshop")
    shared.add_argument("--port", type=int, default=5000, help="TCP port (default: 5000)")
    shared.add_argument(
        "--store",
        type=Path,
        default=Path("workshop-store"),
        help="folder for runs and files (default: ./workshop-store)",
    )
    shared.add_argument("--backend-uri", help="a database instead, e.g. postgresql://...")
    shared.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1: this machine only)",
    )
    shared.add_argument(
        "--allowed-hosts",
        default="",
        help="comma-separated addresses participants use, e.g. 192.168.1.20:5000 "
        "(needed with --host)",
    )
    shared.add_argument(
        "--auth",
        action="store_true",
        help=f"ask for a user name and password (admin password in ${server.ADMIN_PASSWORD_ENV})",
    )
    commands.add_parser(
        "env",
        help="print the line that points a terminal's mlflow commands at the kit's store; "
        'run it as: eval "$(python -m helpers env)"',
    )
    through = commands.add_parser(
        "mlflow",
        help="run an mlflow command on the kit's store, in any shell (Windows too), e.g. "
        "python -m helpers mlflow models serve -m models:/article_model@champion "
        "--env-manager local -p 5001",
    )
    through.add_argument("words", nargs=argparse.REMAINDER, help="mlflow's own arguments")
    doctor = commands.add_parser("doctor", help="check this machine before a workshop")
    doctor.add_argument("--port", type=int, default=5000, help="UI port to check (default: 5000)")
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["mlflow"]:  # passed on as typed, options too (argparse would take them)
        return run_mlflow(argv[1:])
    args = parser.parse_args(argv)
    if args.command == "doctor":
        from helpers import doctor as checks

        return checks.run(port=args.port)
    if args.command == "server":
        return _serve_workshop(args)
    if args.command == "env":
        print(env_line())
        return 0
    if args.command == "ui":
        if environment.is_databricks():
            print("On Databricks the MLflow UI is built in: Experiments in the left sidebar.")
            return 1
        if os.environ.get("MLFLOW_TRACKING_URI"):
            print("Note: MLFLOW_TRACKING_URI is set; this UI shows the kit's local store only.")
        store = environment.store_dir()
        store.mkdir(parents=True, exist_ok=True)
        print(f"MLflow UI on {environment.display_path(store)} at http://127.0.0.1:{args.port}")
        print("Press Ctrl+C to stop.")
        with _stopping_on_signals():
            ui_server = subprocess.Popen(ui_command(args.port), env=processes.server_environment())
            try:
                return ui_server.wait()
            except KeyboardInterrupt:
                return 0
            finally:
                _shielded(lambda: processes.stop(ui_server))
    return 2


def _serve_workshop(args: argparse.Namespace) -> int:
    """Run a workshop server in the foreground until Ctrl+C, SIGTERM or SIGHUP stops it."""
    allowed = [h.strip() for h in args.allowed_hosts.split(",") if h.strip()]
    runs_in = environment.mask_credentials(args.backend_uri or str(args.store))
    only_here = " (this machine only)" if args.host in server.LOOPBACK else ""
    protected = ", password-protected" if args.auth else ""
    print(
        f"Starting a workshop server on {args.host}:{args.port}{only_here}, runs in "
        f"{runs_in}{protected}...",
        flush=True,
    )
    with _stopping_on_signals():
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", UserWarning)
                running = server.start(
                    args.store,
                    backend_uri=args.backend_uri,
                    port=args.port,
                    host=args.host,
                    allowed_hosts=allowed,
                    auth=args.auth,
                )
        except KeyboardInterrupt:  # server.start has stopped what it started
            return 0
        except (ValueError, RuntimeError) as err:
            print(f"No workshop server: {environment.mask_credentials(str(err))}", file=sys.stderr)
            return 1
        try:
            for warning in caught:
                print(f"WARNING: {warning.message}")
            _print_addresses(running, args, allowed)
            while running.process.poll() is None:
                time.sleep(1)
            tail = running.log.read_text(errors="replace").splitlines()[-15:]
            print(f"The server stopped by itself (exit code {running.process.returncode}).")
            print(environment.mask_credentials("\n".join(tail)), file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            return 0
        finally:
            _shielded(running.stop)


def _print_addresses(
    running: server.TrackingServer, args: argparse.Namespace, allowed: list[str]
) -> None:
    """Say which addresses participants can use (``allowed``: the parsed --allowed-hosts)."""
    if running.participant_urls:
        print("Participants join with:")
        for url in running.participant_urls:
            print(f'    helpers.workshop.join("{url}", "<their name>")')
    elif "*" in allowed:
        print(
            f"Participants type this machine's network address: http://<address>:{args.port} "
            "(--allowed-hosts '*' accepts any name)."
        )
    else:
        print(
            f"No address participants can use: none of --allowed-hosts {args.allowed_hosts!r} "
            f"is a name with port {args.port}, and MLflow refuses requests to other names. "
            f"Name this machine's address, e.g. --allowed-hosts 192.168.1.20:{args.port}."
        )
    if args.host not in server.LOOPBACK:
        print(f"On this machine: {running.url}")
    if running.auth:
        print(
            "Participants set MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD first; "
            f"the user {server.ADMIN_USER!r} creates their accounts (docs/workshop.md)."
        )
    print("Press Ctrl+C to stop.", flush=True)


@contextlib.contextmanager
def _stopping_on_signals() -> Iterator[None]:
    """Turn ``STOP_SIGNALS`` into ``KeyboardInterrupt`` inside the block.

    A signal this process was told to ignore (``nohup`` ignores SIGHUP) stays ignored.
    """

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt(signal.Signals(signum).name)

    previous = {}
    for name in STOP_SIGNALS:
        number = getattr(signal, name, None)  # Windows has no SIGHUP
        if number is not None and signal.getsignal(number) is not signal.SIG_IGN:
            previous[number] = signal.signal(number, interrupt)
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _shielded(stop: Callable[[], None]) -> None:
    """Run ``stop`` to its end: a second Ctrl+C or SIGTERM must not leave a server half-stopped."""
    numbers = [getattr(signal, name) for name in STOP_SIGNALS if hasattr(signal, name)]
    previous = {number: signal.signal(number, signal.SIG_IGN) for number in numbers}
    try:
        stop()
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


if __name__ == "__main__":
    raise SystemExit(main())

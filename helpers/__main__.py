"""Command line of the kit.

``python -m helpers ui`` serves the MLflow UI on the kit's local store;
``python -m helpers server`` runs a shared tracking server for a team or a workshop.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import time
from pathlib import Path

from helpers import environment, server


def ui_command(port: int = 5000, host: str = "127.0.0.1") -> list[str]:
    """Build the ``mlflow server`` command that shows the kit's local store.

    Args:
        port: TCP port of the UI.
        host: Address to bind; loopback by default, so only this machine can connect.

    Returns:
        The command as a list, ready for ``subprocess``.

    Examples:
        >>> ui_command()[1:4]
        ['-m', 'mlflow', 'server']

    """
    return server.server_command(environment.store_dir(), host=host, port=port)


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
        help="comma-separated addresses participants use (needed with --host)",
    )
    doctor = commands.add_parser("doctor", help="check this machine before a workshop")
    doctor.add_argument("--port", type=int, default=5000, help="UI port to check (default: 5000)")
    args = parser.parse_args(argv)
    if args.command == "doctor":
        from helpers import doctor as checks

        return checks.run(port=args.port)
    if args.command == "server":
        return _serve_workshop(args)
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
        try:
            return subprocess.call(ui_command(args.port))
        except KeyboardInterrupt:
            return 0
    return 2


def _serve_workshop(args: argparse.Namespace) -> int:
    """Run a workshop server in the foreground until Ctrl+C."""
    allowed = [h for h in args.allowed_hosts.split(",") if h]
    running = server.start(
        args.store,
        backend_uri=args.backend_uri,
        port=args.port,
        host=args.host,
        allowed_hosts=allowed,
    )
    print(f"Workshop server at {running.url} (runs in {args.backend_uri or args.store}).")
    print(f'Participants join with: helpers.workshop.join("{running.url}", "<their name>")')
    print("Press Ctrl+C to stop.")
    try:
        while running.process.poll() is None:
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        running.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""A room of workshop participants, each a process of its own: join at one moment, log runs.

Usage: python participant.py SERVER_URL PEOPLE RUNS FOLDER

As in a workshop room, every participant has MLflow and the kit imported (the notebook is
open) before the instructor says "go": this process imports them once, then forks one
process per participant (nothing is tracked before, so no thread is running). Each writes
``FOLDER/ready-<n>``, waits for ``FOLDER/go``, then joins as ``person<n>`` and logs RUNS
runs at once, as a notebook does: its first tracked call is then, as on a learner's laptop,
when MLflow's telemetry thread would start. Each writes its output to ``FOLDER/out-<n>``
("ok NAME RUNS" at the end) and its exit code to ``FOLDER/exit-<n>``.
"""

import os
import sys
import time
import traceback
from pathlib import Path

import mlflow

import helpers.workshop  # before the fork, as a notebook has it imported


def participant(url: str, name: str, runs: int, ready: Path, go: Path) -> None:
    """Wait for the start, join, log ``runs`` runs."""
    ready.touch()
    deadline = time.monotonic() + 300
    while not go.exists():
        if time.monotonic() > deadline:
            raise SystemExit("no start signal")
        time.sleep(0.01)
    helpers.workshop.join(url, name)
    for i in range(runs):
        with mlflow.start_run(run_name=f"{name}-{i:02d}"):
            mlflow.log_param("attempt", i)
            mlflow.log_metric("mse", 10.0 / (i + 1) + len(name) / 100)
    print(f"ok {name} {runs}")


def main() -> None:
    url, people, runs, folder = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4])
    children = {}
    for n in range(people):
        pid = os.fork()
        if pid == 0:  # the participant
            code = 0
            with (folder / f"out-{n}").open("w") as out:
                os.dup2(out.fileno(), 1)
                os.dup2(out.fileno(), 2)
                try:
                    participant(url, f"person{n:02d}", runs, folder / f"ready-{n}", folder / "go")
                except BaseException:
                    traceback.print_exc()
                    code = 1
                sys.stdout.flush()
                sys.stderr.flush()
            os._exit(code)
        children[pid] = n
    for _ in range(people):
        pid, status = os.wait()
        (folder / f"exit-{children[pid]}").write_text(str(os.waitstatus_to_exitcode(status)))


if __name__ == "__main__":
    main()

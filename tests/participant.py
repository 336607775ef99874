"""One workshop participant, as a separate process: join, wait for the start, log runs.

Usage: python participant.py SERVER_URL NAME RUNS READY_FILE GO_FILE
Writes READY_FILE, waits for GO_FILE (so that a whole room starts at the same moment),
then imports MLflow and the kit, joins and logs RUNS runs at once, as a notebook does:
MLflow's first second after import is when its telemetry thread could break a request.
Prints "ok NAME RUNS" at the end.
"""

import sys
import time
from pathlib import Path


def main() -> None:
    url, name, runs, ready, go = sys.argv[1], sys.argv[2], int(sys.argv[3]), *sys.argv[4:6]
    Path(ready).touch()
    deadline = time.monotonic() + 300
    while not Path(go).exists():
        if time.monotonic() > deadline:
            raise SystemExit("no start signal")
        time.sleep(0.01)
    import mlflow

    import helpers

    helpers.workshop.join(url, name)
    for i in range(runs):
        with mlflow.start_run(run_name=f"{name}-{i:02d}"):
            mlflow.log_param("attempt", i)
            mlflow.log_metric("mse", 10.0 / (i + 1) + len(name) / 100)
    print(f"ok {name} {runs}")


if __name__ == "__main__":
    main()

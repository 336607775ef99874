"""A room of participants logging to one server at once (for the SQLite and PostgreSQL tests)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import mlflow
import pandas as pd

PARTICIPANT = Path(__file__).with_name("participant.py")

#: Variables a learner's machine does not have, but a test run or CI does.
LEARNER_UNSET = ("MLFLOW_DISABLE_TELEMETRY", "DO_NOT_TRACK", "PYTEST_CURRENT_TEST", "CI")


def run_room(url: str, people: int, runs: int, folder: Path, timeout: float = 600) -> list[str]:
    """Start a room of ``people`` participant processes, release them together.

    Returns:
        Each participant's ``exit <code>: <output>``.
    """
    env = {**os.environ, "MLFLOW_SUPPRESS_PRINTING_URL_TO_STDOUT": "true"}
    # As on a learner's laptop: MLflow's telemetry is on unless the kit turns it off
    # (under pytest or CI MLflow turns it off by itself).
    for name in ("MLFLOW_TRACKING_URI", *LEARNER_UNSET):
        env.pop(name, None)
    command = [sys.executable, str(PARTICIPANT), url, str(people), str(runs), str(folder)]
    room = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
    )
    deadline = time.monotonic() + timeout
    ready = [folder / f"ready-{n}" for n in range(people)]
    while not all(r.exists() for r in ready):
        assert room.poll() is None, room.communicate()[0]
        assert time.monotonic() < deadline, "participants did not get ready in time"
        time.sleep(0.1)
    (folder / "go").touch()  # everyone joins at the same moment
    out, _ = room.communicate(timeout=max(1, deadline - time.monotonic()))
    assert room.returncode == 0, out
    outputs = []
    for n in range(people):
        said = (folder / f"out-{n}").read_text().strip()[-500:]
        outputs.append(f"exit {(folder / f'exit-{n}').read_text()}: {said}")
    return outputs


def stored_runs(url: str) -> pd.DataFrame:
    """Every run on the server, in every experiment, with its experiment's name."""
    mlflow.set_tracking_uri(url)
    client = mlflow.MlflowClient(url)
    frames = []
    for experiment in client.search_experiments():
        runs = mlflow.search_runs([experiment.experiment_id], max_results=100_000)
        frames.append(runs.assign(experiment=experiment.name))
    return pd.concat(frames, ignore_index=True)


def start_runs_at_once(url: str, count: int) -> list[str]:
    """Start ``count`` runs with one request each, all released at the same instant.

    Returns:
        What the server answered to each: ``"200"``, or the status and the start of its error.
    """
    experiment_id = mlflow.MlflowClient(url).create_experiment("burst")
    body = json.dumps({"experiment_id": experiment_id}).encode()
    together = threading.Barrier(count)
    answers = []

    def start_one() -> None:
        request = urllib.request.Request(
            f"{url}/api/2.0/mlflow/runs/create", body, {"Content-Type": "application/json"}
        )
        together.wait()
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                answers.append(str(response.status))
        except urllib.error.HTTPError as err:
            answers.append(f"{err.code}: {err.read()[:120].decode()}")

    threads = [threading.Thread(target=start_one) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers

"""The workshop flow against an `mlflow server` backed by a real PostgreSQL server.

`make postgres` (and `.ci/run`) starts Debian's PostgreSQL with the role used here. Without
it the test is skipped on a laptop and fails in CI.
"""

import os
import uuid

import pytest
from workshop_room import run_room, start_runs_at_once, stored_runs

from helpers import processes, server

psycopg = pytest.importorskip("psycopg")
ROLE = "postgresql://mlflow_course:mlflow_course@127.0.0.1:5432"


@pytest.fixture
def database():
    """A brand-new database for this test, dropped afterwards."""
    try:
        admin = psycopg.connect(f"{ROLE}/mlflow_course", connect_timeout=5, autocommit=True)
    except psycopg.OperationalError as err:
        message = f"no PostgreSQL server with the course's role ({err}); run `make postgres`"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    name = f"mlflow_course_{uuid.uuid4().hex[:8]}"
    with admin.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {name}")
    try:
        yield f"{ROLE}/{name}"
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()


def test_a_room_logs_to_a_server_on_postgresql(database, tmp_path):
    with server.start(tmp_path / "files", backend_uri=database) as shared:
        assert "PostgreSQL" in repr(shared)
        outputs = run_room(shared.url, people=10, runs=10, folder=tmp_path)
        runs = stored_runs(shared.url)
    assert [o for o in outputs if not o.startswith("exit 0: ok")] == []
    assert len(runs) == 100 and (runs["experiment"] == "workshop").all()
    assert runs["tags.participant"].value_counts().eq(10).all()


def test_forty_runs_started_at_the_same_instant_all_start_on_postgresql(database, tmp_path):
    """The burst of test_workshop, on PostgreSQL."""
    with server.start(tmp_path / "files", backend_uri=database) as shared:
        answers = start_runs_at_once(shared.url, processes.REQUEST_THREADS)
    assert answers == ["200"] * processes.REQUEST_THREADS, sorted(set(answers))

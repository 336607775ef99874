"""An emulated Databricks workspace, for running the course as if on Databricks serverless.

This is an emulation, not Databricks. It has three parts:

* ``StandInHost``: a local HTTP server that plays the workspace's host. MLflow's tracking
  calls (experiments, runs, logged models) go on to a real ``mlflow server`` behind it,
  which also keeps the files of runs and logged models (over HTTP, like cloud storage); the
  few Databricks-only calls that MLflow, the Databricks SDK and the kit make are answered
  here: the SDK's host metadata, the current user, the Unity Catalog model registry, the
  Files API that model versions are uploaded through, and experiment permissions.
* ``notebook_environment()``: the environment variables Databricks sets in a serverless
  notebook (``DATABRICKS_RUNTIME_VERSION=client.<n>``), with the stand-in as
  ``DATABRICKS_HOST``, a dummy token and a temporary ``HOME``.
* ``git_folder()``: what a Databricks Git folder holds, the repository's files without
  anything a local install left behind, and a Python that sees every package of this
  environment except the kit itself, so ``helpers`` imports from the folder's root.

Like a workspace, the stand-in records the signed-in user as the author of every run
(``mlflow.user``). What it does not check, so only a real workspace can show: the token's
value, permissions (stored and returned, never enforced), Unity Catalog's real name rules
and catalogs, quotas, Databricks' own artifact storage and its credentials, the notebook
context (``dbutils``, ``display``, Spark), what is preinstalled, and ``%pip`` with the
Python restart. What MLflow sends was observed through a logging proxy (``../shared/notes``).

Run it by hand with ``python tests/emulated_workspace.py``: it prints the variables to
export and serves until Ctrl+C.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from helpers import processes

ROOT = Path(__file__).resolve().parent.parent

#: The workspace user the stand-in says is signed in.
USER = "learner@example.com"
WORKSPACE_ID = "1234567890"
#: What Databricks sets on serverless compute: ``client.`` and the environment version.
RUNTIME_VERSION = "client.5"
#: A token that is sent on every call; the stand-in checks it is there, not its value.
TOKEN = "emulated-token"

UC_PREFIX = "/api/2.0/mlflow/unity-catalog/"
FILES_PREFIX = "/api/2.0/fs/files/Models/"
DIRECTORIES_PREFIX = "/api/2.0/fs/directories/Models/"
PERMISSIONS_PREFIX = "/api/2.0/permissions/experiments/"


class CallError(Exception):
    """An error answer in Databricks' format: an HTTP status, an error code, a message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code = status, code


def _now() -> int:
    return int(time.time() * 1000)


class UnityCatalog:
    """The Unity Catalog model registry, in memory: models, versions, aliases, tags."""

    def __init__(self, refuse_uploads: bool = False) -> None:
        self.models: dict[str, dict[str, Any]] = {}
        self.versions: dict[str, list[dict[str, Any]]] = {}
        self.refuse_uploads = refuse_uploads

    def model(self, name: str) -> dict[str, Any]:
        """The registered model ``name``, or a RESOURCE_DOES_NOT_EXIST error."""
        if name not in self.models:
            raise CallError(404, "RESOURCE_DOES_NOT_EXIST", f"Registered model '{name}' not found")
        return self.models[name]

    def version(self, name: str, version: str) -> dict[str, Any]:
        """One version of a model, or a RESOURCE_DOES_NOT_EXIST error."""
        for found in self.versions.get(name, []):
            if found["version"] == str(version):
                return found
        raise CallError(404, "RESOURCE_DOES_NOT_EXIST", f"Model version {name}/{version} not found")

    def model_json(self, name: str) -> dict[str, Any]:
        """A registered model as the UC API returns it."""
        model = self.model(name)
        return {
            **{k: v for k, v in model.items() if k not in ("aliases", "tags")},
            "aliases": [{"alias": a, "version": v} for a, v in sorted(model["aliases"].items())],
            "tags": [{"key": k, "value": v} for k, v in sorted(model["tags"].items())],
        }

    def version_json(self, entry: dict[str, Any], with_details: bool = True) -> dict[str, Any]:
        """A model version as the UC API returns it (search answers leave out tags, aliases)."""
        answer = {k: v for k, v in entry.items() if k != "tags"}
        if with_details:
            aliases = self.models[entry["name"]]["aliases"].items()
            answer["aliases"] = [
                {"alias": a, "version": v} for a, v in sorted(aliases) if v == entry["version"]
            ]
            answer["tags"] = [{"key": k, "value": v} for k, v in sorted(entry["tags"].items())]
        return answer

    def call(self, method: str, route: str, args: dict[str, Any]) -> dict[str, Any]:
        """Answer one UC registry call.

        Args:
            method: The HTTP method.
            route: The path after ``/api/2.0/mlflow/unity-catalog/``.
            args: The JSON body, or the query parameters of a GET.

        Returns:
            The JSON answer.
        """
        name = args.get("name", "")
        key = (method, route)
        if key == ("GET", "registered-models:is-databricks-sdk-models-artifact-repository-enabled"):
            return {"is_databricks_sdk_models_artifact_repository_enabled": True}
        if key == ("POST", "registered-models/create"):
            if name.count(".") != 2:
                raise CallError(
                    400, "INVALID_PARAMETER_VALUE", f"'{name}' is not catalog.schema.model"
                )
            if name in self.models:
                raise CallError(400, "RESOURCE_ALREADY_EXISTS", f"Model '{name}' already exists")
            self.models[name] = {
                "name": name, "creation_timestamp": _now(), "last_updated_timestamp": _now(),
                "user_id": USER, "description": args.get("description", ""),
                "aliases": {}, "tags": {t["key"]: t["value"] for t in args.get("tags", [])},
            }  # fmt: skip
            self.versions[name] = []
            return {"registered_model": self.model_json(name)}
        if key == ("GET", "registered-models/get"):
            return {"registered_model": self.model_json(name)}
        if key == ("GET", "registered-models/search"):
            return {"registered_models": [self.model_json(n) for n in sorted(self.models)]}
        if key == ("PATCH", "registered-models/update"):
            self.model(name)["description"] = args.get("description", "")
            return {"registered_model": self.model_json(name)}
        if key == ("DELETE", "registered-models/delete"):
            self.model(name)
            del self.models[name], self.versions[name]
            return {}
        if route.endswith(("/set-tag", "/delete-tag")):  # of a model or of a version
            on_model = route.startswith("registered-models")
            tags = (self.model(name) if on_model else self.version(name, args["version"]))["tags"]
            if method == "POST":
                tags[args["key"]] = args.get("value", "")
            else:
                tags.pop(args["key"], None)
            return {}
        if key == ("POST", "model-versions/create"):
            existing = self.versions[self.model(name)["name"]]
            entry = {
                "name": name, "version": str(len(existing) + 1),
                "creation_timestamp": _now(), "last_updated_timestamp": _now(),
                "user_id": USER, "description": args.get("description", ""),
                "source": args.get("source", ""), "run_id": args.get("run_id", ""),
                "model_id": args.get("model_id", ""), "status": "PENDING_REGISTRATION",
                "storage_location": f"emulated:/models/{name}/{len(existing) + 1}",
                "tags": {t["key"]: t["value"] for t in args.get("tags", [])},
            }  # fmt: skip
            existing.append(entry)
            return {"model_version": self.version_json(entry)}
        if key == ("POST", "model-versions/finalize"):
            entry = self.version(name, args["version"])
            entry["status"] = "READY"
            return {"model_version": self.version_json(entry)}
        if key == ("GET", "model-versions/get"):
            return {"model_version": self.version_json(self.version(name, args["version"]))}
        if key == ("PATCH", "model-versions/update"):
            entry = self.version(name, args["version"])
            entry["description"] = args.get("description", "")
            return {"model_version": self.version_json(entry)}
        if key == ("DELETE", "model-versions/delete"):
            self.versions[name].remove(self.version(name, args["version"]))
            return {}
        if key == ("GET", "model-versions/search"):
            return {"model_versions": self.search_versions(args.get("filter", ""))}
        if key == ("POST", "model-versions/emit-lineage"):
            return {}
        if route == "registered-models/alias":
            return self.alias(method, name, args)
        raise CallError(404, "ENDPOINT_NOT_FOUND", f"No such UC call: {method} {route}")

    def alias(self, method: str, name: str, args: dict[str, Any]) -> dict[str, Any]:
        """Set (POST), delete (DELETE) or resolve (GET) an alias."""
        aliases = self.model(name)["aliases"]
        if method == "POST":
            self.version(name, args["version"])
            aliases[args["alias"]] = str(args["version"])
            return {}
        if method == "DELETE":
            aliases.pop(args["alias"], None)
            return {}
        if args["alias"] not in aliases:
            raise CallError(404, "RESOURCE_DOES_NOT_EXIST", f"Alias '{args['alias']}' not found")
        return {"model_version": self.version_json(self.version(name, aliases[args["alias"]]))}

    def search_versions(self, filter_string: str) -> list[dict[str, Any]]:
        """Versions matching ``name = '<model>'`` (the only filter the course uses)."""
        wanted = filter_string.replace(" ", "")
        if not (wanted.startswith("name='") and wanted.endswith("'")):
            raise CallError(400, "INVALID_PARAMETER_VALUE", f"Unsupported filter: {filter_string}")
        name = wanted[len("name='") : -1]
        # Like Unity Catalog, search answers leave out tags and aliases.
        return [self.version_json(v, with_details=False) for v in self.versions.get(name, [])]


class StandInHost(ThreadingHTTPServer):
    """The workspace host: Databricks-only calls answered here, MLflow's tracking forwarded."""

    daemon_threads = True

    def __init__(self, backend: str, files: Path, refuse_uploads: bool = False) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.backend = urllib.parse.urlparse(backend)
        self.files = files
        self.catalog = UnityCatalog(refuse_uploads)
        self.permissions: dict[str, list[dict[str, Any]]] = {}
        self.unanswered: list[str] = []
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        """The host's address, e.g. ``http://127.0.0.1:43121``."""
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: StandInHost

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (BaseHTTPRequestHandler's name)
        """Stay quiet: the tests read what matters from the host's state."""

    def do_GET(self) -> None:
        self._dispatch()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_GET

    def _dispatch(self) -> None:
        path = urllib.parse.urlparse(self.path).path
        if path == "/.well-known/databricks-config":
            return self._json(200, {"workspace_id": WORKSPACE_ID, "oidc_endpoint": ""})
        if not self.headers.get("Authorization", "").startswith("Bearer "):
            return self._json(401, {"error_code": "UNAUTHENTICATED", "message": "No token sent"})
        body = self._body()
        try:
            with self.server.lock:
                answer = self._answer(path, body)
        except CallError as err:
            return self._json(err.status, {"error_code": err.code, "message": str(err)})
        if answer is not None:
            return self._json(200, answer) if isinstance(answer, dict) else None
        if path.startswith(("/api/2.0/mlflow/", "/api/3.0/mlflow/", "/ajax-api/")):
            return self._forward(path, body)
        if path != "/api/2.0/fs/create-download-url":  # the SDK then downloads with a GET
            self.server.unanswered.append(f"{self.command} {path}")
        self._json(404, {"error_code": "ENDPOINT_NOT_FOUND", "message": f"Not emulated: {path}"})

    def _answer(self, path: str, body: bytes) -> dict[str, Any] | bool | None:
        """Answer a Databricks-only call; None when the call is MLflow's tracking API."""
        method = self.command
        if path == "/api/2.0/preview/scim/v2/Me":
            return {"id": "1", "userName": USER, "displayName": "Learner", "active": True,
                    "emails": [{"value": USER, "primary": True}]}  # fmt: skip
        if path.startswith(UC_PREFIX):
            args = json.loads(body or b"{}") if method != "GET" else self._query()
            return self.server.catalog.call(method, path[len(UC_PREFIX) :], args)
        if path.startswith((FILES_PREFIX, DIRECTORIES_PREFIX)):
            return self._files(path, body)
        if path.startswith(PERMISSIONS_PREFIX):
            return self._permissions(path[len(PERMISSIONS_PREFIX) :], body)
        return None

    def _permissions(self, experiment_id: str, body: bytes) -> dict[str, Any]:
        """Experiment permissions: stored and returned as given, never enforced."""
        acl = self.server.permissions.setdefault(
            experiment_id, [{"user_name": USER, "permission_level": "CAN_MANAGE"}]
        )
        if self.command in ("PATCH", "PUT"):
            given = json.loads(body or b"{}").get("access_control_list", [])
            if self.command == "PUT":
                acl.clear()
            acl.extend(given)
        listed = [
            {
                **{k: v for k, v in entry.items() if k != "permission_level"},
                "all_permissions": [
                    {"permission_level": entry["permission_level"], "inherited": False}
                ],
            }
            for entry in acl
        ]
        return {
            "object_id": f"/experiments/{experiment_id}",
            "object_type": "mlflow-experiment",
            "access_control_list": listed,
        }

    def _files(self, path: str, body: bytes) -> dict[str, Any] | bool:
        """The Files API for model version files, kept in a folder. True: already answered."""
        is_file = path.startswith(FILES_PREFIX)
        relative = path[len(FILES_PREFIX if is_file else DIRECTORIES_PREFIX) :]
        target = (self.server.files / urllib.parse.unquote(relative)).resolve()
        if not target.is_relative_to(self.server.files.resolve()):
            raise CallError(400, "INVALID_PARAMETER_VALUE", f"Bad path {path}")
        if is_file and self.command == "PUT":
            if self.server.catalog.refuse_uploads:
                raise CallError(403, "PERMISSION_DENIED", "AccessDenied: upload refused")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(body)
            self._reply(204, b"", {})
            return True
        exists = target.is_file() if is_file else target.is_dir()
        if not exists:
            raise CallError(404, "NOT_FOUND", f"No such {'file' if is_file else 'directory'}")
        if is_file:
            stat = target.stat()
            headers = {
                "Content-Type": "application/octet-stream",
                "Last-Modified": formatdate(stat.st_mtime, usegmt=True),
            }
            data = target.read_bytes()
            self._reply(200, b"" if self.command == "HEAD" else data, headers, len(data))
            return True
        if self.command == "HEAD":
            self._reply(200, b"", {})
            return True
        contents = [
            {
                "path": "/Models/" + item.relative_to(self.server.files).as_posix(),
                "name": item.name,
                "is_directory": item.is_dir(),
                **({"file_size": item.stat().st_size} if item.is_file() else {}),
                "last_modified": int(item.stat().st_mtime * 1000),
            }
            for item in sorted(target.iterdir())
        ]
        return {"contents": contents}

    def _forward(self, path: str, body: bytes) -> None:
        """Pass a tracking call on to the real ``mlflow server``.

        Like Databricks, the workspace (not the client) decides who created a run: the
        run's ``mlflow.user`` tag is set to the signed-in user.
        """
        if path.endswith("/runs/create") and self.command == "POST":
            request = json.loads(body or b"{}")
            request["user_id"] = USER
            tags = [t for t in request.get("tags", []) if t.get("key") != "mlflow.user"]
            request["tags"] = [*tags, {"key": "mlflow.user", "value": USER}]
            body = json.dumps(request).encode()
        backend = self.server.backend
        connection = http.client.HTTPConnection(backend.hostname, backend.port, timeout=120)
        headers = {k: v for k in ("Content-Type", "Accept") if (v := self.headers.get(k))}
        connection.request(self.command, self.path, body=body or None, headers=headers)
        reply = connection.getresponse()
        data = reply.read()
        connection.close()
        self._reply(reply.status, data, {"Content-Type": reply.getheader("Content-Type", "")})

    def _query(self) -> dict[str, Any]:
        parsed = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query)
        return {k: v[0] if len(v) == 1 else v for k, v in parsed.items()}

    def _body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while size := int(self.rfile.readline().split(b";")[0], 16):
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            self.rfile.readline()
            return b"".join(chunks)
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _json(self, status: int, answer: dict[str, Any]) -> None:
        self._reply(status, json.dumps(answer).encode(), {"Content-Type": "application/json"})

    def _reply(
        self, status: int, data: bytes, headers: dict[str, str], length: int | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("x-databricks-org-id", WORKSPACE_ID)  # as a workspace answers
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(data) if length is None else length))
        self.end_headers()
        if data:
            self.wfile.write(data)


def notebook_environment(host: str, home: Path, root: Path = ROOT) -> dict[str, str]:
    """The environment of a serverless notebook whose workspace is the stand-in host.

    Args:
        host: The stand-in's URL (``DATABRICKS_HOST``).
        home: A temporary folder for ``HOME``.
        root: The Git folder, whose root Databricks puts on ``sys.path``.

    Returns:
        This process's environment without anything that would send runs elsewhere, plus
        what Databricks sets.
    """
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("MLFLOW_", "DATABRICKS_")) and k not in ("COURSE_STORE_DIR",)
    }
    env.update(
        DATABRICKS_RUNTIME_VERSION=RUNTIME_VERSION,
        DATABRICKS_HOST=host,
        DATABRICKS_TOKEN=TOKEN,
        HOME=str(home),
        MLFLOW_SUPPRESS_PRINTING_URL_TO_STDOUT="true",
        PYTHONPATH=str(root),
    )
    return env


def git_folder(folder: Path) -> tuple[Path, Path]:
    """Make what a Databricks Git folder gives a learner: the files, and a Python.

    The files are the repository's, tracked or new but not ignored (no ``.venv``, no
    ``*.egg-info`` of a local install). The Python is a virtual environment whose only
    site folder links to every entry of this one's ``site-packages`` except the kit's: as
    in a Git folder, ``helpers`` imports from the root, ``importlib.metadata`` does not know
    ``mlflow-course-kit``, and its MLflow plugin is not registered.

    Args:
        folder: An empty folder.

    Returns:
        ``(root, python)``: the Git folder's root and the Python executable.
    """
    import site
    import subprocess
    import venv

    root = folder / "course"
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, check=True,
    ).stdout.decode().split("\0")  # fmt: skip
    for name in filter(None, listed):
        if (ROOT / name).is_file():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, root / name)

    environment = folder / "python"
    venv.EnvBuilder(with_pip=False, symlinks=True).create(environment)
    linked = environment / "course-packages"
    linked.mkdir()
    for packages in map(Path, site.getsitepackages()):
        for entry in packages.iterdir():
            if not entry.name.startswith(("__editable__", "mlflow_course_kit")):
                target = linked / entry.name
                if not target.exists():
                    target.symlink_to(entry)
    own = next((environment / "lib").glob("python*/site-packages"))
    (own / "course-packages.pth").write_text(f"{linked}\n")
    return root, environment / "bin" / "python"


@contextmanager
def workspace(refuse_uploads: bool = False) -> Iterator[StandInHost]:
    """Start a stand-in workspace host in front of a fresh ``mlflow server``.

    Args:
        refuse_uploads: Refuse model version uploads with AccessDenied, as a Free Edition
            workspace has been reported to do.

    Yields:
        The running ``StandInHost`` (``.url`` is ``DATABRICKS_HOST``).
    """
    folder = Path(tempfile.mkdtemp(prefix="emulated-workspace-"))
    port = processes.free_port()
    command = [
        sys.executable, "-m", "mlflow", "server",
        "--backend-store-uri", f"sqlite:///{folder / 'mlflow.db'}",
        # Run and model files travel over HTTP to a folder behind the server, as they go to
        # cloud storage on Databricks. (With a plain file:// root, registering a model in
        # Unity Catalog deletes the logged model's files: MLflow takes the folder for a
        # temporary download.)
        "--serve-artifacts", "--artifacts-destination", str(folder / "artifacts"),
        "--default-artifact-root", f"http://127.0.0.1:{port}/api/2.0/mlflow-artifacts/artifacts",
        "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
    ]  # fmt: skip
    process = processes.start(command, folder / "server.log")  # no job runner, as the kit's
    host = None
    try:
        health = f"http://127.0.0.1:{port}/health"
        processes.wait_until_up(health, process, 90, folder / "server.log")
        (folder / "files").mkdir()
        host = StandInHost(f"http://127.0.0.1:{port}", folder / "files", refuse_uploads)
        threading.Thread(target=host.serve_forever, daemon=True).start()
        yield host
    finally:
        if host is not None:
            host.shutdown()
            host.server_close()
        processes.stop(process, grace=1.0)
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    """Serve an emulated workspace until Ctrl+C, and say how to point a shell at it."""
    with workspace() as host:
        print("Emulated Databricks workspace (an emulation: see tests/emulated_workspace.py).")
        print(f"export DATABRICKS_HOST={host.url} DATABRICKS_TOKEN={TOKEN}")
        print(f"export DATABRICKS_RUNTIME_VERSION={RUNTIME_VERSION}")
        print("Press Ctrl+C to stop.")
        try:
            while True:
                time.sleep(1)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()

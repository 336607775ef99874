"""Run a notebook top to bottom with a chosen Python and environment; list its errors.

Used by the tests that run the course where nbval does not: in an emulated Databricks
workspace and against a tracking server. Their outputs are not compared with the committed
ones (other store, other names); an error in a cell not marked as an expected exception is.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import nbformat
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("[0-9]*.ipynb"))


def unexpected_errors(notebook: nbformat.NotebookNode) -> list[str]:
    """List the errors of cells that are not marked ``raises-exception``."""
    found = []
    for number, cell in enumerate(c for c in notebook.cells if c.cell_type == "code"):
        if "raises-exception" in cell.metadata.get("tags", []):
            continue
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                found.append(f"code cell [{number + 1}]: {output.ename}: {output.evalue[:500]}")
    return found


def execute(path: Path, env: dict[str, str], python: str, cwd: Path) -> nbformat.NotebookNode:
    """Execute a notebook with a kernel of ``python`` in ``env``, started in ``cwd``.

    Args:
        path: The notebook (the file is not changed).
        env: The kernel's whole environment.
        python: The Python the kernel runs on.
        cwd: The kernel's working directory.

    Returns:
        The executed notebook.
    """
    with tempfile.TemporaryDirectory(prefix="kernel-spec-") as specs:
        spec = Path(specs) / "course"
        spec.mkdir()
        argv = [python, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
        spec.joinpath("kernel.json").write_text(json.dumps({"argv": argv, "language": "python"}))
        manager = KernelManager(
            kernel_name="course", kernel_spec_manager=KernelSpecManager(kernel_dirs=[specs])
        )
        notebook = nbformat.read(path, as_version=4)
        client = NotebookClient(
            notebook,
            km=manager,
            timeout=600,
            allow_errors=True,
            resources={"metadata": {"path": str(cwd)}},
        )
        try:
            client.execute(env=env)
        finally:
            if manager.has_kernel:  # a kernel manager passed in is not shut down by nbclient
                manager.shutdown_kernel(now=True)
    return notebook

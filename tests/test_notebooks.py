"""The committed notebooks are in the state the course promises (nbval checks their outputs)."""

import json
import re
from pathlib import Path

import pytest

COURSE = Path(__file__).resolve().parent.parent / "notebooks"
#: The English notebooks.
NOTEBOOKS = sorted(COURSE.glob("*.ipynb"))
#: Both editions: the English notebooks and the Japanese ones (notebooks/ja/).
EDITIONS = NOTEBOOKS + sorted(COURSE.glob("ja/*.ipynb"))
#: What every notebook's first cell and headings say, by language.
SHAPE = {
    "en": ("**What you will learn.**", "**Prerequisites.**", "## Summary", "## Exercises"),
    "ja": ("**学ぶこと**:", "**前提条件**:", "## まとめ", "## 演習"),
}
MACHINE_PATH = re.compile(r"(/root/|/home/[^/\s]+/|/tmp/|/work/|/Users/[^/\s]+/|[A-Z]:\\\\)")
MARKERS = {f"# NBVAL_{m}" for m in ("IGNORE_OUTPUT", "CHECK_OUTPUT", "RAISES_EXCEPTION", "SKIP")}
SECRET = re.compile(r"dapi[0-9a-f]{20,}|(?:token|password)\s*[:=]\s*['\"][^'\"]{6,}", re.I)


def cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def text_of(output: dict) -> str:
    if "text" in output:
        return "".join(output["text"])
    data = output.get("data", {})
    return "".join(data.get("text/plain", "")) + "".join(data.get("text/html", ""))


def test_the_course_map_is_complete():
    from helpers.doctor import NOTEBOOKS as COURSE

    assert tuple(p.name for p in NOTEBOOKS) == COURSE


def edition_id(path: Path) -> str:
    """Name a notebook by its edition and name, e.g. ``ja/01_first_experiment.ipynb``."""
    return f"ja/{path.name}" if path.parent.name == "ja" else path.name


@pytest.mark.parametrize("path", EDITIONS, ids=edition_id)
def test_notebook_follows_the_course_shape(path):
    assert re.fullmatch(r"\d\d_[a-z0-9_]+\.ipynb", path.name)
    all_cells = cells(path)
    title = "".join(all_cells[0]["source"])
    assert all_cells[0]["cell_type"] == "markdown" and title.startswith(f"# {path.name[:2]} ·")
    learn, prerequisites, summary, exercises = SHAPE["ja" if path.parent.name == "ja" else "en"]
    assert learn in title and prerequisites in title
    headings = [
        line
        for c in all_cells
        if c["cell_type"] == "markdown"
        for line in "".join(c["source"]).splitlines()
    ]
    assert summary in headings and exercises in headings
    code = ["".join(c["source"]) for c in all_cells if c["cell_type"] == "code"]
    assert code[0].endswith("helpers.environment.install_on_databricks()"), "Databricks first"
    assert "import helpers" in code[1] and "helpers.tracking.setup(" in code[1]


@pytest.mark.parametrize("path", EDITIONS, ids=edition_id)
def test_notebook_is_committed_executed_top_to_bottom_and_clean(path):
    code = [c for c in cells(path) if c["cell_type"] == "code"]
    assert [c["execution_count"] for c in code] == list(range(1, len(code) + 1))
    for number, cell in enumerate(code, start=1):
        tags = set(cell["metadata"].get("tags", []))
        for output in cell["outputs"]:
            text = text_of(output)
            where = f"{path.name} cell [{number}]"
            assert not MACHINE_PATH.search(text), f"{where} shows a machine path"
            assert not SECRET.search(text + "".join(cell["source"])), f"{where} holds a secret"
            if output["output_type"] == "error":
                assert "raises-exception" in tags, f"{where} raised unexpectedly"
                assert len(output["traceback"]) == 1, f"{where}: use %xmode Minimal (no frames)"
            if output.get("name") == "stderr":
                assert "warning-is-the-lesson" in tags, f"{where} printed to stderr: {text[:200]}"


@pytest.mark.parametrize("path", EDITIONS, ids=edition_id)
def test_no_cell_relies_on_a_trailing_semicolon(path):
    """nbval runs cells without IPython history, where ';' does not hide the value."""
    for cell in cells(path):
        source = "".join(cell["source"]).rstrip()
        if cell["cell_type"] == "code":
            assert not source.endswith(";"), f"end with plt.show() instead: {source[-60:]}"


@pytest.mark.parametrize("path", EDITIONS, ids=edition_id)
def test_nbval_markers_are_written_as_nbval_reads_them(path):
    """nbval takes a marker only as a whole comment line: `# NBVAL_IGNORE_OUTPUT (why)` is
    not one, and the cell's output would be compared after all."""
    for cell in cells(path):
        for line in "".join(cell["source"]).splitlines():
            if line.lstrip("# ").startswith("NBVAL_"):
                assert line.strip() in MARKERS, f"{path.name}: {line.strip()!r}"

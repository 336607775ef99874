"""The English and the Japanese editions of the course cannot drift apart.

Every notebook exists in both languages, with the same cells in the same order, and the
same code: only Markdown and the comments inside code are translated. The outputs of both
come from executing them (nbval checks them strictly, like the English ones).
"""

from __future__ import annotations

import io
import json
import re
import tokenize
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ENGLISH = ROOT / "notebooks"
JAPANESE = ENGLISH / "ja"
NAMES = sorted(p.name for p in ENGLISH.glob("[0-9][0-9]_*.ipynb"))
KANA = re.compile(r"[\u3040-\u30ff]")


def cells(path: Path) -> list[dict]:
    """The cells of a notebook, as JSON."""
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def code_without_comments(source: str) -> list[tuple[int, str]]:
    """The tokens of a code cell without its comments and blank lines.

    A line of IPython (``%pip ...``, ``!cmd``) counts as one token, compared as written.
    """
    lines = [
        repr(line.strip()) if line.lstrip().startswith(("%", "!")) else line
        for line in source.splitlines()
    ]
    tokens = tokenize.generate_tokens(io.StringIO("\n".join(lines) + "\n").readline)
    ignored = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT}
    return [(t.type, t.string) for t in tokens if t.type not in ignored]


def comments(source: str) -> list[str]:
    """The comments of a code cell, as written."""
    tokens = tokenize.generate_tokens(io.StringIO(source + "\n").readline)
    return [t.string for t in tokens if t.type == tokenize.COMMENT]


def test_every_notebook_is_in_both_languages():
    japanese = sorted(p.name for p in JAPANESE.glob("*.ipynb"))
    assert japanese == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_the_japanese_notebook_has_the_english_code(name):
    english, japanese = cells(ENGLISH / name), cells(JAPANESE / name)
    assert [(c["cell_type"], c.get("id")) for c in japanese] == [
        (c["cell_type"], c.get("id")) for c in english
    ], "the same cells in the same order (ids included)"
    for en, ja in zip(english, japanese, strict=True):
        en_source, ja_source = "".join(en["source"]), "".join(ja["source"])
        if en["cell_type"] == "code":
            assert code_without_comments(ja_source) == code_without_comments(en_source), ja["id"]
            markers = [c for c in comments(en_source) if re.match(r"# (NBVAL_|noqa|fmt:)", c)]
            assert markers == [c for c in comments(ja_source) if c in markers], ja["id"]
        elif en_source.strip():
            assert KANA.search(ja_source), f"cell {ja['id']} is not translated"


@pytest.mark.parametrize("name", NAMES)
def test_the_japanese_notebook_links_its_glossary(name):
    first = "".join(cells(JAPANESE / name)[0]["source"])
    assert "](../../docs/ja/glossary.md)" in first
    assert (ROOT / "docs" / "ja" / "glossary.md").is_file()


def terminal_blocks(markdown: str) -> list[str]:
    """The commands a text tells a learner to type: its bash and PowerShell blocks."""
    return re.findall(r"```(?:bash|powershell|console)\n(.*?)```", markdown, re.S)


def inline_commands(markdown: str) -> set[str]:
    """The commands a text names inline, e.g. `make ui`."""
    return set(re.findall(r"`((?:make [a-z]+|python -m helpers [a-z]+)\b)[^`]*`", markdown))


@pytest.mark.parametrize("name", NAMES)
def test_the_japanese_notebook_tells_the_english_commands(name):
    """The tests run the English notebooks' commands as written; the Japanese are the same."""
    for en, ja in zip(cells(ENGLISH / name), cells(JAPANESE / name), strict=True):
        if en["cell_type"] == "markdown":
            en_text, ja_text = "".join(en["source"]), "".join(ja["source"])
            assert terminal_blocks(ja_text) == terminal_blocks(en_text), ja["id"]
            assert inline_commands(ja_text) <= inline_commands(en_text), ja["id"]


GUIDES = ("index", "databricks", "editions", "workshop", "ui")


@pytest.mark.parametrize("name", GUIDES)
def test_every_guide_has_its_japanese_page_with_the_same_code(name):
    english = (ROOT / "docs" / f"{name}.md").read_text(encoding="utf-8")
    japanese = (ROOT / "docs" / "ja" / f"{name}.md").read_text(encoding="utf-8")
    assert re.findall(r"```.*?```", japanese, re.S) == re.findall(r"```.*?```", english, re.S)
    assert KANA.search(japanese)
    assert "--8<--" not in japanese, "a snippet would bring English text into the page"


def test_the_guides_are_all_translated():
    pages = {p.stem for p in (ROOT / "docs").glob("*.md")}
    assert pages == set(GUIDES), "a new page needs its Japanese in docs/ja/ (and in GUIDES)"


def glossary() -> list[dict[str, str]]:
    """The rows of the glossary's table, by column."""
    rows = [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in (ROOT / "docs" / "ja" / "glossary.md").read_text(encoding="utf-8").splitlines()
        if line.startswith("|")
    ]
    header, body = rows[0], [r for r in rows[2:] if not set("".join(r)) <= set("-: ")]
    return [dict(zip(header, row, strict=True)) for row in body]


def test_the_glossary_gives_each_term_once_with_its_explanation():
    rows = glossary()
    assert len(rows) >= 40
    terms = [row["English"] for row in rows]
    assert len(terms) == len(set(terms)), "a term is listed twice"
    for row in rows:
        assert row["この講座の訳語"] and KANA.search(row["説明"]), row
    avoided = {word for row in rows for word in avoided_terms(row)}
    chosen = {row["この講座の訳語"] for row in rows}
    assert not [(a, c) for a in avoided for c in chosen if a in c], "an avoided word is in a term"


def avoided_terms(row: dict[str, str]) -> list[str]:
    """The translations a glossary row says to avoid."""
    cell = row["避ける訳語"]
    return [] if cell in ("", "—") else [w.strip() for w in cell.split("、") if w.strip()]


def test_the_japanese_edition_keeps_to_the_glossary():
    """No Japanese notebook text, exercise or check message uses a translation it avoids."""
    texts = {
        f"notebooks/ja/{name}": "\n".join("".join(c["source"]) for c in cells(JAPANESE / name))
        for name in NAMES
    }
    for catalog in (ROOT / "helpers" / "exercises" / "ja").glob("*.py"):
        texts[catalog.name] = catalog.read_text(encoding="utf-8")
    found = [
        (where, word)
        for row in glossary()
        for word in avoided_terms(row)
        for where, text in texts.items()
        if word in text
    ]
    assert found == [], "use the glossary's term instead"

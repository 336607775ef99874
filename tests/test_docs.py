"""The course website: what it lists, what it shows, and that a broken link fails it."""

import html
import importlib
import inspect
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

import helpers
from helpers import doctor

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "mkdocs.yml"


def nav_entries(nav: list) -> list[str]:
    """Every page of the nav, in order, whatever the nesting."""
    pages = []
    for item in nav:
        value = next(iter(item.values())) if isinstance(item, dict) else item
        pages += nav_entries(value) if isinstance(value, list) else [value]
    return pages


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The website, built from this checkout into a temporary folder (strict mode)."""
    out = tmp_path_factory.mktemp("site")
    build(load_config(str(CONFIG), site_dir=str(out)))
    return out


def test_the_nav_lists_every_notebook_in_order_and_every_helper_module():
    pages = nav_entries(yaml.safe_load(CONFIG.read_text())["nav"])
    notebooks = [p.removeprefix("notebooks/") for p in pages if p.startswith("notebooks/")]
    assert notebooks == list(doctor.NOTEBOOKS)
    reference = {p.removeprefix("reference/") for p in pages if p.startswith("reference/")}
    assert reference == {f"{module}.md" for module in helpers.__all__} | {"index.md"}
    for module in helpers.__all__:
        assert f"::: helpers.{module}" in (ROOT / "docs" / "reference" / f"{module}.md").read_text()


@pytest.mark.parametrize("edition", ["", "ja/"], ids=["en", "ja"])
def test_every_notebook_page_shows_its_committed_outputs(site, edition):
    for name in doctor.NOTEBOOKS:
        notebook = json.loads((ROOT / "notebooks" / edition / name).read_text(encoding="utf-8"))
        page = (site / edition / "notebooks" / name.replace(".ipynb", ".html")).read_text()
        texts = [
            "".join(output["text"])
            for cell in notebook["cells"] if cell["cell_type"] == "code"
            for output in cell.get("outputs", []) if output.get("name") == "stdout"
            if "".join(output["text"]).strip()  # a print may arrive in pieces: "\n" alone
        ]  # fmt: skip
        assert texts, f"{name} has no printed output to look for"
        for text in texts:
            first_line = text.strip().splitlines()[0].strip()
            assert html.escape(first_line, quote=False) in page, (name, first_line)
        pictures = sum(
            "image/png" in output.get("data", {})
            for cell in notebook["cells"] if cell["cell_type"] == "code"
            for output in cell.get("outputs", [])
        )  # fmt: skip
        assert page.count("data:image/png;base64,") >= pictures, name
        assert (site / edition / "notebooks" / name).exists(), f"no download of {name}"


def test_the_reference_documents_every_public_function(site):
    for module_name in helpers.__all__:
        module = importlib.import_module(f"helpers.{module_name}")
        page = (site / "reference" / f"{module_name}.html").read_text()
        public = [
            name for name, member in vars(module).items()
            if not name.startswith("_")
            and (inspect.isfunction(member) or inspect.isclass(member))
            and member.__module__ == module.__name__
        ]  # fmt: skip
        assert public, module_name
        for name in public:
            assert f'id="helpers.{module_name}.{name}"' in page, f"helpers.{module_name}.{name}"


def test_the_ui_page_shows_every_screenshot(site):
    pictures = {p.name for p in (ROOT / "docs" / "images" / "ui").glob("*.png")}
    shown = set(re.findall(r'src="images/ui/([\w-]+\.png)"', (site / "ui.html").read_text()))
    assert shown == pictures and len(pictures) == 5
    for picture in pictures:
        assert (site / "images" / "ui" / picture).stat().st_size > 20_000


def test_a_broken_link_fails_the_build(tmp_path, caplog):
    docs = tmp_path / "docs"
    shutil.copytree(ROOT / "docs", docs)
    with (docs / "index.md").open("a") as index:
        index.write("\nSee [the missing page](no-such-page.md).\n")
    config = load_config(str(CONFIG), docs_dir=str(docs), site_dir=str(tmp_path / "site"))
    with pytest.raises(Abort, match="1 warnings in strict mode"):
        build(config)
    assert "no-such-page.md" in caplog.text


def test_notebook_headings_have_no_inline_code():
    # The website's table of contents drops inline code: "Aliases: `a` and `b`" would
    # show as "Aliases: and".
    for name in doctor.NOTEBOOKS:
        notebook = json.loads((ROOT / "notebooks" / name).read_text())
        for cell in notebook["cells"]:
            if cell["cell_type"] == "markdown":
                for line in "".join(cell["source"]).splitlines():
                    assert not (line.startswith("#") and "`" in line), (name, line)


def test_docstrings_are_markdown_not_restructuredtext():
    # The reference renders docstrings as Markdown: Sphinx roles would show up verbatim.
    for source in (ROOT / "helpers").glob("*.py"):
        text = source.read_text()
        for role in (":func:`", ":class:`", ":meth:`", ":mod:`", ":attr:`"):
            assert role not in text, (source.name, role)


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_every_exercise_is_on_its_page_with_hint_and_solution_folded(site, lang):
    from helpers.exercises import all_exercises

    folder = site / ("ja" if lang == "ja" else "") / "exercises"
    word = "演習" if lang == "ja" else "Exercise"
    for exercise in all_exercises():
        texts = exercise.texts(lang)
        page = (folder / f"{exercise.notebook}.html").read_text()
        heading = f"{word} {exercise.number}: {html.escape(texts.title, quote=False)}"
        sections = [part for part in page.split("<h2")[1:] if heading in part.split("</h2>")[0]]
        assert len(sections) == 1, heading
        section = sections[0].split("</article>")[0]
        text = html.unescape(re.sub(r"<[^>]+>", "", section))
        assert '<details class="tip">' in section and '<details class="success">' in section
        assert "<details open" not in section and " open>" not in section, "folded by default"
        assert " ".join(texts.hint.split()) in " ".join(text.split())
        for line in exercise.solution_code.strip().splitlines():
            assert line.strip() in text, (exercise.notebook, exercise.name, line)


def pages_of(site: Path, edition: str) -> list[Path]:
    """The HTML pages of one language of the site (the Japanese one is under ja/)."""
    root = site / edition
    pages = [p for p in root.rglob("*.html") if p.name != "404.html"]
    return [p for p in pages if edition or p.relative_to(root).parts[0] != "ja"]


@pytest.mark.parametrize("edition,other", [("", "ja/"), ("ja/", "")], ids=["en", "ja"])
def test_every_page_switches_to_the_same_page_in_the_other_language(site, edition, other):
    pages = pages_of(site, edition)
    assert len(pages) >= 40  # home, guides, notebooks, exercises, reference
    lang = "ja" if other else "en"
    for page in pages:
        path = page.relative_to(site / edition).as_posix()
        links = re.findall(rf'<a href="([^"]+)" hreflang="{lang}"', page.read_text())
        assert len(links) == 1, (path, links)
        target = (page.parent / links[0]).resolve()
        counterpart = site / other / path
        wanted = counterpart if counterpart.exists() else site / other / "index.html"
        assert target == wanted.resolve(), (path, links[0])


def test_the_japanese_pages_are_japanese_and_link_the_glossary(site):
    glossary = site / "ja" / "glossary.html"
    assert "避ける訳語" in glossary.read_text()
    for name in doctor.NOTEBOOKS:
        page = site / "ja" / "notebooks" / name.replace(".ipynb", ".html")
        text = page.read_text()
        assert '<html lang="ja"' in text
        links = re.findall(r'href="([^"]*glossary[^"]*)"', text)
        assert links and all((page.parent / link).resolve() == glossary for link in links), links
    for guide in ("index", "databricks", "editions", "workshop", "ui"):
        text = (site / "ja" / f"{guide}.html").read_text()
        assert '<html lang="ja"' in text and "用語集" in text, guide


def test_every_link_and_asset_of_the_site_is_there(site):
    """Both languages: every relative link, stylesheet, script and picture of every page."""
    from urllib.parse import unquote

    missing = set()
    for page in (p for p in site.rglob("*.html") if p.name != "404.html"):  # a server's page
        for target in re.findall(r'(?:href|src)="([^"#?]+)', page.read_text()):
            if re.match(r"[a-z]+:|//", target):
                continue  # another site, data: or mailto:
            if not (page.parent / unquote(target)).exists():
                missing.add((page.relative_to(site).as_posix(), target))
    assert not missing, sorted(missing)[:20]

"""The MLflow UI, photographed: screenshots of the course's own runs in headless Chromium.

As a script it refreshes the pictures of the course website (``make screenshots``)::

    python tests/test_ui_screenshots.py            # writes docs/images/ui/*.png

As a test (``make test``) it takes the same pictures into a temporary folder, and checks
that the run names of notebook 02 are visible in the UI's run list and compare view.

Both log notebook 02's runs (the same specs, names and seeds) into a fresh store, start a
real ``mlflow server`` on that store and drive Chromium (Debian's ``chromium`` package)
with Playwright.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import tempfile
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import mlflow
import pytest
from mlflow import MlflowClient
from playwright.sync_api import Page, expect, sync_playwright
from sklearn.ensemble import RandomForestRegressor
from sklearn.linear_model import LinearRegression

from helpers import data, environment, server, tracking
from helpers.experiments import RunSpec, article_specs, run_experiments

COURSE = Path(__file__).resolve().parent.parent
PICTURES = COURSE / "docs" / "images" / "ui"
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
WIDTH = 1280
#: Seconds to wait for the UI to show something (its first load compiles a large bundle).
PATIENCE = 60


def find_browser() -> str | None:
    """Find a Chromium-family browser: ``$CHROMIUM``, then the usual program names."""
    candidates = [os.environ.get("CHROMIUM", "")] + [shutil.which(name) or "" for name in BROWSERS]
    return next((path for path in candidates if path and Path(path).exists()), None)


def fill_store(store: Path) -> None:
    """Log the runs the pictures show into ``store``, as notebook 02 logs them.

    The same specs, names, data and seeds as the notebook's cells (the article's four runs,
    the 60-run grid over three seeds, the 25 forests of the contour plot), logged directly
    in this process: about as fast as the notebook's kernel takes to start, and notebook 02
    itself is executed once, by nbval.
    """
    client = MlflowClient(environment.sqlite_uri(store))
    df = data.article_data()
    models = {"LR": LinearRegression(), "RF": RandomForestRegressor(n_estimators=50)}
    grid = [
        (seed, [
            RunSpec(model, size, features, f"{short}_{size}_{len(features)}f_seed{seed}")
            for short, model in models.items()
            for size in (0.5, 0.6, 0.7, 0.8, 0.9)
            for features in (["feature1"], ["feature1", "feature2"])
        ])
        for seed in (1, 2, 3)
    ]  # fmt: skip
    forests = [
        RunSpec(
            RandomForestRegressor(n_estimators=n, max_depth=depth),
            0.8,
            ["feature1", "feature2"],
            f"RF_trees{n}_depth{depth}",
        )
        for n in (5, 10, 20, 40, 80)
        for depth in (1, 2, 3, 4, 6)
    ]
    previous = mlflow.get_tracking_uri()
    mlflow.set_tracking_uri(environment.sqlite_uri(store))
    try:
        _use_experiment(client, store, "02-comparing-runs")
        run_experiments(article_specs(), df, dataset_name="article-dummy-data", progress=False)
        _use_experiment(client, store, "02-run-grid")
        for seed, specs in grid:
            run_experiments(specs, df, seed=seed, log_models=False, progress=False)
        run_experiments(forests, df, log_models=False, progress=False)
    finally:
        mlflow.set_tracking_uri(previous)


def _use_experiment(client: MlflowClient, store: Path, name: str) -> None:
    """Create an experiment with its files in the store, as ``tracking.setup`` does; use it."""
    location = (store / "artifacts" / name).as_uri()
    experiment = tracking.get_or_create_experiment(client, name, location)
    mlflow.set_experiment(experiment_id=experiment.experiment_id)


def run_ids(client: MlflowClient, experiment: str, name_pattern: str = "%") -> dict[str, str]:
    """Map run name to run ID for the finished runs of an experiment whose names match."""
    found = client.get_experiment_by_name(experiment)
    assert found is not None, f"the store has no experiment {experiment!r}"
    wanted = f"attributes.status = 'FINISHED' and tags.mlflow.runName LIKE '{name_pattern}'"
    runs = client.search_runs([found.experiment_id], filter_string=wanted, max_results=1000)
    return {run.info.run_name: run.info.run_id for run in runs}


@contextmanager
def browser_page(executable: str) -> Iterator[Page]:
    """A fresh headless Chromium page, ``WIDTH`` pixels wide."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        try:
            page = browser.new_page(viewport={"width": WIDTH, "height": 900})
            page.set_default_timeout(PATIENCE * 1000)
            expect.set_options(timeout=PATIENCE * 1000)
            yield page
        finally:
            browser.close()


def open_model_training(page: Page, url: str) -> None:
    """Open the UI and switch it from *GenAI* to *Model training*, as the notebooks say."""
    page.goto(url)
    page.get_by_text("Model training", exact=True).click()


def tidy(page: Page) -> None:
    """Fold the sidebar and close the assistant panel and notices: the runs get the room."""
    if page.get_by_text("Model training", exact=True).is_visible():
        page.get_by_role("button", name="Toggle sidebar").click()
    for locator in (
        page.locator('[data-component-id="mlflow.assistant.chat_panel.close"]'),
        page.get_by_role("button", name="Got it"),
    ):
        if locator.count() and locator.first.is_visible():
            locator.first.click()


def shoot(page: Page, path: Path, height: int) -> Path:
    """Save the top ``height`` pixels of the page as a PNG."""
    page.wait_for_timeout(800)  # let charts finish their entry animation
    page.screenshot(path=path, clip={"x": 0, "y": 0, "width": WIDTH, "height": height})
    return path


def choose(page: Page, selector_id: str, value: str) -> None:
    """Pick ``value`` in one of the compare page's axis drop-downs."""
    page.locator(f"#{selector_id}").click()
    page.get_by_role("option", name=value, exact=True).click()


def compare_url(url: str, experiment_id: str, ids: list[str]) -> str:
    """The address of the UI's compare page for some runs of one experiment."""

    def listed(values: list[str]) -> str:
        return urllib.parse.quote(json.dumps(values, separators=(",", ":")))

    return f"{url}/#/compare-runs?runs={listed(ids)}&experiments={listed([experiment_id])}"


def run_list(page: Page, url: str, experiment_id: str, names: list[str], out: Path) -> list[Path]:
    """The run list with params and metrics as columns, then the chart view.

    Asserts that every name in ``names`` is visible in the list.
    """
    page.goto(f"{url}/#/experiments/{experiment_id}")
    for name in names:
        expect(page.get_by_role("link", name=name, exact=True)).to_be_visible()
    tidy(page)
    page.get_by_role("button", name="Columns", exact=True).click()
    tree = page.get_by_test_id("column-selector-tree")
    page.get_by_placeholder("Search columns").fill("")
    for column in ["Dataset", "Source", "Models", "Metrics (3)"]:
        tree.locator("span[title]").filter(has_text=re.compile(f"^{re.escape(column)}$")).click()
    for column in ["model_type", "train_size", "features"]:
        page.get_by_placeholder("Search columns").fill(column)
        tree.locator("span[title]").filter(has_text=re.compile(f"^{re.escape(column)}$")).click()
    page.keyboard.press("Escape")
    expect(page.locator('.ag-header-cell[col-id="metrics.`rmse`"]')).to_be_visible()
    shots = [shoot(page, out / "run-list.png", 420)]

    page.locator("label:has(input[value=CHART])").click()
    expect(page.get_by_text("Model metrics")).to_be_visible()
    shots.append(shoot(page, out / "chart-view.png", 660))
    return shots


def compare_view(page: Page, names: list[str], out: Path) -> Path:
    """Tick the runs in the list, click Compare: params and metrics side by side.

    Asserts that every name in ``names`` is visible on the compare page.
    """
    page.locator("label:has(input[value=TABLE])").click()
    page.locator(".ag-header-select-all").first.click()
    page.get_by_role("button", name="Compare", exact=True).click()
    expect(page.get_by_text(f"Comparing {len(names)} Runs from 1 Experiment")).to_be_visible()
    page.get_by_text("Visualizations", exact=True).click()  # fold the plots: the table first
    for name in names:
        expect(page.get_by_role("cell", name=name, exact=True)).to_be_visible()
    page.get_by_text("Show diff only").first.click()  # hide the params all four share
    expect(page.get_by_role("cell", name="n_jobs", exact=True)).to_have_count(0)
    page.set_viewport_size({"width": WIDTH, "height": 2400})  # params and metrics in one picture
    end = page.get_by_text("Artifacts", exact=True).first.bounding_box()
    assert end is not None, "the compare page has no Artifacts section below its metrics"
    shot = shoot(page, out / "compare-runs.png", int(end["y"]) - 10)
    page.set_viewport_size({"width": WIDTH, "height": 900})
    page.get_by_text("Visualizations", exact=True).click()  # unfold the plots again
    return shot


def compare_plot(page: Page, address: str, tab: str, axes: dict[str, str], out: Path) -> Path:
    """One of the compare page's plots, with its axes chosen."""
    page.goto(address)
    page.reload()  # a new address after '#' alone does not reload the compare page's runs
    page.get_by_text(tab, exact=True).click()
    tidy(page)
    for selector_id, value in axes.items():
        choose(page, selector_id, value)
    expect(page.locator(".js-plotly-plot").first).to_be_visible()
    name = tab.lower().replace(" plot", "").replace(" ", "-")
    return shoot(page, out / f"compare-{name}.png", 650)


def take_screenshots(store: Path, out: Path, browser: str) -> list[Path]:
    """Start ``mlflow server`` on a store with notebook 02's runs and photograph its UI.

    Args:
        store: A course store (``mlflow.db`` and ``artifacts/``) with notebook 02's runs.
        out: Folder for the PNG files.
        browser: Path of a Chromium-family browser.

    Returns:
        The PNG files written.
    """
    out.mkdir(parents=True, exist_ok=True)
    with server.start(store) as ui:
        client = MlflowClient(tracking_uri=ui.url)
        article = run_ids(client, "02-comparing-runs")
        grid_id = client.get_experiment_by_name("02-run-grid").experiment_id
        seeds = run_ids(client, "02-run-grid", "%seed%")
        forests = run_ids(client, "02-run-grid", "RF_trees%")
        names = sorted(article)
        with browser_page(browser) as page:
            open_model_training(page, ui.url)
            experiment_id = client.get_experiment_by_name("02-comparing-runs").experiment_id
            shots = run_list(page, ui.url, experiment_id, names, out)
            shots.append(compare_view(page, names, out))
            box = compare_url(ui.url, grid_id, list(seeds.values()))
            axes = {"x-axis-selector": "features", "y-axis-selector": "mse"}
            shots.append(compare_plot(page, box, "Box Plot", axes, out))
            contour = compare_url(ui.url, grid_id, list(forests.values()))
            axes = {"xaxis-selector": "n_estimators", "yaxis-selector": "max_depth",
                    "zaxis-selector": "mse"}  # fmt: skip
            shots.append(compare_plot(page, contour, "Contour Plot", axes, out))
    return shots


def png_size(path: Path) -> tuple[int, int]:
    """Width and height of a PNG file, read from its header."""
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG file"
    return int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")


@pytest.fixture(scope="module")
def browser() -> str:
    """Chromium's path; without one the test is skipped on a laptop and fails in CI."""
    found = find_browser()
    if found is None:
        message = "no Chromium found: install Debian's `chromium` or set $CHROMIUM"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


def test_the_ui_shows_the_course_runs_in_its_run_list_and_compare_view(browser, tmp_path):
    store = tmp_path / "store"
    fill_store(store)
    client = MlflowClient(tracking_uri=environment.sqlite_uri(store))
    experiment = client.get_experiment_by_name("02-comparing-runs")
    created = {run.info.run_name for run in client.search_runs([experiment.experiment_id])}
    assert created == {spec.name for spec in article_specs()}  # the article's four runs

    shots = take_screenshots(store, tmp_path / "pictures", browser)  # asserts the names

    assert [shot.name for shot in shots] == [
        "run-list.png", "chart-view.png", "compare-runs.png", "compare-box.png",
        "compare-contour.png",
    ]  # fmt: skip
    for shot in shots:
        width, height = png_size(shot)
        assert width == WIDTH and height >= 400, (shot.name, width, height)
        assert shot.stat().st_size > 20_000, f"{shot.name} looks blank"


def main() -> int:
    """Refresh the website's pictures in docs/images/ui from notebook 02's runs."""
    browser = find_browser()
    if browser is None:
        print("No Chromium found: install Debian's `chromium` or set $CHROMIUM.", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="ui-screenshots-") as scratch:
        store = Path(scratch) / "store"
        print("Logging notebook 02's runs into a fresh store ...", flush=True)
        fill_store(store)
        print("Photographing the MLflow UI ...", flush=True)
        for shot in take_screenshots(store, PICTURES, browser):
            print(f"  {shot.relative_to(COURSE)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

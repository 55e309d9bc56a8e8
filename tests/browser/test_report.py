"""The reports in a real browser: headless Debian Chromium opens each HTML file from disk,
renders it with no console errors and no network request, every image decodes, and a
full-page screenshot is saved to tests/artifacts/ for a person to look at."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.cli import app
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, artifacts_dir
from tests.support.sweep_dirs import make_sweep_dir

TWO_PARTY = Path(__file__).resolve().parents[1] / "data" / "two-party.toml"

if not CHROMIUM.exists() and not os.environ.get("CI"):
    pytest.skip(
        "no /usr/bin/chromium (run scripts/install-chromium); required when CI is set",
        allow_module_level=True,
    )


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, Path]:
    """A run report, a sweep report and a comparison, each written by the command itself
    (two runs of the generic two-party scenario: a short calendar, quick to run)."""
    root = tmp_path_factory.mktemp("browser")
    cli = CliRunner()
    runs = []
    for seed in (1, 2):
        run = root / f"run-{seed}"
        args = ["run", str(TWO_PARTY), "-n", "200", "-s", str(seed), "-o", str(run), "--no-charts"]
        result = cli.invoke(app, args)
        assert result.exit_code == 0, result.output
        runs.append(run)
    sweep = make_sweep_dir(root / "sweep", kind="grid")
    for d in (runs[0], sweep):
        result = cli.invoke(app, ["report", str(d)])
        assert result.exit_code == 0, result.output
    out = root / "compare"
    result = cli.invoke(app, ["compare", *map(str, runs), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return {
        "run-report": runs[0] / "report.html",
        "sweep-report": sweep / "report.html",
        "compare": out / "compare.html",
    }


@pytest.mark.parametrize("name", ["run-report", "sweep-report", "compare"])
def test_page_renders_offline_without_errors(browser, pages, name):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems, requests = [], []
    page.on(
        "console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None
    )
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(pages[name].resolve().as_uri())
    page.wait_for_load_state("load")

    sizes = page.evaluate(
        "Array.from(document.images).map(i => [i.complete, i.naturalWidth, i.naturalHeight])"
    )
    assert sizes and all(done and w > 0 and h > 0 for done, w, h in sizes), sizes
    assert problems == []
    external = [u for u in requests if not u.startswith(("file:", "data:"))]
    assert external == []
    headings = page.locator("h2").all_inner_texts()
    assert "Charts" in headings

    shot = artifacts_dir() / f"{name}.png"
    page.screenshot(path=str(shot), full_page=True)
    print(f"screenshot: {shot}")
    assert shot.stat().st_size > 10_000
    page.close()

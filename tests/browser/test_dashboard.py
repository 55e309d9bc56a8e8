"""The dashboard in a real browser: Debian's Chromium driven by Playwright.

The page is built over a websocket after it loads, so the tests wait for widgets, never
for a fixed time. One server (started by ``ceasefire dashboard`` on a free local port)
serves both tests; each test opens its own page, which Solara gives its own session.
Screenshots are kept in ``tests/artifacts/`` (or $TEST_ARTIFACTS) and their paths printed.
"""

from __future__ import annotations

import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, artifacts_dir

ROOT = Path(__file__).resolve().parents[2]
TWO_PARTY = ROOT / "tests" / "data" / "two-party.toml"
WAIT_MS = 30_000


def _missing() -> list[str]:
    from sim.dashboard.server import missing_packages

    reasons = [] if CHROMIUM.exists() else [f"{CHROMIUM} not found (scripts/install-chromium)"]
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        reasons.append("playwright is not installed (the 'test' extra)")
    problems = missing_packages()
    if problems:
        reasons.append("dashboard extra: " + "; ".join(problems))
    return reasons


@pytest.fixture(scope="module")
def dashboard_url():
    reasons = _missing()
    if reasons:
        if os.environ.get("CI"):
            pytest.fail("browser test cannot run in CI: " + "; ".join(reasons))
        pytest.skip("; ".join(reasons))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = shutil.which("ceasefire", path=str(Path(sys.executable).parent))
    server = subprocess.Popen(
        [command, "dashboard", str(TWO_PARTY), "--port", str(port)],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group: the solara child goes with it
    )
    try:
        ready, _, _ = select.select([server.stdout], [], [], 120)
        line = server.stdout.readline() if ready else ""
        match = re.search(r"http://\S+", line)
        assert match, f"no URL from `ceasefire dashboard` (got {line!r})"
        yield match.group(0)
    finally:
        os.killpg(server.pid, signal.SIGINT)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


@pytest.fixture(scope="module")
def browser(dashboard_url):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, dashboard_url):
    """A page of the dashboard; every request it makes is kept in ``page.requests``, every
    answer as (url, status) in ``page.answers``, every request that failed in ``page.failed``."""
    page = browser.new_page(viewport={"width": 1500, "height": 1100})
    page.requests, page.answers, page.failed = [], [], []
    page.on("request", lambda request: page.requests.append(request.url))
    page.on("response", lambda response: page.answers.append((response.url, response.status)))
    page.on("requestfailed", lambda request: page.failed.append(request.url))
    page.set_default_timeout(WAIT_MS)
    page.goto(dashboard_url)
    page.wait_for_selector(".ceasefire-day")
    yield page
    page.close()


def assert_only_local_requests(page, dashboard_url: str) -> None:
    """Reproducer: each page load logged a failed CDN fetch of KaTeX (solara.Markdown asks
    the server's /_solara/cdn/ for KaTeX and Mermaid, which solara-assets does not bundle,
    so the server tries the internet). Every request goes to the dashboard's own server and
    is answered from what is installed: no failure, no error status, no KaTeX or Mermaid."""
    origin = dashboard_url.rstrip("/")
    local = (origin, f"blob:{origin}", "data:")  # blob: and data: are the page's own images
    assert [u for u in page.requests if not u.startswith(local)] == []
    assert [u for u in page.requests if re.search(r"katex|mermaid", u, re.I)] == []
    assert page.failed == []
    assert [(u, s) for u, s in page.answers if s >= 400] == []


def artifact(page, name: str, capsys) -> Path:
    path = artifacts_dir() / name
    page.screenshot(path=str(path), full_page=True, animations="disabled")
    with capsys.disabled():
        print(f"\nscreenshot: {path}")
    return path


def wait_until(condition, what: str, timeout: float = WAIT_MS / 1000) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def day_text(page) -> str:
    return page.locator(".ceasefire-day").inner_text()


def step(page) -> str:
    before = day_text(page)
    page.get_by_role("button", name="Step", exact=True).click()
    wait_until(lambda: day_text(page) != before, "the day counter to move")
    return day_text(page)


def chart_src(page, name: str) -> str:
    image = page.locator(f".chart-{name} img")
    image.wait_for()
    return image.get_attribute("src")


def slider(page, label: str):
    return page.locator(".v-input", has=page.locator(".v-label", has_text=label)).get_by_role(
        "slider"
    )


def test_lever_then_steps_move_the_day_counter_and_the_charts(page, dashboard_url, capsys):
    assert day_text(page).startswith("Day 0 of 122 days (1 Jun 2024 to 30 Sep 2024)")
    assert step(page).startswith("1 of 122 days played (to 1 Jun 2024)")
    first = {name: chart_src(page, name) for name in ("timeline", "fronts")}

    # The front's drift 0.002 -> 0.001: the model is rebuilt at the same day
    drift = slider(page, "drift per day (+: toward North) = 0.002")
    drift.focus()
    for _ in range(10):
        page.keyboard.press("ArrowLeft")
    page.get_by_text("drift per day (+: toward North) = 0.001  (file: 0.002)").wait_for()
    assert day_text(page).startswith("1 of 122 days played")

    for expected in range(2, 6):
        assert step(page).startswith(f"{expected} of 122 days played")
    for name, before in first.items():
        wait_until(lambda n=name, b=before: chart_src(page, n) != b, f"the {name} chart to redraw")
    for name in ("outside_options", "beliefs"):
        chart_src(page, name)
    artifact(page, "dashboard-after-steps.png", capsys)
    assert_only_local_requests(page, dashboard_url)


def test_choosing_another_scenario_reloads_actors_fronts_tracks_and_levers(
    page, dashboard_url, capsys
):
    facts = page.locator(".scenario-facts")
    assert facts.inner_text() == (
        "3 actors · 1 front: Front line · 2 tracks: Monitoring only, Full ceasefire"
        " · 2 issues: Monitoring, Withdrawal from the salient"
    )
    assert page.get_by_text("North", exact=True).count() == 1  # its lever group

    page.locator(".scenario-card .v-select").click()
    page.get_by_role("option", name="march-2025.toml").click()
    page.get_by_text("7 actors · 5 fronts").wait_for()
    assert "Kursk salient" in facts.inner_text() and "tracks:" in facts.inner_text()
    assert day_text(page).startswith("Day 0 of 296 days (11 Mar 2025 to 31 Dec 2025)")
    page.get_by_text("United States threat to Russia", exact=True).wait_for()
    page.get_by_text("Kursk salient", exact=True).wait_for()  # a front's lever group
    assert page.get_by_text("North", exact=True).count() == 0
    assert page.get_by_text("Ukraine", exact=True).count() == 1

    page.get_by_role("tab", name="Evidence").click()
    table = page.locator(".evidence-panel table")
    table.wait_for()
    assert table.locator("tbody tr").count() == 6  # one row per issue of the new scenario
    assert "P6: " in table.inner_text()
    artifact(page, "dashboard-evidence.png", capsys)

    page.get_by_role("button", name="Run to end").click()
    wait_until(lambda: "Run done" in day_text(page), "the run to finish", timeout=180)
    page.get_by_role("tab", name="Outcome").click()
    for name in ("outcomes", "first_deal", "durations"):
        chart_src(page, name)
    artifact(page, "dashboard-outcome.png", capsys)
    assert_only_local_requests(page, dashboard_url)

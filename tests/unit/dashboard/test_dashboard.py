"""The dashboard without a browser: levers, the model they build, the in-progress result
the charts draw from, the text panels and the command's errors."""

from __future__ import annotations

import datetime as dt
import socket
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.dashboard import server
from sim.dashboard.levers import DashboardModel, apply_levers, replayed, scenario_levers
from sim.dashboard.panels import actor_evidence, actor_profile, day_status
from sim.engine.model import CeasefireModel
from sim.results.run_dir import result_from_model
from sim.results.summary import headline
from sim.scenario.load import DEFAULT_SCENARIO, ScenarioError, load_scenario
from sim.scenario.paths import locate, path_bounds

TWO_PARTY = Path(__file__).parents[2] / "data" / "two-party.toml"


@pytest.fixture(scope="module")
def march():
    return load_scenario(DEFAULT_SCENARIO)


@pytest.fixture(scope="module")
def two():
    return load_scenario(TWO_PARTY)


def _first_threat(s):
    return next(iter(s.threats))


def test_levers_cover_each_front_threats_monitoring_and_each_party_within_the_schema(march):
    levers = {lever.path: lever for lever in scenario_levers(march)}
    assert march.fronts, "the default scenario has fronts"
    for front in march.fronts:
        for field in ("drift", "volatility", "intensity"):
            assert f"fronts.{front}.{field}" in levers
    for party in ("russia", "ukraine"):
        for field in ("concession_rate", "planning_horizon", "noise"):
            assert f"actors.{party}.{field}" in levers
    assert not any(p.startswith("actors.united_states") for p in levers)  # mediator: no veto
    threat = _first_threat(march)
    assert {f"threats.{threat}.credibility", f"threats.{threat}.deadline"} <= set(levers)
    supporters = [a for a, actor in march.actors.items() if actor.role == "supporter"]
    assert supporters, "the default scenario has supporters"
    for supporter in supporters:  # the monitoring they add to a deal that provides for it
        assert f"actors.{supporter}.monitoring_capacity" in levers
    for path, lever in levers.items():
        assert lever.low <= lever.default <= lever.high, path
        if not path.endswith(".deadline"):
            locate(march, path)  # a real parameter path
            lo, hi = path_bounds(march, path)
            assert lo <= lever.low and lever.high <= hi, path
    deadline = levers[f"threats.{threat}.deadline"]
    t, start = march.threats[threat], march.scenario.start_date
    assert (deadline.low, deadline.default, deadline.high) == (
        (t.issued - start).days,
        (t.deadline - start).days,
        march.scenario.horizon - 1,
    )


def test_a_front_drift_lever_runs_both_ways_and_names_the_side_it_favours(two):
    drift = {lever.path: lever for lever in scenario_levers(two)}["fronts.line.drift"]
    assert drift.low < 0 < drift.default < drift.high
    assert drift.group == "Front line" and "toward North" in drift.name  # sides: south, north


def test_untouched_levers_give_exactly_the_file_model(march):
    defaults = {lever.path: lever.default for lever in scenario_levers(march)}
    dashboard = DashboardModel(str(DEFAULT_SCENARIO), 200, 5, defaults)
    plain = CeasefireModel(march, 200, 5)
    dashboard.run_model()
    plain.run_model()
    for name, column in plain.outcomes().items():
        np.testing.assert_array_equal(dashboard.outcomes()[name], column, err_msg=name)


def test_a_moved_front_lever_is_the_same_override_as_in_a_sweep(two):
    moved = {"fronts.line.drift": -0.01, "fronts.line.intensity": 3.0}
    dashboard = DashboardModel(str(TWO_PARTY), 300, 2, moved)
    plain = CeasefireModel(two, 300, 2, overrides=moved)
    unmoved = CeasefireModel(two, 300, 2)
    for m in (dashboard, plain, unmoved):
        m.run_model()
    for name in ("first_deal_day", "control_line"):
        np.testing.assert_array_equal(dashboard.outcomes()[name], plain.outcomes()[name])
    assert not np.array_equal(
        dashboard.outcomes()["control_line"], unmoved.outcomes()["control_line"]
    )


def test_deadline_lever_moves_the_threat_date(march):
    threat = _first_threat(march)
    path = f"threats.{threat}.deadline"
    in_file = march.threats[threat].deadline
    day = (in_file - march.scenario.start_date).days + 6
    scenario, overrides = apply_levers(march, {path: day})
    assert overrides == {}
    assert scenario.threats[threat].deadline == in_file + dt.timedelta(days=6)
    assert march.threats[threat].deadline == in_file  # the original is untouched


def test_a_deadline_before_the_threat_is_issued_is_a_scenario_error(march):
    threat = _first_threat(march)
    before = (march.threats[threat].issued - march.scenario.start_date).days - 1
    with pytest.raises(ScenarioError, match=f"threats.{threat}.deadline"):
        apply_levers(march, {f"threats.{threat}.deadline": before})


def test_replicates_are_clamped_to_the_slider_range():
    assert DashboardModel(str(TWO_PARTY), 0, 1).params.replicates == 1
    assert DashboardModel(str(TWO_PARTY), 20_000, 1).params.replicates == 10_000


def test_day_status_follows_the_calendar(two):
    model = CeasefireModel(two, 100, 1, record="summary")
    span = "122 days (1 Jun 2024 to 30 Sep 2024)"  # as the report says it (calendar_span)
    assert day_status(model) == f"Day 0 of {span} · 100 replicates"
    model.step()
    model.step()
    status = day_status(model, result_from_model(model))
    assert status.startswith("2 of 122 days played (to 2 Jun 2024) · 100 replicates")
    assert "deals in force per replicate" in status
    model.run_model()
    result = result_from_model(model)
    status = day_status(model, result)
    assert status.startswith(f"Run done: {span}")
    assert headline(result.summary) in status


def test_the_chart_tabs_show_every_run_chart_once():
    from sim.charts import CHARTS
    from sim.dashboard.app import chart_tabs

    tabs = chart_tabs()
    shown = [name for names in tabs.values() for name in names]
    assert sorted(shown) == sorted(CHARTS)
    assert {"timeline", "fronts", "beliefs"} <= set(tabs["Calendar"])
    assert {"first_deal", "durations"} <= set(tabs["Outcome"])


def test_evidence_shows_each_stance_with_its_paragraph_or_assumption(march):
    rows = actor_evidence(march, "russia")
    assert [r["issue"] for r in rows] == [i.label for i in march.issues.values()]
    kursk = rows[list(march.issues).index("kursk")]
    assert kursk["basis"] == "evidence" and kursk["source"].startswith("P6")
    assert kursk["red_line"].startswith("never below")
    assert sum(float(r["salience"].rstrip("%")) for r in rows) == pytest.approx(100, abs=3)
    profile = actor_profile(march, "russia")
    russia = march.actors["russia"]
    assert f"planning horizon {russia.planning_horizon:g} days" in profile["parameters"]
    assert f"concession rate {russia.concession_rate:g}" in profile["parameters"]
    threat = _first_threat(march)
    assert profile["threats"].startswith("United States threat to Russia, issued")
    assert f"threats.{threat}" not in profile["threats"]


def test_missing_extra_is_one_line_with_the_install_command(monkeypatch):
    monkeypatch.setattr(server, "missing_packages", lambda: ["solara is not installed"])
    result = CliRunner().invoke(app, ["dashboard", "--port", "1"])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "scripts/bootstrap dashboard" in lines[0] and "solara is not installed" in lines[0]


def test_a_vue3_widget_stack_is_reported(monkeypatch):
    versions = {
        "solara": "1.64.1",
        "solara-assets": "1.58.2",
        "ipyvue": "3.1.1",
        "ipyvuetify": "1.12.0",
    }
    monkeypatch.setattr(server.metadata, "version", versions.__getitem__)
    assert server.missing_packages() == [
        "ipyvue 3.1.1 is installed but the dashboard needs ipyvue<3"
    ]


def test_dashboard_rejects_a_bad_scenario_before_starting(tmp_path):
    bad = tmp_path / "bad.toml"
    text = TWO_PARTY.read_text()
    assert "volatility = 0.01" in text
    bad.write_text(text.replace("volatility = 0.01", "volatility = -0.01"))
    result = CliRunner().invoke(app, ["dashboard", str(bad)])
    assert result.exit_code == 2
    assert "fronts.line.volatility: must be >= 0" in result.stderr


def test_a_busy_port_is_reported(monkeypatch):
    monkeypatch.setattr(server, "missing_packages", lambda: [])
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(app, ["dashboard", "--port", str(port)])
    assert result.exit_code == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr


def test_a_replay_is_the_run_continued():
    """Levers rebuild the model and replay it to the day reached (and 'Run to end'
    replays to the end): that must equal stepping the original on."""
    parameters = {"scenario_file": str(TWO_PARTY), "replicates": 150, "seed": 9}
    original = DashboardModel(**parameters)
    for _ in range(12):
        original.step()
    replay = replayed(parameters, original.steps)
    assert replay.steps == 12
    for name, series in result_from_model(original).series.items():
        np.testing.assert_array_equal(result_from_model(replay).series[name], series, name)
    original.run_model()
    to_the_end = replayed(parameters, 10**9)
    assert not to_the_end.running
    for name, column in original.outcomes().items():
        np.testing.assert_array_equal(to_the_end.outcomes()[name], column, err_msg=name)
    assert replayed(parameters, 50, overtaken=lambda: True) is None


def test_chart_titles_name_the_levers_moved(two):
    """Reproducer: dashboard charts kept the file's title after levers moved."""
    from sim.charts import CHARTS
    from sim.dashboard.levers import titled

    assert DashboardModel(str(TWO_PARTY), 5, 1).title == two.scenario.name
    moved = {"fronts.line.drift": 0.005, "actors.north.noise": 0.1}
    model = DashboardModel(str(TWO_PARTY), 5, 1, levers=moved)
    assert (
        model.title
        == titled(two, moved)
        == (
            f"{two.scenario.name}, levers moved: Front line drift per day (+: toward North) "
            "0.005 (file: 0.002); North perception noise 0.1 (file: 0.02)"
        )
    )
    model.step()
    result = result_from_model(model)
    result.meta["scenario_name"] = model.title  # as the page does
    heading = CHARTS["fronts"](result)._suptitle.get_text().replace("\n", " ")
    assert "levers moved: Front line drift per day" in heading


@pytest.mark.parametrize(
    ("host", "exposed"),
    [
        ("0.0.0.0", "every network interface"),
        ("::", "every network interface"),
        ("192.0.2.7", "192.0.2.7"),
        ("127.0.0.1", None),
        ("::1", None),
        ("localhost", None),
    ],
)
def test_a_non_loopback_host_prints_what_it_exposes(monkeypatch, host, exposed):
    """Reproducer: --host 0.0.0.0 served the dashboard to every interface without a word."""
    calls = []
    monkeypatch.setattr(server, "missing_packages", lambda: [])
    monkeypatch.setattr(server, "serve", lambda *a, **k: calls.append(a) or 0)
    result = CliRunner().invoke(app, ["dashboard", "--host", host, "--port", "8799"])
    assert result.exit_code == 0 and len(calls) == 1
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    if exposed is None:
        assert warnings == []
    else:
        (line,) = warnings
        assert exposed in line and "port 8799" in line and "without authentication" in line

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
from sim.dashboard.panels import actor_evidence, actor_profile, round_status
from sim.engine.model import CeasefireModel
from sim.results.run_dir import result_from_model
from sim.scenario.load import DEFAULT_SCENARIO, ScenarioError, load_scenario
from sim.scenario.paths import locate, path_bounds

TWO_PARTY = Path(__file__).parents[2] / "data" / "two-party.toml"


@pytest.fixture(scope="module")
def march():
    return load_scenario(DEFAULT_SCENARIO)


def test_levers_cover_threats_monitoring_and_each_party_within_the_schema(march):
    levers = {lever.path: lever for lever in scenario_levers(march)}
    for party in ("russia", "ukraine"):
        for field in ("reservation", "war_cost", "concession_style", "noise"):
            assert f"actors.{party}.{field}" in levers
    assert not any(p.startswith("actors.united_states") for p in levers)  # mediator: no veto
    assert {"threats.waltz.credibility", "threats.waltz.deadline"} <= set(levers)
    assert "implementation.monitoring_capacity" in levers
    for path, lever in levers.items():
        assert lever.low <= lever.default <= lever.high, path
        if not path.endswith(".deadline"):
            locate(march, path)  # a real parameter path
            lo, hi = path_bounds(march, path)
            assert lo <= lever.low and lever.high <= hi, path
    deadline = levers["threats.waltz.deadline"]
    assert (deadline.low, deadline.default, deadline.high) == (5, 19, 60)  # 16, 30 Mar; rounds


def test_untouched_levers_give_exactly_the_file_model(march):
    defaults = {lever.path: lever.default for lever in scenario_levers(march)}
    dashboard = DashboardModel(str(DEFAULT_SCENARIO), 200, 5, defaults)
    plain = CeasefireModel(march, 200, 5)
    dashboard.run_model()
    plain.run_model()
    for name, column in plain.outcomes().items():
        np.testing.assert_array_equal(dashboard.outcomes()[name], column, err_msg=name)


def test_a_moved_lever_is_the_same_override_as_in_a_sweep(march):
    moved = {"actors.russia.reservation": 0.6, "threats.waltz.credibility": 0.9}
    dashboard = DashboardModel(str(DEFAULT_SCENARIO), 300, 2, moved)
    plain = CeasefireModel(march, 300, 2, overrides=moved)
    unmoved = CeasefireModel(march, 300, 2)
    for m in (dashboard, plain, unmoved):
        m.run_model()
    np.testing.assert_array_equal(dashboard.outcomes()["outcome"], plain.outcomes()["outcome"])
    assert not np.array_equal(dashboard.outcomes()["outcome"], unmoved.outcomes()["outcome"])


def test_deadline_lever_moves_the_threat_date(march):
    scenario, overrides = apply_levers(march, {"threats.waltz.deadline": 25})
    assert overrides == {}
    assert scenario.threats["waltz"].deadline == dt.date(2025, 4, 5)
    assert march.threats["waltz"].deadline == dt.date(2025, 3, 30)  # the original is untouched
    model = DashboardModel(str(DEFAULT_SCENARIO), 10, 1, {"threats.waltz.deadline": 25})
    assert model.params.threat_deadline.tolist() == [25]


def test_a_deadline_before_the_threat_is_issued_is_a_scenario_error(march):
    with pytest.raises(ScenarioError, match="threats.waltz.deadline"):
        apply_levers(march, {"threats.waltz.deadline": 2})


def test_replicates_are_clamped_to_the_slider_range():
    assert DashboardModel(str(TWO_PARTY), 0, 1).params.replicates == 1
    assert DashboardModel(str(TWO_PARTY), 20_000, 1).params.replicates == 10_000


def test_round_status_follows_the_phases(march):
    model = CeasefireModel(march, 100, 1)
    span = "61 rounds (round 0 on 11 Mar 2025 to round 60 on 10 May 2025)"
    assert round_status(model) == f"Talks open on 11 Mar 2025 · {span} · 100 replicates"
    model.step()
    model.step()
    assert round_status(model).startswith("2 of 61 rounds played (up to round 1, 12 Mar 2025)")
    assert "100 of 100 replicates still negotiating" in round_status(model)
    while model.phase == "negotiation":
        model.step()
    assert "ceasefire day 0 of 30" in round_status(model)
    model.run_model()
    result = result_from_model(model)
    status = round_status(model, result.summary)
    assert (
        "done" in status
        and f"Agreement in {100 * result.summary['agreement']['share']:.1f}%" in status
    )


def test_evidence_shows_each_stance_with_its_paragraph_or_assumption(march):
    rows = actor_evidence(march, "russia")
    assert [r["issue"] for r in rows] == [i.label for i in march.issues.values()]
    kursk = rows[list(march.issues).index("kursk")]
    assert kursk["basis"] == "evidence" and kursk["source"].startswith("P6")
    assert kursk["red_line"] == "never below 0.5"
    ukraine = {r["issue"]: r for r in actor_evidence(march, "ukraine")}
    assert ukraine["Monitoring"]["basis"] == "assumption"
    assert sum(float(r["salience"].rstrip("%")) for r in rows) == pytest.approx(100, abs=3)
    profile = actor_profile(march, "russia")
    assert profile["threats"].startswith("United States threat to Russia, issued 16 Mar 2025")
    assert "waltz" not in profile["threats"] and profile["basis"] == "assumption"


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
    bad.write_text(TWO_PARTY.read_text().replace("rounds = 20", "rounds = 0"))
    result = CliRunner().invoke(app, ["dashboard", str(bad)])
    assert result.exit_code == 2
    assert "negotiation.rounds: must be >= 1" in result.stderr


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
    """Levers rebuild the model and replay it to the round reached (and 'Run to end'
    replays to the end): that must equal stepping the original on."""
    parameters = {"scenario_file": str(DEFAULT_SCENARIO), "replicates": 150, "seed": 9}
    original = DashboardModel(**parameters)
    for _ in range(12):
        original.step()
    replay = replayed(parameters, original.steps)
    assert (replay.round, replay.steps) == (12, 12)
    np.testing.assert_array_equal(replay.position, original.position)
    original.run_model()
    to_the_end = replayed(parameters, 10**9)
    assert to_the_end.phase == "done"
    for name, column in original.outcomes().items():
        np.testing.assert_array_equal(to_the_end.outcomes()[name], column, err_msg=name)
    assert replayed(parameters, 50, overtaken=lambda: True) is None


def test_chart_titles_name_the_levers_moved(march):
    """Reproducer: dashboard charts kept the file's title after levers moved."""
    from sim.charts import CHARTS
    from sim.dashboard.levers import titled

    assert DashboardModel(str(DEFAULT_SCENARIO), 5, 1).title == march.scenario.name
    moved = {"threats.waltz.credibility": 0.9, "actors.russia.reservation": 0.7}
    model = DashboardModel(str(DEFAULT_SCENARIO), 5, 1, levers=moved)
    assert (
        model.title
        == titled(march, moved)
        == (
            f"{march.scenario.name}, levers moved: United States threat to Russia credibility 0.9 "
            "(file: 0.4); Russia reservation value 0.7 (file: 0.84)"
        )
    )
    model.step()
    result = result_from_model(model)
    result.meta["scenario_name"] = model.title  # as the page does
    heading = CHARTS["positions"](result)._suptitle.get_text().replace("\n", " ")
    assert "levers moved: United States threat to Russia credibility 0.9" in heading


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

"""Dated events change what the model reads that day (sim/engine/events.py).

Each test adds an event to the default scenario (noise and spreads off, so every replicate
holds the written values) and checks the state the phases read, not the parameter array the
event's path names: a change made only there would be silently ignored.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from sim.engine.model import CeasefireModel
from sim.engine.parameters import build_parameters
from sim.engine.world import World
from sim.scenario.load import DEFAULT_SCENARIO, load_scenario
from sim.scenario.paths import path_bounds
from sim.scenario.schema import Scenario
from tests.behaviour.helpers import stated

BASE = load_scenario(DEFAULT_SCENARIO)
DAY = 4  # the events below fall on 15 March 2025, day 4


def with_events(s: Scenario = BASE, **changes: dict[str, dict[str, float]]) -> Scenario:
    """The scenario with one event on day ``DAY`` per keyword (its set/shift tables)."""
    data = s.model_dump(mode="python", exclude_none=True)
    date = s.scenario.start_date + dt.timedelta(days=DAY)
    for eid, ops in changes.items():
        data["events"][eid] = {"date": date, "description": "a test", "assumption": "a test"}
        data["events"][eid] |= ops
    return Scenario.model_validate(data)


def world_on_event_day(s: Scenario, R: int = 8, overrides: dict | None = None) -> World:
    """A world of ``s`` after the events of day ``DAY`` (nothing else has run)."""
    w = World(build_parameters(s, R, 3, stated(s) | (overrides or {})))
    w.apply_events(DAY, {e.path: path_bounds(s, e.path) for e in w.p.events})
    return w


def test_a_control_event_moves_the_current_control_that_day():
    s = with_events(push={"shift": {"fronts.main.control": -0.1}})
    f = list(s.fronts).index("main")
    before = World(build_parameters(s, 8, 3, stated(s))).control[:, f].copy()
    w = world_on_event_day(s)
    assert np.allclose(w.control[:, f], before - 0.1)
    assert not w.decided[:, f].any()


def test_a_control_event_that_reaches_a_pole_decides_the_front_and_settles_its_issues():
    s = with_events(collapse={"set": {"fronts.kursk.control": 1.0}})
    model = CeasefireModel(s, 8, 3, overrides=stated(s), record="none")
    for _ in range(DAY + 1):
        model.step()
    (w,) = model.worlds
    f, k = list(s.fronts).index("kursk"), list(s.issues).index("kursk")
    russia = list(s.actors).index("russia")
    assert (w.control[:, f] == 1.0).all()
    assert w.decided[:, f].all() and (w.decided_day[:, f] == DAY).all()
    assert (w.decided_by[:, f] == russia).all()
    assert w.settled[:, k].all() and (w.status_quo[:, k] == 1.0).all()


def test_a_control_event_leaves_a_decided_front_as_it_was():
    s = with_events(late={"shift": {"fronts.kursk.control": -0.5}})
    w = World(build_parameters(s, 4, 3, stated(s)))
    f = list(s.fronts).index("kursk")
    w.control[:2, f], w.decided[:2, f] = 1.0, True
    w.apply_events(DAY, {e.path: path_bounds(s, e.path) for e in w.p.events})
    assert (w.control[:2, f] == 1.0).all()
    assert np.allclose(w.control[2:, f], 0.7 - 0.5)


def test_a_status_quo_event_moves_the_current_status_quo():
    s = with_events(
        observers={"set": {"issues.monitoring.status_quo": 0.4}},
        exchange={"shift": {"issues.prisoners.status_quo": 0.25}},
    )
    before = World(build_parameters(s, 8, 3, stated(s))).status_quo.copy()
    w = world_on_event_day(s)
    monitoring, prisoners = list(s.issues).index("monitoring"), list(s.issues).index("prisoners")
    assert (w.status_quo[:, monitoring] == 0.4).all()
    assert np.allclose(w.status_quo[:, prisoners], before[:, prisoners] + 0.25)
    others = [k for k in range(len(s.issues)) if k not in (monitoring, prisoners)]
    assert np.array_equal(w.status_quo[:, others], before[:, others])


# --- actors.*.gesture_days: the term of a pressure-driven truce --------------------------


def gesture_truces(overrides: dict) -> tuple[World, np.ndarray]:
    """Every party the holdout, sure to declare a gesture truce on day ``DAY``: the
    world, and the declared truces' rows of the agreements table."""
    pressed = {"negotiation.gesture_rate": 1.0, "negotiation.holdout_pressure": 1.0}
    pressed |= {f"actors.{a}.gesture": 1.0 for a in ("russia", "ukraine")}
    w = World(build_parameters(BASE, 4, 3, stated(BASE) | pressed | overrides))
    w.holdout[:, w.parties] = True
    w.truces(DAY)
    cols = w.book.agreements.columns
    rows = np.flatnonzero(cols["declared_by"][: w.book.agreements.n] >= 0)
    return w, rows


def test_a_gesture_truce_lasts_three_days_by_default():
    w, rows = gesture_truces({})
    assert rows.size == 4 * w.parties.size
    assert (w.book.agreements.columns["term_days"][rows] == 3).all()


def test_a_gesture_truce_lasts_the_actors_gesture_days_in_each_replicate():
    days = np.array([1, 7, 30, 365])
    w, rows = gesture_truces({"actors.russia.gesture_days": days})
    cols = w.book.agreements.columns
    russia = list(BASE.actors).index("russia")
    mine = rows[cols["declared_by"][rows] == russia]
    assert np.array_equal(cols["term_days"][mine], days[cols["row"][mine]])
    theirs = rows[cols["declared_by"][rows] != russia]
    assert (cols["term_days"][theirs] == 3).all()


def test_gesture_days_outside_1_to_365_is_a_one_line_error(tmp_path):
    from sim.scenario.load import ScenarioError
    from tests.support.malformed import DEFAULT_TEXT, set_key

    path = tmp_path / "x.toml"
    path.write_text(set_key(DEFAULT_TEXT, "actors.russia", "gesture_days", "0"))
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert info.value.lines == [f"{path}: actors.russia.gesture_days: must be >= 1 (got 0)"]


# --- outcomes.compliance_min / definitive_min: per replicate ------------------------------


def classes_of_a_deal(w: World, monitoring: float, settlement: float) -> np.ndarray:
    """Agree the full track in every replicate of ``w`` with these two terms: the classes."""
    from sim.engine import session

    t = w.p.track_ids.index("full")
    terms = w.package[:, t].copy()
    terms[:, w.p.issue_ids.index("monitoring")] = monitoring
    terms[:, w.p.issue_ids.index("settlement_link")] = settlement
    session.strike(w, np.arange(w.R), t, terms, np.zeros(w.R, dtype=bool), DAY)
    return w.book.agreements.columns["deal_class"][w.book.row[:, t]]


def test_each_replicate_of_a_block_is_classed_by_its_own_thresholds():
    from sim.engine.codes import DealClass

    swept = {
        "outcomes.compliance_min": np.array([0.3, 0.9, 0.3, 0.9]),
        "outcomes.definitive_min": np.array([0.95, 0.95, 0.4, 0.4]),
    }
    w = World(build_parameters(BASE, 4, 3, stated(BASE) | swept))
    got = classes_of_a_deal(w, monitoring=0.6, settlement=0.5)
    bare, compliance, definitive = DealClass.BARE, DealClass.COMPLIANCE, DealClass.DEFINITIVE
    assert got.tolist() == [compliance, bare, definitive, definitive]


def test_an_event_on_a_class_threshold_classes_the_deals_agreed_from_that_day():
    from sim.engine.codes import DealClass

    s = with_events(stricter={"set": {"outcomes.compliance_min": 0.9}})
    w = world_on_event_day(s, R=3)
    assert (classes_of_a_deal(w, monitoring=0.6, settlement=0.0) == DealClass.BARE).all()


# --- aspiration events and the aspiration floor --------------------------------------------


def test_an_aspiration_shift_stops_at_the_actors_floor():
    s = with_events(
        relents={"shift": {"actors.ukraine.aspiration": -0.5}},
        hardens={"shift": {"actors.russia.aspiration": 0.1}},
    )
    start = {"actors.ukraine.aspiration": np.array([0.2, 0.6, 0.05])}
    start |= {"actors.ukraine.aspiration_floor": np.array([0.1, 0.0, 0.1])}
    w = world_on_event_day(s, R=3, overrides=start | {"actors.russia.aspiration_floor": 0.5})
    ukraine, russia = list(s.actors).index("ukraine"), list(s.actors).index("russia")
    # clipped to the floor; above it by the full shift; already below it: stays
    assert np.allclose(w.aspiration[:, ukraine], [0.1, 0.1, 0.05])
    assert np.allclose(w.aspiration[:, russia], 0.1)  # a rise below the floor still rises


def test_an_event_that_sets_an_aspiration_below_the_floor_is_a_one_line_error(tmp_path):
    from sim.scenario.load import ScenarioError
    from tests.support.malformed import DEFAULT_TEXT, set_key

    text = set_key(DEFAULT_TEXT, "actors.russia", "aspiration_floor", "0.1")
    text += (
        '\n[events.relents]\ndate = 2025-03-20\ndescription = "x"\nassumption = "x"\n'
        'set = { "actors.russia.aspiration" = 0.05 }\n'
    )
    path = tmp_path / "x.toml"
    path.write_text(text)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert info.value.lines == [
        f'{path}: events.relents.set."actors.russia.aspiration": must be >= the actor\'s '
        "aspiration_floor (allowed: 0.1 <= x <= 1; got 0.05)"
    ]
    path.write_text(text.replace("= 0.05 }", "= 0.1 }"))
    load_scenario(path)  # at the floor: valid


# --- issues.*.opening: swept and moved by events -------------------------------------------

TRACKS = list(BASE.tracks)
MONITORING = list(BASE.issues).index("monitoring")
OWN = TRACKS.index("energy")  # opens with its own monitoring = 0.3


def test_a_swept_opening_is_each_replicates_opening_package():
    swept = {"issues.monitoring.opening": np.array([0.2, 0.8])}
    w = World(build_parameters(BASE, 2, 3, stated(BASE) | swept))
    others = [t for t in range(len(TRACKS)) if t != OWN]
    assert np.array_equal(w.package[:, others, MONITORING], np.tile([[0.2], [0.8]], len(others)))
    assert (w.package[:, OWN, MONITORING] == 0.3).all()


def test_an_opening_event_moves_the_package_of_tracks_yet_to_table():
    s = with_events(heavier={"set": {"issues.monitoring.opening": 0.7}})
    w = World(build_parameters(s, 2, 3, stated(s)))
    full = TRACKS.index("full")
    w.tablings[0, full] = 1  # replicate 0 has tabled its own package on the full track
    tabled = w.package[0, full, MONITORING]
    w.apply_events(DAY, {e.path: path_bounds(s, e.path) for e in w.p.events})
    assert w.package[0, full, MONITORING] == tabled
    assert w.package[1, full, MONITORING] == 0.7
    assert (w.package[:, OWN, MONITORING] == 0.3).all()


# --- supporters' monitoring_capacity and guarantee -----------------------------------------


def test_a_supporters_monitoring_and_guarantee_events_reach_the_deals_agreed_that_day():
    s = with_events(
        monitors={"shift": {"actors.france.monitoring_capacity": 0.5}},
        troops={"set": {"actors.united_kingdom.guarantee": 0.5}},
    )
    before, after = World(build_parameters(s, 2, 3, stated(s))), world_on_event_day(s, R=2)
    t = TRACKS.index("full")
    for w in (before, after):
        classes_of_a_deal(w, monitoring=0.6, settlement=0.0)  # compliance: guaranteed
    # m = min(1, agreed x (1 + capacity)), g = min(1, guarantees): hazards.py
    assert np.allclose(before.book.monitoring[:, t], 0.6 * (1 + 0.14))
    assert np.allclose(after.book.monitoring[:, t], min(1.0, 0.6 * (1 + 0.14 + 0.5)))
    assert np.allclose(before.book.guaranteed[:, t], 0.4)
    assert np.allclose(after.book.guaranteed[:, t], 0.4 - 0.15 + 0.5)


def test_a_cost_event_reaches_the_parties_cost_of_war_after_it_was_first_computed():
    """The parties' fighting costs are kept between days (World.concede_inputs); an event on
    a front's cost must reach them, also when they were computed before the event."""
    s = with_events(dearer={"shift": {"fronts.main.cost.russia": 0.01}})
    w = World(build_parameters(s, 8, 3, stated(s)))
    assert w.concede_inputs()  # the costs of day 0, before the event
    before = w.cost_today.copy()
    w.apply_events(DAY, {e.path: path_bounds(s, e.path) for e in w.p.events})
    w.concede_inputs()
    russia, ukraine = list(s.actors).index("russia"), list(s.actors).index("ukraine")
    f = list(s.fronts).index("main")
    added = 0.01 * w.p.intensity[:, f] * w.active()[:, f]
    assert np.allclose(w.cost_today[:, russia], before[:, russia] + added)
    assert np.array_equal(w.cost_today[:, ukraine], before[:, ukraine])


def test_an_implementation_event_reaches_the_deal_books_hazards():
    """[implementation] settings live in the deal book (its settings and the violation
    factors built from them): an event on one must reach the deals from its day."""
    s = with_events(hotter={"set": {"implementation.violation_rate": 0.2,
                                    "implementation.partial_factor": 7.0}})  # fmt: skip
    before = World(build_parameters(s, 8, 3, stated(s))).book
    w = world_on_event_day(s)
    assert np.all(w.book.settings["violation_rate"] == 0.2)
    assert np.all(w.book.factors["rate"] == 0.2) and not np.any(before.factors["rate"] == 0.2)
    assert np.all(w.book.factors["coverage"][:, 0] == 7.0)  # Coverage.PARTIAL

"""Strategic defection is judged by the terms a party accepted (sim/engine/defection.py).

A deal a party valued at Delta_j >= 0 when it was agreed, in a state that has not changed
since, draws no strategic defection from it on any day of its term; new information that
the other side rearms during the pause raises the defection hazard of the side it weakens.
On the default scenario with noise and spreads off, so each check is exact.
"""

from __future__ import annotations

import numpy as np

from sim.engine import defection, hazards, rng, session
from sim.engine.parameters import build_parameters
from sim.engine.world import World
from sim.scenario.load import DEFAULT_SCENARIO, load_scenario
from tests.behaviour.helpers import stated

R, TERM = 400, 30


def agreed_full_deal(changes: dict | None = None):
    """A World whose every replicate agreed the full track on day 0, on a random package
    (rearmament left free, r = 0), and each party's Delta_j of it at agreement."""
    s = load_scenario(DEFAULT_SCENARIO)
    overrides = stated(s) | (changes or {})
    w = World(build_parameters(s, R, 5, overrides))
    t = w.p.track_ids.index("full")
    rows = np.arange(R)
    v = session.view(w, rows, t)
    package = rng.uniform(7, rows[:, None], 0, "test-package", 0, np.arange(v.issues.size))
    package[:, v.issues == w.p.rearmament] = 0.0  # the first side free to rearm
    delta = session.values(w, v, package)[0][:, : w.parties.size]
    w.book.kept_terms[rows, t] = defection.terms_value(w, v, package, rows)
    full = w.package[:, t].copy()
    full[:, v.issues] = package
    session.strike(w, rows, t, full, np.zeros(R, dtype=bool), 0)
    return w, t, delta


def gains(w, day: int) -> np.ndarray:
    out = np.full((R, w.book.S, w.parties.size), np.nan)
    return defection.resume_gains(w, day, out)


def test_a_deal_a_party_valued_at_or_above_zero_draws_no_defection_while_nothing_changes():
    # violations off, so every breakdown the book records is a defection (at the calibrated
    # violation rate some full deals break down by a major violation, attributed to a party)
    quiet = {"fronts.main.rearmament_shift": 0.0, "implementation.violation_rate": 0.0}
    w, t, delta = agreed_full_deal(quiet)
    accepted = delta >= 0
    # both outcomes occur, so the check is not vacuous
    assert 20 < accepted.sum() < accepted.size - 20, accepted.mean(axis=0)
    for day in range(1, TERM):  # the full track halts every front: nothing moves
        gain = gains(w, day)[:, t]
        assert np.all(gain[accepted] <= 1e-12), (day, gain[accepted].max())
    # ... and the deal book, given those gains, records no defection by them
    for day in range(1, TERM):
        w.book.day(day, gains(w, day))
    broken_by = w.book.table()["broken_by"]
    for j, party in enumerate(w.parties):
        assert not np.any((broken_by == party) & accepted[:, j]), w.p.actor_ids[party]
    # ... while parties that valued it below zero do defect: the check can fail
    defected = [(broken_by == party) & ~accepted[:, j] for j, party in enumerate(w.parties)]
    assert sum(int(d.sum()) for d in defected) > 20


def test_rearmament_during_the_pause_raises_the_defection_hazard_of_the_side_it_weakens():
    w, t, _ = agreed_full_deal({"fronts.main.rearmament_shift": 0.0})
    before = gains(w, 1)[:, t]
    main = w.p.front_ids.index("main")
    w.p.rearmament_shift[:, main] = 0.01  # news: the first side (Ukraine) rearms in the pause
    after = gains(w, 1)[:, t]
    russia = list(w.parties).index(w.p.actor_ids.index("russia"))
    ukraine = list(w.parties).index(w.p.actor_ids.index("ukraine"))
    assert np.all(after[:, russia] > before[:, russia])
    assert np.all(after[:, ukraine] < before[:, ukraine])
    rate, cost = w.book.settings["defection_rate"], w.book.settings["blame_cost"]
    blame = hazards.blame(cost, w.book.monitoring[:, t], w.book.guaranteed[:, t])
    hazard = lambda g: hazards.defection_hazard(rate, g, blame)  # noqa: E731
    assert np.all(hazard(after[:, russia]) >= hazard(before[:, russia]))
    assert (hazard(after[:, russia]) > hazard(before[:, russia])).sum() > R // 4

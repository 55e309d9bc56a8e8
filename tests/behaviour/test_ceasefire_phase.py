"""The implementation phase against the calibration anchors of MODEL.md section 8."""

from __future__ import annotations

import numpy as np
import pytest

from sim.engine.ceasefire import ceasefire_day, start_ceasefire
from sim.engine.parameters import build_parameters
from sim.engine.rules import normalise_salience, utility
from sim.results.stats import kaplan_meier, wilson_interval

R = 4000


def survive(scenario, monitoring, guarantees, scope=1.0, satisfaction_gap=0.0, seed=1):
    """Run 30 days for R ceasefires agreed on the opening terms with ``monitoring`` agreed,
    supporters' guarantees scaled to ``guarantees`` and no extra monitoring capacity."""
    supporters = [a for a, v in scenario.actors.items() if v.role == "supporter"]
    ov = {"implementation.monitoring_capacity": 0.0}
    for a in supporters:
        ov[f"actors.{a}.monitoring_capacity"] = 0.0
        ov[f"actors.{a}.guarantee"] = guarantees / len(supporters)
    p = build_parameters(scenario, R, seed, ov)
    issues = list(scenario.issues)
    terms = np.tile(p.opening[0], (R, 1))
    terms[:, issues.index("scope")] = scope
    terms[:, issues.index("monitoring")] = monitoring
    salience = normalise_salience(p.salience)
    # reservation values just at the utility of the terms: the parties gain nothing (sat = 0)
    reservation = utility(terms, p.position, salience) - satisfaction_gap
    state = start_ceasefire(p, np.ones(R, bool), terms, p.position, salience, reservation)
    for _ in range(p.duration_days):
        ceasefire_day(p, state)
    return state


def test_a_bare_ceasefire_usually_fails_within_30_days(default_scenario):
    c = survive(default_scenario, monitoring=0.0, guarantees=0.0)
    held = int((~c.collapsed).sum())
    lo, hi = wilson_interval(held, R)
    assert hi < 0.5, f"bare ceasefires survive {held / R:.1%} (95% CI {lo:.1%}-{hi:.1%})"


def test_strong_monitoring_and_guarantees_make_survival_likely(default_scenario):
    c = survive(default_scenario, monitoring=1.0, guarantees=1.0)
    held = int((~c.collapsed).sum())
    lo, hi = wilson_interval(held, R)
    assert lo > 0.5, f"monitored ceasefires survive {held / R:.1%} (95% CI {lo:.1%}-{hi:.1%})"


@pytest.mark.parametrize("low, high", [(0.0, 0.5), (0.5, 1.0)])
def test_more_monitoring_more_days_all_else_equal(default_scenario, low, high):
    a = survive(default_scenario, monitoring=low, guarantees=0.3).days_survived
    b = survive(default_scenario, monitoring=high, guarantees=0.3).days_survived
    se = np.hypot(a.std(ddof=1), b.std(ddof=1)) / np.sqrt(R)
    assert b.mean() - a.mean() > 4 * se


def test_satisfied_parties_violate_less(default_scenario):
    unhappy = survive(default_scenario, 0.3, 0.3, satisfaction_gap=0.0)
    content = survive(default_scenario, 0.3, 0.3, satisfaction_gap=0.3)
    assert content.violations.sum() < 0.8 * unhappy.violations.sum()


def test_no_violation_without_a_halt(default_scenario):
    """Scope 0 halts nothing, so nothing can be violated (h = h0 * scope * ...)."""
    c = survive(default_scenario, 0.0, 0.0, scope=0.0)
    assert c.violations.sum() == 0 and not c.collapsed.any()


def test_first_violation_is_recorded_with_its_side(default_scenario):
    c = survive(default_scenario, monitoring=0.0, guarantees=0.0)
    violated = c.violations.sum(axis=1) > 0
    assert np.all(c.first_violation_day[violated] >= 1)
    assert np.all(c.first_violation_day[~violated] == -1)
    parties = set(
        np.flatnonzero(np.array([a.role == "party" for a in default_scenario.actors.values()]))
    )
    sides = set(np.unique(c.first_violator[violated])) - {-2}
    assert sides <= parties and len(sides) == 2


def test_kaplan_meier_matches_a_hand_computation():
    # 4 ceasefires over 5 days: collapse on days 2 and 4 (survived 1 and 3 days), two hold.
    km = kaplan_meier(np.array([1, 3, 5, 5]), np.array([True, True, False, False]), horizon=5)
    np.testing.assert_allclose(km["survival"], [1, 1, 0.75, 0.75, 0.5, 0.5])
    assert np.all(km["lower"] <= km["survival"]) and np.all(km["upper"] >= km["survival"])

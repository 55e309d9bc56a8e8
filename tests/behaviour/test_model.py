"""Behaviour of the negotiation model: calibration, invariants, reproducibility, pressure."""

from __future__ import annotations

import math

import mesa
import numpy as np
import pytest

from sim.engine.codes import Answer
from sim.engine.model import CeasefireModel
from sim.engine.parameters import build_parameters
from sim.scenario.load import modified
from tests.conftest import stated_values


def run(scenario, replicates, seed=11, overrides=None, record="none", **kw):
    m = CeasefireModel(scenario, replicates, seed, overrides=overrides, record=record, **kw)
    m.run_model()
    return m


def ids(scenario, *names):
    return [list(scenario.actors).index(n) for n in names]


def test_round_zero_matches_the_article(default_scenario):
    """P5: Ukraine's yes is conditional on Russia. P6: Russia rejects, naming Kursk,
    monitoring, Ukraine's conduct during the pause and the root causes: exactly those four."""
    s = default_scenario
    m = CeasefireModel(s, 1, seed=0, overrides=stated_values(s))
    m.step()
    us, russia, ukraine = ids(s, "united_states", "russia", "ukraine")
    assert m.answers[0, ukraine] == Answer.CONDITIONAL
    assert m.answers[0, russia] == Answer.REJECT
    assert m.answers[0, us] == Answer.ACCEPT
    named = {k for k, on in zip(s.issues, m.conditions[0, russia], strict=True) if on}
    assert named == {"kursk", "monitoring", "rearmament", "settlement_link"}
    assert not m.conditions[0, ukraine].any()
    assert not m.agreed[0]


def test_red_lines_are_never_crossed(default_scenario):
    s = default_scenario
    m = CeasefireModel(s, 500, seed=5, record="none")
    p = m.params
    while m.phase == "negotiation":
        m.step()
        assert np.all(m.position >= p.red_low - 1e-12)
        assert np.all(m.position <= p.red_high + 1e-12)
        assert np.all((m.position >= 0) & (m.position <= 1))
    parties = p.parties
    terms = m.terms[m.agreed][:, None, :]
    assert m.agreed.any()
    assert np.all(terms >= p.red_low[m.agreed][:, parties] - 1e-9)
    assert np.all(terms <= p.red_high[m.agreed][:, parties] + 1e-9)


def test_utilities_stay_in_the_unit_interval(default_scenario):
    m = CeasefireModel(default_scenario, 300, seed=2, record="full")
    m.run_model()
    u = m.recorder.series()["utility_all"]
    assert u.min() >= 0.0 and u.max() <= 1.0


def test_a_deal_needs_every_party(default_scenario):
    """Ukraine and the mediator say yes every round, Russia never: no deal, ever."""
    s = default_scenario
    never = {
        **stated_values(s),
        "actors.russia.reservation": 1.0,
        "actors.russia.spread.reservation": 0.0,
        "actors.russia.war_cost": 0.0,
        "actors.russia.noise": 0.0,
        "actors.russia.pressure_sensitivity": 0.0,
        "actors.ukraine.reservation": 0.0,
        "actors.ukraine.spread.reservation": 0.0,
    }
    m = run(s, 200, overrides=never, record="summary")
    assert not m.agreed.any()
    share = m.recorder.series()["answer_share"]
    russia, ukraine = ids(s, "russia", "ukraine")
    assert np.all(share[:, ukraine, Answer.CONDITIONAL] == 1.0)  # Ukraine said yes throughout
    assert np.all(share[:, russia, Answer.REJECT] == 1.0)
    # and the mediator holds a veto too
    no_mediator = {
        **never,
        "actors.russia.reservation": 0.0,
        "actors.united_states.reservation": 1.0,
    }
    assert not run(s, 200, overrides=no_mediator).agreed.any()


def test_conditional_acceptance_counts_only_with_its_partner(default_scenario):
    """Make Ukraine's yes conditional on the UK (a supporter, no veto of its own): with the
    UK unwilling, the parties' yeses make no deal; with the UK willing, they do at once."""
    s = modified(default_scenario, {"actors.ukraine.accepts_only_with": ["united_kingdom"]})
    easy = {
        **stated_values(s),
        "actors.russia.stances.kursk.red_line.never_below": 0.0,
        "actors.russia.reservation": 0.0,
        "actors.ukraine.reservation": 0.0,
        "actors.russia.spread.reservation": 0.0,
        "actors.ukraine.spread.reservation": 0.0,
    }
    uk_no = run(s, 100, overrides={**easy, "actors.united_kingdom.reservation": 1.0})
    assert not uk_no.agreed.any()
    uk_yes = run(s, 100, overrides={**easy, "actors.united_kingdom.reservation": 0.0})
    assert uk_yes.agreed.all() and np.all(uk_yes.agreement_round == 0)


def _outcomes_at(model, rows):
    return {k: v[rows] for k, v in model.outcomes().items()}


def test_a_replicate_is_the_same_alone_in_a_batch_and_in_any_chunk(default_scenario):
    s = default_scenario
    big = run(s, 1000, seed=42)
    for j in (0, 17, 999):
        alone = run(s, np.array([j]), seed=42)
        a, b = _outcomes_at(big, [j]), alone.outcomes()
        for key in a:
            np.testing.assert_array_equal(a[key], b[key], err_msg=key)
    chunks = [run(s, np.arange(lo, min(lo + 300, 1000)), seed=42) for lo in range(0, 1000, 300)]
    joined = {k: np.concatenate([c.outcomes()[k] for c in chunks]) for k in big.outcomes()}
    for key, value in big.outcomes().items():
        np.testing.assert_array_equal(value, joined[key], err_msg=key)


def test_agent_order_changes_nothing(default_scenario, monkeypatch):
    s = default_scenario
    reference = run(s, 300, seed=9, record="full").outcomes()
    shuffled = run(s, 300, seed=9, record="full", rng_seed=12345).outcomes()

    def reversed_do(self, method, *args, **kwargs):
        for agent in reversed(list(self)):
            getattr(agent, method)(*args, **kwargs)
        return self

    monkeypatch.setattr(mesa.agent.AgentSet, "shuffle_do", reversed_do)
    backwards = run(s, 300, seed=9, record="full").outcomes()
    for key in reference:
        np.testing.assert_array_equal(reference[key], shuffled[key], err_msg=key)
        np.testing.assert_array_equal(reference[key], backwards[key], err_msg=key)


def test_threat_is_carried_out_at_its_credibility(default_scenario):
    """Among replicates where Russia still refuses at the deadline, the share that sees the
    threat carried out is the credibility, within 4 binomial standard errors."""
    s = default_scenario
    credibility = 0.4
    m = run(
        s,
        4000,
        seed=3,
        overrides={
            "threats.waltz.credibility": credibility,
            "threats.waltz.spread.credibility": 0.0,
        },
    )
    called = m.threat_called[:, 0]
    n = int(called.sum())
    assert n > 1000
    share = m.threat_executed[called, 0].mean()
    assert not m.threat_executed[~called, 0].any()
    assert abs(share - credibility) < 4 * math.sqrt(credibility * (1 - credibility) / n)


def test_higher_monitoring_lengthens_ceasefires(default_scenario):
    s = default_scenario
    days = {}
    for capacity in (0.0, 0.6):
        m = run(s, 3000, seed=4, overrides={"implementation.monitoring_capacity": capacity})
        d = m.outcomes()["days_survived"][m.agreed].astype(float)
        days[capacity] = (d.mean(), d.std(ddof=1) / math.sqrt(len(d)))
    (low, se_low), (high, se_high) = days[0.0], days[0.6]
    assert high - low > 4 * math.hypot(se_low, se_high)


def test_events_take_effect_on_their_date(default_scenario):
    """The Moscow meeting (13 March, round 2) strengthens Russia's tie to the US."""
    s = default_scenario
    m = CeasefireModel(s, 3, seed=1)
    russia, us = ids(s, "russia", "united_states")
    before = m.params.ties[:, russia, us].copy()
    m.step()
    m.step()
    np.testing.assert_array_equal(m.params.ties[:, russia, us], before)
    m.step()  # round 2 = 2025-03-13
    np.testing.assert_allclose(m.params.ties[:, russia, us], before + 0.5)


def test_spread_draws_respect_bounds_and_depend_only_on_replicate(default_scenario):
    s = default_scenario
    p = build_parameters(s, 20_000, seed=8)
    russia = list(s.actors).index("russia")
    rho = p.reservation[:, russia]
    assert rho.min() >= 0.0 and rho.max() <= 1.0
    assert abs(rho.mean() - 0.84) < 0.005 and 0.03 < rho.std() < 0.045
    again = build_parameters(s, np.array([5, 19_999]), seed=8)
    np.testing.assert_array_equal(again.reservation[:, russia], rho[[5, 19_999]])
    kursk = list(s.issues).index("kursk")
    ukraine = list(s.actors).index("ukraine")
    assert np.all(p.red_high[:, ukraine, kursk] <= 1.0)
    assert np.all(p.position[:, ukraine, kursk] <= p.red_high[:, ukraine, kursk])


@pytest.mark.parametrize("rule", ["compromise", "nash"])
def test_both_proposal_rules_run_and_keep_proposals_in_range(default_scenario, rule):
    s = modified(default_scenario, {"negotiation.proposal_rule": rule})
    m = run(s, 200, seed=6, record="full")
    proposals = m.recorder.series()["proposal_all"]
    assert proposals.min() >= 0.0 and proposals.max() <= 1.0
    assert m.agreed.any()

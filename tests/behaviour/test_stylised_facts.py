"""Stylised facts from the negotiation and ceasefire literature, checked over ensembles.

Each test compares Monte Carlo ensembles of the default scenario that differ in one setting.
Seeds are fixed; tolerances come from the sample size, never from one lucky run:
proportions must have non-overlapping Wilson 95% intervals (``wilson_interval``),
means must have non-overlapping normal 95% intervals (mean +- 1.96 standard errors). With
n = 2,000 replicates a proportion's interval is at most +-2.2 points wide.

Two things decide whether a deal comes in the default: the drawn Kursk red lines must leave
common ground (Russia: never below 0.5, Ukraine: never above 0.5, each drawn with spread
0.1), and where they do, the parties must converge before the 60 days run out. Pressure acts
on the second: a more credible threat brings agreement sooner, so more replicates reach it
within the talks.
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np
import pytest

from sim.engine.codes import Answer
from sim.engine.model import CeasefireModel
from sim.engine.parameters import build_parameters
from sim.results.stats import wilson_interval
from sim.scenario.load import DEFAULT_SCENARIO, SCENARIO_DIR, load_scenario
from sim.scenario.schema import Scenario

SEED = 20250311
R = 2000
Z95 = 1.959964


@cache
def default() -> Scenario:
    return load_scenario(DEFAULT_SCENARIO)


def with_table(s: Scenario, table: str, **changes) -> Scenario:
    """A copy of the scenario with some fields of one top-level table changed."""
    return s.model_copy(update={table: getattr(s, table).model_copy(update=changes)})


def run(s: Scenario, overrides: dict | None = None, replicates: int = R) -> dict:
    model = CeasefireModel(s, replicates, SEED, overrides=overrides, record="none")
    model.run_model()
    return model.outcomes()


def proportion(mask: np.ndarray) -> tuple[float, float, float]:
    k, n = int(mask.sum()), int(mask.size)
    return (k / n, *wilson_interval(k, n))


def mean_interval(values: np.ndarray) -> tuple[float, float, float]:
    m, se = float(values.mean()), float(values.std(ddof=1) / math.sqrt(values.size))
    return m, m - Z95 * se, m + Z95 * se


def assert_clearly_above(high: tuple, low: tuple, what: str) -> None:
    """``high`` and ``low`` are (estimate, lo95, hi95); the intervals must not overlap."""
    assert high[1] > low[2], (
        f"{what}: {high[0]:.3f} {high[1:]} not clearly above {low[0]:.3f} {low[1:]}"
    )


# --- (a) a more credible threat raises P(agreement) when Russia holds out -----------------


def threat(credibility: float) -> dict:
    return {"threats.waltz.credibility": credibility, "threats.waltz.spread.credibility": 0.0}


def test_russia_is_the_holdout_of_the_default():
    """The precondition of the threat test: in round 0 Ukraine says yes (conditionally, P5)
    in practically every replicate and Russia refuses in every one (P6)."""
    model = CeasefireModel(default(), R, SEED, record="none")
    model.step()
    ids = list(model.params.actor_ids)
    assert (model.answers[:, ids.index("russia")] == Answer.REJECT).all()
    assert (model.answers[:, ids.index("ukraine")] != Answer.REJECT).mean() > 0.99


def test_agreement_needs_compatible_kursk_red_lines_and_time():
    """No replicate agrees where the drawn red lines leave no common ground; where they do,
    without pressure the talks can run out before the parties converge."""
    s = default()
    params = build_parameters(s, R, SEED)
    parties = params.parties
    compatible = (
        params.red_low[:, parties].max(axis=1) <= params.red_high[:, parties].min(axis=1) + 1e-9
    ).all(axis=1)
    assert 0.3 < compatible.mean() < 0.7  # the spread makes it a genuine coin toss
    for credibility in (0.0, 1.0):
        agreed = run(s, threat(credibility))["agreed"]
        assert not (agreed & ~compatible).any()
        if credibility == 0.0:  # without pressure, time binds as well as the red lines
            assert (compatible & ~agreed).mean() > 0.1


def test_a_credible_threat_raises_agreement_within_the_talks():
    """Step by step: credibility 0, 0.5 and 1 give clearly rising P(agreement) in 60 days."""
    s = default()
    shares = [proportion(run(s, threat(c))["agreed"]) for c in (0.0, 0.5, 1.0)]
    assert_clearly_above(shares[1], shares[0], "P(agreement), credibility 0.5 vs 0")
    assert_clearly_above(shares[2], shares[1], "P(agreement), credibility 1 vs 0.5")


def test_a_credible_threat_brings_agreement_within_30_days_more_often():
    s = default()
    weak, strong = (run(s, threat(c)) for c in (0.0, 1.0))
    within = [proportion(o["agreed"] & (o["agreement_round"] < 30)) for o in (weak, strong)]
    assert_clearly_above(within[1], within[0], "P(agreement within 30 days), credibility 1 vs 0")


def test_a_credible_threat_raises_agreement_when_talks_are_short():
    """A 40-round copy of the default: with less time the threat matters even more."""
    short = with_table(default(), "negotiation", rounds=40)
    shares = [proportion(run(short, threat(c))["agreed"]) for c in (0.0, 0.5, 1.0)]
    assert_clearly_above(shares[1], shares[0], "P(agreement), credibility 0.5 vs 0")
    assert_clearly_above(shares[2], shares[1], "P(agreement), credibility 1 vs 0.5")


# --- (b) more monitoring, longer-lasting ceasefires --------------------------------------


def test_monitoring_lengthens_agreed_ceasefires():
    """Fortna (Peace Time, 2004): monitoring and verification make ceasefires last. The
    implementation settings do not touch the talks, so both ensembles agree in the same
    replicates on the same terms; only the ceasefire's days differ."""
    s = default()
    bare, watched = (run(s, {"implementation.monitoring_capacity": m}) for m in (0.0, 0.6))
    np.testing.assert_array_equal(bare["agreed"], watched["agreed"])
    agreed = bare["agreed"]
    assert agreed.sum() > 500
    days = [mean_interval(o["days_survived"][agreed]) for o in (bare, watched)]
    assert_clearly_above(days[1], days[0], "mean days survived, monitoring 0.6 vs 0")
    held = [proportion(o["survived"][agreed]) for o in (bare, watched)]
    assert_clearly_above(held[1], held[0], "P(survives 30 days), monitoring 0.6 vs 0")


# --- (c) costlier war, earlier agreement ---------------------------------------------------


def test_higher_war_costs_bring_agreement_earlier():
    """Costly conflict pushes the parties' reservation values down each round (war
    weariness; Zartman's 'hurting stalemate'), so the proposal clears them sooner."""
    s = default()
    cheap = run(s)
    costly = run(
        s,
        {
            "actors.russia.war_cost": 3 * s.actors["russia"].war_cost,
            "actors.ukraine.war_cost": 3 * s.actors["ukraine"].war_cost,
        },
    )
    both = cheap["agreed"] & costly["agreed"]  # the same replicates: a paired comparison
    assert both.sum() > 300
    rounds = [mean_interval(o["agreement_round"][both]) for o in (costly, cheap)]
    assert_clearly_above(rounds[1], rounds[0], "mean agreement round, war costs x1 vs x3")
    agree = [proportion(o["agreed"]) for o in (costly, cheap)]
    assert_clearly_above(agree[0], agree[1], "P(agreement), war costs x3 vs x1")


# --- (d) agreed terms respect every red line -----------------------------------------------

SHIPPED = sorted(SCENARIO_DIR.glob("*.toml"))


def red_lines_in_force(s: Scenario, replicates: int, agreement_round: np.ndarray):
    """Each replicate's own drawn red lines, as changed by any event on or before the day it
    agreed. Rebuilt from the scenario (not read back from the model), so the check does not
    trust the model's bookkeeping."""
    params = build_parameters(s, replicates, SEED)
    lines = {"red_low": params.red_low.copy(), "red_high": params.red_high.copy()}
    for change in params.events:
        if change.array in lines:
            hit = agreement_round >= change.round
            where = (hit, *change.index)
            line = lines[change.array]
            line[where] = change.value if change.op == "set" else line[where] + change.value
    return params, lines["red_low"], lines["red_high"]


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_agreed_terms_never_cross_a_red_line(path):
    s = load_scenario(path)
    replicates = 200 if s.negotiation.proposal_rule == "nash" else R  # the Nash rule is slower
    out = run(s, replicates=replicates)
    agreed = out["agreed"]
    assert agreed.sum() >= replicates // 10
    params, low, high = red_lines_in_force(s, replicates, out["agreement_round"])
    terms = np.stack([out[f"terms_{k}"] for k in params.issue_ids], axis=1)[agreed]  # (A, K)
    vetoes = np.append(params.parties, params.mediator)
    low, high = low[agreed][:, vetoes], high[agreed][:, vetoes]  # (A, V, K)
    assert (terms[:, None, :] >= low - 1e-9).all()
    assert (terms[:, None, :] <= high + 1e-9).all()
    # Not vacuous: drawn red lines bind, some deals sit right at one.
    binding = np.minimum(terms[:, None, :] - low, high - terms[:, None, :])
    constrained = (low > 0) | (high < 1)
    assert (binding[constrained] < 0.01).any()


# --- (e) Ukraine's conditional acceptance only changes its own answer ---------------------


def without_ukraines_condition(s: Scenario) -> Scenario:
    ukraine = s.actors["ukraine"].model_copy(update={"accepts_only_with": []})
    return s.model_copy(update={"actors": s.actors | {"ukraine": ukraine}})


ROUND_ZERO_STATE = (
    "proposal",
    "conditions",
    "utilities",
    "position",
    "reservation",
    "agreed",
    "negotiating",
    "threat_called",
    "threat_executed",
)


def test_unconditional_ukraine_answers_yes_and_nothing_else_changes_in_round_0():
    s = default()
    assert s.actors["ukraine"].accepts_only_with == ["russia"]  # P5
    conditional, plain = (
        CeasefireModel(x, R, SEED, record="none") for x in (s, without_ukraines_condition(s))
    )
    conditional.step()
    plain.step()
    u = list(s.actors).index("ukraine")
    yes = plain.answers[:, u] != Answer.REJECT
    assert yes.mean() > 0.99
    assert (plain.answers[yes, u] == Answer.ACCEPT).all()
    assert (conditional.answers[yes, u] == Answer.CONDITIONAL).all()
    np.testing.assert_array_equal(conditional.answers[~yes, u], plain.answers[~yes, u])
    others = np.arange(len(s.actors)) != u
    np.testing.assert_array_equal(conditional.answers[:, others], plain.answers[:, others])
    for name in ROUND_ZERO_STATE:
        np.testing.assert_array_equal(getattr(conditional, name), getattr(plain, name), name)


def test_ukraines_condition_never_changes_a_deal_while_russia_holds_a_veto():
    """A deal needs Russia's yes anyway, so 'only with Russia' (P5) changes what Ukraine
    says, never whether or when a deal is struck."""
    s = default()
    with_condition, without = (run(x, replicates=500) for x in (s, without_ukraines_condition(s)))
    for column, values in with_condition.items():
        np.testing.assert_array_equal(values, without[column], column)

"""Durability of deals in force (MODEL.md sections 6 and 8, issue 13) in the calibrated
generic ceasefire: the relations the ETH/PRIO data show hold between the model's deals, and
the calibrated scenario reproduces the targets it was fitted to within their uncertainty.

Fixed seeds; every comparison allows two standard errors of the difference (binomial, from
the number of deals), and a target is met when the ensemble's value is within two of the
target's stated sd plus the ensemble's own sampling error.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim.calibration.spec import load_calibration
from sim.engine.model import CeasefireModel
from sim.results.durability import curves, deal_durations, group_mask
from sim.scenario.load import load_scenario

ROOT = Path(__file__).resolve().parents[2]
GENERIC = ROOT / "experiments" / "scenarios" / "generic-ceasefire-calibrated.toml"
SHIPPED = ROOT / "experiments" / "calibrate-durability.toml"


def ensemble(replicates: int, seed: int = 5, overrides: dict | None = None):
    model = CeasefireModel(
        load_scenario(GENERIC),
        replicates,
        seed,
        overrides={k: np.full(replicates, v) for k, v in (overrides or {}).items()} or None,
        record="none",
    )
    model.run_model()
    return model.agreements(), model.params.horizon


def incidence(ag, horizon, group: str, day: int, statistic: str = "cum_breakdown"):
    """(value, deals) of a statistic over the deals of a group."""
    live, d, c = deal_durations(ag, horizon)
    keep = live & group_mask(ag, group)
    curve = curves(np.zeros(keep.sum(), int), d[keep], c[keep], 1, day)
    return float(curve[statistic][0, day]), int(keep.sum())


def se(p: float, n: int) -> float:
    return float(np.sqrt(max(p * (1 - p), 1e-4) / max(n, 1)))


@pytest.fixture(scope="module")
def base():
    return ensemble(800)


@pytest.mark.parametrize(
    ("fragile", "durable", "day"),
    [
        ("coverage=partial", "coverage=comprehensive", 7),
        ("side=unilateral", "side=bilateral", 7),
        ("class=bare", "class=compliance", 7),
    ],
)
def test_fragile_deals_break_down_sooner(base, fragile, durable, day):
    """Partial truces before comprehensive ones, unilateral before bilateral, bare before
    deals with compliance mechanisms (the ETH/PRIO ordering at a week)."""
    p, n = incidence(*base, fragile, day)
    q, m = incidence(*base, durable, day)
    assert n > 50 and m > 50
    assert p - q > 2 * np.hypot(se(p, n), se(q, m)), (p, n, q, m)


@pytest.mark.xfail(
    strict=True,
    reason="issue 13, left: at the calibrated hazards (violation_rate 0.005) breakdown of "
    "bilateral deals is rare (about 1.5% by day 30) whether or not monitors are accepted",
)
def test_accepted_monitoring_makes_deals_last():
    """The same talks with parties that accept monitors (their monitoring positions high)
    give bilateral deals that break down less than when they refuse them: monitoring counts
    only to the extent the agreed terms provide for it."""
    accept = {"actors.north.stances.monitoring.position": 0.9,
              "actors.south.stances.monitoring.position": 0.9}  # fmt: skip
    refuse = {"actors.north.stances.monitoring.position": 0.0,
              "actors.south.stances.monitoring.position": 0.0}  # fmt: skip
    p, n = incidence(*ensemble(500, 7, refuse), "side=bilateral", 30)
    q, m = incidence(*ensemble(500, 7, accept), "side=bilateral", 30)
    assert n > 50 and m > 50
    assert p - q > 2 * np.hypot(se(p, n), se(q, m)), (p, n, q, m)


@pytest.mark.xfail(
    strict=True,
    reason="issue 13, left: the fit meets 5 of its 10 targets (docs/findings.md section 5): "
    "the generic scenario's bilateral deals are all comprehensive, with monitors, so "
    "bilateral and comprehensive breakdown cannot reach the data's 6-9% by day 30 while "
    "compliance deals stay near 2-5%",
)
def test_calibrated_generic_meets_its_targets():
    """Each breakdown target of the shipped calibration, reproduced by the calibrated
    scenario within 2 x (target sd + ensemble sampling error)."""
    cal = load_calibration(SHIPPED)
    ag, horizon = ensemble(1500, 9)
    missed = []
    for (name, t), obs, sd in zip(cal.spec.targets.items(), cal.observed, cal.sd, strict=True):
        value, n = incidence(ag, horizon, t.group, t.day, t.statistic)
        if abs(value - obs) > 2 * (sd + se(value, n)):
            missed.append(f"{name}: model {value:.3f} (n={n}) vs {obs:.3f} ± {sd:.3f}")
    assert not missed, missed

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


def ensemble(replicates: int, seed: int = 5, overrides: dict | None = None, scenario=None):
    model = CeasefireModel(
        load_scenario(scenario or GENERIC),
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
        ("class=bare", "class=compliance", 7),
    ],
)
def test_fragile_deals_break_down_sooner(base, fragile, durable, day):
    """Partial truces break down sooner than comprehensive ones, bare ones sooner than deals
    with compliance mechanisms (the ETH/PRIO ordering of breakdown incidence at a week)."""
    p, n = incidence(*base, fragile, day)
    q, m = incidence(*base, durable, day)
    assert n > 50 and m > 50
    assert p - q > 2 * np.hypot(se(p, n), se(q, m)), (p, n, q, m)


def test_unilateral_truces_are_shorter_than_bilateral_deals(base):
    """Unilateral truces end sooner than bilateral deals (ETH/PRIO survival to any end at 30
    days: 0.27 against 0.52). Shorter, not more often broken: the data's unilateral truces
    break down *less* often in their first week (4.0% against 7.7%), because most end at
    their short fixed term first, so the relation is one of survival, not of breakdown."""
    p, n = incidence(*base, "side=unilateral", 30, "survival")
    q, m = incidence(*base, "side=bilateral", 30, "survival")
    assert n > 50 and m > 50
    assert q - p > 2 * np.hypot(se(p, n), se(q, m)), (p, n, q, m)


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


def with_guarantor(folder: Path, guarantee: float) -> Path:
    """The calibrated generic ceasefire with an outside guarantor (a supporter of little
    weight in the talks) whose guarantee is ``guarantee``."""
    stances = "".join(
        f'stances.{issue} = {{ position = 0.5, salience = 0.1, assumption = "test" }}\n'
        for issue in ("monitoring", "withdrawal", "settlement_link")
    )
    actor = (
        '\n[actors.guarantor]\nname = "Guarantor"\nrole = "supporter"\ncapability = 0.1\n'
        f'guarantee = {guarantee}\nassumption = "test: an outside guarantor"\n{stances}'
    )
    path = folder / f"guaranteed-{guarantee}.toml"
    path.write_text(GENERIC.read_text(encoding="utf-8") + actor, encoding="utf-8")
    return path


def compliance_deals_broken(path: Path, replicates: int, day: int) -> dict[tuple, bool]:
    """Deals in force with compliance mechanisms: (replicate, track, day in force) -> broken
    down within ``day`` days."""
    ag, horizon = ensemble(replicates, 11, None, path)
    live, duration, cause = deal_durations(ag, horizon)
    rows = np.flatnonzero(live & group_mask(ag, "class=compliance"))
    broken = (cause[rows] == 1) & (duration[rows] <= day)
    keys = zip(ag["replicate"][rows], ag["track"][rows], ag["day_in_force"][rows], strict=True)
    return {tuple(map(int, k)): bool(b) for k, b in zip(keys, broken, strict=True)}


def test_international_guarantees_make_deals_last(tmp_path):
    """The same talks with an outside guarantor (guarantee 1) against one that guarantees
    nothing: deals with compliance mechanisms, the ones a guarantor commits to, break down
    less over the 180 days followed (ETH/PRIO: internationally enforced ceasefires 2.6%
    broken down by day 30 against 8.8% without). Paired: the guarantee does not move the
    talks, so nearly every deal is agreed in both runs on the same day and drawn with the
    same numbers; McNemar's test on the deals that break down in one run only, at two
    standard errors. 10,000 replicates: breakdowns of such deals are rare (2-4%)."""
    without = compliance_deals_broken(with_guarantor(tmp_path, 0.0), 10_000, 180)
    with_ = compliance_deals_broken(with_guarantor(tmp_path, 1.0), 10_000, 180)
    both = without.keys() & with_.keys()  # the same deal: replicate, track and day
    assert len(both) > 0.9 * max(len(without), len(with_)) and len(both) > 200
    only_without = sum(without[k] and not with_[k] for k in both)
    only_with = sum(with_[k] and not without[k] for k in both)
    assert only_without - only_with > 2 * np.sqrt(only_without + only_with), (
        only_without,
        only_with,
        len(both),
    )

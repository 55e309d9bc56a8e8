"""What a pattern measures: events, groups and statistics, with their intervals.

A worker runs one generic scenario under one arm and keeps only what the statistic needs
(counts, or deal durations, or first-deal days): its ``payload``. The suite pools the
payloads of a pattern's scenarios in a fixed order and computes the statistic and its 95%
interval: Wilson for a share, Newcombe's hybrid score interval for a difference of shares,
Kaplan-Meier with Greenwood's log-log band for survival at a day (differences combine the two
bands by the MOVER rule, Zou & Donner 2008, as Newcombe's does for shares), and a seeded
percentile bootstrap for a difference of medians. Pooled intervals are conditional on the
drawn scenarios; the arms of a difference share scenarios and seeds (common random numbers),
so treating them as independent, as these intervals do, is conservative.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from sim.engine.codes import Coverage, DealClass, Side
from sim.results.stats import newcombe_difference, survival_curve, wilson_interval

BOOTSTRAP = 2000


@dataclass(frozen=True)
class Event:
    """A yes/no property of a unit (a replicate, a first deal or a deal) and its population."""

    label: str
    count: Callable  # (model, pattern) -> (k, n)
    needs_day: bool = False
    needs_threat: bool = False


def _coverage_of_tracks(m) -> np.ndarray:
    """Per track: True where it halts every front (comprehensive)."""
    return np.asarray(m.params.track_fronts, dtype=bool).all(axis=1)


def _first_deal_partial(m, p) -> tuple[int, int]:
    track = m.outcomes()["first_deal_track"]
    agreed = track[track >= 0]
    return int((~_coverage_of_tracks(m)[agreed]).sum()), int(agreed.size)


def _share_of_deals(test: Callable) -> Callable:
    def count(m, p) -> tuple[int, int]:
        t = m.agreements()
        return int(np.asarray(test(t)).sum()), int(len(t["replicate"]))

    return count


def _agreed_in_force(m, p) -> tuple[int, int]:
    t = m.agreements()
    agreed = t["side"] != Side.UNILATERAL
    return int((t["day_in_force"][agreed] >= 0).sum()), int(agreed.sum())


def _first_by(column: str) -> Callable:
    def count(m, p) -> tuple[int, int]:
        first = m.outcomes()[column]
        return int(((first >= 0) & (first < p.day)).sum()), int(first.size)

    return count


def _replicates_with(column: str) -> Callable:
    def count(m, p) -> tuple[int, int]:
        values = m.outcomes()[column]
        return int((values >= 0).sum()), int(values.size)

    return count


def _threat_carried_out(m, p) -> tuple[int, int]:
    out = m.outcomes()
    called = np.asarray(out[f"threat_{p.threat}_called"], dtype=bool)
    done = np.asarray(out[f"threat_{p.threat}_carried_out"], dtype=bool)
    return int((done & called).sum()), int(called.sum())


EVENTS: dict[str, Event] = {
    "first_deal_by_day": Event(
        "replicates with a first deal before the day", _first_by("first_deal_day"), True
    ),
    "comprehensive_by_day": Event(
        "replicates with a comprehensive deal before the day",
        _first_by("first_comprehensive_day"), True,
    ),
    "deal_by_horizon": Event(
        "replicates with a deal by the horizon", _replicates_with("first_deal_day")
    ),
    "comprehensive_by_horizon": Event(
        "replicates with a comprehensive deal by the horizon",
        _replicates_with("first_comprehensive_day"),
    ),
    "first_deal_partial": Event("first agreed deals that are partial", _first_deal_partial),
    "deal_partial": Event(
        "deals that are partial", _share_of_deals(lambda t: t["coverage"] == Coverage.PARTIAL)
    ),
    "deal_unilateral": Event(
        "deals that are unilateral", _share_of_deals(lambda t: t["side"] == Side.UNILATERAL)
    ),
    "deal_compliance": Event(
        "deals with compliance mechanisms",
        _share_of_deals(lambda t: t["deal_class"] == DealClass.COMPLIANCE),
    ),
    "deal_mediated": Event("deals that are mediated", _share_of_deals(lambda t: t["mediated"])),
    "agreed_in_force": Event("agreed deals that enter into force", _agreed_in_force),
    "threat_carried_out": Event(
        "called threats carried out", _threat_carried_out, needs_threat=True
    ),
}  # fmt: skip

GROUPS: dict[str, tuple[str, ...]] = {
    "coverage": Coverage.labels(),
    "side": Side.labels(),
    "class": DealClass.labels(),
}
_GROUP_COLUMN = {"coverage": ("coverage", Coverage), "side": ("side", Side)}
_GROUP_COLUMN["class"] = ("deal_class", DealClass)


def horizon_days(scenario) -> int:
    return (scenario.scenario.end_date - scenario.scenario.start_date).days


def deal_lives(m, scenario, keep: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Days each deal in force lasted to any end (as the ETH/PRIO durations table counts:
    breakdown, expiry, replacement, lapse), and whether it ended (else censored at the
    horizon)."""
    t = m.agreements()
    started = t["day_in_force"] >= 0
    if keep is not None:
        started &= keep
    begin, end = t["day_in_force"][started], t["day_ended"][started]
    ended = end >= 0
    time = np.where(ended, end, horizon_days(scenario)) - begin
    return time.astype(np.int32), ended


@dataclass(frozen=True)
class Statistic:
    """How a pattern's payloads become a value and its interval."""

    label: str
    interval: str  # how the interval is computed, as the table says it
    arms: tuple[str, ...]
    measure: Callable  # (model, scenario, pattern) -> payload
    combine: Callable  # ({arm: [payload, ...]}, pattern, rng) -> (value, lo, hi, n)
    needs_event: bool = False
    needs_day: bool = False
    needs_groups: bool = False
    needs_first: bool = False  # which first deal's day: deal, comprehensive or partial


def _count(m, s, p) -> tuple[int, int]:
    return EVENTS[p.event].count(m, p)


def _share(payloads, p, rng):
    k = sum(x[0] for x in payloads["x"])
    n = sum(x[1] for x in payloads["x"])
    if n == 0:
        return math.nan, math.nan, math.nan, 0
    lo, hi = wilson_interval(k, n)
    return k / n, lo, hi, n


def _share_difference(payloads, p, rng):
    (ka, na), (kb, nb) = ([sum(x[i] for x in payloads[arm]) for i in (0, 1)] for arm in "ab")
    d, lo, hi = newcombe_difference(kb, nb, ka, na)
    return d, lo, hi, na + nb


def _lives(m, s, p):
    return deal_lives(m, s)


def _lives_by_group(m, s, p):
    column, codes = _GROUP_COLUMN[p.groups[0]]
    values = m.agreements()[column]
    return {
        side: deal_lives(m, s, values == codes[label.upper()])
        for side, label in (("a", p.groups[1]), ("b", p.groups[2]))
    }


def _pooled(parts) -> tuple[np.ndarray, np.ndarray]:
    if not parts:
        return np.zeros(0, np.int32), np.zeros(0, bool)
    return np.concatenate([t for t, _ in parts]), np.concatenate([e for _, e in parts])


def survival_at(time: np.ndarray, ended: np.ndarray, day: int) -> tuple[float, float, float]:
    """Kaplan-Meier P(a deal lasts beyond ``day``) with Greenwood's log-log 95% band."""
    if time.size == 0 or (time >= day).sum() == 0 and not ended.any():
        return math.nan, math.nan, math.nan
    curve = survival_curve(time, ended, max(day, int(time.max())))
    return (float(curve[k][day]) for k in ("survival", "lower", "upper"))  # type: ignore[return-value]


def _mover(a: tuple[float, float, float], b: tuple[float, float, float]):
    """b - a with the MOVER interval from the two intervals (Zou & Donner 2008)."""
    (sa, la, ua), (sb, lb, ub) = a, b
    d = sb - sa
    return d, d - math.hypot(sb - lb, ua - sa), d + math.hypot(ub - sb, sa - la)


def _survival(payloads, p, rng):
    time, ended = _pooled(payloads["x"])
    s, lo, hi = survival_at(time, ended, p.day)
    return s, lo, hi, int(time.size)


def _survival_difference(payloads, p, rng):
    a, b = (_pooled(payloads[arm]) for arm in "ab")
    d, lo, hi = _mover(survival_at(*a, p.day), survival_at(*b, p.day))
    return d, lo, hi, int(a[0].size + b[0].size)


def _survival_groups(payloads, p, rng):
    a = _pooled([x["a"] for x in payloads["x"]])
    b = _pooled([x["b"] for x in payloads["x"]])
    d, lo, hi = _mover(survival_at(*a, p.day), survival_at(*b, p.day))
    return d, lo, hi, int(a[0].size + b[0].size)


FIRST_DAYS = {"deal": "first_deal_day", "comprehensive": "first_comprehensive_day"}
FIRST_DAYS["partial"] = "first_partial_day"


def _first_days(m, s, p):
    first = m.outcomes()[FIRST_DAYS[p.first]]
    return first[first >= 0].astype(np.int32)


def _median_difference(payloads, p, rng):
    a, b = (np.concatenate(payloads[arm]) for arm in "ab")
    if a.size == 0 or b.size == 0:
        return math.nan, math.nan, math.nan, int(a.size + b.size)
    d = float(np.median(b) - np.median(a))
    ia = rng.integers(0, a.size, (BOOTSTRAP, a.size))
    ib = rng.integers(0, b.size, (BOOTSTRAP, b.size))
    boot = np.median(b[ib], axis=1) - np.median(a[ia], axis=1)
    lo, hi = np.quantile(boot, [0.025, 0.975])
    return d, float(lo), float(hi), int(a.size + b.size)


STATISTICS: dict[str, Statistic] = {
    "share": Statistic("share", "Wilson 95%", ("x",), _count, _share, needs_event=True),
    "share_difference": Statistic(
        "difference of shares (b - a)", "Newcombe 95%", ("a", "b"), _count, _share_difference,
        needs_event=True,
    ),
    "survival": Statistic(
        "KM survival at the day", "Greenwood log-log 95%", ("x",), _lives, _survival,
        needs_day=True,
    ),
    "survival_difference": Statistic(
        "difference of KM survival at the day (b - a)", "MOVER of Greenwood 95%", ("a", "b"),
        _lives, _survival_difference, needs_day=True,
    ),
    "survival_difference_groups": Statistic(
        "difference of KM survival at the day (group b - group a)", "MOVER of Greenwood 95%",
        ("x",), _lives_by_group, _survival_groups, needs_day=True, needs_groups=True,
    ),
    "median_day_difference": Statistic(
        "difference of median days of the first deal (b - a)", "bootstrap percentile 95%",
        ("a", "b"), _first_days, _median_difference, needs_first=True,
    ),
}  # fmt: skip

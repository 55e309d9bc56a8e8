"""The headline measures, the censored curves and the summary: hand-computed cases, and the
synthetic model-2 run, whose outcomes are derived from its agreements table."""

from __future__ import annotations

import json

import numpy as np
import pytest

from sim.engine.codes import Coverage, EndReason, Side
from sim.results.deals import any_in_force_share, covered_days, durations, in_force_shares
from sim.results.measures import (
    BREAKDOWN,
    DEAL_30,
    DEAL_90,
    MEASURES,
    PARTIAL_DEALS,
    per_replicate,
    replicate_counts,
)
from sim.results.stats import cumulative_incidence, median_time, survival_curve
from sim.results.summary import headline, summarise
from tests.support.model2_outputs import START, facts, in_force, synthetic_outputs


def test_kaplan_meier_matches_a_hand_computation():
    # four deals: break down on days 2 and 3, one censored on day 3, one on day 5
    km = survival_curve(np.array([2, 3, 3, 5]), np.array([True, True, False, False]), horizon=5)
    # day 2: 1 of 4 at risk fails -> 3/4; day 3: 1 of 3 -> 3/4 * 2/3 = 1/2; then 1 at risk
    np.testing.assert_allclose(km["survival"], [1, 1, 0.75, 0.5, 0.5, 0.5])
    np.testing.assert_array_equal(km["at_risk"], [4, 4, 4, 3, 1, 1])
    assert np.all(km["lower"] <= km["survival"] + 1e-12)
    assert np.all(km["upper"] >= km["survival"] - 1e-12)
    assert median_time(km) == 3


def test_cumulative_incidence_is_the_share_with_the_event_when_all_are_followed():
    rng = np.random.default_rng(3)
    day = np.where(rng.random(500) < 0.6, rng.integers(0, 100, 500), -1)
    ci = cumulative_incidence(day, 99)
    share = [((day >= 0) & (day <= t)).mean() for t in range(100)]
    np.testing.assert_allclose(ci["incidence"], share, atol=1e-12)
    assert np.all(ci["lower"] <= ci["incidence"] + 1e-12)
    assert np.all(ci["upper"] >= ci["incidence"] - 1e-12)
    # a replicate without the event is censored at the horizon, never counted as one
    assert ci["incidence"][-1] == pytest.approx((day >= 0).mean())


def _tables():
    """Three replicates (ids 10, 11, 12): first deals on days 30, 31, none; one unilateral."""
    outcomes = {
        "replicate": np.array([10, 11, 12]),
        "first_deal_day": np.array([30, 31, -1]),
        "outcome": np.array([1, 2, 0]),
        "days_under_ceasefire": np.array([5, 9, 2]),
    }
    agreements = {
        "replicate": np.array([10, 11, 11, 12]),
        "track": np.array([1, 1, 0, -1]),
        "side": np.array([Side.BILATERAL, Side.BILATERAL, Side.MULTILATERAL, Side.UNILATERAL]),
        "coverage": np.array([Coverage.PARTIAL] * 2 + [Coverage.COMPREHENSIVE, Coverage.PARTIAL]),
        "end_reason": np.array(
            [
                EndReason.BREAKDOWN,
                EndReason.REPLACED,
                EndReason.IN_FORCE_AT_HORIZON,
                EndReason.BREAKDOWN,
            ]  # fmt: skip
        ),
    }
    return outcomes, agreements


def test_measures_count_by_day_30_and_90_and_leave_unilateral_truces_out_of_deals():
    outcomes, agreements = _tables()
    assert DEAL_30.count(outcomes) == (1, 3)  # day 30 counts, day 31 does not
    assert DEAL_90.count(outcomes) == (2, 3)
    # three deals (the unilateral truce apart): two partial, one broke down
    assert PARTIAL_DEALS.count(outcomes, agreements) == (2, 3)
    assert BREAKDOWN.count(outcomes, agreements) == (1, 3)
    with pytest.raises(ValueError, match="agreements"):
        PARTIAL_DEALS.count(outcomes)


def test_per_replicate_counts_add_up_to_each_measure_whatever_the_replicate_ids():
    outcomes, agreements = _tables()
    np.testing.assert_array_equal(
        per_replicate(agreements, np.ones(4, dtype=bool), outcomes["replicate"]), [1, 2, 1]
    )
    counts = replicate_counts(outcomes, agreements)
    for m in MEASURES:
        hits, base = counts[f"{m.column}_hits"], counts[f"{m.column}_base"]
        assert (int(hits.sum()), int(base.sum())) == m.count(outcomes, agreements), m.key


@pytest.fixture(scope="module")
def synthetic():
    return synthetic_outputs(replicates=300, horizon=120, seed=11)


def test_the_summary_holds_each_measure_with_its_interval_and_strict_json(synthetic):
    o, a, meta = synthetic["outcomes"], synthetic["agreements"], synthetic["meta"]
    s = summarise(o, a, meta)
    json.dumps(s, allow_nan=False)
    for m in MEASURES:
        k, n = m.count(o, a)
        assert s[m.key]["count"] == k and s[m.key]["n"] == n
        lo, hi = s[m.key]["ci95"]
        assert lo <= k / n <= hi
    firsts = o["first_deal_day"][o["first_deal_day"] >= 0]
    assert s["median_first_deal_day"] == float(np.median(firsts))
    # KM median with censoring: the first day by which half of ALL replicates have a deal
    share = [(o["first_deal_day"] >= 0) & (o["first_deal_day"] <= t) for t in range(120)]
    assert s["km_median_first_deal_day"] == next(t for t in range(120) if share[t].mean() >= 0.5)
    assert s["mean_days_under_ceasefire"] == pytest.approx(o["days_under_ceasefire"].mean())
    assert s["deals"] + s["unilateral_truces"] == len(a["replicate"])


def test_a_run_without_deals_has_null_shares_and_a_headline_without_them():
    meta = facts(4, 60, 1)
    outcomes = {
        "replicate": np.arange(4),
        "first_deal_day": np.full(4, -1),
        "outcome": np.zeros(4, dtype=np.int8),
        "days_under_ceasefire": np.zeros(4, dtype=np.int64),
    }
    empty = {k: np.zeros(0, dtype=np.int64) for k in ("replicate", "track", "side", "coverage")}
    empty["end_reason"] = np.zeros(0, dtype=np.int64)
    s = summarise(outcomes, empty, meta)
    text = json.dumps(s, allow_nan=False)
    assert s["partial_share"]["share"] is None and s["median_first_deal_date"] is None
    assert "NaN" not in text
    line = headline(s)
    assert line.startswith("First deal within 30 days in 0.0% of 4 runs")
    assert "partial" not in line and "median" not in line


def test_the_headline_quotes_the_summary(synthetic):
    s = summarise(synthetic["outcomes"], synthetic["agreements"], synthetic["meta"])
    line = headline(s)
    assert f"{100 * s['deal_by_30']['share']:.1f}% of 300 runs" in line
    assert f"within 90 days {100 * s['deal_by_90']['share']:.1f}%" in line
    assert f"{100 * s['partial_share']['share']:.1f}% of {s['deals']:,} deals partial" in line
    assert line.endswith(f"median first deal {s['median_first_deal_date']}.")
    assert s["median_first_deal_date"] > START


def test_days_in_force_are_counted_per_replicate_from_the_agreements_table(synthetic):
    o, a, meta = synthetic["outcomes"], synthetic["agreements"], synthetic["meta"]
    R, D, T = 300, 120, len(meta["track_ids"])
    on = in_force(a, D, np.arange(len(a["replicate"])))  # (rows, days), brute force
    shares = in_force_shares(a, o["replicate"], D, T)
    for j in range(T + 1):
        code = j if j < T else -1
        per_rep = np.zeros((R, D), dtype=bool)
        for i in np.flatnonzero(a["track"] == code):
            per_rep[a["replicate"][i]] |= on[i]
        np.testing.assert_allclose(shares[:, j], per_rep.mean(axis=0))
    any_day = covered_days(a, np.ones(len(a["track"]), dtype=bool), o["replicate"], D)
    np.testing.assert_array_equal(any_day.sum(axis=1), o["days_under_ceasefire"])
    np.testing.assert_allclose(any_in_force_share(a, o["replicate"], D), any_day.mean(axis=0))


def test_durations_censor_expiry_replacement_and_the_horizon(synthetic):
    a = synthetic["agreements"]
    held, broke, rows = durations(a, 120)
    assert (a["day_in_force"][rows] >= 0).all()
    np.testing.assert_array_equal(broke, a["end_reason"][rows] == EndReason.BREAKDOWN)
    open_ = a["day_ended"][rows] < 0
    np.testing.assert_array_equal(held[open_], 120 - a["day_in_force"][rows][open_])
    assert (held >= 0).all()

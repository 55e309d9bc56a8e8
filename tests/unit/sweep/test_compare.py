"""`ceasefire compare` over model 2's measures, on two synthetic runs in the outputs
contract's shapes (tests/support/model2_outputs.py): the rows are the headline measures,
their differences are against the first run, and the comparison charts draw what the
agreements and outcomes tables hold."""

from __future__ import annotations

import csv
import math

import numpy as np
import pytest

from sim.charts.compare import COMPARE_CHARTS, deal_durations
from sim.compare import differences, text_table, write_csv
from sim.engine.codes import EndReason, Side
from sim.results.measures import MEASURES
from sim.results.stats import newcombe_difference, welch_difference
from tests.support.model2_outputs import synthetic_run


@pytest.fixture(scope="module")
def runs():
    a, b = synthetic_run(200, 120, 7), synthetic_run(150, 120, 8)
    a.meta["label"], b.meta["label"] = "baseline", "variant"
    return [a, b]


def test_every_headline_measure_is_compared_against_the_first_run(runs):
    rows = {(r.quantity, r.run): r for r in differences(runs)}
    for m in MEASURES:
        base, other = rows[m.label, "baseline"], rows[m.label, "variant"]
        k0, n0 = m.count(runs[0].outcomes, runs[0].agreements)
        k1, n1 = m.count(runs[1].outcomes, runs[1].agreements)
        assert (base.successes, base.n, other.successes, other.n) == (k0, n0, k1, n1)
        assert math.isnan(base.difference)
        assert (other.difference, other.difference_lo, other.difference_hi) == (
            newcombe_difference(k1, n1, k0, n0)
        )
    deals = rows["share of deals partial", "baseline"].n
    assert deals == int((runs[0].agreements["side"] != Side.UNILATERAL).sum())
    threat = rows["P(United States threat to Russia carried out)", "variant"]
    assert threat.successes == int(runs[1].outcomes["threat_washington_carried_out"].sum())


def test_days_under_ceasefire_are_compared_as_means(runs):
    rows = {(r.quantity, r.run): r for r in differences(runs)}
    row = rows["mean days under ceasefire", "variant"]
    a, b = (r.outcomes["days_under_ceasefire"].astype(float) for r in runs)
    assert row.unit == "days" and row.estimate == pytest.approx(b.mean())
    assert (row.difference, row.difference_lo, row.difference_hi) == welch_difference(b, a)
    first = rows["mean day of the first deal (replicates with one)", "baseline"]
    dealt = runs[0].outcomes["first_deal_day"] >= 0
    assert first.n == int(dealt.sum())


def test_the_table_and_csv_name_measures_and_runs(runs, tmp_path):
    rows = differences(runs)
    text = text_table(rows)
    assert "P(first deal within 30 days)" in text and "variant" in text and "pts" in text
    write_csv(tmp_path / "d.csv", rows)
    with open(tmp_path / "d.csv", newline="") as fh:
        stored = list(csv.DictReader(fh))
    assert len(stored) == len(rows)
    assert {r["quantity"] for r in stored} >= {m.label for m in MEASURES}


def test_the_first_deal_curve_ends_at_the_share_with_a_deal(runs):
    """Every replicate is followed to the horizon, so the cumulative incidence of the
    first deal on the last day is the plain share of replicates with one."""
    fig = COMPARE_CHARTS["first_deal"](runs)
    top = fig.axes[0]
    curves = [ln for ln in top.get_lines() if ln.get_label() in ("baseline", "variant")]
    assert len(curves) == 2
    for line, run in zip(curves, runs, strict=True):
        share = np.mean(run.outcomes["first_deal_day"] >= 0)
        assert line.get_ydata()[-1] == pytest.approx(100 * share)
        assert len(line.get_xdata()) == run.horizon


def test_deal_durations_leave_out_unilateral_truces_and_censor_what_did_not_break(runs):
    a = runs[0].agreements
    held, broke = deal_durations(runs[0])
    mutual = (a["side"] != Side.UNILATERAL) & (a["day_in_force"] >= 0)
    assert len(held) == int(mutual.sum())
    assert broke.sum() == int((mutual & (a["end_reason"] == EndReason.BREAKDOWN)).sum())
    assert (held >= 0).all()


@pytest.mark.parametrize("name", list(COMPARE_CHARTS))
def test_each_comparison_chart_has_a_title_labelled_axes_and_a_legend(runs, name):
    fig = COMPARE_CHARTS[name](runs)
    assert fig._suptitle is not None and fig._suptitle.get_text()
    plots = [ax for ax in fig.axes if ax.get_visible()]
    assert all(ax.get_ylabel() for ax in plots)
    assert fig.legends or any(ax.get_legend() for ax in plots)

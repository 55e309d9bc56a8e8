"""Run charts of model 2: each builds for a large run, a single replicate and a run without
deals, follows the house style (titles that fit, labelled axes, legends off the data,
day-month dates on time axes) and draws exactly the numbers of the result tables (the
synthetic run of tests/support/model2_outputs.py, whose outcomes and series are counted
from its agreements table)."""

from __future__ import annotations

import io
import re

import matplotlib.dates as mdates
import numpy as np
import pytest
from matplotlib.collections import QuadMesh
from matplotlib.patches import Rectangle

from sim.charts import CHARTS
from sim.charts.style import actor_colours
from sim.engine.codes import DealClass, Side
from sim.results.deals import durations
from sim.results.stats import cumulative_incidence, survival_curve
from sim.results.summary import summarise
from tests.support.model2_outputs import in_force, synthetic_run

DATE_LABEL = re.compile(r"^\d{1,2} [A-Z][a-z]{2}$")
TIME_CHARTS = (
    "timeline", "first_deal", "fronts", "outside_options", "beliefs", "responses", "conditions",
)  # fmt: skip


def _no_deals():
    run = synthetic_run(replicates=30, horizon=60, seed=2)
    a = {k: v[:0] for k, v in run.agreements.items()}
    o = dict(run.outcomes)
    for k in ("first_deal_day", "first_partial_day", "first_comprehensive_day", "first_deal_track"):
        o[k] = np.full(30, -1)
    o["outcome"] = np.zeros(30, dtype=np.int8)
    o["days_under_ceasefire"] = np.zeros(30, dtype=np.int64)
    run.agreements, run.outcomes = a, o
    run.summary = summarise(o, a, run.meta)
    return run


@pytest.fixture(scope="module")
def runs():
    return {
        "large": synthetic_run(replicates=400, horizon=150, seed=3),
        "single": synthetic_run(replicates=1, horizon=90, seed=4),
        "no_deals": _no_deals(),
    }


def drawn(fig):
    fig.canvas.draw()
    return fig.canvas.get_renderer()


@pytest.mark.parametrize("case", ["large", "single", "no_deals"])
@pytest.mark.parametrize("name", list(CHARTS))
def test_chart_builds_and_follows_the_house_style(runs, case, name):
    fig = CHARTS[name](runs[case])
    renderer = drawn(fig)
    page = fig.bbox
    title = fig._suptitle
    assert title is not None
    assert runs[case].meta["scenario_name"] in " ".join(title.get_text().split())
    box = title.get_window_extent(renderer)
    assert box.x0 >= page.x0 - 1 and box.x1 <= page.x1 + 1, "title wider than the figure"

    visible = [ax for ax in fig.axes if ax.get_visible() and ax.get_label() != "<colorbar>"]
    assert any(ax.get_xlabel() for ax in visible), "no x axis label"
    assert any(ax.get_ylabel() for ax in visible) or fig._supylabel is not None

    assert all(ax.get_legend() is None for ax in visible)  # legends never on the data
    for legend in fig.legends:
        lbox = legend.get_window_extent(renderer)
        for ax in visible:
            assert not lbox.overlaps(ax.get_window_extent(renderer)), f"legend covers {ax}"

    if name in TIME_CHARTS:
        labels = [t.get_text() for t in visible[-1].get_xticklabels() if t.get_text()]
        assert labels and all(DATE_LABEL.match(t) for t in labels), labels
        assert "date (" in visible[-1].get_xlabel()

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=60)
    assert buf.getvalue()[:8] == b"\x89PNG\r\n\x1a\n"


def _lines(ax) -> dict:
    return {line.get_label(): line for line in ax.get_lines()}


def test_timeline_shares_are_the_agreements_tables_counts(runs):
    run = runs["large"]
    a, meta = run.agreements, run.meta
    R, D = meta["replicates"], run.horizon
    lines = _lines(CHARTS["timeline"](run).axes[0])
    on = in_force(a, D, np.arange(len(a["replicate"])))
    names = [*meta["track_labels"], "unilateral truces"]
    drawn_tracks = 0
    for j, name in enumerate(names):
        code = j if j < len(meta["track_ids"]) else -1
        per_rep = np.zeros((R, D), dtype=bool)
        for i in np.flatnonzero(a["track"] == code):
            per_rep[a["replicate"][i]] |= on[i]
        if name in lines:
            drawn_tracks += 1
            np.testing.assert_allclose(lines[name].get_ydata(), 100 * per_rep.mean(axis=0))
        else:  # a track is left out only when no replicate ever agreed on it
            assert not (a["track"] == code).any()
    assert drawn_tracks >= 3
    # the series the engine records says the same (the fixture counts it from the table)
    np.testing.assert_allclose(
        lines[names[0]].get_ydata(), 100 * run.series["in_force_share"][:, 0]
    )
    # deals waiting for consent: agreed share above the in-force share for the full track
    waiting = lines[f"{names[0]}: agreed, in force or awaiting consent"].get_ydata()
    assert (waiting >= lines[names[0]].get_ydata()).all() and (
        waiting > lines[names[0]].get_ydata()
    ).any()


def test_first_deal_curves_are_censored_cumulative_incidence(runs):
    run = runs["large"]
    lines = _lines(CHARTS["first_deal"](run).axes[0])
    o = run.outcomes
    (any_deal,) = [v for k, v in lines.items() if k.startswith("any deal")]
    ci = cumulative_incidence(o["first_deal_day"], run.horizon - 1)
    np.testing.assert_allclose(any_deal.get_ydata(), 100 * ci["incidence"])
    assert any_deal.get_ydata()[-1] == pytest.approx(100 * run.summary["deal"]["share"])
    (comprehensive,) = [v for k, v in lines.items() if k.startswith("comprehensive")]
    share = 100 * (o["first_comprehensive_day"] >= 0).mean()
    assert comprehensive.get_ydata()[-1] == pytest.approx(share)
    assert any(k.startswith("horizon") for k in lines)


def test_durations_are_kaplan_meier_by_class(runs):
    run = runs["large"]
    a = run.agreements
    lines = _lines(CHARTS["durations"](run).axes[0])
    held, broke, rows = durations(a, run.horizon)
    bare = (a["deal_class"][rows] == DealClass.BARE) & (a["track"][rows] >= 0)
    km = survival_curve(held[bare], broke[bare], int(held[bare].max()))
    (curve,) = [v for k, v in lines.items() if k.startswith("bare")]
    np.testing.assert_allclose(curve.get_ydata(), 100 * km["survival"])
    assert (
        f"{int(bare.sum()):,} in force, {int(broke[bare].sum()):,} broke down" in curve.get_label()
    )
    assert curve.get_ydata()[-1] < 100  # bare deals do break down in this run


def _bars(ax) -> list[Rectangle]:
    return [p for p in ax.patches if isinstance(p, Rectangle) and p.get_width() > 0]


def test_endings_add_up_to_every_deal_of_a_track(runs):
    run = runs["large"]
    ax = CHARTS["endings"](run).axes[0]
    rows = {}
    for bar in _bars(ax):
        rows.setdefault(round(bar.get_y() + bar.get_height() / 2), []).append(bar.get_width())
    assert all(sum(widths) == pytest.approx(100) for widths in rows.values())
    labels = [t.get_text() for t in ax.get_yticklabels()]
    energy = sum(run.agreements["track"] == 1)
    assert any(f"({energy:,})" in lab for lab in labels)


def test_outcome_bars_are_the_headline_measures(runs):
    run = runs["large"]
    heights = [b.get_height() for b in _bars(CHARTS["outcomes"](run).axes[0])]
    keys = ["deal_by_30", "deal_by_90", "deal", "comprehensive", "partial_share", "breakdown"]
    np.testing.assert_allclose(heights, [100 * run.summary[k]["share"] for k in keys])


def test_fronts_draw_control_bands_and_who_decided_each(runs):
    run = runs["large"]
    fig = CHARTS["fronts"](run)
    F = len(run.meta["front_ids"])
    top, bottom = fig.axes[:F], fig.axes[F : 2 * F]
    for f in range(F):
        (median,) = [line for line in top[f].get_lines()]
        np.testing.assert_allclose(median.get_ydata(), run.series["control_q"][:, 2, f])
        # the stack's top is the share decided for either side, by date
        paths = bottom[f].collections[-1].get_paths()[0].vertices[:, 1]
        assert paths.max() == pytest.approx(
            100 * run.series["decided_share"][:, f].sum(axis=1).max()
        )
    assert [ax.get_title(loc="left") for ax in top] == run.meta["front_labels"]


def test_outside_options_and_offers_per_party_and_track(runs):
    run = runs["large"]
    fig = CHARTS["outside_options"](run)
    parties = [i for i, r in enumerate(run.meta["roles"]) if r == "party"]
    for ax, i in zip(fig.axes, parties, strict=False):
        lines = _lines(ax)
        np.testing.assert_allclose(
            lines["outside option (what a deal must beat)"].get_ydata(),
            run.series["outside_value_q"][:, 2, i],
        )
        label = f"package on the table: {run.meta['track_labels'][0]}"
        np.testing.assert_allclose(
            lines[label].get_ydata(), run.series["offer_value_q"][:, 2, i, 0]
        )


def test_beliefs_show_each_holder_against_the_stated_drift(runs):
    run = runs["large"]
    fig = CHARTS["beliefs"](run)
    colours = actor_colours(run.meta["actor_ids"])
    kursk = run.meta["front_ids"].index("kursk")
    lines = _lines(fig.axes[kursk])
    assert set(lines) == {"Russia", "Ukraine", "drift stated in the scenario"}  # NaN rows left out
    assert lines["Russia"].get_color() == colours["russia"]
    assert lines["drift stated in the scenario"].get_ydata()[0] == run.meta["front_drift"][kursk]
    russia = run.meta["actor_ids"].index("russia")
    np.testing.assert_allclose(
        lines["Russia"].get_ydata(), run.series["belief_q"][:, 2, russia, kursk]
    )


def test_responses_are_weekly_means_weighted_by_the_replicates_in_session(runs):
    run = runs["large"]
    fig = CHARTS["responses"](run)
    s = run.series
    line = _lines(fig.axes[1])[f"accepts: {run.meta['track_labels'][0]}"]  # Russia, 1st track
    y = line.get_ydata()
    assert len(y) == -(-run.horizon // 7)
    for week in (0, 5, len(y) - 1):
        days = slice(7 * week, 7 * week + 7)
        w, v = s["session_share"][days], s["accept_share"][days, 1, 0]
        assert y[week] == pytest.approx(100 * (w * v).sum() / w.sum())
    dates = mdates.date2num(line.get_xdata())
    assert (np.diff(dates) == 7).all()


def test_conditions_heatmap_shows_the_shares_on_session_days(runs):
    run = runs["large"]
    fig = CHARTS["conditions"](run)
    plots = [ax for ax in fig.axes if ax.get_label() != "<colorbar>"]
    meshes = [c for ax in plots for c in ax.collections if isinstance(c, QuadMesh)]
    parties = [i for i, r in enumerate(run.meta["roles"]) if r == "party"]
    assert len(meshes) == len(parties)
    s = run.series
    session = s["session_share"] > 0
    for mesh, i in zip(meshes, parties, strict=True):
        shown = np.ma.getdata(mesh.get_array()).reshape(len(run.meta["issue_ids"]), -1)
        np.testing.assert_allclose(shown[:, session], 100 * s["condition_share"][session, i, :].T)
        assert np.ma.getmaskarray(mesh.get_array()).reshape(shown.shape)[:, ~session].all()


def test_terms_are_shares_of_the_deals_deciding_each_issue(runs):
    run = runs["large"]
    a = run.agreements
    fig = CHARTS["terms"](run)
    deals = a["side"] != Side.UNILATERAL
    for ax, issue in zip(fig.axes, run.meta["issue_ids"], strict=True):
        terms = a[f"term_{issue}"][deals & np.isfinite(a[f"term_{issue}"])]
        assert sum(b.get_height() for b in _bars(ax)) == pytest.approx(100)
        (median,) = [line for line in ax.get_lines() if line.get_label().startswith("median")]
        assert median.get_xdata()[0] == pytest.approx(np.median(terms))
        assert f"({len(terms):,} deals decide it)" in ax.get_title(loc="left")


def test_a_chart_of_a_run_without_deals_says_so(runs):
    fig = CHARTS["timeline"](runs["no_deals"])
    texts = " ".join(t.get_text() for ax in fig.axes for t in ax.texts)
    assert "no deal or truce in any of 30 replicates" in texts
    fig = CHARTS["durations"](runs["no_deals"])
    assert "no deal entered into force" in " ".join(t.get_text() for t in fig.axes[0].texts)


def test_the_first_deal_line_sits_on_the_median_date(runs):
    run = runs["large"]
    lines = _lines(CHARTS["timeline"](run).axes[0])
    (line,) = [v for k, v in lines.items() if k.startswith("median first deal")]
    x = mdates.num2date(mdates.date2num(line.get_xdata()[0])).date().isoformat()
    assert x == run.summary["median_first_deal_date"]

"""Run charts: each builds for R = 1, large R and degenerate results, follows the house
style (titles that fit, labelled axes, legends off the data, day-month dates) and draws
exactly the numbers in the result tables."""

from __future__ import annotations

import io
import re
from pathlib import Path

import matplotlib.dates as mdates
import numpy as np
import pytest
from matplotlib.collections import PolyCollection, QuadMesh
from matplotlib.patches import Rectangle

from sim.charts import CHARTS
from sim.charts.style import actor_colours
from sim.results.stats import kaplan_meier
from sim.scenario.load import DEFAULT_SCENARIO, load_scenario
from tests.conftest import CASES

DATE_LABEL = re.compile(r"^\d{1,2} [A-Z][a-z]{2}$")
TIME_CHARTS = ("positions", "utility", "conditions", "agreement_dates")


def drawn(fig):
    fig.canvas.draw()
    return fig.canvas.get_renderer()


@pytest.mark.parametrize("case", list(CASES))
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

    # legends live outside the plotting areas, never on top of data
    assert all(ax.get_legend() is None for ax in visible)
    for legend in fig.legends:
        lbox = legend.get_window_extent(renderer)
        for ax in visible:
            assert not lbox.overlaps(ax.get_window_extent(renderer)), f"legend covers {ax}"

    if name in TIME_CHARTS:
        labels = [t.get_text() for t in visible[-1].get_xticklabels() if t.get_text()]
        assert labels and all(DATE_LABEL.match(t) for t in labels), labels

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=60)
    assert buf.getvalue()[:8] == b"\x89PNG\r\n\x1a\n"


def _texts(fig) -> str:
    return " ".join(t.get_text() for ax in fig.axes for t in ax.texts)


def test_positions_show_median_both_bands_proposal_and_agreement_date(runs):
    run = runs["large"]
    fig = CHARTS["positions"](run)
    s, meta = run.series, run.meta
    ax = fig.axes[0]  # first issue
    drawn_actors = [i for i, r in enumerate(meta["roles"]) if r != "supporter"]
    bands = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert len(bands) == 2 * (len(drawn_actors) + 1)  # 50% and 90% per line
    lines = {line.get_label(): line for line in ax.get_lines()}
    np.testing.assert_allclose(lines["proposal"].get_ydata(), s["proposal_q"][:, 2, 0])
    russia = meta["actor_ids"].index("russia")
    np.testing.assert_allclose(lines["Russia"].get_ydata(), s["position_q"][:, 2, russia, 0])
    assert lines["Russia"].get_color() == actor_colours(meta["actor_ids"])["russia"]
    agreement = [lab for lab in lines if lab.startswith("median agreement date")]
    assert len(agreement) == 1
    x = lines[agreement[0]].get_xdata()[0]
    assert (
        mdates.num2date(mdates.date2num(x)).date().isoformat()
        == (run.summary["median_agreement_date"])
    )


def test_positions_have_no_agreement_line_when_nothing_was_agreed(runs):
    fig = CHARTS["positions"](runs["no_agreement"])
    labels = [line.get_label() for line in fig.axes[0].get_lines()]
    assert not any("agreement" in lab for lab in labels)


def test_utility_draws_each_party_against_its_reservation(runs):
    run = runs["large"]
    fig = CHARTS["utility"](run)
    parties = [i for i, r in enumerate(run.meta["roles"]) if r == "party"]
    for ax, i in zip(fig.axes, parties, strict=True):
        lines = {line.get_label(): line for line in ax.get_lines()}
        np.testing.assert_allclose(
            lines["utility of the proposal"].get_ydata(), run.series["utility_q"][:, 2, i]
        )
        reservation = lines["reservation value (net of pending threats)"]
        np.testing.assert_allclose(reservation.get_ydata(), run.series["reservation_q"][:, 2, i])
        colour = actor_colours(run.meta["actor_ids"])[run.meta["actor_ids"][i]]
        assert lines["utility of the proposal"].get_color() == colour


def test_conditions_heatmap_shows_the_shares_recorded_per_round(runs):
    run = runs["large"]
    fig = CHARTS["conditions"](run)
    plots = [ax for ax in fig.axes if ax.get_label() != "<colorbar>"]
    meshes = [c for ax in plots for c in ax.collections if isinstance(c, QuadMesh)]
    parties = [i for i, r in enumerate(run.meta["roles"]) if r == "party"]
    assert len(meshes) == len(parties)
    for mesh, i in zip(meshes, parties, strict=True):
        expected = 100 * run.series["condition_share"][:, i, :].T
        np.testing.assert_allclose(np.asarray(mesh.get_array()).reshape(expected.shape), expected)
    # round 0 of the default scenario: Russia names Kursk (P6) in every replicate
    russia = run.meta["actor_ids"].index("russia")
    kursk = run.meta["issue_ids"].index("kursk")
    assert run.series["condition_share"][0, russia, kursk] == 1.0


def _bars(ax) -> list[Rectangle]:
    return [p for p in ax.patches if isinstance(p, Rectangle) and p.get_width() > 0]


@pytest.mark.parametrize("case", list(CASES))
def test_outcome_bars_are_the_class_shares(runs, case):
    run = runs[case]
    fig = CHARTS["outcomes"](run)
    heights = [b.get_height() for b in _bars(fig.axes[0])]
    codes = run.outcomes["outcome"]
    expected = [100 * np.mean(codes == c) for c in range(3)]
    np.testing.assert_allclose(heights, expected)
    assert sum(heights) == pytest.approx(100)


def test_agreement_dates_in_round_zero_is_one_full_bar_on_the_start_date(runs):
    run = runs["round_zero"]
    fig = CHARTS["agreement_dates"](run)
    bars = [b for b in _bars(fig.axes[0]) if b.get_height() > 0]
    assert len(bars) == 1 and bars[0].get_height() == pytest.approx(100)
    centre = bars[0].get_x() + bars[0].get_width() / 2
    assert mdates.num2date(centre).date() == run.start_date


def test_agreement_dates_bars_add_up_to_the_agreement_share(runs):
    run = runs["large"]
    fig = CHARTS["agreement_dates"](run)
    total = sum(b.get_height() for b in _bars(fig.axes[0]))
    assert total == pytest.approx(100 * run.summary["agreement"]["share"])


@pytest.mark.parametrize("name", ["agreement_dates", "agreed_terms", "survival", "violations"])
def test_charts_say_why_they_are_empty_when_nothing_was_agreed(runs, name):
    fig = CHARTS[name](runs["no_agreement"])
    assert "no " in _texts(fig) and "40 replicates" in _texts(fig)


def test_agreed_terms_histograms_are_shares_of_agreed_replicates(runs):
    run = runs["large"]
    fig = CHARTS["agreed_terms"](run)
    issue_axes = [ax for ax in fig.axes if ax.get_visible()]
    assert len(issue_axes) == len(run.meta["issue_ids"])
    agreed = run.outcomes["agreed"]
    for ax, issue in zip(issue_axes, run.meta["issue_ids"], strict=True):
        assert sum(b.get_height() for b in _bars(ax)) == pytest.approx(100)
        median = [line for line in ax.get_lines() if line.get_label().startswith("median")]
        assert median[0].get_xdata()[0] == pytest.approx(
            np.median(run.outcomes[f"terms_{issue}"][agreed])
        )


def test_survival_curve_is_the_kaplan_meier_estimate(runs):
    run = runs["large"]
    o = run.outcomes
    fig = CHARTS["survival"](run)
    km = kaplan_meier(
        o["days_survived"][o["agreed"]], o["collapsed"][o["agreed"]], run.meta["duration_days"]
    )
    (curve,) = [line for line in fig.axes[0].get_lines() if "Kaplan" in line.get_label()]
    np.testing.assert_allclose(curve.get_ydata(), 100 * km["survival"])
    band = [c for c in fig.axes[0].collections if isinstance(c, PolyCollection)]
    assert len(band) == 1


def test_violations_first_violator_shares_cover_every_agreed_ceasefire(runs):
    run = runs["large"]
    fig = CHARTS["violations"](run)
    left, right = fig.axes[:2]
    assert sum(b.get_height() for b in _bars(right)) == pytest.approx(100)
    colour = actor_colours(run.meta["actor_ids"])["russia"]
    russia = [b for b in _bars(left) if b.get_facecolor()[:3] == _rgb(colour)]
    assert sum(b.get_height() for b in russia) == pytest.approx(100)  # all count classes


def _rgb(hex_colour: str) -> tuple:
    from matplotlib.colors import to_rgb

    return to_rgb(hex_colour)


def test_any_scenarios_actors_get_visible_colours_by_their_order(tmp_path):
    """Reproducer: colours were keyed to the default scenario's actor ids, so the first
    actor of any other scenario was drawn in near-invisible yellow (#F0E442) on white."""
    from sim.charts.style import ACTOR_PALETTE, MIN_CONTRAST, SERIES_COLOURS, contrast
    from sim.run import simulate

    assert contrast("#F0E442") < MIN_CONTRAST <= min(map(contrast, ACTOR_PALETTE))
    assert min(contrast(c) for c in SERIES_COLOURS) >= MIN_CONTRAST
    assert actor_colours(["north", "south", "mediator"]) == dict(
        zip(["north", "south", "mediator"], ACTOR_PALETTE, strict=False)
    )
    two_party = load_scenario(Path(__file__).resolve().parents[2] / "data" / "two-party.toml")
    run, _ = simulate(two_party, 30, 2)
    fig = CHARTS["positions"](run)
    actors = [
        n for n, r in zip(run.meta["names"], run.meta["roles"], strict=True) if r != "supporter"
    ]
    lines = {line.get_label(): line.get_color() for line in fig.axes[0].get_lines()}
    assert lines[actors[0]] == ACTOR_PALETTE[0]
    assert all(contrast(lines[name]) >= MIN_CONTRAST for name in actors)


def test_the_default_scenario_keeps_its_look():
    """Order-based colours give the default's actors the colours they always had (the
    light ones darkened): US blue, Russia vermilion, Ukraine orange."""
    ids = load_scenario(DEFAULT_SCENARIO).actors
    colours = actor_colours(list(ids))
    assert (colours["united_states"], colours["russia"], colours["ukraine"]) == (
        "#0072B2",
        "#D55E00",
        "#C78500",
    )
    assert len(set(colours.values())) == len(colours)  # seven actors, seven colours

"""Sweep charts from synthetic sweep directories in the contract's format: the right charts
for each design, grid values on the heatmap axes, cells pooled correctly, 1-D lines with
interval bands, Sobol indices ranked with their intervals."""

from __future__ import annotations

import csv
import io
import re
import tomllib
from pathlib import Path

import numpy as np
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.image import AxesImage
from matplotlib.patches import Rectangle

from sim.charts.sweep import SWEEP_CHARTS, sweep_charts
from sim.results.sweep_dir import load_sweep, parameter_label
from tests.support.sweep_dirs import BOUNDS, GRID, make_sweep_dir

EXPERIMENTS = Path(__file__).resolve().parents[3] / "experiments"

DESIGNS = {  # name -> make_sweep_dir arguments, expected charts
    "grid2": (
        {"kind": "grid"},
        ["heatmap_deal", "heatmap_comprehensive", "heatmap_breakdown", "main_effects"],
    ),
    "grid3": (
        {"kind": "grid", "parameters": list(GRID)},
        ["heatmap_deal", "heatmap_comprehensive", "heatmap_breakdown", "main_effects"],
    ),
    "grid1": ({"kind": "grid", "parameters": ["fronts.kursk.drift"]}, ["response"]),
    "lhs1": (
        {"kind": "lhs", "parameters": ["threats.waltz.credibility"], "points": 50},
        ["response"],
    ),
    "random3": ({"kind": "random", "parameters": list(BOUNDS), "points": 80}, ["main_effects"]),
    "sobol": (
        {"kind": "sobol", "parameters": list(BOUNDS), "points": 64},
        ["main_effects", "sobol"],
    ),
    "one_point": (  # a plain Monte Carlo sweep: no parameter takes two values
        {"kind": "lhs", "parameters": ["fronts.kursk.drift"], "points": 1},
        ["shares"],
    ),
    "no_deal": (
        {"kind": "grid", "deal": 0.0},
        ["heatmap_deal", "heatmap_comprehensive", "heatmap_breakdown", "main_effects"],
    ),
}


@pytest.fixture(scope="module")
def sweeps(tmp_path_factory):
    root = tmp_path_factory.mktemp("sweeps")
    return {
        name: load_sweep(make_sweep_dir(root / name, **kw)) for name, (kw, _) in DESIGNS.items()
    }


def _csv_rows(sweep) -> list[dict]:
    with open(sweep.path / "summary.csv", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize("design", list(DESIGNS))
def test_the_charts_that_apply_to_each_design_build(sweeps, design):
    sweep = sweeps[design]
    charts = sweep_charts(sweep)
    assert list(charts) == DESIGNS[design][1]
    for name, chart in charts.items():
        fig = chart(sweep)
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        assert fig._suptitle is not None
        box = fig._suptitle.get_window_extent(renderer)
        assert box.x1 <= fig.bbox.x1 + 1, f"{name}: title wider than the figure"
        plots = [ax for ax in fig.axes if ax.get_visible() and ax.get_label() != "<colorbar>"]
        assert all(ax.get_legend() is None for ax in plots)
        assert any(ax.get_xlabel() for ax in plots)
        fig.savefig(io.BytesIO(), format="png", dpi=50)


def test_summary_csv_reads_blank_cells_as_missing(sweeps):
    sweep = sweeps["no_deal"]
    assert np.isnan(sweep.table["p_breakdown"]).all()
    assert np.isnan(sweep.table["median_first_deal_day"]).all()
    assert (sweep.table["p_deal_90"] == 0).all()


def test_heatmap_cells_and_axes_are_the_grid(sweeps):
    sweep = sweeps["grid2"]
    fig = SWEEP_CHARTS["heatmap_deal"](sweep)
    ax = fig.axes[0]
    (image,) = [a for a in ax.get_children() if isinstance(a, AxesImage)]
    px, py = sweep.parameters
    assert [t.get_text() for t in ax.get_xticklabels()] == [f"{v:.3g}" for v in GRID[px]]
    assert [t.get_text() for t in ax.get_yticklabels()] == [f"{v:.3g}" for v in GRID[py]]
    rows = _csv_rows(sweep)
    cells = np.asarray(image.get_array())
    for row in rows:
        a = GRID[px].index(float(row[px]))
        b = GRID[py].index(float(row[py]))
        assert cells[b, a] == pytest.approx(100 * float(row["p_deal_90"]))


def test_heatmap_pools_deals_over_a_third_parameter(sweeps):
    """A share among deals is pooled over the deals of the cells' points, not averaged."""
    sweep = sweeps["grid3"]
    fig = SWEEP_CHARTS["heatmap_breakdown"](sweep)
    (image,) = [a for a in fig.axes[0].get_children() if isinstance(a, AxesImage)]
    px, py, pz = sweep.parameters
    rows = [
        r for r in _csv_rows(sweep) if float(r[px]) == GRID[px][0] and float(r[py]) == GRID[py][0]
    ]
    assert len(rows) == len(GRID[pz])
    deals = [float(r["n_deals"]) for r in rows]
    broke = [round(float(r["p_breakdown"]) * d) for r, d in zip(rows, deals, strict=True)]
    assert np.asarray(image.get_array())[0, 0] == pytest.approx(100 * sum(broke) / sum(deals))
    assert parameter_label(pz, sweep.facts) in fig._suptitle.get_text().replace("\n", " ")


def test_heatmap_marks_cells_without_a_deal_as_not_available(sweeps):
    fig = SWEEP_CHARTS["heatmap_breakdown"](sweeps["no_deal"])
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts and set(texts) == {"n/a"}


def test_response_line_follows_the_design_with_interval_bands(sweeps):
    sweep = sweeps["lhs1"]
    fig = SWEEP_CHARTS["response"](sweep)
    left = fig.axes[0]
    (line,) = [ln for ln in left.get_lines() if ln.get_label() == "P(first deal within 90 days)"]
    x = sweep.table[sweep.parameters[0]]
    order = np.argsort(x)
    np.testing.assert_allclose(line.get_xdata(), x[order])
    np.testing.assert_allclose(line.get_ydata(), 100 * sweep.table["p_deal_90"][order])
    bands = [c for c in left.collections if isinstance(c, PolyCollection)]
    assert len(bands) == 4  # within 30 days, within 90 days, by the horizon, comprehensive
    right = [c for c in fig.axes[1].collections if isinstance(c, PolyCollection)]
    assert len(right) == 2  # among deals: partial, broke down
    lo = 100 * sweep.table["p_deal_90_lo"][order]
    ys = bands[1].get_paths()[0].vertices[:, 1]
    assert ys.min() == pytest.approx(lo.min())


def test_a_single_design_point_gets_its_outcome_shares_with_intervals(sweeps):
    """No parameter varies: no axis to plot against, so the chart is the pooled shares."""
    sweep = sweeps["one_point"]
    assert sweep.varied == []
    fig = SWEEP_CHARTS["shares"](sweep)
    ax = fig.axes[0]
    bars = [patch.get_height() for patch in ax.patches]
    assert bars[0] == pytest.approx(100 * sweep.table["p_deal_30"][0], abs=0.1)
    errorbars = [c for c in ax.containers if c.__class__.__name__ == "ErrorbarContainer"]
    assert len(errorbars) == len(bars)


def test_sobol_bars_are_ranked_by_total_effect_with_their_intervals(sweeps):
    sweep = sweeps["sobol"]
    fig = SWEEP_CHARTS["sobol"](sweep)
    ax = fig.axes[0]
    rows = [r for r in sweep.sobol if r["outcome"] == "p_deal_30"]
    ranked = sorted(rows, key=lambda r: -r["ST"])
    labels = [t.get_text().replace("\n", " ") for t in ax.get_yticklabels()]
    assert labels == [parameter_label(r["parameter"], sweep.facts) for r in ranked]
    widths = [b.get_width() for b in ax.patches if isinstance(b, Rectangle)]
    assert sorted(widths) == pytest.approx(
        sorted([r["ST"] for r in rows] + [r["S1"] for r in rows])
    )
    # whiskers: one error-bar container per index kind, half-widths equal to the conf column
    errs = [c for c in ax.containers if hasattr(c, "errorbar") and c.errorbar is not None]
    assert len(errs) == 2
    segs = errs[0].errorbar.lines[2][0].get_segments()
    half = sorted(abs(s[1][0] - s[0][0]) / 2 for s in segs)
    assert half == pytest.approx(sorted(r["ST_conf"] for r in rows))


def test_parameter_labels_use_names_never_ids(sweeps):
    """Reproducers: "threat 'waltz'" and "Russia: kursk red line never below" showed the
    file's ids where a reader needs the names the scenario gives them."""
    facts = sweeps["grid2"].facts
    assert parameter_label("actors.russia.planning_horizon", facts) == ("Russia: planning horizon")
    assert parameter_label("actors.ukraine.stances.kursk.position", facts) == (
        "Ukraine, Ukrainian forces in Kursk: position"
    )
    assert parameter_label("actors.russia.stances.kursk.red_line.never_below", facts) == (
        "Russia, Ukrainian forces in Kursk: red line never below"
    )
    assert parameter_label("threats.waltz.credibility", facts) == (
        "United States threat to Russia: credibility"
    )
    assert parameter_label("actors.russia.spread.concession_rate", facts) == (
        "Russia: spread of concession rate"
    )
    assert parameter_label("negotiation.step_size", facts) == "negotiation: step size"
    assert parameter_label("fronts.kursk.drift", facts) == "Kursk salient: drift"
    assert parameter_label("fronts.kursk.beliefs.russia.drift", facts) == (
        "Kursk salient, belief of Russia: drift"
    )
    main = dict(zip(facts["front_ids"], facts["front_labels"], strict=True))["main"]
    assert parameter_label("fronts.main.cost.russia", facts) == f"{main}: cost to Russia"


@pytest.mark.parametrize(
    "experiment",
    [p for p in sorted(EXPERIMENTS.glob("*.toml")) if "[sweep]" in p.read_text()],
    ids=lambda p: p.stem,
)
def test_no_shipped_sweep_parameter_is_labelled_with_an_id(experiment, sweeps):
    facts = sweeps["grid2"].facts  # the default scenario, the base of every shipped sweep
    ids = [*facts["actor_ids"], *facts["threat_ids"], *facts["issue_ids"]]
    paths = list(tomllib.loads(experiment.read_text())["parameters"])
    assert paths
    for path in paths:
        label = parameter_label(path, facts)
        subject = label.rsplit(":", 1)[0]  # who or what; the field's own words follow
        assert not any(re.search(rf"\b{i}\b", subject) for i in ids), label


def test_parquet_summary_is_preferred_when_pyarrow_is_installed(tmp_path):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    d = make_sweep_dir(tmp_path / "s", kind="grid")
    table = load_sweep(d).table
    changed = {k: (v * 0 + 0.5 if k == "p_deal_30" else v) for k, v in table.items()}
    pq.write_table(pa.table(changed), d / "summary.parquet")
    assert (load_sweep(d).table["p_deal_30"] == 0.5).all()


def test_a_fine_grid_stays_slide_sized_with_thinned_ticks_and_no_cell_numbers(tmp_path):
    fine = {
        "fronts.kursk.drift": list(np.linspace(-0.006, 0.006, 40)),
        "threats.waltz.credibility": list(np.linspace(0, 1, 30)),
    }
    sweep = load_sweep(make_sweep_dir(tmp_path / "fine", kind="grid", replicates=20, grid=fine))
    assert sweep.points == 1200
    fig = SWEEP_CHARTS["heatmap_deal"](sweep)
    assert fig.get_figwidth() <= 11 and fig.get_figheight() <= 8
    ax = fig.axes[0]
    assert 3 <= len(ax.get_xticks()) <= 12 and 3 <= len(ax.get_yticks()) <= 12
    assert len(ax.texts) == 0

"""Charts for a summarised sweep: a SweepResult in, a matplotlib Figure out.

Which charts apply depends on the design: a line with interval bands for one varied
parameter, heatmaps over the first two parameters of a grid, main-effect panels for two
or more parameters, ranked Sobol indices when ``sobol.csv`` exists. ``sweep_charts(sweep)``
returns the ones that apply, in report order; ``SWEEP_CHARTS`` lists them all, each with
its caption.
"""

from __future__ import annotations

import re

import matplotlib
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from sim.charts.primitives import label_share, share_bar
from sim.charts.registry import Chart, registry
from sim.charts.style import (
    SEQUENTIAL,
    SERIES_COLOURS,
    figure,
    legend_below,
    no_data,
    title,
    wrap,
)
from sim.results import measures
from sim.results.stats import wilson_interval
from sim.results.summary import counted
from sim.results.sweep_dir import SweepResult, parameter_label, threat_label

MEASURES = {m.column: m.label for m in measures.MEASURES}  # summary column -> chart label
AMONG_DEALS = {m.column for m in measures.MEASURES if m.of == "deals"}  # the rest: replicates
SOBOL_ONLY = {  # outcomes sobol.csv ranks that are no share of the summary table
    "mean_days_under_ceasefire": "mean days under ceasefire",
}
HEADLINE = ("p_deal_30", "p_deal_90", "p_comprehensive")  # main effects, first heatmaps
HEATMAP_CELL_TEXT_MAX = 144  # cells; above this the numbers would be unreadable


def subtitle(sweep: SweepResult) -> str:
    m = sweep.manifest
    design = m.get("design", {})
    name = sweep.facts.get("scenario_name", sweep.path.name)
    reps = design.get("replicates")
    per = f" × {counted(reps, 'replicate')}" if isinstance(reps, int) else ""
    points = counted(sweep.points, "point")
    return f"{name} — {sweep.kind} design, {points}{per}, seed {m.get('seed', '?')}"


def _label(sweep: SweepResult, parameter: str) -> str:
    return parameter_label(parameter, sweep.facts)


def _fmt(v: float) -> str:
    return f"{v:.3g}"


def pooled_share(
    sweep: SweepResult, column: str, mask: np.ndarray
) -> tuple[float, float, float, int]:
    """Share over the selected points, pooling their replicates: (p, lo, hi, trials)."""
    k, n = sweep.counts(column)
    kk, nn = int(k[mask].sum()), int(n[mask].sum())
    if nn == 0:
        return (np.nan, np.nan, np.nan, 0)
    lo, hi = wilson_interval(kk, nn)
    return (kk / nn, lo, hi, nn)


def _interval_line(ax, x: np.ndarray, sweep: SweepResult, column: str, order, colour) -> None:
    """A share (in %) against x with its 95% band; a lone point gets whiskers instead."""
    p = 100 * sweep.table[column][order]
    lo, hi = sweep.table.get(f"{column}_lo"), sweep.table.get(f"{column}_hi")
    if lo is not None and hi is not None:
        lo, hi = 100 * lo[order], 100 * hi[order]
        if len(x) > 1:
            ax.fill_between(x, lo, hi, color=colour, alpha=0.2, lw=0)
        else:
            below, above = np.maximum(p - lo, 0), np.maximum(hi - p, 0)
            ax.errorbar(x, p, yerr=[below, above], color=colour, capsize=4, lw=1.2)
    marker = "o" if len(x) <= 25 else None
    ax.plot(x, p, color=colour, lw=2, marker=marker, label=MEASURES[column])


def response_chart(sweep: SweepResult) -> Figure:
    """One varied parameter: the measures against its value, with 95% intervals (left:
    shares of replicates; right: shares of the deals agreed)."""
    parameter = sweep.varied[0]
    order = np.argsort(sweep.table[parameter], kind="stable")
    x = sweep.table[parameter][order]
    fig, (left, right) = figure(1, 2, figsize=(11.0, 4.6), sharex=True)
    for j, column in enumerate(MEASURES):
        if column in sweep.table:
            ax = right if column in AMONG_DEALS else left
            _interval_line(ax, x, sweep, column, order, SERIES_COLOURS[j])
    for ax in (left, right):
        ax.set_ylim(0, 102)
        ax.set_xlabel(wrap(_label(sweep, parameter), 60))
        if len(np.unique(x)) == 1:  # one design point: centre it
            half = max(abs(float(x[0])), 1.0) * 0.5
            ax.set_xlim(x[0] - half, x[0] + half)
    left.set_ylabel("share of replicates (%)")
    right.set_ylabel("share of deals agreed (%)")
    left.set_title("Deals by date, and the broadest ceasefire", loc="left")
    right.set_title("What the deals were, and how they ended", loc="left")
    legend_below(fig, [left, right], ncol=4)
    title(
        fig,
        f"Measures against {_label(sweep, parameter)} (bands: 95% Wilson intervals)",
        subtitle(sweep),
    )
    return fig


def _grid(sweep: SweepResult, column: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(x values, y values, share in % per cell) pooled over any further parameters."""
    px, py = sweep.varied[:2]
    xs, ys = sweep.values(px), sweep.values(py)
    cells = np.full((len(ys), len(xs)), np.nan)
    for a, xv in enumerate(xs):
        for b, yv in enumerate(ys):
            mask = (sweep.table[px] == xv) & (sweep.table[py] == yv)
            cells[b, a] = 100 * pooled_share(sweep, column, mask)[0]
    return xs, ys, cells


def _ticks(values: np.ndarray, most: int = 12) -> tuple[np.ndarray, list[str]]:
    step = int(np.ceil(len(values) / most))
    where = np.arange(0, len(values), step)
    return where, [_fmt(values[i]) for i in where]


def _heatmap(sweep: SweepResult, column: str) -> Figure:
    px, py = sweep.varied[:2]
    xs, ys, cells = _grid(sweep, column)
    width = min(max(6.5, 2.5 + 0.55 * len(xs)), 11.0)  # grows with the grid, up to a slide
    height = min(max(4.8, 2.2 + 0.42 * len(ys)), 8.0)
    fig, ax = figure(figsize=(width, height))
    cmap = matplotlib.colormaps[SEQUENTIAL].with_extremes(bad="#DDDDDD")  # grey: no data
    mesh = ax.imshow(cells, origin="lower", aspect="auto", cmap=cmap, vmin=0, vmax=100)
    ax.set_xticks(*_ticks(xs))
    ax.set_yticks(*_ticks(ys))
    ax.set_xlabel(wrap(_label(sweep, px), 60))
    ax.set_ylabel(wrap(_label(sweep, py), 40))
    ax.grid(False)
    if cells.size <= HEATMAP_CELL_TEXT_MAX:
        for (b, a), v in np.ndenumerate(cells):
            text = "n/a" if np.isnan(v) else f"{v:.0f}"
            ax.text(
                a,
                b,
                text,
                ha="center",
                va="center",
                fontsize=8,
                color="white" if not np.isnan(v) and v < 60 else "black",
            )
    fig.colorbar(mesh, ax=ax, label=f"{MEASURES[column]} (%)")
    notes = ["cells: % of deals agreed" if column in AMONG_DEALS else "cells: % of replicates"]
    rest = [_label(sweep, p) for p in sweep.varied[2:]]
    if rest:
        notes.append(f"pooled over {', '.join(rest)}")
    if column in AMONG_DEALS:
        notes.append("n/a: no deal at that point")
    heading = f"{MEASURES[column]} over the design grid"
    title(fig, heading, f"{'; '.join(notes)}\n{subtitle(sweep)}")
    return fig


def heatmap_deal_chart(sweep: SweepResult) -> Figure:
    """P(first deal within 90 days) over the first two parameters of a grid."""
    return _heatmap(sweep, "p_deal_90")


def heatmap_comprehensive_chart(sweep: SweepResult) -> Figure:
    """P(comprehensive ceasefire) over the first two parameters of a grid."""
    return _heatmap(sweep, "p_comprehensive")


def heatmap_breakdown_chart(sweep: SweepResult) -> Figure:
    """P(deal breaks down | agreed) over the first two grid parameters."""
    return _heatmap(sweep, "p_breakdown")


def _groups(x: np.ndarray, bins: int = 10) -> list[np.ndarray]:
    """Masks grouping design points by parameter value: each distinct value of a grid
    axis, or about ``bins`` equal-count bins of a sampled (random, LHS, Sobol) one."""
    values = np.unique(x)
    if len(values) <= 15:
        return [x == v for v in values]
    edges = np.unique(np.quantile(x, np.linspace(0, 1, bins + 1)))
    index = np.clip(np.searchsorted(edges, x, side="right") - 1, 0, len(edges) - 2)
    return [index == b for b in range(len(edges) - 1)]


def main_effects_chart(sweep: SweepResult) -> Figure:
    """The headline shares of replicates against each parameter, pooled over the others."""
    params = sweep.varied
    ncols = min(3, len(params))
    nrows = int(np.ceil(len(params) / ncols))
    fig, axes = figure(
        nrows, ncols, figsize=(4.4 * ncols, 3.4 * nrows + 1.3), sharey=True, squeeze=False
    )
    for ax, parameter in zip(axes.flat, params, strict=False):
        x = sweep.table[parameter]
        for j, column in enumerate(HEADLINE):
            rows = []
            for mask in _groups(x):
                p, lo, hi, n = pooled_share(sweep, column, mask)
                if n:
                    rows.append((float(x[mask].mean()), p, lo, hi))
            if not rows:
                continue
            gx, p, lo, hi = (np.array(c) for c in zip(*rows, strict=True))
            colour = SERIES_COLOURS[j]
            ax.fill_between(gx, 100 * lo, 100 * hi, color=colour, alpha=0.2, lw=0)
            ax.plot(gx, 100 * p, color=colour, marker="o", ms=3.5, lw=1.8, label=MEASURES[column])
        ax.set_xlabel(wrap(_label(sweep, parameter), 45), fontsize=9)
        ax.xaxis.set_major_locator(MaxNLocator(5))
        ax.set_ylim(0, 102)
    for ax in axes[:, 0]:
        ax.set_ylabel("share of replicates (%)")
    for ax in list(axes.flat)[len(params) :]:
        ax.set_visible(False)
    legend_below(fig, axes.flat[0], ncol=len(HEADLINE))
    title(
        fig,
        "Main effects: deal shares against each parameter",
        f"pooled over the other parameters; bands: 95% Wilson intervals\n{subtitle(sweep)}",
    )
    return fig


def measure_label(column: str, facts: dict | None = None) -> str:
    """What an outcome column is called on a chart: 'P(first deal within 30 days)', 'mean
    days under ceasefire', 'P(United States threat to Russia carried out)', never the
    column name."""
    if column in MEASURES or column in SOBOL_ONLY:
        return MEASURES.get(column) or SOBOL_ONLY[column]
    threat = re.fullmatch(r"p_threat_(.+)_(carried_out|called)", column)
    if threat:
        return f"P({threat_label(threat[1], facts)} {threat[2].replace('_', ' ')})"
    return column.removeprefix("p_").replace("_", " ")


def sobol_chart(sweep: SweepResult) -> Figure:
    """Sobol first-order (S1) and total (ST) indices, one panel per outcome in a grid of
    two columns, each ranked by ST, with 95% intervals; one x scale for every panel so that
    the bars compare across outcomes."""
    rows = sweep.sobol or []
    outcomes = list(dict.fromkeys(str(r["outcome"]) for r in rows))
    n_params = max((sum(str(r["outcome"]) == o for r in rows) for o in outcomes), default=1)
    ncols = 1 if len(outcomes) <= 1 else 2
    nrows = max(int(np.ceil(len(outcomes) / ncols)), 1)
    fig, axes = figure(
        nrows,
        ncols,
        figsize=(6.4 * ncols + 0.4, nrows * (1.1 + 0.34 * n_params) + 1.4),
        squeeze=False,
    )
    if not outcomes:
        no_data(axes[0, 0], "sobol.csv has no rows")
    values = [float(r[k]) + float(r.get(f"{k}_conf", 0) or 0) for r in rows for k in ("S1", "ST")]
    lows = [float(r[k]) - float(r.get(f"{k}_conf", 0) or 0) for r in rows for k in ("S1", "ST")]
    finite_hi = [v for v in values if np.isfinite(v)]
    finite_lo = [v for v in lows if np.isfinite(v)]
    xmax = min(max([1e-3, *finite_hi]) * 1.05, 1.05)
    xmin = max(min([0.0, *finite_lo]) * 1.05, -0.3)
    for ax, outcome in zip(axes.flat, outcomes, strict=False):
        sub = sorted(
            (r for r in rows if str(r["outcome"]) == outcome),
            key=lambda r: -np.nan_to_num(float(r["ST"])),
        )
        y = np.arange(len(sub))
        for offset, key, colour, name in (
            (-0.2, "ST", "#56B4E9", "total effect ST (with interactions)"),
            (0.2, "S1", "#0072B2", "first-order S1 (alone)"),
        ):
            v = np.array([float(r[key]) for r in sub])
            conf = np.array([float(r.get(f"{key}_conf", np.nan)) for r in sub])
            ax.barh(
                y + offset,
                v,
                height=0.38,
                color=colour,
                label=name,
                xerr=np.nan_to_num(conf),
                error_kw={"capsize": 3, "lw": 1},
            )
        ax.set_yticks(y, [wrap(_label(sweep, str(r["parameter"])), 34) for r in sub], fontsize=8)
        ax.invert_yaxis()
        ax.axvline(0, color="black", lw=0.8)
        ax.set_xlim(xmin, xmax)
        ax.set_xlabel("share of the outcome's variance explained (Sobol index)", fontsize=9)
        ax.set_title(wrap(measure_label(outcome, sweep.facts), 52), loc="left", fontsize=10)
    for ax in list(axes.flat)[len(outcomes) :]:
        ax.set_visible(False)
    legend_below(fig, axes.flat[0], ncol=2)
    title(
        fig,
        "Sensitivity: Sobol indices, ranked by total effect (whiskers: 95% confidence)",
        subtitle(sweep),
    )
    return fig


def shares_chart(sweep: SweepResult) -> Figure:
    """The measures over the whole sweep, replicates (or deals) pooled, with Wilson 95%
    intervals: the chart of a plain Monte Carlo sweep, where no parameter varies."""
    fig, ax = figure(figsize=(8.6, 4.4))
    columns = [c for c in MEASURES if c in sweep.table]
    for j, column in enumerate(columns):
        k, n = (int(v.sum()) for v in sweep.counts(column))  # replicates pooled
        if n == 0:
            continue
        share, lo, hi = share_bar(ax, j, k, n, SERIES_COLOURS[j % len(SERIES_COLOURS)], 0.65)
        label_share(ax, j, share, lo, hi, fontsize=8)
    ax.set_xticks(range(len(columns)), [wrap(MEASURES[c], 14) for c in columns], fontsize=8)
    ax.set_ylim(0, 110)
    ax.set_ylabel("share (%)")
    ax.set_xlabel("measure (partial, breaks down: shares of the deals agreed)")
    title(fig, "Headline measures (whiskers: 95% Wilson interval)", subtitle(sweep))
    return fig


SWEEP_CHARTS = registry(
    Chart(
        "shares",
        shares_chart,
        "Shares of all replicates (partial and breakdown: of the deals agreed) with 95% "
        "Wilson intervals; no parameter varies in this sweep.",
    ),
    Chart(
        "response",
        response_chart,
        "The headline measures at each value of the varied parameter, with 95% Wilson "
        "intervals (bands): left, shares of replicates; right, shares of the deals agreed.",
    ),
    Chart(
        "heatmap_deal",
        heatmap_deal_chart,
        "Share of replicates with a first deal within 90 days in each cell of the grid; "
        "the axes carry the grid values.",
    ),
    Chart(
        "heatmap_comprehensive",
        heatmap_comprehensive_chart,
        "Share of replicates in which a comprehensive ceasefire was agreed.",
    ),
    Chart(
        "heatmap_breakdown",
        heatmap_breakdown_chart,
        "Share of the deals agreed that broke down before the horizon "
        "(grey: no deal in that cell).",
    ),
    Chart(
        "main_effects",
        main_effects_chart,
        "Each panel: the headline shares against one parameter, pooling the design "
        "points over the other parameters (sampled designs are binned into equal-count groups).",
    ),
    Chart(
        "sobol",
        sobol_chart,
        "How much of the variance of each measure each parameter explains: first-order "
        "S1 (alone) and total ST (with all its interactions), ranked by ST.",
    ),
)


def sweep_charts(sweep: SweepResult) -> dict:
    """The charts that apply to this sweep's design, in report order."""
    k = len(sweep.varied)
    names = []
    if k == 0:
        names.append("shares")
    if k == 1:
        names.append("response")
    if k >= 2 and sweep.kind == "grid":
        names += ["heatmap_deal", "heatmap_comprehensive"]
        if "p_breakdown" in sweep.table:
            names.append("heatmap_breakdown")
    if k >= 2:
        names.append("main_effects")
    if sweep.sobol:
        names.append("sobol")
    return {name: SWEEP_CHARTS[name] for name in names}

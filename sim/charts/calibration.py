"""Charts of a calibration directory (sim/calibration/): fit, identifiability, convergence.

Each takes a :class:`~sim.calibration.results.CalibrationResult` and never runs the model.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from sim.charts.registry import Chart, registry
from sim.charts.style import MUTED, SERIES_COLOURS, figure, legend_below, title

STAT_LABEL = {
    "survival": "survival to any end",
    "cum_breakdown": "breakdown incidence",
    "cum_expired": "expiry incidence",
    "cum_replaced": "replacement incidence",
}


def _subtitle(c) -> str:
    s = c.summary
    return (
        f"{s['target_set']}; {s['generations']} generations, {s['particles']} particles, "
        f"{s['runs']:,} simulated runs, seed {s['seed']}"
    )


def ppc_chart(c) -> Figure:
    """Each target: observed value +- 2 sd against the model's 5-95% range at the posterior."""
    rows = c.summary["ppc"]
    fig, ax = figure(figsize=(9, 0.45 * len(rows) + 2.2))
    y = np.arange(len(rows))[::-1]
    for yi, r in zip(y, rows, strict=True):
        ax.errorbar(
            r["observed"],
            yi + 0.12,
            xerr=2 * r["sd"],
            fmt="o",
            color="black",
            capsize=3,
            label="observed ± 2 sd" if yi == y[0] else None,
        )
        ax.plot(
            [r["model_q05"], r["model_q95"]],
            [yi - 0.12] * 2,
            color=SERIES_COLOURS[0],
            lw=4,
            alpha=0.6,
            label="model 5–95% at the posterior" if yi == y[0] else None,
        )
        ax.plot(
            r["model_median"],
            yi - 0.12,
            "|",
            color=SERIES_COLOURS[0],
            ms=12,
            label="model median" if yi == y[0] else None,
        )
    labels = [f"{r['group']}: {STAT_LABEL[r['statistic']]}, day {r['day']}" for r in rows]
    ax.set_yticks(y, labels)
    ax.set_xlabel("share of ceasefires (0–1)")
    ax.set_xlim(0, 1)
    ax.grid(axis="x", color=MUTED, alpha=0.3)
    title(fig, "Posterior predictive check: the model's durability against the data", _subtitle(c))
    legend_below(fig, [ax])
    return fig


def identifiability_chart(c) -> Figure:
    """Posterior width / prior width per parameter, and the pairwise correlations."""
    rows = c.summary["identifiability"]
    fig, (ax, hx) = figure(1, 2, figsize=(11, 0.4 * len(rows) + 3))
    y = np.arange(len(rows))[::-1]
    ratios = [r["width_ratio"] for r in rows]
    colours = [SERIES_COLOURS[0] if r["identified"] else MUTED for r in rows]
    ax.barh(y, ratios, color=colours)
    ax.axvline(1.0, color="black", lw=1, ls="--", label="prior width (nothing learnt)")
    ax.axvline(0.5, color=SERIES_COLOURS[1], lw=1, ls=":", label="identified below 0.5")
    ax.set_yticks(y, [r["parameter"].split(".")[-1] for r in rows])
    ax.set_xlabel("posterior sd / prior sd (on the prior's unit scale)")
    ax.set_title("Width")
    n = len(c.parameters)
    im = hx.imshow(c.correlations, vmin=-1, vmax=1, cmap="RdBu_r")
    short = [p.split(".")[-1] for p in c.parameters]
    hx.set_xticks(range(n), short, rotation=60, ha="right")
    hx.set_yticks(range(n), short)
    hx.set_title("Pairwise posterior correlation")
    fig.colorbar(im, ax=hx, label="weighted Pearson correlation")
    title(fig, "Identifiability: what the targets pin down", _subtitle(c))
    legend_below(fig, [ax])
    return fig


def distances_chart(c) -> Figure:
    """Tolerance and accepted distances per generation: the sampler's convergence."""
    fig, ax = figure(figsize=(8, 4.5))
    g = [int(r["generation"]) for r in c.distances]
    ax.fill_between(
        g,
        [r["min"] for r in c.distances],
        [r["max"] for r in c.distances],
        color=SERIES_COLOURS[0],
        alpha=0.25,
        label="accepted distances (min–max)",
    )
    ax.plot(
        g,
        [r["median"] for r in c.distances],
        "o-",
        color=SERIES_COLOURS[0],
        label="median accepted distance",
    )
    ax.plot(g, [r["epsilon"] for r in c.distances], "s--", color="black", label="tolerance epsilon")
    ax.set_xlabel("generation")
    ax.set_ylabel("distance (RMS of (model - observed) / sd)")
    ax.set_xticks(g)
    title(fig, "ABC-SMC convergence: distances per generation", _subtitle(c))
    legend_below(fig, [ax])
    return fig


CALIBRATION_CHARTS = registry(
    Chart(
        "ppc",
        ppc_chart,
        "Each target's observed value (black, ± 2 sd) and the model's "
        "5–95% range at the posterior (blue): a blue bar that misses the black interval "
        "is a target the model cannot meet.",
    ),
    Chart(
        "identifiability",
        identifiability_chart,
        "Left: posterior sd over prior sd per "
        "parameter (1: the targets say nothing about it). Right: correlations; a strong "
        "one means only a combination of the two is pinned down.",
    ),
    Chart(
        "distances",
        distances_chart,
        "The tolerance and the accepted distances fall "
        "generation by generation; a flat tail means more generations would not help.",
    ),
)

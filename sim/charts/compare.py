"""Charts comparing runs: a list of RunResults in, one matplotlib Figure out.

Each run keeps one colour on every comparison chart (the first run, the baseline, is
always the first colour). A run's label is ``meta["label"]`` when the caller set one,
otherwise its directory name.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from sim.charts.primitives import OUTCOME_NAMES, share_bar
from sim.charts.registry import Chart, registry
from sim.charts.style import (
    SERIES_COLOURS,
    date_axis,
    figure,
    legend_below,
    pad_dates,
    title,
    wrap,
)
from sim.engine.codes import Outcome
from sim.results.deals import durations
from sim.results.measures import deal_rows
from sim.results.run_dir import RunResult
from sim.results.stats import cumulative_incidence, survival_curve


def run_label(run: RunResult) -> str:
    return str(run.meta.get("label") or run.path.name)


def colour(j: int) -> str:
    return SERIES_COLOURS[j % len(SERIES_COLOURS)]


def _subtitle(runs: list[RunResult]) -> str:
    sizes = "; ".join(f"{run_label(r)} {r.meta['replicates']:,}" for r in runs)
    return f"replicates per run: {sizes}"


def compare_outcomes_chart(runs: list[RunResult]) -> Figure:
    """Shares by the broadest ceasefire agreed, side by side, with 95% Wilson intervals."""
    fig, ax = figure(figsize=(max(7.2, 2.2 + 1.2 * len(runs) * 1.5), 4.8))
    width = 0.8 / len(runs)
    for j, run in enumerate(runs):
        codes = run.outcomes["outcome"]
        for c in Outcome:
            x = c + (j - (len(runs) - 1) / 2) * width
            share_bar(
                ax,
                x,
                int((codes == c).sum()),
                len(codes),
                colour(j),
                width=width * 0.95,
                label=run_label(run) if c == Outcome.NONE else None,
            )
    ax.set_xticks(range(len(Outcome)), [OUTCOME_NAMES[o.label] for o in Outcome])
    ax.set_ylabel("share of replicates (%)")
    ax.set_ylim(0, 105)
    legend_below(fig, ax, ncol=min(len(runs), 4))
    title(
        fig,
        "Broadest ceasefire agreed, by run (whiskers: 95% Wilson intervals)",
        _subtitle(runs),
    )
    return fig


def deal_durations(run: RunResult) -> tuple[np.ndarray, np.ndarray]:
    """Days each deal between the parties stayed in force, and whether it broke down
    (:func:`sim.results.deals.durations`; unilateral truces left out)."""
    held, broke, rows = durations(run.agreements, run.horizon)
    mutual = deal_rows(run.agreements)[rows]
    return held[mutual], broke[mutual]


def compare_survival_chart(runs: list[RunResult]) -> Figure:
    """Kaplan-Meier survival of deals in force per run, to breakdown, with 95% bands."""
    fig, ax = figure(figsize=(7.6, 4.8))
    horizon = max(r.horizon for r in runs)
    for j, run in enumerate(runs):
        days, broke = deal_durations(run)
        if not len(days):
            ax.plot([], [], color=colour(j), label=f"{run_label(run)} (no deal in force)")
            continue
        km = survival_curve(days, broke, run.horizon)
        ax.fill_between(
            km["day"],
            100 * km["lower"],
            100 * km["upper"],
            step="post",
            color=colour(j),
            alpha=0.15,
            lw=0,
        )
        ax.step(
            km["day"],
            100 * km["survival"],
            where="post",
            color=colour(j),
            lw=2,
            label=f"{run_label(run)} ({len(days):,} deals in force)",
        )
    ax.set_xlim(0, horizon)
    ax.set_ylim(0, 102)
    ax.set_xlabel("days since the deal entered into force")
    ax.set_ylabel("deals not broken down (%)")
    legend_below(fig, ax, ncol=min(len(runs), 3))
    title(
        fig,
        "How long deals hold before breaking down, by run (Kaplan–Meier, 95% bands)",
        _subtitle(runs),
    )
    return fig


def compare_first_deal_chart(runs: list[RunResult]) -> Figure:
    """Share of replicates with a first deal by each date (95% band) and each day, per run."""
    fig, (top, bottom) = figure(2, 1, figsize=(8.4, 6.4), sharex=True, height_ratios=[1.4, 1])
    all_days = []
    for j, run in enumerate(runs):
        o = run.outcomes
        n = len(o["replicate"])
        horizon = run.horizon
        days = run.dates(np.arange(horizon))
        all_days.append(days)
        first = np.asarray(o["first_deal_day"])
        curve = cumulative_incidence(first, horizon - 1)
        top.fill_between(
            days,
            100 * curve["lower"],
            100 * curve["upper"],
            step="post",
            color=colour(j),
            alpha=0.15,
            lw=0,
        )
        top.step(
            days,
            100 * curve["incidence"],
            where="post",
            color=colour(j),
            lw=2,
            label=run_label(run),
        )
        counts = np.bincount(first[first >= 0], minlength=horizon)[:horizon]
        bottom.step(days, 100 * counts / n, where="mid", color=colour(j), lw=1.5)
    top.set_ylim(0, 102)
    top.set_ylabel(wrap("first deal by that date (% of replicates)", 24))
    bottom.set_ylabel(wrap("first deal that day (% of replicates)", 24))
    pad_dates(bottom, np.concatenate(all_days), days=1.0)
    date_axis(top, label=False)
    date_axis(bottom)
    legend_below(fig, top, ncol=min(len(runs), 4))
    title(fig, "When the first deal was agreed, by run (band: 95% interval)", _subtitle(runs))
    return fig


COMPARE_CHARTS = registry(
    Chart(
        "outcomes",
        compare_outcomes_chart,
        "Share of replicates by the broadest ceasefire agreed (none, partial, "
        "comprehensive), one colour per run; whiskers are 95% Wilson intervals.",
    ),
    Chart(
        "first_deal",
        compare_first_deal_chart,
        "Top: share of replicates whose first deal (between the parties) was agreed by "
        "each date, with 95% bands. Bottom: share whose first deal came on that day.",
    ),
    Chart(
        "survival",
        compare_survival_chart,
        "Share of deals in force not yet broken down, by days in force (Kaplan–Meier), "
        "with 95% Greenwood bands; deals that expired, were replaced or were still in "
        "force at the horizon are censored.",
    ),
)

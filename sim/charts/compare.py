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
from sim.results.run_dir import RunResult
from sim.results.stats import kaplan_meier, wilson_interval


def run_label(run: RunResult) -> str:
    return str(run.meta.get("label") or run.path.name)


def colour(j: int) -> str:
    return SERIES_COLOURS[j % len(SERIES_COLOURS)]


def _subtitle(runs: list[RunResult]) -> str:
    sizes = "; ".join(f"{run_label(r)} {r.meta['replicates']:,}" for r in runs)
    return f"replicates per run: {sizes}"


def compare_outcomes_chart(runs: list[RunResult]) -> Figure:
    """Outcome-class shares side by side, with 95% Wilson intervals."""
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
    title(fig, "Outcome of the talks, by run (whiskers: 95% Wilson intervals)", _subtitle(runs))
    return fig


def compare_survival_chart(runs: list[RunResult]) -> Figure:
    """Kaplan-Meier survival of agreed ceasefires per run, with 95% Greenwood bands."""
    fig, ax = figure(figsize=(7.6, 4.8))
    horizon = max(int(r.meta["duration_days"]) for r in runs)
    for j, run in enumerate(runs):
        o = run.outcomes
        agreed = o["agreed"]
        if not agreed.any():
            ax.plot([], [], color=colour(j), label=f"{run_label(run)} (no agreement)")
            continue
        km = kaplan_meier(
            o["days_survived"][agreed], o["collapsed"][agreed], int(run.meta["duration_days"])
        )
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
            label=f"{run_label(run)} ({int(agreed.sum()):,} agreed)",
        )
    ax.set_xlim(0, horizon)
    ax.set_ylim(0, 102)
    ax.set_xlabel("days since the ceasefire began")
    ax.set_ylabel("ceasefires still holding (%)")
    legend_below(fig, ax, ncol=min(len(runs), 3))
    title(
        fig,
        "How long agreed ceasefires hold, by run (Kaplan–Meier, 95% Greenwood bands)",
        _subtitle(runs),
    )
    return fig


def compare_agreement_dates_chart(runs: list[RunResult]) -> Figure:
    """Share agreed by each date (with 95% band) and share agreeing each day, per run."""
    fig, (top, bottom) = figure(2, 1, figsize=(8.4, 6.4), sharex=True, height_ratios=[1.4, 1])
    all_days = []
    for j, run in enumerate(runs):
        o = run.outcomes
        n = len(o["agreed"])
        days = run.dates(np.arange(int(run.meta["rounds"]) + 1))
        all_days.append(days)
        counts = np.bincount(o["agreement_round"][o["agreed"]], minlength=len(days))[: len(days)]
        reached = np.cumsum(counts)
        bounds = np.array([wilson_interval(int(k), n) for k in reached])
        top.fill_between(
            days,
            100 * bounds[:, 0],
            100 * bounds[:, 1],
            step="post",
            color=colour(j),
            alpha=0.15,
            lw=0,
        )
        top.step(days, 100 * reached / n, where="post", color=colour(j), lw=2, label=run_label(run))
        bottom.step(days, 100 * counts / n, where="mid", color=colour(j), lw=1.5)
    top.set_ylim(0, 102)
    top.set_ylabel(wrap("agreed by that date (% of replicates)", 24))
    bottom.set_ylabel(wrap("agreed that day (% of replicates)", 24))
    pad_dates(bottom, np.concatenate(all_days), days=1.0)
    date_axis(top, label=False)
    date_axis(bottom)
    legend_below(fig, top, ncol=min(len(runs), 4))
    title(fig, "When agreement was reached, by run (band: 95% Wilson interval)", _subtitle(runs))
    return fig


COMPARE_CHARTS = registry(
    Chart(
        "outcomes",
        compare_outcomes_chart,
        "Share of replicates in each outcome class, one colour per run; whiskers are "
        "95% Wilson intervals.",
    ),
    Chart(
        "survival",
        compare_survival_chart,
        "Share of agreed ceasefires still holding each day (Kaplan–Meier), with 95% "
        "Greenwood bands; only agreed replicates enter.",
    ),
    Chart(
        "agreement_dates",
        compare_agreement_dates_chart,
        "Top: share of replicates agreed by each date, with 95% bands. Bottom: "
        "share agreeing on each day.",
    ),
)

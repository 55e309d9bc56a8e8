"""Chart functions for one run: result tables in, a matplotlib Figure out (here: outcomes).

Every function takes a :class:`~sim.results.run_dir.RunResult` (read from a run directory, or made
in memory by ``sim.run.simulate``) and never runs the model. ``CHARTS`` lists them, each with
its caption, in the order a reader meets them in the report; the CLI, the report and the
dashboard all draw from this one registry, so a chart is defined in exactly one place.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from sim.charts.primitives import (
    OUTCOME_NAMES,
    _agreement_line,
    _parties,
    label_share,
    share_bar,
    subtitle,
)
from sim.charts.registry import Chart, registry
from sim.charts.style import (
    MUTED,
    OUTCOME_COLOURS,
    actor_colours,
    as_date,
    date_axis,
    figure,
    legend_below,
    no_data,
    pad_dates,
    title,
    wrap,
)
from sim.charts.talks import acceptance_chart, conditions_chart, positions_chart, utility_chart
from sim.engine.codes import Outcome, Violator
from sim.results.run_dir import RunResult
from sim.results.stats import kaplan_meier, wilson_interval
from sim.results.sweep_dir import threat_label


def outcome_chart(run: RunResult) -> Figure:
    """Share of replicates in each outcome class, with Wilson 95% intervals."""
    codes = run.outcomes["outcome"]
    n = len(codes)
    fig, ax = figure(figsize=(7.2, 4.6))
    for outcome in Outcome:
        k = int((codes == outcome).sum())
        share, lo, hi = share_bar(ax, outcome, k, n, OUTCOME_COLOURS[outcome.label])
        label_share(ax, outcome, share, lo, hi)
    ax.set_xticks(range(len(Outcome)), [wrap(OUTCOME_NAMES[o.label], 14) for o in Outcome])
    ax.set_xlabel("outcome class (partial or comprehensive by the agreed scope)")
    ax.set_ylabel("share of replicates (%)")
    ax.set_ylim(0, 118)
    ax.set_yticks(range(0, 101, 20))
    ax.set_xlim(-0.6, 2.6)
    title(fig, "Outcome of the talks (bars: share; whiskers: 95% Wilson interval)", subtitle(run))
    return fig


def agreement_dates_chart(run: RunResult) -> Figure:
    """When agreements were reached: share agreeing each day, and agreed by each date."""
    o, meta = run.outcomes, run.meta
    n = len(o["agreed"])
    rounds = o["agreement_round"][o["agreed"]]
    fig, ax = figure(figsize=(8.0, 4.4))
    days = run.dates(np.arange(int(meta["rounds"]) + 1))
    if len(rounds):
        counts = np.bincount(rounds, minlength=len(days))
        ax.bar(days, 100 * counts / n, width=0.9, color="#56B4E9", label="agreed that day (left)")
        ax.set_ylim(0, 100 * counts.max() / n * 1.15)
        cum = ax.twinx()
        cum.spines["right"].set_visible(True)
        cum.grid(False)
        reached = np.cumsum(counts)
        bounds = np.array([wilson_interval(int(k), n) for k in reached])
        cum.fill_between(
            days, 100 * bounds[:, 0], 100 * bounds[:, 1], step="post", color="#0072B2", alpha=0.2
        )
        cum.step(
            days,
            100 * reached / n,
            where="post",
            color="#0072B2",
            lw=2,
            label="agreed by that date, with 95% interval (right)",
        )
        cum.set_ylim(0, 102)
        cum.set_ylabel("agreed by that date (% of replicates)")
        _agreement_line(ax, run)
        for tid, t in meta.get("threats", {}).items():
            ax.axvline(
                as_date(t["deadline"]),
                color="#CC79A7",
                lw=1.2,
                ls="--",
                label=f"deadline of the {threat_label(tid, run.meta)}",
            )
        legend_below(fig, [ax, cum], ncol=2)
    else:
        no_data(ax, f"no agreement in any of {n:,} replicates")
    ax.set_ylabel("agreed that day (% of replicates)")
    pad_dates(ax, days, days=1.0)
    date_axis(ax)
    title(fig, "When agreement was reached", subtitle(run))
    return fig


def agreed_terms_chart(run: RunResult) -> Figure:
    """Distribution of the agreed package, issue by issue, over agreed replicates."""
    o, meta = run.outcomes, run.meta
    agreed = o["agreed"]
    K = len(meta["issue_ids"])
    fig, axes = figure(K, 1, figsize=(8.0, 1.2 + 1.25 * K), sharex=True, squeeze=False)
    bins = np.linspace(0, 1, 21)
    for k, issue in enumerate(meta["issue_ids"]):
        ax = axes[k, 0]
        terms = o[f"terms_{issue}"][agreed]
        ax.set_title(meta["issue_labels"][k], fontsize=9.5, loc="left", pad=2)
        ax.text(
            1.0,
            1.02,
            wrap(f"0 = {meta['issue_zero'][k]};  1 = {meta['issue_one'][k]}", 70),
            transform=ax.transAxes,
            fontsize=7,
            color=MUTED,
            ha="right",
            va="bottom",
        )
        if len(terms):
            ax.hist(
                terms, bins=bins, weights=np.full(len(terms), 100 / len(terms)), color="#0072B2"
            )
            med = float(np.median(terms))
            ax.axvline(med, color="black", lw=1.5, label="median of agreed terms")
        ax.set_xlim(-0.02, 1.02)
        ax.set_ylim(0, 105)
        ax.set_yticks([0, 50, 100])
    if not agreed.any():
        no_data(axes[0, 0], f"no agreement in any of {len(agreed):,} replicates")
    axes[-1, 0].set_xlabel("agreed value on the issue (0–1)")
    fig.supylabel("share of agreed replicates (%)", fontsize=10)
    legend_below(fig, axes[:, 0])
    n_agreed = int(agreed.sum())
    title(fig, f"What was agreed: terms per issue ({n_agreed:,} agreed replicates)", subtitle(run))
    return fig


def survival_chart(run: RunResult) -> Figure:
    """Kaplan-Meier survival of agreed ceasefires over their duration, with a 95% band."""
    o = run.outcomes
    agreed = o["agreed"]
    horizon = int(run.meta["duration_days"])
    fig, ax = figure(figsize=(7.2, 4.6))
    if agreed.any():
        km = kaplan_meier(o["days_survived"][agreed], o["collapsed"][agreed], horizon)
        ax.fill_between(
            km["day"],
            100 * km["lower"],
            100 * km["upper"],
            step="post",
            color="#0072B2",
            alpha=0.2,
            lw=0,
            label="95% interval (Greenwood, log-log)",
        )
        ax.step(
            km["day"],
            100 * km["survival"],
            where="post",
            color="#0072B2",
            lw=2,
            label=f"still holding (Kaplan–Meier, {int(agreed.sum()):,} agreed ceasefires)",
        )
        ax.axhline(50, color="#999999", lw=0.8, ls=":")
        legend_below(fig, ax, ncol=1)
    else:
        no_data(ax, f"no ceasefire was agreed in any of {len(agreed):,} replicates")
    ax.set_xlim(0, horizon)
    ax.set_ylim(0, 102)
    ax.set_xlabel("days since the ceasefire began")
    ax.set_ylabel("ceasefires still holding (%)")
    title(fig, "How long agreed ceasefires hold", subtitle(run))
    return fig


def violations_chart(run: RunResult) -> Figure:
    """Violations by side in agreed ceasefires, and which side violated first."""
    o, meta = run.outcomes, run.meta
    agreed = o["agreed"]
    n_agreed = int(agreed.sum())
    parties = _parties(run)
    colours = actor_colours(meta["actor_ids"])
    fig, (left, right) = figure(1, 2, figsize=(10.0, 4.4), width_ratios=[1.3, 1])
    if n_agreed == 0:
        for ax in (left, right):
            no_data(ax, f"no ceasefire was agreed in any of {len(agreed):,} replicates")
    cap = 5  # counts at or above this share one bar
    width = 0.8 / max(len(parties), 1)
    for j, i in enumerate(parties):
        if n_agreed == 0:
            break
        v = np.minimum(o[f"violations_{meta['actor_ids'][i]}"][agreed], cap)
        share = 100 * np.bincount(v, minlength=cap + 1) / n_agreed
        left.bar(
            np.arange(cap + 1) + (j - (len(parties) - 1) / 2) * width,
            share,
            width=width,
            color=colours[meta["actor_ids"][i]],
            label=meta["names"][i],
        )
    left.set_xticks(range(cap + 1), [*map(str, range(cap)), f"{cap}+"])
    left.set_xlabel("violations committed during the ceasefire")
    left.set_ylabel("share of agreed ceasefires (%)")
    left.set_title("Violations per side", loc="left")
    legend_below(fig, left, ncol=len(parties))

    first = o["first_violator"][agreed]
    groups = [(meta["names"][i], first == i, colours[meta["actor_ids"][i]]) for i in parties]
    groups += [
        ("both, same day", first == Violator.SEVERAL, MUTED),
        ("no violation", first == Violator.NONE, "#BBBBBB"),
    ]
    if n_agreed:
        for x, (_, mask, colour) in enumerate(groups):
            share_bar(right, x, int(mask.sum()), n_agreed, colour)
    right.set_xticks(range(len(groups)), [wrap(g[0], 10) for g in groups])
    right.set_ylim(0, 105)
    right.set_ylabel("share of agreed ceasefires (%)")
    right.set_title("Who violated first (95% Wilson interval)", loc="left")
    title(fig, f"Violations in agreed ceasefires ({n_agreed:,} agreed)", subtitle(run))
    return fig


CHARTS = registry(
    Chart(
        "positions",
        positions_chart,
        "Each panel is one issue on its 0–1 scale (poles written under the title). "
        "Lines are the median position of the mediator and each party; shading holds the "
        "middle 50% and 90% of replicates. The black dashed line is the mediator's proposal; "
        "the dotted line the median agreement date. Replicates that agreed keep their final "
        "positions, so the bands widen after agreements start.",
    ),
    Chart(
        "utility",
        utility_chart,
        "A party accepts when the proposal's utility to it (coloured) reaches its "
        "reservation value (grey, net of pending threats). Where the coloured line crosses the "
        "grey one, agreement becomes likely; shading shows the spread across replicates.",
    ),
    Chart(
        "acceptance",
        acceptance_chart,
        "For each veto player, how it answered the proposal each day among the "
        "replicates still negotiating: reject (grey), conditional yes (light blue) or accept "
        "(green), stacked to 100%; the dashed line is the share of all replicates still "
        "negotiating, so the stack describes fewer replicates as agreements are reached.",
    ),
    Chart(
        "conditions",
        conditions_chart,
        "When a party rejects, it names the issues that keep the proposal below "
        "its reservation value. Colour: share of the replicates still negotiating that day "
        "naming the issue (top panel: how many are still negotiating).",
    ),
    Chart(
        "outcomes",
        outcome_chart,
        "Share of replicates ending in no agreement, a partial ceasefire or a "
        "comprehensive one; whiskers and numbers in brackets are 95% Wilson intervals.",
    ),
    Chart(
        "agreement_dates",
        agreement_dates_chart,
        "Bars: share of all replicates agreeing on each day. Line: share "
        "agreed by each date, with its 95% interval (right axis).",
    ),
    Chart(
        "agreed_terms",
        agreed_terms_chart,
        "Among replicates that agreed, the distribution of the agreed value on "
        "each issue; the black line is the median.",
    ),
    Chart(
        "survival",
        survival_chart,
        "Kaplan–Meier estimate of the share of agreed ceasefires still holding each "
        "day, with its 95% Greenwood (log-log) interval. Ceasefires that last the full duration "
        "are censored there.",
    ),
    Chart(
        "violations",
        violations_chart,
        "Left: how many violations each side commits in an agreed ceasefire. "
        "Right: which side violated first (whiskers: 95% Wilson intervals).",
    ),
)

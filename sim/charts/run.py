"""Chart functions for one run: result tables in, a matplotlib Figure out (here: the deals).

Every function takes a :class:`~sim.results.run_dir.RunResult` (read from a run directory, or made
in memory by ``sim.run.simulate``) and never runs the model. ``CHARTS`` lists them, each with
its caption, in the order a reader meets them in the report; the CLI, the report and the
dashboard all draw from this one registry, so a chart is defined in exactly one place.
The deal charts read the agreements table (one row per deal), so they count exactly what
agreements.csv lists; the talks and battlefield charts (:mod:`sim.charts.talks`) read the
per-day series.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from sim.charts.primitives import (
    calendar_window,
    first_deal_line,
    label_share,
    share_bar,
    subtitle,
    track_colours,
    track_names,
)
from sim.charts.registry import Chart, registry
from sim.charts.style import (
    MUTED,
    SERIES_COLOURS,
    date_axis,
    figure,
    legend_below,
    no_data,
    title,
    wrap,
)
from sim.charts.survival import survival_vs_data_chart
from sim.charts.talks import (
    beliefs_chart,
    conditions_chart,
    fronts_chart,
    outside_options_chart,
    responses_chart,
)
from sim.engine.codes import DealClass, EndReason
from sim.results.deals import any_in_force_share, durations, in_force_shares
from sim.results.measures import MEASURES, agreed_terms
from sim.results.run_dir import RunResult
from sim.results.stats import cumulative_incidence, survival_curve

CLASS_COLOURS = {"bare": "#C78500", "compliance": "#0072B2", "definitive": "#009E73"}
END_COLOURS = {
    "breakdown": "#D55E00",
    "expired": "#C78500",
    "replaced": "#3A9AD9",
    "lapsed": "#CC79A7",
    "in_force_at_horizon": "#009E73",
    "pending_at_horizon": "#BBBBBB",
}


def _spell(label: str) -> str:
    return label.replace("_", " ")


def outcome_chart(run: RunResult) -> Figure:
    """The headline measures as bars with their Wilson 95% intervals."""
    fig, ax = figure(figsize=(8.4, 4.8))
    for x, m in enumerate(MEASURES):
        entry = run.summary[m.key]
        colour = SERIES_COLOURS[x % len(SERIES_COLOURS)]
        if entry["n"]:
            share, lo, hi = share_bar(ax, x, entry["count"], entry["n"], colour)
            label_share(ax, x, share, lo, hi, fontsize=8)
        else:
            ax.annotate("no deals", (x, 2), ha="center", color=MUTED, fontsize=8)
    names = [wrap(f"{m.label} (of {run.summary[m.key]['n']:,} {m.of})", 16) for m in MEASURES]
    ax.set_xticks(range(len(MEASURES)), names, fontsize=8)
    ax.set_xlabel("measure (base in brackets: replicates, or deals excluding unilateral truces)")
    ax.set_ylabel("share (%)")
    ax.set_ylim(0, 118)
    ax.set_yticks(range(0, 101, 20))
    title(fig, "Headline measures (bars: share; whiskers: 95% Wilson interval)", subtitle(run))
    return fig


def timeline_chart(run: RunResult) -> Figure:
    """Share of replicates with each track's deal in force, by date (solid), and agreed but
    not ended (dashed, where it differs: deals waiting for an implementer's consent)."""
    a, meta = run.agreements, run.meta
    reps, D, T = run.outcomes["replicate"], run.horizon, len(meta["track_ids"])
    dates = run.dates(np.arange(D))
    fig, ax = figure(figsize=(9.0, 4.8))
    if len(a.get("replicate", ())):
        on = in_force_shares(a, reps, D, T)
        agreed = in_force_shares(a, reps, D, T, agreed=True)
        colours, names = track_colours(run), track_names(run)
        for j in range(T + 1):
            if not agreed[:, j].any():
                continue
            ax.step(dates, 100 * on[:, j], where="post", color=colours[j], lw=2, label=names[j])
            if not np.allclose(agreed[:, j], on[:, j]):
                ax.step(
                    dates,
                    100 * agreed[:, j],
                    where="post",
                    color=colours[j],
                    lw=1,
                    ls="--",
                    label=f"{names[j]}: agreed, in force or awaiting consent",
                )
        ax.step(
            dates,
            100 * any_in_force_share(a, reps, D),
            where="post",
            color="black",
            lw=1,
            ls=":",
            label="any deal or truce in force",
        )
        first_deal_line(ax, run)
        legend_below(fig, ax, ncol=2)
    else:
        no_data(ax, f"no deal or truce in any of {len(reps):,} replicates")
    ax.set_ylim(0, 102)
    ax.set_ylabel("replicates with the deal in force (%)")
    date_axis(ax, window=calendar_window(run))
    title(fig, "Deals in force over the calendar, by track", subtitle(run))
    return fig


def first_deal_chart(run: RunResult) -> Figure:
    """Cumulative incidence of the first deal (any, partial, comprehensive), censored at
    the horizon, with Greenwood 95% bands."""
    o = run.outcomes
    D = run.horizon
    dates = run.dates(np.arange(D))
    fig, ax = figure(figsize=(8.4, 4.6))
    curves = (
        ("first_deal_day", "any deal (not unilateral)", "black"),
        ("first_partial_day", "partial deal", "#C78500"),
        ("first_comprehensive_day", "comprehensive deal", "#0072B2"),
    )
    for column, label, colour in curves:
        ci = cumulative_incidence(o[column], D - 1)
        ax.fill_between(
            dates, 100 * ci["lower"], 100 * ci["upper"], step="post", color=colour, alpha=0.15, lw=0
        )
        share = 100 * ci["incidence"][-1]
        ax.step(
            dates,
            100 * ci["incidence"],
            where="post",
            color=colour,
            lw=2,
            label=f"{label} ({share:.1f}% by the horizon)",
        )
    ax.axvline(dates[-1], color=MUTED, lw=1, ls="--", label="horizon: later deals are censored")
    ax.set_ylim(0, 102)
    ax.set_ylabel("replicates with a first deal by the date (%)")
    date_axis(ax, window=calendar_window(run))
    legend_below(fig, ax, ncol=2)
    title(
        fig,
        "When the first deal comes, by coverage (cumulative incidence, 95% band)",
        subtitle(run),
    )
    return fig


def durations_chart(run: RunResult) -> Figure:
    """Kaplan–Meier survival of deals in force until breakdown, by class (bare, compliance,
    definitive), unilateral truces apart; expiry, replacement and the horizon censor."""
    a = run.agreements
    fig, ax = figure(figsize=(8.4, 4.6))
    drawn = False
    if len(a.get("replicate", ())):
        held, broke, rows = durations(a, run.horizon)
        groups = [
            (c.label, (a["deal_class"][rows] == c) & (a["track"][rows] >= 0)) for c in DealClass
        ]
        groups.append(("unilateral truce", a["track"][rows] < 0))
        for label, pick in groups:
            if not pick.any():
                continue
            km = survival_curve(held[pick], broke[pick], int(held[pick].max()))
            colour = CLASS_COLOURS.get(label, MUTED)
            ax.fill_between(
                km["day"],
                100 * km["lower"],
                100 * km["upper"],
                step="post",
                color=colour,
                alpha=0.15,
                lw=0,
            )
            ax.step(
                km["day"],
                100 * km["survival"],
                where="post",
                color=colour,
                lw=2,
                label=f"{label} ({int(pick.sum()):,} in force, "
                f"{int(broke[pick].sum()):,} broke down)",
            )
            drawn = True
    if drawn:
        ax.axhline(50, color="#999999", lw=0.8, ls=":")
        legend_below(fig, ax, ncol=2)
    else:
        no_data(ax, "no deal entered into force")
    ax.set_xlim(left=0)
    ax.set_ylim(0, 102)
    ax.set_xlabel("days in force")
    ax.set_ylabel("deals not broken down (%)")
    title(fig, "How long deals hold, by class (Kaplan–Meier, 95% band)", subtitle(run))
    return fig


def endings_chart(run: RunResult) -> Figure:
    """How the deals of each track ended: shares of its rows by end reason."""
    a, meta = run.agreements, run.meta
    T = len(meta["track_ids"])
    fig, ax = figure(figsize=(8.4, 1.6 + 0.55 * (T + 1)))
    names = track_names(run)
    track = a.get("track", np.zeros(0, dtype=np.int64))
    rows = [(names[j], track == (j if j < T else -1)) for j in range(T + 1)]
    rows = [(n, pick) for n, pick in rows if pick.any()]
    for y, (_, pick) in enumerate(rows):
        left = 0.0
        for reason in EndReason:
            share = 100 * float((a["end_reason"][pick] == reason).mean())
            ax.barh(
                y, share, left=left, color=END_COLOURS[reason.label], label=_spell(reason.label)
            )
            left += share
    if rows:
        ax.set_yticks(range(len(rows)), [wrap(f"{n} ({int(p.sum()):,})", 24) for n, p in rows])
        ax.invert_yaxis()
        legend_below(fig, ax, ncol=3)
    else:
        no_data(ax, "no deal or truce in any replicate")
    ax.set_xlim(0, 100)
    ax.set_xlabel("share of the track's deals (%)")
    ax.set_ylabel("track (deals agreed)")
    title(fig, "How deals ended, by track", subtitle(run))
    return fig


def terms_chart(run: RunResult) -> Figure:
    """Distribution of the agreed terms on each issue, over the deals that decided it."""
    a, meta = run.agreements, run.meta
    K = len(meta["issue_ids"])
    fig, axes = figure(K, 1, figsize=(8.0, 1.2 + 1.5 * K), sharex=True, squeeze=False)
    bins = np.linspace(0, 1, 21)
    for k, issue in enumerate(meta["issue_ids"]):
        ax = axes[k, 0]
        terms = agreed_terms(a, issue)
        poles = wrap(f"0 = {meta['issue_zero'][k]};  1 = {meta['issue_one'][k]}", 110)
        ax.set_title(  # the title above the poles, never over them
            f"{meta['issue_labels'][k]} ({len(terms):,} deals decide it)",
            fontsize=9.5,
            loc="left",
            pad=4 + 8.5 * (poles.count("\n") + 1),
        )
        ax.annotate(
            poles,
            xy=(0, 1),
            xycoords="axes fraction",
            xytext=(0, 3),
            textcoords="offset points",
            fontsize=7,
            color=MUTED,
            ha="left",
            va="bottom",
        )
        if len(terms):
            ax.hist(
                terms, bins=bins, weights=np.full(len(terms), 100 / len(terms)), color="#0072B2"
            )
            ax.axvline(float(np.median(terms)), color="black", lw=1.5, label="median agreed term")
        ax.set_xlim(-0.02, 1.02)
        ax.set_ylim(0, 105)
        ax.set_yticks([0, 50, 100])
    axes[-1, 0].set_xlabel("agreed value on the issue (0–1)")
    fig.supylabel("share of the deals deciding it (%)", fontsize=10)
    legend_below(fig, axes[:, 0])
    title(fig, "What was agreed: terms per issue", subtitle(run))
    return fig


CHARTS = registry(
    Chart(
        "outcomes",
        outcome_chart,
        "The headline measures: first deal within 30 and 90 days and by the horizon, a "
        "comprehensive ceasefire (all among replicates), and among deals (unilateral truces "
        "apart) the share partial and the share that broke down; whiskers are 95% Wilson "
        "intervals.",
    ),
    Chart(
        "timeline",
        timeline_chart,
        "Solid lines: share of replicates with a deal of each track in force on each date "
        "(unilateral truces grey). Dashed: agreed and not ended, in force or still awaiting "
        "an implementer's consent. Dotted black: any deal or truce in force.",
    ),
    Chart(
        "first_deal",
        first_deal_chart,
        "Share of replicates whose first deal of each coverage has come by each date, with a "
        "95% band; replicates without one are censored at the horizon, so a curve's end is "
        "P(deal by the horizon), not P(deal ever).",
    ),
    Chart(
        "durations",
        durations_chart,
        "Of the deals that entered into force, the share not yet broken down after each "
        "number of days in force (Kaplan–Meier, 95% Greenwood band), by class; expiry at the "
        "term, replacement by a broader deal and the horizon end a deal's record without a "
        "breakdown (censored).",
    ),
    Chart(
        "survival_vs_data",
        survival_vs_data_chart,
        "Lines: the model's deals by class and by coverage, survival to any end (expiry and "
        "replacement end a deal too) and the cumulative incidence of breakdown; circles: the "
        "ETH/PRIO civil-war ceasefires at 1-365 days (documented ends only; an order of "
        "magnitude for an interstate war).",
    ),
    Chart(
        "endings",
        endings_chart,
        "For each track, how its deals ended: broke down, expired at the term, replaced by "
        "a broader deal, lapsed for want of consent, or still in force (or pending) at the "
        "horizon; the count of deals is in brackets.",
    ),
    Chart(
        "fronts",
        fronts_chart,
        "Top row: control of each front (share held by its second side) over the calendar, "
        "median with 50% and 90% bands across replicates. Bottom row: share of replicates in "
        "which the front has been decided by each side, by date.",
    ),
    Chart(
        "outside_options",
        outside_options_chart,
        "For each party: the value a deal must beat (its outside option, the war and pending "
        "threats, dashed grey) against the value to it of the package on the table on each "
        "track (coloured), median with 50% band; a party accepts when the package's value "
        "clears the outside option. The value axis spans the central 96% of the 50% bands: "
        "a package far past a red line can fall below it.",
    ),
    Chart(
        "beliefs",
        beliefs_chart,
        "Each party's belief about the daily drift of control on each front (median and 50% "
        "band across replicates) against the drift stated in the scenario (black): beliefs "
        "learn from the fighting they observe and converge while the front is active.",
    ),
    Chart(
        "responses",
        responses_chart,
        "Week by week, the share of the replicates in session in which each party accepts "
        "the package tabled on each track (each day weighted by the replicates in session); "
        "grey shading marks the share of all replicates in session each day.",
    ),
    Chart(
        "conditions",
        conditions_chart,
        "When a party rejects, it names the issues that keep the package below what it "
        "needs. Colour: share of replicates naming the issue that day (session days only).",
    ),
    Chart(
        "terms",
        terms_chart,
        "Among the deals that decided an issue, the distribution of the agreed value on it; "
        "the black line is the median.",
    ),
)

"""Chart functions for one run: result tables in, a matplotlib Figure out.

Every function takes a :class:`~sim.store.RunResult` (read from a run directory, or made
in memory by ``sim.runner.simulate``) and never runs the model. ``CHARTS`` lists them in
the order a reader meets them in the report; the CLI, the report and the dashboard all draw
from this one registry, so a chart is defined in exactly one place.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from sim.charts.style import (
    ANSWER_COLOURS,
    MUTED,
    OUTCOME_COLOURS,
    PROPOSAL,
    SEQUENTIAL,
    actor_colours,
    as_date,
    band_handles,
    date_axis,
    figure,
    legend_below,
    no_data,
    pad_dates,
    title,
    wrap,
)
from sim.results import OUTCOME_LABELS, kaplan_meier, wilson_interval
from sim.store import RunResult
from sim.sweep_results import threat_label

Q05, Q25, MEDIAN, Q75, Q95 = 0, 1, 2, 3, 4  # indices into recorder.QUANTILES
OUTCOME_NAMES = {
    "none": "no agreement",
    "partial": "partial ceasefire",
    "comprehensive": "comprehensive ceasefire",
}


def subtitle(run: RunResult) -> str:
    """What a chart is drawn from: scenario, ensemble size and seed."""
    n, seed = run.meta["replicates"], run.meta["seed"]
    plural = "s" if n != 1 else ""
    return f"{run.meta['scenario_name']} — {n:,} replicate{plural}, seed {seed}"


def talks_window(run: RunResult) -> tuple:
    """First and last possible day of the talks: the time axis of every dated chart."""
    return tuple(run.dates(np.array([0, int(run.meta["rounds"])])))


def _parties(run: RunResult) -> list[int]:
    return [i for i, role in enumerate(run.meta["roles"]) if role == "party"]


def _bands(ax, dates, q: np.ndarray, colour: str, label: str, **line) -> None:
    """Median line with its 50% (25-75) and 90% (5-95) bands across replicates."""
    ax.fill_between(dates, q[:, Q05], q[:, Q95], color=colour, alpha=0.10, lw=0)
    ax.fill_between(dates, q[:, Q25], q[:, Q75], color=colour, alpha=0.25, lw=0)
    marker = "o" if len(dates) == 1 else None  # a single round is a point, not a line
    ax.plot(dates, q[:, MEDIAN], color=colour, label=label, marker=marker, **line)


def _agreement_line(ax, run: RunResult) -> None:
    """The (median) agreement date as a vertical line; nothing when no replicate agreed."""
    date = run.summary.get("median_agreement_date")
    if date:
        share = run.summary["agreement"]["share"]
        what = "agreement" if run.meta["replicates"] == 1 else "median agreement date"
        label = f"{what} ({100 * share:.0f}% agree)" if run.meta["replicates"] > 1 else what
        ax.axvline(as_date(date), color=MUTED, lw=1.2, ls=":", label=label)


def _band_note(run: RunResult) -> str:
    if run.meta["replicates"] == 1:
        return "one replicate"
    return "median, 50% and 90% bands across replicates"


def _band_legend(run: RunResult) -> list[tuple]:
    return band_handles() if run.meta["replicates"] > 1 else []


def positions_chart(run: RunResult) -> Figure:
    """Positions by issue over dates for the mediator and the parties, with the proposal.

    Bands are across all replicates; a replicate that has agreed keeps its final values,
    so the bands after the agreement date mix settled and still-negotiating replicates.
    """
    s, meta = run.series, run.meta
    issues, actors = meta["issue_ids"], meta["actor_ids"]
    colours = actor_colours(actors)
    dates = run.dates(s["round"])
    ncols = 3 if len(issues) > 4 else min(2, len(issues))
    nrows = int(np.ceil(len(issues) / ncols))
    fig, axes = figure(
        nrows, ncols, figsize=(4.6 * ncols, 3.3 * nrows + 1.2), sharex=True, squeeze=False
    )
    for k in range(len(issues)):
        ax = axes.flat[k]
        for i, actor in enumerate(actors):
            if meta["roles"][i] == "supporter":
                continue
            _bands(ax, dates, s["position_q"][:, :, i, k], colours[actor], meta["names"][i], lw=1.6)
        _bands(ax, dates, s["proposal_q"][:, :, k], PROPOSAL, "proposal", lw=2.0, ls="--")
        _agreement_line(ax, run)
        ax.set_ylim(-0.03, 1.03)
        ax.set_yticks([0, 0.25, 0.5, 0.75, 1.0])
        poles = wrap(f"0 = {meta['issue_zero'][k]}\n1 = {meta['issue_one'][k]}", 66)
        ax.set_title(
            meta["issue_labels"][k], fontsize=10, loc="left", pad=8 + 9.5 * (poles.count("\n") + 1)
        )
        ax.annotate(
            poles,
            xy=(0, 1),
            xycoords="axes fraction",
            xytext=(0, 4),
            textcoords="offset points",
            fontsize=7.5,
            color=MUTED,
            va="bottom",
            ha="left",
        )
        if k % ncols == 0:
            ax.set_ylabel("position (0–1)")
        pad_dates(ax, dates)
        date_axis(ax, label=k >= len(issues) - ncols, window=talks_window(run))
    for ax in list(axes.flat)[len(issues) :]:
        ax.set_visible(False)
    legend_below(fig, axes.flat[0], ncol=4, extra=_band_legend(run))
    title(fig, f"Positions by issue ({_band_note(run)})", subtitle(run))
    return fig


def _threat_spans(ax, run: RunResult, target: str, dates: np.ndarray) -> None:
    """Shade the days a threat against ``target`` is pending (issued to deadline)."""
    for tid, t in run.meta.get("threats", {}).items():
        if t["target"] == target and as_date(t["issued"]) <= dates.max():
            ax.axvspan(
                as_date(t["issued"]),
                as_date(t["deadline"]),
                color="#CC79A7",
                alpha=0.10,
                lw=0,
                label=f"{threat_label(tid, run.meta)} pending",
            )


def utility_chart(run: RunResult) -> Figure:
    """Each party's utility of the proposal against its reservation value, over dates.

    A party accepts when the utility (plus perception noise) reaches the reservation value
    (MODEL.md section 2); the reservation shown is net of pending threats, which is why it
    dips while a threat is pending.
    """
    s, meta = run.series, run.meta
    actors = meta["actor_ids"]
    parties = _parties(run)
    colours = actor_colours(actors)
    dates = run.dates(s["round"])
    fig, axes = figure(
        1, len(parties), figsize=(5.2 * len(parties), 4.4), sharey=True, squeeze=False
    )
    for ax, i in zip(axes.flat, parties, strict=True):
        _threat_spans(ax, run, actors[i], dates)
        _bands(
            ax,
            dates,
            s["reservation_q"][:, :, i],
            MUTED,
            "reservation value (net of pending threats)",
            lw=1.6,
            ls="--",
        )
        _bands(ax, dates, s["utility_q"][:, :, i], colours[actors[i]], "utility of the proposal")
        _agreement_line(ax, run)
        ax.set_title(meta["names"][i])
        ax.set_ylim(0, 1.02)
        pad_dates(ax, dates)
        date_axis(ax, window=talks_window(run))
    axes.flat[0].set_ylabel("utility (0 = worst, 1 = ideal package)")
    legend_below(fig, axes, ncol=3, extra=_band_legend(run))
    title(
        fig,
        "Would they accept? Utility of the proposal against the reservation value",
        f"{_band_note(run)}; a party accepts once its utility reaches the reservation value\n"
        + subtitle(run),
    )
    return fig


def conditions_chart(run: RunResult) -> Figure:
    """Heatmap per party: share of still-negotiating replicates naming each condition.

    The top panel shows how many replicates are still negotiating, because the shares
    below are of those replicates only and grow noisy as they dwindle.
    """
    s, meta = run.series, run.meta
    parties = _parties(run)
    dates = run.dates(s["round"])
    edges = np.append(dates, dates[-1] + np.timedelta64(1, "D")) - np.timedelta64(12, "h")
    K = len(meta["issue_ids"])
    fig, axes = figure(
        len(parties) + 1,
        1,
        figsize=(9.0, 2.4 + (0.32 * K + 0.7) * len(parties)),
        sharex=True,
        squeeze=False,
        height_ratios=[0.8] + [K / 3 + 0.3] * len(parties),
    )
    top = axes[0, 0]
    negotiating = 100 * s["negotiating"] / run.meta["replicates"]
    top.step(
        dates,
        negotiating,
        where="mid",
        color=MUTED,
        lw=1.5,
        marker="o" if len(dates) == 1 else None,
    )
    top.set_ylim(0, 105)
    top.set_ylabel("still\nnegotiating (%)", fontsize=8)
    top.set_title("Replicates still negotiating at the start of each day", fontsize=9, loc="left")
    mesh = None
    labels = [wrap(lab, 24) for lab in meta["issue_labels"]]
    for ax, i in zip(axes[1:, 0], parties, strict=True):
        share = 100 * s["condition_share"][:, i, :].T  # (issue, round)
        mesh = ax.pcolormesh(
            edges, np.arange(K + 1), share, cmap=SEQUENTIAL, vmin=0, vmax=100, shading="flat"
        )
        ax.set_yticks(np.arange(K) + 0.5, labels, fontsize=7.5)
        ax.invert_yaxis()
        ax.set_title(f"{meta['names'][i]}: conditions named when rejecting", fontsize=9, loc="left")
        ax.grid(False)
    for ax in axes[:, 0]:
        date_axis(ax, label=ax is axes[-1, 0], window=talks_window(run))
    if mesh is not None:
        fig.colorbar(mesh, ax=list(axes[1:, 0]), label="of replicates still negotiating (%)")
    title(fig, "Which conditions each party names, by date", subtitle(run))
    return fig


def acceptance_chart(run: RunResult) -> Figure:
    """Per veto player (the parties and the mediator), how it answered the proposal each
    day: shares of reject, accept and conditional yes among the replicates still
    negotiating, with the share still negotiating as a dashed line."""
    s, meta = run.series, run.meta
    vetoes = [i for i, r in enumerate(meta["roles"]) if r != "supporter"]
    dates = run.dates(s["round"])
    still = 100 * s["negotiating"] / max(int(meta["replicates"]), 1)
    fig, axes = figure(1, len(vetoes), figsize=(3.6 * len(vetoes), 3.8), sharey=True, squeeze=False)
    order = ("accept", "conditional", "reject")
    labels = {"reject": "reject", "accept": "accept", "conditional": "conditional yes"}
    # each round fills its whole day, so that the first round shows as a band too
    days = np.append(dates, dates[-1] + np.timedelta64(1, "D"))
    for ax, i in zip(axes.flat, vetoes, strict=True):
        shares = 100 * s["answer_share"][:, i, :].T  # (answer: reject, accept, conditional)
        shares = np.concatenate([shares, shares[:, -1:]], axis=1)
        code = {"reject": 0, "accept": 1, "conditional": 2}
        ax.stackplot(
            days,
            *[shares[code[a]] for a in order],
            colors=[ANSWER_COLOURS[a] for a in order],
            labels=[labels[a] for a in order],
            step="post",
        )
        ax.step(
            days,
            np.append(still, still[-1:]),
            where="post",
            color="black",
            lw=1.2,
            ls="--",
            label="still negotiating",
        )
        ax.set_ylim(0, 100)
        ax.set_title(f"{meta['names'][i]} ({meta['roles'][i]})", fontsize=10)
        date_axis(ax, window=talks_window(run))
    axes.flat[0].set_ylabel("share of replicates (%)")
    legend_below(fig, axes)
    title(fig, "Answers to the proposal, among replicates still negotiating", subtitle(run))
    return fig


def share_bar(ax, x: float, k: int, n: int, colour: str, width: float = 0.7, **bar) -> tuple:
    """A bar at ``k / n`` (in %) with its Wilson 95% interval; returns (share, lo, hi)."""
    lo, hi = wilson_interval(k, n)
    share = k / n
    ax.bar(x, 100 * share, color=colour, width=width, **bar)
    below, above = max(share - lo, 0.0), max(hi - share, 0.0)  # rounding can cross the bar
    ax.errorbar(x, 100 * share, yerr=[[100 * below], [100 * above]], color="black", capsize=4, lw=1)
    return share, lo, hi


def label_share(ax, x: float, share: float, lo: float, hi: float, fontsize: float = 9) -> None:
    """Write 'share% (lo–hi)' above a share bar's whisker."""
    ax.annotate(
        f"{100 * share:.1f}%\n({100 * lo:.1f}–{100 * hi:.1f})",
        (x, 100 * hi),
        xytext=(0, 4),
        textcoords="offset points",
        ha="center",
        va="bottom",
        fontsize=fontsize,
    )


def outcome_chart(run: RunResult) -> Figure:
    """Share of replicates in each outcome class, with Wilson 95% intervals."""
    codes = run.outcomes["outcome"]
    n = len(codes)
    fig, ax = figure(figsize=(7.2, 4.6))
    for j, label in enumerate(OUTCOME_LABELS):
        share, lo, hi = share_bar(ax, j, int((codes == j).sum()), n, OUTCOME_COLOURS[label])
        label_share(ax, j, share, lo, hi)
    ax.set_xticks(range(3), [wrap(OUTCOME_NAMES[lab], 14) for lab in OUTCOME_LABELS])
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
    groups += [("both, same day", first == -2, MUTED), ("no violation", first == -1, "#BBBBBB")]
    if n_agreed:
        for x, (_, mask, colour) in enumerate(groups):
            share_bar(right, x, int(mask.sum()), n_agreed, colour)
    right.set_xticks(range(len(groups)), [wrap(g[0], 10) for g in groups])
    right.set_ylim(0, 105)
    right.set_ylabel("share of agreed ceasefires (%)")
    right.set_title("Who violated first (95% Wilson interval)", loc="left")
    title(fig, f"Violations in agreed ceasefires ({n_agreed:,} agreed)", subtitle(run))
    return fig


CHARTS = {
    "positions": positions_chart,
    "utility": utility_chart,
    "acceptance": acceptance_chart,
    "conditions": conditions_chart,
    "outcomes": outcome_chart,
    "agreement_dates": agreement_dates_chart,
    "agreed_terms": agreed_terms_chart,
    "survival": survival_chart,
    "violations": violations_chart,
}

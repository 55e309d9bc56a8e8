"""Charts of the talks, round by round: positions, utility, conditions named, answers.

Each takes a :class:`~sim.results.run_dir.RunResult` and returns a Figure; the registry is
:data:`sim.charts.run.CHARTS`.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from sim.charts.primitives import (
    _agreement_line,
    _band_legend,
    _band_note,
    _bands,
    _parties,
    subtitle,
    talks_window,
)
from sim.charts.style import (
    ANSWER_COLOURS,
    MUTED,
    PROPOSAL,
    SEQUENTIAL,
    actor_colours,
    as_date,
    date_axis,
    figure,
    legend_below,
    pad_dates,
    title,
    wrap,
)
from sim.results.run_dir import RunResult
from sim.results.sweep_dir import threat_label


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

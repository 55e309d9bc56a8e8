"""Charts of the war and the talks, day by day: fronts, beliefs, outside options against the
packages on the table, responses and conditions named.

Each takes a :class:`~sim.results.run_dir.RunResult` and returns a Figure; the registry is
:data:`sim.charts.run.CHARTS`. They read the per-day series (quantile bands across
replicates: docs/model.md, 'Outputs').
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from sim.charts.primitives import (
    MEDIAN,
    Q25,
    Q75,
    _band_legend,
    _band_note,
    _bands,
    _parties,
    calendar_window,
    first_deal_line,
    subtitle,
    track_colours,
)
from sim.charts.style import (
    MUTED,
    SEQUENTIAL,
    actor_colours,
    date_axis,
    figure,
    legend_below,
    no_data,
    title,
    wrap,
)
from sim.results.run_dir import RunResult


def _name(run: RunResult, actor_id: str) -> str:
    meta = run.meta
    return (
        meta["names"][meta["actor_ids"].index(actor_id)]
        if actor_id in meta["actor_ids"]
        else actor_id
    )


def _front_sides(run: RunResult, f: int) -> list[str]:
    sides = run.meta.get("front_sides") or []
    return (
        list(sides[f]) if f < len(sides) and len(sides[f]) == 2 else ["first side", "second side"]
    )


MAX_COLUMNS = 3  # panels side by side at most: a figure stays slide-sized


def _grid(n: int, width: float, height: float, rows: int = 1, **kwargs):
    """Axes for ``n`` panels (``rows`` axes each, stacked), at most MAX_COLUMNS a row;
    returns the figure and an array (rows, n) of each panel's axes, unused ones hidden."""
    cols = min(max(n, 1), MAX_COLUMNS)
    bands = -(-max(n, 1) // cols)
    ratios = kwargs.pop("height_ratios", None) or [1] * rows
    fig, grid = figure(
        rows * bands,
        cols,
        figsize=(max(width * cols, 6.0), height * rows * bands + 1.4),
        squeeze=False,
        height_ratios=ratios * bands,
        **kwargs,
    )
    panels = np.empty((rows, max(n, 1)), dtype=object)
    for j in range(cols * bands):
        band, col = divmod(j, cols)
        for r in range(rows):
            ax = grid[band * rows + r, col]
            if j < max(n, 1):
                panels[r, j] = ax
            else:
                ax.set_visible(False)
    return fig, panels


def fronts_chart(run: RunResult) -> Figure:
    """Control of each front over the calendar (bands), and the share of replicates in
    which it has been decided, by the side that won it, by date."""
    s, meta = run.series, run.meta
    F = len(meta["front_ids"])
    dates = run.dates(s["day"])
    fig, axes = _grid(F, 4.2, 2.7, rows=2, height_ratios=[1.6, 1])
    if F == 0:
        no_data(axes[0, 0], "the scenario has no fronts")
    colours = actor_colours(meta["actor_ids"])
    for f in range(F):
        top, bottom = axes[0, f], axes[1, f]
        first, second = _front_sides(run, f)
        _bands(
            top,
            dates,
            s["control_q"][:, :, f],
            colours.get(second, "#0072B2"),
            "control (share held by the second side)",
            lw=1.8,
        )
        top.set_title(wrap(meta["front_labels"][f], 34), fontsize=10, loc="left")
        top.set_ylim(-0.02, 1.02)
        top.set_ylabel(f"held by {_name(run, second)} (0–1)")
        decided = 100 * s["decided_share"][:, f, :]
        bottom.stackplot(
            dates,
            decided[:, 0],
            decided[:, 1],
            colors=[colours.get(first, MUTED), colours.get(second, "#0072B2")],
            labels=[f"decided for {_name(run, first)}", f"decided for {_name(run, second)}"],
            alpha=0.8,
            step="post",
        )
        bottom.set_ylim(0, max(5.0, float(decided.sum(axis=1).max()) * 1.15))
        bottom.set_ylabel("decided (% of\nreplicates)" if f % MAX_COLUMNS == 0 else "")
        for ax in (top, bottom):
            date_axis(ax, label=ax is bottom, window=calendar_window(run))
    legend_below(fig, axes, ncol=3, extra=_band_legend(run))
    title(fig, f"Who holds each front ({_band_note(run)})", subtitle(run))
    return fig


def beliefs_chart(run: RunResult) -> Figure:
    """Each party's (and the mediator's) belief about each front's drift, against the drift
    stated in the scenario: beliefs learn from the control changes they observe."""
    s, meta = run.series, run.meta
    F = len(meta["front_ids"])
    dates = run.dates(s["day"])
    colours = actor_colours(meta["actor_ids"])
    fig, axes = _grid(F, 4.2, 3.4, sharey=False)
    if F == 0:
        no_data(axes[0, 0], "the scenario has no fronts")
    truth = meta.get("front_drift") or [None] * F
    for f in range(F):
        ax = axes[0, f]
        for i, actor in enumerate(meta["actor_ids"]):
            q = s["belief_q"][:, :, i, f]
            if np.isnan(q).all():
                continue
            ax.fill_between(dates, q[:, Q25], q[:, Q75], color=colours[actor], alpha=0.2, lw=0)
            ax.plot(dates, q[:, MEDIAN], color=colours[actor], lw=1.6, label=meta["names"][i])
        if "drift_mean" in s:
            ax.plot(dates, s["drift_mean"][:, f], color="black", lw=1.2, label="true drift (mean)")
        elif truth[f] is not None:
            ax.axhline(truth[f], color="black", lw=1.2, label="drift stated in the scenario")
        ax.set_title(wrap(meta["front_labels"][f], 34), fontsize=10, loc="left")
        if f % MAX_COLUMNS == 0:
            ax.set_ylabel("believed drift of control (per day)")
        date_axis(ax, window=calendar_window(run))
    legend_below(fig, axes, ncol=4, extra=_band_legend(run)[:1])
    title(
        fig,
        "Beliefs about who is winning, converging on the fighting they observe",
        "median and 50% band across replicates; drift > 0 favours the front's second side\n"
        + subtitle(run),
    )
    return fig


def outside_options_chart(run: RunResult) -> Figure:
    """Each party's outside option against the value to it of each track's package."""
    s, meta = run.series, run.meta
    parties = _parties(run)
    dates = run.dates(s["day"])
    colours, T = track_colours(run), len(meta["track_ids"])
    fig, axes = _grid(len(parties), 5.0, 4.0, sharey=True)
    for ax, i in zip(axes.flat, parties, strict=False):
        _bands(
            ax,
            dates,
            s["outside_value_q"][:, :, i],
            MUTED,
            "outside option (what a deal must beat)",
            lw=1.6,
            ls="--",
        )
        for t in range(T):
            q = s["offer_value_q"][:, :, i, t]
            if np.isnan(q[:, MEDIAN]).all():
                continue
            ax.fill_between(dates, q[:, Q25], q[:, Q75], color=colours[t], alpha=0.2, lw=0)
            ax.plot(
                dates,
                q[:, MEDIAN],
                color=colours[t],
                lw=1.6,
                label=f"package on the table: {meta['track_labels'][t]}",
            )
        first_deal_line(ax, run)
        ax.set_title(meta["names"][i])
    if parties:  # one y scale for every party (shared), fitted to the central values
        band = slice(Q25, Q75 + 1)
        _central_limits(
            axes[0, 0],
            s["outside_value_q"][:, band][..., parties],
            s["offer_value_q"][:, band][:, :, parties],
        )
    for ax in axes.flat:
        date_axis(ax, window=calendar_window(run))
    if not parties:
        no_data(axes[0, 0], "no parties")
    axes[0, 0].set_ylabel("value to the party (utility)")
    legend_below(fig, axes, ncol=2, extra=_band_legend(run))
    title(
        fig,
        "Would they accept? Each track's package against the outside option",
        f"{_band_note(run)} (tracks: median and 50% band)\n" + subtitle(run),
    )
    return fig


def _central_limits(ax, *values: np.ndarray, share: float = 96.0) -> None:
    """y limits holding the central ``share`` % of the values drawn (and the median
    lines), so that a few packages valued far below (a red line breached by a wide margin)
    do not squash every other line into a flat band at the top."""
    drawn = np.concatenate([np.ravel(v) for v in values])
    drawn = drawn[np.isfinite(drawn)]
    if not len(drawn):
        return
    lo, hi = np.percentile(drawn, [(100 - share) / 2, 100 - (100 - share) / 2])
    pad = 0.08 * max(hi - lo, 1e-3)
    ax.set_ylim(lo - pad, hi + pad)


def _weekly(share: np.ndarray, weight: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Week-by-week means of a per-day share, each day weighted by the replicates in
    session that day (days without a session weigh nothing): (first day of each week,
    mean share, NaN for a week without a session)."""
    days = len(share)
    starts = np.arange(0, days, 7)
    out = np.full(len(starts), np.nan)
    for j, lo in enumerate(starts):
        w = weight[lo : lo + 7]
        v = share[lo : lo + 7]
        ok = np.isfinite(v) & (w > 0)
        if ok.any():
            out[j] = float((v[ok] * w[ok]).sum() / w[ok].sum())
    return starts, out


def _responding(run: RunResult) -> list[int]:
    a = run.series["accept_share"]
    return [i for i in range(a.shape[1]) if not np.isnan(a[:, i]).all()]


def responses_chart(run: RunResult) -> Figure:
    """Week by week, the share of replicates in session in which each responding actor
    accepts the package tabled on each track (days weighted by the replicates in session),
    with the daily share of replicates in session shaded."""
    s, meta = run.series, run.meta
    who = _responding(run)
    dates = run.dates(s["day"])
    colours, T = track_colours(run), len(meta["track_ids"])
    fig, axes = _grid(len(who), 4.4, 3.8, sharey=True)
    for ax, i in zip(axes.flat, who, strict=False):
        ax.fill_between(
            dates,
            0,
            100 * s["session_share"],
            step="mid",
            color="#DDDDDD",
            lw=0,
            label="replicates in session that day (% of all)",
        )
        for t in range(T):
            starts, share = _weekly(s["accept_share"][:, i, t], s["session_share"])
            if np.isnan(share).all():
                continue
            ax.step(
                run.dates(s["day"][starts]),
                100 * share,
                where="post",
                color=colours[t],
                lw=1.6,
                label=f"accepts: {meta['track_labels'][t]}",
            )
        ax.set_ylim(0, 102)
        ax.set_title(f"{meta['names'][i]} ({meta['roles'][i]})", fontsize=10)
        date_axis(ax, window=calendar_window(run))
    if not who:
        no_data(axes[0, 0], "no responses recorded")
    axes[0, 0].set_ylabel("accepting (% of replicates in session)")
    legend_below(fig, axes, ncol=2)
    title(fig, "Answers to the packages on the table, by track (weekly)", subtitle(run))
    return fig


def conditions_chart(run: RunResult) -> Figure:
    """Heatmap per party: share of replicates naming each issue as a condition, by day."""
    s, meta = run.series, run.meta
    parties = [
        i for i in _parties(run) if not np.isnan(s["condition_share"][:, i]).all()
    ] or _parties(run)
    dates = run.dates(s["day"])
    edges = np.append(dates, dates[-1] + np.timedelta64(1, "D")) - np.timedelta64(12, "h")
    K = len(meta["issue_ids"])
    rows = max(len(parties), 1)
    fig, axes = figure(
        rows, 1, figsize=(9.0, 1.6 + (0.32 * K + 0.8) * rows), sharex=True, squeeze=False
    )
    mesh = None
    labels = [wrap(lab, 24) for lab in meta["issue_labels"]]
    session = (s["session_share"] > 0)[None, :]
    for ax, i in zip(axes[:, 0], parties, strict=False):
        share = np.where(session, 100 * s["condition_share"][:, i, :].T, np.nan)  # (issue, day)
        mesh = ax.pcolormesh(
            edges,
            np.arange(K + 1),
            np.ma.masked_invalid(share),
            cmap=SEQUENTIAL,
            vmin=0,
            vmax=100,
            shading="flat",
        )
        ax.set_yticks(np.arange(K) + 0.5, labels, fontsize=7.5)
        ax.set_ylabel("issue named", fontsize=8)
        ax.invert_yaxis()
        ax.set_title(f"{meta['names'][i]}: conditions named when rejecting", fontsize=9, loc="left")
        ax.grid(False)
    for ax in axes[:, 0]:
        date_axis(ax, label=ax is axes[-1, 0], window=calendar_window(run))
    if mesh is not None:
        fig.colorbar(mesh, ax=list(axes[:, 0]), label="replicates naming it (%)")
    else:
        no_data(axes[0, 0], "no parties")
    title(fig, "Which conditions each party names, by date (blank: no session)", subtitle(run))
    return fig

"""Chart functions: result tables in, a matplotlib Figure out. They never run the model."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from sim.charts.style import (
    ANSWER_COLOURS,
    OUTCOME_COLOURS,
    PROPOSAL,
    actor_colours,
    date_axis,
    figure,
)
from sim.results import OUTCOME_LABELS, kaplan_meier, wilson_interval
from sim.store import RunResult

MEDIAN, Q25, Q75, Q05, Q95 = 2, 1, 3, 0, 4  # indices into recorder.QUANTILES


def _subtitle(run: RunResult) -> str:
    n, seed = run.meta["replicates"], run.meta["seed"]
    plural = "s" if n != 1 else ""
    return f"{run.meta['scenario_name']} — {n:,} replicate{plural}, seed {seed}"


def _fit(fig: Figure, title: str, fontsize: float) -> str:
    """Wrap each line of a title to 85% of the figure's width, measured in the title's bold
    font, so that a long scenario name is never cut off at the figure's edge."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    font = FontProperties(size=fontsize, weight="bold")
    measure = TextToPath()
    room = 0.85 * fig.get_figwidth() * 72  # points

    def width(text: str) -> float:
        return measure.get_text_width_height_descent(text, font, ismath=False)[0]

    lines = []
    for line in title.split("\n"):
        current = ""
        for word in line.split(" "):
            trial = f"{current} {word}" if current else word
            if current and width(trial) > room:
                lines.append(current)
                current = word
            else:
                current = trial
        lines.append(current)
    return "\n".join(lines)


def _talks_window(run: RunResult) -> tuple:
    """First and last possible day of the talks: the time axis of every dated chart."""
    return tuple(run.dates(np.array([0, int(run.meta["rounds"])])))


def _marks(dates: np.ndarray) -> dict:
    """Markers while a series has too few days to draw a line (the first rounds of a run)."""
    return {"marker": "o", "markersize": 3} if len(dates) < 3 else {}


def _agreement_line(ax, run: RunResult) -> None:
    date = run.summary.get("median_agreement_date")
    if date:
        ax.axvline(np.datetime64(date), color="#444444", lw=1, ls=":", label="median agreement")


def positions_chart(run: RunResult) -> Figure:
    """Positions by issue over dates: median and 25-75% band per actor, with the proposal."""
    s, meta = run.series, run.meta
    issues, actors = meta["issue_ids"], meta["actor_ids"]
    colours = actor_colours(actors)
    dates = run.dates(s["round"])
    ncols = 3 if len(issues) > 4 else 2
    nrows = int(np.ceil(len(issues) / ncols))
    fig, axes = figure(
        nrows, ncols, figsize=(4.2 * ncols, 3.0 * nrows + 0.8), sharex=True, squeeze=False
    )
    for k in range(len(issues)):
        ax = axes.flat[k]
        for i, actor in enumerate(actors):
            if meta["roles"][i] == "supporter":
                continue
            q = s["position_q"][:, :, i, k]
            ax.fill_between(dates, q[:, Q25], q[:, Q75], color=colours[actor], alpha=0.18, lw=0)
            ax.plot(
                dates,
                q[:, MEDIAN],
                color=colours[actor],
                lw=1.6,
                label=meta["names"][i],
                **_marks(dates),
            )
        q = s["proposal_q"][:, :, k]
        ax.fill_between(dates, q[:, Q25], q[:, Q75], color=PROPOSAL, alpha=0.12, lw=0)
        ax.plot(
            dates, q[:, MEDIAN], color=PROPOSAL, lw=2.0, ls="--", label="proposal", **_marks(dates)
        )
        _agreement_line(ax, run)
        ax.set_ylim(-0.03, 1.03)
        ax.set_title(meta["issue_labels"][k], fontsize=10)
        ax.set_ylabel(
            f"position (0 = {_short(meta['issue_zero'][k])},\n1 = {_short(meta['issue_one'][k])})",
            fontsize=7.5,
        )
        date_axis(ax, _talks_window(run))
    for ax in list(axes.flat)[len(issues) :]:
        ax.set_visible(False)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=min(len(labels), 6))
    fig.suptitle(
        _fit(fig, f"Positions by issue, median and 25–75% band\n{_subtitle(run)}", 12), fontsize=12
    )
    return fig


def _short(text: str, n: int = 28) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def utility_chart(run: RunResult) -> Figure:
    """Each party's utility of the proposal against its reservation value, over dates."""
    s, meta = run.series, run.meta
    actors = meta["actor_ids"]
    parties = [i for i, r in enumerate(meta["roles"]) if r == "party"]
    colours = actor_colours(actors)
    dates = run.dates(s["round"])
    fig, axes = figure(
        1, len(parties), figsize=(5.0 * len(parties), 3.8), sharey=True, squeeze=False
    )
    for ax, i in zip(axes.flat, parties, strict=True):
        c = colours[actors[i]]
        u, rho = s["utility_q"][:, :, i], s["reservation_q"][:, :, i]
        ax.fill_between(dates, u[:, Q25], u[:, Q75], color=c, alpha=0.2, lw=0)
        ax.plot(
            dates, u[:, MEDIAN], color=c, lw=2, label="utility of the proposal", **_marks(dates)
        )
        ax.fill_between(dates, rho[:, Q25], rho[:, Q75], color="#555555", alpha=0.15, lw=0)
        ax.plot(
            dates,
            rho[:, MEDIAN],
            color="#555555",
            lw=1.6,
            ls="--",
            label="reservation value (less pending threats)",
            **_marks(dates),
        )
        _agreement_line(ax, run)
        ax.set_title(meta["names"][i])
        ax.set_ylabel("utility (0–1)")
        ax.set_ylim(0, 1.02)
        date_axis(ax, _talks_window(run))
    axes.flat[0].legend(loc="lower left")
    fig.suptitle(
        _fit(
            fig,
            f"Would they accept? Utility against reservation value (median, 25–75%)\n"
            f"{_subtitle(run)}",
            12,
        ),
        fontsize=12,
    )
    return fig


def outcome_chart(run: RunResult) -> Figure:
    """Share of replicates in each outcome class, with Wilson 95% intervals."""
    codes = run.outcomes["outcome"]
    n = len(codes)
    fig, ax = figure(figsize=(6.0, 3.8))
    for j, label in enumerate(OUTCOME_LABELS):
        k = int((codes == j).sum())
        lo, hi = wilson_interval(k, n)
        share = k / n
        ax.bar(j, 100 * share, color=OUTCOME_COLOURS[label], label=f"{label}: {100 * share:.1f}%")
        ax.errorbar(
            j,
            100 * share,
            yerr=[[100 * max(share - lo, 0.0)], [100 * max(hi - share, 0.0)]],  # rounding at 0, n
            color="black",
            capsize=4,
            lw=1,
        )
    ax.set_xticks(range(3), ["no agreement", "partial ceasefire", "comprehensive"])
    ax.set_ylabel("share of replicates (%)")
    ax.set_ylim(0, 100)
    ax.legend(loc="upper right", title="outcome (95% Wilson interval)")
    ax.set_title(_fit(fig, f"Outcome of the talks\n{_subtitle(run)}", 11), fontsize=11)
    return fig


def survival_chart(run: RunResult) -> Figure:
    """Kaplan-Meier survival of agreed ceasefires over their duration, with a 95% band."""
    o = run.outcomes
    agreed = o["agreed"]
    horizon = int(run.meta["duration_days"])
    fig, ax = figure(figsize=(6.5, 4.0))
    if agreed.any():
        km = kaplan_meier(o["days_survived"][agreed], o["collapsed"][agreed], horizon)
        ax.step(
            km["day"],
            100 * km["survival"],
            where="post",
            color="#0072B2",
            lw=2,
            label=f"holding (n = {int(agreed.sum()):,} agreed)",
        )
        ax.fill_between(
            km["day"],
            100 * km["lower"],
            100 * km["upper"],
            step="post",
            color="#0072B2",
            alpha=0.2,
            lw=0,
            label="95% interval (Greenwood)",
        )
        ax.axhline(50, color="#999999", lw=0.8, ls=":")
    else:
        ax.text(
            0.5,
            0.5,
            "no ceasefire was agreed in any replicate",
            transform=ax.transAxes,
            ha="center",
            va="center",
        )
    ax.set_xlim(0, horizon)
    ax.set_ylim(0, 101)
    ax.set_xlabel("days since the ceasefire began")
    ax.set_ylabel("ceasefires still holding (%)")
    ax.legend(loc="lower left")
    ax.set_title(
        _fit(fig, f"Survival of agreed ceasefires (Kaplan–Meier)\n{_subtitle(run)}", 11),
        fontsize=11,
    )
    return fig


def agreement_dates_chart(run: RunResult) -> Figure:
    """When agreements were reached: replicates agreeing per day."""
    o = run.outcomes
    rounds = o["agreement_round"][o["agreed"]]
    fig, ax = figure(figsize=(7.0, 3.8))
    if len(rounds):
        counts = np.bincount(rounds, minlength=int(run.meta["rounds"]) + 1)
        days = run.dates(np.arange(len(counts)))
        ax.bar(
            days,
            100 * counts / len(o["agreed"]),
            width=1.0,
            color="#0072B2",
            label="agreements that day",
        )
        _agreement_line(ax, run)
        ax.legend(loc="upper right")
    else:
        ax.text(
            0.5,
            0.5,
            "no agreement in any replicate",
            transform=ax.transAxes,
            ha="center",
            va="center",
        )
    ax.set_ylabel("share of all replicates (%)")
    ax.set_xlabel("date")
    date_axis(ax, _talks_window(run))
    ax.set_title(_fit(fig, f"Agreement dates\n{_subtitle(run)}", 11), fontsize=11)
    return fig


def acceptance_chart(run: RunResult) -> Figure:
    """Per veto player, how it answered the proposal each day: shares of reject, accept
    and conditional yes among the replicates still negotiating, and how many still were."""
    s, meta = run.series, run.meta
    vetoes = [i for i, r in enumerate(meta["roles"]) if r != "supporter"]
    dates = run.dates(s["round"])
    still = 100 * s["negotiating"] / max(int(meta["replicates"]), 1)
    fig, axes = figure(1, len(vetoes), figsize=(3.6 * len(vetoes), 3.6), sharey=True, squeeze=False)
    labels = {"reject": "reject", "accept": "accept", "conditional": "conditional yes"}
    # each round fills its whole day, so that the first round shows as a band too
    days = np.append(dates, dates[-1] + np.timedelta64(1, "D")) if len(dates) else dates
    for ax, i in zip(axes.flat, vetoes, strict=True):
        shares = 100 * s["answer_share"][:, i, :].T  # (answer, round)
        shares = np.concatenate([shares, shares[:, -1:]], axis=1) if len(dates) else shares
        ax.stackplot(
            days,
            shares[1],
            shares[2],
            shares[0],
            colors=[ANSWER_COLOURS[a] for a in ("accept", "conditional", "reject")],
            labels=[labels[a] for a in ("accept", "conditional", "reject")],
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
        date_axis(ax, _talks_window(run))
    axes.flat[0].set_ylabel("share of replicates (%)")
    handles, names = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, names, loc="outside lower center", ncol=len(names))
    fig.suptitle(
        _fit(
            fig,
            f"Answers to the proposal, among replicates still negotiating each day\n"
            f"{_subtitle(run)}",
            11,
        ),
        fontsize=11,
    )
    return fig


def conditions_chart(run: RunResult) -> Figure:
    """Heatmap per party: share of negotiating replicates naming each condition, by date."""
    s, meta = run.series, run.meta
    parties = [i for i, r in enumerate(meta["roles"]) if r == "party"]
    dates = run.dates(s["round"])
    fig, axes = figure(
        len(parties), 1, figsize=(8.0, 1.0 + 1.9 * len(parties)), sharex=True, squeeze=False
    )
    edges = np.append(dates, dates[-1] + np.timedelta64(1, "D")) if len(dates) else dates
    mesh = None
    for ax, i in zip(axes.flat, parties, strict=True):
        share = 100 * s["condition_share"][:, i, :].T  # (issue, round)
        mesh = ax.pcolormesh(
            edges,
            np.arange(len(meta["issue_ids"]) + 1),
            share,
            cmap="viridis",
            vmin=0,
            vmax=100,
            shading="flat",
        )
        ax.set_yticks(np.arange(len(meta["issue_ids"])) + 0.5, meta["issue_ids"], fontsize=8)
        ax.set_title(f"{meta['names'][i]}: conditions named when rejecting", fontsize=10)
        ax.grid(False)
        date_axis(ax, _talks_window(run))
    if mesh is not None:
        fig.colorbar(mesh, ax=list(axes.flat), label="replicates naming it (%)")
    fig.suptitle(_fit(fig, f"Conditions by date\n{_subtitle(run)}", 12), fontsize=12)
    return fig


CHARTS = {
    "positions": positions_chart,
    "utility": utility_chart,
    "outcomes": outcome_chart,
    "survival": survival_chart,
    "agreement_dates": agreement_dates_chart,
    "acceptance": acceptance_chart,
    "conditions": conditions_chart,
}

"""Pieces the run, comparison and sweep charts share: share bars, quantile bands, subtitles,
the calendar window, and the names and colours of tracks."""

from __future__ import annotations

import numpy as np

from sim.charts.style import MUTED, SERIES_COLOURS, as_date, band_handles
from sim.results.run_dir import RunResult
from sim.results.stats import wilson_interval

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


def calendar_window(run: RunResult) -> tuple:
    """First and last day of the calendar (day 0 .. horizon - 1): every dated chart's axis."""
    return tuple(run.dates(np.array([0, run.horizon - 1])))


def _parties(run: RunResult) -> list[int]:
    return [i for i, role in enumerate(run.meta["roles"]) if role == "party"]


def track_names(run: RunResult) -> list[str]:
    """Each track's label, then the unilateral truces (the last column of the shares)."""
    return [*run.meta["track_labels"], "unilateral truces"]


def track_colours(run: RunResult) -> list[str]:
    """A colour per track in scenario order, and grey for the unilateral truces."""
    n = len(run.meta["track_ids"])
    return [SERIES_COLOURS[j % len(SERIES_COLOURS)] for j in range(n)] + [MUTED]


def _bands(ax, dates, q: np.ndarray, colour: str, label: str, **line) -> None:
    """Median line with its 50% (25-75) and 90% (5-95) bands across replicates."""
    ax.fill_between(dates, q[:, Q05], q[:, Q95], color=colour, alpha=0.10, lw=0)
    ax.fill_between(dates, q[:, Q25], q[:, Q75], color=colour, alpha=0.25, lw=0)
    marker = "o" if len(dates) == 1 else None  # a single day is a point, not a line
    ax.plot(dates, q[:, MEDIAN], color=colour, label=label, marker=marker, **line)


def first_deal_line(ax, run: RunResult) -> None:
    """The median date of the first deal as a vertical line; nothing when there is none."""
    date = run.summary.get("median_first_deal_date")
    if date:
        share = run.summary["deal"]["share"]
        what = "first deal" if run.meta["replicates"] == 1 else "median first deal"
        label = f"{what} ({100 * share:.0f}% reach one)" if run.meta["replicates"] > 1 else what
        ax.axvline(as_date(date), color=MUTED, lw=1.2, ls="-.", label=label)


def _band_note(run: RunResult) -> str:
    if run.meta["replicates"] == 1:
        return "one replicate"
    return "median, 50% and 90% bands across replicates"


def _band_legend(run: RunResult) -> list[tuple]:
    return band_handles() if run.meta["replicates"] > 1 else []


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

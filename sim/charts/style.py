"""One chart style for every figure: colours per actor, fonts, sizes, titles, date axes.

Colours are the Okabe-Ito palette (Okabe & Ito, 'Color Universal Design', 2008), safe for
the common forms of colour blindness, without its yellow and with its orange, sky blue and
grey darkened to a contrast of at least 3:1 against the white background (WCAG 2.1, 1.4.11:
lines and marks must stand out). Actors get colours by their order in the scenario, so any
scenario's actors are drawn alike, and an actor keeps its colour on every chart. Sizes are
chosen so that a figure stays readable when pasted on a slide at its natural size.
"""

from __future__ import annotations

import datetime as dt
import textwrap

import matplotlib

matplotlib.use("Agg")  # charts are files; never open a window

import matplotlib.dates as mdates  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

# Actor colours in scenario order: blue, vermilion, orange, bluish green, reddish purple, sky
# blue, grey (Okabe-Ito, the light ones darkened), then Tol's wine; each >= 3:1 on white.
ACTOR_PALETTE = [
    "#0072B2",
    "#D55E00",
    "#C78500",
    "#009E73",
    "#CC79A7",
    "#3A9AD9",
    "#7F7F7F",
    "#882255",
]
BACKGROUND = "#FFFFFF"
MIN_CONTRAST = 3.0
PROPOSAL = "#000000"
MUTED = "#555555"
ANSWER_COLOURS = {"reject": "#C8C8C8", "accept": "#009E73", "conditional": "#56B4E9"}
OUTCOME_COLOURS = {"none": "#999999", "partial": "#E69F00", "comprehensive": "#0072B2"}
# Series that are not actors (scenarios in a comparison, outcome measures in a sweep).
SERIES_COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#C78500", "#3A9AD9", "#000000"]
SEQUENTIAL = "viridis"  # perceptually uniform and colour-blind safe, for heatmaps

RC = {
    "figure.dpi": 110,
    "savefig.dpi": 150,
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.labelsize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.25,
    "legend.fontsize": 9,
    "legend.frameon": False,
    "figure.constrained_layout.use": True,
    "figure.titlesize": 12,
    "svg.fonttype": "none",  # SVG text stays text: searchable and small
    # Text comes from scenario files (names, labels) and is drawn as written: a "$" must
    # not start matplotlib's mathtext, where "$\undefined$" raises while drawing.
    "text.parse_math": False,
    "pdf.fonttype": 42,  # PDF text as embedded TrueType: searchable, and editable in papers
}


def actor_colours(actor_ids: list[str]) -> dict[str, str]:
    """Each actor's colour by its place in the scenario (past eight, the palette repeats):
    the first actor of any scenario is blue, the second vermilion, and so on."""
    return {a: ACTOR_PALETTE[j % len(ACTOR_PALETTE)] for j, a in enumerate(actor_ids)}


def contrast(colour: str, background: str = BACKGROUND) -> float:
    """WCAG 2.1 contrast ratio of two '#RRGGBB' colours (1 = none, 21 = black on white)."""

    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    a, b = sorted((luminance(colour), luminance(background)), reverse=True)
    return (a + 0.05) / (b + 0.05)


matplotlib.rcParams.update(RC)


def figure(nrows: int = 1, ncols: int = 1, figsize=None, **kwargs):
    """A new Figure and its axes under the house style, like ``pyplot.subplots``.

    The Figure is not registered with pyplot, so nothing accumulates in a long-lived
    process (the dashboard) and a chart never draws onto another chart's figure.
    """
    fig = Figure(figsize=figsize, layout="constrained")
    FigureCanvasAgg(fig)
    return fig, fig.subplots(nrows, ncols, **kwargs)


def wrap(text: str, width: int) -> str:
    """Wrap each line of ``text`` to ``width`` characters (titles must fit the figure).

    A line that needs wrapping is first broken at its dash (' — ', between a scenario's
    name and what was run), and only then by words, so no word is left alone on a line.
    """
    lines = []
    for line in text.split("\n"):
        parts = line.split(" — ") if len(line) > width and " — " in line else [line]
        for j, part in enumerate(parts):
            part = part if j == len(parts) - 1 else f"{part} —"
            lines.append(textwrap.fill(part, width) or part)
    return "\n".join(lines)


def title(fig, heading: str, subtitle: str = "") -> None:
    """Figure title: the message, then what it is drawn from, both wrapped to the width.

    A title longer than its figure is clipped by the canvas, so the wrap width follows the
    figure width (about 11 characters per inch at the title size).
    """
    width = max(30, int(fig.get_figwidth() * 11.5))
    text = heading if not subtitle else f"{heading}\n{subtitle}"
    fig.suptitle(wrap(text, width), fontsize=RC["figure.titlesize"])


def band_handles() -> list[tuple]:
    """Legend entries explaining the shaded bands drawn by quantile charts."""
    from matplotlib.patches import Patch

    return [
        (Patch(color=MUTED, alpha=0.35, lw=0), "middle 50% of replicates"),
        (Patch(color=MUTED, alpha=0.15, lw=0), "middle 90% of replicates"),
    ]


def legend_below(fig, axes=None, ncol: int | None = None, extra=(), **kwargs) -> None:
    """One legend for the figure, under the plots, where it cannot cover data.

    ``extra`` adds (handle, label) pairs that no plotted artist carries (band shading).
    """
    handles, labels, seen = [], [], set()
    for ax in np.ravel(axes if axes is not None else fig.axes):
        for h, lab in zip(*ax.get_legend_handles_labels(), strict=True):
            if lab not in seen:
                seen.add(lab)
                handles.append(h)
                labels.append(lab)
    for h, lab in extra:
        handles.append(h)
        labels.append(lab)
    if handles:
        fig.legend(
            handles,
            labels,
            loc="outside lower center",
            ncol=ncol or min(len(labels), 4),
            **kwargs,
        )


def no_data(ax, message: str) -> None:
    """Say on the chart why it is empty, instead of drawing empty axes."""
    ax.text(
        0.5,
        0.5,
        message,
        transform=ax.transAxes,
        ha="center",
        va="center",
        color=MUTED,
        wrap=True,
    )


def _day_month(x: float, _pos=None) -> str:
    d = mdates.num2date(x)
    return f"{d.day} {d:%b}"


def date_axis(ax, label: bool = True, window: tuple | None = None) -> None:
    """Calendar dates on the x axis as '15 Mar', with the year(s) in the axis label.

    ``window`` (first day, last day) fixes the axis, so that every dated chart of a run spans
    the whole talks period and a run still in progress (the dashboard) keeps a steady axis.
    """
    if window is not None:
        half_day = np.timedelta64(12, "h")
        first, last = (np.datetime64(day, "h") for day in window)
        ax.set_xlim(first - half_day, last + half_day)
    lo, hi = ax.get_xlim()
    if hi - lo < 4:  # a day or two: widen, or the ticks fall on hours of one date
        mid = (lo + hi) / 2
        ax.set_xlim(mid - 3, mid + 3)
    locator = mdates.AutoDateLocator(minticks=3, maxticks=7)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(FuncFormatter(_day_month))
    if label:
        lo, hi = (mdates.num2date(v).year for v in ax.get_xlim())
        ax.set_xlabel(f"date ({lo})" if lo == hi else f"date ({lo}–{hi})")


def pad_dates(ax, dates: np.ndarray, days: float = 0.5) -> None:
    """Limits around a date range; a single date gets a few days either side."""
    if len(dates) == 0:
        return
    lo, hi = np.min(dates), np.max(dates)
    margin = np.timedelta64(int(days * 24), "h")
    ax.set_xlim(lo - margin, hi + margin)


def as_date(value: str | dt.date) -> np.datetime64:
    return np.datetime64(str(value), "D")

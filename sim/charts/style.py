"""One chart style for every figure: colours per actor, fonts, sizes, date axes.

Colours are the Okabe-Ito palette (Okabe & Ito, 'Color Universal Design', 2008), safe for
the common forms of colour blindness; an actor keeps its colour on every chart.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # charts are files; never open a window

import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

OKABE_ITO = ["#0072B2", "#D55E00", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#F0E442", "#999999"]
KNOWN = {
    "united_states": "#0072B2",
    "russia": "#D55E00",
    "ukraine": "#E69F00",
    "united_kingdom": "#009E73",
    "france": "#CC79A7",
    "norway": "#56B4E9",
    "finland": "#999999",
}
PROPOSAL = "#000000"
OUTCOME_COLOURS = {"none": "#999999", "partial": "#E69F00", "comprehensive": "#0072B2"}
# Answers to the proposal, in the recorder's order (reject, accept, conditional yes).
ANSWER_COLOURS = {"reject": "#C8C8C8", "accept": "#009E73", "conditional": "#56B4E9"}

RC = {
    "figure.dpi": 110,
    "savefig.dpi": 150,
    "font.size": 10,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.labelsize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.25,
    "legend.fontsize": 9,
    "legend.frameon": False,
    "figure.constrained_layout.use": True,
}


def actor_colours(actor_ids: list[str]) -> dict[str, str]:
    """Fixed colours: well-known actors by name, others from the palette in order."""
    free = [c for c in OKABE_ITO if c not in KNOWN.values()] + OKABE_ITO
    out, j = {}, 0
    for a in actor_ids:
        if a in KNOWN:
            out[a] = KNOWN[a]
        else:
            out[a] = free[j % len(free)]
            j += 1
    return out


plt.rcParams.update(RC)


def figure(*args, **kwargs):
    """plt.subplots under the house style (a new Figure, never pyplot's current one)."""
    return plt.subplots(*args, **kwargs)


def date_axis(ax, window: tuple | None = None) -> None:
    """Readable calendar dates on the x axis.

    ``window`` (first day, last day) fixes the axis, so that every chart of a run spans the
    whole talks period and a run still in progress (the dashboard) keeps a steady axis.
    Spans of a few days get one tick a day: a round is a day, hours mean nothing here.
    """
    if window is not None:
        half_day = np.timedelta64(12, "h")
        first, last = (np.datetime64(day, "h") for day in window)
        ax.set_xlim(first - half_day, last + half_day)
    low, high = ax.get_xlim()  # in days
    if high - low < 6:
        locator = mdates.DayLocator()
    else:
        locator = mdates.AutoDateLocator(minticks=3, maxticks=7)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))

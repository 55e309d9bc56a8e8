"""The model's deals against the ETH/PRIO durations: survival and breakdown, by class and
by coverage (issue 13, item 4).

Lines are the model (Kaplan-Meier survival to any end; Aalen-Johansen cumulative incidence
of breakdown, both over the deals that entered into force, still-running deals censored at
the horizon: sim/results/durability.py); markers of the same colour are the data's points at
1-365 days (sim/data/eth-prio/, Clayton et al. 2023: civil conflicts, 1989-2020, documented
ends only). Unlike the "durations" chart, expiry and replacement end a deal here, as in the
data's "survival to any end".
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from sim.charts.primitives import subtitle
from sim.charts.style import MUTED, SERIES_COLOURS, figure, legend_below, no_data, title
from sim.results.durability import curves, deal_durations, durations, group_mask

PANELS = (
    ("class", ("class=bare", "class=compliance", "class=definitive")),
    ("coverage", ("coverage=partial", "coverage=comprehensive")),
)
MEASURES = (("survival", "survival to any end (%)"), ("cum_breakdown", "broken down (%)"))


def data_points(group: str, statistic: str) -> tuple[np.ndarray, np.ndarray, int]:
    """Days, values and n of the shipped table for a group."""
    rows = sorted((day, row) for (g, day), row in durations().items() if g == group)
    days = np.array([d for d, _ in rows])
    values = np.array([r[statistic] for _, r in rows])
    return days, values, int(rows[0][1]["n"]) if rows else 0


def survival_vs_data_chart(run) -> Figure:
    """2 x 2 panels: by class and by coverage; survival to any end and breakdown."""
    fig, axes = figure(2, 2, figsize=(11, 8), sharex=True)
    a = run.agreements
    horizon = int(run.horizon)
    have = len(a.get("replicate", ()))
    if have:
        live, duration, cause = deal_durations(a, horizon)
    for row, (key, groups) in enumerate(PANELS):
        for col, (statistic, label) in enumerate(MEASURES):
            ax = axes[row, col]
            for k, group in enumerate(groups):
                colour = SERIES_COLOURS[(3 * row + k) % len(SERIES_COLOURS)]  # one colour per group
                name = group.split("=")[1]
                if have:
                    keep = live & group_mask(a, group)
                    if keep.any():
                        c = curves(
                            np.zeros(keep.sum(), int), duration[keep], cause[keep], 1, horizon
                        )
                        ax.step(
                            np.arange(horizon + 1),
                            100 * c[statistic][0],
                            where="post",
                            color=colour,
                            lw=2,
                            label=f"model: {name} ({int(keep.sum()):,} deals)",
                        )
                days, values, n = data_points(group, statistic)
                shown = days <= max(horizon, 1)
                ax.plot(
                    days[shown],
                    100 * values[shown],
                    "o",
                    color=colour,
                    mfc="white",
                    mew=1.5,
                    label=f"ETH/PRIO: {name} (n = {n:,})",
                )
            ax.set_ylim(0, 102)
            ax.set_ylabel(label)
            ax.set_title(f"By {key}")
            ax.grid(color=MUTED, alpha=0.25)
            if row == 1:
                ax.set_xlabel("days since entry into force")
    if not have:
        no_data(axes[0, 0], "no deal entered into force")
    legend_below(fig, ncol=2)  # one legend under the panels: never on the data
    title(fig, "Deals against the ETH/PRIO ceasefires: survival and breakdown", subtitle(run))
    return fig

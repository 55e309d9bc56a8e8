"""A run's summary: the headline numbers of an ensemble (summary.json) and the one-line headline.

The shares are the measures of :mod:`sim.results.measures`, with Wilson intervals; the
time to the first deal comes both as the plain median among replicates with a deal and as
the Kaplan–Meier median with the rest censored at the horizon (which is None while fewer
than half the replicates have a deal). This module never runs the model or draws plots.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from sim.engine.codes import EndReason
from sim.results.measures import MEASURES, deal_rows, first_deal_days
from sim.results.stats import cumulative_incidence, wilson_interval


def share(k: int, n: int) -> dict:
    """A share with its count, base and Wilson 95% interval; null share when n is 0."""
    k, n = int(k), int(n)
    if not n:
        return {"share": None, "count": k, "n": n, "ci95": [None, None]}
    lo, hi = wilson_interval(k, n)
    return {"share": k / n, "count": k, "n": n, "ci95": [lo, hi]}


def _date(start: dt.date, day: float | None) -> str | None:
    return None if day is None else (start + dt.timedelta(days=round(day))).isoformat()


def summarise(
    outcomes: dict[str, np.ndarray], agreements: dict[str, np.ndarray], facts: dict
) -> dict:
    """The headline numbers of an ensemble, with Wilson intervals (summary.json).

    ``facts`` are the run's facts (run.json): start_date, horizon, track_ids, threat_ids,
    front_ids. summary.json is strict JSON: a value that is not defined is ``null``, never
    NaN (a share of no deals, the median of no first deals).
    """
    start = dt.date.fromisoformat(facts["start_date"])
    horizon = int(facts["horizon"])
    n = int(len(outcomes["replicate"]))
    firsts = first_deal_days(outcomes)
    median = float(np.median(firsts)) if len(firsts) else None
    curve = cumulative_incidence(outcomes["first_deal_day"], horizon - 1)
    reached = np.flatnonzero(curve["incidence"] >= 0.5)
    km_median = int(reached[0]) if len(reached) else None
    deals = deal_rows(agreements)
    tracks = np.asarray(agreements["track"])
    summary: dict = {
        "replicates": n,
        "horizon": horizon,
        **{m.key: share(*m.count(outcomes, agreements)) for m in MEASURES},
        "median_first_deal_day": median,
        "median_first_deal_date": _date(start, median),
        "km_median_first_deal_day": km_median,
        "km_median_first_deal_date": _date(start, km_median),
        "mean_days_under_ceasefire": float(np.mean(outcomes["days_under_ceasefire"]))
        if n
        else None,
        "deals": int(deals.sum()),
        "unilateral_truces": int((~deals).sum()),
        "tracks": {
            t: {
                "agreed": share(len(np.unique(agreements["replicate"][deals & (tracks == j)])), n),
                "broke_down": share(
                    int(
                        (
                            deals
                            & (tracks == j)
                            & (agreements["end_reason"] == EndReason.BREAKDOWN)
                        ).sum()
                    ),
                    int((deals & (tracks == j)).sum()),
                ),
            }
            for j, t in enumerate(facts.get("track_ids", []))
        },
        "fronts": {
            f: {
                "decided": share(int((outcomes[f"decided_day_{f}"] >= 0).sum()), n),
                "median_final_control": float(np.median(outcomes[f"control_{f}"])) if n else None,
            }
            for f in facts.get("front_ids", [])
            if f"decided_day_{f}" in outcomes
        },
        "threats": {
            t: {
                "called": share(int(outcomes[f"threat_{t}_called"].sum()), n),
                "carried_out": share(int(outcomes[f"threat_{t}_carried_out"].sum()), n),
            }
            for t in facts.get("threat_ids", [])
            if f"threat_{t}_called" in outcomes
        },
    }
    return summary


def _pct(entry: dict) -> str:
    return "–" if entry["share"] is None else f"{100 * entry['share']:.1f}%"


def headline(summary: dict) -> str:
    """One line for the terminal, e.g. 'First deal within 30 days in 12.0% of 1,000 runs, ...'."""
    text = (
        f"First deal within 30 days in {_pct(summary['deal_by_30'])} of "
        f"{summary['replicates']:,} runs, within 90 days {_pct(summary['deal_by_90'])}; "
        f"comprehensive {_pct(summary['comprehensive'])}"
    )
    if summary["deals"]:
        text += (
            f"; {_pct(summary['partial_share'])} of {counted(summary['deals'], 'deal')} partial,"
            f" {_pct(summary['breakdown'])} broke down"
        )
    if summary["median_first_deal_date"]:
        text += f"; median first deal {summary['median_first_deal_date']}"
    return text + "."


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """'1 point', '16,384 points': a count with its noun in the right number."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"

"""A run's summary: the headline numbers of an ensemble (summary.json) and the one-line headline.

The shares are the measures of :mod:`sim.results.measures`, with Wilson intervals; this
module never runs the model and never draws plots.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from sim.results.measures import EXTENDED, SHARES, SURVIVES
from sim.results.stats import wilson_interval


def summarise(
    outcomes: dict[str, np.ndarray],
    start_date: dt.date,
    duration_days: int,
    issue_ids: tuple[str, ...],
    threat_ids: tuple[str, ...],
) -> dict:
    """The headline numbers of an ensemble, with Wilson intervals (summary.json).

    summary.json is strict JSON: a value that is not defined is ``null``, never NaN. That
    happens for a share of nothing, e.g. the survival share when no replicate agrees
    (``n`` 0: ``share`` and both ends of ``ci95`` null), and for the medians and mean days
    of agreed replicates when there are none.
    """
    n = int(len(outcomes["agreed"]))
    agreed = outcomes["agreed"]
    n_agreed = int(agreed.sum())

    def share(mask: np.ndarray, of: int) -> dict:
        k = int(mask.sum())
        if not of:
            return {"share": None, "count": k, "n": of, "ci95": [None, None]}
        lo, hi = wilson_interval(k, of)
        return {"share": k / of, "count": k, "n": of, "ci95": [lo, hi]}

    rounds = outcomes["agreement_round"][agreed]
    summary: dict = {
        "replicates": n,
        **{m.key: share(m.hit(outcomes), n) for m in SHARES},
        "median_agreement_round": float(np.median(rounds)) if n_agreed else None,
        "median_agreement_date": (
            (start_date + dt.timedelta(days=int(np.median(rounds)))).isoformat()
            if n_agreed
            else None
        ),
        "median_terms": {
            k: float(np.median(outcomes[f"terms_{k}"][agreed])) if n_agreed else None
            for k in issue_ids
        },
        SURVIVES.key: share(SURVIVES.hit(outcomes)[agreed], n_agreed),
        EXTENDED.key: share(EXTENDED.hit(outcomes)[agreed], n_agreed),
        "mean_days_survived": float(outcomes["days_survived"][agreed].mean()) if n_agreed else None,
        "duration_days": duration_days,
        "threats": {
            t: {
                "called": share(outcomes[f"threat_{t}_called"], n),
                "carried_out": share(outcomes[f"threat_{t}_carried_out"], n),
            }
            for t in threat_ids
        },
    }
    return summary


def headline(summary: dict) -> str:
    """One line for the terminal, e.g. 'Agreement in 34.1% of 1000 runs (median 2025-03-23)...'."""
    a = summary["agreement"]
    text = f"Agreement in {100 * a['share']:.1f}% of {summary['replicates']} runs"
    if summary["median_agreement_date"]:
        text += f" (median {summary['median_agreement_date']})"
    text += (
        f"; comprehensive {100 * summary['comprehensive']['share']:.1f}%,"
        f" partial {100 * summary['partial']['share']:.1f}%"
    )
    if a["count"]:
        text += (
            f"; of agreed ceasefires {100 * summary['survives_duration']['share']:.0f}%"
            f" survive {summary['duration_days']} days."
        )
    else:
        text += "."
    return text


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """'1 point', '16,384 points': a count with its noun in the right number."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"

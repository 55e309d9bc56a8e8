"""Outcome tables and summaries: what a run produced, as plain columns.

The model hands over arrays; this module names them (one column per quantity, one row per
replicate), summarises them and computes the intervals users quote. It never runs the
model and never draws plots.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sim.model import CeasefireModel

OUTCOME_LABELS = ("none", "partial", "comprehensive")


def outcome_columns(m: CeasefireModel) -> dict[str, np.ndarray]:
    """One row per replicate; columns documented in docs/model.md ('Outputs')."""
    from sim.rules import outcome_class

    p = m.params
    c = m.ceasefire
    agreed = m.agreed
    issues = list(p.issue_ids)
    scope = np.where(agreed, m.terms[:, issues.index("scope")], 0.0)
    cols: dict[str, np.ndarray] = {
        "replicate": p.replicate.copy(),
        "agreed": agreed.copy(),
        "agreement_round": m.agreement_round.copy(),
        "outcome": outcome_class(agreed, scope, p.comprehensive_min, p.partial_min),
    }
    for k, issue in enumerate(issues):
        cols[f"terms_{issue}"] = m.terms[:, k].copy()
    for h, threat in enumerate(p.threat_ids):
        cols[f"threat_{threat}_called"] = m.threat_called[:, h].copy()
        cols[f"threat_{threat}_carried_out"] = m.threat_executed[:, h].copy()
    cols["days_survived"] = np.where(agreed, c.days_survived, -1)
    cols["collapsed"] = c.collapsed & agreed
    cols["survived"] = agreed & ~c.collapsed
    cols["first_violation_day"] = np.where(agreed, c.first_violation_day, -1)
    cols["first_violator"] = np.where(agreed, c.first_violator, -1)
    for j, party in enumerate(p.parties):
        cols[f"violations_{p.actor_ids[party]}"] = np.where(agreed, c.violations[:, j], 0)
    cols["extended"] = c.extended & agreed
    cols["monitoring"] = np.where(agreed, c.monitoring, np.nan)
    for j, party in enumerate(p.parties):
        cols[f"satisfaction_{p.actor_ids[party]}"] = np.where(agreed, c.satisfaction[:, j], np.nan)
    return cols


def wilson_interval(successes, n, z: float = 1.959964):
    """Wilson score interval for a binomial proportion (Wilson 1927): sound at 0 and n.

    Takes counts as numbers (returns two floats) or as arrays (returns two arrays, as
    sweep summaries need one interval per design point); NaN where n is 0.
    """
    k = np.asarray(successes, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        phat = k / n
        denom = 1 + z * z / n
        centre = (phat + z * z / (2 * n)) / denom
        half = z * np.sqrt(phat * (1 - phat) / n + z * z / (4 * n * n)) / denom
    lo = np.where(n > 0, np.maximum(0.0, centre - half), np.nan)
    hi = np.where(n > 0, np.minimum(1.0, centre + half), np.nan)
    if lo.ndim == 0:
        return (float(lo), float(hi))
    return lo, hi


def newcombe_difference(
    k1: int, n1: int, k2: int, n2: int, z: float = 1.959964
) -> tuple[float, float, float]:
    """Difference of two proportions p1 - p2 with Newcombe's hybrid score 95% interval.

    Newcombe (1998), 'Interval estimation for the difference between independent
    proportions', Stat. Med. 17, method 10: it combines the two Wilson intervals, so it
    stays inside [-1, 1] and behaves at 0 and n, where the Wald interval fails.
    """
    if n1 == 0 or n2 == 0:
        return (math.nan, math.nan, math.nan)
    p1, p2 = k1 / n1, k2 / n2
    l1, u1 = wilson_interval(k1, n1, z)
    l2, u2 = wilson_interval(k2, n2, z)
    d = p1 - p2
    lower = d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    upper = d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return (d, max(-1.0, lower), min(1.0, upper))


def welch_difference(
    a: np.ndarray, b: np.ndarray, z: float = 1.959964
) -> tuple[float, float, float]:
    """Difference of means mean(a) - mean(b) with a normal-approximation (Welch) 95%
    interval: unequal variances, large samples (each side needs two or more values)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if len(a) < 2 or len(b) < 2:
        return (math.nan, math.nan, math.nan)
    d = float(a.mean() - b.mean())
    se = math.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
    return (d, d - z * se, d + z * se)


def kaplan_meier(
    durations: np.ndarray, events: np.ndarray, horizon: int, z: float = 1.959964
) -> dict[str, np.ndarray]:
    """Kaplan-Meier survival over days 0..horizon with Greenwood's log-log 95% band.

    ``durations`` are days survived, ``events`` True where the ceasefire collapsed (False:
    still holding at the horizon, i.e. censored).
    """
    days = np.arange(horizon + 1)
    durations = np.asarray(durations, dtype=np.int64)
    events = np.asarray(events, dtype=bool)
    # a ceasefire that survived d days and then collapsed fails on day d + 1
    fail_day = np.where(events, durations + 1, horizon + 1)
    deaths = np.bincount(fail_day[events], minlength=horizon + 2)[: horizon + 1]
    at_risk = np.array([(np.where(events, fail_day, durations + 1) >= d).sum() for d in days])
    hazard = np.divide(deaths, at_risk, out=np.zeros(len(days)), where=at_risk > 0)
    survival = np.cumprod(1.0 - hazard)
    with np.errstate(divide="ignore", invalid="ignore"):
        gw = np.cumsum(
            np.divide(
                deaths,
                at_risk * (at_risk - deaths),
                out=np.zeros(len(days)),
                where=(at_risk - deaths) > 0,
            )
        )
        log_s = np.log(survival)
        se = np.sqrt(gw) / np.abs(log_s)
        lower = np.exp(-np.exp(np.log(-log_s) + z * se))
        upper = np.exp(-np.exp(np.log(-log_s) - z * se))
    lower = np.where(np.isfinite(lower), lower, survival)
    upper = np.where(np.isfinite(upper), upper, survival)
    return {"day": days, "survival": survival, "lower": lower, "upper": upper, "at_risk": at_risk}


def summarise(
    outcomes: dict[str, np.ndarray],
    start_date: dt.date,
    duration_days: int,
    issue_ids: tuple[str, ...],
    threat_ids: tuple[str, ...],
) -> dict:
    """The headline numbers of an ensemble, with Wilson intervals (summary.json)."""
    n = int(len(outcomes["agreed"]))
    agreed = outcomes["agreed"]
    n_agreed = int(agreed.sum())

    def share(mask: np.ndarray, of: int) -> dict:
        k = int(mask.sum())
        lo, hi = wilson_interval(k, of)
        return {"share": k / of if of else math.nan, "count": k, "n": of, "ci95": [lo, hi]}

    rounds = outcomes["agreement_round"][agreed]
    summary: dict = {
        "replicates": n,
        "agreement": share(agreed, n),
        "comprehensive": share(outcomes["outcome"] == 2, n),
        "partial": share(outcomes["outcome"] == 1, n),
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
        "survives_duration": share(outcomes["survived"][agreed], n_agreed),
        "extended": share(outcomes["extended"][agreed], n_agreed),
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


def day_text(day: dt.date) -> str:
    """'11 Mar 2025': how dates read in reports and on the dashboard."""
    return f"{day.day} {day:%b %Y}"


def talks_span(start: dt.date, rounds: int) -> str:
    """'61 rounds (round 0 on 11 Mar 2025 to round 60 on 10 May 2025)'.

    ``negotiation.rounds`` = T numbers the last round, and round 0 presents the opening
    proposal (docs/model.md, section 3), so there are T + 1 rounds of answers. The report
    and the dashboard both say it with this one phrase, so they cannot disagree.
    """
    end = start + dt.timedelta(days=rounds)
    first, last = day_text(start), day_text(end)
    return f"{rounds + 1} rounds (round 0 on {first} to round {rounds} on {last})"


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """'1 point', '16,384 points': a count with its noun in the right number."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"

"""The intervals users quote: Wilson, Newcombe, Welch, and Kaplan–Meier with Greenwood bands.

Pure functions of counts and samples; results, comparisons, sweep summaries and charts all
take their intervals from here.
"""

from __future__ import annotations

import math

import numpy as np


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
    return _km_curve(days, deaths, at_risk, z)


def survival_curve(
    times: np.ndarray, events: np.ndarray, horizon: int, z: float = 1.959964
) -> dict[str, np.ndarray]:
    """Kaplan–Meier S(t) = P(T > t) for t = 0..horizon, with Greenwood's log-log 95% band.

    ``times`` are the day of the event, or of censoring where ``events`` is False (a deal
    still in force at the horizon, a replicate with no deal by the horizon). An event at
    time t counts at t (S drops at t); a unit censored at t is at risk at t and leaves
    after it (Kaplan & Meier 1958; Greenwood 1926). ``at_risk[t]`` is the number still
    under observation at t.
    """
    days = np.arange(horizon + 1)
    times = np.clip(np.asarray(times, dtype=np.int64), 0, horizon)
    events = np.asarray(events, dtype=bool)
    deaths = np.bincount(times[events], minlength=horizon + 1)[: horizon + 1].astype(float)
    leaving = np.bincount(times, minlength=horizon + 1)[: horizon + 1]
    at_risk = len(times) - np.concatenate([[0], np.cumsum(leaving)[:-1]])
    return _km_curve(days, deaths, at_risk, z)


def cumulative_incidence(event_day: np.ndarray, horizon: int) -> dict[str, np.ndarray]:
    """P(event by day t) for t = 0..horizon, from a day per unit (-1: none by the horizon).

    Every unit without the event is censored at the horizon, the end of the calendar
    (administrative censoring): nothing is known of what would have happened after it. It
    is 1 - Kaplan–Meier (:func:`survival_curve`), with the band turned over; with every
    unit followed to the horizon it equals the empirical share with the event by t.
    """
    day = np.asarray(event_day, dtype=np.int64)
    happened = (day >= 0) & (day <= horizon)
    km = survival_curve(np.where(happened, day, horizon), happened, horizon)
    return {
        "day": km["day"],
        "incidence": 1.0 - km["survival"],
        "lower": 1.0 - km["upper"],
        "upper": 1.0 - km["lower"],
        "at_risk": km["at_risk"],
    }


def median_time(curve: dict[str, np.ndarray]) -> int | None:
    """The first day at which a survival curve reaches 0.5 or less (the KM median), or None
    when it never does within the horizon (fewer than half the units had the event)."""
    below = np.flatnonzero(curve["survival"] <= 0.5)
    return int(curve["day"][below[0]]) if len(below) else None


def _km_curve(days: np.ndarray, deaths: np.ndarray, at_risk: np.ndarray, z: float) -> dict:
    """Kaplan-Meier survival from deaths and numbers at risk per day, with Greenwood's
    log(-log) band: the one computation both curves above share."""
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

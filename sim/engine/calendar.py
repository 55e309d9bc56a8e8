"""Time is a calendar: the horizon of a run and the days on which the parties meet.

Model 2 replaces version 1's round counter (and the deadline it implied) by dated days
(MODEL.md section 4, "Meeting days"): a run covers the days from the scenario's
``start_date`` (day 0) to its ``end_date`` (inclusive); talks happen on the dated sessions
(Jeddah, 11 March, P5) and, on any other day, with a daily chance per replicate. Nothing here
reads the horizon except :func:`horizon` itself, so moving ``end_date`` changes nothing
before it (tests/behaviour/test_calendar.py).
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from sim.engine import rng


def default_end(start: dt.date) -> dt.date:
    """31 December of the start date's year (model2.md, ``[scenario] end_date``)."""
    return dt.date(start.year, 12, 31)


def horizon(start: dt.date, end: dt.date | None) -> int:
    """Number of days a run covers: day 0 = ``start`` to ``end`` inclusive (at least 1)."""
    end = default_end(start) if end is None else end
    return max((end - start).days + 1, 1)


def day_of(start: dt.date, date: dt.date) -> int:
    """Day offset of a calendar date (negative before the start)."""
    return (date - start).days


def dated_days(start: dt.date, dates: list[dt.date], days: int) -> np.ndarray:
    """(days,) bool: True on each day offset of ``dates`` inside [0, days)."""
    mask = np.zeros(days, dtype=bool)
    for d in dates:
        k = day_of(start, d)
        if 0 <= k < days:
            mask[k] = True
    return mask


def sessions_today(
    seed: int,
    replicate: np.ndarray,
    day: int,
    dated: bool,
    chance: np.ndarray,
    calendar_on: bool = True,
) -> np.ndarray:
    """(R,) bool: is there a session today in each replicate?

    A dated session is held in every replicate; on another day each replicate draws its own
    session with probability ``chance`` (stream "session", so a replicate's calendar does not
    depend on its batch). With the calendar switched off the parties meet every day (the
    version-1 rhythm of one round per day).
    """
    if dated or not calendar_on:
        return np.ones(replicate.shape[0], dtype=bool)
    return rng.uniform(seed, replicate, day, "session") < chance

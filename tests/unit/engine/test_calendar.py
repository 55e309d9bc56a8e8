"""The calendar: the horizon from the dates, dated sessions, daily session draws."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np

from sim.engine import calendar


def test_horizon_runs_from_the_start_to_the_end_date_inclusive():
    start = dt.date(2025, 3, 11)
    assert calendar.horizon(start, dt.date(2025, 3, 11)) == 1
    assert calendar.horizon(start, None) == (dt.date(2025, 12, 31) - start).days + 1 == 296
    assert calendar.horizon(start, dt.date(2025, 3, 1)) == 1  # never empty


def test_dated_days_mark_only_dates_inside_the_horizon():
    start = dt.date(2025, 3, 11)
    dates = [dt.date(2025, 3, 11), dt.date(2025, 3, 20), dt.date(2026, 1, 5), dt.date(2025, 3, 1)]
    mask = calendar.dated_days(start, dates, 30)
    assert np.flatnonzero(mask).tolist() == [0, 9]


def test_a_dated_session_is_held_everywhere_and_other_days_draw_their_chance():
    rep = np.arange(20_000)
    chance = np.full(rep.shape, 0.15)
    assert calendar.sessions_today(1, rep, 0, True, chance).all()
    drawn = calendar.sessions_today(1, rep, 5, False, chance)
    se = math.sqrt(0.15 * 0.85 / rep.size)
    assert abs(drawn.mean() - 0.15) < 4 * se
    # a replicate's draw does not depend on the batch it is drawn in
    alone = calendar.sessions_today(1, rep[[7, 19_999]], 5, False, chance[:2])
    assert alone.tolist() == drawn[[7, 19_999]].tolist()
    # switched off: a session every day
    assert calendar.sessions_today(1, rep, 5, False, chance, calendar_on=False).all()

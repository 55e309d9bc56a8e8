"""Reading the agreements table over the calendar: what is in force on each day, how long
deals last.

A row of the agreements table is in force from ``day_in_force`` (inclusive) to
``day_ended`` (exclusive), or to the end of the calendar when it has not ended
(``day_ended`` -1); a row that never entered into force (``day_in_force`` -1: pending, or
lapsed for want of an implementer's consent) is never in force. These functions count
replicates, not rows: a replicate with two unilateral truces on one day counts once.
"""

from __future__ import annotations

import numpy as np

from sim.engine.codes import EndReason

Columns = dict[str, np.ndarray]


def _replicate_index(agreements: Columns, replicates: np.ndarray) -> np.ndarray:
    """Each row's position in ``replicates`` (the outcomes table's replicate ids)."""
    ids = np.asarray(replicates, dtype=np.int64)
    order = np.argsort(ids, kind="stable")
    return order[np.searchsorted(ids[order], np.asarray(agreements["replicate"], dtype=np.int64))]


def covered_days(
    agreements: Columns,
    rows: np.ndarray,
    replicates: np.ndarray,
    horizon: int,
    agreed: bool = False,
) -> np.ndarray:
    """(R, horizon) True where a replicate has at least one of the chosen rows in force
    (``agreed``: agreed and not yet ended, whether in force or waiting for consent)."""
    rows = np.flatnonzero(np.asarray(rows, dtype=bool))
    first = agreements["day_agreed" if agreed else "day_in_force"][rows]
    rows, first = rows[first >= 0], first[first >= 0]
    end = agreements["day_ended"][rows]
    end = np.where(end >= 0, end, horizon)
    where = _replicate_index(agreements, replicates)[rows]
    steps = np.zeros((len(replicates), horizon + 1), dtype=np.int32)
    np.add.at(steps, (where, np.clip(first, 0, horizon)), 1)
    np.add.at(steps, (where, np.clip(end, 0, horizon)), -1)
    return np.cumsum(steps, axis=1)[:, :horizon] > 0


def in_force_shares(
    agreements: Columns, replicates: np.ndarray, horizon: int, tracks: int, agreed: bool = False
) -> np.ndarray:
    """(horizon, tracks + 1): share of replicates with a deal of each track in force each
    day; the last column is the unilateral truces (track -1)."""
    track = np.asarray(agreements["track"])
    out = np.empty((horizon, tracks + 1))
    for j in range(tracks + 1):
        code = j if j < tracks else -1
        out[:, j] = covered_days(agreements, track == code, replicates, horizon, agreed).mean(
            axis=0
        )
    return out


def any_in_force_share(agreements: Columns, replicates: np.ndarray, horizon: int) -> np.ndarray:
    """(horizon,): share of replicates with any deal or truce in force each day."""
    every = np.ones(len(agreements["track"]), dtype=bool)
    return covered_days(agreements, every, replicates, horizon).mean(axis=0)


def durations(agreements: Columns, horizon: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each row that entered into force: its days in force, whether it ended in a
    breakdown (the event), and the row index. Expiry at its term, replacement by a broader
    deal, and the end of the calendar end the observation without a breakdown (censored)."""
    rows = np.flatnonzero(agreements["day_in_force"] >= 0)
    start = agreements["day_in_force"][rows]
    end = agreements["day_ended"][rows]
    held = np.where(end >= 0, end, horizon) - start
    broke = agreements["end_reason"][rows] == EndReason.BREAKDOWN
    return held, broke, rows

"""The outcome columns of a model: one row per replicate (outputs contract, coord/model2.md).

Read from the deal book's agreements table and the final state of each block of
replicates. A replicate's row depends only on its own history, so the table of a batch is
the concatenation of the tables of its blocks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.engine.codes import Coverage, EndReason, Outcome, Side

if TYPE_CHECKING:
    from sim.engine.world import World

BIG = np.iinfo(np.int64).max


def _first(local: np.ndarray, day: np.ndarray, value: np.ndarray, R: int) -> tuple:
    """Per replicate, the smallest ``day`` among its rows and ``value`` of that row."""
    best = np.full(R, BIG, dtype=np.int64)
    np.minimum.at(best, local, day)
    hit = day == best[local]
    out = np.full(R, -1, dtype=np.int64)
    # the first row (in table order) on that day: write in reverse so the first wins
    idx = np.flatnonzero(hit)[::-1]
    out[local[idx]] = value[idx]
    return np.where(best == BIG, -1, best), out


def no_fronts(p) -> bool:
    """A case without fronts (plain bargaining, docs/scenarios.md): every deal counts as
    one, since there is no fighting for it to halt."""
    return len(p.front_ids) == 0


def world_outcomes(w: World) -> dict[str, np.ndarray]:
    p = w.p
    R = w.R
    table = w.book.table(with_row=True)
    local = table["row"]  # by row, not replicate id: a sweep chunk may hold an id twice
    side, coverage, track = table["side"], table["coverage"], table["track"]
    halts = np.zeros(track.shape, dtype=bool)
    on_track = track >= 0
    halts[on_track] = p.track_fronts[track[on_track]].any(axis=1) | no_fronts(p)
    deal = (side != Side.UNILATERAL) & halts
    agreed = table["day_agreed"]

    def first_of(mask, value=None):
        v = table["track"] if value is None else value
        return _first(local[mask], agreed[mask], v[mask], R)

    first_day, first_track = first_of(deal)
    first_partial, _ = first_of(deal & (coverage == Coverage.PARTIAL))
    first_comp, _ = first_of(deal & (coverage == Coverage.COMPREHENSIVE))
    outcome = np.where(
        first_comp >= 0,
        Outcome.COMPREHENSIVE,
        np.where(first_partial >= 0, Outcome.PARTIAL, Outcome.NONE),
    ).astype(np.int8)
    broke = table["end_reason"] == EndReason.BREAKDOWN
    _, first_by = _first(local[broke], table["day_ended"][broke], table["broken_by"][broke], R)
    cols: dict[str, np.ndarray] = {
        "replicate": p.replicate.copy(),
        "outcome": outcome,
        "first_deal_day": first_day,
        "first_partial_day": first_partial,
        "first_comprehensive_day": first_comp,
        "first_deal_track": first_track,
        "deals": np.bincount(local[side != Side.UNILATERAL], minlength=R).astype(np.int64),
        "unilateral_truces": np.bincount(local[side == Side.UNILATERAL], minlength=R).astype(
            np.int64
        ),
        "days_under_ceasefire": w.days_halted.copy(),
        "breakdowns": np.bincount(local[broke], minlength=R).astype(np.int64),
        "first_breakdown_by": first_by,
    }
    for f, front in enumerate(p.front_ids):
        cols[f"control_{front}"] = w.control[:, f].copy()
        cols[f"decided_day_{front}"] = w.decided_day[:, f].copy()
        cols[f"decided_by_{front}"] = w.decided_by[:, f].copy()
    for k, issue in enumerate(p.issue_ids):
        if p.issue_front[k] >= 0:
            cols[f"settled_{issue}"] = w.settled[:, k].copy()
    c = w.coercion
    for h, threat in enumerate(p.threat_ids):
        cols[f"threat_{threat}_called"] = c.called[:, h].copy()
        cols[f"threat_{threat}_carried_out"] = c.carried_out[:, h].copy()
    cols["walkouts"] = w.walkouts.copy()
    cols["sessions"] = w.sessions.copy()
    return cols


def concat(parts: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """Tables of consecutive blocks, joined (same columns in the same order)."""
    if len(parts) == 1:
        return parts[0]
    return {k: np.concatenate([t[k] for t in parts]) for k in parts[0]}

"""What a sweep stores per run: the model's outcomes plus a few counts over its agreements.

The headline measures of model 2 (sim.results.measures) need, besides the per-replicate
``outcomes`` of the engine, how many of a replicate's deals were partial, entered into
force, broke down or lapsed. Those come from the ``agreements`` table (one row per deal),
which is far larger than the outcomes (several deals per replicate, a column per issue and
party), so a part stores these counts per replicate instead of the table itself: about
four bytes a run, and every measure of a point is then a sum over its rows.

Only deals between the parties count (``side`` bilateral or multilateral), as in the
engine's own ``deals`` column; unilateral truces have their own count there.
"""

from __future__ import annotations

import numpy as np

from sim.engine.codes import Coverage, EndReason, Side

# column -> which agreements rows it counts (non-unilateral deals only)
AGREEMENT_COUNTS = {
    "deals_partial": lambda a: a["coverage"] == Coverage.PARTIAL,
    "deals_in_force": lambda a: a["day_in_force"] >= 0,
    "deals_broken_down": lambda a: a["end_reason"] == EndReason.BREAKDOWN,
    "deals_lapsed": lambda a: a["end_reason"] == EndReason.LAPSED,
}


class AmbiguousRows(ValueError):
    """Agreements name replicate ids that several rows of the model share."""


def agreement_rows(agreements: dict[str, np.ndarray], replicate: np.ndarray) -> np.ndarray:
    """The model row (0..R-1) of each agreement.

    The engine's ``row`` column when it gives one; otherwise the replicate id, looked up
    among the model's ids, which is only possible when no two rows share an id (in a sweep
    with common random numbers, a chunk spanning two points holds replicate j twice).
    """
    if "row" in agreements:
        return np.asarray(agreements["row"], dtype=np.int64)
    ids = np.asarray(replicate, dtype=np.int64)
    order = np.argsort(ids, kind="stable")
    if len(ids) > 1 and np.any(np.diff(ids[order]) == 0):
        raise AmbiguousRows("agreements name replicate ids shared by several model rows")
    where = np.searchsorted(ids[order], np.asarray(agreements["replicate"], dtype=np.int64))
    return order[where]


def agreement_counts(
    agreements: dict[str, np.ndarray], replicate: np.ndarray
) -> dict[str, np.ndarray]:
    """Per model row, the counts of :data:`AGREEMENT_COUNTS` (int64 arrays of len R)."""
    r = len(replicate)
    if not len(agreements.get("side", ())):
        return {name: np.zeros(r, dtype=np.int64) for name in AGREEMENT_COUNTS}
    row = agreement_rows(agreements, replicate)
    mutual = np.asarray(agreements["side"]) != Side.UNILATERAL
    return {
        name: np.bincount(row[mutual & np.asarray(hit(agreements), dtype=bool)], minlength=r)
        for name, hit in AGREEMENT_COUNTS.items()
    }


def replicate_rows(model) -> dict[str, np.ndarray]:
    """A finished model's outcomes with the agreement counts beside them, row for row."""
    outcomes = model.outcomes()
    return outcomes | agreement_counts(model.agreements(), outcomes["replicate"])


def shares_ids(replicate: np.ndarray) -> bool:
    """Whether two runs of a chunk share a replicate id (and so its random draws)."""
    return len(np.unique(replicate)) < len(replicate)

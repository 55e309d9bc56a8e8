"""The agreements table: one row per deal, appended as deals are made, never removed.

Kept apart from the deal book (:mod:`sim.engine.deals`), which writes it, so that the book
reads as the rules and this as the storage: preallocated column arrays whose capacity
doubles when full (a run makes an unknown number of deals; appending to Python lists per
deal would cost far more than the few copies doubling makes). The columns are those of the
outputs contract (coord/model2.md, ``model.agreements()``).
"""

from __future__ import annotations

import numpy as np

LIVE = -1  # end_reason of a row whose deal has not ended (censored when the table is read)

# Column -> fill value of an empty row. Codes are int64 (as npz files store them);
# violations (one per party) and terms (one per issue) are 2-d and named by ``table``.
COLUMNS = {
    "replicate": -1,
    "row": -1,  # the replicate's row in the block: the table's order, not an output column
    "track": -1,
    "declared_by": -1,
    "side": -1,
    "coverage": -1,
    "deal_class": -1,
    "purpose": -1,
    "mediated": False,
    "day_agreed": -1,
    "day_in_force": -1,
    "term_days": 0,
    "day_ended": -1,
    "end_reason": LIVE,
    "broken_by": -1,
    "extensions": 0,
    "violations": 0,
    "terms": np.nan,
}


class Agreements:
    """Column arrays of ``capacity`` rows, of which the first ``n`` hold deals."""

    def __init__(self, parties: int, issues: int, capacity: int = 1024) -> None:
        self.n = 0
        self.capacity = max(int(capacity), 1)
        self.width = {"violations": parties, "terms": issues}
        self.columns = {c: self._empty(c, self.capacity) for c in COLUMNS}

    def _empty(self, column: str, rows: int) -> np.ndarray:
        fill = COLUMNS[column]
        shape = (rows, self.width[column]) if column in self.width else (rows,)
        dtype = float if isinstance(fill, float) else type(fill)
        return np.full(shape, fill, dtype=dtype)

    def append(self, count: int) -> np.ndarray:
        """Indices of ``count`` new empty rows (the capacity doubles until they fit)."""
        if self.n + count > self.capacity:
            capacity = self.capacity
            while capacity < self.n + count:
                capacity *= 2
            for c, old in self.columns.items():
                grown = self._empty(c, capacity)
                grown[: self.capacity] = old
                self.columns[c] = grown  # the same dict: holders of it see the new arrays
            self.capacity = capacity
        rows = np.arange(self.n, self.n + count)
        self.n += count
        return rows

    def table(
        self,
        end_reason: np.ndarray,
        party_names: tuple[str, ...],
        issue_names: tuple[str, ...],
        with_row: bool = False,
    ) -> dict[str, np.ndarray]:
        """Copies of the filled rows, ordered by replicate (then by the replicate's row in
        the block, stably), with ``end_reason`` (n,).

        Ordering by replicate makes the table of a batch the concatenation of the tables of
        its contiguous chunks, whatever order the deals were made in; the row tells apart
        two runs with the same replicate id (a sweep chunk with common random numbers across
        design points). ``with_row`` keeps that row column (the block's outcomes count
        deals by row, not by replicate id).
        """
        n = self.n
        order = np.lexsort((self.columns["row"][:n], self.columns["replicate"][:n]))
        hidden = {*self.width} if with_row else {*self.width, "row"}
        out = {c: v[:n][order] for c, v in self.columns.items() if c not in hidden}
        out["end_reason"] = np.asarray(end_reason)[order]
        for j, name in enumerate(party_names):
            out[f"violations_{name}"] = self.columns["violations"][:n, j][order]
        for k, name in enumerate(issue_names):
            out[f"term_{name}"] = self.columns["terms"][:n, k][order]
        return out


NEVER = 2**62  # the day of an event that does not happen


class Schedule:
    """The day on which something falls due for each entry of an (R, ...) array.

    With the soonest day per replicate, the day's check is one comparison per replicate
    and a look at the few that are due, not a pass over every slot of every replicate.
    The soonest day may be stale-early (the entry was cleared): a due check then finds
    nothing and ``refresh`` corrects it.
    """

    def __init__(self, shape: tuple[int, ...]) -> None:
        self.day = np.full(shape, NEVER, dtype=np.int64)
        self.soonest = np.full(shape[0], NEVER, dtype=np.int64)
        self._looked = np.empty(0, dtype=np.int64)

    def set(self, index: tuple, days: np.ndarray, unique: bool = False) -> None:
        """Set the due days at ``index`` (its first array the replicates, broadcast).

        ``unique``: the replicates of ``index[0]`` (one per row of ``days``) do not repeat.
        """
        days = np.asarray(days, dtype=np.int64)
        self.day[index] = days
        r = np.asarray(index[0])
        if r.size == 0:
            return
        if unique:
            r = r.ravel()
            self.soonest[r] = np.minimum(self.soonest[r], days.reshape(r.size, -1).min(axis=1))
            return
        r = np.broadcast_to(r, np.broadcast_shapes(r.shape, days.shape))
        np.minimum.at(self.soonest, r.ravel(), np.broadcast_to(days, r.shape).ravel())

    def due(self, day: int) -> tuple[np.ndarray, ...]:
        """Indices (replicate, ...) of the entries due on or before ``day``."""
        r = self._looked = np.flatnonzero(self.soonest <= day)
        hit = np.nonzero(self.day[r] <= day)
        return (r[hit[0]], *hit[1:])

    def refresh(self) -> None:
        """Recompute the soonest day of the replicates ``due`` looked at, once handled."""
        r = self._looked
        if r.size:
            self.soonest[r] = self.day[r].reshape(r.size, -1).min(axis=1)

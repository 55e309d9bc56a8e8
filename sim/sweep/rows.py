"""What a sweep stores per run: the model's outcomes plus the counts behind every measure.

The headline measures of model 2 (:mod:`sim.results.measures`) are shares among
replicates or among deals; the latter need the ``agreements`` table (one row per deal),
far larger than the outcomes. A part stores instead, per run, each measure's hits and base
(:func:`sim.results.measures.replicate_counts`): a few bytes a run, and any measure of a
design point is then an exact sum over its rows, equal to the share a run reports.

With common random numbers a chunk that spans two design points holds replicate j twice,
so the agreements' replicate ids cannot say whose deal a row is. The engine orders each
block's agreements by replicate id and then by row, and every run has ``deals +
unilateral_truces`` rows in it, so the rows are the runs' counts laid end to end in that
order; that is checked against the ids, and a table that fails the check is refused
(:class:`AmbiguousRows`), never guessed at.
"""

from __future__ import annotations

import numpy as np

from sim.results.measures import replicate_counts


class AmbiguousRows(ValueError):
    """The agreements table cannot be laid against the model's runs row for row."""


def shares_ids(replicate: np.ndarray) -> bool:
    """Whether two runs of a chunk share a replicate id (and so their random draws)."""
    return len(np.unique(replicate)) < len(replicate)


def agreement_rows(outcomes: dict, agreements: dict, blocks: list[int]) -> np.ndarray:
    """The model row of each agreements row, from the runs' deal counts (see above).

    ``blocks`` are the sizes of the model's blocks of rows, in order: the table is the
    blocks' tables end to end, each ordered by replicate id and, within an id, by row.
    """
    per_run = np.asarray(outcomes["deals"]) + np.asarray(outcomes["unilateral_truces"])
    ids = np.asarray(outcomes["replicate"])
    rows, lo = [], 0
    for size in blocks:
        order = lo + np.argsort(ids[lo : lo + size], kind="stable")
        rows.append(np.repeat(order, per_run[order]))
        lo += size
    rows = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    named = np.asarray(agreements["replicate"])
    if lo != len(ids) or len(rows) != len(named) or not np.array_equal(ids[rows], named):
        raise AmbiguousRows("the agreements table is not in the order of the model's runs")
    return rows


def replicate_rows(model) -> dict[str, np.ndarray]:
    """A finished model's outcomes with each measure's per-run hits and base beside them.

    Where runs share replicate ids, the measures are counted with each run's replicate id
    replaced by its row (the same table, told apart by :func:`agreement_rows`).
    """
    outcomes, agreements = model.outcomes(), model.agreements()
    ids = np.asarray(outcomes["replicate"])
    if not shares_ids(ids):
        return outcomes | replicate_counts(outcomes, agreements)
    rows = agreement_rows(outcomes, agreements, [w.R for w in model.worlds])
    counts = replicate_counts(
        outcomes | {"replicate": np.arange(len(ids))}, agreements | {"replicate": rows}
    )
    return outcomes | counts | {"replicate": ids}

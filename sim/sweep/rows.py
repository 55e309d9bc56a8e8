"""What a sweep stores per run: the model's outcomes plus the counts behind every measure.

The headline measures of model 2 (:mod:`sim.results.measures`) are shares among
replicates or among deals; the latter need the ``agreements`` table (one row per deal),
far larger than the outcomes. A part stores instead, per run, each measure's hits and base
(:func:`sim.results.measures.replicate_counts`): a few bytes a run, and any measure of a
design point is then an exact sum over its rows, equal to the share a run reports.
"""

from __future__ import annotations

import numpy as np

from sim.results.measures import replicate_counts


def replicate_rows(model) -> dict[str, np.ndarray]:
    """A finished model's outcomes with each measure's per-run hits and base beside them."""
    outcomes = model.outcomes()
    return outcomes | replicate_counts(outcomes, model.agreements())


def shares_ids(replicate: np.ndarray) -> bool:
    """Whether two runs of a chunk share a replicate id (and so their random draws): the
    agreements table names its rows by replicate id, so their deals would be confused."""
    return len(np.unique(replicate)) < len(replicate)

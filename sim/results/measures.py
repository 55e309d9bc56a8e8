"""The outcome measures: the shares every summary, comparison, sweep table and chart reports.

Each measure is a count of replicates among a base (all replicates, or the agreed ones),
defined once here. ``summary.json`` (``key``), sweep summaries (``column``), comparison
tables and chart legends (``label``) all name them from this table, so the four can never
disagree about what "P(partial ceasefire)" counts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from sim.engine.codes import Outcome

Columns = dict[str, np.ndarray]


@dataclass(frozen=True)
class Measure:
    key: str  # summary.json
    column: str  # sweep summary.csv / summary.parquet
    label: str  # tables and chart legends
    hit: Callable[[Columns], np.ndarray]  # per replicate: counted?
    among_agreed: bool = False  # base: the agreed replicates instead of all

    def base(self, outcomes: Columns) -> np.ndarray:
        """Which replicates the share is taken among."""
        agreed = np.asarray(outcomes["agreed"], dtype=bool)
        return agreed if self.among_agreed else np.ones_like(agreed)

    def count(self, outcomes: Columns) -> tuple[int, int]:
        """(successes, trials) over all replicates of a run."""
        base = self.base(outcomes)
        return int((np.asarray(self.hit(outcomes), dtype=bool) & base).sum()), int(base.sum())


AGREEMENT = Measure("agreement", "p_agreement", "P(agreement)", lambda o: o["agreed"])
COMPREHENSIVE = Measure(
    "comprehensive",
    "p_comprehensive",
    "P(comprehensive ceasefire)",
    lambda o: o["outcome"] == Outcome.COMPREHENSIVE,
)
PARTIAL = Measure(
    "partial", "p_partial", "P(partial ceasefire)", lambda o: o["outcome"] == Outcome.PARTIAL
)
SURVIVES = Measure(
    "survives_duration",
    "p_survives",
    "P(ceasefire survives | agreed)",
    lambda o: o["survived"],
    among_agreed=True,
)
EXTENDED = Measure(
    "extended", "p_extended", "P(extended | agreed)", lambda o: o["extended"], among_agreed=True
)

SHARES = (AGREEMENT, COMPREHENSIVE, PARTIAL)  # among all replicates
MEASURES = (*SHARES, SURVIVES)  # what a sweep summarises per point and charts draw


def survives_label(duration_days: int) -> str:
    """The survival measure with the run's duration spelled out (comparison tables)."""
    return f"P(holds {duration_days} days | agreed)"

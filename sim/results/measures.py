"""The headline measures of model 2: what every summary, comparison, sweep table and chart reports.

A model-2 run has two tables (docs/model.md, 'Outputs'): ``outcomes``, one row per
replicate, and ``agreements``, one row per deal. A share is a count of hits among a base;
the base is either the replicates or the deals (bilateral and multilateral: unilateral
truces are gestures, not agreements, and are counted apart). Each measure is defined once
here, as per-replicate hits and bases, so a sweep that keeps only per-replicate columns
(:func:`replicate_counts`) adds them up to exactly the share a run reports.
``summary.json`` (``key``), sweep summaries (``column``), comparison tables and chart
legends (``label``) all name the measures from this table.

"Within 30 days" counts a first deal agreed on day 0..30 (day 0 is the start date).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from sim.engine.codes import Coverage, EndReason, Outcome, Side

Columns = dict[str, np.ndarray]
Counts = tuple[np.ndarray, np.ndarray]  # per replicate: hits, base


def deal_rows(agreements: Columns) -> np.ndarray:
    """Which agreement rows are deals (bilateral or multilateral), not unilateral truces."""
    return np.asarray(agreements["side"]) != Side.UNILATERAL


def per_replicate(agreements: Columns, rows: np.ndarray, replicates: np.ndarray) -> np.ndarray:
    """How many of the chosen agreement rows each replicate holds, in ``replicates`` order."""
    ids = np.asarray(replicates, dtype=np.int64)
    rep = np.asarray(agreements["replicate"], dtype=np.int64)[np.asarray(rows, dtype=bool)]
    order = np.argsort(ids, kind="stable")
    where = np.searchsorted(ids[order], rep)
    counts = np.bincount(order[where], minlength=len(ids)) if len(rep) else np.zeros(len(ids))
    return counts.astype(np.int64)


def _replicate_share(hit: Callable[[Columns], np.ndarray]) -> Callable[..., Counts]:
    def counts(outcomes: Columns, agreements: Columns | None = None) -> Counts:
        h = np.asarray(hit(outcomes), dtype=bool)
        return h.astype(np.int64), np.ones(len(h), dtype=np.int64)

    return counts


def _deal_share(hit: Callable[[Columns], np.ndarray]) -> Callable[..., Counts]:
    def counts(outcomes: Columns, agreements: Columns | None = None) -> Counts:
        if agreements is None:
            raise ValueError("this measure is a share of deals: it needs the agreements table")
        deals = deal_rows(agreements)
        hits = deals & np.asarray(hit(agreements), dtype=bool)
        reps = outcomes["replicate"]
        return per_replicate(agreements, hits, reps), per_replicate(agreements, deals, reps)

    return counts


def _first_deal_by(day: int) -> Callable[[Columns], np.ndarray]:
    return lambda o: (o["first_deal_day"] >= 0) & (o["first_deal_day"] <= day)


@dataclass(frozen=True)
class Measure:
    key: str  # summary.json
    column: str  # sweep summary.csv / summary.parquet
    label: str  # tables and chart legends
    counts: Callable[..., Counts]  # (outcomes, agreements) -> per-replicate hits, base
    of: str = "replicates"  # what the base counts: "replicates" or "deals"

    def count(self, outcomes: Columns, agreements: Columns | None = None) -> tuple[int, int]:
        """(successes, trials) over a whole run."""
        hits, base = self.counts(outcomes, agreements)
        return int(hits.sum()), int(base.sum())


DEAL_30 = Measure(
    "deal_by_30", "p_deal_30", "P(first deal within 30 days)", _replicate_share(_first_deal_by(30))
)
DEAL_90 = Measure(
    "deal_by_90", "p_deal_90", "P(first deal within 90 days)", _replicate_share(_first_deal_by(90))
)
DEAL = Measure(
    "deal",
    "p_deal",
    "P(any deal by the horizon)",
    _replicate_share(lambda o: o["first_deal_day"] >= 0),
)
COMPREHENSIVE = Measure(
    "comprehensive",
    "p_comprehensive",
    "P(comprehensive ceasefire)",
    _replicate_share(lambda o: o["outcome"] == Outcome.COMPREHENSIVE),
)
PARTIAL_DEALS = Measure(
    "partial_share",
    "share_partial",
    "share of deals partial",
    _deal_share(lambda a: a["coverage"] == Coverage.PARTIAL),
    of="deals",
)
BREAKDOWN = Measure(
    "breakdown",
    "p_breakdown",
    "P(deal breaks down | agreed)",
    _deal_share(lambda a: a["end_reason"] == EndReason.BREAKDOWN),
    of="deals",
)

SHARES = (DEAL_30, DEAL_90, DEAL, COMPREHENSIVE)  # among all replicates: outcomes alone
DEAL_SHARES = (PARTIAL_DEALS, BREAKDOWN)  # among deals: need the agreements table
MEASURES = (*SHARES, *DEAL_SHARES)  # what a sweep summarises per point and charts draw


def replicate_counts(outcomes: Columns, agreements: Columns) -> Columns:
    """Per replicate, the hits and base of every measure (``<column>_hits``, ``_base``),
    and its days under ceasefire: what a sweep stores to add up any measure exactly."""
    out: Columns = {"replicate": np.asarray(outcomes["replicate"])}
    for m in MEASURES:
        out[f"{m.column}_hits"], out[f"{m.column}_base"] = m.counts(outcomes, agreements)
    out["days_under_ceasefire"] = np.asarray(outcomes["days_under_ceasefire"])
    out["first_deal_day"] = np.asarray(outcomes["first_deal_day"])
    return out


def first_deal_days(outcomes: Columns) -> np.ndarray:
    """Days to the first deal among the replicates that had one (uncensored)."""
    day = np.asarray(outcomes["first_deal_day"])
    return day[day >= 0]


def agreed_terms(agreements: Columns, issue: str) -> np.ndarray:
    """The terms agreed on an issue, over the deals (not unilateral truces) deciding it."""
    if not len(agreements.get("replicate", ())):
        return np.zeros(0)
    terms = np.asarray(agreements[f"term_{issue}"], dtype=float)
    return terms[deal_rows(agreements) & np.isfinite(terms)]

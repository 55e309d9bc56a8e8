"""The risks a ceasefire in force runs each day: violations, breakdown, strategic defection.

MODEL.md section 6. Small pure rules over arrays of live deals (one entry per deal, or per
deal and party); :mod:`sim.engine.deals` keeps the book and calls them.

- **Violations** (Fortna, "Peace Time", 2004; Clayton, Nygard, Rustad & Strand, ETH/PRIO Civil
  Conflict Ceasefire Dataset, 2023). Party j violates a deal on a day with the rate
      v = violation_rate x f_class x f_coverage x f_side x (1 - d_m m) x (1 - d_g g)
          x (1 + elapsed / s) ** -decay
  so partial and unilateral deals are more fragile, compliance mechanisms and definitive terms
  less, and every deal most fragile in its first days (the data's breakdown hazard falls by
  two orders of magnitude over a year). ``m`` is the monitoring the agreed terms provide for:
  min(1, agreed monitoring term x (1 + supporters' monitoring capacity)) -- monitors deploy
  only to the extent the parties accepted them (issue 13). ``g`` is the supporters'
  guarantee, counted only when a guarantor commits, which it does (the simple rule) only to a
  deal with compliance mechanisms: min(1, sum of guarantees) if the class is compliance or
  definitive, else 0.
- **Breakdown** when a violation is major (chance ``major_share``) or the violations of all
  parties together exceed ``violation_tolerance``.
- **Strategic defection** (the commitment problem: Fearon 1995; Powell 2006): a committed
  party whose expected gain from resuming on the covered fronts exceeds the cost of being
  blamed breaks the deal with the rate defection_rate x max(0, gain - blame), blame =
  blame_cost x (m + g): monitoring attributes a breach, a guarantor punishes it.

Rates are per day; the day's chance is 1 - exp(-rate).
"""

from __future__ import annotations

import numpy as np

from sim.engine import rng
from sim.engine.codes import Coverage, DealClass, Side

# The [implementation] settings the deal book reads (sim/scenario/settings.py documents each
# with its source); every one is an (R,) array, one value per replicate.
DEAL_SETTINGS = (
    "lapse_days",
    "consent_chance",
    "violation_rate",
    "violation_settle_days",
    "violation_decay",
    "partial_factor",
    "unilateral_factor",
    "multilateral_factor",
    "compliance_factor",
    "definitive_factor",
    "monitoring_effect",
    "guarantee_effect",
    "major_share",
    "violation_tolerance",
    "defection_rate",
    "blame_cost",
)


def daily_chance(rate: np.ndarray) -> np.ndarray:
    """The chance of at least one event in a day at a constant daily rate."""
    return -np.expm1(-np.maximum(rate, 0.0))


def deal_class(
    terms: np.ndarray,
    monitoring_issue: int,
    compliance_min: np.ndarray | float,
    definitive_issue: int,
    definitive_min: np.ndarray | float,
) -> np.ndarray:
    """Class of each deal from its agreed terms (M, K), NaN where the track decides nothing.

    Definitive if the definitive issue (the link to a settlement) is agreed at or above its
    minimum, else compliance if the monitoring issue is, else bare (the ETH/PRIO classes, as
    [outcomes] defines them for the scenario).
    """
    cls = np.full(terms.shape[0], int(DealClass.BARE), dtype=np.int64)
    with np.errstate(invalid="ignore"):
        if monitoring_issue >= 0:
            cls[terms[:, monitoring_issue] >= compliance_min] = DealClass.COMPLIANCE
        if definitive_issue >= 0:
            cls[terms[:, definitive_issue] >= definitive_min] = DealClass.DEFINITIVE
    return cls


def monitoring_level(
    terms: np.ndarray, monitoring_issue: int, capacity: np.ndarray | float
) -> np.ndarray:
    """m = min(1, agreed monitoring x (1 + supporters' capacity)); 0 if the deal sets none."""
    if monitoring_issue < 0:
        return np.zeros(terms.shape[0])
    agreed = np.nan_to_num(terms[:, monitoring_issue], nan=0.0)
    return np.minimum(1.0, agreed * (1.0 + capacity))


def guarantee_level(cls: np.ndarray, guarantee: np.ndarray | float) -> np.ndarray:
    """g = min(1, guarantees) where a guarantor commits (a deal with compliance mechanisms)."""
    committed = cls != DealClass.BARE
    return np.where(committed, np.minimum(1.0, guarantee), 0.0)


def violation_scale(
    s: dict[str, np.ndarray],
    cls: np.ndarray,
    coverage: np.ndarray,
    side: np.ndarray,
    monitoring: np.ndarray,
    guarantee: np.ndarray,
) -> np.ndarray:
    """Each party's daily violation rate on the first day in force (before settling in).

    ``s`` holds the settings gathered to the deals' replicates, each (M,).
    """
    f_class = np.select(
        [cls == DealClass.COMPLIANCE, cls == DealClass.DEFINITIVE],
        [s["compliance_factor"], s["definitive_factor"]],
        1.0,
    )
    f_coverage = np.where(coverage == Coverage.PARTIAL, s["partial_factor"], 1.0)
    f_side = np.select(
        [side == Side.UNILATERAL, side == Side.MULTILATERAL],
        [s["unilateral_factor"], s["multilateral_factor"]],
        1.0,
    )
    deterred = (1.0 - s["monitoring_effect"] * monitoring) * (
        1.0 - s["guarantee_effect"] * guarantee
    )
    return s["violation_rate"] * f_class * f_coverage * f_side * deterred


def settling(elapsed: np.ndarray, settle_days: np.ndarray, decay: np.ndarray) -> np.ndarray:
    """(1 + elapsed / s) ** -decay: a new deal is most fragile on its first day (elapsed 0)."""
    return (1.0 + elapsed / settle_days) ** -decay


def blame(blame_cost: np.ndarray, monitoring: np.ndarray, guarantee: np.ndarray) -> np.ndarray:
    """The cost of being caught breaking a deal: monitors attribute it, guarantors punish it."""
    return blame_cost * (monitoring + guarantee)


def defection_hazard(rate: np.ndarray, gain: np.ndarray, blame_: np.ndarray) -> np.ndarray:
    """rate x max(0, gain - blame): only a party that expects to gain more than it loses."""
    return rate * np.maximum(0.0, gain - blame_)


def first_by_draw(trigger: np.ndarray, draw: np.ndarray) -> np.ndarray:
    """Per row, the column of the triggering entry with the smallest draw (-1 if none).

    Who broke a deal when several parties did so the same day: the one whose event came
    first, read off its uniform draw, so the choice is a pure function of the coordinates.
    """
    keyed = np.where(trigger, draw, np.inf)
    return np.where(trigger.any(axis=1), np.argmin(keyed, axis=1), -1)


def one_day(
    coords: tuple,
    s: dict[str, np.ndarray],
    rate: np.ndarray,
    elapsed: np.ndarray,
    violations: np.ndarray,
    committed: np.ndarray,
    gain: np.ndarray | None,
    blame: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """One day of risks for L live deals: (violations today (L, P), who broke each, or -1).

    ``coords`` = (seed, replicate (L, 1), day, party actor ids (1, P), slot (L, 1)) address the
    draws; ``rate`` (L,) is the first-day violation rate, ``violations`` (L, P) the count so
    far, ``committed`` (L, P) who may defect, ``gain`` (L, P) the gain from resuming on the
    covered fronts (None: no defection), ``blame`` (L,). Who broke it: a defector first (a
    deliberate act), else a major violator, else the violator whose incident took the count
    past the tolerance.
    """
    today = rate * settling(elapsed, s["violation_settle_days"], s["violation_decay"])
    u_violate = rng.uniform(*coords[:3], "violate", *coords[3:])
    violates = u_violate < daily_chance(today)[:, None]
    u_major = rng.uniform(*coords[:3], "major", *coords[3:])
    major = violates & (u_major < s["major_share"][:, None])
    over = (violations + violates).sum(axis=1) > s["violation_tolerance"]
    trigger = np.where(major.any(axis=1)[:, None], major, violates & over[:, None])
    by = first_by_draw(trigger, u_violate)
    if gain is not None:
        hazard = defection_hazard(s["defection_rate"][:, None], gain, blame[:, None])
        u_defect = rng.uniform(*coords[:3], "defect", *coords[3:])
        defects = committed & (u_defect < daily_chance(hazard))
        by = np.where(defects.any(axis=1), first_by_draw(defects, u_defect), by)
    return violates, by

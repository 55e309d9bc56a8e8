"""The risks a ceasefire in force runs each day: violations, breakdown, strategic defection.

MODEL.md section 6. Small pure rules over arrays of live deals (one entry per deal, or per
deal and party); :mod:`sim.engine.deals` keeps the book and calls them.

- **Violations** (Fortna, "Peace Time", 2004; Clayton, Nygard, Rustad & Strand, ETH/PRIO Civil
  Conflict Ceasefire Dataset, 2023). Party j violates a deal at the rate, t days in force,
      v(t) = v0 x f_class x f_coverage x f_side x (1 - d_m m) x (1 - d_g g) x (1 + t / s) ** -decay
  with v0 set so that a reference deal expects ``violation_rate`` violations on its first
  day, so partial and unilateral deals are more fragile, compliance mechanisms and definitive terms
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
  party whose net gain from resuming exceeds the cost of being blamed breaks the deal with
  the rate defection_rate x max(0, gain - blame), blame = blame_cost x (m + g): monitoring
  attributes a breach, a guarantor punishes it. The gain is minus the value of keeping the
  deal, by the terms the party accepted it on (:mod:`sim.engine.defection`): advance
  forgone less the war costs and sanctions it would pay over the rest of the pause, less
  what the deal's issue terms give it.

Both are drawn as **times to event**, not as a draw per deal and day. Violations, whose
cumulative hazard has a closed form, get the time of the next one by inversion when a deal
enters into force and after each violation (at most one a day per party: the next is drawn
from the end of that day). Defection, whose rate moves with the battlefield, gets a unit
exponential of cumulative hazard that the daily rates use up: the same law as a daily draw
with chance 1 - exp(-rate). The day's violation work is thus proportional to the
violations, not to the deals in force.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.engine import kernels, rng
from sim.engine.agreements import NEVER
from sim.engine.codes import DealClass

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
if TYPE_CHECKING:
    from sim.engine.deals import DealBook


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


def factor_tables(s: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Per replicate, the violation-rate factors indexed by code (built once per book).

    ``violation_rate`` is the expected number over the first day of the reference deal, so
    its v0 = violation_rate / ``first_day``, Lambda(1) at a unit rate.
    """
    one = np.ones_like(s["violation_rate"])
    return {
        "rate": s["violation_rate"],
        "first_day": cumulative_violations(
            1.0, 1.0, s["violation_settle_days"], s["violation_decay"]
        ),
        "class": np.stack([one, s["compliance_factor"], s["definitive_factor"]], axis=1),
        "coverage": np.stack([s["partial_factor"], one], axis=1),  # Coverage codes
        "side": np.stack([s["unilateral_factor"], one, s["multilateral_factor"]], axis=1),
        "monitoring": s["monitoring_effect"],
        "guarantee": s["guarantee_effect"],
    }


def violation_scale(
    f: dict[str, np.ndarray],
    r: np.ndarray,
    cls: np.ndarray,
    coverage: np.ndarray,
    side: np.ndarray,
    monitoring: np.ndarray,
    guarantee: np.ndarray,
) -> np.ndarray:
    """Each party's violation rate v0 at entry into force of deals in replicates ``r``.

    v0 x f_class x f_coverage x f_side x (1 - d_m m) x (1 - d_g g), from ``factor_tables``.
    """
    deterred = (1.0 - f["monitoring"][r] * monitoring) * (1.0 - f["guarantee"][r] * guarantee)
    v0 = f["rate"][r] / f["first_day"][r]
    return v0 * f["class"][r, cls] * f["coverage"][r, coverage] * f["side"][r, side] * deterred


def settling(elapsed: np.ndarray, settle_days: np.ndarray, decay: np.ndarray) -> np.ndarray:
    """(1 + t / s) ** -decay: a new deal is most fragile in its first hours (t = 0)."""
    return (1.0 + elapsed / settle_days) ** -decay


def cumulative_violations(t, rate, settle_days, decay) -> np.ndarray:
    """Lambda(t): the expected violations by day t in force, the integral of rate x settling."""
    one = np.abs(1.0 - decay) < 1e-9
    k = np.where(one, 1.0, 1.0 - decay)
    x = 1.0 + t / settle_days
    return rate * settle_days * np.where(one, np.log(x), (x**k - 1.0) / k)


def violation_time(target, rate, settle_days, decay) -> np.ndarray:
    """The t with Lambda(t) = target (inf if the rate is 0 or Lambda never gets there)."""
    one = np.abs(1.0 - decay) < 1e-9
    k = np.where(one, 1.0, 1.0 - decay)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        y = target / (rate * settle_days)
        base = 1.0 + k * y
        x = np.where(one, np.exp(y), np.where(base > 0, base ** (1.0 / k), np.inf))
        t = settle_days * (x - 1.0)
    return np.where((rate > 0) & np.isfinite(t), t, np.inf)


def day_of(since: np.ndarray, t: np.ndarray) -> np.ndarray:
    """The day an event at time t in force falls on (t in (k - 1, k] is day since + k)."""
    return since + np.ceil(np.minimum(t, NEVER - since - 1)).astype(np.int64)


def exponential(u: np.ndarray) -> np.ndarray:
    """A unit exponential from a uniform: the hazard an event needs before it happens."""
    return -np.log(u)


def blame(blame_cost: np.ndarray, monitoring: np.ndarray, guarantee: np.ndarray) -> np.ndarray:
    """The cost of being caught breaking a deal: monitors attribute it, guarantors punish it."""
    return blame_cost * (monitoring + guarantee)


def defection_hazard(rate: np.ndarray, gain: np.ndarray, blame_: np.ndarray) -> np.ndarray:
    """rate x max(0, gain - blame): only a party that expects to gain more than it loses."""
    return rate * np.maximum(0.0, gain - blame_)


def first_per_deal(key: np.ndarray, priority: np.ndarray, when: np.ndarray) -> np.ndarray:
    """Index of the first candidate of each deal (``key``): lowest priority, then earliest.

    Who broke a deal when several parties did so the same day: a defector before a violator
    (a deliberate act), then the one whose event came first in the day.
    """
    order = np.lexsort((when, priority, key))
    return order[np.unique(key[order], return_index=True)[1]]


# --- the day's risks, over the book's arrays ----------------------------------------------


def violations_today(book: DealBook, day: int) -> tuple[np.ndarray, ...]:
    """Count today's violations; draw each violator's next; return the deal breakers.

    A violation is major with chance ``major_share``; a deal breaks down on a major one or
    when all parties' violations exceed ``violation_tolerance``. Returned: replicate,
    slot, party position, priority 1 and time in force of each breaking violation.
    """
    r, slot, j = book.violation_due.due(day)
    rate = _violation_rate(book, r, slot)
    rows = book.row[r, slot]
    book.agreements.columns["violations"][rows, j] += 1  # (row, party) pairs are distinct
    at = book.violation_at[r, slot, j]
    coords = (book.seed, book.replicate[r], day)
    major = rng.uniform(*coords, "major", book.parties[j], slot)
    major = major < book.settings["major_share"][r]
    total = book.agreements.columns["violations"][rows].sum(axis=1)
    breaks = major | (total > book.settings["violation_tolerance"][r])
    # the next violation: at most one a day, so counted from the end of this day
    elapsed = day - book.since[r, slot]
    schedule_violation(book, r, slot, j, day, cumulative_violations(elapsed, *rate))
    book.violation_due.refresh()
    b = np.flatnonzero(breaks)
    return r[b], slot[b], j[b], np.ones(b.size), at[b]


def _violation_rate(book: DealBook, r, slot) -> tuple[np.ndarray, ...]:
    """(first-day rate, settle days, decay) of the deals (r, slot): the hazards' arguments."""
    s = book.settings
    return book.rate[r, slot], s["violation_settle_days"][r], s["violation_decay"][r]


def schedule_violation(book: DealBook, r, slot, j, day: int, done, unique=False) -> None:
    """Draw party j's next violation of deal (r, slot): when the cumulative violation
    hazard, ``done`` by now, has grown by a unit exponential (the inverse method)."""
    u = rng.uniform(book.seed, book.replicate[r], day, "violate", book.parties[j], slot)
    t = violation_time(done + exponential(u), *_violation_rate(book, r, slot))
    book.violation_at[r, slot, j] = t
    book.violation_due.set((r, slot, j), day_of(book.since[r, slot], t), unique=unique)


def defections_today(book: DealBook, day: int, gain: np.ndarray) -> tuple[np.ndarray, ...]:
    """Use up each committed party's defection hazard; return the defectors, priority 0.

    ``gain`` (R, S, P) is each party's net gain from resuming rather than keeping each
    deal (sim.engine.defection: minus the value of keeping it, by the terms it accepted).
    Its time is the share of the day at which the party's hazard ran out, so the first
    of several defectors the same day is the one that broke the deal.
    """
    r, slot = np.nonzero(book.in_force() & (book.since < day))
    party_gain = gain[r, slot]  # (L, P)
    rows = book.row[r, slot]
    cost = blame(book.settings["blame_cost"][r], book.monitoring[r, slot], book.guaranteed[r, slot])
    rate = book.settings["defection_rate"][r][:, None]
    hazard = defection_hazard(rate, party_gain, cost[:, None]) * _committed(book, rows)
    left = book.defection_left[r, slot]
    book.defection_left[r, slot] = left - hazard
    i, j = np.nonzero((hazard > 0) & (left <= hazard))
    return r[i], slot[i], j, np.zeros(i.size), left[i, j] / hazard[i, j]


def defections_today_compiled(book: DealBook, day: int, gain: np.ndarray):
    """:func:`defections_today` bit for bit, as one compiled pass over the book
    (kernels.defections): no gathers of each deal's rows."""
    r, slot, j, when = kernels.defections(
        day, book.state, book.since, gain, book.settings["blame_cost"], book.monitoring,
        book.guaranteed, book.settings["defection_rate"], book.slot_declared_by, book.parties,
        book.defection_left,
    )  # fmt: skip
    return r, slot, j, np.zeros(r.size), when


def _committed(book: DealBook, rows: np.ndarray) -> np.ndarray:
    """(L, P): who promised to hold the deal: every party, or a truce's declarer alone."""
    declarer = book.agreements.columns["declared_by"][rows][:, None]
    return (declarer < 0) | (declarer == book.parties[None, :])

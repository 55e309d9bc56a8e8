"""The shipped ETH/PRIO tables (sim/data/eth-prio/, see its README for source and caveats)
and the same statistics computed from the model's agreements.

The data give, per group of ceasefires, Kaplan-Meier survival to any end and the
Aalen-Johansen cumulative incidence of breakdown, expiry and replacement at fixed days after
entry into force (Clayton, Nygard, Rustad & Strand 2023). The model's deals are summarised
the same way: duration = day ended - day in force; deals still in force at the horizon are
censored there; deals that never entered into force are not ceasefires and are left out.
"""

from __future__ import annotations

import csv
import functools
from pathlib import Path

import numpy as np

from sim.engine.codes import Coverage, DealClass, EndReason, Side

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "eth-prio"  # sim/data/eth-prio
DURATIONS = DATA_DIR / "ceasefire-durations.csv"
SHARES = DATA_DIR / "ceasefire-shares.csv"
STATISTICS = ("survival", "cum_breakdown", "cum_expired", "cum_replaced")
# The groups the model's agreements table can form (enforcement, mechanism and mediation
# groups of the data have no single column in it).
GROUPS = (
    "all",
    "class=bare",
    "class=compliance",
    "class=definitive",
    "coverage=partial",
    "coverage=comprehensive",
    "side=unilateral",
    "side=bilateral",
    "side=multilateral",
)
_COLUMN = {"class": ("deal_class", DealClass), "coverage": ("coverage", Coverage)}
_COLUMN["side"] = ("side", Side)
_CAUSE = {"cum_breakdown": 1, "cum_expired": 2, "cum_replaced": 3}


@functools.cache
def durations() -> dict[tuple[str, int], dict[str, float]]:
    """(group, day) -> the row of the duration table, numbers as floats (n included)."""
    with open(DURATIONS, newline="", encoding="utf-8") as fh:
        return {
            (row["group"], int(row["day"])): {k: float(v) for k, v in row.items() if k != "group"}
            for row in csv.DictReader(fh)
        }


def table_value(group: str, day: int, statistic: str) -> tuple[float, int] | None:
    """(value, n) of ``statistic`` for ``group`` at ``day``, or None if the table has none."""
    row = durations().get((group, day))
    return None if row is None else (row[statistic], int(row["n"]))


def group_mask(agreements: dict[str, np.ndarray], group: str) -> np.ndarray:
    """The deals of ``group`` ("all", "class=bare", ...) among the agreements' rows."""
    if group == "all":
        return np.ones(agreements["replicate"].size, dtype=bool)
    key, value = group.split("=")
    column, codes = _COLUMN[key]
    code = next(c for c in codes if c.name.lower() == value)
    return agreements[column] == int(code)


def deal_durations(agreements: dict[str, np.ndarray], horizon: int):
    """(in force, duration days, cause) per row: cause 0 censored, else the EndReason code
    (breakdown 1, expired 2, replaced 3); rows never in force are flagged out."""
    started = agreements["day_in_force"] >= 0
    ended = agreements["day_ended"] >= 0
    end = np.where(ended, agreements["day_ended"], horizon)
    duration = np.maximum(end - agreements["day_in_force"], 0)
    reason = agreements["end_reason"]
    cause = np.where(ended & (reason <= EndReason.REPLACED), reason, 0)
    return started & (reason != EndReason.LAPSED), duration, cause


def curves(
    unit: np.ndarray, duration: np.ndarray, cause: np.ndarray, units: int, days: int
) -> dict[str, np.ndarray]:
    """Per unit (a parameter set, say) KM survival and Aalen-Johansen incidences, (units, days+1).

    Vectorised over units: counts of exits by (unit, day, cause), then the product-limit
    and the incidence sums along the day axis. An event on day d counts at every day >= d.
    Units with no deal get NaN.
    """
    d = np.minimum(duration, days + 1)  # exits after the last day only leave the risk set
    counts = np.zeros((units, days + 2, 4))
    np.add.at(counts, (unit, d, cause), 1.0)
    exits = counts.sum(axis=2)
    total = exits.sum(axis=1, keepdims=True)
    at_risk = total - np.cumsum(exits, axis=1) + exits  # still at risk at the start of day t
    with np.errstate(invalid="ignore", divide="ignore"):
        events = counts[:, :, 1:]
        hazard = np.where(at_risk > 0, events.sum(axis=2) / at_risk, 0.0)
        survival = np.cumprod(1.0 - hazard, axis=1)
        before = np.concatenate([np.ones((units, 1)), survival[:, :-1]], axis=1)
        cause_hazard = np.where(at_risk[:, :, None] > 0, events / at_risk[:, :, None], 0.0)
        incidence = np.cumsum(before[:, :, None] * cause_hazard, axis=1)
    empty = total[:, 0] == 0
    out = {"survival": survival[:, : days + 1]}
    for name, k in _CAUSE.items():
        out[name] = incidence[:, : days + 1, k - 1]
    for v in out.values():
        v[empty] = np.nan
    out["n"] = total[:, 0]
    return out

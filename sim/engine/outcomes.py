"""The outcome columns of a model: one row per replicate, one named column per quantity.

Read from a finished model, or from one still in its ceasefire phase (the survival columns
then count the days run so far). Columns are documented in docs/model.md ('Outputs').
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.engine.codes import Violator
from sim.engine.rules import outcome_class

if TYPE_CHECKING:
    from sim.engine.model import CeasefireModel


def outcome_columns(m: CeasefireModel) -> dict[str, np.ndarray]:
    """One row per replicate; columns documented in docs/model.md ('Outputs')."""
    p = m.params
    c = m.ceasefire
    agreed = m.agreed
    issues = list(p.issue_ids)
    scope = np.where(agreed, m.terms[:, issues.index("scope")], 0.0)
    cols: dict[str, np.ndarray] = {
        "replicate": p.replicate.copy(),
        "agreed": agreed.copy(),
        "agreement_round": m.agreement_round.copy(),
        "outcome": outcome_class(agreed, scope, p.comprehensive_min, p.partial_min),
    }
    for k, issue in enumerate(issues):
        cols[f"terms_{issue}"] = m.terms[:, k].copy()
    for h, threat in enumerate(p.threat_ids):
        cols[f"threat_{threat}_called"] = m.threat_called[:, h].copy()
        cols[f"threat_{threat}_carried_out"] = m.threat_executed[:, h].copy()
    cols["days_survived"] = np.where(agreed, c.days_survived, -1)
    cols["collapsed"] = c.collapsed & agreed
    cols["survived"] = agreed & ~c.collapsed
    cols["first_violation_day"] = np.where(agreed, c.first_violation_day, -1)
    cols["first_violator"] = np.where(agreed, c.first_violator, Violator.NONE)
    for j, party in enumerate(p.parties):
        cols[f"violations_{p.actor_ids[party]}"] = np.where(agreed, c.violations[:, j], 0)
    cols["extended"] = c.extended & agreed
    cols["monitoring"] = np.where(agreed, c.monitoring, np.nan)
    for j, party in enumerate(p.parties):
        cols[f"satisfaction_{p.actor_ids[party]}"] = np.where(agreed, c.satisfaction[:, j], np.nan)
    return cols

"""Per-round series of an ensemble: quantile bands over replicates, or every trajectory.

Keeping every replicate's path costs R x rounds x actors x issues numbers, which is
gigabytes at R = 10^5; the bands (5%, 25%, 50%, 75%, 95%) and means are what the charts
need, and cost nothing in R. ``mode="full"`` keeps the paths too, for small ensembles.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.engine.codes import Answer
from sim.engine.parameters import Parameters

if TYPE_CHECKING:
    from sim.engine.model import CeasefireModel

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


class RoundRecorder:
    def __init__(self, p: Parameters, mode: str = "summary"):
        if mode not in ("summary", "full"):
            raise ValueError(f"record must be 'none', 'summary' or 'full' (got {mode!r})")
        self.mode = mode
        self.rows: list[dict[str, np.ndarray]] = []

    def record(self, m: CeasefireModel) -> None:
        live = m.was_negotiating
        n_live = max(int(live.sum()), 1)
        values = {
            "proposal": m.proposal,  # (R, K)
            "position": m.position,  # (R, N, K)
            "utility": m.utilities,  # (R, N)
            "reservation": m.effective_reservation(),  # (R, N)
        }
        R = m.proposal.shape[0]
        flat = np.concatenate([v.reshape(R, -1) for v in values.values()], axis=1)
        q = np.quantile(flat, QUANTILES, axis=0)
        mean = flat.mean(axis=0)
        row: dict[str, np.ndarray] = {"round": np.array(m.round)}
        start = 0
        for name, v in values.items():
            size = int(np.prod(v.shape[1:]))
            row[f"{name}_q"] = q[:, start : start + size].reshape((len(QUANTILES), *v.shape[1:]))
            row[f"{name}_mean"] = mean[start : start + size].reshape(v.shape[1:])
            start += size
        answers = m.answers[live]
        row["answer_share"] = np.stack(
            [(answers == code).sum(axis=0) / n_live for code in Answer], axis=-1
        )  # (N, 3): reject, accept, conditional
        row["condition_share"] = m.conditions[live].sum(axis=0) / n_live  # (N, K)
        row["negotiating"] = np.array(int(live.sum()))
        row["agreed_today"] = np.array(int((m.agreement_round == m.round).sum()))
        if self.mode == "full":
            for name, v in values.items():
                row[f"{name}_all"] = v.astype(np.float32)
            row["answers_all"] = m.answers.copy()
            row["conditions_all"] = m.conditions.copy()
        self.rows.append(row)

    def series(self) -> dict[str, np.ndarray]:
        """Arrays with a leading round axis (see docs/model.md, 'Outputs')."""
        if not self.rows:
            return {}
        return {key: np.stack([r[key] for r in self.rows]) for key in self.rows[0]}

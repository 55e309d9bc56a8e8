"""Per-round series of an ensemble: quantile bands over replicates, or every trajectory.

Keeping every replicate's path costs R x rounds x actors x issues numbers, which is
gigabytes at R = 10^5; the bands (5%, 25%, 50%, 75%, 95%) and means are what the charts
need, and cost nothing in R. ``mode="full"`` keeps the paths too, for small ensembles.

A run too large for one model runs in chunks (sim/run.py). Each chunk then keeps
``totals`` per round (sums and counts, which add up exactly across chunks), and
:func:`merge_chunks` turns them into the same series: means, shares and counts of the
whole ensemble, and the quantile bands of the first chunk, a fixed sample of the first
replicates (exact bands would need every replicate's value of every round at once).
A finished replicate's state is frozen, so a chunk whose talks ended early continues
with its last row.
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
    """``mode`` "summary" or "full" keeps the series; "totals" only the per-round totals
    a chunked run adds up (``totals=True`` keeps them beside the series)."""

    def __init__(self, p: Parameters, mode: str = "summary", totals: bool = False):
        if mode not in ("summary", "full", "totals"):
            raise ValueError(f"record must be 'none', 'summary', 'full' or 'totals' (got {mode!r})")
        self.mode = mode
        self.rows: list[dict[str, np.ndarray]] = []
        self.keep_totals = totals or mode == "totals"
        self.totals: list[dict[str, np.ndarray]] = []

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
        if self.keep_totals:
            self.totals.append(
                {
                    "sum": flat.sum(axis=0),
                    "answers": np.stack(
                        [(m.answers[live] == code).sum(axis=0) for code in (0, 1, 2)], axis=-1
                    ),
                    "conditions": m.conditions[live].sum(axis=0),
                    "negotiating": np.array(int(live.sum())),
                    "agreed_today": np.array(int((m.agreement_round == m.round).sum())),
                }
            )
        if self.mode == "totals":
            return
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

    def stacked_totals(self) -> dict[str, np.ndarray]:
        """The per-round totals with a leading round axis (for :func:`merge_chunks`)."""
        return {key: np.stack([r[key] for r in self.totals]) for key in self.totals[0]}

    def series(self) -> dict[str, np.ndarray]:
        """Arrays with a leading round axis (see docs/model.md, 'Outputs')."""
        if not self.rows:
            return {}
        return {key: np.stack([r[key] for r in self.rows]) for key in self.rows[0]}


def merge_chunks(first: dict[str, np.ndarray], totals: list[dict], replicates: int) -> dict:
    """The series of a run made of chunks, in the keys and order of ``series()``.

    ``first`` is the series of the first chunk, ``totals`` the stacked per-round totals of
    every chunk (the first included), ``replicates`` the size of the whole run. A chunk
    whose talks ended early is continued with its last row (its replicates are frozen) for
    values, and with zero for the counts of live replicates.
    """
    rounds = max(len(t["sum"]) for t in totals)

    def extend(a: np.ndarray, repeat: bool) -> np.ndarray:
        missing = rounds - len(a)
        if missing == 0:
            return a
        if repeat:
            fill = np.repeat(a[-1:], missing, axis=0)
        else:
            fill = np.zeros((missing, *a.shape[1:]), dtype=a.dtype)
        return np.concatenate([a, fill])

    sums = sum(extend(t["sum"], True) for t in totals)
    counts = {
        key: sum(extend(t[key], False) for t in totals)
        for key in ("answers", "conditions", "negotiating", "agreed_today")
    }
    n_live = np.maximum(counts["negotiating"], 1)
    out: dict[str, np.ndarray] = {}
    start = 0
    for key, value in first.items():
        if key == "round":
            out[key] = np.arange(rounds, dtype=value.dtype)
        elif key.endswith("_q"):
            out[key] = extend(value, True)
        elif key.endswith("_mean"):
            size = int(np.prod(value.shape[1:]))
            mean = sums[:, start : start + size] / replicates
            out[key] = mean.reshape((rounds, *value.shape[1:]))
            start += size
        elif key == "answer_share":
            out[key] = counts["answers"] / n_live[:, None, None]
        elif key == "condition_share":
            out[key] = counts["conditions"] / n_live[:, None, None]
        else:
            out[key] = counts[key].astype(value.dtype)
    return out

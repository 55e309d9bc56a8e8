"""Per-day series of an ensemble: quantile bands over replicates, or every trajectory.

Keeping every replicate's path costs R x days x actors x fronts numbers, gigabytes at
R = 10^5; the bands (5%, 25%, 50%, 75%, 95%), means and shares are what the charts need,
and cost nothing in R. ``mode="full"`` keeps the paths too, for small ensembles. The keys
are those of the outputs contract (coord/model2.md, "model.series()").

A run too large for one model runs in chunks (sim/run.py). Each chunk then keeps
``totals`` per day (sums and counts, which add up exactly across chunks), and
:func:`merge_chunks` turns them into the same series: means and shares of the whole
ensemble, and the quantile bands of the first chunk (a fixed sample of the first
replicates; exact bands would need every replicate's value of every day at once).
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sim.engine.model import CeasefireModel

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
BANDED = ("control", "belief", "outside_value", "offer_value")  # -> <name>_q, <name>_mean
SHARES = (
    "decided_share",
    "in_force_share",
    "agreed_share",
    "session_share",
    "broken_off_share",
    "accept_share",
    "condition_share",
    "deals_in_force_mean",
)


def day_values(m: CeasefireModel) -> tuple[dict, dict]:
    """Today's banded values (R, ...) and share (numerator, denominator) pairs, over all
    blocks of the model."""
    banded: dict[str, list] = {k: [] for k in BANDED}
    shares: dict[str, list] = {k: [] for k in SHARES}
    for w in m.worlds:
        p = w.p
        banded["control"].append(w.control)
        belief = np.full((w.R, w.N, w.F), np.nan)
        belief[:, w.observers] = w.beliefs(np.arange(w.R), w.observers, w.all_fronts)
        banded["belief"].append(belief)
        outside = w.aspiration - w.coercion.outside_load(p)
        banded["outside_value"].append(np.where(w.is_party, outside, np.nan))
        banded["offer_value"].append(w.offer_value)
        sides = np.stack([w.decided_by == _side(p, 0), w.decided_by == _side(p, 1)], axis=-1)
        shares["decided_share"].append((sides & w.decided[..., None], None))
        state = w.book.state
        track_state = state[:, : w.T]
        unilateral = (state[:, w.T :] == 2).any(axis=1, keepdims=True)
        shares["in_force_share"].append((np.hstack([track_state == 2, unilateral]), None))
        agreed = np.hstack([track_state > 0, (state[:, w.T :] > 0).any(axis=1, keepdims=True)])
        shares["agreed_share"].append((agreed, None))
        shares["session_share"].append((w.session_today, None))
        shares["broken_off_share"].append((w.broken_off, None))
        today = w.session_today[:, None, None] & (w.answers >= 0)
        shares["accept_share"].append((w.accepted_today & today, today))
        named = (w.named.any(axis=2)) & w.session_today[:, None, None]
        shares["condition_share"].append(
            (named, np.broadcast_to(w.session_today[:, None, None], named.shape))
        )
        shares["deals_in_force_mean"].append(((state == 2).sum(axis=1), None))
    out_b = {k: np.concatenate(v) for k, v in banded.items()}
    out_s = {}
    for k, parts in shares.items():
        num = np.concatenate([a for a, _ in parts]).astype(float)
        den = [np.ones(a.shape, dtype=bool) if d is None else d for a, d in parts]
        out_s[k] = (num, np.concatenate(den))
    return out_b, out_s


def _side(p, which: int) -> np.ndarray:
    """(F,) actor index of each front's first (0) or second (1) side."""
    sign = -1 if which == 0 else 1
    return np.argmax(p.side_sign == sign, axis=0) if p.side_sign.size else np.zeros(0, int)


class DayRecorder:
    """``mode`` "summary" or "full" keeps the series; "totals" only the per-day totals a
    chunked run adds up (``totals=True`` keeps them beside the series)."""

    def __init__(self, mode: str = "summary", totals: bool = False):
        if mode not in ("summary", "full", "totals"):
            raise ValueError(f"record must be 'none', 'summary', 'full' or 'totals' (got {mode!r})")
        self.mode = mode
        self.rows: list[dict[str, np.ndarray]] = []
        self.keep_totals = totals or mode == "totals"
        self.totals: list[dict[str, np.ndarray]] = []

    def record(self, m: CeasefireModel, day: int) -> None:
        banded, shares = day_values(m)
        if self.keep_totals:
            row = {}
            for k, v in banded.items():
                ok = ~np.isnan(v)
                row[f"sum:{k}"] = np.where(ok, v, 0.0).sum(axis=0)
                row[f"n:{k}"] = ok.sum(axis=0)
            for k, (num, den) in shares.items():
                row[f"sum:{k}"] = num.sum(axis=0)
                row[f"n:{k}"] = den.sum(axis=0)
            self.totals.append(row)
        if self.mode == "totals":
            return
        row = {"day": np.array(day)}
        for k, v in banded.items():
            flat = v.reshape(v.shape[0], -1)
            if np.isnan(flat).any():
                q, mean = nanquantile_columns(flat, QUANTILES), _nanmean_columns(flat)
            else:
                q, mean = np.quantile(flat, QUANTILES, axis=0), flat.mean(axis=0)
            row[f"{k}_q"] = q.reshape((len(QUANTILES), *v.shape[1:]))
            row[f"{k}_mean"] = mean.reshape(v.shape[1:])
            if self.mode == "full":
                row[f"{k}_all"] = v.astype(np.float32)
        for k, (num, den) in shares.items():
            row[k] = _ratio(num.sum(axis=0), den.sum(axis=0))
        self.rows.append(row)

    def stacked_totals(self) -> dict[str, np.ndarray]:
        """The per-day totals with a leading day axis (for :func:`merge_chunks`)."""
        return {key: np.stack([r[key] for r in self.totals]) for key in self.totals[0]}

    def series(self) -> dict[str, np.ndarray]:
        """Arrays with a leading day axis (the outputs contract, model.series())."""
        if not self.rows:
            return {}
        return {key: np.stack([r[key] for r in self.rows]) for key in self.rows[0]}


def nanquantile_columns(values: np.ndarray, quantiles) -> np.ndarray:
    """np.nanquantile(values, quantiles, axis=0) bit for bit, with one sort of all columns.

    numpy computes it column by column (apply_along_axis over thousands of columns a day:
    half the time of a long recorded run). This is its rule (method "linear", Hyndman &
    Fan 1996 type 7) on each column's n values that are not NaN, x_0 <= ... <= x_{n-1}:
    index v = (n - 1) q, g = v - floor(v), the quantile x_v + (x_v+1 - x_v) g, or for g >=
    0.5 x_v+1 - (x_v+1 - x_v)(1 - g) (numpy's _lerp); at v >= n - 1 numpy takes x_{n-1}
    with g = v + 1. An all-NaN column gives numpy's NaN (np.nan, whatever NaN it held).
    values (R, C) -> (len(quantiles), C).

    Only a column holding both -0.0 and 0.0 can differ: they are equal, so a sort and
    numpy's partition may order them differently and pick the other zero. Those (rare)
    columns are left to numpy.
    """
    ordered = np.sort(values, axis=0)  # NaN last
    count = (~np.isnan(values)).sum(axis=0)
    n = np.maximum(count, 1)  # an all-NaN column: numpy's quantiles of [nan]
    cols = np.arange(values.shape[1])
    out = np.empty((len(quantiles), values.shape[1]))
    with np.errstate(invalid="ignore"):  # infinities and NaN, as numpy's own arithmetic
        for i, q in enumerate(quantiles):
            index = (n - 1) * np.float64(q)
            below = np.floor(index)
            top = index >= n - 1
            lower = np.where(top, n - 1, below).astype(np.intp)
            upper = np.where(top, n - 1, below + 1).astype(np.intp)
            gamma = np.where(top, index + 1.0, index - below)
            a = np.where(count > 0, ordered[lower, cols], np.nan)
            b = np.where(count > 0, ordered[upper, cols], np.nan)
            diff = b - a
            out[i] = np.where(gamma >= 0.5, b - diff * (1 - gamma), a + diff * gamma)
    zero = values == 0.0
    negative = zero & np.signbit(values)
    mixed = np.flatnonzero(negative.any(axis=0) & (zero & ~negative).any(axis=0))
    if mixed.size:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            out[:, mixed] = np.nanquantile(values[:, mixed], quantiles, axis=0)
    return out


def _nanmean_columns(values: np.ndarray) -> np.ndarray:
    """np.nanmean(values, axis=0), NaN (without a warning) where a column is all NaN."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(values, axis=0)


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """num / den, NaN where the denominator is 0 (nobody to count)."""
    den = np.asarray(den, dtype=float)
    return np.divide(num, den, out=np.full(np.shape(num), np.nan), where=den > 0)


def merge_chunks(first: dict[str, np.ndarray], totals: list[dict], replicates: int) -> dict:
    """The series of a run made of chunks, in the keys and order of ``series()``.

    ``first`` is the series of the first chunk, ``totals`` the stacked per-day totals of
    every chunk (the first included), ``replicates`` the size of the whole run. Every chunk
    runs the whole horizon, so the totals add up day by day.
    """
    summed = {k: sum(t[k] for t in totals) for k in totals[0]}
    out: dict[str, np.ndarray] = {}
    for key, value in first.items():
        if key == "day" or key.endswith("_q") or key.endswith("_all"):
            out[key] = value
        elif key.endswith("_mean") and key[: -len("_mean")] in BANDED:
            name = key[: -len("_mean")]
            out[key] = _ratio(summed[f"sum:{name}"], summed[f"n:{name}"])
        elif key in SHARES:
            out[key] = _ratio(summed[f"sum:{key}"], summed[f"n:{key}"])
        else:
            out[key] = value
    return out

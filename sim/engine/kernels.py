"""Compiled loops for the engine's hottest rules, bit for bit equal to their numpy references.

The readable rules stay the numpy functions they copy (:func:`sim.engine.beliefs.
posterior_mean`, :func:`sim.engine.defection.resume_gains`, battle.halt_value); these are
the same arithmetic, operation for operation and in the same order, as one pass over the
entries instead of a dozen passes over (replicate, party, front) temporaries. numpy on 10^5
replicates is bound by those small passes over memory (and by the fancy indexing that
gathers each deal's rows), not by the arithmetic (issue 11, "Speed").

What "the same arithmetic" needs, checked against numpy by tests/unit/engine/test_kernels.py:
- no fast-math: numba then keeps IEEE order and never fuses a multiply and an add;
- np.clip(x, 0, 1) is ``0 if x < 0``, then ``1 if x > 1``: -0.0 and NaN pass through;
- np.maximum(a, b) gives ``b`` on a tie (so np.maximum(0.0, -0.0) is -0.0);
- a sum over a short last axis is numpy's: 0.0 plus the entries in order below 8 of them,
  eight running sums from 8 to 128 (numpy's pairwise_sum); longer ones go back to numpy.

numba compiles each kernel on first use and caches the machine code next to this file
(``cache=True``): about 4 s of CPU the first time (measured for all kernels together), then
about 0.3 s to load them in each new process.
"""

from __future__ import annotations

import numba
import numpy as np

MONTH2 = 900.0  # battle.MONTH ** 2, the rearmament weight's denominator
MAX_SUM = 128  # numpy's pairwise block: the longest sum :func:`numpy_sum` copies


@numba.njit(cache=True)
def clip01(x: float) -> float:
    """np.clip(x, 0.0, 1.0) bit for bit (-0.0 and NaN unchanged)."""
    if x < 0.0:
        x = 0.0
    if x > 1.0:
        x = 1.0
    return x


@numba.njit(cache=True)
def maximum(a: float, b: float) -> float:
    """np.maximum(a, b) bit for bit: a NaN wins, and a tie (0.0 and -0.0) gives ``b``."""
    if a != a:
        return a
    if b != b:
        return b
    return a if a > b else b


@numba.njit(cache=True)
def numpy_sum(values: np.ndarray, n: int) -> float:
    """values[:n].sum() as numpy adds along a contiguous axis of n <= 128 (pairwise_sum)."""
    if n < 8:
        total = 0.0
        for i in range(n):
            total += values[i]
        return 0.0 + total
    r = values[:8].copy()
    i = 8
    while i < n - n % 8:
        for k in range(8):
            r[k] += values[i + k]
        i += 8
    total = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
    while i < n:
        total += values[i]
        i += 1
    return 0.0 + total


@numba.njit(cache=True)
def posterior_mean(prior_mean, prior_var, noise_var, evidence, days_seen):
    """beliefs.posterior_mean: (R, N, F) priors and noise, (R, F) evidence and days seen."""
    R, N, F = prior_mean.shape
    mean = np.empty((R, N, F))
    for r in range(R):
        for i in range(N):
            for f in range(F):
                v, s2 = noise_var[r, i, f], prior_var[r, i, f]
                den = float(days_seen[r, f]) * s2 + v
                prior_weight, data_weight = 1.0, 0.0
                if den > 0:
                    prior_weight, data_weight = v / den, s2 / den
                mean[r, i, f] = evidence[r, f] * data_weight + prior_mean[r, i, f] * prior_weight
    return mean


@numba.njit(cache=True)
def resume_gains(
    day, state, since, expiry_day, never, term_days, kept_terms, deal_fronts, decided,
    control, beliefs, belief_col, parties, fights, side_sign, stakes, intensity, front_cost,
    planning_horizon, rearmament, terms, status_quo, rearmament_shift, comprehensive,
    sanctions, out,
):  # fmt: skip
    """defection.resume_gains over the book's arrays: -(V_j L_rem/L + sum_f F_jf + sanctions).

    Every slot in force since before ``day`` is written, the rest of ``out`` (R, S, P) is
    left as it was. ``term_days`` (R, S) and ``terms`` (R, S, K): the live deals' columns
    of the agreements table, as the book keeps them by slot. ``beliefs`` (R, fighters, F)
    with ``belief_col`` (P,) the parties' columns; ``fights`` (P,) bool: the party is a
    side of some front (battle.halt_parts leaves the others' war terms 0); ``rearmament``
    the rearmament issue (-1: none); ``comprehensive`` (T,) bool, the tracks that halt
    every front.
    """
    R, S = state.shape
    P, F = parties.shape[0], control.shape[1]
    T = comprehensive.shape[0]
    value = np.empty(F)
    for r in range(R):
        for slot in range(S):
            if state[r, slot] != 2 or since[r, slot] >= day:
                continue
            due = expiry_day[r, slot]
            remaining = max(due - day, 1) if due < never else 0  # 0: open-ended
            term = term_days[r, slot]
            left = remaining / max(term, 1) if term > 0 else 1.0
            free = 0.0
            if rearmament >= 0:
                x = terms[r, slot, rearmament]
                free = 1.0 - (status_quo[r, rearmament] if np.isnan(x) else x)
            for j in range(P):
                a = parties[j]
                horizon = planning_horizon[r, a]
                halt = min(float(remaining), horizon) if remaining > 0 else horizon
                weight = halt * maximum(horizon - halt, 0.0) / MONTH2
                for f in range(F):
                    keep = 1.0 if deal_fronts[r, slot, f] and not decided[r, f] else 0.0
                    if not fights[j]:
                        base = 0.0 + free * 0.0 if rearmament >= 0 else 0.0
                        value[f] = base * keep
                        continue
                    m, signed = beliefs[r, belief_col[j], f], side_sign[a, f] * stakes[r, a, f]
                    without = m * horizon + control[r, f]
                    paused = clip01(without - m * halt)
                    base = (paused - clip01(without)) * signed
                    base += intensity[r, f] * front_cost[r, a, f] * halt
                    if rearmament >= 0:
                        rearm = clip01(paused - rearmament_shift[r, f] * weight) - paused
                        base += free * (rearm * signed)
                    value[f] = base * keep
                kept = kept_terms[r, slot, j] * left + numpy_sum(value, F)
                if slot < T and comprehensive[slot]:
                    kept += halt * sanctions[r, a]
                out[r, slot, j] = -kept
    return out


@numba.njit(cache=True)
def defections(
    day, state, since, gain, blame_cost, monitoring, guaranteed, defection_rate, declared_by,
    parties, defection_left,
):  # fmt: skip
    """hazards.defections_today over the book's arrays: use up each committed party's
    defection hazard (``defection_left`` in place); the defectors in np.nonzero's order
    -> (replicate, slot, party position, time in the day)."""
    R, S = state.shape
    P = parties.shape[0]
    n = 0
    found_r = np.empty(R * S * P, dtype=np.int64)
    found_slot, found_j = np.empty_like(found_r), np.empty_like(found_r)
    when = np.empty(R * S * P)
    for r in range(R):
        for slot in range(S):
            if state[r, slot] != 2 or since[r, slot] >= day:
                continue
            cost = blame_cost[r] * (monitoring[r, slot] + guaranteed[r, slot])
            declarer = declared_by[r, slot]
            for j in range(P):
                net = gain[r, slot, j] - cost
                net = maximum(0.0, net)
                committed = 1.0 if declarer < 0 or declarer == parties[j] else 0.0
                hazard = defection_rate[r] * net * committed
                left = defection_left[r, slot, j]
                defection_left[r, slot, j] = left - hazard
                if hazard > 0 and left <= hazard:
                    found_r[n], found_slot[n], found_j[n] = r, slot, j
                    when[n] = left / hazard
                    n += 1
    return found_r[:n], found_slot[:n], found_j[:n], when[:n]


@numba.njit(cache=True)
def _mix(z):
    """rng._mix, the SplitMix64 finaliser, on one uint64 (wrapping arithmetic, as numpy)."""
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


@numba.njit(cache=True)
def hash_counters(start, counters):
    """rng.hash_counters over flat counters: ``start`` the mixed seed (uint64), ``counters``
    (C, M) uint64, one row per counter already broadcast  -> (M,) uint64."""
    golden = np.uint64(0x9E3779B97F4A7C15)
    C, M = counters.shape
    out = np.empty(M, dtype=np.uint64)
    for m in range(M):
        h = start
        for c in range(C):
            h = _mix(h ^ (counters[c, m] + golden))
        out[m] = h
    return out

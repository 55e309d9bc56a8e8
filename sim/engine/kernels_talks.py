"""Compiled loops for the talks, bit for bit equal to their numpy references (kernels.py
says what "the same arithmetic" needs; tests/unit/engine/test_kernels.py checks it)."""

from __future__ import annotations

import numba
import numpy as np

from sim.engine.kernels import maximum, numpy_sum


@numba.njit(cache=True)
def public_gain(packages, q, pos, sal, decide, low, high, tol, penalty):
    """Mediator.public_gain: G_i(p) = sum_k sal_ik (|q_k - x_ik| - |p_k - x_ik|) over the
    decided issues, less penalty x sum_k max(over_ik - tol, 0) (the public red lines).

    packages (S, C, K); q, decide (S, K); pos, sal, low, high (S, A, K); tol, penalty (S,)
    -> (S, C, A).
    """
    S, C, K = packages.shape
    A = pos.shape[1]
    out = np.empty((S, C, A))
    gains, beyond = np.empty(K), np.empty(K)
    for s in range(S):
        for c in range(C):
            for i in range(A):
                for k in range(K):
                    x, p = pos[s, i, k], packages[s, c, k]
                    keep = 1.0 if decide[s, k] else 0.0
                    gains[k] = sal[s, i, k] * (abs(q[s, k] - x) - abs(p - x)) * keep
                    over = maximum(low[s, i, k] - p, 0.0) + maximum(p - high[s, i, k], 0.0)
                    beyond[k] = maximum(over * keep - tol[s], 0.0)
                out[s, c, i] = numpy_sum(gains, K) - penalty[s] * numpy_sum(beyond, K)
    return out

"""Counter-based randomness: every draw is a pure function of its coordinates.

A draw is addressed by ``(seed, replicate, step, stream, actor, issue)``. The value is a
SplitMix64-style hash of those integers (Steele, Lea & Flood, "Fast splittable pseudorandom
number generators", OOPSLA 2014), so replicate ``j`` sees the same numbers whether it runs
alone, in a batch of a million, in another chunk, process or machine, and no draw depends
on the order in which agents act. There is no generator state to carry or to leak.

Streams are named (``"accept"``, ``"violate"``, ...) and turned into integers by a stable
hash of the name, so adding a stream never shifts the numbers of another.
"""

from __future__ import annotations

import functools
import hashlib

import numpy as np
from scipy.special import ndtri

from sim.engine import kernels

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S11 = (np.uint64(s) for s in (30, 27, 31, 11))
_TWO_POW_MINUS_53 = 2.0**-53


@functools.cache
def stream_id(name: str) -> int:
    """Stable 63-bit integer for a stream name (independent of Python's hash seed)."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "little") >> 1


def _mix(z: np.ndarray) -> np.ndarray:
    """SplitMix64 finaliser: a bijection on uint64 with full avalanche."""
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


def _as_u64(value: int | np.ndarray) -> np.ndarray:
    """Counters are non-negative integers below 2**63; reinterpret them as uint64."""
    return np.asarray(value, dtype=np.int64).view(np.uint64)


def hash_counters(seed: int, *counters: int | np.ndarray) -> np.ndarray:
    """Hash (seed, *counters) to uint64, broadcasting the counters against each other.

    Computed by the compiled loop kernels.hash_counters (integer arithmetic: the same bits
    on any machine); :func:`hash_counters_numpy` is the readable reference."""
    with np.errstate(over="ignore"):
        start = _mix(np.uint64(int(seed) & 0xFFFFFFFFFFFFFFFF) + _GOLDEN)
    arrays = [np.asarray(c, dtype=np.int64) for c in counters]
    shape = np.broadcast_shapes(*(a.shape for a in arrays))
    flat = np.empty((len(arrays), int(np.prod(shape))), dtype=np.int64)
    for row, a in zip(flat, arrays, strict=True):
        row.reshape(shape)[...] = a
    return kernels.hash_counters(start, flat.view(np.uint64)).reshape(shape)


def hash_counters_numpy(seed: int, *counters: int | np.ndarray) -> np.ndarray:
    """:func:`hash_counters` in numpy: one pass over the arrays per operation."""
    with np.errstate(over="ignore"):
        h = _mix(np.asarray(np.uint64(int(seed) & 0xFFFFFFFFFFFFFFFF)) + _GOLDEN)
        for c in counters:
            h = _mix(h ^ (_as_u64(c) + _GOLDEN))
    return h


def uniform(
    seed: int,
    replicate: np.ndarray,
    step: int | np.ndarray,
    stream: str,
    actor: int | np.ndarray = 0,
    issue: int | np.ndarray = 0,
) -> np.ndarray:
    """Uniform draws on the open interval (0, 1), one per broadcast coordinate."""
    h = hash_counters(seed, replicate, step, stream_id(stream), actor, issue)
    return ((h >> _S11).astype(np.float64) + 0.5) * _TWO_POW_MINUS_53


def normal(seed: int, replicate: np.ndarray, step, stream: str, actor=0, issue=0) -> np.ndarray:
    """Standard normal draws by the inverse normal CDF of :func:`uniform` (same counters)."""
    return ndtri(uniform(seed, replicate, step, stream, actor, issue))

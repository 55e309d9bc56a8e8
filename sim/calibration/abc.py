"""ABC-SMC: approximate Bayesian computation by sequential Monte Carlo.

Population Monte Carlo after Beaumont, Cornuet, Marin & Robert (2009) with the adaptive
quantile tolerance of Del Moral, Doucet & Jasra (2012) and Lenormand, Jabot & Deffuant
(2013): each generation proposes ``proposals`` parameter sets (from the prior in the first,
else resampled from the last population by weight and moved by a Gaussian kernel whose
covariance is twice the population's weighted covariance), simulates them all, and keeps the
``particles`` closest to the targets: the tolerance epsilon is that quantile of the
distances. Weights are prior / sum_j w_j K(theta | theta_j) (importance sampling).

Parameters live on the unit cube: z = (x - low) / (high - low), or the same on log x for a
loguniform prior, so every prior is uniform there and the kernel acts on comparable scales.
Every draw of generation g comes from a generator seeded by (seed, g) alone, and each
proposal's statistics from (seed, g, proposal index): the posterior is the same bit for bit
whatever the workers, and a run resumed from a generation's checkpoint continues exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MAX_REDRAWS = 1000


@dataclass
class Population:
    """One generation's accepted particles (on the unit cube) and what they scored."""

    z: np.ndarray  # (particles, parameters)
    weights: np.ndarray  # (particles,), sum 1
    distances: np.ndarray  # (particles,)
    stats: np.ndarray  # (particles, targets): the model's statistics at each particle
    epsilon: float
    proposals: int
    index: np.ndarray  # which proposal of the generation each particle was

    def to_npz(self) -> dict[str, np.ndarray]:
        return {
            "z": self.z,
            "weights": self.weights,
            "distances": self.distances,
            "stats": self.stats,
            "epsilon": np.array(self.epsilon),
            "proposals": np.array(self.proposals),
            "index": self.index,
        }

    @classmethod
    def from_npz(cls, data) -> Population:
        return cls(
            z=data["z"],
            weights=data["weights"],
            distances=data["distances"],
            stats=data["stats"],
            epsilon=float(data["epsilon"]),
            proposals=int(data["proposals"]),
            index=data["index"],
        )

    @property
    def ess(self) -> float:
        """Effective sample size of the weights (Kish)."""
        return float(1.0 / np.sum(self.weights**2))


def generator(seed: int, generation: int) -> np.random.Generator:
    return np.random.default_rng([seed, generation, 0xABC])


def propose(seed: int, generation: int, count: int, dims: int, last: Population | None):
    """``count`` proposals on the unit cube for ``generation`` (prior, or kernel moves)."""
    rng = generator(seed, generation)
    if last is None:
        return rng.random((count, dims))
    cov = kernel_covariance(last)
    chol = np.linalg.cholesky(cov)
    out = np.empty((count, dims))
    todo = np.arange(count)
    for _ in range(MAX_REDRAWS):
        parent = rng.choice(last.z.shape[0], size=todo.size, p=last.weights)
        moved = last.z[parent] + rng.standard_normal((todo.size, dims)) @ chol.T
        inside = np.all((moved >= 0.0) & (moved <= 1.0), axis=1)
        out[todo[inside]] = moved[inside]
        todo = todo[~inside]
        if todo.size == 0:
            return out
    out[todo] = np.clip(last.z[rng.choice(last.z.shape[0], size=todo.size)], 0.0, 1.0)
    return out


def kernel_covariance(pop: Population) -> np.ndarray:
    """Twice the weighted covariance (Beaumont et al. 2009), kept positive definite."""
    mean = pop.weights @ pop.z
    centred = pop.z - mean
    cov = 2.0 * (centred * pop.weights[:, None]).T @ centred
    return cov + np.eye(cov.shape[0]) * 1e-10


def kernel_weights(z: np.ndarray, last: Population | None) -> np.ndarray:
    """Importance weights of accepted particles: uniform prior / mixture of kernels."""
    if last is None:
        return np.full(z.shape[0], 1.0 / z.shape[0])
    cov = kernel_covariance(last)
    inv = np.linalg.inv(cov)
    diff = z[:, None, :] - last.z[None, :, :]
    quad = np.einsum("ijd,de,ije->ij", diff, inv, diff)
    density = np.exp(-0.5 * quad) @ last.weights
    w = 1.0 / np.maximum(density, 1e-300)
    return w / w.sum()


def distance(stats: np.ndarray, observed: np.ndarray, sd: np.ndarray) -> np.ndarray:
    """Root mean squared standardised error over the targets; inf where any is missing."""
    err = (stats - observed[None, :]) / sd[None, :]
    d = np.sqrt(np.mean(err**2, axis=1))
    return np.where(np.isfinite(d), d, np.inf)


def select(
    z: np.ndarray, stats: np.ndarray, observed, sd, particles: int, last: Population | None
) -> Population:
    """Keep the ``particles`` proposals nearest the targets (ties: the earlier proposal)."""
    d = distance(stats, np.asarray(observed), np.asarray(sd))
    keep = np.argsort(d, kind="stable")[:particles]
    return Population(
        z=z[keep],
        weights=kernel_weights(z[keep], last),
        distances=d[keep],
        stats=stats[keep],
        epsilon=float(d[keep].max()),
        proposals=z.shape[0],
        index=keep,
    )


def to_values(z: np.ndarray, priors: list) -> np.ndarray:
    """Unit-cube coordinates -> parameter values (each prior's low, high and family)."""
    out = np.empty_like(z)
    for d, p in enumerate(priors):
        if p.prior == "loguniform":
            lo, hi = np.log(p.low), np.log(p.high)
            out[:, d] = np.exp(lo + z[:, d] * (hi - lo))
        else:
            out[:, d] = p.low + z[:, d] * (p.high - p.low)
    return out

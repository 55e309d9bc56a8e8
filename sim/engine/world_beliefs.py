"""What the actors of a :class:`sim.engine.world.World` believe about the fronts today.

Kept apart from the world's phases so the world reads as the day. The world keeps the
sufficient statistics of what has been seen (``evidence``, ``days_seen``: everyone sees the
same fighting); the belief means are computed from them when a rule needs them, once a
day for the actors that fight (the posterior is elementwise, so one computation for every
replicate gives each caller's rows bit for bit; issue 11, "Speed").
"""

from __future__ import annotations

import numpy as np

from sim.engine import battle, kernels
from sim.engine.session import ix, take


def _by_actor(x: np.ndarray, n: int) -> np.ndarray:
    """(R, F) -> (R, n, F), contiguous (as beliefs._actors)."""
    return np.repeat(x[:, None, :], n, axis=1)


class WorldBeliefs:
    """Mixin of :class:`World`: ``p``, ``evidence``, ``days_seen``, ``fighters``,
    ``fighter_col``, ``_fighter_beliefs`` (reset each day) and ``_belief_vars`` (reset by
    events) are the world's."""

    def beliefs(self, rows, actors, fronts) -> np.ndarray:
        """Belief means of ``actors`` about ``fronts`` in ``rows``  -> (S, A, F'), from the
        priors and what they have seen (battle.posterior, conjugate updating)."""
        col = self.fighter_col[actors]
        if (col >= 0).all():  # the fighters' beliefs of today, computed once a day
            return take(self.fighter_beliefs(), rows, col, fronts)
        p = self.p
        af, rf = ix(rows, actors, fronts), ix(rows, fronts)
        if not p.mechanisms.beliefs:
            return p.prior_mean[af]
        mean, _ = battle.posterior(
            p.prior_mean[af], p.prior_sd[af], self.evidence[rf], self.days_seen[rf],
            p.volatility[rf],
        )  # fmt: skip
        return mean

    def war_beliefs(self, rows, actors, fronts) -> np.ndarray:
        """As :meth:`beliefs`, with 0 for the actors that fight on no front: what the war
        terms read (battle.halt_parts skips the rows of actors that do not fight)."""
        col = self.fighter_col[actors]
        out = np.zeros((len(rows), len(actors), len(fronts)))
        out[:, col >= 0] = take(self.fighter_beliefs(), rows, col[col >= 0], fronts)
        return out

    def fighter_beliefs(self) -> np.ndarray:
        """(R, fighters, F): the belief means of the actors that fight (a side of a front)
        about every front, once a day: the posterior is elementwise, so computing it for
        all replicates at once gives every caller's rows bit for bit, without recomputing
        it per track and per phase (issue 11, "Speed"). Reset when a day begins."""
        if self._fighter_beliefs is None:
            p, a = self.p, self.fighters
            if not p.mechanisms.beliefs:
                self._fighter_beliefs = p.prior_mean[:, a]
            else:
                if self._belief_vars is None:  # kept until an event changes a parameter
                    sd = p.prior_sd[:, a]
                    v = p.volatility * p.volatility
                    self._belief_vars = (p.prior_mean[:, a], sd * sd, _by_actor(v, a.size))
                mean, prior_var, noise_var = self._belief_vars
                self._fighter_beliefs = kernels.posterior_mean(  # beliefs.posterior_mean
                    mean, prior_var, noise_var, self.evidence, self.days_seen
                )
        return self._fighter_beliefs

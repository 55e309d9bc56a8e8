"""Beliefs that learn: each actor's normal belief about each front's drift.

Mutual optimism (two priors that cannot both be right) is a rationalist cause of war
(Fearon 1995); fighting reveals information and beliefs converge, which makes agreement
possible (Slantchev 2003, 'The principle of convergence in wartime negotiations'; Smith &
Stam 2004, 'Bargaining and the nature of war'; Powell 2004, 'Bargaining and learning while
fighting'). The update is the normal-normal conjugate one (DeGroot 1970, 'Optimal
statistical decisions', ch. 9). Shapes: R replicates, N actors, F fronts; beliefs (R, N, F),
what is observed (R, F). Pure functions, no draws; sim/engine/battle.py re-exports them.
"""

from __future__ import annotations

import numpy as np


def update_beliefs(mean, sd, change, volatility, observed):
    """Normal-normal conjugate update of each actor's belief about each front's drift.

    Prior mu_f ~ N(m, s^2); a day's control change dx ~ N(mu_f, sigma_f^2). With the gain
    w = s^2 / (s^2 + sigma^2) the posterior is (DeGroot 1970, 'Optimal statistical
    decisions', ch. 9)

        m' = m + w (dx - m),        s'^2 = (1 - w) s^2 = s^2 sigma^2 / (s^2 + sigma^2).

    So the mean moves toward what fighting shows and the spread shrinks each observed day;
    two optimistic priors that cannot both be right converge on the truth, which is how
    fighting makes agreement possible (Slantchev 2003; Smith & Stam 2004). E[m'] = m when the
    prior mean is the true drift: identical correct priors learn nothing on average. A front
    with sigma = 0 reveals its drift in one day (w = 1); a dogmatic prior (s = 0) never moves.

    Arguments: mean, sd (R, N, F); change, volatility (R, F); observed (R, F), (R, 1, F) or
    (R, N, F) bool: where the actor saw today's change. The caller leaves out fronts that did
    not move and the day a front is absorbed (that change is clipped: it would bias the update).
    Returns (mean, sd), each (R, N, F). This is the readable day-by-day reference; the engine
    can keep the sufficient statistics instead (:func:`observe`, :func:`posterior`).
    """
    n = mean.shape[1]
    var = sd * sd
    total = _actors(volatility * volatility, n)
    total += var
    np.maximum(total, 1e-300, out=total)  # 0 only where var = 0 too: the gain is then 0
    gain = var / total
    if np.ndim(observed) == 2:
        observed = _actors(observed, n)
    elif np.ndim(observed) == 3 and observed.shape[1] == 1:
        observed = np.repeat(observed, n, axis=1)  # contiguous: see _actors
    gain *= observed
    new_mean = _actors(change, n)
    new_mean -= mean
    new_mean *= gain
    new_mean += mean
    np.subtract(1.0, gain, out=gain)
    np.sqrt(gain, out=gain)
    gain *= sd
    return new_mean, gain


def observe(evidence, days_seen, change, observed):
    """Add today's control changes to the sufficient statistics of every actor's belief.

    Every actor sees the same fighting (model2.md, 'The day' step 3), so the whole history
    of what it has seen is two (R, F) arrays: the sum of the observed changes and the number
    of days observed. Updated in place, O(R F) a day instead of O(R N F); ``observed`` (R, F)
    bool (active, undecided fronts, not the day of absorption).
    """
    evidence += np.where(observed, change, 0.0)
    days_seen += observed


def posterior(prior_mean, prior_sd, evidence, days_seen, volatility):
    """Beliefs after n observed days: the batch form of :func:`update_beliefs`.

        m_n = (m_0 sigma^2 + S s_0^2) / (sigma^2 + n s_0^2),
        s_n^2 = s_0^2 sigma^2 / (sigma^2 + n s_0^2)

    with S the sum of the n observed changes (conjugate updating does not depend on the
    order of the data; DeGroot 1970). Written so that sigma = 0 (m_n = S / n once seen) and
    s_0 = 0 (the prior stands) need no special case. prior_mean, prior_sd (R, N, F);
    evidence, days_seen, volatility (R, F). Returns (mean, sd), each (R, N, F).
    """
    n = prior_mean.shape[1]
    s2 = prior_sd * prior_sd
    v2 = _actors(volatility * volatility, n)
    den = _actors(days_seen.astype(float), n)
    den *= s2
    den += v2  # sigma^2 + n s_0^2; 0 only where nothing can be learnt
    seen = den > 0
    prior_weight = np.divide(v2, den, out=np.ones_like(v2), where=seen)
    data_weight = np.divide(s2, den, out=np.zeros_like(v2), where=seen)
    mean = _actors(evidence, n)
    mean *= data_weight
    np.multiply(prior_mean, prior_weight, out=data_weight)
    mean += data_weight
    prior_weight *= s2
    return mean, np.sqrt(prior_weight, out=prior_weight)


def posterior_mean(prior_mean, prior_var, noise_var, evidence, days_seen):
    """The mean of :func:`posterior`, bit for bit, from the squared sds it would compute:
    ``prior_var`` = s_0^2 and ``noise_var`` = sigma^2 broadcast to (R, N, F). They change
    only on events, so a caller that keeps them saves a third of the daily work."""
    n = prior_mean.shape[1]
    den = _actors(days_seen.astype(float), n)
    den *= prior_var
    den += noise_var
    seen = den > 0
    prior_weight = np.divide(noise_var, den, out=np.ones_like(den), where=seen)
    data_weight = np.divide(prior_var, den, out=np.zeros_like(den), where=seen)
    mean = _actors(evidence, n)
    mean *= data_weight
    np.multiply(prior_mean, prior_weight, out=data_weight)
    mean += data_weight
    return mean


def _actors(x, n):
    """(R, F) -> (R, n, F), contiguous: broadcasting a short trailing axis is ~8x slower."""
    return np.repeat(x[:, None, :], n, axis=1)

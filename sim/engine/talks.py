"""Talks on one track at one session: the value of a package, the answers, the mediator.

Pure functions over numpy arrays for the S replicates that hold a session today (an index
subset of the ensemble). Shapes: S replicates, N actors, K issues, C candidate packages;
a package is (S, K). Nothing here holds state or draws random numbers: the model passes the
draws in, so each rule is testable on its own (tests/unit/engine/test_talks.py).

- Value of a package (MODEL.md section 2; coord/model2.md "Acceptance"): the issue gain over
  the status quo on the issues the track decides, plus the war terms the model adds (the
  halt value of each covered front, threats), less a steep penalty for each red line
  breached beyond a small stated tolerance, less the aspiration.
- Named conditions: those of version 1 (rules.named_conditions) on the track's issues.
- The learning mediator: bounds on each responder's threshold from its answers, and the
  package most likely to be accepted by all (weighted by the mediator's own utility).
"""

from __future__ import annotations

import numpy as np

from sim.engine import rules

ALPHAS = (0.0, 0.25, 0.5, 0.75, 1.0)  # steps toward the holdout's named conditions
EPS = 1e-3  # the mediator never rules a package out completely
_MOVED = 1e-9  # an issue this far from its status quo asks its implementers to act


def issue_gain(package, position, salience, status_quo, decide):
    """G_i(p) = sum_k decide_k s_ik (|q_k - x_ik| - |p_k - x_ik|)  -> (S, N).

    The salience-weighted city-block utility of the spatial bargaining literature (Bueno de
    Mesquita & Stokman 1994) measured against the status quo q: issues a track does not
    decide stay at q and add nothing. ``salience`` is normalised over all issues.
    """
    gain = np.abs(status_quo[:, None, :] - position) - np.abs(package[:, None, :] - position)
    return (salience * gain * decide[:, None, :]).sum(axis=-1)


def losses(package, position, salience, decide):
    """Per-issue shortfall s_ik |p_k - x_ik| on the decided issues  -> (S, N, K)."""
    return salience * np.abs(package[:, None, :] - position) * decide[:, None, :]


def breach(package, red_low, red_high, decide):
    """How far the package lies beyond each red line, on the decided issues  -> (S, N, K)."""
    p = package[:, None, :]
    over = np.maximum(red_low - p, 0.0) + np.maximum(p - red_high, 0.0)
    return over * decide[:, None, :]


def red_line_penalty(over, tolerance, rate):
    """rate x sum_k max(0, breach_ik - tolerance)  -> (S, N).

    A package within ``tolerance`` of a red line is at it, not across it (no knife edge:
    issue 11); beyond it the loss is steep. ``tolerance`` and ``rate`` are (S,).
    """
    beyond = np.maximum(over - tolerance[:, None, None], 0.0)
    return rate[:, None] * beyond.sum(axis=-1)


def crosses(over, tolerance):
    """(S, N) bool: a red line breached beyond the tolerance (never accepted)."""
    return (over > tolerance[:, None, None] + 1e-12).any(axis=-1)


def effective_yes(said_yes, accepts_only_with):
    """A conditional yes counts only if every partner it names says yes too (P5)  -> (S, N)."""
    missing = accepts_only_with[None, :, :] & ~said_yes[:, None, :]
    return said_yes & ~missing.any(axis=2)


def needed_implementers(package, status_quo, decide, implementers):
    """(S, N) bool: actors whose consent the package needs (it moves an issue they implement
    off its status quo; MODEL.md section 5, linkage)."""
    moved = (np.abs(package - status_quo) > _MOVED) & decide  # (S, K)
    return (moved[:, :, None] & implementers[None, :, :]).any(axis=1)


def conditions(loss, gap, over, tolerance, rejects):
    """The conditions a rejecting actor names  -> (S, N, K) bool: every red line breached
    beyond the tolerance, then the largest shortfalls until the gap would close."""
    beyond = over > tolerance[:, None, None] + 1e-12
    return rules.named_conditions(loss, gap, beyond, rejects)


# --- the learning mediator ------------------------------------------------------------------


def learn(lo, hi, gain, accepted, responded):
    """Update the bounds [lo, hi] on each responder's threshold theta from its answer.

    A rejection at a package worth G to the party says theta > G at the time; an acceptance
    says theta <= G. Thresholds move, mostly down (aspirations only fall; fronts move both
    ways), so the two kinds of answer age differently: an acceptance stays true as theta
    falls, and the lowest one is kept (hi = min(hi, G)); a rejection goes stale as theta
    falls, so only the latest is kept (lo = G), never the highest ever seen, which would
    rule out packages the party now accepts. Keeping the most recent observations only is
    the sliding-window rule for non-stationary bandits (Garivier & Moulines 2011, 'On
    upper-confidence bound policies for switching bandit problems'), with a window of one
    rejection. An answer that contradicts the other bound resets it (theta moved past it).
    All arrays (S, N); returns (lo, hi).
    """
    rej = responded & ~accepted
    acc = responded & accepted
    new_lo = np.where(rej, gain, lo)
    new_hi = np.where(acc, np.minimum(hi, gain), hi)
    new_hi = np.where(rej & (new_hi <= new_lo), np.maximum(1.0, new_lo + EPS), new_hi)
    new_lo = np.where(acc & (new_lo >= new_hi), np.minimum(-1.0, new_hi - EPS), new_lo)
    return new_lo, new_hi


def accept_chance(gain, lo, hi):
    """P_hat(accept) = clip((G - lo) / (hi - lo), eps, 1): a uniform belief on theta."""
    width = np.maximum(hi - lo, EPS)
    return np.clip((gain - lo) / width, EPS, 1.0)


def holdout_target(package, position, named, rejecting):
    """Per issue, the mean position of the rejecting actors that named it; elsewhere the
    package itself  -> (S, K). The issues to move are the named conditions (MODEL.md 4)."""
    w = (named & rejecting[:, :, None]).astype(float)  # (S, N, K)
    total = w.sum(axis=1)
    pulled = (w * position).sum(axis=1)
    return np.where(total > 0, pulled / np.where(total > 0, total, 1.0), package)


def feasible_box(red_low, red_high, parties, tolerance):
    """The parties' public red lines widened by the tolerance  -> (low, high), each (S, K)."""
    low, high = rules.feasible_box(red_low, red_high, parties)
    tol = tolerance[:, None]
    return np.clip(low - tol, 0.0, 1.0), np.clip(high + tol, 0.0, 1.0)


def candidates(package, target, compromise, low, high, status_quo, decide):
    """The packages the mediator considers  -> (S, C, K): the current one moved toward the
    holdout target by each of ALPHAS, and the compromise target; inside the feasible box on
    the decided issues, at the status quo elsewhere."""
    steps = np.asarray(ALPHAS)[None, :, None]
    moved = package[:, None, :] + steps * (target - package)[:, None, :]
    cands = np.concatenate([moved, compromise[:, None, :]], axis=1)
    cands = np.clip(cands, low[:, None, :], high[:, None, :])
    return np.where(decide[:, None, :], cands, status_quo[:, None, :])


def choose(chance, mediator_utility, bias):
    """Index of the best candidate: argmax prod_i P_hat_i x (1 + bias x U_med)  -> (S,).

    ``chance`` (S, C, N) with 1 for actors whose answer is not needed; ``mediator_utility``
    (S, C). Ties go to the first candidate (the smallest move), so the choice is unique.
    """
    score = chance.prod(axis=2) * (1.0 + bias[:, None] * mediator_utility)
    return np.argmax(score, axis=1)


def compromise_target(position, salience, capability, weight, low, high):
    """Version 1's compromise target (Bueno de Mesquita & Stokman 1994), clipped to the box:
    the baseline rule ``compromise``."""
    return np.clip(rules.compromise_target(position, salience, capability, weight), low, high)


# --- concession -----------------------------------------------------------------------------


def concede(aspiration, rate, cost, pressure, floor=-np.inf):
    """a_i(t+1) = max(a_i(t) - rate_i (cost_i(t) + pressure_i(t)), min(a_i(t), floor_i)).

    Concession without a deadline: a party lowers what it asks for as the war costs it and
    as the mediator presses it when it is the holdout. Zeuthen's principle (Zeuthen 1930):
    the side that loses more by holding out concedes more, down to its disagreement point
    and not below: the floor (0: a deal must be worth at least the war, by the party's own
    valuation; MODEL.md section 4). Concession never takes the aspiration below the floor;
    one stated (or drawn) below it stays where it is. Nothing depends on the horizon.
    """
    return np.maximum(aspiration - rate * (cost + pressure), np.minimum(aspiration, floor))

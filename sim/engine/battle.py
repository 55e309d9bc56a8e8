"""The war in the war: fronts, beliefs about them, and what halting them is worth.

Bargaining while fighting (Fearon 1995, 'Rationalist explanations for war'; Powell 2004,
'Bargaining and learning while fighting'): each party's outside option is the war itself,
valued by the control it expects to hold on each front over its planning horizon, less the
cost of fighting. Fighting reveals information: parties hold normal priors on each front's
drift and update them from the control changes they see (Slantchev 2003, 'The principle
of convergence in wartime negotiations'; Smith & Stam 2004, 'Bargaining and the nature of
war'). A pause that lets one side rearm shifts the front after it, which is the
commitment problem of Powell 2006 ('War as a commitment problem').

Beliefs (their conjugate updating) live in sim/engine/beliefs.py and are re-exported here.
Shapes: R replicates, N actors, F fronts, K issues. Control is (R, F): the share of the
front the SECOND side holds. ``side_sign`` (N, F) is +1 for the second side, -1 for the
first, 0 for actors that do not fight there. Every function is pure (no state, no model,
no Parameters object) and keeps the replicate axis first; the only draws are those of
:func:`step_fronts`, addressed by (seed, replicate, day, "front", 0, front), so a replicate
moves the same alone or in any batch. Temporaries are at most (R, N, F): these run every
day for 10^5 replicates.
"""

from __future__ import annotations

import numpy as np

from sim.engine import rng
from sim.engine.beliefs import observe as observe  # beliefs are part of battle's interface
from sim.engine.beliefs import posterior as posterior
from sim.engine.beliefs import update_beliefs as update_beliefs

MONTH = 30.0  # days: the unit of the rearmament shift (docs/model.md, 'Rearmament')


def step_fronts(control, drift, volatility, active, decided, seed, replicate, day):
    """One day of fighting: b_f(t+1) = clip(b_f(t) + mu_f + sigma_f e_ft, 0, 1).

    MODEL.md section 3: a front moves only while it is ``active`` (no deal in force halts
    it) and not yet ``decided``; 0 and 1 are absorbing, and the side holding the whole front
    has won it (its tied issues are settled on the battlefield). The shock e_ft is the
    counter-based normal of (seed, replicate, day, "front", 0, f), so replicate j's path
    does not depend on the batch it runs in.

    Arguments: control, drift, volatility (R, F) float; active, decided (R, F) bool;
    replicate (R,) int; day the calendar day (the step).
    Returns (control, newly_decided, winner): the new control (R, F); the fronts decided
    today (R, F) bool; and winner (R, F) int8, the side index that won a front decided
    today (0 = first side, control 0; 1 = second side, control 1), -1 elsewhere.
    """
    moving = active & ~decided
    r, f = np.nonzero(moving)
    new = control.copy()
    new[r, f] = move_fronts(
        control[r, f], drift[r, f], volatility[r, f], seed, replicate[r], f, day
    )
    won_second = moving & (new >= 1.0)
    newly = won_second | (moving & (new <= 0.0))
    winner = np.where(newly, won_second.astype(np.int8), np.int8(-1)).astype(np.int8)
    return new, newly, winner


def move_fronts(control, drift, volatility, seed, replicate, front, day):
    """The day's move of the fronts being fought, as flat arrays (M,): one entry per moving
    (replicate, front), ``front`` its index. The rule of :func:`step_fronts` (which calls
    it) on just the entries that move: the draws are elementwise in their counters, so a
    front moves the same whatever else is computed, and the halted or decided fronts of a
    day cost nothing (issue 11, "Speed")."""
    shock = rng.normal(seed, replicate, day, "front", 0, front)
    shock *= volatility
    shock += drift
    shock += control
    return np.clip(shock, 0.0, 1.0, out=shock)


def own_share(control, side_sign):
    """own_i(b) = b for the second side, 1 - b for the first, 0 for others  -> (R, N, F).

    ``control`` is (R, F) (broadcast over actors) or already (R, N, F).
    """
    b = control[:, None, :] if control.ndim == 2 else control
    sign = side_sign.astype(float)
    return np.abs(sign) * ((1.0 - sign) / 2.0 + sign * b)


def expected_control(control, belief_mean, days):
    """E_i b_f(t+h) = clip(b_f(t) + m_if(t) h, 0, 1)  -> (R, N, F).

    The control party i expects on front f after h more days of fighting, by its own
    belief about the drift (risk neutral: the belief's spread does not enter). ``days`` is a
    scalar, (R, N) (one horizon per actor) or anything broadcasting to (R, N, F).
    """
    h = _per_actor(days)
    return np.clip(control[:, None, :] + belief_mean * h, 0.0, 1.0)


def halt_days(term, planning_horizon):
    """L_i = min(term, H_i), or H_i for an open-ended deal (term 0)  -> (R, N).

    ``term`` is a scalar or (R,) of days; ``planning_horizon`` (R, N). A party values at
    most its planning horizon, so a longer halt counts as a freeze for the whole horizon.
    """
    term = np.asarray(term, dtype=float)
    if term.ndim == 1:
        term = term[:, None]
    return np.where(term > 0, np.minimum(term, planning_horizon), planning_horizon)


def rearmament_delta(rearmament_shift, halt, planning_horizon):
    """delta_f = -shift_f (L/30) (max(H - L, 0)/30)  -> (R, N, F): a pause with r = 0.

    model2.md: a pause of L days in which the first side is free to rearm (rearmament term
    r = 0; r = 1 forbids it) moves the front's drift toward the first side after the pause
    by shift_f (1 - r) L/30 per 30 days (see :func:`rearmed_drift`); over the H - L days of
    fighting left in party i's horizon this moves the expected control by (1 - r) delta_f.
    It enters both sides' valuations with opposite signs (Powell 2006: a pause that changes
    the balance is worth less to the side it weakens). ``rearmament_shift`` (R, F); ``halt``
    and ``planning_horizon`` (R, N) days.
    """
    weight = halt * np.maximum(planning_horizon - halt, 0.0) / (MONTH * MONTH)
    return -rearmament_shift[:, None, :] * weight[:, :, None]


def rearmed_drift(drift, rearmament_shift, rearmament, paused_days, ended):
    """The drift after a pause: mu_f - shift_f (1 - r) (paused/30) / 30 on ``ended`` fronts.

    The dynamics that :func:`rearmament_delta` values: ``rearmament_shift`` is the change in
    drift per 30 days of drift, per 30 days of pause with the first side free to rearm. Call
    once when a pause on a front ends (``ended`` (R, F) bool), with the days it lasted
    (``paused_days`` (R,) or (R, F)) and the deal's rearmament term ``rearmament`` (R,).
    """
    free = (1.0 - np.asarray(rearmament, dtype=float)).reshape(-1, 1)
    paused = np.asarray(paused_days, dtype=float)
    paused = paused.reshape(-1, 1) if paused.ndim == 1 else paused
    return np.where(ended, drift - rearmament_shift * free * paused / MONTH / MONTH, drift)


def halt_parts(
    control,
    belief_mean,
    side_sign,
    stakes,
    intensity,
    cost,
    planning_horizon,
    term,
    rearmament_shift=None,
):
    """F_if in two parts: (value with rearmament barred, value per unit of freedom to rearm).

        F_if(r) = stakes_if [own_i(E_i b(t+H_i-L) + (1 - r) delta_f) - own_i(E_i b(t+H_i))]
                + L intensity_f cost_if                      = base_if + (1 - r) rearm_if

    (model2.md 'Equations'; MODEL.md section 2). The first term is the advance the halt
    forgoes (negative for the side that expects to gain ground) or the loss it avoids
    (positive for the side that expects to lose it); the second the fighting costs saved.
    So a party can refuse a full halt yet accept one on a sector where both sides only
    suffer (drift 0, costs > 0), and a change on the battlefield changes what is acceptable
    (Fearon 1995; Powell 2004). Beliefs, not the true drift, set the expectation, so mutual
    optimism makes both sides value a halt less (Slantchev 2003).

    Linear in the package's rearmament term r, so the mediator can score any number of
    candidate packages from one evaluation per session: exact at r = 0 and r = 1 and in
    between unless the shifted control would pass 0 or 1 (docs/model.md, departures).

    Arguments: control (R, F); belief_mean (R, N, F); side_sign (N, F); stakes (R, N, F);
    intensity (R, F); cost (R, N, F) or None (no fighting costs); planning_horizon (R, N)
    days; term the track's fixed term (scalar or (R,), 0 = open-ended); rearmament_shift
    (R, F) or None (no rearmament issue). Pass only the actors that fight (the parties):
    the others' rows are 0. Returns (base, rearm), each (R, N, F) (rearm None without a
    shift); reduce them to a track's fronts with :func:`over_fronts`.
    """
    fighters = np.flatnonzero((np.asarray(side_sign) != 0).any(axis=1))
    if fighters.size < belief_mean.shape[1]:  # the others' war terms are 0: skip their rows
        sub = (belief_mean[:, fighters], side_sign[fighters], stakes[:, fighters], intensity)
        costs = None if cost is None else cost[:, fighters]
        horizon = planning_horizon[:, fighters]
        parts = halt_parts(control, *sub, costs, horizon, term, rearmament_shift)
        return tuple(_embed(part, fighters, belief_mean.shape) for part in parts)
    R, N, F = belief_mean.shape
    halt = halt_days(term, planning_horizon)
    days = _by_front(halt, F)
    sign = np.broadcast_to(side_sign, (R, N, F)) * stakes  # +-stakes: sign_i (x - y) = own diff
    paused = belief_mean * days
    base = _advance(_actors(control, N), belief_mean, sign, _by_front(planning_horizon, F), paused)
    rearm = None
    if rearmament_shift is not None:
        rearm = _actors(rearmament_shift, N)
        rearm *= _by_front(halt * np.maximum(planning_horizon - halt, 0.0) / MONTH**2, F)
        np.subtract(paused, rearm, out=rearm)  # E_i b(t+H-L) + delta_f, delta = -shift x ...
        np.clip(rearm, 0.0, 1.0, out=rearm)
        rearm -= paused
        rearm *= sign
    if cost is not None:
        np.multiply(_actors(intensity, N), cost, out=paused)
        paused *= days
        base += paused
    return base, rearm


def _advance(control, belief_mean, signed_stakes, horizon, paused):
    """stakes_if [own_i(E_i b(t+H-L)) - own_i(E_i b(t+H))]  -> (R, N, F), all (R, N, F).

    ``paused`` holds m_if L on entry and E_i b(t+H-L) on exit (it saves a temporary).
    own_i(x) - own_i(y) = sign_i (x - y): the constant parts of own_i cancel.
    """
    without = belief_mean * horizon
    without += control
    np.subtract(without, paused, out=paused)
    np.clip(paused, 0.0, 1.0, out=paused)
    np.clip(without, 0.0, 1.0, out=without)
    np.subtract(paused, without, out=without)
    without *= signed_stakes
    return without


def halt_value(
    control,
    belief_mean,
    side_sign,
    stakes,
    intensity,
    cost,
    planning_horizon,
    term,
    rearmament=None,
    rearmament_shift=None,
    covered=None,
    decided=None,
):
    """F_if of one package: :func:`halt_parts` at the package's rearmament term  -> (R, N, F).

    ``rearmament`` (R,) is the package's rearmament term (the status quo if the track does
    not decide it) or None (no rearmament issue: delta = 0); ``covered`` (F,) or (R, F)
    bool the fronts the track halts (None: all); ``decided`` (R, F) bool (a decided front
    is worth nothing to halt). 0 outside covered, undecided fronts. Other arguments as
    :func:`halt_parts`.
    """
    shift = None if rearmament is None else rearmament_shift
    base, rearm = halt_parts(
        control, belief_mean, side_sign, stakes, intensity, cost, planning_horizon, term, shift
    )
    if rearm is not None:
        base += (1.0 - np.asarray(rearmament, dtype=float))[:, None, None] * rearm
    return _mask(base, covered, decided)


def over_fronts(values, covered=None, decided=None):
    """sum over the covered, undecided fronts of per-front values (R, N, F)  -> (R, N).

    The war term of Delta_i for a track: sum_{f in T.fronts, not decided} F_if.
    """
    keep = _keep(values.shape, covered, decided)
    return values.sum(axis=-1) if keep is None else np.einsum("rnf,rf->rn", values, keep)


def resume_gain(
    control,
    belief_mean,
    side_sign,
    stakes,
    planning_horizon,
    remaining,
    rearmament=None,
    rearmament_shift=None,
    covered=None,
    decided=None,
):
    """What party j expects to gain by resuming now on each front a deal in force halts.

    gain_jf = -stakes_jf [own_j(E_j b(t+H-L) + (1 - r) delta_f) - own_j(E_j b(t+H))], the
    advance the rest of the pause (L = ``remaining`` days >= 1; 0 = open-ended) forgoes: minus
    the first term of :func:`halt_value`, without the costs (model2.md, deals). Positive
    only for the side that expects to advance. This is the advance part alone: strategic
    defection weighs the net value of keeping a deal, costs, sanctions and issue terms
    included (sim/engine/defection.py; Fearon 1995 and Powell 2006), and
    session.cheating_risk rates the others' defection by this part. Arguments
    as :func:`halt_value` (rows are independent: pass only the replicates with the deal in
    force). Returns (R, N, F), 0 outside covered, undecided fronts.
    """
    args = (control, belief_mean, side_sign, stakes, None, None, planning_horizon, remaining)
    value = halt_value(*args, rearmament, rearmament_shift, covered, decided)
    return np.negative(value, out=value)


def sanctions_saved(sanctions, term, planning_horizon):
    """min(L, H_i) x sanctions flow_i: what a comprehensive deal saves a sanctioned party.

    model2.md 'Sanctions': a carried-out threat adds its severity to the target's daily
    cost of war (a flow, Schelling 1966); a comprehensive deal suspends it for the halt.
    ``sanctions`` (R, N) per day. Returns (R, N); add it to the comprehensive track only.
    """
    return halt_days(term, planning_horizon) * sanctions


def war_cost_today(intensity, cost, active, sanctions=None):
    """cost_i(t) = sum_f active_f intensity_f cost_if + sanctions flow_i  -> (R, N).

    The day's cost of war that drives concession (model2.md 'Aspiration'; 'Costs and
    Cover', Clayton et al. 2023: costlier fighting makes a ceasefire likelier). ``active``
    (R, F) bool: fronts being fought today (not halted, not decided). intensity (R, F),
    cost (R, N, F), sanctions (R, N) or None.
    """
    fought = np.where(active, intensity, 0.0)
    total = np.einsum("rf,rnf->rn", fought, cost)
    if sanctions is not None:
        total += sanctions
    return total


def red_line_shift(red_low, red_high, control, control0, issue_front, out=None):
    """Red lines of issues tied to a front move with it: bounds + (b_f(t) - b_f(0)).

    MODEL.md section 2: what a party insists on over a contested area follows who holds it;
    pole 1 of a tied issue is the second side's win, so a front moving toward the second
    side moves both bounds toward 1. Pass the day-0 red lines (the shift is from day 0, so
    nothing accumulates). A bound at 0 (below) or 1 (above) means "no red line" and stays
    where it is; the others are clipped to [0, 1]. red_low, red_high (R, N, K); control,
    control0 (R, F); issue_front (K,) int (-1 for untied issues). ``out`` = (low, high),
    arrays the caller owns (not the day-0 ones) holding the day-0 values on the untied
    issues, are written in place: no copy a day (copies this size page-fault).
    Returns (red_low, red_high), each (R, N, K).
    """
    tied = np.flatnonzero(issue_front >= 0)
    if tied.size == 0:
        return red_low, red_high
    shift = (control - control0)[:, issue_front[tied]][:, None, :]  # (R, 1, tied)
    low, high = (red_low.copy(), red_high.copy()) if out is None else out  # tied columns change
    lo, hi = red_low[:, :, tied], red_high[:, :, tied]
    low[:, :, tied] = np.where(lo > 0.0, np.clip(lo + shift, 0.0, 1.0), lo)
    high[:, :, tied] = np.where(hi < 1.0, np.clip(hi + shift, 0.0, 1.0), hi)
    return low, high


def settled_terms(newly_decided, winner, issue_front):
    """Issues settled on the battlefield today and their value  -> (mask, value), (R, K).

    A decided front takes its tied issues off the table at the winner's pole: 1 when the
    second side won (control 1), 0 when the first did (MODEL.md section 3). ``value`` is
    NaN where nothing was settled today.
    """
    front = np.where(issue_front >= 0, issue_front, 0)
    mask = newly_decided[:, front] & (issue_front >= 0)
    value = np.where(mask, winner[:, front].astype(float), np.nan)
    return mask, value


def _per_actor(days):
    """A per-actor (R, N) horizon as (R, N, 1); scalars and 3-d arrays pass through."""
    days = np.asarray(days, dtype=float)
    return days[:, :, None] if days.ndim == 2 else days


def _keep(shape, covered, decided):
    """(R, F) float: 1 on the covered, undecided fronts; None when every front counts."""
    keep = None
    if covered is not None:
        keep = np.broadcast_to(np.asarray(covered, dtype=bool), (shape[0], shape[-1]))
    if decided is not None:
        keep = ~decided if keep is None else keep & ~decided
    return None if keep is None else keep.astype(float)


def _mask(value, covered, decided):
    """Zero the fronts a track does not cover and those already decided (in place)."""
    keep = _keep(value.shape, covered, decided)
    if keep is not None:
        value *= _actors(keep, value.shape[1])
    return value


def _by_front(x, f):
    """(R, N) -> (R, N, f), contiguous (see :func:`_actors`)."""
    return np.repeat(x, f, axis=1).reshape(x.shape[0], x.shape[1], f)


def _actors(x, n):
    """(R, F) -> (R, n, F), contiguous: broadcasting a short trailing axis is ~8x slower."""
    return np.repeat(x[:, None, :], n, axis=1)


def _embed(part, rows, shape):
    """(R, n, F) values of actors ``rows`` in an (R, N, F) array of zeros (None stays None)."""
    if part is None:
        return None
    out = np.zeros(shape)
    out[:, rows] = part
    return out

"""Step 6 of the day: talks on each open track where a session is held (coord/model2.md).

At a session the mediator tables a package on each open track, the parties (and, for
their consent, the implementers the package needs) answer, deals are agreed where every
party says yes, and the mediator learns from the answers. A package on a track is judged
on the issues the track decides and the fronts it halts, so the arrays of a session are cut
to them: S replicates with a session today, A actors who answer (the parties and the
track's implementers), K_t issues of the track. That cut is what makes talks cheap enough
for 10^5 runs of a year (issue 11, "Speed"); the rules are those of :mod:`sim.engine.talks`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from sim.engine import battle, defection, rng, talks
from sim.engine.codes import Answer, Side


def ix(*index: np.ndarray) -> tuple[np.ndarray, ...]:
    """np.ix_ without its checks (it costs ~50 us a call, and talks call it thousands of
    times a run): integer index arrays reshaped to broadcast as an open mesh."""
    n = len(index)
    return tuple(
        np.asarray(a).reshape((1,) * k + (-1,) + (1,) * (n - k - 1)) for k, a in enumerate(index)
    )


def take(a: np.ndarray, rows: np.ndarray, *index) -> np.ndarray:
    """``a[ix(rows, *index)]`` bit for bit (integers in ``index`` pick one entry of their
    axis), by a take of whole rows first, then an open mesh on the few trailing indices:
    several times cheaper than one open mesh over all axes (talks gather many small cuts a
    session; issue 11, "Speed"). Pass the whole array, not a strided view of it: a take
    from a view copies all of it first."""
    cut = a.take(rows, axis=0)
    arrays = [i for i in index if not isinstance(i, int | np.integer)]
    mesh, k = [], 0
    for i in index:
        if isinstance(i, int | np.integer):
            mesh.append(i)
        else:
            mesh.append(np.asarray(i).reshape((1,) * k + (-1,) + (1,) * (len(arrays) - k - 1)))
            k += 1
    return cut[(slice(None), *mesh)]


@dataclass
class View:
    """One track in some replicates: the index cuts and the stances on the track's issues."""

    rows: np.ndarray  # (S,) replicate rows of the world
    t: int
    issues: np.ndarray  # (K_t,) issue indices
    actors: np.ndarray  # (A,) actor indices: parties, then implementers
    party: np.ndarray  # (A,) bool
    decide: np.ndarray  # (S, K_t) bool: decided and not settled on the battlefield
    q: np.ndarray  # (S, K_t) status quo
    pos: np.ndarray  # (S, A, K_t)
    sal: np.ndarray  # (S, A, K_t) normalised over all issues
    low: np.ndarray  # (S, A, K_t) red lines (moved with their fronts)
    high: np.ndarray
    tol: np.ndarray  # (S,)
    implements: np.ndarray  # (K_t, A) bool


def track_actors(w, t: int) -> np.ndarray:
    """Parties, then the implementers of the track's issues (linkage on), in index order."""
    p = w.p
    extra = np.zeros(w.N, dtype=bool)
    if p.mechanisms.linkage:
        extra = p.implementers[p.track_issues[t]].any(axis=0) & ~w.is_party
    return np.concatenate([w.parties, np.flatnonzero(extra)])


def view(w, rows: np.ndarray, t: int) -> View:
    p = w.p
    issues = w.track_issue_idx[t]
    actors = w.track_actor_idx[t]
    low, high = take(p.red_low, rows, actors, issues), take(p.red_high, rows, actors, issues)
    fronts = p.issue_front[issues]
    if (fronts >= 0).any():
        low, high = battle.red_line_shift(low, high, w.control[rows], p.control0[rows], fronts)
    tol = p.tolerance[rows] if p.mechanisms.tolerance else np.zeros(rows.size)
    return View(
        rows, t, issues, actors, w.is_party[actors], ~take(w.settled, rows, issues),
        take(w.status_quo, rows, issues), take(w.position, rows, actors, issues),
        take(w.salience, rows, actors, issues), low, high, tol,
        p.implementers[ix(issues, actors)],
    )  # fmt: skip


def repeated(v: View, times: int) -> View:
    """``v`` with each replicate's row repeated ``times`` times in a row (np.repeat): the
    view of ``view(w, np.repeat(v.rows, times), t)`` without gathering and shifting the
    red lines again, for valuing several packages of each replicate in one pass."""
    return dataclasses.replace(
        v,
        rows=np.repeat(v.rows, times),
        **{f: np.repeat(getattr(v, f), times, axis=0) for f in _ROW_FIELDS},
    )


_ROW_FIELDS = ("decide", "q", "pos", "sal", "low", "high", "tol")  # View's per-replicate axes


def values(w, v: View, package: np.ndarray):
    """Delta_i of ``package`` (S, K_t) for each answering actor  -> (value, penalty, over,
    loss): issue gain + halt value of the covered fronts + threat terms + sanctions saved
    - red-line penalty - implementation risk - aspiration (coord/model2.md, "Acceptance").
    The implementation risk is read off the others' value of keeping the deal: the value
    before it and the aspiration (``cheating_risk``)."""
    p, rows, t = w.p, v.rows, v.t
    value = talks.issue_gain(package, v.pos, v.sal, v.q, v.decide)
    gross = value.copy()  # what the deal gives on issues (and, below, on the fronts)
    over = talks.breach(package, v.low, v.high, v.decide)
    penalty = talks.red_line_penalty(over, v.tol, p.red_line_penalty[rows])
    value -= penalty
    fronts, worth = w.track_front_idx[t], None
    if fronts.size:
        rearm = None
        if p.rearmament >= 0:
            at = np.flatnonzero(v.issues == p.rearmament)
            rearm = package[:, at[0]] if at.size else w.status_quo[rows, p.rearmament]
        horizon = take(p.planning_horizon, rows, v.actors)
        decided = take(w.decided, rows, fronts)
        shift = take(p.rearmament_shift, rows, fronts) if rearm is not None else None
        advance = battle.halt_value(
            take(w.control, rows, fronts), w.war_beliefs(rows, v.actors, fronts),
            p.side_sign[ix(v.actors, fronts)], take(p.stakes, rows, v.actors, fronts), None,
            None, horizon, p.track_term[t], rearm, shift, None, decided,
        ).sum(axis=2)  # fmt: skip
        halt = battle.halt_days(p.track_term[t], horizon)
        saved = halt[:, :, None] * take(p.intensity, rows, fronts)[:, None, :]
        saved *= take(p.front_cost, rows, v.actors, fronts)
        saved *= ~decided[:, None, :]
        front_value = advance + saved.sum(axis=2)
        value += front_value
        if p.mechanisms.defection:
            worth = gross + front_value
    if len(p.threat_ids):
        value += w.coercion.deal_terms(p, rows, t)[:, v.actors]
    if w.comprehensive[t]:
        value += battle.sanctions_saved(
            take(w.coercion.sanctions, rows, v.actors),
            p.track_term[t],
            take(p.planning_horizon, rows, v.actors),
        )
    if worth is not None:  # value is now each actor's value of keeping the deal
        value -= cheating_risk(w, v, package, value, worth, halt)
    value -= take(w.aspiration, rows, v.actors)
    return value, penalty, over, talks.losses(package, v.pos, v.sal, v.decide)


def cheating_risk(w, v: View, package, keep, worth, halt) -> np.ndarray:
    """Implementation risk (MODEL.md section 2): what party i expects to lose to the others'
    strategic defection  -> (S, A).

    Each other party j would gain -keep_j by resuming: minus its value of keeping the deal
    (issue gain - red-line penalty + halt value incl. costs saved + threat terms + sanctions
    saved, without its aspiration), the net gain the deal book's defection rule uses
    (sim/engine/defection.py), so i fears a defection only from a party that would not
    itself value the deal; j defects at the rate of deals.py,
    defection_rate x max(0, gain_j - blame_cost x monitoring), monitoring
    being the package's compliance term (monitors attribute a breach); over the halt it
    defects with chance 1 - exp(-L rate_j), and i then loses what the deal was worth to it
    (``worth``: its issue gain plus the halt value).
    The commitment problem (Fearon 1995; Powell 2006): a full halt a winning side would break
    is worth little to the side that would be cheated, while a sectoral halt nobody expects
    to gain from carries no such risk.
    """
    p, rows = w.p, v.rows
    monitoring = np.zeros(rows.size)
    at = np.flatnonzero(v.issues == p.compliance_issue)
    if at.size:
        monitoring = package[:, at[0]]
    blame = p.impl["blame_cost"][rows] * monitoring
    rate = p.impl["defection_rate"][rows, None] * np.maximum(0.0, -keep - blame[:, None])
    chance = -np.expm1(-halt * rate)  # (S, A): j defects during the halt, by the model
    # ... or as often as it has been seen to break deals (trust is built on the record:
    # MODEL.md section 4, "experience changes beliefs and trust"): n broken -> n / (n + 1)
    record = take(w.broken, rows, v.actors)
    chance = np.maximum(chance, record / (record + 1.0)) * v.party[None, :]
    others = chance.sum(axis=1, keepdims=True) - chance
    return others * np.maximum(worth, 0.0)


def needed(v: View, package: np.ndarray) -> np.ndarray:
    """(..., A) bool: answering actors whose yes the package needs: the parties, and the
    implementers of issues it moves off the status quo (MODEL.md section 5, linkage).
    ``package`` is (S, K_t) or (S, C, K_t)."""
    q, decide = v.q, v.decide
    if package.ndim == 3:
        q, decide = q[:, None, :], decide[:, None, :]
    moved = (np.abs(package - q) > 1e-9) & decide
    impl = (moved[..., :, None] & v.implements).any(axis=-2)
    return impl | v.party


def hold_talks(w, day: int, mediator) -> None:
    """On each open track of the replicates with a session today: table, answer, agree,
    learn. The holdout (a party that said no while every other said yes) is remembered for
    the mediator's focus and pressure."""
    p = w.p
    met_today = np.flatnonzero(w.session_today)
    opened = np.zeros((w.R, w.T), dtype=bool)
    opened[met_today] = w.open_tracks(met_today)
    holdout = np.zeros((w.R, w.N), dtype=bool)
    met = np.zeros(w.R, dtype=bool)
    n_parties = len(w.parties)
    for t in w.track_order:
        rows = np.flatnonzero(opened[:, t])
        if rows.size and w.track_front_idx[t].size:  # a broader deal struck today covers it
            rows = rows[~w.halted_rows(rows)[:, w.track_front_idx[t]].all(axis=1)]
        if rows.size == 0:
            continue
        v = view(w, rows, t)
        package = mediator.table(w, v, day)
        w.package[rows[:, None], t, v.issues[None, :]] = package
        w.tablings[rows, t] += 1
        yes, need = respond(w, v, package, day)
        full = np.zeros((rows.size, w.N), dtype=bool)
        full[:, v.actors] = yes
        effective = talks.effective_yes(full, p.accepts_only_with)[:, w.parties]
        n_yes = effective.sum(axis=1, keepdims=True)
        holdout[rows[:, None], w.parties[None, :]] |= ~effective & (n_yes == n_parties - 1)
        met[rows] = True
        deal = carried(w, rows, effective, n_yes[:, 0] == n_parties) & changes(w, v, package)
        if deal.any():  # valued before compliance withdraws the threats it counted on
            w.book.kept_terms[rows[deal], t] = defection.terms_value(w, v, package, deal)
        if len(p.threat_ids):
            w.coercion.comply(p, rows, t, full & w.is_party[None, :])
        if deal.any():
            waiting = (need & ~yes & ~v.party)[deal].any(axis=1)
            strike(w, rows[deal], t, w.package[rows[deal], t], waiting, day)
        if mediator.learns:
            gain = mediator.public_gain(v, package)
            lo, hi = talks.learn(
                take(w.lo, rows, v.actors, t), take(w.hi, rows, v.actors, t), gain,
                yes, need,
            )  # fmt: skip
            w.lo[rows[:, None], v.actors[None, :], t] = lo
            w.hi[rows[:, None], v.actors[None, :], t] = hi
    w.holdout = np.where(met[:, None], holdout, w.holdout)


def carried(w, rows: np.ndarray, effective: np.ndarray, unanimous: np.ndarray) -> np.ndarray:
    """Whether the parties' (effective) yes answers carry the package -> (S,) bool.

    Under unanimity (the default) every party must say yes: ``unanimous``. Under a
    qualified majority the yes answers must hold at least ``majority_threshold`` of the
    parties' capability (``negotiation.decision_rule``, docs/scenarios.md)."""
    p = w.p
    if p.decision_rule == "unanimity":
        return unanimous
    capability = p.capability[rows[:, None], w.parties[None, :]]
    share = (capability * effective).sum(axis=1) / capability.sum(axis=1)
    return share >= p.majority_threshold[rows] * (1.0 - 1e-12)


def changes(w, v: View, package: np.ndarray) -> np.ndarray | bool:
    """Whether a package is something to agree on -> (S,) bool, or True.

    A deal halts the fronts its track covers, so with fronts even a package that leaves
    every issue at the status quo is a deal (a ceasefire). In a case without fronts (plain
    bargaining) agreeing to change nothing is no agreement: the package must move an issue
    the track decides."""
    if len(w.p.front_ids):
        return True
    return ((np.abs(package - v.q) > 1e-9) & v.decide).any(axis=1)


def respond(w, v: View, package: np.ndarray, day: int):
    """The answers to ``package``, and the conditions the rejecting parties name
    -> (yes, needed), each (S, A). Accept iff Delta_i + sigma_i e >= 0 and no red line is
    breached beyond the tolerance."""
    p, rows, t = w.p, v.rows, v.t
    value, penalty, over, loss = values(w, v, package)
    draw = rng.normal(p.seed, p.replicate[rows, None], day, "accept", v.actors[None, :], t)
    perceived = value + take(p.noise, rows, v.actors) * draw
    yes = (perceived >= 0) & ~talks.crosses(over, v.tol)
    need = needed(v, package)
    # The gap the other conditions must close is what is missing once the red lines are
    # met: a breached red line is named anyway, and meeting it removes its penalty.
    rejects = ~yes & v.party[None, :]
    named = talks.conditions(loss, -(perceived + penalty), over, v.tol, rejects)
    w.named[rows, :, t, :] = False
    w.named[rows[:, None, None], v.actors[None, :, None], t, v.issues[None, None, :]] = named
    conditional = p.accepts_only_with[v.actors].any(axis=1)[None, :]
    code = np.where(yes, np.where(conditional, Answer.CONDITIONAL, Answer.ACCEPT), Answer.REJECT)
    cut = (rows[:, None], v.actors[None, :], t)
    w.answers[cut] = code
    w.offer_value[cut] = value
    w.accepted_today[cut] = yes
    return yes, need


def strike(w, rows, t, terms, waiting, day) -> None:
    """Agree a deal on track ``t`` in ``rows``; it waits where an implementer said no."""
    p = w.p
    mask = np.zeros(w.R, dtype=bool)
    mask[rows] = True
    full_terms = np.zeros((w.R, w.K))
    full_terms[rows] = terms
    needs = np.zeros(w.R, dtype=bool)
    needs[rows] = waiting
    side = Side.BILATERAL if len(w.parties) <= 2 else Side.MULTILATERAL
    w.book.agree(mask, t, day, full_terms, needs, side, p.mediator >= 0)
    w.book_changed()
    w.agreed_terms[rows, t] = terms
    if not p.mechanisms.tracks or not p.implementation_phase:  # a bargaining case: settled
        w.ended[rows] = True


def consent(w, day: int) -> None:
    """Pending deals whose implementers reconsider today enter into force if every needed
    implementer now values the agreed terms at >= 0 (noise-free: a considered decision)."""
    book = w.book
    due = book.reconsider(day)
    if not due.any():
        return
    yes = np.zeros_like(due)
    for t in np.flatnonzero(due.any(axis=0)):
        rows = np.flatnonzero(due[:, t])
        v = view(w, rows, t)
        terms = w.agreed_terms[rows[:, None], t, v.issues[None, :]]
        value = values(w, v, terms)[0]
        need = needed(v, terms) & ~v.party
        yes[rows, t] = ~(need & (value < 0)).any(axis=1)
    book.consent(yes, day)


def satisfied(w, day: int) -> np.ndarray:
    """(R, T): every party's current Delta for the track's deal at its term >= 0."""
    out = np.zeros((w.R, w.T), dtype=bool)
    due = w.book.expiring(day)
    for t in np.flatnonzero(due.any(axis=0)):
        rows = np.flatnonzero(due[:, t])
        v = view(w, rows, t)
        terms = w.agreed_terms[rows[:, None], t, v.issues[None, :]]
        value = values(w, v, terms)[0]
        out[rows, t] = (value[:, v.party] >= 0).all(axis=1)
    return out

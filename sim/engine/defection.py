"""Strategic defection judged by the terms the party accepted: its net gain from resuming.

The commitment problem (Fearon 1995, 'Rationalist explanations for war'; Powell 2006, 'War
as a commitment problem') is about a party whose gain from fighting on *exceeds what the
deal still gives it* plus the cost of being blamed. A deal a party has just accepted is one
it valued at Delta_j >= 0 (session.values), so it should not prefer to break it the next day
unless something has changed: the battlefield, its beliefs, the other side's rearmament
during the pause, sanctions, or the term running down. Each day, for every deal in force
and every committed party j, the net gain from resuming is minus the value of keeping the
deal, by the terms of acceptance but today's state:

    gain_j = -( V_j L_rem / L                              issue terms still to come
              + sum_{f covered, not decided} F_jf(L_rem)   halt value over the rest of the pause
              + min(L_rem, H_j) x sanctions_j )            comprehensive deals only

V_j = issue gain - red-line penalty + threat terms (pending threats and promises on the
track), valued when the deal is agreed (:func:`terms_value`) and stored in the book's
``kept_terms``. The terms hold for the deal's term L (a freeze on rearmament, monitors, for
30 days), so breaking it forfeits the share still to come, L_rem / L (all of it for an
open-ended deal, and all of it again when the deal is extended). F_jf(L_rem) is
battle.halt_value over the L_rem days left of the term (the planning horizon if
open-ended), with the deal's rearmament term and the fighting costs saved: the advance
forgone, the costs the party would pay and the further rearmament it would allow all enter
(battle.resume_gain alone left out the costs). Left out, as at acceptance: perception noise
(a considered act) and the implementation risk (what j fears the others do, not what it
gains by doing it). The aspiration is left out too: it is a demand at the table, not a
payoff; resuming yields the war, not the demand, so a deal worth more than war but less than
the aspiration is kept. Pro-rating keeps the two parts in step as the term runs down: with
fronts, beliefs and sanctions unchanged, a deal accepted at Delta_j >= 0 stays worth keeping
to its end (the halt value is close to linear in L_rem; its rearmament part, L (H - L), is
not), whereas a party counted as forfeiting all its issue terms on the last day would break,
near the end of every term, any deal whose issue terms cost it.
"""

from __future__ import annotations

import numpy as np

from sim.engine import battle, kernels, talks
from sim.engine.agreements import NEVER


def terms_value(w, v, package: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """V_j of the agreed ``package`` (S, K_t) for the parties, at rows ``rows`` of the
    session's view ``v`` (a session.View; session calls this, so no import of it)
    -> (n, P): issue gain - red-line penalty + threat terms. Call before the threats are
    withdrawn for compliance: what the party counted on when it accepted."""
    p, P = w.p, w.parties.size  # the parties are the view's first actors (track_actors)
    pkg, decide = package[rows], v.decide[rows]
    pos, sal = v.pos[rows, :P], v.sal[rows, :P]
    value = talks.issue_gain(pkg, pos, sal, v.q[rows], decide)
    over = talks.breach(pkg, v.low[rows, :P], v.high[rows, :P], decide)
    value -= talks.red_line_penalty(over, v.tol[rows], p.red_line_penalty[v.rows[rows]])
    if len(p.threat_ids):
        value += w.coercion.deal_terms(p, v.rows[rows], v.t)[:, w.parties]
    return value


def resume_gains(w, day: int, out: np.ndarray) -> np.ndarray:
    """Each committed party's net gain from resuming each deal in force  -> ``out`` (R, S, P).

    Only the deals whose risks run today (in force since before today) are written; the
    rest of ``out`` is left as it was (the book reads only those). One evaluation of the
    halt value per deal in force, with the arrays of all of them at once.
    """
    p, book = w.p, w.book
    r, slot = np.nonzero(book.in_force() & (book.since < day))
    if r.size == 0:
        return out
    P = w.parties
    rows = book.row[r, slot]
    due = book.expiry_due.day[r, slot]
    remaining = np.where(due < NEVER, np.maximum(due - day, 1), 0)  # 0: open-ended
    horizon = p.planning_horizon[r][:, P]
    rearm = shift = None
    if p.rearmament >= 0:
        rearm = book.agreements.columns["terms"][rows, p.rearmament]
        rearm = np.where(np.isnan(rearm), w.status_quo[r, p.rearmament], rearm)
        shift = p.rearmament_shift[r]
    halt = battle.halt_value(
        w.control[r], _beliefs(w, r, P), p.side_sign[P], p.stakes[r][:, P],
        p.intensity[r], p.front_cost[r][:, P], horizon, remaining, rearm, shift,
        book.fronts[r, slot], w.decided[r],
    ).sum(axis=2)  # fmt: skip
    term = book.agreements.columns["term_days"][rows]
    left = np.where(term > 0, remaining / np.maximum(term, 1), 1.0)  # share of the term to come
    keep = book.kept_terms[r, slot] * left[:, None] + halt
    track = slot < w.T
    comprehensive = np.zeros(r.size, dtype=bool)
    comprehensive[track] = w.comprehensive[slot[track]]
    if comprehensive.any():
        c = np.flatnonzero(comprehensive)
        keep[c] += battle.sanctions_saved(
            w.coercion.sanctions[r[c]][:, P], remaining[c], horizon[c]
        )
    out[r, slot] = -keep
    return out


def resume_gains_compiled(w, day: int, out: np.ndarray) -> np.ndarray:
    """:func:`resume_gains` bit for bit, as one compiled pass over the book (kernels.py):
    no gathers of each deal's rows and no (deals, party, front) temporaries."""
    p, book = w.p, w.book
    P = w.parties
    no_shift = p.rearmament < 0
    return kernels.resume_gains(
        day, book.state, book.since, book.expiry_due.day, NEVER, book.slot_term_days,
        book.kept_terms, book.fronts, w.decided,
        w.control, w.fighter_beliefs(), w.fighter_col[P], P, (p.side_sign[P] != 0).any(axis=1),
        p.side_sign, p.stakes, p.intensity, p.front_cost, p.planning_horizon, p.rearmament,
        book.slot_terms, w.status_quo,
        w.control if no_shift else p.rearmament_shift, w.comprehensive, w.coercion.sanctions,
        out,
    )  # fmt: skip


def _beliefs(w, r: np.ndarray, parties: np.ndarray) -> np.ndarray:
    """The parties' beliefs (L, P, F) for the deals' replicates ``r`` (sorted, as np.nonzero
    gives them), computed once per replicate: a replicate holds several deals in force."""
    first = np.ones(r.size, dtype=bool)
    first[1:] = r[1:] != r[:-1]
    return w.beliefs(r[first], parties, w.all_fronts)[np.cumsum(first) - 1]

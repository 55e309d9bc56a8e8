"""The state of a block of replicates and the phases of one calendar day (coord/model2.md).

A :class:`World` holds every state array of some replicates (replicate axis first) and
runs the day's phases on them: events, the battlefield, beliefs, deals in force, threats,
talks, unilateral truces, concession, walk-outs. The Mesa model (:mod:`sim.engine.model`)
steps one world per block of at most ``CHUNK`` replicates; a replicate's path depends only on
(seed, replicate id, its parameters), never on its block.

Talks run on the replicates that hold a session today (an index subset); the rules are the
pure functions of :mod:`sim.engine.talks`, :mod:`sim.engine.battle` and
:mod:`sim.engine.coercion`, and the deal book is :class:`sim.engine.deals.DealBook`.
"""

from __future__ import annotations

import numpy as np

from sim.engine import battle, calendar, defection, events, rng, rules, session
from sim.engine.codes import EndReason
from sim.engine.coercion import Coercion
from sim.engine.deals import DealBook
from sim.engine.parameters import Parameters
from sim.engine.world_beliefs import WorldBeliefs


class World(WorldBeliefs):
    """All state of the replicates ``p.replicate`` (see :class:`Parameters` for shapes)."""

    def __init__(self, p: Parameters, keep_answers: bool = False):
        self.p = p
        R, N, K = p.replicates, len(p.actor_ids), len(p.issue_ids)
        F, T = len(p.front_ids), len(p.track_ids)
        self.R, self.N, self.K, self.F, self.T = R, N, K, F, T
        self.keep_answers = keep_answers
        self.parties = p.parties
        self.is_party = np.isin(np.arange(N), self.parties)
        # the negotiation
        self.position = rules.clip_to_red_lines(p.position.copy(), p.red_low, p.red_high)
        self.salience = rules.normalise_salience(p.salience, p.absolute_salience)
        self.status_quo = p.status_quo.copy()
        self.aspiration = p.aspiration.copy()
        self.package = p.track_opening.copy()  # (R, T, K): last tabled (or the opening)
        self.tablings = np.zeros((R, T), dtype=np.int64)  # packages tabled on each track
        self.agreed_terms = np.full((R, T, K), np.nan)  # of the last deal on each track
        self.lo = np.full((R, N, T), -1.0)
        self.hi = np.full((R, N, T), 1.0)
        self.answers = np.full((R, N, T), -1, dtype=np.int8)  # at the last session, -1 none
        self.named = np.zeros((R, N, T, K), dtype=bool)  # conditions named then
        self.offer_value = np.full((R, N, T), np.nan)  # Delta_i of the last tabled package
        self.holdout = np.zeros((R, N), dtype=bool)
        self.ended = np.zeros(R, dtype=bool)  # talks over for good (tracks switched off)
        self.broken_off = np.zeros(R, dtype=bool)
        self.walkouts = np.zeros(R, dtype=np.int64)
        self.broken = np.zeros((R, N), dtype=np.int64)  # deals each actor has broken
        self.sessions = np.zeros(R, dtype=np.int64)
        self.session_today = np.zeros(R, dtype=bool)
        self.days_halted = np.zeros(R, dtype=np.int64)  # days with >= 1 front halted
        self.was_halted = np.zeros((R, F), dtype=bool)  # at the end of yesterday
        self.paused_since = np.full((R, F), -1, dtype=np.int64)
        self.pause_rearmament = np.zeros((R, F))  # the rearmament term of the pause
        # the battlefield
        self.control = p.control0.copy()
        self.decided = np.zeros((R, F), dtype=bool)
        self.decided_day = np.full((R, F), -1, dtype=np.int64)
        self.decided_by = np.full((R, F), -1, dtype=np.int64)
        self.settled = np.zeros((R, K), dtype=bool)
        self.evidence = np.zeros((R, F))  # sum of the control changes seen
        self.days_seen = np.zeros((R, F), dtype=np.int64)
        self.first_side = np.argmax(p.side_sign == -1, axis=0)  # (F,) actor index
        self.second_side = np.argmax(p.side_sign == 1, axis=0)
        self.observers = np.flatnonzero(self.is_party | (p.role == "mediator"))
        self.flat_front = np.tile(np.arange(F), R)  # per entry of a flattened (R, F) array
        self.flat_replicate = np.repeat(p.replicate, F)
        self.fighters = np.flatnonzero((p.side_sign != 0).any(axis=1))
        self.fighter_col = np.full(N, -1, dtype=np.int64)
        self.fighter_col[self.fighters] = np.arange(self.fighters.size)
        self._fighter_beliefs = None
        self._belief_vars = None
        self.coercion = Coercion(p)
        self.book = DealBook(
            p.seed,
            p.replicate,
            self.parties,
            p.track_fronts,
            p.track_issues,
            p.track_term,
            p.track_purpose,
            p.impl,
            monitoring_issue=p.compliance_issue,
            compliance_min=p.compliance_min,
            definitive_issue=p.definitive_issue,
            definitive_min=p.definitive_min,
            party_names=tuple(p.actor_ids[i] for i in self.parties),
            issue_names=p.issue_ids,
            capacity=max(64, 2 * R),
        )
        self.supporters_to_book()
        self.comprehensive = p.track_fronts.all(axis=1) & (F > 0)  # (T,)
        self.influence_matrix()
        self.accepted_today = np.zeros((R, N, T), dtype=bool)
        self.gain_buffer = np.zeros((R, T + len(self.parties), len(self.parties)))
        self._halted = None
        self.cost_today = np.zeros((R, N))  # the parties' columns: concede_inputs
        self._party_costs = None  # their fighting costs (R, P, F), kept until an event
        self.all_actors, self.all_fronts = np.arange(N), np.arange(F)
        # per track: its issues, the actors who answer, the fronts it halts
        self.track_issue_idx = [np.flatnonzero(p.track_issues[t]) for t in range(T)]
        self.track_actor_idx = [session.track_actors(self, t) for t in range(T)]
        self.track_front_idx = [np.flatnonzero(p.track_fronts[t]) for t in range(T)]
        breadth = [(-p.track_fronts[t].sum(), -p.track_issues[t].sum(), t) for t in range(T)]
        self.track_order = [t for _, _, t in sorted(breadth)]

    # --- quantities read by several phases --------------------------------------------------

    def influence_matrix(self) -> None:
        """Row-normalised ties x capability (Friedkin & Johnsen 1990), recomputed on events."""
        p = self.p
        w = p.ties * p.capability[:, None, :]
        total = w.sum(axis=2, keepdims=True)
        self.w_influence = w / np.where(total > 0, total, 1.0)
        self.has_ties = total[..., 0] > 0

    def active(self) -> np.ndarray:
        """(R, F) bool: fronts fought today (not halted by a deal in force, not decided)."""
        return ~self.halted() & ~self.decided

    def halted(self) -> np.ndarray:
        """(R, F) bool: fronts a deal in force halts, cached until the book changes."""
        if self._halted is None:
            self._halted = self.book.halted()
        return self._halted

    def halted_rows(self, rows: np.ndarray) -> np.ndarray:
        """(S, F) bool: the halted fronts of some replicates, from the book as it is now
        (its counts of the deals in force halting each front, kept as deals enter and end,
        not a pass over every slot)."""
        return self.book.halted(rows)

    def book_changed(self) -> None:
        self._halted = None

    # --- 1. events --------------------------------------------------------------------------

    def apply_events(self, day: int, bounds: dict) -> None:
        """The events dated today (:mod:`sim.engine.events`); a new day changes beliefs."""
        self._fighter_beliefs = None
        events.apply_events(self, day, bounds)

    def supporters_to_book(self) -> None:
        """The supporters' monitoring and guarantees, as the deals agreed from now read them."""
        p, supporter = self.p, self.p.role == "supporter"
        self.book.monitoring_capacity = p.monitoring_capacity[:, supporter].sum(axis=1)
        self.book.guarantee = p.guarantee[:, supporter].sum(axis=1)

    # --- 2-3. battlefield and beliefs -------------------------------------------------------

    def fight(self, day: int) -> None:
        """Control moves on active fronts; decided fronts settle their tied issues; what
        every actor has seen of the fighting is added to its beliefs' sufficient statistics
        (everyone sees the same changes: O(R F) a day, beliefs computed when needed)."""
        p = self.p
        if not p.mechanisms.battlefield or not self.F:
            return
        # the (replicate, front) pairs fought today, as flat indices of the (R, F) arrays
        # (flat takes are several times cheaper than 2-d fancy indexing: issue 11, "Speed")
        at = np.flatnonzero(self.active())
        if at.size == 0:
            return
        control_flat = self.control.reshape(-1)
        before = control_flat.take(at)
        f = self.flat_front.take(at)
        control = battle.move_fronts(
            before, p.drift.reshape(-1).take(at), p.volatility.reshape(-1).take(at), p.seed,
            self.flat_replicate.take(at), f, day,
        )  # fmt: skip
        control_flat[at] = control
        won_second, lost = control >= 1.0, control <= 0.0
        newly = won_second | lost
        if p.mechanisms.beliefs:  # battle.observe on the fronts seen (not absorbed today)
            seen = at[~newly]
            ev = self.evidence.reshape(-1)
            ev[seen] += control[~newly] - before[~newly]
            self.days_seen.reshape(-1)[seen] += 1
        if newly.any():  # battle.step_fronts' winners, in the few replicates decided today
            hit = at[newly]
            rows, local = np.unique(hit // self.F, return_inverse=True)
            full = np.zeros((rows.size, self.F), dtype=bool)
            full[local, hit % self.F] = True
            won = np.full(full.shape, -1, dtype=np.int8)
            won[local, hit % self.F] = won_second[newly]
            self.decide(day, full, won, rows)

    def decide(self, day: int, full: np.ndarray, won: np.ndarray, rows=slice(None)) -> None:
        """Fronts decided today in the replicates ``rows`` (all by default; ``full``
        (rows, F) bool; ``won`` (rows, F) int8: 1 where the second side took all, 0 the first,
        -1 elsewhere): the winner holds the front for good and the issues tied to it are
        settled on its terms (battle.settled_terms)."""
        self.decided[rows] |= full
        self.decided_day[rows] = np.where(full, day, self.decided_day[rows])
        by = np.where(won == 1, self.second_side[None, :], self.first_side[None, :])
        self.decided_by[rows] = np.where(full, by, self.decided_by[rows])
        mask, value = battle.settled_terms(full, won, self.p.issue_front)
        self.settled[rows] |= mask
        self.status_quo[rows] = np.where(mask, value, self.status_quo[rows])
        self.package[rows] = np.where(mask[:, None, :], value[:, None, :], self.package[rows])

    # --- 4. deals in force ------------------------------------------------------------

    def keep_deals(self, day: int) -> None:
        """Consent attempts of pending deals' implementers, then the competing risks."""
        p, book = self.p, self.book
        if self.T and book.pending().any():
            session.consent(self, day)
        gain = None
        if p.mechanisms.defection and self.F and book.in_force().any():
            gain = defection.resume_gains_compiled(self, day, self.gain_buffer)
        satisfied = session.satisfied(self, day) if self.T and book.expiring(day).any() else None
        before, rows_before = book.breakdowns.copy(), book.row.copy()
        book.day(day, gain, satisfied)
        self.book_changed()
        self.count_breaches(day, before, rows_before)

    def count_breaches(self, day, before, rows_before) -> None:
        """Who broke the deals that broke down today: the record trust is built on."""
        hit = np.flatnonzero(self.book.breakdowns > before)
        if hit.size == 0:
            return
        cols = self.book.agreements.columns
        rows = rows_before[hit]  # (n, slots)
        live = rows >= 0
        ids = np.where(live, rows, 0)
        broke = live & (cols["day_ended"][ids] == day) & (cols["broken_by"][ids] >= 0)
        broke &= cols["end_reason"][ids] == EndReason.BREAKDOWN
        r, s = np.nonzero(broke)
        np.add.at(self.broken, (hit[r], cols["broken_by"][ids[r, s]]), 1)

    # --- 6. talks -----------------------------------------------------------------------

    def open_tracks(self, rows: np.ndarray) -> np.ndarray:
        """(S, T) bool: tracks on which a package can be tabled today in ``rows``: no deal
        of the track is live, and it still halts something not already halted (or halts
        nothing)."""
        p = self.p
        free = self.book.state[rows, : self.T] == 0
        if not p.mechanisms.tracks:
            free[:, 1:] = False
        covered = p.track_fronts[None, :, :] & ~self.halted_rows(rows)[:, None, :]
        nothing_left = p.track_fronts.any(axis=1)[None, :] & ~covered.any(axis=2)
        return free & ~nothing_left

    def meet(self, day: int) -> bool:
        """Who holds a session today (dated, or drawn; not while talks are broken off)."""
        p = self.p
        dated = bool(p.session_day[day]) if day < p.session_day.shape[0] else False
        today = calendar.sessions_today(
            p.seed, p.replicate, day, dated, p.session_chance, p.mechanisms.calendar
        )
        today &= ~self.broken_off & ~self.ended
        self.session_today = today
        self.accepted_today[:] = False
        self.sessions += today
        return bool(self.T and today.any())

    # --- 7. unilateral truces ---------------------------------------------------------------

    def truces(self, day: int) -> None:
        p = self.p
        if not p.mechanisms.unilateral or not self.F:
            return
        for idx, occ in enumerate(p.truces):
            if occ.day != day:
                continue
            u = rng.uniform(p.seed, p.replicate, day, "truce", occ.actor, idx)
            self.book.declare_unilateral(u < occ.chance, occ.actor, day, occ.fronts, occ.days)
        if not (p.gesture_rate > 0).any():
            return
        chance = p.gesture_rate[:, None] * p.gesture * self.mediator_pressure()
        for i in self.parties:
            rows = np.flatnonzero(chance[:, i] > 0)  # elsewhere u < chance never holds
            if rows.size == 0:
                continue
            u = rng.uniform(p.seed, p.replicate[rows], day, "truce", i, len(p.truces) + i)
            declare = np.zeros(self.R, dtype=bool)
            declare[rows] = u < chance[rows, i]
            every = np.ones(self.F, dtype=bool)
            term = p.gesture_days[:, i].astype(np.int64)  # actors.*.gesture_days
            self.book.declare_unilateral(declare, int(i), day, every, term)

    # --- 8. concession and influence --------------------------------------------------------

    def concede_inputs(self) -> bool:
        """Today's cost of war and pressure for the parties' concession (False: switched off).

        cost_i(t) = sum of active fronts' intensity x cost + sanctions flow; pressure_i(t)
        = holdout_pressure while i is the holdout (model2.md, "Aspiration"). The cost is
        computed for the parties alone (the others' columns stay 0): only they concede."""
        p = self.p
        if not p.mechanisms.concession:
            return False
        if self._party_costs is None:  # the parties' rows: only parties concede
            self._party_costs = p.front_cost[:, self.parties]
        self.cost_today[:, self.parties] = battle.war_cost_today(
            p.intensity, self._party_costs, self.active(), self.coercion.sanctions[:, self.parties]
        )
        self.pressure = self.mediator_pressure()
        return True

    def mediator_pressure(self) -> np.ndarray:
        """(R, N): the pressure on each holdout, ``holdout_pressure`` while it is the holdout.

        It is the mediator's (Beardsley et al. 2006: leverage, 'manipulative' mediation):
        in talks without a mediator nobody presses, so it is 0 there, and so is the chance
        of a pressure-driven truce it drives."""
        p = self.p
        if p.mediator < 0:
            return np.zeros((self.R, self.N))
        return self.holdout * p.holdout_pressure[:, None]

    def influence(self) -> None:
        """Friedkin-Johnsen influence among the actors at today's sessions (they meet):
        x_ik += eta sum_j w_ij c_j (x_jk - x_ik) / sum_j w_ij c_j, stubbornness 1 - eta
        (Friedkin & Johnsen 1990), clipped to red lines. The weights are computed once
        (influence_matrix) and again only when an event changes ties or capabilities.
        Influence acts on session days, the days actors exchange views; with the calendar
        switched off that is every day, as in version 1."""
        p = self.p
        rows = np.flatnonzero(self.session_today)
        if rows.size == 0 or not self.has_ties.any():
            return
        pos = self.position[rows]
        pulled = np.matmul(self.w_influence[rows], pos)
        rate = p.influence_rate[rows, None, None] * self.has_ties[rows][:, :, None]
        moved = pos + rate * (pulled - pos)
        self.position[rows] = rules.clip_to_red_lines(moved, p.red_low[rows], p.red_high[rows])

    # --- the end of the day: pauses that began or ended ------------------------------

    def close_day(self, day: int) -> None:
        """Count the day under ceasefire, and apply the rearmament shift when a pause ends.

        A pause of L days with the first side free to rearm (rearmament term r) moves the
        front's drift toward it afterwards (battle.rearmed_drift; P6's worry about what
        Ukraine would do during the pause). The term is that of the track deal that halted
        the front when the pause began (the status quo for a unilateral truce)."""
        p = self.p
        halted = self.halted()
        self.days_halted += halted.any(axis=1)
        if p.rearmament < 0 or not p.mechanisms.battlefield or not (p.rearmament_shift != 0).any():
            self.was_halted = halted
            return
        started, ended = halted & ~self.was_halted, ~halted & self.was_halted
        # only the few replicates where a pause began or ended today are touched
        rows = np.flatnonzero(started.any(axis=1))
        if rows.size:
            began = started[rows]
            term = np.full(began.shape, np.nan)
            live = self.book.state[rows, : self.T] == 2
            for t in range(self.T):  # the narrowest covering track last: the broadest wins
                cover = live[:, t, None] & self.p.track_fronts[t][None, :]
                term = np.where(
                    cover & np.isnan(term), self.agreed_terms[rows, t, p.rearmament, None], term
                )
            q = self.status_quo[rows, p.rearmament, None]
            term = np.where(np.isnan(term), q, term)
            self.pause_rearmament[rows] = np.where(began, term, self.pause_rearmament[rows])
            self.paused_since[rows] = np.where(began, day, self.paused_since[rows])
        for f in np.flatnonzero(ended.any(axis=0)):
            rows = np.flatnonzero(ended[:, f])
            p.drift[rows, f] = battle.rearmed_drift(
                p.drift[rows, f : f + 1], p.rearmament_shift[rows, f : f + 1],
                self.pause_rearmament[rows, f], day - self.paused_since[rows, f : f + 1],
                True,
            )[:, 0]  # fmt: skip
            self.paused_since[rows, f] = -1
        self.was_halted = halted

    # --- 9. walk-outs -----------------------------------------------------------------------

    def walk_out(self, day: int) -> None:
        """Daily hazard h0 x escalation_factor^escalation of a walk-out; resume by chance."""
        p = self.p
        if not p.mechanisms.walkouts:
            return
        u = rng.uniform(p.seed, p.replicate, day, "walkout")
        escalation = self.coercion.count + self.book.breakdowns
        hazard = p.walkout_hazard * p.walkout_escalation**escalation
        leave = ~self.broken_off & ~self.ended & (u < hazard)
        back = self.broken_off & (u < p.resume_chance)
        self.walkouts += leave
        self.broken_off = (self.broken_off | leave) & ~back

"""The deal book: every deal of every replicate, from agreement to its end (MODEL.md 5, 6).

A replicate holds one **slot per track** (the deal agreed on it, if any) and one **unilateral
slot per party** (the truce it declared). A slot is empty, agreed but not in force (its
implementers have not consented: linkage, section 5), or in force. Each deal also gets one
row of the agreements table (the outputs contract of coord/model2.md), written as it happens
and never removed, so the table is the deal history and the slots are only the live part.

Rules, each documented where it is applied:
- **entry into force**: at agreement, or on the implementers' consent (``consent``);
  without it the deal **lapses** ``lapse_days`` after agreement;
- **replacement**: a deal entering into force ends, with reason ``replaced``, every live
  deal it is broader than (fronts a superset, its issues among the new deal's, and more
  fronts, more issues, or the old one unilateral); a deal still waiting for consent
  replaces only the narrower deals that are waiting too, so a linked deal that lapses
  never ended the one in force;
- **competing risks** of a deal in force, from the day after it entered into force
  (:mod:`sim.engine.hazards`): violations and breakdown, strategic defection, then expiry at
  the fixed term or, if the caller says every party is satisfied and the violations are at
  most half the tolerance, extension by one more term. Unilateral truces do not extend.

Every draw is ``rng.uniform(seed, replicate, day, stream, actor, slot)``, so a replicate's
deals are bit-identical alone or in any batch; ``table`` orders rows by replicate (stably),
so the table of a batch is the concatenation of the tables of its contiguous chunks.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from sim.engine import hazards, rng
from sim.engine.agreements import NEVER, Agreements, Schedule
from sim.engine.codes import EndReason, Purpose, Side

NONE, PENDING, IN_FORCE = 0, 1, 2  # slot states


class DealBook:
    """Slots (R, S) with S = T tracks + P parties, and the agreements table.

    Shapes: R replicates, P parties (``parties`` are their actor indices), F fronts, K
    issues, T tracks. ``settings`` maps each name of ``hazards.DEAL_SETTINGS`` to a value or
    an (R,) array (the scenario's [implementation] table). ``compliance_min``,
    ``definitive_min`` and the supporters' totals ``monitoring_capacity`` and ``guarantee``
    (R,) class a deal and set its levels when it is agreed.
    """

    def __init__(
        self,
        seed: int,
        replicate: np.ndarray,
        parties: np.ndarray,
        track_fronts: np.ndarray,
        track_issues: np.ndarray,
        track_term: np.ndarray,
        track_purpose: np.ndarray,
        settings: Mapping[str, np.ndarray | float],
        *,
        monitoring_issue: int = -1,
        compliance_min: np.ndarray | float = 0.5,
        definitive_issue: int = -1,
        definitive_min: np.ndarray | float = 0.8,
        monitoring_capacity: np.ndarray | float = 0.0,
        guarantee: np.ndarray | float = 0.0,
        party_names: tuple[str, ...] | None = None,
        issue_names: tuple[str, ...] | None = None,
        capacity: int = 1024,
    ) -> None:
        self.seed = int(seed)
        self.replicate = np.asarray(replicate, dtype=np.int64)
        self.parties = np.asarray(parties, dtype=np.int64)
        self.track_fronts = np.asarray(track_fronts, dtype=bool)
        self.track_issues = np.asarray(track_issues, dtype=bool)
        self.track_term = np.asarray(track_term, dtype=np.int64)
        self.track_purpose = np.asarray(track_purpose, dtype=np.int64)
        R, P = self.replicate.shape[0], self.parties.shape[0]
        (T, F), K = self.track_fronts.shape, self.track_issues.shape[1]
        self.R, self.P, self.T, self.F, self.K, self.S = R, P, T, F, K, T + P
        missing = [n for n in hazards.DEAL_SETTINGS if n not in settings]
        if missing:
            raise KeyError(f"deal settings missing from [implementation]: {', '.join(missing)}")
        self.set_settings(settings)
        self.monitoring_issue, self.definitive_issue = monitoring_issue, definitive_issue
        # per replicate, views of the caller's arrays: an event's change classes later deals
        self.compliance_min = np.broadcast_to(np.asarray(compliance_min, float), (R,))
        self.definitive_min = np.broadcast_to(np.asarray(definitive_min, float), (R,))
        self.monitoring_capacity = np.broadcast_to(np.asarray(monitoring_capacity, float), (R,))
        self.guarantee = np.broadcast_to(np.asarray(guarantee, float), (R,))
        self.party_names = party_names or tuple(f"party{j}" for j in range(P))
        self.issue_names = issue_names or tuple(f"issue{k}" for k in range(K))
        S = self.S
        self.state = np.zeros((R, S), dtype=np.int8)
        self.row = np.full((R, S), -1, dtype=np.int64)
        self.fronts = np.zeros((R, S, F), dtype=bool)  # what each live deal halts
        self.n_issues = np.zeros((R, S), dtype=np.int64)
        # The issues each slot's deal decides (a truce decides none): a deal replaces only
        # deals whose issues it decides too, so a prisoner exchange outlives a ceasefire.
        self.slot_issues = np.zeros((S, K), dtype=bool)
        self.slot_issues[:T] = self.track_issues
        self.rate = np.zeros((R, S))  # violation rate per party on the first day in force
        self.monitoring = np.zeros((R, S))
        self.guaranteed = np.zeros((R, S))
        self._halts = np.zeros((R, F), dtype=np.int64)  # deals in force halting each front
        self.since = np.full((R, S), -1, dtype=np.int64)  # day in force
        # per deal and party: the next violation (day, and time in force to order a day's)
        # and the defection hazard left before the party defects (hazards, "times to event")
        self.violation_due = Schedule((R, S, P))
        self.violation_at = np.full((R, S, P), np.inf)
        self.defection_left = np.zeros((R, S, P))
        # each party's value of its deal's issue terms at agreement (defection.terms_value; truce 0)
        self.kept_terms = np.zeros((R, S, P))
        # the live deal's columns the daily risks read, by slot (table rows: a cache miss each)
        self.slot_terms = np.full((R, S, K), np.nan)
        self.slot_term_days = np.zeros((R, S), dtype=np.int64)
        self.slot_declared_by = np.full((R, S), -1, dtype=np.int64)
        self.lapse_due, self.expiry_due = Schedule((R, S)), Schedule((R, S))  # NEVER: none
        self.breakdowns = np.zeros(R, dtype=np.int64)  # per replicate, for walk-out escalation
        self.horizon: int | None = None
        self.agreements = Agreements(P, K, capacity)
        self._cols = self.agreements.columns  # the same dict, whatever the capacity

    def set_settings(self, settings: Mapping[str, np.ndarray | float]) -> None:
        """The [implementation] settings (R,) and their violation factors, from now on."""
        self.settings = {
            n: np.broadcast_to(np.asarray(settings[n], dtype=float), (self.R,)).copy()
            for n in hazards.DEAL_SETTINGS
        }
        self.factors = hazards.factor_tables(self.settings)

    # --- reading the book ---------------------------------------------------------------

    def halted(self, rows: np.ndarray | slice = slice(None)) -> np.ndarray:
        """(R, F) bool (of ``rows``): fronts some deal in force halts (the battlefield skips)."""
        return self._halts[rows] > 0

    def in_force(self) -> np.ndarray:
        """(R, S) bool: slots whose deal is in force (columns T.. are the parties' truces)."""
        return self.state == IN_FORCE

    def pending(self) -> np.ndarray:
        """(R, T) bool: track deals agreed and waiting for their implementers' consent."""
        return self.state[:, : self.T] == PENDING

    def expiring(self, day: int) -> np.ndarray:
        """(R, T) bool: track deals whose term ends today (the caller judges extension)."""
        out = np.zeros((self.R, self.T), dtype=bool)
        r = np.flatnonzero(self.expiry_due.soonest <= day)  # as the book's own expiry finds them
        out[r] = (self.state[r, : self.T] == IN_FORCE) & (self.expiry_due.day[r, : self.T] == day)
        return out

    def reconsider(self, day: int) -> np.ndarray:
        """(R, T) bool: pending deals whose implementers reconsider today (``consent_chance``).

        The caller evaluates the implementers' consent there and passes the yeses to
        :meth:`consent`.
        """
        r, track = np.nonzero(self.pending())
        u = rng.uniform(self.seed, self.replicate[r], day, "consent", 0, track)
        ask = np.zeros((self.R, self.T), dtype=bool)
        ask[r, track] = u < self.settings["consent_chance"][r]
        return ask

    # --- agreeing and declaring -----------------------------------------------------------

    def agree(
        self,
        mask: np.ndarray,
        track: int,
        day: int,
        terms: np.ndarray,
        needs_consent: np.ndarray | bool = False,
        side: np.ndarray | int = Side.BILATERAL,
        mediated: np.ndarray | bool = True,
    ) -> None:
        """Record a deal on ``track`` in the replicates of ``mask`` (R,), terms (R, K).

        Terms of issues the track does not decide are stored as NaN. A deal already live on
        the same track is superseded (ended as replaced). Where ``needs_consent`` the deal
        waits for its implementers; elsewhere it enters into force today.
        """
        r = np.flatnonzero(mask)
        if r.size == 0:
            return
        self._end(r[self.state[r, track] != NONE], track, day, EndReason.REPLACED)
        decided = self.track_issues[track]
        self._open(
            r, track, np.broadcast_to(self.track_fronts[track], (r.size, self.F)),
            int(decided.sum()), np.where(decided, np.asarray(terms, dtype=float)[r], np.nan),
            np.broadcast_to(np.asarray(side, dtype=np.int64), mask.shape)[r],
            track=track, declared_by=-1, purpose=self.track_purpose[track],
            mediated=np.broadcast_to(np.asarray(mediated, dtype=bool), mask.shape)[r],
            day_agreed=day, term_days=self.track_term[track],
        )  # fmt: skip
        wait = np.broadcast_to(np.asarray(needs_consent, dtype=bool), mask.shape)[r]
        lapse = day + np.ceil(self.settings["lapse_days"][r[wait]]).astype(np.int64)
        self.lapse_due.set((r[wait], track), lapse, unique=True)
        self._replace(r[wait], track, day, pending_only=True)
        self._enter(r[~wait], track, day)

    def consent(self, mask: np.ndarray, day: int) -> None:
        """The implementers consented: pending deals of ``mask`` (R, T) enter into force."""
        yes = np.asarray(mask, dtype=bool) & self.pending()
        for track in np.flatnonzero(yes.any(axis=0)):
            self._enter(np.flatnonzero(yes[:, track]), int(track), day)

    def declare_unilateral(
        self,
        mask: np.ndarray,
        party: int,
        day: int,
        fronts: np.ndarray,
        term: int | np.ndarray,
        purpose: int = Purpose.GENERAL,
    ) -> None:
        """A party's unilateral truce on ``fronts`` (F,) or (R, F), for ``term`` days, or (R,).

        Typed unilateral, bare, not mediated; in force at once. A party with a truce still
        in force declares no second one (the mask is narrowed to free slots). It replaces no
        deal, and the other side's attacks count as violations of it.
        """
        j = int(np.flatnonzero(self.parties == party)[0])
        slot = self.T + j
        r = np.flatnonzero(np.asarray(mask, dtype=bool) & (self.state[:, slot] == NONE))
        if r.size == 0:
            return
        self._open(
            r, slot, np.broadcast_to(np.asarray(fronts, dtype=bool), (self.R, self.F))[r], 0,
            np.full((r.size, self.K), np.nan), np.full(r.size, int(Side.UNILATERAL)), track=-1,
            declared_by=party, purpose=purpose, mediated=False, day_agreed=day,
            term_days=np.broadcast_to(np.asarray(term, dtype=np.int64), (self.R,))[r],
        )  # fmt: skip
        self._enter(r, slot, day, replace=False)

    # --- one day of competing risks -------------------------------------------------------

    def day(
        self, day: int, gain: np.ndarray | None = None, satisfied: np.ndarray | None = None
    ) -> None:
        """Lapses, then violations, breakdown and defection, then expiry or extension.

        ``gain`` (R, S, P): each party's net gain from resuming rather than keeping the deal
        in each slot (defection.resume_gains); None means no strategic defection.
        ``satisfied`` (R, T): every party's current value of the track's deal is >= 0
        (None: nobody extends).
        Deals that entered into force today run their first risks tomorrow.
        """
        r, slot = self.lapse_due.due(day)
        self._close(r, slot, day, EndReason.LAPSED)
        self.lapse_due.refresh()
        breakers = [hazards.violations_today(self, day)]
        if gain is not None:
            breakers.append(hazards.defections_today_compiled(self, day, np.asarray(gain)))
        self._break(day, *(np.concatenate(c) for c in zip(*breakers, strict=True)))
        self._expire(day, satisfied)

    def _break(self, day: int, r, slot, j, priority, when) -> None:
        """End the deals that broke down today; who broke it: the first candidate of each."""
        if r.size == 0:
            return
        first = hazards.first_per_deal(r * self.S + slot, priority, when)
        r, slot, j = r[first], slot[first], j[first]
        self._cols["broken_by"][self.row[r, slot]] = self.parties[j]
        np.add.at(self.breakdowns, r, 1)
        self._close(r, slot, day, EndReason.BREAKDOWN)

    def _expire(self, day: int, satisfied: np.ndarray | None) -> None:
        r, slot = self.expiry_due.due(day)
        rows = self.row[r, slot]
        tolerance = self.settings["violation_tolerance"][r]
        calm = self._cols["violations"][rows].sum(axis=1) <= tolerance / 2
        content = np.zeros(r.size, dtype=bool)
        if satisfied is not None:
            track = slot < self.T
            content[track] = np.asarray(satisfied, dtype=bool)[r[track], slot[track]]
        extend = calm & content
        re, se = r[extend], slot[extend]
        self.expiry_due.set((re, se), day + self._cols["term_days"][rows[extend]])
        self._cols["extensions"][rows[extend]] += 1
        self._close(r[~extend], slot[~extend], day, EndReason.EXPIRED)
        self.expiry_due.refresh()

    # --- the end of a run -----------------------------------------------------------------

    def finalize(self, horizon: int) -> None:
        """Censor the live deals at the horizon: in force or pending at the horizon."""
        self.horizon = int(horizon)
        self._censor(self._cols["end_reason"])

    def table(self, with_row: bool = False) -> dict[str, np.ndarray]:
        """The agreements table: one row per deal, rows ordered by replicate (stably);
        ``with_row`` adds each deal's row in the block (the block's outcomes count by it)."""
        reason = self._cols["end_reason"][: self.agreements.n].copy()
        self._censor(reason)
        return self.agreements.table(reason, self.party_names, self.issue_names, with_row)

    # --- internals ----------------------------------------------------------------------

    def _censor(self, reason: np.ndarray) -> None:
        r, slot = np.nonzero(self.state != NONE)
        rows = self.row[r, slot]
        reason[rows] = np.where(
            self.state[r, slot] == IN_FORCE,
            EndReason.IN_FORCE_AT_HORIZON,
            EndReason.PENDING_AT_HORIZON,
        )

    def _open(self, r, slot, fronts, n_issues, terms, side, **columns) -> None:
        """Append one row per replicate of ``r``, class it, and make it the slot's live deal.

        A deal's class, coverage, monitoring, guarantee and first-day violation rate follow
        from its terms (M, K) and fronts (M, F) (:mod:`sim.engine.hazards`); a truce, with no
        terms, is bare and unmonitored.
        """
        n = r.size
        rows = self.agreements.append(n)
        cls = hazards.deal_class(
            terms, self.monitoring_issue, self.compliance_min[r],
            self.definitive_issue, self.definitive_min[r],
        )  # fmt: skip
        coverage = fronts.all(axis=1).astype(np.int64)  # Coverage.COMPREHENSIVE == 1
        m = hazards.monitoring_level(terms, self.monitoring_issue, self.monitoring_capacity[r])
        g = hazards.guarantee_level(cls, self.guarantee[r])
        self.rate[r, slot] = hazards.violation_scale(self.factors, r, cls, coverage, side, m, g)
        self.monitoring[r, slot], self.guaranteed[r, slot] = m, g
        columns.update(
            replicate=self.replicate[r], row=r, side=side, coverage=coverage, deal_class=cls,
            terms=terms,
        )  # fmt: skip
        for column, value in columns.items():
            self._cols[column][rows] = value
        self.slot_terms[r, slot] = terms
        self.slot_term_days[r, slot] = columns["term_days"]
        self.slot_declared_by[r, slot] = columns["declared_by"]
        self.state[r, slot] = PENDING
        self.row[r, slot] = rows
        self.fronts[r, slot] = fronts
        self.n_issues[r, slot] = n_issues

    def _enter(self, r: np.ndarray, slot: int, day: int, replace: bool = True) -> None:
        if r.size == 0:
            return
        if replace:
            self._replace(r, slot, day, pending_only=False)
        self.state[r, slot] = IN_FORCE
        self._halts[r] += self.fronts[r, slot]  # r has no repeats: one slot, one deal each
        self.since[r, slot] = day
        self.lapse_due.day[r, slot] = NEVER  # consented: it no longer lapses
        hazards.schedule_violation(
            self, r[:, None], slot, np.arange(self.P)[None, :], day, 0.0, unique=True
        )
        u = rng.uniform(self.seed, self.replicate[r][:, None], day, "defect", self.parties, slot)
        self.defection_left[r, slot] = hazards.exponential(u)
        rows = self.row[r, slot]
        self._cols["day_in_force"][rows] = day
        term = self._cols["term_days"][rows]
        self.expiry_due.set((r, slot), np.where(term > 0, day + term, NEVER), unique=True)

    def _replace(self, r: np.ndarray, slot: int, day: int, pending_only: bool) -> None:
        """End, as replaced, the live deals of ``r`` that the deal in ``slot`` is broader than."""
        r = r[(self.state[r] != NONE).sum(axis=1) > 1]  # replicates with another live deal
        if r.size == 0:
            return
        new, old = self.fronts[r, slot][:, None, :], self.fronts[r]  # (n, 1, F), (n, S, F)
        state = self.state[r]
        live = state == PENDING if pending_only else state != NONE
        live[:, slot] = False
        decides_theirs = (self.slot_issues <= self.slot_issues[slot]).all(axis=1)  # (S,)
        broader = (
            (old <= new).all(axis=2)
            & decides_theirs
            & (
                (old != new).any(axis=2)
                | (self.n_issues[r] < self.n_issues[r, slot][:, None])
                | (
                    np.arange(self.S) >= self.T
                )  # a bilateral deal on the same fronts replaces a truce
            )
        )
        i, other = np.nonzero(live & broader)
        self._close(r[i], other, day, EndReason.REPLACED)

    def _end(self, r: np.ndarray, slot: int, day: int, reason: EndReason) -> None:
        self._close(r, np.full(r.size, slot, dtype=np.int64), day, reason)

    def _close(self, r: np.ndarray, slot: np.ndarray, day: int, reason: EndReason) -> None:
        if r.size == 0:
            return
        rows = self.row[r, slot]
        was = self.state[r, slot] == IN_FORCE
        np.add.at(self._halts, r[was], -self.fronts[r[was], slot[was]].astype(np.int64))
        self._cols["day_ended"][rows] = day
        self._cols["end_reason"][rows] = reason
        self.state[r, slot] = NONE
        self.row[r, slot] = -1
        self.fronts[r, slot] = False
        self.since[r, slot] = -1
        for due in (self.violation_due, self.lapse_due, self.expiry_due):
            due.day[r, slot] = NEVER

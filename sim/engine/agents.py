"""The actors at the table, one Mesa agent each: who does what in a day of model 2.

An agent owns one index on the actor axis and acts on every replicate at once (a block of
replicates, :class:`sim.engine.world.World`): its decisions are columns of the world's
(replicate, actor, ...) arrays. The parties answer the packages tabled on each track and
concede as the war costs them; supporters pull the actors tied to them and implement what
a deal asks of them (linkage); the mediator tables a package per open track and learns from
the answers. Agents read the state as it was at the start of the phase and write only their
own column, so the order in which Mesa calls them cannot change anything.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from sim.engine import rules, talks

if TYPE_CHECKING:
    from sim.engine.model import CeasefireModel
    from sim.engine.world import World


class Negotiator(mesa.Agent):
    """Any actor: answers packages (world.respond computes all answers in one pass, each
    actor's from its own stances, beliefs and draw), is influenced by its ties."""

    role = "actor"

    def __init__(self, model: CeasefireModel, index: int, actor_id: str, name: str):
        super().__init__(model)
        self.index = index
        self.actor_id = actor_id
        self.name = name

    def concede(self, world: World) -> None:
        """Nothing by default: only parties lower their aspirations."""


def _concede(agent: Negotiator, w: World) -> None:
    i = agent.index
    step = talks.concede(0.0, w.p.concession_rate[:, i], w.cost_today[:, i], w.pressure[:, i])
    w.aspiration[:, i] += step


class Party(Negotiator):
    """A veto player (Russia, Ukraine): a deal needs its acceptance; it concedes as the war
    costs it and as the mediator presses it (talks.concede), without any deadline."""

    role = "party"

    def concede(self, world: World) -> None:
        """a_i(t+1) = a_i(t) - rate_i (cost_i(t) + pressure_i(t)) (talks.concede)."""
        _concede(self, world)


class Supporter(Negotiator):
    """No veto; moves the actors tied to it; its consent is needed for the terms it must
    implement (sanctions relief, aid); adds monitoring and guarantees to a deal."""

    role = "supporter"


class Mediator(Negotiator):
    """Tables a package per open track at each session and learns from the answers.

    ``learning`` (MODEL.md section 4): per (replicate, party, track) the mediator bounds the
    party's threshold theta by what its answers revealed and tables the candidate most
    likely to be accepted by every party and needed implementer, weighted by its own
    utility. ``compromise`` and ``nash`` are version 1's rules, kept as baselines: they
    move the package toward a target and never learn.
    """

    role = "mediator"

    @property
    def learns(self) -> bool:
        p = self.model.params
        return p.proposal_rule == "learning" and p.mechanisms.learning

    def public_gain(self, w: World, rows, t, packages) -> np.ndarray:
        """G_i(p): what the package gives each actor on the issues, by public stances,
        less the public red-line penalty  -> (S, N) (or (S, C, N) for candidates)."""
        p = w.p
        decide = w.open_issues(rows, t)
        tol = p.tolerance[rows] if p.mechanisms.tolerance else np.zeros(rows.size)
        pos, sal, q = w.position[rows], w.salience[rows], w.status_quo[rows]

        def one(pkg):
            over = talks.breach(pkg, w.red_low[rows], w.red_high[rows], decide)
            gain = talks.issue_gain(pkg, pos, sal, q, decide)
            return gain - talks.red_line_penalty(over, tol, p.red_line_penalty[rows])

        if packages.ndim == 2:
            return one(packages)
        return np.stack([one(packages[:, c]) for c in range(packages.shape[1])], axis=1)

    def table(self, w: World, rows: np.ndarray, t: int, day: int) -> np.ndarray:
        """The package tabled on track ``t`` in replicates ``rows``  -> (S, K).

        A track's first session tables its opening package (P5: the 30-day ceasefire as
        proposed at Jeddah)."""
        p = w.p
        current = w.package[rows, t]
        first = ~w.tabled[rows, t]
        if first.all():
            return current.copy()
        decide = w.open_issues(rows, t)
        q = w.status_quo[rows]
        tol = p.tolerance[rows] if p.mechanisms.tolerance else np.zeros(rows.size)
        low, high = talks.feasible_box(w.red_low[rows], w.red_high[rows], w.parties, tol)
        weight = np.zeros((rows.size, w.N))
        weight[:, w.parties] = 1.0
        weight += w.holdout[rows] * p.holdout_focus[rows, None]
        if self.index >= 0:
            weight[:, self.index] = p.mediator_bias[rows]
        sal = w.salience[rows] * decide[:, None, :]
        compromise = talks.compromise_target(
            w.position[rows], sal, p.capability[rows], weight, low, high
        )
        compromise = np.where(decide, compromise, q)
        if self.learns:
            new = self._learned(w, rows, t, current, compromise, low, high, decide, q)
        elif p.proposal_rule == "nash":
            include = np.zeros((rows.size, w.N), dtype=bool)
            include[:, w.parties] = True
            lo_box, hi_box = np.where(decide, low, q), np.where(decide, high, q)
            reservation = rules.utility(q, w.position[rows], sal)
            target = rules.nash_target(
                current, w.position[rows], sal, reservation, include, lo_box, hi_box
            )
            new = current + p.step_size[rows, None] * (target - current)
        else:
            new = current + p.step_size[rows, None] * (compromise - current)
        return np.where(first[:, None], current, np.where(decide, new, current))

    def _learned(self, w, rows, t, current, compromise, low, high, decide, q):
        p = w.p
        rejecting = w.answers[rows, :, t] == 0
        target = talks.holdout_target(current, w.position[rows], w.named[rows, :, t], rejecting)
        cands = talks.candidates(current, target, compromise, low, high, q, decide)
        gain = self.public_gain(w, rows, t, cands)  # (S, C, N)
        chance = talks.accept_chance(gain, w.lo[rows, None, :, t], w.hi[rows, None, :, t])
        needed = w.is_party[None, None, :]
        if p.mechanisms.linkage and p.implementers.any():
            need = np.stack(
                [
                    talks.needed_implementers(cands[:, c], q, decide, p.implementers)
                    for c in range(cands.shape[1])
                ],
                axis=1,
            )
            needed = needed | need
        chance = np.where(needed, chance, 1.0)
        if self.index >= 0:
            med = self.index
            pos, own = w.position[rows, med : med + 1], w.salience[rows, med : med + 1]
            u_med = np.stack(
                [rules.utility(cands[:, c], pos, own)[:, 0] for c in range(cands.shape[1])],
                axis=1,
            )
        else:
            u_med = np.zeros(cands.shape[:2])
        best = talks.choose(chance, u_med, p.mediator_bias[rows])
        return cands[np.arange(rows.size), best]


class Chair:
    """Tables packages when the scenario has no mediator (unmediated talks): the mediator's
    rule without a mediator's own utility. Not an actor of the scenario, not an agent."""

    index = -1
    learns = Mediator.learns
    public_gain = Mediator.public_gain
    table = Mediator.table
    _learned = Mediator._learned

    def __init__(self, model: CeasefireModel):
        self.model = model

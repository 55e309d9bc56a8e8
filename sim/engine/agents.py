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

from sim.engine import coalition, kernels_talks, rules, session, talks
from sim.engine.codes import Answer
from sim.engine.session import View, needed, take, values

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
    i, p = agent.index, w.p
    w.aspiration[:, i] = talks.concede(
        w.aspiration[:, i], p.concession_rate[:, i], w.cost_today[:, i], w.pressure[:, i],
        p.aspiration_floor[:, i],
    )  # fmt: skip


class Party(Negotiator):
    """A veto player (Russia, Ukraine): a deal needs its acceptance; it concedes as the war
    costs it and as the mediator presses it (talks.concede), without any deadline."""

    role = "party"

    def concede(self, world: World) -> None:
        """a_i(t+1) = max(a_i(t) - rate_i (cost_i(t) + pressure_i(t)), min(a_i(t), floor_i))
        (talks.concede): down to its aspiration floor, the war, and not below."""
        _concede(self, world)


class Supporter(Negotiator):
    """No veto; moves the actors tied to it; its consent is needed for the terms it must
    implement (sanctions relief, aid); adds monitoring and guarantees to a deal."""

    role = "supporter"


class Mediator(Negotiator):
    """Tables a package per open track at each session and learns from the answers.

    ``learning`` (MODEL.md section 4): per (replicate, party, track) the mediator bounds the
    party's threshold theta by what its answers revealed and tables the candidate most
    likely to be carried (by every party, or under a qualified majority by a winning
    coalition: sim/engine/coalition.py) and accepted by the needed implementers, weighted
    by its own utility. ``compromise`` and ``nash`` are version 1's rules, kept as baselines: they
    move the package toward a target and never learn.
    """

    role = "mediator"

    @property
    def learns(self) -> bool:
        p = self.model.params
        return p.proposal_rule == "learning" and p.mechanisms.learning

    def public_gain(self, v: View, packages: np.ndarray) -> np.ndarray:
        """G_i(p): what a package gives each answering actor on the track's issues, by
        public stances, less the public red-line penalty. ``packages`` (S, K_t) gives
        (S, A); candidates (S, C, K_t) give (S, C, A)."""
        p = self.model.params
        one = packages.ndim == 2
        pkg = packages[:, None, :] if one else packages
        gain = kernels_talks.public_gain(
            np.ascontiguousarray(pkg), v.q, v.pos, v.sal, v.decide, v.low, v.high, v.tol,
            p.red_line_penalty[v.rows],
        )  # fmt: skip
        return gain[:, 0] if one else gain

    def public_gain_numpy(self, v: View, packages: np.ndarray) -> np.ndarray:
        """:meth:`public_gain` in numpy, the readable reference of the compiled loop."""
        p = self.model.params
        one = packages.ndim == 2
        pkg = packages[:, None, :] if one else packages
        pkg = pkg[:, :, None, :]  # (S, C, 1, K_t)
        keep = v.decide[:, None, None, :]
        gain = np.abs(v.q[:, None, None, :] - v.pos[:, None]) - np.abs(pkg - v.pos[:, None])
        gain = (v.sal[:, None] * gain * keep).sum(axis=-1)
        over = np.maximum(v.low[:, None] - pkg, 0.0) + np.maximum(pkg - v.high[:, None], 0.0)
        beyond = np.maximum(over * keep - v.tol[:, None, None, None], 0.0).sum(axis=-1)
        gain -= p.red_line_penalty[v.rows, None, None] * beyond
        return gain[:, 0] if one else gain

    def table(self, w: World, v: View, day: int) -> np.ndarray:
        """The package tabled on the track in the replicates of ``v``  -> (S, K_t).

        A track's first session tables its opening package (P5: the 30-day ceasefire as
        proposed at Jeddah); later sessions table the learned choice or a baseline's step."""
        p, rows, t = w.p, v.rows, v.t
        current = take(w.package, rows, t, v.issues)
        first = w.tablings[rows, t] == 0
        if first.all():
            return current
        party = v.party
        lo_box = np.clip(v.low[:, party].max(axis=1) - v.tol[:, None], 0.0, 1.0)
        hi_box = np.clip(v.high[:, party].min(axis=1) + v.tol[:, None], 0.0, 1.0)
        empty = lo_box > hi_box  # no common ground: the whole interval (deadlock shows)
        lo_box, hi_box = np.where(empty, 0.0, lo_box), np.where(empty, 1.0, hi_box)
        target = self._compromise(w, v, lo_box, hi_box)
        if self.learns:
            new = self._learned(w, v, current, target, lo_box, hi_box)
        elif p.proposal_rule == "nash":
            include = np.broadcast_to(party, (rows.size, party.size))
            lo_k, hi_k = np.where(v.decide, lo_box, v.q), np.where(v.decide, hi_box, v.q)
            sal = v.sal * v.decide[:, None, :]
            reservation = rules.utility(v.q, v.pos, sal)
            goal = rules.nash_target(current, v.pos, sal, reservation, include, lo_k, hi_k)
            new = current + p.step_size[rows, None] * (goal - current)
        else:
            new = current + p.step_size[rows, None] * (target - current)
        return np.where(first[:, None] | ~v.decide, current, new)

    def _compromise(self, w, v, lo_box, hi_box) -> np.ndarray:
        """Version 1's compromise target over the parties and the mediator (weight bias),
        with the mediator's focus on the holdout (Bueno de Mesquita & Stokman 1994)."""
        p, rows = w.p, v.rows
        who = w.parties if self.index < 0 else np.append(w.parties, self.index)
        weight = np.ones((rows.size, who.size))
        focus = take(w.holdout, rows, w.parties) * p.holdout_focus[rows, None]
        weight[:, : w.parties.size] += focus
        if self.index >= 0:
            weight[:, -1] = p.mediator_bias[rows]
        sal = take(w.salience, rows, who, v.issues) * v.decide[:, None, :]
        cap = take(p.capability, rows, who)
        position = take(w.position, rows, who, v.issues)
        return talks.compromise_target(position, sal, cap, weight, lo_box, hi_box)

    def _learned(self, w, v, current, compromise, lo_box, hi_box):
        """The candidate with the best prod_i P_hat_i x (1 + bias x U_med) (talks.choose);
        under a qualified majority, P(carried) in place of the parties' product
        (coalition.choose)."""
        p, rows = w.p, v.rows
        cands, chance = self._chances(w, v, current, compromise, lo_box, hi_box)
        if self.index >= 0:
            x = w.position[rows, self.index][:, v.issues]
            s = w.salience[rows, self.index][:, v.issues]
            u_med = 1.0 - (s[:, None, :] * np.abs(cands - x[:, None, :])).sum(axis=-1)
        else:
            u_med = np.zeros(cands.shape[:2])
        if p.decision_rule == "qualified-majority":  # aim at a winning coalition
            cap = take(p.capability, rows, v.actors[v.party])
            threshold, bias = p.majority_threshold[rows], p.mediator_bias[rows]
            best = coalition.choose(chance, v.party, cap, threshold, u_med, bias)
        else:
            best = talks.choose(chance, u_med, p.mediator_bias[rows])
        return cands[np.arange(rows.size), best]

    def _chances(self, w, v, current, compromise, lo_box, hi_box, extra=None):
        """The candidates (S, C, K_t) and each answering actor's estimated chance of
        accepting each (S, C, A), 1 where its answer is not needed: the current package
        moved toward the holdouts' named conditions, the compromise target, and ``extra``
        (S, K_t) if given (a proposing party's own ideal)."""
        rows, t = v.rows, v.t
        rejecting = take(w.answers, rows, v.actors, t) == Answer.REJECT
        named = take(w.named, rows, v.actors, t, v.issues)
        target = talks.holdout_target(current, v.pos, named, rejecting & v.party)
        cands = talks.candidates(current, target, compromise, lo_box, hi_box, v.q, v.decide)
        if extra is not None:
            cands = np.concatenate([cands, extra[:, None, :]], axis=1)
        gain = self.public_gain(v, cands)  # (S, C, A)
        lo, hi = take(w.lo, rows, v.actors, t), take(w.hi, rows, v.actors, t)
        chance = talks.accept_chance(gain, lo[:, None], hi[:, None])
        return cands, np.where(needed(v, cands), chance, 1.0)


class Chair:
    """Talks without a mediator: the parties table packages themselves, in turn.

    What a mediator adds, in the literature and here, is what this class leaves out: it
    formulates packages aimed at what every side accepts, weighted by a utility of its own
    (Touval & Zartman 1985, formulation), and it presses the holdout (Beardsley et al. 2006,
    leverage: ``World.mediator_pressure`` is 0 without a mediator). Without one, the
    proposer alternates among the parties in the scenario's order (Rubinstein 1982,
    alternating offers; Baron & Ferejohn 1989 for n parties, with turns in place of random
    recognition so that no draw is needed), and each tables the candidate that maximises
    its own expected gain: the others' chance of accepting times its own surplus,
    P_hat_-i(p) x Delta_i(p), over the mediator's candidates and its own ideal package.
    The parties see the same answers a mediator would, so they learn the same bounds
    (talks.learn); the proposer knows its own value exactly. Not an actor of the scenario,
    not an agent. The baselines ``compromise`` and ``nash`` step as a mediator would.
    """

    index = -1
    learns = Mediator.learns
    public_gain = Mediator.public_gain
    table = Mediator.table
    _chances = Mediator._chances
    _compromise = Mediator._compromise  # over the parties only (index -1: no mediator)

    def __init__(self, model: CeasefireModel):
        self.model = model

    def _learned(self, w, v, current, compromise, lo_box, hi_box):
        """The proposer's best candidate: argmax P_hat_-i x Delta_i over those it would
        accept itself (Delta_i > 0); if it would accept none, its most valuable one."""
        p, rows, t = w.p, v.rows, v.t
        n = w.parties.size
        turn = (w.tablings[rows, t] - 1) % n  # column of the proposer (parties come first)
        own = v.pos[np.arange(rows.size), turn]  # the proposer's ideal, inside the box
        own = np.where(v.decide, np.clip(own, lo_box, hi_box), v.q)
        cands, chance = self._chances(w, v, current, compromise, lo_box, hi_box, own)
        S, C, K = cands.shape
        chance[np.arange(S), :, turn] = 1.0  # the proposer knows its own answer
        if p.decision_rule == "qualified-majority":  # the others must complete a coalition
            cap = take(p.capability, rows, v.actors[v.party])
            others = coalition.pass_chance(chance, v.party, cap, p.majority_threshold[rows])
        else:
            others = chance.prod(axis=2)  # (S, C)
        stacked = session.repeated(v, C)  # each replicate's view once per candidate
        value, _, over, _ = values(w, stacked, cands.reshape(S * C, K))
        mine = value[np.arange(S * C), np.repeat(turn, C)].reshape(S, C)
        crossed = talks.crosses(over, stacked.tol)[np.arange(S * C), np.repeat(turn, C)]
        mine = np.where(crossed.reshape(S, C), -np.inf, mine)
        worth = mine > 0
        best = np.where(
            worth.any(axis=1),
            np.argmax(np.where(worth, others * mine, -np.inf), axis=1),
            np.argmax(mine, axis=1),
        )
        return cands[np.arange(S), best]

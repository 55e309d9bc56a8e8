"""The actors at the table, one Mesa agent each.

An agent owns one index on the actor axis and acts on every replicate at once: its
decisions are columns of the model's (replicate, actor, ...) arrays. Agents read the state
as it was at the start of the round and write only their own column of the model's
buffers, so the order in which Mesa calls them cannot change anything.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from sim.engine import rng, rules
from sim.engine.codes import Answer

if TYPE_CHECKING:
    from sim.engine.model import CeasefireModel


class Negotiator(mesa.Agent):
    """Any actor: evaluates proposals, names conditions, concedes, is influenced."""

    role = "actor"

    def __init__(self, model: CeasefireModel, index: int, actor_id: str, name: str):
        super().__init__(model)
        self.index = index
        self.actor_id = actor_id
        self.name = name

    @property
    def _cols(self) -> slice:
        return slice(self.index, self.index + 1)

    def respond(self) -> None:
        """Accept when u_i(p) + sigma_i e_it >= rho_i(t) and no red line is crossed.

        A rejecting actor names its conditions (rules.named_conditions). An actor whose
        acceptance depends on others (``accepts_only_with``, P5) answers CONDITIONAL.
        """
        m, p, i = self.model, self.model.params, self.index
        cols = self._cols
        losses = rules.shortfall(m.proposal, m.position[:, cols], m.salience[:, cols])
        u = 1.0 - losses.sum(axis=-1)[:, 0]
        draw = rng.normal(p.seed, p.replicate, m.round, "accept", i)
        perceived = u + p.noise[:, i] * draw
        rho = m.reservation_now[:, i]
        yes = perceived >= rho
        breaches = None
        if m.has_red_lines[i]:
            breaches = rules.red_line_breaches(m.proposal, p.red_low[:, cols], p.red_high[:, cols])
            yes &= ~breaches[:, 0].any(axis=-1)
        if m.name_conditions:
            if breaches is None:
                breaches = np.zeros(losses.shape, dtype=bool)
            m.conditions[:, i] = rules.named_conditions(
                losses, (rho - perceived)[:, None], breaches, ~yes[:, None]
            )[:, 0]
        conditional = p.accepts_only_with[i].any()
        m.answers[:, i] = np.where(
            yes, Answer.CONDITIONAL if conditional else Answer.ACCEPT, Answer.REJECT
        )
        m.utilities[:, i] = u

    def plan_move(self) -> None:
        """Concession toward the proposal plus influence from tied actors (sections 3.3-3.4)."""
        m, p, i = self.model, self.model.params, self.index
        cols = self._cols
        rate = rules.concession_rate(
            p.concession_rate[:, cols],
            p.concession_style[:, cols],
            m.round,
            p.rounds,
            p.pressure_sensitivity[:, cols],
            m.pressure_now[:, cols],
        )
        concede = rules.concession_step(m.position[:, cols], m.proposal, m.salience[:, cols], rate)
        m.moves[:, i] = concede[:, 0] + m.influence_now[:, i]


class Party(Negotiator):
    """A veto player (Russia, Ukraine): a deal needs its acceptance."""

    role = "party"


class Supporter(Negotiator):
    """No veto; moves the actors tied to it and adds monitoring and guarantees."""

    role = "supporter"


class Mediator(Negotiator):
    """Makes the proposals (the US): moves the package toward its target each round."""

    role = "mediator"

    def propose(self) -> np.ndarray:
        """p(t+1) = p(t) + lambda (g(t) - p(t)); round 0 presents the opening proposal."""
        m, p = self.model, self.model.params
        if m.round == 0:
            return p.opening.copy()
        holdout = m.holdout_now
        if p.proposal_rule == "nash":
            low, high = rules.feasible_box(p.red_low, p.red_high, p.parties)
            include = np.zeros(holdout.shape, dtype=bool)
            include[:, p.parties] = True
            target = rules.nash_target(
                m.proposal, m.position, m.salience, m.reservation_now, include, low, high
            )
        else:
            weight = np.zeros(holdout.shape)
            weight[:, p.parties] = 1.0
            weight += holdout * p.holdout_focus[:, None]
            weight[:, self.index] = p.mediator_bias
            target = rules.compromise_target(m.position, m.salience, p.capability, weight)
            low, high = rules.feasible_box(p.red_low, p.red_high, p.parties)
            target = np.clip(target, low, high)
        step = p.step_size[:, None] * (target - m.proposal)
        return np.where(m.negotiating[:, None], m.proposal + step, m.proposal)

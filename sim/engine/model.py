"""The ceasefire negotiation as a Mesa model over an ensemble of replicates.

One instance steps R independent replicates at once: every state array has the replicate
axis first, replicates that have reached a deal are frozen by masks, and every random
draw is a pure function of (seed, replicate, round, stream, actor, issue). A single run is
R = 1.

Read :meth:`CeasefireModel.step`: it is the list of phases of a round in MODEL.md
section 3, then the days of the ceasefire in section 5.
"""

from __future__ import annotations

from pathlib import Path

import mesa
import numpy as np

from sim.engine import rng, rules
from sim.engine.agents import Mediator, Negotiator, Party, Supporter
from sim.engine.ceasefire import CeasefireState, ceasefire_day, start_ceasefire
from sim.engine.codes import Answer
from sim.engine.outcomes import outcome_columns
from sim.engine.parameters import build_parameters
from sim.engine.recorder import RoundRecorder
from sim.scenario.load import DEFAULT_SCENARIO, load_scenario
from sim.scenario.paths import path_bounds
from sim.scenario.schema import Scenario


def _holding(m: CeasefireModel) -> int:
    if m.ceasefire is None:
        return 0
    return int((m.agreed & ~m.ceasefire.collapsed).sum())


# Per-day series of the DataCollector: counts of replicates (R in all).
DAILY = {
    "phase": lambda m: m.phase,
    "round": lambda m: m.round,
    "negotiating": lambda m: int(m.negotiating.sum()),
    "agreed": lambda m: int(m.agreed.sum()),
    "holding": _holding,  # agreed ceasefires not (yet) collapsed
    "threats_carried_out": lambda m: int(m.threat_executed.sum()),
}

AGENT_CLASSES: dict[str, type[Negotiator]] = {
    "mediator": Mediator,
    "party": Party,
    "supporter": Supporter,
}


class CeasefireModel(mesa.Model):
    """Negotiation rounds, then the agreed ceasefire day by day, for R replicates.

    The model works on its own :class:`~sim.engine.parameters.Parameters`, built here from
    the scenario: events and carried-out threats change that copy, never the scenario.
    ``datacollector`` (Mesa's DataCollector) holds one row per day: see :data:`DAILY`.
    Keyword defaults make ``mesa.batch_run(CeasefireModel, {...})`` work: ``seed=None``
    (what batch_run passes without ``rng=``) draws a fresh seed, kept in ``params.seed``.

    Args:
        scenario: a validated scenario, or the path of a scenario file.
        replicates: how many replicates (or an array of global replicate ids, as sweeps
            use, so that a replicate's draws do not depend on the chunk it runs in).
        seed: the seed of every random draw.
        overrides: dotted parameter path -> value or array over replicates.
        record: ``"summary"`` keeps quantile bands per round, ``"full"`` also every
            replicate's trajectory, ``"none"`` only the outcomes (sweeps).
    """

    def __init__(
        self,
        scenario: Scenario | str | Path = DEFAULT_SCENARIO,
        replicates: int | np.ndarray = 1,
        seed: int | None = 0,
        overrides: dict | None = None,
        record: str = "summary",
        rng_seed: int | None = None,
    ):
        if not isinstance(scenario, Scenario):
            scenario = load_scenario(scenario)
        if seed is None:
            seed = int(np.random.SeedSequence().entropy % 2**63)
        # Mesa's own generator only orders agent activation; no result depends on it.
        super().__init__(rng=rng_seed if rng_seed is not None else seed)
        self.scenario_spec = scenario
        p = build_parameters(scenario, replicates, seed, overrides)
        self.params = p
        R, N, K, H = p.replicates, len(p.actor_ids), len(p.issue_ids), len(p.threat_ids)

        for i, (aid, role) in enumerate(zip(p.actor_ids, p.role, strict=True)):
            AGENT_CLASSES[str(role)](self, i, aid, scenario.actors[aid].name)
        self.mediator: Mediator = self.agents_by_type[Mediator][0]

        # State at the start of the current round: (replicate, actor, issue) order.
        self.position = rules.clip_to_red_lines(p.position.copy(), p.red_low, p.red_high)
        self.salience = rules.normalise_salience(p.salience)
        self.reservation = p.reservation.copy()  # rho_i(t) before pending threats
        self.proposal = p.opening.copy()  # (R, K)
        self.negotiating = np.ones(R, dtype=bool)
        self.was_negotiating = self.negotiating.copy()  # at the start of the last round
        # Buffers each agent writes its own column of.
        self.answers = np.zeros((R, N), dtype=np.int8)
        self.previous_answers = np.full((R, N), Answer.REJECT, dtype=np.int8)
        self.conditions = np.zeros((R, N, K), dtype=bool)
        self.utilities = np.zeros((R, N))
        self.moves = np.zeros((R, N, K))
        # Outcomes.
        self.agreed = np.zeros(R, dtype=bool)
        self.agreement_round = np.full(R, -1, dtype=np.int64)
        self.terms = np.full((R, K), np.nan)
        self.threat_pending = np.zeros((R, H), dtype=bool)
        self.threat_called = np.zeros((R, H), dtype=bool)  # target refused at or after deadline
        self.threat_executed = np.zeros((R, H), dtype=bool)

        # A shift may not push a parameter outside the bounds the schema gives it.
        self.event_bounds = {e.path: path_bounds(scenario, e.path) for e in p.events}
        # Which actors have any red line (the check is skipped for the others).
        self.has_red_lines = ((p.red_low > 0) | (p.red_high < 1)).any(axis=(0, 2))
        for change in p.events:  # an event may draw a red line later
            if change.array in ("red_low", "red_high"):
                self.has_red_lines[change.index[0]] = True
        self.name_conditions = record != "none"  # conditions are outputs, not inputs

        self.round = 0
        self.phase = "negotiation"
        self.ceasefire: CeasefireState | None = None
        self.recorder = RoundRecorder(p, mode=record) if record != "none" else None
        self.datacollector = mesa.DataCollector(model_reporters=DAILY)
        self.datacollector.collect(self)

    # --- the story of a step ----------------------------------------------------------------

    def step(self) -> None:
        if self.phase == "negotiation":
            self.negotiation_round()
        elif self.phase == "ceasefire":
            self.ceasefire_day()
        self.datacollector.collect(self)

    def negotiation_round(self) -> None:
        """One day of talks (MODEL.md section 3), all replicates at once."""
        self.apply_events()
        self.update_threats()
        self.observe_round_start()
        self.proposal = self.mediator.propose()  # 1. proposal
        self.agents.shuffle_do("respond")  # 2. responses (any order: own columns only)
        self.settle()  #    deals where every party says yes
        self.carry_out_threats()  #    threats whose deadline is today
        self.agents.shuffle_do("plan_move")  # 3-4. concession and influence
        self.apply_moves()
        self.decay_reservations()  # 5. war costs
        if self.recorder is not None:
            self.recorder.record(self)
        self.previous_answers = self.answers.copy()
        self.round += 1
        if self.round > self.params.rounds or not self.negotiating.any():
            self.begin_ceasefire()

    def ceasefire_day(self) -> None:
        """One day of the agreed ceasefire (MODEL.md section 5)."""
        ceasefire_day(self.params, self.ceasefire)
        if self.ceasefire.day >= self.params.duration_days:
            self.phase = "done"
            self.running = False

    def run_model(self) -> None:
        while self.running:
            self.step()

    # --- phases -----------------------------------------------------------------------------

    def apply_events(self) -> None:
        """Scheduled changes dated today: set or shift any parameter or stance."""
        p = self.params
        salience_changed = False
        for change in p.events:
            if change.round != self.round:
                continue
            state = {"position": self.position, "reservation": self.reservation}
            target = state.get(change.array, p.array(change.array))
            where = (self.negotiating, *change.index)
            new = change.value if change.op == "set" else target[where] + change.value
            target[where] = np.clip(new, *self.event_bounds[change.path])
            salience_changed |= change.array == "salience"
        if salience_changed:
            renormalised = rules.normalise_salience(p.salience)
            self.salience = np.where(self.negotiating[:, None, None], renormalised, self.salience)
        self.position = rules.clip_to_red_lines(self.position, p.red_low, p.red_high)

    def observe_round_start(self) -> None:
        """Quantities every agent reads this round, computed once from the state at its
        start: reservation values net of pending threats, the holdout, the mediator's
        pressure on it, and influence pulls.

        pressure_i(t) is the mediator's push on the holdout only: threats act through the
        reservation value (their expected cost), so that a threat is not counted twice."""
        p = self.params
        self.reservation_now = self.effective_reservation()
        self.holdout_now = self.holdouts()
        self.pressure_now = self.holdout_now * p.holdout_pressure[:, None]
        self.influence_now = rules.influence_step(
            self.position, self.position, p.ties, p.capability, p.influence_rate
        )

    def update_threats(self) -> None:
        p = self.params
        issued = p.threat_issued <= self.round
        self.threat_pending = issued[None, :] & ~self.threat_called & self.negotiating[:, None]

    def settle(self) -> None:
        """A deal needs every party's yes (a conditional yes only with its partners) and
        the mediator's own yes; supporters have no veto."""
        p = self.params
        said_yes = self.answers != Answer.REJECT
        partners_ok = ~(p.accepts_only_with[None, :, :] & ~said_yes[:, None, :]).any(axis=2)
        effective = said_yes & partners_ok
        deal = effective[:, p.parties].all(axis=1) & effective[:, p.mediator] & self.negotiating
        self.agreed |= deal
        self.agreement_round = np.where(deal, self.round, self.agreement_round)
        self.terms = np.where(deal[:, None], self.proposal, self.terms)
        self.was_negotiating = self.negotiating.copy()
        self.negotiating &= ~deal

    def carry_out_threats(self) -> None:
        """From its deadline on, a threat is called on the first day the target says no, and
        then carried out with probability = credibility: the target's reservation value falls
        by severity * pi for good, and its concession rate and pressure sensitivity harden
        by the backlash ``resolve``. While the target says yes but another party holds out,
        the threat stays pending (Washington does not drop a threat Moscow has heeded)."""
        p = self.params
        for h in range(len(p.threat_ids)):
            if self.round < p.threat_deadline[h]:
                continue
            target = p.threat_target[h]
            refused = self.threat_pending[:, h] & self.negotiating
            refused &= self.answers[:, target] == Answer.REJECT
            draw = rng.uniform(p.seed, p.replicate, self.round, "threat", target, h)
            executed = refused & (draw < p.threat_credibility[:, h])
            self.threat_called[:, h] |= refused
            self.threat_executed[:, h] |= executed
            cost = p.threat_severity[:, h] * p.pressure_sensitivity[:, target]
            self.reservation[:, target] -= np.where(executed, cost, 0.0)
            harden = np.where(executed, 1.0 - p.threat_resolve[:, h], 1.0)
            p.concession_rate[:, target] *= harden
            p.pressure_sensitivity[:, target] *= harden

    def apply_moves(self) -> None:
        p = self.params
        moved = rules.clip_to_red_lines(self.position + self.moves, p.red_low, p.red_high)
        self.position = np.where(self.negotiating[:, None, None], moved, self.position)

    def decay_reservations(self) -> None:
        p = self.params
        decayed = np.maximum(self.reservation - p.war_cost, 0.0)
        self.reservation = np.where(self.negotiating[:, None], decayed, self.reservation)

    def begin_ceasefire(self) -> None:
        self.negotiating[:] = False
        self.ceasefire = start_ceasefire(
            self.params,
            self.agreed,
            np.where(self.agreed[:, None], self.terms, self.params.status_quo),
            self.position,
            self.salience,
            self.effective_reservation(),
        )
        self.phase = "ceasefire"
        if not self.agreed.any():
            self.ceasefire.day = self.params.duration_days
            self.phase = "done"
            self.running = False

    # --- quantities agents read -------------------------------------------------------------

    def effective_reservation(self) -> np.ndarray:
        """rho_i(t) less the expected cost of pending threats: cred * severity * pi  (R, N)."""
        return np.clip(self.reservation - self._threat_load(), 0.0, 1.0)

    def _threat_load(self) -> np.ndarray:
        """Expected cost of pending threats to each target: cred * severity * pi  (R, N)."""
        p = self.params
        load = np.zeros_like(self.reservation)
        for h in range(len(p.threat_ids)):
            t = p.threat_target[h]
            cost = (
                p.threat_credibility[:, h] * p.threat_severity[:, h] * p.pressure_sensitivity[:, t]
            )
            load[:, t] += np.where(self.threat_pending[:, h], cost, 0.0)
        return load

    def holdouts(self) -> np.ndarray:
        """Parties that said no last round while another party said yes  (R, N) bool."""
        p = self.params
        is_party = np.zeros(len(p.actor_ids), dtype=bool)
        is_party[p.parties] = True
        yes = (self.previous_answers != Answer.REJECT) & is_party
        no = (self.previous_answers == Answer.REJECT) & is_party
        others_yes = (yes.sum(axis=1, keepdims=True) - yes) > 0
        return no & others_yes & (self.round > 0)

    # --- results ----------------------------------------------------------------------------

    def outcomes(self) -> dict[str, np.ndarray]:
        """Per-replicate outcome columns (see docs/model.md, 'Outputs')."""
        return outcome_columns(self)


__all__ = ["CeasefireModel"]

"""The ceasefire negotiation as a Mesa model over an ensemble of replicates (model 2).

One instance steps R independent replicates at once; :meth:`CeasefireModel.step` is ONE
calendar day, in the order of coord/model2.md ("The day"), and a run goes to the horizon
(``[scenario] end_date``, default 31 December). Every state array has the replicate axis
first, and every random draw is a pure function of (seed, replicate, day, stream, actor,
index), so replicate j is bit-identical alone, in any batch or chunk. A single run is R = 1.

Internally the replicates are stepped in blocks of at most :data:`CHUNK`
(:class:`sim.engine.world.World`); the blocks are independent and a replicate never sees
which block it is in.
"""

from __future__ import annotations

from pathlib import Path

import mesa
import numpy as np

from sim.engine import session
from sim.engine.agents import Chair, Mediator, Negotiator, Party, Supporter
from sim.engine.outcomes import concat, world_outcomes
from sim.engine.parameters import build_parameters
from sim.engine.recorder import DayRecorder
from sim.engine.world import World
from sim.scenario.load import DEFAULT_SCENARIO, load_scenario
from sim.scenario.paths import path_bounds
from sim.scenario.schema import Scenario

# Replicates per block. Talks run on the few replicates with a session today, so their cost
# is mostly numpy's per-call overhead, paid once per block and day: 32,768 default runs in
# one block took 23% less CPU than in four blocks of 8,192, and peaked lower (614 vs 797
# MiB); the memory of a large run is bounded by `ceasefire run`'s own chunks.
CHUNK = 2**17


def _in_force(m: CeasefireModel) -> int:
    return int(sum((w.book.state == 2).any(axis=1).sum() for w in m.worlds))


# Per-day series of the DataCollector: counts of replicates (R in all).
DAILY = {
    "day": lambda m: m.day,
    "sessions": lambda m: int(sum(w.session_today.sum() for w in m.worlds)),
    "any_deal_in_force": _in_force,
    "broken_off": lambda m: int(sum(w.broken_off.sum() for w in m.worlds)),
    "threats_carried_out": lambda m: int(sum(w.coercion.carried_out.sum() for w in m.worlds)),
}

AGENT_CLASSES: dict[str, type[Negotiator]] = {
    "mediator": Mediator,
    "party": Party,
    "supporter": Supporter,
}


class CeasefireModel(mesa.Model):
    """Talks, fighting and deals, day by day to the horizon, for R replicates.

    The model works on its own :class:`~sim.engine.parameters.Parameters`, built here from
    the scenario: events and carried-out threats change that copy, never the scenario.
    ``datacollector`` (Mesa's DataCollector) holds one row per day: see :data:`DAILY`.
    Keyword defaults make ``mesa.batch_run(CeasefireModel, {...})`` work: ``seed=None``
    draws a fresh seed, kept in ``params.seed``.

    Args:
        scenario: a validated scenario, or the path of a scenario file.
        replicates: how many replicates, or an array of global replicate ids (sweeps and
            chunked runs pass ids, so a replicate's draws do not depend on its chunk).
        seed: the seed of every random draw.
        overrides: dotted parameter path -> value or array over replicates.
        record: ``"summary"`` keeps quantile bands per day, ``"full"`` also every
            replicate's path, ``"none"`` only outcomes and agreements (sweeps, benchmark),
            ``"totals"`` only per-day sums and counts (the later chunks of a large run).
        totals: keep those sums and counts beside the series too (a run's first chunk).
        chunk: replicates per internal block (results never depend on it).
    """

    def __init__(
        self,
        scenario: Scenario | str | Path = DEFAULT_SCENARIO,
        replicates: int | np.ndarray = 1,
        seed: int | None = 0,
        overrides: dict | None = None,
        record: str = "summary",
        rng_seed: int | None = None,
        totals: bool = False,
        chunk: int = CHUNK,
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
        for i, (aid, role) in enumerate(zip(p.actor_ids, p.role, strict=True)):
            AGENT_CLASSES[str(role)](self, i, aid, scenario.actors[aid].name)
        mediators = self.agents_by_type.get(Mediator)
        self.mediator = mediators[0] if mediators else Chair(self)
        R = p.replicates
        chunk = max(int(chunk), 1)
        blocks = [np.arange(lo, min(lo + chunk, R)) for lo in range(0, R, chunk)]
        self.worlds = [World(p if len(blocks) == 1 else p.subset(b)) for b in blocks]
        # A shift may not push a parameter outside the bounds the schema gives it.
        self.event_bounds = {e.path: path_bounds(scenario, e.path) for e in p.events}
        self.day = 0
        self.horizon = p.horizon
        self.recorder = None if record == "none" else DayRecorder(record, totals)
        self.datacollector = mesa.DataCollector(model_reporters=DAILY)

    # --- the story of a day -------------------------------------------------------------------

    def step(self) -> None:
        """One calendar day (coord/model2.md, "The day"), every block of replicates."""
        if self.day >= self.horizon:
            self.running = False
            return
        d = self.day
        for w in self.worlds:
            w.apply_events(d, self.event_bounds)  # 1. events dated today
            w.fight(d)  # 2-3. battlefield on unhalted fronts; beliefs update
            w.keep_deals(d)  # 4. consent, lapses, violations, defection, expiry
            w.coercion.day(w.p, d)  # 5. threats: moves, deadlines, carry-out, memory
            if w.meet(d):  # 6. talks where a session is held today
                session.hold_talks(w, d, self.mediator)
            w.truces(d)  # 7. unilateral truces
            w.book_changed()
            if w.concede_inputs():  # 8. concession (each party its own column) ...
                self.agents_by_type[Party].shuffle_do("concede", w)
            w.influence()  # ... and influence among those who met
            w.walk_out(d)  # 9. walk-outs and resumption
            w.close_day(d)  # days under ceasefire; rearmament after a pause
        if self.recorder is not None:  # 10. record
            self.recorder.record(self, d)
        self.datacollector.collect(self)
        self.day += 1
        if self.day >= self.horizon:
            for w in self.worlds:
                w.book.finalize(self.horizon)
            self.running = False

    def run_model(self) -> None:
        while self.running:
            self.step()

    # --- results ----------------------------------------------------------------------------------

    def outcomes(self) -> dict[str, np.ndarray]:
        """Per-replicate outcome columns (outputs contract, coord/model2.md)."""
        return concat([world_outcomes(w) for w in self.worlds])

    def agreements(self) -> dict[str, np.ndarray]:
        """One row per deal (unilateral truces included), in replicate order per block."""
        return concat([w.book.table() for w in self.worlds])

    def series(self) -> dict[str, np.ndarray]:
        """Per-day arrays with a leading day axis (empty with ``record="none"``)."""
        return self.recorder.series() if self.recorder is not None else {}


__all__ = ["CeasefireModel", "CHUNK"]

"""From a validated scenario to parameter arrays with a leading replicate axis.

Every number the engine uses lives in an array whose first axis is the replicate
(``(replicate,)``, ``(replicate, actor)``, ``(replicate, actor, issue)``...). That is what
lets one model instance step many replicates at once, and lets a sweep give every
replicate its own parameter values: a design point is nothing but a slice of the
replicate axis.

A dotted path from the scenario file (``actors.russia.stances.kursk.position``) is mapped
to one array and one index by :func:`locate`. Events, sweeps and the dashboard all change
parameters through that one function.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
from scipy.special import ndtr, ndtri

from sim.engine import rng
from sim.scenario.paths import (
    ACTOR_FIELDS,
    IMPLEMENTATION_FIELDS,
    NEGOTIATION_FIELDS,
    locate,
    path_bounds,
)
from sim.scenario.schema import Scenario


@dataclass(frozen=True)
class ScheduledChange:
    """One parameter change of a dated event, resolved to its array and index."""

    round: int
    array: str
    index: tuple[int, ...]
    op: str  # "set" or "shift"
    value: float
    path: str  # the dotted path as written
    event: str  # the event's id


@dataclass
class Parameters:
    """All inputs of one model instance, each with the replicate axis first.

    Shapes use R replicates, N actors, K issues, H threats.
    """

    actor_ids: tuple[str, ...]
    issue_ids: tuple[str, ...]
    threat_ids: tuple[str, ...]
    role: np.ndarray  # (N,) str: mediator | party | supporter
    start_date: dt.date
    seed: int
    replicate: np.ndarray  # (R,) int64 global replicate ids (keys of all random draws)
    rounds: int
    proposal_rule: str
    duration_days: int
    # actors (R, N)
    capability: np.ndarray
    reservation: np.ndarray
    war_cost: np.ndarray
    concession_style: np.ndarray
    concession_rate: np.ndarray
    pressure_sensitivity: np.ndarray
    noise: np.ndarray
    monitoring_capacity: np.ndarray
    guarantee: np.ndarray
    ties: np.ndarray  # (R, N, N): ties[r, i, j] is how much j moves i
    accepts_only_with: np.ndarray  # (N, N) bool: i's yes counts only if j says yes
    # stances (R, N, K)
    position: np.ndarray
    salience: np.ndarray  # as written (not normalised)
    red_low: np.ndarray
    red_high: np.ndarray
    # issues (R, K)
    status_quo: np.ndarray
    opening: np.ndarray
    # negotiation (R,)
    step_size: np.ndarray
    mediator_bias: np.ndarray
    influence_rate: np.ndarray
    holdout_focus: np.ndarray
    holdout_pressure: np.ndarray
    # threats
    threat_target: np.ndarray  # (H,) actor index
    threat_issued: np.ndarray  # (H,) round
    threat_deadline: np.ndarray  # (H,) round
    threat_severity: np.ndarray  # (R, H)
    threat_credibility: np.ndarray  # (R, H)
    threat_resolve: np.ndarray  # (R, H)
    # implementation (R,) each, prefixed impl_
    impl: dict[str, np.ndarray]
    # outcome thresholds (R,)
    comprehensive_min: np.ndarray
    partial_min: np.ndarray
    events: list[ScheduledChange] = field(default_factory=list)  # by round, then file order

    @property
    def replicates(self) -> int:
        return int(self.replicate.shape[0])

    @property
    def mediator(self) -> int:
        return int(np.flatnonzero(self.role == "mediator")[0])

    @property
    def parties(self) -> np.ndarray:
        return np.flatnonzero(self.role == "party")

    def array(self, name: str) -> np.ndarray:
        if name.startswith("impl_"):
            return self.impl[name[5:]]
        return getattr(self, name)

    def date_of(self, round_: int) -> dt.date:
        return self.start_date + dt.timedelta(days=int(round_))


def build_parameters(
    s: Scenario,
    replicates: int | np.ndarray,
    seed: int,
    overrides: dict[str, np.ndarray | float] | None = None,
) -> Parameters:
    """Arrays for ``replicates`` (a count, or an array of global replicate ids).

    ``overrides`` maps dotted paths to a value or an array over the replicate axis: this
    is how a sweep gives each design point its own parameters. Stance uncertainty
    (``spread``) is drawn afterwards, per replicate, from the counter-based generator, so a
    replicate's draw depends only on (seed, replicate id, path).
    """
    rep = (
        np.arange(replicates, dtype=np.int64)
        if np.ndim(replicates) == 0
        else np.asarray(replicates, dtype=np.int64)
    )
    R = rep.shape[0]
    actors, issues, threats = list(s.actors), list(s.issues), list(s.threats)
    N, K, H = len(actors), len(issues), len(threats)

    def per_actor(attr: str) -> np.ndarray:
        return np.tile([float(getattr(s.actors[a], attr)) for a in actors], (R, 1))

    position = np.zeros((N, K))
    salience = np.zeros((N, K))
    red_low = np.zeros((N, K))
    red_high = np.ones((N, K))
    ties = np.zeros((N, N))
    accepts = np.zeros((N, N), dtype=bool)
    for i, a in enumerate(actors):
        actor = s.actors[a]
        for k, issue in enumerate(issues):
            st = actor.stances[issue]
            position[i, k], salience[i, k] = st.position, st.salience
            if st.red_line is not None:
                if st.red_line.never_below is not None:
                    red_low[i, k] = st.red_line.never_below
                if st.red_line.never_above is not None:
                    red_high[i, k] = st.red_line.never_above
        for b, w in actor.ties.items():
            ties[i, actors.index(b)] = w
        for b in actor.accepts_only_with:
            accepts[i, actors.index(b)] = True

    def tile(x: np.ndarray) -> np.ndarray:
        return np.tile(x, (R,) + (1,) * np.ndim(x)).astype(float)

    start = s.scenario.start_date
    th = list(s.threats.values())
    p = Parameters(
        actor_ids=tuple(actors),
        issue_ids=tuple(issues),
        threat_ids=tuple(threats),
        role=np.array([s.actors[a].role for a in actors]),
        start_date=start,
        seed=int(seed),
        replicate=rep,
        rounds=s.negotiation.rounds,
        proposal_rule=s.negotiation.proposal_rule,
        duration_days=s.implementation.duration_days,
        **{name: per_actor(f) for f, name in ACTOR_FIELDS.items()},
        ties=tile(ties),
        accepts_only_with=accepts,
        position=tile(position),
        salience=tile(salience),
        red_low=tile(red_low),
        red_high=tile(red_high),
        status_quo=tile(np.array([s.issues[k].status_quo for k in issues])),
        opening=tile(np.array([s.issues[k].opening for k in issues])),
        **{f: np.full(R, float(getattr(s.negotiation, f))) for f in NEGOTIATION_FIELDS},
        threat_target=np.array([actors.index(t.target) for t in th], dtype=np.int64),
        threat_issued=np.array([(t.issued - start).days for t in th], dtype=np.int64),
        threat_deadline=np.array([(t.deadline - start).days for t in th], dtype=np.int64),
        threat_severity=tile(np.array([t.severity for t in th])).reshape(R, H),
        threat_credibility=tile(np.array([t.credibility for t in th])).reshape(R, H),
        threat_resolve=tile(np.array([t.resolve for t in th])).reshape(R, H),
        impl={f: np.full(R, float(getattr(s.implementation, f))) for f in IMPLEMENTATION_FIELDS},
        comprehensive_min=np.full(R, s.outcomes.comprehensive_min),
        partial_min=np.full(R, s.outcomes.partial_min),
    )

    spreads = _scenario_spreads(s)
    for path, value in (overrides or {}).items():
        loc = locate(s, path)
        values = np.broadcast_to(np.asarray(value, dtype=float), (R,))
        if loc.kind == "spread":
            spreads[loc.target] = values
        else:
            p.array(loc.array)[(slice(None), *loc.index)] = values
    _draw_spreads(s, p, spreads)

    for eid, event in s.events.items():
        r = (event.date - start).days
        for op in ("set", "shift"):
            for path, value in getattr(event, op).items():
                loc = locate(s, path)
                p.events.append(
                    ScheduledChange(r, loc.array, loc.index, op, float(value), path, eid)
                )
    p.events.sort(key=lambda e: e.round)  # stable: file order within a day
    return p


def _scenario_spreads(s: Scenario) -> dict[str, np.ndarray | float]:
    spreads: dict[str, np.ndarray | float] = {}
    for a, actor in s.actors.items():
        for f, sd in actor.spread.model_dump().items():
            if sd > 0:
                spreads[f"actors.{a}.{f}"] = sd
        for k, st in actor.stances.items():
            for f, sd in st.spread.model_dump().items():
                if sd > 0:
                    spreads[locate(s, f"actors.{a}.stances.{k}.spread.{f}").target] = sd
    for h, threat in s.threats.items():
        for f, sd in threat.spread.items():
            if sd > 0:
                spreads[f"threats.{h}.{f}"] = sd
    return spreads


def _draw_spreads(s: Scenario, p: Parameters, spreads: dict[str, np.ndarray | float]) -> None:
    """Truncated-normal draws around each uncertain value, within the schema's bounds.

    Inverse-CDF sampling keeps one uniform per draw, so the draw is a pure function of
    (seed, replicate, path) and of nothing else.
    """
    for target, sd in sorted(spreads.items()):
        sd = np.broadcast_to(np.asarray(sd, dtype=float), p.replicate.shape)
        if not np.any(sd > 0):
            continue
        loc = locate(s, target)
        arr = p.array(loc.array)
        where = (slice(None), *loc.index)
        centre = arr[where].copy()
        lo, hi = path_bounds(s, target)
        if loc.array == "position":  # a drawn position never crosses its own red line
            lo = np.maximum(lo, p.red_low[where])
            hi = np.minimum(hi, p.red_high[where])
        u = rng.uniform(p.seed, p.replicate, 0, "spread:" + target)
        safe = np.where(sd > 0, sd, 1.0)
        a, b = ndtr((lo - centre) / safe), ndtr((hi - centre) / safe)
        z = ndtri(np.clip(a + u * (b - a), 1e-300, 1 - 1e-16))
        arr[where] = np.where(sd > 0, np.clip(centre + sd * z, lo, hi), centre)

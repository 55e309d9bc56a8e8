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
import difflib
import typing
from dataclasses import dataclass, field

import numpy as np
from pydantic import BaseModel
from scipy.special import ndtr, ndtri

from sim import rng
from sim.schema import ActorSpread, Scenario

ROLES = ("mediator", "party", "supporter")

# Scenario field -> array name, per level of the file. Arrays are (replicate, *index).
ACTOR_FIELDS = {
    "capability": "capability",
    "reservation": "reservation",
    "war_cost": "war_cost",
    "concession_style": "concession_style",
    "concession_rate": "concession_rate",
    "pressure_sensitivity": "pressure_sensitivity",
    "noise": "noise",
    "monitoring_capacity": "monitoring_capacity",
    "guarantee": "guarantee",
}
STANCE_FIELDS = {"position": "position", "salience": "salience"}
RED_LINE_FIELDS = {"never_below": "red_low", "never_above": "red_high"}
ISSUE_FIELDS = {"status_quo": "status_quo", "opening": "opening"}
THREAT_FIELDS = {
    "severity": "threat_severity",
    "credibility": "threat_credibility",
    "resolve": "threat_resolve",
}
NEGOTIATION_FIELDS = (
    "step_size",
    "mediator_bias",
    "influence_rate",
    "holdout_focus",
    "holdout_pressure",
)
IMPLEMENTATION_FIELDS = (
    "base_violation_rate",
    "satisfaction_exponent",
    "monitoring_deterrence",
    "guarantee_deterrence",
    "retaliation_weight",
    "forgiveness",
    "attribution_base",
    "suspicion",
    "tolerance",
    "major_probability",
    "monitoring_capacity",
    "extension_base",
    "extension_satisfaction",
    "extension_violation_penalty",
)
OUTCOME_FIELDS = ("comprehensive_min", "partial_min")
# Structural settings: one value per model instance, never per replicate.
STRUCTURAL = {
    "negotiation.rounds",
    "negotiation.proposal_rule",
    "implementation.duration_days",
}


class UnknownPath(KeyError):
    """A dotted path that names no parameter of the scenario."""

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class Location:
    """Where a dotted path lives: array name and index after the replicate axis."""

    array: str
    index: tuple[int, ...]
    field_path: tuple[str, ...]  # path into the schema, for bounds (ids replaced by '*')


def locate(s: Scenario, path: str) -> Location:
    """Map a dotted scenario path to an array and index; raise :class:`UnknownPath`."""
    parts = path.split(".")
    actors, issues, threats = list(s.actors), list(s.issues), list(s.threats)
    written = path if len(path) <= 80 else path[:77] + "..."  # errors stay one short line

    def idx(ids: list[str], key: str, what: str) -> int:
        if key not in ids:
            raise UnknownPath(
                f"unknown {what} '{key[:40]}' in '{written}'{_did_you_mean(key, ids)} "
                f"(known: {', '.join(ids)})"
            )
        return ids.index(key)

    def bad() -> UnknownPath:
        return UnknownPath(
            f"unknown parameter path '{written}'{_did_you_mean(path, list(parameter_paths(s)))}"
        )

    head = parts[0]
    if head == "actors" and len(parts) >= 3:
        a = idx(actors, parts[1], "actor")
        rest = parts[2:]
        if len(rest) == 1 and rest[0] in ACTOR_FIELDS:
            return Location(ACTOR_FIELDS[rest[0]], (a,), ("actors", "*", rest[0]))
        if len(rest) == 2 and rest[0] == "ties":
            b = idx(actors, rest[1], "actor")
            return Location("ties", (a, b), ("actors", "*", "ties", "*"))
        if len(rest) == 2 and rest[0] == "spread":
            return Location(
                "spread:" + ".".join(["actors", parts[1], rest[1]]),
                (),
                ("actors", "*", "spread", rest[1]),
            )
        if len(rest) >= 3 and rest[0] == "stances":
            k = idx(issues, rest[1], "issue")
            tail = rest[2:]
            fp = ("actors", "*", "stances", "*", *tail)
            if len(tail) == 1 and tail[0] in STANCE_FIELDS:
                return Location(STANCE_FIELDS[tail[0]], (a, k), fp)
            if len(tail) == 2 and tail[0] == "red_line" and tail[1] in RED_LINE_FIELDS:
                return Location(RED_LINE_FIELDS[tail[1]], (a, k), fp)
            if len(tail) == 2 and tail[0] == "spread" and tail[1] in STANCE_FIELDS:
                target = ".".join(["actors", parts[1], "stances", rest[1], tail[1]])
                return Location("spread:" + target, (), fp)
            if tail == ["spread", "red_line"]:
                line = s.actors[parts[1]].stances[rest[1]].red_line
                if line is None:
                    raise UnknownPath(f"'{written}': the stance has no red line to spread")
                side = "never_below" if line.never_below is not None else "never_above"
                target = ".".join(["actors", parts[1], "stances", rest[1], "red_line", side])
                return Location("spread:" + target, (), fp)
        raise bad()
    if head == "issues" and len(parts) == 3 and parts[2] in ISSUE_FIELDS:
        k = idx(issues, parts[1], "issue")
        return Location(ISSUE_FIELDS[parts[2]], (k,), ("issues", "*", parts[2]))
    if head == "threats" and len(parts) >= 3:
        h = idx(threats, parts[1], "threat")
        if len(parts) == 3 and parts[2] in THREAT_FIELDS:
            return Location(THREAT_FIELDS[parts[2]], (h,), ("threats", "*", parts[2]))
        if len(parts) == 4 and parts[2] == "spread" and parts[3] in ("severity", "credibility"):
            target = ".".join(["threats", parts[1], parts[3]])
            return Location("spread:" + target, (), ("threats", "*", "spread", "*"))
        raise bad()
    tables = {
        "negotiation": NEGOTIATION_FIELDS,
        "implementation": IMPLEMENTATION_FIELDS,
        "outcomes": OUTCOME_FIELDS,
    }
    if head in tables and len(parts) == 2:
        if path in STRUCTURAL:
            raise UnknownPath(f"'{written}' is structural (one value per run) and cannot vary here")
        if parts[1] in tables[head]:
            name = f"impl_{parts[1]}" if head == "implementation" else parts[1]
            return Location(name, (), (head, parts[1]))
    raise bad()


def _did_you_mean(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1) if len(name) <= 200 else []
    return f"; did you mean '{close[0]}'?" if close else ""


def parameter_paths(s: Scenario) -> typing.Iterator[str]:
    """Every dotted path :func:`locate` accepts for ``s`` (what a typo is matched against)."""
    for a, actor in s.actors.items():
        yield from (f"actors.{a}.{f}" for f in ACTOR_FIELDS)
        yield from (f"actors.{a}.ties.{b}" for b in s.actors if b != a)
        yield from (f"actors.{a}.spread.{f}" for f in ActorSpread.model_fields)
        for k, stance in actor.stances.items():
            stance_path = f"actors.{a}.stances.{k}"
            yield from (f"{stance_path}.{f}" for f in STANCE_FIELDS)
            yield from (f"{stance_path}.red_line.{f}" for f in RED_LINE_FIELDS)
            yield from (f"{stance_path}.spread.{f}" for f in STANCE_FIELDS)
            if stance.red_line is not None:
                yield f"{stance_path}.spread.red_line"
    for k in s.issues:
        yield from (f"issues.{k}.{f}" for f in ISSUE_FIELDS)
    for h in s.threats:
        yield from (f"threats.{h}.{f}" for f in THREAT_FIELDS)
        yield from (f"threats.{h}.spread.{f}" for f in ("severity", "credibility"))
    yield from (f"negotiation.{f}" for f in NEGOTIATION_FIELDS)
    yield from (f"implementation.{f}" for f in IMPLEMENTATION_FIELDS)
    yield from (f"outcomes.{f}" for f in OUTCOME_FIELDS)


def path_bounds(s: Scenario, path: str) -> tuple[float, float]:
    """The interval the schema allows for the parameter at ``path`` (open ends as closed)."""
    from sim.scenario import schema_node  # local: sim.scenario imports this module

    parts = list(locate(s, path).field_path)
    parent = schema_node(Scenario, parts[:-1])
    if isinstance(parent, type) and issubclass(parent, BaseModel):
        info = parent.model_fields[parts[-1]]
        metas = list(info.metadata) + _metadata(info.annotation)
    else:  # a value inside a dict (ties, threat spreads)
        metas = _metadata(typing.get_args(parent)[1])
    lo, hi = -np.inf, np.inf
    for m in metas:
        lo = float(
            next((getattr(m, a) for a in ("ge", "gt") if getattr(m, a, None) is not None), lo)
        )
        hi = float(
            next((getattr(m, a) for a in ("le", "lt") if getattr(m, a, None) is not None), hi)
        )
    return lo, hi


def _metadata(annotation: typing.Any) -> list[typing.Any]:
    """Constraint objects (Ge, Le, ...) inside Annotated[...] and X | None."""
    out: list[typing.Any] = []
    if typing.get_origin(annotation) is typing.Annotated:
        for meta in annotation.__metadata__:
            out += list(getattr(meta, "metadata", [meta]))
        out += _metadata(typing.get_args(annotation)[0])
    else:
        for arg in typing.get_args(annotation):
            out += _metadata(arg)
    return out


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
    threat_by: np.ndarray  # (H,) actor index
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

    def round_of(self, date: dt.date) -> int:
        return (date - self.start_date).days

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
        threat_by=np.array([actors.index(t.by) for t in th], dtype=np.int64),
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
        if loc.array.startswith("spread:"):
            spreads[loc.array[7:]] = values
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
                    spreads[locate(s, f"actors.{a}.stances.{k}.spread.{f}").array[7:]] = sd
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

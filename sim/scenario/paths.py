"""Dotted paths into a scenario: the one place that reads the schema's structure.

A dotted path from a scenario file (``actors.russia.stances.kursk.position``,
``fronts.kursk.drift``, ``fronts.kursk.beliefs.russia.sd``) names one number.
:func:`locate` maps it to the parameter array and index the engine works on (or to
the uncertain value a ``spread`` entry widens), :func:`path_bounds` to the interval the
schema allows, and :func:`schema_node` follows it through the pydantic models. Events,
sweeps, dashboard levers, error messages and the field reference all read the schema
through this module, so none of them needs its own annotation unwrapper.
"""

from __future__ import annotations

import difflib
import types
import typing
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel

from sim.scenario.schema import ActorSpread, FrontSpread, Implementation, Negotiation, Scenario

# Scenario field -> array name, per level of the file. Arrays are (replicate, *index).
ACTOR_FIELDS = {
    "capability": "capability",
    "aspiration": "aspiration",
    "concession_rate": "concession_rate",
    "aspiration_floor": "aspiration_floor",
    "planning_horizon": "planning_horizon",
    "gesture": "gesture",
    "gesture_days": "gesture_days",
    "noise": "noise",
    "monitoring_capacity": "monitoring_capacity",
    "guarantee": "guarantee",
}
STANCE_FIELDS = {"position": "position", "salience": "salience"}
RED_LINE_FIELDS = {"never_below": "red_low", "never_above": "red_high"}
ISSUE_FIELDS = {"status_quo": "status_quo", "opening": "opening"}
FRONT_FIELDS = {
    "control": "control0",
    "drift": "drift",
    "volatility": "volatility",
    "intensity": "intensity",
    "rearmament_shift": "rearmament_shift",
}
FRONT_ACTOR_FIELDS = {"cost": "front_cost", "stakes": "stakes"}  # (actor, front)
BELIEF_FIELDS = {"drift": "prior_mean", "sd": "prior_sd"}  # (actor, front)
THREAT_FIELDS = {
    "severity": "threat_severity",
    "credibility": "threat_credibility",
    "resolve": "threat_resolve",
    "erosion": "threat_erosion",
    "boost": "threat_boost",
}
CALENDAR_FIELDS = {"session_chance": "session_chance"}
OUTCOME_FIELDS = ("compliance_min", "definitive_min")
# Structural settings: one value per model instance, never per replicate.
STRUCTURAL = {"negotiation.proposal_rule"}


class UnknownPath(KeyError):
    """A dotted path that names no parameter of the scenario."""

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class Location:
    """Where a dotted path lives.

    ``kind == "array"``: the number is ``array[(replicate, *index)]`` of the engine's
    parameters (``impl_<field>`` for the implementation table). Index order follows the
    arrays of docs/model.md: actors before fronts (``front_cost[r, actor, front]``).
    ``kind == "spread"``: the path is a ``spread`` entry, and ``target`` is the dotted path
    of the value it widens.
    """

    array: str
    index: tuple[int, ...]
    field_path: tuple[str, ...]  # path into the schema, for bounds (ids replaced by '*')
    kind: Literal["array", "spread"] = "array"
    target: str = ""  # for a spread: the uncertain value's dotted path


def _spread(target: str, field_path: tuple[str, ...]) -> Location:
    return Location("", (), field_path, kind="spread", target=target)


def locate(s: Scenario, path: str) -> Location:
    """Map a dotted scenario path to an array and index; raise :class:`UnknownPath`."""
    parts = path.split(".")
    actors, issues, threats = list(s.actors), list(s.issues), list(s.threats)
    fronts = list(s.fronts)
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
            target = ".".join(["actors", parts[1], rest[1]])
            return _spread(target, ("actors", "*", "spread", rest[1]))
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
                return _spread(target, fp)
            if tail == ["spread", "red_line"]:
                line = s.actors[parts[1]].stances[rest[1]].red_line
                if line is None:
                    raise UnknownPath(f"'{written}': the stance has no red line to spread")
                side = "never_below" if line.never_below is not None else "never_above"
                target = ".".join(["actors", parts[1], "stances", rest[1], "red_line", side])
                return _spread(target, fp)
        raise bad()
    if head == "issues" and len(parts) == 3 and parts[2] in ISSUE_FIELDS:
        k = idx(issues, parts[1], "issue")
        return Location(ISSUE_FIELDS[parts[2]], (k,), ("issues", "*", parts[2]))
    if head == "fronts" and len(parts) >= 3:
        f = idx(fronts, parts[1], "front")
        rest = parts[2:]
        if len(rest) == 1 and rest[0] in FRONT_FIELDS:
            return Location(FRONT_FIELDS[rest[0]], (f,), ("fronts", "*", rest[0]))
        if len(rest) == 2 and rest[0] in FRONT_ACTOR_FIELDS:
            a = idx(actors, rest[1], "actor")
            return Location(FRONT_ACTOR_FIELDS[rest[0]], (a, f), ("fronts", "*", rest[0], "*"))
        if len(rest) == 3 and rest[0] == "beliefs" and rest[2] in BELIEF_FIELDS:
            a = idx(actors, rest[1], "actor")
            fp = ("fronts", "*", "beliefs", "*", rest[2])
            return Location(BELIEF_FIELDS[rest[2]], (a, f), fp)
        if len(rest) == 2 and rest[0] == "spread" and rest[1] in FrontSpread.model_fields:
            target = ".".join(["fronts", parts[1], rest[1]])
            return _spread(target, ("fronts", "*", "spread", rest[1]))
        raise bad()
    if head == "threats" and len(parts) >= 3:
        h = idx(threats, parts[1], "threat")
        if len(parts) == 3 and parts[2] in THREAT_FIELDS:
            return Location(THREAT_FIELDS[parts[2]], (h,), ("threats", "*", parts[2]))
        if len(parts) == 4 and parts[2] == "spread" and parts[3] in ("severity", "credibility"):
            target = ".".join(["threats", parts[1], parts[3]])
            return _spread(target, ("threats", "*", "spread", "*"))
        raise bad()
    tables = {
        "calendar": tuple(CALENDAR_FIELDS),
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
    for f, front in s.fronts.items():
        yield from (f"fronts.{f}.{x}" for x in FRONT_FIELDS)
        for table in FRONT_ACTOR_FIELDS:
            yield from (f"fronts.{f}.{table}.{a}" for a in front.sides if a in s.actors)
        for a in s.actors:
            yield from (f"fronts.{f}.beliefs.{a}.{x}" for x in BELIEF_FIELDS)
        yield from (f"fronts.{f}.spread.{x}" for x in FrontSpread.model_fields)
    for h in s.threats:
        yield from (f"threats.{h}.{f}" for f in THREAT_FIELDS)
        yield from (f"threats.{h}.spread.{f}" for f in ("severity", "credibility"))
    yield from (f"calendar.{f}" for f in CALENDAR_FIELDS)
    yield from (f"negotiation.{f}" for f in NEGOTIATION_FIELDS)
    yield from (f"implementation.{f}" for f in IMPLEMENTATION_FIELDS)
    yield from (f"outcomes.{f}" for f in OUTCOME_FIELDS)


def path_annotation(s: Scenario, path: str) -> tuple[Any, Any]:
    """The schema annotation (with its bounds) of the field at ``path``, and its base type."""
    parts = list(locate(s, path).field_path)
    parent = schema_node(Scenario, parts[:-1])
    if isinstance(parent, type) and issubclass(parent, BaseModel):
        info = parent.model_fields[parts[-1]]
        annotation = (
            Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
        )
    else:  # a value inside a dict (ties, threat spreads)
        annotation = typing.get_args(parent)[1]
    return annotation, schema_node(Scenario, parts)


def path_bounds(s: Scenario, path: str) -> tuple[float, float]:
    """The interval the schema allows for the parameter at ``path`` (open ends as closed)."""
    lo, hi = -np.inf, np.inf
    for m in constraints(path_annotation(s, path)[0]):
        lo = float(
            next((getattr(m, a) for a in ("ge", "gt") if getattr(m, a, None) is not None), lo)
        )
        hi = float(
            next((getattr(m, a) for a in ("le", "lt") if getattr(m, a, None) is not None), hi)
        )
    return lo, hi


def constraints(annotation: typing.Any) -> list[typing.Any]:
    """Constraint objects (Ge, Le, ...) inside Annotated[...] and X | None."""
    out: list[typing.Any] = []
    if typing.get_origin(annotation) is typing.Annotated:
        for meta in annotation.__metadata__:
            out += list(getattr(meta, "metadata", [meta]))
        out += constraints(typing.get_args(annotation)[0])
    else:
        for arg in typing.get_args(annotation):
            out += constraints(arg)
    return out


def _unwrap(annotation: Any) -> Any:
    """Strip Optional/Annotated to reach a model class or dict type."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _unwrap(args[0]) if len(args) == 1 else annotation
    return annotation


def schema_node(root: type[BaseModel], loc: list[str]) -> Any:
    """The annotation reached by following ``loc`` (field names and dict keys) from ``root``."""
    node: Any = root
    for part in loc:
        node = _unwrap(node)
        if isinstance(node, type) and issubclass(node, BaseModel):
            field = node.model_fields.get(part)
            if field is None:
                return None
            node = field.annotation
        elif typing.get_origin(node) is dict:
            node = typing.get_args(node)[1]
        else:
            return None
    return _unwrap(node)


def _numeric_fields(model: type[BaseModel]) -> tuple[str, ...]:
    """The numeric fields of a settings table, in schema order: every one has a path (so a
    setting added to the schema is sweepable without an edit here)."""
    return tuple(
        name
        for name, info in model.model_fields.items()
        if _unwrap(info.annotation) in (int, float)
    )


# Defined last: they read the schema with the helpers above.
NEGOTIATION_FIELDS = _numeric_fields(Negotiation)
IMPLEMENTATION_FIELDS = _numeric_fields(Implementation)

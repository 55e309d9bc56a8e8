"""Reading scenario files: TOML -> validated :class:`~sim.schema.Scenario`, or clear errors.

Every error is one line of the form ``FILE: dotted.path: what is wrong (got VALUE)`` so that
a user can find the field in the file without reading a traceback.
"""

from __future__ import annotations

import datetime as dt
import tomllib
import typing
from pathlib import Path
from typing import Any

import pydantic
from pydantic import BaseModel

from sim.schema import Scenario

SCENARIO_DIR = Path(__file__).resolve().parent.parent / "scenarios"
DEFAULT_SCENARIO = SCENARIO_DIR / "march-2025.toml"


class ScenarioError(ValueError):
    """A scenario (or sweep) file is malformed. ``lines`` holds one message per problem."""

    def __init__(self, lines: list[str]):
        self.lines = lines
        super().__init__("\n".join(lines))


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file, raising :class:`ScenarioError` on any problem."""
    path = Path(path)
    return parse_scenario(read_toml(path), str(path))


def read_toml(path: Path) -> dict[str, Any]:
    label = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError([f"{label}: file not found"]) from None
    except (OSError, UnicodeDecodeError) as err:
        raise ScenarioError([f"{label}: cannot read file ({err})"]) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ScenarioError([f"{label}: TOML syntax error: {err}"]) from None


def parse_scenario(data: dict[str, Any], label: str) -> Scenario:
    """Validate already-parsed TOML data; ``label`` names the file in error messages."""
    try:
        scenario = Scenario.model_validate(data)
    except pydantic.ValidationError as err:
        raise ScenarioError(
            [f"{label}: {line}" for line in format_validation_error(err, Scenario)]
        ) from None
    problems = cross_check(scenario)
    if problems:
        raise ScenarioError([f"{label}: {where}: {what}" for where, what in problems])
    return scenario


# --- schema errors -------------------------------------------------------------------------


def format_validation_error(err: pydantic.ValidationError, root: type[BaseModel]) -> list[str]:
    """Turn pydantic's errors into ``dotted.path: message (got value)`` lines."""
    lines = []
    for e in err.errors(include_url=False):
        loc = [str(p) for p in e["loc"]]
        where = ".".join(loc) or "(top level)"
        got = e.get("input")
        ctx = e.get("ctx") or {}
        kind = e["type"]
        bounds = {
            "greater_than_equal": (">=", "ge"),
            "less_than_equal": ("<=", "le"),
            "greater_than": (">", "gt"),
            "less_than": ("<", "lt"),
        }
        if kind in bounds:
            op, key = bounds[kind]
            msg = f"must be {op} {ctx[key]} (got {got!r})"
        elif kind == "missing":
            msg = "required field is missing"
        elif kind == "extra_forbidden":
            allowed = _allowed_fields(root, loc[:-1])
            where = ".".join(loc)
            msg = "unknown field" + (f" (allowed: {', '.join(allowed)})" if allowed else "")
        elif kind == "literal_error":
            msg = f"must be one of {ctx.get('expected')} (got {got!r})"
        elif kind in {"float_parsing", "float_type", "int_parsing", "int_type", "int_from_float"}:
            want = "a whole number" if kind.startswith("int") else "a number"
            msg = f"must be {want} (got {got!r})"
        elif kind.startswith("date") or kind.startswith("datetime"):
            msg = f"must be a date like 2025-03-11 (got {got!r})"
        elif kind == "value_error":
            msg = str(ctx.get("error", e["msg"]))
        elif kind in {"dict_type", "model_type"}:
            msg = f"must be a table (got {got!r})"
        else:
            msg = f"{e['msg']} (got {got!r})"
        lines.append(f"{where}: {msg}")
    return lines


def _unwrap(annotation: Any) -> Any:
    """Strip Optional/Annotated to reach a model class or dict type."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
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


def _allowed_fields(root: type[BaseModel], loc: list[str]) -> list[str]:
    node = schema_node(root, loc)
    if isinstance(node, type) and issubclass(node, BaseModel):
        return list(node.model_fields)
    return []


# --- cross references ----------------------------------------------------------------------


def cross_check(s: Scenario) -> list[tuple[str, str]]:
    """Problems that span fields: unknown ids, missing stances, dates out of order."""
    from sim.parameters import UnknownPath, locate  # local: parameters imports this module

    problems: list[tuple[str, str]] = []
    actors, issues = list(s.actors), list(s.issues)
    known_actors = f"(known: {', '.join(actors)})"
    roles = [a.role for a in s.actors.values()]
    if roles.count("mediator") != 1:
        problems.append(("actors", f"need exactly one mediator (found {roles.count('mediator')})"))
    if roles.count("party") < 1:
        problems.append(("actors", "need at least one party (role = 'party')"))
    if not issues:
        problems.append(("issues", "need at least one issue"))
    elif "scope" not in s.issues:
        problems.append(
            (
                "issues",
                "need an issue with id 'scope' (the ceasefire's scope decides the outcome "
                "class and how many violations it invites)",
            )
        )

    for aid, actor in s.actors.items():
        for k in actor.stances:
            if k not in s.issues:
                problems.append(
                    (
                        f"actors.{aid}.stances.{k}",
                        f"unknown issue '{k}' (known: {', '.join(issues)})",
                    )
                )
        for k in issues:
            if k not in actor.stances:
                problems.append((f"actors.{aid}.stances", f"no stance on issue '{k}'"))
        for other in actor.ties:
            if other not in s.actors:
                problems.append(
                    (f"actors.{aid}.ties.{other}", f"unknown actor '{other}' {known_actors}")
                )
            elif other == aid:
                problems.append((f"actors.{aid}.ties.{other}", "an actor cannot be tied to itself"))
        for i, other in enumerate(actor.accepts_only_with):
            where = f"actors.{aid}.accepts_only_with[{i}]"
            if other not in s.actors:
                problems.append((where, f"unknown actor '{other}' {known_actors}"))
            elif other == aid:
                problems.append(
                    (where, "an actor cannot make its acceptance conditional on itself")
                )
            elif s.actors[other].role == "mediator":
                problems.append(
                    (where, "the partner must be a party or supporter, not the mediator")
                )

    start = s.scenario.start_date
    for tid, threat in s.threats.items():
        for field in ("by", "target"):
            who = getattr(threat, field)
            if who not in s.actors:
                problems.append((f"threats.{tid}.{field}", f"unknown actor '{who}' {known_actors}"))
        if threat.target in s.actors and s.actors[threat.target].role != "party":
            problems.append((f"threats.{tid}.target", f"'{threat.target}' is not a party"))
        problems += _date_problems(f"threats.{tid}.issued", threat.issued, start)
        if threat.deadline < threat.issued:
            problems.append(
                (
                    f"threats.{tid}.deadline",
                    f"date {threat.deadline} is before the issue date {threat.issued}",
                )
            )

    for eid, event in s.events.items():
        problems += _date_problems(f"events.{eid}.date", event.date, start)
        for op in ("set", "shift"):
            for path in getattr(event, op):
                try:
                    locate(s, path)
                except UnknownPath as err:
                    problems.append((f"events.{eid}.{op}.{path}", str(err)))
    return problems


def _date_problems(where: str, date: dt.date, start: dt.date) -> list[tuple[str, str]]:
    if date < start:
        return [(where, f"date {date} is before the start date {start}")]
    return []

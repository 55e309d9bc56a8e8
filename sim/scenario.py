"""Reading scenario files: TOML -> validated :class:`~sim.schema.Scenario`, or clear errors.

Every error is one line of the form ``FILE: dotted.path: what is wrong (got VALUE)`` so that
a user can find the field in the file without reading a traceback.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
import tomllib
import typing
from pathlib import Path
from typing import Any

import pydantic
from pydantic import BaseModel

from sim.schema import Scenario, number_text
from sim.sources import check_citations

SCENARIO_DIR = Path(__file__).resolve().parent.parent / "scenarios"
DEFAULT_SCENARIO = SCENARIO_DIR / "march-2025.toml"


class ScenarioError(ValueError):
    """A scenario (or sweep) file is malformed. ``lines`` holds one message per problem."""

    def __init__(self, lines: list[str]):
        self.lines = lines
        super().__init__("\n".join(lines))


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file, raising :class:`ScenarioError` on any problem."""
    return load_scenario_text(path)[0]


def load_scenario_text(path: str | Path) -> tuple[Scenario, str]:
    """The validated scenario and the exact text it was parsed from.

    A run directory keeps a byte-identical copy of the file as run; reading it once here
    (not again later) means the copy is the text that was validated, line endings included.
    """
    path = Path(path)
    text = read_text(path)
    scenario = parse_scenario(parse_toml(text, str(path)), str(path))
    check_citations(scenario, path)  # every cited paragraph is in the source's digest
    return scenario, text


def read_text(path: Path) -> str:
    """The file's text as stored (no newline translation), or a one-line ScenarioError."""
    label = str(path)
    try:
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise ScenarioError([f"{label}: file not found"]) from None
    except IsADirectoryError:
        raise ScenarioError([f"{label}: is a directory, not a scenario file"]) from None
    except UnicodeDecodeError as err:
        raise ScenarioError(
            [f"{label}: not UTF-8 text ({err.reason} at byte {err.start})"]
        ) from None
    except OSError as err:
        raise ScenarioError([f"{label}: cannot read file ({err.strerror or err})"]) from None


def read_toml(path: Path) -> dict[str, Any]:
    return parse_toml(read_text(Path(path)), str(path))


def parse_toml(text: str, label: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ScenarioError([f"{label}: {toml_error_message(err, text)}"]) from None


_TOML_AT = re.compile(r"^(?P<msg>.*) \(at line (?P<line>\d+), column (?P<col>\d+)\)$", re.S)
_TOML_KEY = re.compile(r"\(((?:'[^']*'(?:, )?)+),?\)")


def toml_error_message(err: tomllib.TOMLDecodeError, text: str) -> str:
    """``line N, column C: TOML syntax error: ... (line reads: ...)``.

    tomllib puts the position at the end of its message and spells table names as Python
    tuples; a user looks for the line first, and writes ``actors.russia``. A table or key
    declared twice (two actors with the same id) is a TOML error of this kind.
    """
    raw = str(err)
    msg = _TOML_KEY.sub(lambda m: ".".join(re.findall(r"'([^']*)'", m.group(1))), raw)
    at = _TOML_AT.match(msg)
    if at is None:  # e.g. "(at end of document)"
        return f"TOML syntax error: {msg}"
    n = int(at["line"])
    lines = text.splitlines()
    source = lines[n - 1].strip() if 0 < n <= len(lines) else ""
    if len(source) > 60:
        source = source[:57] + "..."
    reads = f" (line reads: {source})" if source else ""
    return f"line {n}, column {at['col']}: TOML syntax error: {at['msg']}{reads}"


def validated[M: BaseModel](model: type[M], data: dict[str, Any], label: str) -> M:
    """``model`` validated from parsed TOML, or :class:`ScenarioError` with one line per
    problem, each prefixed by ``label`` (the file). Scenario and sweep files share it."""
    try:
        return model.model_validate(data)
    except pydantic.ValidationError as err:
        raise ScenarioError(
            [f"{label}: {line}" for line in format_validation_error(err, model)]
        ) from None


def parse_scenario(data: dict[str, Any], label: str) -> Scenario:
    """Validate already-parsed TOML data; ``label`` names the file in error messages."""
    scenario = validated(Scenario, data, label)
    problems = cross_check(scenario)
    if problems:
        raise ScenarioError([f"{label}: {where}: {what}" for where, what in problems])
    return scenario


def modified(scenario: Scenario, changes: dict[str, Any], label: str = "(modified)") -> Scenario:
    """A copy of ``scenario`` with dotted-path fields replaced, validated like a file.

    For structural what-ifs that per-replicate overrides cannot express (another proposal
    rule, another partner list, a later deadline). Raises :class:`ScenarioError`.
    """
    data = scenario.model_dump(mode="python", exclude_none=True)
    for path, value in changes.items():
        node = data
        *parents, leaf = path.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return parse_scenario(data, label)


# --- schema errors -------------------------------------------------------------------------


def format_validation_error(err: pydantic.ValidationError, root: type[BaseModel]) -> list[str]:
    """Turn pydantic's errors into ``dotted.path: message (got value)`` lines.

    Values are shown as they are spelled in TOML (``true``, ``"high"``), numbers without
    trailing zeros (``must be >= 0``), unknown fields with the allowed ones and the
    closest match, so a user can fix the file from the line alone.
    """
    lines = []
    for e in err.errors(include_url=False):
        loc = [str(p) for p in e["loc"]]
        got = shown(e.get("input"))
        ctx = e.get("ctx") or {}
        kind = e["type"]
        if loc and loc[-1] == "[key]":  # a dict key outside its allowed set (threat spread)
            loc = loc[:-1]
            kind = "unknown_key"
        where = ".".join(loc) or "(top level)"
        if kind in _BOUNDS:
            op, key = _BOUNDS[kind]
            msg = f"must be {op} {shown(ctx[key])} (got {got})"
        elif kind == "missing":
            about = _description(root, loc)
            msg = "required field is missing" + (f" ({about})" if about else "")
        elif kind == "extra_forbidden":
            msg = unknown_name_message(loc[-1], _allowed_fields(root, loc[:-1]), "field")
        elif kind == "unknown_key":
            allowed = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
            msg = unknown_name_message(loc[-1], allowed, "field")
        elif kind == "literal_error":
            msg = f"must be one of {ctx.get('expected')} (got {got})"
        elif kind in _TYPES:
            msg = f"must be {_TYPES[kind]} (got {got})"
        elif kind.startswith("date") or kind.startswith("datetime"):
            msg = f"must be a date like 2025-03-11 (got {got})"
        elif kind == "value_error":  # our validators; a field's own value is worth showing
            msg = str(ctx.get("error", e["msg"]))
            if not isinstance(e.get("input"), dict):
                msg += f" (got {got})"
        else:
            msg = f"{e['msg']} (got {got})"
        lines.append(f"{where}: {msg}")
    return lines


_BOUNDS = {
    "greater_than_equal": (">=", "ge"),
    "less_than_equal": ("<=", "le"),
    "greater_than": (">", "gt"),
    "less_than": ("<", "lt"),
}
_TYPES = {
    "float_type": "a number",
    "float_parsing": "a number",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "string_type": 'text in quotes, like "..."',
    "list_type": 'a list, like ["a", "b"]',
    "dict_type": "a table",
    "model_type": "a table",
    "model_attributes_type": "a table",
    "bool_type": "true or false",
}


def shown(value: Any) -> str:
    """A value as it would be written in a TOML file, shortened to stay on one line."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return number_text(value)
    if isinstance(value, int | dt.date):
        return str(value)
    if isinstance(value, str):
        return _toml_string(value if len(value) <= 60 else value[:57] + "...")
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list | tuple):
        text = "[" + ", ".join(shown(v) for v in value) + "]"
        return text if len(text) <= 60 else text[:56] + "...]"
    return repr(value)


def _toml_string(text: str) -> str:
    """A TOML basic string: JSON's escapes are TOML's, except that TOML also forbids DEL."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def unknown_name_message(name: str, allowed: list[str], what: str) -> str:
    """``unknown field; did you mean 'salience'? (allowed: ...)``."""
    close = difflib.get_close_matches(name, allowed, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    listed = f" (allowed: {', '.join(allowed)})" if allowed else ""
    return f"unknown {what}{hint}{listed}"


def _description(root: type[BaseModel], loc: list[str]) -> str:
    parent = schema_node(root, loc[:-1])
    if isinstance(parent, type) and issubclass(parent, BaseModel) and loc:
        field = parent.model_fields.get(loc[-1])
        if field is not None and field.description:
            return field.description.rstrip(".")
    return ""


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
    # imported here: sim.parameters imports this module
    from sim.parameters import UnknownPath, locate, path_bounds

    problems: list[tuple[str, str]] = []
    actors, issues = list(s.actors), list(s.issues)
    known_actors = f"(known: {', '.join(actors)})"
    roles = [a.role for a in s.actors.values()]
    mediators = [aid for aid, a in s.actors.items() if a.role == "mediator"]
    if len(mediators) != 1:
        found = f"found {len(mediators)}" + (f": {', '.join(mediators)}" if mediators else "")
        problems.append(("actors", f"need exactly one actor with role = 'mediator' ({found})"))
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
                problems.append(
                    (f"actors.{aid}.stances", f"no stance on issue '{k}' (every actor needs one)")
                )
        for other in actor.ties:
            if other not in s.actors:
                problems.append(
                    (f"actors.{aid}.ties.{other}", f"unknown actor '{other}' {known_actors}")
                )
            elif other == aid:
                problems.append((f"actors.{aid}.ties.{other}", "an actor cannot be tied to itself"))
        for i, other in enumerate(actor.accepts_only_with):
            where = f"actors.{aid}.accepts_only_with[{i}]"
            if other in actor.accepts_only_with[:i]:
                problems.append((where, f"'{other}' is listed twice"))
            elif other not in s.actors:
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
            for path, value in getattr(event, op).items():
                where = f'events.{eid}.{op}."{path}"'  # TOML spelling of a dotted key
                try:
                    location = locate(s, path)
                except UnknownPath as err:
                    problems.append((where, str(err)))
                    continue
                if location.array.startswith("spread:"):
                    problems.append((where, "an event cannot change a spread (it is drawn once)"))
                    continue
                lo, hi = path_bounds(s, path)
                if op == "set" and not lo <= value <= hi:
                    op_, bound = (">=", lo) if value < lo else ("<=", hi)
                    problems.append((where, f"must be {op_} {shown(bound)} (got {shown(value)})"))
    return problems


def _date_problems(where: str, date: dt.date, start: dt.date) -> list[tuple[str, str]]:
    if date < start:
        return [(where, f"date {date} is before the start date {start}")]
    return []

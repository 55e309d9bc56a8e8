"""Reading scenario files: TOML -> validated :class:`~sim.schema.Scenario`, or clear errors.

Every error is one line of the form ``FILE: dotted.path: what is wrong (got VALUE)`` so that
a user can find the field in the file without reading a traceback.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import math
import re
import tomllib
import typing
from pathlib import Path
from typing import Any

import pydantic
from pydantic import BaseModel

from sim.schema import ID_RULE, Scenario, number_text

SCENARIO_DIR = Path(__file__).resolve().parent.parent / "scenarios"
DEFAULT_SCENARIO = SCENARIO_DIR / "march-2025.toml"


class ScenarioError(ValueError):
    """A scenario (or sweep) file is malformed. ``lines`` holds one message per problem.

    Lines echo what the file contains (ids, paths, text), so control characters are
    escaped here: an ESC or OSC sequence in a file must not reach the terminal, and a
    newline in an id must not split an error over two lines.
    """

    def __init__(self, lines: list[str]):
        self.lines = [printable(line) for line in lines]
        super().__init__("\n".join(self.lines))


_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` with control characters (C0, DEL, C1, line separators, bidirectional
    overrides) spelled as escapes (``\\x1b``, ``\\u202e``), so it prints as one line."""
    return _UNPRINTABLE.sub(
        lambda m: f"\\x{ord(m[0]):02x}" if ord(m[0]) < 0x100 else f"\\u{ord(m[0]):04x}", text
    )


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
    data = parse_toml(text, str(path))
    kind = file_kind(data)
    if kind == "sweep":
        raise ScenarioError([f"{path}: this is a sweep file; use ceasefire sweep"])
    if kind is None:
        raise ScenarioError(
            [f"{path}: not a scenario file (it has no [scenario], [issues] or [actors] table)"]
        )
    return parse_scenario(data, str(path)), text


def file_kind(data: dict[str, Any]) -> str | None:
    """``"scenario"``, ``"sweep"`` or None, from the top-level tables of parsed TOML.

    A file with any scenario table is a scenario (so that a scenario missing its
    ``[scenario]`` table still gets field-by-field errors); one with ``[sweep]`` and no
    scenario table is a sweep file; anything else is neither, and is not echoed.
    """
    if any(key in data for key in ("scenario", "issues", "actors")):
        return "scenario"
    return "sweep" if "sweep" in data else None


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


MAX_DIGITS = 4300  # Python's limit on converting decimal text to int (sys.int_info)


def parse_toml(text: str, label: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ScenarioError([f"{label}: {toml_error_message(err, text)}"]) from None
    except RecursionError:  # arrays or inline tables nested thousands deep
        raise ScenarioError(
            [f"{label}: TOML nesting too deep (arrays or inline tables inside each other)"]
        ) from None
    except ValueError:  # an integer longer than Python converts
        long = re.search(rf"\d{{{MAX_DIGITS},}}", text)
        where = f"line {text.count(chr(10), 0, long.start()) + 1}: " if long else ""
        raise ScenarioError(
            [f"{label}: {where}number too long (more than {MAX_DIGITS:,} digits)"]
        ) from None


_TOML_AT = re.compile(r"^(?P<msg>.*) \(at line (?P<line>\d+), column (?P<col>\d+)\)$", re.S)
_TOML_KEY = re.compile(r"\(((?:'[^']*'(?:, )?)+),?\)")


def toml_error_message(err: tomllib.TOMLDecodeError, text: str) -> str:
    """``line N, column C: TOML syntax error: ... (line reads: ...)``.

    tomllib puts the position at the end of its message and spells table names as Python
    tuples; a user looks for the line first, and writes ``actors.russia``. A table or key
    declared twice (two actors with the same id) is a TOML error of this kind.
    """
    raw = str(err)
    if not looks_like_ours(text):
        at = _TOML_AT.match(raw)
        where = f"line {at['line']}, column {at['col']}: " if at else ""
        return f"{where}not valid TOML, and not a scenario or sweep file (no [scenario] table)"
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


def looks_like_ours(text: str) -> bool:
    """Whether the text has a table of a scenario or sweep file: only then does a syntax
    error quote the offending line or its keys. Any other file (``/etc/shadow`` or
    ``/proc/self/environ`` named as a sweep's base) must never have its content printed."""
    tables = r"scenario|sweep|issues|actors|negotiation|implementation|outcomes"
    return re.search(rf"^\s*\[\s*({tables})\b", text, re.M) is not None


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
        loc = [f"[{p}]" if isinstance(p, int) else str(p) for p in e["loc"]]
        kind = e["type"]
        if loc and loc[-1] == "[key]":  # a dict key outside its allowed set (threat spread)
            loc = loc[:-1]
            kind = "bad_id" if kind == "string_pattern_mismatch" else "unknown_key"
        if kind == "bad_id":  # name the table, not the id that cannot be spelled as a key
            where, msg = dotted(loc[:-1]), f"id {shown(loc[-1])} is not allowed: an id is {ID_RULE}"
        else:
            where, msg = dotted(loc), error_message(e, kind, root, loc)
        lines.append(f"{where}: {msg}")
    return lines


def error_message(e: Any, kind: str, root: type[BaseModel] | None, loc: list[str]) -> str:
    """One pydantic error as ``what is wrong (got X)``, in the house wording (the command
    line's option errors use it too, with no ``root``)."""
    got = shown(e.get("input"))
    ctx = e.get("ctx") or {}
    if kind in _BOUNDS:
        op, key = _BOUNDS[kind]
        return f"must be {op} {shown(ctx[key], bound=True)} (got {got})"
    if kind == "missing":
        about = _description(root, loc) if root else ""
        return "required field is missing" + (f" ({about})" if about else "")
    if kind == "extra_forbidden":
        return unknown_name_message(loc[-1], _allowed_fields(root, loc[:-1]), "field")
    if kind == "unknown_key":
        allowed = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        return unknown_name_message(loc[-1], allowed, "field")
    if kind == "string_pattern_mismatch":
        return f"must be an id: {ID_RULE} (got {got})"
    if kind == "string_too_long":
        n = len(e.get("input") or "")
        return f"must be at most {ctx['max_length']:,} characters (got {n:,} characters)"
    if kind == "float_type" and type(e.get("input")) is int:  # an int beyond a float
        return f"must be a finite number (got {got})"
    if kind == "finite_number":
        return f"must be a finite number (got {got})"
    if kind == "literal_error":
        return f"must be one of {ctx.get('expected')} (got {got})"
    if kind in _TYPES:
        return f"must be {_TYPES[kind]} (got {got})"
    if kind.startswith("date") or kind.startswith("datetime"):
        return f"must be a date like 2025-03-11 (got {got})"
    if kind == "value_error":  # our validators; a field's own value is worth showing
        msg = str(ctx.get("error", e["msg"]))
        return msg if isinstance(e.get("input"), dict) else f"{msg} (got {got})"
    # pydantic's own phrase, in the house style
    return re.sub(r"^Input should be", "must be", e["msg"]) + f" (got {got})"


_BARE_KEY = re.compile(r"[A-Za-z0-9_-]{1,60}")


def dotted(loc: list[str]) -> str:
    """``actors.russia.reservation``; a part that is not a bare TOML key is quoted as TOML
    writes it (``issues."terr.itory"``), so the path is unambiguous and stays on one line."""
    text = ""
    for p in loc:
        if re.fullmatch(r"\[\d+\]", p):  # a list index
            text += p
        else:
            text += ("." if text else "") + (p if _BARE_KEY.fullmatch(p) else shown(p))
    return text or "(top level)"


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


def shown(value: Any, bound: bool = False) -> str:
    """A value as it would be written in a TOML file, shortened to stay on one line.

    A float keeps its TOML spelling (``60.0``, ``nan``), so ``rounds = 60.0`` is shown as
    written; ``bound=True`` drops a trailing ``.0`` for the limits in ``must be >= 0``.
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if bound and isinstance(value, str):  # pydantic gives date limits as their repr
        ymd = re.fullmatch(r"datetime\.date\((\d+), (\d+), (\d+)\)", value)
        return dt.date(*map(int, ymd.groups())).isoformat() if ymd else value
    if isinstance(value, float):
        if bound:
            return number_text(value)
        return repr(value) if math.isfinite(value) else str(value)  # inf, -inf, nan
    if isinstance(value, int):
        text = str(value)
        return text if len(text) <= 60 else f"{text[:20]}... ({len(text):,} digits)"
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, str):
        return _toml_string(value if len(value) <= 60 else value[:57] + "...")
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list | tuple):
        text = "[" + ", ".join(shown(v) for v in value[:10]) + "]"
        return text if len(text) <= 60 else text[:56] + "...]"
    return printable(repr(value))[:60]


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


def cross_check(s: Scenario, events: bool = True) -> list[tuple[str, str]]:
    """Problems that span fields: unknown ids, missing stances, dates out of order, and
    (``events``) what the dated events would make of the scenario."""
    # imported here: sim.parameters imports this module
    from sim.parameters import UnknownPath, locate

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

    if not events:
        return problems
    for eid, event in s.events.items():
        problems += _date_problems(f"events.{eid}.date", event.date, start)
        for op in ("set", "shift"):
            for path in getattr(event, op):
                where = _event_field(eid, op, path)
                try:
                    location = locate(s, path)
                except UnknownPath as err:
                    problems.append((where, str(err)))
                    continue
                if location.array.startswith("spread:"):
                    problems.append((where, "an event cannot change a spread (it is drawn once)"))
    return problems or event_problems(s)


def _event_field(eid: str, op: str, path: str) -> str:
    return f"events.{eid}.{op}.{shown(path)}"  # TOML spelling of a dotted key


def event_problems(s: Scenario) -> list[tuple[str, str]]:
    """Apply the events in the order the engine does (by date, then file order; within an
    event ``set`` before ``shift``) to a copy of the scenario, and check every state it
    passes through against the same bounds and cross-field rules as the file itself.

    The first event that leads to an invalid scenario is reported; a problem at a path the
    event changes is reported at that change, any other (all saliences 0, ``partial_min``
    above ``comprehensive_min``, a position past its red line) at the event.
    """
    data = s.model_dump(mode="python", exclude_none=True)
    for eid, event in sorted(s.events.items(), key=lambda item: item[1].date):
        changed: dict[str, tuple[str, str]] = {}  # path -> (field, shift)
        for op in ("set", "shift"):
            for path, value in getattr(event, op).items():
                *parents, leaf = path.split(".")
                node = data
                for part in parents:
                    node = node.setdefault(part, {})
                old = node.get(leaf, 1.0 if leaf == "never_above" else 0.0)
                new = value if op == "set" else old + value
                if schema_node(Scenario, path.split(".")) is int and float(new).is_integer():
                    new = int(new)
                node[leaf] = new
                changed[path] = (
                    _event_field(eid, op, path),
                    f"{shown(old)} {'+' if value >= 0 else '-'} {shown(abs(value))}"
                    if op == "shift"
                    else "",
                )
        try:
            state = Scenario.model_validate(data)
        except pydantic.ValidationError as err:
            lines = format_validation_error(err, Scenario)
        else:
            lines = [f"{where}: {what}" for where, what in cross_check(state, events=False)]
        if lines:
            return [_at_change(line, eid, changed) for line in lines]
    return []


def _at_change(line: str, eid: str, changed: dict[str, tuple[str, str]]) -> tuple[str, str]:
    where, what = line.split(": ", 1)
    if where in changed:
        field, shift = changed[where]
        if shift:
            what = re.sub(r"\(got ([^()]*)\)$", rf"(got \1 = {shift} after this shift)", what)
        return field, what
    return f"events.{eid}", f"after this event, {where}: {what}"


def _date_problems(where: str, date: dt.date, start: dt.date) -> list[tuple[str, str]]:
    if date < start:
        return [(where, f"date {date} is before the start date {start}")]
    return []

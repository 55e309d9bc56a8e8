"""Scenario and sweep files' errors: one line per problem, ``dotted.path: what (got X)``.

Values are shown as they are spelled in TOML, unknown names with the allowed ones and the
closest match, so a user can fix the file from the line alone. Scenario loading, the cross
checks and the sweep schema all format their messages here.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import math
import re
from typing import Any

import pydantic
from pydantic import BaseModel

from sim.scenario.base import ID_RULE, number_text
from sim.scenario.paths import schema_node


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


def validated[M: BaseModel](model: type[M], data: dict[str, Any], label: str) -> M:
    """``model`` validated from parsed TOML, or :class:`ScenarioError` with one line per
    problem, each prefixed by ``label`` (the file). Scenario and sweep files share it."""
    try:
        return model.model_validate(data)
    except pydantic.ValidationError as err:
        raise ScenarioError(
            [f"{label}: {line}" for line in format_validation_error(err, model)]
        ) from None


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


def _allowed_fields(root: type[BaseModel], loc: list[str]) -> list[str]:
    node = schema_node(root, loc)
    if isinstance(node, type) and issubclass(node, BaseModel):
        return list(node.model_fields)
    return []

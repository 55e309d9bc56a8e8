"""Scenario and sweep files' errors: one line per problem, ``dotted.path: what (got X)``.

Values are shown as they are spelled in TOML, unknown names with the allowed ones and the
closest match, so a user can fix the file from the line alone. Scenario loading, the cross
checks and the sweep schema all format their messages here.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
from typing import Any

import pydantic
from pydantic import BaseModel

from sim.scenario.paths import schema_node
from sim.scenario.schema import number_text


class ScenarioError(ValueError):
    """A scenario (or sweep) file is malformed. ``lines`` holds one message per problem."""

    def __init__(self, lines: list[str]):
        self.lines = lines
        super().__init__("\n".join(lines))


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


def _allowed_fields(root: type[BaseModel], loc: list[str]) -> list[str]:
    node = schema_node(root, loc)
    if isinstance(node, type) and issubclass(node, BaseModel):
        return list(node.model_fields)
    return []

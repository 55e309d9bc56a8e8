"""Reading scenario files: TOML -> a validated :class:`~sim.scenario.schema.Scenario`.

Every error is one line of the form ``FILE: dotted.path: what is wrong (got VALUE)`` so that
a user can find the field in the file without reading a traceback.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from sim.scenario.checks import cross_check
from sim.scenario.errors import ScenarioError, validated
from sim.scenario.schema import Scenario

SCENARIO_DIR = Path(__file__).resolve().parents[2] / "scenarios"
DEFAULT_SCENARIO = SCENARIO_DIR / "march-2025.toml"


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
    return parse_scenario(parse_toml(text, str(path)), str(path)), text


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

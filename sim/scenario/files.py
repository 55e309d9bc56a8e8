"""Reading TOML input files (scenarios, sweeps, source digests) with one-line errors.

Shared by :mod:`sim.scenario.load` and :mod:`sim.scenario.sources`, which checks a
scenario's citations while it is loaded, so neither has to import the other.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from sim.scenario.errors import ScenarioError

MAX_FILE_BYTES = 1 << 20  # input files are hand-written: the largest shipped is ~30 kB


def read_text(path: Path) -> str:
    """The file's text as stored (no newline translation), or a one-line ScenarioError.

    A file over :data:`MAX_FILE_BYTES` is refused before it is parsed: tomllib reads a long
    string at about 2 MB/s, so a 10 MB name would hold `validate` for most of a minute."""
    label = str(path)
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            raise ScenarioError(
                [f"{label}: file too large (more than {MAX_FILE_BYTES // 1024:,} KiB)"]
            )
        return data.decode("utf-8")
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

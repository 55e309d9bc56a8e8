"""Reading scenario files: TOML -> a validated :class:`~sim.scenario.schema.Scenario`.

Every error is one line of the form ``FILE: dotted.path: what is wrong (got VALUE)`` so that
a user can find the field in the file without reading a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sim.scenario.checks import cross_check
from sim.scenario.errors import ScenarioError, validated
from sim.scenario.files import parse_toml, read_text
from sim.scenario.schema import Scenario
from sim.scenario.sources import check_citations

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
    data = parse_toml(text, str(path))
    kind = file_kind(data)
    if kind in ("sweep", "calibration"):
        command = "sweep" if kind == "sweep" else "calibrate"
        raise ScenarioError([f"{path}: this is a {kind} file; use ceasefire {command}"])
    if kind is None:
        raise ScenarioError(
            [f"{path}: not a scenario file (it has no [scenario], [issues] or [actors] table)"]
        )
    scenario = parse_scenario(data, str(path))
    check_citations(scenario, path)  # every cited paragraph is in the source's digest
    return scenario, text


def file_kind(data: dict[str, Any]) -> str | None:
    """``"scenario"``, ``"sweep"``, ``"calibration"`` or None, from the top-level tables.

    A file with any scenario table is a scenario (so that a scenario missing its
    ``[scenario]`` table still gets field-by-field errors); one with ``[sweep]`` and no
    scenario table is a sweep file, one with ``[calibration]`` a calibration file; anything
    else is none of them, and is not echoed.
    """
    if any(key in data for key in ("scenario", "issues", "actors")):
        return "scenario"
    if "sweep" in data:
        return "sweep"
    return "calibration" if "calibration" in data else None


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

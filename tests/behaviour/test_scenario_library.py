"""Every scenario shipped in scenarios/ validates and runs end to end through the command."""

from __future__ import annotations

import difflib
import json
import tomllib

import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.scenario.load import DEFAULT_SCENARIO, SCENARIO_DIR

SHIPPED = sorted(SCENARIO_DIR.glob("*.toml"))
VARIANTS = [p for p in SHIPPED if p != DEFAULT_SCENARIO]
LIBRARY = {
    "black-sea-linkage",
    "kursk-collapse",
    "stalemate",
    "credible-sanctions",
    "european-guarantees",
    "kursk-lost",
    "energy-truce-track",
    "nash-mediator",
}


def test_the_library_is_shipped():
    assert {p.stem for p in VARIANTS} >= LIBRARY


def test_every_shipped_scenario_validates():
    result = CliRunner().invoke(app, ["validate", *map(str, SHIPPED)])
    assert result.exit_code == 0, result.output
    assert result.output.count("OK: ") == len(SHIPPED)


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_every_shipped_scenario_runs_end_to_end(path, tmp_path):
    out = tmp_path / "run"
    result = CliRunner().invoke(
        app, ["run", str(path), "-n", "20", "--seed", "5", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["replicates"] == 20
    assert (out / "scenario.toml").read_text() == path.read_text()
    assert len(list((out / "charts").glob("*.png"))) >= 5


def body(text: str) -> list[str]:
    """The lines after the [scenario] name and description (the header is free text)."""
    lines = text.splitlines()
    return lines[next(i for i, line in enumerate(lines) if line.startswith("start_date")) :]


def unmarked_changes(default: str, variant: str) -> list[str]:
    """Changed or added lines of a variant that set a value without a '# CHANGED' note.

    A hunk that opens with a '# CHANGED' comment line (a new table) is marked as a whole;
    otherwise each line that sets a value must carry the note. Comments, blank lines and
    the evidence/assumption text that goes with a change need none.
    """
    old, new = body(default), body(variant)
    unmarked = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, _, _, j1, j2 in matcher.get_opcodes():
        hunk = [line for line in new[j1:j2] if line.strip()]
        if tag == "equal" or not hunk or hunk[0].startswith("# CHANGED"):
            continue
        for line in hunk:
            if line.lstrip().startswith(("#", "evidence", "assumption")):
                continue
            if "# CHANGED" not in line:
                unmarked.append(line)
    return unmarked


@pytest.mark.parametrize("path", VARIANTS, ids=[p.stem for p in VARIANTS])
def test_every_variant_marks_each_change(path):
    """A variant opens with what it changes and why, and marks every changed value."""
    text, default = path.read_text(), DEFAULT_SCENARIO.read_text()
    assert text.startswith("# Variant of march-2025.toml: ")
    assert tomllib.loads(text) != tomllib.loads(default)
    assert "# CHANGED" in text
    assert unmarked_changes(default, text) == []


def test_an_unmarked_change_is_caught():
    default = DEFAULT_SCENARIO.read_text()
    line = "drift = 0.0003              # about a tenth of the oblast a year, the pace of 2024"
    assert line in default
    sneaky = default.replace(line, "drift = 0.001")
    assert unmarked_changes(default, sneaky) == ["drift = 0.001"]

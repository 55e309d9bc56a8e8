"""`ceasefire import ktab`: KTAB's example cases round-trip (import -> scenario -> the same
actors, influences, positions and saliences), the shipped classic files are what the import
writes, and the file it writes is never one it did not write."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.importers.ktab import capability_exponent, ktab_rows, read_ktab, scenario_text
from sim.scenario.load import SCENARIO_DIR, load_scenario
from tests.unit.importers.ktab_cases import CASES, ktab_csv

CLASSIC = {
    "dummyData_3Dim": SCENARIO_DIR / "classic" / "ktab-dummydata-3dim.toml",
    "SOE-Pol-Comp": SCENARIO_DIR / "classic" / "ktab-soe-pol-comp.toml",
}


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def write_case(tmp_path, stem):
    case = CASES[stem]
    path = tmp_path / case["file"]
    path.write_text(ktab_csv(case), encoding="utf-8")
    return case, path


@pytest.mark.parametrize("stem", list(CASES))
def test_import_round_trips_the_example_file(tmp_path, stem):
    case, csv_path = write_case(tmp_path, stem)
    out = tmp_path / "case.toml"
    result = run("import", "ktab", str(csv_path), "--out", str(out))
    assert result.exit_code == 0, result.output
    s = load_scenario(out)
    text = out.read_text(encoding="utf-8")
    rows = ktab_rows(s, capability_exponent(text))
    assert len(rows) == len(case["actors"])
    for (name, influence, pos, sal), (code, desc, want, stances) in zip(
        rows, case["actors"], strict=True
    ):
        assert name == f"{desc} ({code})"
        assert influence == pytest.approx(want, rel=1e-12)
        assert pos == pytest.approx([p for p, _ in stances], abs=1e-9)
        assert sal == pytest.approx([x for _, x in stances], abs=1e-12)
    assert [i.label for i in s.issues.values()] == [p for p, _ in case["dimensions"]]
    assert s.scenario.name == case["scenario"]
    assert {a.role for a in s.actors.values()} == {"party"}  # KTAB has no mediator
    assert s.scenario.salience == "absolute" and not s.implementation.phase


@pytest.mark.parametrize("stem", list(CASES))
def test_the_shipped_classic_file_is_what_the_import_writes(tmp_path, stem):
    _, csv_path = write_case(tmp_path, stem)
    assert CLASSIC[stem].read_text(encoding="utf-8") == scenario_text(
        read_ktab(csv_path), csv_path.name
    )


def test_influences_above_100_are_scaled_by_a_power_of_ten_that_the_file_records(tmp_path):
    _, csv_path = write_case(tmp_path, "dummyData_3Dim")  # powers up to 129.643
    text = scenario_text(read_ktab(csv_path), csv_path.name)
    assert capability_exponent(text) == 1
    assert "capability = 12.9643" in text


def test_an_import_never_overwrites_a_file_it_did_not_write(tmp_path):
    _, csv_path = write_case(tmp_path, "SOE-Pol-Comp")
    mine = tmp_path / "mine.toml"
    mine.write_text("# my own scenario\n", encoding="utf-8")
    result = run("import", "ktab", str(csv_path), "--out", str(mine))
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"error: {mine}: exists and was not written by ceasefire import; not overwritten "
        "(move it away or choose another --out)"
    )
    assert mine.read_text(encoding="utf-8") == "# my own scenario\n"


def test_a_second_import_needs_replace(tmp_path):
    _, csv_path = write_case(tmp_path, "SOE-Pol-Comp")
    assert run("import", "ktab", str(csv_path)).exit_code == 0
    out = csv_path.with_suffix(".toml")
    first = out.read_text(encoding="utf-8")
    again = run("import", "ktab", str(csv_path))
    assert again.exit_code == 2
    assert "exists (an earlier import); pass --replace to overwrite it" in again.stderr
    assert run("import", "ktab", str(csv_path), "--replace").exit_code == 0
    assert out.read_text(encoding="utf-8") == first
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary left


@pytest.mark.parametrize(
    ("edit", "line"),
    [
        (
            lambda t: t.replace(",13,2,", ",14,2,", 1),
            "line 1, nActors: says 14 actors but the file has 13 actor lines",
        ),
        (
            lambda t: t.replace(" 100.000", " -3", 1),
            'line 3, Influence: must be a number from 0 to 1e+09 (got "-3")',
        ),
        (
            lambda t: t.replace("  30.00, 24.00", " 130.00, 24.00", 1),
            'line 3, Policy Position: must be a number from 0 to 100 (got "130.00")',
        ),
        (
            lambda t: t.replace(" 24.00", " abc", 1),
            'line 3, Policy Salience: must be a number from 0 to 100 (got "abc")',
        ),
        (
            lambda t: t.replace(
                "  30.00, 24.00,  20.00, 48.00", "  30.00, 54.00,  20.00, 48.00", 1
            ),
            "line 3: saliences must sum to <= 100 (got 102)",
        ),
    ],
    ids=["count", "influence", "position", "salience-text", "salience-sum"],
)
def test_a_malformed_ktab_file_is_one_line_naming_file_line_column_and_range(tmp_path, edit, line):
    case, csv_path = write_case(tmp_path, "SOE-Pol-Comp")
    csv_path.write_text(edit(csv_path.read_text(encoding="utf-8")), encoding="utf-8")
    result = run("import", "ktab", str(csv_path))
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [f"error: {csv_path}: {line}"]
    assert not csv_path.with_suffix(".toml").exists()

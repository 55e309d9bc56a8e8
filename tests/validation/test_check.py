"""`ceasefire check`: exit codes, one-line errors of the patterns file, the same table for any
number of workers, the report section, and the real quick suite's exit code.

Small patterns files are written here (one generic scenario, a few replicates), so only the
last test runs the real suite.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.validation.patterns import PATTERNS_FILE
from sim.validation.suite import prepare, run_suite, stored

# Both run 20 days of one generic scenario in quick mode (two in the full suite). A share
# always lies in [0, 1], so `overlaps [0, 1]` passes whenever anything was counted,
# and `within [2, 3]` can never pass: the two rules the exit code must tell apart.
PASSING = """
[patterns.always]
name = "Always passes"
claim = "A share lies in [0, 1]."
source = "test fixture"
generator = "generic"
statistic = "share"
event = "first_deal_partial"
arms.x = { label = "20 days", changes = { "scenario.end_date" = "2024-06-20" } }
pass = { overlaps = [0.0, 1.0] }
scenarios = { full = 2, quick = 1 }
replicates = { full = 8, quick = 8 }
"""
FAILING = """
[patterns.never]
name = "Never passes"
claim = "A share above 2 (impossible)."
source = "test fixture"
generator = "generic"
statistic = "share_difference"
event = "deal_by_horizon"
arms.a = { label = "as drawn", changes = { "scenario.end_date" = "2024-06-20" } }
pass = { within = [2.0, 3.0] }
scenarios = { full = 2, quick = 1 }
replicates = { full = 8, quick = 8 }

[patterns.never.arms.b]
label = "tripled intensity"
changes = { "scenario.end_date" = "2024-06-20", "fronts.east.intensity" = 3.0 }
"""


def patterns_file(tmp_path, *blocks: str, name: str = "patterns.toml"):
    path = tmp_path / name
    path.write_text("[suite]\nseed = 7\n" + "".join(blocks), encoding="utf-8")
    return path


def check(*args: str):
    return CliRunner().invoke(app, ["check", *args])


def test_exit_code_is_0_only_if_every_quick_pattern_passes(tmp_path):
    both = patterns_file(tmp_path, PASSING, FAILING)
    result = check("--quick", "--patterns", str(both), "-w", "1", "--out", str(tmp_path / "a"))
    assert result.exit_code == 1, result.output
    assert "Never passes" in result.output and "FAIL" in result.output  # reported, not hidden
    rows = json.loads((tmp_path / "a" / "check.json").read_text())["rows"]
    assert [r["result"] for r in rows] == ["pass", "fail"]
    alone = patterns_file(tmp_path, PASSING, name="pass.toml")
    result = check("--quick", "--patterns", str(alone), "-w", "1", "--out", str(tmp_path / "b"))
    assert result.exit_code == 0, result.output
    # a failing pattern left out of --quick does not count there, and counts in the full suite
    skip = FAILING.replace("[patterns.never]\n", "[patterns.never]\nquick = false\n")
    mixed = patterns_file(tmp_path, PASSING, skip, name="mixed.toml")
    assert (
        check(
            "--quick", "--patterns", str(mixed), "-w", "1", "--out", str(tmp_path / "c")
        ).exit_code
        == 0
    )
    assert len(prepare(mixed, "full").patterns) == 2


@pytest.mark.parametrize(
    "change, field",
    [
        (('statistic = "share"', 'statistic = "mode"'), "patterns.always.statistic"),
        (('generator = "generic"', 'generator = "ukraine"'), "patterns.always.generator"),
        (("overlaps = [0.0, 1.0]", "overlaps = [1.0, 0.0]"), "patterns.always.pass.overlaps"),
        (("overlaps = [0.0, 1.0]", 'overlaps = "wide"'), "patterns.always.pass.overlaps"),
        (("overlaps = [0.0, 1.0]", "around = 0.5"), "patterns.always.pass"),
        (("quick = 1 }", "quick = 0 }"), "patterns.always.scenarios.quick"),
        (('event = "first_deal_partial"', 'event = "peace"'), "patterns.always.event"),
    ],
)
def test_patterns_file_errors_are_one_line(tmp_path, change, field):
    path = patterns_file(tmp_path, PASSING.replace(*change))
    result = check("--quick", "--patterns", str(path), "--out", str(tmp_path / "x"))
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and field in lines[0], lines
    assert str(path) in lines[0]
    assert not (tmp_path / "x").exists()


def test_a_bad_arm_change_is_one_line_before_anything_runs(tmp_path):
    bad = FAILING.replace('"fronts.east.intensity" = 3.0', '"fronts.east.intensity" = -1.0')
    result = check("--patterns", str(patterns_file(tmp_path, bad)), "--out", str(tmp_path / "x"))
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "patterns.never.arms.b.changes" in lines[0], lines


def test_an_arm_without_an_unknown_actor_is_one_line_before_anything_runs(tmp_path):
    bad = FAILING.replace(
        'arms.a = { label = "as drawn", ', 'arms.a = { label = "as drawn", without = ["nobody"], '
    )
    assert bad != FAILING
    result = check("--patterns", str(patterns_file(tmp_path, bad)), "--out", str(tmp_path / "x"))
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "patterns.never.arms.a.without: no actor 'nobody'" in lines[0], lines


def test_the_table_is_the_same_for_one_and_two_workers(tmp_path):
    prepared = prepare(patterns_file(tmp_path, PASSING, FAILING), "quick")
    assert len(prepared.units) == 3  # more units than workers: they finish in any order
    one = stored(run_suite(prepared, workers=1))
    two = stored(run_suite(prepared, workers=2))
    assert json.dumps(one) == json.dumps(two)
    assert one["rows"][0]["n"] > 0  # something was counted


def test_the_report_renders_the_check_section(tmp_path):
    out = tmp_path / "check"
    path = patterns_file(tmp_path, PASSING, FAILING)
    assert check("--quick", "--patterns", str(path), "-w", "1", "--out", str(out)).exit_code == 1
    result = CliRunner().invoke(app, ["report", str(out)])
    assert result.exit_code == 0, result.output
    page = (out / "report.html").read_text()
    assert "Validation: patterns" in page
    assert "Always passes" in page and "Never passes" in page and "FAIL" in page
    assert "1 of 2 patterns fail: Never passes." in page
    # the directory is the tool's: --replace takes it (report included), no --replace refuses
    again = ["--quick", "--patterns", str(path), "-w", "1", "--out", str(out)]
    assert check(*again).exit_code == 2
    assert check(*again, "--replace").exit_code == 1


def test_the_findings_table_is_written_between_its_markers(tmp_path):
    findings = tmp_path / "findings.md"
    findings.write_text("# Findings\n\nkept\n", encoding="utf-8")
    path = patterns_file(tmp_path, PASSING)
    for out in ("a", "b"):  # twice: the second replaces the first, nothing is appended twice
        args = ["--quick", "--patterns", str(path), "-w", "1", "--out", str(tmp_path / out)]
        assert check(*args, "--write-findings", str(findings)).exit_code == 0
    text = findings.read_text()
    assert text.startswith("# Findings\n\nkept\n")
    assert text.count("<!-- check:start -->") == 1 and text.count("## Validation: patterns") == 1
    assert "| Always passes |" in text


def test_the_real_quick_suite_exits_0_if_and_only_if_every_row_passes(tmp_path):
    out = tmp_path / "quick"
    result = check("--quick", "--out", str(out), "-w", "2")
    assert result.exit_code in (0, 1), result.output
    rows = json.loads((out / "check.json").read_text())["rows"]
    assert rows and all(r["result"] in ("pass", "fail") for r in rows)
    assert (result.exit_code == 0) == all(r["result"] == "pass" for r in rows)
    assert len(rows) == len(prepare(PATTERNS_FILE, "quick").patterns)

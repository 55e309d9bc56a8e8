"""`ceasefire validate` and `ceasefire run` as a user runs them (issue 2, items 5 and 6).

Most calls go through the command's entry point in this process (tests/commands/inprocess.py:
the same stdout, stderr and exit code as the console command, without an interpreter's
start-up per call). The installed console command itself runs in a subprocess where a
process of its own is the point: `validate` and one full run with charts end to end, and
the killed and interrupted runs.

Bad input must give one `error: ...` line per problem on stderr, exit code 2, no traceback
and no output directory; a run directory appears whole or not at all, and an existing one
is never touched unless --replace is given.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import signal
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest

from sim import __version__
from sim.results.summary import headline
from sim.scenario.load import DEFAULT_SCENARIO
from tests.commands.inprocess import CEASEFIRE, ceasefire, console_script
from tests.support.malformed import CASES, DEFAULT_TEXT, matches
from tests.support.short import SHORT_TEXT

# the four issue 2 asks for, in model 2: outcomes, the deals over the calendar (was the
# positions by round), the outside options against the offers (was utility against the
# reservation values) and how long deals hold (was survival)
CHARTS = {"outcomes", "timeline", "outside_options", "durations"}
RUN_FILES = {
    "scenario.toml",
    "run.json",
    "summary.json",
    "outcomes.npz",
    "outcomes.csv",
    "agreements.npz",
    "agreements.csv",
    "series.npz",
    "series.csv",
    "responses.csv",
}


def start(*args) -> subprocess.Popen:
    return subprocess.Popen(
        [str(CEASEFIRE), *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def assert_clean_failure(proc: subprocess.CompletedProcess, expected: list[str] | None = None):
    """Exit code 2, every stderr line an `error: ` line, no traceback, nothing on stdout."""
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert lines and all(line.startswith("error: ") for line in lines), proc.stderr
    if expected is not None:
        assert lines == [f"error: {e}" for e in expected]


def snapshot(folder: Path) -> dict[str, tuple[int, str]]:
    """Every file under ``folder``: modification time and content hash."""
    return {
        str(p.relative_to(folder)): (
            p.stat().st_mtime_ns,
            hashlib.sha256(p.read_bytes()).hexdigest(),
        )
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def scenario_copy(folder: Path, name: str = "case.toml", text: str = SHORT_TEXT) -> Path:
    """The scenario the run tests run: the default on a 45-day calendar
    (tests/support/short.py), since files, messages and signals do not depend on the
    horizon."""
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# --- validate ------------------------------------------------------------------------------


def test_validate_ok():
    """The installed console command, in a process of its own."""
    proc = console_script("validate", DEFAULT_SCENARIO, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == f"OK: {DEFAULT_SCENARIO}\n"
    assert proc.stderr == ""


def test_validate_reports_every_malformed_case_and_exits_2(tmp_path):
    """One process checks the default file and all malformed copies: OK for the good one,
    exactly the expected error lines for each bad one, in order, exit code 2."""
    paths = [case.write(tmp_path) for case in CASES]
    proc = ceasefire("validate", DEFAULT_SCENARIO, *paths)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr + proc.stdout
    assert proc.stdout == f"OK: {DEFAULT_SCENARIO}\n"
    lines = proc.stderr.splitlines()
    assert all(line.startswith("error: ") for line in lines)
    lines = [line.removeprefix("error: ") for line in lines]
    for case, path in zip(CASES, paths, strict=True):
        expected = case.lines(str(path))
        got = [line for line in lines if line.startswith(f"{path}: ")]
        assert matches(got, expected), (case.id, got)
    assert len(lines) == sum(len(case.lines("x")) for case in CASES)


def test_validate_missing_file(tmp_path):
    missing = tmp_path / "nope.toml"
    assert_clean_failure(ceasefire("validate", missing), [f"{missing}: file not found"])


# --- run: bad input ------------------------------------------------------------------------


def test_run_on_every_malformed_file_fails_cleanly_and_writes_nothing(tmp_path):
    """Each case in its own folder: after the failed run the folder holds only the input."""

    def attempt(case):
        folder = tmp_path / case.id
        folder.mkdir()
        path = case.write(folder)
        out = folder / "out"
        proc = ceasefire("run", path, "-n", 20, "--no-charts", "--out", out)
        return case, path, folder, proc

    for case, path, folder, proc in map(attempt, CASES):
        assert proc.returncode == 2, (case.id, proc.stderr)
        assert "Traceback" not in proc.stderr + proc.stdout, case.id
        assert proc.stdout == "", case.id
        got = proc.stderr.splitlines()
        assert all(line.startswith("error: ") for line in got), case.id
        assert matches([line.removeprefix("error: ") for line in got], case.lines(str(path)))
        assert [p.name for p in folder.iterdir()] == [path.name], case.id


def test_run_missing_scenario(tmp_path):
    missing, out = tmp_path / "nope.toml", tmp_path / "out"
    assert_clean_failure(
        ceasefire("run", missing, "-n", 20, "--out", out), [f"{missing}: file not found"]
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--replicates", 0, "--replicates: must be >= 1 (got 0)"),
        ("-n", -5, "--replicates: must be >= 1 (got -5)"),
        ("-n", 10**8, "--replicates: must be <= 10_000_000 (got 100_000_000)"),
        ("--seed", -1, "--seed: must be >= 0 (got -1)"),
    ],
)
def test_run_option_out_of_range(tmp_path, option, value, message):
    out = tmp_path / "out"
    assert_clean_failure(ceasefire("run", option, value, "--out", out), [message])
    assert list(tmp_path.iterdir()) == []


def test_run_out_under_a_file(tmp_path):
    blocker = tmp_path / "results"
    blocker.write_text("not a folder")
    out = blocker / "run"
    assert_clean_failure(
        ceasefire("run", "-n", 20, "--no-charts", "--out", out),
        [f"{out}: cannot write the run directory ({blocker} is a file, not a directory)"],
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results"]


# --- run: what it writes -------------------------------------------------------------------


@pytest.fixture(scope="module")
def full_run(tmp_path_factory):
    """One run with charts, shared by the checks on its contents: the console command end
    to end, in a process of its own."""
    folder = tmp_path_factory.mktemp("full")
    scenario = scenario_copy(folder)
    out = folder / "run"
    proc = console_script("run", scenario, "-n", 20, "--seed", 7, "--out", out, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return scenario, out, proc


def test_run_writes_the_expected_files(full_run):
    _, out, _ = full_run
    names = {p.name for p in out.iterdir()}
    assert names == RUN_FILES | {"trajectories.npz", "charts", ".ceasefire"}
    charts = {p.stem for p in (out / "charts").iterdir()}
    assert charts >= CHARTS
    for png in (out / "charts").iterdir():
        assert png.suffix == ".png"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert [p.name for p in out.parent.iterdir() if p.name.startswith(".")] == []


def test_run_keeps_the_scenario_byte_for_byte_with_seed_and_version(full_run):
    scenario, out, _ = full_run
    data = scenario.read_bytes()
    assert (out / "scenario.toml").read_bytes() == data
    meta = json.loads((out / "run.json").read_text())
    assert meta["seed"] == 7
    assert meta["replicates"] == 20
    assert meta["version"] == __version__
    assert meta["scenario_sha256"] == hashlib.sha256(data).hexdigest()


def test_run_tables_have_one_row_per_replicate(full_run):
    _, out, _ = full_run
    with open(out / "outcomes.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [int(r["replicate"]) for r in rows] == list(range(20))
    summary = json.loads((out / "summary.json").read_text())
    assert summary["replicates"] == 20
    assert summary["deal"]["count"] == sum(r["first_deal_day"] != "" for r in rows)
    with np.load(out / "outcomes.npz") as z:
        assert all(len(z[k]) == 20 for k in z.files)
    with open(out / "agreements.csv", newline="") as fh:
        deals = list(csv.DictReader(fh))  # one row per deal, unilateral truces included
    assert len(deals) == summary["deals"] + summary["unilateral_truces"]
    assert {int(r["replicate"]) for r in deals} <= set(range(20))
    with np.load(out / "agreements.npz") as z:
        assert all(len(z[k]) == len(deals) for k in z.files)
    with np.load(out / "trajectories.npz") as z:
        assert z["control_all"].shape[1] == 20  # (day, replicate, front)
    with open(out / "series.csv", newline="") as fh:
        series = list(csv.DictReader(fh))
    assert {r["variable"] for r in series} == {
        "control", "decided", "belief_drift", "outside_option", "offer_value", "in_force",
        "agreed", "session", "broken_off", "deals_in_force",
    }  # fmt: skip
    assert series[0]["date"] == "2025-03-11"
    with open(out / "responses.csv", newline="") as fh:
        responses = list(csv.DictReader(fh))
    assert {r["actor"] for r in responses} == set(meta_parties(out))


def meta_parties(out: Path) -> list[str]:
    """The actors that answer packages at the table (model 2: the parties)."""
    meta = json.loads((out / "run.json").read_text())
    return [a for a, role in zip(meta["actor_ids"], meta["roles"], strict=True) if role == "party"]


def test_run_prints_the_summary_line(full_run):
    _, out, proc = full_run
    summary = json.loads((out / "summary.json").read_text())
    first, second = proc.stdout.splitlines()
    assert first == headline(summary)
    assert re.fullmatch(r"First deal within 30 days in \d+\.\d% of 20 runs, .*", first)
    assert second.startswith(f"Results in {out}/")
    assert proc.stderr == ""


def test_run_directory_gets_the_usual_permissions(full_run):
    """Not the owner-only mode of a temporary directory: others may read the results."""
    _, out, _ = full_run
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o777 & ~umask


def test_run_keeps_windows_line_endings(tmp_path):
    scenario = tmp_path / "crlf.toml"
    scenario.write_bytes(SHORT_TEXT.replace("\n", "\r\n").encode())
    out = tmp_path / "run"
    proc = ceasefire("run", scenario, "-n", 20, "--no-charts", "--out", out)
    assert proc.returncode == 0, proc.stderr
    assert (out / "scenario.toml").read_bytes() == scenario.read_bytes()
    assert {p.name for p in out.iterdir()} == RUN_FILES | {"trajectories.npz", ".ceasefire"}


# --- run: existing output ------------------------------------------------------------------


def test_run_refuses_an_existing_out_and_replace_overwrites(tmp_path):
    scenario, out = scenario_copy(tmp_path), tmp_path / "run"
    first = ceasefire("run", scenario, "-n", 20, "--seed", 1, "--no-charts", "--out", out)
    assert first.returncode == 0, first.stderr
    (out / "my-notes.txt").write_text("an analyst's notes")
    before = snapshot(out)

    again = ceasefire("run", scenario, "-n", 20, "--seed", 2, "--no-charts", "--out", out)
    assert_clean_failure(
        again, [f"{out}: already exists (use --replace to overwrite it, or --out)"]
    )
    assert snapshot(out) == before

    replace = ("run", scenario, "-n", 20, "--seed", 2, "--no-charts", "--out", out, "--replace")
    refused = ceasefire(*replace)  # the notes are not the tool's: never deleted
    assert_clean_failure(refused)
    assert "my-notes.txt, which ceasefire did not write" in refused.stderr
    assert snapshot(out) == before

    (out / "my-notes.txt").unlink()
    replaced = ceasefire(*replace)
    assert replaced.returncode == 0, replaced.stderr
    assert json.loads((out / "run.json").read_text())["seed"] == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case.toml", "run"]  # no .old-/.tmp-


def test_default_out_dir_never_reuses_an_existing_one(tmp_path):
    scenario_copy(tmp_path, "my-case.toml")
    (tmp_path / "runs" / "my-case").mkdir(parents=True)
    (tmp_path / "runs" / "my-case" / "keep.txt").write_text("earlier results")

    first = ceasefire("run", "my-case.toml", "-n", 20, "--no-charts", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines()[1].startswith("Results in runs/my-case-2/")
    second = ceasefire("run", "my-case.toml", "-n", 20, "--no-charts", cwd=tmp_path)
    assert second.returncode == 0, second.stderr

    runs = tmp_path / "runs"
    assert sorted(p.name for p in runs.iterdir()) == ["my-case", "my-case-2", "my-case-3"]
    assert [p.name for p in (runs / "my-case").iterdir()] == ["keep.txt"]
    for name in ("my-case-2", "my-case-3"):
        assert (runs / name / "scenario.toml").read_text() == SHORT_TEXT


# --- run: interrupted ----------------------------------------------------------------------

SLOW_RUN = ("-n", 3000)  # several seconds with charts: long enough to interrupt
# on the full calendar: writing the short one's files can end before the signal arrives


def wait_for_temp_dir(proc: subprocess.Popen, parent: Path, name: str) -> None:
    """Wait until the run has started writing (its hidden temporary directory exists)."""
    deadline = time.monotonic() + 60
    while not any(parent.glob(f".{name}.tmp-*")):
        assert proc.poll() is None, "the run ended before it started writing"
        assert time.monotonic() < deadline
        time.sleep(0.005)


def leftovers(parent: Path, keep: set[str]) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name not in keep)


def test_killed_while_simulating_leaves_no_out_dir(tmp_path):
    scenario, out = scenario_copy(tmp_path), tmp_path / "run"
    proc = start("run", scenario, *SLOW_RUN, "--out", out)
    time.sleep(0.5)
    assert proc.poll() is None, "the run ended before it could be killed"
    proc.kill()
    proc.communicate(timeout=30)
    assert not out.exists()
    assert leftovers(tmp_path, {"case.toml"}) in ([], [".run.lock"])  # the run's lock file


def test_killed_while_writing_leaves_no_out_dir(tmp_path):
    """SIGKILL cannot be cleaned up after; what may remain is the hidden temporary
    directory and lock file (which the next run to `run` removes, tests/test_data_safety.py),
    never a half-written `run`."""
    scenario, out = scenario_copy(tmp_path, text=DEFAULT_TEXT), tmp_path / "run"
    proc = start("run", scenario, *SLOW_RUN, "--out", out)
    wait_for_temp_dir(proc, tmp_path, "run")
    proc.kill()
    proc.communicate(timeout=30)
    assert not out.exists()
    for name in leftovers(tmp_path, {"case.toml"}):
        assert re.fullmatch(r"\.run\.(tmp-[^/]+|lock)", name)


def test_interrupted_while_writing_cleans_up_and_says_so(tmp_path):
    """Ctrl-C: the temporary directory is removed, one error line, exit code 130."""
    scenario, out = scenario_copy(tmp_path, text=DEFAULT_TEXT), tmp_path / "run"
    proc = start("run", scenario, *SLOW_RUN, "--out", out)
    wait_for_temp_dir(proc, tmp_path, "run")
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert stderr == f"error: interrupted; nothing was written to {out}\n"
    assert stdout == ""
    assert not out.exists()
    assert leftovers(tmp_path, {"case.toml"}) == []

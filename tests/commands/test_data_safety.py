"""Never lose a user's data (issue 10, "Data loss"): --replace replaces only what the tool
wrote, two writers never silently lose a run, report/plot/compare never overwrite a file
they did not write, interrupted and killed runs leave nothing that the next run does not
clean up, and a full disk or a read-only target is one line, exit code 2.

Each test is a reproducer from the issue, run as a user runs it: through the command's entry
point in this process (typer's CliRunner, tests/commands/inprocess.py), or as the console
command in processes of its own where that is the point (two writers at once, signals,
a killed run and the process id in its marker). The two writers and the sweeps use the
default scenario on a 45-day calendar (tests/support/short.py): what they check is the same
on any horizon; the runs signalled while writing keep the full calendar, whose files take
long enough to write.
"""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.results.claim import MARKER
from sim.sweep import store as sweep_store
from tests.commands.inprocess import CEASEFIRE, ceasefire, console_script
from tests.support.malformed import DEFAULT_TEXT
from tests.support.short import SHORT_TEXT
from tests.support.sweeps import tree, write_experiment

cli = CliRunner()


def start(*args, cwd=None) -> subprocess.Popen:
    return subprocess.Popen(
        [str(CEASEFIRE), *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=cwd,
    )


def invoke(*args):
    return cli.invoke(app, [str(a) for a in args])


def one_error(result, *fragments: str) -> str:
    """Exit code 2 and exactly one `error:` line on stderr holding every fragment."""
    stderr = result.stderr
    code = result.returncode if hasattr(result, "returncode") else result.exit_code
    assert code == 2, stderr
    assert "Traceback" not in stderr
    lines = stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


# --- --replace -----------------------------------------------------------------------------


def test_replace_refuses_a_folder_the_tool_did_not_write(tmp_path):
    """`mkdir d; echo work > d/thesis.tex; ceasefire run -n 20 --replace --out d`."""
    d = tmp_path / "d"
    d.mkdir()
    (d / "thesis.tex").write_text("work")
    result = invoke("run", "-n", 20, "--no-charts", "--replace", "--out", d)
    one_error(result, str(d), "--replace replaces only a directory `ceasefire run` wrote")
    assert tree(d) == {"thesis.tex": b"work"}


def test_replace_refuses_the_scenario_library_the_runs_folder_and_the_current_folder(
    tmp_path, made_run
):
    library = tmp_path / "scenarios"
    shutil.copytree(Path(__file__).parents[2] / "scenarios", library)
    runs = tmp_path / "runs"
    shutil.copytree(made_run, runs / "earlier")
    before = {p: tree(p) for p in (library, runs)}
    for target in (library, runs):
        one_error(invoke("run", "-n", 5, "--no-charts", "--out", target, "--replace"), str(target))
        assert tree(target) == before[target]
    # `--out .` inside a run directory the tool wrote: still refused, nothing left behind
    inside = tmp_path / "inside"
    shutil.copytree(made_run, inside)
    proc = ceasefire("run", "-n", 5, "--no-charts", "--out", ".", "--replace", cwd=inside)
    one_error(proc, "is the current directory")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["inside", "runs", "scenarios"]


def test_replace_refuses_a_run_directory_holding_a_foreign_file(tmp_path, made_run):
    out = tmp_path / "run"
    shutil.copytree(made_run, out)
    (out / "charts" / "my-slide.png").write_bytes(b"\x89PNG my own")
    before = tree(out)
    one_error(
        invoke("run", "-n", 5, "--no-charts", "--out", out, "--replace"),
        "charts/my-slide.png, which ceasefire did not write",
    )
    assert tree(out) == before


def test_replace_swaps_a_run_directory_atomically_and_leaves_nothing_beside_it(tmp_path, made_run):
    out = tmp_path / "run"
    shutil.copytree(made_run, out)
    assert invoke("report", out).exit_code == 0  # a report of ours may be replaced too
    result = invoke("run", "-n", 5, "--seed", 9, "--no-charts", "--out", out, "--replace")
    assert result.exit_code == 0, result.output
    assert json.loads((out / "run.json").read_text())["seed"] == 9
    assert not (out / "report.html").exists()
    assert json.loads((out / MARKER).read_text())["kind"] == "run"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]  # no .old-, .tmp-, .lock


def test_compare_replace_takes_only_a_comparison(tmp_path, made_run):
    out = tmp_path / "cmp"
    assert invoke("compare", made_run, made_run, "--out", out).exit_code == 0
    assert json.loads((out / MARKER).read_text())["kind"] == "compare"
    assert invoke("compare", made_run, made_run, "--out", out, "--replace").exit_code == 0
    (out / "thesis.tex").write_text("work")
    before = tree(out)
    one_error(invoke("compare", made_run, made_run, "--out", out, "--replace"), "thesis.tex")
    assert tree(out) == before
    one_error(invoke("compare", made_run, made_run, "--out", made_run, "--replace"), "a run")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cmp"]


# --- two writers ---------------------------------------------------------------------------


def test_two_runs_into_one_directory_one_fails_clearly_none_is_lost(tmp_path):
    """`ceasefire run -n 3000 --seed 1 --out x & ceasefire run -n 3000 --seed 2 --out x`."""
    (tmp_path / "case.toml").write_text(SHORT_TEXT)
    out = tmp_path / "x"
    # without charts: the directory is claimed before the simulation, so the two writers
    # meet there; drawing 3000 replicates' charts twice only added half a minute of CPU
    run = ("run", "case.toml", "-n", 3000, "--no-charts", "--out", out)
    procs = [start(*run, "--seed", 1, cwd=tmp_path), start(*run, "--seed", 2, cwd=tmp_path)]
    results = [(p, *p.communicate(timeout=300)) for p in procs]
    codes = sorted(p.returncode for p, _, _ in results)
    assert codes == [0, 2], [e for _, _, e in results]
    winner = next(i for i, (p, _, _) in enumerate(results) if p.returncode == 0)
    loser_err = results[1 - winner][2]
    assert re.fullmatch(
        rf"error: {re.escape(str(out))}: (another ceasefire command is writing to it right "
        r"now.*|already exists.*)\n",
        loser_err,
    ), loser_err
    assert json.loads((out / "run.json").read_text())["seed"] == winner + 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case.toml", "x"]


def test_two_runs_to_the_default_folder_get_one_folder_each(tmp_path):
    (tmp_path / "case.toml").write_text(SHORT_TEXT)
    procs = [
        start("run", "case.toml", "-n", 2000, "--seed", seed, "--no-charts", cwd=tmp_path)
        for seed in (1, 2)
    ]
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
    runs = tmp_path / "runs"
    assert sorted(p.name for p in runs.iterdir()) == ["case", "case-2"]
    seeds = {json.loads((runs / n / "run.json").read_text())["seed"] for n in ("case", "case-2")}
    assert seeds == {1, 2}


def test_two_sweeps_into_one_new_directory_never_lose_results(tmp_path):
    """Sweep directories are created the same way as run directories: a second sweep
    started at once either fails clearly or resumes the first one's directory."""
    experiment = write_experiment(tmp_path, sweep={"replicates": "40", "chunk_size": "20"})
    out = tmp_path / "sweep"
    procs = [start("sweep", experiment, "--out", out, "--workers", 1) for _ in range(2)]
    errors = [p.communicate(timeout=300)[1] for p in procs]
    results = [(p.returncode, err) for p, err in zip(procs, errors, strict=True)]
    assert 0 in [code for code, _ in results], results
    for code, err in results:
        if code:
            one = err.strip().splitlines()
            assert code == 2 and len(one) == 1 and "writing to it right now" in one[0], err
    manifest = json.loads((out / "manifest.json").read_text())
    assert sorted(sweep_store.part_files(out)) == [c["id"] for c in manifest["chunks"]]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sweep", "tiny.toml"]


# --- report, plot, compare: never over a file they did not write ---------------------------


def test_report_never_overwrites_a_file_it_did_not_write(tmp_path, made_run):
    """`ceasefire report R --out R/summary.json` replaced the run's summary with HTML."""
    run = tmp_path / "run"
    shutil.copytree(made_run, run)
    before = tree(run)
    one_error(invoke("report", run, "--out", run / "summary.json"), "summary.json", "not a page")
    one_error(invoke("report", run, "--out", run / "charts"), "is a folder")
    assert tree(run) == before
    (run / "report.html").write_text("<html>my own page</html>")
    one_error(invoke("report", run), "report.html")
    assert (run / "report.html").read_text() == "<html>my own page</html>"


def test_plot_refuses_an_existing_file_and_a_foreign_chart(tmp_path, made_run):
    run = tmp_path / "run"
    shutil.copytree(made_run, run)
    notes = tmp_path / "notes.txt"
    notes.write_text("mine")
    one_error(invoke("plot", run, "--out", notes), str(notes), "not a folder")
    (run / "charts" / "durations.png").write_bytes(b"my own drawing")
    before = tree(run)
    one_error(invoke("plot", run), "charts/durations.png", "not written by ceasefire")
    assert tree(run) == before  # not even the other charts were redrawn
    assert notes.read_text() == "mine"


def test_plot_replaces_its_own_charts(tmp_path, made_run):
    run = tmp_path / "run"
    shutil.copytree(made_run, run)
    result = invoke("plot", run, "--only", "outcomes")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (run / "charts").iterdir() if p.name.startswith(".")) == []


# --- interrupted and killed runs -----------------------------------------------------------

SLOW_RUN = ("-n", 3000)


def wait_for(parent: Path, pattern: str, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 120
    while not any(parent.glob(pattern)):
        assert proc.poll() is None, "the run ended before it started writing"
        assert time.monotonic() < deadline
        time.sleep(0.005)


def test_sigterm_stops_a_run_like_ctrl_c(tmp_path):
    (tmp_path / "case.toml").write_text(DEFAULT_TEXT)  # full: a long write
    out = tmp_path / "run"
    proc = start("run", "case.toml", *SLOW_RUN, "--out", out, cwd=tmp_path)
    wait_for(tmp_path, ".run.tmp-*", proc)
    proc.send_signal(signal.SIGTERM)
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 130, stderr
    assert stderr == f"error: interrupted; nothing was written to {out}\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case.toml"]


def test_the_next_run_cleans_up_after_a_killed_one_and_only_after_ours(tmp_path):
    (tmp_path / "case.toml").write_text(DEFAULT_TEXT)  # full: a long write
    out = tmp_path / "run"
    proc = start("run", "case.toml", *SLOW_RUN, "--out", out, cwd=tmp_path)
    wait_for(tmp_path, ".run.tmp-*", proc)
    proc.kill()
    proc.communicate(timeout=60)
    left = sorted(p.name for p in tmp_path.iterdir() if p.name != "case.toml")
    assert left and all(re.fullmatch(r"\.run\.(tmp-[0-9a-f]+|lock)", n) for n in left), left
    # beside them: a look-alike that is not ours, and one of ours whose writer is alive
    foreign = tmp_path / ".run.tmp-0badc0de"
    foreign.mkdir()
    (foreign / "keep.txt").write_text("not the tool's")
    alive = tmp_path / ".run.tmp-a11fe000"
    alive.mkdir()
    marker = {"kind": "run", "package": "ceasefire-sim", "pid": os.getpid()}
    (alive / MARKER).write_text(json.dumps(marker | {"host": os.uname().nodename}))

    # a process of its own: the marker of a live writer holds this process's id
    again = console_script("run", "case.toml", "-n", 5, "--no-charts", "--out", out, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [".run.tmp-0badc0de", ".run.tmp-a11fe000", "case.toml", "run"]
    assert (foreign / "keep.txt").read_text() == "not the tool's"


def test_a_second_unreadable_copy_of_a_part_never_overwrites_the_first(tmp_path):
    experiment = write_experiment(tmp_path, sweep={"replicates": "6", "chunk_size": "4"})
    out = tmp_path / "sweep"
    assert invoke("sweep", experiment, "--out", out, "--workers", 1).exit_code == 0
    part = out / "parts" / "part-00001.parquet"
    copies = []
    for attempt in (b"first damaged copy", b"second damaged copy"):
        part.write_bytes(attempt)
        result = invoke("sweep", experiment, "--out", out, "--workers", 1)
        assert result.exit_code == 0, result.output
        copies.append(attempt)
    aside = sorted(p.name for p in (out / "parts").glob("_unreadable-*"))
    assert aside == ["_unreadable-part-00001-2.parquet", "_unreadable-part-00001.parquet"]
    assert (out / "parts" / aside[1]).read_bytes() == copies[0]
    assert (out / "parts" / aside[0]).read_bytes() == copies[1]
    assert sweep_store.part_files(out)[1].name == "part-00001.parquet"  # redone


# --- strict JSON ---------------------------------------------------------------------------


NO_DEAL_TEXT = DEFAULT_TEXT.replace("\naspiration = 0.0 ", "\naspiration = 1.0 ")  # both parties


@pytest.mark.parametrize("scenario", ["default", "no-deal"])
def test_summary_json_has_null_not_nan_when_no_replicate_agrees(tmp_path, scenario):
    """`ceasefire run -n 1 --out n1` wrote NaN, which is not JSON. Model 2: the default
    scenario's one replicate, and a scenario whose parties aspire to more than any deal
    gives them (no deal at all, so every share among deals and the medians are undefined)."""
    out = tmp_path / "n1"
    args = ["run", "-n", 1, "--no-charts", "--out", out]
    if scenario == "no-deal":
        assert NO_DEAL_TEXT.count("aspiration = 1.0 ") == 2
        (tmp_path / "no-deal.toml").write_text(NO_DEAL_TEXT)
        args.insert(1, tmp_path / "no-deal.toml")
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    text = (out / "summary.json").read_text()

    def refuse(constant):
        raise ValueError(constant)

    summary = json.loads(text, parse_constant=refuse)
    undefined = {"share": None, "count": 0, "n": 0, "ci95": [None, None]}
    if summary["deals"] == 0:
        assert summary["partial_share"] == summary["breakdown"] == undefined
        assert summary["median_first_deal_day"] is None
        assert summary["median_first_deal_date"] is None
    assert summary["deals"] == 0 or scenario == "default"
    assert "NaN" not in text and "Infinity" not in text
    json.loads((out / "run.json").read_text(), parse_constant=refuse)


# --- full disk, read-only target ----------------------------------------------------------


@pytest.fixture
def under_a_file(tmp_path) -> Path:
    """A path whose parent is a regular file: ENOTDIR, which stops root as well."""
    blocker = tmp_path / "blocker"
    blocker.write_text("a file")
    return blocker / "out"


def test_writing_under_a_file_is_one_line(tmp_path, made_run, under_a_file):
    for args in (
        ("report", made_run, "--out", under_a_file / "r.html"),
        ("plot", made_run, "--out", under_a_file),
        ("compare", made_run, made_run, "--out", under_a_file),
        ("run", "-n", 5, "--no-charts", "--out", under_a_file),
    ):
        one_error(invoke(*args), str(under_a_file.parent))
    assert (tmp_path / "blocker").read_text() == "a file"


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS])
def test_a_full_disk_or_read_only_target_is_one_line_and_leaves_nothing(
    tmp_path, made_run, monkeypatch, code
):
    """os.replace (the last step of every atomic write) fails as on a full or read-only
    disk; every command says so in one line and leaves no temporary file behind."""
    run = tmp_path / "run"
    shutil.copytree(made_run, run)
    experiment = write_experiment(tmp_path, sweep={"replicates": "4", "chunk_size": "4"})
    sweep = tmp_path / "sweep"
    assert invoke("sweep", experiment, "--out", sweep, "--workers", 1).exit_code == 0
    before = {d: tree(d) for d in (run, sweep)}

    def fail(*args, **kwargs):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(os, "replace", fail)
    monkeypatch.setattr("sim.results.atomic._renameat2", fail)
    monkeypatch.setattr(os, "rename", fail)
    for args in (
        ("report", run),
        ("plot", run, "--only", "outcomes"),
        ("summarize", sweep),
        ("compare", run, run, "--out", tmp_path / "cmp"),
    ):
        one_error(invoke(*args), os.strerror(code))
    assert {d: tree(d) for d in (run, sweep)} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run", "sweep", "tiny.toml"]

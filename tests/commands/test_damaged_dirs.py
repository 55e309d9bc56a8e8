"""Readers of damaged directories (issue 10): every file of a small run directory and of a
small summarised sweep directory is deleted, emptied, cut in half, overwritten with noise
or given the wrong content, and every `report`, `plot`, `compare` and `summarize` call on
the result must either do its job (the file is not one it reads) or give exactly one
`error:` line on stderr naming that file, exit code 2, no traceback, and write nothing.
"""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.results.claim import MARKER, is_signed
from sim.sweep.runner import run_sweep
from tests.support.sweep_dirs import make_sweep_dir
from tests.support.sweeps import tree, write_experiment

cli = CliRunner()
SEED = 20261201  # the noise written over files


def invoke(*args):
    return cli.invoke(app, [str(a) for a in args])


# --- the mutations -------------------------------------------------------------------------


def _npz_without_first(path: Path) -> None:
    with np.load(path) as z:
        arrays = {k: z[k] for k in z.files[1:]}
    np.savez_compressed(path, **arrays)


def _npz_short_column(path: Path) -> None:
    with np.load(path) as z:
        arrays = {k: z[k] for k in z.files}
    first = next(iter(arrays))
    arrays[first] = arrays[first][:-1]
    np.savez_compressed(path, **arrays)


def _noise(path: Path) -> None:
    size = max(path.stat().st_size, 64)
    path.write_bytes(np.random.default_rng(SEED).bytes(size))


MUTATIONS = {
    "deleted": lambda p: p.unlink(),
    "empty": lambda p: p.write_bytes(b""),
    "half": lambda p: p.write_bytes(p.read_bytes()[: p.stat().st_size // 2]),
    "noise": _noise,
}
BY_SUFFIX = {  # content that reads fine as a file but does not fit the directory
    ".json": {
        "a list": lambda p: p.write_text("[1, 2]"),
        "no fields": lambda p: p.write_text("{}"),
    },
    ".npz": {"member missing": _npz_without_first, "column short": _npz_short_column},
    ".csv": {"row cut": lambda p: p.write_text(p.read_text().rsplit(",", 3)[0] + "\n")},
}


def mutations(path: Path) -> list[str]:
    return [*MUTATIONS, *BY_SUFFIX.get(path.suffix, {})]


def mutate(path: Path, how: str) -> None:
    (MUTATIONS | BY_SUFFIX.get(path.suffix, {}))[how](path)


# --- the directories -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def sweep_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("made")
    experiment = write_experiment(folder, sweep={"replicates": "6", "chunk_size": "4"})
    out = folder / "sweep"
    run_sweep(experiment, out, workers=1, progress=False)
    result = invoke("summarize", out)
    assert result.exit_code == 0, result.output
    return out


RUN_INPUTS = {"run.json", "summary.json", "outcomes.npz", "agreements.npz", "series.npz"}
READS = {  # what each command reads, by directory kind: damage there must be refused
    ("run", "report"): RUN_INPUTS | {"scenario.toml"},
    ("run", "plot"): RUN_INPUTS,
    ("run", "compare"): RUN_INPUTS,
    ("sweep", "summarize"): {"manifest.json", "design.parquet", "parts/*"},
    ("sweep", "report"): {"manifest.json", "summary.parquet", "sobol.csv", "scenario.toml"},
    ("sweep", "plot"): {"manifest.json", "summary.parquet", "sobol.csv"},
}


def cases(kind: str, files: list[str]):
    """Every mutation of every file for each command that reads (or writes) it."""
    for name in files:
        for command in [c for k, c in READS if k == kind]:
            if reads(kind, command, name) or name.startswith("charts/") and command == "plot":
                for how in mutations(Path(name)):
                    yield pytest.param(name, command, how, id=f"{name}-{how}-{command}")


RUN_FILES = [
    MARKER,
    "run.json",
    "summary.json",
    "outcomes.npz",
    "agreements.npz",
    "series.npz",
    "trajectories.npz",
    "scenario.toml",
    "outcomes.csv",
    "agreements.csv",
    "series.csv",
    "responses.csv",
    "charts/timeline.png",
]
SWEEP_FILES = [
    MARKER,
    "manifest.json",
    "experiment.toml",
    "scenario.toml",
    "design.parquet",
    "parts/part-00000.parquet",
    "parts/part-00002.parquet",
    "summary.csv",
    "summary.parquet",
]


def reads(kind: str, command: str, name: str) -> bool:
    patterns = READS[(kind, command)]
    return name in patterns or f"{name.split('/')[0]}/*" in patterns


def command_line(command: str, target: Path, tmp_path: Path, other: Path | None) -> list:
    if command == "report":
        return ["report", target]
    if command == "plot" and target.name == "run":  # one chart: all share the reading path
        return ["plot", target, "--only", "timeline"]
    if command == "plot":
        return ["plot", target]
    if command == "compare":
        return ["compare", other, target, "--out", tmp_path / "cmp"]
    return ["summarize", target]


def check(kind, source, name, command, how, tmp_path, other=None) -> None:
    target = tmp_path / kind
    shutil.copytree(source, target)
    damaged = target / name
    mutate(damaged, how)
    before = tree(target)
    result = invoke(*command_line(command, target, tmp_path, other))
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    writes_here = command == "plot" and name.startswith("charts/")
    # a missing part is an unfinished sweep, a missing summary.parquet falls back to the
    # CSV, and a sweep without sobol.csv is one of another design
    may_be_missing = name.startswith("parts/") or name in ("summary.parquet", "sobol.csv")
    if reads(kind, command, name) and not (how == "deleted" and may_be_missing):
        lines = result.stderr.splitlines()
        assert result.exit_code == 2, result.output
        assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
        assert str(damaged) in lines[0] or (how == "deleted" and str(target) in lines[0])
        assert tree(target) == before  # nothing written, nothing half-done
        assert not (tmp_path / "cmp").exists()
    elif writes_here and damaged.exists() and not is_signed(damaged):
        # a chart file the tool cannot recognise as its own is never overwritten
        assert result.exit_code == 2 and str(damaged) in result.stderr, result.output
        assert tree(target) == before
    else:
        assert result.exit_code == 0, result.output


@pytest.mark.parametrize(("name", "command", "how"), list(cases("run", RUN_FILES)))
def test_damaged_run_directory(made_run, name, command, how, tmp_path):
    check("run", made_run, name, command, how, tmp_path, other=made_run)


@pytest.mark.parametrize(("name", "command", "how"), list(cases("sweep", SWEEP_FILES)))
def test_damaged_sweep_directory(sweep_dir, name, command, how, tmp_path):
    check("sweep", sweep_dir, name, command, how, tmp_path)


@pytest.mark.parametrize(("kind", "command"), list(READS))
def test_damage_to_files_a_command_does_not_read_does_not_stop_it(
    made_run, sweep_dir, kind, command, tmp_path
):
    """Noise over every other file at once (one call each: these calls draw every chart)."""
    source, files = (made_run, RUN_FILES) if kind == "run" else (sweep_dir, SWEEP_FILES)
    target = tmp_path / kind
    shutil.copytree(source, target)
    for name in files:
        if not reads(kind, command, name) and not name.startswith("charts/"):
            mutate(target / name, "noise")
    result = invoke(*command_line(command, target, tmp_path, made_run))
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("how", [*MUTATIONS, *BY_SUFFIX[".csv"]])
@pytest.mark.parametrize("command", ["report", "plot"])
def test_damaged_sobol_csv(command, how, tmp_path):
    """A Sobol' sweep's sobol.csv, read by the report and by the sobol chart."""
    source = make_sweep_dir(
        tmp_path / "made",
        kind="sobol",
        parameters=["fronts.kursk.drift", "threats.waltz.credibility"],
        points=24,
    )
    check("sweep", source, "sobol.csv", command, how, tmp_path / "case")


def test_the_loop_covers_every_file_it_names(made_run, sweep_dir):
    """The lists above are the directories' actual files (no name mistyped into a no-op)."""
    for folder, names in ((made_run, RUN_FILES), (sweep_dir, SWEEP_FILES)):
        for name in names:
            assert (folder / name).is_file(), name


def test_strict_json_is_what_the_readers_get(made_run):
    """summary.json and run.json parse with a parser that refuses NaN and Infinity."""

    def refuse(constant):
        raise ValueError(f"non-standard JSON constant {constant}")

    for name in ("summary.json", "run.json", MARKER):
        json.load(io.StringIO((made_run / name).read_text()), parse_constant=refuse)

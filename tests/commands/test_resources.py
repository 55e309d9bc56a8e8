"""Resource guards: what cannot fit is refused in one line before anything starts, saying
what would fit; what would take hours needs --yes; workers are capped by cores and memory.

The machine's memory, disk and cores are replaced by fixed numbers (monkeypatched in
sim.engine.resources), so every verdict here is the same on any machine. The commands run
in-process (typer's CliRunner) for that reason.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from typer.testing import CliRunner

from sim import run as runner
from sim.cli import app
from sim.engine import resources
from sim.run import simulate
from sim.scenario.load import DEFAULT_SCENARIO
from tests.support.sweeps import write_experiment

GIB = 2**30
# The verdicts on memory, disk and time depend on the horizon: those sweeps keep the default's
# full calendar (the small sweep files' base is otherwise the short one, tests/support/short.py)
FULL = str(DEFAULT_SCENARIO)


@pytest.fixture
def machine(monkeypatch):
    """A machine with 4 GiB of memory available, 50 GiB of free disk and 2 cores."""
    state = {"memory": 4 * GIB, "disk": 50 * GIB, "cores": 2}
    monkeypatch.setattr(resources, "available_memory", lambda: state["memory"])
    monkeypatch.setattr(resources, "free_disk", lambda target: state["disk"])
    monkeypatch.setattr(resources, "cores", lambda: state["cores"])
    return state


def invoke(*args: str):
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def one_error(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), stderr
    assert "Traceback" not in stderr
    return lines[0]


def fits(line: str) -> int:
    """The number a refusal says would fit ('about 1,234 fit' / 'samples = 1,024')."""
    m = re.search(r"(?:about|samples =) ([\d,]+)(?: grid points)? (?:runs )?(?:would )?fit", line)
    assert m, line
    return int(m.group(1).replace(",", ""))


def test_run_needs_yes_beyond_an_hour_and_refuses_what_memory_cannot_hold(machine, tmp_path):
    out = tmp_path / "big"
    machine["memory"] = 16 * GIB
    code, _, err = invoke("run", "-n", "10000000", "--out", str(out))
    line = one_error(err)
    assert code == 2 and "--yes" in line and "h on one core" in line
    assert not out.exists()
    # With --yes, 10^7 replicates fit in 16 GiB (the run is chunked: one chunk's state and
    # the outcome table), but not in 4 GiB. The refusal says how many would fit.
    resources.check_run(runner_scenario(), 10_000_000, out, runner.RUN_CHUNK, yes=True)
    machine["memory"] = 4 * GIB
    code, _, err = invoke("run", "-n", "10000000", "--yes", "--out", str(out))
    line = one_error(err)
    assert code == 2 and "of memory" in line
    n = fits(line)
    assert 0 < n < 10_000_000
    resources.check_run(runner_scenario(), n, out, runner.RUN_CHUNK, yes=True)  # it does fit
    with pytest.raises(resources.ResourceError):
        resources.check_run(runner_scenario(), 2 * n, out, runner.RUN_CHUNK, yes=True)
    assert not out.exists()


def test_run_refuses_what_the_disk_cannot_hold(machine, tmp_path):
    machine["disk"] = 10 * 2**20
    code, _, err = invoke("run", "-n", "500000", "--yes", "--out", str(tmp_path / "r"))
    line = one_error(err)
    assert code == 2 and "on disk" in line and 0 < fits(line) < 500_000
    assert not (tmp_path / "r").exists()


def runner_scenario():
    from sim.scenario.load import load_scenario

    return load_scenario(DEFAULT_SCENARIO)


SWEEPS = {  # name -> (sweep settings, parameters, field named, words in the error)
    "sobol-2**26": (
        {"design": '"sobol"', "samples": str(2**26), "replicates": "10", "chunk_size": None},
        {
            "threats.waltz.credibility": "low = 0.0; high = 1.0",
            "actors.russia.aspiration": "low = -1.0; high = 1.0",
        },
        "sweep.samples",
        "design table",
    ),
    "grid-46340**2": (
        {"replicates": "1", "chunk_size": None},
        {
            "threats.waltz.credibility": "range = { start = 0.0, stop = 1.0, num = 46340 }",
            "actors.russia.aspiration": "range = { start = -1.0, stop = 1.0, num = 46340 }",
        },
        "parameters",
        "design table",
    ),
    "chunk_size-10**6": (
        {"replicates": "3000000", "chunk_size": "1000000"},
        {},
        "sweep.chunk_size",
        "a chunk of 1,000,000 runs",
    ),
}


@pytest.mark.parametrize("name", list(SWEEPS))
def test_sweeps_that_cannot_fit_are_refused_before_anything_is_written(machine, tmp_path, name):
    sweep, parameters, field, words = SWEEPS[name]
    path = write_experiment(tmp_path, sweep=sweep, parameters=parameters, base=FULL)
    out = tmp_path / "out"
    code, _, err = invoke("sweep", str(path), "--out", str(out), "--yes")
    line = one_error(err)
    assert code == 2 and f"{path}: {field}:" in line and words in line, line
    assert fits(line) > 0
    assert not out.exists()


def test_a_sweep_of_a_billion_runs_needs_yes_and_disk(machine, tmp_path):
    path = write_experiment(
        tmp_path, sweep={"replicates": "1000000000", "chunk_size": None}, parameters={}, base=FULL
    )
    out = tmp_path / "out"
    code, _, err = invoke("sweep", str(path), "--out", str(out))
    line = one_error(err)
    assert code == 2 and "1,000,000,000 runs take about" in line and "--yes" in line
    machine["disk"] = 1 * GIB
    code, _, err = invoke("sweep", str(path), "--out", str(out), "--yes")
    line = one_error(err)
    assert code == 2 and "on disk" in line and 0 < fits(line) < 10**9
    assert not out.exists()


def test_a_sweep_over_ten_million_runs_needs_yes(machine, tmp_path):
    path = write_experiment(
        tmp_path, sweep={"replicates": "10000001", "chunk_size": None}, parameters={}, base=FULL
    )
    code, _, err = invoke("sweep", str(path), "--out", str(tmp_path / "out"))
    assert code == 2 and "--yes" in one_error(err)


def test_workers_are_capped_by_cores_and_by_memory(machine, tmp_path):
    small = write_experiment(tmp_path, sweep={"replicates": "40", "chunk_size": "40"})
    code, out, err = invoke("sweep", str(small), "--out", str(tmp_path / "a"), "--workers", "64")
    assert code == 0, err
    assert "note: --workers 64 capped to 2: this machine has 2 cores" in err.splitlines()
    # On 8 cores, chunks of 60,000 runs (about 1.6 GiB each with the interpreter, at
    # model 2's 20 KB per replicate): 4 GiB holds two at once, not three; small chunks
    # are not capped.
    machine["cores"] = 8
    n, note = resources.worker_cap(3, 60_000, runner_scenario())
    assert n == 2 and "--workers 3 capped to 2: memory for 2 chunks of 60,000 runs" in note
    assert resources.worker_cap(3, 2_000, runner_scenario()) == (3, None)


def test_a_large_run_is_chunked_and_its_outcomes_are_bit_identical(monkeypatch, scenario):
    """A run of more replicates than one model holds runs in chunks: the same outcomes bit
    for bit, the same counts and shares, means equal to rounding, and the quantile bands
    of the first chunk."""
    whole, _ = simulate(scenario, 130, 7)
    first, _ = simulate(scenario, 40, 7)
    monkeypatch.setattr(runner, "RUN_CHUNK", 40)
    steps = []
    chunked, _ = simulate(scenario, 130, 7, progress=steps.append)
    assert sum(steps) == 130 * runner.model_steps(scenario)
    for key, value in whole.outcomes.items():
        assert np.array_equal(value, chunked.outcomes[key], equal_nan=True), key
    assert whole.summary == chunked.summary
    assert list(whole.series) == list(chunked.series)
    days = len(whole.series["day"])
    for key, value in chunked.series.items():
        assert value.shape == whole.series[key].shape, key
        if key.endswith("_q"):
            band = first.series[key]
            padded = np.concatenate([band, np.repeat(band[-1:], days - len(band), axis=0)])
            np.testing.assert_array_equal(value, padded, err_msg=key)
        elif key.endswith("_mean"):
            # A chunked mean adds the chunks' sums in another order: the rounding error is
            # bounded by the size of the summands, not of a mean that nearly cancels (a
            # belief about a drift near 0), so the tolerance is relative to the series' scale.
            scale = np.nanmax(np.abs(whole.series[key]), initial=0.0)
            np.testing.assert_allclose(
                value, whole.series[key], rtol=1e-12, atol=1e-12 * scale, err_msg=key
            )
        else:
            np.testing.assert_array_equal(value, whole.series[key], err_msg=key)

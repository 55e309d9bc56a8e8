"""A sweep killed at any moment (SIGKILL, even mid-write; Ctrl-C) resumes to exactly the
table an uninterrupted run writes.

The sweep runs as a subprocess (`python -m sim.cli sweep ...`). The test hook
CEASEFIRE_SWEEP_SLOW_WRITE pauses each part write half-way, so that a kill can be aimed at
the moment a part is half on disk.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

import psutil
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from sim.sweep import read_results, run_sweep
from sim.sweep.store import SLOW_WRITE_ENV, TMP_PREFIX, part_files
from tests.support.sweeps import assert_identical, write_experiment

CHUNKS = 12  # 6 points x 40 replicates in chunks of 20 runs


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    """The reference table (the experiment's base is the default on a short calendar,
    tests/support/sweeps.py: kills and resumption are the same on any horizon)."""
    folder = tmp_path_factory.mktemp("crash")
    exp = write_experiment(folder, sweep={"chunk_size": "20"})
    run_sweep(exp, folder / "reference")
    return exp, read_results(folder / "reference")


def start(exp, out, workers=1, slow=0.0) -> subprocess.Popen:
    env = os.environ | {SLOW_WRITE_ENV: str(slow)}
    command = [sys.executable, "-m", "sim.cli", "sweep", str(exp), "--out", str(out)]
    return subprocess.Popen(
        [*command, "--workers", str(workers)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_until(condition, proc: subprocess.Popen, timeout: float = 60.0) -> bool:
    """Poll until ``condition()`` holds (True) or the process has ended (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        if proc.poll() is not None:
            return False
        time.sleep(0.002)
    raise TimeoutError("the sweep neither progressed nor ended")


def temporary_parts(out):
    return list((out / "parts").glob(f"{TMP_PREFIX}*")) if (out / "parts").is_dir() else []


def assert_only_whole_parts(out) -> None:
    """Every file under a part name is complete: a valid footer and all its rows."""
    for cid, path in part_files(out).items():
        meta = pq.read_metadata(path)
        assert meta.num_rows == 20, f"chunk {cid} is not whole"


def finish(exp, out, workers=1) -> subprocess.CompletedProcess:
    proc = start(exp, out, workers)
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 0, stderr
    return subprocess.CompletedProcess(proc.args, 0, stdout, stderr)


def test_sigkill_at_random_moments_and_mid_write_then_resume_is_bit_identical(case, tmp_path):
    exp, expected = case
    out = tmp_path / "out"
    rng = random.Random(20250311)

    # 1. a kill at a random moment of start-up, before or while the directory is made
    proc = start(exp, out)
    time.sleep(rng.uniform(0.2, 1.0))
    proc.kill()
    proc.wait()

    # 2. kills at random points of progress, a random instant after a part appeared
    for _ in range(3):
        proc = start(exp, out, slow=0.02)
        target = min(len(part_files(out)) + rng.randint(1, 3), CHUNKS - 4)  # leave work
        wait_until(lambda t=target: len(part_files(out)) >= t, proc)
        time.sleep(rng.uniform(0.0, 0.08))
        proc.kill()
        proc.wait()
        assert_only_whole_parts(out)

    # 3. a kill while a part is half written
    proc = start(exp, out, slow=2.0)
    assert wait_until(lambda: temporary_parts(out), proc)
    proc.kill()
    proc.wait()
    (half,) = temporary_parts(out)
    with pytest.raises(pa.ArrowInvalid):  # no footer: the write was cut short
        pq.read_metadata(half)
    assert_only_whole_parts(out)
    assert len(part_files(out)) < CHUNKS

    done = finish(exp, out)
    assert "Sweep complete" in done.stdout and "already done" in done.stdout
    assert "━" not in done.stdout + done.stderr  # no progress bar when not a terminal
    assert temporary_parts(out) == []
    assert_identical(read_results(out), expected)


def exited(p: psutil.Process) -> bool:
    """Gone, or a zombie: it has exited and only waits to be reaped (in a container whose
    first process does not reap, that can be for good); either way it writes nothing."""
    try:
        return p.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def test_sigkill_of_a_pool_takes_its_workers_along_and_resumes(case, tmp_path):
    """A worker paused 5 s mid-write must not outlive its killed parent by seconds, and must
    not finish that write: no part file appears after the kill, even once the pause is over.

    A worker still starting up when its parent died (slow on a loaded machine) exits at its
    first look at its parent (sim/sweep/workers.py, _init_pool_worker), so it is given the
    time to get there; the paused writer is the one that must be gone at once."""
    exp, expected = case
    out = tmp_path / "out"
    pause = 5.0
    proc = start(exp, out, workers=2, slow=pause)
    assert wait_until(lambda: temporary_parts(out), proc)
    workers = psutil.Process(proc.pid).children(recursive=True)
    assert len(workers) >= 2
    proc.kill()
    killed = time.monotonic()
    proc.wait()
    _, alive = psutil.wait_procs(workers, timeout=3)
    _, alive = psutil.wait_procs([p for p in alive if not exited(p)], timeout=30)
    assert [p for p in alive if not exited(p)] == []  # no orphan left
    time.sleep(max(0.0, killed + pause + 1.0 - time.monotonic()))
    assert part_files(out) == {}  # no orphan went on writing into the directory
    finish(exp, out)
    assert_identical(read_results(out), expected)


@pytest.mark.parametrize(
    ("workers", "stop"),
    [(1, signal.SIGINT), (2, signal.SIGINT), (1, signal.SIGTERM)],
    ids=["1 worker, Ctrl-C", "2 workers, Ctrl-C", "1 worker, SIGTERM"],
)
def test_ctrl_c_or_sigterm_stops_cleanly_mid_write_and_the_rerun_resumes(
    case, tmp_path, workers, stop
):
    exp, expected = case
    out = tmp_path / "out"
    proc = start(exp, out, workers=workers, slow=0.5)
    assert wait_until(lambda: temporary_parts(out), proc)
    proc.send_signal(stop)
    stdout, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert "interrupted" in stderr and "run the same command again to resume" in stderr
    assert "Traceback" not in stderr
    assert temporary_parts(out) == []
    assert_only_whole_parts(out)
    assert len(part_files(out)) < CHUNKS
    finish(exp, out)
    assert_identical(read_results(out), expected)

"""Running a sweep: chunk plan -> workers -> part files, with progress, stop and resume.

Design points x replicates form one long run axis: run ``r`` is replicate ``r % R`` of
point ``r // R``. A chunk is a contiguous range of runs, simulated by one vectorised
``CeasefireModel`` whose parameters are arrays over that range (so one chunk may hold many
design points). The random draws of a run are keyed by its replicate id, a pure function
of (point, replicate within point): with common random numbers (the default) it is the
replicate within the point, otherwise the run index. So a run's result does not depend on
the chunk size, the worker count, the backend or the machine.

Backends: in this process (one worker), a local process pool, or Dask (an existing
cluster, or a LocalCluster). Workers write their own part files and send back only the
file name and a few counts. Not ``mesa.batch_run``: it forces the spawn start method on
the whole program and keeps every result in memory.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from sim.model import CeasefireModel
from sim.progress import progress_bar
from sim.resources import check_sweep, cores, worker_cap
from sim.schema import Scenario
from sim.sweep.design import build_design
from sim.sweep.spec import design_size, load_experiment
from sim.sweep.store import (
    PARTS,
    Chunk,
    SweepDirError,
    build_manifest,
    check_resumable,
    create_sweep_dir,
    finished_chunks,
    locked,
    outcome_table,
    part_files,
    part_stamp,
    plan_chunks,
    read_design,
    remove_unfinished,
    write_part,
)

BACKENDS = ("local", "dask", "dask-local")


class SweepInterrupted(Exception):
    """Ctrl-C (or SIGTERM): finished parts are kept, the next run resumes."""


@dataclass(frozen=True)
class ChunkTask:
    """Everything a worker needs besides the scenario: small enough to ship anywhere."""

    chunk: Chunk
    seed: int
    replicates: int  # per design point
    common_random_numbers: bool
    wide_replicate: bool  # replicate ids may exceed int32
    paths: tuple[str, ...]
    point_values: np.ndarray  # (points this chunk touches, parameter)
    parts_dir: str
    stamp: dict


def chunk_inputs(task: ChunkTask) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Point, replicate id and parameter overrides of every run in the chunk  (run,)."""
    runs = np.arange(task.chunk.start, task.chunk.stop, dtype=np.int64)
    point = runs // task.replicates
    replicate = runs % task.replicates if task.common_random_numbers else runs
    row = point - task.chunk.points(task.replicates)[0]
    overrides = {path: task.point_values[row, d] for d, path in enumerate(task.paths)}
    return point, replicate, overrides


_MALLOC_TUNED = False


def _undo_malloc_trimming() -> None:
    """Give glibc back its large-block reuse in a Dask worker (once per process).

    Dask's nanny starts workers with MALLOC_TRIM_THRESHOLD_=65536, which also pins glibc's
    mmap threshold low: every numpy temporary of a chunk is then mapped and unmapped again,
    and a chunk runs three times slower (measured: 7.6 s against 2.6 s for 20,000 runs).
    A chunk allocates and frees the same few array sizes, so raising both thresholds lets
    it reuse them. Only done where that variable is set; elsewhere nothing changes.
    """
    global _MALLOC_TUNED
    if _MALLOC_TUNED or "MALLOC_TRIM_THRESHOLD_" not in os.environ:
        return
    _MALLOC_TUNED = True
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-1, 256 * 2**20)  # M_TRIM_THRESHOLD
        libc.mallopt(-3, 64 * 2**20)  # M_MMAP_THRESHOLD


def run_chunk(task: ChunkTask, scenario: Scenario) -> dict:
    """Simulate one chunk and write its part file; return the name and a few counts."""
    _undo_malloc_trimming()
    started = time.perf_counter()
    point, replicate, overrides = chunk_inputs(task)
    model = CeasefireModel(
        scenario, replicate, task.seed, overrides=overrides or None, record="none"
    )
    model.run_model()
    outcomes = model.outcomes()
    table = outcome_table(outcomes, point, task.wide_replicate)
    name = write_part(Path(task.parts_dir), task.chunk, table, task.stamp)
    return {
        "chunk": task.chunk.id,
        "file": name,
        "runs": task.chunk.runs,
        "agreed": int(outcomes["agreed"].sum()),
        "seconds": time.perf_counter() - started,
    }


# --- backends: each turns tasks into results, in any order ---------------------------------


def run_in_process(tasks: Iterable[ChunkTask], scenario: Scenario) -> Iterator[dict]:
    for task in tasks:
        yield run_chunk(task, scenario)


_WORKER_SCENARIO: Scenario | None = None


def _init_pool_worker(scenario: Scenario, parent: int) -> None:
    """Ctrl-C is the parent's to handle; a worker dies with its parent (Linux), so a
    killed sweep leaves no orphan computing into its directory."""
    global _WORKER_SCENARIO
    _WORKER_SCENARIO = scenario
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            PR_SET_PDEATHSIG = 1
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:  # the parent died before prctl took effect
            os._exit(1)


def _pool_task(task: ChunkTask) -> dict:
    return run_chunk(task, _WORKER_SCENARIO)


def run_on_pool(tasks: Iterable[ChunkTask], scenario: Scenario, workers: int) -> Iterator[dict]:
    """A local process pool. ``spawn`` workers are fresh interpreters: they inherit
    none of the parent's threads (rich's refresh thread) or open files (the directory
    lock), and, being the parent's own children, they can be tied to its life."""
    ctx = multiprocessing.get_context("spawn")
    pool = ctx.Pool(workers, initializer=_init_pool_worker, initargs=(scenario, os.getpid()))
    try:
        yield from pool.imap_unordered(_pool_task, tasks)
        pool.close()
    finally:
        pool.terminate()  # on Ctrl-C or error: stop the workers now, not after their chunk
        pool.join()


def run_on_dask(tasks: Iterable[ChunkTask], scenario: Scenario, client) -> Iterator[dict]:
    """Dask: a bounded window of tasks in flight, so the scheduler never holds the whole
    plan; a task lost with its worker is rescheduled by Dask."""
    from distributed import as_completed

    scenario_future = client.scatter(scenario, broadcast=True)
    window = max(4, 2 * sum(client.nthreads().values()))
    pending = iter(tasks)

    def submit(task: ChunkTask):
        key = f"ceasefire-chunk-{task.chunk.id}-{uuid.uuid4().hex[:8]}"
        return client.submit(run_chunk, task, scenario_future, key=key, pure=False)

    futures = [submit(t) for _, t in zip(range(window), pending, strict=False)]
    queue = as_completed(futures)
    try:
        for future in queue:
            try:
                result = future.result()
            except OSError as err:
                raise SweepDirError(
                    f"a Dask worker could not write its part ({err}); the output directory "
                    "must be on a file system every worker sees at the same path"
                ) from None
            yield result
            futures.remove(future)
            nxt = next(pending, None)
            if nxt is not None:
                new = submit(nxt)
                futures.append(new)
                queue.add(new)
    finally:
        client.cancel(futures)


def check_backend(backend: str, scheduler: str | None) -> None:
    """Refuse a backend that cannot start, before the sweep directory is made."""
    if backend not in BACKENDS:
        raise SweepDirError(f"--backend: must be one of {', '.join(BACKENDS)} (got {backend!r})")
    if backend == "dask" and not scheduler:
        raise SweepDirError("--backend dask needs --scheduler tcp://HOST:8786 (or dask-local)")
    if backend.startswith("dask"):
        try:
            import distributed  # noqa: F401
        except ImportError:
            raise SweepDirError(
                "the dask backends need dask[distributed]: pip install 'ceasefire-sim[dask]'"
            ) from None


@contextlib.contextmanager
def dask_client(backend: str, workers: int, scheduler: str | None) -> Iterator:
    from distributed import Client, LocalCluster

    if backend == "dask-local":
        with (
            LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=40,
            ) as cluster,
            Client(cluster) as client,
        ):
            yield client
        return
    try:
        client = Client(scheduler, timeout=15)
    except (OSError, TimeoutError) as err:
        raise SweepDirError(f"cannot reach the Dask scheduler at {scheduler}: {err}") from None
    with client:
        yield client


# --- the sweep -----------------------------------------------------------------------------


@dataclass
class SweepReport:
    out: Path
    points: int
    replicates: int
    runs: int  # all runs of the sweep
    runs_new: int  # run by this call
    chunks: int
    chunks_before: int  # finished before this call
    seconds: float
    notes: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.runs_new / self.seconds if self.seconds > 0 else float("nan")


def run_sweep(
    experiment: str | Path,
    out: str | Path,
    workers: int = 1,
    backend: str = "local",
    scheduler: str | None = None,
    progress: bool | None = None,
    yes: bool = False,
    notify: Callable[[str], None] | None = None,
) -> SweepReport:
    """Run (or resume) a sweep into ``out``.

    Everything that can be refused is checked before the directory is made: the sweep
    file, the backend, an existing directory, the Dask scheduler. Raises ScenarioError
    for a bad sweep file, SweepDirError when ``out`` or the backend cannot take it,
    SweepInterrupted on Ctrl-C or SIGTERM (finished parts stay; rerun to resume), and
    ResourceError for a sweep whose design, chunks or parts cannot fit in memory or on
    disk, or, when it is new and not ``yes``, one of more than 10^7 runs or about an hour.
    Local workers are capped by the cores and the chunks memory can hold (``notify``
    gets a line saying so).
    """
    check_backend(backend, scheduler)
    out = Path(out)
    exp = load_experiment(experiment)
    st = exp.settings
    points = design_size(exp.spec)
    note = None
    if backend != "dask":  # workers on this machine
        workers, note = worker_cap(workers, exp.chunk_size, exp.scenario)
    check_sweep(
        str(exp.path),
        exp.scenario,
        points,
        len(exp.paths),
        points * st.replicates,
        exp.chunk_size,
        out,
        workers,
        yes or out.exists(),  # resuming: asked when it started
        st.design,
    )
    if note and notify:
        notify(note)
    design = build_design(exp)
    chunks = plan_chunks(design.points, st.replicates, exp.chunk_size)
    manifest = build_manifest(exp, design, chunks)
    resuming = out.exists()
    if resuming:
        manifest = check_resumable(out, manifest, str(exp.path))
        design = read_design(out)  # the stored points win over a re-derivation
    workers = max(1, min(workers, len(chunks)))  # no idle worker to start

    try:
        with contextlib.ExitStack() as stack:
            stack.enter_context(_stop_on_sigterm())
            client = None
            if backend != "local":
                client = stack.enter_context(dask_client(backend, workers, scheduler))
            if not resuming:
                create_sweep_dir(out, exp, design, manifest)
            stack.enter_context(locked(out))
            return _run_chunks(exp, design, chunks, manifest, out, workers, client, progress)
    except KeyboardInterrupt:
        if (out / PARTS).is_dir():
            remove_unfinished(out)
        raise SweepInterrupted(
            f"interrupted: {len(part_files(out))} of {len(chunks)} chunks finished and "
            f"kept in {out}; run the same command again to resume"
        ) from None


def _run_chunks(exp, design, chunks, manifest, out, workers, client, progress) -> SweepReport:
    """The chunks not yet finished, on the chosen backend, with a progress bar."""
    st = exp.settings
    remove_unfinished(out)
    done, notes = finished_chunks(out, manifest, chunks)
    parts_dir = str((out / PARTS).resolve())
    wide = not st.common_random_numbers and design.points * st.replicates > 2**31
    todo = [c for c in chunks if c.id not in done]
    tasks = (
        ChunkTask(
            chunk=c,
            seed=st.seed,
            replicates=st.replicates,
            common_random_numbers=st.common_random_numbers,
            wide_replicate=wide,
            paths=design.paths,
            point_values=design.values[slice(*c.points(st.replicates))],
            parts_dir=parts_dir,
            stamp=part_stamp(manifest, c),
        )
        for c in todo
    )
    report = SweepReport(
        out=out,
        points=design.points,
        replicates=st.replicates,
        runs=design.points * st.replicates,
        runs_new=0,
        chunks=len(chunks),
        chunks_before=len(done),
        seconds=0.0,
        notes=notes,
    )
    if client is not None:
        results = run_on_dask(tasks, exp.scenario, client)
    elif min(workers, len(todo)) <= 1:
        results = run_in_process(tasks, exp.scenario)
    else:
        results = run_on_pool(tasks, exp.scenario, min(workers, len(todo)))
    started = time.perf_counter()
    already = report.runs - sum(c.runs for c in todo)
    try:
        with (
            progress_bar(report.runs, already, progress) as advance,
            contextlib.closing(results),
        ):
            for result in results:
                report.runs_new += result["runs"]
                advance(result["runs"])
    finally:
        report.seconds = time.perf_counter() - started
    return report


@contextlib.contextmanager
def _stop_on_sigterm() -> Iterator[None]:
    """SIGTERM (a batch system's polite kill) stops as cleanly as Ctrl-C."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def default_workers() -> int:
    return cores()

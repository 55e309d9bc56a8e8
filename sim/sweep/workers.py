"""What a sweep worker does, and where workers run: chunk tasks and the three backends.

A chunk is a slice of the run axis: its points' parameter values and its replicates' global
ids go to one vectorised model. ``local`` runs chunks on a process pool, ``dask`` on an
existing cluster, ``dask-local`` on a LocalCluster; every backend gives the same bytes.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.engine.model import CeasefireModel
from sim.scenario.schema import Scenario
from sim.sweep.rows import AmbiguousRows, replicate_rows
from sim.sweep.store import (
    Chunk,
    SweepDirError,
    outcome_table,
    write_part,
)

BACKENDS = ("local", "dask", "dask-local")


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
    rows = simulate_rows(scenario, task.seed, point, replicate, overrides)
    table = outcome_table(rows, point, task.wide_replicate)
    name = write_part(Path(task.parts_dir), task.chunk, table, task.stamp)
    return {
        "chunk": task.chunk.id,
        "file": name,
        "runs": task.chunk.runs,
        "deals": int(rows["deals"].sum()),
        "seconds": time.perf_counter() - started,
    }


def simulate_rows(
    scenario: Scenario,
    seed: int,
    point: np.ndarray,
    replicate: np.ndarray,
    overrides: dict[str, np.ndarray],
) -> dict[str, np.ndarray]:
    """Per-run rows of a chunk (:func:`sim.sweep.rows.replicate_rows`), from one model.

    Should the engine's agreements not line up with its runs where they share replicate
    ids (:class:`~sim.sweep.rows.AmbiguousRows`), each point's runs are one model of their
    own: a run's results depend only on its point and replicate id, so this gives the same
    bytes, only slower.
    """

    def run(select: slice) -> dict[str, np.ndarray]:
        sub = {path: values[select] for path, values in overrides.items()}
        model = CeasefireModel(
            scenario, replicate[select], seed, overrides=sub or None, record="none"
        )
        model.run_model()
        return replicate_rows(model)

    try:
        return run(slice(None))
    except AmbiguousRows:
        _, starts = np.unique(point, return_index=True)
        bounds = [*starts.tolist(), len(point)]
        parts = [run(slice(a, b)) for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
        return {name: np.concatenate([p[name] for p in parts]) for name in parts[0]}


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
    """A sweep's chunks on a local process pool (spawn_pool_map)."""
    return spawn_pool_map(_pool_task, tasks, workers, scenario)


def spawn_pool_map(func, items: Iterable, workers: int, scenario: Scenario | None = None):
    """``func`` over ``items`` on a local process pool, results in completion order.
    ``spawn`` workers are fresh interpreters: they inherit none of the parent's threads
    (rich's refresh thread) or open files (the directory lock), and, being the parent's own
    children, they can be tied to its life. Sweeps and `ceasefire check` share it."""
    ctx = multiprocessing.get_context("spawn")
    pool = ctx.Pool(workers, initializer=_init_pool_worker, initargs=(scenario, os.getpid()))
    try:
        yield from pool.imap_unordered(func, items)
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
                    f"a Dask worker could not write its part ({err.strerror or err}); the output "
                    "directory must be on a file system every worker sees at the same path"
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

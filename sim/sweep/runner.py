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
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sim.engine.resources import check_sweep, cores, worker_cap
from sim.results.atomic import sigterm_as_interrupt
from sim.results.claim import OutputBusy, OutputExists
from sim.results.progress import progress_bar
from sim.sweep.design import build_design
from sim.sweep.spec import design_size, load_experiment
from sim.sweep.store import (
    PARTS,
    SweepDirError,
    build_manifest,
    check_resumable,
    create_sweep_dir,
    finished_chunks,
    locked,
    part_files,
    part_stamp,
    plan_chunks,
    read_design,
    remove_unfinished,
)
from sim.sweep.workers import (
    ChunkTask,
    check_backend,
    dask_client,
    run_in_process,
    run_on_dask,
    run_on_pool,
)


class SweepInterrupted(Exception):
    """Ctrl-C (or SIGTERM): finished parts are kept, the next run resumes."""


# --- backends: each turns tasks into results, in any order ---------------------------------


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

    def headline(self) -> str:
        """The line `ceasefire sweep` prints when it is done."""
        skipped = self.runs - self.runs_new
        return (
            f"Sweep complete: {self.points:,} point{'s' * (self.points != 1)} x "
            f"{self.replicates:,} replicates = "
            f"{self.runs:,} runs ({self.runs_new:,} new in {self.seconds:.1f} s"
            + (f", {self.rate:,.0f} runs/s" if self.runs_new else "")
            + (f"; {skipped:,} already done" if skipped else "")
            + ")."
        )


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
            stack.enter_context(sigterm_as_interrupt())
            client = None
            if backend != "local":
                client = stack.enter_context(dask_client(backend, workers, scheduler))
            if not resuming:
                try:
                    create_sweep_dir(out, exp, design, manifest)
                except OutputExists:  # another `sweep` made it since: resume it, or refuse
                    manifest = check_resumable(out, manifest, str(exp.path))
                    design = read_design(out)
                except OutputBusy as err:
                    raise SweepDirError(str(err)) from None
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


def default_workers() -> int:
    return cores()

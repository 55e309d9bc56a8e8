"""What a run or a sweep will need (memory, disk, time), estimated before it starts.

A command that cannot fit must say so in one line before it has written anything, and
say what would fit; one that would run for hours must be asked for (``--yes``). The
estimates are per replicate, measured by ``benchmarks/bench_memory.py`` on the default
scenario (7 actors, 6 issues) and rounded up:

- engine state (model 2, re-measured: see the constants): about 19 KB per replicate,
  151 bytes per "cell" of the scenario (one actor x issue or actor x actor pair, plus the
  per-replicate scalars), rounded to 160;
- time: 3.4 ms of CPU per replicate for the engine over the default's 296 calendar days,
  0.6 ms more for `ceasefire run`'s tables, CSV files and charts (model 1's figure, not
  re-measured; measured on a shared 2-core machine; an idle core is about twice as
  fast), the engine's part scaled by cells and by the number of steps (calendar days);
- disk: 112 bytes per replicate for a run directory (outcomes.csv and outcomes.npz),
  25 per run for a sweep part (Parquet), about 4.5 and 1 per outcome column;
- the outcome table a run holds until it is written: 135 bytes per replicate, counted
  with its temporaries as 24 bytes per column (a 250,000-replicate run in chunks of
  100,000 peaked at 1.4 GB).

Memory is what the machine has available now (MemAvailable, or the cgroup's limit if
lower), so the verdict can change with the load; time is an order of magnitude, quoted
as "about".
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from sim.scenario.schema import Scenario

# Model 2, re-measured on the default scenario (125 cells, 296 calendar days) at m2 68186f8
# with sim.run.simulate on a shared 2-core machine: 100 replicates 7.7 s of CPU and 198 MiB
# peak RSS, 5,000 replicates 24.3 s and 287 MiB. The difference is 3.4 ms and 18.9 KB per
# replicate (151 bytes per cell); the rest (about 26 ms per simulated day of one chunk, the
# numpy call overhead of the day loop) does not grow with replicates and is left out.
BYTES_PER_CELL = 160  # engine state per replicate and cell (measured 151; model 1: 55)
SECONDS_PER_CELL_STEP = 3.4e-3 / (125 * 296)  # one core: 3.4 ms per default replicate
RUN_WRITE_SECONDS = 6e-4  # per replicate: `ceasefire run`'s tables, CSV files, charts
RUN_DISK_BYTES_PER_COLUMN = 6  # outcomes.csv + outcomes.npz (measured 4.5)
PART_DISK_BYTES_PER_COLUMN = 2  # a sweep part file (measured 1)
OUTCOME_BYTES_PER_COLUMN = 8 * 3  # an outcome column held for writing, with temporaries
CHUNK_BYTES = 2**30  # engine memory of one internal chunk of `ceasefire run`
RESERVE_BYTES = 512 * 2**20  # interpreter, imports, charts
LONG_SECONDS = 3600.0  # longer than this needs --yes
LONG_RUNS = 10_000_000  # a sweep of more runs than this needs --yes


class ResourceError(Exception):
    """A command that cannot fit, or needs --yes: one line, said before anything starts."""


def cells(s: Scenario) -> int:
    """Size of the per-replicate state: actor x issue and actor x actor pairs, and the
    per-replicate scalars (about 20 settings, one per actor, issue and threat)."""
    n, k, h = len(s.actors), len(s.issues), len(s.threats)
    return n * k + n * n + n + k + h + 20


def outcome_columns(s: Scenario) -> int:
    """Columns of the outcome table (results.outcome_columns), give or take one."""
    parties = sum(a.role == "party" for a in s.actors.values())
    return 12 + len(s.issues) + 2 * len(s.threats) + 2 * parties


def replicate_bytes(s: Scenario) -> int:
    """Engine memory per replicate while it runs."""
    return BYTES_PER_CELL * cells(s)


def replicate_seconds(s: Scenario) -> float:
    """Seconds per replicate on one core."""
    steps = s.scenario.horizon  # model 2: one step per calendar day
    return SECONDS_PER_CELL_STEP * cells(s) * steps


def run_chunk_size(s: Scenario, ceiling: int) -> int:
    """Replicates per model in `ceasefire run`: ``ceiling``, or fewer where one replicate
    is large. A function of the scenario only (not of the machine), so a run gives the
    same numbers wherever it runs."""
    return max(1, min(ceiling, CHUNK_BYTES // replicate_bytes(s)))


def available_memory() -> int:
    """Bytes this process may still allocate: MemAvailable, or the cgroup's room."""
    free = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                free = int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    if free is None:
        try:
            free = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        except (ValueError, OSError, AttributeError):
            free = 2**40  # unknown: do not refuse on a guess
    try:
        limit = Path("/sys/fs/cgroup/memory.max").read_text().strip()
        used = Path("/sys/fs/cgroup/memory.current").read_text().strip()
        if limit != "max":
            free = min(free, int(limit) - int(used))
    except (OSError, ValueError):
        pass
    return max(free, 0)


def free_disk(target: Path) -> int:
    """Free bytes on the file system that will hold ``target`` (its nearest existing parent)."""
    path = Path(target).absolute()
    while not path.exists() and path != path.parent:
        path = path.parent
    try:
        return shutil.disk_usage(path).free
    except OSError:
        return 2**62  # unknown: do not refuse on a guess


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


def size(n: float) -> str:
    """``1.5 GiB``, ``300 MiB``."""
    for unit, scale in (("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n / 2**10:.0f} KiB"


def duration(seconds: float) -> str:
    """``40 s``, ``12 min``, ``3.6 h``, ``6.4 days``."""
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} days"


def check_run(s: Scenario, replicates: int, out: Path, ceiling: int, yes: bool) -> float:
    """Refuse a `ceasefire run` that cannot fit in memory or on disk, or that would take
    longer than an hour without ``yes``; return the estimated seconds."""
    chunk = min(replicates, run_chunk_size(s, ceiling))
    per_kept = OUTCOME_BYTES_PER_COLUMN * outcome_columns(s)
    need = RESERVE_BYTES + chunk * replicate_bytes(s) + replicates * per_kept
    have = available_memory()
    if need > have:
        room = max(have - RESERVE_BYTES - chunk * replicate_bytes(s), 0)
        raise ResourceError(
            f"--replicates: {replicates:,} replicates need about {size(need)} of memory; "
            f"about {room // per_kept:,} fit in the {size(have)} available (got {replicates:,})"
        )
    disk = replicates * RUN_DISK_BYTES_PER_COLUMN * outcome_columns(s)
    room = free_disk(out)
    if disk > room:
        fit = room // (RUN_DISK_BYTES_PER_COLUMN * outcome_columns(s))
        raise ResourceError(
            f"--replicates: {replicates:,} replicates need about {size(disk)} on disk at "
            f"{out}; about {fit:,} fit in the {size(room)} free (got {replicates:,})"
        )
    per_replicate = replicate_seconds(s) + RUN_WRITE_SECONDS
    seconds = replicates * per_replicate
    if seconds > LONG_SECONDS and not yes:
        raise ResourceError(
            f"--replicates: {replicates:,} replicates take about {duration(seconds)} on one "
            f"core; add --yes to start (about {int(LONG_SECONDS / per_replicate):,} run "
            f"within an hour)"
        )
    return seconds


def worker_cap(requested: int, chunk_runs: int, s: Scenario) -> tuple[int, str | None]:
    """Workers to start: no more than the cores, nor than the chunks memory can hold at
    once; with a one-line note when fewer than requested."""
    per_worker = chunk_runs * replicate_bytes(s) + RESERVE_BYTES
    have = available_memory()
    by_memory = max(1, int(have // per_worker))
    n = min(requested, cores(), by_memory)
    if n >= requested:
        return n, None
    if n == by_memory and by_memory < cores():
        why = f"memory for {by_memory} chunk{'s' * (by_memory != 1)} of {chunk_runs:,} runs at "
        why += f"{size(per_worker)} each ({size(have)} available)"
    else:
        why = f"this machine has {cores()} core{'s' * (cores() != 1)}"
    return n, f"--workers {requested} capped to {n}: {why}"


def check_sweep(
    label: str,
    s: Scenario,
    points: int,
    parameters: int,
    runs: int,
    chunk_size: int,
    out: Path,
    workers: int,
    yes: bool,
    design: str,
) -> None:
    """Refuse a sweep whose design table, chunks or parts cannot fit, or that is large
    (more than 10^7 runs or about an hour) without ``yes``. ``design`` is the sweep's
    design kind, to say which field sets the number of points."""
    have = available_memory()
    table = points * (parameters + 1) * 8 * 4  # the table, its copies and temporaries
    if table + RESERVE_BYTES > have:
        fit = max(have - RESERVE_BYTES, 0) // ((parameters + 1) * 8 * 4)
        if design == "sobol":  # N * (D + 2) points, N a power of 2
            n = fit // (parameters + 2)
            where, fits = "sweep.samples", f"samples = {1 << max(n.bit_length() - 1, 0):,}"
        elif design == "grid":
            where, fits = "parameters", f"about {fit:,} grid points"
        else:
            where, fits = "sweep.samples", f"samples = {fit:,}"
        raise ResourceError(
            f"{label}: {where}: {points:,} design points need about {size(table)} of "
            f"memory for the design table; {fits} would fit in the {size(have)} available "
            f"(got {points:,} points)"
        )
    design_bytes = table
    chunk = min(chunk_size, runs)
    per_chunk = chunk * replicate_bytes(s) + RESERVE_BYTES
    if per_chunk + design_bytes > have:
        fit = max(have - design_bytes - RESERVE_BYTES, 0) // replicate_bytes(s)
        raise ResourceError(
            f"{label}: sweep.chunk_size: a chunk of {chunk:,} runs needs about "
            f"{size(per_chunk)} of memory; about {fit:,} runs fit in the {size(have)} "
            f"available (got {chunk_size:,})"
        )
    columns = outcome_columns(s) + 2  # point and replicate
    disk = runs * PART_DISK_BYTES_PER_COLUMN * columns + points * parameters * 8
    room = free_disk(out)
    if disk > room:
        fit = room // (PART_DISK_BYTES_PER_COLUMN * columns)
        raise ResourceError(
            f"{label}: {runs:,} runs need about {size(disk)} on disk at {out}; about "
            f"{fit:,} runs fit in the {size(room)} free (got {runs:,})"
        )
    seconds = runs * replicate_seconds(s) / max(1, min(workers, cores()))
    if (runs > LONG_RUNS or seconds > LONG_SECONDS) and not yes:
        raise ResourceError(
            f"{label}: {runs:,} runs take about {duration(seconds)} on {workers} "
            f"worker{'s' * (workers != 1)} and {size(disk)} on disk; add --yes to start "
            f"(a sweep needs it above {LONG_RUNS:,} runs or an hour)"
        )

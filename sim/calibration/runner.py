"""`ceasefire calibrate`: run (or resume) an ABC-SMC calibration into a directory.

The directory is made at once (marker, copies of the calibration and scenario files,
manifest.json) by an atomic swap (sim/results/atomic.py), locked while a calibration writes
to it, and gains one checkpoint per generation (``generation-NNN.npz``, written under
a temporary name, flushed and renamed). Rerunning the same command on it resumes after the
last finished generation: each generation is a pure function of the seed, the generation
number and the previous population, so the posterior is the same bit for bit as an
uninterrupted run's, with any number of workers. The outputs (sim/calibration/outputs.py)
are written when the last generation is done.
"""

from __future__ import annotations

import contextlib
import json
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.calibration import abc
from sim.calibration.simulate import Task, engine_seed, evaluator
from sim.calibration.spec import Calibration, load_calibration
from sim.results.atomic import sigterm_as_interrupt, write_atomically, write_file
from sim.results.claim import OutputError, dump_json
from sim.results.progress import progress_bar
from sim.sweep.store import manifest_lock
from sim.version import __version__

KIND = "calibration"
MANIFEST = "manifest.json"


class CalibrationDirError(Exception):
    """The output directory cannot take this calibration (one line)."""


@dataclass
class CalibrationReport:
    out: Path
    generations: int
    generations_before: int
    runs: int
    runs_new: int
    seconds: float


def manifest_for(cal: Calibration) -> dict:
    st = cal.settings
    return {
        "kind": KIND,
        "version": __version__,
        "sha256": cal.sha256,
        "calibration_file": str(cal.path),
        "scenario_file": str(cal.scenario_path),
        "seed": st.seed,
        "generations": st.generations,
        "particles": st.particles,
        "proposals": st.proposals,
        "replicates": st.replicates,
        "parameters": list(cal.paths),
        "targets": list(cal.target_names),
    }


def run_calibration(
    path: str | Path,
    out: str | Path,
    workers: int = 1,
    backend: str = "local",
    scheduler: str | None = None,
    replace: bool = False,
    progress: bool | None = None,
) -> CalibrationReport:
    """Run or resume; raises ScenarioError (bad file), CalibrationDirError, OutputError."""
    cal = load_calibration(path)
    out = Path(out)
    manifest = manifest_for(cal)
    if out.exists() and not replace:
        check_resumable(out, manifest)
    else:
        write_atomically(out, lambda tmp: _build(tmp, cal, manifest), replace=replace, kind=KIND)
    with contextlib.ExitStack() as stack:
        stack.enter_context(sigterm_as_interrupt())
        stack.enter_context(_locked(out))
        return _run(cal, out, workers, backend, scheduler, progress)


def _build(tmp: Path, cal: Calibration, manifest: dict) -> None:
    (tmp / "calibration.toml").write_text(cal.text, encoding="utf-8")
    (tmp / "scenario.toml").write_text(cal.scenario_text, encoding="utf-8")
    (tmp / MANIFEST).write_text(dump_json(manifest), encoding="utf-8")


def check_resumable(out: Path, manifest: dict) -> None:
    """Refuse (untouched) a directory that is not this very calibration."""
    path = out / MANIFEST
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise CalibrationDirError(
            f"{out}: exists and is not a calibration directory (no readable {MANIFEST}); "
            "choose another --out or give --replace"
        ) from None
    for key in ("kind", "sha256", "version"):
        if stored.get(key) != manifest[key]:
            raise CalibrationDirError(
                f"{out}: holds another calibration ({key} differs); left untouched: "
                "choose another --out, or --replace to start it afresh"
            )


def _locked(out: Path):
    """An exclusive lock on the manifest for the whole run (released even by SIGKILL)."""
    busy = CalibrationDirError(f"{out}: another calibration is writing to it")
    return manifest_lock(out / MANIFEST, busy)


def checkpoint_path(out: Path, g: int) -> Path:
    return out / f"generation-{g:03d}.npz"


def load_populations(out: Path, generations: int) -> list[abc.Population]:
    """The finished generations, in order (a gap ends the list: later ones are redone)."""
    pops = []
    for g in range(generations):
        path = checkpoint_path(out, g)
        if not path.is_file():
            break
        with np.load(path) as data:
            pops.append(abc.Population.from_npz(data))
    return pops


def _save(out: Path, g: int, pop: abc.Population) -> None:
    def write(tmp: Path) -> None:
        with open(tmp, "wb") as fh:
            np.savez(fh, **pop.to_npz())

    write_file(checkpoint_path(out, g), write, durable=True)


def tasks_for(cal: Calibration, g: int, values: np.ndarray) -> list[Task]:
    """The generation's proposals cut into engine calls of about ``batch`` runs each."""
    st = cal.settings
    per = max(1, st.batch // st.replicates)
    integer = tuple(p in cal.integer_paths for p in cal.paths)
    targets = tuple((t.statistic, t.group, t.day) for t in cal.spec.targets.values())
    seed = engine_seed(st.seed, g)
    return [
        Task(
            seed,
            np.arange(a, min(a + per, len(values))),
            values[a : a + per],
            cal.paths,
            integer,
            st.replicates,
            targets,
        )  # fmt: skip
        for a in range(0, len(values), per)
    ]


def _run(cal, out, workers, backend, scheduler, progress) -> CalibrationReport:
    from sim.calibration.outputs import write_outputs

    st = cal.settings
    pops = load_populations(out, st.generations)
    before = len(pops)
    per_gen = st.proposals * st.replicates
    priors = list(cal.spec.parameters.values())
    started = time.perf_counter()
    observed, sd = np.array(cal.observed), np.array(cal.sd)
    with (
        evaluator(cal.scenario, workers, backend, scheduler) as run,
        progress_bar(cal.runs, before * per_gen, progress, label="calibrate") as advance,
    ):
        for g in range(before, st.generations):
            last = pops[-1] if pops else None
            z = abc.propose(st.seed, g, st.proposals, len(priors), last)
            stats = []
            for task, result in zip(tasks := tasks_for(cal, g, abc.to_values(z, priors)),
                                    run(tasks), strict=True):  # fmt: skip
                stats.append(result)
                advance(task.ids.size * st.replicates)
            pop = abc.select(z, np.concatenate(stats), observed, sd, st.particles, last)
            _save(out, g, pop)
            pops.append(pop)
    seconds = time.perf_counter() - started
    write_outputs(out, cal, pops)
    return CalibrationReport(
        out, st.generations, before, cal.runs, (st.generations - before) * per_gen, seconds
    )


__all__ = ["CalibrationDirError", "OutputError", "run_calibration"]

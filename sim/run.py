"""Wiring for `ceasefire run`: scenario file -> model -> outcome tables -> run directory.

Each stage is a separate module (scenario, model, results, store, charts); this one only
passes data from one to the next, in that order.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

from sim.engine.model import CeasefireModel
from sim.engine.recorder import merge_chunks
from sim.engine.resources import check_run, run_chunk_size
from sim.results.atomic import write_atomically
from sim.results.claim import claimed, dump_json
from sim.results.run_dir import RunResult, result_from_model, run_metadata, stored_result
from sim.results.tables import write_responses_csv, write_series_csv, write_table_csv
from sim.scenario.load import load_scenario_text
from sim.scenario.schema import Scenario

FULL_DETAIL_MAX = 100  # keep every replicate's trajectory up to this many replicates
RUN_CHUNK = 100_000  # replicates per model at most: a larger run is made of chunks


def default_out_dir(scenario_path: Path, root: Path = Path("runs")) -> Path:
    """runs/<scenario name>, or the first free runs/<name>-N: never an existing directory."""
    return next(default_out_dirs(scenario_path, root))


def default_out_dirs(scenario_path: Path, root: Path = Path("runs")) -> Iterator[Path]:
    """runs/<scenario name>, runs/<name>-2, ...: the candidates :func:`claimed` takes the
    first free one of, so two commands started at once get one each."""
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", scenario_path.stem)
    n = 1
    while True:
        candidate = root / (stem if n == 1 else f"{stem}-{n}")
        if not os.path.lexists(candidate):
            yield candidate
        n += 1


def execute_run(
    scenario_path: Path,
    replicates: int,
    seed: int,
    out: Path | None,
    replace: bool = False,
    command: str = "",
    charts: bool = True,
    loaded: tuple[Scenario, str] | None = None,
    yes: bool = False,
    progress: bool | None = None,
) -> RunResult:
    """Run a scenario and write its directory; returns the stored result.

    ``loaded`` is ``load_scenario_text(scenario_path)`` when the caller has already read
    and validated the file (the CLI does, to report a bad file before importing the engine).
    ``out`` None means the first free default folder (:func:`default_out_dirs`). The target
    is claimed (locked, checked) before the simulation, so a refusal comes at once.
    A run that cannot fit in memory or on disk, or (without ``yes``) would take more than
    an hour, is refused with :class:`sim.engine.resources.ResourceError` before it starts.
    ``progress``: a progress bar (None: on a terminal only).
    """
    scenario_path = Path(scenario_path)
    scenario, text = loaded if loaded is not None else load_scenario_text(scenario_path)
    check_run(scenario, replicates, out if out is not None else Path("runs"), RUN_CHUNK, yes)
    target = default_out_dirs(scenario_path) if out is None else out

    from sim.results.progress import progress_bar

    with claimed(target, replace, "run") as out:
        record = "full" if replicates <= FULL_DETAIL_MAX else "summary"
        meta = run_metadata(scenario_path, text, seed, replicates, command)
        steps = model_steps(scenario)
        with progress_bar(
            replicates * steps, 0, progress, label="run", unit="replicates", scale=steps
        ) as advance:
            result, trajectories = simulate(
                scenario, replicates, seed, record=record, meta=meta, progress=advance
            )
        result.path = out
        meta, outcomes, banded = result.meta, result.outcomes, result.series
        agreements = result.agreements

        def build(tmp: Path) -> None:
            (tmp / "scenario.toml").write_bytes(text.encode("utf-8"))  # byte-identical copy
            (tmp / "run.json").write_text(dump_json(meta))
            (tmp / "summary.json").write_text(dump_json(result.summary))
            np.savez_compressed(tmp / "outcomes.npz", **outcomes)
            np.savez_compressed(tmp / "agreements.npz", **agreements)
            np.savez_compressed(tmp / "series.npz", **banded)
            if trajectories:
                np.savez_compressed(tmp / "trajectories.npz", **trajectories)
            write_table_csv(tmp / "outcomes.csv", outcomes, meta)
            write_table_csv(tmp / "agreements.csv", agreements, meta)
            write_series_csv(tmp / "series.csv", banded, meta)
            write_responses_csv(tmp / "responses.csv", banded, meta)
            if charts:
                write_charts(result, tmp / "charts")

        write_atomically(out, build, replace=replace)
    return result


def model_steps(scenario: Scenario) -> int:
    """Steps of one model: one per calendar day, day 0 (the start date) to the horizon."""
    return int(scenario.scenario.horizon)


def simulate(
    scenario: Scenario,
    replicates: int,
    seed: int,
    overrides: dict | None = None,
    record: str = "summary",
    meta: dict | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[RunResult, dict[str, np.ndarray]]:
    """Run in memory: the stored-result view (for charts) and, with ``record="full"``,
    every replicate's trajectory. Used by `ceasefire run`.

    Up to :func:`sim.engine.resources.run_chunk_size` replicates (50,457 to 53,687 for
    the shipped scenarios, from model 2's memory per replicate) run as one model. A larger
    run is made of chunks of that many replicates, one after the other, so memory does not
    grow with the run beyond its tables: every outcome and agreement is the same bit for
    bit as in one model (a replicate's draws and state are its own; replicate ids are global),
    the per-day means and shares are those of the whole run (``recorder.merge_chunks``),
    the quantile bands those of the first chunk.
    The chunk size depends only on the scenario, so a run gives the same numbers on every
    machine. ``progress`` is called with the replicate-steps done, as they are done.
    """
    advance = progress or (lambda n: None)
    chunk = run_chunk_size(scenario, RUN_CHUNK)
    if replicates <= chunk:
        model = CeasefireModel(scenario, replicates, seed, overrides=overrides, record=record)
        _run(model, model_steps(scenario), advance)
        trajectories = {k: v for k, v in model.series().items() if k.endswith("_all")}
        return result_from_model(model, meta), trajectories
    if record != "summary":
        raise ValueError(f"a run of more than {chunk:,} replicates records 'summary' only")
    outcomes: dict[str, np.ndarray] = {}
    agreements: list[dict[str, np.ndarray]] = []
    totals, first = [], {}
    horizon = model_steps(scenario)
    for lo in range(0, replicates, chunk):
        hi = min(lo + chunk, replicates)
        part = {k: v if np.ndim(v) == 0 else v[lo:hi] for k, v in (overrides or {}).items()}
        model = CeasefireModel(
            scenario,
            np.arange(lo, hi, dtype=np.int64),
            seed,
            overrides=part or None,
            record="summary" if lo == 0 else "totals",
            totals=True,
        )
        _run(model, horizon, advance)
        for key, column in model.outcomes().items():
            if key not in outcomes:  # filled chunk by chunk: one table, never two copies
                outcomes[key] = np.empty(replicates, dtype=column.dtype)
            outcomes[key][lo:hi] = column
        agreements.append(global_ids(model.agreements(), lo))
        totals.append(model.recorder.stacked_totals())
        if lo == 0:
            first = model.series()
        del model
    table = {k: np.concatenate([a[k] for a in agreements]) for k in agreements[0]}
    series = merge_chunks(first, totals, replicates)
    return stored_result(scenario, seed, replicates, horizon, series, outcomes, table, meta), {}


def global_ids(agreements: dict[str, np.ndarray], lo: int) -> dict[str, np.ndarray]:
    """A chunk's agreements with the run's replicate ids: a chunk starting at replicate
    ``lo`` > 0 numbers its own replicates from 0 unless the engine already gave global ids
    (a chunk never holds more replicates than the chunks before it, so the two cannot be
    confused)."""
    rep = np.asarray(agreements["replicate"], dtype=np.int64)
    if lo and len(rep) and rep.min() < lo:
        agreements = agreements | {"replicate": rep + lo}
    return agreements


def _run(model: CeasefireModel, steps: int, advance: Callable[[int], None]) -> None:
    """Step a model to its horizon, reporting replicate-steps (a model that ends early
    reports its remaining steps at once)."""
    R = model.params.replicates
    done = 0
    while model.running:
        model.step()
        done += 1
        advance(R)
    advance(R * max(steps - done, 0))


def write_charts(result: RunResult, folder: Path, fmt: str = "png", only: str | None = None):
    """Write the run's charts (all, or the one named ``only``) as files in ``folder``."""
    from sim.charts import CHARTS, save_charts  # matplotlib only when charts are drawn

    charts = {name: chart for name, chart in CHARTS.items() if only in (None, name)}
    return save_charts(charts, result, folder, fmt)

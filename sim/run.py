"""Wiring for `ceasefire run`: scenario file -> model -> outcome tables -> run directory.

Each stage is a separate module (scenario, model, results, store, charts); this one only
passes data from one to the next, in that order.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np

from sim.engine.model import CeasefireModel
from sim.results.atomic import OutputExists, write_atomically
from sim.results.run_dir import (
    RunResult,
    result_from_model,
    run_metadata,
    write_outcomes_csv,
    write_responses_csv,
    write_series_csv,
)
from sim.scenario.load import load_scenario_text
from sim.scenario.schema import Scenario

FULL_DETAIL_MAX = 100  # keep every replicate's trajectory up to this many replicates


def default_out_dir(scenario_path: Path, root: Path = Path("runs")) -> Path:
    """runs/<scenario name>, or the first free runs/<name>-N: never an existing directory."""
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", scenario_path.stem)
    candidate, n = root / stem, 1
    while candidate.exists():
        n += 1
        candidate = root / f"{stem}-{n}"
    return candidate


def execute_run(
    scenario_path: Path,
    replicates: int,
    seed: int,
    out: Path,
    replace: bool = False,
    command: str = "",
    charts: bool = True,
    loaded: tuple[Scenario, str] | None = None,
) -> RunResult:
    """Run a scenario and write its directory; returns the stored result.

    ``loaded`` is ``load_scenario_text(scenario_path)`` when the caller has already read
    and validated the file (the CLI does, to report a bad file before importing the engine).
    """
    scenario_path = Path(scenario_path)
    scenario, text = loaded if loaded is not None else load_scenario_text(scenario_path)
    if out.exists() and not replace:
        raise OutputExists(f"{out}: already exists (use --replace to overwrite it, or --out)")

    record = "full" if replicates <= FULL_DETAIL_MAX else "summary"
    meta = run_metadata(scenario_path, text, seed, replicates, command)
    result, trajectories = simulate(scenario, replicates, seed, record=record, meta=meta)
    result.path = out
    meta, outcomes, banded, summary = result.meta, result.outcomes, result.series, result.summary

    def build(tmp: Path) -> None:
        (tmp / "scenario.toml").write_bytes(text.encode("utf-8"))  # byte-identical copy
        (tmp / "run.json").write_text(json.dumps(meta, indent=2) + "\n")
        (tmp / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
        np.savez_compressed(tmp / "outcomes.npz", **outcomes)
        np.savez_compressed(tmp / "series.npz", **banded)
        if trajectories:
            np.savez_compressed(tmp / "trajectories.npz", **trajectories)
        write_outcomes_csv(tmp / "outcomes.csv", outcomes, meta)
        write_series_csv(tmp / "series.csv", banded, meta)
        write_responses_csv(tmp / "responses.csv", banded, meta)
        if charts:
            write_charts(result, tmp / "charts")

    write_atomically(out, build, replace=replace)
    return result


def simulate(
    scenario: Scenario,
    replicates: int,
    seed: int,
    overrides: dict | None = None,
    record: str = "summary",
    meta: dict | None = None,
) -> tuple[RunResult, dict[str, np.ndarray]]:
    """Run in memory: the stored-result view (for charts) and, with ``record="full"``,
    every replicate's trajectory. Used by `ceasefire run`."""
    model = CeasefireModel(scenario, replicates, seed, overrides=overrides, record=record)
    model.run_model()
    trajectories = {k: v for k, v in model.recorder.series().items() if k.endswith("_all")}
    return result_from_model(model, meta), trajectories


def write_charts(result: RunResult, folder: Path, fmt: str = "png", only: str | None = None):
    """Write the run's charts (all, or the one named ``only``) as files in ``folder``."""
    from sim.charts import CHARTS, save_charts  # matplotlib only when charts are drawn

    charts = {name: chart for name, chart in CHARTS.items() if only in (None, name)}
    return save_charts(charts, result, folder, fmt)

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
from sim.results.run_dir import (
    RunResult,
    run_metadata,
    write_atomically,
    write_outcomes_csv,
    write_responses_csv,
    write_series_csv,
)
from sim.results.summary import summarise
from sim.scenario.load import load_scenario_text
from sim.scenario.schema import Scenario

FULL_DETAIL_MAX = 100  # keep every replicate's trajectory up to this many replicates


def scenario_facts(s: Scenario) -> dict:
    """What charts and reports need to know about the scenario, as plain JSON."""
    return {
        "scenario_name": s.scenario.name,
        "start_date": s.scenario.start_date.isoformat(),
        "actor_ids": list(s.actors),
        "names": [a.name for a in s.actors.values()],
        "roles": [a.role for a in s.actors.values()],
        "issue_ids": list(s.issues),
        "issue_labels": [i.label for i in s.issues.values()],
        "issue_zero": [i.zero for i in s.issues.values()],
        "issue_one": [i.one for i in s.issues.values()],
        "threat_ids": list(s.threats),
        "threats": {
            t: {
                "by": v.by,
                "target": v.target,
                "issued": v.issued.isoformat(),
                "deadline": v.deadline.isoformat(),
                "severity": v.severity,
                "credibility": v.credibility,
            }
            for t, v in s.threats.items()
        },
        "events": {
            e: {"date": v.date.isoformat(), "description": v.description}
            for e, v in s.events.items()
        },
        "rounds": s.negotiation.rounds,
        "duration_days": s.implementation.duration_days,
    }


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
        from sim.results.run_dir import OutputExists

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


def result_from_model(model: CeasefireModel, meta: dict | None = None) -> RunResult:
    """The stored-result view of a model at any point of its run, for the chart functions.

    The dashboard draws a model that is still running with the same charts as a finished
    run. While the talks go on there is no outcome yet, so ``outcomes`` and ``summary`` are
    empty; once the ceasefire phase has begun the outcome columns exist, and the survival
    columns count the ceasefire days run so far (final when ``model.phase == "done"``).
    """
    scenario, p = model.scenario_spec, model.params
    series = model.recorder.series() if model.recorder is not None else {}
    banded = {k: v for k, v in series.items() if not k.endswith("_all")}
    facts = scenario_facts(scenario) | {"seed": p.seed, "replicates": p.replicates}
    outcomes: dict[str, np.ndarray] = {}
    summary: dict = {}
    if model.ceasefire is not None:
        outcomes = model.outcomes()
        summary = summarise(
            outcomes,
            scenario.scenario.start_date,
            scenario.implementation.duration_days,
            tuple(scenario.issues),
            tuple(scenario.threats),
        )
    return RunResult(Path("."), (meta or {}) | facts, outcomes, banded, summary)


def write_charts(result: RunResult, folder: Path, fmt: str = "png", only: str | None = None):
    """Write the run's charts (all, or the one named ``only``) as files in ``folder``."""
    from sim.charts import CHARTS, save_charts

    charts = {name: chart for name, chart in CHARTS.items() if only in (None, name)}
    return save_charts(charts, result, folder, fmt)

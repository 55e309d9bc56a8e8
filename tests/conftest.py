"""Shared fixtures: results made by running the real model on small ensembles.

The degenerate cases are forced through parameter overrides rather than hand-made tables,
so the charts meet exactly what the model produces:
- no agreement anywhere: Russia's and Ukraine's red lines on Kursk cannot both hold;
- agreement in round 0: every reservation value at 0 and Russia's Kursk red line removed.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from sim.results.run_dir import RunResult
from sim.run import simulate
from sim.scenario.load import DEFAULT_SCENARIO, load_scenario

NO_AGREEMENT = {
    "actors.russia.stances.kursk.red_line.never_below": 1.0,
    "actors.russia.stances.kursk.spread.red_line": 0.0,
    "actors.ukraine.stances.kursk.red_line.never_above": 0.0,
    "actors.ukraine.stances.kursk.spread.red_line": 0.0,
}
ROUND_ZERO = {
    "actors.russia.reservation": 0.0,
    "actors.ukraine.reservation": 0.0,
    "actors.united_states.reservation": 0.0,
    "actors.russia.stances.kursk.red_line.never_below": 0.0,
    "actors.russia.stances.kursk.spread.red_line": 0.0,
}
CASES = {  # name -> (replicates, overrides)
    "large": (2000, {}),
    "single": (1, {}),
    "no_agreement": (40, NO_AGREEMENT),
    "round_zero": (40, ROUND_ZERO),
}


@pytest.fixture(scope="session")
def scenario():
    return load_scenario(DEFAULT_SCENARIO)


@pytest.fixture(scope="session")
def runs(scenario) -> dict[str, RunResult]:
    """One in-memory result per case (seed 5)."""
    out = {}
    for name, (replicates, overrides) in CASES.items():
        result, _ = simulate(scenario, replicates, 5, overrides=overrides)
        result.meta |= {"version": "test", "command": f"fixture {name}"}
        out[name] = result
    return out


def store_run(result: RunResult, path: Path) -> Path:
    """Write a result as a run directory (the files report, plot and compare read)."""
    path.mkdir(parents=True)
    shutil.copy(DEFAULT_SCENARIO, path / "scenario.toml")
    (path / "run.json").write_text(json.dumps(result.meta, indent=2))
    (path / "summary.json").write_text(json.dumps(result.summary, indent=2))
    np.savez_compressed(path / "outcomes.npz", **result.outcomes)
    np.savez_compressed(path / "series.npz", **result.series)
    return path


@pytest.fixture(scope="session")
def run_dirs(runs, tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("runs")
    return {name: store_run(result, root / name) for name, result in runs.items()}


@pytest.fixture(scope="session")
def default_scenario(scenario):
    """The default scenario, by the name the model tests use."""
    return scenario


def stated_values(scenario) -> dict[str, float]:
    """Overrides that switch off perception noise and every stance spread, so each
    replicate holds exactly the values written in the scenario file."""
    ov: dict[str, float] = {f"actors.{a}.noise": 0.0 for a in scenario.actors}
    for a, actor in scenario.actors.items():
        for f in type(actor.spread).model_fields:
            ov[f"actors.{a}.spread.{f}"] = 0.0
        for k, st in actor.stances.items():
            ov[f"actors.{a}.stances.{k}.spread.position"] = 0.0
            ov[f"actors.{a}.stances.{k}.spread.salience"] = 0.0
            if st.red_line is not None:
                ov[f"actors.{a}.stances.{k}.spread.red_line"] = 0.0
    for t in scenario.threats:
        ov[f"threats.{t}.spread.credibility"] = 0.0
        ov[f"threats.{t}.spread.severity"] = 0.0
    return ov

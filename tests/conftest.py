"""Shared fixtures: results made by running the real model on small ensembles.

The degenerate cases are forced through parameter overrides rather than hand-made tables,
so the charts meet exactly what the model produces (model 2, the calendar-day engine):
- no deal anywhere: both parties' aspirations at 1, more than any package and halt offers;
- a comprehensive deal on day 0 (Jeddah): both aspirations at -1 and Russia's Kursk red
  line removed, so the full ceasefire is agreed at the first session.
Each case is run when a test first asks for it (the large one takes a while).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.results.run_dir import RunResult
from sim.run import simulate
from sim.scenario.load import DEFAULT_SCENARIO, load_scenario
from tests.support.model2_outputs import store_run_dir

NO_AGREEMENT = {"actors.russia.aspiration": 1.0, "actors.ukraine.aspiration": 1.0}
ROUND_ZERO = {
    "actors.russia.aspiration": -1.0,
    "actors.ukraine.aspiration": -1.0,
    "actors.russia.stances.kursk.red_line.never_below": 0.0,
    "actors.russia.stances.kursk.spread.red_line": 0.0,
}
CASES = {  # name -> (replicates, overrides)
    "large": (2000, {}),
    "single": (1, {}),
    "no_agreement": (40, NO_AGREEMENT),
    "round_zero": (40, ROUND_ZERO),
}


def _check_case(name: str, result: RunResult) -> None:
    """The degenerate cases are what their names say, or the fixture is wrong."""
    o = result.outcomes
    if name == "no_agreement":
        assert result.summary["deals"] == 0 and (o["first_deal_day"] == -1).all()
    if name == "round_zero":
        assert (o["first_comprehensive_day"] == 0).all()


class _Runs(dict):
    """Case name -> in-memory result (seed 5), run on first use."""

    def __init__(self, scenario) -> None:
        super().__init__()
        self.scenario = scenario

    def __missing__(self, name: str) -> RunResult:
        replicates, overrides = CASES[name]
        result, _ = simulate(self.scenario, replicates, 5, overrides=overrides)
        result.meta |= {"version": "test", "command": f"fixture {name}"}
        _check_case(name, result)
        self[name] = result
        return result


class _RunDirs(dict):
    """Case name -> its run directory, written on first use."""

    def __init__(self, runs: _Runs, root: Path) -> None:
        super().__init__()
        self.runs, self.root = runs, root

    def __missing__(self, name: str) -> Path:
        self[name] = store_run(self.runs[name], self.root / name)
        return self[name]


@pytest.fixture(scope="session")
def scenario():
    return load_scenario(DEFAULT_SCENARIO)


@pytest.fixture(scope="session")
def runs(scenario) -> dict[str, RunResult]:
    """One in-memory result per case (seed 5), each run when first looked up."""
    return _Runs(scenario)


def store_run(result: RunResult, path: Path) -> Path:
    """Write a result as a run directory of the default scenario (the files report, plot
    and compare read: agreements.npz included)."""
    return store_run_dir(result, path, DEFAULT_SCENARIO)


@pytest.fixture(scope="session")
def run_dirs(runs, tmp_path_factory) -> dict[str, Path]:
    return _RunDirs(runs, tmp_path_factory.mktemp("runs"))


@pytest.fixture(scope="session")
def default_scenario(scenario):
    """The default scenario, by the name the model tests use."""
    return scenario


def stated_values(scenario) -> dict[str, float]:
    """Overrides that switch off perception noise and every spread (actors, stances, fronts,
    threats), so each replicate holds exactly the values written in the scenario file."""
    ov: dict[str, float] = {f"actors.{a}.noise": 0.0 for a in scenario.actors}
    for a, actor in scenario.actors.items():
        for f in type(actor.spread).model_fields:
            ov[f"actors.{a}.spread.{f}"] = 0.0
        for k, st in actor.stances.items():
            ov[f"actors.{a}.stances.{k}.spread.position"] = 0.0
            ov[f"actors.{a}.stances.{k}.spread.salience"] = 0.0
            if st.red_line is not None:
                ov[f"actors.{a}.stances.{k}.spread.red_line"] = 0.0
    for fid, front in scenario.fronts.items():
        for f in type(front.spread).model_fields:
            ov[f"fronts.{fid}.spread.{f}"] = 0.0
    for t in scenario.threats:
        ov[f"threats.{t}.spread.credibility"] = 0.0
        ov[f"threats.{t}.spread.severity"] = 0.0
    return ov


@pytest.fixture(scope="session")
def made_run(tmp_path_factory) -> Path:
    """A run directory written by `ceasefire run` itself, marker and charts included (the
    data-safety and damaged-directory tests copy it before changing anything). The default
    scenario on its short calendar (tests/support/short.py): those tests are about files."""
    from typer.testing import CliRunner

    from sim.cli import app
    from tests.support.short import write_short

    folder = tmp_path_factory.mktemp("made")
    scenario, out = write_short(folder, "march-2025-short.toml"), folder / "run"
    args = ["run", str(scenario), "-n", "12", "--seed", "3", "--out", str(out)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    return out

"""A run directory's contents: metadata, the CSV tables, and the result read back.

:class:`RunResult` is the one view charts and reports draw from, whether it was read from
a directory (:func:`load_run`) or taken from a model in memory (:func:`result_from_model`,
the dashboard's live view). Directories are written whole by :mod:`sim.results.atomic`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import platform
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from sim.engine.model import CeasefireModel
from sim.results.run_checks import read_run_files
from sim.results.summary import summarise
from sim.scenario.facts import scenario_facts
from sim.scenario.schema import Scenario
from sim.version import __version__


def run_metadata(
    scenario_path: Path, scenario_text: str, seed: int, replicates: int, command: str
) -> dict:
    import matplotlib
    import mesa

    return {
        "package": "ceasefire-sim",
        "version": __version__,
        "scenario_file": str(scenario_path),
        "scenario_sha256": hashlib.sha256(scenario_text.encode()).hexdigest(),
        "seed": seed,
        "replicates": replicates,
        "command": command,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "mesa": mesa.__version__,
        "matplotlib": matplotlib.__version__,
    }


def run_facts(scenario: Scenario, horizon: int) -> dict:
    """The scenario's facts (:func:`scenario_facts`: ids, names, tracks, fronts, dates) with
    the run's horizon and each front's stated drift (what the beliefs chart compares with)."""
    start = scenario.scenario.start_date
    return scenario_facts(scenario) | {
        "horizon": int(horizon),
        "end_date": (start + dt.timedelta(days=int(horizon) - 1)).isoformat(),
        "front_drift": [float(f.drift) for f in scenario.fronts.values()],
    }


@dataclass
class RunResult:
    """A run directory read back: what charts and reports are drawn from."""

    path: Path
    meta: dict  # run.json plus scenario facts (ids, names, roles, dates, tracks, fronts)
    outcomes: dict[str, np.ndarray]  # one row per replicate
    series: dict[str, np.ndarray]  # one row per day
    summary: dict
    agreements: dict[str, np.ndarray] = field(default_factory=dict)  # one row per deal

    @property
    def start_date(self) -> dt.date:
        return dt.date.fromisoformat(self.meta["start_date"])

    @property
    def horizon(self) -> int:
        """Days on the calendar (day 0 .. horizon - 1)."""
        return int(self.meta["horizon"])

    def dates(self, days: np.ndarray) -> np.ndarray:
        start = np.datetime64(self.meta["start_date"], "D")
        return start + np.asarray(days).astype("timedelta64[D]")


def load_run(path: str | Path) -> RunResult:
    """Read a run directory back, checking every file the charts and reports use
    (:func:`sim.results.run_checks.read_run_files`: RunReadError, one line naming the file)."""
    path = Path(path)
    meta, summary, outcomes, agreements, series = read_run_files(path)
    return RunResult(path, meta, outcomes, series, summary, agreements)


def result_from_model(model: CeasefireModel, meta: dict | None = None) -> RunResult:
    """The stored-result view of a model at any point of its run, for the chart functions.

    The dashboard draws a model that is still running with the same charts as a finished
    run: the outcomes and agreements so far (deals still in force or pending are open rows),
    and the series of the days run.
    """
    p = model.params
    series = {k: v for k, v in model.series().items() if not k.endswith("_all")}
    return stored_result(
        model.scenario_spec,
        p.seed,
        p.replicates,
        int(p.horizon),
        series,
        model.outcomes(),
        model.agreements(),
        meta,
    )


def stored_result(
    scenario: Scenario,
    seed: int,
    replicates: int,
    horizon: int,
    series: dict[str, np.ndarray],
    outcomes: dict[str, np.ndarray],
    agreements: dict[str, np.ndarray],
    meta: dict | None = None,
) -> RunResult:
    """A run's tables with its facts and summary, as charts read it (a model's, or the
    chunks' of a large run put together)."""
    facts = run_facts(scenario, horizon) | {"seed": seed, "replicates": replicates}
    meta = (meta or {}) | facts
    summary = summarise(outcomes, agreements, meta) if outcomes else {}
    return RunResult(Path("."), meta, outcomes, series, summary, agreements)

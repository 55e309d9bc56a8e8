"""A run directory's contents: metadata, the CSV tables, and the result read back.

:class:`RunResult` is the one view charts and reports draw from, whether it was read from
a directory (:func:`load_run`) or taken from a model in memory (:func:`result_from_model`,
the dashboard's live view). Directories are written whole by :mod:`sim.results.atomic`.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import platform
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.engine.codes import OUTCOME_LABELS, violator_name
from sim.engine.model import CeasefireModel
from sim.engine.recorder import QUANTILES
from sim.results.summary import summarise
from sim.scenario.facts import scenario_facts
from sim.version import __version__

SERIES_VARIABLES = ("proposal", "position", "utility", "reservation")


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


def write_outcomes_csv(path: Path, outcomes: dict[str, np.ndarray], meta: dict) -> None:
    """Human-readable outcome table: labels instead of codes, dates beside rounds."""
    start = dt.date.fromisoformat(meta["start_date"])
    actors = meta["actor_ids"]
    names = list(outcomes)
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        header = []
        for name in names:
            header.append(name)
            if name == "agreement_round":
                header.append("agreement_date")
        w.writerow(header)
        for r in range(len(outcomes["replicate"])):
            row = []
            for name in names:
                v = outcomes[name][r]
                if name == "outcome":
                    row.append(OUTCOME_LABELS[int(v)])
                elif name == "first_violator":
                    row.append(violator_name(v, actors))
                elif name == "agreement_round":
                    row.append(int(v))
                    row.append((start + dt.timedelta(days=int(v))).isoformat() if v >= 0 else "")
                elif isinstance(v, np.bool_ | bool):
                    row.append(int(v))
                elif isinstance(v, np.floating):
                    row.append("" if np.isnan(v) else f"{float(v):.6g}")
                else:
                    row.append(int(v))
            w.writerow(row)


def write_series_csv(path: Path, series: dict[str, np.ndarray], meta: dict) -> None:
    """Long table: round, date, variable, actor, issue, mean and quantile bands."""
    start = dt.date.fromisoformat(meta["start_date"])
    actors, issues = meta["actor_ids"], meta["issue_ids"]
    qnames = [f"q{int(round(q * 100)):02d}" for q in QUANTILES]
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["round", "date", "variable", "actor", "issue", "mean", *qnames])
        for t, rnd in enumerate(series["round"]):
            date = (start + dt.timedelta(days=int(rnd))).isoformat()
            for var in SERIES_VARIABLES:
                mean, q = series[f"{var}_mean"][t], series[f"{var}_q"][t]
                for index in np.ndindex(mean.shape):
                    if var == "proposal":
                        actor, issue = "", issues[index[0]]
                    elif var == "position":
                        actor, issue = actors[index[0]], issues[index[1]]
                    else:
                        actor, issue = actors[index[0]], ""
                    bands = [f"{q[(j, *index)]:.6g}" for j in range(len(QUANTILES))]
                    w.writerow([int(rnd), date, var, actor, issue, f"{mean[index]:.6g}", *bands])


def write_responses_csv(path: Path, series: dict[str, np.ndarray], meta: dict) -> None:
    """Per round and actor: shares of reject / accept / conditional yes, and of each
    condition named, among the replicates still negotiating that round."""
    start = dt.date.fromisoformat(meta["start_date"])
    actors, issues = meta["actor_ids"], meta["issue_ids"]
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(
            [
                "round",
                "date",
                "actor",
                "negotiating",
                "reject",
                "accept",
                "conditional",
                *[f"names_{k}" for k in issues],
            ]
        )
        for t, rnd in enumerate(series["round"]):
            date = (start + dt.timedelta(days=int(rnd))).isoformat()
            for i, actor in enumerate(actors):
                shares = series["answer_share"][t, i]
                conds = series["condition_share"][t, i]
                w.writerow(
                    [
                        int(rnd),
                        date,
                        actor,
                        int(series["negotiating"][t]),
                        *[f"{v:.6g}" for v in shares],
                        *[f"{v:.6g}" for v in conds],
                    ]
                )


@dataclass
class RunResult:
    """A run directory read back: what charts and reports are drawn from."""

    path: Path
    meta: dict  # run.json plus scenario facts (ids, names, roles, dates, events)
    outcomes: dict[str, np.ndarray]
    series: dict[str, np.ndarray]
    summary: dict

    @property
    def start_date(self) -> dt.date:
        return dt.date.fromisoformat(self.meta["start_date"])

    def dates(self, rounds: np.ndarray) -> np.ndarray:
        start = np.datetime64(self.meta["start_date"], "D")
        return start + np.asarray(rounds).astype("timedelta64[D]")


def load_run(path: str | Path) -> RunResult:
    path = Path(path)
    with open(path / "run.json") as fh:
        meta = json.load(fh)
    with open(path / "summary.json") as fh:
        summary = json.load(fh)
    with np.load(path / "outcomes.npz") as z:
        outcomes = {k: z[k] for k in z.files}
    series: dict[str, np.ndarray] = {}
    if (path / "series.npz").exists():
        with np.load(path / "series.npz") as z:
            series = {k: z[k] for k in z.files}
    return RunResult(path, meta, outcomes, series, summary)


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

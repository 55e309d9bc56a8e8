"""The Python API for notebooks: load a scenario, run it, sweep it, summarise it, plot it.

Everything returns plain objects and pandas DataFrames with named categories (outcome
classes and first violators are names, never codes). The same engine, files and numbers
as the `ceasefire` command; see docs/api.md for a worked example.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sim.engine.codes import OUTCOME_LABELS, violator_name
from sim.engine.model import CeasefireModel  # noqa: F401 (offered by the facade)
from sim.results.measures import EXTENDED, SHARES, SURVIVES
from sim.results.run_dir import RunResult, load_run
from sim.results.stats import wilson_interval
from sim.run import simulate as _simulate
from sim.scenario.load import DEFAULT_SCENARIO, load_scenario
from sim.scenario.schema import Scenario

# The names `import sim` offers: sim/__init__.py (_API).


def _scenario(scenario: Scenario | str | Path) -> Scenario:
    return scenario if isinstance(scenario, Scenario) else load_scenario(scenario)


def simulate(
    scenario: Scenario | str | Path = DEFAULT_SCENARIO,
    replicates: int = 1000,
    seed: int = 1,
    overrides: dict | None = None,
) -> RunResult:
    """Run a scenario in memory (what `ceasefire run` writes, without the directory).

    ``overrides`` maps dotted parameter paths to values, as sweeps and events use them.
    """
    result, _ = _simulate(_scenario(scenario), replicates, seed, overrides=overrides)
    return result


def outcomes(result: RunResult | str | Path) -> pd.DataFrame:
    """One row per replicate; ``outcome`` and ``first_violator`` as named categories.

    Accepts a result from :func:`simulate` or a run directory. Missing values (no agreement:
    no terms, no monitoring) are NaN, and the agreement date sits beside its round.
    """
    result = result if isinstance(result, RunResult) else load_run(result)
    frame = pd.DataFrame(result.outcomes)
    actors = result.meta["actor_ids"]
    frame["outcome"] = pd.Categorical.from_codes(
        frame["outcome"].astype(int), categories=list(OUTCOME_LABELS)
    )
    violators = [violator_name(v, actors) or "none" for v in frame["first_violator"]]
    frame["first_violator"] = pd.Categorical(
        violators, categories=[*actors, "several", "none"]
    ).remove_unused_categories()
    start = np.datetime64(result.meta["start_date"], "D")
    days = frame["agreement_round"].to_numpy()
    dates = start + days.astype("timedelta64[D]")
    frame.insert(
        frame.columns.get_loc("agreement_round") + 1,
        "agreement_date",
        pd.Series(np.where(days >= 0, dates, np.datetime64("NaT", "D")), dtype="datetime64[s]"),
    )
    return frame


def summarise(result: RunResult | str | Path) -> pd.DataFrame:
    """The outcome measures of a run (or of every point of a sweep directory), with
    Wilson 95% intervals: one row per measure (per point for a sweep)."""
    if not isinstance(result, RunResult) and (Path(result) / "manifest.json").exists():
        from sim.sweep.summarize import summarise_sweep

        table = summarise_sweep(result).table
        return pd.DataFrame({k: np.asarray(v) for k, v in table.items()})
    result = result if isinstance(result, RunResult) else load_run(result)
    rows = []
    for measure in (*SHARES, SURVIVES, EXTENDED):
        k, n = measure.count(result.outcomes)
        lo, hi = wilson_interval(k, n)
        rows.append(
            {
                "measure": measure.label,
                "share": k / n if n else np.nan,
                "count": k,
                "n": n,
                "ci95_low": lo,
                "ci95_high": hi,
            }
        )
    return pd.DataFrame(rows)


def sweep(experiment: str | Path, out: str | Path, workers: int = 1) -> pd.DataFrame:
    """Run (or resume) a sweep file into ``out``; its per-point summary as a DataFrame."""
    from sim.sweep.runner import run_sweep
    from sim.sweep.summarize import summarise_sweep, write_summary

    run_sweep(Path(experiment), Path(out), workers=workers, progress=False)
    write_summary(summarise_sweep(out))
    return summarise(out)


def plot(result: RunResult | str | Path, chart: str = "outcomes"):
    """One chart of a run (a matplotlib Figure); names as in `ceasefire plot --only`."""
    from sim.charts import CHARTS

    result = result if isinstance(result, RunResult) else load_run(result)
    if chart not in CHARTS:
        raise ValueError(f"unknown chart {chart!r}; valid names: {', '.join(CHARTS)}")
    return CHARTS[chart](result)

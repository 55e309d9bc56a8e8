"""The Python API for notebooks: load a scenario, run it, sweep it, summarise it, plot it.

Everything returns plain objects and pandas DataFrames with named categories (tracks,
sides, coverage, classes, end reasons and actors are names, never codes; days have their
dates beside them). The same engine, files and numbers
as the `ceasefire` command; see docs/api.md for a worked example.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sim.engine.codes import Coverage, DealClass, EndReason, Outcome, Purpose, Side, Violator
from sim.engine.model import CeasefireModel  # noqa: F401 (offered by the facade)
from sim.results.measures import MEASURES
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


def _result(result: RunResult | str | Path) -> RunResult:
    return result if isinstance(result, RunResult) else load_run(result)


def _named(codes, labels: list[str], none: str = "none") -> pd.Categorical:
    """Codes (0..len-1, and -1 for none) as a categorical of names, in the labels' order;
    for actor columns, -2 (several parties on one day, :class:`Violator`) is "several"."""
    codes = np.asarray(codes, dtype=np.int64)
    several = bool((codes == Violator.SEVERAL).any())
    names = [*labels, *(["several"] if several else []), none]
    index = np.where(codes >= 0, codes, len(names) - 1)
    if several:
        index = np.where(codes == Violator.SEVERAL, len(labels), index)
    return pd.Categorical.from_codes(index, categories=names)


def _enum(codes, enum) -> pd.Categorical:
    return pd.Categorical.from_codes(
        np.asarray(codes, dtype=np.int64), categories=[e.label for e in enum]
    )


def _dates(days, start: str) -> pd.Series:
    """Calendar days since the start as dates; NaT where the day is -1 (never)."""
    days = np.asarray(days, dtype=np.int64)
    dates = np.datetime64(start, "D") + np.maximum(days, 0).astype("timedelta64[D]")
    return pd.Series(np.where(days >= 0, dates, np.datetime64("NaT", "D")), dtype="datetime64[s]")


def _insert_date(frame: pd.DataFrame, day_column: str, date_column: str, start: str) -> None:
    frame.insert(
        frame.columns.get_loc(day_column) + 1, date_column, _dates(frame[day_column], start)
    )


def outcomes(result: RunResult | str | Path) -> pd.DataFrame:
    """One row per replicate (model 2's outcomes), categories named, dates beside days.

    Accepts a result from :func:`simulate` or a run directory. ``outcome`` is the broadest
    coverage of any deal agreed (none / partial / comprehensive); ``first_deal_track`` a
    track id; ``first_breakdown_by`` and ``decided_by_<front>`` actor ids ("none" where
    nothing happened); each ``*_day`` column has its ``*_date`` beside it (NaT: never).
    """
    result = _result(result)
    meta = result.meta
    frame = pd.DataFrame(result.outcomes)
    actors, tracks = list(meta["actor_ids"]), list(meta.get("track_ids", []))
    frame["outcome"] = _enum(frame["outcome"], Outcome)
    if "first_deal_track" in frame:
        frame["first_deal_track"] = _named(frame["first_deal_track"], tracks)
    for column in frame.columns:
        if column == "first_breakdown_by" or column.startswith("decided_by_"):
            frame[column] = _named(frame[column], actors)
    for column in list(frame.columns):
        if column.startswith("first_") and column.endswith("_day"):
            _insert_date(frame, column, column[: -len("_day")] + "_date", meta["start_date"])
        elif column.startswith("decided_day_"):
            date = "decided_date_" + column[len("decided_day_") :]
            _insert_date(frame, column, date, meta["start_date"])
    return frame


def agreements(result: RunResult | str | Path) -> pd.DataFrame:
    """One row per deal per replicate (unilateral truces included), categories named.

    ``track`` is the track id ("unilateral" for a unilateral truce), ``declared_by`` and
    ``broken_by`` actor ids ("none"), ``side``, ``coverage``, ``deal_class``, ``purpose``
    and ``end_reason`` their names; ``date_agreed``, ``date_in_force`` and ``date_ended``
    stand beside their days (NaT: never). ``term_<issue>`` is NaN where the deal does not
    decide the issue.
    """
    result = _result(result)
    meta = result.meta
    frame = pd.DataFrame(result.agreements)
    actors, tracks = list(meta["actor_ids"]), list(meta.get("track_ids", []))
    frame["track"] = _named(frame["track"], tracks, none="unilateral")
    for column in ("declared_by", "broken_by"):
        frame[column] = _named(frame[column], actors)
    for column, enum in AGREEMENT_ENUMS.items():
        frame[column] = _enum(frame[column], enum)
    for day, date in (
        ("day_agreed", "date_agreed"),
        ("day_in_force", "date_in_force"),
        ("day_ended", "date_ended"),
    ):
        _insert_date(frame, day, date, meta["start_date"])
    return frame


AGREEMENT_ENUMS = {
    "side": Side,
    "coverage": Coverage,
    "deal_class": DealClass,
    "purpose": Purpose,
    "end_reason": EndReason,
}


def summarise(result: RunResult | str | Path) -> pd.DataFrame:
    """Model 2's headline measures of a run with Wilson 95% intervals, one row per
    measure (:mod:`sim.results.measures`: shares of replicates or of deals, ``of`` says
    which); or, for a sweep directory, one row per design point."""
    if not isinstance(result, RunResult) and (Path(result) / "manifest.json").exists():
        from sim.sweep.summarize import summarise_sweep

        table = summarise_sweep(result).table
        return pd.DataFrame({k: np.asarray(v) for k, v in table.items()})
    result = _result(result)
    rows = []
    for measure in MEASURES:
        k, n = measure.count(result.outcomes, result.agreements)
        lo, hi = wilson_interval(k, n)
        rows.append(
            {
                "measure": measure.label,
                "share": k / n if n else np.nan,
                "count": k,
                "n": n,
                "of": measure.of,
                "ci95_low": lo,
                "ci95_high": hi,
            }
        )
    return pd.DataFrame(rows)


def sweep(
    experiment: str | Path, out: str | Path, workers: int = 1, yes: bool = False
) -> pd.DataFrame:
    """Run (or resume) a sweep file into ``out``; its per-point summary as a DataFrame.

    ``yes`` starts a sweep of more than 10^7 runs or about an hour (`--yes`); one that
    cannot fit in memory or on disk raises ``ResourceError`` saying what would fit."""
    from sim.sweep.runner import run_sweep
    from sim.sweep.summarize import summarise_sweep, write_summary

    run_sweep(Path(experiment), Path(out), workers=workers, progress=False, yes=yes)
    write_summary(summarise_sweep(out))
    return summarise(out)


def plot(result: RunResult | str | Path, chart: str = "outcomes"):
    """One chart of a run (a matplotlib Figure); names as in `ceasefire plot --only`."""
    from sim.charts import CHARTS

    result = _result(result)
    if chart not in CHARTS:
        raise ValueError(f"unknown chart {chart!r}; valid names: {', '.join(CHARTS)}")
    return CHARTS[chart](result)

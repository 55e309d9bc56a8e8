"""The run directory's CSV tables, for a reader or a DataFrame: names, not codes; dates beside days.

The .npz archives hold the codes the engine writes (docs/model.md, 'Outputs'); these
tables turn every code into its name (an actor's id, a track's id, ``partial``,
``breakdown``), put the calendar date beside every day, write an empty cell for "none"
(day -1, no actor) and ``true``/``false`` for flags, so ``pandas.read_csv`` reads them
without a codebook.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from pathlib import Path

import numpy as np

from sim.engine.codes import Coverage, DealClass, EndReason, Outcome, Purpose, Side
from sim.engine.recorder import QUANTILES

QNAMES = [f"q{int(round(q * 100)):02d}" for q in QUANTILES]
CODES: dict[str, type] = {  # column -> the enum whose labels it prints
    "outcome": Outcome,
    "side": Side,
    "coverage": Coverage,
    "deal_class": DealClass,
    "purpose": Purpose,
    "end_reason": EndReason,
}


def _date_of(start: dt.date) -> Callable[[int], str]:
    return lambda day: (start + dt.timedelta(days=int(day))).isoformat() if day >= 0 else ""


def _number(v) -> str:
    if isinstance(v, np.bool_ | bool):
        return "true" if v else "false"
    if isinstance(v, np.floating | float):
        return "" if np.isnan(v) else f"{float(v):.6g}"
    return str(int(v))


def _formatter(name: str, meta: dict) -> Callable:
    """How one column's value is written: a label, an actor or track id, or a number."""
    actors, tracks = meta["actor_ids"], meta.get("track_ids", [])
    if name in CODES:
        labels = {int(c): c.label for c in CODES[name]}
        return lambda v: labels.get(int(v), str(int(v)))
    if name in ("declared_by", "broken_by", "first_breakdown_by") or name.startswith("decided_by_"):
        return lambda v: actors[int(v)] if 0 <= int(v) < len(actors) else ""
    if name in ("track", "first_deal_track"):
        unilateral = "unilateral" if name == "track" else ""
        return lambda v: tracks[int(v)] if 0 <= int(v) < len(tracks) else unilateral
    if name.endswith("_day") or name.startswith(("day_", "decided_day_")):
        return lambda v: str(int(v)) if v >= 0 else ""
    return _number


def _dated(name: str) -> str | None:
    """The date column written beside a day column (None: the column is not a day)."""
    if name.startswith("day_"):
        return "date_" + name[len("day_") :]
    if name.endswith("_day"):
        return name[: -len("_day")] + "_date"
    if name.startswith("decided_day_"):
        return "decided_date_" + name[len("decided_day_") :]
    return None


def write_table_csv(path: Path, table: dict[str, np.ndarray], meta: dict) -> None:
    """One row per entry of a column table (outcomes or agreements), names and dates."""
    date = _date_of(dt.date.fromisoformat(meta["start_date"]))
    names = list(table)
    fmt = {name: _formatter(name, meta) for name in names}
    header: list[str] = []
    for name in names:
        header.append(name)
        if _dated(name):
            header.append(_dated(name))
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        for r in range(len(table[names[0]]) if names else 0):
            row = []
            for name in names:
                v = table[name][r]
                row.append(fmt[name](v))
                if _dated(name):
                    row.append(date(int(v)))
            w.writerow(row)


SERIES_ROWS = {  # series key (its _q and _mean) -> variable name and the axes after the day
    "control": ("control", ("front",)),
    "belief": ("belief_drift", ("actor", "front")),
    "outside_value": ("outside_option", ("actor",)),
    "offer_value": ("offer_value", ("actor", "track")),
}
SHARE_ROWS = {  # series key -> variable name and its axes (a share: the mean column only)
    "in_force_share": ("in_force", ("track+",)),
    "agreed_share": ("agreed", ("track+",)),
    "decided_share": ("decided", ("front", "side")),
    "session_share": ("session", ()),
    "broken_off_share": ("broken_off", ()),
    "deals_in_force_mean": ("deals_in_force", ()),
}
COLUMNS = ("actor", "front", "track", "issue")


def _axis_names(meta: dict) -> dict[str, list[str]]:
    return {
        "actor": meta["actor_ids"],
        "front": meta.get("front_ids", []),
        "track": meta.get("track_ids", []),
        "track+": [*meta.get("track_ids", []), "unilateral"],
        "issue": meta["issue_ids"],
        "side": ["first", "second"],
    }


def write_series_csv(path: Path, series: dict[str, np.ndarray], meta: dict) -> None:
    """Long table: day, date, variable, actor, front, track, issue, mean and the bands.

    Bands (q05..q95) are across replicates; shares (deals in force, fronts decided, talks
    broken off) have the mean column only. A decided front's ``actor`` is the side that
    holds it. Rows with no value at all (a belief nobody holds) are left out.
    """
    date = _date_of(dt.date.fromisoformat(meta["start_date"]))
    axes = _axis_names(meta)
    fronts = meta.get("front_sides", [])
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["day", "date", "variable", *COLUMNS, "mean", *QNAMES])

        def cells(var: str, dims: tuple, index: tuple, mean: float, q: list) -> list:
            where = dict.fromkeys(COLUMNS, "")
            for dim, j in zip(dims, index, strict=True):
                if dim == "side":
                    f = index[dims.index("front")]
                    where["actor"] = fronts[f][j] if f < len(fronts) else axes["side"][j]
                else:
                    where[dim.rstrip("+")] = axes[dim][j]
            return [var, *where.values(), _number(mean), *q]

        for t, day in enumerate(series["day"]):
            head = [int(day), date(int(day))]
            for key, (var, dims) in SERIES_ROWS.items():
                if f"{key}_q" not in series:
                    continue
                q = series[f"{key}_q"][t]
                mean = (
                    series[f"{key}_mean"][t]
                    if f"{key}_mean" in series
                    else np.full(q.shape[1:], np.nan)
                )
                for index in np.ndindex(q.shape[1:]):
                    bands = [q[(j, *index)] for j in range(len(QUANTILES))]
                    if np.isnan(bands).all():
                        continue
                    w.writerow(
                        head + cells(var, dims, index, mean[index], [_number(b) for b in bands])
                    )
            for key, (var, dims) in SHARE_ROWS.items():
                if key not in series:
                    continue
                v = np.asarray(series[key][t])
                for index in np.ndindex(v.shape):
                    w.writerow(head + cells(var, dims, index, v[index], [""] * len(QNAMES)))


def write_responses_csv(path: Path, series: dict[str, np.ndarray], meta: dict) -> None:
    """Per session day and responding actor: the share of replicates meeting that day, the
    share accepting the package on each track (``accept_<track>``) and naming each issue
    as a condition (``names_<issue>``). Actors that never respond are left out."""
    date = _date_of(dt.date.fromisoformat(meta["start_date"]))
    tracks, issues = meta.get("track_ids", []), meta["issue_ids"]
    accept, named = series["accept_share"], series["condition_share"]
    responding = [i for i in range(accept.shape[1]) if not np.isnan(accept[:, i]).all()]
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(
            [
                "day",
                "date",
                "actor",
                "session",
                *[f"accept_{t}" for t in tracks],
                *[f"names_{k}" for k in issues],
            ]
        )
        for t, day in enumerate(series["day"]):
            if series["session_share"][t] <= 0:
                continue
            for i in responding:
                w.writerow(
                    [
                        int(day),
                        date(int(day)),
                        meta["actor_ids"][i],
                        _number(series["session_share"][t]),
                        *[_number(v) for v in accept[t, i]],
                        *[_number(v) for v in named[t, i]],
                    ]
                )

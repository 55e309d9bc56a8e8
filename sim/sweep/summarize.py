"""From a sweep directory to one row per design point, and Sobol' indices.

Reads the part files one at a time in run order, so memory stays bounded whatever the
sweep's size: a point's rows are finished once a later point has started. The measures
are model 2's headline measures (:mod:`sim.results.measures`), each the sum of its per-run
hits over the sum of its per-run base (replicates, or deals), with Wilson 95% intervals
(Wilson 1927); besides them, the median day of the first deal (replicates with one) and
the mean days under ceasefire. A share among deals pools the deals of a point's
replicates; its interval treats them as independent, so it is somewhat too narrow where
replicates strike several deals.

For ``sobol`` designs, first-order (S1) and total (ST) indices with bootstrap 95%
confidence intervals come from SALib (Saltelli et al. 2010; Jansen 1999 for ST), computed
on each point's value of a measure (:data:`SOBOL_OUTCOMES`). With
common random numbers a parameter that has no effect on a measure gets an ST of exactly
zero.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from sim.results.atomic import write_file
from sim.results.measures import MEASURES
from sim.results.run_checks import one_line
from sim.results.stats import wilson_interval
from sim.sweep.design import salib_problem
from sim.sweep.store import (
    COMPRESSION,
    SweepDirError,
    iter_results,
    part_files,
    read_design,
    read_manifest,
)

SOBOL_RESAMPLES = 1000
# what Sobol' indices are computed on: each point's value of every measure and of the
# mean days under ceasefire (a median of few replicates is too coarse to apportion)
SOBOL_OUTCOMES = (*(m.column for m in MEASURES), "mean_days_under_ceasefire")
ROW_COLUMNS = (
    "first_deal_day",
    "days_under_ceasefire",
    *(f"{m.column}_{k}" for m in MEASURES for k in ("hits", "base")),
)
MAX_PRINTED_PARAMETERS = 4  # more would squeeze the printed table; the files have them all
PRINTED = {  # measure column -> printed header (the files have every measure and interval)
    "p_deal_30": "P(deal ≤30d)",
    "p_deal_90": "P(deal ≤90d)",
    "p_comprehensive": "P(compr.)",
    "median_first_deal_day": "median day",
    "share_partial": "partial deals",
    "p_breakdown": "P(breaks down)",
    "mean_days_under_ceasefire": "days under cf.",
}


@dataclass
class SweepSummary:
    out: Path
    manifest: dict
    table: dict[str, np.ndarray]  # one row per design point with results
    sobol: list[dict] | None  # rows of sobol.csv, for sobol designs
    complete: bool
    chunks_done: int
    notes: list[str] = field(default_factory=list)


def summarise_sweep(out: str | Path) -> SweepSummary:
    out = Path(out)
    manifest = read_manifest(out)
    design = read_design(out)
    r = manifest["design"]["replicates"]
    parts = part_files(out)
    chunks_done = len(parts)
    complete = chunks_done == len(manifest["chunks"])
    notes = []
    if not parts:
        return SweepSummary(out, manifest, {}, None, False, 0, ["no finished chunks yet"])
    first = next(iter(parts.values()))
    try:
        names = pq.read_schema(first).names
    except Exception as err:  # noqa: BLE001 - ArrowInvalid, OSError: a damaged part
        raise SweepDirError(
            f"{first}: unreadable part ({one_line(err)}); run the sweep again to set it "
            "aside and redo its chunk"
        ) from None
    threats = [
        c[len("threat_") : -len("_carried_out")]
        for c in names
        if c.startswith("threat_") and c.endswith("_carried_out")
    ]
    fronts = [c[len("control_") :] for c in names if c.startswith("control_")]
    columns = ["point", *ROW_COLUMNS]
    columns += [f"threat_{t}_carried_out" for t in threats]
    columns += [f"{k}_{f}" for f in fronts for k in ("control", "decided_day")]
    missing = [c for c in columns if c not in names]
    if missing:
        raise SweepDirError(
            f"{first}: no column(s) {', '.join(missing)}: a sweep of another model version; "
            "run it again into a new directory"
        )

    blocks, carry = [], None
    for path, part in zip(parts.values(), iter_results(out, columns), strict=True):
        rows = {c: part[c].to_numpy(zero_copy_only=False) for c in columns}
        if carry is not None:
            rows = {c: np.concatenate([carry[c], rows[c]]) for c in columns}
        if not len(rows["point"]) or not _in_order(rows["point"], design.points):
            raise SweepDirError(f"{path}: rows out of point order or range; not a part of {out}")
        open_point = rows["point"][-1]  # may continue in the next part
        done = rows["point"] < open_point
        blocks.append(point_stats({c: v[done] for c, v in rows.items()}, threats, fronts))
        carry = {c: v[~done] for c, v in rows.items()}
    blocks.append(point_stats(carry, threats, fronts))
    stats = {c: np.concatenate([b[c] for b in blocks]) for c in blocks[0]}

    points = stats.pop("point")
    table = {"point": points}
    for d, path in enumerate(design.paths):
        table[path] = design.values[points, d]
    table |= stats

    sobol = None
    if design.kind == "sobol":
        if complete and len(points) == design.points and np.all(table["n"] == r):
            sobol, skipped = sobol_indices(table, manifest, threats)
            notes += [f"no Sobol' indices of {c}: undefined at some points" for c in skipped]
        else:
            notes.append("Sobol' indices need every point: resume the sweep first")
    if not complete:
        notes.insert(
            0,
            f"incomplete: {chunks_done} of {len(manifest['chunks'])} chunks finished "
            "(n shows the runs each point has so far); rerun `ceasefire sweep` to finish",
        )
    return SweepSummary(out, manifest, table, sobol, complete, chunks_done, notes)


def _in_order(point: np.ndarray, points: int) -> bool:
    return bool(point.min() >= 0 and point.max() < points and np.all(np.diff(point) >= 0))


def point_stats(rows: dict[str, np.ndarray], threats: list[str], fronts: list[str]) -> dict:
    """Per-point measures, intervals, the median first-deal day and mean days under
    ceasefire, for rows sorted by point; a column per threat and two per front."""
    point = rows["point"]
    points, start, n = np.unique(point, return_index=True, return_counts=True)
    if np.any(np.diff(point) < 0):
        raise ValueError("sweep rows are not in point order")

    def total(values: np.ndarray) -> np.ndarray:
        if not len(points):
            return np.zeros(0, dtype=np.float64 if values.dtype.kind == "f" else np.int64)
        return np.add.reduceat(
            values.astype(np.float64 if values.dtype.kind == "f" else np.int64), start
        )

    out: dict[str, np.ndarray] = {"point": points, "n": n}
    for m in MEASURES:
        k, trials = total(rows[f"{m.column}_hits"]), total(rows[f"{m.column}_base"])
        if m.of != "replicates":
            out[f"n_{m.of}"] = trials  # the base of the shares among deals
        out[m.column] = np.where(trials > 0, k / np.maximum(trials, 1), np.nan)
        out[f"{m.column}_lo"], out[f"{m.column}_hi"] = wilson_interval(k, trials)
    first = rows["first_deal_day"]
    out["median_first_deal_day"] = grouped_median(point, first, first >= 0, points)
    out["km_median_first_deal_day"] = censored_median(point, first, points)
    out["mean_days_under_ceasefire"] = total(rows["days_under_ceasefire"]) / n
    for t in threats:
        out[f"p_threat_{t}_carried_out"] = total(rows[f"threat_{t}_carried_out"]) / n
    for f in fronts:
        out[f"mean_control_{f}"] = total(rows[f"control_{f}"].astype(np.float64)) / n
        out[f"p_decided_{f}"] = total(rows[f"decided_day_{f}"] >= 0) / n
    return out


def grouped_median(
    point: np.ndarray, values: np.ndarray, mask: np.ndarray, points: np.ndarray
) -> np.ndarray:
    """Median of ``values[mask]`` per point (NaN where a point has none)."""
    p, v = point[mask], values[mask].astype(np.float64)
    order = np.lexsort((v, p))
    p, v = p[order], v[order]
    groups, start, count = np.unique(p, return_index=True, return_counts=True)
    medians = np.full(len(points), np.nan)
    medians[np.searchsorted(points, groups)] = (
        v[start + (count - 1) // 2] + v[start + count // 2]
    ) / 2
    return medians


def censored_median(point: np.ndarray, day: np.ndarray, points: np.ndarray) -> np.ndarray:
    """The Kaplan–Meier median day of the first deal per point, a replicate without one
    censored at the horizon: every replicate is followed to the horizon, so it is the day
    by which half the point's replicates have a deal (NaN if fewer than half ever do), as
    sim.results.stats.cumulative_incidence gives it for a run."""
    never = np.iinfo(np.int64).max
    day = np.asarray(day, dtype=np.int64)
    d = np.where(day >= 0, day, never)
    order = np.lexsort((d, point))
    p, d = point[order], d[order]
    groups, start, count = np.unique(p, return_index=True, return_counts=True)
    reached = d[start + (count + 1) // 2 - 1]  # the ceil(n/2)-th smallest day
    out = np.full(len(points), np.nan)
    out[np.searchsorted(points, groups)] = np.where(reached == never, np.nan, reached)
    return out


def sobol_indices(
    table: dict[str, np.ndarray], manifest: dict, threats: list[str]
) -> tuple[list[dict], list[str]]:
    """S1 and ST with 95% bootstrap intervals, per outcome and parameter (SALib); and the
    outcomes left out because they are undefined (NaN) at some point, e.g. the share of
    deals that are partial where a point has no deal."""
    from SALib.analyze import sobol

    params = manifest["design"]["parameters"]
    paths = [p["path"] for p in params]
    problem = salib_problem(
        np.array([p["low"] for p in params]), np.array([p["high"] for p in params]), paths
    )
    rows, skipped = [], []
    for outcome in (*SOBOL_OUTCOMES, *[f"p_threat_{t}_carried_out" for t in threats]):
        y = np.asarray(table[outcome], dtype=float)
        if np.isnan(y).any():
            skipped.append(outcome)
            continue
        if np.ptp(y) == 0:  # no variation at all: every index is 0/0
            res = {k: np.full(len(paths), np.nan) for k in ("S1", "S1_conf", "ST", "ST_conf")}
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                res = sobol.analyze(
                    problem,
                    y,
                    calc_second_order=False,
                    num_resamples=SOBOL_RESAMPLES,
                    conf_level=0.95,
                    seed=manifest["seed"],
                )
        for d, path in enumerate(paths):
            rows.append(
                {"outcome": outcome, "parameter": path}
                | {k: float(res[k][d]) for k in ("S1", "S1_conf", "ST", "ST_conf")}
            )
    return rows, skipped


# --- writing -------------------------------------------------------------------------------


def write_summary(summary: SweepSummary) -> list[Path]:
    """summary.csv and summary.parquet (and sobol.csv), each written whole then renamed."""
    table = _arrow(summary.table)
    written = [
        write_file(
            summary.out / "summary.parquet", lambda p: pq.write_table(table, p, **COMPRESSION)
        ),
        write_file(summary.out / "summary.csv", lambda p: pacsv.write_csv(table, p)),
    ]
    if summary.sobol is not None:
        sobol = _arrow({k: np.array([r[k] for r in summary.sobol]) for k in summary.sobol[0]})
        written.append(write_file(summary.out / "sobol.csv", lambda p: pacsv.write_csv(sobol, p)))
    return written


def _arrow(columns: dict[str, np.ndarray]) -> pa.Table:
    """NaN (not defined, e.g. a median with no agreement) is stored as a missing value."""
    return pa.table(
        {
            k: pa.array(v, mask=np.isnan(v)) if v.dtype.kind == "f" else pa.array(v)
            for k, v in columns.items()
        }
    )


# --- printing ------------------------------------------------------------------------------


def render(summary: SweepSummary, max_rows: int = 40):
    """rich tables: the per-point summary (first and last rows if long) and Sobol' indices."""
    from rich.table import Table

    t = summary.table
    d = summary.manifest["design"]
    title = (
        f"{summary.out}: {d['kind']} design, {d['points']:,} points x "
        f"{d['replicates']:,} replicates"
    )
    paths = [p["path"] for p in d["parameters"]]
    caption = None
    if len(paths) > MAX_PRINTED_PARAMETERS:
        caption = f"values of the {len(paths)} parameters per point: summary.csv"
        paths = []
    table = Table(title=title, title_justify="left", caption=caption, caption_justify="left")
    threat_cols = [c for c in t if c.startswith("p_threat_")]
    headers = [
        "point",
        *short_labels(paths),
        "n",
        *PRINTED.values(),
        *[f"P({c[len('p_threat_') : -len('_carried_out')]} carried out)" for c in threat_cols],
    ]
    for name in headers:
        table.add_column(name, justify="right")

    def cell(column: str, i: int) -> str:
        v = float(t[column][i])
        if np.isnan(v):
            return "-"
        if column.startswith("p_") or column.startswith("share_"):
            return f"{100 * v:.1f}%"
        return f"{v:.1f}"

    rows = len(t.get("point", []))
    half = max_rows // 2
    shown = list(range(rows)) if rows <= max_rows else [*range(half), -1, *range(rows - half, rows)]
    for i in shown:
        if i < 0:
            table.add_row(*["..."] * len(headers))
            continue
        table.add_row(
            str(t["point"][i]),
            *[f"{t[p][i]:.4g}" for p in paths],
            f"{t['n'][i]:,}",
            *[cell(c, i) for c in PRINTED],
            *[cell(c, i) for c in threat_cols],
        )
    tables = [table]
    if summary.sobol:
        s = Table(title="Sobol' indices (± 95% bootstrap half-width)", title_justify="left")
        for name in ("outcome", "parameter", "S1", "ST"):
            s.add_column(name, justify="left" if name in ("outcome", "parameter") else "right")
        for row in summary.sobol:
            s.add_row(
                row["outcome"],
                row["parameter"],
                f"{row['S1']:.3f} ± {row['S1_conf']:.3f}",
                f"{row['ST']:.3f} ± {row['ST_conf']:.3f}",
            )
        tables.append(s)
    return tables


def short_labels(paths: list[str]) -> list[str]:
    """The shortest dotted suffix of each path that tells it apart from the others."""
    labels = []
    for path in paths:
        parts = path.split(".")
        for n in range(1, len(parts) + 1):
            label = ".".join(parts[-n:])
            if sum(p == label or p.endswith("." + label) for p in paths) == 1:
                break
        labels.append(label)
    return labels

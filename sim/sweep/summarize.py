"""From a sweep directory to one row per design point, and Sobol' indices.

Reads the part files one at a time in run order, so memory stays bounded whatever the
sweep's size: a point's rows are finished once a later point has started. Proportions come
with Wilson 95% intervals (Wilson 1927); the survival share is among agreed ceasefires.

For ``sobol`` designs, first-order (S1) and total (ST) indices with bootstrap 95%
confidence intervals come from SALib (Saltelli et al. 2010; Jansen 1999 for ST), computed
on each point's share of runs with a given outcome. With common random numbers a parameter
that has no effect on an outcome gets an ST of exactly zero.
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
from sim.results.measures import SHARES, SURVIVES
from sim.results.stats import wilson_interval
from sim.sweep.design import salib_problem
from sim.sweep.store import COMPRESSION, iter_results, part_files, read_design, read_manifest

SOBOL_RESAMPLES = 1000
MAX_PRINTED_PARAMETERS = 4  # more would squeeze the printed table; the files have them all


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
    names = pq.read_schema(next(iter(parts.values()))).names
    issues = [c[len("terms_") :] for c in names if c.startswith("terms_")]
    threats = [
        c[len("threat_") : -len("_carried_out")]
        for c in names
        if c.startswith("threat_") and c.endswith("_carried_out")
    ]
    columns = ["point", "agreed", "outcome", "agreement_round", "survived"]
    columns += [f"terms_{k}" for k in issues] + [f"threat_{t}_carried_out" for t in threats]

    blocks, carry = [], None
    for part in iter_results(out, columns):
        rows = {c: part[c].to_numpy(zero_copy_only=False) for c in columns}
        if carry is not None:
            rows = {c: np.concatenate([carry[c], rows[c]]) for c in columns}
        open_point = rows["point"][-1]  # may continue in the next part
        done = rows["point"] < open_point
        blocks.append(point_stats({c: v[done] for c, v in rows.items()}, issues, threats))
        carry = {c: v[~done] for c, v in rows.items()}
    blocks.append(point_stats(carry, issues, threats))
    stats = {c: np.concatenate([b[c] for b in blocks]) for c in blocks[0]}

    points = stats.pop("point")
    table = {"point": points}
    for d, path in enumerate(design.paths):
        table[path] = design.values[points, d]
    table |= stats

    sobol = None
    if design.kind == "sobol":
        if complete and len(points) == design.points and np.all(table["n"] == r):
            sobol = sobol_indices(table, manifest, threats)
        else:
            notes.append("Sobol' indices need every point: resume the sweep first")
    if not complete:
        notes.insert(
            0,
            f"incomplete: {chunks_done} of {len(manifest['chunks'])} chunks finished "
            "(n shows the runs each point has so far); rerun `ceasefire sweep` to finish",
        )
    return SweepSummary(out, manifest, table, sobol, complete, chunks_done, notes)


def point_stats(rows: dict[str, np.ndarray], issues: list[str], threats: list[str]) -> dict:
    """Per-point shares, intervals and medians for rows sorted by point."""
    point = rows["point"]
    points, start, n = np.unique(point, return_index=True, return_counts=True)
    if np.any(np.diff(point) < 0):
        raise ValueError("sweep rows are not in point order")

    def count(mask: np.ndarray) -> np.ndarray:
        if not len(points):
            return np.zeros(0, dtype=np.int64)
        return np.add.reduceat(mask.astype(np.int64), start)

    agreed = rows["agreed"]
    n_agreed = count(agreed)
    out: dict[str, np.ndarray] = {"point": points, "n": n, "n_agreed": n_agreed}
    for measure in SHARES:
        k = count(np.asarray(measure.hit(rows), dtype=bool))
        out[measure.column] = k / n
        out[f"{measure.column}_lo"], out[f"{measure.column}_hi"] = wilson_interval(k, n)
    out["median_agreement_round"] = grouped_median(point, rows["agreement_round"], agreed, points)
    for k in issues:
        out[f"median_terms_{k}"] = grouped_median(point, rows[f"terms_{k}"], agreed, points)
    survived = count(np.asarray(SURVIVES.hit(rows), dtype=bool) & agreed)
    column = SURVIVES.column
    with np.errstate(divide="ignore", invalid="ignore"):
        out[column] = np.where(n_agreed > 0, survived / n_agreed, np.nan)
    out[f"{column}_lo"], out[f"{column}_hi"] = wilson_interval(survived, n_agreed)
    out["p_agreed_and_survives"] = survived / n
    for t in threats:
        out[f"p_threat_{t}_carried_out"] = count(rows[f"threat_{t}_carried_out"]) / n
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


SOBOL_OUTCOMES = ("p_agreement", "p_comprehensive", "p_partial", "p_agreed_and_survives")


def sobol_indices(table: dict[str, np.ndarray], manifest: dict, threats: list[str]) -> list[dict]:
    """S1 and ST with 95% bootstrap intervals, per outcome and parameter (SALib)."""
    from SALib.analyze import sobol

    params = manifest["design"]["parameters"]
    paths = [p["path"] for p in params]
    problem = salib_problem(
        np.array([p["low"] for p in params]), np.array([p["high"] for p in params]), paths
    )
    rows = []
    for outcome in (*SOBOL_OUTCOMES, *[f"p_threat_{t}_carried_out" for t in threats]):
        y = np.asarray(table[outcome], dtype=float)
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
    return rows


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
        "P(agree)",
        "95% CI",
        "P(compr.)",
        "P(partial)",
        "median round",
        "P(holds | agreed)",
        *[f"P({c[len('p_threat_') : -len('_carried_out')]} carried out)" for c in threat_cols],
    ]
    for name in headers:
        table.add_column(name, justify="right")

    def pct(v: float) -> str:
        return "-" if np.isnan(v) else f"{100 * v:.1f}%"

    rows = len(t.get("point", []))
    half = max_rows // 2
    shown = list(range(rows)) if rows <= max_rows else [*range(half), -1, *range(rows - half, rows)]
    for i in shown:
        if i < 0:
            table.add_row(*["..."] * len(headers))
            continue
        rnd = t["median_agreement_round"][i]
        table.add_row(
            str(t["point"][i]),
            *[f"{t[p][i]:.4g}" for p in paths],
            f"{t['n'][i]:,}",
            pct(t["p_agreement"][i]),
            f"{pct(t['p_agreement_lo'][i])}-{pct(t['p_agreement_hi'][i])}",
            pct(t["p_comprehensive"][i]),
            pct(t["p_partial"][i]),
            "-" if np.isnan(rnd) else f"{rnd:g}",
            pct(t["p_survives"][i]),
            *[pct(t[c][i]) for c in threat_cols],
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

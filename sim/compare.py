"""`ceasefire compare`: runs side by side, and how far each differs from the first.

The first directory is the baseline; every other run is compared with it. Differences of
proportions carry Newcombe's hybrid-score interval and differences of means a Welch
interval (sim.results.stats). This module computes the rows and their text and CSV forms;
:mod:`sim.report.compare` writes the directory (compare.html, differences.csv, charts).
"""

from __future__ import annotations

import csv
import dataclasses
import math
from pathlib import Path

import numpy as np

from sim.results.measures import MEASURES, first_deal_days
from sim.results.open import ReportError, open_results
from sim.results.run_dir import RunResult
from sim.results.stats import newcombe_difference, welch_difference, wilson_interval
from sim.results.sweep_dir import threat_label


class CompareError(ValueError):
    """Inputs that cannot be compared; the message is one line naming the directory."""


@dataclasses.dataclass
class Row:
    """One quantity for one run, and its difference from the baseline run."""

    quantity: str
    run: str
    estimate: float
    lo: float
    hi: float
    successes: int | None  # k of a share k / n; None for a mean
    n: int  # the share's trials, or the mean's sample size
    difference: float = math.nan
    difference_lo: float = math.nan
    difference_hi: float = math.nan
    unit: str = "share"  # "share" (0-1) or "days"


def load_runs(directories: list[Path]) -> list[RunResult]:
    if len(directories) < 2:
        raise CompareError("compare needs two or more run directories")
    runs = []
    for d in directories:
        if (Path(d) / "manifest.json").is_file() and not (Path(d) / "run.json").exists():
            raise CompareError(
                f"{d}: a sweep directory; compare takes run directories (from `ceasefire "
                "run`); a sweep's design points are compared in its own report: "
                f"ceasefire report {d}"
            )
        try:
            result = open_results(d)
        except ReportError as err:
            raise CompareError(str(err)) from None
        if not isinstance(result, RunResult):
            raise CompareError(f"{d}: a sweep directory; compare takes run directories")
        runs.append(result)
    labels = _labels([Path(d) for d in directories])
    for run, label in zip(runs, labels, strict=True):
        run.meta = run.meta | {"label": label}
    return runs


def _labels(paths: list[Path]) -> list[str]:
    """Directory names, lengthened with their parents until different directories differ;
    a directory given twice is told apart by its place in the list ('large (2)'), since no
    length of path would."""
    resolved = [p.resolve() for p in paths]
    distinct = list(dict.fromkeys(resolved))

    def tail(path: Path, depth: int) -> str:
        return str(Path(*path.parts[-depth:]))  # Path joins, so '/' is never doubled

    depth = 1
    while len({tail(p, depth) for p in distinct}) < len(distinct):
        depth += 1
    seen: dict[str, int] = {}
    labels = []
    for path in resolved:
        label = tail(path, depth)
        seen[label] = seen.get(label, 0) + 1
        labels.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return labels


def _proportions(run: RunResult) -> dict[str, tuple[int, int]]:
    """(successes, trials) of each compared share: model 2's headline measures (shares of
    replicates or of deals, sim.results.measures), then each threat carried out."""
    o = run.outcomes
    n = len(o["replicate"])
    out = {m.label: m.count(o, run.agreements) for m in MEASURES}
    for tid in run.meta.get("threat_ids", []):
        label = threat_label(tid, run.meta)
        out[f"P({label} carried out)"] = (int(o[f"threat_{tid}_carried_out"].sum()), n)
    return out


def _samples(run: RunResult) -> dict[str, np.ndarray]:
    """The compared means, each over its own sample of replicates."""
    o = run.outcomes
    return {
        "mean day of the first deal (replicates with one)": first_deal_days(o).astype(float),
        "mean days under ceasefire": np.asarray(o["days_under_ceasefire"], dtype=float),
    }


def differences(runs: list[RunResult]) -> list[Row]:
    """Every compared quantity for every run, with its difference from runs[0]."""
    from sim.charts.compare import run_label

    base_p, base_s = _proportions(runs[0]), _samples(runs[0])
    rows: list[Row] = []
    shared = [q for q in base_p if all(q in _proportions(r) for r in runs[1:])]
    for quantity in shared:
        k0, n0 = base_p[quantity]
        for j, run in enumerate(runs):
            k, n = _proportions(run)[quantity]
            lo, hi = wilson_interval(k, n)
            row = Row(quantity, run_label(run), k / n if n else math.nan, lo, hi, k, n)
            if j:
                row.difference, row.difference_lo, row.difference_hi = newcombe_difference(
                    k, n, k0, n0
                )
            rows.append(row)
    for quantity, base in base_s.items():
        for j, run in enumerate(runs):
            x = _samples(run)[quantity]
            mean = float(x.mean()) if len(x) else math.nan
            half = 1.959964 * float(x.std(ddof=1)) / math.sqrt(len(x)) if len(x) > 1 else math.nan
            row = Row(
                quantity, run_label(run), mean, mean - half, mean + half, None, len(x), unit="days"
            )
            if j:
                row.difference, row.difference_lo, row.difference_hi = welch_difference(x, base)
            rows.append(row)
    return rows


def _value(v: float, unit: str, signed: bool = False) -> str:
    if math.isnan(v):
        return "–"
    if unit == "days":
        return f"{v:+.1f}" if signed else f"{v:.1f}"
    return f"{100 * v:+.1f}" if signed else f"{100 * v:.1f}%"


def format_rows(row: Row) -> list[str]:
    """Display cells: quantity, run, estimate, interval, count, difference, interval."""
    interval = (
        "–" if math.isnan(row.lo) else f"{_value(row.lo, row.unit)} to {_value(row.hi, row.unit)}"
    )
    diff_unit = "pts" if row.unit == "share" else "days"
    diff = (
        ""
        if math.isnan(row.difference)
        else f"{_value(row.difference, row.unit, True)} {diff_unit}"
    )
    diff_ci = ""
    if not math.isnan(row.difference_lo):
        lo, hi = (_value(v, row.unit, True) for v in (row.difference_lo, row.difference_hi))
        diff_ci = f"{lo} to {hi}"
    count = f"{row.n:,}" if row.successes is None else f"{row.successes:,} / {row.n:,}"
    return [
        row.quantity,
        row.run,
        _value(row.estimate, row.unit),
        interval,
        count,
        diff,
        diff_ci,
    ]


HEADER = [
    "Quantity",
    "Run",
    "Estimate",
    "95% interval",
    "n",
    "Difference from baseline",
    "95% interval",
]


def text_table(rows: list[Row]) -> str:
    """The differences as an aligned plain-text table for the terminal."""
    cells = [HEADER] + [format_rows(r) for r in rows]
    widths = [max(len(c[j]) for c in cells) for j in range(len(HEADER))]
    lines = ["  ".join(c[j].ljust(widths[j]) for j in range(len(HEADER))).rstrip() for c in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def write_csv(path: Path, rows: list[Row]) -> None:
    """One row per quantity and run; every count and estimate a plain number (``successes``
    and ``n`` apart, so a spreadsheet can add them up), empty where it does not apply."""

    def cell(v) -> str | int:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return ""
        return f"{v:.6g}" if isinstance(v, float) else v

    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        names = [f.name for f in dataclasses.fields(Row)]
        w.writerow(names)
        for r in rows:
            w.writerow([cell(getattr(r, n)) for n in names])

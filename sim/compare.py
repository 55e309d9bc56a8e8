"""`ceasefire compare`: runs side by side, and how far each differs from the first.

The first directory is the baseline; every other run is compared with it. Differences of
proportions carry Newcombe's hybrid-score interval and differences of means a Welch
interval (sim.results). Output is a new directory: compare.html (self-contained),
differences.csv, and one PNG per comparison chart.
"""

from __future__ import annotations

import csv
import dataclasses
import math
from pathlib import Path

import numpy as np

from sim.results import newcombe_difference, welch_difference, wilson_interval
from sim.store import RunResult, write_atomically
from sim.sweep_results import threat_label


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
    from sim.report import ReportError, open_results

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
    """(successes, trials) of each compared share."""
    o = run.outcomes
    agreed = o["agreed"]
    n, n_agreed = len(agreed), int(agreed.sum())
    duration = run.meta["duration_days"]
    out = {
        "P(agreement)": (n_agreed, n),
        "P(comprehensive ceasefire)": (int((o["outcome"] == 2).sum()), n),
        "P(partial ceasefire)": (int((o["outcome"] == 1).sum()), n),
        f"P(holds {duration} days | agreed)": (int(o["survived"][agreed].sum()), n_agreed),
        "P(extended | agreed)": (int(o["extended"][agreed].sum()), n_agreed),
    }
    for tid in run.meta.get("threat_ids", []):
        label = threat_label(tid, run.meta)
        out[f"P({label} carried out)"] = (int(o[f"threat_{tid}_carried_out"].sum()), n)
    return out


def _samples(run: RunResult) -> dict[str, np.ndarray]:
    o = run.outcomes
    agreed = o["agreed"]
    return {
        "mean agreement day (agreed)": o["agreement_round"][agreed].astype(float),
        "mean days a ceasefire holds": o["days_survived"][agreed].astype(float),
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


CAPTIONS = {
    "outcomes": "Share of replicates in each outcome class, one colour per run; whiskers are "
    "95% Wilson intervals.",
    "survival": "Share of agreed ceasefires still holding each day (Kaplan–Meier), with 95% "
    "Greenwood bands; only agreed replicates enter.",
    "agreement_dates": "Top: share of replicates agreed by each date, with 95% bands. Bottom: "
    "share agreeing on each day.",
}


def render_html(runs: list[RunResult], rows: list[Row], directories: list[Path]) -> str:
    from sim.charts.compare import COMPARE_CHARTS, colour, run_label
    from sim.report import Raw, esc, figure_html, page, section, table
    from sim.results import headline

    baseline = run_label(runs[0])
    listing = table(
        ["", "Run", "Directory", "Scenario", "Replicates", "Seed", "Headline"],
        [
            [
                Raw(f'<span class="swatch" style="background:{colour(j)}"></span>'),
                run_label(r) + (" (baseline)" if j == 0 else ""),
                str(d),
                r.meta.get("scenario_name", ""),
                f"{r.meta['replicates']:,}",
                r.meta.get("seed", ""),
                headline(r.summary),
            ]
            for j, (r, d) in enumerate(zip(runs, directories, strict=True))
        ],
        numeric=(4, 5),
    )
    seeds = {r.meta.get("seed") for r in runs}
    crn = (
        " The runs share a seed, so they share random draws (common random numbers): the "
        "intervals, which assume independent samples, are then conservative."
        if len(seeds) == 1
        else ""
    )
    note = (
        f'<p class="note">Differences are each run minus the baseline ({esc(baseline)}), in '
        "percentage points for shares and in days for means. 95% intervals: Wilson for each "
        "share, Newcombe's hybrid score for a difference of shares, normal (Welch) for means. "
        "An interval that excludes 0 marks a difference larger than Monte Carlo noise; it "
        f"says nothing about whether the model is right.{esc(crn)}</p>"
    )
    diffs = table(HEADER, [format_rows(r) for r in rows], numeric=(2, 3, 4, 5, 6))
    charts = "".join(
        figure_html(name, chart(runs), esc(CAPTIONS[name]))
        for name, chart in COMPARE_CHARTS.items()
    )
    command = (
        "ceasefire compare " + " ".join(str(d) for d in directories) + " --out <new directory>"
    )
    sections = [
        section("runs", "Runs compared", listing),
        section("differences", "Differences from the baseline", note + diffs),
        section("charts", "Charts", charts),
        section("reproduce", "Reproduce", f"<pre>{esc(command)}</pre>"),
    ]
    heading = "Comparison: " + " vs ".join(run_label(r) for r in runs)
    lede = f'<p class="lede">{len(runs)} runs; baseline {esc(baseline)}.</p>'
    return page(heading, lede, sections)


def write_comparison(directories: list[Path], out: Path, replace: bool = False) -> str:
    """Write the comparison directory; returns the differences table as text."""
    from sim.charts import save_charts
    from sim.charts.compare import COMPARE_CHARTS

    directories = [Path(d) for d in directories]
    runs = load_runs(directories)
    rows = differences(runs)

    def build(tmp: Path) -> None:
        write_csv(tmp / "differences.csv", rows)
        save_charts(COMPARE_CHARTS, runs, tmp)
        (tmp / "compare.html").write_text(render_html(runs, rows, directories), encoding="utf-8")

    write_atomically(out, build, replace=replace)
    return text_table(rows)

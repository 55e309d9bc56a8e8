"""`ceasefire compare`'s directory: compare.html (self-contained), differences.csv, the charts.

The numbers come from :mod:`sim.compare`; this module lays them out as a page.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from sim.compare import HEADER, Row, differences, format_rows, load_runs, text_table, write_csv
from sim.report.html import Raw, esc, figure_html, page, section, table
from sim.results.atomic import write_atomically
from sim.results.claim import claimed
from sim.results.run_dir import RunResult


def render_html(runs: list[RunResult], rows: list[Row], directories: list[Path]) -> str:
    from sim.charts.compare import COMPARE_CHARTS, colour, run_label
    from sim.results.summary import headline

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
        figure_html(name, chart(runs), esc(chart.caption)) for name, chart in COMPARE_CHARTS.items()
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


def write_comparison(
    directories: list[Path], out: Path | Iterable[Path], replace: bool = False
) -> tuple[str, Path]:
    """Write the comparison directory (``out``, or the first free of several candidates);
    returns the differences table as text and the directory written."""
    from sim.charts import save_charts
    from sim.charts.compare import COMPARE_CHARTS

    directories = [Path(d) for d in directories]
    runs = load_runs(directories)
    rows = differences(runs)

    def build(tmp: Path) -> None:
        write_csv(tmp / "differences.csv", rows)
        save_charts(COMPARE_CHARTS, runs, tmp)
        (tmp / "compare.html").write_text(render_html(runs, rows, directories), encoding="utf-8")

    with claimed(out, replace, "compare") as target:
        write_atomically(target, build, replace=replace, kind="compare")
    return text_table(rows), target

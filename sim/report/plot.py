"""`ceasefire plot`: the charts of a run or a sweep as separate files (PNG or SVG), for slides."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sim.report.html import esc, figure_html
from sim.results.open import ReportError, open_results
from sim.results.run_dir import RunResult
from sim.results.sweep_dir import SweepResult

if TYPE_CHECKING:
    from sim.charts.registry import Chart


def charts_for(result: RunResult | SweepResult) -> dict[str, Chart]:
    """The charts (with their captions) that apply to a run or to this sweep's design."""
    from sim.charts import CHARTS
    from sim.charts.sweep import sweep_charts

    return sweep_charts(result) if isinstance(result, SweepResult) else dict(CHARTS)


def charts_html(result: RunResult | SweepResult) -> str:
    """Every chart that applies to ``result`` as report figures, each with its caption."""
    return "".join(
        figure_html(
            name,
            chart(result),
            f"<b>{esc(name.replace('_', ' ').capitalize())}.</b> " + esc(chart.caption),
        )
        for name, chart in charts_for(result).items()
    )


def plot_directory(
    path: str | Path, out: Path | None = None, fmt: str = "png", only: str | None = None
) -> list[Path]:
    """Write the charts of a run or sweep as separate files (default: DIR/charts/)."""
    from sim.charts import FORMATS, save_charts

    if fmt not in FORMATS:
        raise ReportError(f"--format: must be one of {', '.join(FORMATS)} (got {fmt!r})")
    result = open_results(path)
    charts = charts_for(result)
    if only is not None:
        if only not in charts:
            raise ReportError(
                f"--only: unknown chart {only!r} for {path}; valid names: {', '.join(charts)}"
            )
        charts = {only: charts[only]}
    return save_charts(charts, result, Path(out) if out else Path(path) / "charts", fmt)

"""Charts drawn from stored results (never from a running model).

``CHARTS`` (one run) and ``SWEEP_CHARTS`` (a summarised sweep) map a chart name to a
function ``chart(result) -> matplotlib Figure``; ``save_charts`` writes any of them to files.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from sim.charts.run import CHARTS
from sim.results.atomic import write_file

__all__ = ["CHARTS", "save_chart", "save_charts", "save_figure"]

FORMATS = ("png", "svg", "pdf")  # pdf: vector, for papers
METADATA = {  # what each format would otherwise stamp into the file
    "png": {"Software": None},
    "svg": {"Creator": None, "Date": None},
    "pdf": {"Creator": None, "Producer": None, "CreationDate": None},
}


def save_figure(fig, path: Path, dpi: int | None = None) -> Path:
    """Save a figure atomically (temp file + rename).

    Metadata is dropped: no creation date (same results, same bytes) and no tool URL
    (a report built from these files references nothing online). PDF keeps its text as
    text (fonts embedded as Type 42), so a paper's figure stays searchable and sharp.
    """
    path = Path(path)
    fmt = path.suffix.lstrip(".")
    metadata = METADATA[fmt]
    return write_file(path, lambda tmp: fig.savefig(tmp, format=fmt, dpi=dpi, metadata=metadata))


def save_charts(
    charts: Mapping[str, Callable], result, folder: Path, fmt: str = "png"
) -> list[Path]:
    """Draw each chart from ``result`` and write it as ``folder/<name>.<fmt>``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    return [save_figure(chart(result), folder / f"{name}.{fmt}") for name, chart in charts.items()]


def save_chart(chart: Callable, result, target, fmt: str | None = None, **savefig) -> None:
    """Draw ``chart`` for ``result`` into a file or an in-memory buffer (the dashboard).

    Figures are not registered with pyplot (``style.figure``), so nothing accumulates over a
    long dashboard session.
    """
    chart(result).savefig(target, format=fmt, **savefig)

"""Charts drawn from stored results (never from a running model).

``CHARTS`` (one run), ``SWEEP_CHARTS`` (a summarised sweep) and ``COMPARE_CHARTS`` (runs
compared) are registries (:mod:`sim.charts.registry`): each maps a chart name to a
:class:`Chart`, called as ``chart(result) -> matplotlib Figure`` and carrying the caption the
report prints under it; ``save_charts`` writes any of them to files.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Mapping
from pathlib import Path

from sim.charts.registry import Chart
from sim.charts.run import CHARTS
from sim.results.atomic import write_files
from sim.results.claim import SIGNATURE, OutputError, is_signed

__all__ = ["CHARTS", "Chart", "save_chart", "save_charts", "save_figure"]

FORMATS = ("png", "svg", "pdf")  # pdf: vector, for papers
METADATA = {  # only the tool's name: no date, no URL, and the mark `plot` replaces by
    "png": {"Software": SIGNATURE},
    "svg": {"Creator": SIGNATURE, "Date": None},
    "pdf": {"Creator": SIGNATURE, "Producer": SIGNATURE, "CreationDate": None},
}


def save_figure(fig, path: Path, dpi: int | None = None) -> Path:
    """Save a figure atomically (temp file + rename)."""
    return _save_all({Path(path): fig}, dpi)[0]


def save_charts(
    charts: Mapping[str, Callable], result, folder: Path, fmt: str = "png"
) -> list[Path]:
    """Draw each chart from ``result`` and write it as ``folder/<name>.<fmt>``.

    Every chart is drawn before any file is written, so a chart that cannot be drawn leaves
    the folder as it was; an existing file is replaced only if the tool wrote it (it carries
    the tool's signature), anything else is refused (:class:`OutputError`).
    """
    folder = Path(folder)
    if os.path.lexists(folder) and not folder.is_dir():
        raise OutputError(f"{folder}: is a file, not a folder for the charts; choose another --out")
    targets = {name: folder / f"{name}.{fmt}" for name in charts}
    for path in targets.values():
        if os.path.lexists(path) and (path.is_symlink() or not is_signed(path)):
            raise OutputError(
                f"{path}: exists and was not written by ceasefire; not overwritten "
                "(move it away or choose another --out)"
            )
    figures = {targets[name]: chart(result) for name, chart in charts.items()}
    made = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    try:
        return _save_all(figures)
    except BaseException:
        if made:
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise


def _save_all(figures: dict, dpi: int | None = None) -> list[Path]:
    """Write the figures all at once (:func:`write_files`).

    Metadata carries only the tool's name (``SIGNATURE``, :data:`METADATA`): no creation
    date (same results, same bytes), no URL, and the mark by which a later ``plot`` knows
    the file is one it may replace. PDF keeps its text as text (fonts embedded as Type 42),
    so a paper's figure stays searchable and sharp.
    """

    def writer(path: Path, fig) -> Callable[[Path], None]:
        fmt = path.suffix.lstrip(".")
        metadata = METADATA[fmt]
        return lambda tmp: fig.savefig(tmp, format=fmt, dpi=dpi, metadata=metadata)

    return write_files({path: writer(path, fig) for path, fig in figures.items()})


def save_chart(chart: Callable, result, target, fmt: str | None = None, **savefig) -> None:
    """Draw ``chart`` for ``result`` into a file or an in-memory buffer (the dashboard).

    Figures are not registered with pyplot (``style.figure``), so nothing accumulates over a
    long dashboard session.
    """
    chart(result).savefig(target, format=fmt, **savefig)

"""Charts drawn from stored results (never from a running model).

``CHARTS`` (one run) and ``SWEEP_CHARTS`` (a summarised sweep) map a chart name to a
function ``chart(result) -> matplotlib Figure``; ``save_charts`` writes any of them to files.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Mapping
from pathlib import Path

from sim.charts.figures import CHARTS

__all__ = ["CHARTS", "save_chart", "save_charts", "save_figure"]

FORMATS = ("png", "svg")


def save_figure(fig, path: Path, dpi: int | None = None) -> Path:
    """Save a figure atomically (temp file + rename)."""
    return _save_all({Path(path): fig}, dpi)[0]


def save_charts(
    charts: Mapping[str, Callable], result, folder: Path, fmt: str = "png"
) -> list[Path]:
    """Draw each chart from ``result`` and write it as ``folder/<name>.<fmt>``.

    Every chart is drawn before any file is written, so a chart that cannot be drawn leaves
    the folder as it was; an existing file is replaced only if the tool wrote it (it carries
    the tool's signature), anything else is refused (:class:`sim.store.OutputError`).
    """
    from sim.store import OutputError, is_signed

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


def _save_all(figures: dict[Path, object], dpi: int | None = None) -> list[Path]:
    """Write every figure under a temporary name, then rename them all into place: a full
    disk or an interrupt part-way leaves no chart half-written and no set half-replaced.

    Metadata carries only the tool's name (``sim.store.SIGNATURE``): no creation date
    (same results, same bytes), no URL, and the mark by which a later ``plot`` knows the
    file is one it may replace.
    """
    from sim.store import SIGNATURE

    tmps: dict[Path, Path] = {}
    try:
        for path, fig in figures.items():
            fmt = path.suffix.lstrip(".")
            png = fmt == "png"
            metadata = {"Software": SIGNATURE} if png else {"Creator": SIGNATURE, "Date": None}
            tmps[path] = path.with_name(f".{path.name}.tmp")
            fig.savefig(tmps[path], format=fmt, dpi=dpi, metadata=metadata)
        for path, tmp in tmps.items():
            os.replace(tmp, path)
    finally:
        for tmp in tmps.values():
            tmp.unlink(missing_ok=True)
    return list(figures)


def save_chart(chart: Callable, result, target, fmt: str | None = None, **savefig) -> None:
    """Draw ``chart`` for ``result`` into a file or an in-memory buffer (the dashboard).

    Figures are not registered with pyplot (``style.figure``), so nothing accumulates over a
    long dashboard session.
    """
    chart(result).savefig(target, format=fmt, **savefig)

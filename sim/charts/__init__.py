"""Charts drawn from stored results (never from a running model)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import IO

from matplotlib.figure import Figure

from sim.charts.figures import CHARTS
from sim.store import RunResult


def save_chart(
    chart: Callable[[RunResult], Figure],
    result: RunResult,
    target: Path | IO[bytes],
    fmt: str | None = None,
    **savefig: object,
) -> None:
    """Draw ``chart`` for ``result`` into a file or buffer and free the figure.

    Figures come from pyplot (for the house style), which keeps every open figure alive
    until it is closed: a long dashboard session would otherwise grow without bound.
    """
    import matplotlib.pyplot as plt

    fig = chart(result)
    try:
        fig.savefig(target, format=fmt, **savefig)
    finally:
        plt.close(fig)


__all__ = ["CHARTS", "save_chart"]

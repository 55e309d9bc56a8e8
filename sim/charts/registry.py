"""The chart registry: each chart is a name, a draw function and its caption, in one place.

A chart set (``CHARTS`` for one run, ``SWEEP_CHARTS`` for a sweep, ``COMPARE_CHARTS`` for a
comparison) is an ordered mapping name -> :class:`Chart`, in the order a reader meets the
charts in the report. A :class:`Chart` is called like its draw function, so
``CHARTS[name](result)`` draws the figure; the report reads ``chart.caption`` under it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["Chart", "registry"]


@dataclass(frozen=True)
class Chart:
    """One chart: ``draw(result) -> Figure`` and the one-line "how to read it" caption."""

    name: str
    draw: Callable[[Any], Figure]
    caption: str

    def __call__(self, result) -> Figure:
        return self.draw(result)


def registry(*charts: Chart) -> dict[str, Chart]:
    """An ordered registry of charts by name; names must be unique, captions non-empty."""
    named = {chart.name: chart for chart in charts}
    if len(named) != len(charts):
        raise ValueError("chart names must be unique")
    if missing := [chart.name for chart in charts if not chart.caption.strip()]:
        raise ValueError(f"charts without a caption: {', '.join(missing)}")
    return named

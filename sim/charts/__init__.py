"""Charts drawn from stored results (never from a running model)."""

from sim.charts.figures import CHARTS

__all__ = ["CHARTS"]

"""Sweeps: many runs over uncertain stances and policy levers, stored as a Parquet dataset.

The stages, one module each, in the order data flows:

- :mod:`sim.sweep.spec`: the sweep file (TOML) -> a validated :class:`Experiment`;
- :mod:`sim.sweep.design`: the experiment -> design points (grid, random, lhs, sobol);
- :mod:`sim.sweep.runner`: points x replicates -> chunks, run, resumed, reported;
- :mod:`sim.sweep.workers`: one chunk -> one vectorised model, on a pool or a Dask cluster;
- :mod:`sim.sweep.store`: the sweep directory (manifest, design, crash-safe part files);
- :mod:`sim.sweep.summarize`: part files -> one row per point, and Sobol' indices.
"""

from sim.sweep.runner import SweepInterrupted, SweepReport, run_sweep
from sim.sweep.spec import Experiment, load_experiment
from sim.sweep.store import SweepDirError, read_results
from sim.sweep.summarize import summarise_sweep, write_summary

__all__ = [
    "Experiment",
    "SweepDirError",
    "SweepInterrupted",
    "SweepReport",
    "load_experiment",
    "read_results",
    "run_sweep",
    "summarise_sweep",
    "write_summary",
]

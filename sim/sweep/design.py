"""Design points: which parameter values each point of a sweep runs with.

A design is a (point, parameter) table of values, in the order of the sweep file's
parameters. ``grid`` is the Cartesian product (first parameter slowest); ``random`` draws
uniformly; ``lhs`` is a Latin hypercube (McKay, Beckman & Conover 1979, via
scipy.stats.qmc); ``sobol`` is Saltelli's scheme on a scrambled Sobol' sequence
(Saltelli et al. 2010, via SALib), whose N * (D + 2) rows the Sobol' estimators need in
exactly that order. Every design is a pure function of the sweep file and its seed; it is
stored beside the results (design.parquet) and read back on resume, so a library upgrade
can never change the points of a half-finished sweep.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.sweep.spec import Experiment


@dataclass(frozen=True)
class Design:
    kind: str  # grid | random | lhs | sobol
    paths: tuple[str, ...]
    values: np.ndarray  # (point, parameter) float64

    @property
    def points(self) -> int:
        return int(self.values.shape[0])


def build_design(exp: Experiment) -> Design:
    """The design points of an experiment (see the module docstring for each kind)."""
    st = exp.settings
    specs = exp.spec.parameters
    paths = exp.paths
    if st.design == "grid":
        values = grid(grid_axes(exp))
    else:
        lows = np.array([specs[p].low for p in paths], dtype=float)
        highs = np.array([specs[p].high for p in paths], dtype=float)
        values = sampled(st.design, lows, highs, int(st.samples), st.seed)
    for d, path in enumerate(paths):
        if path in exp.integer_paths:  # the schema keeps this setting whole
            values[:, d] = np.round(values[:, d])
    return Design(st.design, paths, values)


def grid_axes(exp: Experiment) -> list[np.ndarray]:
    """Each grid parameter's values, in file order."""
    return [
        np.asarray(p.values, dtype=float)
        if p.values is not None
        else np.linspace(p.range.start, p.range.stop, p.range.num)
        for p in exp.spec.parameters.values()
    ]


def grid(axes: list[np.ndarray]) -> np.ndarray:
    """Cartesian product of the axes, first axis slowest  (point, parameter)."""
    if not axes:
        return np.zeros((1, 0))  # no parameters: one point, the base scenario
    mesh = np.meshgrid(*axes, indexing="ij")
    return np.stack([m.ravel() for m in mesh], axis=1)


def sampled(kind: str, lows: np.ndarray, highs: np.ndarray, samples: int, seed: int) -> np.ndarray:
    """Points for the random, lhs and sobol designs, scaled to [low, high]  (point, parameter)."""
    d = lows.shape[0]
    if kind == "sobol":
        from SALib.sample import sobol

        return sobol.sample(
            salib_problem(lows, highs), samples, calc_second_order=False, seed=seed
        ).astype(float)
    if kind == "lhs":
        from scipy.stats import qmc

        unit = qmc.LatinHypercube(d=d, rng=np.random.default_rng(seed)).random(samples)
    else:
        unit = np.random.default_rng(seed).random((samples, d))
    return lows + unit * (highs - lows)


def salib_problem(lows: np.ndarray, highs: np.ndarray, names: list[str] | None = None) -> dict:
    names = names or [f"x{i}" for i in range(len(lows))]
    return {
        "num_vars": len(lows),
        "names": names,
        "bounds": [[float(lo), float(hi)] for lo, hi in zip(lows, highs, strict=True)],
    }


def describe(exp: Experiment, design: Design) -> dict:
    """The manifest's "design" entry: kind, parameters with their values or bounds, sizes."""
    params = []
    axes = grid_axes(exp) if design.kind == "grid" else []
    for d, (path, p) in enumerate(exp.spec.parameters.items()):
        entry: dict = {"path": path}
        if design.kind == "grid":
            values = np.round(axes[d]) if path in exp.integer_paths else axes[d]
            entry["values"] = [float(v) for v in values]
        else:
            entry |= {"low": p.low, "high": p.high}
        if path in exp.integer_paths:
            entry["integer"] = True
        params.append(entry)
    out = {
        "kind": design.kind,
        "parameters": params,
        "points": design.points,
        "replicates": exp.settings.replicates,
        "common_random_numbers": exp.settings.common_random_numbers,
    }
    if design.kind != "grid":
        out["samples"] = exp.settings.samples
    if design.kind == "sobol":
        out["second_order"] = False
    return out

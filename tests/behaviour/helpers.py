"""Helpers of the behaviour tests: runs with every spread and all perception noise off."""

from __future__ import annotations

import numpy as np

from sim.engine.model import CeasefireModel


def stated(scenario) -> dict[str, float]:
    """Overrides that switch off perception noise and every spread (actors, stances, fronts,
    threats), so each replicate holds exactly the values written in the scenario file."""
    ov: dict[str, float] = {f"actors.{a}.noise": 0.0 for a in scenario.actors}
    for a, actor in scenario.actors.items():
        for f in type(actor.spread).model_fields:
            ov[f"actors.{a}.spread.{f}"] = 0.0
        for k, st in actor.stances.items():
            ov[f"actors.{a}.stances.{k}.spread.position"] = 0.0
            ov[f"actors.{a}.stances.{k}.spread.salience"] = 0.0
            if st.red_line is not None:
                ov[f"actors.{a}.stances.{k}.spread.red_line"] = 0.0
    for fid, front in scenario.fronts.items():
        for f in type(front.spread).model_fields:
            ov[f"fronts.{fid}.spread.{f}"] = 0.0
    for t in scenario.threats:
        ov[f"threats.{t}.spread.credibility"] = 0.0
        ov[f"threats.{t}.spread.severity"] = 0.0
    return ov


def run(scenario, replicates, seed=11, overrides=None, record="none", **kw) -> CeasefireModel:
    m = CeasefireModel(scenario, replicates, seed, overrides=overrides, record=record, **kw)
    m.run_model()
    return m


def index(ids, *names) -> list[int]:
    return [list(ids).index(n) for n in names]


def rows_of(table: dict[str, np.ndarray], replicate: int) -> dict[str, np.ndarray]:
    keep = table["replicate"] == replicate
    return {k: v[keep] for k, v in table.items()}

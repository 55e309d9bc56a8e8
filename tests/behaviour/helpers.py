"""Helpers of the behaviour tests: runs with every spread and all perception noise off."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from sim.engine.model import CeasefireModel
from sim.scenario.load import load_scenario, modified, parse_scenario


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


TWO_PARTY = Path(__file__).resolve().parents[1] / "data" / "two-party.toml"
ISSUE_11 = ("calendar", "tracks", "tolerance", "concession", "learning", "linkage")
ISSUE_11 += ("unilateral", "coercion_memory", "walkouts")
ISSUE_12 = ("battlefield", "beliefs", "defection")


def two_party(changes: dict | None = None, tracks: dict | None = None, **data_changes):
    """tests/data/two-party.toml with dotted-path ``changes``; ``tracks`` replaces the track
    table (its order is the tracks' order); ``data_changes`` replace whole top-level tables."""
    base = load_scenario(TWO_PARTY)
    data = base.model_dump(mode="python", exclude_none=True)
    if tracks is not None:
        data["tracks"] = tracks
    data.update(data_changes)
    s = parse_scenario(data, "two-party (test)")
    return modified(s, changes) if changes else s


def switched_off(names) -> dict:
    return {f"mechanisms.{n}": False for n in names}

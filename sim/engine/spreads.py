"""Uncertainty: each replicate's own draw of every value a scenario gives a ``spread``.

A draw is a truncated normal around the stated value, within the schema's bounds, by the
inverse CDF of one counter-based uniform per (seed, replicate, path), so a replicate's
parameters depend on nothing else (not on its batch, chunk or worker).
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtr, ndtri

from sim.engine import rng
from sim.engine.inputs import Parameters
from sim.scenario.paths import locate, path_bounds
from sim.scenario.schema import Scenario


def scenario_spreads(s: Scenario) -> dict[str, np.ndarray | float]:
    spreads: dict[str, np.ndarray | float] = {}
    for a, actor in s.actors.items():
        for f, sd in actor.spread.model_dump().items():
            if sd > 0:
                spreads[f"actors.{a}.{f}"] = sd
        for k, st in actor.stances.items():
            for f, sd in st.spread.model_dump().items():
                if sd > 0:
                    spreads[locate(s, f"actors.{a}.stances.{k}.spread.{f}").target] = sd
    for h, threat in s.threats.items():
        for f, sd in threat.spread.items():
            if sd > 0:
                spreads[f"threats.{h}.{f}"] = sd
    for fid, front in s.fronts.items():
        for f, sd in front.spread.model_dump().items():
            if sd > 0:
                spreads[locate(s, f"fronts.{fid}.spread.{f}").target] = sd
    return spreads


def draw_spreads(s: Scenario, p: Parameters, spreads: dict[str, np.ndarray | float]) -> None:
    """Truncated-normal draws around each uncertain value, within the schema's bounds.

    Inverse-CDF sampling keeps one uniform per draw, so the draw is a pure function of
    (seed, replicate, path) and of nothing else. A front's drift drawn this way is the true
    drift of that replicate; the parties' beliefs stay as written (they do not see it).
    """
    for target, sd in sorted(spreads.items()):
        sd = np.broadcast_to(np.asarray(sd, dtype=float), p.replicate.shape)
        if not np.any(sd > 0):
            continue
        loc = locate(s, target)
        arr = p.array(loc.array)
        where = (slice(None), *loc.index)
        centre = arr[where].copy()
        lo, hi = path_bounds(s, target)
        if loc.array == "position":  # a drawn position never crosses its own red line
            lo = np.maximum(lo, p.red_low[where])
            hi = np.minimum(hi, p.red_high[where])
        u = rng.uniform(p.seed, p.replicate, 0, "spread:" + target)
        safe = np.where(sd > 0, sd, 1.0)
        a, b = ndtr((lo - centre) / safe), ndtr((hi - centre) / safe)
        z = ndtri(np.clip(a + u * (b - a), 1e-300, 1 - 1e-16))
        arr[where] = np.where(sd > 0, np.clip(centre + sd * z, lo, hi), centre)

"""Synthetic sweep directories in the format of the sweep directory contract (BRIEF).

Model 2's headline measures are binomial draws (fixed seed) from a smooth response surface,
so the files look like a real summarised sweep without running thousands of replicates:
manifest.json, scenario.toml, experiment.toml, summary.csv and, for Sobol designs,
sobol.csv.
"""

from __future__ import annotations

import csv
import itertools
import json
import shutil
from pathlib import Path

import numpy as np

from sim.results.stats import wilson_interval
from sim.scenario.load import DEFAULT_SCENARIO

GRID = {
    "fronts.kursk.drift": [-0.004, -0.002, 0.0, 0.002, 0.004],
    "threats.waltz.credibility": [0.0, 0.25, 0.5, 0.75],
    "negotiation.step_size": [0.1, 0.3],
}
BOUNDS = {
    "fronts.kursk.drift": (-0.006, 0.006),
    "threats.waltz.credibility": (0.0, 1.0),
    "actors.ukraine.stances.kursk.position": (0.0, 0.5),
}
MEASURES = ("p_deal_30", "p_deal_90", "p_deal", "p_comprehensive", "share_partial", "p_breakdown")


def _design(kind: str, parameters: list[str], points: int, rng, grid: dict) -> np.ndarray:
    if kind == "grid":
        return np.array(list(itertools.product(*(grid[p] for p in parameters))), dtype=float)
    lo = np.array([BOUNDS[p][0] for p in parameters])
    hi = np.array([BOUNDS[p][1] for p in parameters])
    return lo + rng.random((points, len(parameters))) * (hi - lo)


def make_sweep_dir(
    path: Path,
    kind: str = "grid",
    parameters: list[str] | None = None,
    points: int = 40,
    replicates: int = 200,
    seed: int = 11,
    deal: float | None = None,
    grid: dict[str, list[float]] | None = None,
) -> Path:
    """Write a summarised sweep directory; ``deal`` fixes P(first deal within 90 days)
    everywhere (0: no deal at all, so the shares among deals are blank) and ``grid``
    replaces the values of grid axes."""
    grid = GRID | (grid or {})
    parameters = parameters or list(grid)[:2]
    rng = np.random.default_rng(seed)
    x = _design(kind, parameters, points, rng, grid)
    path.mkdir(parents=True)
    shutil.copy(DEFAULT_SCENARIO, path / "scenario.toml")
    described = "".join(
        f'\n[parameters."{p}"]\ndescription = "why {p} varies"\n' for p in parameters
    )
    (path / "experiment.toml").write_text(  # names and descriptions, as sweep files hold them
        f'[sweep]\nname = "Synthetic {kind} sweep"\n'
        f'description = "What does a synthetic {kind} design show?"\n{described}'
    )
    design_params = [
        {"path": p, "values": grid[p]} if kind == "grid" else {"path": p, "bounds": BOUNDS[p]}
        for p in parameters
    ]
    manifest = {
        "experiment_sha256": "0" * 64,
        "scenario_sha256": "1" * 64,
        "version": "0.1.0",
        "seed": seed,
        "design": {
            "kind": kind,
            "parameters": design_params,
            "points": len(x),
            "replicates": replicates,
        },
        "chunks": [{"id": 0, "points": [0, len(x)]}],
        "base_scenario": "scenario.toml",
    }
    (path / "manifest.json").write_text(json.dumps(manifest, indent=2))

    centred = (x - x.mean(axis=0)) / np.maximum(x.std(axis=0), 1e-9)
    slope = np.linspace(-1.5, 1.0, len(parameters))
    p_deal = 1 / (1 + np.exp(-(centred @ slope))) if deal is None else np.full(len(x), deal)
    header = ["point", *parameters, "n", "n_deals"]
    for share in MEASURES:
        header += [share, f"{share}_lo", f"{share}_hi"]
    header += ["median_first_deal_day", "mean_days_under_ceasefire", "p_threat_waltz_carried_out"]
    rows = []
    for i in range(len(x)):
        n = replicates
        by_90 = int(rng.binomial(n, p_deal[i]))
        by_30 = int(rng.binomial(by_90, 0.5))
        any_deal = by_90 + int(rng.binomial(n - by_90, 0.2 * p_deal[i]))
        comprehensive = int(rng.binomial(any_deal, 0.4))
        deals = any_deal + int(rng.binomial(any_deal, 0.5))
        partial, broke = int(rng.binomial(deals, 0.6)), int(rng.binomial(deals, 0.3))
        row = [i, *x[i], n, deals]
        for k, of in (
            (by_30, n),
            (by_90, n),
            (any_deal, n),
            (comprehensive, n),
            (partial, deals),
            (broke, deals),
        ):
            row += [k / of, *wilson_interval(k, of)] if of else ["", "", ""]
        row += [rng.integers(5, 80) if any_deal else "", rng.random() * 60, rng.random() * 0.3]
        rows.append(row)
    with open(path / "summary.csv", "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    if kind == "sobol":
        with open(path / "sobol.csv", "w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["outcome", "parameter", "S1", "S1_conf", "ST", "ST_conf"])
            for outcome in ("p_deal_30", "p_comprehensive"):
                for j, p in enumerate(parameters):
                    s1 = 0.5 / (j + 1)
                    w.writerow([outcome, p, s1, 0.05, s1 + 0.1, 0.04])
    return path

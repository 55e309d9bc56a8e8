"""Synthetic sweep directories in the format of the sweep directory contract (BRIEF).

Shares are binomial draws (fixed seed) from a smooth response surface, so the files look
like a real summarised sweep without running thousands of replicates: manifest.json,
scenario.toml, experiment.toml, summary.csv and, for Sobol designs, sobol.csv.
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

ISSUES = ("scope", "monitoring", "kursk", "rearmament", "settlement_link", "territory")
GRID = {
    "actors.russia.reservation": [0.7, 0.75, 0.8, 0.85, 0.9],
    "threats.waltz.credibility": [0.0, 0.25, 0.5, 0.75],
    "negotiation.step_size": [0.1, 0.3],
}
BOUNDS = {
    "actors.russia.reservation": (0.6, 0.95),
    "threats.waltz.credibility": (0.0, 1.0),
    "actors.ukraine.stances.kursk.position": (0.0, 0.5),
}


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
    agreement: float | None = None,
    grid: dict[str, list[float]] | None = None,
) -> Path:
    """Write a summarised sweep directory; ``agreement`` fixes P(agreement) everywhere and
    ``grid`` replaces the values of grid axes."""
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
    p_agree = (
        1 / (1 + np.exp(-(centred @ slope))) if agreement is None else np.full(len(x), agreement)
    )
    header = ["point", *parameters, "n"]
    for share in ("p_agreement", "p_comprehensive", "p_partial", "p_survives"):
        header += [share, f"{share}_lo", f"{share}_hi"]
    header += ["median_agreement_round", *[f"median_terms_{k}" for k in ISSUES]]
    header += ["p_threat_waltz_carried_out"]
    rows = []
    for i in range(len(x)):
        n = replicates
        agreed = int(rng.binomial(n, p_agree[i]))
        comprehensive = int(rng.binomial(agreed, 0.7))
        survived = int(rng.binomial(agreed, 0.8)) if agreed else 0
        row = [i, *x[i], n]
        for k, of in (
            (agreed, n),
            (comprehensive, n),
            (agreed - comprehensive, n),
            (survived, agreed),
        ):
            if of:
                row += [k / of, *wilson_interval(k, of)]
            else:
                row += ["", "", ""]
        row += [rng.integers(5, 40) if agreed else ""]
        row += [f"{v:.4f}" if agreed else "" for v in rng.random(len(ISSUES))]
        row += [rng.random() * 0.3]
        rows.append(row)
    with open(path / "summary.csv", "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    if kind == "sobol":
        with open(path / "sobol.csv", "w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["outcome", "parameter", "S1", "S1_conf", "ST", "ST_conf"])
            for outcome in ("p_agreement", "p_comprehensive"):
                for j, p in enumerate(parameters):
                    s1 = 0.5 / (j + 1)
                    w.writerow([outcome, p, s1, 0.05, s1 + 0.1, 0.04])
    return path

"""A small synthetic model-2 run, in the shapes of the outputs contract (coord/model2.md).

Charts, tables and readers are tested on it without running the engine: an agreements
table drawn at random (deals on three tracks, consent that comes late or never, a broader
deal replacing a narrower one, breakdowns, unilateral truces), the outcomes derived from
that table as the contract defines them, and per-day series whose shares of deals in force
and agreed are counted from the same table. So a chart or summary that disagrees with the
agreements table is wrong, not the fixture.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from sim.engine.codes import Coverage, DealClass, EndReason, Outcome, Purpose, Side
from sim.engine.recorder import QUANTILES

START = "2025-03-11"
ACTORS = ("united_states", "russia", "ukraine", "france")
NAMES = ("United States", "Russia", "Ukraine", "France")
ROLES = ("mediator", "party", "party", "supporter")
ISSUES = ("monitoring", "kursk", "rearmament")
FRONTS = ("main", "kursk", "energy")
TRACKS = ("full", "energy", "air_sea")
TRACK_FRONTS = (FRONTS, ("energy",), ("main",))
RUSSIA, UKRAINE = 1, 2


def facts(replicates: int, horizon: int, seed: int) -> dict:
    """run.json of the synthetic run."""
    return {
        "scenario_name": "Synthetic fronts",
        "start_date": START,
        "end_date": str(np.datetime64(START) + np.timedelta64(horizon - 1, "D")),
        "horizon": horizon,
        "seed": seed,
        "replicates": replicates,
        "actor_ids": list(ACTORS),
        "names": list(NAMES),
        "roles": list(ROLES),
        "issue_ids": list(ISSUES),
        "issue_labels": ["Monitoring", "Kursk salient", "Rearmament during the pause"],
        "issue_zero": ["none", "Ukraine keeps it", "free to rearm"],
        "issue_one": ["full", "Russia retakes it", "no rearmament"],
        "threat_ids": ["washington"],
        "threats": {
            "washington": {
                "by": "united_states",
                "target": "russia",
                "issued": "2025-03-12",
                "deadline": "2025-04-20",
                "severity": 0.002,
                "credibility": 0.5,
            }
        },
        "events": {},
        "track_ids": list(TRACKS),
        "track_labels": ["Full 30-day ceasefire", "Energy strikes halt", "Air and sea truce"],
        "track_fronts": [list(f) for f in TRACK_FRONTS],
        "track_terms": [30, 0, 0],
        "track_purposes": ["general", "sectoral", "general"],
        "track_issues": [list(ISSUES), ["monitoring"], ["monitoring"]],
        "sessions": [{"date": START, "label": "Jeddah"}],
        "truce_occasions": [
            {"actor": "russia", "date": "2025-04-19", "days": 2, "label": "Easter"}
        ],
        "front_ids": list(FRONTS),
        "front_labels": ["Main front line", "Kursk salient", "Strikes on energy"],
        "front_sides": [["ukraine", "russia"]] * 3,
        "front_drift": [0.0, 0.004, 0.0],
        "version": "test",
        "command": "synthetic",
    }


def _agreements(rng: np.random.Generator, R: int, horizon: int) -> dict[str, np.ndarray]:
    rows: list[dict] = []

    def add(**row) -> None:
        rows.append(row)

    for r in range(R):
        energy_end = None
        if rng.random() < 0.6:  # a partial deal, in force at once
            day = int(rng.integers(0, horizon // 2))
            held = int(rng.geometric(1 / 40))
            broke = day + held < horizon
            energy_end = day + held if broke else -1
            add(
                r=r,
                track=1,
                declared_by=-1,
                side=Side.BILATERAL,
                coverage=Coverage.PARTIAL,
                deal_class=DealClass.BARE,
                purpose=Purpose.SECTORAL,
                mediated=True,
                day_agreed=day,
                day_in_force=day,
                term_days=0,
                day_ended=energy_end,
                end_reason=EndReason.BREAKDOWN if broke else EndReason.IN_FORCE_AT_HORIZON,
                broken_by=int(rng.choice([RUSSIA, UKRAINE])) if broke else -1,
            )
        if rng.random() < 0.35:  # the comprehensive deal, waiting for consent
            day = int(rng.integers(5, horizon - 10))
            wait = int(rng.integers(0, 40))
            if day + wait >= horizon:
                start, ended, reason = -1, -1, EndReason.PENDING_AT_HORIZON
            elif wait > 30:
                start, ended, reason = -1, day + 30, EndReason.LAPSED
            else:
                start = day + wait
                ended = start + 30 if start + 30 < horizon else -1
                reason = EndReason.EXPIRED if ended >= 0 else EndReason.IN_FORCE_AT_HORIZON
            add(
                r=r,
                track=0,
                declared_by=-1,
                side=Side.MULTILATERAL,
                coverage=Coverage.COMPREHENSIVE,
                deal_class=DealClass.COMPLIANCE,
                purpose=Purpose.GENERAL,
                mediated=True,
                day_agreed=day,
                day_in_force=start,
                term_days=30,
                day_ended=ended,
                end_reason=reason,
                broken_by=-1,
            )
            if start >= 0 and energy_end is not None and rows[-2]["r"] == r:
                energy = rows[-2]
                if energy["day_in_force"] <= start and (energy_end == -1 or energy_end > start):
                    energy.update(day_ended=start, end_reason=EndReason.REPLACED, broken_by=-1)
        if rng.random() < 0.4 and horizon > 41:  # an Easter truce
            add(
                r=r,
                track=-1,
                declared_by=RUSSIA,
                side=Side.UNILATERAL,
                coverage=Coverage.PARTIAL,
                deal_class=DealClass.BARE,
                purpose=Purpose.HUMANITARIAN,
                mediated=False,
                day_agreed=39,
                day_in_force=39,
                term_days=2,
                day_ended=41,
                end_reason=EndReason.EXPIRED,
                broken_by=-1,
            )
    n = len(rows)
    col = lambda k, dtype: np.array([row[k] for row in rows], dtype=dtype)  # noqa: E731
    table = {
        "replicate": col("r", np.int64),
        **{k: col(k, np.int64) for k in ("track", "declared_by", "side", "coverage", "deal_class")},
        "purpose": col("purpose", np.int64),
        "mediated": col("mediated", bool),
        **{k: col(k, np.int64) for k in ("day_agreed", "day_in_force", "term_days", "day_ended")},
        "end_reason": col("end_reason", np.int64),
        "broken_by": col("broken_by", np.int64),
        "extensions": np.zeros(n, dtype=np.int64),
    }
    for party in ("russia", "ukraine"):
        table[f"violations_{party}"] = rng.poisson(0.5, n).astype(np.int64)
    for k, issue in enumerate(ISSUES):
        term = rng.random(n)
        table[f"term_{issue}"] = np.where(table["track"] == 0, term, np.nan if k else term)
    return table


def in_force(agreements: dict[str, np.ndarray], horizon: int, rows: np.ndarray) -> np.ndarray:
    """(rows, day) True where the agreement row is in force that day."""
    days = np.arange(horizon)
    start = agreements["day_in_force"][rows][:, None]
    end = np.where(agreements["day_ended"] >= 0, agreements["day_ended"], horizon)[rows][:, None]
    return (start >= 0) & (days >= start) & (days < end)


def _outcomes(a: dict, R: int, horizon: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    reps = np.arange(R)
    deal = a["side"] != Side.UNILATERAL

    def first(mask: np.ndarray, what: str = "day_agreed") -> np.ndarray:
        out = np.full(R, -1, dtype=np.int64)
        for i in np.flatnonzero(mask):
            r = a["replicate"][i]
            if out[r] < 0 or a[what][i] < out[r]:
                out[r] = a[what][i]
        return out

    covered = np.zeros((R, horizon), dtype=bool)
    for i, on in zip(range(len(deal)), in_force(a, horizon, np.arange(len(deal))), strict=True):
        covered[a["replicate"][i]] |= on
    first_comp = first(deal & (a["coverage"] == Coverage.COMPREHENSIVE))
    first_part = first(deal & (a["coverage"] == Coverage.PARTIAL))
    first_deal = first(deal)
    first_track = np.full(R, -1, dtype=np.int64)
    for i in np.flatnonzero(deal):
        r = a["replicate"][i]
        if a["day_agreed"][i] == first_deal[r] and first_track[r] < 0:
            first_track[r] = a["track"][i]
    broke = deal & (a["end_reason"] == EndReason.BREAKDOWN)
    by = np.full(R, -1, dtype=np.int64)
    for i in np.flatnonzero(broke)[::-1]:  # the earliest row of a replicate wins
        by[a["replicate"][i]] = a["broken_by"][i]
    outcome = np.where(
        first_comp >= 0,
        Outcome.COMPREHENSIVE,
        np.where(first_part >= 0, Outcome.PARTIAL, Outcome.NONE),
    )
    out = {
        "replicate": reps,
        "outcome": outcome.astype(np.int64),
        "first_deal_day": first_deal,
        "first_partial_day": first_part,
        "first_comprehensive_day": first_comp,
        "first_deal_track": first_track,
        "deals": np.bincount(a["replicate"][deal], minlength=R).astype(np.int64),
        "unilateral_truces": np.bincount(a["replicate"][~deal], minlength=R).astype(np.int64),
        "days_under_ceasefire": covered.sum(axis=1).astype(np.int64),
        "breakdowns": np.bincount(a["replicate"][broke], minlength=R).astype(np.int64),
        "first_breakdown_by": by,
        "walkouts": rng.poisson(0.3, R).astype(np.int64),
        "sessions": rng.poisson(20, R).astype(np.int64),
        "threat_washington_called": rng.random(R) < 0.6,
    }
    out["threat_washington_carried_out"] = out["threat_washington_called"] & (rng.random(R) < 0.5)
    for f in FRONTS:
        control = rng.random(R)
        decided = np.where(control > 0.9, rng.integers(10, horizon, R), -1)
        out[f"control_{f}"] = np.where(decided >= 0, 1.0, control)
        out[f"decided_day_{f}"] = decided.astype(np.int64)
        out[f"decided_by_{f}"] = np.where(decided >= 0, RUSSIA, -1).astype(np.int64)
    out["settled_kursk"] = out["decided_day_kursk"] >= 0
    return out


def _bands(rng, shape: tuple, centre: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Quantile bands (D, 5, ...) around ``centre`` (D, ...), ordered, and the mean."""
    widths = np.array([-0.2, -0.08, 0.0, 0.08, 0.2]).reshape((1, 5) + (1,) * (len(shape) - 1))
    q = centre[:, None] + widths * (1 + 0.1 * rng.random((1, 1, *shape[1:])))
    return q, centre.copy()


def _series(a: dict, o: dict, R: int, horizon: int, rng) -> dict[str, np.ndarray]:
    D, N, F, T, K = horizon, len(ACTORS), len(FRONTS), len(TRACKS), len(ISSUES)
    days = np.arange(D)
    s: dict[str, np.ndarray] = {"day": days}
    control = np.clip(0.5 + np.cumsum(rng.normal(0, 0.005, (D, F)), axis=0), 0, 1)
    s["control_q"], s["control_mean"] = _bands(rng, (D, F), control)
    s["control_q"] = np.clip(s["control_q"], 0, 1)
    decided = np.zeros((D, F, 2))
    for j, f in enumerate(FRONTS):
        d = o[f"decided_day_{f}"]
        decided[:, j, 1] = [(d >= 0) & (d <= t) for t in days] @ np.ones(R) / R
    s["decided_share"] = decided
    truth = np.array([0.0, 0.004, 0.0])
    belief = truth + 0.01 * np.exp(-days / 30)[:, None, None] * np.array([1, -1, 0, 0])[:, None]
    belief[:, [0, 3]] = np.nan  # neither the mediator's nor a supporter's in this run
    s["belief_q"], s["belief_mean"] = _bands(rng, (D, N, F), belief * np.ones((D, N, F)))
    outside = -0.05 - 0.0005 * days[:, None] * np.ones((D, N))
    s["outside_value_q"], _ = _bands(rng, (D, N), outside)
    offer = np.full((D, N, T), np.nan)
    offer[5:] = -0.1 + 0.001 * days[5:, None, None] * np.ones((1, N, T))
    s["offer_value_q"], s["offer_value_mean"] = _bands(rng, (D, N, T), offer)
    rows = np.arange(len(a["replicate"]))
    on = in_force(a, horizon, rows)
    agreed = (a["day_agreed"][:, None] <= days) & np.where(
        a["day_ended"][:, None] >= 0, days < a["day_ended"][:, None], True
    )
    share_in, share_agreed = np.zeros((D, T + 1)), np.zeros((D, T + 1))
    for t in range(-1, T):
        pick = a["track"] == t
        for flags, target in ((on, share_in), (agreed, share_agreed)):
            per_rep = np.zeros((R, D), dtype=bool)
            for i in np.flatnonzero(pick):
                per_rep[a["replicate"][i]] |= flags[i]
            target[:, t] = per_rep.mean(axis=0)  # t = -1: the last column, unilateral
    s["in_force_share"], s["agreed_share"] = share_in, share_agreed
    s["session_share"] = np.where(days % 7 == 0, 1.0, 0.15)
    s["broken_off_share"] = np.clip(0.002 * days, 0, 0.4)
    s["accept_share"] = np.clip(0.2 + 0.003 * days[:, None, None] * np.ones((1, N, T)), 0, 1)
    s["condition_share"] = np.clip(0.5 - 0.002 * days[:, None, None] * np.ones((1, N, K)), 0, 1)
    s["deals_in_force_mean"] = on.sum(axis=0) / R
    return s


def synthetic_outputs(replicates: int = 200, horizon: int = 120, seed: int = 7) -> dict:
    """meta, outcomes, agreements and series of a synthetic run (see the module docstring)."""
    rng = np.random.default_rng(seed)
    a = _agreements(rng, replicates, horizon)
    o = _outcomes(a, replicates, horizon, rng)
    s = _series(a, o, replicates, horizon, rng)
    assert s["control_q"].shape[1] == len(QUANTILES)
    return {"meta": facts(replicates, horizon, seed), "outcomes": o, "agreements": a, "series": s}


def synthetic_run(replicates: int = 200, horizon: int = 120, seed: int = 7):
    """The synthetic run as a RunResult with its summary, as charts and reports read it."""
    from sim.results.run_dir import RunResult
    from sim.results.summary import summarise

    out = synthetic_outputs(replicates, horizon, seed)
    summary = summarise(out["outcomes"], out["agreements"], out["meta"])
    return RunResult(
        Path("."), out["meta"], out["outcomes"], out["series"], summary, out["agreements"]
    )


def store_run_dir(result, path: Path, scenario: Path | None = None) -> Path:
    """Write a result as a run directory: the files report, plot and compare read (with a
    copy of ``scenario`` as scenario.toml, if given)."""
    path.mkdir(parents=True)
    if scenario is not None:
        (path / "scenario.toml").write_bytes(Path(scenario).read_bytes())
    (path / "run.json").write_text(json.dumps(result.meta, indent=2))
    (path / "summary.json").write_text(json.dumps(result.summary, indent=2))
    np.savez_compressed(path / "outcomes.npz", **result.outcomes)
    np.savez_compressed(path / "agreements.npz", **result.agreements)
    np.savez_compressed(path / "series.npz", **result.series)
    return path

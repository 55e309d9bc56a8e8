"""From a validated scenario (format v2) to parameter arrays with a leading replicate axis.

Every number the engine uses lives in an array whose first axis is the replicate
(``(R,)``, ``(R, N)``, ``(R, N, K)``, ``(R, F)``...). That is what lets one model instance
step many replicates at once, and lets a sweep give every replicate its own parameter
values: a design point is nothing but a slice of the replicate axis. The names are those of
coord/model2.md ("Parameters"), which battle.py and deals.py rely on.

A dotted path from the scenario file (``fronts.kursk.drift``) is mapped to one array and one
index by :func:`sim.scenario.paths.locate`. Events, sweeps and the dashboard all change
parameters through that one function. Structural facts (who fights on which front, which
fronts a track halts, which issue needs which implementer) are one value per model and
carry no replicate axis.
"""

from __future__ import annotations

import numpy as np

from sim.engine import calendar
from sim.engine.codes import Purpose
from sim.engine.inputs import (  # noqa: F401 (the engine's input types, offered here)
    MOVE_DAYS,
    Mechanisms,
    Parameters,
    ScheduledChange,
    TruceOccasion,
)
from sim.engine.spreads import draw_spreads, scenario_spreads
from sim.scenario.paths import locate
from sim.scenario.schema import Scenario

MECHANISMS = (
    "calendar",
    "tracks",
    "tolerance",
    "concession",
    "learning",
    "linkage",
    "unilateral",
    "coercion_memory",
    "walkouts",
    "battlefield",
    "beliefs",
    "defection",
)
NEGOTIATION_ARRAYS = (
    "step_size",
    "mediator_bias",
    "influence_rate",
    "holdout_focus",
    "holdout_pressure",
    "tolerance",
    "red_line_penalty",
    "walkout_hazard",
    "walkout_escalation",
    "resume_chance",
    "gesture_rate",
)
ACTOR_ARRAYS = (
    "capability",
    "noise",
    "monitoring_capacity",
    "guarantee",
    "aspiration",
    "concession_rate",
    "aspiration_floor",
    "planning_horizon",
    "gesture",
    "gesture_days",
)
THREAT_ARRAYS = ("severity", "credibility", "resolve", "erosion", "boost")
FRONT_ARRAYS = {"control": "control0", "drift": "drift", "volatility": "volatility"}
FRONT_ARRAYS |= {"intensity": "intensity", "rearmament_shift": "rearmament_shift"}


def build_parameters(
    s: Scenario,
    replicates: int | np.ndarray,
    seed: int,
    overrides: dict[str, np.ndarray | float] | None = None,
) -> Parameters:
    """Arrays for ``replicates`` (a count, or an array of global replicate ids).

    ``overrides`` maps dotted paths to a value or an array over the replicate axis: this
    is how a sweep gives each design point its own parameters. Uncertainty (``spread``) is
    drawn afterwards, per replicate, from the counter-based generator, so a replicate's
    draw depends only on (seed, replicate id, path).
    """
    rep = (
        np.arange(replicates, dtype=np.int64)
        if np.ndim(replicates) == 0
        else np.asarray(replicates, dtype=np.int64)
    )
    R = rep.shape[0]
    actors, issues = list(s.actors), list(s.issues)
    fronts, tracks, threats = list(s.fronts), list(s.tracks), list(s.threats)
    N, K, F, T = len(actors), len(issues), len(fronts), len(tracks)
    start = s.scenario.start_date
    days = calendar.horizon(start, s.scenario.end_date)

    def tile(x) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        return np.tile(x, (R,) + (1,) * x.ndim)

    position, salience = np.zeros((N, K)), np.zeros((N, K))
    red_low, red_high = np.zeros((N, K)), np.ones((N, K))
    ties, accepts = np.zeros((N, N)), np.zeros((N, N), dtype=bool)
    for i, a in enumerate(actors):
        actor = s.actors[a]
        for k, issue in enumerate(issues):
            st = actor.stances[issue]
            position[i, k], salience[i, k] = st.position, st.salience
            if st.red_line is not None:
                if st.red_line.never_below is not None:
                    red_low[i, k] = st.red_line.never_below
                if st.red_line.never_above is not None:
                    red_high[i, k] = st.red_line.never_above
        for b, w in actor.ties.items():
            ties[i, actors.index(b)] = w
        for b in actor.accepts_only_with:
            accepts[i, actors.index(b)] = True

    issue_front = np.full(K, -1, dtype=np.int64)
    implementers = np.zeros((K, N), dtype=bool)
    for k, issue in enumerate(issues):
        spec = s.issues[issue]
        if getattr(spec, "front", None):
            issue_front[k] = fronts.index(spec.front)
        for a in getattr(spec, "implementers", None) or []:
            implementers[k, actors.index(a)] = True

    side_sign = np.zeros((N, F), dtype=np.int64)
    front_cost, stakes = np.zeros((N, F)), np.zeros((N, F))
    fa = {name: np.zeros(F) for name in FRONT_ARRAYS.values()}
    for f, fid in enumerate(fronts):
        fr = s.fronts[fid]
        first, second = (actors.index(a) for a in fr.sides)
        side_sign[first, f], side_sign[second, f] = -1, 1
        for src, name in FRONT_ARRAYS.items():
            fa[name][f] = float(getattr(fr, src))
        for a, c in fr.cost.items():
            front_cost[actors.index(a), f] = c
        for a, v in fr.stakes.items():
            stakes[actors.index(a), f] = v
    prior_mean, prior_sd = np.zeros((N, F)), np.zeros((N, F))
    believed = np.zeros((N, F), dtype=bool)  # stated priors; the others: the truth
    for f, fid in enumerate(fronts):
        for a, belief in s.fronts[fid].beliefs.items():
            i = actors.index(a)
            prior_mean[i, f], prior_sd[i, f], believed[i, f] = belief.drift, belief.sd, True

    track_fronts = np.zeros((T, F), dtype=bool)
    track_issues = np.zeros((T, K), dtype=bool)
    opening = np.array([s.issues[k].opening for k in issues], dtype=float)
    track_opening = np.zeros((T, K))  # the tracks' own openings; the others: the issue's
    own_opening = np.zeros((T, K), dtype=bool)
    for t, tid in enumerate(tracks):
        tr = s.tracks[tid]
        if tr.fronts == "all":
            track_fronts[t] = True
        else:
            for f in tr.fronts:
                track_fronts[t, fronts.index(f)] = True
        for k in tr.issues:
            track_issues[t, issues.index(k)] = True
        for k, v in tr.opening.items():
            track_opening[t, issues.index(k)], own_opening[t, issues.index(k)] = v, True

    truces = []
    for occ in s.calendar.truce_occasions:
        covered = np.ones(F, dtype=bool)
        if occ.fronts is not None:
            covered[:] = False
            covered[[fronts.index(f) for f in occ.fronts]] = True
        truces.append(
            TruceOccasion(
                actors.index(occ.actor),
                calendar.day_of(start, occ.date),
                int(occ.days),
                float(occ.chance),
                covered,
                occ.label or "",
            )
        )

    th = [s.threats[h] for h in threats]
    first_track = 0

    def threat_track(t) -> int:
        return tracks.index(t.track) if getattr(t, "track", None) else first_track

    mech = getattr(s, "mechanisms", None)
    neg = s.negotiation
    out = s.outcomes
    p = Parameters(
        actor_ids=tuple(actors),
        issue_ids=tuple(issues),
        front_ids=tuple(fronts),
        track_ids=tuple(tracks),
        threat_ids=tuple(threats),
        role=np.array([s.actors[a].role for a in actors]),
        start_date=start,
        horizon=days,
        seed=int(seed),
        replicate=rep,
        proposal_rule=neg.proposal_rule,
        mechanisms=Mechanisms(**(mech.model_dump() if mech is not None else {})),
        session_day=calendar.dated_days(start, [x.date for x in s.calendar.sessions], days),
        session_chance=np.full(R, float(s.calendar.session_chance)),
        truces=truces,
        **{f: tile([float(getattr(s.actors[a], f)) for a in actors]) for f in ACTOR_ARRAYS},
        ties=tile(ties),
        accepts_only_with=accepts,
        position=tile(position),
        salience=tile(salience),
        red_low=tile(red_low),
        red_high=tile(red_high),
        status_quo=tile([s.issues[k].status_quo for k in issues]),
        opening=tile(opening),
        issue_front=issue_front,
        implementers=implementers,
        **{name: tile(v) for name, v in fa.items()},
        front_cost=tile(front_cost),
        stakes=tile(stakes),
        side_sign=side_sign,
        prior_mean=tile(prior_mean),
        prior_sd=tile(prior_sd),
        track_fronts=track_fronts,
        track_issues=track_issues,
        track_term=np.array([s.tracks[t].term_days for t in tracks], dtype=np.int64),
        track_purpose=np.array(
            [Purpose[s.tracks[t].purpose.upper()] for t in tracks], dtype=np.int64
        ),
        track_opening=tile(track_opening),
        track_own_opening=own_opening,
        **{f: np.full(R, float(getattr(neg, f))) for f in NEGOTIATION_ARRAYS},
        threat_by=np.array([actors.index(t.by) for t in th], dtype=np.int64),
        threat_target=np.array([actors.index(t.target) for t in th], dtype=np.int64),
        threat_kind=np.array([t.kind for t in th] or [], dtype=object),
        threat_track=np.array([threat_track(t) for t in th], dtype=np.int64),
        threat_issued=np.array([calendar.day_of(start, t.issued) for t in th], dtype=np.int64),
        threat_deadline=np.array([calendar.day_of(start, t.deadline) for t in th], dtype=np.int64),
        threat_moved=[np.array([calendar.day_of(start, d) for d in t.moved]) for t in th],
        **_general_format(s, R),
        **{
            f"threat_{f}": tile([float(getattr(t, f)) for t in th]).reshape(R, len(th))
            for f in THREAT_ARRAYS
        },
        impl=_implementation(s, R),
        compliance_issue=_issue_index(issues, out.compliance_issue),
        compliance_min=np.full(R, float(out.compliance_min)),
        definitive_issue=_issue_index(issues, out.definitive_issue),
        definitive_min=np.full(R, float(out.definitive_min)),
    )

    spreads = scenario_spreads(s)
    for path, value in (overrides or {}).items():
        loc = locate(s, path)
        values = np.broadcast_to(np.asarray(value, dtype=float), (R,))
        if loc.kind == "spread":
            spreads[loc.target] = values
        else:
            p.array(loc.array)[(slice(None), *loc.index)] = values
    draw_spreads(s, p, spreads)
    # a track without an opening of its own opens with the issue's (swept or drawn as above)
    p.track_opening = np.where(own_opening, p.track_opening, p.opening[:, None, :])
    # An actor without a stated prior believes the true drift of its replicate (drawn and
    # overridden as above), with sd = volatility (model2.md, [fronts.*.beliefs]).
    p.prior_mean = np.where(believed, p.prior_mean, p.drift[:, None, :])
    p.prior_sd = np.where(believed, p.prior_sd, p.volatility[:, None, :])

    for eid, event in s.events.items():
        d = calendar.day_of(start, event.date)
        for op in ("set", "shift"):
            for path, value in getattr(event, op).items():
                loc = locate(s, path)
                p.events.append(
                    ScheduledChange(d, loc.array, loc.index, op, float(value), path, eid)
                )
    p.events.sort(key=lambda e: e.day)  # stable: file order within a day
    return p


def _issue_index(issues: list[str], issue: str | None) -> int:
    return issues.index(issue) if issue and issue in issues else -1


def _implementation(s: Scenario, R: int) -> dict[str, np.ndarray]:
    """Every number of ``[implementation]`` as an (R,) array (deals.py reads them).

    With ``phase = false`` (a plain bargaining case) no deal is violated or defected from,
    so an agreed deal stays the outcome."""
    out = {}
    for name, value in s.implementation.model_dump().items():
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            out[name] = np.full(R, float(value))
    if not s.implementation.phase:
        out["violation_rate"] = np.zeros(R)
        out["defection_rate"] = np.zeros(R)
    return out


def _general_format(s: Scenario, R: int) -> dict:
    """The decision rule and the salience scale (docs/scenarios.md, "A general format")."""
    neg = s.negotiation
    threshold = neg.majority_threshold
    return {
        "decision_rule": neg.decision_rule,
        "majority_threshold": np.full(R, 1.0 if threshold is None else float(threshold)),
        "absolute_salience": s.scenario.salience_scale(len(s.issues)) == "absolute",
        "implementation_phase": s.implementation.phase,
    }

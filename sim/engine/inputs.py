"""The engine's inputs: the parameter arrays of one model and the dated items they carry.

Every array has the replicate axis first (R replicates, N actors, K issues, F fronts,
T tracks, H threats), named as coord/model2.md ("Parameters") fixes them, which battle.py
and deals.py rely on. :func:`sim.engine.parameters.build_parameters` fills them from a
scenario; :meth:`Parameters.subset` cuts the replicates of one block.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields

import numpy as np

MOVE_DAYS = 14  # a moved deadline moves by two weeks (model2.md, threats.moved)


@dataclass(frozen=True)
class Mechanisms:
    """The ``[mechanisms]`` switches: each True unless the scenario turns it off."""

    calendar: bool = True
    tracks: bool = True
    tolerance: bool = True
    concession: bool = True
    learning: bool = True
    linkage: bool = True
    unilateral: bool = True
    coercion_memory: bool = True
    walkouts: bool = True
    battlefield: bool = True
    beliefs: bool = True
    defection: bool = True


@dataclass(frozen=True)
class ScheduledChange:
    """One parameter change of a dated event, resolved to its array and index."""

    day: int
    array: str
    index: tuple[int, ...]
    op: str  # "set" or "shift"
    value: float
    path: str  # the dotted path as written
    event: str  # the event's id


@dataclass(frozen=True)
class TruceOccasion:
    """A dated occasion for a unilateral truce (``[[calendar.truce_occasions]]``)."""

    actor: int
    day: int
    days: int
    chance: float
    fronts: np.ndarray  # (F,) bool
    label: str


@dataclass
class Parameters:
    """All inputs of one model instance. Shapes: R replicates, N actors, K issues,
    F fronts, T tracks, H threats; see coord/model2.md ("Parameters")."""

    actor_ids: tuple[str, ...]
    issue_ids: tuple[str, ...]
    front_ids: tuple[str, ...]
    track_ids: tuple[str, ...]
    threat_ids: tuple[str, ...]
    role: np.ndarray  # (N,) str: mediator | party | supporter
    start_date: dt.date
    horizon: int  # days: day 0 .. horizon - 1
    seed: int
    replicate: np.ndarray  # (R,) int64 global replicate ids (keys of all random draws)
    proposal_rule: str  # learning | compromise | nash
    mechanisms: Mechanisms
    # calendar
    session_day: np.ndarray  # (D,) bool dated sessions
    session_chance: np.ndarray  # (R,)
    truces: list[TruceOccasion]
    # actors (R, N)
    capability: np.ndarray
    noise: np.ndarray
    monitoring_capacity: np.ndarray
    guarantee: np.ndarray
    aspiration: np.ndarray
    concession_rate: np.ndarray
    aspiration_floor: np.ndarray  # the lowest aspiration concession reaches
    planning_horizon: np.ndarray
    gesture: np.ndarray
    gesture_days: np.ndarray  # whole days (as floats): term of a pressure-driven truce
    ties: np.ndarray  # (R, N, N): ties[r, i, j] is how much j moves i
    accepts_only_with: np.ndarray  # (N, N) bool: i's yes counts only if j says yes
    # stances (R, N, K)
    position: np.ndarray
    salience: np.ndarray  # as written (not normalised)
    red_low: np.ndarray
    red_high: np.ndarray
    # issues
    status_quo: np.ndarray  # (R, K)
    opening: np.ndarray  # (R, K)
    issue_front: np.ndarray  # (K,) int, -1 none
    implementers: np.ndarray  # (K, N) bool
    # fronts
    control0: np.ndarray  # (R, F)
    drift: np.ndarray  # (R, F)
    volatility: np.ndarray  # (R, F)
    intensity: np.ndarray  # (R, F)
    rearmament_shift: np.ndarray  # (R, F)
    front_cost: np.ndarray  # (R, N, F), 0 for non-sides
    stakes: np.ndarray  # (R, N, F)
    side_sign: np.ndarray  # (N, F): +1 second side, -1 first side, 0 not a side
    prior_mean: np.ndarray  # (R, N, F)
    prior_sd: np.ndarray  # (R, N, F)
    # tracks
    track_fronts: np.ndarray  # (T, F) bool
    track_issues: np.ndarray  # (T, K) bool
    track_term: np.ndarray  # (T,) int, 0 none
    track_purpose: np.ndarray  # (T,) int Purpose code
    track_opening: np.ndarray  # (R, T, K): the track's own opening, else the issue's
    track_own_opening: np.ndarray  # (T, K) bool: the track states its own opening
    # negotiation (R,) each
    step_size: np.ndarray
    mediator_bias: np.ndarray
    influence_rate: np.ndarray
    holdout_focus: np.ndarray
    holdout_pressure: np.ndarray
    tolerance: np.ndarray
    red_line_penalty: np.ndarray
    walkout_hazard: np.ndarray
    walkout_escalation: np.ndarray
    resume_chance: np.ndarray
    gesture_rate: np.ndarray
    # threats
    threat_by: np.ndarray  # (H,) actor index
    threat_target: np.ndarray  # (H,) actor index
    threat_kind: np.ndarray  # (H,) str: threat | promise
    threat_track: np.ndarray  # (H,) track index
    threat_issued: np.ndarray  # (H,) day
    threat_deadline: np.ndarray  # (H,) day, before any move
    threat_moved: list[np.ndarray]  # per threat: the days its deadline is moved
    threat_severity: np.ndarray  # (R, H)
    threat_credibility: np.ndarray  # (R, H)
    threat_resolve: np.ndarray  # (R, H)
    threat_erosion: np.ndarray  # (R, H)
    threat_boost: np.ndarray  # (R, H)
    # implementation (R,) each, read by deals.py, prefixed impl_ in paths
    impl: dict[str, np.ndarray]
    # outcome classes: the issues are structural, the thresholds per replicate
    compliance_issue: int  # issue index, -1 none
    compliance_min: np.ndarray  # (R,)
    definitive_issue: int
    definitive_min: np.ndarray  # (R,)
    events: list[ScheduledChange] = field(default_factory=list)  # by day, then file order
    # the general format (docs/scenarios.md): who carries a package, how salience is read
    decision_rule: str = "unanimity"  # unanimity | qualified-majority
    majority_threshold: np.ndarray | None = None  # (R,) capability share (1 under unanimity)
    absolute_salience: bool = False  # saliences are percent of attention, not normalised
    implementation_phase: bool = True  # off: the first agreed package ends the talks

    @property
    def replicates(self) -> int:
        return int(self.replicate.shape[0])

    @property
    def mediator(self) -> int:
        """The mediator's index, or -1 when the scenario has none."""
        found = np.flatnonzero(self.role == "mediator")
        return int(found[0]) if found.size else -1

    @property
    def parties(self) -> np.ndarray:
        return np.flatnonzero(self.role == "party")

    @property
    def rearmament(self) -> int:
        """Index of the ``rearmament`` issue (the term the rearmament shift reads), or -1."""
        return self.issue_ids.index("rearmament") if "rearmament" in self.issue_ids else -1

    def array(self, name: str) -> np.ndarray:
        if name.startswith("impl_"):
            return self.impl[name[5:]]
        return getattr(self, name)

    def date_of(self, day: int) -> dt.date:
        return self.start_date + dt.timedelta(days=int(day))

    def subset(self, rows: np.ndarray) -> Parameters:
        """The parameters of some replicates (rows of the replicate axis), for chunking."""
        out = {}
        R = self.replicates
        for f in fields(self):
            v = getattr(self, f.name)
            if isinstance(v, np.ndarray) and v.ndim >= 1 and v.shape[0] == R and _per_rep(f.name):
                v = v[rows]
            elif f.name == "impl":
                v = {k: a[rows] for k, a in v.items()}
            out[f.name] = v
        return Parameters(**out)


_STRUCTURAL_ARRAYS = {
    "decision_rule",
    "absolute_salience",
    "implementation_phase",
    "role",
    "session_day",
    "accepts_only_with",
    "issue_front",
    "implementers",
    "side_sign",
    "track_fronts",
    "track_issues",
    "track_term",
    "track_purpose",
    "track_own_opening",
    "threat_by",
    "threat_target",
    "threat_kind",
    "threat_track",
    "threat_issued",
    "threat_deadline",
}


def _per_rep(name: str) -> bool:
    return name not in _STRUCTURAL_ARRAYS

"""The agreed ceasefire, day by day (MODEL.md section 5).

A violation process in the spirit of the ceasefire-durability literature: violations are
likelier when a party is dissatisfied with the terms and when it holds grievances, and
rarer under monitoring and third-party guarantees (Fortna, 'Peace Time', 2004; Clayton,
Nygård, Rustad & Strand, ETH/PRIO Civil Conflict Ceasefire Dataset, 2023). Unverified
incidents breed mutual recrimination: without monitoring each side blames the other, the
security dilemma that makes bare ceasefires brittle.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.engine import rng
from sim.engine.codes import Violator
from sim.engine.parameters import Parameters
from sim.engine.rules import utility


@dataclass
class CeasefireState:
    """Per replicate (R,) or per replicate and party (R, P)."""

    running: np.ndarray  # (R,) bool: agreed and not yet collapsed nor ended
    day: int  # days elapsed since the ceasefire began (same for every replicate)
    hazard_scale: np.ndarray  # (R, P): h0 sigma (1 - sat)^a (1 - d_m m)(1 - d_g G)
    satisfaction: np.ndarray  # (R, P)
    attribution: np.ndarray  # (R,) probability a violation is attributed correctly
    monitoring: np.ndarray  # (R,) effective monitoring m
    grievance: np.ndarray  # (R, P) retaliation_i
    blame: np.ndarray  # (R, P) violations party i blames on the others, cumulative
    violations: np.ndarray  # (R, P) int
    days_survived: np.ndarray  # (R,) int
    collapsed: np.ndarray  # (R,) bool
    first_violation_day: np.ndarray  # (R,) int, -1 if none
    first_violator: np.ndarray  # (R,) int actor index, -1 none, -2 several that day
    extended: np.ndarray  # (R,) bool


def satisfaction(
    terms: np.ndarray, position: np.ndarray, salience: np.ndarray, reservation: np.ndarray
) -> np.ndarray:
    """sat_i = clip((u_i(p) - rho_i) / (1 - rho_i), 0, 1): the share of possible gain won."""
    u = utility(terms, position, salience)
    return np.clip((u - reservation) / np.maximum(1.0 - reservation, 1e-9), 0.0, 1.0)


def start_ceasefire(
    p: Parameters,
    agreed: np.ndarray,
    terms: np.ndarray,
    position: np.ndarray,
    salience: np.ndarray,
    reservation: np.ndarray,
) -> CeasefireState:
    """Freeze the terms and each party's satisfaction at the moment of agreement."""
    R = agreed.shape[0]
    parties = p.parties
    P = len(parties)
    issues = list(p.issue_ids)
    scope = terms[:, issues.index("scope")]
    supporters = p.role == "supporter"
    agreed_monitoring = terms[:, issues.index("monitoring")] if "monitoring" in issues else 0.0
    monitoring = np.clip(
        agreed_monitoring
        + p.impl["monitoring_capacity"]
        + p.monitoring_capacity[:, supporters].sum(axis=1),
        0.0,
        1.0,
    )
    guarantee = np.clip(p.guarantee[:, supporters].sum(axis=1), 0.0, 1.0)
    sat = satisfaction(terms, position[:, parties], salience[:, parties], reservation[:, parties])
    hazard_scale = (
        (p.impl["base_violation_rate"] * scope)[:, None]
        * (1.0 - sat) ** p.impl["satisfaction_exponent"][:, None]
        * (1.0 - p.impl["monitoring_deterrence"] * monitoring)[:, None]
        * (1.0 - p.impl["guarantee_deterrence"] * guarantee)[:, None]
    )
    a0 = p.impl["attribution_base"]
    return CeasefireState(
        running=agreed.copy(),
        day=0,
        hazard_scale=hazard_scale,
        satisfaction=sat,
        attribution=a0 + (1.0 - a0) * monitoring,
        monitoring=monitoring,
        grievance=np.zeros((R, P)),
        blame=np.zeros((R, P)),
        violations=np.zeros((R, P), dtype=np.int64),
        days_survived=np.zeros(R, dtype=np.int64),
        collapsed=np.zeros(R, dtype=bool),
        first_violation_day=np.full(R, -1, dtype=np.int64),
        first_violator=np.full(R, Violator.NONE, dtype=np.int64),
        extended=np.zeros(R, dtype=bool),
    )


def ceasefire_day(p: Parameters, c: CeasefireState) -> None:
    """Advance every running ceasefire by one day, in place.

    h_i = hazard_scale_i (1 + r grievance_i); a violation by i is attributed correctly
    with probability a0 + (1 - a0) m. Attributed: the others blame i. Unattributed: every
    side blames the others with weight ``suspicion``. Grievance decays by ``forgiveness``
    and grows with blame. A party walks out when its blame exceeds ``tolerance``; a
    major violation ends the ceasefire at once.
    """
    c.day += 1
    d = c.day
    parties = p.parties
    imp = p.impl
    run = c.running
    rep = p.replicate[:, None]
    hazard = np.clip(
        c.hazard_scale * (1.0 + imp["retaliation_weight"][:, None] * c.grievance), 0, 1
    )
    violates = (rng.uniform(p.seed, rep, d, "violate", parties[None, :]) < hazard) & run[:, None]
    correct = rng.uniform(p.seed, rep, d, "attribute", parties[None, :]) < c.attribution[:, None]
    major = (
        rng.uniform(p.seed, rep, d, "major", parties[None, :]) < imp["major_probability"][:, None]
    )

    n_attributed = (violates & correct).astype(float)  # (R, P) by violator
    n_unattributed = (violates & ~correct).sum(axis=1).astype(float)  # (R,)
    # Others blame an attributed violator; after unattributed incidents everyone blames others.
    new_blame = (n_attributed.sum(axis=1, keepdims=True) - n_attributed) + (
        imp["suspicion"] * n_unattributed
    )[:, None]
    c.blame += new_blame
    c.grievance = (1.0 - imp["forgiveness"][:, None]) * c.grievance + new_blame
    c.violations += violates

    any_violation = violates.any(axis=1)
    first = any_violation & (c.first_violation_day < 0)
    who = np.where(violates.sum(axis=1) > 1, Violator.SEVERAL, parties[np.argmax(violates, axis=1)])
    c.first_violator = np.where(first, who, c.first_violator)
    c.first_violation_day = np.where(first, d, c.first_violation_day)

    breaks = run & (
        ((violates & major).any(axis=1)) | (c.blame > imp["tolerance"][:, None]).any(axis=1)
    )
    c.collapsed |= breaks
    c.days_survived = np.where(run & ~breaks, d, c.days_survived)
    c.running = run & ~breaks

    if d == p.duration_days:
        log_odds = (
            imp["extension_base"]
            + imp["extension_satisfaction"] * c.satisfaction.mean(axis=1)
            - imp["extension_violation_penalty"] * c.violations.sum(axis=1)
        )
        chance = 1.0 / (1.0 + np.exp(-log_odds))
        draw = rng.uniform(p.seed, p.replicate, d + 1, "extend")
        c.extended = c.running & (draw < chance)
        c.running = np.zeros_like(c.running)

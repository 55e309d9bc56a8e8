"""The scenario's process tables: how talks run, the deals' settings, outcomes, switches.

Part of the scenario schema (:mod:`sim.scenario.schema` imports and re-exports them);
split off so that each file stays short enough to read whole.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from sim.scenario.base import Id, Unit, _Strict, reject_removed


class Negotiation(_Strict):
    """The talks: the mediator's rule, red lines, walk-outs and gestures (docs/model.md)."""

    @model_validator(mode="before")
    @classmethod
    def _no_v1_fields(cls, data):
        return reject_removed(
            data,
            {
                "rounds": "the horizon is the calendar ([scenario] end_date, "
                "[calendar] sessions and session_chance)"
            },
        )

    decision_rule: Literal["unanimity", "qualified-majority"] = Field(
        "unanimity",
        description="When a package is agreed: `unanimity`, every party says yes (each holds "
        "a veto; the default, as for a ceasefire); `qualified-majority`, the parties saying "
        "yes hold at least `majority_threshold` of the parties' capability (as in the "
        "Council of the EU).",
    )
    majority_threshold: Annotated[float, Field(gt=0.5, le=1.0)] | None = Field(
        None,
        description="The capability share of the parties' yes answers that carries a "
        "package under `qualified-majority` (needed there, and only there).",
    )
    proposal_rule: Literal["learning", "compromise", "nash"] = Field(
        "learning",
        description="How the mediator chooses its package: `learning`, the package it expects "
        "most likely to be carried (accepted by every party, or by a winning coalition under a "
        "qualified majority, and by the implementers it needs), from what their answers "
        "revealed (without a mediator each party in turn tables the one best for itself); "
        "or a baseline that never learns: `compromise`, the capability-and-salience "
        "weighted mean of the parties' and its own positions, or `nash`, the Nash bargaining "
        "solution over the parties.",
    )
    step_size: Annotated[float, Field(gt=0.0, le=1.0)] = Field(
        0.15,
        description="lambda: share of the way the proposal moves to the target each session.",
    )
    mediator_bias: Annotated[float, Field(ge=0.0, le=10.0)] = Field(
        1.0,
        description="mu: weight of the mediator's own utility in its choice (learning: score "
        "x (1 + mu x its utility); compromise: weight of its positions, each party has 1).",
    )
    influence_rate: Unit = Field(
        0.003,
        description="eta: share of the way each actor moves toward its ties' weighted "
        "positions each day (Friedkin & Johnsen 1990).",
    )
    holdout_focus: Annotated[float, Field(ge=0.0, le=10.0)] = Field(
        1.0,
        description="Extra weight the mediator gives a party that said no while another said "
        "yes (the holdout).",
    )
    holdout_pressure: Annotated[float, Field(ge=0.0, le=1.0)] = Field(
        0.01,
        description="Mediator pressure on the holdout per day (adds to the cost that lowers "
        "its aspiration).",
    )
    tolerance: Annotated[float, Field(ge=0.0, le=0.5)] = Field(
        0.02,
        description="Red-line tolerance: a package within this of a red line is at it, not "
        "across it (no knife edge).",
    )
    red_line_penalty: Annotated[float, Field(ge=0.0, le=1000.0)] = Field(
        10.0, description="Utility lost per unit of breach beyond the tolerance (steep)."
    )
    walkout_hazard: Unit = Field(
        0.002, description="Daily chance that talks break off at zero escalation."
    )
    walkout_escalation: Annotated[float, Field(ge=1.0, le=100.0)] = Field(
        2.0,
        description="Multiplier of the walk-out hazard per unit of escalation (threats "
        "carried out and breakdowns so far).",
    )
    resume_chance: Unit = Field(0.1, description="Daily chance that broken-off talks resume.")
    gesture_rate: Unit = Field(
        0.0,
        description="Daily chance of a pressure-driven unilateral truce per unit of pressure "
        "(times the party's `gesture`).",
    )


# Model 1's implementation fields, refused with what replaced each (docs/scenarios.md, "From
# version 1"): a v1 file otherwise gets "unknown field" lines that do not say where the number went.
_HAZARD = "the violation hazard is violation_rate x the class, coverage and side factors"
_EXTEND = (
    "a deal at its fixed term is extended by one term when every party is satisfied and its "
    "violations are at most half violation_tolerance"
)
REMOVED_V1 = {
    "duration_days": "each track has its own fixed term ([tracks.<id>] term_days)",
    "base_violation_rate": f"violation_rate ({_HAZARD})",
    "satisfaction_exponent": "strategic defection weighs each party's net gain from resuming "
    "(defection_rate)",
    "monitoring_deterrence": "monitoring_effect (monitoring counts only as the agreed terms "
    "provide for it)",
    "guarantee_deterrence": "guarantee_effect (a guarantor commits only to a deal with "
    "compliance mechanisms)",
    "retaliation_weight": "violations accumulate against violation_tolerance",
    "forgiveness": "violation_settle_days and violation_decay (the violation rate falls with "
    "days in force)",
    "attribution_base": "blame_cost (blame scales with monitoring plus guarantee)",
    "suspicion": "blame_cost (blame scales with monitoring plus guarantee)",
    "tolerance": "violation_tolerance",
    "major_probability": "major_share",
    "monitoring_capacity": "each supporter's [actors.<id>] monitoring_capacity, which scales "
    "the monitoring the agreed terms provide for",
    "extension_base": _EXTEND,
    "extension_satisfaction": _EXTEND,
    "extension_violation_penalty": _EXTEND,
}


class Implementation(_Strict):
    """The agreed ceasefire, day by day: violations, collapse and extension (docs/model.md).

    The model-2 settings (``lapse_days`` to ``blame_cost``) are read by sim/engine/deals.py.
    Their defaults are orders of magnitude read off the ETH/PRIO Civil Conflict Ceasefire
    Dataset aggregates (Clayton et al. 2023; shared/data/ceasefire-durations.csv, "CD" below:
    cause-specific breakdown hazard = rise of the breakdown incidence / survival, per interval)
    until ``ceasefire calibrate`` fits them (experiments/calibrate-durability.toml). Model 1's
    fields are refused by name (REMOVED_V1): each line says which model-2 setting took over.
    """

    phase: bool = Field(
        True,
        description="Off: no implementation phase, for a plain bargaining case: the first "
        "agreed package is the outcome; it ends the talks and never breaks down (no "
        "violations, no defection).",
    )
    calibrated: Annotated[str, Field(min_length=1, max_length=200)] | None = Field(
        None,
        description="Provenance of values set by `ceasefire calibrate`: the target set and "
        "the date, e.g. 'ETH/PRIO durations, 2026-12-02' (the values changed are listed in "
        "the comment above the table).",
    )
    lapse_days: Annotated[int, Field(ge=1, le=365)] = Field(
        30,
        description="An agreed deal whose implementers have not consented lapses after this "
        "many days (assumption: a month, the article's own term for the pause, P5).",
    )
    consent_chance: Unit = Field(
        0.2,
        description="Daily chance that the implementers of a pending deal reconsider their "
        "consent (assumption: about once a week, the rhythm of the 2025 talks).",
    )
    violation_rate: Annotated[float, Field(ge=0.0, le=10.0)] = Field(
        0.033,
        description="Expected violations per party over the first day in force of a bare, "
        "comprehensive, bilateral, unmonitored deal. CD (comprehensive): breakdown hazard "
        "0.022 on day 1 = 2 parties x major_share 0.3 x 0.037; fitted with s and decay.",
    )
    violation_settle_days: Annotated[float, Field(gt=0.0, le=365.0)] = Field(
        0.01,
        description="s: the violation rate falls as (1 + days in force / s) ** -decay. CD "
        "(comprehensive): breakdown hazard 0.022 on day 1, 0.0038/day in days 1-7, 0.0018 "
        "in 7-30, 0.00075 in 30-90, 0.0004 in 90-365; s = 0.01 and decay = 0.61 (least "
        "squares on the logs) give 0.91, 1.19, 0.94, 1.07 and 0.92 times those.",
    )
    violation_decay: Annotated[float, Field(ge=0.0, le=5.0)] = Field(
        0.61, description="decay: exponent of the fall of the violation rate (see s). CD."
    )
    partial_factor: Annotated[float, Field(ge=0.0, le=20.0)] = Field(
        3.0,
        description="Violation rate of a partial deal relative to a comprehensive one. CD: "
        "partial / comprehensive breakdown hazard is 3.4 on day 1, 3.2 in days 1-7, 3.5 in 7-30, "
        "3.1 in 30-90.",
    )
    unilateral_factor: Annotated[float, Field(ge=0.0, le=20.0)] = Field(
        1.5,
        description="Violation rate of a unilateral truce relative to a bilateral deal (the "
        "other side never promised anything). CD: unilateral / bilateral breakdown hazard is "
        "1.0 in days 1-7, 3.8 in 7-30, 1.7 in 30-90.",
    )
    multilateral_factor: Annotated[float, Field(ge=0.0, le=20.0)] = Field(
        1.5,
        description="Violation rate of a multilateral deal relative to a bilateral one (more "
        "parties who can break it). CD: multilateral / bilateral breakdown hazard about 3 in "
        "days 30-90, but from 57 ceasefires only.",
    )
    compliance_factor: Annotated[float, Field(ge=0.0, le=5.0)] = Field(
        0.7,
        description="Violation rate of a deal with compliance mechanisms relative to a bare "
        "one, before monitoring deters (with monitoring_effect at the compliance minimum the "
        "product is about 0.5). CD: compliance / bare breakdown hazard 0.42 on day 1, 0.6 in "
        "days 1-7, 0.45 in 7-30.",
    )
    definitive_factor: Annotated[float, Field(ge=0.0, le=5.0)] = Field(
        0.15,
        description="Violation rate of a definitive deal relative to a bare one. CD: no "
        "definitive ceasefire broke down in its first 30 days (78 cases); 0.0005/day in days "
        "30-90 against bare 0.0011.",
    )
    monitoring_effect: Unit = Field(
        0.5,
        description="d_m: share of violations deterred by full monitoring (the monitoring the "
        "agreed terms provide for, times 1 + the supporters' capacity). CD: ceasefires with an "
        "implementation mechanism break down at about half the rate (0.9% vs 4.3% on day 1; "
        "4.2% vs 9.2% by day 30).",
    )
    guarantee_effect: Unit = Field(
        0.6,
        description="d_g: share of violations deterred by full guarantees; a guarantor commits "
        "only to a deal with compliance mechanisms. CD: internationally enforced ceasefires: "
        "2.6% broken down by day 30 against 8.8% without.",
    )
    major_share: Unit = Field(
        0.3,
        description="Probability that a violation is major and ends the deal at once "
        "(assumption: most incidents are absorbed; with violation_rate it sets the day-1 "
        "breakdown hazard of CD).",
    )
    violation_tolerance: Annotated[int, Field(ge=0, le=1000)] = Field(
        3,
        description="A deal breaks down when the violations of all parties together exceed "
        "this (assumption; makes partial deals, with more violations, break down faster).",
    )
    defection_rate: Annotated[float, Field(ge=0.0, le=100.0)] = Field(
        0.2,
        description="Daily hazard of strategic defection per unit of a party's net gain from "
        "resuming on the covered fronts (Fearon 1995; Powell 2006). Assumption: a party that "
        "expects to gain 0.05 from resuming defects at about 1% a day, the order of CD's "
        "breakdown hazard in the first weeks.",
    )
    blame_cost: Annotated[float, Field(ge=0.0, le=10.0)] = Field(
        0.05,
        description="Cost of being blamed for breaking a deal, per unit of monitoring plus "
        "guarantee; subtracted from the gain from defecting (assumption: of the order of the "
        "gain, so that full monitoring and guarantees deter most defections).",
    )

    @model_validator(mode="before")
    @classmethod
    def _no_v1_fields(cls, data):
        return reject_removed(data, REMOVED_V1)


class Outcomes(_Strict):
    """How an agreed deal is classed: bare cessation, with compliance mechanisms, or
    definitive (coverage, partial or comprehensive, comes from its track's fronts)."""

    @model_validator(mode="before")
    @classmethod
    def _no_v1_fields(cls, data):
        why = "coverage comes from [tracks] (a track that halts every front is comprehensive)"
        return reject_removed(data, {"comprehensive_min": why, "partial_min": why})

    compliance_issue: Id | None = Field(
        None,
        description="Issue id: an agreed term on it at or above `compliance_min` makes a deal "
        "'compliance' (it has compliance mechanisms); none = no deal is.",
    )
    compliance_min: Unit = Field(0.5, description="Threshold on `compliance_issue`.")
    definitive_issue: Id | None = Field(
        None,
        description="Issue id: an agreed term on it at or above `definitive_min` makes a deal "
        "'definitive' (part of a settlement); none = no deal is.",
    )
    definitive_min: Unit = Field(0.8, description="Threshold on `definitive_issue`.")


class Mechanisms(_Strict):
    """Switches: each mechanism of model 2 is on unless set to false (docs/model.md, the
    ablation table says what each one changes)."""

    calendar: bool = Field(True, description="Off: a session every day.")
    tracks: bool = Field(
        True, description="Off: only the first track is tabled, and talks end at the first deal."
    )
    tolerance: bool = Field(True, description="Off: red-line tolerance 0 (the v1 knife edge).")
    concession: bool = Field(True, description="Off: aspirations never fall.")
    learning: bool = Field(
        True,
        description="Off: the mediator uses `negotiation.proposal_rule`'s baseline (compromise "
        "or nash) and never learns.",
    )
    linkage: bool = Field(
        True, description="Off: deals enter into force on agreement; implementers are ignored."
    )
    unilateral: bool = Field(True, description="Off: no unilateral truces.")
    coercion_memory: bool = Field(
        True, description="Off: credibility stays at the drawn value (no erosion, no boost)."
    )
    walkouts: bool = Field(True, description="Off: talks never break off.")
    battlefield: bool = Field(
        True,
        description="Off: control never moves (drift and volatility ignored); no front is decided.",
    )
    beliefs: bool = Field(True, description="Off: priors are never updated.")
    defection: bool = Field(True, description="Off: no strategic defection hazard.")

"""The scenario format: one pydantic schema with bounds and descriptions.

A scenario file is TOML data, never code. Its tables are keyed by id (``[actors.russia]``,
``[actors.russia.stances.kursk]``, ``[threats.waltz]``), so that every number in it has a
dotted path (``actors.russia.stances.kursk.position``) that errors, events and sweeps all
use. Bounds live on the fields, so the error a user sees and docs/scenarios.md both come
from here.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

Unit = Annotated[float, Field(ge=0.0, le=1.0)]
_PARAGRAPH = re.compile(r"\bP\d+\b")


def number_text(x: float) -> str:
    """A number as a user writes it in TOML: shortest exact form, no trailing ``.0``."""
    return repr(float(x)).removesuffix(".0")


def _cites_paragraph(text: str) -> str:
    if not _PARAGRAPH.search(text):
        raise ValueError("must cite a paragraph of the source, such as 'P6: ...'")
    return text


# Evidence is a paragraph reference and a paraphrase ("P6: Putin named Kursk").
Evidence = Annotated[str, AfterValidator(_cites_paragraph)]


class _Strict(BaseModel):
    """Unknown fields are errors (a typo must not be silently ignored), and values are not
    coerced between types: ``position = true`` or ``position = "0.5"`` is an error rather
    than 1.0 or 0.5. Dates (``Date``) still accept ISO strings as well as TOML dates."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


Date = Annotated[dt.date, Field(strict=False)]


class _Sourced(_Strict):
    """A statement backed either by a paragraph of a source or by a stated assumption."""

    evidence: Evidence | None = Field(
        None,
        description="Paragraph reference and paraphrase, e.g. 'P6: Putin named Kursk'.",
    )
    assumption: str | None = Field(
        None, description="Why this value is assumed when no source states it."
    )

    @model_validator(mode="after")
    def _exactly_one_basis(self):
        if self.evidence is not None and self.assumption is not None:
            raise ValueError(
                "has both 'evidence' and 'assumption': keep exactly one "
                "(a paragraph reference such as 'P6: ...', or why the value is assumed)"
            )
        if self.evidence is None and self.assumption is None:
            raise ValueError(
                "has neither 'evidence' nor 'assumption': give exactly one "
                "(a paragraph reference such as 'P6: ...', or why the value is assumed)"
            )
        return self


class Source(_Strict):
    title: str = Field(description="Title of the source.")
    file: str | None = Field(None, description="Path of the source text, if shipped.")
    date: Date | None = Field(None, description="Publication date.")


class Meta(_Strict):
    name: str = Field(description="Short name shown on charts.")
    description: str = Field("", description="What the scenario represents.")
    start_date: Date = Field(description="Calendar date of round 0 (one round is one day).")
    sources: dict[str, Source] = Field(default_factory=dict, description="Sources by id.")


class Issue(_Sourced):
    label: str = Field(description="Human name of the issue.")
    zero: str = Field(description="What a value of 0 means.")
    one: str = Field(description="What a value of 1 means.")
    status_quo: Unit = Field(description="Value that holds if there is no agreement.")
    opening: Unit = Field(description="Value in the opening proposal (round 0).")


class RedLine(_Strict):
    never_below: Unit | None = Field(None, description="The position never goes below this.")
    never_above: Unit | None = Field(None, description="The position never goes above this.")

    @model_validator(mode="after")
    def _one_side(self):
        if (self.never_below is None) == (self.never_above is None):
            raise ValueError("give exactly one of 'never_below' or 'never_above'")
        return self


class StanceSpread(_Strict):
    """Standard deviations of a truncated normal around the stated value, per replicate."""

    position: Annotated[float, Field(ge=0.0, le=1.0)] = 0.0
    salience: Annotated[float, Field(ge=0.0, le=1.0)] = 0.0
    red_line: Annotated[float, Field(ge=0.0, le=1.0)] = 0.0


class Stance(_Sourced):
    position: Unit = Field(description="Ideal point on the issue, in [0, 1].")
    salience: Annotated[float, Field(ge=0.0, le=100.0)] = Field(
        description="How much the issue matters; normalised to sum 1 over issues."
    )
    red_line: RedLine | None = Field(None, description="A bound the position never crosses.")
    spread: StanceSpread = Field(default_factory=StanceSpread)

    @model_validator(mode="after")
    def _position_inside_red_line(self):
        if self.spread.red_line > 0 and self.red_line is None:
            raise ValueError(
                "spread.red_line is set but the stance has no red_line to spread "
                "(add red_line = { never_below = ... } or never_above, or drop the spread)"
            )
        rl = self.red_line
        if rl is None:
            return self
        if rl.never_below is not None and self.position < rl.never_below:
            side, bound, cmp = "never_below", rl.never_below, ("below", ">=")
        elif rl.never_above is not None and self.position > rl.never_above:
            side, bound, cmp = "never_above", rl.never_above, ("above", "<=")
        else:
            return self
        raise ValueError(
            f"position {number_text(self.position)} is {cmp[0]} its red line {side} = "
            f"{number_text(bound)}: the red line is on the wrong side of the position "
            f"(position must be {cmp[1]} {number_text(bound)})"
        )


class ActorSpread(_Strict):
    """Standard deviations of behavioural parameters across replicates."""

    reservation: Annotated[float, Field(ge=0.0, le=1.0)] = 0.0
    war_cost: Annotated[float, Field(ge=0.0, le=0.1)] = 0.0
    concession_rate: Annotated[float, Field(ge=0.0, le=1.0)] = 0.0
    concession_style: Annotated[float, Field(ge=0.0, le=10.0)] = 0.0
    pressure_sensitivity: Annotated[float, Field(ge=0.0, le=5.0)] = 0.0
    noise: Annotated[float, Field(ge=0.0, le=1.0)] = 0.0


class Actor(_Strict):
    name: str = Field(description="Display name.")
    role: Literal["mediator", "party", "supporter"] = Field(
        description="mediator proposes; parties hold a veto; supporters influence and guarantee."
    )
    capability: Annotated[float, Field(gt=0.0, le=100.0)] = Field(
        description="Weight at the table (relative)."
    )
    reservation: Unit = Field(0.5, description="Utility of no deal now (rho).")
    war_cost: Annotated[float, Field(ge=0.0, le=0.1)] = Field(
        0.0, description="Fall of the reservation value per round (war weariness)."
    )
    concession_style: Annotated[float, Field(ge=0.05, le=20.0)] = Field(
        1.0, description="beta: < 1 Boulware (concedes late), > 1 Conceder (concedes early)."
    )
    concession_rate: Unit = Field(0.0, description="kappa: base concession rate.")
    pressure_sensitivity: Annotated[float, Field(ge=0.0, le=5.0)] = Field(
        0.0, description="pi: how much pressure and threats move this actor."
    )
    noise: Unit = Field(0.0, description="sigma: perception noise on utilities.")
    ties: dict[str, Annotated[float, Field(ge=0.0, le=100.0)]] = Field(
        default_factory=dict, description="Influence ties w_ij: how much actor j moves this one."
    )
    accepts_only_with: list[str] = Field(
        default_factory=list, description="Acceptance counts only if these actors accept too."
    )
    monitoring_capacity: Unit = Field(
        0.0, description="Monitoring this actor adds to an agreed ceasefire (supporters)."
    )
    guarantee: Unit = Field(
        0.0, description="Strength of the security guarantee this actor offers (supporters)."
    )
    evidence: Evidence | None = Field(
        None, description="Source of the behavioural parameters ('P5: ...')."
    )
    assumption: str | None = Field(None, description="Why the behavioural parameters are assumed.")
    stances: dict[str, Stance] = Field(description="Stance per issue id.")
    spread: ActorSpread = Field(default_factory=ActorSpread)

    @model_validator(mode="after")
    def _has_basis(self):
        if self.evidence is None and self.assumption is None:
            raise ValueError("give 'evidence' or 'assumption' for the behavioural parameters")
        if sum(s.salience for s in self.stances.values()) <= 0:
            raise ValueError(
                "salience is 0 on every issue: at least one stance needs salience > 0 "
                "(saliences are weights, normalised to sum 1 over issues)"
            )
        return self


class Negotiation(_Strict):
    rounds: Annotated[int, Field(ge=1, le=1000)] = Field(
        60, description="T: rounds before talks end without agreement (one round = one day)."
    )
    proposal_rule: Literal["compromise", "nash"] = Field(
        "compromise", description="How the mediator sets its target package."
    )
    step_size: Annotated[float, Field(gt=0.0, le=1.0)] = Field(
        0.15, description="lambda: share of the way the proposal moves to the target each round."
    )
    mediator_bias: Annotated[float, Field(ge=0.0, le=10.0)] = Field(
        1.0, description="mu: weight of the mediator's own positions in the compromise target."
    )
    influence_rate: Unit = Field(0.01, description="eta: speed of moving toward tied actors.")
    holdout_focus: Annotated[float, Field(ge=0.0, le=10.0)] = Field(
        1.0, description="Extra weight on the holdout once the other party has accepted."
    )
    holdout_pressure: Annotated[float, Field(ge=0.0, le=1.0)] = Field(
        0.01, description="Mediator pressure on the holdout per round (adds to its concession)."
    )


class Threat(_Sourced):
    by: str = Field(description="Actor id that threatens (usually the mediator).")
    target: str = Field(description="Actor id threatened.")
    issued: Date = Field(description="Date the threat is made; it is pending from then.")
    deadline: Date = Field(description="Date by which the target must accept.")
    severity: Unit = Field(description="Cost to the target's reservation value if carried out.")
    credibility: Unit = Field(description="Probability that it is carried out at the deadline.")
    resolve: Unit = Field(
        0.0, description="Backlash: share by which an executed threat hardens the target."
    )
    spread: dict[Literal["severity", "credibility"], Annotated[float, Field(ge=0.0, le=1.0)]] = (
        Field(default_factory=dict, description="Uncertainty of severity and credibility.")
    )


class Event(_Sourced):
    date: Date = Field(description="Date on which the change takes effect.")
    description: str = Field(description="What happens.")
    set: dict[str, float] = Field(
        default_factory=dict, description="Dotted parameter path -> new value."
    )
    shift: dict[str, float] = Field(
        default_factory=dict, description="Dotted parameter path -> amount added."
    )

    @model_validator(mode="after")
    def _changes_something(self):
        if not self.set and not self.shift:
            raise ValueError("an event must 'set' or 'shift' at least one parameter")
        return self


class Implementation(_Strict):
    """The day-by-day ceasefire (MODEL.md section 5)."""

    duration_days: Annotated[int, Field(ge=1, le=365)] = Field(
        30, description="Length of the agreed ceasefire in days (P5: 30)."
    )
    base_violation_rate: Unit = Field(0.08, description="h0: daily violation probability scale.")
    satisfaction_exponent: Annotated[float, Field(gt=0.0, le=10.0)] = Field(
        1.0, description="a: how sharply dissatisfaction raises violations."
    )
    monitoring_deterrence: Unit = Field(
        0.7, description="d_m: share of violations deterred by full monitoring."
    )
    guarantee_deterrence: Unit = Field(
        0.5, description="d_g: share of violations deterred by full third-party guarantees."
    )
    retaliation_weight: Annotated[float, Field(ge=0.0, le=10.0)] = Field(
        0.6, description="r: how much accumulated grievance raises the violation rate."
    )
    forgiveness: Unit = Field(0.2, description="Daily decay of grievance.")
    attribution_base: Unit = Field(
        0.3, description="a0: probability a violation is attributed correctly with no monitoring."
    )
    suspicion: Annotated[float, Field(ge=0.0, le=5.0)] = Field(
        0.5, description="Grievance each side adds after an unattributed incident."
    )
    tolerance: Annotated[int, Field(ge=0, le=1000)] = Field(
        3, description="A party walks out when the violations it blames on the other exceed this."
    )
    major_probability: Unit = Field(0.1, description="Probability a violation is major (collapse).")
    monitoring_capacity: Unit = Field(
        0.0, description="Monitoring capacity added on top of the agreed level (all sources)."
    )
    extension_base: Annotated[float, Field(ge=-10.0, le=10.0)] = Field(
        -1.0, description="Log-odds of extension for an unsatisfied, violation-free ceasefire."
    )
    extension_satisfaction: Annotated[float, Field(ge=0.0, le=20.0)] = Field(
        4.0, description="Log-odds added per unit of mean party satisfaction."
    )
    extension_violation_penalty: Annotated[float, Field(ge=0.0, le=10.0)] = Field(
        0.5, description="Log-odds removed per violation during the ceasefire."
    )


class Outcomes(_Strict):
    comprehensive_min: Unit = Field(0.9, description="Scope at or above this is comprehensive.")
    partial_min: Unit = Field(0.2, description="Scope at or above this (and below) is partial.")

    @model_validator(mode="after")
    def _ordered(self):
        if self.partial_min > self.comprehensive_min:
            raise ValueError("partial_min must not exceed comprehensive_min")
        return self


class Scenario(_Strict):
    scenario: Meta
    negotiation: Negotiation = Field(default_factory=Negotiation)
    implementation: Implementation = Field(default_factory=Implementation)
    outcomes: Outcomes = Field(default_factory=Outcomes)
    issues: dict[str, Issue] = Field(description="Issues by id, in the order given.")
    actors: dict[str, Actor] = Field(description="Actors by id, in the order given.")
    threats: dict[str, Threat] = Field(default_factory=dict)
    events: dict[str, Event] = Field(default_factory=dict)

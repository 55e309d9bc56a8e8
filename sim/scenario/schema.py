"""The scenario format: one pydantic schema with bounds and descriptions.

A scenario file is TOML data, never code. Its tables are keyed by id (``[actors.russia]``,
``[actors.russia.stances.kursk]``, ``[threats.waltz]``), so that every number in it has a
dotted path (``actors.russia.stances.kursk.position``) that errors, events and sweeps all
use. Bounds live on the fields, so the error a user sees and docs/scenarios.md both come
from here.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from sim.scenario.base import (
    Assumption,
    Date,
    Evidence,
    Id,
    Name,
    Text,
    Unit,
    _Sourced,
    _Strict,
    number_text,
)
from sim.scenario.settings import Event, Implementation, Negotiation, Outcomes, Threat

__all__ = [
    "Actor",
    "ActorSpread",
    "Event",
    "Implementation",
    "Issue",
    "Meta",
    "Negotiation",
    "Outcomes",
    "RedLine",
    "Scenario",
    "Source",
    "Stance",
    "StanceSpread",
    "Threat",
    "number_text",
]


class Source(_Strict):
    """A source the scenario's evidence cites."""

    title: Name = Field(description="Title of the source.")
    file: Name | None = Field(
        None,
        description="The source's digest, relative to this file: a TOML file with its "
        "bibliographic record and a paraphrase of each paragraph (as in `sources/`; a name "
        "not found there is looked up in the project's `sources/`). Every paragraph the "
        "evidence cites must be in it.",
    )
    date: Date | None = Field(None, description="Publication date.")


class Meta(_Strict):
    """What the scenario is: its name, its first day and its sources."""

    name: Name = Field(description="Short name shown on charts and in reports.")
    description: Text = Field("", description="What the scenario represents, in a sentence or two.")
    start_date: Date = Field(
        description="Calendar date of round 0; one round is one day, so events and threats "
        "are dated and charts show dates."
    )
    sources: dict[Id, Source] = Field(default_factory=dict, description="Sources by id.")


class Issue(_Sourced):
    """One dimension of the negotiation, on [0, 1] between two described poles."""

    label: Name = Field(description="Human name of the issue, shown on charts.")
    zero: Name = Field(description="What a value of 0 means (one pole).")
    one: Name = Field(description="What a value of 1 means (the other pole).")
    status_quo: Unit = Field(description="Value that holds if there is no agreement.")
    opening: Unit = Field(description="Value in the mediator's opening proposal (round 0).")


class RedLine(_Strict):
    """A bound on one side of the position: give exactly one of the two fields."""

    never_below: Unit | None = Field(
        None,
        description="The actor rejects any proposal below this value, and its position "
        "never concedes below it.",
    )
    never_above: Unit | None = Field(
        None,
        description="The actor rejects any proposal above this value, and its position "
        "never concedes above it.",
    )

    @model_validator(mode="after")
    def _one_side(self):
        if (self.never_below is None) == (self.never_above is None):
            raise ValueError("give exactly one of 'never_below' or 'never_above'")
        return self


class StanceSpread(_Strict):
    """Uncertainty of a stance: each replicate draws its own value from a normal with this
    standard deviation around the stated value, truncated to the field's bounds."""

    position: Unit = Field(
        0.0, description="Standard deviation of the position (the draw never crosses the red line)."
    )
    salience: Unit = Field(
        0.0, description="Standard deviation of the salience (before normalisation)."
    )
    red_line: Unit = Field(
        0.0, description="Standard deviation of the red line's value (needs a `red_line`)."
    )


class Stance(_Sourced):
    """An actor's stance on one issue."""

    position: Unit = Field(description="Ideal point: the value the actor would choose.")
    salience: Annotated[float, Field(ge=0.0, le=100.0)] = Field(
        description="How much the issue matters to the actor, relative to its other issues "
        "(normalised to sum 1 over its issues)."
    )
    red_line: RedLine | None = Field(
        None,
        description="A bound no acceptable proposal crosses and the position never concedes past.",
    )
    spread: StanceSpread = Field(
        default_factory=StanceSpread, description="Uncertainty of the stance across replicates."
    )

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
    """Uncertainty of an actor's behaviour: each replicate draws its own value from a normal
    with this standard deviation around the stated value, truncated to the field's bounds."""

    reservation: Unit = Field(0.0, description="Standard deviation of `reservation`.")
    war_cost: Annotated[float, Field(ge=0.0, le=0.1)] = Field(
        0.0, description="Standard deviation of `war_cost`."
    )
    concession_rate: Unit = Field(0.0, description="Standard deviation of `concession_rate`.")
    concession_style: Annotated[float, Field(ge=0.0, le=10.0)] = Field(
        0.0, description="Standard deviation of `concession_style`."
    )
    pressure_sensitivity: Annotated[float, Field(ge=0.0, le=5.0)] = Field(
        0.0, description="Standard deviation of `pressure_sensitivity`."
    )
    noise: Unit = Field(0.0, description="Standard deviation of `noise`.")


class Actor(_Strict):
    """A state at the table: its role, its behaviour and its stance on every issue."""

    name: Name = Field(description="Display name on charts and tables.")
    role: Literal["mediator", "party", "supporter"] = Field(
        description="`mediator` makes the proposals (exactly one); a `party` holds a veto (at "
        "least one); a `supporter` has no veto, pulls the actors tied to it and adds "
        "monitoring and guarantees to an agreed ceasefire."
    )
    capability: Annotated[float, Field(gt=0.0, le=100.0)] = Field(
        description="Weight at the table relative to the others (in the compromise target and "
        "in influence), not military power."
    )
    reservation: Unit = Field(
        0.5,
        description="rho: utility of no deal now. The actor accepts a proposal p when "
        "u(p) + noise >= rho and p crosses none of its red lines.",
    )
    war_cost: Annotated[float, Field(ge=0.0, le=0.1)] = Field(
        0.0, description="delta: fall of the reservation value per round (war weariness)."
    )
    concession_style: Annotated[float, Field(ge=0.05, le=20.0)] = Field(
        1.0,
        description="beta in k(t) = kappa (t/T)^(1/beta): < 1 Boulware (holds out, concedes "
        "late), > 1 Conceder (concedes early).",
    )
    concession_rate: Unit = Field(
        0.0,
        description="kappa: share of the distance to the proposal conceded per round by the "
        "last round (scaled down on issues the actor cares about).",
    )
    pressure_sensitivity: Annotated[float, Field(ge=0.0, le=5.0)] = Field(
        0.0,
        description="pi: how much pressure moves the actor: adds pi x pressure to its "
        "concession rate and scales what a threat costs it.",
    )
    noise: Unit = Field(
        0.0, description="sigma: standard deviation of the noise on the utility it perceives."
    )
    ties: dict[Id, Annotated[float, Field(ge=0.0, le=100.0)]] = Field(
        default_factory=dict,
        description="w_ij: actor id = how strongly that actor pulls this one's positions "
        "each round (weighted by its capability).",
    )
    accepts_only_with: list[Id] = Field(
        default_factory=list,
        description="Actor ids: a yes from this actor is conditional and counts only if all "
        "of them say yes in the same round (P5).",
    )
    monitoring_capacity: Unit = Field(
        0.0,
        description="Monitoring the actor adds to an agreed ceasefire on top of the agreed "
        "level. Counts for supporters only; the total is capped at 1.",
    )
    guarantee: Unit = Field(
        0.0,
        description="Security guarantee the actor gives an agreed ceasefire. Counts for "
        "supporters only; their guarantees add up, capped at 1.",
    )
    evidence: Evidence | None = Field(
        None, description="Source of the behavioural parameters (cites a paragraph, 'P5: ...')."
    )
    assumption: Assumption | None = Field(
        None, description="Why the behavioural parameters are assumed (give this or evidence)."
    )
    stances: dict[Id, Stance] = Field(description="Stance per issue id; every issue needs one.")
    spread: ActorSpread = Field(
        default_factory=ActorSpread, description="Uncertainty of the behaviour across replicates."
    )

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


class Scenario(_Strict):
    """A whole scenario file."""

    scenario: Meta = Field(description="Name, start date and sources.")
    negotiation: Negotiation = Field(
        default_factory=Negotiation, description="The talks and the mediator's rule."
    )
    implementation: Implementation = Field(
        default_factory=Implementation, description="The agreed ceasefire, day by day."
    )
    outcomes: Outcomes = Field(
        default_factory=Outcomes, description="Scope thresholds of the outcome classes."
    )
    issues: dict[Id, Issue] = Field(description="Issues by id, in the order given.")
    actors: dict[Id, Actor] = Field(description="Actors by id, in the order given.")
    threats: dict[Id, Threat] = Field(default_factory=dict, description="Threats by id.")
    events: dict[Id, Event] = Field(
        default_factory=dict, description="Dated parameter changes by id."
    )

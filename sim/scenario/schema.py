"""The scenario format: one pydantic schema with bounds and descriptions.

A scenario file is TOML data, never code. Its tables are keyed by id (``[actors.russia]``,
``[fronts.kursk]``, ``[tracks.full]``, ``[threats.waltz]``), so that every number in it has a
dotted path (``fronts.kursk.drift``) that errors, events and sweeps all use. Bounds live on
the fields, so the error a user sees and docs/scenarios.md both come from here. This is
format version 2 (model 2, docs/model.md): the outside option comes from the fronts.
"""

from __future__ import annotations

import datetime as dt
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
    reject_removed,
)
from sim.scenario.fronts import Belief, Front, FrontSpread, Track
from sim.scenario.general import Source, general_format
from sim.scenario.settings import Implementation, Mechanisms, Negotiation, Outcomes
from sim.scenario.timeline import Calendar, Event, Session, Threat, TruceOccasion

# The longest run a scenario may ask for: ten years of days keeps every per-day array and
# every date a chart draws within reason.
MAX_HORIZON_DAYS = 3653

__all__ = [
    "Actor",
    "ActorSpread",
    "Belief",
    "Calendar",
    "Event",
    "Front",
    "FrontSpread",
    "Implementation",
    "Issue",
    "Mechanisms",
    "Meta",
    "Negotiation",
    "Outcomes",
    "RedLine",
    "Scenario",
    "Session",
    "Source",
    "Stance",
    "StanceSpread",
    "Threat",
    "Track",
    "TruceOccasion",
    "number_text",
]


class Meta(_Strict):
    """What the scenario is: its name, its first day and its sources."""

    name: Name = Field(description="Short name shown on charts and in reports.")
    description: Text = Field("", description="What the scenario represents, in a sentence or two.")
    start_date: Date = Field(
        description="Calendar date of day 0 (one step is one day), so sessions, events and "
        "threats are dated and charts show dates."
    )
    end_date: Date | None = Field(
        None,
        description="Last day simulated (the horizon); default 31 December of the start "
        "date's year. Must be after `start_date`.",
    )
    sources: dict[Id, Source] = Field(
        default_factory=dict,
        description="Sources by id (a top-level `[sources.<id>]` table is read as the same).",
    )
    salience: Literal["relative", "absolute"] | None = Field(
        None,
        description="How stances' `salience` is read: `relative`, weights normalised to sum "
        "1 over the actor's issues; `absolute`, percent of the actor's attention (/100, not "
        "normalised, at most 100 in total over its issues; the rest is what the talks do not "
        "touch). Default: `absolute` with one issue (normalised, a single issue would weigh 1 "
        "for everyone), `relative` with more.",
    )

    def salience_scale(self, issues: int) -> str:
        """``absolute`` or ``relative``: the setting, or its default for ``issues`` issues."""
        return self.salience or ("absolute" if issues == 1 else "relative")

    @property
    def last_date(self) -> dt.date:
        """The last day simulated: ``end_date``, or 31 December of the start year."""
        return self.end_date or dt.date(self.start_date.year, 12, 31)

    @property
    def horizon(self) -> int:
        """Days simulated: day 0 is ``start_date``, day ``horizon - 1`` is ``last_date``."""
        return (self.last_date - self.start_date).days + 1

    @model_validator(mode="after")
    def _end_after_start(self):
        if self.last_date <= self.start_date:
            which = "end_date" if self.end_date else "the default end date (31 December)"
            raise ValueError(f"{which} {self.last_date} must be after start_date {self.start_date}")
        if self.horizon > MAX_HORIZON_DAYS:
            raise ValueError(
                f"end_date {self.last_date} is {self.horizon:,} days from start_date: a run "
                f"covers at most {MAX_HORIZON_DAYS:,} days"
            )
        return self


class Issue(_Sourced):
    """One dimension of the negotiation, on [0, 1] between two described poles."""

    label: Name = Field(description="Human name of the issue, shown on charts.")
    zero: Name = Field(description="What a value of 0 means (one pole).")
    one: Name = Field(description="What a value of 1 means (the other pole).")
    status_quo: Unit = Field(description="Value that holds if there is no agreement.")
    opening: Unit = Field(
        description="Value in the mediator's first package (a track may override it)."
    )
    front: Id | None = Field(
        None,
        description="Front id: the issue is settled on the battlefield when that front is "
        "decided (it leaves the table), and its red lines move with the front's control.",
    )
    implementers: list[Id] = Field(
        default_factory=list,
        description="Actor ids whose consent a deal that moves this issue off its status quo "
        "needs (linkage: without it the deal is agreed but not in force, and lapses).",
    )


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

    @model_validator(mode="before")
    @classmethod
    def _no_v1_fields(cls, data):
        return reject_removed(data, REMOVED_ACTOR_FIELDS)

    aspiration: Unit = Field(0.0, description="Standard deviation of `aspiration`.")
    concession_rate: Annotated[float, Field(ge=0.0, le=100.0)] = Field(
        0.0, description="Standard deviation of `concession_rate`."
    )
    planning_horizon: Annotated[float, Field(ge=0.0, le=3650.0)] = Field(
        0.0, description="Standard deviation of `planning_horizon` (days)."
    )
    gesture: Unit = Field(0.0, description="Standard deviation of `gesture`.")
    noise: Unit = Field(0.0, description="Standard deviation of `noise`.")


REMOVED_ACTOR_FIELDS = {
    "reservation": "the outside option now comes from [fronts] (the value of fighting on; "
    "`aspiration` is an offset on it)",
    "war_cost": "the cost of war now comes from [fronts] (`cost` x `intensity` per day)",
    "concession_style": "concession no longer follows a deadline; `concession_rate` lowers "
    "the aspiration as costs and pressure accumulate",
    "pressure_sensitivity": "no rule read it; the pressure on a holdout is "
    "`negotiation.holdout_pressure` (times the actor's `concession_rate`), and a carried-out "
    "threat's cost is its `severity`",
}


class Actor(_Strict):
    """A state at the table: its role, its behaviour and its stance on every issue."""

    @model_validator(mode="before")
    @classmethod
    def _no_v1_fields(cls, data):
        return reject_removed(data, REMOVED_ACTOR_FIELDS)

    name: Name = Field(description="Display name on charts and tables.")
    role: Literal["mediator", "party", "supporter"] = Field(
        description="`mediator` makes the proposals and presses the holdout (at most one; "
        "without one the parties table packages in turn, each the one best for itself, and "
        "nobody presses); a `party` answers "
        "under `negotiation.decision_rule` (at least one; under unanimity each holds a "
        "veto); a `supporter` has no vote, pulls the actors tied to it and adds monitoring "
        "and guarantees to an agreed ceasefire."
    )
    capability: Annotated[float, Field(gt=0.0, le=100.0)] = Field(
        description="Weight at the table relative to the others (in the compromise target and "
        "in influence), not military power."
    )
    aspiration: Annotated[float, Field(ge=-1.0, le=1.0)] = Field(
        0.0,
        description="a(0): offset on the value of fighting on that a deal must also beat "
        "(0 = the outside option is the fronts alone; say why if not 0).",
    )
    concession_rate: Annotated[float, Field(ge=0.0, le=100.0)] = Field(
        0.5,
        description="The aspiration falls each day by this x (the day's cost of war + "
        "pressure): concession driven by costs, not by a deadline (Zeuthen 1930).",
    )
    aspiration_floor: Annotated[float, Field(ge=-1.0, le=1.0)] = Field(
        0.0,
        description="The lowest aspiration concession reaches: a party concedes down to its "
        "disagreement point, the war, and not below (Zeuthen 1930); 0 = a deal must be worth "
        "at least fighting on, by the party's own valuation (individual rationality).",
    )
    planning_horizon: Annotated[float, Field(ge=1.0, le=3650.0)] = Field(
        90.0, description="H: days over which the actor values the war (and a halt)."
    )
    gesture: Unit = Field(
        0.0,
        description="Propensity to declare a pressure-driven unilateral truce (times "
        "`negotiation.gesture_rate` and the pressure on it).",
    )
    gesture_days: Annotated[int, Field(ge=1, le=365)] = Field(
        3,
        description="Term in whole days of a pressure-driven unilateral truce the actor "
        "declares (assumption: a short gesture, not an offer of a ceasefire).",
    )
    noise: Unit = Field(
        0.0, description="sigma: standard deviation of the noise on the utility it perceives."
    )
    ties: dict[Id, Annotated[float, Field(ge=0.0, le=100.0)]] = Field(
        default_factory=dict,
        description="w_ij: actor id = how strongly that actor pulls this one's positions "
        "each day (weighted by its capability).",
    )
    accepts_only_with: list[Id] = Field(
        default_factory=list,
        description="Actor ids: a yes from this actor is conditional and counts only if all "
        "of them say yes at the same session (P5).",
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
    """A whole scenario file (format version 2)."""

    @model_validator(mode="before")
    @classmethod
    def _general_format(cls, data):
        return general_format(data)

    scenario: Meta = Field(description="Name, start and end dates, and sources.")
    calendar: Calendar = Field(
        default_factory=Calendar, description="Sessions of talks and truce occasions."
    )
    mechanisms: Mechanisms = Field(
        default_factory=Mechanisms, description="Switches that turn mechanisms off."
    )
    negotiation: Negotiation = Field(
        default_factory=Negotiation, description="The talks and the mediator's rule."
    )
    implementation: Implementation = Field(
        default_factory=Implementation, description="Deals in force, day by day."
    )
    outcomes: Outcomes = Field(
        default_factory=Outcomes, description="How an agreed deal is classed."
    )
    issues: dict[Id, Issue] = Field(description="Issues by id, in the order given.")
    fronts: dict[Id, Front] = Field(
        default_factory=dict, description="Fronts by id, in the order given."
    )
    tracks: dict[Id, Track] = Field(
        description="Tracks (kinds of deal) by id, in the order given; at least one. A file "
        "without a `[tracks]` table has one, `deal`: it decides every issue and halts every "
        "front (a plain bargaining case)."
    )
    actors: dict[Id, Actor] = Field(description="Actors by id, in the order given.")
    threats: dict[Id, Threat] = Field(default_factory=dict, description="Threats by id.")
    events: dict[Id, Event] = Field(
        default_factory=dict, description="Dated parameter changes by id."
    )

"""The scenario's dated tables: the calendar of talks and truces, threats and events.

Part of the scenario schema (:mod:`sim.scenario.schema` imports and re-exports them).
Time is a calendar: a run covers the days from ``start_date`` to ``end_date``, talks happen
on dated sessions plus a daily chance of one, and nothing but a dated item (a threat's
deadline, a truce occasion, a fixed term) makes a day special.
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
)


class Session(_Sourced):
    """A dated session of talks: talks happen that day for sure."""

    date: Date = Field(description="Day of the session.")
    label: Name | None = Field(None, description="Where or what it is, e.g. 'Jeddah'.")


class TruceOccasion(_Sourced):
    """A dated occasion on which a party may declare a unilateral truce (a holiday, an
    anniversary): typed unilateral, with a short fixed term, not mediated."""

    actor: Id = Field(description="The party that may declare it.")
    date: Date = Field(description="First day of the truce.")
    days: Annotated[int, Field(ge=1, le=365)] = Field(description="Its fixed term in days.")
    chance: Unit = Field(description="Probability that it is declared (drawn per replicate).")
    fronts: list[Id] | None = Field(None, description="Front ids it halts; omitted = all fronts.")
    label: Name | None = Field(None, description="The occasion, e.g. 'Orthodox Easter'.")


class Calendar(_Strict):
    """When the parties meet, and the dated occasions for unilateral truces."""

    session_chance: Unit = Field(
        0.15,
        description="Daily chance of a session on a day without a dated one (per replicate).",
    )
    sessions: list[Session] = Field(
        default_factory=list, description="Dated sessions (`[[calendar.sessions]]`)."
    )
    truce_occasions: list[TruceOccasion] = Field(
        default_factory=list,
        description="Dated occasions for unilateral truces (`[[calendar.truce_occasions]]`).",
    )
    evidence: Evidence | None = Field(
        None, description="Source of `session_chance` (give this or `assumption` when you set it)."
    )
    assumption: Assumption | None = Field(
        None, description="Why `session_chance` has its value (give this or `evidence`)."
    )

    @model_validator(mode="after")
    def _chance_has_basis(self):
        if self.evidence is not None and self.assumption is not None:
            raise ValueError("has both 'evidence' and 'assumption': keep exactly one")
        if "session_chance" in self.model_fields_set and self.evidence is self.assumption:
            raise ValueError(
                "session_chance is set but has neither 'evidence' nor 'assumption': give "
                "exactly one (a paragraph reference such as 'P5: ...', or why it is assumed)"
            )
        return self


class Threat(_Sourced):
    """A dated threat (or promise) by one actor to a party, like the US warning of P7.

    Coercion with memory (Schelling 1966; Sechser 2011): a carried-out threat raises the
    target's daily cost of war; the threatener's credibility falls when a deadline passes
    unenforced or is moved, and rises when a threat is carried out."""

    kind: Literal["threat", "promise"] = Field(
        "threat",
        description="`threat`: costs the target if it refuses by the deadline; `promise`: an "
        "inducement that adds value to the target's deal while it is pending.",
    )
    by: Id = Field(description="Actor id that threatens (usually the mediator).")
    target: Id = Field(description="Party id threatened.")
    issued: Date = Field(description="Date the threat is made; it is pending from then.")
    deadline: Date = Field(description="Date by which the target must accept.")
    severity: Unit = Field(
        description="Threat: added to the target's daily cost of war once carried out (a "
        "flow, as sanctions). Promise: value added to the target's deal utility while pending."
    )
    credibility: Unit = Field(
        description="Probability that the threat is carried out at the deadline if the target "
        "still refuses (before the threatener's credibility memory)."
    )
    resolve: Unit = Field(
        0.0,
        description="Backlash: share by which a carried-out threat cuts the target's "
        "concession rate and pressure sensitivity.",
    )
    track: Id | None = Field(
        None,
        description="Track id: the target complies by accepting a package on this track "
        "(default: the first track).",
    )
    moved: list[Date] = Field(
        default_factory=list,
        description="Dates on which the deadline is moved by 14 days each (each move erodes "
        "credibility).",
    )
    erosion: Unit = Field(
        0.5,
        description="The threatener's credibility factor is multiplied by (1 - erosion) when a "
        "deadline passes unenforced or is moved.",
    )
    boost: Unit = Field(
        0.3,
        description="When a threat is carried out the factor rises by boost x (1 - factor).",
    )
    spread: dict[Literal["severity", "credibility"], Annotated[float, Field(ge=0.0, le=1.0)]] = (
        Field(
            default_factory=dict,
            description="Standard deviations of severity and credibility across replicates.",
        )
    )


class Event(_Sourced):
    """A dated change of parameters, written as data (paths and values), never code."""

    date: Date = Field(description="Date on which the change takes effect (start of that day).")
    description: Text = Field(description="What happens, in a sentence (kept in run.json).")
    set: dict[str, float] = Field(
        default_factory=dict,
        description='Parameter path = new value, e.g. "fronts.kursk.drift" = 0.01.',
    )
    shift: dict[str, float] = Field(
        default_factory=dict,
        description='Parameter path = amount added, e.g. "actors.russia.ties.united_states" = 0.5.',
    )

    @model_validator(mode="after")
    def _changes_something(self):
        if not self.set and not self.shift:
            raise ValueError("an event must 'set' or 'shift' at least one parameter")
        return self

"""The battlefield tables of the scenario: fronts, the parties' beliefs, and tracks.

Part of the scenario schema (:mod:`sim.scenario.schema` imports and re-exports them).
A front is where the parties fight and what a ceasefire can halt; its control moves by a
drift and a volatility while no deal halts it (bargaining while fighting: Fearon 1995;
Powell 2004), and each party holds a prior on that drift (mutual optimism: two priors that
cannot both be right; Slantchev 2003; Smith & Stam 2004). A track is a kind of deal that can
be tabled: the fronts it halts (all = comprehensive), the issues it decides, a fixed term.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field

from sim.scenario.base import ID_PATTERN, ID_RULE, Id, Name, Unit, _Sourced, _Strict

Drift = Annotated[float, Field(ge=-0.1, le=0.1)]
Volatility = Annotated[float, Field(ge=0.0, le=0.2)]
Intensity = Annotated[float, Field(ge=0.0, le=10.0)]
DailyCost = Annotated[float, Field(ge=0.0, le=0.1)]
Stakes = Annotated[float, Field(ge=0.0, le=10.0)]
BeliefSd = Annotated[float, Field(ge=0.0, le=0.1)]


class FrontSpread(_Strict):
    """Uncertainty of a front: each replicate draws its own value from a normal with this
    standard deviation around the stated value, truncated to the field's bounds."""

    control: Unit = Field(0.0, description="Standard deviation of `control` at day 0.")
    drift: Drift = Field(0.0, description="Standard deviation of the true `drift`.")
    volatility: Volatility = Field(0.0, description="Standard deviation of `volatility`.")
    intensity: Intensity = Field(0.0, description="Standard deviation of `intensity`.")


class Belief(_Sourced):
    """One actor's prior on a front's drift (normal; updated from the control changes it
    observes while the front is fought over, by normal-normal conjugate updating)."""

    drift: Drift = Field(
        description="Prior mean of the daily drift of control (toward the second side if > 0)."
    )
    sd: BeliefSd = Field(description="Prior standard deviation of the drift.")


class Front(_Sourced):
    """Where the parties fight, and what a ceasefire can halt: territorial (a salient, a
    front line) or sectoral (strikes on energy infrastructure, the air war, the sea)."""

    label: Name = Field(description="Human name of the front, shown on charts.")
    sides: list[Id] = Field(
        description="The two parties that fight on it, [first, second]; `control` is the share "
        "the second side holds, and an issue tied to the front has its pole `one` as the "
        "second side's win."
    )
    control: Unit = Field(
        description="b(0): the share of the front the second side holds at day 0."
    )
    drift: Drift = Field(
        0.0,
        description="mu: true mean daily change of control (toward the second side if > 0) "
        "while no deal halts the front.",
    )
    volatility: Volatility = Field(0.0, description="sigma: daily standard deviation of control.")
    intensity: Intensity = Field(
        1.0, description="Relative fighting intensity: multiplies each side's daily `cost`."
    )
    cost: dict[Id, DailyCost] = Field(
        default_factory=dict,
        description="Side id = utility that side loses per day of fighting at intensity 1 "
        "(a side not listed loses nothing).",
    )
    stakes: dict[Id, Stakes] = Field(
        default_factory=dict,
        description="Side id = value to that side of holding the whole front (utility units, "
        "as a deal's issue terms; a side not listed values the front at 0).",
    )
    rearmament_shift: Drift = Field(
        0.0,
        description="Per 30 days of pause with Ukraine free to rearm (rearmament term 0), the "
        "drift moves this much toward the FIRST side after the pause (needs an issue with id "
        "`rearmament` to matter).",
    )
    spread: FrontSpread = Field(
        default_factory=FrontSpread, description="Uncertainty of the front across replicates."
    )
    beliefs: dict[Id, Belief] = Field(
        default_factory=dict,
        description="Actor id = its prior on the drift (one per side, optionally the mediator); "
        "an actor not listed believes the true drift with sd = volatility.",
    )


def _track_fronts(value: object) -> object:
    """``"all"`` or a list of front ids, with one readable message for anything else (a
    union's own errors would be one line per member)."""
    if value == "all":
        return value
    if not isinstance(value, list):
        raise ValueError('must be "all" or a list of front ids, like ["air", "sea"]')
    for i, item in enumerate(value):
        if not isinstance(item, str) or not re.fullmatch(ID_PATTERN, item):
            raise ValueError(f"item [{i}] must be a front id: {ID_RULE}")
    return value


class Track(_Sourced):
    """A kind of deal that can be tabled. Tables keep their order: the first track is the one
    `[mechanisms] tracks = false` keeps."""

    label: Name = Field(description="Human name of the track, shown on charts.")
    fronts: Annotated[list[Id] | Literal["all"], BeforeValidator(_track_fronts)] = Field(
        "all",
        description='What a deal on this track halts: "all" fronts (comprehensive coverage) or '
        "a list of front ids (partial; [] for a deal that halts no fighting, such as a "
        "prisoner exchange).",
    )
    issues: list[Id] = Field(
        default_factory=list,
        description="Issue ids the deal decides; the other issues stay at their status quo "
        "and outside the deal.",
    )
    term_days: Annotated[int, Field(ge=0, le=3650)] = Field(
        0, description="Fixed term of a deal on this track in days (0 = no fixed term)."
    )
    purpose: Literal["general", "sectoral", "humanitarian"] = Field(
        "general", description="What the deal is for (the agreements table reports it)."
    )
    opening: dict[Id, Unit] = Field(
        default_factory=dict,
        description="Issue id = the value of that issue in the mediator's first package on "
        "this track (default: the issue's `opening`).",
    )

"""Random generic scenarios: the ensembles every pattern of MODEL.md section 8 is checked on.

A pattern is a claim about ceasefires in general, so it is checked over many random
2-party scenarios drawn from one seed, never on the default scenario alone (pattern-oriented
modelling, Grimm et al. 2005). The base is ``validation/generic-base.toml`` (the same small
made-up case as tests/data/two-party.toml: a mediator, two parties, two issues); each
generator draws fronts, costs, stakes, beliefs and concession rates around it. Variants add
what a pattern needs and nothing else: dated unilateral truces, a supporter who offers
monitors and a guarantee, a supporter who must implement the withdrawal and does not want
it, a mediator's two threats. Every value is an assumption of the test bed, not evidence.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from sim.scenario.errors import ScenarioError
from sim.scenario.load import load_scenario, modified, parse_scenario
from sim.scenario.schema import Scenario

BASE = Path(__file__).resolve().parents[2] / "validation" / "generic-base.toml"
END = "2024-08-31"
FIXTURE = "generic validation scenario"


def base(changes: dict | None = None, tracks: dict | None = None, **data_changes) -> Scenario:
    """The base scenario with dotted-path ``changes``; ``tracks`` replaces the track table
    (its order is the tracks' order); ``data_changes`` replace whole top-level tables."""
    data = load_scenario(BASE).model_dump(mode="python", exclude_none=True)
    if tracks is not None:
        data["tracks"] = tracks
    data.update(data_changes)
    s = parse_scenario(data, "generic (validation)")
    return modified(s, changes) if changes else s


def generic(rng: np.random.Generator) -> Scenario:
    """A random 2-party scenario: two territorial fronts, each with its own drift and
    optimistic priors (each side expects more of it than the truth), and a sectoral front
    nobody wins; a partial track halting the sector and the comprehensive one."""

    def land(label):
        drift = rng.uniform(-0.004, 0.004)
        cost = rng.uniform(0.0005, 0.003, 2)
        stakes = rng.uniform(1.0, 5.0, 2)  # what they fight over: worth more than the terms
        belief = {"sd": 0.002, "assumption": "test fixture"}
        return {
            "label": label, "sides": ["south", "north"], "control": rng.uniform(0.3, 0.7),
            "drift": drift, "volatility": 0.01,
            "cost": {"north": cost[0], "south": cost[1]},
            "stakes": {"north": stakes[0], "south": stakes[1]},
            "beliefs": {
                "north": {"drift": drift + rng.uniform(0, 0.006), **belief},
                "south": {"drift": drift - rng.uniform(0, 0.006), **belief},
            },
            "assumption": "test fixture",
        }  # fmt: skip

    cost = rng.uniform(0.0005, 0.003, 2)
    fronts = {
        "east": land("East"),
        "west": land("West"),
        "strikes": {
            "label": "Strikes", "sides": ["south", "north"], "control": 0.5, "drift": 0.0,
            "volatility": 0.005, "cost": {"north": cost[0], "south": cost[1]},
            "stakes": {"north": 0.05, "south": 0.05}, "assumption": "test fixture",
        },
    }  # fmt: skip
    tracks = {
        "sector": {"label": "Strikes halt", "fronts": ["strikes"], "issues": ["monitoring"],
                   "term_days": 30, "purpose": "sectoral", "assumption": "test fixture"},
        "full": {"label": "Full", "fronts": "all", "issues": ["monitoring", "withdrawal"],
                 "term_days": 30, "assumption": "test fixture"},
    }  # fmt: skip
    issues = base().model_dump(mode="python", exclude_none=True)["issues"]
    issues["withdrawal"]["front"] = "east"
    rates = rng.uniform(0.02, 0.2, 2)  # concession rates of the default's order (0.05-0.15)
    changes = {
        "scenario.end_date": END,
        "actors.north.concession_rate": rates[0],
        "actors.south.concession_rate": rates[1],
    }
    return base(changes, tracks=tracks, fronts=fronts, issues=issues)


def _data(s: Scenario) -> dict:
    return s.model_dump(mode="python", exclude_none=True)


def _rebuilt(data: dict) -> Scenario:
    return parse_scenario(data, "generic (validation)")


def without(scenario: Scenario, actors: tuple[str, ...] | list[str]) -> Scenario:
    """The scenario with ``actors`` dropped, and every tie, partner and implementer list
    naming them: a pattern's arm without the mediator is talks the parties' chair runs (the
    mediator is optional in the general format). Raises :class:`ScenarioError` for an id
    the scenario lacks, or one that something else still names (a threat's ``by``)."""
    data = _data(scenario)
    for name in actors:
        if name not in data["actors"]:
            known = ", ".join(data["actors"])
            raise ScenarioError([f"no actor {name!r} (the scenario has: {known})"])
        del data["actors"][name]
    gone = set(actors)
    for actor in data["actors"].values():
        if "ties" in actor:
            actor["ties"] = {k: v for k, v in actor["ties"].items() if k not in gone}
        if "accepts_only_with" in actor:
            actor["accepts_only_with"] = [a for a in actor["accepts_only_with"] if a not in gone]
    for issue in data["issues"].values():
        if "implementers" in issue:
            issue["implementers"] = [a for a in issue["implementers"] if a not in gone]
    return _rebuilt(data)


def _supporter(name: str, monitoring: float, withdrawal: tuple[float, float]) -> dict:
    stance = {"assumption": FIXTURE}
    return {
        "name": name,
        "role": "supporter",
        "capability": 0.2,
        "assumption": FIXTURE,
        "stances": {
            "monitoring": {"position": monitoring, "salience": 0.5, **stance},
            "withdrawal": {"position": withdrawal[0], "salience": withdrawal[1], **stance},
        },
    }


def with_truces(rng: np.random.Generator) -> Scenario:
    """The generic scenario plus two dated occasions for unilateral truces (one per party,
    halting every front for a few days, each declared with a drawn chance), so unilateral
    ceasefires exist next to the agreed (bilateral) ones."""
    data = _data(generic(rng))
    occasions = []
    for actor, day in (("north", rng.integers(5, 40)), ("south", rng.integers(40, 80))):
        date = np.datetime64("2024-06-01") + np.timedelta64(int(day), "D")
        occasions.append(
            {
                "actor": actor,
                "date": str(date),
                "days": int(rng.integers(2, 8)),
                "chance": float(rng.uniform(0.3, 0.9)),
                "label": f"{actor.capitalize()}'s truce",
                "assumption": FIXTURE,
            }
        )
    data["calendar"]["truce_occasions"] = occasions
    return _rebuilt(data)


def with_supporter(rng: np.random.Generator) -> Scenario:
    """The generic scenario plus a supporter (the guarantor) that wants monitors, offers no
    monitoring capacity and no guarantee: the arms of a pattern switch those on."""
    data = _data(generic(rng))
    data["actors"]["guarantor"] = _supporter("Guarantor", 0.8, (0.5, 0.0))
    return _rebuilt(data)


def with_linkage(rng: np.random.Generator) -> Scenario:
    """The generic scenario plus a supporter (the implementer) that must carry out any
    agreed withdrawal and opposes one (position 0, salience drawn high); linkage is off in
    this base, so a pattern's arm can switch it on and nothing else changes."""
    data = _data(generic(rng))
    data["actors"]["implementer"] = _supporter(
        "Implementer", 0.5, (0.0, float(rng.uniform(0.6, 1.0)))
    )
    data["issues"]["withdrawal"]["implementers"] = ["implementer"]
    data.setdefault("mechanisms", {})["linkage"] = False
    return _rebuilt(data)


def with_threats(rng: np.random.Generator) -> Scenario:
    """The generic scenario plus two threats by the mediator to North on the full track,
    with drawn deadlines (the first by day 30, the second by day 75); the first threat's
    credibility is what a pattern's arms change (carried out, or a bluff). North asks more
    than any package gives (aspiration 1, no concession), so both deadlines are reached
    without compliance: what is measured is the threatener's record, not the target's."""
    data = _data(generic(rng))
    data["actors"]["north"]["aspiration"] = 1.0
    data.setdefault("mechanisms", {})["concession"] = False
    common = {
        "by": "broker",
        "target": "north",
        "track": "full",
        "severity": float(rng.uniform(0.0005, 0.002)),
        "issued": "2024-06-02",
        "erosion": 0.5,
        "boost": 0.3,
        "assumption": FIXTURE,
    }
    start = np.datetime64("2024-06-01")
    first = start + np.timedelta64(int(rng.integers(10, 30)), "D")
    second = start + np.timedelta64(int(rng.integers(45, 75)), "D")
    data["threats"] = {
        "first": {**common, "deadline": str(first), "credibility": 0.5},
        "second": {**common, "deadline": str(second), "credibility": 0.8},
    }
    return _rebuilt(data)


GENERATORS: dict[str, Callable[[np.random.Generator], Scenario]] = {
    "generic": generic,
    "generic-truces": with_truces,
    "generic-supporter": with_supporter,
    "generic-linkage": with_linkage,
    "generic-threats": with_threats,
}

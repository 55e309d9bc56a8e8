"""The dashboard's levers: which scenario values its sliders move, and how slider values
become a model.

A lever is a dotted scenario path (the same paths events and sweeps use, see
:func:`sim.scenario.paths.locate`) with a slider range inside the schema's bounds. Moving a
lever never changes the model's rules: numeric levers become ``overrides`` of
:func:`sim.engine.parameters.build_parameters`, and a threat's deadline, which is a date in
the file, becomes a re-validated copy of the scenario. Nothing here imports the web framework,
so it is tested without the ``dashboard`` extra.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from sim.engine.model import CeasefireModel
from sim.results.sweep_dir import threat_label
from sim.scenario.facts import scenario_facts
from sim.scenario.load import load_scenario, modified
from sim.scenario.paths import path_bounds
from sim.scenario.schema import Scenario

MAX_REPLICATES = 10_000
# Slider ends narrower than the schema where the schema's range is mostly unusable: a
# front's drift of 0.1 a day decides it within ten days, a volatility of 0.2 within a few
# weeks; a planning horizon beyond a year or a concession rate beyond 2 (the aspiration
# falls by twice the daily cost of war) add nothing a slider can show. A scenario value
# outside a cap widens the slider so that the file's own value is always on it.
CAPS = {
    "drift": 0.02,
    "volatility": 0.05,
    "intensity": 5.0,
    "noise": 0.5,
    "concession_rate": 2.0,
    "planning_horizon": 365.0,
}
LOWS = {"drift": -0.02}  # the drift runs both ways: toward either side
STEPS = {"drift": 0.0001, "volatility": 0.0005, "intensity": 0.05, "planning_horizon": 1.0}
FRONT_LEVERS = {
    "drift": "drift per day (+: toward {second})",
    "volatility": "volatility per day",
    "intensity": "fighting intensity",
}
PARTY_LEVERS = {
    "concession_rate": "concession rate",
    "planning_horizon": "planning horizon (days)",
    "noise": "perception noise",
}


@dataclass(frozen=True)
class Lever:
    """One slider: a dotted path, where it is shown (group) and under which name, the
    scenario's value and the slider's range.

    ``threats.<id>.deadline`` is counted in days after the scenario's start date;
    ``integer``: it moves in whole steps (a deadline).
    """

    path: str
    group: str
    name: str
    default: float
    low: float
    high: float
    step: float
    integer: bool = False

    @property
    def is_date(self) -> bool:
        """A deadline: a count of days after the start date, shown as a date."""
        return self.path.endswith(".deadline")


def deadline_path(threat_id: str) -> str:
    return f"threats.{threat_id}.deadline"


def scenario_levers(s: Scenario) -> list[Lever]:
    """The main levers of a scenario: each front's drift, volatility and intensity (issue
    12: who is winning where, and how costly the fighting is), the threats' credibility
    and deadline, the monitoring third parties add to a deal, and each party's concession
    rate, planning horizon and perception noise."""
    start = s.scenario.start_date
    facts = scenario_facts(s)
    levers: list[Lever] = []
    for fid, front in s.fronts.items():
        second = s.actors[front.sides[1]].name if front.sides[1] in s.actors else front.sides[1]
        for field, name in FRONT_LEVERS.items():
            levers.append(
                _numeric(s, f"fronts.{fid}.{field}", front.label, name.format(second=second))
            )
    for tid, threat in s.threats.items():
        group = threat_label(tid, facts)
        group = group[0].upper() + group[1:]
        levers.append(_numeric(s, f"threats.{tid}.credibility", group, "credibility"))
        deadline = (threat.deadline - start).days
        levers.append(
            Lever(
                deadline_path(tid),
                group,
                "deadline",
                float(deadline),
                float((threat.issued - start).days),
                float(max(s.scenario.horizon - 1, deadline)),
                1.0,
                integer=True,
            )
        )
    for aid, actor in s.actors.items():
        if actor.role == "supporter":  # what monitors add to a deal that provides for them
            levers.append(
                _numeric(s, f"actors.{aid}.monitoring_capacity", actor.name, "monitoring capacity")
            )
    for aid, actor in s.actors.items():
        if actor.role == "party":
            for field, name in PARTY_LEVERS.items():
                levers.append(_numeric(s, f"actors.{aid}.{field}", actor.name, name))
    return levers


def _numeric(s: Scenario, path: str, group: str, name: str) -> Lever:
    field = path.rsplit(".", 1)[1]
    value = float(_scenario_value(s, path))
    low, high = path_bounds(s, path)
    high = max(min(high, CAPS.get(field, high)), value)
    low = min(max(low, LOWS.get(field, low)), value)
    return Lever(path, group, name, value, low, high, STEPS.get(field, 0.01))


def _scenario_value(s: Scenario, path: str) -> object:
    node: object = s
    for part in path.split("."):
        node = node[part] if isinstance(node, dict) else getattr(node, part)
    return node


def moved_levers(levers: list[Lever], values: Mapping[str, float]) -> dict[str, float]:
    """The levers whose value differs from the scenario file's, by path."""
    return {
        lever.path: float(values[lever.path])
        for lever in levers
        if lever.path in values and not math.isclose(values[lever.path], lever.default)
    }


def apply_levers(s: Scenario, values: Mapping[str, float]) -> tuple[Scenario, dict[str, float]]:
    """The scenario and the parameter overrides that slider ``values`` stand for.

    Only levers moved away from the file's value are applied, so untouched sliders give
    exactly the file's model. A moved deadline yields a copy of the scenario, validated
    again so that an impossible date is reported as a scenario error.
    """
    moved = moved_levers(scenario_levers(s), values)
    deadlines = {p: v for p, v in moved.items() if p.endswith(".deadline")}
    if deadlines:
        start = s.scenario.start_date
        dates = {p: start + dt.timedelta(days=int(round(r))) for p, r in deadlines.items()}
        s = modified(s, dates, f"{s.scenario.name} (dashboard levers)")
    overrides = {p: v for p, v in moved.items() if p not in deadlines}
    return s, overrides


class DashboardModel(CeasefireModel):
    """A :class:`CeasefireModel` built from the dashboard's controls.

    Mesa's model controller rebuilds a model from keyword arguments alone (its Reset
    button), so this class takes exactly what the page holds: the scenario file, the
    replicate count, the seed and the slider values. It adds no behaviour.
    """

    def __init__(
        self,
        scenario_file: str,
        replicates: int = 1000,
        seed: int = 1,
        levers: Mapping[str, float] | None = None,
    ):
        replicates = int(np.clip(replicates, 1, MAX_REPLICATES))
        in_file = load_scenario(scenario_file)
        scenario, overrides = apply_levers(in_file, levers or {})
        super().__init__(scenario, replicates, int(seed), overrides=overrides, record="summary")
        self.scenario_file = scenario_file
        self.levers = dict(levers or {})
        self.title = titled(in_file, self.levers)


def titled(s: Scenario, values: Mapping[str, float]) -> str:
    """The scenario's name as charts show it, followed by the levers moved away from the
    file's values: a chart drawn after a lever moved must not claim to be the file's run."""
    levers = scenario_levers(s)
    moved = moved_levers(levers, values)
    if not moved:
        return s.scenario.name
    start = s.scenario.start_date
    shown = []
    for lever in levers:
        if lever.path in moved:
            value, default = moved[lever.path], lever.default
            if lever.is_date:  # a deadline, in days after the start
                value, default = (
                    f"{(start + dt.timedelta(days=int(v))):%d %b}" for v in (value, default)
                )
            else:
                value, default = f"{value:g}", f"{default:g}"
            shown.append(f"{lever.group} {lever.name} {value} (file: {default})")
    return f"{s.scenario.name}, levers moved: {'; '.join(shown)}"


def replayed(parameters: dict, steps: int, overtaken=lambda: False) -> DashboardModel | None:
    """A new model from ``parameters``, stepped as far as the one it replaces had gone;
    None if ``overtaken()`` turns true on the way (a newer request came in)."""
    model = DashboardModel(**parameters)
    while model.running and model.steps < steps:
        if overtaken():
            return None
        model.step()
    return model

"""The calibration-file format: which scenario, which parameters with which priors, which
targets, and the ABC-SMC budget.

A calibration file is TOML data checked like a sweep file before anything runs: unknown
fields, unknown dotted paths, priors outside the schema's bounds and unknown target
statistics or groups are each one line ``FILE: field: what is wrong`` (exit 2).

    [calibration]
    scenario = "../scenarios/generic-ceasefire.toml"   # relative to this file
    target_set = "ETH/PRIO durations"                   # named in the provenance
    seed = 1
    particles = 100      # accepted per generation
    proposals = 300      # simulated per generation (the best `particles` are kept)
    generations = 4
    replicates = 40      # engine replicates per proposed parameter set

    [parameters."implementation.violation_rate"]
    prior = "loguniform"  # uniform | loguniform
    low = 0.005
    high = 0.2

    [targets.bare_breakdown_30]
    statistic = "cum_breakdown"   # survival | cum_breakdown | cum_expired | cum_replaced
    group = "class=bare"
    day = 30
    # observed and sd default to the shipped ETH/PRIO duration table (sim/data/eth-prio/)
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field

from sim.results.durability import GROUPS, table_value
from sim.scenario.base import NAME_CHARS, Name, Text
from sim.scenario.errors import ScenarioError, validated
from sim.scenario.files import parse_toml, read_text
from sim.scenario.load import parse_scenario
from sim.scenario.paths import UnknownPath, locate, schema_node
from sim.scenario.schema import Scenario
from sim.sweep.spec import _Strict, check_value, resolve_base

Statistic = Literal["survival", "cum_breakdown", "cum_expired", "cum_replaced"]
Group = Literal[GROUPS]  # type: ignore[valid-type]


class Settings(_Strict):
    name: Annotated[str, Field(max_length=NAME_CHARS)] = Field("", description="Short name.")
    description: Text = Field("", description="What the calibration fits, and why.")
    scenario: Name = Field(description="Scenario file, relative to the calibration file.")
    target_set: Annotated[str, Field(min_length=1, max_length=80)] = Field(
        "ETH/PRIO durations", description="Name of the targets, written in the provenance."
    )
    seed: Annotated[int, Field(ge=0, le=2**63 - 1)] = Field(1, description="Seed of all draws.")
    particles: Annotated[int, Field(ge=2, le=100_000)] = Field(
        description="Parameter sets accepted per generation (the population)."
    )
    proposals: Annotated[int, Field(ge=2, le=10_000_000)] = Field(
        description="Parameter sets simulated per generation; the best `particles` are kept, "
        "so the tolerance is the particles/proposals quantile of the distances."
    )
    generations: Annotated[int, Field(ge=1, le=100)] = Field(description="SMC generations.")
    replicates: Annotated[int, Field(ge=1, le=100_000)] = Field(
        description="Engine replicates per parameter set (its deals make the statistics)."
    )
    batch: Annotated[int, Field(ge=1, le=1_000_000)] = Field(
        4000, description="Engine runs per task (parameter sets x replicates, rounded up)."
    )


class Prior(_Strict):
    prior: Literal["uniform", "loguniform"] = Field("uniform", description="Prior family.")
    low: float = Field(description="Lower end of the prior.")
    high: float = Field(description="Upper end of the prior.")
    description: Text = Field("", description="Why this prior, and its source.")


class Target(_Strict):
    statistic: Statistic = Field(description="Kaplan-Meier survival or a cumulative incidence.")
    group: Group = Field("all", description="Which deals: all, class=, coverage= or side=.")
    day: Annotated[int, Field(ge=1, le=3650)] = Field(description="Days after entry into force.")
    observed: Annotated[float, Field(ge=0.0, le=1.0)] | None = Field(
        None, description="Observed value (default: the shipped ETH/PRIO duration table)."
    )
    sd: Annotated[float, Field(gt=0.0, le=1.0)] | None = Field(
        None, description="Its uncertainty (default: binomial, sqrt(p(1-p)/n), at least 1/n)."
    )


class CalibrationFile(_Strict):
    calibration: Settings
    parameters: dict[str, Prior] = Field(description="Dotted scenario path -> its prior.")
    targets: dict[str, Target] = Field(description="Target name -> statistic, group, day.")


@dataclass(frozen=True)
class Calibration:
    """A validated calibration file with its scenario and resolved targets."""

    path: Path
    text: str
    spec: CalibrationFile
    scenario_path: Path
    scenario_text: str
    scenario: Scenario
    observed: tuple[float, ...]
    sd: tuple[float, ...]

    @property
    def settings(self) -> Settings:
        return self.spec.calibration

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(self.spec.parameters)

    @property
    def target_names(self) -> tuple[str, ...]:
        return tuple(self.spec.targets)

    @property
    def integer_paths(self) -> frozenset[str]:
        return frozenset(p for p in self.paths if schema_node(Scenario, p.split(".")) is int)

    @property
    def sha256(self) -> str:
        return hashlib.sha256((self.text + "\0" + self.scenario_text).encode()).hexdigest()

    @property
    def runs(self) -> int:
        st = self.settings
        return st.generations * st.proposals * st.replicates


def load_calibration(path: str | Path) -> Calibration:
    """Parse and check a calibration file; ScenarioError with one line per problem."""
    path = Path(path)
    label = str(path)
    text = read_text(path)
    spec = validated(CalibrationFile, parse_toml(text, label), label)
    scenario_path = resolve_base(path, spec.calibration.scenario)
    scenario_text = read_text(scenario_path)
    scenario = parse_scenario(parse_toml(scenario_text, str(scenario_path)), str(scenario_path))
    problems = check_calibration(spec, scenario)
    observed, sd = [], []
    for name, t in spec.targets.items():
        value, err = resolve_target(t)
        if err:
            problems.append((f"targets.{name}", err))
        observed.append(value[0])
        sd.append(value[1])
    if problems:
        raise ScenarioError([f"{label}: {field}: {message}" for field, message in problems])
    return Calibration(
        path, text, spec, scenario_path, scenario_text, scenario, tuple(observed), tuple(sd)
    )


def check_calibration(spec: CalibrationFile, s: Scenario) -> list[tuple[str, str]]:
    """Problems that need the scenario or span fields, as (field, message) pairs."""
    st = spec.calibration
    problems: list[tuple[str, str]] = []
    if st.proposals < st.particles:
        problems.append(
            ("calibration.proposals", f"must be >= particles ({st.particles}), got {st.proposals}")
        )
    if not spec.parameters:
        problems.append(("parameters", "name at least one parameter to fit"))
    if not spec.targets:
        problems.append(("targets", "name at least one target"))
    for path, p in spec.parameters.items():
        where = f'parameters."{path}"'
        try:
            locate(s, path)
        except UnknownPath as err:
            problems.append((where, str(err)))
            continue
        if not p.low < p.high:
            problems.append((where, f"low ({p.low:g}) must be below high ({p.high:g})"))
            continue
        if p.prior == "loguniform" and p.low <= 0:
            problems.append((where + ".low", f"a loguniform prior needs low > 0 (got {p.low:g})"))
        for tail, value in ((".low", p.low), (".high", p.high)):
            message = check_value(s, path, value)
            if message:
                problems.append((where + tail, f"prior outside the field's bounds: {message}"))
    return problems


def resolve_target(t: Target) -> tuple[tuple[float, float], str | None]:
    """(observed, sd) of a target: the file's, else the shipped table's (binomial sd)."""
    if t.observed is not None and t.sd is not None:
        return (t.observed, t.sd), None
    found = table_value(t.group, t.day, t.statistic)
    if found is None:
        return (math.nan, math.nan), (
            f"no value in the ETH/PRIO duration table for {t.group} at day {t.day} "
            "(days 1, 3, 7, 14, 30, 60, 90, 180, 365): give observed and sd"
        )
    p, n = found
    observed = t.observed if t.observed is not None else p
    sd = t.sd if t.sd is not None else max(math.sqrt(observed * (1 - observed) / n), 1.0 / n)
    return (observed, sd), None

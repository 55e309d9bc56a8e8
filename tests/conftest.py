from __future__ import annotations

import pytest

from sim.scenario import DEFAULT_SCENARIO, load_scenario


@pytest.fixture(scope="session")
def default_scenario():
    return load_scenario(DEFAULT_SCENARIO)


def stated_values(scenario) -> dict[str, float]:
    """Overrides that switch off perception noise and every stance spread, so each
    replicate holds exactly the values written in the scenario file."""
    ov: dict[str, float] = {f"actors.{a}.noise": 0.0 for a in scenario.actors}
    for a, actor in scenario.actors.items():
        for f in type(actor.spread).model_fields:
            ov[f"actors.{a}.spread.{f}"] = 0.0
        for k, st in actor.stances.items():
            ov[f"actors.{a}.stances.{k}.spread.position"] = 0.0
            ov[f"actors.{a}.stances.{k}.spread.salience"] = 0.0
            if st.red_line is not None:
                ov[f"actors.{a}.stances.{k}.spread.red_line"] = 0.0
    for t in scenario.threats:
        ov[f"threats.{t}.spread.credibility"] = 0.0
        ov[f"threats.{t}.spread.severity"] = 0.0
    return ov

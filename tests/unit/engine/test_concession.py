"""Concession stops at the aspiration floor: a party concedes down to its disagreement
point, the war, and not below (Zeuthen 1930; MODEL.md section 4)."""

from __future__ import annotations

import numpy as np
import pytest

from sim.engine import talks
from sim.engine.model import CeasefireModel
from sim.scenario.errors import ScenarioError
from sim.scenario.load import DEFAULT_SCENARIO, load_scenario, modified
from tests.behaviour.helpers import stated


def test_aspiration_falls_with_costs_until_the_floor_and_stays_there():
    a = np.array([0.10, 0.10, -0.05])
    floor = np.array([0.0, 0.04, 0.0])  # the last starts below its floor
    seen = [a]
    for _ in range(200):
        a = talks.concede(a, np.full(3, 0.5), np.full(3, 0.004), np.full(3, 0.01), floor)
        seen.append(a)
    seen = np.array(seen)
    assert np.all(np.diff(seen, axis=0) <= 0)  # it never rises
    np.testing.assert_array_equal(seen[-1], [0.0, 0.04, -0.05])
    np.testing.assert_allclose(seen[1, :2], 0.1 - 0.5 * 0.014)  # the usual step above it
    assert np.all(seen[:, :2] >= floor[:2])  # concession never crosses the floor


def test_the_parties_of_a_run_never_concede_below_their_floor():
    s = load_scenario(DEFAULT_SCENARIO)
    floor = {"russia": 0.02, "ukraine": -0.01}
    overrides = stated(s) | {f"actors.{a}.concession_rate": 5.0 for a in floor}
    overrides |= {f"actors.{a}.aspiration_floor": f for a, f in floor.items()}
    overrides["actors.russia.aspiration"] = 0.1
    m = CeasefireModel(s, 20, 3, overrides=overrides, record="none")
    w = m.worlds[0]
    index = {a: m.params.actor_ids.index(a) for a in floor}
    for _ in range(60):
        m.step()
        for a, f in floor.items():
            assert np.all(w.aspiration[:, index[a]] >= f), (a, w.aspiration[:, index[a]].min())
    for a, f in floor.items():  # a fast concession gets there within weeks
        assert np.mean(w.aspiration[:, index[a]] == f) > 0.5, (a, w.aspiration[:, index[a]])


def test_an_aspiration_floor_outside_its_bounds_is_a_one_line_error():
    s = load_scenario(DEFAULT_SCENARIO)
    with pytest.raises(ScenarioError) as err:
        modified(s, {"actors.russia.aspiration_floor": 2.0})
    message = str(err.value)
    assert "aspiration_floor" in message and "\n" not in message.strip()

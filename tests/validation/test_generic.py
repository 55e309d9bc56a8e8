"""The generic validation scenarios: drawn from a seed, on the two-party test fixture."""

from __future__ import annotations

import numpy as np
import pytest

from sim.engine.agents import Chair
from sim.engine.model import CeasefireModel
from sim.scenario.errors import ScenarioError
from sim.validation.generic import GENERATORS, base, generic, without
from tests.behaviour.helpers import two_party


def test_the_generic_base_is_the_two_party_fixture():
    """validation/generic-base.toml is tests/data/two-party.toml: the behaviour tests and
    `ceasefire check` draw their generic scenarios around the same case."""
    assert base().model_dump() == two_party().model_dump()


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_a_generator_gives_the_same_scenario_for_the_same_seed(name):
    draw = GENERATORS[name]
    one, two = draw(np.random.default_rng(5)), draw(np.random.default_rng(5))
    assert one.model_dump() == two.model_dump()
    assert one.model_dump() != draw(np.random.default_rng(6)).model_dump()


def test_without_drops_the_mediator_and_the_ties_to_it_and_the_chair_tables():
    drawn = generic(np.random.default_rng(5))
    unmediated = without(drawn, ["broker"])
    assert list(unmediated.actors) == ["north", "south"]
    assert all("broker" not in a.ties for a in unmediated.actors.values())
    assert drawn.actors["north"].ties == {"broker": 1.0}  # the drawn scenario is untouched
    model = CeasefireModel(unmediated, 4, 1, record="none")
    assert isinstance(model.mediator, Chair)
    model.run_model()
    assert (model.outcomes()["first_deal_day"] >= 0).any()  # the chair's packages are agreed
    with pytest.raises(ScenarioError, match="no actor 'nobody'"):
        without(drawn, ["nobody"])

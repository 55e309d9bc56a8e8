"""The generic validation scenarios: drawn from a seed, on the two-party test fixture."""

from __future__ import annotations

import numpy as np
import pytest

from sim.validation.generic import GENERATORS, base
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

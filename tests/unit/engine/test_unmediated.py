"""Talks without a mediator (sim/engine/agents.py, ``Chair``; World.mediator_pressure).

Without a mediator nobody presses the holdout, and the parties table packages in turn,
each the one best for itself given what it has learned of the others: what a mediator adds
(formulation aimed at every side, leverage) is what these talks lack.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from sim.engine import session
from sim.engine.model import CeasefireModel
from sim.engine.parameters import build_parameters
from sim.engine.world import World
from sim.scenario.load import load_scenario, modified
from sim.validation.generic import without
from tests.behaviour.helpers import stated

TWO_PARTY = load_scenario(Path(__file__).resolve().parents[2] / "data" / "two-party.toml")
UNMEDIATED = without(TWO_PARTY, ["broker"])


def test_nobody_presses_the_holdout_without_a_mediator():
    for scenario, pressed in ((TWO_PARTY, True), (UNMEDIATED, False)):
        w = World(build_parameters(scenario, 4, 1, stated(scenario)))
        north = list(scenario.actors).index("north")
        w.holdout[:, north] = True
        pressure = w.mediator_pressure()[:, north]
        assert (pressure > 0).all() == pressed
        assert (pressure == 0).all() != pressed


def final_aspirations(scenario, pressure: float) -> np.ndarray:
    """The parties' aspirations at the horizon, from 0.3 (above their floor of 0)."""
    changes = {"actors.north.aspiration": 0.3, "actors.south.aspiration": 0.3}
    s = modified(scenario, changes | {"negotiation.holdout_pressure": pressure})
    model = CeasefireModel(s, 64, 5, record="none")
    model.run_model()
    return np.concatenate([w.aspiration for w in model.worlds])


def test_the_pressure_setting_moves_aspirations_only_where_a_mediator_presses():
    assert not np.array_equal(final_aspirations(TWO_PARTY, 0.0), final_aspirations(TWO_PARTY, 0.5))
    np.testing.assert_array_equal(
        final_aspirations(UNMEDIATED, 0.0), final_aspirations(UNMEDIATED, 0.5)
    )


def after_the_opening(scenario) -> tuple[CeasefireModel, World]:
    """A model stepped past the opening session (day 0), before any later session."""
    model = CeasefireModel(scenario, 32, 7, overrides=stated(scenario), record="none")
    model.step()
    (w,) = model.worlds
    return model, w


def table_as(model, w, t: int, turn: int) -> np.ndarray:
    """What the chair tables on track ``t`` in every replicate when it is ``turn``'s go."""
    rows = np.arange(w.R)
    w.tablings[rows, t] = 1 + turn
    v = session.view(w, rows, t)
    return model.mediator.table(w, v, 1), v


def test_each_party_in_turn_tables_a_package_it_would_accept_itself():
    """The proposer tables only a package it values above its threshold whenever it has one
    among its candidates (its own ideal package is one), and the turn decides the package:
    a neutral chair would table the same one whoever's turn it was."""
    model, w = after_the_opening(UNMEDIATED)
    t = list(UNMEDIATED.tracks).index("full")
    assert (w.tablings[:, t] == 1).all()
    packages = [table_as(model, w, t, turn) for turn in (0, 1)]
    assert not np.allclose(packages[0][0], packages[1][0])
    for turn, (package, v) in enumerate(packages):
        ideal = np.where(v.decide, np.clip(v.pos[:, turn], 0.0, 1.0), v.q)
        could = session.values(w, v, ideal)[0][:, turn] > 0
        own = session.values(w, v, package)[0][:, turn]
        assert could.any()
        assert (own[could] > 0).all()


def test_a_mediator_tables_the_same_package_whoever_would_be_next():
    model, w = after_the_opening(TWO_PARTY)
    t = list(TWO_PARTY.tracks).index("full")
    first, _ = table_as(model, w, t, 0)
    second, _ = table_as(model, w, t, 1)
    np.testing.assert_array_equal(first, second)


def test_the_proposers_take_turns_in_a_run():
    """In a run without a mediator the tablings count up by one per session on each track
    they table (the turn is the count, so the parties alternate)."""
    scenario = UNMEDIATED
    model = CeasefireModel(scenario, 16, 3, record="none")
    (w,) = model.worlds
    seen = []
    for _ in range(40):
        before = w.tablings.copy()
        model.step()
        step = w.tablings - before
        assert set(np.unique(step)) <= {0, 1}
        seen.append(step.sum())
    assert sum(seen) > 16  # sessions were held beyond the opening

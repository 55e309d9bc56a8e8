"""The engine's fast paths give what the readable rules give, bit for bit (issue 11, "Speed").

The speed work replaced some computations by cheaper ones of the same floats (a row take
before an open mesh, the posterior mean from cached variances, the fighters' beliefs once a
day); these tests hold each to the reference it replaces on random inputs, so a change to
one side that is not made to the other fails here before it changes an outcome digest.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.engine import battle, beliefs
from sim.engine.session import ix, take


@pytest.fixture
def gen():
    return np.random.default_rng(11)


def test_take_is_the_open_mesh_gather(gen):
    a = gen.random((50, 7, 4, 6))
    rows, actors, issues = np.array([3, 0, 49, 7, 7]), np.array([2, 5, 1]), np.array([0, 5])
    assert np.array_equal(
        take(a, rows, actors, 2, issues), a[ix(rows, actors)][:, :, 2][..., issues]
    )
    assert np.array_equal(
        take(a[:, :, 1], rows, actors, issues), a[:, :, 1][ix(rows, actors, issues)]
    )
    assert np.array_equal(take(a, rows), a[rows])
    tracks = np.array([3, 0])
    assert np.array_equal(take(a, rows, 1, tracks), a[rows][:, 1][:, tracks])


def test_posterior_mean_is_the_posterior_mean(gen):
    R, N, F = 40, 3, 5
    prior_mean, prior_sd = gen.normal(0, 0.01, (R, N, F)), gen.random((R, N, F)) * 0.01
    prior_sd[0] = 0.0  # the prior stands
    vol = gen.random((R, F)) * 0.02
    vol[1] = 0.0  # the data decide at once
    evidence, seen = gen.normal(0, 0.1, (R, F)), gen.integers(0, 200, (R, F))
    seen[2] = 0
    want, _ = beliefs.posterior(prior_mean, prior_sd, evidence, seen, vol)
    noise = np.repeat((vol * vol)[:, None, :], N, axis=1)
    got = beliefs.posterior_mean(prior_mean, prior_sd * prior_sd, noise, evidence, seen)
    assert np.array_equal(got, want)


def test_step_fronts_moves_only_the_fought_fronts(gen):
    R, F = 30, 5
    control, drift, vol = gen.random((R, F)), gen.normal(0, 0.01, (R, F)), gen.random((R, F))
    active, decided = gen.random((R, F)) < 0.6, gen.random((R, F)) < 0.2
    new, newly, winner = battle.step_fronts(
        control, drift, vol, active, decided, 5, np.arange(R), 9
    )
    still = ~active | decided
    assert np.array_equal(new[still], control[still])
    r, f = np.nonzero(~still)
    moved = battle.move_fronts(control[r, f], drift[r, f], vol[r, f], 5, r, f, 9)
    assert np.array_equal(new[r, f], moved)
    assert np.array_equal(newly, ~still & ((new <= 0) | (new >= 1)))
    assert ((winner >= 0) == newly).all()


def test_war_cost_of_the_parties_alone_is_their_columns_of_everyone(gen):
    """concede_inputs computes the cost of war for the parties only: the same bits as the
    parties' columns of every actor's."""
    for R, N, F in [(400, 7, 5), (50, 5, 9), (30, 7, 17), (3, 4, 1)]:
        intensity, active = gen.random((R, F)), gen.random((R, F)) < 0.7
        cost = gen.random((R, N, F)) * 10.0 ** gen.integers(-5, 5, (R, N, F))
        sanctions, parties = gen.random((R, N)), np.array([1, 2])
        everyone = battle.war_cost_today(intensity, cost, active, sanctions)
        alone = battle.war_cost_today(intensity, cost[:, parties], active, sanctions[:, parties])
        assert np.array_equal(alone, everyone[:, parties])


def test_halted_fronts_from_the_books_counts_are_those_of_its_slots():
    """World.halted reads the deal book's counts of deals in force per front, kept as deals
    enter and end; they must be what a pass over every live slot finds, day after day."""
    from sim.engine.model import CeasefireModel
    from sim.scenario.load import DEFAULT_SCENARIO, load_scenario

    m = CeasefireModel(load_scenario(DEFAULT_SCENARIO), 300, seed=2, record="none")
    halted_days = 0
    for _ in range(150):
        m.step()
        w = m.worlds[0]
        book = w.book
        from_slots = (book.fronts & (book.state == 2)[:, :, None]).any(axis=1)
        assert np.array_equal(w.halted(), from_slots)
        rows = np.arange(0, w.R, 7)
        assert np.array_equal(w.halted_rows(rows), from_slots[rows])
        halted_days += from_slots.any()
    assert halted_days > 50

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

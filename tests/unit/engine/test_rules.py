"""Direct tests of the pure rules, each on a hand-computed case (docs/model.md)."""

from __future__ import annotations

import numpy as np

from sim.engine import rules


def test_salience_is_normalised_per_actor_and_zero_stays_zero():
    s = np.array([[[1.0, 3.0], [0.0, 0.0]]])
    np.testing.assert_allclose(rules.normalise_salience(s), [[[0.25, 0.75], [0.0, 0.0]]])


def test_utility_is_one_minus_the_salience_weighted_distance():
    proposal = np.array([[0.5, 1.0]])
    position = np.array([[[0.5, 1.0], [0.0, 0.0]]])
    salience = np.array([[[0.5, 0.5], [0.25, 0.75]]])
    np.testing.assert_allclose(rules.utility(proposal, position, salience), [[1.0, 0.125]])


def test_red_line_breaches_respect_the_tolerance():
    proposal = np.array([[0.3, 0.7]])
    low = np.array([[[0.3, 0.0]]])
    high = np.array([[[1.0, 0.6]]])
    assert rules.red_line_breaches(proposal, low, high).tolist() == [[[False, True]]]


def test_named_conditions_take_the_largest_losses_until_the_gap_closes():
    losses = np.array([[[0.1, 0.3, 0.2]]])
    none = np.zeros((1, 1, 3), dtype=bool)
    rejects = np.array([[True]])
    named = rules.named_conditions(losses, np.array([[0.35]]), none, rejects)
    assert named.tolist() == [[[False, True, True]]]  # 0.3 alone leaves 0.05 of the gap
    small = rules.named_conditions(losses, np.array([[0.1]]), none, rejects)
    assert small.tolist() == [[[False, True, False]]]
    accepted = rules.named_conditions(losses, np.array([[0.35]]), none, np.array([[False]]))
    assert not accepted.any()


def test_positions_are_clipped_to_red_lines():
    clipped = rules.clip_to_red_lines(
        np.array([0.1, 0.9]), np.array([0.2, 0.0]), np.array([1, 0.8])
    )
    np.testing.assert_allclose(clipped, [0.2, 0.8])


def test_feasible_box_is_the_common_ground_or_everything():
    low = np.array([[[0.2, 0.7], [0.0, 0.0], [0.4, 0.0]]])
    high = np.array([[[1.0, 1.0], [1.0, 1.0], [0.9, 0.5]]])
    lo, hi = rules.feasible_box(low, high, np.array([0, 2]))
    np.testing.assert_allclose(lo, [[0.4, 0.0]])  # issue 1: 0.7 > 0.5, no common ground
    np.testing.assert_allclose(hi, [[0.9, 1.0]])

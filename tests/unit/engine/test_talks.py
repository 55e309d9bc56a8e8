"""Direct tests of the talks rules (sim/engine/talks.py), each on a hand-computed case."""

from __future__ import annotations

import numpy as np

from sim.engine import talks


def test_issue_gain_is_measured_against_the_status_quo_on_decided_issues_only():
    package = np.array([[0.5, 1.0]])
    position = np.array([[[1.0, 0.0]]])  # one actor
    salience = np.array([[[0.6, 0.4]]])
    q = np.array([[0.0, 0.0]])
    both = np.array([[True, True]])
    # 0.6 (1 - 0.5) + 0.4 (0 - 1) = 0.3 - 0.4
    np.testing.assert_allclose(talks.issue_gain(package, position, salience, q, both), [[-0.1]])
    first = np.array([[True, False]])
    np.testing.assert_allclose(talks.issue_gain(package, position, salience, q, first), [[0.3]])


def test_a_package_within_the_tolerance_is_at_the_red_line_beyond_it_steeply_penalised():
    low, high = np.array([[[0.5]]]), np.array([[[1.0]]])
    decide = np.array([[True]])
    tol, rate = np.array([0.02]), np.array([10.0])
    at = talks.breach(np.array([[0.49]]), low, high, decide)
    assert not talks.crosses(at, tol).any()
    np.testing.assert_allclose(talks.red_line_penalty(at, tol, rate), [[0.0]])
    beyond = talks.breach(np.array([[0.4]]), low, high, decide)
    assert talks.crosses(beyond, tol).all()
    np.testing.assert_allclose(talks.red_line_penalty(beyond, tol, rate), [[10.0 * 0.08]])
    # without the tolerance (the v1 knife edge) 1e-9 short is a breach
    short = talks.breach(np.array([[0.5 - 1e-9]]), low, high, decide)
    assert talks.crosses(short, np.zeros(1)).all()


def test_a_conditional_yes_counts_only_with_its_partner():
    accepts_only_with = np.array([[False, True], [False, False]])
    said = np.array([[True, False], [True, True]])
    assert talks.effective_yes(said, accepts_only_with).tolist() == [[False, False], [True, True]]


def test_implementers_are_needed_only_for_issues_moved_off_the_status_quo():
    implementers = np.array([[False, True], [False, False]])  # issue 0 needs actor 1
    q = np.array([[0.0, 0.0], [0.0, 0.0]])
    decide = np.ones((2, 2), dtype=bool)
    package = np.array([[0.0, 0.7], [0.3, 0.0]])
    need = talks.needed_implementers(package, q, decide, implementers)
    assert need.tolist() == [[False, False], [False, True]]


def test_the_mediator_bounds_thresholds_from_answers_and_believes_the_latest():
    lo, hi = np.array([[-1.0, -1.0]]), np.array([[1.0, 1.0]])
    gain = np.array([[0.2, 0.4]])
    accepted = np.array([[False, True]])
    lo, hi = talks.learn(lo, hi, gain, accepted, np.ones((1, 2), dtype=bool))
    np.testing.assert_allclose(lo, [[0.2, -1.0]])
    np.testing.assert_allclose(hi, [[1.0, 0.4]])
    # P_hat: uniform on [lo, hi]
    np.testing.assert_allclose(talks.accept_chance(np.array([[0.6, 0.4]]), lo, hi), [[0.5, 1.0]])
    # a rejection above an earlier acceptance: the threshold rose; hi is reset
    lo2, hi2 = talks.learn(lo, hi, np.array([[0.1, 0.5]]), np.array([[False, False]]),
                           np.ones((1, 2), dtype=bool))  # fmt: skip
    assert lo2[0, 1] == 0.5 and hi2[0, 1] >= 1.0


def test_candidates_move_toward_the_holdout_inside_the_box_and_the_choice_is_unique():
    package = np.array([[0.0, 0.5]])
    target = np.array([[1.0, 0.5]])
    compromise = np.array([[0.3, 0.3]])
    low, high = np.array([[0.0, 0.0]]), np.array([[0.6, 1.0]])
    q, decide = np.array([[0.0, 0.0]]), np.array([[True, True]])
    c = talks.candidates(package, target, compromise, low, high, q, decide)
    np.testing.assert_allclose(c[0, :, 0], [0.0, 0.25, 0.5, 0.6, 0.6, 0.3])  # clipped at 0.6
    chance = np.array([[[0.1], [0.4], [0.4], [0.2], [0.2], [0.3]]])
    assert talks.choose(chance, np.zeros((1, 6)), np.zeros(1)).tolist() == [1]  # first of ties


def test_holdout_target_takes_the_named_issues_of_the_rejecting_actors():
    package = np.array([[0.2, 0.2]])
    position = np.array([[[1.0, 0.0], [0.0, 1.0]]])
    named = np.array([[[True, False], [False, True]]])
    rejecting = np.array([[True, False]])
    np.testing.assert_allclose(
        talks.holdout_target(package, position, named, rejecting), [[1.0, 0.2]]
    )


def test_concession_falls_with_costs_and_pressure_without_any_deadline():
    a = talks.concede(np.array([0.1]), np.array([0.5]), np.array([0.004]), np.array([0.01]))
    np.testing.assert_allclose(a, [0.1 - 0.5 * 0.014])

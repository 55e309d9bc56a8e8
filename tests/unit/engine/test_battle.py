"""The battlefield, beliefs and war values (sim/engine/battle.py), on hand-computed cases.

Actor 0 is a front's first side (sign -1), actor 1 its second side (sign +1): control is the
share actor 1 holds. Statistical checks use fixed seeds and tolerances from the sample size.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.engine import battle, rng

SIGN = np.array([[-1], [1]])  # (N, F): actor 0 first side, actor 1 second side
STAKES = np.full((1, 2, 1), 0.15)
NO_COST = np.zeros((1, 2, 1))
H90 = np.full((1, 2), 90.0)


def _fronts(R, F, control=0.5, drift=0.0, volatility=0.01):
    return (np.full((R, F), control), np.full((R, F), drift), np.full((R, F), volatility))


def _halt(belief, control=0.5, cost=NO_COST, intensity=1.0, term=30, **kw):
    return battle.halt_value(
        np.array([[control]]),
        np.array(belief, dtype=float).reshape(1, 2, 1),
        SIGN,
        STAKES,
        np.array([[intensity]]),
        cost,
        H90,
        term,
        **kw,
    )[0, :, 0]


# --- fronts -------------------------------------------------------------------------------


def test_only_active_undecided_fronts_move():
    control, drift, vol = _fronts(4, 3, drift=0.01, volatility=0.02)
    active = np.array([[True, False, True]] * 4)
    decided = np.zeros((4, 3), dtype=bool)
    decided[1, 0] = True
    new, newly, winner = battle.step_fronts(
        control, drift, vol, active, decided, 7, np.arange(4), 0
    )
    frozen = ~active | decided
    assert np.array_equal(new[frozen], control[frozen])
    assert (new[~frozen] != control[~frozen]).all()
    assert not newly.any() and (winner == -1).all()


def test_fronts_absorb_at_zero_and_one_and_name_the_winner():
    control = np.array([[0.99, 0.01, 0.5]])
    drift = np.array([[0.1, -0.1, 0.0]])
    vol = np.full((1, 3), 1e-3)
    active = np.ones((1, 3), dtype=bool)
    new, newly, winner = battle.step_fronts(
        control, drift, vol, active, ~active, 1, np.arange(1), 0
    )
    assert new[0, :2].tolist() == [1.0, 0.0]
    assert newly.tolist() == [[True, True, False]]
    assert winner.tolist() == [[1, 0, -1]]  # the second side holds all of front 0
    # absorbing: a decided front never moves again, whatever its drift
    back, again, _ = battle.step_fronts(new, -drift, vol, active, newly, 1, np.arange(1), 1)
    assert back[0, :2].tolist() == [1.0, 0.0] and not again[0, :2].any()


def test_a_days_change_has_the_drift_and_the_volatility():
    R = 20_000
    control, _, _ = _fronts(R, 2)
    drift = np.tile([0.004, -0.002], (R, 1))
    vol = np.tile([0.01, 0.02], (R, 1))
    on = np.ones((R, 2), dtype=bool)
    new, _, _ = battle.step_fronts(control, drift, vol, on, ~on, 3, np.arange(R), 5)
    change = new - control
    sd = np.array([0.01, 0.02])
    np.testing.assert_allclose(change.mean(0), [0.004, -0.002], atol=4 * sd.max() / np.sqrt(R))
    np.testing.assert_allclose(change.std(0), sd, atol=4 * sd.max() / np.sqrt(2 * R))


def test_a_replicate_moves_the_same_alone_or_in_any_batch():
    def run(replicates, days=40):
        R = len(replicates)
        control, drift, vol = _fronts(R, 3, drift=0.003, volatility=0.05)
        decided = np.zeros((R, 3), dtype=bool)
        for day in range(days):
            active = np.tile([True, day % 3 != 0, True], (R, 1))  # front 1 halted some days
            control, newly, _ = battle.step_fronts(
                control, drift, vol, active, decided, 11, replicates, day
            )
            decided |= newly
        return control, decided

    batch, decided = run(np.arange(30))
    alone, alone_decided = run(np.array([13]))
    other, _ = run(np.array([57, 13, 2]))
    assert np.array_equal(alone[0], batch[13]) and np.array_equal(other[1], batch[13])
    assert np.array_equal(alone_decided[0], decided[13])
    assert np.array_equal(other[2], batch[2])
    assert len({tuple(row) for row in batch}) == 30  # replicates do differ


# --- beliefs ------------------------------------------------------------------------------


def _changes(R, days, drift, vol, seed=5):
    reps = np.arange(R)
    return [drift + vol * rng.normal(seed, reps, d, "test-front")[:, None] for d in range(days)]


def test_posterior_sd_follows_the_conjugate_formula_and_only_where_observed():
    R, s0, vol = 3, 0.005, 0.01
    mean, sd = np.zeros((R, 2, 1)), np.full((R, 2, 1), s0)
    observed = np.array([True, False]).reshape(1, 2, 1)  # actor 1 does not see this front
    for change in _changes(R, 50, 0.0, vol):
        mean, sd = battle.update_beliefs(mean, sd, change, np.full((R, 1), vol), observed)
    np.testing.assert_allclose(sd[:, 0], 1 / np.sqrt(1 / s0**2 + 50 / vol**2))
    assert (sd[:, 1] == s0).all() and (mean[:, 1] == 0).all()


def test_beliefs_converge_to_the_true_drift_and_mutual_optimism_fades():
    R, days, mu, vol, s0 = 2_000, 300, 0.002, 0.01, 0.005
    mean = np.tile(np.array([-0.008, 0.012]).reshape(1, 2, 1), (R, 1, 1))  # both wrong
    sd = np.full((R, 2, 1), s0)
    for change in _changes(R, days, mu, vol):
        mean, sd = battle.update_beliefs(mean, sd, change, np.full((R, 1), vol), True)
    post = 1 / np.sqrt(1 / s0**2 + days / vol**2)
    np.testing.assert_allclose(sd, post)
    error = mean - mu
    # each replicate's error is the prior's pull plus sampling noise of sd ~ post
    pull = np.array([-0.01, 0.01]) * post**2 / s0**2
    np.testing.assert_allclose(error.mean(0)[:, 0], pull, atol=4 * post / np.sqrt(R))
    assert (np.abs(error) < np.abs(pull)[None, :, None] + 5 * post).all()
    assert np.abs(error).max() < 0.008 / 2  # far closer than either prior was
    # the two sides saw the same fighting: their gap shrinks by exactly s'^2 / s0^2
    np.testing.assert_allclose(mean[:, 1] - mean[:, 0], 0.02 * post**2 / s0**2)


def test_identical_correct_priors_learn_nothing_on_average():
    R, mu, vol, s0 = 20_000, 0.003, 0.01, 0.002
    mean, sd = np.full((R, 2, 1), mu), np.full((R, 2, 1), s0)
    days = 100
    for change in _changes(R, days, mu, vol, seed=9):
        mean, sd = battle.update_beliefs(mean, sd, change, np.full((R, 1), vol), True)
    # m_n - mu = (sum of the days' errors / vol^2) / precision: mean 0, sd `spread`
    spread = np.sqrt(days) / vol / (1 / s0**2 + days / vol**2)
    np.testing.assert_allclose(mean.mean(0), mu, atol=4 * spread / np.sqrt(R))
    assert np.array_equal(mean[:, 0], mean[:, 1])  # same prior, same data, same belief
    # each replicate did move (it learnt from its own fighting), by as much as expected
    np.testing.assert_allclose(mean[:, 0].std(), spread, rtol=4 / np.sqrt(2 * R))


def test_the_sufficient_statistics_give_the_day_by_day_posterior():
    R, F = 50, 3
    prior_mean = np.tile(np.array([-0.004, 0.006]).reshape(1, 2, 1), (R, 1, F))
    prior_sd = np.tile(np.array([0.003, 0.0]).reshape(1, 2, 1), (R, 1, F))  # actor 1 dogmatic
    vol = np.tile([0.01, 0.02, 0.0], (R, 1))  # front 2 has no noise
    mean, sd = prior_mean, prior_sd
    evidence, seen = np.zeros((R, F)), np.zeros((R, F), dtype=np.int64)
    for day, change in enumerate(_changes(R, 60, 0.002, 0.01)):
        change = np.broadcast_to(change, (R, F)) * (vol > 0) + 0.002 * (vol == 0)
        observed = np.tile([True, day % 2 == 0, day > 10], (R, 1))
        mean, sd = battle.update_beliefs(mean, sd, change, vol, observed[:, None, :])
        battle.observe(evidence, seen, change, observed)
    batch_mean, batch_sd = battle.posterior(prior_mean, prior_sd, evidence, seen, vol)
    np.testing.assert_allclose(batch_mean, mean, rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(batch_sd, sd, rtol=1e-9, atol=1e-15)
    assert seen[0].tolist() == [60, 30, 49]
    np.testing.assert_allclose(batch_mean[:, 0, 2], 0.002)  # a noiseless front is learnt
    unseen = battle.posterior(prior_mean, prior_sd, evidence * 0, seen * 0, vol)
    assert np.array_equal(unseen[0], prior_mean) and np.array_equal(unseen[1], prior_sd)


def test_a_front_without_noise_reveals_its_drift_and_a_dogma_never_moves():
    mean, sd = np.zeros((1, 2, 1)), np.array([0.01, 0.0]).reshape(1, 2, 1)
    new, new_sd = battle.update_beliefs(mean, sd, np.array([[0.004]]), np.zeros((1, 1)), True)
    assert new[0, :, 0].tolist() == [0.004, 0.0] and new_sd[0, :, 0].tolist() == [0.0, 0.0]


# --- shares and expectations -----------------------------------------------------------------


def test_own_share_and_expected_control():
    control = np.array([[0.7]])
    sign = np.array([[-1], [1], [0]])
    np.testing.assert_allclose(battle.own_share(control, sign)[0, :, 0], [0.3, 0.7, 0.0])
    belief = np.array([0.002, -0.01, 0.0]).reshape(1, 3, 1)
    expected = battle.expected_control(control, belief, np.array([[50.0, 50.0, 50.0]]))
    np.testing.assert_allclose(expected[0, :, 0], [0.8, 0.2, 0.7])
    np.testing.assert_allclose(
        battle.expected_control(control, belief * 100, 50)[0, :, 0], [1, 0, 0.7]
    )


def test_halt_days_cap_at_the_horizon_and_open_ended_is_the_horizon():
    H = np.array([[90.0, 60.0]])
    np.testing.assert_allclose(battle.halt_days(30, H), [[30, 30]])
    np.testing.assert_allclose(battle.halt_days(75, H), [[75, 60]])
    np.testing.assert_allclose(battle.halt_days(0, H), [[90, 60]])


# --- the value of a halt ------------------------------------------------------------------


def test_the_side_expecting_to_advance_loses_from_a_halt_the_other_gains():
    # both expect the second side to gain 0.004 a day: E b(t+60) = 0.74, E b(t+90) = 0.86
    value = _halt([0.004, 0.004])
    np.testing.assert_allclose(value, [0.15 * 0.12, -0.15 * 0.12])
    # open-ended: the front freezes for the whole horizon
    np.testing.assert_allclose(_halt([0.004, 0.004], term=0), [0.15 * 0.36, -0.15 * 0.36])


def test_mutual_optimism_makes_both_sides_resist_a_halt():
    value = _halt([-0.004, 0.004])  # each expects to advance
    assert (value < 0).all()


def test_both_gain_on_a_mutual_strike_sector():
    cost = np.array([0.003, 0.002]).reshape(1, 2, 1)
    value = _halt([0.0, 0.0], cost=cost)
    np.testing.assert_allclose(value, [30 * 0.003, 30 * 0.002])
    assert (value > 0).all()


def test_more_intense_fighting_makes_a_halt_worth_more_to_both():
    cost = np.array([0.003, 0.002]).reshape(1, 2, 1)
    mild = _halt([0.004, 0.004], cost=cost, intensity=1.0)
    fierce = _halt([0.004, 0.004], cost=cost, intensity=2.0)
    assert (fierce > mild).all()
    np.testing.assert_allclose(fierce - mild, [30 * 0.003, 30 * 0.002])


def test_freedom_to_rearm_lowers_the_second_sides_halt_value_and_raises_the_firsts():
    shift = np.array([[0.01]])
    free = _halt([0.004, 0.004], rearmament=np.array([0.0]), rearmament_shift=shift)
    barred = _halt([0.004, 0.004], rearmament=np.array([1.0]), rearmament_shift=shift)
    # delta = -0.01 x 1 x (30/30) x (60/30) = -0.02 toward the first side
    np.testing.assert_allclose(free - barred, [0.15 * 0.02, -0.15 * 0.02])
    assert free[1] < barred[1] and free[0] > barred[0]
    none = _halt([0.004, 0.004], rearmament=np.array([0.0]), rearmament_shift=shift * 0)
    np.testing.assert_allclose(none, barred)


def test_the_drift_after_a_pause_is_what_the_valuation_assumed():
    shift, r = np.array([[0.01, 0.01]]), np.array([0.25])
    drift = battle.rearmed_drift(
        np.array([[0.004, 0.004]]), shift, r, np.array([30]), np.array([[True, False]])
    )
    np.testing.assert_allclose(drift, [[0.004 - 0.01 * 0.75 / 30, 0.004]])
    # over the 60 days left in a 90-day horizon that drift moves control by delta
    delta = battle.rearmament_delta(shift, np.array([[30.0]]), np.array([[90.0]]))
    np.testing.assert_allclose((1 - r[0]) * delta[0, 0, 0], (drift[0, 0] - 0.004) * 60)


def test_the_halt_value_is_linear_in_the_rearmament_term_and_sums_over_a_tracks_fronts():
    R, F = 3, 2
    args = dict(
        control=np.tile([0.5, 0.97], (R, 1)),  # front 1 near the edge: the shift is clipped
        belief_mean=np.full((R, 2, F), 0.004),
        side_sign=np.tile(SIGN, (1, F)),
        stakes=np.full((R, 2, F), 0.15),
        intensity=np.ones((R, F)),
        cost=np.full((R, 2, F), 0.001),
        planning_horizon=np.full((R, 2), 90.0),
        term=30,
    )
    shift = np.full((R, F), -0.05)  # toward the second side, past 1 on front 1
    base, rearm = battle.halt_parts(**args, rearmament_shift=shift)
    r = np.array([0.0, 0.25, 1.0])
    value = battle.halt_value(**args, rearmament=r, rearmament_shift=shift)
    np.testing.assert_allclose(value, base + (1 - r)[:, None, None] * rearm)
    np.testing.assert_allclose(value[2], battle.halt_value(**args)[2])  # r = 1: no shift
    # front 0: delta = +0.1 unclipped; front 1: E b(t+60) = 1 already, nothing to add
    np.testing.assert_allclose(rearm[0, :, 0], [-0.15 * 0.1, 0.15 * 0.1])
    np.testing.assert_allclose(rearm[0, :, 1], [0.0, 0.0])
    decided = np.array([[False, True], [False, False], [False, False]])
    total = battle.over_fronts(value, np.array([True, True]), decided)
    np.testing.assert_allclose(total[0], value[0, :, 0])
    np.testing.assert_allclose(total[1:], value[1:].sum(-1))
    np.testing.assert_allclose(battle.over_fronts(value, np.array([False, True])), value[:, :, 1])


def test_uncovered_and_decided_fronts_are_worth_nothing_to_halt():
    R, N, F = 2, 2, 3
    args = dict(
        control=np.full((R, F), 0.5),
        belief_mean=np.full((R, N, F), 0.004),
        side_sign=np.tile(SIGN, (1, F)),
        stakes=np.full((R, N, F), 0.15),
        intensity=np.ones((R, F)),
        cost=np.full((R, N, F), 0.001),
        planning_horizon=np.full((R, N), 90.0),
        term=np.array([30, 0]),
    )
    decided = np.array([[False, False, True], [False, False, False]])
    value = battle.halt_value(covered=np.array([True, False, True]), decided=decided, **args)
    assert (value[:, :, 1] == 0).all() and (value[0, :, 2] == 0).all()
    assert (value[1, :, 2] != 0).all()
    full = battle.halt_value(**args)
    np.testing.assert_allclose(value[:, :, 0], full[:, :, 0])
    np.testing.assert_allclose(full[1, 0, 0], 0.15 * 0.36 + 90 * 0.001)  # replicate 1: open-ended


def test_a_halt_near_the_edge_forgoes_nothing_the_front_would_not_give():
    value = _halt([0.004, 0.004], control=0.95)  # expected to reach 1 with or without the halt
    np.testing.assert_allclose(value, [0.0, 0.0], atol=1e-15)


# --- defection, costs, red lines ------------------------------------------------------------


def test_resume_gain_is_the_advance_forgone_and_positive_only_for_the_advancer():
    args = (np.array([[0.5]]), np.full((1, 2, 1), 0.004), SIGN, STAKES, H90, 20)
    gain = battle.resume_gain(*args)[0, :, 0]
    assert gain[1] > 0 > gain[0]
    halt = battle.halt_value(args[0], args[1], SIGN, STAKES, np.ones((1, 1)), NO_COST, H90, 20)
    np.testing.assert_allclose(gain, -halt[0, :, 0])
    np.testing.assert_allclose(gain[1], 0.15 * 0.004 * 20)


def test_war_cost_counts_only_fronts_being_fought_plus_sanctions():
    intensity = np.array([[1.0, 2.0, 0.5]])
    cost = np.array([[[0.001, 0.002, 0.004], [0.003, 0.0, 0.002]]])
    active = np.array([[True, True, False]])
    cost_today = battle.war_cost_today(intensity, cost, active, np.array([[0.0, 0.002]]))
    np.testing.assert_allclose(cost_today, [[0.001 + 0.004, 0.003 + 0.002]])
    np.testing.assert_allclose(
        battle.sanctions_saved(np.array([[0.0, 0.002]]), 30, H90), [[0, 0.06]]
    )


def test_red_lines_of_tied_issues_move_with_their_front():
    issue_front = np.array([1, -1, 0])
    control0, control = np.array([[0.5, 0.5]]), np.array([[0.2, 0.6]])
    low = np.array([[[0.2, 0.2, 0.1], [0.0, 0.0, 0.0]]])
    high = np.array([[[0.6, 0.6, 1.0], [1.0, 1.0, 0.9]]])
    new_low, new_high = battle.red_line_shift(low, high, control, control0, issue_front)
    np.testing.assert_allclose(new_low, [[[0.3, 0.2, 0.0], [0.0, 0.0, 0.0]]])
    np.testing.assert_allclose(new_high, [[[0.7, 0.6, 1.0], [1.0, 1.0, 0.6]]])
    same = battle.red_line_shift(low, high, control, control0, np.array([-1, -1, -1]))
    assert same[0] is low and same[1] is high
    out = (low.copy(), high.copy())
    again = battle.red_line_shift(low, high, control, control0, issue_front, out=out)
    assert again[0] is out[0] and again[1] is out[1]
    np.testing.assert_allclose(again[0], new_low)
    np.testing.assert_allclose(again[1], new_high)
    assert low[0, 0, 0] == 0.2  # the day-0 red lines are untouched


@pytest.mark.parametrize("won, pole", [(1, 1.0), (0, 0.0)])
def test_a_decided_front_settles_its_issues_at_the_winners_pole(won, pole):
    newly = np.array([[True, False]])
    winner = np.array([[won, -1]], dtype=np.int8)
    mask, value = battle.settled_terms(newly, winner, np.array([0, -1, 1, 0]))
    assert mask.tolist() == [[True, False, False, True]]
    assert value[0, 0] == pole and value[0, 3] == pole and np.isnan(value[0, 1:3]).all()


def test_fighting_opens_a_bargaining_range_that_mutual_optimism_had_closed():
    # Slantchev 2003: each side expects to advance, so no split of the halt suits both;
    # the fighting both sides watch pulls the beliefs together until a halt pays for both.
    R, days = 500, 200
    control, drift, vol = _fronts(R, 1, drift=0.0, volatility=0.01)
    prior = np.tile(np.array([-0.004, 0.004]).reshape(1, 2, 1), (R, 1, 1))
    prior_sd = np.full((R, 2, 1), 0.002)
    evidence, seen = np.zeros((R, 1)), np.zeros((R, 1), dtype=np.int64)
    cost = np.full((R, 2, 1), 0.0002)
    stakes, horizon = np.full((R, 2, 1), 0.15), np.full((R, 2), 90.0)
    halt = dict(side_sign=SIGN, stakes=stakes, intensity=np.ones((R, 1)), cost=cost)
    halt.update(planning_horizon=horizon, term=30)
    joint = battle.halt_value(control, prior, **halt).sum(axis=(1, 2))
    np.testing.assert_allclose(joint, -0.15 * 30 * 0.008 + 2 * 30 * 0.0002)  # < 0
    decided = np.zeros((R, 1), dtype=bool)
    for day in range(days):
        new, newly, _ = battle.step_fronts(
            control, drift, vol, ~decided, decided, 2, np.arange(R), day
        )
        battle.observe(evidence, seen, new - control, ~decided & ~newly)
        control, decided = new, decided | newly
    mean, _ = battle.posterior(prior, prior_sd, evidence, seen, vol)
    joint = battle.halt_value(control, mean, **halt, decided=decided).sum(axis=(1, 2))
    # the belief gap is now 0.008 x (prior precision share): the same data for both sides
    gap = 0.008 * (1 / 0.002**2) / (1 / 0.002**2 + days / 0.01**2)
    unclipped = (np.abs(control[:, 0] - 0.5) < 0.3) & ~decided[:, 0]
    np.testing.assert_allclose(joint[unclipped], -0.15 * 30 * gap + 2 * 30 * 0.0002)
    assert (joint[unclipped] > 0).all() and unclipped.mean() > 0.9

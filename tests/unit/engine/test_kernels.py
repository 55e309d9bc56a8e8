"""The compiled kernels give what their numpy references give, bit for bit (issue 11, "Speed").

sim/engine/kernels*.py copy the arithmetic of readable numpy rules operation for operation;
each test holds a kernel to its reference on random inputs (or on the state of a running
model), comparing the bits (array_equal on an int64 view: -0.0 and NaN positions count),
so a change to one side that is not made to the other fails here before it changes an
outcome digest.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.engine import beliefs, defection, kernels
from sim.engine.model import CeasefireModel
from sim.scenario.load import DEFAULT_SCENARIO, load_scenario


@pytest.fixture
def gen():
    return np.random.default_rng(7)


def same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    a, b = np.ascontiguousarray(a, dtype=float), np.ascontiguousarray(b, dtype=float)
    return a.shape == b.shape and np.array_equal(a.view(np.int64), b.view(np.int64))


def test_clip01_is_numpy_clip_on_the_edge_cases(gen):
    x = np.concatenate(
        [[-0.0, 0.0, 1.0, -1e-300, 1 + 1e-15, np.nan, -np.inf, np.inf], gen.normal(0.5, 1, 200)]
    )
    assert same_bits([kernels.clip01(v) for v in x], np.clip(x, 0.0, 1.0))


@pytest.mark.parametrize("n", [1, 2, 5, 7, 8, 9, 15, 16, 17, 23, 64, 100, 128])
def test_numpy_sum_is_numpy_sum_over_the_last_axis(gen, n):
    x = gen.normal(0, 1, (300, 2, n)) * 10.0 ** gen.integers(-12, 12, (300, 2, n))
    x[0] = -0.0
    got = np.array([[kernels.numpy_sum(v, n) for v in pair] for pair in x])
    assert same_bits(got, x.sum(axis=2))


def test_posterior_mean_kernel_is_the_numpy_rule(gen):
    R, N, F = 60, 3, 5
    prior_mean, prior_sd = gen.normal(0, 0.01, (R, N, F)), gen.random((R, N, F)) * 0.01
    prior_sd[0] = 0.0  # the prior stands
    vol = gen.random((R, F)) * 0.02
    vol[1] = 0.0  # the data decide at once
    vol[2], prior_sd[2] = 0.0, 0.0  # nothing to learn
    evidence, seen = gen.normal(0, 0.1, (R, F)), gen.integers(0, 200, (R, F))
    seen[3] = 0
    noise = np.repeat((vol * vol)[:, None, :], N, axis=1)
    args = (prior_mean, prior_sd * prior_sd, noise, evidence, seen)
    assert same_bits(kernels.posterior_mean(*args), beliefs.posterior_mean(*args))


@pytest.fixture(scope="module")
def running():
    """The default scenario 120 days in, with many deals in force."""
    m = CeasefireModel(load_scenario(DEFAULT_SCENARIO), 400, seed=5, record="none")
    for _ in range(120):
        m.step()
    return m


def _both(w, day):
    fill = np.full(w.gain_buffer.shape, np.nan)  # slots not written stay NaN in both
    return defection.resume_gains(w, day, fill.copy()), defection.resume_gains_compiled(
        w, day, fill.copy()
    )


def test_resume_gains_kernel_is_the_numpy_rule_on_a_running_model(running):
    w = running.worlds[0]
    written = (w.book.state == 2) & (w.book.since < running.day)
    assert written.sum() > 100  # many deals, of several slots
    assert np.unique(np.nonzero(written)[1]).size >= 2
    want, got = _both(w, running.day)
    assert not np.isnan(want[written]).any() and np.isnan(want[~written]).all()
    assert same_bits(got, want)


def test_resume_gains_kernel_covers_sanctions_no_rearmament_and_bystanders(running, gen):
    """The branches the default state may not reach: sanctions on a comprehensive deal, no
    rearmament issue, a party that fights on no front, an open-ended deal."""
    w = running.worlds[0]
    p = w.p
    saved = (w.coercion.sanctions.copy(), p.issue_ids, p.side_sign, w.book.expiry_due.day.copy())
    try:
        w.coercion.sanctions[:] = gen.random(w.coercion.sanctions.shape) * 0.1
        w.book.expiry_due.day[::3] = 2**62  # open-ended
        assert same_bits(*_both(w, running.day))
        p.issue_ids = tuple("other" if k == "rearmament" else k for k in p.issue_ids)
        assert p.rearmament == -1
        assert same_bits(*_both(w, running.day))
        p.issue_ids = saved[1]
        p.side_sign = saved[2].copy()
        p.side_sign[w.parties[0]] = 0  # a bystander party: no war terms
        assert same_bits(*_both(w, running.day))
    finally:
        w.coercion.sanctions[:], p.issue_ids, p.side_sign = saved[:3]
        w.book.expiry_due.day[:] = saved[3]


def test_hash_counters_kernel_is_the_numpy_hash(gen):
    from sim.engine import rng

    cases = [
        (5, np.arange(10), 3, rng.stream_id("accept"), 0, 0),
        (2**40 + 7, np.arange(100)[:, None], np.int64(17), 99, np.arange(7), np.arange(7)),
        (0, gen.integers(0, 2**62, (30, 4)), gen.integers(0, 2**62, (30, 1)), 5, 1, 2),
        (2**64 - 1, gen.integers(0, 2**62, (3, 1, 6)), np.arange(5)[None, :, None], 0),
        (3, np.arange(0), 1, 2, 3, 4),
    ]
    for seed, *counters in cases:
        got, want = rng.hash_counters(seed, *counters), rng.hash_counters_numpy(seed, *counters)
        assert got.dtype == want.dtype == np.uint64
        assert got.shape == want.shape and np.array_equal(got, want)


def test_defections_kernel_is_the_numpy_rule_on_a_running_model(running, gen):
    from sim.engine import hazards

    w, day = running.worlds[0], running.day
    book = w.book
    gain = defection.resume_gains(w, day, np.zeros(w.gain_buffer.shape))
    gain += gain.std() * gen.normal(0, 3, gain.shape)  # some far above the blame: defectors
    rate = book.settings["defection_rate"]
    book.settings["defection_rate"] = np.full_like(rate, 1.0)  # enough defectors in one day
    left = book.defection_left.copy()
    want = hazards.defections_today(book, day, gain)
    want_left, book.defection_left[...] = book.defection_left.copy(), left
    got = hazards.defections_today_compiled(book, day, gain)
    got_left, book.defection_left[...] = book.defection_left.copy(), left
    book.settings["defection_rate"] = rate
    assert want[0].size > 5  # some defect today
    assert same_bits(got_left, want_left) and not same_bits(want_left, left)
    for a, b in zip(got, want, strict=True):
        assert a.dtype == b.dtype and same_bits(a, b)


def test_the_books_slot_copies_are_the_live_deals_rows(running):
    """The kernels read a live deal's term, terms and declarer from the book's slots: they
    must be its row of the agreements table."""
    book = running.worlds[0].book
    r, slot = np.nonzero(book.state != 0)
    rows, cols = book.row[r, slot], book.agreements.columns
    assert r.size > 100 and np.unique(slot).size >= 3
    assert np.array_equal(book.slot_term_days[r, slot], cols["term_days"][rows])
    assert np.array_equal(book.slot_declared_by[r, slot], cols["declared_by"][rows])
    assert same_bits(book.slot_terms[r, slot], cols["terms"][rows])


def test_maximum_is_numpy_maximum_on_the_edge_cases():
    edge = [-0.0, 0.0, 1.0, -1.0, np.nan, np.inf, -np.inf]
    a, b = np.array([x for x in edge for _ in edge]), np.array(edge * len(edge))
    assert same_bits([kernels.maximum(x, y) for x, y in zip(a, b, strict=True)], np.maximum(a, b))


def test_public_gain_kernel_is_the_numpy_rule(running, gen):
    from sim.engine import session

    w = running.worlds[0]
    mediator = running.mediator
    for t in range(w.T):
        v = session.view(w, np.arange(0, w.R, 3), t)
        S, K = v.q.shape
        packages = gen.random((S, 4, K))
        packages[:, 0] = v.q  # no change: gains of exactly 0
        packages[:, 1] = np.round(packages[:, 1])  # on the poles, at red lines
        packages[:, 2, :] = v.pos[:, 0]  # a party's own position
        got = mediator.public_gain(v, packages)
        assert got.shape == (S, 4, v.actors.size)
        assert same_bits(got, mediator.public_gain_numpy(v, packages))
        one = packages[:, 3]
        assert same_bits(mediator.public_gain(v, one), mediator.public_gain_numpy(v, one))

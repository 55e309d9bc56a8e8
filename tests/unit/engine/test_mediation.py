"""The learning mediator's belief about thresholds that fall (sim/engine/talks.py, ``learn``).

A party's threshold theta (what a package must give it on the public terms) falls as its
aspiration concedes, so a rejection goes stale while an acceptance stays true: the mediator
keeps the latest rejection and the lowest acceptance, not the highest rejection ever seen.
"""

from __future__ import annotations

import numpy as np

from sim.engine import talks

ALL = np.ones((1, 1), dtype=bool)


def answer(lo, hi, gain: float, accepted: bool):
    return talks.learn(lo, hi, np.array([[gain]]), np.array([[accepted]]), ALL)


def test_a_later_lower_rejection_replaces_a_stale_higher_one_and_acceptances_are_kept():
    lo, hi = np.array([[-1.0]]), np.array([[1.0]])
    lo, hi = answer(lo, hi, 0.6, False)  # theta > 0.6 then
    lo, hi = answer(lo, hi, 0.2, False)  # theta fell: > 0.2 now, perhaps below 0.6
    assert (lo[0, 0], hi[0, 0]) == (0.2, 1.0)
    # a package worth 0.4 may now be accepted: uniform on (0.2, 1], not ruled out (EPS)
    np.testing.assert_allclose(talks.accept_chance(np.array([[0.4]]), lo, hi), [[0.25]])
    lo, hi = answer(lo, hi, 0.5, True)  # theta <= 0.5, and stays so as it falls
    lo, hi = answer(lo, hi, 0.7, True)
    assert (lo[0, 0], hi[0, 0]) == (0.2, 0.5)


def test_the_mediator_reaches_the_deal_when_a_threshold_falls_instead_of_re_tabling():
    """Two parties, three packages worth (to A, to B): A's favourite, which B refuses; a
    middle one; B's favourite. A's threshold falls from 0.8 to 0.4 after the first session;
    B's stays at 0. The mediator tables by its belief (talks.choose). A refuses the first
    two packages; the middle one (0.42 for A, 0.05 for B) then suits both. Keeping A's
    highest rejection (0.7) rules it out for good, and B's favourite, which A refuses, is
    tabled again at every session."""
    worth = np.array([[0.7, -0.1], [0.42, 0.05], [0.05, 0.4]])  # (candidate, party)
    lo, hi = np.full((1, 2), -1.0), np.full((1, 2), 1.0)
    tabled = []
    for theta_a in [0.8] + [0.4] * 9:
        chance = talks.accept_chance(worth[None], lo[:, None], hi[:, None])
        pick = int(talks.choose(chance, np.zeros((1, 3)), np.zeros(1))[0])
        tabled.append(pick)
        yes = worth[pick][None] >= np.array([[theta_a, 0.0]])
        if yes.all():
            break
        lo, hi = talks.learn(lo, hi, worth[pick][None], yes, np.ones((1, 2), dtype=bool))
    assert tabled == [0, 2, 1]  # agreed at the third session, on the middle package

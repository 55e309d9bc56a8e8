"""The chance that a package is carried under a qualified majority, for the proposer.

Under ``negotiation.decision_rule = "qualified-majority"`` a package is carried when the
parties saying yes hold at least ``majority_threshold`` of the parties' capability
(session.carried). A proposer that scores candidates by prod_i P_hat_i over every party
(talks.choose) aims at unanimity and will pass over a package a winning coalition accepts
for one that every party might accept, less likely. Here the score is the chance that the
package is carried, taking each party's yes as independent with its chance P_hat_i:

    P(carried) = sum over yes-sets Y with sum_{i in Y} c_i >= tau sum_i c_i of
                 prod_{i in Y} P_hat_i prod_{i not in Y} (1 - P_hat_i)

(the multilinear extension of the weighted voting game: Owen 1972, 'Multilinear extensions
of games', Management Science 18(5)). Needed implementers who are not parties still consent
one by one (linkage), so their P_hat multiply it. Independence is the proposer's belief,
not the model's: a conditional yes (``accepts_only_with``) is not modelled in the score, as
it is not in talks.choose. Pure functions over numpy arrays; no state, no random draws.
"""

from __future__ import annotations

import numpy as np

EXACT_PARTIES = 12  # up to 2^12 = 4,096 yes-sets are enumerated; above, the quantised sum
GRID = 4096  # capability units of the quantised sum (more parties than EXACT_PARTIES)
_CELLS = 1 << 22  # about 32 MiB of float64 per block of replicates
_TOLERANCE = 1e-12  # the relative tolerance of session.carried


def carry_chance(chance: np.ndarray, capability: np.ndarray, threshold: np.ndarray) -> np.ndarray:
    """P(the yes-sayers hold >= ``threshold`` of the capability)  -> (S, C).

    ``chance`` (S, C, A): each party's chance of saying yes to each candidate; ``capability``
    (S, A) > 0; ``threshold`` (S,) the capability share a package needs, compared as
    session.carried does (share >= threshold (1 - 1e-12)).

    With at most EXACT_PARTIES parties the sum runs over every yes-set: exact. With more,
    each party's capability share is rounded to the nearest of GRID units and the
    distribution of the units saying yes is built party by party (the dynamic programme of
    the weighted-sum distribution): exact for the rounded shares, so it can misjudge only a
    yes-set whose share lies within A / (2 GRID) of the threshold (0.2% of the capability
    with eight more parties than EXACT_PARTIES). Rows are done in blocks to bound memory.
    """
    S, C, A = chance.shape
    exact = A <= EXACT_PARTIES
    width = (1 << A) if exact else GRID + 1
    block = max(1, _CELLS // max(1, C * width))
    rule = _enumerated if exact else _quantised
    out = np.empty((S, C))
    for start in range(0, S, block):
        cut = slice(start, start + block)
        out[cut] = rule(chance[cut], capability[cut], threshold[cut])
    return np.clip(out, 0.0, 1.0)


def _enumerated(chance, capability, threshold):
    """The sum over all 2^A yes-sets, each set's chance and capability built party by party
    (set j holds party i iff bit i of j is set)."""
    S, C, A = chance.shape
    odds = np.ones((S, C, 1))
    held = np.zeros((S, 1))
    for i in range(A):
        p = chance[:, :, i, None]
        odds = np.concatenate([odds * (1.0 - p), odds * p], axis=-1)
        held = np.concatenate([held, held + capability[:, i, None]], axis=-1)
    share = held / capability.sum(axis=1, keepdims=True)
    wins = share >= threshold[:, None] * (1.0 - _TOLERANCE)  # (S, 2^A)
    return (odds * wins[:, None, :]).sum(axis=-1)


def _quantised(chance, capability, threshold):
    """The distribution of the yes-sayers' capability on a grid of GRID units, party by
    party: mass at u moves to u + units_i with chance P_hat_i."""
    S, C, A = chance.shape
    units = np.rint(GRID * capability / capability.sum(axis=1, keepdims=True)).astype(int)
    top = units.sum(axis=1)  # (S,) about GRID
    cells = np.arange(int(top.max()) + 1)
    mass = np.zeros((S, C, cells.size))
    mass[:, :, 0] = 1.0
    for s in range(S):  # a shift of its own in each row: slices beat a gather here
        for i in range(A):
            p, u = chance[s, :, i, None], units[s, i]
            moved = mass[s, :, : cells.size - u] * p
            mass[s] *= 1.0 - p
            mass[s, :, u:] += moved
    wins = cells[None, :] / top[:, None] >= threshold[:, None] * (1.0 - _TOLERANCE)
    return (mass * wins[:, None, :]).sum(axis=-1)


def pass_chance(chance, party, capability, threshold) -> np.ndarray:
    """P(carried) x prod_{j needed, not a party} P_hat_j  -> (S, C): the chance that the
    parties carry the package and the needed implementers consent to it (``chance`` (S, C,
    A) as for :func:`choose`)."""
    carry = carry_chance(chance[:, :, party], capability, threshold)
    return carry * chance[:, :, ~party].prod(axis=2)


def choose(chance, party, capability, threshold, mediator_utility, bias) -> np.ndarray:
    """Index of the best candidate under a qualified majority  -> (S,):
    argmax P(carried) x prod_{j needed, not a party} P_hat_j x (1 + bias x U_med).

    ``chance`` (S, C, A) over the answering actors, 1 for those whose answer is not needed
    (as for talks.choose); ``party`` (A,) bool; ``capability`` (S, n_parties) of the parties
    in their order in ``chance``; ``threshold``, ``bias`` (S,); ``mediator_utility`` (S, C).
    Ties go to the first candidate (the smallest move), as in talks.choose.
    """
    score = pass_chance(chance, party, capability, threshold)
    score = score * (1.0 + bias[:, None] * mediator_utility)
    return np.argmax(score, axis=1)

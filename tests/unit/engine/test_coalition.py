"""The chance that a package is carried under a qualified majority (sim/engine/coalition.py)
and the proposer that aims at it: a winning coalition need not include every party, so a
package the large parties accept beats one that courts the small ones."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.engine import coalition, talks
from sim.scenario.load import load_scenario, modified
from tests.behaviour.helpers import run, two_party

ROOT = Path(__file__).resolve().parents[3]
QM = ROOT / "tests" / "data" / "qualified-majority.toml"
EU = ROOT / "scenarios" / "classic" / "eu-emissions.toml"


def enumerated(chance, capability, threshold):
    """The definition, one yes-set at a time: sum of the chances of the winning sets."""
    S, C, A = chance.shape
    out = np.zeros((S, C))
    for yes in itertools.product([False, True], repeat=A):
        yes = np.array(yes)
        share = capability[:, yes].sum(axis=1) / capability.sum(axis=1)
        wins = share >= threshold * (1.0 - 1e-12)
        odds = np.where(yes, chance, 1.0 - chance).prod(axis=2)
        out += odds * wins[:, None]
    return out


def random_case(rng, S, C, A):
    chance = rng.uniform(0.0, 1.0, (S, C, A))
    capability = rng.uniform(0.05, 1.0, (S, A))
    threshold = rng.uniform(0.5, 0.95, S)
    return chance, capability, threshold


@pytest.mark.parametrize("A", [1, 2, 3, 5, 8])
def test_the_carry_chance_is_the_sum_over_the_winning_yes_sets(A):
    chance, capability, threshold = random_case(np.random.default_rng(A), 4, 3, A)
    got = coalition.carry_chance(chance, capability, threshold)
    np.testing.assert_allclose(got, enumerated(chance, capability, threshold), atol=1e-12)


def test_the_carry_chance_matches_a_monte_carlo_of_independent_answers():
    rng = np.random.default_rng(7)
    chance, capability, threshold = random_case(rng, 3, 2, 6)
    draws = rng.uniform(size=(200_000, *chance.shape)) < chance  # (draw, S, C, A)
    share = (draws * capability[:, None, :]).sum(axis=-1) / capability.sum(axis=1)[:, None]
    simulated = (share >= threshold[:, None]).mean(axis=0)
    got = coalition.carry_chance(chance, capability, threshold)
    np.testing.assert_allclose(got, simulated, atol=0.005)  # 4.5 sd of 200,000 draws


def test_a_threshold_of_all_the_capability_is_unanimity_the_product():
    chance, capability, _ = random_case(np.random.default_rng(3), 5, 4, 7)
    got = coalition.carry_chance(chance, capability, np.ones(5))
    np.testing.assert_allclose(got, chance.prod(axis=2), rtol=1e-12)


def test_a_share_at_the_threshold_carries_as_in_session_carried():
    """Two equal parties and a threshold of one half: either yes carries (share 0.5)."""
    chance = np.array([[[0.3, 0.6]]])
    got = coalition.carry_chance(chance, np.array([[0.2, 0.2]]), np.array([0.5]))
    np.testing.assert_allclose(got, [[1.0 - 0.7 * 0.4]])


def test_many_parties_take_the_quantised_sum_close_to_the_exact_one():
    """14 parties (past EXACT_PARTIES): the grid of capability units gives the enumeration
    within the rounding of the shares."""
    A = coalition.EXACT_PARTIES + 2
    chance, capability, threshold = random_case(np.random.default_rng(5), 2, 2, A)
    got = coalition.carry_chance(chance, capability, threshold)
    np.testing.assert_allclose(got, enumerated(chance, capability, threshold), atol=2e-3)
    unanimous = coalition.carry_chance(chance, capability, np.ones(2))
    np.testing.assert_allclose(unanimous, chance.prod(axis=2), rtol=1e-9)


def test_the_proposer_prefers_the_package_a_winning_coalition_accepts():
    """Two large parties (0.4 each) carry a threshold of 0.7 without the small one (0.2).
    Package 0 courts everyone (0.5, 0.5, 0.5); package 1 suits the large ones (0.9, 0.9)
    and not the small one (0.05). Unanimity's product prefers 0 (0.125 to 0.0405); the
    chance of being carried prefers 1 (0.81 to 0.25). A needed implementer who is not a
    party still has a veto (linkage): at 0.1 on package 1 it turns the choice back."""
    chance = np.array([[[0.5, 0.5, 0.5, 1.0], [0.9, 0.9, 0.05, 1.0]]])
    party = np.array([True, True, True, False])
    capability, threshold = np.array([[0.4, 0.4, 0.2]]), np.array([0.7])
    flat, bias = np.zeros((1, 2)), np.zeros(1)
    assert talks.choose(chance, flat, bias)[0] == 0
    assert coalition.choose(chance, party, capability, threshold, flat, bias)[0] == 1
    chance[0, 1, 3] = 0.1
    assert coalition.choose(chance, party, capability, threshold, flat, bias)[0] == 0


def test_under_a_qualified_majority_the_first_proposer_gets_the_coalitions_deal_at_once():
    """tests/data/qualified-majority.toml, no mediator: the opening (0.1) is refused by the
    large parties; at the next session West, the first party in the file, proposes its own
    ideal (0.8), which East, the other large party, accepts: the package is carried in every
    replicate. Aiming at unanimity (talks.choose's product over every other party) the
    proposer courts the three small parties and the deal comes later."""
    m = run(load_scenario(QM), 100, seed=1)
    o = m.outcomes()
    assert (o["first_deal_day"] >= 0).all()
    assert (o["sessions"] == 2).all()
    np.testing.assert_allclose(m.worlds[0].agreed_terms[:, 0, 0], 0.8)


def test_under_unanimity_the_proposer_is_unchanged(monkeypatch):
    """The unanimity path never calls the coalition rule (the outcome digests pin it)."""

    def fail(*args):
        raise AssertionError("coalition.choose called under unanimity")

    monkeypatch.setattr(coalition, "choose", fail)
    run(two_party(), 4, seed=1)


def test_the_classic_eu_case_still_runs(tmp_path):
    """As shipped (the chair's compromise rule), and with the learning chair, which weighs
    ten parties' 1,024 yes-sets at every session."""
    learning = modified(load_scenario(EU), {"negotiation.proposal_rule": "learning"})
    assert run(learning, 20, seed=1).outcomes()["sessions"].min() > 1
    result = CliRunner().invoke(app, ["run", str(EU), "-n", "20", "-o", str(tmp_path / "eu")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "eu" / "outcomes.csv").exists()

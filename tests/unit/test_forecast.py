"""The classic forecasts against hand computations and a brute-force search."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from sim.cli import app
from sim.engine import rules
from sim.engine.codes import Side
from sim.engine.model import CeasefireModel
from sim.forecast import (
    forecast,
    forecast_table,
    nash_forecast,
    render,
    stated_parameters,
    weighted_median,
    without_uncertainty,
)
from sim.scenario.load import load_scenario, parse_scenario


def stance(position: float, salience: float, **extra) -> dict:
    return {"position": position, "salience": salience, "assumption": "test"} | extra


def small_scenario(**changes) -> dict:
    """Two parties A and B, mediator M, supporter S, issues scope and monitoring.

    Saliences are given unnormalised on purpose (A: 1:1, B: 1:3, M: 2:2). Aspirations put
    the disagreement point (status-quo utility + aspiration) at A 0.3 and B 0.337.
    """
    actor = {"assumption": "test"}
    data = {
        "scenario": {"name": "small", "start_date": "2025-03-11", "end_date": "2025-03-31"},
        "negotiation": {"mediator_bias": 0.5},
        "tracks": {
            "all": {"label": "everything", "fronts": "all", "issues": ["scope", "monitoring"]}
            | {"assumption": "test"}
        },
        "issues": {
            k: {"label": k, "zero": "0", "one": "1", "status_quo": 0.0, "opening": 0.5}
            | {"assumption": "test"}
            for k in ("scope", "monitoring")
        },
        "actors": {
            "m": actor
            | {"name": "M", "role": "mediator", "capability": 1.0}
            | {"stances": {"scope": stance(0.5, 2), "monitoring": stance(0.2, 2)}},
            "a": actor
            | {"name": "A", "role": "party", "capability": 1.5, "aspiration": -0.2}
            | {"stances": {"scope": stance(0.0, 1), "monitoring": stance(1.0, 1)}},
            "b": actor
            | {"name": "B", "role": "party", "capability": 1.0, "aspiration": -0.413}
            | {"stances": {"scope": stance(1.0, 1), "monitoring": stance(0.0, 3)}},
            # a supporter far away with a large capability: no seat in these forecasts
            "s": actor
            | {"name": "S", "role": "supporter", "capability": 5.0}
            | {"stances": {"scope": stance(1.0, 1), "monitoring": stance(1.0, 1)}},
        },
    }
    for path, value in changes.items():
        node = data
        *head, last = path.split(".")
        for part in head:
            node = node[part]
        node[last] = value
    return data


def small(**changes):
    return parse_scenario(small_scenario(**changes), "small.toml")


def test_compromise_by_hand():
    """Weights w_i c_i s_ik with w = (parties 1, mediator mu = 0.5), s normalised.

    scope:      A 1.5*0.5 = 0.75 at 0, B 1*0.25 = 0.25 at 1, M 0.5*0.5 = 0.25 at 0.5
                -> (0 + 0.25 + 0.125) / 1.25 = 0.3
    monitoring: A 0.75 at 1, B 0.75 at 0, M 0.25 at 0.2 -> (0.75 + 0.05) / 1.75 = 0.8 / 1.75
    """
    rows = forecast_table(small(), replicates=4, seed=1)
    assert [r["issue"] for r in rows] == ["scope", "monitoring"]
    assert rows[0]["compromise"] == pytest.approx(0.3, abs=1e-12)
    assert rows[1]["compromise"] == pytest.approx(0.8 / 1.75, abs=1e-12)


def test_weighted_median_by_hand_with_its_tie_rule():
    """Weights w_i c_i: A 1.5, B 1, M 0.5 (total 3, half 1.5); S has no seat.

    scope: 0 (A, 1.5) reaches exactly half -> tie -> midpoint of 0 and the next value 0.5.
    monitoring: 0 (B, 1), 0.2 (M, 0.5) reaches exactly half -> midpoint of 0.2 and 1.
    With A's capability at 2 there is no tie: A's 0 alone outweighs half on scope.
    """
    rows = forecast_table(small(), replicates=4, seed=1)
    assert rows[0]["weighted_median"] == pytest.approx(0.25)
    assert rows[1]["weighted_median"] == pytest.approx(0.6)
    rows = forecast_table(small(**{"actors.a.capability": 2.0}), replicates=4, seed=1)
    assert rows[0]["weighted_median"] == 0.0
    assert rows[1]["weighted_median"] == 1.0


def test_weighted_median_small_cases():
    assert weighted_median([0.3], [2.0]) == 0.3
    assert weighted_median([0.9, 0.1, 0.5], [1.0, 1.0, 5.0]) == 0.5
    assert weighted_median([0.1, 0.4, 0.9], [1.0, 1.0, 2.0]) == pytest.approx(0.65)
    assert weighted_median([0.1, 0.4, 0.9], [1.0, 0.0, 1.0]) == pytest.approx(0.5)  # 0 ignored
    with pytest.raises(ValueError):
        weighted_median([0.1, 0.2], [0.0, 0.0])


unit = st.floats(0.0, 1.0, allow_nan=False)


@given(st.lists(unit, min_size=1, max_size=9))
def test_weighted_median_with_equal_weights_is_the_ordinary_median(values):
    """The tie rule is the usual one: for an even count, the mean of the middle two."""
    assert weighted_median(values, np.ones(len(values))) == pytest.approx(np.median(values))


@given(st.lists(st.tuples(unit, st.floats(0.01, 10.0)), min_size=1, max_size=9))
def test_weighted_median_does_not_depend_on_which_end_is_zero(pairs):
    values, weights = (np.array(x) for x in zip(*pairs, strict=True))
    assert weighted_median(1.0 - values, weights) == pytest.approx(
        1.0 - weighted_median(values, weights), abs=1e-12
    )


def stated_disagreement(p) -> np.ndarray:
    """The default disagreement point: utility of the status quo plus the aspiration."""
    salience = rules.normalise_salience(p.salience)
    return (rules.utility(p.status_quo, p.position, salience) + p.aspiration)[0]


def grid_nash(p, disagreement: np.ndarray, points: int = 101):
    """Brute force: the grid package maximising prod (u_i - d_i) with every surplus > 0,
    over the box the parties' red lines leave open."""
    salience = rules.normalise_salience(p.salience)[0]
    low, high = rules.feasible_box(p.red_low, p.red_high, p.parties)
    axes = [np.linspace(0.0, 1.0, points) for _ in range(2)]
    grid = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, 2)
    inside = ((grid >= low[0] - 1e-12) & (grid <= high[0] + 1e-12)).all(axis=1)
    grid = grid[inside]
    parties = p.parties
    u = 1.0 - (salience[parties] * np.abs(grid[:, None, :] - p.position[0, parties])).sum(-1)
    surplus = u - disagreement[parties]
    product = np.where((surplus > 0).all(axis=1), surplus.prod(axis=1), -np.inf)
    best = int(np.argmax(product))
    return grid[best], product[best]


# The search ends with a golden-section bracket ~1e-8 wide; with slopes of order one the
# product it finds may fall short of a grid point's by that much, never by more.
SEARCH_PRECISION = 1e-7


def nash_product(p, package: np.ndarray, disagreement: np.ndarray) -> float:
    salience = rules.normalise_salience(p.salience)
    u = rules.utility(package[None], p.position, salience)[0, p.parties]
    return float(np.prod(u - disagreement[p.parties]))


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"actors.b.aspiration": -0.55, "actors.a.aspiration": -0.05},
        # B's red line cuts the box: monitoring may not exceed 0.05
        {"actors.b.stances.monitoring": stance(0.0, 3, red_line={"never_above": 0.05})},
    ],
    ids=["interior", "other-aspirations", "red-line"],
)
def test_nash_matches_a_brute_force_grid(changes):
    p = stated_parameters(small(**changes))
    package, surplus = nash_forecast(p, rules.normalise_salience(p.salience))
    d = stated_disagreement(p)
    best, best_product = grid_nash(p, d)
    assert (surplus > 0).all()
    assert np.abs(package - best).max() <= 0.01 + 1e-9  # the grid's resolution
    assert nash_product(p, package, d) >= best_product - SEARCH_PRECISION


def test_nash_by_hand():
    """u_A = 0.5 (1 - p1) + 0.5 p2, u_B = 0.25 p1 + 0.75 (1 - p2), d = (0.3, 0.337).
    At p1 = 0 the product (0.2 + 0.5 p2)(0.413 - 0.75 p2) peaks where
    0.5 (0.413 - 0.75 p2) = 0.75 (0.2 + 0.5 p2), i.e. p2 = 0.0565 / 0.75; and moving p1 up
    loses A 0.5 per unit against B's 0.25, so p1 = 0 (checked by the grid test)."""
    p = stated_parameters(small())
    np.testing.assert_allclose(stated_disagreement(p)[p.parties], [0.3, 0.337])
    package, _ = nash_forecast(p, rules.normalise_salience(p.salience))
    np.testing.assert_allclose(package, [0.0, 0.0565 / 0.75], atol=1e-4)


def test_nash_with_the_status_quo_as_disagreement_point():
    """Status quo (0, 0): u_A = 0.5, u_B = 0.75 are the disagreement values instead."""
    p = stated_parameters(small())
    salience = rules.normalise_salience(p.salience)
    package, surplus = nash_forecast(p, salience, "status-quo")
    d = rules.utility(p.status_quo, p.position, salience)[0]
    np.testing.assert_allclose(d[p.parties], [0.5, 0.75])
    best, best_product = grid_nash(p, d)
    assert np.abs(package - best).max() <= 0.01 + 1e-9
    assert nash_product(p, package, d) >= best_product - SEARCH_PRECISION
    with pytest.raises(ValueError):
        nash_forecast(p, salience, "somewhere")  # type: ignore[arg-type]


TWO_PARTY = Path(__file__).parents[1] / "data" / "two-party.toml"


def test_the_forecasts_use_the_stated_values_without_spreads():
    s = load_scenario(TWO_PARTY)
    assert s.fronts["line"].spread.drift > 0
    p = stated_parameters(s)
    assert np.all(p.drift[:, 0] == s.fronts["line"].drift)
    assert without_uncertainty(s).fronts["line"].spread.drift == 0.0


def test_simulated_terms_are_the_median_over_the_deals_deciding_each_issue():
    s = load_scenario(TWO_PARTY)
    result = forecast(s, replicates=120, seed=4)
    model = CeasefireModel(s, 120, 4, record="none")
    model.run_model()
    a, o = model.agreements(), model.outcomes()
    assert result.agreed == int((o["first_deal_day"] >= 0).sum()) > 0
    deals = a["side"] != Side.UNILATERAL
    for row in result.rows:
        terms = a[f"term_{row['issue']}"][deals]
        terms = terms[np.isfinite(terms)]
        assert row["deals"] == len(terms) > 0
        assert row["simulated_median"] == pytest.approx(np.median(terms))
        assert row["simulated_q25"] <= row["simulated_median"] <= row["simulated_q75"]


def test_an_empty_bargaining_set_is_said_and_the_status_quo_point_has_one():
    """Aspirations above what any package can give both parties: the table must say so
    rather than present a Nash package; at lower aspirations the set is not empty."""
    s = small(**{"actors.a.aspiration": 0.4, "actors.b.aspiration": 0.2})
    result = forecast(s, replicates=4, seed=1)
    assert result.bargaining_set_empty
    assert "bargaining set is empty" in " ".join(render(result, "small").caption.split())
    assert not forecast(small(), 4, 1).bargaining_set_empty


def test_forecast_command_prints_the_table():
    result = CliRunner().invoke(app, ["forecast", str(TWO_PARTY), "-n", "30", "--seed", "2"])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())  # the caption wraps at the terminal width
    for words in ("Compromise", "Nash", "Monitoring", "Withdrawal from"):
        assert words in text
    # reproducer: the Nash gains were printed by actor id ("russia -0.159")
    assert re.search(r"Nash package: North [+-]\d\.\d{3}, South [+-]\d\.\d{3}", text)
    assert "north" not in text and "withdrawal " not in text


def test_forecast_command_rejects_bad_input(tmp_path):
    runner = CliRunner()
    result = runner.invoke(app, ["forecast", str(TWO_PARTY), "--disagreement", "median"])
    assert result.exit_code == 2
    assert "--disagreement" in result.output
    result = runner.invoke(app, ["forecast", str(tmp_path / "missing.toml")])
    assert result.exit_code == 2
    assert "missing.toml: file not found" in result.output

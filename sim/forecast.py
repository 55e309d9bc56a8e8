"""Classic static forecasts of a negotiation's outcome, next to what the simulation agrees.

Before agent-based models, the bargaining literature forecast a collective decision from the
actors' stated positions, saliences and capabilities in one step, with no rounds and no
dynamics. Three such forecasts are computed here for each issue, from the scenario's stated
(round-0) values with every uncertainty (``spread``) set aside and no events applied:

- the **compromise model**: the capability-times-salience weighted mean of positions
  (Bueno de Mesquita & Stokman, *European Community Decision Making*, 1994; Achen, 'Evaluating
  political decision-making models', in Thomson et al., *The European Union Decides*, 2006,
  where this simple model forecasts as well as far richer ones);
- the **capability-weighted median**: the position no coalition holding more than half the
  capability would move away from, Black's median voter with weighted votes (Black, *The
  Theory of Committees and Elections*, 1958). Bueno de Mesquita's expected-utility model
  (*Predicting Politics*, 2002) starts from a median weighted by capability times salience;
  here the weights are capabilities alone, so this column shows where the votes lie when
  how much each actor cares is left out;
- the **Nash bargaining solution**: the package maximising the product of the parties' gains
  over their disagreement values (Nash, 'The Bargaining Problem', Econometrica, 1950).

The first two are taken over the actors at the table as the simulation's mediator sees it:
the parties with weight 1 and the mediator with weight ``negotiation.mediator_bias``;
supporters, who have no seat in the compromise, are left out. The Nash solution is over the
parties only (the veto players), within the values no party's red line rules out.

Static forecasts ignore what the simulation adds (concessions over time, pressure, threats,
red lines, perception noise), so where they and the simulated median disagree, the difference
is what the dynamics do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from sim.engine import rules
from sim.engine.model import CeasefireModel
from sim.engine.parameters import Parameters, build_parameters
from sim.results.measures import agreed_terms
from sim.scenario.schema import Scenario

if TYPE_CHECKING:
    from rich.table import Table

Disagreement = Literal["reservation", "status-quo"]
_HALF_TOLERANCE = 1e-12  # relative: a cumulative weight this close to half counts as a tie


def without_uncertainty(s: Scenario) -> Scenario:
    """The scenario at its stated values: every ``spread`` table removed."""

    def strip(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: strip(v) for k, v in node.items() if k != "spread"}
        return node

    return Scenario.model_validate(strip(s.model_dump(exclude_unset=True)))


def stated_parameters(s: Scenario) -> Parameters:
    """Parameter arrays (one replicate) holding exactly the values written in the file."""
    return build_parameters(without_uncertainty(s), 1, seed=0)


def table_weights(p: Parameters) -> np.ndarray:
    """Who sits at the table in the compromise: parties 1, the mediator its bias mu,
    supporters 0  -> (R, N). The simulation's mediator weighs the same actors (before it
    turns to a holdout)."""
    weight = np.zeros(p.capability.shape)
    weight[:, p.parties] = 1.0
    if p.mediator >= 0:  # a scenario without a mediator has only the parties at the table
        weight[:, p.mediator] = p.mediator_bias
    return weight


def compromise_forecast(
    position: np.ndarray, salience: np.ndarray, capability: np.ndarray, weight: np.ndarray
) -> np.ndarray:
    """g_k = sum_i w_i c_i s_ik x_ik / sum_i w_i c_i s_ik for each issue  -> (K,).

    ``position`` and ``salience`` are (N, K) (saliences normalised per actor),
    ``capability`` and ``weight`` (N,). The compromise model of Bueno de Mesquita & Stokman
    (1994) and Achen (2006): every actor pulls the outcome toward its position in proportion
    to its capability times how much it cares.
    """
    return rules.compromise_target(position[None], salience[None], capability[None], weight[None])[
        0
    ]


def weighted_median(values: np.ndarray, weights: np.ndarray) -> float:
    """The weighted median of ``values``: the smallest value at which the cumulative weight
    (values in increasing order) reaches half the total weight.

    Tie rule: when the cumulative weight equals exactly half at a value, every point up to
    the next larger value is a median; the midpoint of the two is returned, so that the
    answer does not depend on which end of the scale is called 0 (reflecting every value
    reflects the median). Actors with zero weight are ignored.
    """
    values, weights = np.asarray(values, dtype=float), np.asarray(weights, dtype=float)
    keep = weights > 0
    if not keep.any():
        raise ValueError("weighted_median needs at least one positive weight")
    order = np.argsort(values[keep], kind="stable")
    v, cumulative = values[keep][order], np.cumsum(weights[keep][order])
    half = cumulative[-1] / 2.0
    j = int(np.searchsorted(cumulative, half * (1.0 - _HALF_TOLERANCE)))
    if abs(cumulative[j] - half) <= _HALF_TOLERANCE * cumulative[-1] and j + 1 < len(v):
        return float((v[j] + v[j + 1]) / 2.0)
    return float(v[j])


def median_forecast(position: np.ndarray, capability: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Per issue, the weighted median of positions with weights w_i c_i  -> (K,)."""
    votes = weight * capability
    return np.array([weighted_median(position[:, k], votes) for k in range(position.shape[1])])


def nash_forecast(
    p: Parameters, salience: np.ndarray, disagreement: Disagreement = "reservation"
) -> tuple[np.ndarray, np.ndarray]:
    """The Nash bargaining solution over the parties  -> (package (K,), surplus (P,)).

    Maximises prod_i (u_i(p) - d_i) over the box the parties' stated red lines leave open,
    with ``sim.engine.rules.nash_target`` (the rule the simulation's Nash mediator uses), run to
    convergence. The disagreement value d_i is, by default ("reservation"), the party's
    utility of the status-quo package plus its stated aspiration at day 0: in model 2 a
    party accepts when a package's gain over the status quo, plus the value of halting the
    fronts it covers, clears its aspiration (docs/model.md); a static forecast has no war,
    so the fronts' value is left out. With ``"status-quo"`` it is the utility of the status
    quo alone (Nash's own choice: what each side gets if there is no agreement).

    When no package gives every party a gain (some surplus is negative), the bargaining set
    is empty: the rule then returns the package that comes closest (it maximises a smooth
    floor of the product), and the caller should say so.
    """
    parties = p.parties
    include = np.zeros(p.capability.shape, dtype=bool)
    include[:, parties] = True
    d = rules.utility(p.status_quo, p.position, salience)
    if disagreement == "reservation":
        d = d + p.aspiration  # what a deal must add on the issues, the war aside
    elif disagreement != "status-quo":
        raise ValueError(f"unknown disagreement point {disagreement!r}")
    low, high = rules.feasible_box(p.red_low, p.red_high, parties)
    opening = p.track_opening[:, 0] if hasattr(p, "track_opening") else p.opening
    package = rules.nash_target(opening, p.position, salience, d, include, low, high, passes=30)
    surplus = (rules.utility(package, p.position, salience) - d)[0, parties]
    return package[0], surplus


@dataclass(frozen=True)
class Forecast:
    """The forecasts table and what a reader needs to interpret the Nash column."""

    rows: list[dict]  # one per issue, see forecast_table
    disagreement: Disagreement
    parties: tuple[str, ...]  # actor ids
    nash_surplus: tuple[float, ...]  # per party, at the Nash package
    replicates: int
    seed: int
    agreed: int  # replicates that reached a deal (not a unilateral truce)
    party_names: tuple[str, ...] = ()  # what a reader calls the parties (ids are file keys)

    @property
    def bargaining_set_empty(self) -> bool:
        return min(self.nash_surplus) < 0.0


def static_forecasts(s: Scenario, disagreement: Disagreement = "reservation") -> dict:
    """The three static forecasts per issue, from the stated (round-0) values, with the
    range the parties' stated red lines leave open, and the Nash surplus per party."""
    p = stated_parameters(s)
    salience = rules.normalise_salience(p.salience, p.absolute_salience)
    weight = table_weights(p)
    nash, surplus = nash_forecast(p, salience, disagreement)
    return {
        "issues": p.issue_ids,
        "parties": tuple(p.actor_ids[i] for i in p.parties),
        "party_names": tuple(s.actors[p.actor_ids[i]].name for i in p.parties),
        "compromise": compromise_forecast(p.position[0], salience[0], p.capability[0], weight[0]),
        "weighted_median": median_forecast(p.position[0], p.capability[0], weight[0]),
        "nash": nash,
        "nash_surplus": tuple(float(x) for x in surplus),
        "red_line_low": p.red_low[0, p.parties].max(axis=0),  # (K,)
        "red_line_high": p.red_high[0, p.parties].min(axis=0),
    }


def forecast_rows(s: Scenario, agreements: dict[str, np.ndarray], static: dict) -> list[dict]:
    """One row per issue: the static forecasts next to the simulated agreed terms (median
    and quartiles over the deals that decided the issue; NaN if none did)."""
    rows = []
    for k, issue in enumerate(static["issues"]):
        terms = agreed_terms(agreements, issue)
        q25, q50, q75 = np.quantile(terms, [0.25, 0.5, 0.75]) if terms.size else (np.nan,) * 3
        rows.append(
            {
                "issue": issue,
                "label": s.issues[issue].label,
                "compromise": float(static["compromise"][k]),
                "weighted_median": float(static["weighted_median"][k]),
                "nash": float(static["nash"][k]),
                "simulated_median": float(q50),
                "simulated_q25": float(q25),
                "simulated_q75": float(q75),
                "deals": int(terms.size),
                "red_line_low": float(static["red_line_low"][k]),
                "red_line_high": float(static["red_line_high"][k]),
            }
        )
    return rows


def forecast(
    s: Scenario, replicates: int = 1000, seed: int = 1, disagreement: Disagreement = "reservation"
) -> Forecast:
    """The three static forecasts and the simulation's agreed terms, per issue."""
    static = static_forecasts(s, disagreement)
    model = CeasefireModel(s, replicates, seed, record="none")
    model.run_model()
    agreements = model.agreements()
    return Forecast(
        rows=forecast_rows(s, agreements, static),
        disagreement=disagreement,
        parties=static["parties"],
        nash_surplus=static["nash_surplus"],
        replicates=replicates,
        seed=seed,
        agreed=int((model.outcomes()["first_deal_day"] >= 0).sum()),
        party_names=static["party_names"],
    )


def forecast_table(
    s: Scenario, replicates: int = 1000, seed: int = 1, disagreement: Disagreement = "reservation"
) -> list[dict]:
    """One row per issue: ``issue``, ``label``, the forecasts ``compromise``,
    ``weighted_median`` and ``nash``, the simulation's ``simulated_median`` with its
    quartiles ``simulated_q25``/``simulated_q75`` over the ``deals`` that decided the
    issue (NaN if none did), and the range the parties' stated red lines leave open on the issue,
    ``red_line_low`` to ``red_line_high`` (low > high: they leave no common ground)."""
    return forecast(s, replicates, seed, disagreement).rows


def beyond_red_lines(row: dict, column: str) -> bool:
    """Whether a forecast lies outside what the parties' stated red lines leave open."""
    value = row[column]
    return bool(value < row["red_line_low"] - 1e-9 or value > row["red_line_high"] + 1e-9)


FORECAST_COLUMNS = {
    "compromise": "Compromise",
    "weighted_median": "Weighted\nmedian",
    "nash": "Nash",
}


def render(f: Forecast, scenario_name: str) -> Table:
    """The forecasts as a rich table, with the notes a reader needs under it."""
    from rich import box
    from rich.table import Table

    table = Table(
        title=f"Forecasts per issue: {scenario_name}",
        caption=_caption(f),
        caption_justify="left",
        box=box.SIMPLE_HEAD,
        show_edge=False,
    )
    table.add_column("Issue", max_width=20)  # labels wrap; numbers never do
    for title in FORECAST_COLUMNS.values():
        table.add_column(title, justify="right", no_wrap=True)
    table.add_column("Simulated\nmedian (IQR)", justify="right", no_wrap=True)
    table.add_column("Red lines\nallow", justify="right", no_wrap=True)
    for row in f.rows:
        cells = [
            f"{row[c]:.2f}" + ("*" if beyond_red_lines(row, c) else " ") for c in FORECAST_COLUMNS
        ]
        if np.isnan(row["simulated_median"]):
            simulated = "no deal"
        else:
            simulated = (
                f"{row['simulated_median']:.2f} "
                f"({row['simulated_q25']:.2f}-{row['simulated_q75']:.2f})"
            )
        lo, hi = row["red_line_low"], row["red_line_high"]
        allowed = "nothing" if lo > hi + 1e-9 else f"{lo:.2f}-{hi:.2f}"
        table.add_row(row["label"], *cells, simulated, allowed)
    return table


def _caption(f: Forecast) -> str:
    names = f.party_names or f.parties
    surplus = ", ".join(f"{a} {x:+.3f}" for a, x in zip(names, f.nash_surplus, strict=True))
    point = (
        "utility of the status quo plus the stated aspiration (day 0, the war aside)"
        if f.disagreement == "reservation"
        else "utility of the status quo"
    )
    lines = [
        "Static forecasts from the stated day-0 values (no spreads, no events). Compromise "
        "and weighted median: over the parties and the mediator, if any (weight = "
        "capability, times salience for the compromise). Nash: over the parties, within "
        "their red lines. * marks a forecast beyond a party's stated red line.",
        f"Nash disagreement point: {point}; each party's gain at the Nash package: {surplus}.",
    ]
    if f.bargaining_set_empty:
        lines.append(
            "No package gives every party a gain over that point (the bargaining set is empty): "
            "the Nash column is the package that comes closest. Deals in the simulation come "
            "from halting fronts, concessions and pressure; try --disagreement status-quo."
        )
    lines.append(
        f"Simulation: median agreed terms and interquartile range over the deals deciding "
        f"each issue ({f.agreed} of {f.replicates} replicates reached a deal; seed {f.seed})."
    )
    return "\n".join(lines)

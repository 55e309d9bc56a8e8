"""Red lines with a tolerance: no knife edge (issue 11, item 3).

At the red lines written in march-2025.toml (Kursk: Russia never below 0.5, Ukraine never
above 0.5), version 1's mediator crept toward 0.5 and stayed 1e-9 short, so no replicate
ever agreed. Model 2 treats a package within ``negotiation.tolerance`` of a red line as at
it. The compromise baseline still creeps toward 0.5 from below: with the tolerance it gets
there; switched off (the v1 knife edge) it never does.
"""

from __future__ import annotations

import numpy as np

from sim.scenario.load import modified
from tests.behaviour.helpers import run, stated

R = 150


def _full_deals(scenario, tolerance_on: bool):
    s = modified(
        scenario,
        {
            "negotiation.proposal_rule": "compromise",
            "mechanisms.learning": False,
            "mechanisms.tolerance": tolerance_on,
            "scenario.end_date": "2025-09-30",
        },
    )
    # The salient frozen where it is (its red lines move with it otherwise); the main front
    # is fought, so beliefs converge and Moscow comes to accept a full halt.
    frozen = {"fronts.kursk.drift": 0.0, "fronts.kursk.volatility": 0.0}
    m = run(s, R, seed=4, overrides={**stated(s), **frozen})
    table = m.agreements()
    full = table["track"] == m.params.track_ids.index("full")
    return table, full


def test_at_the_files_own_red_lines_deals_are_possible(default_scenario):
    table, full = _full_deals(default_scenario, tolerance_on=True)
    kursk = table["term_kursk"][full]
    decided = ~np.isnan(kursk)
    assert decided.sum() >= 20
    tol = default_scenario.negotiation.tolerance
    assert np.all(np.abs(kursk[decided] - 0.5) <= tol + 1e-12)  # at both red lines
    rearm = table["term_rearmament"][full]
    assert np.all(rearm <= 0.6 + tol + 1e-12)  # Ukraine's red line, within the tolerance


def test_without_the_tolerance_the_knife_edge_returns(default_scenario):
    table, full = _full_deals(default_scenario, tolerance_on=False)
    kursk = table["term_kursk"][full]
    at_table = ~np.isnan(kursk) & (kursk < 1.0)
    assert full.sum() == 0 or not at_table.any()

"""The default scenario loads and runs end to end, to its horizon (31 December)."""

import numpy as np

from sim.engine.codes import EndReason
from sim.engine.model import CeasefireModel
from sim.scenario.load import DEFAULT_SCENARIO, load_scenario


def test_default_scenario_runs_to_its_horizon():
    model = CeasefireModel(load_scenario(DEFAULT_SCENARIO), replicates=20, seed=3)
    model.run_model()
    assert not model.running and model.day == model.horizon == 296
    out = model.outcomes()
    assert len(out["outcome"]) == 20
    table = model.agreements()
    # every deal ended before the horizon or is censored at it (nothing left "live")
    assert np.isin(table["end_reason"], [int(r) for r in EndReason]).all()
    series = model.series()
    assert series["day"].tolist() == list(range(296))
    assert series["control_q"].shape == (296, 5, len(model.params.front_ids))

"""The default scenario loads and runs end to end."""

from sim.engine.model import CeasefireModel
from sim.scenario.load import DEFAULT_SCENARIO, load_scenario


def test_default_scenario_runs_to_the_end():
    model = CeasefireModel(load_scenario(DEFAULT_SCENARIO), replicates=20, seed=3)
    model.run_model()
    assert model.phase == "done"
    out = model.outcomes()
    assert len(out["agreed"]) == 20

"""Charts of a run in progress: the in-memory result of a running model (what the dashboard
draws) grows round by round and ends identical to a finished run; the dated charts draw
from the first round on."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim.charts import CHARTS, save_chart
from sim.engine.model import CeasefireModel
from sim.results.run_dir import result_from_model
from sim.run import simulate
from sim.scenario.load import DEFAULT_SCENARIO, load_scenario


@pytest.fixture(scope="module")
def march():
    return load_scenario(DEFAULT_SCENARIO)


def test_result_of_a_running_model_grows_with_the_rounds_and_ends_as_a_run(march):
    model = CeasefireModel(march, 100, 4)
    assert result_from_model(model).series == {}
    for _ in range(3):
        model.step()
    mid = result_from_model(model)
    assert mid.series["round"].tolist() == [0, 1, 2]
    assert mid.outcomes == {} and mid.summary == {}  # no outcome while the talks go on
    assert (mid.meta["replicates"], mid.meta["seed"]) == (100, 4)
    model.run_model()
    end = result_from_model(model)
    finished, _ = simulate(march, 100, 4)
    assert end.summary == finished.summary
    for name, column in finished.outcomes.items():
        np.testing.assert_array_equal(end.outcomes[name], column, err_msg=name)
    np.testing.assert_array_equal(end.series["position_q"], finished.series["position_q"])


@pytest.mark.parametrize("name", ["positions", "acceptance", "utility", "conditions"])
def test_talk_charts_draw_after_the_first_round(march, name, tmp_path):
    model = CeasefireModel(march, 50, 1)
    model.step()
    path = tmp_path / f"{name}.png"
    save_chart(CHARTS[name], result_from_model(model), path)
    assert path.stat().st_size > 10_000


def test_acceptance_shares_fill_the_stack_for_each_veto_player(march):
    import matplotlib.pyplot as plt

    finished, _ = simulate(march, 200, 3)
    fig = CHARTS["acceptance"](finished)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["United States (mediator)", "Russia (party)", "Ukraine (party)"]
    negotiating = finished.series["negotiating"] > 0
    top = finished.series["answer_share"].sum(axis=2)  # (round, actor)
    np.testing.assert_allclose(top[negotiating], 1.0)
    plt.close(fig)


def test_dated_charts_span_the_whole_talks_window_from_the_first_round(march):
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    model = CeasefireModel(march, 20, 1)
    model.step()
    fig = CHARTS["positions"](result_from_model(model))
    low, high = (mdates.num2date(x).replace(tzinfo=None) for x in fig.axes[0].get_xlim())
    assert (low.isoformat(), high.isoformat()) == ("2025-03-10T12:00:00", "2025-05-10T12:00:00")
    plt.close(fig)


def test_outcome_chart_draws_when_every_replicate_agrees(tmp_path):
    """All-or-nothing shares put a Wilson bound a rounding error past the share."""
    finished, _ = simulate(
        load_scenario(Path(__file__).parents[2] / "data" / "two-party.toml"), 200, 1
    )
    assert finished.summary["agreement"]["share"] == 1.0
    save_chart(CHARTS["outcomes"], finished, tmp_path / "outcomes.png")

"""Charts of a run in progress: the in-memory result of a running model (what the dashboard
draws) grows day by day and ends identical to a finished run; every chart draws from the
first day on, over the whole calendar."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim.charts import CHARTS, save_chart
from sim.engine.model import CeasefireModel
from sim.results.run_dir import result_from_model
from sim.run import simulate
from sim.scenario.load import load_scenario

TWO_PARTY = Path(__file__).parents[2] / "data" / "two-party.toml"


@pytest.fixture(scope="module")
def two_party():
    return load_scenario(TWO_PARTY)


def test_result_of_a_running_model_grows_with_the_days_and_ends_as_a_run(two_party):
    model = CeasefireModel(two_party, 60, 4)
    for _ in range(3):
        model.step()
    mid = result_from_model(model)
    assert mid.series["day"].tolist() == [0, 1, 2]
    assert (mid.meta["replicates"], mid.meta["seed"]) == (60, 4)
    assert mid.meta["horizon"] == two_party.scenario.horizon
    assert (mid.agreements["day_agreed"] <= 2).all()  # only the deals of the days run
    model.run_model()
    end = result_from_model(model)
    finished, _ = simulate(two_party, 60, 4)
    assert end.summary == finished.summary
    for name, column in finished.agreements.items():
        np.testing.assert_array_equal(end.agreements[name], column, err_msg=name)
    np.testing.assert_array_equal(end.series["control_q"], finished.series["control_q"])


@pytest.mark.parametrize("name", list(CHARTS))
def test_every_chart_draws_after_the_first_day(two_party, name, tmp_path):
    model = CeasefireModel(two_party, 30, 1)
    model.step()
    path = tmp_path / f"{name}.png"
    save_chart(CHARTS[name], result_from_model(model), path)
    assert path.stat().st_size > 10_000


def test_dated_charts_span_the_whole_calendar_from_the_first_day(two_party):
    import matplotlib.dates as mdates

    model = CeasefireModel(two_party, 20, 1)
    model.step()
    fig = CHARTS["timeline"](result_from_model(model))
    low, high = (mdates.num2date(x).replace(tzinfo=None) for x in fig.axes[0].get_xlim())
    first = two_party.scenario.start_date
    last = first + np.timedelta64(two_party.scenario.horizon - 1, "D").astype(object)
    assert low.date() == first - np.timedelta64(1, "D").astype(object)  # half a day before
    assert high.date() == last

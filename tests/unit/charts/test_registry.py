"""The chart registries: every chart has a unique name and a caption, and the reports print
the caption the registry carries (not a copy kept elsewhere)."""

from __future__ import annotations

import dataclasses
import html
from pathlib import Path

import pytest

from sim.charts import CHARTS, Chart
from sim.charts.compare import COMPARE_CHARTS
from sim.charts.registry import registry
from sim.charts.sweep import SWEEP_CHARTS

TWO_PARTY = Path(__file__).parents[2] / "data" / "two-party.toml"
REGISTRIES = {"run": CHARTS, "sweep": SWEEP_CHARTS, "compare": COMPARE_CHARTS}


@pytest.mark.parametrize("kind", list(REGISTRIES))
def test_every_chart_has_a_unique_name_and_a_caption(kind):
    charts = REGISTRIES[kind]
    assert charts, kind
    names = [chart.name for chart in charts.values()]
    assert len(names) == len(set(names)), names
    for key, chart in charts.items():
        assert isinstance(chart, Chart) and chart.name == key
        assert callable(chart.draw)
        assert isinstance(chart.caption, str) and chart.caption.strip(), key
        assert "\n" not in chart.caption, key  # one line under the chart


def test_a_chart_is_frozen_and_draws_like_its_function():
    chart = CHARTS["outcomes"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        chart.caption = ""
    assert Chart("x", len, "how to read it")([1, 2]) == 2


def test_the_registry_refuses_a_repeated_name_or_an_empty_caption():
    with pytest.raises(ValueError, match="unique"):
        registry(Chart("a", len, "one"), Chart("a", len, "two"))
    with pytest.raises(ValueError, match="caption"):
        registry(Chart("a", len, "one"), Chart("b", len, "  "))


def test_the_run_report_shows_each_charts_registry_caption(tmp_path):
    from sim.report.run import render_run_report
    from sim.report.sections import _scenario
    from sim.results.run_dir import load_run
    from sim.run import simulate
    from tests.support.model2_outputs import store_run_dir

    scenario, problem = _scenario(TWO_PARTY)
    result, _ = simulate(scenario, 1, 5)
    run = load_run(store_run_dir(result, tmp_path / "single", TWO_PARTY))
    text = html.unescape(render_run_report(run, scenario, problem))
    for name, chart in CHARTS.items():
        figure = text[text.index(f'id="chart-{name}"') :]
        caption = figure[figure.index("<figcaption>") : figure.index("</figcaption>")]
        label = name.replace("_", " ").capitalize()
        assert caption == f"<figcaption><b>{label}.</b> {chart.caption}", name

"""The Python API: docs/api.md's worked example runs as written, and the facade returns
names, not codes, for model 2's outcomes and agreements."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import sim
from sim.cli import app
from sim.engine.codes import Coverage, EndReason, Side
from sim.results.measures import MEASURES
from sim.results.run_dir import load_run
from tests.support.model2_outputs import store_run_dir, synthetic_run

ROOT = Path(__file__).resolve().parents[2]
API_DOC = ROOT / "docs" / "api.md"
TWO_PARTY = ROOT / "tests" / "data" / "two-party.toml"


@pytest.fixture(scope="module")
def synthetic():
    return synthetic_run(replicates=150, horizon=120, seed=3)


def test_the_worked_example_in_docs_api_runs(monkeypatch, capsys):
    blocks = re.findall(r"```python\n(.*?)```", API_DOC.read_text(), flags=re.S)
    assert blocks, "docs/api.md has no python example"
    monkeypatch.chdir(ROOT)
    exec(compile("\n".join(blocks), str(API_DOC), "exec"), {})
    assert "P(first deal within 30 days)" in capsys.readouterr().out


def test_agreements_name_every_category_and_date_every_day(synthetic):
    rows = sim.agreements(synthetic)
    a = synthetic.agreements
    assert len(rows) == len(a["replicate"])
    tracks = synthetic.meta["track_ids"]
    assert list(rows["track"].cat.categories) == [*tracks, "unilateral"]
    assert (rows["track"] == "unilateral").sum() == (a["track"] == -1).sum()
    assert (rows["track"] == tracks[1]).sum() == (a["track"] == 1).sum()
    assert list(rows["coverage"].cat.categories) == ["partial", "comprehensive"]
    assert (rows["coverage"] == "partial").sum() == (a["coverage"] == Coverage.PARTIAL).sum()
    assert (rows["side"] == "unilateral").sum() == (a["side"] == Side.UNILATERAL).sum()
    assert (rows["end_reason"] == "breakdown").sum() == (
        a["end_reason"] == EndReason.BREAKDOWN
    ).sum()
    assert set(rows["broken_by"].cat.categories) == {*synthetic.meta["actor_ids"], "none"}
    broken = a["broken_by"] >= 0
    assert (rows["broken_by"][~broken] == "none").all()
    assert (rows["declared_by"][a["side"] == Side.UNILATERAL] == "russia").all()
    start = pd.Timestamp(synthetic.meta["start_date"])
    for day, date in (("day_agreed", "date_agreed"), ("day_in_force", "date_in_force")):
        never = a[day] < 0
        assert rows[date][never].isna().all()
        np.testing.assert_array_equal(
            (rows[date][~never] - start).dt.days.to_numpy(), a[day][~never]
        )
        assert list(rows.columns).index(date) == list(rows.columns).index(day) + 1


def test_outcomes_name_tracks_and_actors_and_date_first_deals(synthetic):
    rows = sim.outcomes(synthetic)
    o = synthetic.outcomes
    assert len(rows) == 150
    assert list(rows["outcome"].cat.categories) == ["none", "partial", "comprehensive"]
    assert (rows["outcome"] == "partial").sum() == (o["outcome"] == 1).sum()
    tracks = synthetic.meta["track_ids"]
    assert list(rows["first_deal_track"].cat.categories) == [*tracks, "none"]
    assert (rows["first_deal_track"] == "none").sum() == (o["first_deal_track"] < 0).sum()
    assert set(rows["first_breakdown_by"].cat.categories) == {*synthetic.meta["actor_ids"], "none"}
    dealt = o["first_deal_day"] >= 0
    assert rows["first_deal_date"][~dealt].isna().all()
    start = pd.Timestamp(synthetic.meta["start_date"])
    np.testing.assert_array_equal(
        (rows["first_deal_date"][dealt] - start).dt.days.to_numpy(), o["first_deal_day"][dealt]
    )
    for front in synthetic.meta["front_ids"]:
        assert f"decided_date_{front}" in rows and rows[f"decided_by_{front}"].dtype == "category"


def test_a_run_directory_gives_the_same_frames_as_the_result_in_memory(synthetic, tmp_path):
    stored = load_run(store_run_dir(synthetic, tmp_path / "run"))
    pd.testing.assert_frame_equal(sim.outcomes(stored), sim.outcomes(synthetic))
    pd.testing.assert_frame_equal(sim.agreements(tmp_path / "run"), sim.agreements(synthetic))


def test_summarise_counts_agree_with_the_summary_json(synthetic):
    table = sim.summarise(synthetic).set_index("measure")
    assert list(table.index) == [m.label for m in MEASURES]
    for m in MEASURES:
        row, stored = table.loc[m.label], synthetic.summary[m.key]
        assert (row["count"], row["n"]) == (stored["count"], stored["n"]), m.key
        assert row["of"] == m.of
        assert row["ci95_low"] <= row["share"] <= row["ci95_high"]
    deals = table.loc["share of deals partial", "n"]
    assert deals == int((synthetic.agreements["side"] != Side.UNILATERAL).sum())


def test_simulate_runs_model_2_and_matches_the_command(tmp_path):
    result = sim.simulate(TWO_PARTY, replicates=60, seed=5)
    assert len(sim.outcomes(result)) == 60
    assert set(sim.agreements(result)["replicate"]) <= set(range(60))
    CliRunner().invoke(
        app,
        ["run", str(TWO_PARTY), "-n", "60", "-s", "5", "-o", str(tmp_path / "r"), "--no-charts"],
    )
    pd.testing.assert_frame_equal(sim.outcomes(result), sim.outcomes(tmp_path / "r"))
    pd.testing.assert_frame_equal(sim.agreements(result), sim.agreements(tmp_path / "r"))


def test_version_option_prints_the_package_version():
    out = CliRunner().invoke(app, ["--version"])
    assert out.exit_code == 0
    assert out.output.strip() == f"ceasefire {sim.__version__}"


def test_facade_refuses_unknown_names():
    try:
        sim.no_such_thing  # noqa: B018
    except AttributeError as err:
        assert "no_such_thing" in str(err)
    else:
        raise AssertionError("sim.no_such_thing did not raise")

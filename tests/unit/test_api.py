"""The Python API: docs/api.md's worked example runs as written, and the facade returns
names, not codes."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
from typer.testing import CliRunner

import sim
from sim.cli import app
from sim.scenario.load import DEFAULT_SCENARIO

ROOT = Path(__file__).resolve().parents[2]
API_DOC = ROOT / "docs" / "api.md"


def test_the_worked_example_in_docs_api_runs(monkeypatch, capsys):
    blocks = re.findall(r"```python\n(.*?)```", API_DOC.read_text(), flags=re.S)
    assert blocks, "docs/api.md has no python example"
    monkeypatch.chdir(ROOT)
    exec(compile("\n".join(blocks), str(API_DOC), "exec"), {})
    assert "P(agreement)" in capsys.readouterr().out


def test_outcomes_name_every_category_and_match_the_run_directory(tmp_path):
    result = sim.simulate(DEFAULT_SCENARIO, replicates=60, seed=5)
    rows = sim.outcomes(result)
    assert len(rows) == 60
    codes = result.outcomes["outcome"]
    assert (rows["outcome"] == "partial").sum() == (codes == 1).sum()
    assert set(rows["first_violator"].cat.categories) <= {
        *result.meta["actor_ids"],
        "several",
        "none",
    }
    agreed = rows["agreed"].to_numpy()
    assert rows["agreement_date"][~agreed].isna().all()
    assert (rows["agreement_date"][agreed] >= pd.Timestamp(result.meta["start_date"])).all()
    CliRunner().invoke(
        app, ["run", "-n", "60", "-s", "5", "-o", str(tmp_path / "r"), "--no-charts"]
    )
    from_disk = sim.outcomes(tmp_path / "r")
    pd.testing.assert_frame_equal(rows, from_disk)


def test_summarise_counts_agree_with_the_summary_json():
    result = sim.simulate(DEFAULT_SCENARIO, replicates=80, seed=2)
    table = sim.summarise(result).set_index("measure")
    assert table.loc["P(agreement)", "count"] == result.summary["agreement"]["count"]
    assert table.loc["P(partial ceasefire)", "n"] == 80
    assert np.isclose(
        table.loc["P(ceasefire survives | agreed)", "share"],
        result.summary["survives_duration"]["share"],
        equal_nan=True,
    )


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

"""experiments/ablation.py: the ablation table of docs/model.md (issue 11, item 10)."""

from __future__ import annotations

import importlib.util
import json

from sim.scenario.load import load_scenario
from sim.scenario.schema import Mechanisms
from tests.unit.scenario.test_docs import ROOT

_spec = importlib.util.spec_from_file_location("ablation", ROOT / "experiments" / "ablation.py")
ablation = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ablation)


def test_one_row_per_switch_and_each_switch_reaches_the_engine():
    """On the two-party fixture, whose first track halts no front: with `tracks` off only
    that track is tabled, so no comprehensive deal can come; with everything on one does."""
    s = load_scenario(ROOT / "tests" / "data" / "two-party.toml")
    rows = ablation.ablate(s, 30, 3)
    assert [r["off"] for r in rows] == ["none (all on)", *Mechanisms.model_fields]
    by = {r["off"]: r for r in rows}
    for row in rows:
        for m in ablation.SHARES:
            assert 0.0 <= row[m.key] <= 1.0 or row[m.key] != row[m.key], (row, m.key)
    assert by["none (all on)"]["comprehensive"] > 0
    assert by["tracks"]["comprehensive"] == 0
    table = ablation.render(
        {"scenario": "two-party.toml", "replicates": 30, "seed": 3, "rows": rows}
    )
    assert table.count("\n| `") == len(rows)


def test_the_table_in_docs_model_is_the_committed_results():
    """Drift check: the table between the markers is rendered from the committed JSON (or,
    before the first full run, the placeholder says how to make it)."""
    doc = ablation.MODEL_DOC.read_text(encoding="utf-8")
    if not ablation.RESULTS.exists():
        assert "run the ablation script in `experiments/`" in doc
        return
    result = json.loads(ablation.RESULTS.read_text(encoding="utf-8"))
    assert result["replicates"] == ablation.REPLICATES
    assert ablation.with_table(doc, ablation.render(result)) == doc

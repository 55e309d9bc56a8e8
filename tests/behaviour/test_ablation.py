"""The ablation table of docs/model.md (issue 11, item 10) on the default scenario.

The drift check proper (``python experiments/ablation.py --check``: 13 ensembles of 10,000
replicates, about 6 minutes of one core) is too long for the suite; here the script runs
the default scenario on a short calendar and few replicates, and the committed block is
checked for one row per switch. tests/unit/scenario/test_ablation.py checks the block
against the committed JSON and the switches on the two-party fixture.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import math
from pathlib import Path

import pytest

from sim.scenario.load import DEFAULT_SCENARIO, load_scenario
from sim.scenario.schema import Mechanisms

ROOT = Path(__file__).resolve().parents[2]
SPEC = importlib.util.spec_from_file_location("ablation", ROOT / "experiments" / "ablation.py")
ablation = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(ablation)
NAMES = ["none (all on)", *Mechanisms.model_fields]


@pytest.fixture(scope="module")
def rows():
    s = load_scenario(DEFAULT_SCENARIO)
    end = s.scenario.start_date + dt.timedelta(days=45)
    short = s.model_copy(update={"scenario": s.scenario.model_copy(update={"end_date": end})})
    return ablation.ablate(short, 24, 7)


def test_the_default_ablates_into_one_row_per_switch_with_sane_measures(rows):
    assert [r["off"] for r in rows] == NAMES and len(NAMES) == 13
    for row in rows:
        shares = [row[m.key] for m in ablation.SHARES]
        assert all(math.isnan(v) or 0.0 <= v <= 1.0 for v in shares), row
        assert row["deal_by_30"] <= row["deal_by_90"]  # a deal by day 30 is one by day 90
    by = {r["off"]: r for r in rows}
    # with `tracks` off only the first track (the full ceasefire, P5) is tabled: no partial
    # deal can come, while the default's partial tracks make most deals partial
    assert by["tracks"]["partial_share"] == 0.0 < by["none (all on)"]["partial_share"]


def test_a_missing_block_is_created_and_an_existing_one_replaced(rows):
    table = ablation.render(
        {"scenario": "march-2025.toml", "replicates": 24, "seed": 7, "rows": rows}
    )
    document = "# Model\n\nText.\n"
    once = ablation.with_table(document, table)
    assert once.startswith(document.rstrip()) and once.count(ablation.BEGIN) == 1
    assert ablation.with_table(once, table) == once
    assert ablation.with_table(once, "x\n").count("| `") == 0


def test_docs_model_md_has_the_block_with_one_row_per_switch():
    doc = ablation.MODEL_DOC.read_text(encoding="utf-8")
    block = doc[doc.index(ablation.BEGIN) : doc.index(ablation.END)]
    body = [line for line in block.splitlines() if line.startswith("| `")]
    assert [line.split("`")[1] for line in body] == NAMES
    assert f"{ablation.REPLICATES:,} replicates" in block

"""Chunked runs: per-day totals of the chunks merge into the series of the whole run."""

from __future__ import annotations

import numpy as np

from sim.engine.model import CeasefireModel
from sim.engine.recorder import BANDED, SHARES, merge_chunks
from sim.scenario.load import modified
from tests.behaviour.helpers import TWO_PARTY


def test_merged_chunks_give_the_means_and_shares_of_the_whole_run():
    from sim.scenario.load import load_scenario

    s = modified(load_scenario(TWO_PARTY), {"scenario.end_date": "2024-07-10"})
    whole = CeasefireModel(s, np.arange(60), 4, record="summary")
    whole.run_model()
    first = CeasefireModel(s, np.arange(25), 4, record="summary", totals=True)
    second = CeasefireModel(s, np.arange(25, 60), 4, record="totals")
    for m in (first, second):
        m.run_model()
    totals = [m.recorder.stacked_totals() for m in (first, second)]
    merged = merge_chunks(first.series(), totals, 60)
    reference = whole.series()
    assert set(merged) == set(reference)
    for key in [f"{k}_mean" for k in BANDED] + list(SHARES):
        np.testing.assert_allclose(merged[key], reference[key], rtol=1e-12, atol=1e-12,
                                   equal_nan=True, err_msg=key)  # fmt: skip
    np.testing.assert_array_equal(merged["control_q"], first.series()["control_q"])

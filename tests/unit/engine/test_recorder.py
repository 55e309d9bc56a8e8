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


def test_nanquantile_columns_is_numpys_nanquantile_bit_for_bit():
    """The recorder's one-sort quantile bands: numpy's nanquantile, column by column."""
    import warnings

    from sim.engine.recorder import QUANTILES, nanquantile_columns

    gen = np.random.default_rng(3)
    for rows in (1, 2, 3, 7, 20, 201):
        values = gen.normal(0, 1, (rows, 400)) * 10.0 ** gen.integers(-8, 8, (rows, 400))
        values[gen.random(values.shape) < 0.3] = np.nan
        values[:, 0] = np.nan  # all NaN
        values[1:, 1] = np.nan  # one value
        values[:, 2] = 0.25  # ties
        values[: rows // 2, 3] = np.inf
        values[:, 4] = np.round(values[:, 4])  # few distinct values, -0.0 beside 0.0
        values[:, 5] = np.round(values[:, 5] * 1e-9)  # -0.0 and 0.0 everywhere
        values[:, 6] = np.copysign(np.nan, -1.0)  # an all-NaN column of another NaN
        values[::2, 7] = -0.0
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            want = np.nanquantile(values, QUANTILES, axis=0)
        got = nanquantile_columns(values, QUANTILES)
        assert got.shape == want.shape
        assert np.array_equal(got.view(np.int64), want.view(np.int64)), rows

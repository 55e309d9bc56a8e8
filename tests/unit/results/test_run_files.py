"""A model-2 run directory: CSV tables that show names and dates, readers that refuse a
damaged directory in one line, and chunks whose agreements keep global replicate ids."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from sim.results.run_checks import RunReadError
from sim.results.run_dir import load_run
from sim.results.tables import write_responses_csv, write_series_csv, write_table_csv
from sim.run import global_ids
from tests.support.model2_outputs import store_run_dir, synthetic_run


@pytest.fixture(scope="module")
def run():
    return synthetic_run(replicates=120, horizon=90, seed=5)


@pytest.fixture
def stored(run, tmp_path):
    return store_run_dir(run, tmp_path / "run")


def _rows(path):
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


def test_agreements_csv_shows_names_and_dates_beside_days(run, tmp_path):
    path = tmp_path / "agreements.csv"
    write_table_csv(path, run.agreements, run.meta)
    rows = _rows(path)
    a = run.agreements
    assert len(rows) == len(a["replicate"])
    assert {r["track"] for r in rows} <= {*run.meta["track_ids"], "unilateral"}
    assert {r["side"] for r in rows} <= {"unilateral", "bilateral", "multilateral"}
    assert {r["end_reason"] for r in rows} >= {"breakdown", "replaced"}
    for r, i in zip(rows, range(len(rows)), strict=True):
        assert r["track"] == (
            "unilateral" if a["track"][i] < 0 else run.meta["track_ids"][a["track"][i]]
        )
        assert r["day_agreed"] == str(a["day_agreed"][i])
        day = np.datetime64(run.meta["start_date"]) + np.timedelta64(int(a["day_agreed"][i]), "D")
        assert r["date_agreed"] == str(day)
        if a["day_in_force"][i] < 0:  # never in force: empty, not -1
            assert r["day_in_force"] == r["date_in_force"] == ""
        broke = a["broken_by"][i]
        assert r["broken_by"] == (run.meta["actor_ids"][broke] if broke >= 0 else "")
        assert r["mediated"] in ("true", "false")
    assert not any(v.lstrip("-").isdigit() for r in rows for k, v in r.items() if k == "coverage")


def test_outcomes_csv_names_outcomes_tracks_and_actors(run, tmp_path):
    path = tmp_path / "outcomes.csv"
    write_table_csv(path, run.outcomes, run.meta)
    rows = _rows(path)
    o = run.outcomes
    assert {r["outcome"] for r in rows} <= {"none", "partial", "comprehensive"}
    for r, i in zip(rows, range(len(rows)), strict=True):
        track = o["first_deal_track"][i]
        assert r["first_deal_track"] == (run.meta["track_ids"][track] if track >= 0 else "")
        assert (r["first_deal_date"] == "") == (o["first_deal_day"][i] < 0)
        by = o["decided_by_kursk"][i]
        assert r["decided_by_kursk"] == (run.meta["actor_ids"][by] if by >= 0 else "")


def test_series_and_responses_csv_name_actors_fronts_and_tracks(run, tmp_path):
    write_series_csv(tmp_path / "series.csv", run.series, run.meta)
    rows = _rows(tmp_path / "series.csv")
    variables = {r["variable"] for r in rows}
    assert {"control", "belief_drift", "outside_option", "offer_value", "in_force"} <= variables
    in_force = [r for r in rows if r["variable"] == "in_force" and r["day"] == "40"]
    T = len(run.meta["track_ids"])
    assert [r["track"] for r in in_force] == [*run.meta["track_ids"], "unilateral"]
    np.testing.assert_allclose(
        [float(r["mean"]) for r in in_force], run.series["in_force_share"][40], rtol=1e-5
    )  # six significant digits
    beliefs = {r["actor"] for r in rows if r["variable"] == "belief_drift"}
    assert beliefs == {"russia", "ukraine"}  # nobody else holds a belief in this run
    decided = [r for r in rows if r["variable"] == "decided" and r["day"] == "0"]
    assert {r["actor"] for r in decided} == {"ukraine", "russia"}
    write_responses_csv(tmp_path / "responses.csv", run.series, run.meta)
    with open(tmp_path / "responses.csv", newline="") as fh:
        header = next(csv.reader(fh))
    assert header[:4] == ["day", "date", "actor", "session"]
    assert header[4 : 4 + T] == [f"accept_{t}" for t in run.meta["track_ids"]]


def test_a_stored_run_reads_back_whole(run, stored):
    back = load_run(stored)
    assert back.meta["horizon"] == run.horizon
    for name, column in run.agreements.items():
        np.testing.assert_array_equal(back.agreements[name], column)
    assert back.summary == run.summary


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda d: (d / "agreements.npz").unlink(), "agreements.npz: missing"),
        (lambda d: (d / "agreements.npz").write_bytes(b"not a zip"), "agreements.npz: unreadable"),
    ],
)
def test_a_damaged_agreements_file_is_refused_in_one_line(stored, damage, message):
    damage(stored)
    with pytest.raises(RunReadError, match=message) as err:
        load_run(stored)
    assert "\n" not in str(err.value)


def test_an_agreement_on_an_unknown_track_is_refused(run, stored):
    bad = dict(run.agreements) | {"track": np.full(len(run.agreements["track"]), 7)}
    np.savez_compressed(stored / "agreements.npz", **bad)
    with pytest.raises(
        RunReadError, match=r"agreements.npz: column 'track': values outside -1 to 2"
    ):
        load_run(stored)


def test_a_series_without_the_deals_in_force_is_refused(run, stored):
    series = {k: v for k, v in run.series.items() if k != "in_force_share"}
    np.savez_compressed(stored / "series.npz", **series)
    with pytest.raises(RunReadError, match="series.npz: no column 'in_force_share'"):
        load_run(stored)


def test_chunk_agreements_get_global_replicate_ids():
    local = {"replicate": np.array([0, 0, 3]), "track": np.array([0, 1, 0])}
    assert global_ids(local, 0) is local
    np.testing.assert_array_equal(global_ids(local, 100)["replicate"], [100, 100, 103])
    already = {"replicate": np.array([100, 103])}
    np.testing.assert_array_equal(global_ids(already, 100)["replicate"], [100, 103])


def test_a_run_in_chunks_has_the_tables_and_shares_of_one_model(monkeypatch):
    """Chunks of 25 replicates: outcomes and agreements bit for bit those of one model
    (replicate ids global), per-day shares and means those of the whole run."""
    import sim.run
    from sim.scenario.load import load_scenario

    two_party = load_scenario(Path(__file__).parents[2] / "data" / "two-party.toml")
    whole, _ = sim.run.simulate(two_party, 60, 9)
    monkeypatch.setattr(sim.run, "RUN_CHUNK", 25)
    chunked, _ = sim.run.simulate(two_party, 60, 9)
    for name, column in whole.outcomes.items():
        np.testing.assert_array_equal(chunked.outcomes[name], column, err_msg=name)
    assert chunked.agreements["replicate"].max() >= 50  # the last chunk's ids are global
    for name, column in whole.agreements.items():
        np.testing.assert_array_equal(chunked.agreements[name], column, err_msg=name)
    for name in ("in_force_share", "agreed_share", "session_share", "accept_share", "control_mean"):
        np.testing.assert_allclose(chunked.series[name], whole.series[name], err_msg=name)
    assert chunked.summary == whole.summary


def test_a_run_directory_is_replaced_whole_by_the_next_run(tmp_path):
    """Reproducer: --replace refused a run directory because it held agreements.csv,
    a file the tool writes but did not list as its own."""
    from sim.run import execute_run

    two_party = Path(__file__).parents[2] / "data" / "two-party.toml"
    out = tmp_path / "run"
    execute_run(two_party, 4, 1, out, charts=False, progress=False)
    names = {p.name for p in out.iterdir()}
    assert {"agreements.npz", "agreements.csv", "outcomes.csv", "responses.csv"} <= names
    execute_run(two_party, 6, 2, out, replace=True, charts=False, progress=False)
    assert load_run(out).meta["replicates"] == 6

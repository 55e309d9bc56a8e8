"""Sweeps: designs, chunking, identical results across workers/chunks/backends, resume,
summaries and Sobol' indices."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from sim.engine.model import CeasefireModel
from sim.results.measures import MEASURES
from sim.results.stats import cumulative_incidence, wilson_interval
from sim.sweep import load_experiment, read_results, run_sweep, summarise_sweep, write_summary
from sim.sweep.design import build_design
from sim.sweep.rows import replicate_rows
from sim.sweep.spec import design_size
from sim.sweep.store import outcome_table, part_files, plan_chunks
from sim.sweep.workers import ChunkTask, chunk_inputs
from tests.support import sweeps

REPLICATES = 40  # per point in sweep_support.experiment_text
TWO_PARTY = Path(__file__).parents[2] / "data" / "two-party.toml"
# A 2 x 3 grid on the generic two-party scenario: the front's drift (it moves the talks)
# and the share of major violations (it acts only on deals in force, so never before the first).
DRIFT, VIOLATION = "fronts.line.drift", "implementation.major_share"
GRID = {DRIFT: "values = [0.0, 0.004]", VIOLATION: "range = { start = 0.1, stop = 0.5, num = 3 }"}


OPENING = """[[calendar.sessions]]
date = 2024-06-01
label = "Opening session"
assumption = "test fixture"
"""


def write_experiment(folder, name="tiny.toml", parameters=None, **kwargs):
    """A sweep file on the two-party scenario (the grid above unless told otherwise),
    without its dated opening session: talks then open on a random day, so the day of the
    first deal differs between replicates."""
    parameters = GRID if parameters is None else parameters
    base = folder / "two-party.toml"
    text = TWO_PARTY.read_text()
    assert OPENING in text
    base.write_text(text.replace(OPENING, ""))
    return sweeps.write_experiment(folder, name, parameters=parameters, base=base.name, **kwargs)


def assert_identical(a, b):
    sweeps.assert_identical(a, b)


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The 2 x 3 grid, one worker in this process, 37-run chunks (points span chunks)."""
    folder = tmp_path_factory.mktemp("reference")
    exp = write_experiment(folder)
    run_sweep(exp, folder / "out", workers=1)
    return folder / "out", read_results(folder / "out")


# --- designs -------------------------------------------------------------------------------


def test_grid_is_the_product_of_the_values_first_parameter_slowest(tmp_path):
    exp = load_experiment(write_experiment(tmp_path))
    d = build_design(exp)
    assert d.paths == (DRIFT, VIOLATION)
    expected = [[c, m] for c in (0.0, 0.004) for m in (0.1, 0.3, 0.5)]
    np.testing.assert_allclose(d.values, expected)


def test_a_grid_without_parameters_is_one_point_of_plain_monte_carlo(tmp_path):
    exp = load_experiment(write_experiment(tmp_path, parameters={}))
    assert build_design(exp).values.shape == (1, 0)


def test_whole_number_settings_are_rounded_in_sampled_designs(tmp_path):
    params = {
        "implementation.lapse_days": "low = 1; high = 6",
        "actors.north.concession_rate": "low = 0.2; high = 0.9",
    }
    exp = load_experiment(
        write_experiment(tmp_path, sweep={"design": '"lhs"', "samples": "50"}, parameters=params)
    )
    values = build_design(exp).values
    assert np.array_equal(values[:, 0], np.round(values[:, 0]))
    assert set(values[:, 0]) <= set(range(1, 7))
    assert not np.array_equal(values[:, 1], np.round(values[:, 1]))


@pytest.mark.parametrize("kind", ["random", "lhs", "sobol"])
def test_sampled_designs_stay_in_bounds_and_repeat_with_their_seed(tmp_path, kind):
    params = {
        "actors.north.concession_rate": "low = 0.7; high = 0.95",
        "actors.north.noise": "low = 0.1; high = 0.9",
    }
    sweep = {"design": f'"{kind}"', "samples": "16"}
    exp = load_experiment(write_experiment(tmp_path, sweep=sweep, parameters=params))
    values = build_design(exp).values
    assert values.shape == (16 * 4 if kind == "sobol" else 16, 2) == (design_size(exp.spec), 2)
    assert values[:, 0].min() >= 0.7 and values[:, 0].max() <= 0.95
    assert values[:, 1].min() >= 0.1 and values[:, 1].max() <= 0.9
    assert np.array_equal(values, build_design(exp).values)
    other = load_experiment(
        write_experiment(tmp_path, "b.toml", sweep=sweep | {"seed": "4"}, parameters=params)
    )
    assert not np.array_equal(values, build_design(other).values)


def test_lhs_puts_one_point_in_each_of_n_strata_per_parameter(tmp_path):
    params = {"actors.north.concession_rate": "low = 0.5; high = 1.0"}
    exp = load_experiment(
        write_experiment(tmp_path, sweep={"design": '"lhs"', "samples": "20"}, parameters=params)
    )
    strata = np.floor((build_design(exp).values[:, 0] - 0.5) / 0.5 * 20).astype(int)
    assert sorted(strata) == list(range(20))


# --- chunks --------------------------------------------------------------------------------


@pytest.mark.parametrize(("points", "replicates", "size"), [(6, 40, 37), (1, 10, 3), (5, 1, 5)])
def test_chunks_cover_every_run_once_in_order(points, replicates, size):
    chunks = plan_chunks(points, replicates, size)
    runs = np.concatenate([np.arange(c.start, c.stop) for c in chunks])
    assert np.array_equal(runs, np.arange(points * replicates))
    assert all(0 < c.runs <= size for c in chunks)


def test_a_chunk_gives_each_run_its_points_parameters_and_replicate_id(tmp_path):
    exp = load_experiment(write_experiment(tmp_path))
    d = build_design(exp)
    chunk = plan_chunks(d.points, REPLICATES, 37)[1]  # runs 37..73: points 0 and 1
    first, stop = chunk.points(REPLICATES)
    task = ChunkTask(chunk, 3, REPLICATES, True, False, d.paths, d.values[first:stop], "", {})
    point, replicate, overrides = chunk_inputs(task)
    assert list(point[:3]) == [0, 0, 0] and point[-1] == 1
    assert list(replicate[:3]) == [37, 38, 39] and list(replicate[3:5]) == [0, 1]
    np.testing.assert_array_equal(overrides[VIOLATION], d.values[point, 1])


# --- the results ---------------------------------------------------------------------------


def test_each_points_rows_are_a_direct_model_run_with_its_parameters(reference, tmp_path):
    """Common random numbers: replicate j of every point is replicate j of `ceasefire run`."""
    out, table = reference
    exp = load_experiment(write_experiment(tmp_path))
    d = build_design(exp)
    point = table["point"].to_numpy()
    for p in (0, 4):
        overrides = {path: d.values[p, k] for k, path in enumerate(d.paths)}
        model = CeasefireModel(exp.scenario, REPLICATES, seed=3, overrides=overrides, record="none")
        model.run_model()
        direct = outcome_table(replicate_rows(model), np.full(REPLICATES, p), False)
        assert_identical(table.filter(point == p), direct)


def test_runs_sharing_replicate_ids_in_one_model_get_their_own_deals(tmp_path):
    """Reproducer: with common random numbers a chunk spanning two points holds replicate j
    twice, and the deals were matched to runs by replicate id, so both runs got both runs'
    deals. One model of the chunk (in internal blocks of any size) must give each run the
    rows it gets alone."""
    exp = load_experiment(write_experiment(tmp_path))
    ids = np.concatenate([np.arange(37, 40), np.arange(40), np.arange(10)])
    alone = []
    for part in (ids[:3], ids[3:43], ids[43:]):
        model = CeasefireModel(exp.scenario, part, seed=3, record="none")
        model.run_model()
        alone.append(replicate_rows(model))
    assert int(alone[1]["deals"].sum()) > 0
    for chunk in (8192, 7):
        model = CeasefireModel(exp.scenario, ids, seed=3, record="none", chunk=chunk)
        model.run_model()
        together = replicate_rows(model)
        for name, values in together.items():
            np.testing.assert_array_equal(values, np.concatenate([a[name] for a in alone]), name)


def test_table_has_compact_dtypes_and_every_run_once(reference):
    _, table = reference
    assert table.num_rows == 6 * REPLICATES
    keys = table["point"].to_numpy().astype(np.int64) * 1000 + table["replicate"].to_numpy()
    assert len(np.unique(keys)) == table.num_rows
    types = {f.name: str(f.type) for f in table.schema}
    assert types["point"] == "int32" and types["outcome"] == "int8"
    assert types["control_line"] == "float" and types["first_deal_day"] == "int16"
    assert types["p_deal_30_hits"] == types["share_partial_base"] == "int16"


def test_same_seed_same_table_for_workers_chunk_sizes_and_dask(reference, tmp_path):
    """1 vs 2 workers, other chunk sizes, an existing Dask cluster and a LocalCluster."""
    distributed = pytest.importorskip("distributed")
    _, expected = reference
    pool = run_sweep(write_experiment(tmp_path, "a.toml"), tmp_path / "pool", workers=2)
    assert pool.runs_new == 6 * REPLICATES
    assert_identical(read_results(tmp_path / "pool"), expected)

    for size in ("1000", "17"):
        exp = write_experiment(tmp_path, f"c{size}.toml", sweep={"chunk_size": size})
        run_sweep(exp, tmp_path / f"chunks-{size}", workers=1)
        assert_identical(read_results(tmp_path / f"chunks-{size}"), expected)

    exp = write_experiment(tmp_path, "d.toml", sweep={"chunk_size": "23"})
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        run_sweep(exp, tmp_path / "dask", backend="dask", scheduler=cluster.scheduler_address)
    assert_identical(read_results(tmp_path / "dask"), expected)

    run_sweep(
        write_experiment(tmp_path, "e.toml"), tmp_path / "dl", workers=2, backend="dask-local"
    )
    assert_identical(read_results(tmp_path / "dl"), expected)


def test_without_common_random_numbers_every_run_has_its_own_draws(reference, tmp_path):
    exp = write_experiment(tmp_path, sweep={"common_random_numbers": "false"})
    run_sweep(exp, tmp_path / "out")
    table = read_results(tmp_path / "out")
    assert np.array_equal(table["replicate"].to_numpy(), np.arange(6 * REPLICATES))
    # the first point's replicate ids are 0..39 either way, so its rows agree
    _, shared = reference
    n = REPLICATES
    assert_identical(table.slice(0, n), shared.slice(0, n))
    # the violation rate acts only on deals in force, so never before the first deal: with
    # shared draws its points agree run for run on that day, with their own draws they do not
    first = shared["first_deal_day"].to_numpy().reshape(6, n)
    assert np.array_equal(first[0], first[1])
    own = table["first_deal_day"].to_numpy().reshape(6, n)
    assert not np.array_equal(own[0], own[1])


def test_rerun_skips_finished_chunks_and_redoes_only_missing_ones(tmp_path, reference):
    _, expected = reference
    exp = write_experiment(tmp_path)
    first = run_sweep(exp, tmp_path / "out")
    assert first.runs_new == 6 * REPLICATES and first.chunks_before == 0
    parts = part_files(tmp_path / "out")
    kept = {cid: p.stat().st_mtime_ns for cid, p in parts.items() if cid != 3}
    parts[3].unlink()
    again = run_sweep(exp, tmp_path / "out")
    assert again.chunks_before == len(parts) - 1 and again.runs_new == 37
    assert {cid: p.stat().st_mtime_ns for cid, p in part_files(tmp_path / "out").items()} == (
        kept | {3: part_files(tmp_path / "out")[3].stat().st_mtime_ns}
    )
    assert_identical(read_results(tmp_path / "out"), expected)
    assert run_sweep(exp, tmp_path / "out").runs_new == 0


def test_the_directory_records_inputs_design_and_plan(reference, tmp_path):
    out, _ = reference
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["design"]["kind"] == "grid" and manifest["design"]["points"] == 6
    assert manifest["design"]["replicates"] == REPLICATES and manifest["seed"] == 3
    assert [c["runs"] for c in manifest["chunks"]][:2] == [[0, 37], [37, 74]]
    assert manifest["base_scenario"] == "two-party.toml"
    design = pq.read_table(out / "design.parquet")
    assert design.column_names == ["point", DRIFT, VIOLATION]
    assert (out / "experiment.toml").read_text() == write_experiment(tmp_path).read_text()
    assert not list((out / "parts").glob("_*"))


# --- summaries -----------------------------------------------------------------------------


def test_summary_agrees_with_a_direct_count_per_point(reference):
    """Each measure of a point is its replicates' counts added up: the same as the measure
    computed on a direct model run of that point (outcomes and agreements, no sweep)."""
    out, table = reference
    summary = summarise_sweep(out)
    assert summary.complete and summary.notes == []
    s = summary.table
    cols = {c: table[c].to_numpy(zero_copy_only=False) for c in table.column_names}
    (out.parent / "again").mkdir(exist_ok=True)
    exp = load_experiment(write_experiment(out.parent / "again"))
    d = build_design(exp)
    for p in (0, 5):
        model = CeasefireModel(
            exp.scenario,
            REPLICATES,
            seed=3,
            overrides={path: d.values[p, k] for k, path in enumerate(d.paths)},
            record="none",
        )
        model.run_model()
        outcomes, agreements = model.outcomes(), model.agreements()
        assert s["n"][p] == REPLICATES
        for m in MEASURES:
            k, n = m.count(outcomes, agreements)
            assert s[m.column][p] == (k / n if n else np.nan) or (
                n == 0 and np.isnan(s[m.column][p])
            )
            assert (s[f"{m.column}_lo"][p], s[f"{m.column}_hi"][p]) == wilson_interval(k, n)
        first = outcomes["first_deal_day"]
        assert s["median_first_deal_day"][p] == np.median(first[first >= 0])
        curve = cumulative_incidence(first, exp.scenario.scenario.horizon - 1)
        reached = np.flatnonzero(curve["incidence"] >= 0.5)
        km = float(reached[0]) if len(reached) else np.nan
        np.testing.assert_equal(s["km_median_first_deal_day"][p], km)
        assert s["mean_days_under_ceasefire"][p] == outcomes["days_under_ceasefire"].mean()
        rows = cols["point"] == p
        assert s["n_deals"][p] == cols["share_partial_base"][rows].sum() == outcomes["deals"].sum()
    np.testing.assert_array_equal(s[DRIFT], [0, 0, 0, 0.004, 0.004, 0.004])


def test_summarize_writes_csv_and_parquet_with_the_contract_columns(reference, tmp_path):
    out, _ = reference
    written = write_summary(summarise_sweep(out))
    assert {p.name for p in written} == {"summary.csv", "summary.parquet"}
    header = (out / "summary.csv").read_text().splitlines()[0].replace('"', "").split(",")
    for name in (
        "point",
        DRIFT,
        "n",
        "n_deals",
        *[f"{m.column}{end}" for m in MEASURES for end in ("", "_lo", "_hi")],
        "median_first_deal_day",
        "km_median_first_deal_day",
        "mean_days_under_ceasefire",
        "mean_control_line",
        "p_decided_line",
    ):
        assert name in header, name
    assert pq.read_table(out / "summary.parquet").num_rows == 6


def test_summarize_command_prints_the_table_and_names_the_files(reference):
    from typer.testing import CliRunner

    from sim.cli import app

    out, _ = reference
    result = CliRunner().invoke(app, ["summarize", str(out)])
    assert result.exit_code == 0, result.output
    assert "grid design, 6 points x 40 replicates" in result.stdout
    assert "drift" in result.stdout and "major_share" in result.stdout
    assert "P(deal ≤30d)" in result.stdout
    assert f"Wrote {out / 'summary.parquet'}, {out / 'summary.csv'}" in result.stdout


def test_an_incomplete_sweep_is_summarised_as_far_as_it_goes(tmp_path):
    exp = write_experiment(tmp_path)
    run_sweep(exp, tmp_path / "out")
    part_files(tmp_path / "out")[2].unlink()  # runs 74..110: points 1 and 2
    summary = summarise_sweep(tmp_path / "out")
    assert not summary.complete and "incomplete" in summary.notes[0]
    np.testing.assert_array_equal(summary.table["n"], [40, 34, 9, 40, 40, 40])


def test_sobol_total_index_of_a_parameter_without_effect_is_zero(tmp_path):
    """The share of major violations acts only on deals in force, so it cannot move the first
    deal; the daily chance of a session does (no talks, no deal). With common random
    numbers the estimator sees exactly that."""
    sessions = "calendar.session_chance"
    params = {sessions: "low = 0.005; high = 0.1", VIOLATION: "low = 0.0; high = 1.0"}
    sweep = {"design": '"sobol"', "samples": "16", "replicates": "40", "chunk_size": "1000"}
    run_sweep(write_experiment(tmp_path, sweep=sweep, parameters=params), tmp_path / "out")
    summary = summarise_sweep(tmp_path / "out")
    index = {(r["outcome"], r["parameter"]): r for r in summary.sobol}
    for outcome in ("p_deal_30", "p_deal_90"):
        null = index[outcome, VIOLATION]
        assert abs(null["ST"]) <= 1e-12 and abs(null["S1"]) <= 1e-12, outcome
    driver = index["p_deal_30", sessions]  # 16 base samples: wide intervals
    assert driver["ST"] - driver["ST_conf"] > 0.3 and driver["S1"] > 0.5
    write_summary(summary)
    header = (tmp_path / "out" / "sobol.csv").read_text().splitlines()[0].replace('"', "")
    assert header == "outcome,parameter,S1,S1_conf,ST,ST_conf"

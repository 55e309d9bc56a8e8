"""Bad sweep files and foreign directories: one line naming file and field, exit code 2,
nothing written."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from sim.cli import app
from tests.support.sweeps import experiment_text, tree, write_experiment

runner = CliRunner()


def sweep(tmp_path, *args):
    return runner.invoke(app, ["sweep", *[str(a) for a in args]], catch_exceptions=False)


CASES = {
    "unknown dotted path": (
        {"parameters": {"threats.walz.credibility": "values = [0.1]"}},
        "parameters.\"threats.walz.credibility\": unknown threat 'walz'",
    ),
    "unknown field of an actor": (
        {"parameters": {"actors.russia.patience": "values = [0.1]"}},
        "unknown parameter path 'actors.russia.patience'",
    ),
    "value above the schema bound": (
        {"parameters": {"threats.waltz.credibility": "values = [0.5, 1.2]"}},
        'parameters."threats.waltz.credibility".values[1]: must be <= 1'
        " (got 1.2); allowed range 0 to 1",
    ),
    "value at an open bound": (
        {"parameters": {"negotiation.step_size": "range = { start = 0.0, stop = 0.5, num = 3 }"}},
        'parameters."negotiation.step_size".range.start: must be > 0',
    ),
    "fraction for a whole-number setting": (
        {"parameters": {"implementation.violation_tolerance": "values = [2, 2.5]"}},
        'parameters."implementation.violation_tolerance".values[1]: must be a whole number',
    ),
    "empty grid": (
        {"parameters": {"threats.waltz.credibility": "values = []"}},
        'parameters."threats.waltz.credibility".values: empty: a grid needs at least one value',
    ),
    # model 2 has no negotiation.rounds (the horizon is the calendar); the baseline rule is
    # its remaining structural setting (values are numbers: a sweep varies numbers only)
    "structural setting": (
        {"parameters": {"negotiation.proposal_rule": "values = [0, 1]"}},
        "parameters.\"negotiation.proposal_rule\": 'negotiation.proposal_rule' is structural",
    ),
    "sobol with one parameter": (
        {
            "sweep": {"design": '"sobol"', "samples": "64"},
            "parameters": {"threats.waltz.credibility": "low = 0.0; high = 1.0"},
        },
        "parameters: a sobol design needs at least 2 parameters (got 1)",
    ),
    "sobol samples not a power of two": (
        {
            "sweep": {"design": '"sobol"', "samples": "100"},
            "parameters": {
                "threats.waltz.credibility": "low = 0.0; high = 1.0",
                "actors.russia.aspiration": "low = -0.1; high = 0.1",
            },
        },
        "sweep.samples: a sobol design needs a power of 2 (got 100; try 64 or 128)",
    ),
    "low not below high": (
        {
            "sweep": {"design": '"lhs"', "samples": "10"},
            "parameters": {"threats.waltz.credibility": "low = 0.5; high = 0.5"},
        },
        'parameters."threats.waltz.credibility": low (0.5) must be below high (0.5)',
    ),
    "grid values for a sampled design": (
        {
            "sweep": {"design": '"random"', "samples": "10"},
            "parameters": {"threats.waltz.credibility": "values = [0.1]"},
        },
        "a random design needs 'low' and 'high'",
    ),
    "misspelt setting": (
        {"sweep": {"replicate": "5"}},
        "sweep.replicate: unknown field; did you mean 'replicates'? "
        "(allowed: name, description, base, seed, replicates",
    ),
    "replicates below 1": ({"sweep": {"replicates": "0"}}, "sweep.replicates: must be >= 1"),
    # strict like the scenario schema: quoted numbers are not coerced
    "seed in quotes": ({"sweep": {"seed": '"7"'}}, 'sweep.seed: must be a whole number (got "7")'),
    "fractional replicates": (
        {"sweep": {"replicates": "40.0"}},
        "sweep.replicates: must be a whole number (got 40.0)",
    ),
    "missing base scenario": ({"base": "no-such.toml"}, "sweep.base: scenario file not found"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_sweep_file_is_one_line_exit_2_and_nothing_written(tmp_path, case):
    kwargs, expected = CASES[case]
    exp = write_experiment(tmp_path, **kwargs)
    result = sweep(tmp_path, exp, "--out", tmp_path / "out", "--workers", "1")
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"error: {exp}: ")
    assert expected in lines[0]
    assert "Traceback" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tiny.toml"]


def test_toml_syntax_error_names_the_file(tmp_path):
    exp = tmp_path / "tiny.toml"
    exp.write_text("[sweep\nseed = 1\n")
    result = sweep(tmp_path, exp, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {exp}: line 1, column 7: TOML syntax error")
    assert not (tmp_path / "out").exists()


def test_resume_into_a_directory_of_another_experiment_is_refused_untouched(tmp_path):
    first = write_experiment(tmp_path, "first.toml")
    assert sweep(tmp_path, first, "--out", tmp_path / "out", "--workers", "1").exit_code == 0
    before = tree(tmp_path / "out")
    other = write_experiment(tmp_path, "other.toml", sweep={"seed": "4"})
    result = sweep(tmp_path, other, "--out", tmp_path / "out", "--workers", "1")
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(
        f"error: {tmp_path / 'out'}: holds a sweep of a different experiment"
    )
    assert "first.toml" in lines[0] and str(other) in lines[0]
    assert tree(tmp_path / "out") == before


def test_resume_after_the_base_scenario_changed_is_refused_untouched(tmp_path):
    from sim.scenario.load import DEFAULT_SCENARIO

    base = tmp_path / "base.toml"
    base.write_text(DEFAULT_SCENARIO.read_text())
    exp = write_experiment(tmp_path, base=str(base))
    assert sweep(tmp_path, exp, "--out", tmp_path / "out", "--workers", "1").exit_code == 0
    before = tree(tmp_path / "out")
    base.write_text(DEFAULT_SCENARIO.read_text().replace("credibility = 0.4", "credibility = 0.5"))
    result = sweep(tmp_path, exp, "--out", tmp_path / "out", "--workers", "1")
    assert result.exit_code == 2
    assert "holds a sweep of a different base scenario" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert tree(tmp_path / "out") == before


def test_a_second_sweep_into_a_directory_in_use_is_refused(tmp_path):
    from sim.sweep.store import locked

    exp = write_experiment(tmp_path)
    assert sweep(tmp_path, exp, "--out", tmp_path / "out", "--workers", "1").exit_code == 0
    with locked(tmp_path / "out"):
        result = sweep(tmp_path, exp, "--out", tmp_path / "out", "--workers", "1")
    assert result.exit_code == 2
    assert (
        result.stderr.strip()
        == f"error: {tmp_path / 'out'}: another sweep is writing to it right now"
    )


def test_a_directory_that_is_not_a_sweep_is_refused_untouched(tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "notes.txt").write_text("mine")
    exp = write_experiment(tmp_path)
    result = sweep(tmp_path, exp, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert "is not a sweep directory" in result.stderr
    assert tree(tmp_path / "out") == {"notes.txt": b"mine"}


def test_unknown_backend_and_dask_without_scheduler_are_refused(tmp_path, monkeypatch):
    monkeypatch.delenv("DASK_SCHEDULER_ADDRESS", raising=False)
    exp = write_experiment(tmp_path)
    result = sweep(tmp_path, exp, "--out", tmp_path / "a", "--backend", "slurm")
    assert result.exit_code == 2 and "--backend: must be one of local, dask, dask-local" in (
        result.stderr
    )
    result = sweep(tmp_path, exp, "--out", tmp_path / "b", "--backend", "dask")
    assert result.exit_code == 2 and "needs --scheduler" in result.stderr
    assert not (tmp_path / "a").exists()


def test_summarize_refuses_a_directory_without_a_manifest(tmp_path):
    result = runner.invoke(app, ["summarize", str(tmp_path)])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: {tmp_path}: not a sweep directory (no manifest.json)"


def test_the_file_names_of_the_example_sweep_file_format_are_all_accepted(tmp_path):
    text = experiment_text(
        sweep={"name": '"x"', "description": '"y"', "common_random_numbers": "true"},
        parameters={"threats.waltz.credibility": 'values = [0.2]; description = "P7"'},
    )
    (tmp_path / "ok.toml").write_text(text)
    result = sweep(tmp_path, tmp_path / "ok.toml", "--out", tmp_path / "out", "--workers", "1")
    assert result.exit_code == 0, result.output
    assert "Sweep complete: 1 point x 40 replicates = 40 runs" in result.stdout

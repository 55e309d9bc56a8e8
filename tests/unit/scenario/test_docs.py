"""docs/scenarios.md agrees with the schema and its examples work."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from sim.engine import parameters
from sim.engine.model import CeasefireModel
from sim.scenario import docs
from sim.scenario.load import DEFAULT_SCENARIO, ScenarioError, load_scenario, parse_scenario
from sim.scenario.paths import STRUCTURAL, UnknownPath, locate
from sim.scenario.schema import Actor, Meta, Scenario

TEXT = docs.SCENARIOS_DOC.read_text(encoding="utf-8")


def section(heading: str) -> str:
    """The text of one '## heading' section of docs/scenarios.md."""
    start = TEXT.index(f"## {heading}\n")
    end = TEXT.find("\n## ", start + 1)
    return TEXT[start : end if end > 0 else None]


def test_the_committed_field_reference_is_the_generated_one():
    """Fails when the schema changed and `python -m sim.scenario.docs` was not run."""
    assert docs.with_reference(TEXT, docs.field_reference()) == TEXT


def test_the_reference_documents_every_field_of_every_table():
    reference = TEXT[TEXT.index(docs.BEGIN) : TEXT.index(docs.END)]
    tables = dict(docs.sections(Scenario, ""))
    assert {"scenario", "actors.<actor>", "actors.<actor>.stances.<issue>.red_line"} <= set(tables)
    for path, model in tables.items():
        start = reference.index(f"### `[{path}]`")
        end = reference.find("### ", start + 1)
        body = reference[start : end if end > 0 else None]
        for name, info in model.model_fields.items():
            row = next(line for line in body.splitlines() if line.startswith(f"| `{name}` |"))
            assert info.description is None or " ".join(info.description.split()) in row


def test_bounds_types_and_defaults_are_rendered_from_the_schema():
    fields = Actor.model_fields
    assert docs.bounds(fields["capability"]) == "0 < x ≤ 100"
    assert docs.bounds(fields["ties"]) == "0 ≤ each value ≤ 100"
    assert docs.bounds(fields["name"]) == "at most 200 characters"
    assert docs.bounds(Meta.model_fields["start_date"]) == "1800-01-01 ≤ x ≤ 2199-12-31"
    assert docs.default(fields["planning_horizon"]) == "90"
    assert docs.default(fields["aspiration"]) == "0"
    assert docs.default(fields["capability"]) == "required"
    assert docs.default(fields["ties"]) == "empty"
    assert (
        docs.type_name(fields["role"].annotation) == 'one of `"mediator"`, `"party"`, `"supporter"`'
    )
    assert docs.type_name(fields["evidence"].annotation) == "text (optional)"
    assert docs.type_name(fields["ties"].annotation, "actor id") == "table: actor id = number"


def test_check_mode_reports_a_stale_reference(tmp_path, capsys):
    stale = tmp_path / "scenarios.md"
    stale.write_text(f"# Doc\n\n{docs.BEGIN}\nold text\n{docs.END}\n", encoding="utf-8")
    assert docs.main(["--check"], stale) == 1
    assert "out of date" in capsys.readouterr().out
    assert docs.main([], stale) == 0
    assert docs.main(["--check"], stale) == 0
    assert docs.field_reference() in stale.read_text(encoding="utf-8")
    with pytest.raises(ValueError, match="markers"):
        docs.with_reference("no markers here", "x")


def toml_blocks(text: str) -> list[str]:
    return re.findall(r"```toml\n(.*?)```", text, flags=re.DOTALL)


def worked_example() -> str:
    complete = [
        b for b in toml_blocks(section("A worked example, from scratch")) if "[scenario]" in b
    ]
    assert len(complete) == 1
    return complete[0]


def test_the_worked_example_validates():
    scenario = parse_scenario(tomllib.loads(worked_example()), "docs/scenarios.md example")
    assert list(scenario.fronts) == ["kursk"]
    assert [t.fronts for t in scenario.tracks.values()] == ["all", []]  # comprehensive, partial
    assert scenario.scenario.horizon == 112  # 11 March to 30 June


# The engine reads format v2 once core's parameters land (model 2); until then only the
# validation above can run on the format branch.
ENGINE_READS_V2 = "control0" in Path(parameters.__file__).read_text(encoding="utf-8")


@pytest.mark.skipif(not ENGINE_READS_V2, reason="the engine does not read format v2 yet")
def test_the_worked_example_runs():
    scenario = parse_scenario(tomllib.loads(worked_example()), "docs/scenarios.md example")
    model = CeasefireModel(scenario, 50, 1, record="none")
    model.run_model()
    assert (model.outcomes()["deals"] > 0).any()


def test_the_event_example_is_valid_in_the_default_scenario():
    (snippet,) = toml_blocks(section("A worked example: a variant of the default"))
    data = tomllib.loads(DEFAULT_SCENARIO.read_text()) | {}
    data["events"] = data.get("events", {}) | tomllib.loads(snippet)["events"]
    scenario = parse_scenario(data, "default + docs example")
    assert scenario.events["kursk_offensive"].set == {
        "fronts.kursk.drift": 0.01,
        "fronts.kursk.intensity": 1.5,
    }


PATH = r"`((?:actors|issues|fronts|calendar|threats|negotiation|implementation)\.[a-z_.]+)`"


def test_every_example_path_names_a_parameter_of_the_default():
    s = load_scenario(DEFAULT_SCENARIO)
    text = section("Parameter paths")
    table = "\n".join(line for line in text.splitlines() if line.startswith("|"))
    paths = re.findall(PATH, table)
    assert len(paths) >= 12
    assert {p.split(".")[0] for p in paths} >= {"fronts", "actors", "calendar", "threats"}
    for path in paths:
        locate(s, path)  # raises UnknownPath if the docs name a path that does not exist
    structural = re.findall(PATH, text.split(table)[-1])
    assert set(structural) == STRUCTURAL  # the paths the text says cannot vary
    for path in structural:
        with pytest.raises(UnknownPath, match="structural"):
            locate(s, path)


def test_a_scenario_without_tracks_is_rejected_as_the_docs_say():
    """'at least one issue and one track' is one of the rules listed: a file with nothing
    the mediator can table is refused, with the table named."""
    assert "at least one issue and one track" in section("Rules that span fields")
    data = tomllib.loads(worked_example())
    data["tracks"] = {}
    with pytest.raises(ScenarioError) as err:
        parse_scenario(data, "no-tracks.toml")
    assert err.value.lines == [
        "no-tracks.toml: tracks: need at least one track (a kind of deal that can be tabled)",
        "no-tracks.toml: threats.waltz.track: unknown track 'full' (known: none)",
    ]


def test_the_sides_of_the_example_front_must_be_parties():
    """A rule of model 2 the docs list: a front's sides are two distinct parties."""
    assert "a front's `sides` are two distinct parties" in section("Rules that span fields")
    data = tomllib.loads(worked_example())
    data["fronts"]["kursk"]["sides"] = ["ukraine", "united_states"]
    with pytest.raises(ScenarioError) as err:
        parse_scenario(data, "kursk.toml")
    assert err.value.lines == [
        "kursk.toml: fronts.kursk.sides: need two distinct parties, [first, second] "
        '(allowed: russia, ukraine; got ["ukraine", "united_states"])'
    ]
    assert " ".join(err.value.lines[0].split("kursk.toml: ", 1)[1].split()) in " ".join(
        section("A worked example, from scratch").replace("`", "").split()
    )


def test_every_removed_v1_field_in_the_table_is_refused_with_its_replacement():
    """The 'From version 1' table: each removed field gives the line the docs promise."""
    text = section("From version 1")
    data = tomllib.loads(worked_example())
    data["actors"]["russia"]["reservation"] = 0.84
    data["negotiation"] = {"rounds": 60}
    with pytest.raises(ScenarioError) as err:
        parse_scenario(data, "v1.toml")
    assert [line.split(": ", 2)[1] for line in err.value.lines] == ["negotiation", "actors.russia"]
    for field in ("reservation", "war_cost", "concession_style", "negotiation.rounds"):
        assert f"`{field}" in text or f".{field}`" in text


# --- README and sweep files agree with the code (docs drift) --------------------------------

ROOT = DEFAULT_SCENARIO.parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
EXPERIMENTS = [  # sweep files (experiments/calibrate-*.toml are calibration files)
    p for p in sorted((ROOT / "experiments").glob("*.toml")) if "[sweep]" in p.read_text()
]


def test_readme_sweep_lines_count_parameters_and_runs_from_the_files():
    """Reproducer: the README said the Sobol sweep has 13 parameters (the file has 14)."""
    sobol = tomllib.loads((ROOT / "experiments/sensitivity-march-2025.toml").read_text())
    k, n, reps = len(sobol["parameters"]), sobol["sweep"]["samples"], sobol["sweep"]["replicates"]
    runs = n * (k + 2) * reps
    line = next(x for x in README.splitlines() if "sensitivity-march-2025.toml    #" in x)
    assert f"Sobol' over {k} stances and levers, {runs / 1e6:.1f} M runs" in line
    grid = tomllib.loads((ROOT / "experiments/pressure-vs-monitoring.toml").read_text())
    axes = [p["range"]["num"] for p in grid["parameters"].values()]
    line = next(x for x in README.splitlines() if "pressure-vs-monitoring.toml    #" in x)
    assert " x ".join(map(str, [*axes, grid["sweep"]["replicates"]])) in line
    mc = tomllib.loads((ROOT / "experiments/monte-carlo-march-2025.toml").read_text())
    line = next(x for x in README.splitlines() if "monte-carlo-march-2025.toml    #" in x)
    assert f"{mc['sweep']['replicates']:,} replicates" in line


def test_readme_plot_lists_name_every_chart_of_the_registries():
    """Reproducer: the `plot` lists omitted `acceptance` and `shares`."""
    from sim.charts import CHARTS, FORMATS
    from sim.charts.sweep import SWEEP_CHARTS

    bullet = README[README.index("- `plot` writes") : README.index("- `compare` writes")]
    run_part, sweep_part = bullet.split("for a sweep")
    named = lambda text: re.findall(r"`([a-z_]+)`", text)  # noqa: E731
    assert [n for n in named(run_part) if n != "plot"] == list(CHARTS)
    assert named(sweep_part) == list(SWEEP_CHARTS)
    for fmt in FORMATS:
        assert fmt.upper() in bullet


NUMBER_SAID = re.compile(r"(?:around|\(scenario(?: default)?) (-?\d+(?:\.\d+)?)")


def _base_value(scenario, path: str) -> float:
    """The scenario's value at a sweep path; a spread's path names the value it spreads."""
    parts = [p for p in path.split(".") if p != "spread"]
    node = scenario.model_dump()
    for part in parts:
        node = node[part]
    return float(node)


@pytest.mark.parametrize("experiment", EXPERIMENTS, ids=[p.stem for p in EXPERIMENTS])
def test_sweep_descriptions_quote_the_base_scenarios_values(experiment):
    """Reproducer: the Monte Carlo sweep described Russia's concession rate as 'around 0.05'
    where the scenario has 0.01. Every '(scenario X)' or 'around X' must be the value."""
    data = tomllib.loads(experiment.read_text(encoding="utf-8"))
    scenario = load_scenario(experiment.parent / data["sweep"]["base"])
    checked = 0
    for path, spec in data["parameters"].items():
        said = NUMBER_SAID.findall(spec.get("description", ""))
        for number in said:
            assert float(number) == pytest.approx(_base_value(scenario, path)), (path, spec)
            checked += 1
    if experiment.stem != "pressure-vs-monitoring":  # its descriptions quote no number
        assert checked >= 4


def test_the_calendar_is_said_in_one_phrase_with_the_horizon_it_runs():
    """Reports and the dashboard say the run's span with describe.calendar_span; the phrase
    counts day 0 to the end date inclusive, as the horizon does (model 2: no rounds)."""
    from sim.scenario.describe import calendar_span
    from sim.scenario.facts import scenario_facts

    s = load_scenario(DEFAULT_SCENARIO)
    span = calendar_span(s.scenario.start_date, s.scenario.last_date)
    assert span == "296 days (11 Mar 2025 to 31 Dec 2025)"
    assert s.scenario.horizon == 296
    facts = scenario_facts(s)
    assert (facts["end_date"], facts["horizon"]) == ("2025-12-31", 296)
    assert facts["track_fronts"][0] == list(s.fronts)  # "all" is spelled out for charts


def test_the_package_licence_is_an_spdx_expression_with_its_file():
    """Reproducer: a cold build printed four setuptools licence-table deprecation warnings."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["license"] == "MIT"
    for name in pyproject["project"]["license-files"]:
        assert "MIT License" in (ROOT / name).read_text(encoding="utf-8")
    assert "setuptools>=77" in pyproject["build-system"]["requires"]

"""docs/scenarios.md agrees with the schema and its examples work."""

from __future__ import annotations

import re
import tomllib

import pytest

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
    assert docs.default(fields["reservation"]) == "0.5"
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


def test_the_worked_example_validates_and_runs():
    complete = [
        b for b in toml_blocks(section("A worked example, from scratch")) if "[scenario]" in b
    ]
    assert len(complete) == 1
    scenario = parse_scenario(tomllib.loads(complete[0]), "docs/scenarios.md example")
    model = CeasefireModel(scenario, 50, 1, record="none")
    model.run_model()
    assert model.outcomes()["agreed"].any()


def test_the_event_example_is_valid_in_the_default_scenario():
    (snippet,) = toml_blocks(section("A worked example: a variant of the default"))
    data = tomllib.loads(DEFAULT_SCENARIO.read_text()) | {}
    data["events"] = data.get("events", {}) | tomllib.loads(snippet)["events"]
    scenario = parse_scenario(data, "default + docs example")
    assert "kursk_lost" in scenario.events


PATH = r"`((?:actors|issues|threats|negotiation|implementation)\.[a-z_.]+)`"


def test_every_example_path_names_a_parameter_of_the_default():
    s = load_scenario(DEFAULT_SCENARIO)
    text = section("Parameter paths")
    table = "\n".join(line for line in text.splitlines() if line.startswith("|"))
    paths = re.findall(PATH, table)
    assert len(paths) >= 8
    for path in paths:
        locate(s, path)  # raises UnknownPath if the docs name a path that does not exist
    structural = re.findall(PATH, text.split(table)[-1])
    assert set(structural) == STRUCTURAL  # the paths the text says cannot vary
    for path in structural:
        with pytest.raises(UnknownPath, match="structural"):
            locate(s, path)


def test_a_scenario_without_a_scope_issue_is_rejected_as_the_docs_say():
    """'an issue with id `scope`' is one of the rules listed; without it the run would fail."""
    assert "an issue with id `scope`" in section("Rules that span fields")
    (complete,) = [
        b for b in toml_blocks(section("A worked example, from scratch")) if "[scenario]" in b
    ]
    data = tomllib.loads(complete.replace("scope", "reach"))
    with pytest.raises(ScenarioError) as err:
        parse_scenario(data, "no-scope.toml")
    assert err.value.lines == [
        "no-scope.toml: issues: need an issue with id 'scope' (the ceasefire's scope decides "
        "the outcome class and how many violations it invites)"
    ]


# --- README and sweep files agree with the code (docs drift) --------------------------------

ROOT = DEFAULT_SCENARIO.parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
EXPERIMENTS = sorted((ROOT / "experiments").glob("*.toml"))


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


def test_report_and_dashboard_count_the_rounds_alike(scenario):
    """Reproducer: the dashboard said 'Round 0 of 61' where the report said 60 rounds."""
    from sim.dashboard.panels import round_status
    from sim.report.sections import scenario_section
    from sim.scenario.describe import talks_span

    span = talks_span(scenario.scenario.start_date, scenario.negotiation.rounds)
    assert span == "61 rounds (round 0 on 11 Mar 2025 to round 60 on 10 May 2025)"
    assert span in scenario_section(scenario, None)
    from tests.conftest import NO_AGREEMENT

    model = CeasefireModel(scenario, 20, 1, record="none", overrides=NO_AGREEMENT)
    assert span in round_status(model)
    while model.phase == "negotiation":  # no replicate can agree: the talks run to the end
        model.step()
    assert model.round == 61  # rounds 0..60 were played, as the phrase says
    assert round_status(model) == "Run done: 61 of 61 rounds of talks, no agreement"


def test_the_package_licence_is_an_spdx_expression_with_its_file():
    """Reproducer: a cold build printed four setuptools licence-table deprecation warnings."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["license"] == "MIT"
    for name in pyproject["project"]["license-files"]:
        assert "MIT License" in (ROOT / name).read_text(encoding="utf-8")
    assert "setuptools>=77" in pyproject["build-system"]["requires"]

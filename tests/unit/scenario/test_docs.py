"""docs/scenarios.md agrees with the schema and its examples work."""

from __future__ import annotations

import re
import tomllib

import pytest

from sim.engine.model import CeasefireModel
from sim.scenario import docs
from sim.scenario.load import DEFAULT_SCENARIO, ScenarioError, load_scenario, parse_scenario
from sim.scenario.paths import STRUCTURAL, UnknownPath, locate
from sim.scenario.schema import Actor, Scenario

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
    assert docs.bounds(fields["name"]) == ""
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

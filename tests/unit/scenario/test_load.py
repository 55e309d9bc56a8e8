"""Scenario validation: every malformed file gives one exact `FILE: dotted.path: message` line
per problem, naming the field and the allowed range or the known ids (issue 2, item 2)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.scenario.errors import shown
from sim.scenario.load import DEFAULT_SCENARIO, ScenarioError, load_scenario
from tests.support.malformed import CASES, DEFAULT_TEXT, KURSK, Case, matches, set_key


def errors_of(case: Case, tmp_path) -> tuple[list[str], list]:
    path = case.write(tmp_path)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return info.value.lines, case.lines(str(path))


def test_the_unedited_copy_is_valid(tmp_path):
    """Control: the copies differ from a valid file only by their edit."""
    path = tmp_path / "copy.toml"
    path.write_text(DEFAULT_TEXT, encoding="utf-8")
    assert load_scenario(path) == load_scenario(DEFAULT_SCENARIO)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_malformed_file_gives_its_exact_error_lines(case, tmp_path):
    got, expected = errors_of(case, tmp_path)
    assert matches(got, expected), "\n".join(["got:", *got, "expected:", *map(str, expected)])


def test_the_issue_example_line_verbatim(tmp_path, monkeypatch):
    """The line issue 2 quotes, character for character."""
    monkeypatch.chdir(tmp_path)
    Path("scenarios").mkdir()
    Path("scenarios/x.toml").write_text(set_key(DEFAULT_TEXT, KURSK, "salience", "-0.2"))
    with pytest.raises(ScenarioError) as info:
        load_scenario("scenarios/x.toml")
    assert info.value.lines == [
        "scenarios/x.toml: actors.russia.stances.kursk.salience: must be >= 0 (got -0.2)"
    ]


def test_every_problem_is_reported_not_just_the_first(tmp_path):
    text = set_key(DEFAULT_TEXT, KURSK, "salience", "-0.2")
    text = set_key(text, "actors.ukraine", "aspiration", "1.5")
    path = tmp_path / "two.toml"
    path.write_text(text)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert info.value.lines == [
        f"{path}: actors.russia.stances.kursk.salience: must be >= 0 (got -0.2)",
        f"{path}: actors.ukraine.aspiration: must be <= 1 (got 1.5)",
    ]


def test_cross_reference_problems_are_all_reported(tmp_path):
    text = set_key(DEFAULT_TEXT, "threats.waltz", "by", '"usa"')
    text = set_key(text, "threats.waltz", "issued", "2025-03-01")
    path = tmp_path / "two.toml"
    path.write_text(text)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert [line.split(": ", 2)[1] for line in info.value.lines] == [
        "threats.waltz.by",
        "threats.waltz.issued",
    ]


def test_missing_file(tmp_path):
    path = tmp_path / "nope.toml"
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert info.value.lines == [f"{path}: file not found"]


def test_a_directory_is_not_a_scenario(tmp_path):
    with pytest.raises(ScenarioError) as info:
        load_scenario(tmp_path)
    assert info.value.lines == [f"{tmp_path}: is a directory, not a scenario file"]


def test_a_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "latin1.toml"
    path.write_bytes(DEFAULT_TEXT.replace("Kursk", "K\xfcrsk").encode("latin-1"))
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    (line,) = info.value.lines
    offset = DEFAULT_TEXT.index("Kursk") + 1
    assert line == f"{path}: not UTF-8 text (invalid start byte at byte {offset})"


def test_windows_line_endings_are_accepted(tmp_path):
    path = tmp_path / "crlf.toml"
    path.write_bytes(DEFAULT_TEXT.replace("\n", "\r\n").encode())
    assert load_scenario(path) == load_scenario(DEFAULT_SCENARIO)


def test_dates_may_be_written_as_quoted_iso_strings(tmp_path):
    """Only numbers are strict; a quoted ISO date is unambiguous and stays accepted."""
    path = tmp_path / "quoted.toml"
    path.write_text(set_key(DEFAULT_TEXT, "threats.waltz", "issued", '"2025-03-16"'))
    assert (
        load_scenario(path).threats["waltz"].issued
        == load_scenario(DEFAULT_SCENARIO).threats["waltz"].issued
    )


@given(
    st.one_of(
        st.floats(allow_nan=False),
        st.integers(min_value=-(2**63), max_value=2**63 - 1),
        st.booleans(),
        st.text(max_size=60),
    )
)
def test_values_in_messages_are_spelled_as_in_toml(value):
    """`(got X)` shows X as the user would write it: pasting it back reads the same value."""
    assert tomllib.loads(f"v = {shown(value)}")["v"] == value

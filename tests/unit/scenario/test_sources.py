"""The evidence trail can be checked from the project alone: sources/ ships each source's
bibliographic record and a digest of every cited paragraph, every locator a scenario cites
is in its digest, and the report and dashboard print the digest beside each stance."""

from __future__ import annotations

import html
import re
import shutil
import tomllib

import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.dashboard.panels import actor_evidence, evidence_html
from sim.scenario.errors import ScenarioError
from sim.scenario.load import DEFAULT_SCENARIO, SCENARIO_DIR, load_scenario
from sim.scenario.sources import (
    LOCATOR,
    RECORD_FIELDS,
    SOURCES_DIR,
    load_digest,
    scenario_digests,
)

DIGEST = SOURCES_DIR / "ceasefire-talks-2025-03.toml"
SHIPPED = sorted(SCENARIO_DIR.glob("*.toml"))


def validate(path) -> tuple[int, list[str]]:
    result = CliRunner().invoke(app, ["validate", str(path)])
    return result.exit_code, result.stderr.strip().splitlines()


def test_the_digest_holds_a_full_record_and_every_paragraph_p0_to_p8():
    digest = load_digest(DIGEST)
    assert list(digest.paragraphs) == [f"P{i}" for i in range(9)]
    assert all(len(text.split()) >= 5 for text in digest.paragraphs.values())
    for field in RECORD_FIELDS:
        assert getattr(digest.record, field).strip()
    # what the article's header and byline state; what they do not is 'unknown', not a guess
    assert digest.record.author == "Tamilla Hasanova"
    assert digest.record.title.startswith("US engages in diplomatic talks")
    assert digest.record.url == digest.record.date == digest.record.outlet == "unknown"


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_every_shipped_scenario_cites_only_paragraphs_of_its_digest(path):
    scenario = load_scenario(path)  # raises on a locator the digest lacks
    digests = scenario_digests(scenario, path)
    assert list(digests) == ["article"] and digests["article"].name == (
        "sources/ceasefire-talks-2025-03.toml"
    )
    cited = set(LOCATOR.findall(path.read_text(encoding="utf-8").split("[negotiation]")[1]))
    assert cited and cited <= set(digests["article"].paragraphs)


def test_a_locator_missing_from_the_digest_is_one_line_naming_file_field_and_digest(tmp_path):
    bad = tmp_path / "p9.toml"
    text = DEFAULT_SCENARIO.read_text(encoding="utf-8")
    bad.write_text(text.replace('evidence = "P6: Putin raised the monitoring', 'evidence = "P9: x'))
    code, lines = validate(bad)
    assert code == 2
    assert lines == [
        f"error: {bad}: actors.russia.stances.monitoring.evidence: cites P9, which is not a "
        'paragraph of sources/ceasefire-talks-2025-03.toml (it has P0..P8) (got "P9: x of '
        'the ceasefire as a critical issue")'
    ]


def test_a_source_file_that_is_no_digest_is_refused(tmp_path):
    old = tmp_path / "old.toml"
    text = DEFAULT_SCENARIO.read_text(encoding="utf-8")
    old.write_text(
        re.sub(r'file = "[^"]+"', 'file = "shared/sources/ceasefire-talks-2025-03.txt"', text)
    )
    code, lines = validate(old)
    assert code == 2 and len(lines) == 1
    assert "scenario.sources.article.file: no digest file" in lines[0]
    assert '(got "shared/sources/ceasefire-talks-2025-03.txt")' in lines[0]


def test_evidence_without_any_declared_source_is_refused(tmp_path):
    text = DEFAULT_SCENARIO.read_text(encoding="utf-8")
    start = text.index("[scenario.sources.article]")
    end = text.index("# --- the calendar")
    bare = tmp_path / "bare.toml"
    bare.write_text(text[:start] + text[end:])
    with pytest.raises(ScenarioError) as err:
        load_scenario(bare)
    assert all("no [scenario.sources.<id>] table with a digest file" in x for x in err.value.lines)
    assert len(err.value.lines) == text.count('evidence = "')


def test_with_two_sources_a_citation_names_its_source(tmp_path):
    """A digest beside the scenario is found there; with two sources 'P6' is ambiguous."""
    folder = tmp_path / "mine"
    (folder / "sources").mkdir(parents=True)
    shutil.copy(DIGEST, folder / "sources" / "other.toml")
    text = DEFAULT_SCENARIO.read_text(encoding="utf-8")
    second = '[scenario.sources.other]\ntitle = "Another"\nfile = "sources/other.toml"\n\n'
    two = text.replace("[negotiation]", second + "[negotiation]", 1)
    path = folder / "two.toml"
    path.write_text(two)
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert (
        "name the source first, e.g. 'article P6: ...' (sources: article, other)"
        in (err.value.lines[0])
    )
    named = re.sub(r'evidence = "(P\d)', r'evidence = "other \1', two)
    path.write_text(named)
    scenario = load_scenario(path)
    assert scenario_digests(scenario, path)["other"].name.endswith("other.toml")


def test_a_malformed_digest_is_reported_with_its_own_file(tmp_path):
    folder = tmp_path / "s"
    (folder / "sources").mkdir(parents=True)
    digest = tomllib.loads(DIGEST.read_text(encoding="utf-8"))
    lines = DIGEST.read_text(encoding="utf-8").replace('author = "Tamilla Hasanova"\n', "")
    (folder / "sources" / "broken.toml").write_text(lines)
    assert "author" in digest["record"]
    text = DEFAULT_SCENARIO.read_text(encoding="utf-8")
    path = folder / "x.toml"
    path.write_text(re.sub(r'file = "[^"]+"', 'file = "sources/broken.toml"', text))
    code, errors = validate(path)
    assert code == 2
    assert errors == [
        f"error: {folder / 'sources' / 'broken.toml'}: record.author: required field is missing"
    ]


def test_the_report_prints_the_record_and_each_cited_digest(run_dirs, tmp_path):
    d = tmp_path / "run"
    shutil.copytree(run_dirs["single"], d)  # its scenario.toml cannot see ../sources/
    assert CliRunner().invoke(app, ["report", str(d)]).exit_code == 0
    text = html.unescape((d / "report.html").read_text(encoding="utf-8"))
    digest = load_digest(DIGEST)
    assert "shared/sources" not in text  # the old path, which no reader has
    scenario_part = text[text.index('<section id="scenario">') : text.index('id="evidence"')]
    for field in RECORD_FIELDS:
        assert getattr(digest.record, field) in scenario_part
    for p, said in digest.paragraphs.items():
        assert f"<td>{p}</td><td>{said}</td>" in scenario_part
    evidence = text[text.index('<section id="evidence">') : text.index('<section id="timeline">')]
    scenario = load_scenario(DEFAULT_SCENARIO)
    cited = [st for a in scenario.actors.values() for st in a.stances.values() if st.evidence]
    for stance in cited:
        for p in dict.fromkeys(LOCATOR.findall(stance.evidence)):
            assert f"<b>{p}</b> says: {digest.paragraphs[p]}" in evidence
    assert evidence.count("</b> says: ") == sum(
        len(dict.fromkeys(LOCATOR.findall(st.evidence))) for st in cited
    )


def test_the_dashboard_evidence_tab_shows_what_each_cited_paragraph_says():
    scenario = load_scenario(DEFAULT_SCENARIO)
    digest = load_digest(DIGEST)
    rows = actor_evidence(scenario, "russia", DEFAULT_SCENARIO)
    kursk = rows[list(scenario.issues).index("kursk")]
    assert kursk["digest"] == f"P6: {digest.paragraphs['P6']}"
    ukraine = {r["issue"]: r for r in actor_evidence(scenario, "ukraine")}
    assert ukraine["Monitoring"]["digest"] == ""  # an assumption cites nothing
    page = html.unescape(evidence_html(scenario, "russia", DEFAULT_SCENARIO))
    assert "What the paragraph says" in page and digest.paragraphs["P6"] in page
    assert "waltz" not in page and "united_states" not in page

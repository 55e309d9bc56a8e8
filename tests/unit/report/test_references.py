"""The bibliography (sim/data/references.toml) loads, formats as docs/model.md lists it,
resolves every short cite of validation/patterns.toml, and reaches the check report."""

from __future__ import annotations

import json
import re
import tomllib

import pytest

from sim.report import references as refs
from sim.report.check import render_check_report
from sim.scenario.docs import with_reference
from sim.validation.patterns import PATTERNS_FILE

WORKS = refs.load_references()
MODEL_TEXT = refs.MODEL_DOC.read_text(encoding="utf-8")

# Parts of a `source` that cite no work of the bibliography, on purpose: the model's own
# sections, and the shipped ETH/PRIO tables (sim/data/eth-prio/; the dataset's paper,
# Clayton et al. 2023, is cited by name where a pattern rests on it).
NOT_WORKS = (
    re.compile(r"MODEL\.md section \d+"),
    re.compile(r"ETH/PRIO ceasefire-(durations|shares)\.csv: .+"),
)


def test_every_entry_loads_and_formats_in_the_lists_style():
    assert len(WORKS) == 25
    for ref in WORKS.values():
        text = refs.format_reference(ref)
        assert text.startswith(f"{ref.authors[0]}")
        assert f"({ref.year}{ref.suffix})." in text and ref.title in text
        assert text.count("*") == 2, text  # exactly one run in italics
        html = refs.reference_html(ref)
        assert "*" not in html and html.count("<i>") == 1, html
    fearon, baron = WORKS["fearon1995"], WORKS["baron1989"]
    assert refs.format_reference(fearon) == (
        "Fearon, J. D. (1995). Rationalist explanations for war. "
        "*International Organization* 49(3)."
    )
    assert refs.format_reference(WORKS["touval1985"]) == (
        "Touval, S., & Zartman, I. W. (Eds.) (1985). "
        "*International Mediation in Theory and Practice*. Westview."
    )
    assert "doi:10.1007/978-3-642-24412-4_16." in refs.format_reference(WORKS["garivier2011"])
    assert (fearon.cite, baron.cite) == ("Fearon 1995", "Baron & Ferejohn 1989")
    assert WORKS["clayton2023"].cite == "Clayton et al. 2023"


def test_the_list_is_sorted_by_surname_then_year():
    keys = list(WORKS)
    order = [keys.index(k) for k in ("beaumont2009", "buenodemesquita1994", "clayton2023")]
    assert order == sorted(order)
    assert keys.index("powell2004") + 1 == keys.index("powell2006")


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("Fearon 1995", ["fearon1995"]),
        ("Clayton et al. 2023", ["clayton2023"]),
        ("Bueno de Mesquita & Stokman 1994", ["buenodemesquita1994"]),
        ("Garivier & Moulines 2011", ["garivier2011"]),
        ("a SplitMix64 hash (Steele, Lea & Flood 2014)", ["steele2014"]),
        ("Clayton, Nygard, Rustad & Strand 2023", ["clayton2023"]),
        ("Fearon (1995)", ["fearon1995"]),
        ("MODEL.md section 8; Fearon 1995; Slantchev 2003 (x)", ["fearon1995", "slantchev2003"]),
        ("Slantchev 2003 and Fearon 1995", ["slantchev2003", "fearon1995"]),
        ("Powell 2006", ["powell2006"]),
        ("Fearon 1996", []),  # a year the bibliography does not have
        ("Powell 2004a", []),  # a suffix it does not have
        ("Mesquita 1994", []),  # not the first author's whole surname
        ("MODEL.md section 8", []),
        ("ETH/PRIO ceasefire-shares.csv: coverage=partial 677 of 2,203", []),
    ],
)
def test_short_cites_resolve_by_first_surname_and_year(text, keys):
    assert [r.key for r in refs.cited(text)] == keys


def _pattern_sources() -> list[str]:
    data = tomllib.loads(PATTERNS_FILE.read_text(encoding="utf-8"))
    return [p["source"] for p in data["patterns"].values()]


def test_every_cite_in_the_patterns_file_resolves_or_is_allowed():
    resolved = set()
    for source in _pattern_sources():
        for part in source.split(";"):
            part = re.sub(r"\s*\([^)]*\)", "", part).strip()
            works = refs.cited(part)
            if works:
                assert len(works) == 1, part
                resolved |= {w.key for w in works}
            else:
                assert any(p.fullmatch(part) for p in NOT_WORKS), f"unresolved cite: {part!r}"
    assert resolved == {"clayton2023", "fearon1995", "slantchev2003"} | {
        "schelling1966",
        "sechser2011",
    }


def test_the_loader_names_the_table_of_a_bad_entry(tmp_path):
    bad = tmp_path / "references.toml"
    bad.write_text('[nobody2000]\nauthors = ["Nobody, A."]\nyear = 2000\ntitle = "T"\n')
    with pytest.raises(ValueError, match="nobody2000: needs a venue"):
        refs.load_references(bad)
    bad.write_text('[x2000]\nauthors = ["Nobody A."]\nyear = 2000\ntitle = "T"\nvenue = "V"\n')
    with pytest.raises(ValueError, match="x2000: authors"):
        refs.load_references(bad)


def test_the_bibliography_ships_with_the_package():
    """Reports are written from an installed package, where docs/ is absent."""
    pyproject = tomllib.loads((refs.MODEL_DOC.parents[1] / "pyproject.toml").read_text())
    shipped = pyproject["tool"]["setuptools"]["package-data"]["sim"]
    assert refs.REFERENCES.relative_to(refs.REFERENCES.parents[1]).as_posix() in shipped


# --- docs/model.md -------------------------------------------------------------------------


def test_the_committed_references_of_model_md_are_the_generated_ones():
    """Fails when references.toml changed and `python -m sim.report.references` was not run."""
    assert with_reference(MODEL_TEXT, refs.references_block(), refs.BEGIN, refs.END) == MODEL_TEXT
    block = MODEL_TEXT[MODEL_TEXT.index(refs.BEGIN) : MODEL_TEXT.index(refs.END)]
    assert len(re.findall(r"^- ", block, flags=re.MULTILINE)) == len(WORKS)
    references = MODEL_TEXT[MODEL_TEXT.index("## References\n") :]
    assert refs.BEGIN in references  # the generated block is the References section's


def test_check_mode_reports_stale_references(tmp_path, capsys):
    stale = tmp_path / "model.md"
    stale.write_text(f"# Model\n\n## References\n\n{refs.BEGIN}\n- old\n{refs.END}\n")
    assert refs.main(["--check"], stale) == 1
    assert "out of date" in capsys.readouterr().out
    assert refs.main([], stale) == 0
    assert refs.main(["--check"], stale) == 0
    assert refs.references_block() in stale.read_text(encoding="utf-8")


# --- the check report ----------------------------------------------------------------------


def _row(pattern: str, source: str) -> dict:
    return {
        "pattern": pattern,
        "statistic": "share",
        "value": 0.5,
        "lower": 0.4,
        "upper": 0.6,
        "interval": "wilson",
        "criterion": "within [0, 1]",
        "n": 100,
        "result": "pass",
        "source": source,
    }


def _check_page(tmp_path, sources: list[str]) -> str:
    meta = {"mode": "quick", "seed": 1, "units": 2, "patterns_file": "p.toml"}
    meta |= {"patterns_sha256": "0" * 64, "version": "test"}
    rows = [_row(f"Pattern {i}", s) for i, s in enumerate(sources)]
    (tmp_path / "check.json").write_text(json.dumps({"meta": meta, "rows": rows}))
    return render_check_report(tmp_path)


def test_the_check_report_lists_the_works_its_sources_cite_once_each_sorted(tmp_path):
    page = _check_page(
        tmp_path,
        ["MODEL.md section 8; Slantchev 2003", "Fearon 1995; Slantchev 2003", "Sechser 2011"],
    )
    listed = page.split("<h3>References</h3>")[1].split("</ul>")[0]
    entries = re.findall(r'<li id="ref-([a-z0-9]+)">', listed)
    assert entries == ["fearon1995", "sechser2011", "slantchev2003"]
    assert refs.reference_html(WORKS["slantchev2003"]) in listed
    assert "Schelling" not in listed  # only the works cited


def test_a_check_report_citing_no_work_has_no_references(tmp_path):
    page = _check_page(tmp_path, ["MODEL.md section 8", "test fixture"])
    assert "<h3>References</h3>" not in page

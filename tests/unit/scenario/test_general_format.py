"""The general format (issue 14, item 1): a plain bargaining case without a mediator, fronts,
tracks or an implementation phase; a qualified-majority decision rule; evidence citing any
declared source as ``source:locator``; one issue without a dummy second one."""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from sim import forecast as forecasts
from sim.cli import app
from sim.engine.model import CeasefireModel
from sim.scenario.errors import ScenarioError
from sim.scenario.load import DEFAULT_SCENARIO, SCENARIO_DIR, load_scenario, modified

EU = SCENARIO_DIR / "classic" / "eu-emissions.toml"
THRESHOLD_RULE = "must be > 0.5"


def validate(path: Path) -> tuple[int, list[str]]:
    result = CliRunner().invoke(app, ["validate", str(path)])
    return result.exit_code, result.stderr.strip().splitlines()


def edited(tmp_path: Path, old: str, new: str, source: Path = EU) -> Path:
    text = source.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "case.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_a_one_issue_ten_actor_mediator_free_qualified_majority_case_validates():
    s = load_scenario(EU)
    assert len(s.issues) == 1 and len(s.actors) == 10
    assert {a.role for a in s.actors.values()} == {"party"}
    assert not s.fronts and list(s.tracks) == ["deal"]  # the default track
    assert s.tracks["deal"].issues == ["emissions"]
    assert s.negotiation.decision_rule == "qualified-majority"
    assert s.negotiation.majority_threshold == 0.71
    assert s.implementation.phase is False
    assert s.scenario.salience_scale(len(s.issues)) == "absolute"  # the one-issue default
    assert validate(EU) == (0, [])


def test_the_engine_runs_it_and_a_qualified_majority_carries_what_unanimity_cannot():
    """With the status quo at 4 the four states holding 4 gain nothing from any move, so
    under unanimity no package ever passes; the others hold 0.69 of 1.01 capability, so a
    threshold of 0.6 lets their yes carry a package. No deal breaks down (no
    implementation phase)."""
    s = modified(load_scenario(EU), {"negotiation.majority_threshold": 0.6})
    unanimity = modified(
        s, {"negotiation.decision_rule": "unanimity", "negotiation.majority_threshold": None}
    )
    runs = {}
    for name, case in {"qm": s, "unanimity": unanimity}.items():
        model = CeasefireModel(case, 40, 3, record="none")
        model.run_model()
        runs[name] = (model.outcomes(), model.agreements())
    assert (runs["unanimity"][0]["first_deal_day"] < 0).all()
    qm_outcomes, qm_deals = runs["qm"]
    assert (qm_outcomes["first_deal_day"] >= 0).mean() > 0.9
    assert (qm_outcomes["deals"] <= 1).all()  # the first agreed package ends the talks
    terms = np.asarray(qm_deals["term_emissions"])
    assert ((terms > 0.4) & (terms <= 1.0)).all()  # away from the status quo, on the scale
    assert (np.asarray(qm_deals["day_ended"]) < 0).all()  # never broken, never violated
    assert (qm_outcomes["breakdowns"] == 0).all()


def test_at_the_published_threshold_the_low_camp_is_a_blocking_minority():
    """0.71 needs more than the 0.683 share of capability the states off the status quo
    hold: the four states at 4 (0.32 of 1.01) block every package."""
    model = CeasefireModel(load_scenario(EU), 20, 1, record="none")
    model.run_model()
    assert (model.outcomes()["first_deal_day"] < 0).all()


def test_one_issue_keeps_each_actors_salience_in_the_compromise():
    """Absolute salience: the compromise is sum c s x / sum c s with the table's s. Read as
    relative (normalised over one issue, every s = 1) it would be the capability mean."""
    s = load_scenario(EU)
    c = np.array([a.capability for a in s.actors.values()])
    x = np.array([a.stances["emissions"].position for a in s.actors.values()])
    w = c * np.array([a.stances["emissions"].salience for a in s.actors.values()])
    static = forecasts.static_forecasts(s)
    assert static["compromise"][0] == pytest.approx((w * x).sum() / w.sum(), rel=1e-12)
    relative = forecasts.static_forecasts(modified(s, {"scenario.salience": "relative"}))
    assert relative["compromise"][0] == pytest.approx((c * x).sum() / c.sum(), rel=1e-12)
    assert relative["compromise"][0] != pytest.approx(static["compromise"][0], abs=1e-3)


def test_shipped_scenarios_still_cite_bare_paragraphs_and_article_colon_form_is_equivalent(
    tmp_path,
):
    text = DEFAULT_SCENARIO.read_text(encoding="utf-8")
    colon = tmp_path / "colon.toml"
    colon.write_text(
        text.replace('evidence = "P6:', 'evidence = "article:P6:').replace(
            'file = "../sources/', f'file = "{DEFAULT_SCENARIO.parent.parent}/sources/'
        ),
        encoding="utf-8",
    )
    assert validate(colon) == (0, [])
    a, b = (
        forecasts.stated_parameters(load_scenario(colon)),
        forecasts.stated_parameters(load_scenario(DEFAULT_SCENARIO)),
    )
    assert (a.position == b.position).all() and (a.salience == b.salience).all()


MALFORMED = [
    (
        "unknown-source",
        'evidence = "masad2014:line-2: capability',
        'evidence = "stokman1994:line-2: capability',
        "actors.netherlands.evidence: cites stokman1994:line-2, but 'stokman1994' is not a "
        "declared source (declared: bdm1994, scholz2011, masad2014; declare it in "
        '[sources.stokman1994]) (got "stokman1994:line-2: capability 0.08 in the re-typed '
        'table...")',
    ),
    (
        "threshold-at-half",
        "majority_threshold = 0.71",
        "majority_threshold = 0.5",
        "negotiation.majority_threshold: must be > 0.5 (got 0.5)",
    ),
    (
        "threshold-above-one",
        "majority_threshold = 0.71",
        "majority_threshold = 1.2",
        "negotiation.majority_threshold: must be <= 1 (got 1.2)",
    ),
    (
        "majority-without-threshold",
        "majority_threshold = 0.71",
        "",
        "negotiation.majority_threshold: decision_rule = 'qualified-majority' needs a "
        "threshold: the capability share of the parties' yes answers that carries a package "
        "(allowed: > 0.5 and <= 1)",
    ),
    (
        "threshold-with-unanimity",
        'decision_rule = "qualified-majority"',
        'decision_rule = "unanimity"',
        "negotiation.majority_threshold: only a 'qualified-majority' decision_rule has a "
        "threshold (unanimity needs every party; got 0.71)",
    ),
    (
        "unknown-rule",
        'decision_rule = "qualified-majority"',
        'decision_rule = "majority"',
        "negotiation.decision_rule: must be one of 'unanimity' or 'qualified-majority' "
        '(got "majority")',
    ),
    (
        "source-declared-twice",
        "[sources.bdm1994]",
        '[scenario.sources.bdm1994]\ntitle = "x"\n\n[sources.bdm1994]',
        "(top level): source 'bdm1994' is declared twice, in [sources] and [scenario.sources]",
    ),
]


@pytest.mark.parametrize("case", MALFORMED, ids=lambda m: m[0])
def test_a_malformed_general_case_is_one_line_naming_the_file_field_and_range(tmp_path, case):
    _, old, new, line = case
    path = edited(tmp_path, old, new)
    code, lines = validate(path)
    assert code == 2
    assert lines == [f"error: {path}: {line}"]


def test_a_locator_missing_from_the_articles_digest_is_refused(tmp_path):
    text = DEFAULT_SCENARIO.read_text(encoding="utf-8").replace(
        'file = "../sources/', f'file = "{DEFAULT_SCENARIO.parent.parent}/sources/'
    )
    source = tmp_path / "base.toml"
    source.write_text(text, encoding="utf-8")
    path = edited(
        tmp_path,
        'evidence = "P6: Putin raised the monitoring',
        'evidence = "article:P12: x',
        source,
    )
    code, lines = validate(path)
    assert code == 2
    assert lines == [
        f"error: {path}: actors.russia.stances.monitoring.evidence: cites P12, which is not a "
        'paragraph of sources/ceasefire-talks-2025-03.toml (it has P0..P8) (got "article:P12: '
        'x of the ceasefire as a critical issue")'
    ]


def test_absolute_saliences_summing_over_100_are_refused(tmp_path):
    data = tomllib.loads(EU.read_text(encoding="utf-8"))
    data["scenario"]["salience"] = "absolute"
    data["issues"]["other"] = dict(data["issues"]["emissions"], label="Other")
    for actor in data["actors"].values():
        actor["stances"]["other"] = dict(actor["stances"]["emissions"])
    from sim.scenario.load import parse_scenario

    with pytest.raises(ScenarioError) as err:
        parse_scenario(data, "two.toml")
    assert (
        "two.toml: actors.netherlands.stances: absolute saliences are percent of the "
        in (err.value.lines[0])
    )
    assert err.value.lines[0].endswith("must be <= 100 (got 160)")
    # uk 90 + 90, denmark 100 + 100, ...: only actors over 100 are named
    named = {line.split(": ")[1] for line in err.value.lines}
    assert "actors.luxembourg.stances" not in named and "actors.denmark.stances" in named


def test_a_scenario_without_a_mediator_tables_the_parties_compromise():
    """No mediator: the chair's compromise target is over the parties alone, and the
    static compromise forecast gives the mediator no weight it does not have."""
    s = load_scenario(EU)
    static = forecasts.static_forecasts(s)
    assert static["parties"] == tuple(s.actors)
    p = forecasts.stated_parameters(s)
    assert p.mediator == -1
    assert (forecasts.table_weights(p) == 1.0).all()


def test_without_fronts_agreeing_to_change_nothing_is_no_deal():
    """Opening at the status quo: every state gains 0 from it and says yes, but in a case
    without fronts there is nothing to agree on; the first deal moves the issue."""
    s = modified(
        load_scenario(EU),
        {"negotiation.majority_threshold": 0.6, "issues.emissions.opening": 0.4},
    )
    model = CeasefireModel(s, 20, 2, record="none")
    model.run_model()
    terms = np.asarray(model.agreements()["term_emissions"])
    assert terms.size >= 15 and (terms > 0.4 + 1e-9).all()
    assert (model.outcomes()["first_deal_day"] > 0).all()  # not the first session's opening

"""`ceasefire report`, `plot` and `compare`: complete, self-contained, offline outputs, and
one-line errors (exit code 2) for inputs they cannot use. The runs are model-2 runs of
tests/data/two-party.toml (two parties, one front, two tracks)."""

from __future__ import annotations

import base64
import csv
import dataclasses
import datetime as dt
import html
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.charts import CHARTS
from sim.charts.sweep import sweep_charts
from sim.cli import app
from sim.results.stats import newcombe_difference
from sim.results.sweep_dir import load_sweep
from sim.run import simulate
from sim.scenario.load import load_scenario
from tests.support.model2_outputs import store_run_dir
from tests.support.sweep_dirs import BOUNDS, make_sweep_dir

cli = CliRunner()
IMG = re.compile(r'<img[^>]*src="data:image/png;base64,([A-Za-z0-9+/=]+)"')
RUN_SECTIONS = (
    "results",
    "forecasts",
    "scenario",
    "evidence",
    "timeline",
    "charts",
    "references",
    "reproduce",
)
SWEEP_SECTIONS = ("design", "charts", "points", "scenario", "evidence", "timeline", "reproduce")
MAX_BYTES = 5_000_000


def invoke(*args):
    return cli.invoke(app, [str(a) for a in args])


def assert_self_contained(text: str) -> None:
    assert "http://" not in text and "https://" not in text
    lowered = text.lower()
    for tag in ("<script", "<link", "<iframe", "@import", "url("):
        assert tag not in lowered, tag
    for src in re.findall(r'src="([^"]*)"', text):
        assert src.startswith("data:image/png;base64,"), src[:40]


def images(text: str) -> list[bytes]:
    return [base64.b64decode(b) for b in IMG.findall(text)]


TWO_PARTY = Path(__file__).parents[1] / "data" / "two-party.toml"
NO_DEALS = {"actors.north.aspiration": 1.0, "actors.south.aspiration": 1.0}
CASES = {"large": (300, {}), "single": (1, {}), "no_deals": (40, NO_DEALS)}


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(TWO_PARTY)


@pytest.fixture(scope="module")
def runs(scenario):
    out = {}
    for name, (replicates, overrides) in CASES.items():
        result, _ = simulate(scenario, replicates, 5, overrides=overrides)
        result.meta |= {"version": "test", "command": f"fixture {name}"}
        out[name] = result
    assert out["no_deals"].summary["deals"] == 0
    return out


@pytest.fixture(scope="module")
def run_dirs(runs, tmp_path_factory):
    root = tmp_path_factory.mktemp("runs")
    return {name: store_run_dir(r, root / name, TWO_PARTY) for name, r in runs.items()}


@pytest.fixture(scope="module")
def large_report(run_dirs, tmp_path_factory):
    d = tmp_path_factory.mktemp("report") / "large"
    shutil.copytree(run_dirs["large"], d)
    result = invoke("report", d)
    assert result.exit_code == 0, result.output
    return d / "report.html"


def test_run_report_holds_every_section_and_is_self_contained(large_report):
    text = large_report.read_text(encoding="utf-8")
    for anchor in RUN_SECTIONS:
        assert f'<section id="{anchor}">' in text
    assert_self_contained(text)
    assert large_report.stat().st_size < MAX_BYTES
    pngs = images(text)
    assert len(pngs) == len(CHARTS)
    assert all(p.startswith(b"\x89PNG\r\n\x1a\n") for p in pngs)
    for name in CHARTS:
        assert f'id="chart-{name}"' in text


def _section(text: str, anchor: str) -> str:
    return text.split(f'<section id="{anchor}">')[1].split("</section>")[0]


def test_run_report_results_are_the_headline_measures_by_name(large_report, runs):
    from sim.results.measures import MEASURES

    text = html.unescape(large_report.read_text(encoding="utf-8"))
    results = _section(text, "results")
    summary = runs["large"].summary
    for m in MEASURES:
        entry = summary[m.key]
        assert m.label[:1].upper() + m.label[1:] in results
        assert f"{entry['count']:,} / {entry['n']:,}" in results
    for label in runs["large"].meta["track_labels"]:
        assert label in results  # deals by track, by name
    assert "Front line" in results and "Decided for" in results
    first = dt.date.fromisoformat(summary["median_first_deal_date"])
    assert f"{first:%d %B %Y}" in results


def test_run_report_sets_the_static_forecasts_beside_the_agreed_terms(run_dirs, large_report):
    """Per issue: the compromise, weighted median and Nash forecasts and the median term
    this run's deals agreed on it, as sim.forecast computes them."""
    from sim.forecast import forecast_rows, static_forecasts
    from sim.results.run_dir import load_run

    text = html.unescape(large_report.read_text(encoding="utf-8"))
    section_text = _section(text, "forecasts")
    run = load_run(run_dirs["large"])
    scenario = load_scenario(run_dirs["large"] / "scenario.toml")
    for row in forecast_rows(scenario, run.agreements, static_forecasts(scenario)):
        assert row["label"] in section_text
        for column in ("compromise", "weighted_median", "nash", "simulated_median"):
            assert f"{row[column]:.2f}" in section_text


def test_run_report_explains_the_scenario_tracks_and_fronts(large_report, scenario):
    text = html.unescape(large_report.read_text(encoding="utf-8"))
    for issue in scenario.issues.values():
        assert issue.zero in text and issue.one in text
    for actor in scenario.actors.values():
        assert actor.name in text
    about = _section(text, "scenario")
    for track in scenario.tracks.values():
        assert track.label in about
    assert "30 days" in about and "open-ended" in about
    front = scenario.fronts["line"]
    assert front.label in about and "South vs North" in about and f"{front.drift:+g}" in about
    evidence = _section(text, "evidence")
    n_stances = sum(len(a.stances) for a in scenario.actors.values())
    assert evidence.count("<tr>") == n_stances + 1  # header row


def test_run_report_lists_the_models_bibliography_before_reproduce(large_report):
    """The whole of sim/data/references.toml (docs/model.md's References), each work once."""
    from sim.report.references import load_references, reference_html

    text = large_report.read_text(encoding="utf-8")
    assert text.index('<section id="references">') < text.index('<section id="reproduce">')
    body = _section(text, "references")
    works = load_references()
    assert re.findall(r'<li id="ref-([a-z0-9]+)">', body) == list(works)
    for ref in works.values():
        assert body.count(reference_html(ref)) == 1
    assert "docs/model.md" in body


def test_run_report_timeline_and_reproduction(large_report, runs, scenario):
    text = html.unescape(large_report.read_text(encoding="utf-8"))
    timeline = _section(text, "timeline")
    for session in scenario.calendar.sessions:
        assert f"{session.date:%d %b %Y}" in timeline and session.label in timeline
    assert f"{scenario.scenario.end_date:%d %b %Y}" in timeline and "censored" in timeline
    median = dt.date.fromisoformat(runs["large"].summary["median_first_deal_date"])
    assert "simulated" in timeline and f"{median:%d %b %Y}" in timeline
    reproduce = _section(text, "reproduce")
    assert "ceasefire-sim test" in reproduce  # version from run.json
    assert f"--seed {runs['large'].meta['seed']}" in reproduce
    assert f"-n {runs['large'].meta['replicates']}" in reproduce


@pytest.mark.parametrize("case", ["single", "no_deals"])
def test_reports_build_for_degenerate_runs(run_dirs, case, tmp_path):
    d = tmp_path / case
    shutil.copytree(run_dirs[case], d)
    result = invoke("report", d, "--out", tmp_path / "r.html")
    assert result.exit_code == 0, result.output
    text = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert_self_contained(text)
    assert len(images(text)) == len(CHARTS)
    assert not (d / "report.html").exists()  # --out was honoured


def test_report_replaces_its_own_file_atomically(run_dirs, tmp_path):
    d = tmp_path / "run"
    shutil.copytree(run_dirs["single"], d)
    assert invoke("report", d).exit_code == 0
    old = (d / "report.html").read_text()
    (d / "report.html").write_text(old.replace("</main>", "<p>an earlier version</p></main>"))
    assert invoke("report", d).exit_code == 0
    new = (d / "report.html").read_text()
    assert new.startswith("<!DOCTYPE html>") and "an earlier version" not in new
    assert sorted(p.name for p in d.iterdir() if p.name.startswith(".")) == []


def test_a_run_directory_without_its_agreements_is_refused_in_one_line(run_dirs, tmp_path):
    d = tmp_path / "run"
    shutil.copytree(run_dirs["single"], d)
    (d / "agreements.npz").unlink()
    result = invoke("report", d)
    assert result.exit_code == 2
    (line,) = result.output.strip().splitlines()
    assert "agreements.npz: missing from the run directory" in line


@pytest.mark.parametrize(
    ("design", "kwargs"),
    [
        ("grid", {"kind": "grid"}),
        (
            "sobol",
            {
                "kind": "sobol",
                "parameters": ["fronts.kursk.drift", "threats.waltz.credibility"],
                "points": 64,
            },
        ),
        ("one_point", {"kind": "lhs", "parameters": ["fronts.kursk.drift"], "points": 1}),
    ],
)
def test_sweep_report_holds_the_design_and_its_charts(tmp_path, design, kwargs):
    d = make_sweep_dir(tmp_path / design, **kwargs)
    result = invoke("report", d)
    assert result.exit_code == 0, result.output
    text = (d / "report.html").read_text(encoding="utf-8")
    for anchor in SWEEP_SECTIONS:
        assert f'<section id="{anchor}">' in text
    assert_self_contained(text)
    assert (d / "report.html").stat().st_size < MAX_BYTES
    charts = sweep_charts(load_sweep(d))
    assert len(images(text)) == len(charts)
    for path in load_sweep(d).parameters:
        assert f"<code>{path}</code>" in text


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda p: None, "no such directory"),
        (lambda p: p.mkdir(), "not a run or sweep directory"),
        (
            lambda p: (make_sweep_dir(p), (p / "summary.csv").unlink()),
            "ceasefire summarize",
        ),
        (
            lambda p: (p.mkdir(), (p / "run.json").write_text("{broken")),
            "run.json: unreadable, not valid JSON",
        ),
    ],
)
def test_report_errors_are_one_line_with_exit_code_2(tmp_path, setup, message):
    target = tmp_path / "dir"
    setup(target)
    result = invoke("report", target)
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0]
    assert "Traceback" not in result.output


def test_plot_writes_every_chart_into_charts_by_default(run_dirs, tmp_path):
    d = tmp_path / "run"
    shutil.copytree(run_dirs["single"], d)
    result = invoke("plot", d)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (d / "charts").iterdir()) == sorted(f"{n}.png" for n in CHARTS)


def test_plot_svg_only_one_chart_to_another_folder(run_dirs, tmp_path):
    result = invoke(
        "plot",
        run_dirs["large"],
        "--format",
        "svg",
        "--only",
        "timeline",
        "--out",
        tmp_path / "slides",
    )
    assert result.exit_code == 0, result.output
    files = list((tmp_path / "slides").iterdir())
    assert [f.name for f in files] == ["timeline.svg"]
    assert files[0].read_text().lstrip().startswith("<?xml")


def test_plot_unknown_chart_lists_the_valid_names(run_dirs, tmp_path):
    result = invoke("plot", run_dirs["large"], "--only", "pie", "--out", tmp_path / "x")
    assert result.exit_code == 2
    (line,) = result.output.strip().splitlines()
    assert "'pie'" in line and all(name in line for name in CHARTS)
    assert not (tmp_path / "x").exists()


def test_plot_a_sweep_and_reject_a_bad_format(tmp_path):
    d = make_sweep_dir(tmp_path / "sweep", kind="grid")
    result = invoke("plot", d)
    assert result.exit_code == 0, result.output
    assert sorted(p.stem for p in (d / "charts").iterdir()) == sorted(sweep_charts(load_sweep(d)))
    bad = invoke("plot", d, "--format", "gif")
    assert bad.exit_code == 2 and "png, svg" in bad.output


def test_newcombe_interval_matches_the_published_examples():
    # Newcombe (1998), Table II, method 10
    d, lo, hi = newcombe_difference(56, 70, 48, 80)
    assert (round(lo, 4), round(hi, 4)) == (0.0524, 0.3339) and d == pytest.approx(0.2)
    _, lo, hi = newcombe_difference(9, 10, 3, 10)
    assert (round(lo, 4), round(hi, 4)) == (0.1705, 0.8090)
    _, lo, hi = newcombe_difference(5, 56, 0, 29)
    assert (round(lo, 4), round(hi, 4)) == (-0.0381, 0.1926)


@pytest.fixture(scope="module")
def comparison(run_dirs, tmp_path_factory):
    out = tmp_path_factory.mktemp("cmp") / "out"
    result = invoke("compare", run_dirs["large"], run_dirs["no_deals"], "--out", out)
    assert result.exit_code == 0, result.output
    return out, result.output


def test_compare_writes_a_new_directory_with_page_charts_and_table(comparison):
    from sim.charts.compare import COMPARE_CHARTS
    from sim.results.measures import DEAL_30

    out, printed = comparison
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [".ceasefire", "compare.html", "differences.csv", *(f"{n}.png" for n in COMPARE_CHARTS)]
    )
    text = (out / "compare.html").read_text(encoding="utf-8")
    assert_self_contained(text)
    assert len(images(text)) == len(COMPARE_CHARTS)
    assert DEAL_30.label in " ".join(printed.split()) and "Difference from baseline" in printed


def test_compare_differences_are_against_the_first_run(comparison, runs):
    from sim.results.measures import DEAL

    out, _ = comparison
    with open(out / "differences.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    deal = [r for r in rows if r["quantity"] == DEAL.label]
    assert [r["run"] for r in deal] == ["large", "no_deals"]
    assert deal[0]["difference"] == ""
    (k1, n1), (k0, n0) = (DEAL.count(runs[n].outcomes) for n in ("no_deals", "large"))
    expected = newcombe_difference(k1, n1, k0, n0)
    got = [float(deal[1][k]) for k in ("difference", "difference_lo", "difference_hi")]
    assert got == pytest.approx(expected, abs=1e-5)
    assert got[1] <= got[0] <= got[2] < 0  # no deal at all against nearly always one


def test_compare_never_overwrites_without_replace(run_dirs, comparison):
    out, _ = comparison
    before = (out / "compare.html").read_bytes()
    result = invoke("compare", run_dirs["single"], run_dirs["large"], "--out", out)
    assert result.exit_code == 2 and "--replace" in result.output
    assert (out / "compare.html").read_bytes() == before


@pytest.mark.parametrize("which", ["one", "sweep"])
def test_compare_rejects_what_it_cannot_compare(run_dirs, tmp_path, which):
    if which == "one":
        args = [run_dirs["large"]]
        message = "two or more"
    else:
        args = [run_dirs["large"], make_sweep_dir(tmp_path / "sweep")]
        message = "compare takes run directories"
    result = invoke("compare", *args, "--out", tmp_path / "out")
    assert result.exit_code == 2 and message in result.output
    assert not (tmp_path / "out").exists()


def test_report_evidence_table_reads_the_stored_scenario_not_the_default(run_dirs, tmp_path):
    d = tmp_path / "run"
    shutil.copytree(run_dirs["single"], d)
    text = (d / "scenario.toml").read_text()
    assert "the partial track" in text
    (d / "scenario.toml").write_text(text.replace("the partial track", "the narrow track"))
    assert invoke("report", d).exit_code == 0
    assert "the narrow track" in (d / "report.html").read_text()
    assert load_scenario(d / "scenario.toml")  # still valid


# --- what a newcomer reads: names not ids, captions, counts, formats -------------------------

IDS = re.compile(r"\b(?:north|south|broker)\b")


def test_every_chart_has_its_caption_in_the_report(large_report):
    """Reproducer: the acceptance chart's caption was empty in report.html."""
    from sim.charts.sweep import SWEEP_CHARTS

    assert all(chart.caption for chart in SWEEP_CHARTS.values())
    text = html.unescape(large_report.read_text(encoding="utf-8"))
    for name, chart in CHARTS.items():
        figure = text[text.index(f'id="chart-{name}"') :]
        caption = figure[figure.index("<figcaption>") : figure.index("</figcaption>")]
        assert chart.caption in caption and len(chart.caption) > 60


def test_the_run_report_names_tracks_and_parties_never_their_ids(large_report):
    """Reproducers: "Threat 'waltz' called" and the Nash surplus "russia -0.159"."""
    text = html.unescape(large_report.read_text(encoding="utf-8"))
    body = text[: text.index('<section id="reproduce">')]  # the command quotes file paths
    assert IDS.findall(body) == []
    assert "Monitoring only" in body and "Full ceasefire" in body
    assert re.search(r"surplus at that package: North [+-]\d\.\d{3}, South [+-]", body)


def test_the_sweep_report_speaks_in_the_sweep_files_own_words(tmp_path):
    """Reproducer: the sweep report read name and question from the top level, not [sweep],
    and dropped the parameter descriptions."""
    d = make_sweep_dir(tmp_path / "grid", kind="grid")
    assert invoke("report", d).exit_code == 0
    text = html.unescape((d / "report.html").read_text(encoding="utf-8"))
    assert "<h1>Synthetic grid sweep</h1>" in text
    assert '<p class="lede">What does a synthetic grid design show?</p>' in text
    for path in load_sweep(d).parameters:
        assert f"why {path} varies" in text
    assert "Base scenario: March 2025: the Jeddah 30-day ceasefire proposal." in text
    assert "P(first deal within 90 days)</th>" in text  # measures by their labels, not columns
    assert "p_deal_90" not in text


def test_one_design_point_is_counted_in_the_singular(tmp_path):
    """Reproducer: sweep charts said "1 points"."""
    from sim.charts.sweep import SWEEP_CHARTS

    d = make_sweep_dir(tmp_path / "one", kind="lhs", parameters=["fronts.kursk.drift"], points=1)
    fig = SWEEP_CHARTS["shares"](load_sweep(d))
    subtitle = fig._suptitle.get_text().replace("\n", " ")
    assert "1 point × 200 replicates" in subtitle and "1 points" not in subtitle
    assert invoke("report", d).exit_code == 0
    text = (d / "report.html").read_text(encoding="utf-8")
    assert "1 points" not in text and "1 parameter:" in text
    assert "P(first deal within 90 days) is " in text


def test_sobol_chart_is_a_grid_of_panels_titled_in_words(tmp_path):
    """Reproducer: one 4125 x 472 strip with raw column names ('p deal 30')."""
    from sim.charts.sweep import SWEEP_CHARTS

    d = make_sweep_dir(tmp_path / "s", kind="sobol", parameters=list(BOUNDS), points=64)
    from sim.results.measures import MEASURES

    outcomes = [m.column for m in MEASURES[:4]] + ["p_threat_waltz_carried_out"]
    with open(d / "sobol.csv", "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["outcome", "parameter", "S1", "S1_conf", "ST", "ST_conf"])
        for outcome in outcomes:
            for j, p in enumerate(BOUNDS):
                w.writerow([outcome, p, 0.3 / (j + 1), 0.05, 0.4 / (j + 1), 0.04])
    fig = SWEEP_CHARTS["sobol"](load_sweep(d))
    panels = [ax for ax in fig.axes if ax.get_visible()]
    assert len(panels) == 5
    width, height = fig.get_size_inches()
    assert width <= 14 and 0.5 <= height / width <= 2.5  # a grid, not a strip
    assert len({round(ax.get_position().x0, 2) for ax in panels}) == 2  # two columns
    titles = [ax.get_title(loc="left").replace("\n", " ") for ax in panels]
    assert titles == [m.label for m in MEASURES[:4]] + [
        "P(United States threat to Russia carried out)"
    ]
    assert len({ax.get_xlim() for ax in panels}) == 1  # one scale: panels compare


def test_plot_writes_pdf_for_papers(run_dirs, tmp_path):
    result = invoke("plot", run_dirs["large"], "--format", "pdf", "--out", tmp_path / "paper")
    assert result.exit_code == 0, result.output
    files = sorted((tmp_path / "paper").iterdir())
    assert [f.stem for f in files] == sorted(CHARTS) and {f.suffix for f in files} == {".pdf"}
    first = files[0].read_bytes()
    assert first.startswith(b"%PDF-") and b"CreationDate" not in first  # same run, same bytes


def test_differences_csv_stores_counts_as_numbers(comparison, runs):
    """Reproducer: counts were strings such as "377 / 1,000"."""
    from sim.results.measures import PARTIAL_DEALS

    out, _ = comparison
    with open(out / "differences.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert "count" not in rows[0] and {"successes", "n"} <= set(rows[0])
    share = next(r for r in rows if r["quantity"] == PARTIAL_DEALS.label and r["run"] == "large")
    large = runs["large"]
    assert (int(share["successes"]), int(share["n"])) == PARTIAL_DEALS.count(
        large.outcomes, large.agreements
    )


def test_comparing_a_run_with_itself_labels_the_second_copy(run_dirs, tmp_path):
    """Reproducer: the label became '//' followed by the absolute path."""
    from sim.compare import load_runs

    runs = load_runs([run_dirs["large"], run_dirs["large"]])
    assert [r.meta["label"] for r in runs] == ["large", "large (2)"]
    result = invoke("compare", run_dirs["large"], run_dirs["large"], "--out", tmp_path / "c")
    assert result.exit_code == 0, result.output
    assert "//" not in result.output
    text = (tmp_path / "c" / "compare.html").read_text(encoding="utf-8")
    assert "Comparison: large vs large (2)" in text


def test_compare_chart_titles_keep_the_replicate_counts_on_one_line(runs):
    """Reproducer: titles broke into an orphan "replicates —" line."""
    from sim.charts.compare import COMPARE_CHARTS

    pair = [
        dataclasses.replace(runs[n], meta=runs[n].meta | {"label": n})
        for n in ("large", "no_deals")
    ]
    for chart in COMPARE_CHARTS.values():
        lines = chart(pair)._suptitle.get_text().split("\n")
        assert all(line.strip() not in ("replicates —", "replicates") for line in lines)
        assert any("replicates per run: large 300; no_deals 40" in line for line in lines)


def test_compare_on_an_unsummarised_sweep_says_it_takes_run_directories(run_dirs, tmp_path):
    """Reproducer: it said 'run summarize first', which would not have helped."""
    sweep = make_sweep_dir(tmp_path / "sweep")
    (sweep / "summary.csv").unlink()
    result = invoke("compare", run_dirs["large"], sweep, "--out", tmp_path / "out")
    assert result.exit_code == 2
    (line,) = result.output.strip().splitlines()
    assert "compare takes run directories" in line and "summarize" not in line
    assert f"ceasefire report {sweep}" in line

"""`ceasefire report` and `ceasefire plot`: a stored run or sweep -> one offline HTML file,
or chart files for slides.

The report is one self-contained file: charts are embedded as PNG data URIs, the style is
inline, and nothing is fetched from anywhere (no scripts, fonts, stylesheets or links to
other sites), so it opens offline and can be mailed as is. It is written for a briefing
reader who never sees the CLI: the scenario in words, the evidence behind every stance,
the timeline, the charts with a line on how to read each, and how to reproduce it all.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
import re
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np

from sim.results import counted, talks_span
from sim.store import RunResult, write_text_atomically
from sim.sweep_results import SweepReadError, SweepResult, parameter_label, threat_label

REPORT_DPI = 120  # sharp on screen, small enough that a report stays well under 5 MB
_PARAGRAPH = re.compile(r"\bP\d+\b")
_CITATION_PREFIX = re.compile(r"^\s*P\d+(?:\s*(?:,|and|-|–)\s*P\d+)*\s*:\s*")


class ReportError(ValueError):
    """A directory cannot be reported on; the message is one line naming the file."""


# --- reading a results directory ----------------------------------------------------------


def open_results(path: str | Path) -> RunResult | SweepResult:
    """Load a run directory (run.json) or a summarised sweep directory (manifest.json)."""
    from sim.store import load_run
    from sim.sweep_results import load_sweep

    path = Path(path)
    if not path.is_dir():
        raise ReportError(f"{path}: no such directory")
    if (path / "run.json").exists():
        try:
            return load_run(path)
        except (OSError, ValueError, KeyError) as err:
            raise ReportError(f"{path}: cannot read the run ({err})") from None
    if (path / "manifest.json").exists():
        try:
            return load_sweep(path)
        except SweepReadError as err:
            raise ReportError(str(err)) from None
        except (OSError, ValueError, KeyError) as err:
            raise ReportError(f"{path}: cannot read the sweep ({err})") from None
    raise ReportError(
        f"{path}: not a run or sweep directory (expected run.json from `ceasefire run` "
        "or manifest.json from `ceasefire sweep`)"
    )


def charts_for(result: RunResult | SweepResult) -> dict[str, Callable]:
    """The chart functions that apply to a run or to this sweep's design."""
    from sim.charts import CHARTS
    from sim.charts.sweep import sweep_charts

    return sweep_charts(result) if isinstance(result, SweepResult) else dict(CHARTS)


def _scenario(path: Path):
    """The scenario stored beside the results, or the reason it cannot be read."""
    from sim.scenario import ScenarioError, load_scenario

    try:
        return load_scenario(path), None
    except ScenarioError as err:
        return None, "; ".join(err.lines)


# --- `ceasefire plot` ---------------------------------------------------------------------


def plot_directory(
    path: str | Path, out: Path | None = None, fmt: str = "png", only: str | None = None
) -> list[Path]:
    """Write the charts of a run or sweep as separate files (default: DIR/charts/)."""
    from sim.charts import FORMATS, save_charts

    if fmt not in FORMATS:
        raise ReportError(f"--format: must be one of {', '.join(FORMATS)} (got {fmt!r})")
    result = open_results(path)
    charts = charts_for(result)
    if only is not None:
        if only not in charts:
            raise ReportError(
                f"--only: unknown chart {only!r} for {path}; valid names: {', '.join(charts)}"
            )
        charts = {only: charts[only]}
    return save_charts(charts, result, Path(out) if out else Path(path) / "charts", fmt)


# --- HTML building blocks -----------------------------------------------------------------

CSS = """
:root { --ink:#1b1b1b; --muted:#5a5a5a; --rule:#d9d9d9; --band:#f4f6f8; --accent:#0072B2; }
* { box-sizing: border-box; }
body { font-family: system-ui, "Segoe UI", Roboto, "DejaVu Sans", Arial, sans-serif;
  color: var(--ink); margin: 0; line-height: 1.45; font-size: 15px; background: #fff; }
main { max-width: 1120px; margin: 0 auto; padding: 24px 28px 60px; }
header.top { border-bottom: 3px solid var(--accent); margin-bottom: 8px; }
h1 { font-size: 1.7em; margin: 0.2em 0 0.1em; }
h2 { font-size: 1.3em; margin-top: 2em; border-bottom: 1px solid var(--rule); padding-bottom: 4px; }
h3 { font-size: 1.05em; margin: 1.4em 0 0.4em; }
p.lede { font-size: 1.08em; margin: 0.4em 0 0.8em; }
p.note, .muted { color: var(--muted); font-size: 0.92em; }
nav.toc { font-size: 0.92em; margin: 10px 0 4px; }
nav.toc a { margin-right: 14px; color: var(--accent); text-decoration: none; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 12px; font-size: 0.9em; }
th, td { border-bottom: 1px solid var(--rule); padding: 5px 8px; text-align: left;
  vertical-align: top; }
th { background: var(--band); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr:nth-child(even) td { background: #fbfbfc; }
.tag { display: inline-block; padding: 0 6px; border-radius: 3px; font-size: 0.85em;
  white-space: nowrap; }
.tag.src { background: #e3f0f9; color: #004f7c; }
.tag.asm { background: #fcefe3; color: #8a3d00; }
.tag.sim { background: #e6f4ee; color: #00603f; }
.tag.kind { background: #eeeeee; color: #333333; }
.digest { color: var(--muted); font-size: 0.86em; margin-top: 3px; padding-left: 7px;
  border-left: 2px solid #cfe3f1; }
.digest b { color: #004f7c; font-weight: 600; }
.nowrap { white-space: nowrap; }
.swatch { display: inline-block; width: 0.8em; height: 0.8em; border-radius: 2px;
  margin-right: 6px; vertical-align: -1px; }
figure { margin: 18px 0 28px; page-break-inside: avoid; }
figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { color: var(--muted); font-size: 0.92em; margin-top: 4px; }
figcaption b { color: var(--ink); }
code, pre { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace;
  font-size: 0.9em; }
pre { background: var(--band); padding: 10px 12px; overflow-x: auto; white-space: pre-wrap; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 3px 16px; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
@media print { main { max-width: none; } h2 { page-break-after: avoid; } }
"""


def esc(value) -> str:
    return html.escape(str(value), quote=True)


def table(header: list[str], rows: Iterable[list], numeric: Iterable[int] = ()) -> str:
    """An HTML table; cells are escaped unless wrapped in :class:`Raw`."""
    numeric = set(numeric)

    def cell(tag: str, j: int, value) -> str:
        cls = ' class="num"' if j in numeric else ""
        text = value.html if isinstance(value, Raw) else esc(value)
        return f"<{tag}{cls}>{text}</{tag}>"

    head = "".join(cell("th", j, h) for j, h in enumerate(header))
    body = "".join(
        "<tr>" + "".join(cell("td", j, v) for j, v in enumerate(row)) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


class Raw:
    """Pre-built HTML that :func:`table` must not escape."""

    def __init__(self, html_text: str):
        self.html = html_text


def section(anchor: str, heading: str, body: str) -> str:
    return f'<section id="{esc(anchor)}"><h2>{esc(heading)}</h2>{body}</section>'


def figure_data_uri(fig, dpi: int = REPORT_DPI) -> str:
    """A Figure as a PNG data URI (no metadata, so no tool URL inside)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def figure_html(name: str, fig, caption: str) -> str:
    """A chart with its caption, shown at its natural size (CSS inches) or the page width."""
    alt = f"chart: {name.replace('_', ' ')}"
    width = int(fig.get_figwidth() * 96)
    return (
        f'<figure id="chart-{esc(name)}"><img alt="{esc(alt)}" style="width:{width}px" '
        f'src="{figure_data_uri(fig)}"><figcaption>{caption}</figcaption></figure>'
    )


NAV = {  # section anchor -> its short name in the table of contents
    "results": "Results",
    "forecasts": "Forecasts",
    "design": "Experiment",
    "runs": "Runs",
    "differences": "Differences",
    "points": "Points",
}


def page(heading: str, lede: str, sections: list[str]) -> str:
    """The whole document; the table of contents links every section, in order."""
    anchors = [re.search(r'<section id="([^"]+)">', s).group(1) for s in sections]
    links = "".join(f'<a href="#{a}">{esc(NAV.get(a, a.capitalize()))}</a>' for a in anchors)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(heading)}</title><style>{CSS}</style></head><body><main>"
        f'<header class="top"><h1>{esc(heading)}</h1>{lede}'
        f'<nav class="toc">{links}</nav></header>' + "".join(sections) + "</main></body></html>\n"
    )


def pct(share: float | None, digits: int = 1) -> str:
    if share is None or (isinstance(share, float) and np.isnan(share)):
        return "–"
    return f"{100 * share:.{digits}f}%"


def interval(lo: float | None, hi: float | None, digits: int = 1) -> str:
    if lo is None or hi is None or np.isnan(lo) or np.isnan(hi):
        return "–"
    return f"{100 * lo:.{digits}f}–{100 * hi:.{digits}f}%"


# --- scenario, evidence, timeline ---------------------------------------------------------


def _basis(item, scenario=None) -> Raw:
    """'P6' tags for a cited paragraph, or an 'assumption' tag, then the text itself; under
    a citation, what the cited paragraph says (the source's digest, sources/*.toml), so a
    reader can check the scenario's reading against the source without the source."""
    if getattr(item, "evidence", None):
        tags = "".join(
            f'<span class="tag src">{esc(p)}</span> '
            for p in dict.fromkeys(_PARAGRAPH.findall(item.evidence))
        )
        text = _CITATION_PREFIX.sub("", item.evidence)  # the tags already say 'P6:'
        digests = "".join(
            f'<div class="digest"><b>{esc(p)}</b> says: {esc(said)}</div>'
            for p, said in _citations(scenario, item.evidence)
        )
        return Raw(f"{tags}{esc(text)}{digests}")
    if getattr(item, "assumption", None):
        return Raw(f'<span class="tag asm">assumption</span> {esc(item.assumption)}')
    return Raw('<span class="muted">–</span>')


def _citations(scenario, text: str) -> list[tuple[str, str]]:
    if scenario is None:
        return []
    from sim.sources import citations, scenario_digests

    return citations(scenario, text, scenario_digests(scenario))


def sources_html(scenario) -> str:
    """Each source's bibliographic record and its paragraph digests, as shipped in the
    project's sources/ folder (the source text itself is not shipped)."""
    from sim.sources import RECORD_FIELDS, scenario_digests

    digests = scenario_digests(scenario)
    parts = []
    for sid, source in scenario.scenario.sources.items():
        digest = digests.get(sid)
        if digest is None:
            parts.append(f"<li>{esc(source.title)} (no digest of its paragraphs)</li>")
            continue
        record = digest.record
        facts = "".join(
            f"<dt>{esc(field.capitalize() if field != 'url' else 'URL')}</dt>"
            f"<dd>{esc(getattr(record, field))}</dd>"
            for field in RECORD_FIELDS
        )
        notes = f'<p class="note">{esc(record.notes)}</p>' if record.notes else ""
        paragraphs = table(
            ["Paragraph", "What it says (our digest, not a quotation)"],
            [[p, said] for p, said in digest.paragraphs.items()],
        )
        parts.append(
            f'<li><b>{esc(record.title)}</b><dl class="facts">{facts}</dl>{notes}'
            f'<p class="note">Digest of its paragraphs {esc(digest.span())}: '
            f"<code>{esc(digest.name)}</code> in the ceasefire-sim project.</p>"
            f"{paragraphs}</li>"
        )
    return "".join(parts)


def _swatch(colour: str) -> str:
    return f'<span class="swatch" style="background:{esc(colour)}"></span>'


def scenario_section(scenario, problem: str | None) -> str:
    """Who the actors are and what each issue's 0 and 1 mean."""
    from sim.charts.style import actor_colours

    if scenario is None:
        return section(
            "scenario",
            "The scenario",
            f'<p class="note">scenario.toml unreadable: {esc(problem)}</p>',
        )
    meta, neg, imp = scenario.scenario, scenario.negotiation, scenario.implementation
    colours = actor_colours(list(scenario.actors))
    end = meta.start_date + dt.timedelta(days=neg.rounds)
    facts = [
        ("Talks open", f"{meta.start_date:%d %B %Y} (round 0; one round is one day)"),
        (
            "Talks end without agreement",
            f"after round {neg.rounds} ({end:%d %B %Y}): {talks_span(meta.start_date, neg.rounds)}",
        ),
        ("Proposal rule", f"{neg.proposal_rule} (step {neg.step_size:g} of the way per day)"),
        ("Agreed ceasefire lasts", f"{imp.duration_days} days"),
        (
            "Outcome classes",
            f"comprehensive if the agreed scope ≥ {scenario.outcomes.comprehensive_min:g}, "
            f"partial if ≥ {scenario.outcomes.partial_min:g}, otherwise none",
        ),
    ]
    sources = sources_html(scenario)
    actors = [
        [
            Raw(_swatch(colours[a]) + esc(actor.name)),
            actor.role,
            f"{actor.capability:g}",
            f"{actor.reservation:g}",
            f"{actor.war_cost:g}",
            f"{actor.concession_style:g}"
            + (
                " (Boulware)"
                if actor.concession_style < 1
                else " (Conceder)"
                if actor.concession_style > 1
                else ""
            ),
            ", ".join(f"{scenario.actors[b].name} {w:g}" for b, w in actor.ties.items()) or "–",
            _basis(actor, scenario),
        ]
        for a, actor in scenario.actors.items()
    ]
    issues = [
        [
            Raw(f"<b>{esc(i.label)}</b>"),
            i.zero,
            i.one,
            f"{i.status_quo:g}",
            f"{i.opening:g}",
            _basis(i, scenario),
        ]
        for i in scenario.issues.values()
    ]
    body = (
        f'<p class="lede">{esc(meta.description)}</p>'
        f'<dl class="facts">{"".join(f"<dt>{esc(a)}</dt><dd>{esc(b)}</dd>" for a, b in facts)}</dl>'
        + (f"<h3>Sources</h3><ul>{sources}</ul>" if sources else "")
        + "<h3>Actors</h3>"
        + '<p class="note">Mediator proposes; parties hold a veto; supporters influence and '
        "guarantee. Reservation: the utility of no deal today (a party accepts a proposal "
        "worth at least this); war cost: its daily fall. The colour is the actor's colour on "
        "every chart.</p>"
        + table(
            [
                "Actor",
                "Role",
                "Capability",
                "Reservation",
                "War cost / day",
                "Concession style",
                "Influenced by",
                "Basis",
            ],
            actors,
            numeric=(2, 3, 4),
        )
        + "<h3>Issues</h3>"
        + '<p class="note">Every issue is a scale from 0 to 1; positions, proposals and '
        "agreed terms on the charts are read on these scales.</p>"
        + table(
            ["Issue", "0 means", "1 means", "Status quo", "Opening proposal", "Basis"],
            issues,
            numeric=(3, 4),
        )
    )
    return section("scenario", "The scenario", body)


def evidence_section(scenario) -> str:
    """Every stance with the paragraph it cites or the assumption it states."""
    if scenario is None:
        return section("evidence", "Evidence", '<p class="note">scenario.toml unreadable.</p>')
    rows, cited, total = [], 0, 0
    for actor in scenario.actors.values():
        for k, st in actor.stances.items():
            total += 1
            cited += st.evidence is not None
            red = "–"
            if st.red_line is not None:
                rl = st.red_line
                red = (
                    f"never below {rl.never_below:g}"
                    if rl.never_below is not None
                    else (f"never above {rl.never_above:g}")
                )
            spread = ", ".join(
                f"{f.replace('_', ' ')} ±{v:g}" for f, v in st.spread.model_dump().items() if v
            )
            rows.append(
                [
                    actor.name,
                    scenario.issues[k].label,
                    f"{st.position:g}",
                    f"{st.salience:g}",
                    red,
                    spread or "–",
                    _basis(st, scenario),
                ]
            )
    body = (
        f'<p class="note">{total} stances: {cited} cite a paragraph of the source '
        f'(<span class="tag src">P6</span>; under each, what that paragraph says, from the '
        f"source's digest in the Sources above), {total - cited} "
        'state an <span class="tag asm">assumption</span>. Position: the actor\'s ideal point '
        "on the issue's 0–1 scale; salience: how much the issue matters to it (normalised over "
        "issues); spread: the standard deviation each replicate's draw has around the value.</p>"
        + table(
            ["Actor", "Issue", "Position", "Salience", "Red line", "Spread", "Basis"],
            rows,
            numeric=(2, 3),
        )
    )
    return section("evidence", "Evidence for every stance", body)


def timeline_section(scenario, extra: list[tuple[dt.date, str, str, Raw | str]] = ()) -> str:
    """Dated events and threats, in order, with the model's own dates marked 'simulated'."""
    if scenario is None:
        return section("timeline", "Timeline", '<p class="note">scenario.toml unreadable.</p>')
    from sim.runner import scenario_facts
    from sim.sweep_results import threat_label

    start = scenario.scenario.start_date
    names = {a: actor.name for a, actor in scenario.actors.items()}
    facts = scenario_facts(scenario)
    items: list[tuple[dt.date, str, str, Raw | str]] = [
        (start, "start", "Talks open: the opening proposal is presented (round 0).", "–")
    ]
    for e in scenario.events.values():
        items.append((e.date, "event", e.description, _basis(e, scenario)))
    for tid, t in scenario.threats.items():
        who, whom = names.get(t.by, t.by), names.get(t.target, t.target)
        items.append(
            (
                t.issued,
                "threat issued",
                f"{who} threatens {whom}: severity {t.severity:g}, "
                f"credibility {t.credibility:g}, deadline {t.deadline:%d %b}.",
                _basis(t, scenario),
            )
        )
        items.append(
            (
                t.deadline,
                "threat deadline",
                f"Deadline of the {threat_label(tid, facts)}: if {whom} still refuses, it is "
                f"carried out with probability {t.credibility:g}.",
                "–",
            )
        )
    end = start + dt.timedelta(days=scenario.negotiation.rounds)
    items.append(
        (
            end,
            "end",
            f"Last round of the talks, the last of {talks_span(start, scenario.negotiation.rounds)}"
            "; they end without agreement if none was reached.",
            "–",
        )
    )
    items.extend(extra)
    items.sort(key=lambda it: it[0])
    rows = [
        [
            Raw(f'<span class="nowrap">{d:%a %d %b %Y}</span>'),
            f"{(d - start).days}",
            Raw(f'<span class="tag {"sim" if kind == "simulated" else "kind"}">{esc(kind)}</span>'),
            what,
            basis,
        ]
        for d, kind, what, basis in items
    ]
    note = (
        '<p class="note">Day 0 is the opening round. Entries tagged '
        '<span class="tag sim">simulated</span> are model outputs; the rest come from the '
        "scenario file.</p>"
    )
    rows_html = table(["Date", "Day", "Kind", "What", "Basis"], rows, numeric=(1,))
    return section("timeline", "Timeline", note + rows_html)


# --- run reports --------------------------------------------------------------------------

CAPTIONS = {
    "positions": "Each panel is one issue on its 0–1 scale (poles written under the title). "
    "Lines are the median position of the mediator and each party; shading holds the "
    "middle 50% and 90% of replicates. The black dashed line is the mediator's proposal; "
    "the dotted line the median agreement date. Replicates that agreed keep their final "
    "positions, so the bands widen after agreements start.",
    "utility": "A party accepts when the proposal's utility to it (coloured) reaches its "
    "reservation value (grey, net of pending threats). Where the coloured line crosses the "
    "grey one, agreement becomes likely; shading shows the spread across replicates.",
    "acceptance": "For each veto player, how it answered the proposal each day among the "
    "replicates still negotiating: reject (grey), conditional yes (light blue) or accept "
    "(green), stacked to 100%; the dashed line is the share of all replicates still "
    "negotiating, so the stack describes fewer replicates as agreements are reached.",
    "conditions": "When a party rejects, it names the issues that keep the proposal below "
    "its reservation value. Colour: share of the replicates still negotiating that day "
    "naming the issue (top panel: how many are still negotiating).",
    "outcomes": "Share of replicates ending in no agreement, a partial ceasefire or a "
    "comprehensive one; whiskers and numbers in brackets are 95% Wilson intervals.",
    "agreement_dates": "Bars: share of all replicates agreeing on each day. Line: share "
    "agreed by each date, with its 95% interval (right axis).",
    "agreed_terms": "Among replicates that agreed, the distribution of the agreed value on "
    "each issue; the black line is the median.",
    "survival": "Kaplan–Meier estimate of the share of agreed ceasefires still holding each "
    "day, with its 95% Greenwood (log-log) interval. Ceasefires that last the full duration "
    "are censored there.",
    "violations": "Left: how many violations each side commits in an agreed ceasefire. "
    "Right: which side violated first (whiskers: 95% Wilson intervals).",
}


def _share_row(label: str, share: dict | None, of: str) -> list:
    if not share or not share.get("n"):
        return [label, "–", "–", "–", of]
    lo, hi = share["ci95"]
    return [
        label,
        pct(share["share"]),
        interval(lo, hi),
        f"{share['count']:,} / {share['n']:,}",
        of,
    ]


def results_table(run: RunResult) -> str:
    s, meta = run.summary, run.meta
    rows = [
        _share_row("Agreement", s["agreement"], "all replicates"),
        _share_row("Comprehensive ceasefire", s["comprehensive"], "all replicates"),
        _share_row("Partial ceasefire", s["partial"], "all replicates"),
        _share_row(
            f"Ceasefire holds {s['duration_days']} days",
            s["survives_duration"],
            "agreed ceasefires",
        ),
        _share_row("Ceasefire extended", s.get("extended"), "agreed ceasefires"),
    ]
    for tid, t in s.get("threats", {}).items():
        label = threat_label(tid, meta)
        label = label[:1].upper() + label[1:]
        rows.append(_share_row(f"{label} called", t["called"], "all replicates"))
        rows.append(_share_row(f"{label} carried out", t["carried_out"], "all replicates"))
    o = run.outcomes
    rounds = o["agreement_round"][o["agreed"]]
    dates = ""
    if len(rounds):
        q = np.quantile(rounds, [0.05, 0.5, 0.95]).round().astype(int)
        d = [run.start_date + dt.timedelta(days=int(v)) for v in q]
        dates = (
            f"<p>Median agreement date <b>{d[1]:%d %B %Y}</b>; 90% of agreements fall between "
            f"{d[0]:%d %b} and {d[2]:%d %b}. Median agreed terms: "
            + ", ".join(
                f"{esc(lab)} {s['median_terms'][k]:.2f}"
                for k, lab in zip(meta["issue_ids"], meta["issue_labels"], strict=True)
            )
            + ".</p>"
        )
    return (
        table(["Quantity", "Share", "95% interval", "Count", "Of"], rows, numeric=(1, 2, 3)) + dates
    )


def reproduce_section(meta: dict, command: str, extra: list[tuple[str, str]] = ()) -> str:
    keys = [
        ("Seed", meta.get("seed")),
        ("Package version", f"ceasefire-sim {meta.get('version', '?')}"),
        *extra,
        (
            "Python / numpy / Mesa / matplotlib",
            " / ".join(str(meta.get(k, "?")) for k in ("python", "numpy", "mesa", "matplotlib")),
        ),
        ("Created", meta.get("created", "?")),
    ]
    facts = "".join(f"<dt>{esc(a)}</dt><dd>{esc(b)}</dd>" for a, b in keys if b is not None)
    body = (
        f'<dl class="facts">{facts}</dl>'
        "<p>Same seed, same results, bit for bit. To reproduce from this directory:</p>"
        f"<pre>{esc(command)}</pre>"
    )
    return section("reproduce", "Reproduce", body)


def forecast_section(run: RunResult, scenario) -> str:
    """The classic static forecasts (compromise model, capability-weighted median, Nash
    solution) per issue, next to the terms this run's replicates agreed on."""
    from sim.forecast import beyond_red_lines, forecast_rows, static_forecasts

    static = static_forecasts(scenario)
    rows = forecast_rows(scenario, run.outcomes, static)

    def cell(row: dict, column: str) -> str:
        flag = " *" if beyond_red_lines(row, column) else ""
        return f"{row[column]:.2f}{flag}"

    body = []
    for row in rows:
        sim_cell = (
            "–"
            if np.isnan(row["simulated_median"])
            else f"{row['simulated_median']:.2f} ({row['simulated_q25']:.2f}–"
            f"{row['simulated_q75']:.2f})"
        )
        body.append(
            [
                row["label"],
                cell(row, "compromise"),
                cell(row, "weighted_median"),
                cell(row, "nash"),
                sim_cell,
            ]
        )
    surplus = ", ".join(
        f"{party} {value:+.3f}"
        for party, value in zip(static["party_names"], static["nash_surplus"], strict=True)
    )
    note = (
        '<p class="note">Static forecasts from the stated round-0 values: the compromise '
        "model (capability × salience weighted mean of the parties' and the mediator's "
        "positions), the capability-weighted median, and the Nash bargaining solution over "
        f"the parties' stated reservation values (surplus at that package: {esc(surplus)}; "
        "a negative surplus means no package satisfies every party at round 0). "
        "* marks a forecast beyond a party's stated red line. The simulated column is the "
        "median (and quartiles) of the agreed terms over the replicates that agreed: the "
        "difference is what concessions, pressure and time do over the talks.</p>"
    )
    header = ["Issue", "Compromise", "Weighted median", "Nash", "Simulated (quartiles)"]
    return section(
        "forecasts", "Forecasts next to the simulation", note + table(header, body, (1, 2, 3, 4))
    )


def render_run_report(run: RunResult, scenario, problem: str | None = None) -> str:
    from sim.results import headline

    meta = run.meta
    o = run.outcomes
    extra = []
    if o["agreed"].any():
        med = meta.get("start_date") and run.summary.get("median_agreement_date")
        if med:
            extra.append(
                (
                    dt.date.fromisoformat(med),
                    "simulated",
                    f"Median agreement date across {meta['replicates']:,} replicates "
                    f"({pct(run.summary['agreement']['share'])} agree by the end of the talks).",
                    "model output",
                )
            )
    charts = "".join(
        figure_html(
            name,
            chart(run),
            f"<b>{esc(name.replace('_', ' ').capitalize())}.</b> " + esc(CAPTIONS.get(name, "")),
        )
        for name, chart in charts_for(run).items()
    )
    n, seed = meta["replicates"], meta["seed"]
    command = (
        f"ceasefire run {run.path / 'scenario.toml'} -n {n} --seed {seed} --out <new directory>"
    )
    if meta.get("command"):
        command = f"{command}\n# recorded command: {meta['command']}"
    lede = (
        f'<p class="lede">{esc(headline(run.summary))}</p>'
        f'<p class="note">Simulated with ceasefire-sim {esc(meta.get("version", "?"))}: '
        f"{n:,} replicates, seed {seed}. Shares carry 95% Wilson intervals.</p>"
    )
    sections = [
        section("results", "Results at a glance", results_table(run)),
        forecast_section(run, scenario),
        scenario_section(scenario, problem),
        evidence_section(scenario),
        timeline_section(scenario, extra),
        section("charts", "Charts", charts),
        reproduce_section(
            meta,
            command,
            [
                ("Replicates", f"{n:,}"),
                ("Scenario file", meta.get("scenario_file")),
                ("Scenario SHA-256", meta.get("scenario_sha256")),
            ],
        ),
    ]
    return page(meta.get("scenario_name", "Ceasefire simulation"), lede, sections)


# --- sweep reports ------------------------------------------------------------------------

SWEEP_CAPTIONS = {
    "shares": "Shares of all replicates (survival: of agreed ceasefires) with 95% Wilson "
    "intervals; no parameter varies in this sweep.",
    "response": "Outcome shares at each value of the varied parameter, with 95% Wilson "
    "intervals (bands). Survival is a share of agreed ceasefires only.",
    "heatmap_agreement": "Share of replicates reaching agreement in each cell of the grid; "
    "the axes carry the grid values.",
    "heatmap_comprehensive": "Share of replicates ending in a comprehensive ceasefire.",
    "heatmap_survives": "Share of agreed ceasefires that hold for their whole duration "
    "(grey: no agreement in that cell).",
    "main_effects": "Each panel: outcome shares against one parameter, pooling the design "
    "points over the other parameters (sampled designs are binned into equal-count groups).",
    "sobol": "How much of the variance of each outcome each parameter explains: first-order "
    "S1 (alone) and total ST (with all its interactions), ranked by ST.",
}


def _declared(spec: dict) -> str:
    """A parameter's declaration as the user wrote it: floats without binary noise
    (0.3, not 0.30000000000000004), lists shortened past eight values."""

    def show(value) -> str:
        if isinstance(value, float):
            return f"{value:.10g}"
        if isinstance(value, list):
            items = [show(v) for v in value]
            return "[" + ", ".join(items if len(items) <= 8 else [*items[:3], "…", items[-1]]) + "]"
        if isinstance(value, dict):
            return "{" + ", ".join(f"{k} = {show(v)}" for k, v in value.items()) + "}"
        return str(value)

    return "; ".join(f"{k} = {show(v)}" for k, v in spec.items()) if spec else "–"


def sweep_experiment(sweep: SweepResult) -> dict:
    """The sweep file's own words, from its copy in the sweep directory: ``name``,
    ``description`` (the question it asks, both from ``[sweep]``) and each parameter's
    ``description`` (from ``[parameters."path"]``) by path; empty where unreadable."""
    import tomllib

    try:
        data = tomllib.loads((sweep.path / "experiment.toml").read_text("utf-8"))
    except (OSError, ValueError):
        data = {}
    head = data.get("sweep") if isinstance(data.get("sweep"), dict) else {}
    parameters = data.get("parameters") if isinstance(data.get("parameters"), dict) else {}
    return {
        "name": str(head.get("name") or ""),
        "description": str(head.get("description") or ""),
        "parameters": {
            str(path): str(spec.get("description") or "")
            for path, spec in parameters.items()
            if isinstance(spec, dict)
        },
    }


def design_section(sweep: SweepResult, experiment: dict | None = None) -> str:
    design = sweep.manifest.get("design", {})
    described = (experiment or {}).get("parameters", {})
    rows = []
    for p in sweep.parameters:
        values = sweep.values(p)
        spec = next((d for d in design.get("parameters", []) if d.get("path") == p), {})
        shown = (
            ", ".join(f"{v:g}" for v in values)
            if len(values) <= 8
            else (f"{values.min():g} … {values.max():g} ({len(values)} distinct values)")
        )
        declared = {k: v for k, v in spec.items() if k != "path"}
        rows.append(
            [
                Raw(
                    f"<b>{esc(parameter_label(p, sweep.facts))}</b>"
                    + (f"<br>{esc(described[p])}" if described.get(p) else "")
                ),
                Raw(f"<code>{esc(p)}</code>"),
                shown,
                _declared(declared),
            ]
        )
    reps = design.get("replicates")
    each = f" × {counted(reps, 'replicate')} each" if isinstance(reps, int) else ""
    text = (
        f"<p>{esc(sweep.kind.capitalize())} design over "
        f"{counted(len(sweep.parameters), 'parameter')}: "
        f"{counted(sweep.points, 'point')}{each}.</p>"
    )
    return section(
        "design",
        "The experiment",
        text
        + table(
            ["Parameter (and why it varies)", "Path", "Values in the design", "As declared"], rows
        ),
    )


def sweep_table(sweep: SweepResult, limit: int = 60) -> str:
    from sim.charts.sweep import measure_label

    t = sweep.table
    order = np.argsort(t["point"], kind="stable")[:limit]
    cols = [c for c in ("p_agreement", "p_comprehensive", "p_partial", "p_survives") if c in t]
    rows = []
    for i in order:
        row = [
            int(t["point"][i]),
            *[f"{float(t[p][i]):.4g}" for p in sweep.parameters],
            f"{int(t['n'][i]):,}",
        ]
        for c in cols:
            lo, hi = t.get(f"{c}_lo"), t.get(f"{c}_hi")
            share = pct(float(t[c][i]))
            if lo is not None and hi is not None:
                share += f" ({interval(float(lo[i]), float(hi[i]), 0)})"
            row.append(share)
        rows.append(row)
    header = [
        "Point",
        *[parameter_label(p, sweep.facts) for p in sweep.parameters],
        "n",
        *[measure_label(c, sweep.facts) for c in cols],
    ]
    more = (
        f'<p class="note">First {limit} of {counted(sweep.points, "point")}; all are in '
        "summary.csv.</p>"
        if sweep.points > limit
        else ""
    )
    numeric = range(0, len(header))
    return section("points", "Design points", table(header, rows, numeric=numeric) + more)


def render_sweep_report(sweep: SweepResult, scenario, problem: str | None = None) -> str:
    m = sweep.manifest
    charts = "".join(
        figure_html(
            name,
            chart(sweep),
            f"<b>{esc(name.replace('_', ' ').capitalize())}.</b> "
            + esc(SWEEP_CAPTIONS.get(name, "")),
        )
        for name, chart in charts_for(sweep).items()
    )
    if not charts:
        charts = '<p class="note">No chart applies: the design varies no parameter.</p>'
    scenario_name = sweep.facts.get("scenario_name", "")
    experiment = sweep_experiment(sweep)
    name = experiment["name"] or sweep.path.name
    t = sweep.table
    agreement = t["p_agreement"][np.isfinite(t["p_agreement"])]
    lo, hi = (agreement.min(), agreement.max()) if len(agreement) else (None, None)
    spread = (
        f"P(agreement) is {pct(lo)}"
        if sweep.points == 1
        else f"P(agreement) ranges from {pct(lo)} to {pct(hi)} over "
        f"{counted(sweep.points, 'design point')}"
    )
    question = experiment["description"]
    lede = (
        (f'<p class="lede">{esc(question)}</p>' if question else "")
        + '<p class="note">'
        + (f"Base scenario: {esc(scenario_name)}. " if scenario_name else "")
        + f"{esc(spread)}.</p>"
    )
    command = m.get("command") or (
        f"ceasefire sweep {sweep.path / 'experiment.toml'} --out <new directory>\n"
        "ceasefire summarize <new directory>"
    )
    sections = [
        design_section(sweep, experiment),
        section("charts", "Charts", charts),
        sweep_table(sweep),
        scenario_section(scenario, problem),
        evidence_section(scenario),
        timeline_section(scenario),
        reproduce_section(
            m,
            command,
            [
                ("Design", f"{sweep.kind}, {counted(sweep.points, 'point')}"),
                ("Experiment SHA-256", m.get("experiment_sha256")),
                ("Scenario SHA-256", m.get("scenario_sha256")),
            ],
        ),
    ]
    heading = name if experiment["name"] else f"Sweep: {name}"
    return page(heading, lede, sections)


def write_report(path: str | Path, out: Path | None = None) -> Path:
    """Build DIR/report.html (or ``out``) from a run or a summarised sweep directory."""
    path = Path(path)
    result = open_results(path)
    if isinstance(result, SweepResult):
        base = path / result.manifest.get("base_scenario", "scenario.toml")
        scenario, problem = _scenario(base if base.exists() else path / "scenario.toml")
        text = render_sweep_report(result, scenario, problem)
    else:
        scenario, problem = _scenario(path / "scenario.toml")
        text = render_run_report(result, scenario, problem)
    return write_text_atomically(Path(out) if out else path / "report.html", text)

"""Report sections shared by the run and sweep reports: scenario, evidence, timeline, reproduce.

They describe the scenario in words for a reader who never sees the file: who the actors
are, the source behind every stance, the dated events, and the command to reproduce it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sim.report.html import Raw, esc, section, table
from sim.results.open import ReportError
from sim.results.run_checks import one_line
from sim.results.sweep_dir import threat_label
from sim.scenario.describe import basis, red_line_text
from sim.scenario.facts import scenario_facts
from sim.scenario.sources import RECORD_FIELDS, citations, scenario_digests


def _scenario(path: Path):
    """The scenario stored beside the results (the report's scenario, evidence and
    timeline come from it), or a one-line ReportError naming the file."""
    from sim.scenario.load import ScenarioError, load_scenario

    try:
        return load_scenario(path), None
    except ScenarioError as err:
        lines = [line for line in err.lines if line]
        more = f" (and {len(lines) - 1} more problems)" if len(lines) > 1 else ""
        raise ReportError(
            one_line(lines[0] if lines else f"{path}: unreadable", 300) + more
        ) from None


def _basis(item, scenario=None) -> Raw:
    """'P6' tags for a cited paragraph, or an 'assumption' tag, then the text itself; under
    a citation, what the cited paragraph says (the source's digest, sources/*.toml), so a
    reader can check the scenario's reading against the source without the source."""
    b = basis(item)
    if b.kind == "evidence":
        tags = "".join(f'<span class="tag src">{esc(p)}</span> ' for p in b.paragraphs)
        said = citations(scenario, b.text, scenario_digests(scenario)) if scenario else []
        digests = "".join(
            f'<div class="digest"><b>{esc(p)}</b> says: {esc(text)}</div>' for p, text in said
        )
        return Raw(f"{tags}{esc(b.plain)}{digests}")  # the tags already say 'P6:'
    if b.kind == "assumption":
        return Raw(f'<span class="tag asm">assumption</span> {esc(b.text)}')
    return Raw('<span class="muted">–</span>')


def sources_html(scenario) -> str:
    """Each source's bibliographic record and its paragraph digests, as shipped in the
    project's sources/ folder (the source text itself is not shipped)."""
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
    meta, neg = scenario.scenario, scenario.negotiation
    colours = actor_colours(list(scenario.actors))
    end = calendar_end(scenario)
    days = (end - meta.start_date).days + 1
    calendar = getattr(scenario, "calendar", None)
    sessions = list(getattr(calendar, "sessions", []) or [])
    facts = [
        ("Calendar", f"{meta.start_date:%d %B %Y} (day 0) to {end:%d %B %Y}: {days} days"),
        (
            "Sessions",
            f"{len(sessions)} dated; on other days a session with chance "
            f"{getattr(calendar, 'session_chance', 0):g} per day",
        ),
        ("Proposal rule", f"{neg.proposal_rule}"),
        ("Red-line tolerance", f"{getattr(neg, 'tolerance', 0):g}"),
    ]
    lapse = getattr(getattr(scenario, "implementation", None), "lapse_days", None)
    if lapse is not None:
        facts.append(("Agreed deal lapses without consent after", f"{lapse} days"))
    off = [name for name, on in dict(getattr(scenario, "mechanisms", {}) or {}).items() if not on]
    if off:
        facts.append(("Mechanisms switched off", ", ".join(off)))
    sources = sources_html(scenario)
    actors = [
        [
            Raw(_swatch(colours[a]) + esc(actor.name)),
            actor.role,
            f"{actor.capability:g}",
            f"{getattr(actor, 'aspiration', 0):g}",
            f"{getattr(actor, 'concession_rate', 0):g}",
            f"{getattr(actor, 'planning_horizon', 0):g}",
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
        + '<p class="note">Mediator proposes; parties hold a veto; supporters influence, '
        "guarantee and implement. A party's outside option is the war, valued over its "
        "planning horizon by its own beliefs about the fronts; aspiration is an offset on it, "
        "and falls each day by the concession rate times the costs of fighting and pressure. "
        "The colour is the actor's colour on every chart.</p>"
        + table(
            [
                "Actor",
                "Role",
                "Capability",
                "Aspiration",
                "Concession rate",
                "Planning horizon (days)",
                "Influenced by",
                "Basis",
            ],
            actors,
            numeric=(2, 3, 4, 5),
        )
        + "<h3>Issues</h3>"
        + '<p class="note">Every issue is a scale from 0 to 1; positions, proposals and '
        "agreed terms on the charts are read on these scales.</p>"
        + table(
            ["Issue", "0 means", "1 means", "Status quo", "Opening proposal", "Basis"],
            issues,
            numeric=(3, 4),
        )
        + tracks_and_fronts(scenario)
    )
    return section("scenario", "The scenario", body)


def calendar_end(scenario) -> dt.date:
    """The last day of the calendar: the scenario's end_date, or 31 December of its year."""
    start = scenario.scenario.start_date
    return getattr(scenario.scenario, "end_date", None) or dt.date(start.year, 12, 31)


def tracks_and_fronts(scenario) -> str:
    """The tracks a deal can be struck on and the fronts it can halt, as tables."""
    fronts = dict(getattr(scenario, "fronts", None) or {})
    tracks = dict(getattr(scenario, "tracks", None) or {})
    names = {a: actor.name for a, actor in scenario.actors.items()}
    issues = scenario.issues
    out = ""
    if tracks:
        rows = []
        for t in tracks.values():
            covers = getattr(t, "fronts", "all")
            halts = (
                "every front"
                if covers in ("all", None)
                else ", ".join(getattr(fronts.get(f), "label", f) for f in covers) or "no front"
            )
            term = getattr(t, "term_days", 0)
            decided = ", ".join(issues[k].label for k in getattr(t, "issues", []) if k in issues)
            rows.append(
                [
                    Raw(f"<b>{esc(t.label)}</b>"),
                    halts,
                    decided or "–",
                    f"{term} days" if term else "open-ended",
                    getattr(t, "purpose", "general"),
                    _basis(t, scenario),
                ]
            )
        out += (
            "<h3>Tracks</h3>"
            '<p class="note">Each track is a kind of deal the mediator works on; deals on '
            "different tracks can be in force together, and a broader one replaces the narrower "
            "ones it covers.</p>"
            + table(["Track", "Halts", "Decides", "Term", "Purpose", "Basis"], rows)
        )
    if fronts:
        rows = [
            [
                Raw(f"<b>{esc(f.label)}</b>"),
                " vs ".join(names.get(a, a) for a in f.sides),
                f"{f.control:g}",
                f"{f.drift:+g}",
                f"{f.volatility:g}",
                f"{f.intensity:g}",
                _basis(f, scenario),
            ]
            for f in fronts.values()
        ]
        out += (
            "<h3>Fronts</h3>"
            '<p class="note">Control is the share the second side holds (0 to 1); it drifts '
            "by the stated amount per day, with the stated daily volatility, while no deal in "
            "force halts the front; at 0 or 1 the front is decided and its issues settled.</p>"
            + table(
                [
                    "Front",
                    "Sides",
                    "Control at day 0",
                    "Drift / day",
                    "Volatility / day",
                    "Intensity",
                    "Basis",
                ],
                rows,
                numeric=(2, 3, 4, 5),
            )
        )
    return out


def evidence_section(scenario) -> str:
    """Every stance with the paragraph it cites or the assumption it states."""
    if scenario is None:
        return section("evidence", "Evidence", '<p class="note">scenario.toml unreadable.</p>')
    rows, cited, total = [], 0, 0
    for actor in scenario.actors.values():
        for k, st in actor.stances.items():
            total += 1
            cited += st.evidence is not None
            red = red_line_text(st) or "–"
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
    start = scenario.scenario.start_date
    names = {a: actor.name for a, actor in scenario.actors.items()}
    facts = scenario_facts(scenario)
    items: list[tuple[dt.date, str, str, Raw | str]] = [
        (start, "start", "Day 0 of the calendar: the talks open.", "–")
    ]
    calendar = getattr(scenario, "calendar", None)
    for session in getattr(calendar, "sessions", []) or []:
        items.append(
            (session.date, "session", f"Session: {session.label}.", _basis(session, scenario))
        )
    for truce in getattr(calendar, "truce_occasions", []) or []:
        who = names.get(truce.actor, truce.actor)
        items.append(
            (
                truce.date,
                "truce occasion",
                f"{truce.label}: {who} may declare a {truce.days}-day truce "
                f"(chance {truce.chance:g}).",
                _basis(truce, scenario),
            )
        )
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
    end = calendar_end(scenario)
    items.append(
        (end, "end", "Last day of the calendar: later deals are not seen (censored).", "–")
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
        '<p class="note">Day 0 is the start date. Entries tagged '
        '<span class="tag sim">simulated</span> are model outputs; the rest come from the '
        "scenario file.</p>"
    )
    rows_html = table(["Date", "Day", "Kind", "What", "Basis"], rows, numeric=(1,))
    return section("timeline", "Timeline", note + rows_html)


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

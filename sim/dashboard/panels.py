"""The text panels of the dashboard, computed from the scenario and the running model.

Plain functions returning strings and rows, so that what the page says is tested without
a browser: the round counter, and the evidence behind each actor's stances (every stance
in a scenario cites an article paragraph or states an assumption; the panel shows which).
"""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

from sim.engine.model import CeasefireModel
from sim.results.summary import headline
from sim.results.sweep_dir import threat_label
from sim.scenario.describe import basis, day_text, red_line_text, talks_span
from sim.scenario.facts import scenario_facts
from sim.scenario.schema import Scenario
from sim.scenario.sources import citations, scenario_digests


def round_status(model: CeasefireModel, summary: dict | None = None) -> str:
    """Where the run is: rounds played, date reached, replicates still talking or holding.

    ``summary`` is the run's summary once the talks are over (for the headline at the end).
    """
    p = model.params
    R = p.replicates
    played = model.round
    agreed = int(model.agreed.sum())
    total = p.rounds + 1  # rounds 0..T (talks_span)
    if model.phase == "negotiation":
        if played == 0:
            return (
                f"Talks open on {day_text(p.start_date)} · {talks_span(p.start_date, p.rounds)}"
                f" · {R:,} replicates"
            )
        talking = int(model.negotiating.sum())
        return (
            f"{played} of {total} rounds played (up to round {played - 1},"
            f" {day_text(p.date_of(played - 1))}) · {talking:,} of {R:,} replicates still"
            f" negotiating · {agreed:,} agreed"
        )
    if model.phase == "ceasefire":
        c = model.ceasefire
        holding = int((model.agreed & ~c.collapsed).sum())
        return (
            f"Talks over after {played} of {total} rounds: {agreed:,} of {R:,} replicates agreed"
            f" · ceasefire day {c.day} of {p.duration_days}: {holding:,} still holding"
        )
    text = f"Run done: {played} of {total} rounds of talks" + (
        f", then the {p.duration_days}-day ceasefire" if agreed else ", no agreement"
    )
    return f"{text} · {headline(summary)}" if summary else text


def _digest(s: Scenario, text: str | None, scenario_path: Path | None) -> str:
    """What the paragraphs an evidence text cites say (the source's digest), or ''."""
    if not text:
        return ""
    said = citations(s, text, scenario_digests(s, scenario_path))
    return " ".join(f"{p}: {digest}" for p, digest in said)


def actor_evidence(
    s: Scenario, actor_id: str, scenario_path: Path | None = None
) -> list[dict[str, str]]:
    """One row per stance of the actor: issue, position, salience, red line and its basis
    (the article paragraph it cites, or the assumption the scenario states), with what the
    cited paragraph says (``digest``, from the source's digest in sources/)."""
    actor = s.actors[actor_id]
    total = sum(st.salience for st in actor.stances.values())
    rows = []
    for issue_id, issue in s.issues.items():
        stance = actor.stances[issue_id]
        b = basis(stance)
        rows.append(
            {
                "issue": issue.label,
                "position": f"{stance.position:g}",
                "salience": f"{100 * stance.salience / total:.0f}%",
                "red_line": red_line_text(stance),
                "basis": b.kind,
                "source": b.text,
                "digest": _digest(s, stance.evidence, scenario_path),
            }
        )
    return rows


def actor_profile(s: Scenario, actor_id: str, scenario_path: Path | None = None) -> dict[str, str]:
    """The actor's role, behavioural parameters and their basis, and the threats that
    name it, for the header of the evidence panel."""
    actor = s.actors[actor_id]
    b = basis(actor)
    kind, text = b.kind, b.text
    start: dt.date = s.scenario.start_date
    facts = scenario_facts(s)
    threats = [
        f"{threat_label(tid, facts)}, issued {day_text(t.issued)},"
        f" deadline {day_text(t.deadline)} (round {(t.deadline - start).days}),"
        f" credibility {t.credibility:g}: {basis(t).text}"
        for tid, t in s.threats.items()
        if actor_id in (t.by, t.target)
    ]
    return {
        "name": actor.name,
        "role": actor.role,
        "parameters": (
            f"reservation value {actor.reservation:g}, war cost {actor.war_cost:g} per round,"
            f" concession style {actor.concession_style:g}, perception noise {actor.noise:g}"
        ),
        "basis": kind,
        "source": text,
        "digest": _digest(s, actor.evidence, scenario_path),
        "threats": "; ".join(threats),
    }


def evidence_html(s: Scenario, actor_id: str, scenario_path: Path | None = None) -> str:
    """The Evidence tab for one actor as escaped HTML: its parameters and their basis, the
    threats that name it, and a table of its stances with what each cited paragraph says."""
    esc = html.escape
    profile = actor_profile(s, actor_id, scenario_path)
    parts = [
        f"<p><b>{esc(profile['name'])}</b> ({esc(profile['role'])}): "
        f"{esc(profile['parameters'])}.<br><i>{esc(profile['basis'])}</i>: "
        f"{esc(profile['source'])}"
        + (f"<br><i>the source says</i>: {esc(profile['digest'])}" if profile["digest"] else "")
        + "</p>"
    ]
    if profile["threats"]:
        parts.append(f"<p><b>Threats</b>: {esc(profile['threats'])}</p>")
    header = (
        "Issue",
        "Position",
        "Salience",
        "Red line",
        "Basis",
        "Paragraph or assumption",
        "What the paragraph says",
    )
    keys = ("issue", "position", "salience", "red_line", "basis", "source", "digest")
    rows = "".join(
        "<tr>" + "".join(f"<td>{esc(row[k]) or '–'}</td>" for k in keys) + "</tr>"
        for row in actor_evidence(s, actor_id, scenario_path)
    )
    head = "".join(f"<th>{h}</th>" for h in header)
    parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
    return "".join(parts)

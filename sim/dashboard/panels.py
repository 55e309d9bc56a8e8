"""The text panels of the dashboard, computed from the scenario and the running model.

Plain functions returning strings and rows, so that what the page says is tested without
a browser: the day counter, and the evidence behind each actor's stances (every stance
in a scenario cites an article paragraph or states an assumption; the panel shows which).
"""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

from sim.engine.model import CeasefireModel
from sim.results.run_dir import RunResult
from sim.results.summary import headline
from sim.results.sweep_dir import threat_label
from sim.scenario.describe import basis, calendar_span, day_text, red_line_text
from sim.scenario.facts import scenario_facts
from sim.scenario.schema import Scenario
from sim.scenario.sources import citations, scenario_digests


def day_status(model: CeasefireModel, result: RunResult | None = None) -> str:
    """Where the run is on its calendar: days played, date reached, and what the series
    say of the last day (deals in force per replicate, talks broken off).

    ``result`` is :func:`sim.results.run_dir.result_from_model` of the model (its series,
    and its summary once the run is done, for the headline).
    """
    p = model.params
    R, horizon, played = p.replicates, p.horizon, int(model.steps)
    last = p.start_date + dt.timedelta(days=horizon - 1)
    if played == 0:
        return f"Day 0 of {calendar_span(p.start_date, last)} · {R:,} replicates"
    series = result.series if result is not None else {}
    said = []
    if len(series.get("deals_in_force_mean", ())):
        said.append(f"deals in force per replicate {float(series['deals_in_force_mean'][-1]):.2f}")
    if len(series.get("broken_off_share", ())):
        said.append(f"talks broken off in {100 * float(series['broken_off_share'][-1]):.0f}%")
    reached = p.start_date + dt.timedelta(days=played - 1)
    if played < horizon:
        text = f"{played:,} of {horizon:,} days played (to {day_text(reached)}) · {R:,} replicates"
        return " · ".join([text, *said])
    text = f"Run done: {calendar_span(p.start_date, last)}"
    summary = result.summary if result is not None else None
    return f"{text} · {headline(summary)}" if summary else " · ".join([text, *said])


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
        f" deadline {day_text(t.deadline)} (day {(t.deadline - start).days}),"
        f" credibility {t.credibility:g}: {basis(t).text}"
        for tid, t in s.threats.items()
        if actor_id in (t.by, t.target)
    ]
    return {
        "name": actor.name,
        "role": actor.role,
        "parameters": (
            f"aspiration offset {actor.aspiration:g}, concession rate {actor.concession_rate:g},"
            f" planning horizon {actor.planning_horizon:g} days,"
            f" perception noise {actor.noise:g}"
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

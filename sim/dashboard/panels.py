"""The text panels of the dashboard, computed from the scenario and the running model.

Plain functions returning strings and rows, so that what the page says is tested without
a browser: the round counter, and the evidence behind each actor's stances (every stance
in a scenario cites an article paragraph or states an assumption; the panel shows which).
"""

from __future__ import annotations

import datetime as dt

from sim.engine.model import CeasefireModel
from sim.results.summary import headline
from sim.scenario.describe import basis, red_line_text
from sim.scenario.schema import Scenario


def round_status(model: CeasefireModel, summary: dict | None = None) -> str:
    """Where the run is: rounds played, date reached, replicates still talking or holding.

    ``summary`` is the run's summary once the talks are over (for the headline at the end).
    """
    p = model.params
    R = p.replicates
    played = model.round
    agreed = int(model.agreed.sum())
    if model.phase == "negotiation":
        if played == 0:
            return f"Round 0 of {p.rounds + 1}: talks open on {p.start_date} · {R:,} replicates"
        talking = int(model.negotiating.sum())
        return (
            f"Round {played} of {p.rounds + 1}: talks up to {p.date_of(played - 1)}"
            f" · {talking:,} of {R:,} replicates still negotiating · {agreed:,} agreed"
        )
    if model.phase == "ceasefire":
        c = model.ceasefire
        holding = int((model.agreed & ~c.collapsed).sum())
        return (
            f"Round {played}: talks over, {agreed:,} of {R:,} replicates agreed"
            f" · ceasefire day {c.day} of {p.duration_days}: {holding:,} still holding"
        )
    text = f"Round {played}: done"
    return f"{text} · {headline(summary)}" if summary else text


def actor_evidence(s: Scenario, actor_id: str) -> list[dict[str, str]]:
    """One row per stance of the actor: issue, position, salience, red line and its basis
    (the article paragraph it cites, or the assumption the scenario states)."""
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
            }
        )
    return rows


def actor_profile(s: Scenario, actor_id: str) -> dict[str, str]:
    """The actor's role, behavioural parameters and their basis, and the threats that
    name it, for the header of the evidence panel."""
    actor = s.actors[actor_id]
    b = basis(actor)
    kind, text = b.kind, b.text
    start: dt.date = s.scenario.start_date
    threats = [
        f"'{tid}' {s.actors[t.by].name} on {s.actors[t.target].name}, issued {t.issued},"
        f" deadline {t.deadline} (round {(t.deadline - start).days}),"
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
        "threats": "; ".join(threats),
    }

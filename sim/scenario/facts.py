"""What charts and reports need to know about a scenario, as plain JSON.

Run directories store these facts in run.json, so a chart or a report drawn later never
has to re-read (or re-validate) the scenario file.
"""

from __future__ import annotations

from sim.scenario.schema import Scenario


def scenario_facts(s: Scenario) -> dict:
    """What charts and reports need to know about the scenario, as plain JSON."""
    return {
        "scenario_name": s.scenario.name,
        "start_date": s.scenario.start_date.isoformat(),
        "end_date": s.scenario.last_date.isoformat(),
        "horizon": s.scenario.horizon,
        "actor_ids": list(s.actors),
        "names": [a.name for a in s.actors.values()],
        "roles": [a.role for a in s.actors.values()],
        "issue_ids": list(s.issues),
        "issue_labels": [i.label for i in s.issues.values()],
        "issue_zero": [i.zero for i in s.issues.values()],
        "issue_one": [i.one for i in s.issues.values()],
        "front_ids": list(s.fronts),
        "front_labels": [f.label for f in s.fronts.values()],
        "front_sides": [list(f.sides) for f in s.fronts.values()],
        "track_ids": list(s.tracks),
        "track_labels": [t.label for t in s.tracks.values()],
        "track_purposes": [t.purpose for t in s.tracks.values()],
        "track_terms": [t.term_days for t in s.tracks.values()],
        "track_fronts": [
            list(s.fronts) if t.fronts == "all" else list(t.fronts) for t in s.tracks.values()
        ],
        "track_issues": [list(t.issues) for t in s.tracks.values()],
        "sessions": [
            {"date": x.date.isoformat(), "label": x.label or ""} for x in s.calendar.sessions
        ],
        "truce_occasions": [
            {"actor": x.actor, "date": x.date.isoformat(), "days": x.days, "label": x.label or ""}
            for x in s.calendar.truce_occasions
        ],
        "threat_ids": list(s.threats),
        "threats": {
            t: {
                "kind": v.kind,
                "by": v.by,
                "target": v.target,
                "issued": v.issued.isoformat(),
                "deadline": v.deadline.isoformat(),
                "severity": v.severity,
                "credibility": v.credibility,
                "track": v.track or next(iter(s.tracks), None),
                "moved": [d.isoformat() for d in v.moved],
            }
            for t, v in s.threats.items()
        },
        "events": {
            e: {"date": v.date.isoformat(), "description": v.description}
            for e, v in s.events.items()
        },
        "mechanisms": s.mechanisms.model_dump(),
    }

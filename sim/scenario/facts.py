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
        "actor_ids": list(s.actors),
        "names": [a.name for a in s.actors.values()],
        "roles": [a.role for a in s.actors.values()],
        "issue_ids": list(s.issues),
        "issue_labels": [i.label for i in s.issues.values()],
        "issue_zero": [i.zero for i in s.issues.values()],
        "issue_one": [i.one for i in s.issues.values()],
        "threat_ids": list(s.threats),
        "threats": {
            t: {
                "by": v.by,
                "target": v.target,
                "issued": v.issued.isoformat(),
                "deadline": v.deadline.isoformat(),
                "severity": v.severity,
                "credibility": v.credibility,
            }
            for t, v in s.threats.items()
        },
        "events": {
            e: {"date": v.date.isoformat(), "description": v.description}
            for e, v in s.events.items()
        },
        "rounds": s.negotiation.rounds,
        "duration_days": s.implementation.duration_days,
    }

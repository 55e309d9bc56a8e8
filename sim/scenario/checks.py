"""Problems that span fields of a scenario: unknown ids, missing stances, dates out of order.

The schema checks each field alone; these checks need the whole scenario (an actor named
in a threat must exist, an event's path must name a parameter and stay in its bounds).
"""

from __future__ import annotations

import datetime as dt

from sim.scenario.errors import shown
from sim.scenario.paths import UnknownPath, locate, path_bounds
from sim.scenario.schema import Scenario


def cross_check(s: Scenario) -> list[tuple[str, str]]:
    """Problems that span fields: unknown ids, missing stances, dates out of order."""
    problems: list[tuple[str, str]] = []
    actors, issues = list(s.actors), list(s.issues)
    known_actors = f"(known: {', '.join(actors)})"
    roles = [a.role for a in s.actors.values()]
    mediators = [aid for aid, a in s.actors.items() if a.role == "mediator"]
    if len(mediators) != 1:
        found = f"found {len(mediators)}" + (f": {', '.join(mediators)}" if mediators else "")
        problems.append(("actors", f"need exactly one actor with role = 'mediator' ({found})"))
    if roles.count("party") < 1:
        problems.append(("actors", "need at least one party (role = 'party')"))
    if not issues:
        problems.append(("issues", "need at least one issue"))
    elif "scope" not in s.issues:
        problems.append(
            (
                "issues",
                "need an issue with id 'scope' (the ceasefire's scope decides the outcome "
                "class and how many violations it invites)",
            )
        )

    for aid, actor in s.actors.items():
        for k in actor.stances:
            if k not in s.issues:
                problems.append(
                    (
                        f"actors.{aid}.stances.{k}",
                        f"unknown issue '{k}' (known: {', '.join(issues)})",
                    )
                )
        for k in issues:
            if k not in actor.stances:
                problems.append(
                    (f"actors.{aid}.stances", f"no stance on issue '{k}' (every actor needs one)")
                )
        for other in actor.ties:
            if other not in s.actors:
                problems.append(
                    (f"actors.{aid}.ties.{other}", f"unknown actor '{other}' {known_actors}")
                )
            elif other == aid:
                problems.append((f"actors.{aid}.ties.{other}", "an actor cannot be tied to itself"))
        for i, other in enumerate(actor.accepts_only_with):
            where = f"actors.{aid}.accepts_only_with[{i}]"
            if other in actor.accepts_only_with[:i]:
                problems.append((where, f"'{other}' is listed twice"))
            elif other not in s.actors:
                problems.append((where, f"unknown actor '{other}' {known_actors}"))
            elif other == aid:
                problems.append(
                    (where, "an actor cannot make its acceptance conditional on itself")
                )
            elif s.actors[other].role == "mediator":
                problems.append(
                    (where, "the partner must be a party or supporter, not the mediator")
                )

    start = s.scenario.start_date
    for tid, threat in s.threats.items():
        for field in ("by", "target"):
            who = getattr(threat, field)
            if who not in s.actors:
                problems.append((f"threats.{tid}.{field}", f"unknown actor '{who}' {known_actors}"))
        if threat.target in s.actors and s.actors[threat.target].role != "party":
            problems.append((f"threats.{tid}.target", f"'{threat.target}' is not a party"))
        problems += _date_problems(f"threats.{tid}.issued", threat.issued, start)
        if threat.deadline < threat.issued:
            problems.append(
                (
                    f"threats.{tid}.deadline",
                    f"date {threat.deadline} is before the issue date {threat.issued}",
                )
            )

    for eid, event in s.events.items():
        problems += _date_problems(f"events.{eid}.date", event.date, start)
        for op in ("set", "shift"):
            for path, value in getattr(event, op).items():
                where = f'events.{eid}.{op}."{path}"'  # TOML spelling of a dotted key
                try:
                    location = locate(s, path)
                except UnknownPath as err:
                    problems.append((where, str(err)))
                    continue
                if location.kind == "spread":
                    problems.append((where, "an event cannot change a spread (it is drawn once)"))
                    continue
                lo, hi = path_bounds(s, path)
                if op == "set" and not lo <= value <= hi:
                    op_, bound = (">=", lo) if value < lo else ("<=", hi)
                    problems.append((where, f"must be {op_} {shown(bound)} (got {shown(value)})"))
    return problems


def _date_problems(where: str, date: dt.date, start: dt.date) -> list[tuple[str, str]]:
    if date < start:
        return [(where, f"date {date} is before the start date {start}")]
    return []

"""Problems that span fields of a scenario: unknown ids, missing stances, dates out of order.

The schema checks each field alone; these checks need the whole scenario (an actor named
in a threat must exist, an event's path must name a parameter and stay in its bounds).
"""

from __future__ import annotations

import re

import pydantic

from sim.scenario.errors import format_validation_error, shown
from sim.scenario.links import in_calendar, link_problems
from sim.scenario.paths import UnknownPath, locate, schema_node
from sim.scenario.schema import Scenario


def cross_check(s: Scenario, events: bool = True) -> list[tuple[str, str]]:
    """Problems that span fields: unknown ids, missing stances, dates out of order, and
    (``events``) what the dated events would make of the scenario."""
    problems: list[tuple[str, str]] = []
    actors, issues = list(s.actors), list(s.issues)
    known_actors = f"(known: {', '.join(actors)})"
    roles = [a.role for a in s.actors.values()]
    mediators = [aid for aid, a in s.actors.items() if a.role == "mediator"]
    if len(mediators) > 1:
        found = f"found {len(mediators)}: {', '.join(mediators)}"
        problems.append(("actors", f"need at most one actor with role = 'mediator' ({found})"))
    if roles.count("party") < 1:
        problems.append(("actors", "need at least one party (role = 'party')"))
    if not issues:
        problems.append(("issues", "need at least one issue"))
    problems += decision_problems(s) + salience_problems(s)

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

    for tid, threat in s.threats.items():
        for field in ("by", "target"):
            who = getattr(threat, field)
            if who not in s.actors:
                problems.append((f"threats.{tid}.{field}", f"unknown actor '{who}' {known_actors}"))
        if threat.target in s.actors and s.actors[threat.target].role != "party":
            problems.append((f"threats.{tid}.target", f"'{threat.target}' is not a party"))
        problems += in_calendar(f"threats.{tid}.issued", threat.issued, s)
        if threat.deadline < threat.issued:
            problems.append(
                (
                    f"threats.{tid}.deadline",
                    f"date {threat.deadline} is before the issue date {threat.issued}",
                )
            )
    problems += link_problems(s)

    if not events:
        return problems
    for eid, event in s.events.items():
        problems += in_calendar(f"events.{eid}.date", event.date, s)
        for op in ("set", "shift"):
            for path in getattr(event, op):
                where = _event_field(eid, op, path)
                try:
                    location = locate(s, path)
                except UnknownPath as err:
                    problems.append((where, str(err)))
                    continue
                if location.kind == "spread":
                    problems.append((where, "an event cannot change a spread (it is drawn once)"))
                elif op == "set" and location.array == "aspiration":
                    problems += _below_floor(s, where, path, getattr(event, op)[path])
    return problems or event_problems(s)


def decision_problems(s: Scenario) -> list[tuple[str, str]]:
    """A qualified majority needs its threshold, and unanimity has none (a threshold given
    with unanimity would be silently ignored)."""
    neg = s.negotiation
    if neg.decision_rule == "qualified-majority" and neg.majority_threshold is None:
        return [
            (
                "negotiation.majority_threshold",
                "decision_rule = 'qualified-majority' needs a threshold: the capability share "
                "of the parties' yes answers that carries a package (allowed: > 0.5 and <= 1)",
            )
        ]
    if neg.decision_rule == "unanimity" and neg.majority_threshold is not None:
        return [
            (
                "negotiation.majority_threshold",
                "only a 'qualified-majority' decision_rule has a threshold (unanimity needs "
                f"every party; got {shown(neg.majority_threshold)})",
            )
        ]
    return []


def salience_problems(s: Scenario) -> list[tuple[str, str]]:
    """Absolute saliences are percent of an actor's attention: at most 100 in total."""
    if s.scenario.salience_scale(len(s.issues)) != "absolute":
        return []
    problems = []
    for aid, actor in s.actors.items():
        total = sum(st.salience for st in actor.stances.values())
        if total > 100.0 + 1e-9:
            problems.append(
                (
                    f"actors.{aid}.stances",
                    "absolute saliences are percent of the actor's attention: their sum over "
                    f"issues must be <= 100 (got {shown(total, bound=True)})",
                )
            )
    return problems


def _below_floor(s: Scenario, where: str, path: str, value: float) -> list[tuple[str, str]]:
    """An aspiration an event sets must not be below the actor's floor: concession stops
    there (talks.concede), and the engine lowers it no further by a shift either."""
    floor = s.actors[path.split(".")[1]].aspiration_floor
    if value >= floor:
        return []
    allowed = f"allowed: {shown(floor, bound=True)} <= x <= 1"
    return [(where, f"must be >= the actor's aspiration_floor ({allowed}; got {shown(value)})")]


def _event_field(eid: str, op: str, path: str) -> str:
    return f"events.{eid}.{op}.{shown(path)}"  # TOML spelling of a dotted key


def event_problems(s: Scenario) -> list[tuple[str, str]]:
    """Apply the events in the order the engine does (by date, then file order; within an
    event ``set`` before ``shift``) to a copy of the scenario, and check every state it
    passes through against the same bounds and cross-field rules as the file itself.

    The first event that leads to an invalid scenario is reported; a problem at a path the
    event changes is reported at that change, any other (all saliences 0, ``partial_min``
    above ``comprehensive_min``, a position past its red line) at the event.
    """
    data = s.model_dump(mode="python", exclude_none=True)
    for eid, event in sorted(s.events.items(), key=lambda item: item[1].date):
        changed: dict[str, tuple[str, str]] = {}  # path -> (field, shift)
        for op in ("set", "shift"):
            for path, value in getattr(event, op).items():
                *parents, leaf = path.split(".")
                node = data
                for part in parents:
                    node = node.setdefault(part, {})
                old = node.get(leaf, 1.0 if leaf == "never_above" else 0.0)
                new = value if op == "set" else old + value
                if schema_node(Scenario, path.split(".")) is int and float(new).is_integer():
                    new = int(new)
                node[leaf] = new
                changed[path] = (
                    _event_field(eid, op, path),
                    f"{shown(old)} {'+' if value >= 0 else '-'} {shown(abs(value))}"
                    if op == "shift"
                    else "",
                )
        try:
            state = Scenario.model_validate(data)
        except pydantic.ValidationError as err:
            lines = format_validation_error(err, Scenario)
        else:
            lines = [f"{where}: {what}" for where, what in cross_check(state, events=False)]
        if lines:
            return [_at_change(line, eid, changed) for line in lines]
    return []


def _at_change(line: str, eid: str, changed: dict[str, tuple[str, str]]) -> tuple[str, str]:
    where, what = line.split(": ", 1)
    if where in changed:
        field, shift = changed[where]
        if shift:
            what = re.sub(r"\(got ([^()]*)\)$", rf"(got \1 = {shift} after this shift)", what)
        return field, what
    return f"events.{eid}", f"after this event, {where}: {what}"

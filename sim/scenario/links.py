"""Cross-checks of the model-2 tables: fronts, beliefs, tracks, the calendar, linkage.

Each problem is ``(dotted path, what is wrong)``, reported by :mod:`sim.scenario.checks`
as one line ``FILE: path: what (allowed ...; got X)``. The schema checks each field alone;
these checks need the ids of the whole scenario.
"""

from __future__ import annotations

import datetime as dt

from sim.scenario.errors import shown
from sim.scenario.schema import Scenario

Problems = list[tuple[str, str]]


def _known(ids) -> str:
    return ", ".join(ids) or "none"


def id_list(where: str, ids: list[str], known, what: str) -> Problems:
    """Each id of a list once, and each a known ``what`` (``where[i]`` names the item)."""
    problems: Problems = []
    for i, key in enumerate(ids):
        if key in ids[:i]:
            problems.append((f"{where}[{i}]", f"'{key}' is listed twice"))
        elif key not in known:
            problems.append((f"{where}[{i}]", f"unknown {what} '{key}' (known: {_known(known)})"))
    return problems


def in_calendar(where: str, date: dt.date, s: Scenario) -> Problems:
    """A dated item must fall within the run: [start_date, end_date]."""
    start, end = s.scenario.start_date, s.scenario.last_date
    if date < start:
        return [(where, f"date {date} is before the start date {start}")]
    if date > end:
        return [(where, f"date {date} is after the end date {end} (the last day simulated)")]
    return []


def link_problems(s: Scenario) -> Problems:
    """Fronts, beliefs, tracks, issue links, outcomes, the calendar and threat links."""
    return (
        _front_problems(s)
        + _issue_problems(s)
        + _track_problems(s)
        + _outcome_problems(s)
        + _calendar_problems(s)
        + _threat_problems(s)
    )


def _front_problems(s: Scenario) -> Problems:
    problems: Problems = []
    parties = [aid for aid, a in s.actors.items() if a.role == "party"]
    for fid, front in s.fronts.items():
        where = f"fronts.{fid}"
        sides = front.sides
        if len(sides) != 2 or len(set(sides)) != 2 or not set(sides) <= set(parties):
            sides = []  # the cost and stakes keys cannot be checked against bad sides
            problems.append(
                (
                    f"{where}.sides",
                    f"need two distinct parties, [first, second] (allowed: {_known(parties)}; "
                    f"got {shown(front.sides)})",
                )
            )
        for table in ("cost", "stakes"):
            for aid in getattr(front, table):
                if sides and aid not in sides:
                    problems.append(
                        (
                            f"{where}.{table}.{aid}",
                            f"'{aid}' is not a side of this front (allowed: {_known(sides)})",
                        )
                    )
        for aid in front.beliefs:
            if aid not in s.actors:
                problems.append(
                    (
                        f"{where}.beliefs.{aid}",
                        f"unknown actor '{aid}' (known: {_known(s.actors)})",
                    )
                )
    return problems


def _issue_problems(s: Scenario) -> Problems:
    problems: Problems = []
    for kid, issue in s.issues.items():
        if issue.front is not None and issue.front not in s.fronts:
            problems.append(
                (
                    f"issues.{kid}.front",
                    f"unknown front '{issue.front}' (known: {_known(s.fronts)})",
                )
            )
        problems += id_list(f"issues.{kid}.implementers", issue.implementers, s.actors, "actor")
    return problems


def _track_problems(s: Scenario) -> Problems:
    problems: Problems = []
    if not s.tracks:
        problems.append(("tracks", "need at least one track (a kind of deal that can be tabled)"))
    for tid, track in s.tracks.items():
        where = f"tracks.{tid}"
        fronts = [] if track.fronts == "all" else track.fronts
        problems += id_list(f"{where}.fronts", fronts, s.fronts, "front")
        problems += id_list(f"{where}.issues", track.issues, s.issues, "issue")
        for kid in track.opening:
            if kid not in track.issues:
                problems.append(
                    (
                        f"{where}.opening.{kid}",
                        f"'{kid}' is not an issue this track decides "
                        f"(allowed: {_known(track.issues)})",
                    )
                )
        halts = track.fronts == "all" and s.fronts or fronts
        if not halts and not track.issues:
            problems.append((where, "halts no front and decides no issue: give fronts or issues"))
    return problems


def _outcome_problems(s: Scenario) -> Problems:
    problems: Problems = []
    for field in ("compliance_issue", "definitive_issue"):
        kid = getattr(s.outcomes, field)
        if kid is not None and kid not in s.issues:
            problems.append(
                (f"outcomes.{field}", f"unknown issue '{kid}' (known: {_known(s.issues)})")
            )
    return problems


def _calendar_problems(s: Scenario) -> Problems:
    problems: Problems = []
    parties = [aid for aid, a in s.actors.items() if a.role == "party"]
    for i, session in enumerate(s.calendar.sessions):
        problems += in_calendar(f"calendar.sessions[{i}].date", session.date, s)
    for i, truce in enumerate(s.calendar.truce_occasions):
        where = f"calendar.truce_occasions[{i}]"
        if truce.actor not in parties:
            problems.append(
                (
                    f"{where}.actor",
                    f"a unilateral truce is declared by a party (allowed: {_known(parties)}; "
                    f"got {shown(truce.actor)})",
                )
            )
        problems += in_calendar(f"{where}.date", truce.date, s)
        problems += id_list(f"{where}.fronts", truce.fronts or [], s.fronts, "front")
    return problems


def _threat_problems(s: Scenario) -> Problems:
    problems: Problems = []
    for hid, threat in s.threats.items():
        where = f"threats.{hid}"
        if threat.track is not None and threat.track not in s.tracks:
            problems.append(
                (f"{where}.track", f"unknown track '{threat.track}' (known: {_known(s.tracks)})")
            )
        problems += in_calendar(f"{where}.deadline", threat.deadline, s)
        for i, day in enumerate(threat.moved):
            if day < threat.issued:
                problems.append(
                    (f"{where}.moved[{i}]", f"date {day} is before the issue date {threat.issued}")
                )
            else:
                problems += in_calendar(f"{where}.moved[{i}]", day, s)
    return problems

"""A scenario's evidence in words: what each stance rests on, and its red line.

Every actor, stance, front, track and threat either cites article paragraphs
(``evidence = "P6: ..."``) or states an ``assumption``. The run report (HTML) and the
dashboard's evidence panel (text) both show it from here, so the two never disagree on
what a stance rests on.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sim.scenario.base import PARAGRAPH
from sim.scenario.schema import Stance

CITATION_PREFIX = re.compile(r"^\s*P\d+(?:\s*(?:,|and|-|–)\s*P\d+)*\s*:\s*")


@dataclass(frozen=True)
class Basis:
    """What an item rests on: ``kind`` is evidence, assumption or none."""

    kind: str
    text: str  # as written in the file
    paragraphs: tuple[str, ...] = ()  # cited paragraphs, in order ('P6', 'P7')

    @property
    def plain(self) -> str:
        """The text without its leading 'P6, P7:' (shown as tags instead)."""
        return CITATION_PREFIX.sub("", self.text) if self.kind == "evidence" else self.text


def basis(item) -> Basis:
    """The basis of an actor, stance or threat (anything with evidence/assumption fields)."""
    evidence = getattr(item, "evidence", None)
    if evidence:
        return Basis("evidence", evidence, tuple(dict.fromkeys(PARAGRAPH.findall(evidence))))
    assumption = getattr(item, "assumption", None)
    if assumption:
        return Basis("assumption", assumption)
    return Basis("none", "")


def red_line_text(stance: Stance) -> str:
    """``never below 0.6``, ``never above 0``, or empty when the stance has none."""
    line = stance.red_line
    if line is None:
        return ""
    if line.never_below is not None:
        return f"never below {line.never_below:g}"
    return f"never above {line.never_above:g}"


def day_text(day: dt.date) -> str:
    """'11 Mar 2025': how dates read in reports and on the dashboard."""
    return f"{day.day} {day:%b %Y}"


def talks_span(start: dt.date, rounds: int) -> str:
    """'61 rounds (round 0 on 11 Mar 2025 to round 60 on 10 May 2025)' (model 1; model 2's
    calendar is said by :func:`calendar_span`, and this goes once no reader calls it).

    ``negotiation.rounds`` = T numbers the last round, and round 0 presents the opening
    proposal (docs/model.md, section 3), so there are T + 1 rounds of answers. The report
    and the dashboard both say it with this one phrase, so they cannot disagree.
    """
    end = start + dt.timedelta(days=rounds)
    first, last = day_text(start), day_text(end)
    return f"{rounds + 1} rounds (round 0 on {first} to round {rounds} on {last})"


def calendar_span(start: dt.date, end: dt.date) -> str:
    """'296 days (11 Mar 2025 to 31 Dec 2025)': the run's calendar, as reports and the
    dashboard say it (day 0 is the start date, the last day is the end date)."""
    days = (end - start).days + 1
    return f"{days} days ({day_text(start)} to {day_text(end)})"

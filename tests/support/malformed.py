"""Malformed copies of the default scenario, and the exact error each must give.

The files are made by editing the TOML *text* of scenarios/march-2025.toml rather than by
re-serialising parsed data: they then look like what a user writes (comments, table order
and line numbers kept), and TOML-level mistakes (a table declared twice, a bad literal)
can be produced too. tests/unit/scenario/test_load.py checks the messages in process;
tests/commands/test_cli.py checks that `ceasefire validate` and `ceasefire run` report them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sim.scenario.base import ID_RULE
from sim.scenario.load import DEFAULT_SCENARIO, load_scenario
from sim.scenario.schema import Actor, Meta, Scenario, Stance


def _described(model, field: str) -> str:
    """The schema's description of a field as the error shows it (without a final stop)."""
    return model.model_fields[field].description.rstrip(".")


DEFAULT_TEXT = DEFAULT_SCENARIO.read_text(encoding="utf-8")
_DEFAULT = load_scenario(DEFAULT_SCENARIO)
ACTORS = ", ".join(_DEFAULT.actors)  # united_states, russia, ukraine, ...
ISSUES = ", ".join(_DEFAULT.issues)  # monitoring, kursk, ...
KURSK = "actors.russia.stances.kursk"
MEETING = "events.moscow_meeting"
RUSSIA_ASPIRATION = _DEFAULT.actors["russia"].aspiration
FRONTS = ", ".join(_DEFAULT.fronts)  # kursk, main, ...
TRACKS = ", ".join(_DEFAULT.tracks)  # full, air_sea, ...
PARTIES = ", ".join(a for a, x in _DEFAULT.actors.items() if x.role == "party")


# --- text edits ----------------------------------------------------------------------------


def _table_span(lines: list[str], table: str) -> tuple[int, int]:
    """Index of the ``[table]`` header and of the line after the table's last line."""
    starts = [i for i, line in enumerate(lines) if line.strip() == f"[{table}]"]
    if len(starts) != 1:
        raise KeyError(f"[{table}] found {len(starts)} times in the scenario text")
    end = next(
        (i for i in range(starts[0] + 1, len(lines)) if lines[i].lstrip().startswith("[")),
        len(lines),
    )
    return starts[0], end


def set_key(text: str, table: str, key: str, value: str | None) -> str:
    """Set ``key = value`` in ``[table]`` (``value`` is TOML source); ``None`` deletes it.

    A key that is not there is added after the table's last line of content. Only
    single-line keys can be edited, which covers every key the tests touch.
    """
    lines = text.splitlines()
    start, end = _table_span(lines, table)
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
    hits = [i for i in range(start + 1, end) if pattern.match(lines[i])]
    if len(hits) > 1:
        raise KeyError(f"{key} found {len(hits)} times in [{table}]")
    if not hits and value is None:
        raise KeyError(f"{key} not found in [{table}]")
    if hits and value is None:
        del lines[hits[0]]
    elif hits:
        lines[hits[0]] = f"{key} = {value}"
    else:
        last = max(i for i in range(start, end) if lines[i].strip() and lines[i][0] != "#")
        lines.insert(last + 1, f"{key} = {value}")
    return "\n".join(lines) + "\n"


def drop_table(text: str, table: str) -> str:
    lines = text.splitlines()
    start, end = _table_span(lines, table)
    return "\n".join(lines[:start] + lines[end:]) + "\n"


def add_table(text: str, table: str, body: str) -> str:
    """Append ``[table]`` with ``body`` (TOML source) at the end of the file."""
    return text.rstrip("\n") + f"\n\n[{table}]\n{body.strip()}\n"


def rename_table(text: str, table: str, new: str) -> str:
    lines = text.splitlines()
    start, _ = _table_span(lines, table)
    lines[start] = f"[{new}]"
    return "\n".join(lines) + "\n"


def replace_once(text: str, old: str, new: str) -> str:
    """``text`` with the only occurrence of ``old`` replaced (arrays of tables, such as
    ``[[calendar.sessions]]``, have no unique header for :func:`set_key`)."""
    if text.count(old) != 1:
        raise KeyError(f"{old!r} occurs {text.count(old)} times in the scenario text")
    return text.replace(old, new)


EASTER = 'actor = "russia"\ndate = 2025-04-19'
JEDDAH = 'date = 2025-03-11\nlabel = "Jeddah"'


def line_of(text: str, needle: str) -> int:
    """1-based number of the only line that is exactly ``needle`` (stripped)."""
    hits = [n for n, line in enumerate(text.splitlines(), 1) if line.strip() == needle]
    if len(hits) != 1:
        raise KeyError(f"{needle!r} is on {len(hits)} lines")
    return hits[0]


def _all_saliences(text: str, actor: str, value: str) -> str:
    for issue in _DEFAULT.issues:
        text = set_key(text, f"actors.{actor}.stances.{issue}", "salience", value)
    return text


# --- the cases -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """A malformed file and its error lines (without the leading ``FILE: ``).

    ``expected`` may be a function of the edited text (for line numbers). A line may be a
    compiled regular expression where part of it is the TOML parser's (the column number).
    """

    id: str
    edit: Callable[[str], str]
    expected: list[str | re.Pattern] | Callable[[str], list[str | re.Pattern]]

    def text(self) -> str:
        return self.edit(DEFAULT_TEXT)

    def lines(self, label: str) -> list[str | re.Pattern]:
        text = self.text()
        expected = self.expected(text) if callable(self.expected) else self.expected
        return [
            re.compile(re.escape(f"{label}: ") + e.pattern)
            if isinstance(e, re.Pattern)
            else f"{label}: {e}"
            for e in expected
        ]

    def write(self, folder: Path) -> Path:
        path = folder / f"{self.id}.toml"
        path.write_text(self.text(), encoding="utf-8")
        return path


def matches(lines: list[str], expected: list[str | re.Pattern]) -> bool:
    """Every line equals (or fully matches) its expected line, in order, none extra."""
    return len(lines) == len(expected) and all(
        e.fullmatch(line) is not None if isinstance(e, re.Pattern) else line == e
        for line, e in zip(lines, expected, strict=True)
    )


def _syntax(line: str, message: str) -> Callable[[str], list[re.Pattern]]:
    """A TOML syntax error on the only line reading ``line``."""

    def expected(text: str) -> list[re.Pattern]:
        n = line_of(text, line)
        return [
            re.compile(
                re.escape(f"line {n}, column ")
                + r"\d+"
                + re.escape(f": TOML syntax error: {message} (line reads: {line})")
            )
        ]

    return expected


CASES = [
    # --- values out of range (issue 2: "must be >= 0 (got -0.2)")
    Case(
        "negative-salience",
        lambda t: set_key(t, KURSK, "salience", "-0.2"),
        [f"{KURSK}.salience: must be >= 0 (got -0.2)"],
    ),
    Case(
        "position-above-one",
        lambda t: set_key(t, KURSK, "position", "1.5"),
        [f"{KURSK}.position: must be <= 1 (got 1.5)"],
    ),
    Case(
        "aspiration-below-minus-one",
        lambda t: set_key(t, "actors.ukraine", "aspiration", "-1.5"),
        ["actors.ukraine.aspiration: must be >= -1 (got -1.5)"],
    ),
    Case(
        "planning-horizon-zero",
        lambda t: set_key(t, "actors.russia", "planning_horizon", "0"),
        ["actors.russia.planning_horizon: must be >= 1 (got 0)"],
    ),
    Case(
        "drift-too-fast",
        lambda t: set_key(t, "fronts.kursk", "drift", "0.5"),
        ["fronts.kursk.drift: must be <= 0.1 (got 0.5)"],
    ),
    Case(
        "daily-cost-too-high",
        lambda t: set_key(t, "fronts.main", "cost", "{ ukraine = 0.3, russia = 0.003 }"),
        ["fronts.main.cost.ukraine: must be <= 0.1 (got 0.3)"],
    ),
    # --- unknown and missing fields
    Case(
        "unknown-field-typo",
        lambda t: set_key(
            set_key(t, "actors.russia", "concession_rate", None),
            "actors.russia",
            "concesion_rate",
            "0.05",
        ),
        [
            "actors.russia.concesion_rate: unknown field; did you mean 'concession_rate'? "
            f"(allowed: {', '.join(Actor.model_fields)})"
        ],
    ),
    Case(
        "typo-of-a-required-field",
        lambda t: set_key(set_key(t, KURSK, "salience", None), KURSK, "salence", "0.22"),
        [
            f"{KURSK}.salience: required field is missing ({_described(Stance, 'salience')})",
            f"{KURSK}.salence: unknown field; did you mean 'salience'? "
            "(allowed: evidence, assumption, position, salience, red_line, spread)",
        ],
    ),
    Case(
        "unknown-table-typo",
        lambda t: rename_table(t, "negotiation", "negotation"),
        [
            "negotation: unknown field; did you mean 'negotiation'? "
            f"(allowed: {', '.join(Scenario.model_fields)})"
        ],
    ),
    Case(
        "unknown-threat-spread-key",
        lambda t: set_key(t, "threats.waltz", "spread", "{ resolve = 0.1 }"),
        ["threats.waltz.spread.resolve: unknown field (allowed: severity, credibility)"],
    ),
    Case(
        "missing-position",
        lambda t: set_key(t, KURSK, "position", None),
        [f"{KURSK}.position: required field is missing ({_described(Stance, 'position')})"],
    ),
    Case(
        "missing-scenario-name",
        lambda t: set_key(t, "scenario", "name", None),
        [f"scenario.name: required field is missing ({_described(Meta, 'name')})"],
    ),
    # --- wrong types: no silent coercion
    Case(
        "position-is-text",
        lambda t: set_key(t, KURSK, "position", '"high"'),
        [f'{KURSK}.position: must be a number (got "high")'],
    ),
    Case(
        "position-is-boolean",
        lambda t: set_key(t, KURSK, "position", "true"),
        [f"{KURSK}.position: must be a number (got true)"],
    ),
    Case(
        "position-is-quoted-number",
        lambda t: set_key(t, KURSK, "position", '"0.5"'),
        [f'{KURSK}.position: must be a number (got "0.5")'],
    ),
    Case(
        "term-not-whole",
        lambda t: set_key(t, "tracks.full", "term_days", "2.5"),
        ["tracks.full.term_days: must be a whole number (got 2.5)"],
    ),
    Case(
        "mechanism-switch-is-text",
        lambda t: add_table(t, "mechanisms", 'battlefield = "off"'),
        ['mechanisms.battlefield: must be true or false (got "off")'],
    ),
    Case(
        "unknown-proposal-rule",
        lambda t: set_key(t, "negotiation", "proposal_rule", '"zeuthen"'),
        [
            "negotiation.proposal_rule: must be one of 'learning', 'compromise' or 'nash' "
            '(got "zeuthen")'
        ],
    ),
    Case(
        "date-is-text",
        lambda t: set_key(t, "threats.waltz", "issued", '"soon"'),
        ['threats.waltz.issued: must be a date like 2025-03-11 (got "soon")'],
    ),
    Case(
        "partners-not-a-list",
        lambda t: set_key(t, "actors.ukraine", "accepts_only_with", '"russia"'),
        ['actors.ukraine.accepts_only_with: must be a list, like ["a", "b"] (got "russia")'],
    ),
    Case(
        "ties-not-a-table",
        lambda t: set_key(t, "actors.russia", "ties", '"united_states"'),
        ['actors.russia.ties: must be a table (got "united_states")'],
    ),
    Case(
        "unknown-role",
        lambda t: set_key(t, "actors.united_states", "role", '"broker"'),
        [
            "actors.united_states.role: must be one of 'mediator', 'party' or 'supporter' "
            '(got "broker")'
        ],
    ),
    # --- unknown ids
    Case(
        "unknown-actor-in-ties",
        lambda t: set_key(t, "actors.russia", "ties", "{ united_sates = 1.0 }"),
        [f"actors.russia.ties.united_sates: unknown actor 'united_sates' (known: {ACTORS})"],
    ),
    Case(
        "unknown-actor-in-accepts-only-with",
        lambda t: set_key(t, "actors.ukraine", "accepts_only_with", '["rusia"]'),
        [f"actors.ukraine.accepts_only_with[0]: unknown actor 'rusia' (known: {ACTORS})"],
    ),
    Case(
        "unknown-threat-by",
        lambda t: set_key(t, "threats.waltz", "by", '"usa"'),
        [f"threats.waltz.by: unknown actor 'usa' (known: {ACTORS})"],
    ),
    Case(
        "unknown-threat-target",
        lambda t: set_key(t, "threats.waltz", "target", '"moscow"'),
        [f"threats.waltz.target: unknown actor 'moscow' (known: {ACTORS})"],
    ),
    Case(
        "unknown-actor-in-event-set",
        lambda t: set_key(t, "events.moscow_meeting", "set", '{ "actors.putin.aspiration" = 0.5 }'),
        [
            "events.moscow_meeting.set.\"actors.putin.aspiration\": unknown actor 'putin' "
            f"in 'actors.putin.aspiration' (known: {ACTORS})"
        ],
    ),
    Case(
        "unknown-issue-in-event-shift",
        lambda t: set_key(
            t, "events.moscow_meeting", "shift", '{ "actors.russia.stances.crimea.position" = 0.1 }'
        ),
        [
            'events.moscow_meeting.shift."actors.russia.stances.crimea.position": unknown issue '
            f"'crimea' in 'actors.russia.stances.crimea.position' (known: {ISSUES})"
        ],
    ),
    Case(
        "event-sets-value-out-of-range",
        lambda t: set_key(
            t, "events.moscow_meeting", "set", '{ "actors.russia.aspiration" = 1.5 }'
        ),
        ['events.moscow_meeting.set."actors.russia.aspiration": must be <= 1 (got 1.5)'],
    ),
    Case(
        "unknown-issue-in-stance",
        lambda t: add_table(
            t, "actors.russia.stances.crimea", 'position = 1.0\nsalience = 0.1\nassumption = "x"'
        ),
        [f"actors.russia.stances.crimea: unknown issue 'crimea' (known: {ISSUES})"],
    ),
    Case(
        "missing-stance",
        lambda t: drop_table(t, "actors.russia.stances.territory"),
        ["actors.russia.stances: no stance on issue 'territory' (every actor needs one)"],
    ),
    # --- duplicate ids: TOML itself refuses a table or key given twice
    Case(
        "duplicate-actor-id",
        lambda t: add_table(t, "actors.russia", 'name = "Russia again"'),
        lambda text: [
            re.compile(
                re.escape(f"line {len(text.splitlines()) - 1}, column ")
                + r"\d+"
                + re.escape(
                    ": TOML syntax error: Cannot declare actors.russia twice "
                    "(line reads: [actors.russia])"
                )
            )
        ],
    ),
    Case(
        "duplicate-issue-id",
        lambda t: add_table(t, "issues.kursk", 'label = "Kursk again"'),
        lambda text: [
            re.compile(
                re.escape(f"line {len(text.splitlines()) - 1}, column ")
                + r"\d+"
                + re.escape(
                    ": TOML syntax error: Cannot declare issues.kursk twice "
                    "(line reads: [issues.kursk])"
                )
            )
        ],
    ),
    Case(
        "duplicate-key",
        lambda t: set_key(t, KURSK, "salience", "0.22\nsalience = 0.33"),
        _syntax("salience = 0.33", "Cannot overwrite a value"),
    ),
    Case(
        "duplicate-partner",
        lambda t: set_key(t, "actors.ukraine", "accepts_only_with", '["russia", "russia"]'),
        ["actors.ukraine.accepts_only_with[1]: 'russia' is listed twice"],
    ),
    Case(
        "toml-syntax-error",
        lambda t: set_key(t, KURSK, "position", "1.0.0"),
        _syntax("position = 1.0.0", "Expected newline or end of document after a statement"),
    ),
    # --- stances
    Case(
        "salience-all-zero",
        lambda t: _all_saliences(t, "russia", "0"),
        [
            "actors.russia: salience is 0 on every issue: at least one stance needs "
            "salience > 0 (saliences are weights, normalised to sum 1 over issues)"
        ],
    ),
    Case(
        "red-line-never-below-above-position",
        lambda t: set_key(t, KURSK, "position", "0.3"),
        [
            f"{KURSK}: position 0.3 is below its red line never_below = 0.5: the red line "
            "is on the wrong side of the position (position must be >= 0.5)"
        ],
    ),
    Case(
        "red-line-never-above-below-position",
        lambda t: set_key(t, "actors.ukraine.stances.territory", "position", "0.6"),
        [
            "actors.ukraine.stances.territory: position 0.6 is above its red line "
            "never_above = 0.4: the red line is on the wrong side of the position "
            "(position must be <= 0.4)"
        ],
    ),
    Case(
        "spread-on-missing-red-line",
        lambda t: set_key(t, "actors.russia.stances.rearmament", "spread", "{ red_line = 0.1 }"),
        [
            "actors.russia.stances.rearmament: spread.red_line is set but the stance has no "
            "red_line to spread (add red_line = { never_below = ... } or never_above, "
            "or drop the spread)"
        ],
    ),
    # --- evidence and assumptions
    Case(
        "evidence-without-paragraph",
        lambda t: set_key(t, KURSK, "evidence", '"Putin raised Kursk"'),
        [
            f"{KURSK}.evidence: must cite a paragraph of the source, such as 'P6: ...' "
            '(got "Putin raised Kursk")'
        ],
    ),
    Case(
        "actor-evidence-without-paragraph",
        lambda t: set_key(t, "actors.ukraine", "evidence", '"Kyiv said yes"'),
        [
            "actors.ukraine.evidence: must cite a paragraph of the source, such as 'P6: ...' "
            '(got "Kyiv said yes")'
        ],
    ),
    Case(
        "both-evidence-and-assumption",
        lambda t: set_key(t, KURSK, "assumption", '"Moscow wants the salient back"'),
        [
            f"{KURSK}: has both 'evidence' and 'assumption': keep exactly one "
            "(a paragraph reference such as 'P6: ...', or why the value is assumed)"
        ],
    ),
    Case(
        "neither-evidence-nor-assumption",
        lambda t: set_key(t, KURSK, "evidence", None),
        [
            f"{KURSK}: has neither 'evidence' nor 'assumption': give exactly one "
            "(a paragraph reference such as 'P6: ...', or why the value is assumed)"
        ],
    ),
    # --- roles
    Case(
        "two-mediators",
        lambda t: set_key(t, "actors.norway", "role", '"mediator"'),
        ["actors: need at most one actor with role = 'mediator' (found 2: united_states, norway)"],
    ),
    # --- dates
    Case(
        "threat-issued-before-start",
        lambda t: set_key(t, "threats.waltz", "issued", "2025-03-01"),
        ["threats.waltz.issued: date 2025-03-01 is before the start date 2025-03-11"],
    ),
    Case(
        "event-before-start",
        lambda t: set_key(t, "events.moscow_meeting", "date", "2025-03-10"),
        ["events.moscow_meeting.date: date 2025-03-10 is before the start date 2025-03-11"],
    ),
    Case(
        "deadline-before-issued",
        lambda t: set_key(t, "threats.waltz", "deadline", "2025-03-15"),
        ["threats.waltz.deadline: date 2025-03-15 is before the issue date 2025-03-16"],
    ),
    # --- issue 10: validate said OK, then run crashed or lied
    Case(
        "id-with-a-dot",
        lambda t: t.replace("[threats.waltz]", '[threats."wal.tz"]'),
        [f'threats: id "wal.tz" is not allowed: an id is {ID_RULE}'],
    ),
    Case(
        "newline-in-an-id",
        lambda t: t.replace("[events.moscow_meeting]", '[events."moscow\\nmeeting"]'),
        [f'events: id "moscow\\nmeeting" is not allowed: an id is {ID_RULE}'],
    ),
    Case(
        "terminal-escape-in-an-actor-reference",
        lambda t: set_key(t, "threats.waltz", "by", '"\\u001b]0;owned\\u0007"'),
        [f'threats.waltz.by: must be an id: {ID_RULE} (got "\\u001b]0;owned\\u0007")'],
    ),
    Case(
        "terminal-escape-in-a-name",
        lambda t: set_key(t, "actors.russia", "name", '"Russia\\u001b[2J"'),
        [
            "actors.russia.name: contains the control character '\\x1b'; write one line of "
            'plain text (got "Russia\\u001b[2J")'
        ],
    ),
    Case(
        # a 10 MB name: the file is refused as too large before parsing
        # (test_an_oversized_input_file_is_refused_before_it_is_parsed)
        "name-one-character-over-the-limit",
        lambda t: set_key(t, "scenario", "name", '"' + "x" * 201 + '"'),
        ["scenario.name: must be at most 200 characters (got 201 characters)"],
    ),
    Case(
        "start-date-far-in-the-future",
        lambda t: set_key(t, "scenario", "start_date", "9999-12-01"),
        ["scenario.start_date: must be <= 2199-12-31 (got 9999-12-01)"],
    ),
    Case(
        "start-date-is-a-time-of-day",
        lambda t: set_key(t, "scenario", "start_date", "12:00:00"),
        ["scenario.start_date: must be a date like 2025-03-11 (got 12:00:00)"],
    ),
    Case(
        "start-date-is-a-number",
        lambda t: set_key(t, "scenario", "start_date", "1741651200"),
        ["scenario.start_date: must be a date like 2025-03-11 (got 1741651200)"],
    ),
    Case(
        "term-written-as-a-float",
        lambda t: set_key(t, "tracks.full", "term_days", "30.0"),
        ["tracks.full.term_days: must be a whole number (got 30.0)"],
    ),
    Case(
        "infinite-position",
        lambda t: set_key(t, KURSK, "position", "inf"),
        [f"{KURSK}.position: must be a finite number (got inf)"],
    ),
    Case(
        "blank-assumption",
        lambda t: set_key(t, "issues.monitoring", "assumption", '""'),
        ['issues.monitoring.assumption: must not be blank (got "")'],
    ),
    Case(
        "blank-evidence",
        lambda t: set_key(t, KURSK, "evidence", '"  "'),
        [f'{KURSK}.evidence: must not be blank (got "  ")'],
    ),
    Case(
        "nested-five-thousand-deep",
        lambda t: t + "deep = " + "[" * 5000 + "]" * 5000 + "\n",
        ["TOML nesting too deep (arrays or inline tables inside each other)"],
    ),
    Case(
        "integer-of-five-thousand-digits",
        lambda t: set_key(t, "tracks.full", "term_days", "7" * 5000),
        lambda text: [
            f"line {line_of(text, 'term_days = ' + '7' * 5000)}: number too long "
            "(more than 4,300 digits)"
        ],
    ),
    # events: every state they produce is checked like the file itself
    Case(
        "event-shifts-by-nan",
        lambda t: set_key(t, MEETING, "shift", '{ "actors.russia.aspiration" = nan }'),
        [f'{MEETING}.shift."actors.russia.aspiration": must be a finite number (got nan)'],
    ),
    Case(
        "event-shifts-out-of-range",
        lambda t: set_key(t, MEETING, "shift", '{ "actors.russia.aspiration" = 1.5 }'),
        [
            f'{MEETING}.shift."actors.russia.aspiration": must be <= 1 '
            f"(got {RUSSIA_ASPIRATION + 1.5!r} = {RUSSIA_ASPIRATION!r} + 1.5 after this shift)"
        ],
    ),
    Case(
        "event-sets-capability-zero",
        lambda t: set_key(t, MEETING, "set", '{ "actors.russia.capability" = 0.0 }'),
        [f'{MEETING}.set."actors.russia.capability": must be > 0 (got 0.0)'],
    ),
    Case(
        "event-sets-step-size-zero",
        lambda t: set_key(t, MEETING, "set", '{ "negotiation.step_size" = 0.0 }'),
        [f'{MEETING}.set."negotiation.step_size": must be > 0 (got 0.0)'],
    ),
    Case(
        "event-sets-a-fractional-tolerance",
        lambda t: set_key(t, MEETING, "set", '{ "implementation.violation_tolerance" = 2.5 }'),
        [f'{MEETING}.set."implementation.violation_tolerance": must be a whole number (got 2.5)'],
    ),
    Case(
        "event-ties-an-actor-to-itself",
        lambda t: set_key(t, MEETING, "set", '{ "actors.russia.ties.russia" = 1.0 }'),
        [f'{MEETING}.set."actors.russia.ties.russia": an actor cannot be tied to itself'],
    ),
    Case(
        "event-sets-every-salience-to-zero",
        lambda t: set_key(
            t,
            MEETING,
            "set",
            "{ "
            + ", ".join(f'"actors.russia.stances.{k}.salience" = 0.0' for k in _DEFAULT.issues)
            + " }",
        ),
        [
            f"{MEETING}: after this event, actors.russia: salience is 0 on every issue: at "
            "least one stance needs salience > 0 (saliences are weights, normalised to sum 1 "
            "over issues)"
        ],
    ),
    Case(
        "event-gives-a-cost-to-an-actor-that-does-not-fight",
        lambda t: set_key(t, MEETING, "set", '{ "fronts.kursk.cost.france" = 0.001 }'),
        [
            f"{MEETING}.set.\"fronts.kursk.cost.france\": 'france' is not a side of this "
            "front (allowed: ukraine, russia)"
        ],
    ),
    Case(
        "event-moves-a-front-out-of-range",
        lambda t: set_key(t, MEETING, "shift", '{ "fronts.kursk.control" = 0.5 }'),
        [
            f'{MEETING}.shift."fronts.kursk.control": must be <= 1 '
            "(got 1.2 = 0.7 + 0.5 after this shift)"
        ],
    ),
    Case(
        "event-path-typo",
        lambda t: set_key(t, MEETING, "shift", '{ "actors.russia.aspiraton" = 0.1 }'),
        [
            f'{MEETING}.shift."actors.russia.aspiraton": unknown parameter path '
            "'actors.russia.aspiraton'; did you mean 'actors.russia.aspiration'?"
        ],
    ),
    Case(
        "event-actor-typo",
        lambda t: set_key(t, MEETING, "shift", '{ "actors.rusia.aspiration" = 0.1 }'),
        [
            f"{MEETING}.shift.\"actors.rusia.aspiration\": unknown actor 'rusia' in "
            f"'actors.rusia.aspiration'; did you mean 'russia'? (known: {ACTORS})"
        ],
    ),
    Case(
        "integer-beyond-a-float",
        lambda t: set_key(t, "actors.russia", "capability", "1" + "0" * 400),
        [
            "actors.russia.capability: must be a finite number "
            "(got 10000000000000000000... (401 digits))"
        ],
    ),
    Case(
        "event-path-of-100-kb",
        lambda t: set_key(t, MEETING, "shift", '{ "' + "a." * 50_000 + 'b" = 0.1 }'),
        [f"{MEETING}.shift.\"{'a.' * 28}a...\": unknown parameter path '{'a.' * 38}a...'"],
    ),
    # --- format v2: removed v1 fields say what replaced them
    Case(
        "removed-pressure-sensitivity",
        lambda t: set_key(t, "actors.russia", "pressure_sensitivity", "0.8"),
        [
            "actors.russia: `pressure_sensitivity` was removed in model 2: no rule read it; the "
            "pressure on a holdout is `negotiation.holdout_pressure` (times the actor's "
            "`concession_rate`), and a carried-out threat's cost is its `severity`"
        ],
    ),
    Case(
        "removed-reservation",
        lambda t: set_key(t, "actors.russia", "reservation", "0.84"),
        [
            "actors.russia: `reservation` was removed in model 2: the outside option now comes "
            "from [fronts] (the value of fighting on; `aspiration` is an offset on it)"
        ],
    ),
    Case(
        "removed-war-cost-and-concession-style",
        lambda t: set_key(
            set_key(t, "actors.ukraine", "war_cost", "0.002"),
            "actors.ukraine",
            "concession_style",
            "1.5",
        ),
        [
            "actors.ukraine: `war_cost` was removed in model 2: the cost of war now comes from "
            "[fronts] (`cost` x `intensity` per day); `concession_style` was removed in model 2: "
            "concession no longer follows a deadline; `concession_rate` lowers the aspiration "
            "as costs and pressure accumulate"
        ],
    ),
    Case(
        "removed-reservation-spread",
        lambda t: set_key(t, "actors.russia", "spread", "{ reservation = 0.04 }"),
        [
            "actors.russia.spread: `reservation` was removed in model 2: the outside option now "
            "comes from [fronts] (the value of fighting on; `aspiration` is an offset on it)"
        ],
    ),
    Case(
        "removed-rounds",
        lambda t: set_key(t, "negotiation", "rounds", "60"),
        [
            "negotiation: `rounds` was removed in model 2: the horizon is the calendar "
            "([scenario] end_date, [calendar] sessions and session_chance)"
        ],
    ),
    Case(
        "removed-duration-days",
        lambda t: set_key(t, "implementation", "duration_days", "30"),
        [
            "implementation: `duration_days` was removed in model 2: each track has its own "
            "fixed term ([tracks.<id>] term_days)"
        ],
    ),
    Case(
        "removed-v1-monitoring-capacity",
        lambda t: set_key(t, "implementation", "monitoring_capacity", "0.2"),
        [
            "implementation: `monitoring_capacity` was removed in model 2: each supporter's "
            "[actors.<id>] monitoring_capacity, which scales the monitoring the agreed terms "
            "provide for"
        ],
    ),
    Case(
        "removed-v1-two-fields",
        lambda t: set_key(
            set_key(t, "implementation", "base_violation_rate", "0.08"),
            "implementation",
            "major_probability",
            "0.1",
        ),
        [
            "implementation: `base_violation_rate` was removed in model 2: violation_rate (the "
            "violation hazard is violation_rate x the class, coverage and side factors); "
            "`major_probability` was removed in model 2: major_share"
        ],
    ),
    Case(
        "removed-partial-min",
        lambda t: set_key(t, "outcomes", "partial_min", "0.2"),
        [
            "outcomes: `partial_min` was removed in model 2: coverage comes from [tracks] (a "
            "track that halts every front is comprehensive)"
        ],
    ),
    # --- format v2: fronts and beliefs
    Case(
        "front-side-not-a-party",
        lambda t: set_key(t, "fronts.kursk", "sides", '["ukraine", "france"]'),
        [
            "fronts.kursk.sides: need two distinct parties, [first, second] "
            f'(allowed: {PARTIES}; got ["ukraine", "france"])'
        ],
    ),
    Case(
        "front-sides-the-same-party",
        lambda t: set_key(t, "fronts.main", "sides", '["russia", "russia"]'),
        [
            "fronts.main.sides: need two distinct parties, [first, second] "
            f'(allowed: {PARTIES}; got ["russia", "russia"])'
        ],
    ),
    Case(
        "front-cost-of-a-non-side",
        lambda t: set_key(t, "fronts.energy", "cost", "{ ukraine = 0.003, france = 0.001 }"),
        [
            "fronts.energy.cost.france: 'france' is not a side of this front "
            "(allowed: ukraine, russia)"
        ],
    ),
    Case(
        "belief-of-an-unknown-actor",
        lambda t: add_table(
            t, "fronts.kursk.beliefs.putin", 'drift = 0.01\nsd = 0.01\nassumption = "x"'
        ),
        [f"fronts.kursk.beliefs.putin: unknown actor 'putin' (known: {ACTORS})"],
    ),
    Case(
        "belief-without-basis",
        lambda t: set_key(t, "fronts.kursk.beliefs.russia", "assumption", None),
        [
            "fronts.kursk.beliefs.russia: has neither 'evidence' nor 'assumption': give exactly "
            "one (a paragraph reference such as 'P6: ...', or why the value is assumed)"
        ],
    ),
    Case(
        "issue-tied-to-an-unknown-front",
        lambda t: set_key(t, "issues.kursk", "front", '"kursk_salient"'),
        [f"issues.kursk.front: unknown front 'kursk_salient' (known: {FRONTS})"],
    ),
    Case(
        "unknown-implementer",
        lambda t: set_key(t, "issues.prisoners", "implementers", '["red_cross"]'),
        [f"issues.prisoners.implementers[0]: unknown actor 'red_cross' (known: {ACTORS})"],
    ),
    # --- format v2: tracks
    Case(
        "track-halts-an-unknown-front",
        lambda t: set_key(t, "tracks.air_sea", "fronts", '["air", "see"]'),
        [f"tracks.air_sea.fronts[1]: unknown front 'see' (known: {FRONTS})"],
    ),
    Case(
        "track-decides-an-unknown-issue",
        lambda t: set_key(t, "tracks.energy", "issues", '["monitoring", "sanctions"]'),
        [f"tracks.energy.issues[1]: unknown issue 'sanctions' (known: {ISSUES})"],
    ),
    Case(
        "track-fronts-neither-all-nor-a-list",
        lambda t: set_key(t, "tracks.full", "fronts", '"everything"'),
        [
            'tracks.full.fronts: must be "all" or a list of front ids, like ["air", "sea"] '
            '(got "everything")'
        ],
    ),
    Case(
        "track-opening-on-an-issue-it-does-not-decide",
        lambda t: set_key(t, "tracks.energy", "opening", "{ kursk = 0.5 }"),
        [
            "tracks.energy.opening.kursk: 'kursk' is not an issue this track decides "
            "(allowed: monitoring)"
        ],
    ),
    Case(
        "track-that-does-nothing",
        lambda t: set_key(t, "tracks.prisoners", "issues", "[]"),
        ["tracks.prisoners: halts no front and decides no issue: give fronts or issues"],
    ),
    Case(
        "threat-on-an-unknown-track",
        lambda t: set_key(t, "threats.waltz", "track", '"ful"'),
        [f"threats.waltz.track: unknown track 'ful' (known: {TRACKS})"],
    ),
    Case(
        "outcome-class-on-an-unknown-issue",
        lambda t: set_key(t, "outcomes", "compliance_issue", '"verification"'),
        [f"outcomes.compliance_issue: unknown issue 'verification' (known: {ISSUES})"],
    ),
    # --- format v2: the calendar
    Case(
        "end-date-before-start-date",
        lambda t: set_key(t, "scenario", "end_date", "2025-03-01"),
        ["scenario: end_date 2025-03-01 must be after start_date 2025-03-11"],
    ),
    Case(
        "dated-items-after-the-end-date",
        lambda t: set_key(t, "scenario", "end_date", "2025-03-25"),
        [
            "calendar.truce_occasions[0].date: date 2025-04-19 is after the end date "
            "2025-03-25 (the last day simulated)",
            "threats.waltz.deadline: date 2025-03-30 is after the end date 2025-03-25 "
            "(the last day simulated)",
        ],
    ),
    Case(
        "session-before-the-start-date",
        lambda t: replace_once(t, JEDDAH, JEDDAH.replace("03-11", "03-01")),
        ["calendar.sessions[0].date: date 2025-03-01 is before the start date 2025-03-11"],
    ),
    Case(
        "truce-declared-by-the-mediator",
        lambda t: replace_once(t, EASTER, EASTER.replace("russia", "united_states")),
        [
            "calendar.truce_occasions[0].actor: a unilateral truce is declared by a party "
            f'(allowed: {PARTIES}; got "united_states")'
        ],
    ),
    Case(
        "truce-on-an-unknown-front",
        lambda t: replace_once(t, 'fronts = ["main", "kursk"]', 'fronts = ["main", "donbas"]'),
        [f"calendar.truce_occasions[0].fronts[1]: unknown front 'donbas' (known: {FRONTS})"],
    ),
    Case(
        "session-chance-without-basis",
        lambda t: set_key(t, "calendar", "assumption", None),
        [
            "calendar: session_chance is set but has neither 'evidence' nor 'assumption': give "
            "exactly one (a paragraph reference such as 'P5: ...', or why it is assumed)"
        ],
    ),
    Case(
        "deadline-moved-before-the-threat",
        lambda t: set_key(t, "threats.waltz", "moved", "[2025-03-12]"),
        ["threats.waltz.moved[0]: date 2025-03-12 is before the issue date 2025-03-16"],
    ),
]

"""KTAB's CSV input -> a scenario file of the general format.

KTAB (KAPSARC Toolkit for Behavioral Analysis, https://github.com/KAPSARC/KTAB) reads a
Spatial Model of Politics case as CSV: a first line ``Scenario,Desc,nActors,nDims``, a
header line ``Actor,Description,Influence,<dim 1>,<salience 1>,...``, then one line per
actor with its influence and, per dimension, its position and salience, both on 0..100.

The scenario keeps those numbers, re-scaled only where the format's ranges ask it:

- positions are divided by 100 onto [0, 1];
- saliences stay percent, read as ``[scenario] salience = "absolute"`` (KTAB does not
  normalise them over dimensions: what is left of 100 is attention the case leaves out);
- influences become capabilities divided by 10^k, the smallest power of ten keeping every
  one within the format's (0, 100]; only ratios of capabilities enter any forecast, and the
  factor is written in the file so :func:`ktab_rows` can give the influences back.

KTAB's data say nothing of a mediator, a status quo, a calendar or behaviour, so the file
has no mediator (every actor is a party), unanimity, no implementation phase, status quo and
opening at the middle of each scale, and says so in each ``assumption``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

from sim.scenario.errors import ScenarioError, shown
from sim.scenario.files import read_text
from sim.scenario.schema import Scenario

KTAB_URL = "https://github.com/KAPSARC/KTAB"
PLACEHOLDER_START = dt.date(2000, 1, 1)  # KTAB's cases have no calendar
MAX_ACTORS, MAX_DIMS = 500, 50


@dataclass(frozen=True)
class KtabActor:
    name: str
    description: str
    influence: float
    positions: tuple[float, ...]  # 0..100, per dimension
    saliences: tuple[float, ...]  # 0..100, per dimension


@dataclass(frozen=True)
class KtabCase:
    scenario: str
    description: str
    dimensions: tuple[str, ...]  # the header's position column names
    actors: tuple[KtabActor, ...]


def _cells(line: list[str]) -> list[str]:
    """A CSV row without the empty cells KTAB's files end with (``...,28.15,``)."""
    cells = [c.strip() for c in line]
    while cells and cells[-1] == "":
        cells.pop()
    return cells


def _number(label: str, where: str, text: str, lo: float, hi: float) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or not lo <= value <= hi:
        raise ScenarioError(
            [f"{label}: {where}: must be a number from {lo:g} to {hi:g} (got {shown(text)})"]
        )
    return value


def read_ktab(path: str | Path) -> KtabCase:
    """Parse a KTAB SMP CSV file, or raise :class:`ScenarioError` with one line naming the
    file, the row and column, and the allowed range."""
    label = str(path)
    rows = [_cells(r) for r in csv.reader(io.StringIO(read_text(Path(path))))]
    rows = [r for r in rows if r]
    if len(rows) < 3:
        raise ScenarioError(
            [
                f"{label}: not a KTAB file: need the lines Scenario,Desc,nActors,nDims, the "
                "column header and at least one actor"
            ]
        )
    head = rows[0]
    if len(head) != 4:
        raise ScenarioError(
            [f"{label}: line 1: need 4 cells, Scenario,Desc,nActors,nDims (got {len(head)})"]
        )
    n_actors = int(_number(label, "line 1, nActors", head[2], 1, MAX_ACTORS))
    n_dims = int(_number(label, "line 1, nDims", head[3], 1, MAX_DIMS))
    header = rows[1]
    if len(header) != 3 + 2 * n_dims:
        raise ScenarioError(
            [
                f"{label}: line 2: need {3 + 2 * n_dims} columns, Actor,Description,Influence and "
                f"a position and a salience per dimension (got {len(header)})"
            ]
        )
    if len(rows) - 2 != n_actors:
        raise ScenarioError(
            [
                f"{label}: line 1, nActors: says {n_actors} actors but the file has "
                f"{len(rows) - 2} actor lines"
            ]
        )
    actors = []
    for line, row in enumerate(rows[2:], start=3):
        if len(row) != len(header):
            raise ScenarioError(
                [f"{label}: line {line}: need {len(header)} cells like the header (got {len(row)})"]
            )
        influence = _number(label, f"line {line}, {header[2]}", row[2], 0.0, 1e9)
        if influence <= 0:
            raise ScenarioError(
                [f"{label}: line {line}, {header[2]}: must be > 0 (got {shown(row[2])})"]
            )
        cols = range(3, len(row), 2)
        pos = tuple(_number(label, f"line {line}, {header[c]}", row[c], 0, 100) for c in cols)
        sal = tuple(
            _number(label, f"line {line}, {header[c + 1]}", row[c + 1], 0, 100) for c in cols
        )
        if sum(sal) > 100.0 + 1e-9:
            raise ScenarioError(
                [f"{label}: line {line}: saliences must sum to <= 100 (got {sum(sal):g})"]
            )
        actors.append(KtabActor(row[0], row[1], influence, pos, sal))
    dims = tuple(header[c] for c in range(3, len(header), 2))
    return KtabCase(head[0], head[1], dims, tuple(actors))


def _slug(text: str, taken: set[str], fallback: str) -> str:
    """A scenario id from a name: lowercase letters, digits and _, unique, <= 40 chars."""
    base = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:36] or fallback
    if not base[0].isalpha():
        base = f"{fallback}_{base}"[:36]
    out, n = base, 2
    while out in taken:
        out, n = f"{base}_{n}", n + 1
    taken.add(out)
    return out


def _toml(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's, except that TOML forbids DEL)."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _num(x: float) -> str:
    """A float as TOML writes it: shortest exact form, always with a point (3.0, 0.7579)."""
    return repr(float(x))


def display_name(actor: KtabActor) -> str:
    """What charts and tables call the actor: its description and KTAB's code."""
    return f"{actor.description} ({actor.name})" if actor.description else actor.name


def capability_scale(case: KtabCase) -> int:
    """k: capabilities are influences / 10**k, the smallest k >= 0 keeping all <= 100."""
    k = 0
    while max(a.influence for a in case.actors) / 10**k > 100:
        k += 1
    return k


def scenario_text(case: KtabCase, source_name: str, start: dt.date = PLACEHOLDER_START) -> str:
    """The scenario file (TOML text) for a KTAB case; ``source_name`` is the CSV's name."""
    from sim.results.claim import SIGNATURE

    k = capability_scale(case)
    taken: set[str] = set()
    issue_ids = [_slug(d, taken, "dim") for d in case.dimensions]
    taken_actors: set[str] = set()
    actor_ids = [_slug(a.name, taken_actors, "actor") for a in case.actors]
    out = [
        f"# Written by `ceasefire import ktab` ({SIGNATURE}) from {source_name}: KTAB's Spatial",
        "# Model of Politics input. Positions are KTAB's / 100; saliences are KTAB's percent,",
        '# read as absolute ([scenario] salience = "absolute"); capabilities are the influences',
        f"# / 10^{k} (ktab_capability_exponent below). Edit freely; re-importing refuses to",
        "# overwrite this file unless asked (--replace).",
        "",
        "[scenario]",
        f"name = {_toml(case.scenario or source_name)}",
        f"description = {_toml(case.description)}",
        f"start_date = {start.isoformat()}   # KTAB's cases have no calendar: a placeholder",
        'salience = "absolute"',
        "",
        "[sources.ktab]",
        f"title = {_toml('KTAB example data: ' + source_name)}",
        'author = "KAPSARC (King Abdullah Petroleum Studies and Research Center)"',
        'publisher = "KAPSARC, KTAB: KAPSARC Toolkit for Behavioral Analysis"',
        f'url = "{KTAB_URL}"',
        "",
        "[negotiation]",
        'decision_rule = "unanimity"   # assumption: KTAB\'s data state no decision rule',
        "",
        "[implementation]",
        "phase = false   # a bargaining case: the agreed package is the outcome",
        "",
        "[outcomes]",
        "",
    ]
    for iid, dim in zip(issue_ids, case.dimensions, strict=True):
        out += [
            f"[issues.{iid}]",
            f"label = {_toml(dim)}",
            'zero = "0 on KTAB\'s scale"',
            'one = "100 on KTAB\'s scale"',
            "status_quo = 0.5",
            "opening = 0.5",
            'assumption = "KTAB\'s data give no status quo or opening: the middle of the scale"',
            "",
        ]
    for line, (aid, actor) in enumerate(zip(actor_ids, case.actors, strict=True), start=3):
        out += [
            f"[actors.{aid}]",
            f"name = {_toml(display_name(actor))}",
            'role = "party"',
            f"capability = {_num(actor.influence / 10**k)}",
            f"evidence = \"ktab:line-{line}: the actor's influence in KTAB's file\"",
            "",
        ]
        for iid, p, s in zip(issue_ids, actor.positions, actor.saliences, strict=True):
            out += [
                f"[actors.{aid}.stances.{iid}]",
                f"position = {_num(p / 100)}",
                f"salience = {_num(s)}",
                f'evidence = "ktab:line-{line}: position and salience in KTAB\'s file"',
                "",
            ]
    out += [f"# ktab_capability_exponent = {k}", ""]
    return "\n".join(out)


def ktab_rows(s: Scenario, exponent: int = 0) -> list[tuple[str, float, list[float], list[float]]]:
    """(name, influence, positions 0..100, saliences 0..100) per actor, back from a
    scenario written by :func:`scenario_text` (``exponent``: its capability exponent)."""
    return [
        (
            a.name,
            a.capability * 10**exponent,
            [st.position * 100 for st in a.stances.values()],
            [st.salience for st in a.stances.values()],
        )
        for a in s.actors.values()
    ]


def capability_exponent(text: str) -> int:
    """The ``ktab_capability_exponent`` an imported file records (0 if none)."""
    found = re.search(r"^# ktab_capability_exponent = (\d+)$", text, re.M)
    return int(found[1]) if found else 0

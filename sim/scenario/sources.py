"""The sources a scenario cites: their bibliographic records and paragraph digests.

A stance's ``evidence = "P6: ..."`` cites a paragraph of a source. The sources themselves
are not shipped (copyright), so the project ships, in ``sources/<name>.toml``, what a reader
needs to check a citation: the source's record (title, outlet, author, date, URL, each
"unknown" where the text does not say) and a digest of each paragraph in our own words. A
scenario names the digest in ``[scenario.sources.<id>] file``; every locator its evidence
cites must be a paragraph of that digest, or the file does not validate.

A run directory keeps a copy of the scenario but not of the digest, so a ``file`` that does
not resolve beside the scenario is looked up by name in the project's ``sources/``: a
report built from a run directory shows the same digests as the scenario it was run from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pydantic import Field

from sim.scenario.base import CITATION, PARAGRAPH, _Strict
from sim.scenario.errors import ScenarioError, shown, validated
from sim.scenario.files import parse_toml, read_text
from sim.scenario.schema import Scenario

SOURCES_DIR = Path(__file__).resolve().parents[2] / "sources"
LOCATOR = PARAGRAPH  # a paragraph locator, "P6"
DIGEST_KEY = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9])?")  # P6, table-2
RECORD_FIELDS = ("title", "outlet", "author", "date", "url")


class Record(_Strict):
    """What a bibliography needs; "unknown" where the source does not say."""

    title: str = Field(min_length=1)
    outlet: str = Field(min_length=1)
    author: str = Field(min_length=1)
    date: str = Field(min_length=1)
    url: str = Field(min_length=1)
    language: str = "unknown"
    notes: str = ""


class Paragraph(_Strict):
    digest: str = Field(min_length=1, description="The paragraph in our own words.")


class DigestFile(_Strict):
    record: Record
    paragraphs: dict[str, Paragraph]


@dataclass(frozen=True)
class Digest:
    """One source: where its digest lives (as a reader of the project finds it), its
    record and its paragraphs by locator, in file order."""

    name: str  # the file as the project ships it, e.g. "sources/ceasefire-talks-2025-03.toml"
    record: Record
    paragraphs: dict[str, str]

    def span(self) -> str:
        keys = list(self.paragraphs)
        return f"{keys[0]}..{keys[-1]}" if len(keys) > 1 else keys[0]


def _shown_name(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(SOURCES_DIR.parent))
    except ValueError:
        return str(path)


@lru_cache(maxsize=32)
def _load(path: Path, _mtime: float) -> Digest:
    label = _shown_name(path)
    data = validated(DigestFile, parse_toml(read_text(path), label), label)
    bad = [key for key in data.paragraphs if not DIGEST_KEY.fullmatch(key)]
    if bad:
        raise ScenarioError(
            [
                f"{label}: paragraphs.{bad[0]}: a locator is letters, digits, '.', '-' or '_', "
                f"like P6 or table-2 (got {bad[0]})"
            ]
        )
    if not data.paragraphs:
        raise ScenarioError([f"{label}: paragraphs: no paragraph digests"])
    paragraphs = {key: " ".join(p.digest.split()) for key, p in data.paragraphs.items()}
    return Digest(label, data.record, paragraphs)


def load_digest(path: Path) -> Digest:
    """A digest file, validated (``ScenarioError`` with one line per problem)."""
    path = Path(path)
    return _load(path.resolve(), path.stat().st_mtime)


def digest_path(file: str, scenario_path: Path | None) -> Path | None:
    """Where a scenario's ``file`` points: beside the scenario, else the project's copy."""
    candidates = [Path(scenario_path).parent / file] if scenario_path is not None else []
    candidates.append(SOURCES_DIR / Path(file).name)
    return next((p for p in candidates if p.is_file()), None)


def scenario_digests(s: Scenario, scenario_path: Path | None = None) -> dict[str, Digest]:
    """The digests of the scenario's sources, by source id (sources without one left out).

    For display: a digest that cannot be read is left out here and reported by
    :func:`check_citations` when the scenario is loaded.
    """
    out = {}
    for sid, source in s.scenario.sources.items():
        path = digest_path(source.file, scenario_path) if source.file else None
        if path is not None and path.suffix == ".toml":
            try:
                out[sid] = load_digest(path)
            except ScenarioError:
                continue
    return out


def _sourced(s: Scenario):
    """(dotted path, evidence text) of every statement that cites a source."""
    for iid, issue in s.issues.items():
        yield f"issues.{iid}.evidence", issue.evidence
    for aid, actor in s.actors.items():
        yield f"actors.{aid}.evidence", actor.evidence
        for k, stance in actor.stances.items():
            yield f"actors.{aid}.stances.{k}.evidence", stance.evidence
    for fid, front in s.fronts.items():
        yield f"fronts.{fid}.evidence", front.evidence
        for aid, belief in front.beliefs.items():
            yield f"fronts.{fid}.beliefs.{aid}.evidence", belief.evidence
    for tid, track in s.tracks.items():
        yield f"tracks.{tid}.evidence", track.evidence
    yield "calendar.evidence", s.calendar.evidence
    for i, session in enumerate(s.calendar.sessions):
        yield f"calendar.sessions[{i}].evidence", session.evidence
    for i, truce in enumerate(s.calendar.truce_occasions):
        yield f"calendar.truce_occasions[{i}].evidence", truce.evidence
    for tid, threat in s.threats.items():
        yield f"threats.{tid}.evidence", threat.evidence
    for eid, event in s.events.items():
        yield f"events.{eid}.evidence", event.evidence


def cited_source(s: Scenario, text: str) -> str | None:
    """The source a bare paragraph (``P6``) cites: the one the text names first ('article
    P6: ...'), else the scenario's only source; None when that is ambiguous or there is none."""
    ids = list(s.scenario.sources)
    first = text.split(maxsplit=1)[0].rstrip(":,") if text.strip() else ""
    if first in ids:
        return first
    return ids[0] if len(ids) == 1 else None


def cited(s: Scenario, text: str) -> tuple[list[tuple[str, str]], list[str]]:
    """What an evidence text cites -> ([(source id, locator)], [bare paragraphs]).

    ``source:locator`` names its source; a bare ``P6`` (not part of such a citation) is
    shorthand for a paragraph of :func:`cited_source`. Locators are in text order, once each.
    """
    named = list(dict.fromkeys((m[1], m[2]) for m in CITATION.finditer(text)))
    rest = CITATION.sub(" ", text)
    return named, list(dict.fromkeys(PARAGRAPH.findall(rest)))


def citations(s: Scenario, text: str | None, digests: dict[str, Digest]) -> list[tuple[str, str]]:
    """(locator, digest) for each locator an evidence text cites, where a digest has it."""
    if not text:
        return []
    named, bare = cited(s, text)
    sid = cited_source(s, text) or ""
    pairs = named + [(sid, p) for p in bare]
    return [
        (loc, digests[src].paragraphs[loc])
        for src, loc in pairs
        if src in digests and loc in digests[src].paragraphs
    ]


def check_citations(s: Scenario, scenario_path: Path, label: str | None = None) -> None:
    """Raise ``ScenarioError`` unless every cited locator is in its source's digest.

    ``source:locator`` must name a declared source; where that source has a digest file
    the locator must be in it (a source without one, a book say, is cited unchecked). A
    bare paragraph (``P6``) needs a digest file to be checked against, so that every
    citation in a shipped scenario can be checked by a reader.
    """
    label = label or str(scenario_path)
    problems: list[str] = []
    digests: dict[str, Digest] = {}
    for sid, source in s.scenario.sources.items():
        where = f"{label}: scenario.sources.{sid}.file"
        if source.file is None:
            continue
        path = digest_path(source.file, scenario_path)
        if path is None or path.suffix != ".toml":
            problems.append(
                f"{where}: no digest file there (a TOML file with [record] and [paragraphs], "
                f"beside the scenario or in {_shown_name(SOURCES_DIR)}/) (got {shown(source.file)})"
            )
            continue
        try:
            digests[sid] = load_digest(path)
        except ScenarioError as err:
            problems += err.lines
    ids = list(s.scenario.sources)
    for where, text in _sourced(s):
        if not text:
            continue
        named, bare = cited(s, text)
        for sid, locator in named:
            if sid not in s.scenario.sources:
                problems.append(
                    f"{label}: {where}: cites {sid}:{locator}, but '{sid}' is not a declared "
                    f"source (declared: {', '.join(ids) or 'none'}; declare it in "
                    f"[sources.{sid}]) (got {shown(text)})"
                )
            elif sid in digests:
                problems += _missing(label, where, digests[sid], [locator], text)
        if not bare:
            continue
        sid = cited_source(s, text)
        if sid is None:
            need = (
                "the scenario has no [scenario.sources.<id>] table with a digest file"
                if not ids
                else f"name the source first, e.g. '{ids[0]} P6: ...' (sources: {', '.join(ids)})"
            )
            problems.append(f"{label}: {where}: cites a paragraph but {need} (got {shown(text)})")
            continue
        digest = digests.get(sid)
        if digest is None:
            if s.scenario.sources[sid].file is None:
                problems.append(
                    f"{label}: {where}: cites source '{sid}', which has no digest file "
                    f"(scenario.sources.{sid}.file) to check it against (got {shown(text)})"
                )
            continue  # its file problem is reported above
        problems += _missing(label, where, digest, bare, text)
    if problems:
        raise ScenarioError(problems)


def _missing(label: str, where: str, digest: Digest, locators: list[str], text: str) -> list[str]:
    return [
        f"{label}: {where}: cites {locator}, which is not a paragraph of "
        f"{digest.name} (it has {digest.span()}) (got {shown(text)})"
        for locator in locators
        if locator not in digest.paragraphs
    ]

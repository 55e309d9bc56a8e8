"""The pre-registered patterns file (validation/patterns.toml): read, checked, typed.

Each pattern states, before anything is run, the generic scenarios it runs, the statistic,
the interval, what counts as a pass and its source; ``ceasefire check`` only measures.
A malformed file is refused with one line naming the file, the field and what is allowed.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from pathlib import Path

from sim.validation.generic import GENERATORS
from sim.validation.measures import EVENTS, FIRST_DAYS, GROUPS, STATISTICS

PATTERNS_FILE = Path(__file__).resolve().parents[2] / "validation" / "patterns.toml"
MODES = ("full", "quick")
RULES = ("above", "below", "within", "overlaps")


class PatternError(ValueError):
    """The patterns file is malformed; the message is one line naming file and field."""


@dataclass(frozen=True)
class Arm:
    label: str
    changes: dict
    without: tuple[str, ...] = ()  # actors dropped from each drawn scenario, before changes


@dataclass(frozen=True)
class Pattern:
    key: str
    name: str
    claim: str
    source: str
    generator: str
    statistic: str
    rule: str  # above | below | within | overlaps
    bounds: tuple[float, float]  # above/below: (x, x); within/overlaps: (lo, hi)
    scenarios: dict[str, int]
    replicates: dict[str, int]
    quick: bool
    arms: dict[str, Arm]  # "a" and "b" for a difference, "x" alone otherwise
    event: str | None = None
    day: int | None = None
    groups: tuple[str, str, str] | None = None  # (field, a, b) for survival by group
    threat: str | None = None
    first: str | None = None  # median statistic: the first deal, comprehensive or partial
    note: str = ""

    def passes(self, lo: float, hi: float) -> bool:
        """The pre-registered rule on the interval (never on the point estimate alone)."""
        if math.isnan(lo) or math.isnan(hi):
            return False
        a, b = self.bounds
        if self.rule == "above":
            return lo > a
        if self.rule == "below":
            return hi < a
        if self.rule == "within":
            return a <= lo and hi <= b
        return lo <= b and a <= hi  # overlaps

    def criterion(self) -> str:
        a, b = self.bounds
        if self.rule == "above":
            return f"interval above {a:g}"
        if self.rule == "below":
            return f"interval below {a:g}"
        if self.rule == "within":
            return f"interval within [{a:g}, {b:g}]"
        return f"interval overlaps [{a:g}, {b:g}]"


def load_patterns(path: str | Path = PATTERNS_FILE) -> tuple[dict, list[Pattern]]:
    """The suite settings and the patterns, in file order; :class:`PatternError` if bad."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise PatternError(f"{path}: cannot read it ({err.strerror or err})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise PatternError(f"{path}: not valid TOML ({err})") from None
    suite = data.get("suite", {})
    if not isinstance(suite, dict):
        raise PatternError(f"{path}: suite: must be a table")
    seed = suite.get("seed", 1)
    if not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed < 2**63:
        raise PatternError(f"{path}: suite.seed: must be an integer, 0 to 2**63 - 1")
    unknown = set(data) - {"suite", "patterns"}
    if unknown:
        raise PatternError(
            f"{path}: {sorted(unknown)[0]}: unknown table (allowed: suite, patterns)"
        )
    table = data.get("patterns")
    if not isinstance(table, dict) or not table:
        raise PatternError(f"{path}: patterns: at least one [patterns.NAME] table is needed")
    return {"seed": seed}, [_pattern(path, key, spec) for key, spec in table.items()]


def _pattern(path: Path, key: str, spec) -> Pattern:
    where = f"{path}: patterns.{key}"

    def bad(fieldname: str, what: str) -> PatternError:
        return PatternError(f"{where}.{fieldname}: {what}")

    if not isinstance(spec, dict):
        raise PatternError(f"{where}: must be a table")
    allowed = {"name", "claim", "source", "note", "generator", "statistic", "event", "day"}
    allowed |= {"groups", "threat", "first", "arms", "pass", "scenarios", "replicates", "quick"}
    for name in spec:
        if name not in allowed:
            raise bad(name, f"unknown field (allowed: {', '.join(sorted(allowed))})")
    for text in ("name", "claim", "source"):
        if not isinstance(spec.get(text), str) or not spec[text].strip():
            raise bad(text, "a non-empty text is required")
    generator = spec.get("generator")
    if generator not in GENERATORS:
        raise bad(
            "generator", f"unknown generator {generator!r} (allowed: {', '.join(GENERATORS)})"
        )
    statistic = spec.get("statistic")
    if statistic not in STATISTICS:
        raise bad(
            "statistic", f"unknown statistic {statistic!r} (allowed: {', '.join(STATISTICS)})"
        )
    stat = STATISTICS[statistic]
    event = spec.get("event")
    if stat.needs_event:
        if event not in EVENTS:
            raise bad("event", f"unknown event {event!r} (allowed: {', '.join(EVENTS)})")
    elif event is not None:
        raise bad("event", f"not used by the statistic {statistic!r}")
    day = spec.get("day")
    needs_day = stat.needs_day or (event is not None and EVENTS[event].needs_day)
    if needs_day:
        if not isinstance(day, int) or isinstance(day, bool) or not 0 <= day <= 3650:
            raise bad("day", "an integer number of days, 0 to 3650, is required")
    elif day is not None:
        raise bad("day", "not used by this statistic and event")
    threat = spec.get("threat")
    needs_threat = event is not None and EVENTS[event].needs_threat
    if needs_threat and (not isinstance(threat, str) or not threat):
        raise bad("threat", "the id of a threat of the generated scenarios is required")
    first = spec.get("first")
    if stat.needs_first:
        if first not in FIRST_DAYS:
            raise bad("first", f"unknown first deal {first!r} (allowed: {', '.join(FIRST_DAYS)})")
    elif first is not None:
        raise bad("first", f"not used by the statistic {statistic!r}")
    groups = spec.get("groups")
    if stat.needs_groups:
        if not isinstance(groups, dict) or set(groups) != {"field", "a", "b"}:
            raise bad("groups", "a table {field, a, b} is required")
        if groups["field"] not in GROUPS:
            raise bad("groups", f"field must be one of {', '.join(GROUPS)}")
        for side in ("a", "b"):
            if groups[side] not in GROUPS[groups["field"]]:
                allowed_values = ", ".join(GROUPS[groups["field"]])
                raise bad(f"groups.{side}", f"must be one of {allowed_values}")
        groups = (groups["field"], groups["a"], groups["b"])
    elif groups is not None:
        raise bad("groups", f"not used by the statistic {statistic!r}")
    arms = _arms(spec.get("arms"), stat.arms, bad)
    rule, bounds = _rule(spec.get("pass"), bad)
    scenarios = _sizes(spec.get("scenarios"), "scenarios", 1, 1000, bad)
    replicates = _sizes(spec.get("replicates"), "replicates", 1, 100_000, bad)
    quick = spec.get("quick", True)
    if not isinstance(quick, bool):
        raise bad("quick", "must be true or false")
    return Pattern(
        key=key,
        name=spec["name"].strip(),
        claim=spec["claim"].strip(),
        source=spec["source"].strip(),
        note=str(spec.get("note", "")).strip(),
        generator=generator,
        statistic=statistic,
        rule=rule,
        bounds=bounds,
        scenarios=scenarios,
        replicates=replicates,
        quick=quick,
        arms=arms,
        event=event,
        day=day,
        groups=groups,
        threat=threat,
        first=first,
    )


def _arms(spec, wanted: tuple[str, ...], bad) -> dict[str, Arm]:
    if spec is None and wanted == ("x",):
        return {"x": Arm("as generated", {})}
    if not isinstance(spec, dict) or set(spec) != set(wanted):
        raise bad("arms", f"tables {' and '.join(wanted)} are required ({{label, changes}})")
    arms = {}
    for name in wanted:
        arm = spec[name]
        if not isinstance(arm, dict) or not isinstance(arm.get("label"), str):
            raise bad(f"arms.{name}", "a table with a text label and a changes table is required")
        changes = arm.get("changes", {})
        if not isinstance(changes, dict) or set(arm) - {"label", "changes", "without"}:
            raise bad(
                f"arms.{name}",
                "allowed fields: label, changes (dotted paths), without (actor ids)",
            )
        without = arm.get("without", [])
        if not isinstance(without, list) or not all(isinstance(a, str) for a in without):
            raise bad(f"arms.{name}.without", "must be a list of actor ids")
        arms[name] = Arm(arm["label"], dict(changes), tuple(without))
    return arms


def _rule(spec, bad) -> tuple[str, tuple[float, float]]:
    if not isinstance(spec, dict) or len(spec) != 1 or next(iter(spec)) not in RULES:
        raise bad("pass", f"exactly one of {', '.join(RULES)} is required")
    rule, value = next(iter(spec.items()))

    def number(v) -> bool:
        return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)

    if rule in ("above", "below"):
        if not number(value):
            raise bad(f"pass.{rule}", "must be a finite number")
        return rule, (float(value), float(value))
    if not (isinstance(value, list) and len(value) == 2 and all(map(number, value))):
        raise bad(f"pass.{rule}", "must be an interval [low, high] of two finite numbers")
    if value[0] > value[1]:
        raise bad(f"pass.{rule}", f"low {value[0]:g} is above high {value[1]:g}")
    return rule, (float(value[0]), float(value[1]))


def _sizes(spec, name: str, low: int, high: int, bad) -> dict[str, int]:
    if not isinstance(spec, dict) or set(spec) != set(MODES):
        raise bad(name, "a table { full = N, quick = N } is required")
    for mode in MODES:
        v = spec[mode]
        if not isinstance(v, int) or isinstance(v, bool) or not low <= v <= high:
            raise bad(f"{name}.{mode}", f"must be an integer, {low} to {high:,}")
    return dict(spec)

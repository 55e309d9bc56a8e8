"""Running the pre-registered suite: units of work, a process pool, the pass/fail table.

A unit is one pattern's one generic scenario under one arm. Its scenario is drawn from a
generator seeded by (suite seed, pattern key, scenario number) and its model seed comes
from the same three, so the arms of a pattern share scenarios and random numbers, and a
unit's result depends on nothing else: pooled in a fixed order, the table is the same bit
for bit whatever the number of workers or the order in which they finish.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.validation.generic import GENERATORS, without
from sim.validation.measures import EVENTS, STATISTICS
from sim.validation.patterns import Arm, Pattern, PatternError, load_patterns
from sim.version import __version__

COLUMNS = (
    "pattern", "claim", "statistic", "value", "lower", "upper", "interval", "criterion",
    "n", "scenarios", "replicates", "result", "source",
)  # fmt: skip
FILES = ("check.csv", "check.json", "check.md")
START, END = "<!-- check:start -->", "<!-- check:end -->"


@dataclass(frozen=True)
class Unit:
    pattern: Pattern
    arm: str
    k: int
    replicates: int
    seed: int


def _seeds(seed: int, key: str, k: int) -> tuple[np.random.Generator, int]:
    """The scenario generator's stream and the model seed of scenario ``k`` of a pattern."""
    sequence = np.random.SeedSequence([seed, zlib.crc32(key.encode()), k])
    model_seed = int(sequence.generate_state(1, np.uint64)[0] >> np.uint64(1))
    return np.random.default_rng(sequence.spawn(1)[0]), model_seed


def arm_scenario(scenario, arm: Arm, label: str = "(arm)"):
    """A drawn scenario as an arm runs it: its ``without`` actors dropped, then its dotted
    ``changes`` applied. Raises ScenarioError, its line led by the field (without, changes)."""
    from sim.scenario.errors import ScenarioError
    from sim.scenario.load import modified

    step = "without"
    try:
        if arm.without:
            scenario = without(scenario, arm.without)
        step = "changes"
        return modified(scenario, arm.changes, label) if arm.changes else scenario
    except ScenarioError as err:
        raise ScenarioError([f"{step}: {err.lines[0]}"]) from None


def run_unit(unit: Unit):
    """Simulate one unit and keep only what its statistic needs."""
    from sim.engine.model import CeasefireModel

    p = unit.pattern
    rng, model_seed = _seeds(unit.seed, p.key, unit.k)
    scenario = GENERATORS[p.generator](rng)
    scenario = arm_scenario(scenario, p.arms[unit.arm], f"{p.key} ({unit.arm})")
    model = CeasefireModel(scenario, unit.replicates, model_seed, record="none")
    model.run_model()
    return p.key, unit.arm, unit.k, STATISTICS[p.statistic].measure(model, scenario, p)


def plan(patterns: list[Pattern], mode: str, seed: int) -> list[Unit]:
    """Every unit of the patterns, in table order."""
    return [
        Unit(p, arm, k, p.replicates[mode], seed)
        for p in patterns
        for k in range(p.scenarios[mode])
        for arm in p.arms
    ]


def _pool_results(units: list[Unit], workers: int) -> Iterator:
    """Units on a spawn process pool, as sweeps run their chunks (sim.sweep.workers)."""
    from sim.sweep.workers import spawn_pool_map

    return spawn_pool_map(run_unit, units, workers)


@dataclass(frozen=True)
class Prepared:
    """A checked patterns file and the units of one mode, before anything is simulated."""

    path: Path
    mode: str
    seed: int
    patterns: list[Pattern]
    units: list[Unit]
    sha256: str  # of the file as read, so an edit during the run cannot be mistaken for it


def prepare(patterns_file: str | Path, mode: str = "full") -> Prepared:
    """Read and check the patterns file, then try every arm's changes on a drawn scenario,
    so a bad dotted path or threat id is one line now, not a traceback from a worker."""
    from sim.scenario.errors import ScenarioError

    path = Path(patterns_file)
    settings, patterns = load_patterns(path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    chosen = [p for p in patterns if mode == "full" or p.quick]
    for p in chosen:
        scenario = GENERATORS[p.generator](_seeds(settings["seed"], p.key, 0)[0])
        for name, arm in p.arms.items():
            try:
                drawn = arm_scenario(scenario, arm)
            except ScenarioError as err:
                raise PatternError(f"{path}: patterns.{p.key}.arms.{name}.{err.lines[0]}") from None
            if p.threat is not None and p.threat not in drawn.threats:
                raise PatternError(
                    f"{path}: patterns.{p.key}.threat: no threat {p.threat!r} in the "
                    f"{p.generator} scenarios (they have: {', '.join(drawn.threats) or 'none'})"
                )
    units = plan(chosen, mode, settings["seed"])
    return Prepared(path, mode, settings["seed"], chosen, units, digest)


def run_suite(
    prepared: Prepared, workers: int = 1, advance: Callable[[float], None] | None = None
) -> dict:
    """Measure every pattern of ``prepared``; the table as a dict (rows in file order)."""
    units, mode = prepared.units, prepared.mode
    started = time.perf_counter()
    results = (
        map(run_unit, units)
        if workers <= 1 or len(units) <= 1
        else _pool_results(units, min(workers, len(units)))
    )
    payloads: dict[tuple[str, str, int], object] = {}
    for key, arm, k, payload in results:
        payloads[key, arm, k] = payload
        if advance is not None:
            advance(1)
    rows = [_row(p, mode, payloads, prepared.seed) for p in prepared.patterns]
    meta = {
        "mode": mode,
        "seed": prepared.seed,
        "patterns_file": prepared.path.name,
        "patterns_sha256": prepared.sha256,
        "units": len(units),
        "version": __version__,
    }
    return {"meta": meta, "rows": rows, "seconds": time.perf_counter() - started}


def _row(p: Pattern, mode: str, payloads: dict, seed: int) -> dict:
    stat = STATISTICS[p.statistic]
    pooled = {arm: [payloads[p.key, arm, k] for k in range(p.scenarios[mode])] for arm in p.arms}
    rng = np.random.default_rng([seed, zlib.crc32(p.key.encode()), 2**31])  # bootstrap only
    value, lo, hi, n = stat.combine(pooled, p, rng)
    what = stat.label
    if p.event:
        what = f"{what}: {EVENTS[p.event].label}"
    if p.threat:
        what += f" ({p.threat})"
    if p.first:
        what += f" ({p.first})"
    if p.day is not None:
        what += f", day {p.day}"
    if p.groups:
        what += f"; a = {p.groups[1]}, b = {p.groups[2]} ({p.groups[0]})"
    if set(p.arms) == {"a", "b"}:
        what += f"; a = {p.arms['a'].label}, b = {p.arms['b'].label}"
    return {
        "key": p.key,
        "pattern": p.name,
        "claim": p.claim,
        "statistic": what,
        "value": _finite(value),
        "lower": _finite(lo),
        "upper": _finite(hi),
        "interval": stat.interval,
        "criterion": p.criterion(),
        "n": int(n),
        "scenarios": p.scenarios[mode],
        "replicates": p.replicates[mode],
        "result": "pass" if p.passes(lo, hi) else "fail",
        "source": p.source,
        "note": p.note,
    }


def _finite(x: float) -> float | None:
    return None if x is None or not math.isfinite(x) else round(float(x), 6)


def all_pass(table: dict) -> bool:
    return all(r["result"] == "pass" for r in table["rows"])


# --- the table as text -------------------------------------------------------------------


def number(x: float | None) -> str:
    return "–" if x is None else f"{x:.3f}"


def markdown(table: dict) -> str:
    """The pass/fail table in Markdown (docs/findings.md and check.md)."""
    meta = table["meta"]
    head = "| Pattern | Statistic | Measured | 95% interval | Pass if | n | Result | Source |"
    lines = [head, "|---|---|---:|---:|---|---:|---|---|"]
    for r in table["rows"]:
        interval = f"{number(r['lower'])} to {number(r['upper'])} ({r['interval']})"
        cells = [r["pattern"], r["statistic"], number(r["value"]), interval, r["criterion"]]
        cells += [f"{r['n']:,}", r["result"].upper(), r["source"]]
        lines.append("| " + " | ".join(c.replace("|", "/") for c in cells) + " |")
    passed = sum(r["result"] == "pass" for r in table["rows"])
    lines.append("")
    lines.append(
        f"{passed} of {len(table['rows'])} patterns pass ({meta['mode']} suite, seed "
        f"{meta['seed']}, {meta['units']:,} simulated ensembles; patterns file SHA-256 "
        f"{meta['patterns_sha256'][:12]})."
    )
    return "\n".join(lines) + "\n"


def csv_text(table: dict) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for r in table["rows"]:
        writer.writerow({k: "" if r[k] is None else r[k] for k in COLUMNS})
    return buf.getvalue()


def stored(table: dict) -> dict:
    """What check.json holds: everything but the wall time (which differs run to run)."""
    return {"meta": table["meta"], "rows": table["rows"]}


def write_check_dir(out: Path, table: dict, replace: bool = False) -> Path:
    """check.csv, check.json and check.md, written as the tool writes every directory:
    marked, locked, built aside and swapped in at once (sim.results.atomic)."""
    from sim.results.atomic import write_atomically
    from sim.results.claim import dump_json

    def build(tmp: Path) -> None:
        (tmp / "check.csv").write_text(csv_text(table), encoding="utf-8")
        (tmp / "check.json").write_text(dump_json(stored(table)), encoding="utf-8")
        (tmp / "check.md").write_text(markdown(table), encoding="utf-8")

    return write_atomically(out, build, replace=replace, kind="check")


def write_findings(path: Path, table: dict) -> Path:
    """Replace the table between the check markers of docs/findings.md (or append the
    section with its markers), so the table there is always one the command wrote."""
    from sim.results.atomic import write_text_atomically

    text = path.read_text(encoding="utf-8") if path.exists() else ""
    block = f"{START}\n{markdown(table)}{END}"
    if START in text and END in text:
        before, rest = text.split(START, 1)
        text = before + block + rest.split(END, 1)[1]
    else:
        heading = "\n## Validation: patterns\n\n" if text else "## Validation: patterns\n\n"
        text = text.rstrip("\n") + "\n" + heading + block + "\n"
    return write_text_atomically(path, text)


def load_check_dir(path: Path) -> dict:
    return json.loads((Path(path) / "check.json").read_text(encoding="utf-8"))

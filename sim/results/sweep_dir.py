"""A summarised sweep directory read back for charts and reports.

The sweep directory contract (written by ``ceasefire sweep`` and ``ceasefire summarize``):
``manifest.json`` describes the design, ``summary.csv`` / ``summary.parquet`` hold one row
per design point, and ``sobol.csv`` the sensitivity indices of a Sobol design. This module
only reads those files; it never runs the model. Parquet is preferred when pyarrow is
installed (it keeps exact types); the CSV is read with the standard library otherwise, so
reading a sweep needs nothing beyond numpy.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq

from sim.results.measures import MEASURES
from sim.results.run_checks import RunReadError, one_line, read_json_file


class SweepReadError(ValueError):
    """A sweep directory is incomplete or malformed; the message names the file."""


@dataclass
class SweepResult:
    path: Path
    manifest: dict
    table: dict[str, np.ndarray]  # summary: one entry per design point, columns by name
    parameters: list[str]  # dotted paths of the varied parameters, in design order
    sobol: list[dict] | None = None  # rows of sobol.csv (outcome, parameter, S1, ...)
    facts: dict = field(default_factory=dict)  # scenario facts (sim.run.scenario_facts)

    @property
    def points(self) -> int:
        return len(self.table["point"])

    @property
    def kind(self) -> str:
        return str(self.manifest.get("design", {}).get("kind", "unknown"))

    @property
    def varied(self) -> list[str]:
        """The parameters that take more than one value: the axes of the charts (a
        parameter held at one value, as in a plain Monte Carlo sweep, is no axis)."""
        return [p for p in self.parameters if len(self.values(p)) > 1]

    def values(self, parameter: str) -> np.ndarray:
        """The distinct values a parameter takes over the design, sorted."""
        return np.unique(self.table[parameter])

    def counts(self, column: str) -> tuple[np.ndarray, np.ndarray]:
        """(successes, trials) per point behind a share column such as ``p_deal_30``.

        A share among deals (``share_partial``, ``p_breakdown``) has the point's deals as
        its trials (``n_deals``); every other share, the point's replicates (``n``).
        """
        of = {m.column: m.of for m in MEASURES}.get(column, "replicates")
        n = self.table["n" if of == "replicates" else f"n_{of}"].astype(float)
        p = np.nan_to_num(self.table[column].astype(float), nan=0.0)
        return np.rint(p * n), n


def _number(text: str) -> float | str:
    if text == "" or text.lower() in ("nan", "none", "null"):
        return math.nan
    try:
        return float(text)
    except ValueError:
        return text


def read_csv_columns(path: Path) -> dict[str, np.ndarray]:
    """A CSV file as named columns: numeric columns as float arrays, others as strings."""
    try:
        with open(path, newline="", encoding="utf-8") as fh:
            rows = list(csv.reader(fh))
    except (OSError, ValueError, csv.Error) as err:
        raise SweepReadError(f"{path}: unreadable ({one_line(err)})") from None
    if not rows or not rows[0]:
        raise SweepReadError(f"{path}: empty file")
    header, body = rows[0], rows[1:]
    if any(len(r) != len(header) for r in body):
        raise SweepReadError(f"{path}: rows of different lengths (a damaged or cut-off file)")
    columns: dict[str, np.ndarray] = {}
    for j, name in enumerate(header):
        cells = [_number(r[j]) for r in body]
        numeric = all(isinstance(c, float) for c in cells)
        columns[name] = np.array(cells, dtype=float if numeric else object)
    return columns


def _read_parquet(path: Path) -> dict[str, np.ndarray]:
    try:
        table = pq.read_table(path)
        return {
            name: np.asarray(table.column(name).to_numpy(zero_copy_only=False))
            for name in table.column_names
        }
    except Exception as err:  # noqa: BLE001 - ArrowInvalid, OSError, ...: all mean damaged
        raise SweepReadError(
            f"{path}: unreadable, not a valid Parquet file ({one_line(err)})"
        ) from None


SUMMARY_COLUMNS = (  # what the sweep charts and report need from summary.csv / .parquet
    "point",
    "n",
    "n_deals",
    "p_deal_30",
    "p_deal_90",
    "p_comprehensive",
    "share_partial",
    "p_breakdown",
)
SOBOL_COLUMNS = ("outcome", "parameter", "S1", "S1_conf", "ST", "ST_conf")


def read_summary(path: Path) -> dict[str, np.ndarray]:
    parquet, text = path / "summary.parquet", path / "summary.csv"
    source = parquet
    if parquet.exists():
        table = _read_parquet(parquet)
    else:
        if not text.exists():
            raise SweepReadError(f"{path}: no summary.csv (run `ceasefire summarize {path}` first)")
        table, source = read_csv_columns(text), text
    missing = [c for c in SUMMARY_COLUMNS if c not in table]
    if missing:
        raise SweepReadError(f"{source}: missing column(s) {', '.join(missing)}")
    for name in SUMMARY_COLUMNS:
        if table[name].dtype.kind not in "iubf":
            raise SweepReadError(f"{source}: column {name!r} holds text, not numbers")
    if not len(table["point"]):
        raise SweepReadError(f"{source}: no design points")
    return {k: (v.astype(float) if v.dtype.kind in "iub" else v) for k, v in table.items()}


def read_sobol(path: Path) -> list[dict] | None:
    """Rows of sobol.csv, if the sweep has one."""
    if not path.exists():
        return None
    columns = read_csv_columns(path)
    missing = [c for c in SOBOL_COLUMNS if c not in columns]
    if missing:
        raise SweepReadError(f"{path}: missing column(s) {', '.join(missing)}")
    if any(columns[c].dtype.kind != "f" for c in SOBOL_COLUMNS[2:]):
        raise SweepReadError(f"{path}: the index columns must hold numbers")
    names = list(columns)
    return [{name: columns[name][i] for name in names} for i in range(len(columns[names[0]]))]


def load_sweep(path: str | Path) -> SweepResult:
    """Read a summarised sweep directory (manifest.json, summary, optional sobol.csv)."""
    from sim.scenario.facts import scenario_facts
    from sim.scenario.load import ScenarioError, load_scenario

    path = Path(path)
    try:
        manifest = read_json_file(path / "manifest.json", "sweep directory")
    except RunReadError as err:
        raise SweepReadError(str(err)) from None
    design = manifest.get("design")
    specs = design.get("parameters", []) if isinstance(design, dict) else None
    if not isinstance(specs, list) or not all(
        isinstance(p, dict) and isinstance(p.get("path"), str) for p in specs
    ):
        raise SweepReadError(f"{path / 'manifest.json'}: design.parameters: not a list of paths")
    table = read_summary(path)
    declared = [p["path"] for p in specs]
    parameters = [p for p in declared if p in table] or [
        c for c in table if "." in c and table[c].dtype == float
    ]
    sobol = read_sobol(path / "sobol.csv")
    facts: dict = {}
    base = path / str(manifest.get("base_scenario", "scenario.toml"))
    for candidate in (base, path / "scenario.toml"):
        if candidate.is_file():
            try:
                facts = scenario_facts(load_scenario(candidate))
            except ScenarioError:
                facts = {}
            break
    return SweepResult(path, manifest, table, parameters, sobol, facts)


def _names(facts: dict) -> dict[str, str]:
    return dict(zip(facts.get("actor_ids", []), facts.get("names", []), strict=False))


def threat_label(threat: str, facts: dict | None = None) -> str:
    """A threat in words, 'United States threat to Russia', never its id: ids are the
    file's keys, not what a reader knows the threat by. Two threats between the same pair
    are told apart by their deadline."""
    facts = facts or {}
    threats = facts.get("threats", {})
    t = threats.get(threat)
    if t is None:
        return f"threat {threat.replace('_', ' ')}"
    names = _names(facts)
    by, target = names.get(t["by"], t["by"]), names.get(t["target"], t["target"])
    label = f"{by} threat to {target}"
    twins = [o for o in threats.values() if (o["by"], o["target"]) == (t["by"], t["target"])]
    if len(twins) > 1:
        deadline = dt.date.fromisoformat(str(t["deadline"]))
        label += f" (deadline {deadline.day} {deadline:%b})"
    return label


def parameter_label(path: str, facts: dict | None = None) -> str:
    """A dotted parameter path in words, with names where the file has ids:
    'actors.russia.stances.kursk.red_line.never_below' -> 'Russia, Ukrainian forces in
    Kursk: red line never below', 'threats.waltz.credibility' -> 'United States threat to
    Russia: credibility'."""
    facts = facts or {}
    names = _names(facts)
    issues = dict(zip(facts.get("issue_ids", []), facts.get("issue_labels", []), strict=False))
    parts = path.split(".")

    def words(xs: list[str]) -> str:
        text = " ".join(x.replace("_", " ") for x in xs)
        return f"spread of {text.removeprefix('spread ')}" if xs[0] == "spread" else text

    if parts[0] == "actors" and len(parts) >= 3:
        who = names.get(parts[1], parts[1].replace("_", " "))
        if parts[2] == "stances" and len(parts) >= 5:
            issue = issues.get(parts[3], parts[3].replace("_", " "))
            return f"{who}, {issue}: {words(parts[4:])}"
        if parts[2] == "ties" and len(parts) >= 4:
            return f"{who}: tie to {names.get(parts[3], parts[3].replace('_', ' '))}"
        return f"{who}: {words(parts[2:])}"
    if parts[0] == "threats" and len(parts) >= 3:
        return f"{threat_label(parts[1], facts)}: {words(parts[2:])}"
    if parts[0] == "fronts" and len(parts) >= 3:
        fronts = dict(zip(facts.get("front_ids", []), facts.get("front_labels", []), strict=False))
        front = fronts.get(parts[1], parts[1].replace("_", " "))
        if parts[2] == "beliefs" and len(parts) >= 5:
            who = names.get(parts[3], parts[3].replace("_", " "))
            return f"{front}, belief of {who}: {words(parts[4:])}"
        if parts[2] in ("cost", "stakes") and len(parts) >= 4:
            return f"{front}: {parts[2]} to {names.get(parts[3], parts[3].replace('_', ' '))}"
        return f"{front}: {words(parts[2:])}"
    if parts[0] == "issues" and len(parts) >= 3:
        return f"{issues.get(parts[1], parts[1].replace('_', ' '))}: {words(parts[2:])}"
    if parts[0] == "events" and len(parts) >= 3:
        return f"event {parts[1].replace('_', ' ')}: {words(parts[2:])}"
    if len(parts) >= 2:
        return f"{parts[0]}: {words(parts[1:])}"
    return words(parts)

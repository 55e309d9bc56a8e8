"""The sweep-file format: which scenario, which parameters, which design, how many runs.

A sweep file is TOML data, like a scenario, and is validated the same way before anything
runs: unknown fields, unknown dotted paths, structural settings and values outside the
scenario schema's bounds are each reported as one line ``FILE: field: what is wrong``.

    [sweep]
    base = "../scenarios/march-2025.toml"   # relative to this file
    seed = 1
    replicates = 500                        # per design point
    design = "grid"                         # grid | random | lhs | sobol

    [parameters."threats.waltz.credibility"]
    range = { start = 0.0, stop = 1.0, num = 11 }

A grid takes ``values`` or a ``range`` per parameter; the sampled designs (``random``,
``lhs``, ``sobol``) take ``low`` and ``high``. A grid with no parameters is one design
point, the base scenario itself: plain Monte Carlo.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

import pydantic
from pydantic import BaseModel, ConfigDict, Field

from sim.scenario.base import NAME_CHARS, Name, Text
from sim.scenario.errors import ScenarioError, format_validation_error, shown, validated
from sim.scenario.files import looks_like_ours, parse_toml, read_text
from sim.scenario.load import file_kind, modified, parse_scenario
from sim.scenario.paths import UnknownPath, locate, path_annotation, path_bounds, schema_node
from sim.scenario.schema import Scenario

SAMPLED = ("random", "lhs", "sobol")
MAX_CHUNK_SIZE = 20_000  # default ceiling: ~300 MB per worker with the default scenario
MIN_CHUNK_SIZE = 2_000  # below this, per-day overhead eats the vectorisation gain
MAX_CHUNKS = 1_000_000  # the chunk plan is a list in manifest.json
MAX_POINTS = 2**31 - 1  # the point column is int32


class _Strict(BaseModel):
    """As strict as a scenario file: no coercion (``seed = "7"``, ``values = ["0.5"]`` and
    ``common_random_numbers = "yes"`` are errors), no NaN or infinity, no unknown field."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


class Range(_Strict):
    """Evenly spaced grid values, both ends included (numpy.linspace)."""

    start: float = Field(description="First value.")
    stop: float = Field(description="Last value.")
    num: Annotated[int, Field(ge=1, le=1_000_000)] = Field(description="How many values.")


class ParameterSpec(_Strict):
    """One varied parameter: grid values, or the interval a sampled design draws from."""

    values: list[float] | None = Field(None, description="Grid values, in order.")
    range: Range | None = Field(None, description="Grid values as start, stop, num.")
    low: float | None = Field(None, description="Lower end for random, lhs and sobol designs.")
    high: float | None = Field(None, description="Upper end for random, lhs and sobol designs.")
    description: Text = Field("", description="Why this parameter is varied, and its source.")


class SweepSettings(_Strict):
    name: Annotated[str, Field(max_length=NAME_CHARS)] = Field(
        "", description="Short name shown in summaries."
    )
    description: Text = Field("", description="What the sweep asks.")
    base: Name = Field(description="Base scenario file, relative to the sweep file.")
    seed: Annotated[int, Field(ge=0, le=2**63 - 1)] = Field(1, description="Seed of all draws.")
    replicates: Annotated[int, Field(ge=1, le=1_000_000_000)] = Field(
        description="Monte Carlo replicates per design point."
    )
    design: Literal["grid", "random", "lhs", "sobol"] = Field(
        "grid", description="How design points are chosen."
    )
    samples: Annotated[int, Field(ge=1, le=100_000_000)] | None = Field(
        None,
        description="random/lhs: number of points; sobol: base sample N (N * (D + 2) points).",
    )
    chunk_size: Annotated[int, Field(ge=1, le=10_000_000)] | None = Field(
        None,
        description="Runs per chunk (one part file, one task). Default: a 16th of the "
        f"runs, between {MIN_CHUNK_SIZE:,} and {MAX_CHUNK_SIZE:,}.",
    )
    common_random_numbers: bool = Field(
        True,
        description="Replicate j of every point uses the same random draws, so that points "
        "differ by their parameters and not by chance.",
    )


class SweepFile(_Strict):
    sweep: SweepSettings
    parameters: dict[str, ParameterSpec] = Field(
        default_factory=dict, description="Dotted scenario path -> how to vary it."
    )


@dataclass(frozen=True)
class Experiment:
    """A validated sweep file with its base scenario, ready to design and run."""

    path: Path
    text: str  # the sweep file, byte for byte as read (hashed, copied into the sweep dir)
    spec: SweepFile
    base_path: Path
    base_text: str
    scenario: Scenario
    integer_paths: frozenset[str]  # parameters the schema keeps whole (sampled values rounded)

    @property
    def settings(self) -> SweepSettings:
        return self.spec.sweep

    @property
    def chunk_size(self) -> int:
        """Runs per chunk: the file's, or enough chunks to keep every worker busy to the
        end while each stays large enough to vectorise well."""
        if self.settings.chunk_size is not None:
            return self.settings.chunk_size
        return default_chunk_size(design_size(self.spec) * self.settings.replicates)

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(self.spec.parameters)

    @property
    def experiment_sha256(self) -> str:
        return hashlib.sha256(self.text.encode()).hexdigest()

    @property
    def scenario_sha256(self) -> str:
        return hashlib.sha256(self.base_text.encode()).hexdigest()


def load_experiment(path: str | Path) -> Experiment:
    """Read and validate a sweep file and its base scenario; :class:`ScenarioError` if bad.

    Both files are kept as the exact text read (line endings included), so the copies in
    the sweep directory are byte-identical and their hashes are hashes of the files' bytes.
    """
    path = Path(path)
    label = str(path)
    text = read_text(path)
    data = parse_toml(text, label)
    if file_kind(data) == "scenario":
        raise ScenarioError([f"{label}: this is a scenario file; use ceasefire run"])
    spec = validated(SweepFile, data, label)
    base_path = resolve_base(path, spec.sweep.base)
    base_text = read_text(base_path)
    if not looks_like_ours(base_text):  # never echo a file that is not a scenario
        raise ScenarioError(
            [f"{label}: sweep.base: {base_path} is not a scenario file (no [scenario] table)"]
        )
    base_data = parse_toml(base_text, str(base_path))
    kind = file_kind(base_data)
    if kind != "scenario":
        what = "a sweep file" if kind == "sweep" else "not a scenario file (no [scenario] table)"
        raise ScenarioError([f"{label}: sweep.base: {base_path} is {what}"])
    scenario = parse_scenario(base_data, str(base_path))
    problems = check_experiment(spec, scenario)
    if problems:
        raise ScenarioError([f"{label}: {where}: {what}" for where, what in problems])
    integer = frozenset(p for p in spec.parameters if path_annotation(scenario, p)[1] is int)
    return Experiment(
        path=path,
        text=text,
        spec=spec,
        base_path=base_path,
        base_text=base_text,
        scenario=scenario,
        integer_paths=integer,
    )


def resolve_base(path: Path, base: str) -> Path:
    """The base scenario's absolute path, relative to the sweep file's folder."""
    try:
        base_path = (path.parent / base).resolve()
        found = base_path.is_file()
    except (OSError, RuntimeError, ValueError) as err:  # a symlink loop, a bad name
        reason = getattr(err, "strerror", None) or str(err)
        where = f"{path}: sweep.base"
        raise ScenarioError([f"{where}: cannot resolve {shown(base)} ({reason})"]) from None
    if not found:
        what = "is a directory" if base_path.is_dir() else "not found"
        raise ScenarioError([f"{path}: sweep.base: scenario file {what}: {base_path}"])
    return base_path


def field_name(path: str, *tail: str) -> str:
    """``parameters."threats.waltz.credibility".values[2]``: quoted, as written in TOML."""
    return f'parameters."{path}"' + "".join(tail)


def check_experiment(spec: SweepFile, s: Scenario) -> list[tuple[str, str]]:
    """Problems that need the scenario or span fields, as (field, message) pairs."""
    st = spec.sweep
    problems: list[tuple[str, str]] = []
    n_params = len(spec.parameters)
    if st.design == "grid" and st.samples is not None:
        problems.append(("sweep.samples", "only random, lhs and sobol designs take samples"))
    if st.design in SAMPLED:
        if st.samples is None:
            problems.append(("sweep.samples", f"a {st.design} design needs samples (points)"))
        if n_params < 1:
            problems.append(("parameters", f"a {st.design} design needs at least 1 parameter"))
    if st.design == "sobol":
        if n_params < 2:
            problems.append(
                ("parameters", f"a sobol design needs at least 2 parameters (got {n_params})")
            )
        if st.samples is not None and st.samples & (st.samples - 1):
            lower = 1 << (st.samples.bit_length() - 1)
            problems.append(
                (
                    "sweep.samples",
                    f"a sobol design needs a power of 2 (got {st.samples}; "
                    f"try {lower} or {2 * lower})",
                )
            )

    for path, p in spec.parameters.items():
        problems += _check_parameter(s, st.design, path, p)
    if problems:
        return problems

    points = design_size(spec)
    if points > MAX_POINTS:
        problems.append(("parameters", f"{points:,} design points is more than {MAX_POINTS:,}"))
    runs = points * st.replicates
    chunks = math.ceil(runs / (st.chunk_size or default_chunk_size(runs)))
    if chunks > MAX_CHUNKS:
        problems.append(
            (
                "sweep.chunk_size",
                f"{chunks:,} chunks is more than {MAX_CHUNKS:,}; raise chunk_size",
            )
        )
    return problems


def default_chunk_size(runs: int) -> int:
    return min(MAX_CHUNK_SIZE, max(MIN_CHUNK_SIZE, math.ceil(runs / 16)))


def design_size(spec: SweepFile) -> int:
    """Number of design points the file asks for."""
    st = spec.sweep
    if st.design == "grid":
        return math.prod(grid_length(p) for p in spec.parameters.values())
    if st.design == "sobol":
        return int(st.samples or 0) * (len(spec.parameters) + 2)  # Saltelli, first order
    return int(st.samples or 0)


def grid_length(p: ParameterSpec) -> int:
    return len(p.values) if p.values is not None else (p.range.num if p.range else 0)


def _check_parameter(s: Scenario, design: str, path: str, p: ParameterSpec) -> list:
    where = field_name(path)
    try:
        locate(s, path)
    except UnknownPath as err:
        return [(where, str(err))]
    grid_given = p.values is not None or p.range is not None
    interval_given = p.low is not None or p.high is not None
    if design == "grid":
        if interval_given or not grid_given or (p.values is not None and p.range is not None):
            return [(where, "a grid parameter needs exactly one of 'values' or 'range'")]
        if p.values is not None and not p.values:
            return [(where + ".values", "empty: a grid needs at least one value")]
    else:
        if grid_given or p.low is None or p.high is None:
            return [(where, f"a {design} design needs 'low' and 'high' (not values or range)")]
        if not p.low < p.high:
            return [(where, f"low ({p.low}) must be below high ({p.high})")]
    checks: list[tuple[str, float]] = []
    if p.values is not None:
        checks = [(f".values[{i}]", v) for i, v in enumerate(p.values)]
    elif p.range is not None:
        checks = [(".range.start", p.range.start), (".range.stop", p.range.stop)]
    else:
        checks = [(".low", p.low), (".high", p.high)]
    problems = []
    for tail, value in checks:
        message = check_value(s, path, value)
        if message:
            problems.append((where + tail, message))
    return problems or _check_with_events(s, path, where, checks)


def _check_with_events(s: Scenario, path: str, where: str, checks: list) -> list:
    """The scenario at the smallest and the largest value the sweep gives ``path``, checked
    like a file, events included: a value inside its own bounds can still break a rule
    that spans fields, or be shifted out of bounds by an event."""
    whole = schema_node(Scenario, path.split(".")) is int
    ends = {min(checks, key=lambda c: c[1]), max(checks, key=lambda c: c[1])}
    for tail, value in sorted(ends):
        try:
            modified(s, {path: round(value) if whole else value}, label="-")
        except ScenarioError as err:
            return [(where + tail, f"with this value, {line[3:]}") for line in err.lines]
    return []


def check_value(s: Scenario, path: str, value: float) -> str | None:
    """The schema's verdict on ``value`` at ``path``: None, or 'must be <= 1 (got 1.2); ...'."""
    annotation, _ = path_annotation(s, path)
    try:
        pydantic.TypeAdapter(annotation).validate_python(value)
    except pydantic.ValidationError as err:
        message = format_validation_error(err, Scenario)[0].split(": ", 1)[1]
        lo, hi = path_bounds(s, path)
        return f"{message}; allowed range {lo:g} to {hi:g}"
    return None

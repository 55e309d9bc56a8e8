"""Fuzzing scenario and sweep files: a seeded mutator, run through the commands in-process.

Each case takes a shipped file and applies a few mutations (another value, another type,
a deleted or duplicated key, an extreme number, an odd string, a shifted event). Whatever
comes out, the tool must:
- never raise (no traceback) nor hang (each case has a time limit);
- answer `validate` with OK or one-line errors, exit 2;
- when `validate` says OK, complete `run -n 3` (exit 0), or refuse it in one line;
- write outputs without NaN or out-of-range values, and strict JSON (no NaN, Infinity).
A sweep file that loads must run as a small sweep and summarise.

The random generator has a fixed seed, so the cases are the same on every run. Mutation
classes whose defects belong to other work in progress are listed in ``EXCLUDED`` with
the reason; once those fixes are merged, delete the entry and the class is generated.
"""

from __future__ import annotations

import contextlib
import csv
import json
import random
import re
import signal
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.scenario.load import DEFAULT_SCENARIO

SEED = 20260101
SCENARIO_CASES = 60
SWEEP_CASES = 16
TIME_LIMIT = 30  # seconds per case: a hang, not a slow machine

# Mutation class -> why it is not generated yet (the bullet of issue 10 that fixes it).
EXCLUDED: dict[str, str] = {}

ODD_STRINGS = [
    '""',
    '"x"',
    '"ünïcödé ✓ 中文"',
    '"a \\"quoted\\" word"',
    '"   "',
    '"P0"',
]
EXTREMES = ["0", "-0.0", "1", "-1", "1e308", "-1e308", "5e-324", "inf", "-inf", "nan", "2"]
OTHER_TYPES = ['"text"', "true", "[1, 2]", "{ a = 1 }", "2025-03-11", "[]", "{}"]
KEY_LINE = re.compile(r'^(?P<key>[A-Za-z0-9_"\-. ]+?)\s*=\s*(?P<value>.+)$')


class CaseTimeout(Exception):
    pass


@contextlib.contextmanager
def time_limit(seconds: int):
    def expire(signum, frame):
        raise CaseTimeout(f"case took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _replace_value(key: str, value: str):
    """A mutation that sets every ``key = ...`` line to ``value``."""

    def apply(lines: list[str], rng: random.Random) -> str:
        for i, line in enumerate(lines):
            if line.startswith(f"{key} ="):
                lines[i] = f"{key} = {value}"
        return f"{key} = {value[:40]}"

    return apply


def _dotted_id(lines: list[str], rng: random.Random) -> str:
    for i, line in enumerate(lines):
        lines[i] = line.replace(".territory]", '."terr.itory"]')
    return "issue id terr.itory"


def _event_value(lines: list[str], rng: random.Random) -> str:
    value = rng.choice(["nan", "inf", "-5.0", "3.0"])
    for i, line in enumerate(lines):
        if line.startswith("shift = {"):
            lines[i] = f'shift = {{ "actors.russia.aspiration" = {value} }}'
    return f"event shift {value}"


def _deep_nesting(lines: list[str], rng: random.Random) -> str:
    lines.insert(0, "deep = " + "[" * 5000 + "]" * 5000)
    return "nesting 5000 deep"


# Mutations that exercise known defects of other branches: generated unless EXCLUDED.
SPECIAL = {
    "id-with-dot": _dotted_id,
    "far-date": _replace_value("start_date", "9999-12-01"),
    "math-label": _replace_value("label", '"$\\undefinedcommand$"'),
    "long-string": _replace_value("name", '"' + "x" * 10_000_000 + '"'),
    "event-value": _event_value,
    "deep-nesting": _deep_nesting,
    "huge-int": _replace_value("planning_horizon", "9" * 5000),
    "control-chars": _replace_value("name", '"\\u001b]0;owned\\u0007 \\n second line"'),
}
CHARTED = ("math-label", "long-string", "control-chars")  # defects that show in charts


def mutate(text: str, rng: random.Random, kinds: list[str]) -> tuple[str, list[str]]:
    """Apply one to three mutations of the allowed kinds; the text and what was done."""
    lines = text.splitlines()
    done = []
    for _ in range(rng.choice([1, 1, 2, 3])):
        kind = rng.choice(kinds)
        if kind in SPECIAL:
            done.append(f"{kind}: {SPECIAL[kind](lines, rng)}")
            continue
        keyed = [i for i, line in enumerate(lines) if KEY_LINE.match(line.strip())]
        i = rng.choice(keyed)
        m = KEY_LINE.match(lines[i].strip())
        key, value = m["key"], m["value"]
        if kind == "number":
            if re.fullmatch(r"-?[\d._]+(e-?\d+)?", value.split("#")[0].strip()):
                low, high = rng.choice([(0.0, 1.0), (0.0, 1.0), (-1.5, 2.5), (0.0, 120.0)])
                value = repr(round(rng.uniform(low, high), rng.choice([0, 2, 6])))
        elif kind == "extreme-number":
            value = rng.choice(EXTREMES)
        elif kind == "type":
            value = rng.choice(OTHER_TYPES)
        elif kind == "odd-string":
            value = rng.choice(ODD_STRINGS)
        elif kind == "delete":
            lines[i] = ""
            done.append(f"delete {key}")
            continue
        elif kind == "duplicate":
            lines.insert(i, lines[i])
            done.append(f"duplicate {key}")
            continue
        elif kind == "event-shift":
            dates = [j for j, line in enumerate(lines) if re.match(r"^date = \d{4}-", line)]
            if dates:
                j = rng.choice(dates)
                day = rng.choice(["2025-03-11", "2025-03-12", "2025-04-30", "2025-05-10"])
                day = rng.choice([day, "2025-05-11", "2025-03-10", "2026-01-01"])
                lines[j] = f"date = {day}"
                done.append(f"event date {day}")
            continue
        lines[i] = f"{key} = {value}"
        done.append(f"{key} = {value}")
    return "\n".join(lines) + "\n", done


def invoke(*args: str):
    result = CliRunner().invoke(app, list(args), catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"{args[0]} raised {result.exception!r}") from result.exception
    return result.exit_code, result.stdout, result.stderr


def assert_one_line_errors(code: int, stderr: str) -> None:
    assert code == 2, stderr
    lines = [line for line in stderr.splitlines() if line]
    assert lines and all(line.startswith("error: ") for line in lines), stderr
    assert "Traceback" not in stderr


def strict_json(path: Path):
    def refuse(constant: str):
        raise AssertionError(f"{path}: {constant} is not JSON")

    return json.loads(path.read_text(), parse_constant=refuse)


def assert_clean_csv(path: Path) -> None:
    with open(path, newline="") as fh:
        for row in csv.reader(fh):
            for cell in row:
                assert cell.strip().lower() not in ("nan", "inf", "-inf", "infinity"), path


def assert_sound_run(out: Path) -> None:
    """No NaN where a value is defined, every value in its range, strict JSON (model 2's
    outputs contract: outcomes per replicate, one agreements row per deal, per-day series)."""
    run = strict_json(out / "run.json")
    summary_text = (out / "summary.json").read_text()
    outcomes = dict(np.load(out / "outcomes.npz"))
    agreements = dict(np.load(out / "agreements.npz"))
    agreed = outcomes["first_deal_day"] >= 0
    if agreed.any() or "no-agreement-json" not in EXCLUDED:
        strict_json(out / "summary.json")
    else:
        json.loads(summary_text)  # still JSON to Python's lenient reader
    days = run["horizon"]
    for key, value in outcomes.items():
        if value.dtype.kind == "f":
            assert not np.isnan(value).any(), key
            if key.startswith("control_"):
                assert ((value >= 0) & (value <= 1)).all(), key
        if key.endswith("_day") or key.startswith("decided_day_"):
            assert ((value >= -1) & (value < days)).all(), key
    assert (
        (outcomes["days_under_ceasefire"] >= 0) & (outcomes["days_under_ceasefire"] <= days)
    ).all()
    tracks = agreements["track"]
    for issue in run["issue_ids"]:  # a term is defined exactly where the deal's track decides it
        term = agreements[f"term_{issue}"]
        decides = np.array([t >= 0 and issue in run["track_issues"][t] for t in tracks], bool)
        assert not np.isnan(term[decides]).any() and np.isnan(term[~decides]).all(), issue
        assert ((term[decides] >= 0) & (term[decides] <= 1)).all(), issue
    agreed_on, start, end = (agreements[k] for k in ("day_agreed", "day_in_force", "day_ended"))
    assert ((agreed_on >= 0) & (agreed_on < days)).all()
    assert ((start == -1) | ((start >= agreed_on) & (start < days))).all()
    assert ((end == -1) | ((end >= agreed_on) & (end <= days))).all()
    series = dict(np.load(out / "series.npz"))
    parties = [i for i, role in enumerate(run["roles"]) if role == "party"]
    sessions = series["session_share"] > 0
    for key, value in series.items():
        assert not np.isinf(value).any(), key
        if key in ("belief_q", "belief_mean"):  # NaN only for actors that hold no belief
            assert np.isfinite(value[..., parties, :]).all(), key
        elif key in ("accept_share", "condition_share"):  # NaN only where nobody answers
            assert np.isfinite(value[sessions][:, parties]).all(), key
        elif not key.startswith(("outside_value", "offer_value")):  # NaN before a first offer
            assert np.isfinite(value).all(), key
        if key.startswith("control_") or key.endswith("_share"):
            assert ((value[~np.isnan(value)] >= 0) & (value[~np.isnan(value)] <= 1)).all(), key
    for name in ("outcomes.csv", "agreements.csv", "series.csv", "responses.csv"):
        assert_clean_csv(out / name)


# Weighted: most mutations keep a file plausible, so that many cases get past validate.
SCENARIO_KINDS = ["number"] * 5 + ["event-shift"] * 2 + ["delete"] * 2
SCENARIO_KINDS += ["extreme-number", "type", "odd-string", "duplicate"]
SCENARIO_KINDS += [kind for kind in SPECIAL if kind not in EXCLUDED]


def scenario_cases() -> list[tuple[int, str, list[str]]]:
    rng = random.Random(SEED)
    base = Path(DEFAULT_SCENARIO).read_text()
    return [(n, *mutate(base, rng, SCENARIO_KINDS)) for n in range(SCENARIO_CASES)]


@pytest.mark.parametrize("case", range(SCENARIO_CASES), ids=lambda n: f"scenario-{n}")
def test_mutated_scenarios(case, tmp_path, scenario_mutations):
    n, text, done = scenario_mutations[case]
    path = tmp_path / "mutated.toml"
    path.write_text(text)
    out = tmp_path / "run"
    with time_limit(TIME_LIMIT):
        code, stdout, stderr = invoke("validate", str(path))
        if code != 0:
            assert_one_line_errors(code, stderr)
            return
        assert stdout.strip() == f"OK: {path}"
        charts = any(d.startswith(CHARTED) for d in done)  # charts are slow: only where due
        flag = "--charts" if charts else "--no-charts"
        code, stdout, stderr = invoke("run", str(path), "-n", "3", flag, "--out", str(out))
    assert code == 0, (done, stderr)
    assert_sound_run(out)


@pytest.fixture(scope="module")
def scenario_mutations():
    cases = scenario_cases()
    kinds = {d.split(" ")[0] for _, _, done in cases for d in done}
    assert kinds, "the mutator produced nothing"
    return cases


SWEEP_BASE = """[sweep]
name = "fuzz"
base = "{base}"
seed = 4
replicates = 5
design = "{design}"
{extra}
[parameters."threats.waltz.credibility"]
{first}

[parameters."actors.russia.aspiration"]
{second}
"""
SWEEP_KINDS = ["number"] * 4 + ["delete"] * 2 + ["extreme-number", "type", "odd-string"]
SWEEP_KINDS += ["duplicate"]


def sweep_cases(base: str) -> list[tuple[str, list[str]]]:
    rng = random.Random(SEED + 1)
    designs = [
        ("grid", "", "values = [0.2, 0.8]", "range = { start = 0.1, stop = 0.5, num = 2 }"),
        ("lhs", "samples = 3", "low = 0.0\nhigh = 1.0", "low = 0.2\nhigh = 0.6"),
        ("sobol", "samples = 2", "low = 0.0\nhigh = 1.0", "low = 0.2\nhigh = 0.6"),
    ]
    cases = []
    for n in range(SWEEP_CASES):
        design, extra, first, second = designs[n % len(designs)]
        text = SWEEP_BASE.format(base=base, design=design, extra=extra, first=first, second=second)
        cases.append(mutate(text, rng, SWEEP_KINDS))
    return cases


MAX_FUZZ_RUNS = 200  # a mutated sweep larger than this is not run (the guards test size)


@pytest.mark.parametrize("case", range(SWEEP_CASES), ids=lambda n: f"sweep-{n}")
def test_mutated_sweeps(case, tmp_path):
    from sim.scenario.errors import ScenarioError
    from sim.sweep.spec import design_size, load_experiment

    text, done = sweep_cases(str(Path(DEFAULT_SCENARIO).resolve()))[case]
    path = tmp_path / "sweep.toml"
    path.write_text(text)
    with time_limit(TIME_LIMIT):
        try:
            exp = load_experiment(path)
        except ScenarioError as err:
            assert err.lines and all(str(path) in line for line in err.lines), err.lines
            assert all("\n" not in line for line in err.lines)
            return
        runs = design_size(exp.spec) * exp.settings.replicates
        if runs > MAX_FUZZ_RUNS:
            return
        out = tmp_path / "sweep"
        code, _, stderr = invoke("sweep", str(path), "--out", str(out), "--workers", "1")
        assert code == 0, (done, stderr)
        code, _, stderr = invoke("summarize", str(out))
    assert code == 0, (done, stderr)
    assert_clean_csv(out / "summary.csv")

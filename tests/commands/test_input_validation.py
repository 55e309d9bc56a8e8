"""Input validation, issue 10: what `validate` accepts, `run` runs, and every error is one
escaped line in the house style. The malformed scenarios themselves are in tests/malformed.py
(checked in process by test_validation.py and through the command by test_cli.py); here are
the files that must be *accepted* and then run, the sweep files, and the command line.

The commands run in this process through their entry point (tests/commands/inprocess.py:
stdout, stderr and exit code as from the console command); the one test about what a
process of its own can read (/proc/self/environ) runs the console command.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import math
import os
import subprocess
import tomllib
from pathlib import Path

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from sim.charts.style import figure, title
from sim.cli import app
from sim.engine.parameters import build_parameters
from sim.scenario.base import FIRST_DATE, ID_RULE, LAST_DATE
from sim.scenario.errors import ScenarioError, printable, shown
from sim.scenario.load import DEFAULT_SCENARIO, load_scenario, parse_scenario
from sim.scenario.paths import parameter_paths, path_bounds, schema_node
from sim.scenario.schema import MAX_HORIZON_DAYS, Scenario
from tests.commands.inprocess import ceasefire, console_script
from tests.support.malformed import DEFAULT_TEXT, MEETING, add_table, drop_table, set_key
from tests.support.short import SHORT_TEXT
from tests.support.sweeps import experiment_text

EXPERIMENTS = [  # sweep files (experiments/calibrate-*.toml are calibration files)
    p
    for p in sorted((DEFAULT_SCENARIO.parent.parent / "experiments").glob("*.toml"))
    if "[sweep]" in p.read_text()
]
runner = CliRunner()


def one_error(proc: subprocess.CompletedProcess) -> str:
    """The only stderr line of a clean failure (exit 2, no traceback, no stdout)."""
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    return lines[0].removeprefix("error: ")


# --- accepted by validate, so run must run them -------------------------------------------


def drop_array_tables(text: str, table: str) -> str:
    """``text`` without any ``[[table]]`` entry (arrays of tables have no unique header)."""
    lines, kept, skipping = text.splitlines(), [], False
    for line in lines:
        if line.lstrip().startswith("["):
            skipping = line.strip() == f"[[{table}]]"
        if not skipping:
            kept.append(line)
    assert len(kept) < len(lines), f"no [[{table}]] in the text"
    return "\n".join(kept) + "\n"


# every dated item (threat, event, dated sessions, truce occasions) out, so that the start
# date can move to the ends of the calendar
WITHOUT_DATES = drop_array_tables(
    drop_array_tables(
        drop_table(drop_table(DEFAULT_TEXT, "threats.waltz"), MEETING), "calendar.sessions"
    ),
    "calendar.truce_occasions",
)
# the longest run (schema.MAX_HORIZON_DAYS) that ends on the calendar's last date
LONGEST_START = LAST_DATE - dt.timedelta(days=MAX_HORIZON_DAYS - 1)
# The cases that are not about the calendar run the default on its short calendar
# (tests/support/short.py): names, ids and events are drawn and applied the same way.
ACCEPTED = {
    # mathtext syntax in every kind of text that reaches a chart: drawn as written
    "dollar-signs-in-names": set_key(
        set_key(
            set_key(SHORT_TEXT, "scenario", "name", r'"$\\undefinedcommand$ talks"'),
            "actors.russia",
            "name",
            r'"$\\frac{a}{$"',
        ),
        "issues.kursk",
        "label",
        '"Kursk ($_$)"',
    ),
    "first-date-of-the-calendar": set_key(
        WITHOUT_DATES, "scenario", "start_date", FIRST_DATE.isoformat()
    ),
    "last-date-with-the-longest-talks": set_key(
        set_key(WITHOUT_DATES, "scenario", "start_date", LONGEST_START.isoformat()),
        "scenario",
        "end_date",
        LAST_DATE.isoformat(),
    ),
    # an event may set a whole-number setting with a whole number written either way
    "event-sets-tolerance-to-a-whole-number": set_key(
        SHORT_TEXT, MEETING, "set", '{ "implementation.violation_tolerance" = 5.0 }'
    ),
    "event-shifts-within-bounds": set_key(
        SHORT_TEXT, MEETING, "shift", '{ "actors.russia.aspiration" = -0.5 }'
    ),
    "longest-allowed-id": SHORT_TEXT.replace("waltz", "w" + "a" * 39),
}


@pytest.mark.parametrize("name", list(ACCEPTED))
def test_validate_ok_implies_run_ok(tmp_path, name):
    """The reproducers of 'validate says OK, then run crashes': each boundary case that is
    valid must also run to the end, charts included."""
    path = tmp_path / f"{name}.toml"
    path.write_text(ACCEPTED[name], encoding="utf-8")
    checked = ceasefire("validate", path)
    assert checked.returncode == 0 and checked.stdout == f"OK: {path}\n", checked.stderr
    out = tmp_path / "out"
    ran = ceasefire("run", path, "-n", 5, "--out", out)
    assert ran.returncode == 0, ran.stderr
    assert "Traceback" not in ran.stderr
    charts = list((out / "charts").iterdir())
    assert charts and all(p.suffix == ".png" and p.stat().st_size > 0 for p in charts)
    assert json.loads((out / "summary.json").read_text())["replicates"] == 5


def test_chart_text_is_drawn_literally():
    """'$' starts no mathtext: the title is the literal string and drawing does not raise."""
    fig, _ = figure()
    title(fig, r"$\undefinedcommand$", r"costs $5 and $10")
    fig.savefig(io.BytesIO(), format="png")
    assert fig._suptitle.get_text() == "$\\undefinedcommand$\ncosts $5 and $10"


def test_an_id_one_past_the_limit_is_refused(tmp_path):
    """The last case of ACCEPTED has an id of 40 characters; 41 is one too many."""
    path = tmp_path / "long.toml"
    path.write_text(DEFAULT_TEXT.replace("[threats.waltz]", f"[threats.w{'a' * 40}]"))
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert info.value.lines == [
        f'{path}: threats: id "w{"a" * 40}" is not allowed: an id is {ID_RULE}'
    ]


def test_every_shipped_scenario_and_experiment_validates():
    """The id pattern and the strict sweep files accept everything the project ships."""
    scenarios = sorted(DEFAULT_SCENARIO.parent.glob("*.toml"))
    proc = ceasefire("validate", *scenarios, *EXPERIMENTS)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [f"OK: {p}" for p in scenarios] + [
        f"OK: {p} (sweep file)" for p in EXPERIMENTS
    ]


# --- the kind of file --------------------------------------------------------------------


def test_run_on_a_sweep_file_says_so(tmp_path):
    sweep_file = EXPERIMENTS[0]
    assert one_error(ceasefire("run", sweep_file, "--out", tmp_path / "o")) == (
        f"{sweep_file}: this is a sweep file; use ceasefire sweep"
    )
    assert list(tmp_path.iterdir()) == []


def test_sweep_on_a_scenario_file_says_so(tmp_path):
    assert one_error(ceasefire("sweep", DEFAULT_SCENARIO, "--out", tmp_path / "o")) == (
        f"{DEFAULT_SCENARIO}: this is a scenario file; use ceasefire run"
    )
    assert list(tmp_path.iterdir()) == []


def test_validate_a_file_that_is_neither(tmp_path):
    other = tmp_path / "pyproject.toml"
    other.write_text('[project]\nname = "x"\npassword = "hunter2"\n')
    line = one_error(ceasefire("validate", other))
    assert line == (
        f"{other}: not a scenario file (it has no [scenario], [issues] or [actors] table)"
    )


def test_validate_a_bad_sweep_file_reports_it_as_a_sweep(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(experiment_text(sweep={"replicate": "5", "replicates": None}))
    proc = ceasefire("validate", path)
    assert proc.returncode == 2
    assert proc.stderr.splitlines()[0].startswith(
        f"error: {path}: sweep.replicates: required field is missing"
    )


# --- sweep files: as strict as scenario files, base resolved safely -----------------------


def sweep_error(tmp_path, text: str) -> str:
    path = tmp_path / "s.toml"
    path.write_text(text)
    checked = one_error(ceasefire("validate", path))
    ran = one_error(ceasefire("sweep", path, "--out", tmp_path / "out", "--workers", 1))
    assert checked == ran
    assert not (tmp_path / "out").exists()
    return checked.removeprefix(f"{path}: ")


@pytest.mark.parametrize(
    ("sweep", "parameters", "expected"),
    [
        ({"seed": '"7"'}, None, 'sweep.seed: must be a whole number (got "7")'),
        (
            {"common_random_numbers": '"yes"'},
            None,
            'sweep.common_random_numbers: must be true or false (got "yes")',
        ),
        (
            None,
            {"threats.waltz.credibility": 'values = ["0.5"]'},
            'parameters."threats.waltz.credibility".values[0]: must be a number (got "0.5")',
        ),
        (
            None,
            {"threats.waltz.credibility": "values = [0.5, nan]"},
            'parameters."threats.waltz.credibility".values[1]: must be a finite number (got nan)',
        ),
        (
            None,
            {"threats.waltz.credibilty": "values = [0.5]"},
            'parameters."threats.waltz.credibilty": unknown parameter path '
            "'threats.waltz.credibilty'; did you mean 'threats.waltz.credibility'?",
        ),
        (
            # within its bounds, but the event shifts it past 100
            None,
            {"actors.russia.ties.united_states": "values = [0.5, 99.8]"},
            'parameters."actors.russia.ties.united_states".values[1]: with this value, '
            f'{MEETING}.shift."actors.russia.ties.united_states": must be <= 100 '
            "(got 100.3 = 99.8 + 0.5 after this shift)",
        ),
        (
            # within its bounds, but on the wrong side of the stance's red line (model 2
            # removed partial_min/comprehensive_min, the v1 pair this case used)
            None,
            {"actors.russia.stances.kursk.position": "values = [1.0, 0.3]"},
            'parameters."actors.russia.stances.kursk.position".values[1]: with this value, '
            "actors.russia.stances.kursk: position 0.3 is below its red line never_below = "
            "0.5: the red line is on the wrong side of the position (position must be >= 0.5)",
        ),
        (
            {"name": '"' + "n" * 201 + '"'},
            None,
            "sweep.name: must be at most 200 characters (got 201 characters)",
        ),
    ],
    ids=["seed", "crn", "quoted-value", "nan", "typo", "event-shift", "cross-field", "name"],
)
def test_sweep_files_are_strict(tmp_path, sweep, parameters, expected):
    assert sweep_error(tmp_path, experiment_text(sweep=sweep, parameters=parameters)) == expected


SECRET = "hunter2-do-not-print"


@pytest.mark.parametrize("content", [f"root:{SECRET}:19000:0:99999:7:::\n", f"K={SECRET}\0"])
def test_a_base_that_is_not_a_scenario_is_never_echoed(tmp_path, content):
    """`base = "/etc/shadow"` or `/proc/self/environ`: refused without a word of content."""
    secret = tmp_path / "shadow"
    secret.write_text(content)
    line = sweep_error(tmp_path, experiment_text(base=str(secret)))
    assert line == f"sweep.base: {secret} is not a scenario file (no [scenario] table)"
    assert SECRET not in line


def test_proc_self_environ_as_base_is_not_echoed(tmp_path):
    environ = Path("/proc/self/environ")
    if not environ.exists():
        pytest.skip("no /proc on this system")
    path = tmp_path / "s.toml"
    path.write_text(experiment_text(base=str(environ)))
    # a process of its own, started with the secret in its environment
    proc = console_script("validate", path, env={**os.environ, "CEASEFIRE_TEST_SECRET": SECRET})
    assert proc.returncode == 2 and SECRET not in proc.stderr
    assert "is not a scenario file" in proc.stderr


def test_base_is_resolved_relative_to_the_sweep_file(tmp_path):
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / "s.toml").write_text(DEFAULT_TEXT)
    (tmp_path / "exp").mkdir()
    path = tmp_path / "exp" / "e.toml"
    path.write_text(experiment_text(base="../scenarios/s.toml"))
    proc = ceasefire("validate", "e.toml", cwd=tmp_path / "exp")
    assert proc.returncode == 0 and proc.stdout == "OK: e.toml (sweep file)\n", proc.stderr


def test_bad_bases(tmp_path):
    (tmp_path / "loop1").symlink_to(tmp_path / "loop2")
    (tmp_path / "loop2").symlink_to(tmp_path / "loop1")
    assert sweep_error(tmp_path, experiment_text(base="a\\u0000b")) == (
        "sweep.base: contains the control character '\\x00'; write one line of plain text "
        '(got "a\\u0000b")'
    )
    loop = str(tmp_path / "loop1")  # quoted as shown() quotes it: over 60 characters, cut
    assert sweep_error(tmp_path, experiment_text(base=loop)).startswith(
        f"sweep.base: cannot resolve {shown(loop)} (Symlink loop"
    )
    assert sweep_error(tmp_path, experiment_text(base=str(tmp_path))) == (
        f"sweep.base: scenario file is a directory: {tmp_path}"
    )
    assert sweep_error(tmp_path, experiment_text(base=str(EXPERIMENTS[0]))) == (
        f"sweep.base: {EXPERIMENTS[0]} is a sweep file"
    )


def test_a_sweep_keeps_crlf_files_byte_for_byte_and_hashes_the_bytes(tmp_path):
    base = tmp_path / "base.toml"
    base.write_bytes(DEFAULT_TEXT.replace("\n", "\r\n").encode())
    path = tmp_path / "crlf.toml"
    path.write_bytes(
        experiment_text(
            sweep={"replicates": "3", "chunk_size": None}, parameters={}, base=str(base)
        )
        .replace("\n", "\r\n")
        .encode()
    )
    out = tmp_path / "out"
    proc = ceasefire("sweep", path, "--out", out, "--workers", 1)
    assert proc.returncode == 0, proc.stderr
    assert (out / "experiment.toml").read_bytes() == path.read_bytes()
    assert (out / "scenario.toml").read_bytes() == base.read_bytes()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["experiment_sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert manifest["scenario_sha256"] == hashlib.sha256(base.read_bytes()).hexdigest()


# --- the command line: one escaped line in the house style --------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["run", "-n", "abc"], "--replicates: must be a whole number (got abc)"),
        (["run", "--replcates", "3"], "--replcates: no such option; did you mean --replicates?"),
        (["sweep", "x.toml", "-w", "0"], "--workers: must be >= 1 (got 0)"),
        (["validate"], "Missing argument 'files'"),
    ],
)
def test_usage_errors_are_one_line(args, expected):
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert lines[0] == f"error: {expected} (see ceasefire {args[0]} --help)"


def test_control_characters_in_a_file_name_are_escaped(tmp_path):
    name = tmp_path / "evil\x1b]0;owned\x07\nname.toml"
    line = one_error(ceasefire("validate", name))
    assert line == printable(f"{name}: file not found")
    assert "\\x1b]0;owned\\x07\\x0aname.toml: file not found" in line


def test_printable_escapes_every_terminal_control():
    text = "a\x1b[2Jb\x9bc\nd\u202ee\u2028f\x7f"
    assert printable(text) == "a\\x1b[2Jb\\x9bc\\x0ad\\u202ee\\u2028f\\x7f"
    assert printable("Åland — ok") == "Åland — ok"
    assert ScenarioError(["x: \x1b"]).lines == ["x: \\x1b"]


@pytest.mark.parametrize("value", [60.0, -0.0, 1e300, math.inf, -math.inf])
def test_a_float_is_shown_as_a_float(value):
    """`rounds = 60.0` is reported as 60.0, not 60: pasting it back gives a float again."""
    again = tomllib.loads(f"v = {shown(value)}")["v"]
    assert isinstance(again, float) and again == value


def test_nan_is_shown_as_toml_nan():
    assert math.isnan(tomllib.loads(f"v = {shown(math.nan)}")["v"])


def test_a_syntax_error_in_a_scenario_still_quotes_its_line(tmp_path):
    path = tmp_path / "x.toml"
    path.write_text(add_table(DEFAULT_TEXT, "extra", "a = = 1"))
    line = one_error(ceasefire("validate", path))
    assert line.endswith("(line reads: a = = 1)")


# --- events: what validate accepts stays inside the bounds the engine clips to ----------

_DEFAULT = load_scenario(DEFAULT_SCENARIO)
EVENT_PATHS = [p for p in parameter_paths(_DEFAULT) if ".spread." not in p]


def _toml_float(x: float) -> str:
    return "nan" if math.isnan(x) else shown(float(x))


@settings(max_examples=150, deadline=None)
@given(
    changes=st.lists(
        st.tuples(
            st.sampled_from(EVENT_PATHS),
            st.sampled_from(["set", "shift"]),
            st.one_of(st.floats(-2, 102), st.sampled_from([math.nan, math.inf, 0.0, 1.0])),
        ),
        min_size=1,
        max_size=3,
        unique_by=lambda c: (c[0], c[1]),
    )
)
def test_an_accepted_event_never_takes_a_parameter_out_of_its_bounds(changes):
    """The property behind 'every value an event can produce is checked': if the file is
    accepted, applying its events to the stated values (as the engine does) leaves every
    changed parameter finite, inside the bounds the engine clips to, and whole where the
    schema wants a whole number."""
    text = set_key(DEFAULT_TEXT, MEETING, "shift", None)
    for op in ("set", "shift"):
        pairs = [f'"{p}" = {_toml_float(v)}' for p, o, v in changes if o == op]
        if pairs:
            text = set_key(text, MEETING, op, "{ " + ", ".join(pairs) + " }")
    try:
        s = parse_scenario(tomllib.loads(text), "fuzz.toml")
    except ScenarioError as err:
        event("refused")
        assert all(line.startswith("fuzz.toml: events.") for line in err.lines), err.lines
        return
    event("accepted")
    p = build_parameters(s, 1, seed=1)
    for change in p.events:
        where = (0, *change.index)
        array = p.array(change.array)
        array[where] = change.value if change.op == "set" else array[where] + change.value
        lo, hi = path_bounds(s, change.path)
        assert math.isfinite(array[where]) and lo <= array[where] <= hi, change
        if schema_node(Scenario, change.path.split(".")) is int:
            assert float(array[where]).is_integer(), change


def test_an_oversized_input_file_is_refused_before_it_is_parsed(tmp_path):
    """A 10 MB name used to hold `validate` for 35 s inside tomllib; now one line, at once."""
    from sim.scenario.files import MAX_FILE_BYTES

    text = Path(DEFAULT_SCENARIO).read_text()
    big = tmp_path / "big.toml"
    big.write_text(text.replace('name = "', 'name = "' + "x" * MAX_FILE_BYTES, 1))
    result = CliRunner().invoke(app, ["validate", str(big)])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        f"error: {big}: file too large (more than {MAX_FILE_BYTES // 1024:,} KiB)"
    ]
    at_limit = tmp_path / "ok.toml"
    at_limit.write_text(text + "#" * (MAX_FILE_BYTES - len(text.encode()) - 1) + "\n")
    assert CliRunner().invoke(app, ["validate", str(at_limit)]).exit_code == 0

"""The default scenario on a short calendar: for the tests of files, messages, locks,
signals and resumption, whose assertions hold whatever the horizon.

A default run costs about 15 ms of CPU per simulated day whatever the number of replicates
(296 days from 11 March to 31 December); 45 days cut that six-fold. Every dated item of the
default (the sessions of 11-16 March, the Moscow meeting, the two-week threat deadline, the
Orthodox Easter truce on 19 April) still falls inside the calendar, so the scenario is the
default's in every mechanism. Tests about the model's behaviour keep the full calendar.
"""

from __future__ import annotations

import atexit
import datetime as dt
import shutil
import tempfile
from functools import cache
from pathlib import Path

from sim.scenario.load import DEFAULT_SCENARIO, load_scenario
from tests.support.malformed import DEFAULT_TEXT, set_key

SHORT_DAYS = 45
SHORT_END = load_scenario(DEFAULT_SCENARIO).scenario.start_date + dt.timedelta(days=SHORT_DAYS)
SHORT_TEXT = set_key(DEFAULT_TEXT, "scenario", "end_date", SHORT_END.isoformat())


def write_short(folder: Path, name: str = "case.toml") -> Path:
    """The short default written as ``folder/name``."""
    path = folder / name
    path.write_text(SHORT_TEXT, encoding="utf-8")
    return path


@cache
def short_scenario() -> Path:
    """The short default as a file of its own, written once per test process into a private
    folder removed when the process ends (so no test's tmp_path listing shows it): the base
    of the small sweep files (tests/support/sweeps.py)."""
    folder = Path(tempfile.mkdtemp(prefix="ceasefire-short-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return write_short(folder, "march-2025-short.toml")

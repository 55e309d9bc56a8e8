"""Opening a results directory: a run (run.json) or a summarised sweep (manifest.json).

Reports, charts, `plot` and `compare` all open directories through :func:`open_results`,
so a directory that is neither, or is damaged, gets the same one-line error everywhere.
"""

from __future__ import annotations

from pathlib import Path

from sim.results.run_dir import RunResult, load_run
from sim.results.sweep_dir import SweepReadError, SweepResult, load_sweep


class ReportError(ValueError):
    """A directory cannot be reported on; the message is one line naming the file."""


def open_results(path: str | Path) -> RunResult | SweepResult:
    """Load a run directory (run.json) or a summarised sweep directory (manifest.json)."""

    path = Path(path)
    if not path.is_dir():
        raise ReportError(f"{path}: no such directory")
    if (path / "run.json").exists():
        try:
            return load_run(path)
        except (OSError, ValueError, KeyError) as err:
            raise ReportError(f"{path}: cannot read the run ({err})") from None
    if (path / "manifest.json").exists():
        try:
            return load_sweep(path)
        except SweepReadError as err:
            raise ReportError(str(err)) from None
        except (OSError, ValueError, KeyError) as err:
            raise ReportError(f"{path}: cannot read the sweep ({err})") from None
    raise ReportError(
        f"{path}: not a run or sweep directory (expected run.json from `ceasefire run` "
        "or manifest.json from `ceasefire sweep`)"
    )

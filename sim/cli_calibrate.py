"""`ceasefire calibrate CALIBRATION.toml`: the command line of sim/calibration/ (its own
module so that sim/cli.py only registers it)."""

from __future__ import annotations

from pathlib import Path

import typer

from sim.scenario.errors import ScenarioError
from sim.usage import fail, os_reason


def calibrate(
    calibration: Path = typer.Argument(..., help="Calibration file (TOML), experiments/*.toml."),
    out: Path | None = typer.Option(
        None,
        "--out",
        "-o",
        help="Calibration directory (default: runs/<file>). An existing directory of the "
        "same calibration is resumed; one of another is refused.",
    ),
    replace: bool = typer.Option(
        False, "--replace", help="Start afresh in a calibration directory that exists."
    ),
    workers: int | None = typer.Option(
        None, "--workers", "-w", min=1, max=4096, help="Worker processes (default: all cores)."
    ),
    backend: str | None = typer.Option(
        None, "--backend", "-b", help="local, dask (--scheduler) or dask-local, as for sweeps."
    ),
    scheduler: str | None = typer.Option(
        None, "--scheduler", help="Address of a running Dask scheduler (backend dask)."
    ),
) -> None:
    """Fit scenario parameters to target statistics by ABC-SMC (or resume the fit).

    Writes the posterior (Parquet), distances per generation, posterior predictive and
    identifiability charts and a calibrated scenario file; `ceasefire report DIR` shows them.
    Same seed, same posterior, whatever the workers or backend; a killed run resumes."""
    from sim.calibration.runner import CalibrationDirError, run_calibration
    from sim.results.claim import OutputError
    from sim.sweep.runner import default_workers
    from sim.sweep.store import SweepDirError
    from sim.sweep.workers import check_backend

    backend = backend or ("dask" if scheduler else "local")
    out_dir = out if out is not None else Path("runs") / calibration.stem
    try:
        check_backend(backend, scheduler)
        report = run_calibration(
            calibration, out_dir, workers or default_workers(), backend, scheduler, replace
        )
    except ScenarioError as err:
        fail(err.lines)
    except (CalibrationDirError, OutputError, SweepDirError) as err:
        fail(str(err))
    except KeyboardInterrupt:
        typer.echo(
            f"interrupted: finished generations kept in {out_dir}; run the same command "
            "again to resume",
            err=True,
        )
        raise typer.Exit(130) from None
    except OSError as err:
        fail(f"{out_dir}: cannot write the calibration directory ({os_reason(err)})")
    new = report.generations - report.generations_before
    typer.echo(
        f"Calibrated: {report.generations} generations ({new} now, {report.runs_new:,} runs "
        f"in {report.seconds:.1f} s; {report.runs:,} runs in all)"
    )
    typer.echo(f"Results in {out_dir}/ (posterior.parquet, charts/, calibrated-scenario.toml)")

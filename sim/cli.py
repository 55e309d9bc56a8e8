"""The `ceasefire` command. It only wires stages together; each lives in its own module."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from sim.scenario import DEFAULT_SCENARIO, ScenarioError

app = typer.Typer(
    name="ceasefire",
    help="Agent-based simulator of multi-party ceasefire negotiations.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def fail(lines: list[str] | str, code: int = 2) -> None:
    """Print one-line errors to stderr and exit (no traceback)."""
    for line in [lines] if isinstance(lines, str) else lines:
        typer.echo(f"error: {line}", err=True)
    raise typer.Exit(code)


@app.command()
def validate(files: list[Path] = typer.Argument(..., help="Scenario files to check.")) -> None:
    """Check scenario files; print OK or one line per problem (exit code 2 on any problem)."""
    from sim.scenario import load_scenario

    bad = False
    for f in files:
        try:
            load_scenario(f)
            typer.echo(f"OK: {f}")
        except ScenarioError as err:
            bad = True
            for line in err.lines:
                typer.echo(f"error: {line}", err=True)
    if bad:
        raise typer.Exit(2)


@app.command()
def run(
    scenario: Path = typer.Argument(
        DEFAULT_SCENARIO, help="Scenario file (TOML).", show_default="scenarios/march-2025.toml"
    ),
    replicates: int = typer.Option(
        1000,
        "--replicates",
        "-n",
        min=1,
        max=10_000_000,
        help="Monte Carlo replicates (one run is 1).",
    ),
    seed: int = typer.Option(1, "--seed", "-s", min=0, max=2**63 - 1, help="Seed of all draws."),
    out: Path | None = typer.Option(
        None, "--out", "-o", help="Output directory (default: runs/<scenario>[-N])."
    ),
    replace: bool = typer.Option(False, "--replace", help="Overwrite --out if it exists."),
    charts: bool = typer.Option(True, "--charts/--no-charts", help="Write the charts."),
) -> None:
    """Run a scenario and write its results, summary and charts to a new directory."""
    from sim.runner import default_out_dir, execute_run
    from sim.store import OutputExists

    out_dir = out if out is not None else default_out_dir(scenario)
    try:
        result = execute_run(
            scenario,
            replicates,
            seed,
            out_dir,
            replace=replace,
            command=" ".join(["ceasefire", *sys.argv[1:]]),
            charts=charts,
        )
    except ScenarioError as err:
        fail(err.lines)
    except OutputExists as err:
        fail(str(err))
    from sim.results import headline

    typer.echo(headline(result.summary))
    typer.echo(f"Results in {out_dir}/ (summary.json, outcomes.csv, series.csv, charts/)")


# --- further commands are registered below, one block per capability ----------------------

# --- sweeps (sim/sweep/) ---------------------------------------------------------------------


@app.command()
def sweep(
    experiment: Path = typer.Argument(..., help="Sweep file (TOML), e.g. experiments/*.toml."),
    out: Path | None = typer.Option(
        None,
        "--out",
        "-o",
        help="Sweep directory (default: runs/<experiment>). An existing directory of the "
        "same sweep is resumed; one of another sweep is refused.",
    ),
    workers: int | None = typer.Option(
        None, "--workers", "-w", min=1, max=4096, help="Worker processes (default: all cores)."
    ),
    backend: str | None = typer.Option(
        None,
        "--backend",
        "-b",
        help="local (process pool), dask (an existing cluster: --scheduler) or dask-local "
        "(a LocalCluster on this machine). Default: local, or dask with --scheduler.",
    ),
    scheduler: str | None = typer.Option(
        None,
        "--scheduler",
        envvar="DASK_SCHEDULER_ADDRESS",
        help="Dask scheduler address, e.g. tcp://head-node:8786.",
    ),
) -> None:
    """Run a Monte Carlo or parameter sweep (or resume it) into a Parquet dataset."""
    from sim.sweep.runner import SweepInterrupted, default_workers, run_sweep
    from sim.sweep.store import SweepDirError

    backend = backend or ("dask" if scheduler else "local")
    out_dir = out if out is not None else Path("runs") / experiment.stem
    try:
        report = run_sweep(
            experiment,
            out_dir,
            workers=workers or default_workers(),
            backend=backend,
            scheduler=scheduler,
        )
    except ScenarioError as err:
        fail(err.lines)
    except SweepDirError as err:
        fail(str(err))
    except SweepInterrupted as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(130) from None
    except OSError as err:
        fail(f"{out_dir}: {err}")
    for note in report.notes:
        typer.echo(f"note: {note}", err=True)
    skipped = report.runs - report.runs_new
    typer.echo(
        f"Sweep complete: {report.points:,} point{'s' * (report.points != 1)} x "
        f"{report.replicates:,} replicates = "
        f"{report.runs:,} runs ({report.runs_new:,} new in {report.seconds:.1f} s"
        + (f", {report.rate:,.0f} runs/s" if report.runs_new else "")
        + (f"; {skipped:,} already done" if skipped else "")
        + ")."
    )
    typer.echo(f"Results in {out_dir}/ (summarise with: ceasefire summarize {out_dir})")


@app.command()
def summarize(
    directory: Path = typer.Argument(..., help="A sweep directory (from ceasefire sweep)."),
    rows: int = typer.Option(40, "--rows", min=2, help="Design points to print at most."),
) -> None:
    """One row per design point (and Sobol' indices): printed, and written as
    summary.csv, summary.parquet (and sobol.csv) in the sweep directory."""
    from rich.console import Console

    from sim.sweep.store import SweepDirError
    from sim.sweep.summarize import render, summarize_sweep, write_summary

    try:
        summary = summarize_sweep(directory)
    except SweepDirError as err:
        fail(str(err))
    for note in summary.notes:
        typer.echo(f"note: {note}", err=True)
    if not summary.table:
        raise typer.Exit(1)
    written = write_summary(summary)
    console = Console()
    if not console.is_terminal:  # a file or pipe: no wrapping at 80 columns
        console = Console(width=max(console.width, 200))
    for table in render(summary, max_rows=rows):
        console.print(table)
    typer.echo("Wrote " + ", ".join(str(p) for p in written))


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # `python -m sim.cli`, as the sweep crash tests run it
    app()

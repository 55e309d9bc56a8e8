"""The `ceasefire` command. It only wires stages together; each lives in its own module."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from sim.scenario.errors import ScenarioError, printable
from sim.scenario.load import DEFAULT_SCENARIO
from sim.usage import OneLineErrors, check_range, fail, os_reason
from sim.version import __version__

MAX_REPLICATES = 10_000_000


app = typer.Typer(
    name="ceasefire",
    help="Agent-based simulator of multi-party ceasefire negotiations.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=OneLineErrors,
)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"ceasefire {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(
        False,
        "--version",
        callback=_print_version,
        is_eager=True,
        help="Print the version and exit.",
    ),
) -> None:
    """Agent-based simulator of multi-party ceasefire negotiations."""


@app.command()
def validate(
    files: list[Path] = typer.Argument(..., help="Scenario, sweep or calibration files to check."),
) -> None:
    """Check scenario, sweep and calibration files: OK, or one line per problem (exit code 2).

    The kind of file is recognised: a sweep or calibration file is checked with its scenario
    (paths, priors within the fields' bounds, target statistics and groups)."""
    from sim.calibration.spec import load_calibration
    from sim.scenario.files import read_toml
    from sim.scenario.load import file_kind, load_scenario
    from sim.sweep.spec import load_experiment

    bad = False
    for f in files:
        try:
            kind = file_kind(read_toml(f))
            if kind == "sweep":
                load_experiment(f)
                typer.echo(f"OK: {printable(str(f))} (sweep file)")
            elif kind == "calibration":
                load_calibration(f)
                typer.echo(f"OK: {printable(str(f))} (calibration file)")
            else:
                load_scenario(f)
                typer.echo(f"OK: {printable(str(f))}")
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
        help=f"Monte Carlo replicates, 1 to {MAX_REPLICATES:_} (one run is 1).",
    ),
    seed: int = typer.Option(1, "--seed", "-s", help="Seed of all draws, 0 to 2**63 - 1."),
    out: Path | None = typer.Option(
        None, "--out", "-o", help="Output directory (default: runs/<scenario>[-N])."
    ),
    replace: bool = typer.Option(
        False, "--replace", help="Replace --out if it is a run directory this tool wrote."
    ),
    charts: bool = typer.Option(True, "--charts/--no-charts", help="Write the charts."),
    yes: bool = typer.Option(False, "--yes", help="Start a run estimated at over an hour."),
) -> None:
    """Run a scenario and write its results, summary and charts to a new directory.

    A run larger than 100,000 replicates runs in chunks, so memory stays bounded; one that
    cannot fit in memory or on disk is refused before it starts, saying what would fit.
    A progress bar shows on a terminal."""
    check_range("--replicates", replicates, 1, MAX_REPLICATES)
    check_range("--seed", seed, 0, 2**63 - 1)
    from sim.scenario.load import load_scenario_text

    try:  # before importing the engine, so a bad file is reported at once
        loaded = load_scenario_text(scenario)
    except ScenarioError as err:
        fail(err.lines)
    from sim.engine.resources import ResourceError
    from sim.results.atomic import OutputError, sigterm_as_interrupt
    from sim.run import default_out_dir, execute_run

    out_dir = out if out is not None else default_out_dir(scenario)  # for messages
    try:
        with sigterm_as_interrupt():  # a batch system's kill is an interrupt, as for sweeps
            result = execute_run(
                scenario,
                replicates,
                seed,
                out,
                replace=replace,
                command=" ".join(["ceasefire", *sys.argv[1:]]),
                charts=charts,
                loaded=loaded,
                yes=yes,
            )
    except ScenarioError as err:
        fail(err.lines)
    except (OutputError, ResourceError) as err:
        fail(str(err))
    except OSError as err:  # e.g. --out under a file, a read-only folder, a full disk
        fail(f"{out_dir}: cannot write the run directory ({os_reason(err)})")
    except KeyboardInterrupt:  # the temporary directory is already removed
        fail(f"interrupted; nothing was written to {out_dir}", code=130)
    out_dir = result.path
    from sim.results.summary import headline

    typer.echo(headline(result.summary))
    written = "summary.json, outcomes.csv, series.csv" + (", charts/" if charts else "")
    typer.echo(f"Results in {out_dir}/ ({written})")


# --- further commands are registered below, one block per capability ----------------------
app.command()(__import__("sim.cli_calibrate").cli_calibrate.calibrate)  # sim/calibration/
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
    yes: bool = typer.Option(
        False,
        "--yes",
        help="Start a large sweep (more than 10,000,000 runs or about an hour).",
    ),
) -> None:
    """Run a Monte Carlo or parameter sweep (or resume it) into a Parquet dataset.

    A sweep that cannot fit in memory or on disk is refused before it starts, saying what
    would fit; local workers are capped by the cores and by the memory of their chunks."""
    from sim.engine.resources import ResourceError
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
            yes=yes,
            notify=lambda line: typer.echo(f"note: {line}", err=True),
        )
    except ScenarioError as err:
        fail(err.lines)
    except (SweepDirError, ResourceError) as err:
        fail(str(err))
    except SweepInterrupted as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(130) from None
    except OSError as err:
        fail(f"{out_dir}: cannot write the sweep directory ({os_reason(err)})")
    for note in report.notes:
        typer.echo(f"note: {note}", err=True)
    typer.echo(report.headline())
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
    from sim.sweep.summarize import render, summarise_sweep, write_summary

    try:
        summary = summarise_sweep(directory)
    except SweepDirError as err:
        fail(str(err))
    for note in summary.notes:
        typer.echo(f"note: {note}", err=True)
    if not summary.table:
        raise typer.Exit(1)
    try:
        written = write_summary(summary)
    except OSError as err:  # a read-only folder, a full disk
        fail(f"{directory}: cannot write the summary ({os_reason(err)})")
    console = Console()
    if not console.is_terminal:  # a file or pipe: no wrapping at 80 columns
        console = Console(width=max(console.width, 200))
    for table in render(summary, max_rows=rows):
        console.print(table)
    typer.echo("Wrote " + ", ".join(str(p) for p in written))


from sim.cli_forecast import forecast  # noqa: E402  (static forecasts, sim/forecast.py)

app.command()(forecast)

from sim.cli_check import check  # noqa: E402  (the validation suite, issue 14)

app.command()(check)


# --- reading results: report, plot, compare (sim/report/, sim/compare.py) ---------------


@app.command()
def report(
    directory: Path = typer.Argument(..., help="A run, summarised sweep or check directory."),
    out: Path | None = typer.Option(
        None, "--out", "-o", help="Write here instead of DIR/report.html."
    ),
) -> None:
    """Write DIR/report.html, one self-contained page that opens offline.

    It holds the scenario, the evidence for every stance, the timeline, all charts and how to
    reproduce them; for a summarised sweep, the design and the sweep charts.
    """
    from sim.report.run import ReportError, write_report

    try:
        path = write_report(directory, out)
    except ReportError as err:
        fail(str(err))
    except OSError as err:  # a read-only folder, a full disk
        fail(f"{out or directory / 'report.html'}: cannot write the report ({os_reason(err)})")
    size = path.stat().st_size / 1e6
    typer.echo(f"Report in {path} ({size:.1f} MB, self-contained)")


@app.command()
def plot(
    directory: Path = typer.Argument(..., help="A run directory or a summarised sweep directory."),
    fmt: str = typer.Option("png", "--format", "-f", help="png, svg or pdf (vector, for papers)."),
    only: str | None = typer.Option(None, "--only", help="Write only the chart of this name."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Folder (default: DIR/charts/)."),
) -> None:
    """Write the charts of a run or sweep as separate PNG, SVG or PDF files, for slides and
    papers.

    The charts are drawn again from the stored results, replacing chart files the tool
    wrote before; any other file of the same name is refused and left as it is.
    """
    from sim.report.plot import ReportError, plot_directory
    from sim.results.atomic import OutputError

    try:
        written = plot_directory(directory, out, fmt, only)
    except (ReportError, OutputError) as err:
        fail(str(err))
    except OSError as err:  # a read-only folder, a full disk
        fail(f"{out or directory / 'charts'}: cannot write the charts ({os_reason(err)})")
    for path in written:
        typer.echo(str(path))


@app.command()
def compare(
    directories: list[Path] = typer.Argument(
        ..., help="Two or more run directories; the first is the baseline."
    ),
    out: Path | None = typer.Option(
        None, "--out", "-o", help="Output directory (default: runs/compare[-N])."
    ),
    replace: bool = typer.Option(
        False, "--replace", help="Replace --out if it is a comparison this tool wrote."
    ),
) -> None:
    """Compare runs side by side, with differences from the first run and 95% intervals.

    Writes a new directory with compare.html, the charts (outcome shares, survival, agreement
    dates) and differences.csv, and prints the table of differences.
    """
    from sim.compare import CompareError
    from sim.report.compare import write_comparison
    from sim.results.atomic import OutputError
    from sim.run import default_out_dirs

    try:
        text, target = write_comparison(
            directories, out or default_out_dirs(Path("compare")), replace=replace
        )
    except (CompareError, OutputError) as err:
        fail(str(err))
    except OSError as err:
        fail(f"{out or 'runs/compare'}: cannot write the comparison ({os_reason(err)})")
    typer.echo(text)
    typer.echo(f"Comparison in {target}/ (compare.html, differences.csv, charts)")


# --- interactive dashboard (sim/dashboard/) -------------------------------------------------


@app.command()
def dashboard(
    scenario: Path = typer.Argument(
        DEFAULT_SCENARIO, help="Scenario to open (TOML).", show_default="scenarios/march-2025.toml"
    ),
    port: int = typer.Option(8765, "--port", "-p", min=1, max=65535, help="Port to serve on."),
    host: str = typer.Option(
        "127.0.0.1", "--host", help="Address to listen on (default: this machine only)."
    ),
) -> None:
    """Explore a scenario live in the browser: levers, step/run/reset, charts, evidence."""
    from sim.dashboard.server import DashboardError, exposure_warning, serve
    from sim.scenario.load import load_scenario

    try:
        load_scenario(scenario)
        warning = exposure_warning(host, port)
        if warning:
            typer.echo(f"warning: {warning}", err=True)
        code = serve(scenario, host, port, echo=typer.echo)
    except ScenarioError as err:
        fail(err.lines)
    except DashboardError as err:
        fail(str(err))
    raise typer.Exit(code)


from sim.cli_import import import_app  # noqa: E402  (ceasefire import ktab)

app.add_typer(import_app, name="import")

if __name__ == "__main__":  # `python -m sim.cli`, as the sweep crash tests run it
    app()

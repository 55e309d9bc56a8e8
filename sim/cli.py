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
    from sim.dashboard.server import DashboardError, serve
    from sim.scenario import load_scenario

    try:
        load_scenario(scenario)
        code = serve(scenario, host, port, echo=typer.echo)
    except ScenarioError as err:
        fail(err.lines)
    except DashboardError as err:
        fail(str(err))
    raise typer.Exit(code)


def main() -> None:  # pragma: no cover - console entry point
    app()

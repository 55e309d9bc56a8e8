"""The `ceasefire forecast` command: classic static forecasts (sim/forecast.py), registered by
sim/cli.py (kept apart so the command module stays short)."""

from __future__ import annotations

from pathlib import Path

import typer

from sim.scenario.errors import ScenarioError
from sim.scenario.load import DEFAULT_SCENARIO
from sim.usage import fail


def forecast(
    scenario: Path = typer.Argument(
        DEFAULT_SCENARIO, help="Scenario file (TOML).", show_default="scenarios/march-2025.toml"
    ),
    replicates: int = typer.Option(
        1000, "--replicates", "-n", min=1, max=1_000_000, help="Replicates of the simulation."
    ),
    seed: int = typer.Option(1, "--seed", "-s", min=0, max=2**63 - 1, help="Seed of all draws."),
    disagreement: str = typer.Option(
        "reservation",
        "--disagreement",
        help="Nash disagreement point: 'reservation' (stated round-0 reservation values) "
        "or 'status-quo' (each party's utility of the status quo).",
    ),
) -> None:
    """Classic static forecasts per issue (compromise model, capability-weighted median,
    Nash bargaining solution) next to the simulation's median agreed terms."""
    from rich.console import Console

    from sim import forecast as forecasts
    from sim.scenario.load import load_scenario

    if disagreement not in ("reservation", "status-quo"):
        fail(f"--disagreement: must be 'reservation' or 'status-quo' (got {disagreement!r})")
    try:
        s = load_scenario(scenario)
    except ScenarioError as err:
        fail(err.lines)
    result = forecasts.forecast(s, replicates, seed, disagreement)  # type: ignore[arg-type]
    Console().print(forecasts.render(result, s.scenario.name))

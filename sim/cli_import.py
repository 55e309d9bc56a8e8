"""``ceasefire import``: other tools' input files -> scenario files.

The scenario file appears whole or not at all (written under a temporary name and renamed,
sim.results.atomic), and an existing file is replaced only if this command wrote it (its
first line carries the tool's signature) and ``--replace`` is given: a scenario a user wrote,
or edited after importing, is never lost to a second import.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import typer

from sim.scenario.errors import ScenarioError
from sim.usage import OneLineErrors, fail, os_reason

import_app = typer.Typer(
    help="Convert another tool's input file to a scenario file.",
    no_args_is_help=True,
    cls=OneLineErrors,
)


def written_by_import(path: Path) -> bool:
    """Whether ``path`` is a scenario this command wrote: its first line is the header."""
    from sim.results.claim import SIGNATURE

    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            first = fh.readline(400)
    except OSError:
        return False
    return first.startswith("# Written by `ceasefire import") and f"({SIGNATURE})" in first


def check_target(out: Path, replace: bool) -> None:
    """Refuse a folder, a link, a file this command did not write, or (without
    ``--replace``) one it did; one line naming the file and what to do."""
    if out.is_dir():
        fail(f"{out}: is a folder; --out takes a file name such as case.toml")
    if not os.path.lexists(out):
        return
    if out.is_symlink() or not written_by_import(out):
        fail(
            f"{out}: exists and was not written by ceasefire import; not overwritten "
            "(move it away or choose another --out)"
        )
    if not replace:
        fail(f"{out}: exists (an earlier import); pass --replace to overwrite it")


@import_app.command("ktab")
def ktab(
    file: Path = typer.Argument(..., help="KTAB Spatial Model of Politics input (CSV)."),
    out: Path = typer.Option(
        None, "--out", "-o", help="Scenario file to write (default: FILE with .toml)."
    ),
    replace: bool = typer.Option(
        False, "--replace", help="Overwrite a scenario an earlier import wrote."
    ),
) -> None:
    """Convert a KTAB CSV case (Scenario,Desc,nActors,nDims / Actor,Description,Influence,
    Pos1,Sal1,...) to a scenario file: no mediator, absolute saliences, no implementation."""
    from sim.importers.ktab import read_ktab, scenario_text
    from sim.results.atomic import write_text_atomically
    from sim.scenario.load import parse_scenario
    from sim.scenario.sources import check_citations

    out = out if out is not None else file.with_suffix(".toml")
    try:
        case = read_ktab(file)
        text = scenario_text(case, file.name)
        scenario = parse_scenario(tomllib.loads(text), str(out))  # what is written validates
        check_citations(scenario, out)
    except ScenarioError as err:
        fail(err.lines)
    check_target(out, replace)
    try:
        write_text_atomically(out, text)
    except OSError as err:
        fail(f"cannot write the scenario: {os_reason(err)}")
    typer.echo(
        f"wrote {out}: {len(scenario.actors)} actors, {len(scenario.issues)} issues "
        f"(check it with: ceasefire validate {out})"
    )

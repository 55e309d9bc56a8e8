"""The `ceasefire check` command (registered in sim/cli.py): run the suite, print and write
the pass/fail table. Exit 0 only if every pattern run passes, 1 if any fails, 2 on bad input.
"""

from __future__ import annotations

from pathlib import Path

import typer

from sim.usage import check_range, fail, os_reason


def check(
    quick: bool = typer.Option(
        False, "--quick", help="The reduced suite: the quick patterns on small ensembles (CI)."
    ),
    patterns: Path | None = typer.Option(
        None, "--patterns", help="Patterns file (default: validation/patterns.toml)."
    ),
    workers: int | None = typer.Option(
        None, "--workers", "-w", help="Worker processes (default: all cores)."
    ),
    out: Path | None = typer.Option(
        None, "--out", "-o", help="Output directory (default: runs/check[-N])."
    ),
    replace: bool = typer.Option(
        False, "--replace", help="Replace --out if it is a check directory this tool wrote."
    ),
    write_findings: Path | None = typer.Option(
        None,
        "--write-findings",
        help="Also write the table between the check markers of this file (docs/findings.md).",
    ),
) -> None:
    """Check the model against the pre-registered patterns of MODEL.md section 8 and the
    ETH/PRIO base rates: a pass/fail table with measured values and 95% intervals.

    Writes check.csv, check.json and check.md (render them with `ceasefire report DIR`).
    The same seed gives the same table bit for bit, whatever the number of workers."""
    from sim.results.atomic import OutputError, sigterm_as_interrupt
    from sim.results.claim import claimed
    from sim.results.progress import progress_bar
    from sim.run import default_out_dirs
    from sim.sweep.runner import default_workers
    from sim.validation.patterns import PATTERNS_FILE, PatternError
    from sim.validation.suite import all_pass, markdown, prepare, run_suite, write_check_dir
    from sim.validation.suite import write_findings as write_findings_table

    if workers is not None:
        check_range("--workers", workers, 1, 4096)
    mode = "quick" if quick else "full"
    try:
        prepared = prepare(patterns or PATTERNS_FILE, mode)
    except PatternError as err:
        fail(str(err))
    targets = out if out is not None else default_out_dirs(Path("check"))
    try:
        with sigterm_as_interrupt(), claimed(targets, replace, "check") as target:
            with progress_bar(len(prepared.units), label="check", unit="ensembles") as advance:
                table = run_suite(prepared, workers or default_workers(), advance)
            write_check_dir(target, table, replace=replace)
    except OutputError as err:
        fail(str(err))
    except OSError as err:
        fail(f"{out or 'runs/check'}: cannot write the check directory ({os_reason(err)})")
    except KeyboardInterrupt:  # workers stopped; the directory was never made
        fail(f"interrupted; nothing was written to {out or 'runs/check'}", code=130)
    typer.echo(markdown(table), nl=False)
    if write_findings is not None:
        try:
            write_findings_table(write_findings, table)
        except OSError as err:
            fail(f"{write_findings}: cannot write the table ({os_reason(err)})")
    typer.echo(f"Table in {target}/ (check.csv, check.json, check.md; {table['seconds']:.0f} s)")
    raise typer.Exit(0 if all_pass(table) else 1)

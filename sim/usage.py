"""Usage errors of the command line (a bad option value, a missing argument, a misspelt
option) as one ``error:`` line, like every other error, instead of the boxed usage message
typer draws with rich."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pydantic
import typer
from typer.core import TyperGroup

try:  # typer vendors its own copy of click (0.2x); its exceptions are not click's
    from typer._click import exceptions as click_errors
except ImportError:  # pragma: no cover - typer on top of click
    from click import exceptions as click_errors

from sim.scenario.errors import error_message, printable


class OneLineErrors(TyperGroup):
    """Usage errors (a bad option value, a missing argument) as one ``error:`` line like
    every other error, instead of the boxed usage message typer draws with rich."""

    def main(self, *args, standalone_mode: bool = True, **kwargs):
        try:
            rv = super().main(*args, standalone_mode=False, **kwargs)
        except click_errors.NoArgsIsHelpError as err:
            if not standalone_mode:
                raise
            typer.echo(err.format_message(), err=True)
            sys.exit(err.exit_code)
        except click_errors.ClickException as err:
            if not standalone_mode:
                raise
            typer.echo(f"error: {printable(usage_line(err))}", err=True)
            sys.exit(err.exit_code)
        except typer.Abort:
            if not standalone_mode:
                raise
            typer.echo("error: aborted", err=True)
            sys.exit(1)
        if not standalone_mode:
            return rv
        sys.exit(rv if isinstance(rv, int) else 0)


def usage_line(err: click_errors.ClickException) -> str:
    """``--replicates: must be a whole number (got "abc") (see ceasefire run --help)``."""
    message = err.format_message().strip().rstrip(".")
    cause = err.__cause__
    if isinstance(err, click_errors.NoSuchOption):
        close = f"; did you mean {err.possibilities[0]}?" if err.possibilities else ""
        message = f"{err.option_name}: no such option{close}"
    elif isinstance(err, click_errors.BadParameter) and err.param is not None:
        names = err.param.opts or [err.param.human_readable_name]
        if isinstance(cause, pydantic.ValidationError):
            e = cause.errors(include_url=False)[0]
            what = error_message(e, e["type"], None, [])  # the value as typed, unquoted
            message = f"{max(names, key=len)}: {re.sub(r'[(]got "(.*)"[)]$', r'(got \1)', what)}"
        elif not isinstance(err, click_errors.MissingParameter):
            message = f"{max(names, key=len)}: {err.message.rstrip('.')}"
    ctx = getattr(err, "ctx", None)
    return message + (f" (see {ctx.command_path} --help)" if ctx is not None else "")


def fail(lines: list[str] | str, code: int = 2) -> None:
    """Print one-line errors to stderr and exit (no traceback); control characters in
    what the lines echo (file names, ids) are escaped."""
    for line in [lines] if isinstance(lines, str) else lines:
        typer.echo(f"error: {printable(line)}", err=True)
    raise typer.Exit(code)


def check_range(option: str, value: int, lo: int, hi: int) -> None:
    """Fail with ``error: --option: must be >= lo (got v)`` when ``value`` is out of range.

    Checked in the command rather than by typer's ``min=``/``max=`` so that bad options
    give the same one-line ``error:`` form as bad scenario files.
    """
    if value < lo:
        fail(f"{option}: must be >= {lo:_} (got {value:_})")
    if value > hi:
        fail(f"{option}: must be <= {hi:_} (got {value:_})")


def os_reason(err: OSError) -> str:
    """``runs/x is a file, not a directory`` or ``runs: Permission denied``."""
    name = err.filename
    if name is None:
        return str(err.strerror or err)
    if isinstance(err, FileExistsError) and not Path(name).is_dir():
        return f"{name} is a file, not a directory"
    return f"{name}: {err.strerror}"

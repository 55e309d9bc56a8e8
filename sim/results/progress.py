"""A progress bar for long commands: rich on a terminal, silent off one.

`ceasefire sweep` counts runs as its chunks finish; `ceasefire run` counts replicates as
its rounds and ceasefire days pass. Both show the rate and the time remaining, so a long
command is never minutes of silence, and a pipe or a log file gets no escape codes.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator


@contextlib.contextmanager
def progress_bar(
    total: float,
    done: float = 0,
    show: bool | None = None,
    label: str = "sweep",
    unit: str = "runs",
    scale: float = 1.0,
) -> Iterator[Callable[[float], None]]:
    """Yield ``advance(amount)``; the bar counts ``amount / scale`` in ``unit``.

    ``scale`` lets a caller advance in finer steps than it counts: a run advances by
    replicate-days and shows replicates. ``show`` None: only on a terminal.
    """
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    console = Console(stderr=True)
    show = console.is_terminal if show is None else show
    columns = (
        TextColumn(label),
        BarColumn(),
        TextColumn("{task.fields[count]}"),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
    )
    started = time.perf_counter()
    new = 0.0

    def count(completed: float) -> str:
        return f"{completed / scale:,.0f}/{total / scale:,.0f} {unit}"

    with Progress(*columns, console=console, disable=not show) as bar:
        task = bar.add_task(label, total=total, completed=done, rate="", count=count(done))

        def advance(amount: float) -> None:
            nonlocal new
            new += amount
            rate = new / scale / max(time.perf_counter() - started, 1e-9)
            completed = done + new
            bar.update(task, advance=amount, rate=f"{rate:,.0f} {unit}/s", count=count(completed))

        yield advance

"""Shared helpers for the sweep tests: small experiment files and exact table comparison."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa

from tests.support.short import short_scenario

GRID = {
    "threats.waltz.credibility": "values = [0.0, 1.0]",
    "actors.united_kingdom.monitoring_capacity": "range = { start = 0.0, stop = 0.8, num = 3 }",
}


def experiment_text(
    sweep: dict | None = None, parameters: dict[str, str] | None = None, base: str | None = None
) -> str:
    """A sweep file: [sweep] settings (TOML literals) and one table per parameter. The base is
    the default scenario on a 45-day calendar (tests/support/short.py) unless ``base`` names
    another: these sweeps test files, locks, signals and resumption, not the dynamics."""
    settings = {
        "base": f'"{base or short_scenario()}"',
        "seed": "3",
        "replicates": "40",
        "design": '"grid"',
        "chunk_size": "37",
    } | (sweep or {})
    lines = ["[sweep]"] + [f"{k} = {v}" for k, v in settings.items() if v is not None]
    for path, body in (GRID if parameters is None else parameters).items():
        lines += ["", f'[parameters."{path}"]', *body.split("; ")]
    return "\n".join(lines) + "\n"


def write_experiment(folder: Path, name: str = "tiny.toml", **kwargs) -> Path:
    path = folder / name
    path.write_text(experiment_text(**kwargs))
    return path


def assert_identical(a: pa.Table, b: pa.Table) -> None:
    """Same columns, dtypes and rows, bit for bit (NaN included)."""
    assert a.column_names == b.column_names
    assert a.schema.equals(b.schema, check_metadata=False)
    assert a.num_rows == b.num_rows
    for name in a.column_names:
        x = a[name].to_numpy(zero_copy_only=False)
        y = b[name].to_numpy(zero_copy_only=False)
        assert x.dtype == y.dtype, name
        assert np.array_equal(x.view(np.uint8), y.view(np.uint8)), f"column {name} differs"


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its content: to show nothing was touched."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}

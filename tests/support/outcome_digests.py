"""Digests of the outcome files of fixed runs and of a reduced shipped sweep.

``tests/behaviour/test_byte_identity.py`` regenerates them and compares them with
``outcome_digests.json``, recorded at commit 3900d3c before the package was split into
layers: the restructuring must not change a single byte of what a run or a sweep produces.

CSV and JSON outcome files are hashed byte for byte. ``.npz`` files are zip archives whose
entries carry the time they were written, so their arrays are hashed instead (name, dtype,
shape, bytes). Sweep part files are Parquet with a creation stamp in their metadata, so
their row data is hashed (columns in order, rows in run order). ``run.json`` and the
sweep manifest carry the date and the version and are left out.

Regenerate the fixture (only when outputs are meant to change) with
``python tests/support/outcome_digests.py``.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = Path(__file__).with_name("outcome_digests.json")
SCENARIOS = sorted((ROOT / "scenarios").glob("*.toml"))
SWEEP = ROOT / "experiments" / "monte-carlo-march-2025.toml"
REPLICATES = 200  # per scenario run, and per sweep point
RUN_FILES = ("outcomes.csv", "agreements.csv", "series.csv", "responses.csv", "summary.json")
NPZ_FILES = ("outcomes.npz", "agreements.npz", "series.npz")


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def npz_digest(path: Path) -> str:
    h = hashlib.sha256()
    with np.load(path) as z:
        for name in sorted(z.files):
            a = np.ascontiguousarray(z[name])
            h.update(f"{name}|{a.dtype.str}|{a.shape}|".encode())
            h.update(a.tobytes())
    return h.hexdigest()


def table_digest(table) -> str:
    h = hashlib.sha256()
    for name in table.column_names:
        a = np.ascontiguousarray(table.column(name).to_numpy())
        h.update(f"{name}|{a.dtype.str}|{a.shape}|".encode())
        h.update(a.astype(str).tobytes() if a.dtype == object else a.tobytes())
    return h.hexdigest()


def _invoke(args: list[str]) -> None:
    from typer.testing import CliRunner

    from sim.cli import app

    result = CliRunner().invoke(app, args)
    if result.exit_code != 0:
        raise RuntimeError(f"ceasefire {' '.join(args)} failed: {result.output}")


def run_digests(out: Path) -> dict[str, str]:
    """Each library scenario (march-2025 is the default) at seed 1."""
    digests = {}
    for scenario in SCENARIOS:
        folder = out / scenario.stem
        _invoke(["run", str(scenario), "-n", str(REPLICATES), "-o", str(folder), "--no-charts"])
        for name in RUN_FILES:
            digests[f"run/{scenario.stem}/{name}"] = _sha((folder / name).read_bytes())
        for name in NPZ_FILES:
            digests[f"run/{scenario.stem}/{name}"] = npz_digest(folder / name)
    return digests


def sweep_digests(out: Path) -> dict[str, str]:
    """The shipped Monte Carlo sweep with fewer replicates, then its summary."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    text = SWEEP.read_text()
    text = re.sub(r"(?m)^replicates = .*$", f"replicates = {REPLICATES}", text)
    text = text.replace('base = "../scenarios/', f'base = "{ROOT / "scenarios"}/')
    spec = out / "monte-carlo-small.toml"
    spec.write_text(text)
    folder = out / "sweep"
    _invoke(["sweep", str(spec), "-o", str(folder), "-w", "1"])
    _invoke(["summarize", str(folder)])
    parts = sorted((folder / "parts").glob("part-*.parquet"))
    rows = pa.concat_tables([pq.read_table(p) for p in parts])
    return {
        "sweep/parts": table_digest(rows),
        "sweep/design.parquet": table_digest(pq.read_table(folder / "design.parquet")),
        "sweep/summary.csv": _sha((folder / "summary.csv").read_bytes()),
        "sweep/summary.parquet": table_digest(pq.read_table(folder / "summary.parquet")),
    }


def all_digests(out: Path) -> dict[str, str]:
    return run_digests(out) | sweep_digests(out)


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        digests = all_digests(Path(tmp))
    FIXTURE.write_text(json.dumps(digests, indent=1, sort_keys=True) + "\n")
    print(f"wrote {len(digests)} digests to {FIXTURE}", file=sys.stderr)

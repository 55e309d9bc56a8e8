"""Digests of the outcome files of fixed runs and of a reduced shipped sweep.

``tests/behaviour/test_byte_identity.py`` regenerates them and compares them with
``outcome_digests.json``, recorded at commit 3900d3c before the package was split into
layers: the restructuring must not change a single byte of what a run or a sweep produces.

CSV and JSON outcome files are hashed byte for byte. ``.npz`` files are zip archives whose
entries carry the time they were written, so their arrays are hashed instead (name, dtype,
shape, bytes). Sweep part files are Parquet with a creation stamp in their metadata, so
their row data is hashed (columns in order, rows in run order). ``run.json`` and the
sweep manifest carry the date and the version and are left out.

The digests are made in a child process whose numpy dispatches no kernel above x86-64-v3
(AVX2): numpy picks its float64 ``exp``, ``log`` and friends by the CPU, and the AVX-512
ones differ from the AVX2 ones in the last bit, which reaches the float series of
``series.npz`` (the draws, and so every outcome, are unchanged). Pinning the instruction set
makes the comparison exact on any x86-64 machine with AVX2, which is what the test asks: the
same code gives the same bits. (Bit-for-bit identity across batch sizes, chunks, workers and
backends on one machine is held by tests/behaviour/test_bit_identity.py.)

Regenerate the fixture (only when outputs are meant to change) with
``python tests/support/outcome_digests.py``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
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


REFERENCE_LEVEL = "X86_V3"  # AVX2: the level of the machines the fixture was recorded on


def pinned_environment() -> dict[str, str]:
    """This environment with numpy's dispatch capped at REFERENCE_LEVEL: every dispatched
    feature above it that this CPU has is disabled (NPY_DISABLE_CPU_FEATURES)."""
    from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__

    dispatch = list(__cpu_dispatch__)
    above = dispatch[dispatch.index(REFERENCE_LEVEL) + 1 :] if REFERENCE_LEVEL in dispatch else []
    env = dict(os.environ)
    env["NPY_DISABLE_CPU_FEATURES"] = " ".join(f for f in above if __cpu_features__.get(f))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def pinned_digests(out: Path) -> dict[str, str]:
    """all_digests, computed in a child process at the reference instruction set."""
    target = out / "digests.json"
    cmd = [sys.executable, str(Path(__file__).resolve()), "--out", str(out), "--json", str(target)]
    subprocess.run(cmd, env=pinned_environment(), check=True)
    return json.loads(target.read_text())


if __name__ == "__main__":
    import argparse
    import tempfile

    ap = argparse.ArgumentParser(description="Record (or, with --json, print) the digests.")
    ap.add_argument("--out", type=Path, help="work folder (the child of pinned_digests)")
    ap.add_argument("--json", type=Path, help="write the digests here, not to the fixture")
    args = ap.parse_args()
    if args.json:
        args.json.write_text(json.dumps(all_digests(args.out)))
    else:
        with tempfile.TemporaryDirectory() as tmp:
            digests = pinned_digests(Path(tmp))
        FIXTURE.write_text(json.dumps(digests, indent=1, sort_keys=True) + "\n")
        print(f"wrote {len(digests)} digests to {FIXTURE}", file=sys.stderr)

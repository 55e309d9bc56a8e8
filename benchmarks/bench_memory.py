"""Memory, time and disk per replicate: the numbers the resource guards are built on.

Each measurement runs in a fresh child process (one BLAS thread), so its peak resident
memory is its own. The per-replicate cost is the slope between two ensemble sizes, so
the interpreter, the imports and the fixed buffers cancel out:

- model: one ``CeasefireModel`` over R replicates of the default scenario (``record``
  "none", as a sweep chunk runs, and "summary", as ``ceasefire run`` does);
- run: ``ceasefire run`` end to end (outcome tables, CSV files, charts), peak memory,
  wall time, and the bytes it leaves on disk;
- sweep: one sweep chunk (model, outcome table, Parquet part), and the part's bytes.

Times are CPU seconds of the child, not wall time, so a busy machine does not inflate
them (it still slows them somewhat: caches are shared).

The constants in ``sim/engine/resources.py`` are these numbers rounded up; rerun this script
after a change to the engine's state arrays and update them if they moved.

    python benchmarks/bench_memory.py                # R = 2,000 and 20,000
    python benchmarks/bench_memory.py --sizes 5000 100000
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_engine import run_child  # noqa: E402  (one way to run a measurement)

CHILD = r"""
import json, resource, sys, tempfile, time
from pathlib import Path
kind, R = sys.argv[1], int(sys.argv[2])
from sim.scenario.load import DEFAULT_SCENARIO, load_scenario
s = load_scenario(DEFAULT_SCENARIO)
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
disk = 0
t = time.process_time()
if kind.startswith("model-"):
    from sim.engine.model import CeasefireModel
    m = CeasefireModel(s, R, seed=1, record=kind[6:])
    m.run_model()
    m.outcomes()
elif kind == "run":
    from sim.run import execute_run
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "run"
        execute_run(Path(DEFAULT_SCENARIO), R, 1, out)
        disk = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
        charts = sum(f.stat().st_size for f in (out / "charts").rglob("*") if f.is_file())
        disk -= charts
elif kind == "sweep":
    import numpy as np
    from sim.sweep.workers import ChunkTask, run_chunk
    from sim.sweep.store import Chunk
    with tempfile.TemporaryDirectory() as tmp:
        task = ChunkTask(Chunk(0, 0, R), 1, R, True, False, (), np.zeros((1, 0)), tmp, {})
        info = run_chunk(task, s)
        disk = (Path(tmp) / info["file"]).stat().st_size
seconds = time.process_time() - t  # CPU time: the machine may be shared
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"kind": kind, "R": R, "seconds": seconds, "peak": peak, "base": base,
                  "disk": disk}))
"""

KINDS = ("model-none", "model-summary", "run", "sweep")


def measure(kind: str, R: int) -> dict:
    return run_child(CHILD, kind, R)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs=2, default=[2_000, 20_000])
    ap.add_argument("--kinds", nargs="+", choices=KINDS, default=list(KINDS))
    args = ap.parse_args()
    small, large = args.sizes
    print(f"{'measure':<15}{'bytes/replicate':>17}{'s/replicate':>14}{'disk B/replicate':>18}")
    for kind in args.kinds:
        a, b = measure(kind, small), measure(kind, large)
        dr = large - small
        per_byte = (b["peak"] - a["peak"]) / dr
        per_second = (b["seconds"] - a["seconds"]) / dr
        per_disk = (b["disk"] - a["disk"]) / dr
        print(f"{kind:<15}{per_byte:>17,.0f}{per_second:>14.2e}{per_disk:>18,.0f}")
        print(f"  R={small:,}: {json.dumps(a)}\n  R={large:,}: {json.dumps(b)}")


if __name__ == "__main__":
    main()

"""Engine benchmark (issue 11, "Speed"): the default scenario over its full horizon.

Each measurement runs in a fresh child process pinned to one BLAS thread, so its peak
resident memory (ru_maxrss) is its own and the throughput is that of one core. A "run" is
one replicate through every day from 11 March to 31 December: fighting, talks, deals,
threats, truces (record="none", as sweeps run).

Printed: wall and CPU seconds (CPU time is what a shared machine does not inflate), runs
per second, peak memory, and the ratio to the per-run path (one model per replicate, R = 1,
the way a naive loop would run it). The floor: 10^5 complete runs in under 60 s on one core
and under 4 GiB, and at least 100x the per-run path.

    python benchmarks/bench_engine.py                 # R = 1 (x20), 10^4, 10^5
    python benchmarks/bench_engine.py --sizes 8192 100000
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time

CHILD = r"""
import json, resource, sys, time
from sim.engine.model import CeasefireModel
from sim.scenario.load import DEFAULT_SCENARIO, load_scenario
R, repeats = int(sys.argv[1]), int(sys.argv[2])
s = load_scenario(DEFAULT_SCENARIO)
CeasefireModel(s, 1, seed=0, record="none").run_model()  # warm-up: imports, caches
walls, cpus = [], []
for k in range(repeats):
    w, c = time.perf_counter(), time.process_time()
    if R == 1:  # the per-run path: one model per replicate
        for j in range(int(sys.argv[3])):
            m = CeasefireModel(s, [j], seed=k, record="none")
            m.run_model()
            m.outcomes(), m.agreements()
    else:
        m = CeasefireModel(s, R, seed=k, record="none")
        m.run_model()
        out, deals = m.outcomes(), m.agreements()
    walls.append(time.perf_counter() - w)
    cpus.append(time.process_time() - c)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
n = int(sys.argv[3]) if R == 1 else R
print(json.dumps({"runs": n, "wall": min(walls), "cpu": min(cpus), "peak_bytes": peak}))
"""


def run_child(*args) -> dict:
    """Run the measurement in a fresh interpreter on one BLAS thread; its last line."""
    env = os.environ | {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    out = subprocess.run(
        [sys.executable, "-c", CHILD, *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--single", type=int, default=20, help="runs timed on the per-run path")
    args = ap.parse_args()

    load = os.getloadavg()[0]
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, load {load:.1f} "
          "(each measurement on 1 core; times are CPU seconds of the measuring process,"
          " time.process_time, which a shared machine inflates less than wall time)")  # fmt: skip
    print(f"python {platform.python_version()}, started {time.strftime('%Y-%m-%d %H:%M:%S')}")
    single = run_child(1, 1, args.single)
    per_run = single["cpu"] / single["runs"]
    print(f"per-run path (R = 1, {single['runs']} runs): {1000 * per_run:.1f} ms CPU per run")
    print()
    print(
        f"{'replicates':>11} {'wall s':>8} {'CPU s':>8} {'runs/CPU s':>11} {'peak MiB':>9}"
        f" {'x per-run':>10}"
    )
    for R in args.sizes:
        r = run_child(R, 1, R)
        rate = R / r["cpu"]
        print(
            f"{R:>11,} {r['wall']:>8.1f} {r['cpu']:>8.1f} {rate:>11,.0f}"
            f" {r['peak_bytes'] / 2**20:>9.0f} {rate * per_run:>10.0f}"
        )
    print()
    print("floor (issue 11): 10^5 complete runs in < 60 s on one core, < 4 GiB, >= 100x per-run")


if __name__ == "__main__":
    main()

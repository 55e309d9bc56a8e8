"""Engine benchmark: time per run at R = 1, throughput and peak memory at larger R.

Each measurement runs in a fresh child process pinned to one BLAS thread, so its peak
resident memory (ru_maxrss) is its own and the throughput is that of one core. A "run" is
one replicate through the whole negotiation and, where agreed, the 30-day ceasefire.

    python benchmarks/bench_engine.py                 # R = 1, 10^3, 10^4, 10^5
    python benchmarks/bench_engine.py --sizes 1000 1000000
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
R, record, repeats = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
s = load_scenario(DEFAULT_SCENARIO)
CeasefireModel(s, 1, seed=0, record=record).run_model()  # warm-up: imports, caches
times = []
for k in range(repeats):
    t = time.perf_counter()
    m = CeasefireModel(s, R, seed=k, record=record)
    m.run_model()
    m.outcomes()
    times.append(time.perf_counter() - t)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"R": R, "record": record, "seconds": min(times), "peak_bytes": peak,
                  "agreement": float(m.agreed.mean())}))
"""


def measure(R: int, record: str, repeats: int) -> dict:
    env = os.environ | {
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(R), record, str(repeats)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    ap.add_argument("--record", choices=["none", "summary"], nargs="+", default=["none", "summary"])
    args = ap.parse_args()

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores (each measurement on 1 core)")
    print(f"python {platform.python_version()}, started {time.strftime('%Y-%m-%d %H:%M:%S')}")
    single = measure(1, "summary", repeats=20)
    print(f"R = 1 (one run, per-round series kept): {1000 * single['seconds']:.1f} ms per run")
    print()
    print(f"{'replicates':>11} {'record':>8} {'seconds':>9} {'runs/s':>11} {'peak MiB':>9}")
    for record in args.record:
        for R in args.sizes:
            r = measure(R, record, repeats=3 if R <= 10_000 else 1)
            print(
                f"{R:>11,} {record:>8} {r['seconds']:>9.2f} {R / r['seconds']:>11,.0f}"
                f" {r['peak_bytes'] / 2**20:>9.0f}"
            )
    print()
    print("floor (issue 2): 10^5 complete runs in < 60 s on one core and < 4 GiB")


if __name__ == "__main__":
    main()

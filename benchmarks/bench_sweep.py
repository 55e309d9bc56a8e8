"""Benchmark: sweep throughput, memory and storage, and mesa.batch_run side by side.

    .venv/bin/python benchmarks/bench_sweep.py                 # 1,000,000 runs per backend
    .venv/bin/python benchmarks/bench_sweep.py --runs 20000    # a quick check

A Monte Carlo sweep of the default scenario (one design point, --runs replicates) runs
with the local backend on 1 and 2 workers and on a 2-worker Dask LocalCluster, each in a
fresh process so that its peak memory is its own. Then mesa.batch_run drives the same model
one replicate per model instance (R = 1), the way Mesa's batch runner is meant to be
used, for --batch-runs runs; its results are checked against the sweep's, replicate for
replicate. Printed: runs per second, wall time, the speed-up over batch_run, peak resident
memory of the parent and of the largest worker, stored bytes per run, and the core count.

Issue floors (2-core machine): 1,000,000 runs in under 10 minutes, peak memory under
4 GiB, under 100 stored bytes per run, vectorised throughput at least 100x batch_run.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from sim.scenario.load import DEFAULT_SCENARIO

CONFIGS = {  # name: (backend, workers)
    "local, 1 worker": ("local", 1),
    "local, 2 workers": ("local", 2),
    "dask LocalCluster, 2 workers": ("dask-local", 2),
}


def experiment_file(folder: Path, runs: int, chunk_size: int | None) -> Path:
    path = folder / "bench.toml"
    lines = [
        "[sweep]",
        f'base = "{DEFAULT_SCENARIO}"',
        "seed = 1",
        f"replicates = {runs}",
        'design = "grid"',
    ]
    if chunk_size:
        lines.append(f"chunk_size = {chunk_size}")
    path.write_text("\n".join(lines) + "\n")
    return path


def maxrss_mib(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux reports KiB


def run_one(config: str, experiment: Path, out: Path) -> dict:
    """One sweep in this (fresh) process; returns its numbers."""
    from sim.sweep import run_sweep
    from sim.sweep.store import part_files

    backend, workers = CONFIGS[config]
    started = time.perf_counter()
    report = run_sweep(experiment, out, workers=workers, backend=backend, progress=False)
    seconds = time.perf_counter() - started
    stored = sum(p.stat().st_size for p in part_files(out).values())
    return {
        "config": config,
        "runs": report.runs,
        "chunks": report.chunks,
        "seconds": seconds,
        "rate": report.runs / seconds,
        "bytes_per_run": stored / report.runs,
        "parent_mib": maxrss_mib(resource.RUSAGE_SELF),
        "child_mib": maxrss_mib(resource.RUSAGE_CHILDREN),
        "workers": workers,
    }


@functools.cache
def _scenario(path: str):
    from sim.scenario.load import load_scenario

    return load_scenario(path)


def batch_run_model_class():
    """CeasefireModel as mesa.batch_run wants it: keyword parameters, one replicate per
    instance, and a DataCollector that records the outcome when the run ends."""
    import mesa

    from sim.engine.model import CeasefireModel

    class BatchRunCeasefire(CeasefireModel):
        def __init__(self, scenario_file: str = str(DEFAULT_SCENARIO), replicate=0, seed=1):
            super().__init__(
                _scenario(scenario_file), np.array([replicate]), seed=seed, record="none"
            )
            self.datacollector = mesa.DataCollector(
                model_reporters={
                    "agreed": lambda m: bool(m.agreed[0]),
                    "agreement_round": lambda m: int(m.agreement_round[0]),
                    "days_survived": lambda m: int(m.outcomes()["days_survived"][0]),
                }
            )

        def step(self):
            super().step()
            if not self.running:
                self.datacollector.collect(self)

    return BatchRunCeasefire


def run_batch(runs: int, sweep_dir: Path | None) -> dict:
    """mesa.batch_run, one process, R = 1 per run; compared with the sweep's rows."""
    from mesa.batchrunner import batch_run

    model = batch_run_model_class()
    started = time.perf_counter()
    rows = batch_run(
        model,
        parameters={"scenario_file": str(DEFAULT_SCENARIO), "replicate": range(runs)},
        rng=[1],
        number_processes=1,
        data_collection_period=-1,
        max_steps=10_000,
        display_progress=False,
    )
    seconds = time.perf_counter() - started
    result = {
        "config": "mesa.batch_run, R = 1",
        "runs": len(rows),
        "seconds": seconds,
        "rate": len(rows) / seconds,
        "parent_mib": maxrss_mib(resource.RUSAGE_SELF),
    }
    if sweep_dir is not None:
        from sim.sweep import read_results

        table = read_results(sweep_dir, ["replicate", "agreed", "agreement_round"])
        by_id = {r["replicate"]: r for r in rows}
        ids = table["replicate"].to_numpy()[:runs]
        same = all(
            by_id[int(i)]["agreed"] == bool(a) and by_id[int(i)]["agreement_round"] == int(r)
            for i, a, r in zip(
                ids, table["agreed"].to_numpy(), table["agreement_round"].to_numpy(), strict=False
            )
        )
        result["matches_sweep"] = same
    return result


def in_fresh_process(args: list[str]) -> dict:
    proc = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        sys.exit(f"benchmark step failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=1_000_000, help="runs per sweep backend")
    ap.add_argument("--batch-runs", type=int, default=500, help="runs through mesa.batch_run")
    ap.add_argument("--chunk-size", type=int, default=None, help="default: the sweep default")
    ap.add_argument("--keep", action="store_true", help="keep the sweep directories")
    ap.add_argument("--one", help=argparse.SUPPRESS)  # internal: one step, JSON out
    ap.add_argument("--experiment", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.one == "batch_run":
        print(json.dumps(run_batch(args.batch_runs, args.out)))
        return
    if args.one:
        print(json.dumps(run_one(args.one, args.experiment, args.out)))
        return

    import mesa

    print(
        f"machine: {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"numpy {np.__version__}, mesa {mesa.__version__}"
    )
    print(f"sweep: Monte Carlo of {DEFAULT_SCENARIO.name}, {args.runs:,} runs per backend")
    folder = Path(tempfile.mkdtemp(prefix="bench-sweep-"))
    experiment = experiment_file(folder, args.runs, args.chunk_size)
    results = []
    try:
        for i, config in enumerate(CONFIGS):
            out = folder / f"out-{i}"
            step = ["--one", config, "--experiment", str(experiment), "--out", str(out)]
            r = in_fresh_process(step)
            results.append(r)
            worker = f"{r['child_mib']:,.0f} MiB" if r["child_mib"] else "in parent"
            print(
                f"  {config:30s} {r['rate']:>9,.0f} runs/s  {r['seconds']:7.1f} s  "
                f"({r['chunks']} chunks)  peak RSS parent {r['parent_mib']:,.0f} MiB, "
                f"largest worker {worker}  stored {r['bytes_per_run']:.1f} B/run"
            )
        batch = in_fresh_process(
            [
                "--one",
                "batch_run",
                "--batch-runs",
                str(args.batch_runs),
                "--out",
                str(folder / "out-0"),
            ]
        )
        print(
            f"  {batch['config']:30s} {batch['rate']:>9,.1f} runs/s  {batch['seconds']:7.1f} s  "
            f"({batch['runs']:,} runs; same outcomes as the sweep: "
            f"{'yes' if batch.get('matches_sweep') else 'NO'})"
        )
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)

    one = results[0]["rate"]
    best = max(r["rate"] for r in results)
    print(f"speed-up over batch_run: {one / batch['rate']:,.0f}x on one core (local, 1 worker),")
    print(f"                         {best / batch['rate']:,.0f}x best backend on this machine")
    peak = max(r["parent_mib"] + r["workers"] * r["child_mib"] for r in results)
    print(f"peak memory (parent + workers, upper bound): {peak:,.0f} MiB")
    print(f"stored bytes per run: {max(r['bytes_per_run'] for r in results):.1f}")
    million = 1_000_000 / best
    print(f"1,000,000 runs at the best rate: {million / 60:.1f} min")


if __name__ == "__main__":
    main()

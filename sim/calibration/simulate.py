"""Summary statistics of the model at many parameter sets, in few engine calls.

One engine call simulates a batch of parameter sets: each set gets ``replicates`` replicates
whose global ids are (set id x replicates + j), and its values ride on per-replicate
overrides, so a set's statistics depend only on (seed, generation, set id, values): never on
the batch it was in, the number of workers or the backend (the engine's draws are a pure
function of seed and replicate id). Batches run in this process, on a local pool, or on Dask,
like sweep chunks (sim/sweep/workers.py).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np

from sim.engine.model import CeasefireModel
from sim.results.durability import curves, deal_durations, group_mask
from sim.scenario.schema import Scenario


@dataclass(frozen=True)
class Task:
    """One engine call: parameter sets ``ids`` with ``values`` (sets, parameters)."""

    seed: int
    ids: np.ndarray
    values: np.ndarray
    paths: tuple[str, ...]
    integer: tuple[bool, ...]
    replicates: int
    targets: tuple[tuple[str, str, int], ...]  # (statistic, group, day)


def engine_seed(seed: int, generation: int) -> int:
    """The engine seed of a generation: fresh draws each generation, from the file's seed."""
    return int(np.random.SeedSequence([seed, generation]).generate_state(1, np.uint64)[0] >> 1)


def statistics(task: Task, scenario: Scenario) -> np.ndarray:
    """(sets, targets) statistics of the model's deals, one engine call for the whole task."""
    n, reps = task.ids.size, task.replicates
    replicate = (task.ids[:, None] * reps + np.arange(reps)[None, :]).ravel()
    overrides = {}
    for d, path in enumerate(task.paths):
        v = np.repeat(task.values[:, d], reps)
        overrides[path] = np.round(v) if task.integer[d] else v
    model = CeasefireModel(scenario, replicate, task.seed, overrides=overrides, record="none")
    model.run_model()
    return summarise(model.agreements(), model.params.horizon, task, n)


def summarise(agreements: dict, horizon: int, task: Task, n: int) -> np.ndarray:
    """The targets of each parameter set from the agreements of its replicates."""
    order = {int(i): k for k, i in enumerate(task.ids)}
    unit = np.array([order[int(r) // task.replicates] for r in agreements["replicate"]], int)
    live, duration, cause = deal_durations(agreements, horizon)
    out = np.full((n, len(task.targets)), np.nan)
    days = max(day for _, _, day in task.targets)
    cache: dict[str, dict] = {}
    for t, (statistic, group, day) in enumerate(task.targets):
        if group not in cache:
            keep = live & group_mask(agreements, group)
            cache[group] = curves(unit[keep], duration[keep], cause[keep], n, days)
        out[:, t] = cache[group][statistic][:, day]
    return out


_SCENARIO: Scenario | None = None


def _init(scenario: Scenario) -> None:
    global _SCENARIO
    _SCENARIO = scenario


def _pool_task(task: Task) -> np.ndarray:
    assert _SCENARIO is not None
    return statistics(task, _SCENARIO)


@contextlib.contextmanager
def evaluator(scenario: Scenario, workers: int, backend: str, scheduler: str | None):
    """Yield ``run(tasks) -> iterator of results in task order`` on the chosen backend."""
    if backend != "local":
        from sim.sweep.workers import dask_client

        with dask_client(backend, workers, scheduler) as client:
            remote = client.scatter(scenario, broadcast=True)

            def run_dask(tasks: list[Task]) -> Iterator[np.ndarray]:
                futures = [client.submit(statistics, t, remote, pure=False) for t in tasks]
                for f in futures:  # in task order, whatever order they finish in
                    yield f.result()

            yield run_dask
        return
    if workers <= 1:
        yield lambda tasks: (statistics(t, scenario) for t in tasks)
        return
    with ProcessPoolExecutor(workers, initializer=_init, initargs=(scenario,)) as pool:
        yield lambda tasks: pool.map(_pool_task, tasks)

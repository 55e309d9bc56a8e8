"""The result store for single runs: a directory written all at once, or not at all.

A run directory is built under a hidden temporary name beside its destination and renamed
into place when complete, so an interrupted run leaves nothing half-written and an
existing directory is never overwritten unless the user asks (and even then the old one is
only removed after the new one is complete).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import os
import platform
import secrets
import shutil
import signal
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.engine.recorder import QUANTILES
from sim.results.summary import OUTCOME_LABELS
from sim.version import __version__

SERIES_VARIABLES = ("proposal", "position", "utility", "reservation")


class OutputExists(FileExistsError):
    pass


def write_atomically(out: Path, build: Callable[[Path], None], replace: bool = False) -> Path:
    """Call ``build(tmpdir)`` and move the finished directory to ``out``."""
    out = Path(out)
    if out.exists() and not replace:
        raise OutputExists(f"{out}: already exists (use --replace to overwrite it, or --out)")
    out.parent.mkdir(parents=True, exist_ok=True)
    # Ctrl-C between making the temporary directory and entering `try` would leave it
    # behind; with SIGINT held back, it arrives inside `try`, which removes it.
    held = {signal.SIGINT}
    old_mask = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        tmp = _fresh_dir(out.parent, f".{out.name}.tmp-")
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old_mask)
    try:
        build(tmp)
        if out.exists():
            old = _fresh_dir(out.parent, f".{out.name}.old-")
            os.replace(out, old / "run")
            os.replace(tmp, out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


def _fresh_dir(parent: Path, prefix: str) -> Path:
    """A new hidden directory ``parent/prefix<random>``.

    Made with ``os.mkdir`` rather than ``tempfile.mkdtemp`` so that it gets the user's
    usual permissions (umask), not mkdtemp's owner-only 0700: the run directory is this
    directory renamed, and others sharing the results must be able to read it.
    """
    while True:
        path = parent / f"{prefix}{secrets.token_hex(4)}"
        try:
            path.mkdir()
            return path
        except FileExistsError:
            continue


def write_text_atomically(path: Path, text: str) -> Path:
    """Write a file under a temporary name and rename it: readers never see half a file.

    The file gets the user's usual permissions (umask), not mkstemp's owner-only 0600.
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def run_metadata(
    scenario_path: Path, scenario_text: str, seed: int, replicates: int, command: str
) -> dict:
    import matplotlib
    import mesa

    return {
        "package": "ceasefire-sim",
        "version": __version__,
        "scenario_file": str(scenario_path),
        "scenario_sha256": hashlib.sha256(scenario_text.encode()).hexdigest(),
        "seed": seed,
        "replicates": replicates,
        "command": command,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "mesa": mesa.__version__,
        "matplotlib": matplotlib.__version__,
    }


def write_outcomes_csv(path: Path, outcomes: dict[str, np.ndarray], meta: dict) -> None:
    """Human-readable outcome table: labels instead of codes, dates beside rounds."""
    start = dt.date.fromisoformat(meta["start_date"])
    actors = meta["actor_ids"]
    names = list(outcomes)
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        header = []
        for name in names:
            header.append(name)
            if name == "agreement_round":
                header.append("agreement_date")
        w.writerow(header)
        for r in range(len(outcomes["replicate"])):
            row = []
            for name in names:
                v = outcomes[name][r]
                if name == "outcome":
                    row.append(OUTCOME_LABELS[int(v)])
                elif name == "first_violator":
                    row.append(
                        {-1: "", -2: "several"}.get(int(v), actors[int(v)] if v >= 0 else "")
                    )
                elif name == "agreement_round":
                    row.append(int(v))
                    row.append((start + dt.timedelta(days=int(v))).isoformat() if v >= 0 else "")
                elif isinstance(v, np.bool_ | bool):
                    row.append(int(v))
                elif isinstance(v, np.floating):
                    row.append("" if np.isnan(v) else f"{float(v):.6g}")
                else:
                    row.append(int(v))
            w.writerow(row)


def write_series_csv(path: Path, series: dict[str, np.ndarray], meta: dict) -> None:
    """Long table: round, date, variable, actor, issue, mean and quantile bands."""
    start = dt.date.fromisoformat(meta["start_date"])
    actors, issues = meta["actor_ids"], meta["issue_ids"]
    qnames = [f"q{int(round(q * 100)):02d}" for q in QUANTILES]
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["round", "date", "variable", "actor", "issue", "mean", *qnames])
        for t, rnd in enumerate(series["round"]):
            date = (start + dt.timedelta(days=int(rnd))).isoformat()
            for var in SERIES_VARIABLES:
                mean, q = series[f"{var}_mean"][t], series[f"{var}_q"][t]
                for index in np.ndindex(mean.shape):
                    if var == "proposal":
                        actor, issue = "", issues[index[0]]
                    elif var == "position":
                        actor, issue = actors[index[0]], issues[index[1]]
                    else:
                        actor, issue = actors[index[0]], ""
                    bands = [f"{q[(j, *index)]:.6g}" for j in range(len(QUANTILES))]
                    w.writerow([int(rnd), date, var, actor, issue, f"{mean[index]:.6g}", *bands])


def write_responses_csv(path: Path, series: dict[str, np.ndarray], meta: dict) -> None:
    """Per round and actor: shares of reject / accept / conditional yes, and of each
    condition named, among the replicates still negotiating that round."""
    start = dt.date.fromisoformat(meta["start_date"])
    actors, issues = meta["actor_ids"], meta["issue_ids"]
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(
            [
                "round",
                "date",
                "actor",
                "negotiating",
                "reject",
                "accept",
                "conditional",
                *[f"names_{k}" for k in issues],
            ]
        )
        for t, rnd in enumerate(series["round"]):
            date = (start + dt.timedelta(days=int(rnd))).isoformat()
            for i, actor in enumerate(actors):
                shares = series["answer_share"][t, i]
                conds = series["condition_share"][t, i]
                w.writerow(
                    [
                        int(rnd),
                        date,
                        actor,
                        int(series["negotiating"][t]),
                        *[f"{v:.6g}" for v in shares],
                        *[f"{v:.6g}" for v in conds],
                    ]
                )


@dataclass
class RunResult:
    """A run directory read back: what charts and reports are drawn from."""

    path: Path
    meta: dict  # run.json plus scenario facts (ids, names, roles, dates, events)
    outcomes: dict[str, np.ndarray]
    series: dict[str, np.ndarray]
    summary: dict

    @property
    def start_date(self) -> dt.date:
        return dt.date.fromisoformat(self.meta["start_date"])

    def dates(self, rounds: np.ndarray) -> np.ndarray:
        start = np.datetime64(self.meta["start_date"], "D")
        return start + np.asarray(rounds).astype("timedelta64[D]")


def load_run(path: str | Path) -> RunResult:
    path = Path(path)
    with open(path / "run.json") as fh:
        meta = json.load(fh)
    with open(path / "summary.json") as fh:
        summary = json.load(fh)
    with np.load(path / "outcomes.npz") as z:
        outcomes = {k: z[k] for k in z.files}
    series: dict[str, np.ndarray] = {}
    if (path / "series.npz").exists():
        with np.load(path / "series.npz") as z:
            series = {k: z[k] for k in z.files}
    return RunResult(path, meta, outcomes, series, summary)

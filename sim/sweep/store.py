"""The sweep directory: a crash-safe Parquet dataset that a rerun resumes.

    manifest.json        what ran: hashes of the inputs, version, seed, design, chunk plan
    experiment.toml      the sweep file, byte for byte
    scenario.toml        the base scenario, byte for byte
    design.parquet       point, then one column per varied parameter (dotted path)
    parts/part-NNNNN.parquet   one zstd part per chunk: per-replicate outcome rows, with
                               each measure's hits and base (sim.sweep.rows)

The directory is created all at once (temporary name, then rename). Each part is written
under a name starting with ``_tmp-`` (which pyarrow's dataset reader skips, as it skips
every name starting with ``_`` or ``.``), flushed to disk and renamed into place, so a part
either exists complete or not at all: a sweep killed at any moment, even mid-write, leaves
only whole parts, and the next run of the same command skips them. Each part also records
the experiment's hash and its run range, so a part from another experiment is never
mistaken for one of ours.

Stored dtypes are compact: flags are booleans, counts, days, track and actor indices int16,
the outcome class int8, and the continuous results (final control of each front) float32,
whose 7 significant digits are far finer than anything the model can distinguish.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import re
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from sim.results.atomic import write_atomically, write_file
from sim.results.run_checks import one_line
from sim.sweep.design import Design, describe
from sim.sweep.spec import Experiment
from sim.version import __version__

MANIFEST = "manifest.json"
DESIGN = "design.parquet"
PARTS = "parts"
TMP_PREFIX = "_tmp-"
PART_PATTERN = re.compile(r"^part-(\d+)\.parquet$")
PART_KEY = b"ceasefire.sweep"
# Test hook: seconds to pause between the two halves of every part write, which widens
# the window in which a kill lands mid-write (tests/commands/test_sweep_crash.py). Never set it
# for real work.
SLOW_WRITE_ENV = "CEASEFIRE_SWEEP_SLOW_WRITE"
COMPRESSION = {"compression": "zstd", "compression_level": 9}


class SweepDirError(Exception):
    """The output directory cannot take this sweep (foreign, locked, not a sweep)."""


@dataclass(frozen=True)
class Chunk:
    """Runs [start, stop) of the sweep; run r is replicate r % R of point r // R."""

    id: int
    start: int
    stop: int

    @property
    def runs(self) -> int:
        return self.stop - self.start

    def points(self, replicates: int) -> tuple[int, int]:
        """First point and one past the last point this chunk touches."""
        return self.start // replicates, (self.stop - 1) // replicates + 1


def plan_chunks(points: int, replicates: int, chunk_size: int) -> list[Chunk]:
    """Cut points x replicates runs into chunks of ``chunk_size`` runs (the last shorter)."""
    total = points * replicates
    return [
        Chunk(i, start, min(start + chunk_size, total))
        for i, start in enumerate(range(0, total, chunk_size))
    ]


def build_manifest(exp: Experiment, design: Design, chunks: list[Chunk]) -> dict:
    r = exp.settings.replicates
    return {
        "experiment_sha256": exp.experiment_sha256,
        "scenario_sha256": exp.scenario_sha256,
        "version": __version__,
        "seed": exp.settings.seed,
        "design": describe(exp, design),
        "runs": design.points * r,
        "chunk_size": exp.chunk_size,
        "chunks": [
            {"id": c.id, "runs": [c.start, c.stop], "points": list(c.points(r))} for c in chunks
        ],
        "experiment_file": exp.path.name,
        "base_scenario": exp.base_path.name,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


# --- creating and reopening ----------------------------------------------------------------


def create_sweep_dir(out: Path, exp: Experiment, design: Design, manifest: dict) -> None:
    """Write the directory with everything but the results, all at once."""

    def build(tmp: Path) -> None:
        (tmp / "experiment.toml").write_text(exp.text, encoding="utf-8")
        (tmp / "scenario.toml").write_text(exp.base_text, encoding="utf-8")
        pq.write_table(design_table(design), tmp / DESIGN, **COMPRESSION)
        (tmp / PARTS).mkdir()
        (tmp / MANIFEST).write_text(manifest_text(manifest))

    write_atomically(out, build, kind="sweep")


def check_resumable(out: Path, manifest: dict, experiment_label: str) -> dict:
    """The stored manifest if ``out`` holds this very sweep; else :class:`SweepDirError`.

    Reads only: a directory that is refused is left exactly as it was.
    """
    path = out / MANIFEST
    if not path.is_file():
        raise SweepDirError(
            f"{out}: exists and is not a sweep directory (no {MANIFEST}); choose another --out"
        )
    try:
        stored = json.loads(path.read_text())
    except (OSError, ValueError) as err:
        reason = err.strerror if isinstance(err, OSError) and err.strerror else err
        raise SweepDirError(f"{path}: unreadable ({reason}); choose another --out") from None
    for key, what in (("experiment_sha256", "experiment"), ("scenario_sha256", "base scenario")):
        if stored.get(key) != manifest[key]:
            raise SweepDirError(
                f"{out}: holds a sweep of a different {what} "
                f"({stored.get('experiment_file')} on {stored.get('base_scenario')}), "
                f"not {experiment_label}; left untouched: choose another --out"
            )
    if stored.get("version") != manifest["version"]:
        raise SweepDirError(
            f"{out}: made by ceasefire-sim {stored.get('version')}, this is "
            f"{manifest['version']}; results of two model versions must not mix: "
            "choose another --out"
        )
    for key in ("seed", "design", "runs", "chunks"):
        if stored.get(key) != manifest[key]:
            raise SweepDirError(f"{path}: '{key}' does not match {experiment_label}")
    return stored


def manifest_text(manifest: dict) -> str:
    """Indented JSON, one line per chunk (a plan may have thousands)."""
    head = {k: v for k, v in manifest.items() if k != "chunks"}
    text = json.dumps(head, indent=1, allow_nan=False)[:-2]  # drop the closing "\n}"
    chunks = ",\n".join("  " + json.dumps(c, allow_nan=False) for c in manifest["chunks"])
    return f'{text},\n "chunks": [\n{chunks}\n ]\n}}\n'


@contextlib.contextmanager
def manifest_lock(manifest: Path, busy: Exception) -> Iterator[None]:
    """Hold an exclusive lock on a directory's manifest for a whole run (released even by
    SIGKILL); raise ``busy`` if another process holds it. Sweeps and calibrations share it."""
    with open(manifest, "rb") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise busy from None
        yield


def locked(out: Path):
    """Hold an exclusive lock on the sweep directory (released even by SIGKILL)."""
    return manifest_lock(
        out / MANIFEST, SweepDirError(f"{out}: another sweep is writing to it right now")
    )


def read_manifest(out: Path) -> dict:
    """The manifest of a sweep directory, checked for the fields readers use."""
    path = Path(out) / MANIFEST
    if not path.is_file():
        raise SweepDirError(f"{out}: not a sweep directory (no {MANIFEST})")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise SweepDirError(f"{path}: unreadable, not valid JSON ({one_line(err)})") from None
    design = manifest.get("design") if isinstance(manifest, dict) else None
    ok = (
        isinstance(design, dict)
        and all(isinstance(design.get(k), int) for k in ("replicates", "points"))
        and design["replicates"] >= 1
        and isinstance(design.get("kind"), str)
        and isinstance(design.get("parameters"), list)
        and isinstance(manifest.get("chunks"), list)
        and isinstance(manifest.get("seed"), int)
    )
    if not ok:
        raise SweepDirError(f"{path}: not a sweep manifest (design, chunks or seed missing)")
    return manifest


# --- design --------------------------------------------------------------------------------


def design_table(design: Design) -> pa.Table:
    cols = {"point": pa.array(np.arange(design.points, dtype=np.int32))}
    for d, path in enumerate(design.paths):
        cols[path] = pa.array(design.values[:, d])
    return pa.table(cols).replace_schema_metadata({b"ceasefire.design": design.kind.encode()})


def read_design(out: Path) -> Design:
    path = Path(out) / DESIGN
    try:
        table = pq.read_table(path)
        paths = tuple(c for c in table.column_names if c != "point")
        values = np.column_stack([table[p].to_numpy() for p in paths]) if paths else None
        kind = table.schema.metadata[b"ceasefire.design"].decode()
    except Exception as err:  # noqa: BLE001 - ArrowInvalid, OSError, no metadata: damaged
        raise SweepDirError(f"{path}: unreadable design ({one_line(err)})") from None
    if values is None:
        values = np.zeros((table.num_rows, 0))
    return Design(kind, paths, values)


# --- parts ---------------------------------------------------------------------------------


def outcome_table(
    outcomes: dict[str, np.ndarray], point: np.ndarray, wide_replicate: bool
) -> pa.Table:
    """Per-replicate outcomes in compact dtypes, ``point`` and ``replicate`` first."""
    cols: dict[str, pa.Array] = {
        "point": pa.array(point.astype(np.int32)),
        "replicate": pa.array(
            outcomes["replicate"].astype(np.int64 if wide_replicate else np.int32)
        ),
    }
    for name, values in outcomes.items():
        if name != "replicate":
            cols[name] = pa.array(_compact(name, values))
    return pa.table(cols)


def _compact(name: str, values: np.ndarray) -> np.ndarray:
    if values.dtype == np.bool_:
        return values
    if np.issubdtype(values.dtype, np.floating):
        return values.astype(np.float32)
    small = np.int8 if name == "outcome" else np.int16
    info = np.iinfo(small)
    if values.size and (values.min() < info.min or values.max() > info.max):
        raise ValueError(f"outcome column {name} does not fit {small.__name__}")
    return values.astype(small)


def part_name(chunk_id: int) -> str:
    return f"part-{chunk_id:05d}.parquet"


def part_stamp(manifest: dict, chunk: Chunk) -> dict:
    """What a part records about itself, checked on resume."""
    return {
        "experiment_sha256": manifest["experiment_sha256"],
        "scenario_sha256": manifest["scenario_sha256"],
        "version": manifest["version"],
        "chunk": chunk.id,
        "runs": [chunk.start, chunk.stop],
    }


def write_part(parts_dir: Path, chunk: Chunk, table: pa.Table, stamp: dict) -> str:
    """Write one part atomically: a ``_tmp-`` file, flushed, then renamed into place."""
    parts_dir = Path(parts_dir)
    final = parts_dir / part_name(chunk.id)
    tmp = parts_dir / f"{TMP_PREFIX}{final.stem}-{uuid.uuid4().hex[:8]}.parquet"
    table = table.replace_schema_metadata({PART_KEY: json.dumps(stamp).encode()})
    pause = float(os.environ.get(SLOW_WRITE_ENV, "0") or 0)

    def write(path: Path) -> None:
        with pq.ParquetWriter(path, table.schema, **COMPRESSION) as writer:
            if pause > 0:  # test hook: half the rows, a pause, the rest
                half = table.num_rows // 2
                writer.write_table(table.slice(0, half))
                time.sleep(pause)
                writer.write_table(table.slice(half))
            else:
                writer.write_table(table)

    write_file(final, write, tmp=tmp, durable=True)
    return final.name


def part_files(out: Path) -> dict[int, Path]:
    """Finished parts by chunk id (temporary and set-aside files are not parts)."""
    found = {}
    parts = Path(out) / PARTS
    if parts.is_dir():
        for f in parts.iterdir():
            m = PART_PATTERN.match(f.name)
            if m:
                found[int(m.group(1))] = f
    return dict(sorted(found.items()))


def finished_chunks(out: Path, manifest: dict, chunks: list[Chunk]) -> tuple[set[int], list[str]]:
    """Chunk ids whose part is complete and ours, and notes on parts set aside.

    A part that cannot be read (a disk fault: writes are atomic) is renamed to
    ``_unreadable-...`` and its chunk runs again; a part stamped by another experiment
    raises :class:`SweepDirError`.
    """
    by_id = {c.id: c for c in chunks}
    done, notes = set(), []
    for cid, path in part_files(out).items():
        try:
            meta = pq.read_metadata(path)
            stamp = json.loads(meta.metadata[PART_KEY])
        except Exception:  # noqa: BLE001 - any unreadable footer means the same thing
            aside = _aside_name(path)
            os.rename(path, aside)  # we hold the sweep's lock: nothing races for the name
            notes.append(f"{path}: unreadable; moved to {aside.name}, its chunk runs again")
            continue
        chunk = by_id.get(cid)
        if chunk is None or stamp != part_stamp(manifest, chunk) or meta.num_rows != chunk.runs:
            raise SweepDirError(f"{path}: was not written by this sweep; left untouched")
        done.add(cid)
    return done, notes


def _aside_name(path: Path) -> Path:
    """``_unreadable-part-N.parquet``, or ``_unreadable-part-N-2.parquet``, ... : a second
    unreadable copy of a part never overwrites the first."""
    aside, n = path.with_name(f"_unreadable-{path.name}"), 1
    while os.path.lexists(aside):
        n += 1
        aside = path.with_name(f"_unreadable-{path.stem}-{n}{path.suffix}")
    return aside


def remove_unfinished(out: Path) -> None:
    """Delete ``_tmp-`` files: writes that a kill or Ctrl-C cut short (never results)."""
    parts = Path(out) / PARTS
    for f in parts.glob(f"{TMP_PREFIX}*"):
        f.unlink(missing_ok=True)


def read_results(out: Path, columns: list[str] | None = None) -> pa.Table:
    """Every finished run, in run order (point, then replicate), as one table."""
    tables = list(iter_results(out, columns))
    return pa.concat_tables(tables) if tables else pa.table({})


def iter_results(out: Path, columns: list[str] | None = None) -> Iterator[pa.Table]:
    """Finished parts one at a time, in run order: bounded memory for any sweep size."""
    read_manifest(out)  # a sweep directory, or SweepDirError
    for f in part_files(out).values():
        try:
            table = pq.read_table(f, columns=columns)
        except Exception as err:  # noqa: BLE001 - ArrowInvalid, OSError, a missing column
            raise SweepDirError(
                f"{f}: unreadable part ({one_line(err)}); run the sweep again to set it "
                "aside and redo its chunk"
            ) from None
        yield table.replace_schema_metadata(None)

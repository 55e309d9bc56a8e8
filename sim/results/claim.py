"""What the tool writes it marks, and one writer at a time per target.

Every directory the tool makes holds a small ``.ceasefire`` marker naming its kind (run,
compare, sweep) and the process that wrote it. ``--replace`` replaces only a directory of
the same kind that holds nothing but what the tool puts there (charts and pages carry the
tool's name in their metadata); anything else is refused untouched. A lock file
``.NAME.lock`` beside the target is held for the whole write, so a second command into the
same directory fails at once instead of silently losing one of the two results, and
hidden temporary folders that a killed writer of ours left are removed by the next one.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import shutil
import socket
from collections.abc import Iterable, Iterator
from pathlib import Path

MARKER = ".ceasefire"  # {"kind": ..., "package": "ceasefire-sim", "pid": ..., "host": ...}
SIGNATURE = "ceasefire-sim"  # in the metadata of every chart file and report page written
# What a directory of each kind may hold, besides MARKER, for --replace to take it:
# file names, and folders whose every file carries SIGNATURE (charts drawn by the tool).
OWN_FILES = {
    "run": {
        "scenario.toml",
        "run.json",
        "summary.json",
        "outcomes.npz",
        "agreements.npz",
        "series.npz",
        "trajectories.npz",
        "outcomes.csv",
        "agreements.csv",
        "series.csv",
        "responses.csv",
    },
    "compare": {"differences.csv", "compare.html"},
    "check": {"check.csv", "check.json", "check.md"},
    "calibration": {  # sim/calibration/runner.py and outputs.py
        "calibration.toml",
        "scenario.toml",
        "manifest.json",
        "summary.json",
        "posterior.parquet",
        "distances.csv",
        "ppc.csv",
        "identifiability.csv",
        "correlations.csv",
        "calibrated-scenario.toml",
        *(f"generation-{g:03d}.npz" for g in range(100)),  # one checkpoint per generation
    },
}
OWN_SIGNED = {
    "check": {"report.html"},
    "run": {"report.html", "charts/"},
    "compare": {"*"},
    "calibration": {"report.html", "charts/"},
}
_HELD: set[Path] = set()  # targets whose lock this process holds


class OutputError(Exception):
    """The target cannot take this output; the message is one line naming it."""


class OutputExists(OutputError):
    pass


class OutputBusy(OutputError):
    pass


def dump_json(data) -> str:
    """Strict JSON (no NaN or Infinity, which JSON does not have): a non-finite number
    here is a bug upstream, so it fails loudly instead of writing a file others reject."""
    return json.dumps(data, indent=2, allow_nan=False) + "\n"


# --- claiming a target: lock, refuse, clean up after killed writers ------------------------


@contextlib.contextmanager
def claimed(
    target: Path | Iterable[Path], replace: bool = False, kind: str = "run"
) -> Iterator[Path]:
    """Hold the write lock of ``target`` for the ``with`` block; yields the target.

    Refuses (:class:`OutputError`) a target that exists unless ``replace`` is given and it
    is a directory of this ``kind`` the tool wrote (:func:`check_replaceable`), and one that
    another command is writing to. Given several candidates (default output folders), the
    first that neither exists nor is being written is claimed. Hidden temporary folders
    left beside the target by a killed writer of ours are removed.
    """
    single = isinstance(target, str | os.PathLike)
    for out in [Path(target)] if single else map(Path, target):
        key = Path(os.path.abspath(out))
        if key in _HELD:  # this process holds it already (write_atomically inside run)
            _check_target(out, replace, kind)  # again: something may have appeared since
            yield out
            return
        out.parent.mkdir(parents=True, exist_ok=True)
        try:
            lock = _lock(out)
        except OutputBusy:
            if single:
                raise
            continue
        try:
            if not single and os.path.lexists(out):
                continue
            _check_target(out, replace, kind)
            remove_stale(out)
            _HELD.add(key)
            try:
                yield out
            finally:
                _HELD.discard(key)
            return
        finally:
            _unlock(*lock)


def _check_target(out: Path, replace: bool, kind: str) -> None:
    if os.path.lexists(out):
        if not replace:
            raise OutputExists(f"{out}: already exists (use --replace to overwrite it, or --out)")
        check_replaceable(out, kind)


def _lock(out: Path) -> tuple[Path, int]:
    """An exclusive ``flock`` on ``.NAME.lock`` beside ``out`` (the kernel drops it if we
    die, so a lock file left by a killed writer is simply taken over)."""
    path = out.parent / f".{out.name}.lock"
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise OutputBusy(
                f"{out}: another ceasefire command is writing to it right now; "
                "wait for it to finish or choose another --out"
            ) from None
        try:
            same = os.stat(path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:  # not a file its previous holder unlinked as we opened it
            return path, fd
        os.close(fd)


def _unlock(path: Path, fd: int) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    os.close(fd)


def read_marker(folder: Path) -> dict | None:
    """The ``.ceasefire`` marker of a folder, or None if it has none we wrote."""
    try:
        marker = json.loads((Path(folder) / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    if not isinstance(marker, dict) or marker.get("package") != "ceasefire-sim":
        return None
    return marker


def check_replaceable(out: Path, kind: str) -> None:
    """Refuse to replace anything but a directory of this kind that holds only our files."""
    if out.is_symlink():
        raise OutputError(f"{out}: is a symbolic link; not replaced (choose another --out)")
    if not out.is_dir():
        raise OutputError(f"{out}: is a file, not a {kind} directory; not replaced")
    here = Path.cwd().resolve()
    if out.resolve() == here or out.resolve() in here.parents:
        raise OutputError(
            f"{out}: is the current directory or holds it; not replaced (choose another --out)"
        )
    marker = read_marker(out)
    if marker is None or marker.get("kind") != kind:
        what = f"a {marker.get('kind')} directory" if marker else f"not written by ceasefire {kind}"
        raise OutputError(
            f"{out}: {what} (no {MARKER} marker of a {kind}); --replace replaces only a "
            f"directory `ceasefire {kind}` wrote: choose another --out"
        )
    foreign = _foreign_entry(out, kind)
    if foreign is not None:
        raise OutputError(
            f"{out}: holds {foreign}, which ceasefire did not write; not replaced "
            "(move it away or choose another --out)"
        )


def _foreign_entry(out: Path, kind: str) -> str | None:
    """The first entry of ``out`` the tool did not write (relative name), or None."""
    files, signed = OWN_FILES.get(kind, set()), OWN_SIGNED.get(kind, set())
    for entry in sorted(out.iterdir()):
        name = entry.name
        if entry.is_symlink():
            return name
        if entry.is_file() and (name in files or name == MARKER):
            continue
        if entry.is_file() and ("*" in signed or name in signed) and is_signed(entry):
            continue
        if entry.is_dir() and f"{name}/" in signed:
            for sub in sorted(entry.iterdir()):
                if sub.is_symlink() or not sub.is_file() or not is_signed(sub):
                    return f"{name}/{sub.name}"
            continue
        return name
    return None


GENERATOR_TAG = f'<meta name="generator" content="{SIGNATURE}">'
_SIGNED = (  # how SIGNATURE appears in the files the tool writes: PNG, SVG, PDF, HTML
    b"Software\x00" + SIGNATURE.encode(),
    f">{SIGNATURE}<".encode(),
    f"({SIGNATURE})".encode(),
    GENERATOR_TAG.encode(),
)


def is_signed(path: Path, marks: tuple[bytes, ...] = _SIGNED) -> bool:
    """Whether a file is a chart or page the tool wrote (it carries its signature)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(8_000_000)
    except OSError:
        return False
    return any(mark in head for mark in marks)


def _writer_alive(marker: dict) -> bool:
    if marker.get("host") != socket.gethostname():
        return True  # cannot tell: leave it
    pid = marker.get("pid")
    if not isinstance(pid, int) or pid <= 0:
        return True
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale(out: Path) -> list[Path]:
    """Remove ``.NAME.tmp-*`` / ``.NAME.old-*`` folders a killed writer of ours left.

    Only folders that carry our marker and whose writer is dead (or that are empty, or hold
    nothing but a marker cut short) are removed; anything else is left alone.
    """
    pattern = re.compile(rf"^\.{re.escape(out.name)}\.(tmp|old)-[0-9a-f]+$")
    removed = []
    for entry in out.parent.iterdir() if out.parent.is_dir() else ():
        if not pattern.match(entry.name) or entry.is_symlink() or not entry.is_dir():
            continue
        names = {p.name for p in entry.iterdir()}
        marker = read_marker(entry)
        if names <= {MARKER} and marker is None or marker is not None and not _writer_alive(marker):
            remove_ours(entry)
            removed.append(entry)
    return removed


def remove_ours(folder: Path) -> None:
    """Delete a folder we wrote, its marker last: a kill part-way leaves it recognisable."""
    for entry in folder.iterdir():
        if entry.name == MARKER:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
    (folder / MARKER).unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        folder.rmdir()

"""Writing without half-written results: whole directories and files appear at once, or not at all.

A directory is built under a hidden temporary name beside its destination and renamed
into place when complete, so an interrupted run leaves nothing half-written and an
existing directory is never overwritten unless the user asks (and even then the old one is
only removed after the new one is complete). Files are written under a temporary name and
renamed. Run directories, comparisons, reports, charts, sweep summaries and sweep part
files all write through this module.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path


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


def write_file(
    path: Path, write: Callable[[Path], None], *, tmp: Path | None = None, durable: bool = False
) -> Path:
    """Call ``write(tmp)``, then rename ``tmp`` to ``path``: readers never see half a file.

    ``tmp`` defaults to a hidden name beside ``path``; it is removed on any failure.
    ``durable`` flushes the file and its directory to disk (sweep parts: a crash after the
    rename must not leave a part that exists but is empty).
    """
    path = Path(path)
    tmp = Path(tmp) if tmp is not None else path.with_name(f".{path.name}.tmp")
    try:
        write(tmp)
        if durable:
            fsync(tmp)
        os.replace(tmp, path)
        if durable:
            fsync(path.parent)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def fsync(path: Path) -> None:
    """Flush a file or a directory to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_text_atomically(path: Path, text: str) -> Path:
    """Write a UTF-8 text file atomically.

    The file gets the user's usual permissions (umask), not mkstemp's owner-only 0600.
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)

    def write(target: Path) -> None:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(target, 0o666 & ~umask)
        target.write_text(text, encoding="utf-8")

    return write_file(path, write, tmp=Path(tmp))


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """SIGTERM (a batch system's or a supervisor's polite kill) stops as cleanly as Ctrl-C.

    Inside the block SIGTERM raises KeyboardInterrupt, so the same cleanup runs (temporary
    files removed, finished sweep parts kept, a dashboard server stopped). Signal handlers
    can only be set from the main thread; elsewhere this does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)

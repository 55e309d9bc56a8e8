"""Writing without half-written results: whole directories and files appear at once, or not at all.

A directory is built under a hidden temporary name beside its destination, marked as the
tool's, and renamed into place when complete, so an interrupted run leaves nothing
half-written; an existing directory is replaced only when the user asks and it is one the
tool wrote (sim.results.claim), in one atomic swap. Files are written under a temporary
name and renamed. Run directories, comparisons, reports, charts, sweep summaries and sweep part
files all write through this module.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import os
import secrets
import signal
import socket
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from sim.results.claim import MARKER, OutputError, OutputExists, claimed, remove_ours
from sim.version import __version__

__all__ = [
    "MARKER",
    "OutputError",
    "OutputExists",
    "write_atomically",
    "write_file",
    "write_files",
]


_INTERRUPTS = {signal.SIGINT, signal.SIGTERM}


def write_atomically(
    out: Path, build: Callable[[Path], None], replace: bool = False, kind: str = "run"
) -> Path:
    """Call ``build(tmpdir)`` and move the finished directory to ``out``.

    The temporary folder is made beside ``out`` and marked first; on success it takes
    ``out``'s place in one rename (an existing ``out`` only with ``replace``, see
    :func:`claimed`), on any failure or interrupt it is removed.
    """
    out = Path(out)
    with claimed(out, replace, kind):
        # Ctrl-C or SIGTERM between making the temporary directory and entering `try`
        # would leave it behind; held back, it arrives inside `try`, which removes it.
        with _signals_held():
            tmp = _fresh_dir(out.parent, f".{out.name}.tmp-")
        try:
            marker = {"kind": kind, "package": "ceasefire-sim", "version": __version__}
            marker |= {"pid": os.getpid(), "host": socket.gethostname()}
            (tmp / MARKER).write_text(json.dumps(marker) + "\n", encoding="utf-8")
            build(tmp)
            with _signals_held():  # the swap and the clean-up are one step for the user
                if os.path.lexists(out):
                    _swap(tmp, out)
                    remove_ours(tmp)
                else:
                    _rename_noreplace(tmp, out)
        except BaseException as err:
            if tmp.exists():
                remove_ours(tmp)
            _reraise_masked_interrupt(err)
            raise
    return out


def _reraise_masked_interrupt(err: BaseException) -> None:
    """Raise KeyboardInterrupt if ``err`` is another error that an interrupt turned into: a
    library's clean-up failing on the way out (numpy's savez closing its zip file while an
    entry is still open raises ValueError). The commands report interrupts, not those."""
    if not isinstance(err, KeyboardInterrupt) and _was_interrupted(err):
        raise KeyboardInterrupt from err


def _was_interrupted(err: BaseException) -> bool:
    """Whether a KeyboardInterrupt is in the exceptions ``err`` arose from."""
    seen: set[int] = set()
    cause: BaseException | None = err
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, KeyboardInterrupt):
            return True
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__
    return False


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    old_mask = signal.pthread_sigmask(signal.SIG_BLOCK, _INTERRUPTS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old_mask)


_RENAME_NOREPLACE, _RENAME_EXCHANGE, _AT_FDCWD = 1, 2, -100


def _renameat2(src: Path, dst: Path, flags: int) -> bool:
    """Linux ``renameat2``; False where the system or file system does not offer it."""
    try:
        fn = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    if fn(_AT_FDCWD, os.fsencode(src), _AT_FDCWD, os.fsencode(dst), flags) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(dst))


def _rename_noreplace(tmp: Path, out: Path) -> None:
    if not _renameat2(tmp, out, _RENAME_NOREPLACE):
        if os.path.lexists(out):  # we hold the lock: only a foreign writer could race
            raise OutputExists(f"{out}: appeared while this command was writing; not replaced")
        os.rename(tmp, out)


def _swap(tmp: Path, out: Path) -> None:
    """Put ``tmp`` at ``out`` and the old ``out`` at ``tmp``: atomic where Linux allows."""
    if _renameat2(tmp, out, _RENAME_EXCHANGE):
        return
    old = out.parent / f".{out.name}.old-{secrets.token_hex(4)}"
    os.rename(out, old)
    try:
        os.rename(tmp, out)
    except BaseException:
        os.rename(old, out)
        raise
    os.rename(old, tmp)


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
    except BaseException as err:
        tmp.unlink(missing_ok=True)
        _reraise_masked_interrupt(err)
        raise
    return path


def write_files(writes: dict[Path, Callable[[Path], None]]) -> list[Path]:
    """Like :func:`write_file` for a set of files: all are written under temporary names
    before any is renamed into place, so a full disk or an interrupt part-way leaves no file
    half-written and no set half-replaced."""
    tmps: dict[Path, Path] = {}
    try:
        for path, write in writes.items():
            tmps[path] = path.with_name(f".{path.name}.tmp")
            write(tmps[path])
        for path, tmp in tmps.items():
            os.replace(tmp, path)
    except BaseException as err:
        _reraise_masked_interrupt(err)
        raise
    finally:
        for tmp in tmps.values():
            tmp.unlink(missing_ok=True)
    return list(writes)


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

"""The result store for single runs: a directory written all at once, or not at all.

A run directory is built under a hidden temporary name beside its destination and renamed
into place when complete, so an interrupted run leaves nothing half-written. What the tool
writes it marks: every directory it makes holds a small ``.ceasefire`` file naming its kind
(run, compare, sweep) and the process that wrote it. ``--replace`` replaces only such a
directory of the same kind that holds nothing else than what the tool puts there, and
swaps the new directory in with one atomic rename; anything else is refused untouched.
One writer at a time per target: a lock file ``.NAME.lock`` beside the target is held for
the whole write, so a second command into the same directory fails at once instead of
silently losing one of the two results.
"""

from __future__ import annotations

import contextlib
import csv
import ctypes
import datetime as dt
import errno
import fcntl
import hashlib
import json
import math
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import tempfile
import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim import __version__
from sim.recorder import QUANTILES
from sim.results import OUTCOME_LABELS

SERIES_VARIABLES = ("proposal", "position", "utility", "reservation")
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
        "series.npz",
        "trajectories.npz",
        "outcomes.csv",
        "series.csv",
        "responses.csv",
    },
    "compare": {"differences.csv", "compare.html"},
}
OWN_SIGNED = {"run": {"report.html", "charts/"}, "compare": {"*"}}
_HELD: set[Path] = set()  # targets whose lock this process holds
_INTERRUPTS = {signal.SIGINT, signal.SIGTERM}


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


def finite_or_none(value: float | None) -> float | None:
    """``None`` (JSON null) for a value that is not defined, such as a share of nothing."""
    return None if value is None or not math.isfinite(value) else float(value)


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


# --- writing a directory at once -----------------------------------------------------------


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
        except BaseException:
            if tmp.exists():
                remove_ours(tmp)
            raise
    return out


@contextlib.contextmanager
def stop_on_sigterm() -> Iterator[None]:
    """SIGTERM (a batch system's polite kill) stops as cleanly as Ctrl-C: `run` and
    `sweep` both turn it into KeyboardInterrupt in the main thread."""
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


class RunReadError(ValueError):
    """A run directory is incomplete or damaged; the message is one line naming the file."""


def one_line(err: BaseException | str, limit: int = 160) -> str:
    """An exception's message on one line, short and with control characters escaped."""
    text = str(err) if isinstance(err, str) else f"{type(err).__name__}: {err}".rstrip(": ")
    text = "".join(
        f"\\x{ord(c):02x}" if unicodedata.category(c) == "Cc" else c for c in " ".join(text.split())
    )
    return text if len(text) <= limit else text[: limit - 1] + "…"


def read_json_file(path: Path, what: str = "directory") -> dict:
    """A JSON object from a file written by the tool, or a one-line error naming it."""
    if not path.is_file():
        raise RunReadError(f"{path}: missing from the {what}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:  # UnicodeDecodeError and JSONDecodeError too
        raise RunReadError(f"{path}: unreadable, not valid JSON ({one_line(err)})") from None
    if not isinstance(data, dict):
        raise RunReadError(f"{path}: not a JSON object (got {type(data).__name__})")
    return data


def read_npz(path: Path) -> dict[str, np.ndarray]:
    """Every array of an .npz archive, or a one-line error naming it (never a pickle)."""
    if not path.is_file():
        raise RunReadError(f"{path}: missing from the run directory")
    try:
        with np.load(path, allow_pickle=False) as z:
            return {k: z[k] for k in z.files}
    except Exception as err:  # noqa: BLE001 - zip, zlib, EOF, format: all mean damaged
        raise RunReadError(
            f"{path}: unreadable, not a valid .npz archive ({one_line(err)})"
        ) from None


_INT, _STR, _LIST = "a whole number", "text", "a list of text"
RUN_FIELDS = {  # run.json fields the readers rely on, and what each must be
    "replicates": _INT,
    "seed": _INT,
    "rounds": _INT,
    "duration_days": _INT,
    "start_date": _STR,
    "actor_ids": _LIST,
    "names": _LIST,
    "roles": _LIST,
    "issue_ids": _LIST,
    "issue_labels": _LIST,
    "issue_zero": _LIST,
    "issue_one": _LIST,
    "threat_ids": _LIST,
}
SHARES = ("agreement", "comprehensive", "partial", "survives_duration", "extended")
FLAGS = ("agreed", "collapsed", "survived", "extended")


def _check_meta(path: Path, meta: dict) -> None:
    for field, kind in RUN_FIELDS.items():
        value = meta.get(field)
        ok = {
            _INT: isinstance(value, int) and not isinstance(value, bool) and value >= 0,
            _STR: isinstance(value, str),
            _LIST: isinstance(value, list) and all(isinstance(v, str) for v in value),
        }[kind]
        if not ok:
            got = "nothing" if field not in meta else one_line(repr(value), 40)
            raise RunReadError(f"{path}: {field}: must be {kind} (got {got})")
    try:
        dt.date.fromisoformat(meta["start_date"])
    except ValueError:
        raise RunReadError(f"{path}: start_date: not a date (got {meta['start_date']!r})") from None
    if meta["replicates"] < 1 or not meta["actor_ids"] or not meta["issue_ids"]:
        raise RunReadError(f"{path}: no replicates, actors or issues")
    same_length = {"names": "actor_ids", "roles": "actor_ids"}
    same_length |= {f: "issue_ids" for f in ("issue_labels", "issue_zero", "issue_one")}
    for field, of in same_length.items():
        if len(meta[field]) != len(meta[of]):
            raise RunReadError(
                f"{path}: {field}: {len(meta[field])} entries for {len(meta[of])} {of}"
            )


def _check_summary(path: Path, summary: dict) -> None:
    for key in SHARES:
        share = summary.get(key)
        ok = isinstance(share, dict) and {"share", "count", "n", "ci95"} <= share.keys()
        if ok:
            ci = share["ci95"]
            ok = isinstance(ci, list) and len(ci) == 2
        if not ok:
            raise RunReadError(f"{path}: {key}: must hold share, count, n and ci95")
    if not isinstance(summary.get("replicates"), int):
        raise RunReadError(f"{path}: replicates: must be a whole number")
    date = summary.get("median_agreement_date")
    if date is not None:
        try:
            dt.date.fromisoformat(date)
        except (TypeError, ValueError):
            raise RunReadError(
                f"{path}: median_agreement_date: not a date (got {one_line(repr(date), 40)})"
            ) from None


def _check_outcomes(path: Path, outcomes: dict[str, np.ndarray], meta: dict) -> None:
    n, actors = meta["replicates"], meta["actor_ids"]
    parties = [a for a, role in zip(actors, meta["roles"], strict=True) if role == "party"]
    columns = ["replicate", "agreement_round", "outcome", "days_survived", "first_violator"]
    columns += [*FLAGS, "first_violation_day", "monitoring"]
    columns += [f"terms_{k}" for k in meta["issue_ids"]]
    columns += [f"threat_{t}_{w}" for t in meta["threat_ids"] for w in ("called", "carried_out")]
    columns += [f"{w}_{a}" for a in parties for w in ("violations", "satisfaction")]
    for name in columns:
        if name not in outcomes:
            raise RunReadError(f"{path}: no column {name!r}")
        v = outcomes[name]
        flag = name in FLAGS or name.startswith("threat_")
        if v.shape != (n,) or v.dtype.kind not in ("b" if flag else "iuf"):
            raise RunReadError(
                f"{path}: column {name!r}: expected {n:,} {'flags' if flag else 'numbers'} "
                f"(replicates in run.json), got shape {v.shape} of {v.dtype}"
            )
    ranges = {
        "outcome": (0, len(OUTCOME_LABELS) - 1),
        "agreement_round": (-1, meta["rounds"]),
        "days_survived": (-1, meta["duration_days"]),
        "first_violator": (-2, len(actors) - 1),
        **{f"violations_{a}": (0, meta["duration_days"] + 1) for a in parties},
    }
    for name, (lo, hi) in ranges.items():
        v = outcomes[name]
        if v.size and not (np.isfinite(v).all() and lo <= v.min() and v.max() <= hi):
            raise RunReadError(f"{path}: column {name!r}: values outside {lo} to {hi}")


def _check_series(path: Path, series: dict[str, np.ndarray], meta: dict) -> None:
    if "round" not in series or series["round"].ndim != 1 or not len(series["round"]):
        raise RunReadError(f"{path}: no rounds ('round' column missing or empty)")
    sizes = {
        "T": len(series["round"]),
        "Q": len(QUANTILES),
        "A": len(meta["actor_ids"]),
        "K": len(meta["issue_ids"]),
        "3": 3,
    }
    for name, dims in SERIES_SHAPES.items():
        want = tuple(sizes[d] for d in dims)
        got = series.get(name)
        if got is None:
            raise RunReadError(f"{path}: no column {name!r}")
        if got.shape != want or got.dtype.kind not in "iuf":
            raise RunReadError(
                f"{path}: column {name!r}: expected numbers of shape {want}, "
                f"got shape {got.shape} of {got.dtype}"
            )


SERIES_SHAPES = {  # T rounds, Q quantiles, A actors, K issues
    "round": "T",
    "negotiating": "T",
    "proposal_mean": "TK",
    "proposal_q": "TQK",
    "position_mean": "TAK",
    "position_q": "TQAK",
    "utility_mean": "TA",
    "utility_q": "TQA",
    "reservation_mean": "TA",
    "reservation_q": "TQA",
    "answer_share": "TA3",
    "condition_share": "TAK",
}


def load_run(path: str | Path) -> RunResult:
    """Read a run directory back, checking every file the charts and reports use.

    Raises :class:`RunReadError`, one line naming the file and what is wrong, for a file
    that is missing, unreadable, or does not fit the others (a column of the wrong length,
    a field of the wrong type, a value out of range): a damaged directory is refused here,
    not by a traceback in the middle of drawing a chart.
    """
    path = Path(path)
    meta = read_json_file(path / "run.json", "run directory")
    _check_meta(path / "run.json", meta)
    summary = read_json_file(path / "summary.json", "run directory")
    _check_summary(path / "summary.json", summary)
    outcomes = read_npz(path / "outcomes.npz")
    _check_outcomes(path / "outcomes.npz", outcomes, meta)
    series = read_npz(path / "series.npz")
    _check_series(path / "series.npz", series, meta)
    return RunResult(path, meta, outcomes, series, summary)

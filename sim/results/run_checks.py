"""Reading a run directory back with checks: a damaged one is refused in one line.

Every file the charts and reports use (run.json, summary.json, outcomes.npz, series.npz)
is checked when it is read: present, readable, and consistent with run.json (fields of the
right type, columns present with one value per replicate, shapes and ranges that fit), so
a damaged directory gets ``FILE: what is wrong`` instead of a traceback in the middle of
drawing a chart.
"""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from pathlib import Path

import numpy as np

from sim.engine.codes import OUTCOME_LABELS
from sim.engine.recorder import QUANTILES


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


def read_run_files(path: Path) -> tuple[dict, dict, dict[str, np.ndarray], dict[str, np.ndarray]]:
    """run.json, summary.json, outcomes.npz and series.npz of a run directory, checked.

    Raises :class:`RunReadError`, one line naming the file and what is wrong.
    """
    meta = read_json_file(path / "run.json", "run directory")
    _check_meta(path / "run.json", meta)
    summary = read_json_file(path / "summary.json", "run directory")
    _check_summary(path / "summary.json", summary)
    outcomes = read_npz(path / "outcomes.npz")
    _check_outcomes(path / "outcomes.npz", outcomes, meta)
    series = read_npz(path / "series.npz")
    _check_series(path / "series.npz", series, meta)
    return meta, summary, outcomes, series

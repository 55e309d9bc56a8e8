"""Reading a run directory back with checks: a damaged one is refused in one line.

Every file the charts and reports use (run.json, summary.json, outcomes.npz,
agreements.npz, series.npz)
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

from sim.engine.codes import Coverage, DealClass, EndReason, Outcome, Purpose, Side
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
    "horizon": _INT,
    "start_date": _STR,
    "actor_ids": _LIST,
    "names": _LIST,
    "roles": _LIST,
    "issue_ids": _LIST,
    "issue_labels": _LIST,
    "issue_zero": _LIST,
    "issue_one": _LIST,
    "threat_ids": _LIST,
    "track_ids": _LIST,
    "track_labels": _LIST,
    "front_ids": _LIST,
    "front_labels": _LIST,
}
SAME_LENGTH = {  # field -> the field it names one entry of
    "names": "actor_ids",
    "roles": "actor_ids",
    "issue_labels": "issue_ids",
    "issue_zero": "issue_ids",
    "issue_one": "issue_ids",
    "track_labels": "track_ids",
    "front_labels": "front_ids",
}


def _check_meta(path: Path, meta: dict) -> None:
    for name, kind in RUN_FIELDS.items():
        value = meta.get(name)
        ok = {
            _INT: isinstance(value, int) and not isinstance(value, bool) and value >= 0,
            _STR: isinstance(value, str),
            _LIST: isinstance(value, list) and all(isinstance(v, str) for v in value),
        }[kind]
        if not ok:
            got = "nothing" if name not in meta else one_line(repr(value), 40)
            raise RunReadError(f"{path}: {name}: must be {kind} (got {got})")
    try:
        dt.date.fromisoformat(meta["start_date"])
    except ValueError:
        raise RunReadError(f"{path}: start_date: not a date (got {meta['start_date']!r})") from None
    if meta["replicates"] < 1 or meta["horizon"] < 1 or not meta["actor_ids"]:
        raise RunReadError(f"{path}: no replicates, days or actors")
    for name, of in SAME_LENGTH.items():
        if len(meta[name]) != len(meta[of]):
            raise RunReadError(
                f"{path}: {name}: {len(meta[name])} entries for {len(meta[of])} {of}"
            )


def _check_summary(path: Path, summary: dict) -> None:
    for key in SUMMARY_SHARES:
        share = summary.get(key)
        ok = isinstance(share, dict) and {"share", "count", "n", "ci95"} <= share.keys()
        if ok:
            ci = share["ci95"]
            ok = isinstance(ci, list) and len(ci) == 2
        if not ok:
            raise RunReadError(f"{path}: {key}: must hold share, count, n and ci95")
    for key in ("replicates", "deals"):
        if not isinstance(summary.get(key), int):
            raise RunReadError(f"{path}: {key}: must be a whole number")
    for key in ("median_first_deal_date", "km_median_first_deal_date"):
        date = summary.get(key)
        if date is not None:
            try:
                dt.date.fromisoformat(date)
            except (TypeError, ValueError):
                raise RunReadError(
                    f"{path}: {key}: not a date (got {one_line(repr(date), 40)})"
                ) from None


def _check_columns(
    path: Path, table: dict[str, np.ndarray], columns: dict[str, str], n: int | None, rows: str
) -> int:
    """Every column present, numbers (or flags), one value per row; returns the row count."""
    for name, kind in columns.items():
        if name not in table:
            raise RunReadError(f"{path}: no column {name!r}")
        v = table[name]
        n = len(v) if n is None and v.ndim == 1 else n
        if v.ndim != 1 or len(v) != n or v.dtype.kind not in kind:
            what = "flags" if kind == "b" else "numbers"
            raise RunReadError(
                f"{path}: column {name!r}: expected {n:,} {what} ({rows}), "
                f"got shape {v.shape} of {v.dtype}"
            )
    return n or 0


def _check_ranges(path: Path, table: dict[str, np.ndarray], ranges: dict) -> None:
    for name, (lo, hi) in ranges.items():
        v = table[name]
        if v.size and not (np.isfinite(v).all() and lo <= v.min() and v.max() <= hi):
            raise RunReadError(f"{path}: column {name!r}: values outside {lo} to {hi}")


def _check_outcomes(path: Path, outcomes: dict[str, np.ndarray], meta: dict) -> None:
    days, actors, fronts = meta["horizon"], len(meta["actor_ids"]), meta["front_ids"]
    columns = dict.fromkeys(OUTCOME_COLUMNS, "iu")
    columns |= {f"{w}_{f}": "iu" for f in fronts for w in ("decided_day", "decided_by")}
    columns |= {f"control_{f}": "f" for f in fronts}
    columns |= {
        f"threat_{t}_{w}": "b" for t in meta["threat_ids"] for w in ("called", "carried_out")
    }
    _check_columns(path, outcomes, columns, meta["replicates"], "replicates in run.json")
    ranges = {
        "outcome": (0, len(Outcome) - 1),
        "first_deal_track": (-1, len(meta["track_ids"]) - 1),
        "first_breakdown_by": (-1, actors - 1),
        "days_under_ceasefire": (0, days),
        **{f"control_{f}": (0, 1) for f in fronts},
        **{f"decided_by_{f}": (-1, actors - 1) for f in fronts},
        **{c: (-1, days - 1) for c in columns if c.endswith("_day") or "_day_" in c},
    }
    _check_ranges(path, outcomes, ranges)


def _check_agreements(path: Path, agreements: dict[str, np.ndarray], meta: dict) -> None:
    days, actors = meta["horizon"], len(meta["actor_ids"])
    parties = [
        a for a, role in zip(meta["actor_ids"], meta["roles"], strict=True) if role == "party"
    ]
    columns = dict.fromkeys(AGREEMENT_COLUMNS, "iu") | {"mediated": "b"}
    columns |= {f"violations_{a}": "iu" for a in parties}
    columns |= {f"term_{k}": "f" for k in meta["issue_ids"]}
    _check_columns(path, agreements, columns, None, "one per deal")
    codes = {"side": Side, "coverage": Coverage, "deal_class": DealClass, "purpose": Purpose}
    ranges = {name: (0, len(enum) - 1) for name, enum in codes.items()}
    ranges |= {
        "replicate": (0, 2**62),
        "end_reason": (0, len(EndReason) - 1),
        "track": (-1, len(meta["track_ids"]) - 1),
        "declared_by": (-1, actors - 1),
        "broken_by": (-1, actors - 1),
        "day_agreed": (0, days - 1),
        **dict.fromkeys(("day_in_force", "day_ended"), (-1, days)),
        "term_days": (0, days + 10_000),
    }
    _check_ranges(path, agreements, ranges)


def _check_series(path: Path, series: dict[str, np.ndarray], meta: dict) -> None:
    if "day" not in series or series["day"].ndim != 1 or not len(series["day"]):
        raise RunReadError(f"{path}: no days ('day' column missing or empty)")
    sizes = {
        "D": len(series["day"]),
        "Q": len(QUANTILES),
        "N": len(meta["actor_ids"]),
        "K": len(meta["issue_ids"]),
        "F": len(meta["front_ids"]),
        "T": len(meta["track_ids"]),
        "U": len(meta["track_ids"]) + 1,
        "2": 2,
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


OUTCOME_COLUMNS = (
    "replicate",
    "outcome",
    "first_deal_day",
    "first_partial_day",
    "first_comprehensive_day",
    "first_deal_track",
    "deals",
    "unilateral_truces",
    "days_under_ceasefire",
    "breakdowns",
    "first_breakdown_by",
)
AGREEMENT_COLUMNS = (
    "replicate",
    "track",
    "declared_by",
    "side",
    "coverage",
    "deal_class",
    "purpose",
    "day_agreed",
    "day_in_force",
    "term_days",
    "day_ended",
    "end_reason",
    "broken_by",
    "extensions",
)
SERIES_SHAPES = {  # D days, Q quantiles, N actors, K issues, F fronts, T tracks, U = T + 1
    "day": "D",
    "control_q": "DQF",
    "control_mean": "DF",
    "decided_share": "DF2",
    "belief_q": "DQNF",
    "outside_value_q": "DQN",
    "offer_value_q": "DQNT",
    "in_force_share": "DU",
    "agreed_share": "DU",
    "session_share": "D",
    "broken_off_share": "D",
    "accept_share": "DNT",
    "condition_share": "DNK",
}
SUMMARY_SHARES = ("deal_by_30", "deal_by_90", "deal", "comprehensive", "partial_share", "breakdown")


def read_run_files(path: Path) -> tuple[dict, dict, dict, dict, dict]:
    """run.json, summary.json, outcomes.npz, agreements.npz and series.npz of a run
    directory, checked. Raises :class:`RunReadError`, one line naming the file."""
    meta = read_json_file(path / "run.json", "run directory")
    _check_meta(path / "run.json", meta)
    summary = read_json_file(path / "summary.json", "run directory")
    _check_summary(path / "summary.json", summary)
    outcomes = read_npz(path / "outcomes.npz")
    _check_outcomes(path / "outcomes.npz", outcomes, meta)
    agreements = read_npz(path / "agreements.npz")
    _check_agreements(path / "agreements.npz", agreements, meta)
    series = read_npz(path / "series.npz")
    _check_series(path / "series.npz", series, meta)
    return meta, summary, outcomes, agreements, series

"""A calibration directory read back (charts and `ceasefire report` draw from this)."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np


@dataclass
class CalibrationResult:
    path: Path
    summary: dict
    distances: list[dict]
    correlations: np.ndarray
    parameters: list[str]
    manifest: dict

    @classmethod
    def read(cls, path: Path) -> CalibrationResult:
        path = Path(path)
        summary = json.loads((path / "summary.json").read_text(encoding="utf-8"))
        manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
        with open(path / "distances.csv", newline="", encoding="utf-8") as fh:
            distances = [{k: float(v) for k, v in row.items()} for row in csv.DictReader(fh)]
        with open(path / "correlations.csv", newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        names = [r["parameter"] for r in rows]
        corr = np.array([[float(r[n]) for n in names] for r in rows])
        return cls(path, summary, distances, corr, names, manifest)

    @property
    def title(self) -> str:
        return self.summary.get("name") or self.path.name


def is_calibration_dir(path: Path) -> bool:
    try:
        manifest = json.loads((Path(path) / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(manifest, dict) and manifest.get("kind") == "calibration"

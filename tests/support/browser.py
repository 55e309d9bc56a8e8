"""What the browser tests share: Debian's Chromium, the flags it needs on this closed
network, and where screenshots go for a person to look at."""

from __future__ import annotations

import os
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium keeps trying hosts this machine cannot
# reach; --no-sandbox because the tests run as root in CI.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def artifacts_dir() -> Path:
    """Screenshots: $TEST_ARTIFACTS, else tests/artifacts/ (ignored by git)."""
    folder = Path(os.environ.get("TEST_ARTIFACTS", Path(__file__).parents[1] / "artifacts"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder

"""`ceasefire run` shows a progress bar on a terminal and nothing off one."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

CEASEFIRE = Path(sys.executable).parent / "ceasefire"


def run_on_a_terminal(args: list[str]) -> str:
    """Run the command with stdout and stderr on a pseudo-terminal; all it printed."""
    leader, follower = pty.openpty()
    env = os.environ | {"COLUMNS": "120", "TERM": "xterm"}
    proc = subprocess.Popen(args, stdout=follower, stderr=follower, env=env)
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:  # the terminal closed: the command has ended
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=120)
    os.close(leader)
    assert proc.returncode == 0
    return b"".join(chunks).decode("utf-8", "replace")


def test_run_shows_progress_on_a_terminal(tmp_path):
    text = run_on_a_terminal(
        [str(CEASEFIRE), "run", "-n", "300", "--no-charts", "--out", str(tmp_path / "r")]
    )
    assert "run" in text and "300/300 replicates" in text and "━" in text
    assert "Results in" in text


def test_run_prints_no_bar_off_a_terminal(tmp_path):
    done = subprocess.run(
        [str(CEASEFIRE), "run", "-n", "300", "--no-charts", "--out", str(tmp_path / "r")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == "" and "━" not in done.stdout and "replicates" not in done.stdout

"""`ceasefire ...` inside the test process: what a user sees from the console command
(stdout, stderr, exit code), without the two seconds a new interpreter takes to start.

``ceasefire(*args)`` returns a ``subprocess.CompletedProcess`` like ``subprocess.run(...,
capture_output=True, text=True)`` does, so a test's assertions read the same either way.
It goes through the same entry point as the console script (``sim.cli:app``, whose
``OneLineErrors`` turns usage errors into one line and exit codes) and reproduces what a
fresh process would differ in:
- ``sys.argv`` is the console script's (``run.json`` records the command from it);
- ``cwd`` and ``env`` apply for the call only;
- warnings reach stderr as the interpreter's default filters print them (pytest would
  otherwise swallow them, and a test that wants a clean stderr must see them);
- an exception that escapes is printed as a traceback on stderr with exit code 1, as the
  interpreter does, so ``"Traceback" not in stderr`` means what it says;
- newlines are translated as ``text=True`` does;
- signal handlers, the signal mask and the working directory are put back afterwards,
  whatever the command did.

What needs a process of its own stays a subprocess: signals (Ctrl-C, SIGTERM, SIGKILL),
crash and resume, two commands at once, a terminal (pty), /proc/self, the console script
itself. Not thread-safe (it swaps sys.stdout, sys.argv, the cwd): call it from one thread;
pytest-xdist runs tests in separate processes, which is fine.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import traceback
import warnings
from collections.abc import Iterator, Mapping
from pathlib import Path

from typer.testing import CliRunner

CEASEFIRE = Path(sys.executable).parent / "ceasefire"  # the console script
_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGALRM)
# The interpreter's default warning filters (python -W default behaviour without -W/-X dev)
_DEFAULT_FILTERS = (
    ("ignore", DeprecationWarning),
    ("ignore", PendingDeprecationWarning),
    ("ignore", ImportWarning),
    ("ignore", ResourceWarning),
)


def _text(data: bytes) -> str:
    """Decoded as ``subprocess.run(..., text=True)`` decodes (universal newlines)."""
    return data.decode("utf-8", "replace").replace("\r\n", "\n").replace("\r", "\n")


@contextlib.contextmanager
def _process_state(args: list[str], cwd: Path | str | None) -> Iterator[None]:
    """argv and cwd for the call; argv, cwd, signal handlers and mask restored after."""
    old_argv, old_cwd = sys.argv, os.getcwd()
    handlers = {s: signal.getsignal(s) for s in _SIGNALS}
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, [])
    sys.argv = [str(CEASEFIRE), *args]
    try:
        if cwd is not None:
            os.chdir(cwd)
        yield
    finally:
        sys.argv = old_argv
        os.chdir(old_cwd)
        for s, handler in handlers.items():
            if signal.getsignal(s) is not handler and handler is not None:
                signal.signal(s, handler)
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)


def ceasefire(
    *args, cwd: Path | str | None = None, env: Mapping[str, str | None] | None = None
) -> subprocess.CompletedProcess:
    """Run ``ceasefire ARGS`` in this process: returncode, stdout and stderr as text."""
    from sim.cli import app

    argv = [str(a) for a in args]
    with (
        _process_state(argv, cwd),
        warnings.catch_warnings(record=True) as caught,
    ):
        warnings.resetwarnings()
        warnings.simplefilter("default")
        for action, category in _DEFAULT_FILTERS:
            warnings.simplefilter(action, category)
        result = CliRunner().invoke(app, argv, env=env, prog_name="ceasefire")
    stdout, stderr = _text(result.stdout_bytes), _text(result.stderr_bytes)
    shown = "".join(
        warnings.formatwarning(w.message, w.category, w.filename, w.lineno, w.line) for w in caught
    )
    code, exc = result.exit_code, result.exception
    if isinstance(exc, SystemExit) and exc.code is not None and not isinstance(exc.code, int):
        # sys.exit("message"): the interpreter prints it on stderr (CliRunner: on stdout)
        stdout = stdout.removesuffix(f"{exc.code}\n")
        stderr += f"{exc.code}\n"
    elif exc is not None and not isinstance(exc, SystemExit):
        stderr += "".join(traceback.format_exception(*result.exc_info))
        code = 1
    return subprocess.CompletedProcess(["ceasefire", *argv], code % 256, stdout, shown + stderr)


def console_script(*args, cwd=None, env=None, timeout=180) -> subprocess.CompletedProcess:
    """The installed console command in a process of its own."""
    return subprocess.run(
        [str(CEASEFIRE), *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=timeout,
    )

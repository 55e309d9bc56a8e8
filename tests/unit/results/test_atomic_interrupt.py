"""An interrupt that a library's clean-up turns into another error is still an interrupt.

A SIGTERM (raised as KeyboardInterrupt) that lands inside numpy's savez, while its zip
entry is open, comes out as zipfile's ValueError from the ``finally`` that closes the
archive (seen in CI: a traceback instead of "interrupted; nothing was written").
``write_atomically`` removes its temporary directory either way and re-raises such an
error as the KeyboardInterrupt the commands report.
"""

from __future__ import annotations

import pytest

from sim.results.atomic import write_atomically


def _interrupted_then_cleanup_fails(tmp):
    (tmp / "part.npz").write_bytes(b"partial")
    try:
        raise KeyboardInterrupt
    finally:
        raise ValueError("Can't close the ZIP file while there is an open writing handle")


def test_an_interrupt_masked_by_a_cleanup_error_is_an_interrupt_and_leaves_nothing(tmp_path):
    with pytest.raises(KeyboardInterrupt) as caught:
        write_atomically(tmp_path / "run", _interrupted_then_cleanup_fails)
    assert isinstance(caught.value.__cause__, ValueError)
    assert list(tmp_path.iterdir()) == []


def test_an_error_without_an_interrupt_stays_that_error(tmp_path):
    def broken(tmp):
        raise ValueError("a real fault")

    with pytest.raises(ValueError, match="a real fault"):
        write_atomically(tmp_path / "run", broken)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("how", ["write_file", "write_files"])
def test_single_file_writes_treat_a_masked_interrupt_alike(tmp_path, how):
    """write_file and write_files (sweep parts, calibration outputs) do the same."""
    from sim.results.atomic import write_file, write_files

    target = tmp_path / "out.npz"
    with pytest.raises(KeyboardInterrupt):
        if how == "write_file":
            write_file(target, lambda tmp: _interrupted_then_cleanup_fails(tmp.parent))
        else:
            write_files({target: lambda tmp: _interrupted_then_cleanup_fails(tmp.parent)})
    assert not target.exists() and not (tmp_path / ".out.npz.tmp").exists()

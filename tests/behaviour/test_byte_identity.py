"""The restructured package gives the same outcome files as the flat one it came from.

``tests/support/outcome_digests.json`` was recorded at commit 3900d3c (before the package
was split into layers) by ``tests/support/outcome_digests.py``: every scenario of the
library (march-2025 is the default) run at seed 1, and the shipped Monte Carlo sweep with
fewer replicates, then summarised. Any change to a number, a label or a column's order in
those files makes this test fail.
"""

import json

import pytest

from tests.support.outcome_digests import FIXTURE, SCENARIOS, all_digests


@pytest.fixture(scope="module")
def digests(tmp_path_factory):
    return all_digests(tmp_path_factory.mktemp("outcomes"))


def test_fixture_covers_the_library_and_a_sweep():
    recorded = json.loads(FIXTURE.read_text())
    assert {key.split("/")[1] for key in recorded if key.startswith("run/")} == {
        s.stem for s in SCENARIOS
    }
    assert "sweep/parts" in recorded


def test_outcome_files_are_byte_identical_to_the_flat_package(digests):
    recorded = json.loads(FIXTURE.read_text())
    changed = sorted(k for k in recorded if digests.get(k) != recorded[k])
    assert not changed, f"outcome files differ from commit 3900d3c: {changed}"
    assert set(digests) == set(recorded)

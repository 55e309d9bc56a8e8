"""Fixed runs and a reduced shipped sweep give the same outcome files, byte for byte.

``tests/support/outcome_digests.json`` holds the digests of every library scenario run at
seed 1 (200 replicates) and of the shipped Monte Carlo sweep with fewer replicates, made by
``tests/support/outcome_digests.py``. Any change to a number, a label or a column's order
in those files makes this test fail.

Re-recorded for model 2 (issues 11 and 12): the engine, the scenario format, the library
and the run directory all changed (deals on tracks, fronts, the calendar; agreements.csv and
agreements.npz join the run files), so no digest of model 1 could stand. The fixture was
recorded on core merged with outputs and sweepd at the time of the model-2 merge, and again
on the integrated tree (m2) after the deal book's replacement rule was fixed (a prisoner
exchange is no longer ended by every ceasefire); from then on it pins model 2 as model 1's
pinned the layer restructuring. The digests are made at a pinned instruction set (AVX2;
tests/support/outcome_digests.py says why), so the test holds on AVX-512 machines too.
"""

import json

import pytest

from tests.support.outcome_digests import FIXTURE, SCENARIOS, pinned_digests


@pytest.fixture(scope="module")
def digests(tmp_path_factory):
    return pinned_digests(tmp_path_factory.mktemp("outcomes"))


def test_fixture_covers_the_library_and_a_sweep():
    recorded = json.loads(FIXTURE.read_text())
    assert {key.split("/")[1] for key in recorded if key.startswith("run/")} == {
        s.stem for s in SCENARIOS
    }
    assert "sweep/parts" in recorded


def test_outcome_files_are_byte_identical_to_the_flat_package(digests):
    recorded = json.loads(FIXTURE.read_text())
    changed = sorted(k for k in recorded if digests.get(k) != recorded[k])
    assert not changed, f"outcome files differ from the recorded digests: {changed}"
    assert set(digests) == set(recorded)

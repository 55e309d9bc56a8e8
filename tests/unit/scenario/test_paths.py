"""Parameter paths of format v2: every number a sweep, an event or a dashboard lever names
has a path, an array index and the schema's bounds (coord/model2.md, "Parameters")."""

from __future__ import annotations

import datetime as dt
import tomllib

import pytest

from sim.scenario.load import DEFAULT_SCENARIO, load_scenario, parse_scenario
from sim.scenario.paths import UnknownPath, locate, parameter_paths, path_bounds

S = load_scenario(DEFAULT_SCENARIO)
PATHS = list(parameter_paths(S))


def test_every_listed_path_locates_and_has_bounds():
    for path in PATHS:
        where = locate(S, path)
        lo, hi = path_bounds(S, path)
        assert lo < hi, path
        assert where.kind == "spread" or where.array, path


# The paths the other modules build on (sweeps, the dashboard's levers, events): array and
# index, with actors before fronts as in front_cost (R, N, F).
KURSK, MAIN = list(S.fronts).index("kursk"), list(S.fronts).index("main")
RUSSIA = list(S.actors).index("russia")
EXPECTED = {
    "fronts.kursk.control": ("control0", (KURSK,), (0, 1)),
    "fronts.kursk.drift": ("drift", (KURSK,), (-0.1, 0.1)),
    "fronts.main.volatility": ("volatility", (MAIN,), (0, 0.2)),
    "fronts.main.intensity": ("intensity", (MAIN,), (0, 10)),
    "fronts.main.rearmament_shift": ("rearmament_shift", (MAIN,), (-0.1, 0.1)),
    "fronts.kursk.cost.russia": ("front_cost", (RUSSIA, KURSK), (0, 0.1)),
    "fronts.main.stakes.russia": ("stakes", (RUSSIA, MAIN), (0, 10)),
    "fronts.kursk.beliefs.russia.drift": ("prior_mean", (RUSSIA, KURSK), (-0.1, 0.1)),
    "fronts.kursk.beliefs.russia.sd": ("prior_sd", (RUSSIA, KURSK), (0, 0.1)),
    "actors.russia.aspiration": ("aspiration", (RUSSIA,), (-1, 1)),
    "actors.russia.concession_rate": ("concession_rate", (RUSSIA,), (0, 100)),
    "actors.russia.planning_horizon": ("planning_horizon", (RUSSIA,), (1, 3650)),
    "actors.russia.gesture": ("gesture", (RUSSIA,), (0, 1)),
    "actors.russia.gesture_days": ("gesture_days", (RUSSIA,), (1, 365)),
    "negotiation.tolerance": ("tolerance", (), (0, 0.5)),
    "negotiation.walkout_hazard": ("walkout_hazard", (), (0, 1)),
    "calendar.session_chance": ("session_chance", (), (0, 1)),
    "threats.waltz.severity": ("threat_severity", (0,), (0, 1)),
    "threats.waltz.erosion": ("threat_erosion", (0,), (0, 1)),
    "threats.waltz.boost": ("threat_boost", (0,), (0, 1)),
    "implementation.consent_chance": ("impl_consent_chance", (), (0, 1)),
}


@pytest.mark.parametrize("path", list(EXPECTED))
def test_the_model2_paths_name_their_arrays_and_bounds(path):
    array, index, bounds = EXPECTED[path]
    where = locate(S, path)
    assert (where.array, where.index) == (array, index)
    assert path_bounds(S, path) == tuple(map(float, bounds))
    assert path in PATHS


def test_a_front_spread_widens_the_value_it_names():
    where = locate(S, "fronts.kursk.spread.drift")
    assert (where.kind, where.target) == ("spread", "fronts.kursk.drift")


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("fronts.donbas.drift", "unknown front 'donbas'"),
        ("fronts.kursk.beliefs.putin.drift", "unknown actor 'putin'"),
        ("fronts.kursk.drfit", "did you mean 'fronts.kursk.drift'?"),
        ("actors.russia.reservation", "did you mean 'actors.russia.aspiration'?"),
        ("negotiation.proposal_rule", "is structural"),
    ],
)
def test_unknown_or_removed_paths_are_named(path, message):
    with pytest.raises(UnknownPath, match="unknown|structural") as err:
        locate(S, path)
    assert message in str(err.value)


def test_the_default_end_date_is_31_december_of_the_start_year():
    assert S.scenario.end_date is None
    assert S.scenario.last_date == dt.date(2025, 12, 31)
    assert S.scenario.horizon == 296  # day 0 = 11 March ... day 295 = 31 December
    data = tomllib.loads(DEFAULT_SCENARIO.read_text(encoding="utf-8"))
    data["scenario"]["end_date"] = dt.date(2025, 7, 8)
    assert parse_scenario(data, "x").scenario.horizon == 120


def test_switches_default_to_on():
    assert all(S.mechanisms.model_dump().values())
    assert len(S.mechanisms.model_dump()) == 12


def test_every_path_indexes_an_array_the_engine_builds():
    """The contract with sim/engine/parameters.py: a located path is an array of the built
    parameters (``impl_<field>`` in ``impl``) with the replicate axis first."""
    from sim.engine.parameters import build_parameters

    p = build_parameters(S, 3, 1)
    for path in PATHS:
        where = locate(S, path)
        if where.kind != "array":
            continue
        name = where.array
        array = p.impl[name.removeprefix("impl_")] if name.startswith("impl_") else getattr(p, name)
        assert array[(slice(None), *where.index)].shape == (3,), path

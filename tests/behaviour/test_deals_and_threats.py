"""Deals that need every party and implementer, linkage, replacement, coercion with memory.

Generic 2-party cases (tests/data/two-party.toml and variants built here), each a behaviour
that could fail: a deal without one party's yes, a linked deal entering into force without
its implementer, a narrower deal outliving a broader one, a threatener whose unenforced
deadline leaves its next threat as credible as before.
"""

from __future__ import annotations

import math

import numpy as np

from sim.engine.codes import EndReason
from sim.scenario.load import modified
from tests.behaviour.helpers import run, stated, two_party

END = "2024-08-15"


def with_donor(linkage: bool = True):
    """A supporter, the donor, must implement monitoring (it would pay for the monitors) and
    does not want any: a deal that moves monitoring off its status quo needs its consent."""
    base = two_party()
    data = base.model_dump(mode="python", exclude_none=True)
    stance = {"assumption": "test fixture"}
    data["actors"]["donor"] = {
        "name": "Donor",
        "role": "supporter",
        "capability": 0.2,
        "assumption": "test fixture",
        "stances": {
            "monitoring": {"position": 0.0, "salience": 1.0, **stance},
            "withdrawal": {"position": 0.5, "salience": 0.0, **stance},
        },
    }
    data["issues"]["monitoring"]["implementers"] = ["donor"]
    data["scenario"]["end_date"] = END
    data.setdefault("mechanisms", {})["linkage"] = linkage
    return two_party(**{k: data[k] for k in ("actors", "issues", "scenario", "mechanisms")})


def test_a_deal_needs_every_party():
    """North asks more than any package gives it (aspiration 1, no concession): no deal on
    any track ever, although South (which asks nothing) says yes at every session."""
    s = two_party({"scenario.end_date": END, "mechanisms.concession": False})
    willing = {"actors.north.aspiration": 1.0, "actors.south.aspiration": -1.0}
    m = run(s, 100, overrides={**stated(s), **willing}, record="summary")
    assert len(m.agreements()["replicate"]) == 0
    share = m.series()["accept_share"]  # (D, N, T) at sessions
    north, south = (m.params.actor_ids.index(a) for a in ("north", "south"))
    held = ~np.isnan(share[:, south, 0])
    assert held.sum() > 20
    assert np.all(share[held, north] == 0.0) and np.all(share[held, south] == 1.0)


def test_linkage_stalls_an_accepted_deal_and_it_lapses():
    s = with_donor()
    m = run(s, 60, overrides=stated(s))
    t = m.agreements()
    linked = ~np.isnan(t["term_monitoring"]) & (t["term_monitoring"] > 0)
    assert linked.sum() >= 30
    # every party said yes, yet none of these deals ever entered into force ...
    assert np.all(t["day_in_force"][linked] == -1)
    lapsed = linked & (t["end_reason"] == EndReason.LAPSED)
    assert lapsed.sum() >= 30
    # ... and each lapsed exactly lapse_days after agreement
    lapse = s.implementation.lapse_days
    assert np.all(t["day_ended"][lapsed] - t["day_agreed"][lapsed] == lapse)
    # switched off, the same deals enter into force the day they are agreed
    off = with_donor(linkage=False)
    u = run(off, 60, overrides=stated(off)).agreements()
    assert len(u["replicate"]) > 0
    assert np.all(u["day_in_force"] == u["day_agreed"])
    assert not np.any(u["end_reason"] == EndReason.LAPSED)


def test_a_broader_deal_replaces_a_narrower_one():
    s = two_party({"scenario.end_date": END})
    # 400 replicates: a full deal that is kept no longer breaks down and is re-agreed over a
    # new partial one, so replacements are rarer per replicate than under the advance-only
    # defection rule (docs/model.md section 11)
    m = run(s, 400, overrides=stated(s))
    t = m.agreements()
    p = m.params
    replaced = np.flatnonzero(t["end_reason"] == EndReason.REPLACED)
    assert replaced.size >= 20
    for row in replaced:
        same = (t["replicate"] == t["replicate"][row]) & (t["day_in_force"] == t["day_ended"][row])
        old = p.track_fronts[t["track"][row]]
        broader = [
            r for r in np.flatnonzero(same)
            if r != row and (p.track_fronts[t["track"][r]] >= old).all()
            and (p.track_fronts[t["track"][r]].sum() > old.sum()
                 or p.track_issues[t["track"][r]].sum() > p.track_issues[t["track"][row]].sum())
        ]  # fmt: skip
        assert broader, row
    # and a narrower deal never replaces a broader one
    full = p.track_ids.index("full")
    assert not np.any(t["end_reason"][t["track"] == full] == EndReason.REPLACED)


def threats(first_credibility: float | None):
    """Two threats by the broker to North on the full track; North never complies."""
    common = {"by": "broker", "target": "north", "track": "full", "severity": 0.001,
              "issued": "2024-06-02", "erosion": 0.5, "boost": 0.3,
              "assumption": "test fixture"}  # fmt: skip
    table = {}
    if first_credibility is not None:
        table["first"] = {**common, "deadline": "2024-06-10", "credibility": first_credibility}
    table["second"] = {**common, "deadline": "2024-06-30", "credibility": 0.8}
    return two_party({"scenario.end_date": "2024-07-05", "mechanisms.concession": False},
                     threats=table)  # fmt: skip


def carried_out_share(s, memory: bool = True, n: int = 2000) -> float:
    s = modified(s, {"mechanisms.coercion_memory": memory})
    out = run(s, n, seed=5, overrides={**stated(s), "actors.north.aspiration": 1.0}).outcomes()
    assert out["threat_second_called"].all()  # North never complied
    return float(out["threat_second_carried_out"].mean())


def test_an_unenforced_deadline_erodes_the_next_threat_by_the_same_actor():
    n = 2000
    alone = carried_out_share(threats(None), n=n)
    after_bluff = carried_out_share(threats(0.0), n=n)  # the first deadline passes unenforced
    no_memory = carried_out_share(threats(0.0), memory=False, n=n)
    se = math.sqrt(0.25 / n)
    assert abs(alone - 0.8) < 4 * se
    assert abs(no_memory - 0.8) < 4 * se
    assert abs(after_bluff - 0.8 * (1 - 0.5)) < 4 * se  # credibility x (1 - erosion)

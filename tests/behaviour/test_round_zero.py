"""Round 0 (Jeddah, 11 March 2025) reproduces the article with perception noise off.

P5: Ukraine accepts the 30-day ceasefire if Russia does (a conditional yes). P6: Russia says
"yes, but", naming Kursk, monitoring, Ukraine's actions during the pause and the link to a
settlement. In model 2 neither answer is a fitted reservation value: both come from the
fronts and the parties' beliefs about them (march-2025.toml, [fronts.main] and its beliefs:
Moscow expects to take the rest of Donetsk oblast within months, so a full halt costs it
more than the opening terms give it; Kyiv expects to lose ground on the fronts the halt
freezes, so the halt is worth more to it than fighting on).
"""

from __future__ import annotations

import numpy as np

from sim.engine import session
from sim.engine.codes import Answer
from sim.engine.model import CeasefireModel
from tests.behaviour.helpers import index, stated


def jeddah(scenario, overrides=None):
    m = CeasefireModel(scenario, 1, seed=0, overrides={**stated(scenario), **(overrides or {})})
    m.step()
    return m


def test_round_zero_matches_the_article(default_scenario):
    s = default_scenario
    m = jeddah(s)
    w, p = m.worlds[0], m.params
    full = p.track_ids.index("full")
    russia, ukraine = index(p.actor_ids, "russia", "ukraine")
    assert w.answers[0, ukraine, full] == Answer.CONDITIONAL  # P5
    assert w.answers[0, russia, full] == Answer.REJECT  # P6
    named = {k for k, on in zip(p.issue_ids, w.named[0, russia, full], strict=True) if on}
    assert named == {"kursk", "monitoring", "rearmament", "settlement_link"}
    assert not w.named[0, ukraine, full].any()
    assert w.book.state[0, full] == 0  # no full ceasefire at Jeddah


def test_russias_refusal_comes_from_its_expectations_on_the_main_front(default_scenario):
    """With Moscow's prior on the main front at the true drift (no optimism), the same
    opening package leaves it far less short: it no longer needs all four conditions."""
    s = default_scenario
    realistic = {"fronts.main.beliefs.russia.drift": s.fronts["main"].drift}
    m = CeasefireModel(s, 1, seed=0, overrides={**stated(s), **realistic})
    optimistic = CeasefireModel(s, 1, seed=0, overrides=stated(s))
    full = m.params.track_ids.index("full")
    russia = m.params.actor_ids.index("russia")
    values = []
    for model in (optimistic, m):
        w = model.worlds[0]
        v = session.view(w, np.array([0]), full)
        value = session.values(w, v, w.package[np.array([0])[:, None], full, v.issues[None]])
        gap = -(value[0] + value[1])[0, list(v.actors).index(russia)]
        values.append(gap)
    top_three = 0.22 + 0.22 + 0.198  # Russia's three largest shortfalls (kursk, rearmament, link)
    assert values[0] > top_three  # optimism: all four conditions are needed
    assert values[1] < top_three - 0.2  # realism: the gap shrinks by the forgone advance

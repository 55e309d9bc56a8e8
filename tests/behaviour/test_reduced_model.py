"""With every mechanism of issue 11 switched off (and the battlefield frozen), model 2
reduces to a simple case, checked here by hand on the 2-party scenario.

The stated simple case: a session every day; one track (the first) and talks end at its
first deal; red lines hard (no tolerance); aspirations constant (no concession); the
mediator follows version 1's compromise rule and never learns; no implementers, no
unilateral truces, no walk-outs, no credibility memory. With the fronts frozen and priors
never updated (issue 12's switches off too) each party's halt value F_i is a constant, so

    Delta_i(t) = sum_k s_ik (|q_k - x_ik| - |p_k(t) - x_ik|) + F_i,
    F_i = stakes_i sign_i [E_i b(t + H - L) - E_i b(t + H)] + L intensity cost_i,
    p(0) = the opening, p(t+1) = p(t) + lambda (g(t) - p(t)),
    g_k(t) = sum_i w_i c_i s_ik x_ik / sum_i w_i c_i s_ik   (parties 1, + focus if holdout;
                                                           mediator: its bias),

and the first deal is on the first day on which every Delta_i >= 0. The test recomputes that
by hand (plain Python, not the engine's functions) and compares day and terms.
"""

from __future__ import annotations

import numpy as np

from tests.behaviour.helpers import ISSUE_11, ISSUE_12, run, stated, switched_off, two_party


def reduced():
    s = two_party()
    tracks = s.model_dump(mode="python", exclude_none=True)["tracks"]
    ordered = {"full": tracks["full"], "monitors": tracks["monitors"]}  # full first
    return two_party(
        {
            **switched_off(ISSUE_11 + ISSUE_12),
            "negotiation.influence_rate": 0.0,
            "fronts.line.stakes": {"north": 2.0, "south": 0.2},  # North expects to advance
        },
        tracks=ordered,
    )


def by_hand(s):
    issues = ["monitoring", "withdrawal"]
    x = {a: [s.actors[a].stances[k].position for k in issues] for a in s.actors}
    sal = {}
    for a in s.actors:
        raw = [s.actors[a].stances[k].salience for k in issues]
        sal[a] = [v / sum(raw) for v in raw]
    q = [s.issues[k].status_quo for k in issues]
    p = [s.issues[k].opening for k in issues]
    front = s.fronts["line"]
    sign = {"north": 1, "south": -1}  # north is the second side: control is its share
    F = {}
    for a in ("north", "south"):
        H, L, m = s.actors[a].planning_horizon, 30, front.beliefs[a].drift
        with_halt = min(max(front.control + m * (H - L), 0.0), 1.0)
        without = min(max(front.control + m * H, 0.0), 1.0)
        F[a] = (
            front.stakes[a] * sign[a] * (with_halt - without) + L * front.intensity * front.cost[a]
        )
    neg = s.negotiation
    holdout = None
    for day in range(200):
        delta = {
            a: sum(sal[a][k] * (abs(q[k] - x[a][k]) - abs(p[k] - x[a][k])) for k in range(2)) + F[a]
            for a in ("north", "south")
        }
        yes = {a: v >= 0 for a, v in delta.items()}
        if all(yes.values()):
            return day, p
        no = [a for a in yes if not yes[a]]
        holdout = no[0] if len(no) == 1 else None
        weight = {"north": 1.0, "south": 1.0, "broker": neg.mediator_bias}
        if holdout:
            weight[holdout] += neg.holdout_focus
        g = []
        for k in range(2):
            num = sum(weight[a] * s.actors[a].capability * sal[a][k] * x[a][k] for a in weight)
            den = sum(weight[a] * s.actors[a].capability * sal[a][k] for a in weight)
            g.append(num / den)
        p = [p[k] + neg.step_size * (g[k] - p[k]) for k in range(2)]
    return -1, p


def test_everything_off_is_the_simple_case_computed_by_hand():
    s = reduced()
    day, terms = by_hand(s)
    assert day > 0  # not agreed at the opening: the holdout has to be brought round
    m = run(s, 5, seed=2, overrides=stated(s))
    out, table = m.outcomes(), m.agreements()
    assert np.all(out["first_deal_day"] == day)
    assert np.all(out["first_deal_track"] == 0)
    assert np.all(out["deals"] == 1)  # talks end at the first deal
    assert np.all(out["sessions"] == day + 1)  # a session every day until then
    np.testing.assert_allclose(table["term_monitoring"], terms[0], rtol=0, atol=1e-12)
    np.testing.assert_allclose(table["term_withdrawal"], terms[1], rtol=0, atol=1e-12)
    assert np.all(out["unilateral_truces"] == 0) and np.all(out["walkouts"] == 0)
    assert np.all(out["control_line"] == s.fronts["line"].control)  # the front frozen

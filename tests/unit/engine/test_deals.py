"""The deal book: entry into force, lapse, replacement, competing risks, the agreements table.

Statistical checks use fixed seeds and tolerances of four standard errors of the sample.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.engine import hazards, rng
from sim.engine.codes import Coverage, DealClass, EndReason, Side
from sim.engine.deals import IN_FORCE, NONE, PENDING, DealBook
from sim.engine.hazards import DEAL_SETTINGS
from sim.scenario.settings import Implementation

SEED = 20250311
MEDIATOR, UKRAINE, RUSSIA = 0, 1, 2  # actors; the parties are 1 and 2
MAIN, KURSK, ENERGY = 0, 1, 2  # fronts
MONITORING, KURSK_ISSUE, SETTLEMENT = 0, 1, 2  # issues
FULL, ENERGY_TRUCE, KURSK_ENERGY, ENERGY_MONITORED = 0, 1, 2, 3  # tracks
TRACK_FRONTS = np.array([[1, 1, 1], [0, 0, 1], [0, 1, 1], [0, 0, 1]], dtype=bool)
TRACK_ISSUES = np.array([[1, 1, 1], [0, 0, 0], [1, 1, 0], [1, 0, 0]], dtype=bool)


def defaults(**changes) -> dict[str, float]:
    settings = {name: getattr(Implementation(), name) for name in DEAL_SETTINGS}
    return settings | changes


def make_book(replicates, settings=None, term=(30, 30, 0, 30), **kwargs) -> DealBook:
    replicate = np.arange(replicates) if np.ndim(replicates) == 0 else np.asarray(replicates)
    return DealBook(
        SEED,
        replicate,
        parties=np.array([UKRAINE, RUSSIA]),
        track_fronts=TRACK_FRONTS,
        track_issues=TRACK_ISSUES,
        track_term=np.array(term),
        track_purpose=np.array([0, 1, 0, 1]),
        settings=settings or defaults(),
        monitoring_issue=MONITORING,
        compliance_min=0.5,
        definitive_issue=SETTLEMENT,
        definitive_min=0.8,
        party_names=("ukraine", "russia"),
        issue_names=("monitoring", "kursk", "settlement_link"),
        **kwargs,
    )


def terms(R: int, monitoring=0.0, kursk=0.5, settlement=0.0) -> np.ndarray:
    return np.tile([monitoring, kursk, settlement], (R, 1)).astype(float)


CALM = defaults(violation_rate=0.0)  # no violations: only the rule under test acts


def test_a_broader_deal_replaces_the_narrower_ones_and_only_those():
    book = make_book(4, CALM)
    everywhere = np.ones(4, dtype=bool)
    book.agree(everywhere, ENERGY_TRUCE, 3, terms(4))
    book.agree(np.array([1, 1, 0, 0], bool), KURSK_ENERGY, 5, terms(4))  # more fronts
    assert (book.state[:, ENERGY_TRUCE] == [NONE, NONE, IN_FORCE, IN_FORCE]).all()
    book.agree(np.array([0, 0, 1, 0], bool), ENERGY_MONITORED, 6, terms(4))  # same front, +issue
    book.agree(np.array([1, 0, 0, 0], bool), FULL, 8, terms(4))
    book.agree(np.array([1, 0, 0, 0], bool), ENERGY_TRUCE, 9, terms(4))  # narrower: no effect
    t = book.table()
    replaced = t["end_reason"] == EndReason.REPLACED
    assert set(
        zip(t["replicate"][replaced].tolist(), t["track"][replaced].tolist(), strict=True)
    ) == {
        (0, ENERGY_TRUCE),
        (0, KURSK_ENERGY),
        (1, ENERGY_TRUCE),
        (2, ENERGY_TRUCE),
    }
    first = t["replicate"] == 0  # energy truce, Kursk and energy, full, energy truce again
    assert t["track"][first].tolist() == [ENERGY_TRUCE, KURSK_ENERGY, FULL, ENERGY_TRUCE]
    assert t["day_ended"][first].tolist() == [5, 8, -1, -1]
    assert book.state[0].tolist()[:4] == [IN_FORCE, IN_FORCE, NONE, NONE]
    assert book.state[3, ENERGY_TRUCE] == IN_FORCE  # nothing broader came


def test_a_deal_on_issues_the_broader_one_leaves_open_is_not_replaced():
    """Reproducer: a prisoner exchange (no fronts, its own issue) was ended as 'replaced' by
    every ceasefire, since no fronts is a subset of any. A deal replaces only deals whose
    issues it decides too."""
    fronts = np.array([[1, 1, 1], [0, 0, 0], [0, 0, 1]], dtype=bool)  # full, prisoners, energy
    issues = np.array([[1, 1, 0], [0, 0, 1], [1, 0, 0]], dtype=bool)  # prisoners: issue 2 only
    book = DealBook(
        SEED,
        np.arange(2),
        parties=np.array([UKRAINE, RUSSIA]),
        track_fronts=fronts,
        track_issues=issues,
        track_term=np.array([30, 1, 30]),
        track_purpose=np.zeros(3, dtype=np.int64),
        settings=CALM,
    )
    both = np.ones(2, dtype=bool)
    book.agree(both, 1, 0, terms(2))  # prisoner exchange
    book.agree(both, 2, 1, terms(2))  # energy truce
    book.agree(both, 0, 2, terms(2))  # full ceasefire: replaces the energy truce only
    t = book.table()
    reason = dict(zip(t["track"].tolist(), t["end_reason"].tolist(), strict=False))
    assert reason[2] == EndReason.REPLACED
    assert reason[1] != EndReason.REPLACED
    assert book.state[:, 1].tolist() == [IN_FORCE, IN_FORCE]


def test_a_deal_without_consent_lapses_and_with_it_enters_into_force():
    lapse = int(CALM["lapse_days"])
    book = make_book(3, CALM, term=(0, 0, 0, 0))
    book.agree(np.ones(3, bool), ENERGY_TRUCE, 0, terms(3))  # in force everywhere
    book.agree(np.ones(3, bool), FULL, 2, terms(3), needs_consent=np.array([1, 1, 0], bool))
    assert book.pending()[:, FULL].tolist() == [True, True, False]
    # waiting for consent, the full deal halts nothing and has not ended the energy truce
    assert book.halted()[:2].tolist() == [[False, False, True]] * 2
    for day in range(3, 2 + lapse + 1):
        if day == 6:
            book.consent(np.array([[0, 0, 0, 0], [1, 0, 0, 0], [1, 0, 0, 0]], bool), day)
        book.day(day)
        if day < 2 + lapse:
            assert book.state[0, FULL] == PENDING
    t = book.table()
    full = t["track"] == FULL
    assert t["end_reason"][full].tolist() == [
        EndReason.LAPSED,
        EndReason.IN_FORCE_AT_HORIZON,
        EndReason.IN_FORCE_AT_HORIZON,
    ]
    assert t["day_ended"][full].tolist() == [2 + lapse, -1, -1]
    assert t["day_in_force"][full].tolist() == [-1, 6, 2]
    assert book.halted().tolist() == [[False, False, True], [True] * 3, [True] * 3]
    energy = t["track"] == ENERGY_TRUCE  # replaced where the full deal entered into force
    assert t["end_reason"][energy].tolist()[1:] == [EndReason.REPLACED] * 2
    assert t["day_ended"][energy].tolist()[1:] == [6, 2]


def test_fronts_are_halted_only_while_a_deal_is_in_force():
    book = make_book(2, CALM)
    book.agree(np.array([True, False]), ENERGY_TRUCE, 0, terms(2))
    book.agree(np.array([False, True]), ENERGY_TRUCE, 0, terms(2), needs_consent=True)
    for day in range(1, 31):
        assert book.halted().tolist() == [[False, False, True], [False, False, False]]
        book.day(day)
    assert not book.halted().any()  # the 30-day term ended on day 30
    t = book.table()
    assert t["end_reason"][0] == EndReason.EXPIRED and t["day_ended"][0] == 30


def test_a_deal_is_extended_only_when_every_party_is_satisfied_and_violations_are_few():
    settings = defaults(violation_rate=0.0, violation_tolerance=10.0)
    book = make_book(3, settings)
    book.agree(np.ones(3, bool), ENERGY_TRUCE, 0, terms(3))
    book.agreements.columns["violations"][2] = [3, 3]  # 6 > half the tolerance
    satisfied = np.zeros((3, 4), dtype=bool)
    satisfied[[0, 2], ENERGY_TRUCE] = True
    for day in range(1, 61):
        book.day(day, satisfied=satisfied & (day == 30))  # content at the first term's end
    t = book.table()
    assert t["extensions"].tolist() == [1, 0, 0]
    assert t["day_ended"].tolist() == [60, 30, 30]
    assert t["end_reason"].tolist() == [EndReason.EXPIRED] * 3


def broken_share(book: DealBook, rows: np.ndarray, days: int, gain=None) -> np.ndarray:
    for day in range(1, days + 1):
        book.day(day, gain=gain)
    return book.table()["end_reason"][rows] == EndReason.BREAKDOWN


def test_strategic_defection_rises_with_gain_and_falls_with_accepted_monitoring():
    groups, per = 4, 6000
    R, days = groups * per, 10
    group = np.repeat(np.arange(groups), per)
    # 0: gain 0.1; 1: gain 0.2; 2: gain 0.2 with monitoring agreed; 3: gain 0.2, supporters
    # able to monitor (capacity 1) but no monitoring agreed
    gain_by_group = np.array([0.1, 0.2, 0.2, 0.2])
    monitoring = np.where(group == 2, 1.0, 0.0)
    book = make_book(R, CALM, monitoring_capacity=np.where(group == 3, 1.0, 0.0))
    t = terms(R)
    t[:, MONITORING] = monitoring
    book.agree(np.ones(R, bool), KURSK_ENERGY, 0, t)
    gain = np.zeros((R, book.S, book.P))  # per deal slot and party (Ukraine 0, Russia 1)
    gain[:, KURSK_ENERGY, 1] = gain_by_group[group]  # Russia gains by resuming this deal
    gain[:, FULL, 0] = 1.0  # a slot with no deal in force: nothing to defect from
    broken = broken_share(book, np.arange(R), days, gain)
    share = np.array([broken[group == g].mean() for g in range(groups)])
    blame = CALM["blame_cost"] * np.array([0, 0, 1, 0])
    expected = -np.expm1(-days * CALM["defection_rate"] * (gain_by_group - blame))
    se = np.sqrt(expected * (1 - expected) / per)
    assert np.all(np.abs(share - expected) < 4 * se), (share, expected)
    assert share[1] - share[0] > 4 * np.hypot(se[0], se[1])
    assert share[1] - share[2] > 4 * np.hypot(se[1], se[2])
    assert book.table()["broken_by"][broken].tolist() == [RUSSIA] * int(broken.sum())


def test_partial_and_unilateral_deals_are_shorter_lived_than_comprehensive_and_bilateral():
    kinds = ("comprehensive", "partial", "unilateral", "compliance", "definitive")
    per, days = 8000, 90
    R = per * len(kinds)
    kind = np.repeat(np.arange(len(kinds)), per)
    book = make_book(R, term=(0, 0, 0, 0))  # no fixed term: only breakdown ends a deal
    t = terms(R)
    t[kind == 3, MONITORING] = 0.6
    t[kind == 4, SETTLEMENT] = 0.9
    book.agree(np.isin(kind, [0, 3, 4]), FULL, 0, t)
    book.agree(kind == 1, KURSK_ENERGY, 0, t)
    book.declare_unilateral(kind == 2, RUSSIA, 0, np.ones(3, bool), term=0)
    table = book.table()
    assert table["coverage"].tolist() == [
        Coverage.PARTIAL if k == 1 else Coverage.COMPREHENSIVE for k in kind
    ]
    assert table["deal_class"][kind == 3].tolist() == [DealClass.COMPLIANCE] * per
    assert table["side"][kind == 2].tolist() == [Side.UNILATERAL] * per
    broken = broken_share(book, np.arange(R), days)
    share = np.array([broken[kind == k].mean() for k in range(len(kinds))])
    se = np.sqrt(share * (1 - share) / per)

    def shorter(a: int, b: int) -> bool:  # kind a breaks down more than kind b
        return share[a] - share[b] > 4 * np.hypot(se[a], se[b])

    assert shorter(1, 0) and shorter(2, 0), dict(zip(kinds, share, strict=True))
    assert shorter(0, 3) and shorter(3, 4), dict(zip(kinds, share, strict=True))


def drive(replicate: np.ndarray, days: int = 90) -> tuple[DealBook, int]:
    """A run of random agreements, consents and truces whose schedule is a pure function of
    the replicate id (as the talks' draws are): returns the book and the deals made."""
    settings = defaults(violation_rate=0.2, lapse_days=10.0)
    book = make_book(replicate, settings)
    made = 0
    rep = replicate[:, None]
    for day in range(days):
        u = rng.uniform(SEED, rep, day, "test-schedule", 0, np.arange(6)[None, :])
        book.consent(book.reconsider(day) & (u[:, :4] < 0.5), day)
        slot, party = np.arange(book.S)[:, None], np.arange(book.P)[None, :]
        gain = 0.2 * rng.uniform(SEED, rep[:, :, None], day, "test-gain", slot, party)
        satisfied = u[:, :4] < 0.7
        book.day(day, gain=gain, satisfied=satisfied)
        agree = u[:, 4] < 0.04
        track = (u[:, 5] * 4).astype(int)
        for k in range(4):
            mask = agree & (track == k)
            book.agree(mask, k, day, u[:, :3], needs_consent=u[:, 0] < 0.4)
            made += int(mask.sum())
        truce = (u[:, 4] > 0.99) & (book.state[:, book.T + 1] == NONE)
        book.declare_unilateral(truce, RUSSIA, day, np.array([1, 1, 0], bool), term=3)
        made += int(truce.sum())
    book.finalize(days)
    return book, made


def test_a_replicate_is_bit_identical_alone_and_in_any_batch():
    whole = drive(np.arange(120))[0].table()
    for batch in (np.array([77]), np.array([101, 3, 77])):
        part = drive(batch)[0].table()
        keep = np.isin(whole["replicate"], batch)
        assert set(part) == set(whole)
        for column, values in whole.items():
            np.testing.assert_array_equal(part[column], values[keep], err_msg=column)
    halves = [drive(np.arange(a, a + 60))[0].table() for a in (0, 60)]
    for column, values in whole.items():
        np.testing.assert_array_equal(np.concatenate([h[column] for h in halves]), values)


def test_the_agreements_table_has_one_row_per_deal_with_consistent_days():
    book, made = drive(np.arange(150))
    t = book.table()
    assert t["replicate"].shape == (made,) and made > 300
    reason, agreed, in_force, ended = (
        t[c] for c in ("end_reason", "day_agreed", "day_in_force", "day_ended")
    )
    live = np.isin(reason, [EndReason.IN_FORCE_AT_HORIZON, EndReason.PENDING_AT_HORIZON])
    assert ((ended >= 0) == ~live).all()
    assert (agreed >= 0).all()
    assert (agreed[in_force >= 0] <= in_force[in_force >= 0]).all()
    started = (in_force >= 0) & (ended >= 0)
    assert (in_force[started] <= ended[started]).all()
    assert (agreed[ended >= 0] <= ended[ended >= 0]).all()
    never = in_force < 0  # lapsed, replaced while waiting, or still waiting
    assert np.isin(
        reason[never], [EndReason.LAPSED, EndReason.REPLACED, EndReason.PENDING_AT_HORIZON]
    ).all()
    lapsed = reason == EndReason.LAPSED
    assert lapsed.any() and (ended[lapsed] - agreed[lapsed] == 10).all()
    expired = reason == EndReason.EXPIRED
    term = t["term_days"][expired] * (1 + t["extensions"][expired])
    assert expired.any() and (ended[expired] - in_force[expired] == term).all()
    assert (t["extensions"] > 0).any()
    broke = reason == EndReason.BREAKDOWN
    assert broke.any() and ((t["broken_by"] >= 0) == broke).all()
    assert np.isin(t["broken_by"][broke], [UKRAINE, RUSSIA]).all()
    truce = t["side"] == Side.UNILATERAL
    assert truce.any() and (t["track"][truce] == -1).all()
    assert (t["declared_by"][truce] == RUSSIA).all() and (t["declared_by"][~truce] == -1).all()
    assert (t["deal_class"][truce] == DealClass.BARE).all() and not t["mediated"][truce].any()
    for k, issue in enumerate(("monitoring", "kursk", "settlement_link")):
        decided = np.zeros(len(reason), dtype=bool)
        decided[~truce] = TRACK_ISSUES[t["track"][~truce], k]
        assert np.isnan(t[f"term_{issue}"][~decided]).all()
        assert not np.isnan(t[f"term_{issue}"][decided]).any()
    assert book.breakdowns.sum() == broke.sum()


def test_missing_settings_are_named():
    with pytest.raises(KeyError, match="blame_cost"):
        make_book(2, {k: v for k, v in CALM.items() if k != "blame_cost"})


@pytest.mark.parametrize("decay", [0.61, 1.0, 1.4])
def test_the_violation_time_inverts_the_integral_of_the_falling_rate(decay):
    rate, settle = 0.8, 0.05
    t = np.array([0.01, 0.5, 3.0, 40.0, 300.0])
    grid = np.linspace(0.0, 1.0, 200_001)[:, None] * t  # trapezoid rule on [0, t]
    integral = np.trapezoid(rate * hazards.settling(grid, settle, decay), grid, axis=0)
    total = hazards.cumulative_violations(t, rate, settle, decay)
    np.testing.assert_allclose(total, integral, rtol=1e-3)
    np.testing.assert_allclose(hazards.violation_time(total, rate, settle, decay), t, rtol=1e-9)
    if decay > 1:  # the rate falls so fast that some violations never come
        ceiling = rate * settle / (decay - 1)
        assert hazards.violation_time(np.array([ceiling * 1.01]), rate, settle, decay)[0] == np.inf
    assert hazards.violation_time(np.array([1.0]), 0.0, settle, decay)[0] == np.inf


def test_default_breakdown_hazards_are_those_of_the_ceasefire_data():
    """Cause-specific breakdown hazard per day of comprehensive ceasefires in the ETH/PRIO
    data (Clayton et al. 2023; shared/data/ceasefire-durations.csv: rise of the breakdown
    incidence over an interval / survival / days) against the defaults' open-ended bare
    bilateral deals, within a factor of two: issue 13 calibrates; this keeps the order."""
    data = {(0, 1): 0.022, (1, 7): 0.0038, (7, 30): 0.0018, (30, 90): 0.00075}
    R = 12_000
    book = make_book(R, term=(0, 0, 0, 0))
    book.agree(np.ones(R, bool), FULL, 0, terms(R))
    for day in range(1, 91):
        book.day(day)
    t = book.table()
    ended = np.where(t["end_reason"] == EndReason.BREAKDOWN, t["day_ended"], np.inf)
    for (a, b), hazard in data.items():
        at_risk = (ended > a).sum()
        model = ((ended > a) & (ended <= b)).sum() / at_risk / (b - a)
        assert hazard / 2 < model < hazard * 2, ((a, b), model, hazard)


def test_expiring_finds_every_track_deal_whose_term_ends_today():
    """DealBook.expiring looks only at the replicates its schedule says are due: it must
    find what a pass over every slot finds, day after day of a running model."""
    from sim.engine.model import CeasefireModel
    from sim.scenario.load import DEFAULT_SCENARIO, load_scenario

    m = CeasefireModel(load_scenario(DEFAULT_SCENARIO), 300, seed=3, record="none")
    found = 0
    for _ in range(200):
        book, day = m.worlds[0].book, m.day
        every = (book.state[:, : book.T] == 2) & (book.expiry_due.day[:, : book.T] == day)
        assert np.array_equal(book.expiring(day), every)
        found += every.sum()
        m.step()
    assert found > 20

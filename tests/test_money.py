"""Money: the pure functions of economy/money.py, and the money identities in whole runs.

The identities (DESIGN.md §2), checked every year to 1e-9 in worlds that exercise
every money mechanism: current accounts sum to zero, debt accumulates deficits, and
the world's reserves change only by the issuer's settlement flows (including a
hand-over of the reserve role).
"""

from __future__ import annotations

import numpy as np
import pytest
from worlds import teaching_dict

from tradetiers import Scenario, TradeModel
from tradetiers.config import ScenarioError
from tradetiers.economy import money, trade
from tradetiers.identities import identity_errors, state_problems

TOL = 1e-9
ISSUER = np.array([True, False, False, False])


# -- pure functions --------------------------------------------------------------------
def test_finance_payments_are_a_transfer_and_the_sector_earns_the_spread():
    h, p = np.array([0.0, 10.0, 5.0, 1.0]), np.array([0.0, 0.0, 4.0, 0.0])
    income, va = money.finance_payments(h, p, ISSUER, policy_rate=0.03, spread=0.02)
    assert income.sum() == pytest.approx(0.0, abs=1e-12)
    assert income[0] == pytest.approx(0.05 * 20.0)
    assert va[0] == pytest.approx(0.02 * 20.0) and va[1:].sum() == 0.0
    _, none = money.finance_payments(h, p, ISSUER, policy_rate=0.03, spread=0.0)
    assert none.sum() == 0.0  # no premium, no finance sector


def _plan(**kw):
    args = dict(
        reserves=np.array([0.0, 10.0, 1.0, 5.0]),
        inflows=np.zeros(4),
        targets=np.array([0.0, 20.0, 20.0, 0.0]),
        gdp=np.full(4, 100.0),
        issuer=ISSUER,
        regime="reserve_currency",
        adjustment=0.5,
        inflow_spending=0.5,
        max_surplus=0.1,
        hegemon_target=None,
        world_capacity=1e9,
    )
    args.update(kw)
    return money.plan_current_accounts(**args)


def test_current_account_plans_sum_to_zero_and_respect_what_each_can_pay():
    plan = _plan()
    assert plan.plan.sum() == pytest.approx(0.0, abs=1e-12)
    assert plan.plan[1] == pytest.approx(5.0) and plan.plan[2] == pytest.approx(9.5)
    # country 3 wants to run its reserves to zero: allowed, it holds them
    assert plan.plan[3] == pytest.approx(-2.5)
    assert plan.plan[0] == pytest.approx(-12.0)  # the issuer supplies the reserves


def test_a_deficit_beyond_reserves_is_compressed():
    plan = _plan(inflows=np.array([0.0, 0.0, 0.0, -4.0]), targets=np.array([0, 20, 20, -100.0]))
    assert plan.plan[3] >= -(5.0 - 4.0) - 1e-12
    assert plan.compression[3] > 0


def test_balanced_regime_plans_nothing():
    plan = _plan(regime="balanced")
    assert not plan.plan.any() and not plan.compression.any()


def test_willingness_to_hold_caps_reserve_accumulation():
    plan = _plan(world_capacity=20.0)
    after = (np.array([0.0, 10.0, 1.0, 5.0]) + plan.plan)[1:].sum()
    assert after == pytest.approx(20.0)
    assert plan.willingness_cut > 0


def test_forced_issuer_surplus_is_shared_out_and_can_fall_short():
    plan = _plan(hegemon_target=0.05)
    assert plan.plan[0] == pytest.approx(5.0)
    assert plan.plan.sum() == pytest.approx(0.0, abs=1e-12)
    poor = _plan(hegemon_target=0.1, reserves=np.array([0.0, 1.0, 1.0, 1.0]))
    assert poor.hegemon_shortfall > 0
    assert (poor.plan[1:] >= -1.0 - 1e-12).all()  # nobody pays more than it holds


def test_capital_flows_leave_when_the_rate_rises():
    gdp, exposed = np.full(4, 100.0), np.array([False, False, True, True])
    at_neutral = money.portfolio_targets(gdp, exposed, 0.03, 0.03, 0.15, 20.0)
    hiked = money.portfolio_targets(gdp, exposed, 0.08, 0.03, 0.15, 20.0)
    assert at_neutral[2] == pytest.approx(15.0) and at_neutral[:2].sum() == 0
    assert (hiked[2:] < 0.5 * at_neutral[2:]).all()
    flows = money.capital_flows(at_neutral, hiked, 0.5)
    assert (flows[2:] < 0).all()


def test_import_factors_cut_only_what_cannot_be_paid():
    f = money.import_factors(
        reserves=np.array([0.0, 50.0, 0.0, 12.0]),
        inflows=np.zeros(4),
        plan=np.array([0.0, -30.0, 0.0, -12.0]),
        expected_imports=np.full(4, 120.0),
        issuer=ISSUER,
        floor_months=1.0,
        minimum=0.2,
    )
    assert f[0] == 1.0  # the issuer pays in its own money
    assert f[1] == 1.0  # 20 left after its deficit: more than a month of imports (10)
    assert f[2] == pytest.approx(1 - 10 / 120)  # no reserves: short of its working balance
    assert f[3] == pytest.approx(1 - 10 / 120)  # spends all it holds on its deficit


def test_settlement_keeps_stocks_non_negative_and_lends_the_gap():
    h, p, emergency = money.settle(
        np.array([0.0, 5.0, 2.0, 0.0]),
        np.array([0.0, 0.0, 1.0, 0.0]),
        np.array([-3.0, 4.0, -5.0, 4.0]),
        np.array([0.0, 0.0, 1.0, -1.0]),
        ISSUER,
    )
    assert h.tolist() == [0.0, 9.0, 0.0, 3.0]
    assert emergency.tolist() == [0.0, 0.0, 2.0, 0.0]
    assert p.tolist() == [0.0, 0.0, 4.0, 0.0]


def test_budget_identity_and_fiscal_rule():
    debt, gdp = np.array([50.0, 200.0]), np.array([100.0, 100.0])
    tax = money.tax_rates(debt / gdp, 0.25, np.array([0.05, 0.05]), 0.6, 0.05, 0.6)
    assert tax[1] > tax[0]  # more debt, higher taxes
    b = money.government_budget(
        debt,
        gdp,
        tax,
        np.array([0.03, 0.05]),
        np.full(2, 0.22),
        np.array([0.02, 0.0]),
        np.array([1.0, 0.0]),
        np.array([0.0, 3.0]),
        np.array([0.5, 0.0]),
    )
    assert np.allclose(b.debt, debt + b.deficit)
    assert np.allclose(b.deficit, b.spending - b.revenue)
    assert np.allclose(b.interest_bill, [1.5, 10.0])


def test_credibility_falls_with_debt_liabilities_and_lost_weight():
    kw = dict(
        debt_weight=0.2,
        debt_reference=1.0,
        liability_weight=0.2,
        liability_reference=1.0,
        share_weight=0.5,
    )
    healthy = money.credibility_target(0.5, 0.5, 0.4, 0.4, **kw)
    indebted = money.credibility_target(2.0, 0.5, 0.4, 0.4, **kw)
    hollowed = money.credibility_target(0.5, 0.5, 0.2, 0.4, **kw)
    assert healthy == 1.0 and indebted < healthy and hollowed == pytest.approx(0.75)


def test_unpaid_imports_fall_on_the_buyers_suppliers_with_equal_totals():
    from tradetiers.economy.gravity import DenseKernel

    k = np.ones((1, 3, 3))
    k[0, 0, 2] = 0.0  # country 2 does not buy from 0
    kernel = DenseKernel(k)
    u, v = np.ones((1, 3)), np.ones((1, 3))
    purchases = np.array([[3.0], [3.0], [3.0]])
    revenue = np.array([[3.0], [3.0], [3.0]])
    unsold, unmet = trade.unpaid_imports(kernel, u, v, purchases, revenue, np.array([1, 1, 0.5]))
    assert unsold.sum() == pytest.approx(unmet.sum()) and unmet[2, 0] > 0
    assert unsold[0, 0] == 0.0 and unsold[1, 0] > 0  # only its supplier loses
    assert unmet[:2].sum() == 0.0


# -- identities in whole runs ------------------------------------------------------------
def _checked(model: TradeModel, years: int) -> TradeModel:
    for _ in range(years):
        model.step()
        for name, err in identity_errors(model).items():
            assert err <= TOL, f"year {model.year - 1}: {name} off by {err:.3g}"
        assert state_problems(model) == [], state_problems(model)
    return model


def _teaching_with(money_settings: dict | None = None, events: list | None = None) -> Scenario:
    d = teaching_dict()
    d["money"] = money_settings or {}
    d["events"] = events or []
    return Scenario.from_dict(d)


EVERY_EVENT = [
    {
        "kind": "tariff",
        "year": 2003,
        "until": 2012,
        "imposer": "HEG",
        "targets": ["MAN"],
        "goods": ["textiles", "machinery"],
        "rate": 0.3,
    },
    {"kind": "rate_path", "year": 2005, "rates": [0.05, 0.07, 0.09, 0.02]},
    {"kind": "military_spending", "year": 2001, "until": 2010, "country": "HEG", "share": 0.06},
    {
        "kind": "fiscal_shock",
        "year": 2008,
        "until": 2010,
        "extra_spending": 0.04,
        "revenue_loss": 0.02,
    },
    {"kind": "reshoring_subsidy", "year": 2015, "country": "HEG", "rate": 0.2},
    {"kind": "reserve_run", "year": 2020, "years": 3},
]


@pytest.mark.parametrize(
    "settings",
    [
        {},
        {"regime": "balanced"},
        {"hegemon_surplus": 0.08},
        {"rate_rule": "credibility"},
    ],
    ids=["reserve_currency", "balanced", "forced_surplus", "rate_rule"],
)
def test_money_identities_every_year(settings):
    _checked(TradeModel(_teaching_with(settings, EVERY_EVENT)), 40)


def test_identities_through_a_hand_over_of_the_reserve_role():
    model = _checked(TradeModel("dollar_run"), 40)
    kinds = model.event_frame().kind.tolist()
    assert "reserve_run" in kinds and "reserve_handover" in kinds
    assert model.hegemon is not None and model.hegemon.code != "HEG"


def test_every_money_event_takes_effect_and_ends():
    model = TradeModel(_teaching_with(None, EVERY_EVENT))
    heg = model.index_of("HEG")
    model.run(12)  # through 2011
    cf = model.country_frame().set_index(["year", "country"])
    heg_2002 = cf.loc[(2002, "HEG")]  # before the tariff revenue comes in
    assert heg_2002.deficit / heg_2002.gdp > 0.04  # upkeep at 6% of GDP is borrowed
    assert model.state.military_share[heg] == pytest.approx(0.035)  # restored in 2010
    assert cf.loc[(2009, "MAN"), "debt"] > 0
    wf = model.world_frame().set_index("year")
    assert wf.policy_rate.loc[2006] == pytest.approx(0.07)
    assert wf.policy_rate.loc[2008] == pytest.approx(0.02)
    assert wf.tariffs.loc[2005] >= 1
    model.run(12)  # through 2023
    assert model.state.subsidy[heg].max() == pytest.approx(0.2)
    wf = model.world_frame().set_index("year")
    assert wf.reserve_run.loc[2020] == 1


def test_money_switched_off_leaves_the_core_world():
    d = teaching_dict()
    d["money"] = {"enabled": False}
    model = TradeModel(Scenario.from_dict(d)).run(10)
    assert not model.state.debt.any() and not model.state.reserves.any()
    assert "reserve_credibility" not in model.world_frame()


@pytest.mark.parametrize(
    ("event", "field", "allowed"),
    [
        (
            {"kind": "tariff", "year": 2005, "imposer": "XXX", "targets": ["MAN"], "rate": 0.1},
            "events[0].imposer",
            "unknown country",
        ),
        (
            {"kind": "tariff", "year": 2005, "imposer": "HEG", "targets": ["HEG"], "rate": 0.1},
            "events[0].targets",
            "cannot put a tariff on itself",
        ),
        (
            {"kind": "rate_path", "year": 2005, "rates": [0.5]},
            "events[0].rates[0]",
            "less than or equal to 0.3",
        ),
        (
            {"kind": "fiscal_shock", "year": 2005, "countries": ["ZZZ"]},
            "events[0].countries",
            "unknown country",
        ),
        (
            {"kind": "reserve_run", "year": 2005, "years": 0},
            "events[0].years",
            "greater than or equal to 1",
        ),
    ],
)
def test_bad_money_events_give_one_line_errors(event, field, allowed):
    d = teaching_dict()
    d["events"] = [event]
    with pytest.raises(ScenarioError) as err:
        Scenario.from_dict(d, source="x.toml")
    assert err.value.field == field and allowed in err.value.allowed
    assert "\n" not in str(err.value)


def test_bad_country_override_names_the_code():
    d = teaching_dict()
    d["country_overrides"] = {"NOPE": {"debt_to_gdp": 1.0}}
    with pytest.raises(ScenarioError, match=r"country_overrides\.NOPE"):
        Scenario.from_dict(d, source="x.toml")
    d["country_overrides"] = {"HEG": {"debt_to_gdp": -1.0}}
    with pytest.raises(ScenarioError, match="debt_to_gdp"):
        Scenario.from_dict(d, source="x.toml")


def test_lifting_a_tariff_lifts_the_retaliations_and_a_rate_path_can_be_cancelled():
    d = teaching_dict()
    d["events"] = [
        {"kind": "tariff", "year": 2002, "until": 2006, "imposer": "HEG",
         "targets": ["MAN", "FAB"], "rate": 0.2},
        {"kind": "rate_path", "year": 2003, "until": 2010, "rates": [0.07]},
    ]  # fmt: skip
    model = TradeModel(Scenario.from_dict(d)).run(4)
    assert sorted(t.source for t in model.tariffs) == ["event", "retaliation", "retaliation"]
    path = next(ev for ev in model.timeline._starts[2003])
    path.revert(model)  # cancelled in 2004: the rates still to come go, the past stays
    assert sorted(model.money.rate_path) == [2003]
    model.run(3)
    assert model.tariffs == []
    assert model.world_frame().set_index("year").policy_rate.loc[2005] == pytest.approx(0.03)

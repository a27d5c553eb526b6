"""Home services, growth, debt maturity and first-year starts: the core extensions the
historical world needs, each off by default so the synthetic worlds are unchanged."""

import numpy as np
import pytest

from tradetiers import Scenario, TradeModel
from tradetiers.economy import money, services, technology
from tradetiers.identities import identity_errors, state_problems


def _teaching(**over):
    data = Scenario.load("teaching").model_dump()
    for table, values in over.items():
        if table == "countries":
            for c in data["countries"]:
                c.update(values)
        else:
            data[table].update(values)
    return Scenario.from_dict(data)


# -- pure functions -------------------------------------------------------------------
def test_spending_share_starts_at_base_and_rises_with_income():
    base = np.array([0.0, 0.5, 0.8])
    start = np.array([1.0, 1.0, 1.0])
    same = services.spending_share(base, start, start, 0.5)
    assert same == pytest.approx(base)
    richer = services.spending_share(base, 2 * start, start, 0.5)
    assert richer[0] == 0.0  # no services sector stays none
    assert (richer[1:] > base[1:]).all() and (richer < 1).all()
    poorer = services.spending_share(base, 0.5 * start, start, 0.5)
    assert (poorer[1:] < base[1:]).all()
    # before the first year's income is known, the share is the base
    assert services.spending_share(base, start, np.zeros(3), 0.5) == pytest.approx(base)


def test_services_value_added_is_its_share_of_gdp():
    rest = np.array([100.0, 50.0, -5.0])
    share = np.array([0.8, 0.0, 0.5])
    va = services.value_added(rest, share)
    assert va[0] / (va[0] + rest[0]) == pytest.approx(0.8)
    assert va[1] == 0.0 and va[2] == 0.0  # never negative


def test_rollover_reprices_one_maturity_share_a_year():
    paid, market = np.array([0.05]), np.array([0.01])
    assert money.rollover(paid, market, 1.0) is market
    assert money.rollover(paid, market, 4.0) == pytest.approx([0.04])


def test_interest_rate_floor_allows_negative_real_rates():
    r = money.interest_rates(-0.03, 0.01, np.array([0.5]), 0.01, 0.9, np.array([0.0]))
    assert r[0] == 0.0
    r = money.interest_rates(-0.03, 0.01, np.array([0.5]), 0.01, 0.9, np.array([0.0]), floor=-0.05)
    assert r[0] == pytest.approx(-0.02)


def test_social_capability_scales_with_income():
    assert technology.social_capability(np.array([1.0, 4.0]), 0.0) is None
    s = technology.social_capability(np.array([1.0, 4.0]), 0.5)
    assert s == pytest.approx([0.5, 1.0])


def test_unmastered_country_pushes_the_rungs_it_earns_on():
    """With no rung mastered, R&D follows revenue, not the highest rung it touches."""
    rel = np.array([[0.3, 0.2, 0.05]])
    revenue = np.array([[10.0, 5.0, 0.0]])
    out = technology.split_rd(np.array([3.0]), rel, 0.8, 0.4, revenue)
    assert out[0, 2] == 0.0
    assert out[0, 0] == pytest.approx(2 * out[0, 1])


# -- the model --------------------------------------------------------------------------
def test_services_off_adds_nothing():
    m = TradeModel("teaching", rng=1).run(5)
    s = m.state
    assert not s.services_va.any() and not s.services_labour.any()
    assert (m.country_frame()["services_share"] == 0).all()


def test_services_on_holds_identities_and_its_share_of_gdp():
    sc = _teaching(parameters={"services_share": 0.6, "services_income_elasticity": 0.4})
    m = TradeModel(sc, rng=3)
    for _ in range(30):
        m.step()
        assert max(identity_errors(m).values()) <= 1e-9
        assert state_problems(m) == []
        s = m.state
        goods = m.last.market.value_added.sum(axis=1) + s.finance_va
        gdp = goods - m.last.allocation.unsold.sum(axis=0) + s.services_va
        assert s.gdp == pytest.approx(gdp, rel=1e-12)
        assert s.services_va / (goods + s.services_va) == pytest.approx(s.services_share)
    cf = m.country_frame()
    # labour follows services' share of GDP, which rose with income where income rose
    last = cf[cf["year"] == cf["year"].max()].set_index("country")
    first = cf[cf["year"] == cf["year"].min()].set_index("country")
    grew = last["gdp_per_capita"] > 1.2 * first["gdp_per_capita"]
    assert grew.any()
    assert (last.loc[grew, "services_share"] > first.loc[grew, "services_share"]).all()
    assert (last["labour_services"] - m.state.services_share).abs().max() < 0.05


def test_services_lower_the_manufacturing_share():
    plain = TradeModel("teaching", rng=2).run(10).country_frame()
    with_services = (
        TradeModel(_teaching(parameters={"services_share": 0.7}), rng=2).run(10).country_frame()
    )
    last = with_services["year"].max()
    a = plain[plain["year"] == last].set_index("country")["manufacturing_share"]
    b = with_services[with_services["year"] == last].set_index("country")["manufacturing_share"]
    assert (b < 0.6 * a).all()


def test_population_and_productivity_growth():
    sc = _teaching(parameters={"productivity_growth": 0.02}, countries={"population_growth": 0.01})
    m = TradeModel(sc, rng=4).run(20)
    base = TradeModel("teaching", rng=4).run(20)
    assert m.state.population == pytest.approx(base.state.population * 1.01**20)
    assert m.efficiency == pytest.approx(np.full(len(m.goods), 1.02**20))
    ratio = m.world_frame()["world_gdp"].iloc[-1] / base.world_frame()["world_gdp"].iloc[-1]
    assert ratio > 1.02**19  # both growths show in output


def test_starting_debt_is_the_given_share_of_the_first_years_gdp():
    m = TradeModel("dollar_run", rng=0)
    m.step()
    h = m.index_of("HEG")
    before = m.money.debt_before[h]
    assert before == pytest.approx(1.0 * m.state.gdp[h], rel=1e-12)
    assert m.state.debt[h] == pytest.approx(before + m.state.deficit[h], rel=1e-12)


def test_debt_maturity_spreads_a_rate_hike_over_years():
    def hegemon_rates(maturity):
        data = Scenario.load("teaching").model_dump()
        data["money"]["debt_maturity"] = maturity
        data["events"] = [{"kind": "rate_path", "year": 2005, "rates": [0.08] * 10}]
        m = TradeModel(Scenario.from_dict(data), rng=1).run(12)
        return m.world_frame().set_index("year")["hegemon_interest_rate"]

    fast, slow = hegemon_rates(1.0), hegemon_rates(5.0)
    assert fast[2005] - fast[2004] > 0.04  # all of it reprices at once
    assert 0.005 < slow[2005] - slow[2004] < 0.5 * (fast[2005] - fast[2004])
    assert slow[2011] > slow[2006]  # and keeps climbing as debt rolls over


def test_know_how_ban_leaves_trade_alone_but_slows_learning():
    data = Scenario.load("blockade").model_dump()
    data["events"][0]["blocks_trade"] = False
    ban = TradeModel(Scenario.from_dict(data), rng=5).run(25)
    free = TradeModel("teaching", rng=5)
    free.scenario.technology.hegemon_export_controls = False
    free.decision_rules = []
    free.run(25)
    assert ban.last.allocation.unmet.sum() == pytest.approx(0.0, abs=1e-9)
    fab = ban.index_of("FAB")
    semis = ban.goods.index("semiconductors")
    assert ban.state.productivity[fab, semis] <= free.state.productivity[fab, semis]


def test_first_year_demand_follows_incomes():
    """The first year's budget shares use incomes at starting prices, not equal incomes."""
    m = TradeModel("teaching", rng=0)
    m.step()
    budget = m.last.budget
    agr = m.goods.index("agriculture")
    rich, poor = m.index_of("HEG"), m.index_of("AGR")
    assert budget[poor, agr] > budget[rich, agr]


def test_absolute_engel_curves_spend_less_on_food_as_the_world_grows():
    """With ``engel_income = "absolute"`` a world growing richer spends a smaller share of
    its income on food; with the default (relative to today's mean) it does not."""
    shares = {}
    for mode in ("relative", "absolute"):
        sc = _teaching(parameters={"productivity_growth": 0.03, "engel_income": mode})
        m = TradeModel(sc, rng=1)
        m.step()
        first = m.last.budget[:, m.goods.index("agriculture")].mean()
        m.run(25)
        shares[mode] = m.last.budget[:, m.goods.index("agriculture")].mean() / first
    assert shares["absolute"] < 0.9 * shares["relative"]


def test_country_view_counts_services_in_its_manufacturing_share():
    """The agent's share is the frame's: services count in GDP (the run summary uses it)."""
    m = TradeModel(_teaching(parameters={"services_share": 0.7}), rng=2).run(3)
    frame = m.country_frame()
    last = frame[frame["year"] == frame["year"].max()].set_index("country")
    for country in m.countries:
        assert country.manufacturing_share == pytest.approx(
            last.loc[country.code, "manufacturing_share"], rel=1e-12
        )
    assert m.hegemon.manufacturing_share < 0.5

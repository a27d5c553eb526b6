"""Step 6 of the year, money: planned before the markets, settled after them.

Before the markets each country learns what it pays the reserve issuer, what
portfolio money flows in or out, and the current account it plans; that sets its
spending (value added, plus net income, minus the planned current account). After
the markets the realised current account settles in reserves, budgets run, debt
accumulates, and the reserve currency's credibility moves (and may break).

The arithmetic is in :mod:`tradetiers.economy.money`; this module only reads and
writes the model's arrays in the right order and logs what users should see.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from tradetiers.economy import money
from tradetiers.economy.production import FIRST_RUNG
from tradetiers.state import TIER_MANUFACTURER, TIER_RESOURCE
from tradetiers.world import starting_stock_shares

if TYPE_CHECKING:
    from tradetiers.config import MoneySettings
    from tradetiers.model import TradeModel


def policy_rate(model: TradeModel) -> float:
    """This year's policy rate: a scheduled path if any, else the scenario's rule."""
    mc, mw = model.scenario.money, model.money
    if model.year in mw.rate_path:
        return mw.rate_path[model.year]
    if mc.rate_rule == "credibility":
        return mc.policy_rate + mc.rate_response * (1.0 - mw.credibility)
    return mc.policy_rate


def plan(model: TradeModel, output: np.ndarray) -> np.ndarray | None:
    """Plan the year's money; return each country's net transfers to spend (N,), or None."""
    mc, mw, s = model.scenario.money, model.money, model.state
    if not mc.enabled:
        return None
    issuer = s.is_hegemon
    if not mw.started:
        _start_stocks(model, output)
    mw.debt_before = s.debt.copy()
    mw.reserves_before = float(s.reserves.sum())
    mw.handover = 0.0
    rate = policy_rate(model)
    mw.policy_rate = rate
    first = model.last is None
    if mc.regime == "balanced" or first:
        inflows = np.zeros(s.n)
    else:
        exposed = (s.tier >= TIER_RESOURCE) & ~issuer
        targets = money.portfolio_targets(
            s.gdp, exposed, rate, mc.neutral_rate, mc.portfolio_share, mc.portfolio_sensitivity
        )
        inflows = money.capital_flows(s.portfolio, targets, mc.portfolio_speed)
        inflows = np.maximum(inflows, -s.portfolio)  # cannot repay more than is owed
    s.capital_inflow = inflows
    income, finance_va = money.finance_payments(
        s.reserves, s.portfolio, issuer, rate, mc.finance_spread
    )
    s.primary_income, s.finance_va = income, finance_va
    if first:
        s.planned_current_account = np.zeros(s.n)
        s.compression = np.zeros(s.n)
        return income
    run_cut = mc.run_sell_share if mw.run_left > 0 else 0.0
    wanted = money.reserve_targets(s.imports, mc.reserve_months, run_cut)
    capacity = mc.willingness * mw.credibility * float(s.gdp.sum())
    ca = money.plan_current_accounts(
        s.reserves,
        inflows,
        wanted,
        s.gdp,
        issuer,
        regime=mc.regime,
        adjustment=mc.reserve_adjustment,
        inflow_spending=mc.inflow_spending,
        max_surplus=mc.max_surplus,
        hegemon_target=mc.hegemon_surplus,
        world_capacity=capacity,
    )
    s.planned_current_account, s.compression = ca.plan, ca.compression
    mw.hegemon_shortfall = ca.hegemon_shortfall
    if ca.hegemon_shortfall > 1e-9 * max(float(s.gdp.sum()), 1.0):
        model.log(
            "hegemon_surplus_short",
            f"the world cannot pay for the issuer's surplus: short by {ca.hegemon_shortfall:.3g}",
        )
    expected_imports = np.maximum(s.exports + income - ca.plan, 0.0)  # CA = X - M + income
    factor = money.import_factors(
        s.reserves,
        inflows,
        ca.plan,
        expected_imports,
        issuer,
        mc.working_months,
        mc.compression_minimum,
    )
    squeezed = (factor < 1.0) | (ca.compression > 1e-9 * np.maximum(s.gdp, 1e-12))
    for i in np.flatnonzero(squeezed & ~mw.compressed):
        model.log(
            "import_compression",
            f"{s.names[i]} has run out of reserves: its imports are cut to what it can pay",
            s.codes[i],
        )
    mw.compressed = squeezed
    s.import_factor = factor
    return income - ca.plan


def _start_stocks(model: TradeModel, output: np.ndarray) -> None:
    """Reserves from the first year's GDP at starting prices (debt: see ``_start_debt``)."""
    _, reserve_share = starting_stock_shares(model.scenario)
    model.state.reserves = reserve_share * model.gdp_at_last_prices(output)
    model.money.started = True


def settle(model: TradeModel) -> None:
    """Settle the year: reserves, budgets, debt, interest, credibility, runs."""
    mc, mw, s = model.scenario.money, model.money, model.state
    if not mc.enabled:
        return
    issuer = s.is_hegemon
    mw.settled_by = int(np.flatnonzero(issuer)[0]) if issuer.any() else 0
    s.current_account = s.exports - s.imports + s.primary_income
    _tariffs(model)
    s.reserves, s.portfolio, emergency = money.settle(
        s.reserves, s.portfolio, s.current_account, s.capital_inflow, issuer
    )
    s.capital_inflow = s.capital_inflow + emergency
    for i in np.flatnonzero(emergency > 0):
        model.log(
            "emergency_credit", f"{s.names[i]} is lent {emergency[i]:.3g} to settle", s.codes[i]
        )
    if model.year == model.scenario.start_year:
        _start_debt(model)
    _budgets(model)
    _credibility(model)


def _start_debt(model: TradeModel) -> None:
    """Starting debt: the scenario's share of the first year's GDP as it turned out.

    Reserves are set before the first year's markets, from GDP at starting prices, since
    the year's plans use them; debt is not needed before the budgets, so it is set on
    the realised GDP (a scenario's ``debt_to_gdp`` then holds exactly).
    """
    s, mw = model.state, model.money
    debt_share, _ = starting_stock_shares(model.scenario)
    s.debt = debt_share * np.maximum(s.gdp, 0.0)
    mw.debt_before = s.debt.copy()


def _tariffs(model: TradeModel) -> None:
    """Tariff revenue (N,) and each country's tariff wedge on its purchases (N, G)."""
    s = model.state
    revenue = np.zeros(s.n)
    wedge = np.zeros_like(s.tariff_wedge)
    if model.tariffs and model.last is not None and model._kernel is not None:
        a, bought = model.last.allocation, model.last.allocation.bought
        for t in model.tariffs:
            from_targets = np.zeros_like(a.u)
            from_targets[:, t.targets] = a.u[:, t.targets]
            into = model._kernel.col(from_targets) * a.v  # (G, N) flows from the targets
            flows = into[t.goods, t.imposer]
            revenue[t.imposer] += t.rate * flows.sum()
            share = np.divide(
                flows,
                bought[t.goods, t.imposer],
                out=np.zeros_like(flows),
                where=bought[t.goods, t.imposer] > 0,
            )
            wedge[t.imposer, t.goods] += t.rate * share
    s.tariff_revenue, s.tariff_wedge = revenue, wedge
    assert model.last is not None
    s.price_index = money.price_index(model.prices, model.last.budget, wedge)


def _budgets(model: TradeModel) -> None:
    """Government budgets under each country's fiscal rule; the deficit goes to debt."""
    mc, mw, s = model.scenario.money, model.money, model.state
    issuer = s.is_hegemon
    gdp = np.maximum(s.gdp, 0.0)
    ratio = np.divide(mw.debt_before, gdp, out=np.zeros_like(gdp), where=gdp > 0)
    response = np.where(issuer, mc.hegemon_fiscal_response, mc.fiscal_response)
    s.tax_rate = money.tax_rates(
        ratio, s.tax_base, response, mc.debt_anchor, mc.tax_floor, mc.tax_ceiling
    )
    foreign = float((s.reserves + s.portfolio).sum())
    heg_gdp = float(gdp[issuer].sum())
    discount = np.where(
        issuer, money.privilege(foreign, heg_gdp, mc.privilege_scale, mc.privilege_cap), 0.0
    )
    rates = money.interest_rates(
        mw.policy_rate,
        mc.term_premium,
        ratio,
        mc.debt_spread,
        mc.debt_spread_threshold,
        discount,
        mc.debt_spread_cap,
        mc.rate_floor,
    )
    if mw.run_left > 0:
        rates = rates + np.where(issuer, mc.run_premium, 0.0)
    first = model.year == model.scenario.start_year
    rates = rates if first else money.rollover(s.interest_rate, rates, mc.debt_maturity)
    s.interest_rate = rates
    public_rd = s.rd_public_share * gdp if model.scenario.technology.enabled else np.zeros(s.n)
    s.subsidy_cost = (s.subsidy * np.maximum(s.value_added, 0.0)).sum(axis=1)
    budget = money.government_budget(
        mw.debt_before,
        gdp,
        s.tax_rate,
        rates,
        s.base_spending,
        s.military_share,
        public_rd,
        s.extra_spending * gdp + s.subsidy_cost,
        s.tariff_revenue - s.revenue_loss * gdp,
    )
    s.gov_revenue, s.gov_spending = budget.revenue, budget.spending
    s.interest_bill, s.deficit = budget.interest_bill, budget.deficit
    s.debt_write_off = money.restructure(
        budget.debt, gdp, mc.restructuring_threshold, mc.restructuring_haircut
    )
    s.debt = budget.debt - s.debt_write_off
    for i in np.flatnonzero(s.debt_write_off > 0):
        model.log(
            "debt_restructuring",
            f"{s.names[i]} restructures: {100 * mc.restructuring_haircut:.0f}% of its debt "
            "written off",
            s.codes[i],
        )


def _credibility(model: TradeModel) -> None:
    """Credibility of the reserve currency; a run below the threshold; a possible hand-over."""
    mc, mw, s = model.scenario.money, model.money, model.state
    idx = np.flatnonzero(s.is_hegemon)
    if idx.size == 0:
        return
    h = int(idx[0])
    weight = money.economic_weight(
        s.value_added[:, FIRST_RUNG:].sum(axis=1),
        np.maximum(s.rents[:, FIRST_RUNG:], 0).sum(axis=1),
    )
    gdp = max(float(s.gdp[h]), 1e-12)
    liabilities = float((s.reserves + s.portfolio).sum()) / gdp
    if model.year - model.scenario.start_year < mc.credibility_burn_in:
        return  # the world is still settling from its start
    if mw.share_start <= 0:
        mw.share_start = float(weight[h])
        mw.liabilities_start = max(liabilities, 1e-9)
    # foreign liabilities count by how far they have grown relative to the issuer's GDP,
    # so that the rule means the same in a world where the issuer is large or small
    target = _credibility_of(
        mc,
        float(s.debt[h]) / gdp,
        liabilities / mw.liabilities_start,
        float(weight[h]),
        mw.share_start,
    )
    mw.credibility += mc.credibility_smoothing * (float(target) - mw.credibility)
    if mc.reserve_transition:  # counts this year as a year of run if one was in force in it
        _transition(model, h, weight)
    if mw.run_left > 0:
        mw.run_left -= 1
        if mw.run_left == 0:
            model.log("reserve_run_over", "the run on the reserve currency is over")
            mw.years_below = 0
    elif mw.credibility < mc.run_threshold:
        mw.years_below += 1
        if mw.years_below >= mc.run_patience:
            start_run(model, mc.run_years, "credibility below the threshold")
    else:
        mw.years_below = 0


def _credibility_of(
    mc: MoneySettings, debt_ratio: Any, liab_ratio: float, weight: Any, start: float
) -> Any:
    """Credibility a currency would have with these debts and this economic weight."""
    return money.credibility_target(
        debt_ratio,
        liab_ratio,
        weight,
        start,
        debt_weight=mc.credibility_debt_weight,
        debt_reference=mc.credibility_debt_reference,
        liability_weight=mc.credibility_liability_weight,
        liability_reference=mc.credibility_liability_reference,
        share_weight=mc.credibility_share_weight,
    )


def start_run(model: TradeModel, years: int, why: str) -> None:
    """Holders start selling the reserve currency for ``years`` years."""
    mw = model.money
    mw.run_left = max(mw.run_left, years)
    heg = model.hegemon
    model.log(
        "reserve_run",
        f"holders run on the reserve currency ({why}): reserves sold, interest spikes",
        heg.code if heg is not None else "",
    )


def _transition(model: TradeModel, h: int, weight: np.ndarray) -> None:
    """During a run, the reserve role passes to the strongest credible manufacturer."""
    mc, mw, s = model.scenario.money, model.money, model.state
    if mw.run_left <= 0:
        mw.candidate_years = 0
        return
    eligible = np.flatnonzero(
        (s.tier == TIER_MANUFACTURER) & ~s.is_hegemon & (weight > 0.5 * weight[h])
    )
    ratio = s.debt[eligible] / np.maximum(s.gdp[eligible], 1e-12)
    scores = np.atleast_1d(_credibility_of(mc, ratio, 0.0, weight[eligible], mw.share_start))
    if scores.size == 0 or scores.max() <= mw.credibility:
        mw.candidate_years = 0
        return
    best = int(eligible[int(np.argmax(scores))])
    mw.candidate_years = mw.candidate_years + 1 if best == mw.candidate else 1
    mw.candidate = best
    if mw.candidate_years >= mc.transition_years:
        hand_over(model, h, best, float(weight[best]), float(scores.max()))


def hand_over(model: TradeModel, old: int, new: int, weight: float, credibility: float) -> None:
    """The reserve role passes from ``old`` to ``new`` (the UK to the US).

    Holders' claims carry over at par; the new issuer's own holdings and debts to the
    old finance sector are extinguished (it cannot hold claims on itself), which is
    recorded so that the reserve identity still balances.
    """
    s, mw = model.state, model.money
    mw.handover = float(s.reserves[new])
    s.reserves[new] = 0.0
    s.portfolio[new] = 0.0
    s.is_hegemon[old], s.is_hegemon[new] = False, True
    s.military_share[old], s.military_share[new] = s.military_share[new], s.military_share[old]
    mw.share_start, mw.credibility = weight, credibility
    gdp = max(float(s.gdp[new]), 1e-12)
    mw.liabilities_start = max(float((s.reserves + s.portfolio).sum()) / gdp, 1e-9)
    mw.run_left = mw.years_below = mw.candidate_years = 0
    model.log(
        "reserve_handover",
        f"the reserve role passes from {s.names[old]} to {s.names[new]}",
        s.codes[new],
    )

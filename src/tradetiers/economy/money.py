"""Money (M2, M8, M9): settlement, reserves, finance rents, budgets, credibility, runs.

Stock-flow consistent in the sense of Godley and Lavoie: every flow is paid by one
country and received by another, and every stock changes only by its flows.

- A non-issuer's reserves ``H`` change by its current account plus its net capital
  inflow: ``ΔH = CA + ΔP``. ``P`` is the portfolio money the issuer's finance sector
  has placed in it (its liability). The issuer holds no reserves of its own money.
- Holders pay ``(spread + policy rate)`` on ``H + P`` to the issuer. That is primary
  income, a transfer, not goods output: the goods identities are untouched. The
  issuer's finance *sector* earns the spread (its value added); the policy-rate part
  is interest income of the issuer's savers, which counts in its national income but
  in no sector. So with the spread at zero, finance pays nothing and nobody moves
  into it; the "finance premium" is the spread.
- The change in world reserves is therefore the issuer's settlement flows: minus its
  current account, plus what its finance sector lends.
- Debt changes only by the deficit: ``D_t = D_{t-1} + deficit_t``.

All functions are pure and vectorised over countries; the model owns the arrays.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class CurrentAccountPlan:
    """Planned current accounts for the year, and who could not get what they wanted."""

    plan: np.ndarray  # (N,) planned current account; sums to zero
    compression: np.ndarray  # (N,) planned deficit that could not be paid (>= 0)
    hegemon_shortfall: float  # part of a forced issuer surplus the world could not pay for
    willingness_cut: float  # reserve accumulation refused because the world holds enough


def finance_payments(
    reserves: np.ndarray,
    portfolio: np.ndarray,
    issuer: np.ndarray,
    policy_rate: float,
    spread: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Net primary income from the reserve system (N,), and the issuer's finance value added.

    Holders pay ``(spread + policy_rate) * (H + P)``; the issuer receives all of it.
    Its finance sector's value added is the spread part only (see the module docstring).
    """
    base = np.where(issuer, 0.0, reserves + portfolio)
    paid = (spread + policy_rate) * base
    income = -paid
    income[issuer] += paid.sum() / max(int(issuer.sum()), 1)
    finance_va = np.zeros_like(reserves)
    finance_va[issuer] = spread * base.sum() / max(int(issuer.sum()), 1)
    return income, finance_va


def portfolio_targets(
    gdp: np.ndarray,
    exposed: np.ndarray,
    policy_rate: float,
    neutral_rate: float,
    share: float,
    sensitivity: float,
) -> np.ndarray:
    """Portfolio money the issuer's finance wants placed in each exposed country (N,).

    The capital-flow rule of the dollar tide: a rate above neutral makes money at home
    pay more, so the stock placed abroad shrinks, ``exp(-sensitivity * (r - neutral))``.
    Without such a rule a rate hike moves nothing (DESIGN.md §2).
    """
    level = share * np.exp(-sensitivity * (policy_rate - neutral_rate))
    return np.where(exposed, level * np.maximum(gdp, 0.0), 0.0)


def capital_flows(portfolio: np.ndarray, targets: np.ndarray, speed: float) -> np.ndarray:
    """Net portfolio inflow per country this year (N,): part of the gap to the target."""
    return speed * (targets - portfolio)


def reserve_targets(imports: np.ndarray, months: float, run_cut: float) -> np.ndarray:
    """Reserves each country wants (N,): ``months`` of imports, less what a run sells."""
    return (months / 12.0) * imports * (1.0 - run_cut)


def plan_current_accounts(
    reserves: np.ndarray,
    inflows: np.ndarray,
    targets: np.ndarray,
    gdp: np.ndarray,
    issuer: np.ndarray,
    *,
    regime: str,
    adjustment: float,
    inflow_spending: float,
    max_surplus: float,
    hegemon_target: float | None,
    world_capacity: float,
) -> CurrentAccountPlan:
    """Each country's current account for the year, summing to zero.

    Non-issuers want to close part of the gap to their reserve target and spend part
    of their capital inflow: ``CA = adjustment * (H* - H) - inflow_spending * ΔP``.
    They cannot run a deficit beyond the reserves they hold plus what flows in: the
    rest is *import compression*. Under ``reserve_currency`` the issuer pays with its
    own money and so takes the other side (its current account is the residual), but
    only up to the world's willingness to hold reserves (``world_capacity``). With a
    ``hegemon_target`` (a surplus as a share of its GDP) the issuer is no longer the
    residual: the others must run the matching deficits, shared out over the room
    their reserves give them, and what they cannot pay is the issuer's shortfall.
    Under ``balanced`` every current account is zero: nobody borrows abroad.
    """
    n = reserves.size
    zero = np.zeros(n)
    if regime == "balanced" or not issuer.any():
        return CurrentAccountPlan(zero, zero.copy(), 0.0, 0.0)
    others = ~issuer
    room = np.where(others, np.maximum(reserves + inflows, 0.0), 0.0)
    desired = adjustment * (targets - reserves) - inflow_spending * inflows
    desired = np.minimum(desired, max_surplus * np.maximum(gdp, 0.0))
    plan = np.where(others, np.maximum(desired, -room), 0.0)
    compression = np.where(others, np.maximum(-room - desired, 0.0), 0.0)
    # the world's willingness to hold the issuer's money caps reserve accumulation
    after = (reserves + inflows + plan)[others].sum()
    cut = 0.0
    if after > world_capacity:
        positive = np.where(others, np.maximum(plan, 0.0), 0.0)
        excess = min(after - world_capacity, positive.sum())
        if excess > 0:
            plan = plan - positive * (excess / positive.sum())
            cut = float(excess)
    shortfall = 0.0
    if hegemon_target is not None:
        surplus = hegemon_target * float(np.maximum(gdp[issuer], 0.0).sum())
        gap = plan[others].sum() + surplus  # how far the others must come down together
        if gap > 0:
            headroom = np.where(others, plan + room, 0.0)
            total = headroom.sum()
            take = min(gap, total)
            if total > 0:
                plan = plan - headroom * (take / total)
            shortfall = float(gap - take)
    # the issuer's surplus is bounded like anyone's: the others' drawdowns are scaled to fit
    cap = max(max_surplus, hegemon_target or 0.0) * float(np.maximum(gdp[issuer], 0.0).sum())
    drawn = -plan[others].sum()
    if drawn > cap:
        negative = np.where(others, np.minimum(plan, 0.0), 0.0)
        plan = plan - negative * min(1.0, (drawn - cap) / -negative.sum())
    plan[issuer] = -plan[others].sum() / int(issuer.sum())
    return CurrentAccountPlan(plan, compression, shortfall, cut)


def import_factors(
    reserves: np.ndarray,
    inflows: np.ndarray,
    plan: np.ndarray,
    expected_imports: np.ndarray,
    issuer: np.ndarray,
    floor_months: float,
    minimum: float,
) -> np.ndarray:
    """Share of its imports a country can settle this year (N,), 1 when it is not short.

    Trade is settled in the reserve currency: a country pays for its imports with its
    export earnings, plus the reserves it runs down (its planned deficit) and what
    flows in, and must keep a working balance of ``floor_months`` of imports. A
    country whose reserves after its planned deficit fall short of that balance
    cannot settle the shortfall: that part of its imports is cut (import
    compression), never below ``minimum`` of its imports. The issuer pays in its own
    money.
    """
    balance = reserves + np.maximum(inflows, 0.0) + plan  # left after the planned deficit
    short = np.maximum((floor_months / 12.0) * expected_imports - np.maximum(balance, 0.0), 0.0)
    ratio = 1.0 - np.divide(
        short, expected_imports, out=np.zeros_like(short), where=expected_imports > 0
    )
    return np.where(issuer, 1.0, np.clip(ratio, minimum, 1.0))


def settle(
    reserves: np.ndarray,
    portfolio: np.ndarray,
    current_account: np.ndarray,
    inflows: np.ndarray,
    issuer: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """New reserves and portfolio stocks after the year's settlement, and emergency credit.

    ``ΔH = CA + ΔP``. A country whose realised current account came out worse than
    planned (sales it could not make) and whose reserves would go negative is lent
    the difference by the issuer's finance sector: it becomes portfolio liability, so
    no stock is ever negative and nothing goes missing.
    """
    new_h = np.where(issuer, 0.0, reserves + current_account + inflows)
    emergency = np.where(issuer, 0.0, np.maximum(-new_h, 0.0))
    new_h = new_h + emergency
    new_p = np.where(issuer, 0.0, np.maximum(portfolio + inflows + emergency, 0.0))
    return new_h, new_p, emergency


def tax_rates(
    debt_to_gdp: np.ndarray,
    base: float | np.ndarray,
    response: np.ndarray,
    anchor: float,
    low: float,
    high: float,
) -> np.ndarray:
    """The fiscal rule (N,): ``base + response * (D/Y - anchor)``, within bounds.

    Without a rule debt explodes for some countries and goes negative for others
    (DESIGN.md §2); the issuer's response is weaker, which is part of the story.
    """
    return np.clip(base + response * (debt_to_gdp - anchor), low, high)


def privilege(world_reserves: float, issuer_gdp: float, scale: float, cap: float) -> float:
    """The issuer's interest discount, growing with foreign holdings of its money."""
    if issuer_gdp <= 0:
        return 0.0
    return float(min(cap, scale * world_reserves / issuer_gdp))


def interest_rates(
    policy_rate: float,
    term_premium: float,
    debt_to_gdp: np.ndarray,
    slope: float,
    threshold: float,
    discount: np.ndarray,
    cap: float = np.inf,
    floor: float = 0.0,
) -> np.ndarray:
    """Market rate on government debt (N,).

    The policy rate plus the term premium, plus a spread rising with debt/GDP, minus the
    issuer's privilege, never below ``floor``.
    """
    spread = np.minimum(slope * np.maximum(debt_to_gdp - threshold, 0.0), cap)
    return np.maximum(policy_rate + term_premium + spread - discount, floor)


def rollover(paid: np.ndarray, market: np.ndarray, maturity: float) -> np.ndarray:
    """Rate paid on the whole debt (N,): a ``1 / maturity`` share of it reprices each year.

    Debt of several years' maturity is not all refinanced at this year's rate, so a rate
    hike raises the interest bill over years, not at once. ``maturity`` 1 reprices all.
    """
    if maturity <= 1.0:
        return market
    return paid + (market - paid) / maturity


@dataclass(frozen=True)
class Budget:
    """One year's government accounts, (N,) each."""

    revenue: np.ndarray
    spending: np.ndarray
    interest_bill: np.ndarray
    deficit: np.ndarray
    debt: np.ndarray


def government_budget(
    debt: np.ndarray,
    gdp: np.ndarray,
    tax_rate: np.ndarray,
    interest_rate: np.ndarray,
    base_spending: np.ndarray,
    military: np.ndarray,
    public_rd: np.ndarray,
    extra_spending: np.ndarray,
    other_revenue: np.ndarray,
) -> Budget:
    """Revenue, spending, interest, deficit and the new debt stock.

    Spending is the base, plus military or global-order upkeep, plus public R&D,
    plus extra outlays (shocks, subsidies), plus interest on last year's debt (shares
    are of GDP, ``public_rd`` and ``extra_spending`` are values). The deficit goes to
    debt.
    """
    y = np.maximum(gdp, 0.0)
    interest_bill = interest_rate * debt
    revenue = tax_rate * y + other_revenue
    spending = (base_spending + military) * y + public_rd + extra_spending + interest_bill
    deficit = spending - revenue
    return Budget(revenue, spending, interest_bill, deficit, debt + deficit)


def restructure(debt: np.ndarray, gdp: np.ndarray, threshold: float, haircut: float) -> np.ndarray:
    """Debt written off by governments past ``threshold`` debt/GDP (N,).

    Without a default the model would let an unsustainable debt grow without bound
    (interest outgrowing any tax rule); creditors take a ``haircut`` instead.
    """
    ratio = np.divide(debt, gdp, out=np.zeros_like(debt), where=gdp > 0)
    return np.where(ratio > threshold, haircut * debt, 0.0)


def credibility_target(
    debt_to_gdp: float | np.ndarray,
    liabilities_growth: float,
    share: float | np.ndarray,
    share_start: float,
    *,
    debt_weight: float,
    debt_reference: float,
    liability_weight: float,
    liability_reference: float,
    share_weight: float,
) -> float | np.ndarray:
    """Where the reserve currency's credibility is heading, in [0, 1].

    It falls with the issuer's debt/GDP above a reference, with the growth of its
    foreign liabilities (the world's reserves and portfolio claims, the sum of its
    past deficits) relative to its GDP, as a multiple of where they started, above a
    reference multiple, and with the fall of its share of world manufacturing and
    technology rents from where it started. Vectorised over candidate issuers
    (arrays of debt ratios and shares).
    """
    debt = debt_weight * np.maximum(np.asarray(debt_to_gdp) - debt_reference, 0.0)
    liabilities = liability_weight * max(liabilities_growth - liability_reference, 0.0)
    lost = (
        share_weight * np.maximum(1.0 - np.asarray(share) / share_start, 0.0)
        if share_start > 0
        else 0.0
    )
    out = np.clip(1.0 - debt - liabilities - lost, 0.0, 1.0)
    return float(out) if np.ndim(out) == 0 else out


def economic_weight(manufacturing_va: np.ndarray, tech_rents: np.ndarray) -> np.ndarray:
    """Each country's share of world manufacturing and technology rents, averaged (N,)."""
    out = np.zeros(manufacturing_va.shape[0])
    for values in (manufacturing_va, tech_rents):
        total = values.sum()
        if total > 0:
            out += 0.5 * values / total
    return out


def finance_pay(finance_va: np.ndarray, finance_workers: np.ndarray) -> np.ndarray:
    """Value added per finance worker (N,); zero where there is no finance sector."""
    return np.divide(
        finance_va, finance_workers, out=np.zeros_like(finance_va), where=finance_workers > 0
    )


def price_index(prices: np.ndarray, budget: np.ndarray, tariff_wedge: np.ndarray) -> np.ndarray:
    """Consumer price index per country (N,), relative to world prices.

    World prices are one per good; a tariff makes what a country imports from the
    taxed partners dearer at home by the tariff times the taxed share of its purchases
    (``tariff_wedge``, (N, G)). 1 means the country pays world prices.
    """
    weights = budget * prices[None, :]
    total = weights.sum(axis=1)
    taxed = (weights * (1.0 + tariff_wedge)).sum(axis=1)
    return np.divide(taxed, total, out=np.ones_like(total), where=total > 0)

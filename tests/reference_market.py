"""Plain-Python reference ("oracle") of one year's market step.

Written the way a typical Mesa model is written: explicit loops over countries and
goods, Python lists and floats, ``math.exp``. It is derived from the documented
behaviour of ``tradetiers.economy`` (trade, gravity), not from its code, and calls
none of it, so that the vectorised pipeline can be checked against it.

Goods are in array order: agriculture (0), resources (1), then the manufacturing
ladder (2, 3, ...). Manufacturing pays a share ``c`` of its revenue for resources,
so its value-added share is ``1 - c``; primary goods have value-added share 1.

The year's step:

1. Prices. For every *active* good g (someone produces it and someone may buy it),
   value of supply equals spending on it::

       p_g Q_g = sum_j b_jg E_j + [g = resources] * c * sum_{k manufacturing} p_k Q_k
       E_j     = sum_h p_h Y_jh va_h                      (value added of country j)

   The system is singular (Walras' law), so the equation of the largest market (the
   largest world output Q) is replaced by the numeraire: the base-year world output
   of the active goods costs, at this year's prices, what it cost in the base year
   (``sum_g base_g p_g = sum_g base_g``). Inactive goods keep last year's price.
2. Flows. Revenue ``p_g Y_ig`` (0 for inactive goods), value added ``va_g`` times
   revenue, spending ``E_j`` the sum of value added, purchases ``b_jg E_j`` plus, for
   resources, ``c`` times the country's manufacturing revenue.
3. Margins. ``floor + (ceiling - floor) * h_g`` with ``h_g`` the Herfindahl index of
   world supply rescaled so that 0 is an even split over all N countries and 1 a
   monopoly (clipped to [0, 1]; a good nobody supplies counts as a monopoly).
4. Bilateral flows. Kernel ``K[g][i][j] = exp(-theta * D[i][j] / 1000)`` if country i
   produces g, else 0 (and 0 where there is no route, ``D = inf``). Flows
   ``X[g][i][j] = u_i K_ij v_j`` by plain RAS (Sinkhorn): alternately scale rows to
   sales and columns to purchases until both match to ``tol`` times the good's total.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy

AGRICULTURE = 0
RESOURCES = 1
FIRST_RUNG = 2


@dataclass
class ReferenceMarket:
    """One year's market outcome, as nested Python lists (country-major unless noted)."""

    prices: list[float]  # [g]
    active: list[bool]  # [g]
    revenue: list[list[float]]  # [i][g]
    value_added: list[list[float]]  # [i][g]
    spending: list[float]  # [i]
    purchases: list[list[float]]  # [i][g]
    margins: list[float]  # [g]
    kernel: list[list[list[float]]]  # [g][supplier][buyer]
    flows: list[list[list[float]]]  # [g][supplier][buyer]
    iterations: list[int]  # [g] RAS sweeps used


def market_prices(
    output: list[list[float]],
    budget: list[list[float]],
    va_share: list[float],
    input_share: float,
    base_output: list[float],
    last_prices: list[float],
) -> tuple[list[float], list[bool]]:
    """Market-clearing prices [g] and which goods were priced."""
    n_countries = len(output)
    n_goods = len(va_share)

    world_output = [0.0] * n_goods
    demand_weight = [0.0] * n_goods
    for i in range(n_countries):
        for g in range(n_goods):
            world_output[g] += output[i][g]
            demand_weight[g] += budget[i][g]

    active = [world_output[g] > 0 and demand_weight[g] > 0 for g in range(n_goods)]
    prices = [float(p) for p in last_prices]
    goods = [g for g in range(n_goods) if active[g]]
    if not goods:
        return prices, active

    # Build the linear system A p = rhs over the active goods, one row per good.
    size = len(goods)
    a = numpy.zeros((size, size))
    rhs = numpy.zeros(size)
    for row, g in enumerate(goods):
        for col, h in enumerate(goods):
            # spending on g that one unit of price of h generates
            spent = 0.0
            for j in range(n_countries):
                spent += budget[j][g] * output[j][h] * va_share[h]
            if g == RESOURCES and h >= FIRST_RUNG:
                spent += input_share * world_output[h]
            supply = world_output[g] if g == h else 0.0
            a[row, col] = supply - spent

    # The numeraire replaces the equation of the largest market.
    largest = 0
    for row, g in enumerate(goods):
        if world_output[g] > world_output[goods[largest]]:
            largest = row
    basket = [base_output[g] for g in goods]
    if sum(basket) <= 0:
        basket = [world_output[g] for g in goods]
    for col in range(size):
        a[largest, col] = basket[col]
    rhs[largest] = sum(basket)

    solution = numpy.linalg.solve(a, rhs)
    for row, g in enumerate(goods):
        prices[g] = float(solution[row])
    return prices, active


def herfindahl_margins(output: list[list[float]], floor: float, ceiling: float) -> list[float]:
    """Profit share of revenue per good, from the normalised concentration of supply."""
    n_countries = len(output)
    n_goods = len(output[0])
    margins = []
    for g in range(n_goods):
        total = 0.0
        for i in range(n_countries):
            total += output[i][g]
        if total > 0:
            hhi = 0.0
            for i in range(n_countries):
                share = output[i][g] / total
                hhi += share * share
            h = (hhi - 1.0 / n_countries) / (1.0 - 1.0 / n_countries)
            h = min(max(h, 0.0), 1.0)
        else:
            h = 1.0
        margins.append(floor + (ceiling - floor) * h)
    return margins


def gravity_kernel(
    output: list[list[float]], distance: list[list[float]], decay: float
) -> list[list[list[float]]]:
    """K[g][i][j]: the weight of supplier i selling good g to buyer j."""
    n_countries = len(output)
    n_goods = len(output[0])
    kernel = []
    for g in range(n_goods):
        rows = []
        for i in range(n_countries):
            row = []
            for j in range(n_countries):
                km = distance[i][j]
                if output[i][g] > 0 and not math.isinf(km):
                    row.append(math.exp(-decay * km / 1000.0))
                else:
                    row.append(0.0)
            rows.append(row)
        kernel.append(rows)
    return kernel


def ras(
    kernel: list[list[float]],
    sales: list[float],
    purchases: list[float],
    tol: float = 1e-13,
    max_iter: int = 100_000,
) -> tuple[list[list[float]], int]:
    """Plain RAS on one good: flows whose row sums are sales and column sums purchases.

    Raises:
        ValueError: if total sales and total purchases differ.
        RuntimeError: if the sums do not match to ``tol`` of the total in ``max_iter``.
    """
    n = len(sales)
    total = sum(sales)
    if abs(total - sum(purchases)) > 1e-9 * max(total, sum(purchases)):
        raise ValueError(f"sales {total} and purchases {sum(purchases)} differ")
    if total <= 0:
        return [[0.0] * n for _ in range(n)], 0
    u = [1.0 if sales[i] > 0 else 0.0 for i in range(n)]
    v = [1.0 if purchases[j] > 0 else 0.0 for j in range(n)]
    for sweep in range(1, max_iter + 1):
        # rows: scale each supplier to its sales
        for i in range(n):
            if sales[i] > 0:
                weighted = 0.0
                for j in range(n):
                    weighted += kernel[i][j] * v[j]
                u[i] = sales[i] / weighted if weighted > 0 else 0.0
        # columns: scale each buyer to its purchases
        for j in range(n):
            if purchases[j] > 0:
                weighted = 0.0
                for i in range(n):
                    weighted += u[i] * kernel[i][j]
                v[j] = purchases[j] / weighted if weighted > 0 else 0.0
        # check both margins of the current flows
        row_sum = [0.0] * n
        col_sum = [0.0] * n
        for i in range(n):
            for j in range(n):
                x = u[i] * kernel[i][j] * v[j]
                row_sum[i] += x
                col_sum[j] += x
        worst = 0.0
        for i in range(n):
            worst = max(worst, abs(row_sum[i] - sales[i]), abs(col_sum[i] - purchases[i]))
        if worst <= tol * total:
            flows = [[u[i] * kernel[i][j] * v[j] for j in range(n)] for i in range(n)]
            return flows, sweep
    raise RuntimeError(f"RAS did not converge in {max_iter} sweeps")


def market_step(
    output: list[list[float]],
    budget: list[list[float]],
    va_share: list[float],
    input_share: float,
    base_output: list[float],
    last_prices: list[float],
    distance: list[list[float]],
    decay: float,
    margin_floor: float,
    margin_ceiling: float,
    tol: float = 1e-13,
) -> ReferenceMarket:
    """One year's market step, from output Y[i][g] and budget shares b[i][g].

    Args:
        output: real output Y[i][g].
        budget: budget shares b[i][g].
        va_share: value-added share of revenue per good.
        input_share: manufacturing's resource cost share c.
        base_output: base-year world output per good (the numeraire basket).
        last_prices: last year's prices (kept by goods that are not priced).
        distance: path distance D[i][j] in km, ``inf`` where there is no route.
        decay: distance decay theta of the gravity weight.
        margin_floor: margin of a good supplied evenly by every country.
        margin_ceiling: margin of a monopoly.
        tol: RAS tolerance on row and column sums, relative to the good's total.
    """
    n_countries = len(output)
    n_goods = len(va_share)
    # with nobody mining, manufacturing has no resource bill to pay: all of it is value added
    if sum(output[i][RESOURCES] for i in range(n_countries)) == 0.0:
        input_share = 0.0
        va_share = [1.0] * n_goods

    prices, active = market_prices(output, budget, va_share, input_share, base_output, last_prices)

    revenue = []
    value_added = []
    spending = []
    for i in range(n_countries):
        rev_row = []
        va_row = []
        for g in range(n_goods):
            rev = prices[g] * output[i][g] if active[g] else 0.0
            rev_row.append(rev)
            va_row.append(rev * va_share[g])
        revenue.append(rev_row)
        value_added.append(va_row)
        spending.append(sum(va_row))

    purchases = []
    for i in range(n_countries):
        row = [budget[i][g] * spending[i] for g in range(n_goods)]
        manufacturing_revenue = 0.0
        for g in range(FIRST_RUNG, n_goods):
            manufacturing_revenue += revenue[i][g]
        row[RESOURCES] += input_share * manufacturing_revenue
        purchases.append(row)

    margins = herfindahl_margins(output, margin_floor, margin_ceiling)

    kernel = gravity_kernel(output, distance, decay)
    flows = []
    iterations = []
    for g in range(n_goods):
        sales = [revenue[i][g] for i in range(n_countries)]
        bought = [purchases[j][g] for j in range(n_countries)]
        x, sweeps = ras(kernel[g], sales, bought, tol)
        flows.append(x)
        iterations.append(sweeps)

    return ReferenceMarket(
        prices=prices,
        active=active,
        revenue=revenue,
        value_added=value_added,
        spending=spending,
        purchases=purchases,
        margins=margins,
        kernel=kernel,
        flows=flows,
        iterations=iterations,
    )

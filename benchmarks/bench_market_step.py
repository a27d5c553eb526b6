"""One year's market step: the vectorised pipeline against the plain-Python oracle.

Run: ``python benchmarks/bench_market_step.py [--countries 200] [--warmup 5] [--repeats 5]``.
Prints figures, asserts nothing.

A dense synthetic world (complete graph) is run for a few years; the next year's inputs
(output, budget shares, last prices, path distances) are then fed to

* the vectorised step: gravity kernel, budget shares, prices, market flows, margins
  and the Sinkhorn allocation, from a cold start (best of several repeats), and, as
  the model runs it, with the kernel cached and the scalings warm-started;
* the oracle (tests/reference_market.py): the same step with Python loops, run once.

Both balance flows to the scenario's tolerance, so they do the same work.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from reference_market import market_step

from tradetiers import Scenario, TradeModel
from tradetiers.economy import demand, gravity, production, trade


def next_year_inputs(model: TradeModel) -> dict:
    """What the model's next market step would be given (no events or decisions)."""
    s, p = model.state, model.scenario.parameters
    workers = production.labour_input(s.population, s.labour_shares)
    output = production.produce(
        s.productivity, workers, s.land, s.deposits, p.land_elasticity, p.deposit_elasticity
    )
    distances = model._distances
    assert distances is not None and distances.dense, "the benchmark needs a dense world"
    return {
        "output": output,
        "distances": distances,
        "relative_income": model.relative_income.copy(),
        "last_prices": model.prices.copy(),
        "base_output": model.base_output,
        "warm": model.last.allocation if model.last is not None else None,
    }


def vectorised_step(
    model: TradeModel, x: dict, kernel: gravity.Kernel | None = None, warm: bool = False
) -> tuple:
    """The market step as the model chains it; builds the kernel unless one is given."""
    p, gs = model.scenario.parameters, model.scenario.graph
    output = x["output"]
    if kernel is None:
        kernel = gravity.build_kernel(
            x["distances"], output > 0, p.distance_decay, gs.suppliers_per_buyer
        )
    budget = demand.budget_shares(
        x["relative_income"], model.base_shares, model.elasticities, kernel.buyer_reach()
    )
    prices, active = trade.clear_prices(
        output, budget, p.resource_input_share, x["base_output"], x["last_prices"]
    )
    market = trade.market_flows(prices, output, budget, p.resource_input_share, active)
    margins = trade.margins(output, p.margin_floor, p.margin_ceiling)
    alloc = gravity.allocate(
        kernel,
        market.revenue.T,
        market.purchases.T,
        p.sinkhorn_tolerance,
        p.sinkhorn_max_iter,
        p.unmet_weight,
        warm=x["warm"] if warm else None,
    )
    return kernel, budget, market, margins, alloc


def best_of(repeats: int, fn) -> tuple[float, object]:
    """Best wall time of ``repeats`` calls, and the last result."""
    best, out = np.inf, None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--countries", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=5, help="years run before timing")
    parser.add_argument("--repeats", type=int, default=5, help="repeats of the vectorised step")
    args = parser.parse_args()

    sc = Scenario.from_dict(
        {
            "name": "bench",
            "synthetic": {"countries": args.countries, "seed": 1},
            "graph": {"kind": "complete"},
            # the market step of the core world: no export-control barriers in the cached
            # kernel, no money transfers in the spending (the oracle has neither)
            "technology": {"enabled": False},
            "money": {"enabled": False},
        }
    )
    t0 = time.perf_counter()
    model = TradeModel(sc, rng=1).run(args.warmup)
    print(
        f"world: N={model.state.n}, G={len(model.goods)}, complete graph, "
        f"{args.warmup} warm-up years in {time.perf_counter() - t0:.1f} s"
    )
    x = next_year_inputs(model)
    p = model.scenario.parameters

    cold_s, (kernel, budget, market, margins, alloc) = best_of(
        args.repeats, lambda: vectorised_step(model, x)
    )
    warm_s, (_, _, _, _, warm_alloc) = best_of(
        args.repeats, lambda: vectorised_step(model, x, kernel=model._kernel, warm=True)
    )

    args_lists = {
        "output": x["output"].tolist(),
        "budget": budget.tolist(),
        "va_share": production.value_added_share(len(model.goods), model.input_share).tolist(),
        "input_share": p.resource_input_share,
        "base_output": x["base_output"].tolist(),
        "last_prices": x["last_prices"].tolist(),
        "distance": x["distances"].matrix.tolist(),
        "decay": p.distance_decay,
        "margin_floor": p.margin_floor,
        "margin_ceiling": p.margin_ceiling,
        "tol": p.sinkhorn_tolerance,
    }
    t0 = time.perf_counter()
    ref = market_step(**args_lists)
    oracle_s = time.perf_counter() - t0

    # how closely they agree (relative to each good's total for flows)
    flows = kernel.flows(alloc.u, alloc.v)
    ref_flows = np.array(ref.flows)
    totals = np.maximum(ref_flows.sum(axis=(1, 2)), 1e-300)
    flow_err = (np.abs(flows - ref_flows).max(axis=(1, 2)) / totals).max()
    price_err = (np.abs(market.prices - ref.prices) / np.abs(ref.prices)).max()
    margin_err = (np.abs(margins - ref.margins) / np.abs(ref.margins)).max()

    print(f"vectorised step, cold (kernel built, no warm start): {1e3 * cold_s:9.2f} ms")
    print(f"  Sinkhorn sweeps {alloc.iterations}, stalled goods {alloc.stalled}")
    print(f"vectorised step, as in the model (cached kernel, warm): {1e3 * warm_s:7.2f} ms")
    print(f"  Sinkhorn sweeps {warm_alloc.iterations}, stalled goods {warm_alloc.stalled}")
    print(f"plain-Python oracle (run once):                  {oracle_s:9.2f} s")
    print(f"  RAS sweeps per good {ref.iterations}")
    print(f"speed-up, cold step:  {oracle_s / cold_s:8.0f}x  (target >= 100x)")
    print(f"speed-up, model step: {oracle_s / warm_s:8.0f}x")
    print(
        f"agreement: prices {price_err:.1e}, margins {margin_err:.1e} (relative), "
        f"flows {flow_err:.1e} (of each good's total)"
    )


if __name__ == "__main__":
    main()

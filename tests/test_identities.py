"""The accounting identities hold every year, to 1e-9, in every kind of world.

Checked each step: market clearing, world exports = world imports per good, each
supplier's row sum (plus unsold output) equals its sales, each buyer's column sum
(plus unmet demand) equals its purchases, trade balances sum to zero; and no NaN,
infinity or negative stock.
"""

from __future__ import annotations

import numpy as np
import pytest
from worlds import teaching_dict

from tradetiers import Scenario, TradeModel
from tradetiers.economy.gravity import Barrier
from tradetiers.identities import identity_errors, state_problems

TOL = 1e-9


def run_checked(model: TradeModel, years: int) -> dict[str, float]:
    worst: dict[str, float] = {}
    for _ in range(years):
        model.step()
        errors = identity_errors(model)
        assert errors, "identities were not computed"
        for name, err in errors.items():
            assert err <= TOL, f"year {model.year - 1}: {name} off by {err:.3g}"
            worst[name] = max(worst.get(name, 0.0), err)
        assert state_problems(model) == [], f"year {model.year - 1}: {state_problems(model)}"
    return worst


def test_teaching_world_every_year():
    run_checked(TradeModel(), 50)


def test_teaching_world_with_events():
    d = teaching_dict()
    d["events"] = [
        {
            "kind": "productivity_shock",
            "year": 2005,
            "until": 2010,
            "country": "MAN",
            "goods": ["textiles", "machinery"],
            "factor": 0.3,
        },
        {"kind": "trade_link_cut", "year": 2008, "until": 2015, "between": ["PET", "MAN"]},
    ]
    model = TradeModel(Scenario.from_dict(d))
    run_checked(model, 20)
    kinds = model.event_frame()["kind"].tolist()
    assert kinds.count("event") == 2


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_dense_synthetic_world(seed):
    sc = Scenario.from_dict(
        {"name": "syn", "years": 15, "synthetic": {"countries": 40, "seed": seed}}
    )
    run_checked(TradeModel(sc, rng=seed), 15)


def test_sparse_world_with_stalled_goods():
    """A sparse world with narrow supports: some goods are infeasible and use dummies."""
    sc = Scenario.from_dict(
        {
            "name": "sparse",
            "synthetic": {"countries": 300, "seed": 5},
            "graph": {
                "kind": "sparse",
                "k": 4,
                "hubs": 0,
                "suppliers_per_buyer": 2,
                "dense_limit": 100,
            },
        }
    )
    model = TradeModel(sc, rng=5)
    assert not model.dense
    run_checked(model, 6)
    assert model.world_frame()["unsold_output"].sum() > 0, "this world should stall somewhere"
    assert "market_stall" in set(model.event_frame()["kind"])


def test_dense_world_with_infeasible_good():
    """Blocking most suppliers of AI from a group of buyers makes AI infeasible for them:
    the unmet demand and unsold output close the identities, and the stall is logged."""
    model = TradeModel()
    model.step()
    ai = model.goods.index("ai")
    producers = np.flatnonzero(model.state.output[:, ai] > 0)
    small = producers[np.argmin(model.state.output[producers, ai])]
    others = np.array([i for i in range(model.state.n) if i != small])
    buyers = np.array([i for i in range(model.state.n) if i not in producers or i == small])
    model.add_barrier(Barrier([ai], others, buyers, 0.0))
    worst = run_checked(model, 5)
    assert model.last.allocation.unmet[ai].sum() > 0
    assert ai in model.last.allocation.stalled
    assert worst["buyer_columns"] <= TOL

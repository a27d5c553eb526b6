"""Behaviour of the real economy: tiers from endowments, rerouting, margins (M1, M3).

Each test compares runs that differ in one thing, so it could fail if the
mechanism were missing.
"""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pytest
from worlds import country, teaching_dict

from tradetiers import Scenario, TradeModel
from tradetiers.identities import identity_errors


def final_row(model: TradeModel, code: str):
    cf = model.country_frame()
    return cf[(cf["year"] == cf["year"].max()) & (cf["country"] == code)].iloc[0]


def test_deposit_rich_country_ends_up_tier_3():
    """A country like the agrarian Campania but sitting on large deposits exports
    resources and is classified tier 3; without the deposits it is tier 4."""
    rich = teaching_dict()
    c = country(rich, "CAM")
    c["deposits"] = 40
    c["productivity"]["resources"] = 5.0
    with_deposits = TradeModel(Scenario.from_dict(rich)).run(30)
    without = TradeModel(Scenario.from_dict(teaching_dict())).run(30)
    assert final_row(with_deposits, "CAM")["tier"] == 3
    assert final_row(with_deposits, "CAM")["resources_share"] > 0.5
    assert final_row(without, "CAM")["tier"] == 4


def test_land_only_country_ends_up_tier_4():
    """A country with land but no deposits and only farm productivity is tier 4,
    even when placed in the middle of the manufacturers."""
    d = teaching_dict()
    d["countries"].append(
        {
            "code": "FARM",
            "name": "Farmland",
            "population": 40,
            "land": 50,
            "deposits": 0,
            "lat": 35.0,
            "lon": 115.0,
            "productivity": {"agriculture": 3.0},
        }
    )
    model = TradeModel(fixed_technology(d)).run(30)
    row = final_row(model, "FARM")
    assert row["tier"] == 4
    assert row["agriculture_share"] > 0.99


def fixed_technology(d: dict) -> Scenario:
    """The scenario with productivity held fixed: the real economy alone."""
    d.setdefault("technology", {})["enabled"] = False
    return Scenario.from_dict(d)


def test_tiers_of_the_teaching_world():
    """With productivity fixed, the teaching world sorts itself into the tiers its
    endowments suggest (with technology on, Agraria later industrialises)."""
    model = TradeModel(fixed_technology(teaching_dict())).run(50)
    cf = model.country_frame()
    last = cf[cf["year"] == cf["year"].max()].set_index("country")["tier"].to_dict()
    assert last == {"HEG": 1, "MAN": 2, "FAB": 2, "IND": 2, "PET": 3, "MIN": 3, "AGR": 4, "CAM": 4}


def test_removing_an_edge_reroutes_trade():
    """Cutting the direct Petrolia-Manufactura link makes their trade take a longer
    path: their bilateral flow falls, Manufactura buys more resources from others,
    and every identity still holds."""
    base = TradeModel().run(10)
    cut = TradeModel().run(10)
    pet, man = cut.index_of("PET"), cut.index_of("MAN")
    g = cut.graph.copy()
    g.remove_edge(pet, man)
    cut.graph = g
    base.step()
    cut.step()
    assert all(err <= 1e-9 for err in identity_errors(cut).values())

    def flows(model):
        tf = model.trade_frame()
        tf = tf[(tf["year"] == tf["year"].max()) & (tf["good"] == "resources")]
        return tf.groupby(["exporter", "importer"])["value"].sum()

    fb, fc = flows(base), flows(cut)
    assert fc[("PET", "MAN")] < 0.95 * fb[("PET", "MAN")]
    from_others_base = fb.xs("MAN", level="importer").drop("PET").sum()
    from_others_cut = fc.xs("MAN", level="importer").drop("PET").sum()
    assert from_others_cut > from_others_base
    # what Manufactura buys in total barely moves: the trade is rerouted, not lost
    res = cut.goods.index("resources")
    total_b = base.last.market.purchases[man, res]
    total_c = cut.last.market.purchases[man, res]
    assert abs(total_c - total_b) < 0.02 * total_b


def test_swapped_graph_routes_trade_through_the_remaining_link():
    """With all of Petrolia's links gone but the one to Mineralia, its trade goes
    through Mineralia: path distances to everyone else grow, so Mineralia's share of
    Petrolia's exports rises and the farthest partners' shares fall."""

    def pet_export_shares(model):
        tf = model.trade_frame()
        last = tf[(tf["year"] == tf["year"].max()) & (tf["exporter"] == "PET")]
        out = last.groupby("importer")["value"].sum()
        return out / out.sum()

    base = TradeModel().run(4)
    model = TradeModel().run(3)
    pet, mineralia = model.index_of("PET"), model.index_of("MIN")
    star = nx.Graph()
    star.add_nodes_from(model.graph.nodes(data=True))
    for u, v, w in model.graph.edges(data="distance"):
        if pet not in (u, v) or {u, v} == {pet, mineralia}:
            star.add_edge(u, v, distance=w)
    model.graph = star
    model.step()
    assert all(err <= 1e-9 for err in identity_errors(model).values())
    before, after = pet_export_shares(base), pet_export_shares(model)
    assert after["MIN"] > 2 * before["MIN"]
    assert after["HEG"] < before["HEG"] and after["FAB"] < before["FAB"]


@pytest.mark.parametrize("good", ["ai", "semiconductors"])
def test_margin_falls_as_more_countries_make_a_good(good):
    """The margin on a rung falls from near the 53% ceiling toward the 5% floor as
    more countries become able to make it (M3, 'cabbage price'). Makers get
    productivity inversely proportional to population, so each could supply a similar
    amount: concentration (not the head count itself) is what sets the margin."""
    codes = ["HEG", "FAB", "IND", "MAN", "MIN", "PET", "AGR", "CAM"]
    margins = []
    for makers in (1, 3, 8):
        d = teaching_dict()
        for c in d["countries"]:
            if c["code"] in codes[:makers]:
                c["productivity"][good] = 6.0 * 60.0 / c["population"]
            else:
                c["productivity"].pop(good, None)
        model = TradeModel(fixed_technology(d)).run(15)
        margins.append(model.world_frame()[f"margin_{good}"].iloc[-1])
    assert margins[0] > 0.5, margins
    assert all(a > b for a, b in itertools.pairwise(margins)), margins
    assert margins[-1] < 0.2, margins


def test_margin_rule_from_monopoly_to_floor():
    """The rule itself: k equal producers among 8 countries; k = 1 is the ceiling,
    k = 8 the floor, and the margin falls strictly in between."""
    from tradetiers.economy.trade import margins

    values = []
    for k in range(1, 9):
        output = np.zeros((8, 1))
        output[:k, 0] = 5.0
        values.append(float(margins(output, 0.05, 0.53)[0]))
    assert values[0] == pytest.approx(0.53) and values[-1] == pytest.approx(0.05)
    assert all(a > b for a, b in itertools.pairwise(values))


def test_price_of_a_good_falls_with_more_producers():
    """More producers of AI means more supply and a lower relative price."""
    prices = []
    for extra in (False, True):
        d = teaching_dict()
        if extra:
            for code in ("FAB", "IND", "MAN"):
                country(d, code)["productivity"]["ai"] = 8.0
        model = TradeModel(Scenario.from_dict(d)).run(15)
        prices.append(model.world_frame()["price_ai"].iloc[-1])
    assert prices[1] < 0.8 * prices[0], prices


def test_labour_moves_toward_better_pay():
    """A productivity boom in one sector pulls workers into it.

    The boom is in Campania's textiles, a small sector of an agrarian country (about 12%
    of its workers without the boom; about 45% with it). Agraria, the other agrarian
    country, already puts over 40% of its workers into textiles on its own, which leaves
    too little room to show the pull.
    """
    d = teaching_dict()
    d["events"] = [
        {
            "kind": "productivity_shock",
            "year": 2010,
            "country": "CAM",
            "goods": ["textiles"],
            "factor": 3.0,
        }
    ]
    shocked = TradeModel(Scenario.from_dict(d)).run(25)
    calm = TradeModel().run(25)
    assert (
        final_row(shocked, "CAM")["labour_textiles"]
        > 1.5 * final_row(calm, "CAM")["labour_textiles"]
    )


def test_country_agent_is_a_view_of_its_row():
    model = TradeModel().run(2)
    man = next(a for a in model.agents if a.code == "MAN")
    assert man.gdp == pytest.approx(model.state.gdp[man.index])
    man.productivity[2] *= 2  # writes through to the model's arrays
    assert model.state.productivity[man.index, 2] == man.productivity[2]
    assert man.tier == 2 and not man.is_hegemon
    assert model.hegemon.code == "HEG"
    assert len(list(model.agents)) == model.state.n


def test_events_apply_and_revert():
    d = teaching_dict()
    d["events"] = [
        {
            "kind": "productivity_shock",
            "year": 2002,
            "until": 2004,
            "country": "FAB",
            "goods": ["all"],
            "factor": 0.5,
        },
        {"kind": "trade_link_cut", "year": 2002, "until": 2003, "between": ["HEG", "MAN"]},
    ]
    model = TradeModel(fixed_technology(d))
    fab, heg, man = (model.index_of(c) for c in ("FAB", "HEG", "MAN"))
    before = model.state.productivity[fab].copy()
    model.run(3)  # 2000, 2001, 2002
    assert np.allclose(model.state.productivity[fab], 0.5 * before)
    assert not model.graph.has_edge(heg, man)
    model.run(2)  # 2003, 2004
    assert np.allclose(model.state.productivity[fab], before)
    assert model.graph.has_edge(heg, man)

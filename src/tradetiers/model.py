"""TradeModel: the Mesa model of four tiers of countries trading over a network.

One step is one year, in the order of DESIGN.md §2: events, decisions, technology,
production, markets and trade, money, structure, collection. State lives in numpy
arrays (``model.state``); the economy functions are pure and vectorised; ``Country``
agents are views of their rows plus their behaviour rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import mesa
import networkx as nx
import numpy as np
import pandas as pd

from tradetiers.agents import Country, DecisionRule
from tradetiers.config import Scenario, default_scenario
from tradetiers.economy import demand, gravity, production, structure, trade
from tradetiers.economy.network import PathDistances, path_distances
from tradetiers.events import Timeline
from tradetiers.metrics import CountryRecorder, world_reporters
from tradetiers.world import build_state, build_trade_graph, graph_kind


@dataclass
class YearResult:
    """What the markets step produced this year (kept for identities and the UI)."""

    market: trade.Market
    margins: np.ndarray  # (G,)
    allocation: gravity.Allocation
    budget: np.ndarray  # (N, G)


class TradeModel(mesa.Model):
    """The world economy: countries in four tiers trading goods over a graph.

    Args:
        scenario: a Scenario, a path or shipped name, or None for the teaching world.
        rng: seed or numpy Generator; None uses the scenario's seed.
        graph: a networkx graph over country indices to use instead of the built one.
    """

    def __init__(
        self,
        scenario: Scenario | str | Path | None = None,
        rng: Any = None,
        graph: nx.Graph | None = None,
    ) -> None:
        if scenario is None:
            scenario = default_scenario()
        elif not isinstance(scenario, Scenario):
            scenario = Scenario.load(scenario)
        self.scenario = scenario.resolved()
        #: the seed this run was made with, shown beside every number it produces
        self.seed: Any = self.scenario.seed if rng is None else rng
        super().__init__(rng=self.seed)
        sc, p = self.scenario, self.scenario.parameters
        self.goods: list[str] = sc.goods.names
        self.rungs: list[str] = sc.goods.ladder
        self.state = build_state(sc)
        self.year: int = sc.start_year
        self._code_index = {c: i for i, c in enumerate(self.state.codes)}
        n, g = self.state.n, len(self.goods)
        self.dense = self.state.n <= sc.graph.dense_limit
        self._graph = graph if graph is not None else build_trade_graph(sc, self.state)
        self._distances: PathDistances | None = None
        self._kernel_key: tuple[Any, ...] | None = None
        self._kernel: gravity.Kernel | None = None
        self._stalled: set[int] = set()
        self.barriers: list[gravity.Barrier] = []
        self._barrier_version = 0
        self.decision_rules: list[DecisionRule] = []
        self.timeline = Timeline(list(sc.events))
        self.event_log: list[dict[str, Any]] = []
        self.input_share = p.resource_input_share  # 0 in a year nobody supplies resources
        self.base_shares = demand.default_base_shares(self.goods)
        self.elasticities = demand.default_elasticities(self.goods)
        for name, val in p.budget_shares.items():
            self.base_shares[self.goods.index(name)] = val
        for name, val in p.income_elasticities.items():
            self.elasticities[self.goods.index(name)] = val
        self.prices = np.ones(g)
        self.base_output: np.ndarray | None = None
        self.relative_income = np.ones(n)
        self.last: YearResult | None = None
        mode = sc.output.trade_flows
        self.keep_all_flows = mode == "every_year" or (mode == "auto" and n <= 50)
        self._flows: list[tuple[int, tuple[np.ndarray, ...]]] = []
        Country.create_agents(self, n, index=list(range(n)))
        self.countries: list[Country] = sorted(self.agents, key=lambda a: a.index)
        self.recorder = CountryRecorder(self)
        self.datacollector = mesa.DataCollector(model_reporters=world_reporters(self))

    # -- the graph ---------------------------------------------------------------
    @property
    def graph(self) -> nx.Graph:
        """The trade graph (nodes are country indices, edges carry ``distance`` km)."""
        return self._graph

    @graph.setter
    def graph(self, new: nx.Graph) -> None:
        """Swap the trade graph; distances and supports are rebuilt next year."""
        self._graph = new
        self._distances = None
        self._kernel_key = None

    @property
    def graph_kind(self) -> str:
        """``complete`` or ``sparse`` (as built from the scenario)."""
        return graph_kind(self.scenario, self.state.n)

    def add_barrier(self, barrier: gravity.Barrier) -> None:
        """Put a trade barrier (a factor on some trade weights) in place from this year."""
        self.barriers.append(barrier)
        self._barrier_version += 1

    def remove_barrier(self, barrier: gravity.Barrier) -> None:
        """Lift a barrier."""
        self.barriers.remove(barrier)
        self._barrier_version += 1

    def index_of(self, code: str) -> int:
        """Row index of a country code."""
        return self._code_index[code]

    @property
    def hegemon(self) -> Country | None:
        """The reserve issuer, if any."""
        idx = np.flatnonzero(self.state.is_hegemon)
        return self.countries[int(idx[0])] if idx.size else None

    def log(self, kind: str, message: str, country: str = "") -> None:
        """Record a notable event (tier change, shock, stalled market...)."""
        self.event_log.append(
            {"year": self.year, "kind": kind, "country": country, "message": message}
        )

    # -- one year ----------------------------------------------------------------------
    def step(self) -> None:
        """Advance one year, in the order of DESIGN.md §2."""
        for ev in self.timeline.fire(self, self.year):
            self.log("event", ev.describe())
        self.agents.shuffle_do("decide")
        output = self._produce()
        self._trade(output)
        self._restructure()
        self.datacollector.collect(self)
        self.recorder.record()
        self.year += 1

    def run(self, years: int | None = None) -> TradeModel:
        """Run for ``years`` (default: the scenario's horizon) and return self."""
        for _ in range(self.scenario.years if years is None else years):
            self.step()
        return self

    def _produce(self) -> np.ndarray:
        s, p = self.state, self.scenario.parameters
        workers = production.labour_input(s.population, s.labour_shares)
        output = production.produce(
            s.productivity, workers, s.land, s.deposits, p.land_elasticity, p.deposit_elasticity
        )
        s.output = output
        if self.base_output is None:
            self.base_output = output.sum(axis=0)
        return output

    def kernel(self, producers: np.ndarray) -> gravity.Kernel:
        """Gravity kernel, cached until the producers, graph or barriers change."""
        key = (producers.tobytes(), self._barrier_version)
        if self._kernel is None or key != self._kernel_key:
            if self._distances is None:
                self._distances = path_distances(self._graph, self.state.n, self.dense)
            gs, p = self.scenario.graph, self.scenario.parameters
            self._kernel = gravity.build_kernel(
                self._distances, producers, p.distance_decay, gs.suppliers_per_buyer, self.barriers
            )
            self._kernel_key = key
            self._stalled = set()
        return self._kernel

    def _trade(self, output: np.ndarray) -> None:
        s, p = self.state, self.scenario.parameters
        kernel = self.kernel(output > 0)
        allowed = kernel.buyer_reach()
        budget = demand.budget_shares(
            self.relative_income, self.base_shares, self.elasticities, allowed
        )
        assert self.base_output is not None
        self.input_share = trade.input_share_in_use(output, p.resource_input_share)
        self.prices, active = trade.clear_prices(
            output, budget, p.resource_input_share, self.base_output, self.prices
        )
        market = trade.market_flows(self.prices, output, budget, p.resource_input_share, active)
        alloc = gravity.allocate(
            kernel,
            market.revenue.T,
            market.purchases.T,
            p.sinkhorn_tolerance,
            p.sinkhorn_max_iter,
            p.unmet_weight,
            warm=self.last.allocation if self.last is not None else None,
            known_stalled=self._stalled,
        )
        for g in sorted(set(alloc.stalled) - self._stalled):
            self.log("market_stall", f"{self.goods[g]}: not all demand can reach a supplier")
        for g in alloc.unconverged:
            self.log("allocation_not_converged", f"{self.goods[g]}: flows off by more than tol")
        self._stalled = set(alloc.stalled)
        m = trade.margins(output, p.margin_floor, p.margin_ceiling)
        s.revenue = market.revenue
        s.value_added = market.value_added
        s.rents = market.revenue * m[None, :]
        s.gdp = market.value_added.sum(axis=1) - alloc.unsold.sum(axis=0)
        s.exports = alloc.exports.sum(axis=0)
        s.imports = alloc.imports.sum(axis=0)
        self.last = YearResult(market, m, alloc, budget)
        mean_pc = s.gdp.sum() / s.population.sum()
        self.relative_income = np.maximum(s.gdp_per_capita / mean_pc, 1e-6)
        if self.keep_all_flows:
            self._flows.append((self.year, self._flow_arrays()))

    def _restructure(self) -> None:
        s, p = self.state, self.scenario.parameters
        pay = production.pay_per_worker(
            self.prices,
            s.productivity,
            s.population,
            s.labour_shares,
            s.land,
            s.deposits,
            p.land_elasticity,
            p.deposit_elasticity,
            self.input_share,
            p.sector_floor,
        )
        first = not s.expected_pay.any()
        s.expected_pay = (
            pay if first else structure.smooth_pay(s.expected_pay, pay, p.pay_smoothing)
        )
        capable = s.productivity > 0
        target = structure.target_shares(s.expected_pay, capable, p.pay_elasticity, p.sector_floor)
        s.labour_shares = structure.reallocate(s.labour_shares, target, p.reallocation_speed)
        assert self.last is not None
        new_tier = structure.classify_tiers(
            self.last.allocation.exports.T,
            s.revenue,
            s.gdp_per_capita,
            s.is_hegemon,
            p.poorest_income_share,
        )
        changed = np.flatnonzero((s.tier != 0) & (new_tier != s.tier))
        for i in changed:
            self.log(
                "tier_change",
                f"{s.names[i]} moves from tier {s.tier[i]} to tier {new_tier[i]}",
                s.codes[i],
            )
        s.tier = new_tier

    # -- results -------------------------------------------------------------------
    def _flow_arrays(self) -> tuple[np.ndarray, ...]:
        """This year's cross-border flows as (good, exporter, importer, value) arrays."""
        assert self.last is not None and self._kernel is not None
        a = self.last.allocation
        g, i, j, x = self._kernel.nonzero_flows(a.u, a.v)
        keep = i != j
        return g[keep], i[keep], j[keep], x[keep]

    def world_frame(self) -> pd.DataFrame:
        """World indicators, one row per year."""
        return self.datacollector.get_model_vars_dataframe().reset_index(drop=True)

    def country_frame(self) -> pd.DataFrame:
        """Country indicators, tidy: one row per (year, country)."""
        return self.recorder.frame()

    def trade_frame(self) -> pd.DataFrame:
        """Bilateral flows (exporter, importer, good, value) for the recorded years.

        Small worlds keep every year; large ones only the latest year (see the
        scenario's ``output.trade_flows``).
        """
        if self.keep_all_flows:
            years = self._flows
        else:
            years = [(self.year - 1, self._flow_arrays())] if self.last is not None else []
        if not years:
            return pd.DataFrame(columns=["year", "exporter", "importer", "good", "value"])
        year = np.concatenate([np.full(arrs[0].size, y) for y, arrs in years])
        g, i, j, x = (np.concatenate([arrs[k] for _, arrs in years]) for k in range(4))
        codes, goods = np.array(self.state.codes, dtype=object), np.array(self.goods, dtype=object)
        return pd.DataFrame(
            {"year": year, "exporter": codes[i], "importer": codes[j], "good": goods[g], "value": x}
        )

    def event_frame(self) -> pd.DataFrame:
        """The log of notable events (tier changes, scheduled events, stalls)."""
        return pd.DataFrame(self.event_log, columns=["year", "kind", "country", "message"])

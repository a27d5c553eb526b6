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
from pydantic import ValidationError

from tradetiers import money_step, structure_step, technology_step
from tradetiers.agents import Country, DecisionRule, default_rules
from tradetiers.config import Scenario, ScenarioError, default_scenario
from tradetiers.economy import demand, gravity, production, services, technology, trade
from tradetiers.economy.network import PathDistances, path_distances
from tradetiers.economy.production import FIRST_RUNG
from tradetiers.events import Timeline
from tradetiers.metrics import CountryRecorder, world_reporters
from tradetiers.state import MoneyWorld
from tradetiers.world import build_state, build_trade_graph, graph_kind

#: Settings tables a lever may change at run time.
SETTABLE = ("parameters", "technology", "money")
#: World settings that are defaults for countries without their own value:
#: lever path -> (state array, country field).
COUNTRY_DEFAULTS = {
    "technology.rd_public_share": ("rd_public_share", "rd_public_share"),
    "parameters.services_share": ("services_base", "services_share"),
    "money.tax_base": ("tax_base", "tax_base"),
    "money.base_spending": ("base_spending", "base_spending"),
}


@dataclass(eq=False)  # compared by identity: the arrays have no single truth value
class ExportControlInForce:
    """An export control in force: who controls which rungs toward whom, and its barrier."""

    controllers: np.ndarray
    targets: np.ndarray
    goods: list[int]  # indices into model.goods (rungs only)
    penalty: float
    barrier: gravity.Barrier | None  # None: a ban on know-how only, the goods still flow
    source: str  # "event", "rule" or "lever"


@dataclass(eq=False)  # compared by identity
class TariffInForce:
    """A tariff in force: the imposer taxes imports of some goods from the targets."""

    imposer: int
    targets: np.ndarray
    goods: list[int]
    rate: float
    barrier: gravity.Barrier
    source: str  # "event", "rule" (retaliation) or "lever"
    answers: TariffInForce | None = None  # the tariff a retaliation answers


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
        # each run owns its copy: levers and parameter events change it as the run goes
        self.scenario = scenario.resolved().model_copy(deep=True)
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
        self.controls: list[ExportControlInForce] = []
        self.tariffs: list[TariffInForce] = []
        self.retaliated: set[tuple[int, int]] = set()  # (tariff id, country) answered
        self.money = MoneyWorld(
            policy_rate=sc.money.policy_rate, compressed=np.zeros(n, dtype=bool)
        )
        self._controlled_cache: tuple[Any, set[tuple[int, int, int]]] = (None, set())
        self.open_rungs = np.zeros(g, dtype=bool)  # indexed like goods; rungs only
        self.tech_params = _tech_params(sc)
        self.exposure_weights: Any = None  # import shares from last year's flows
        self.frontier_start: np.ndarray | None = None  # each rung's first frontier
        self.decision_rules: list[DecisionRule] = list(default_rules(sc))
        self.relative_now = np.zeros((n, len(sc.goods.ladder)))
        self.leads_now = np.zeros(n, dtype=bool)
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
        #: growth outside the ladder, per good (G,): (1 + productivity_growth)^t, and for
        #: agriculture and resources also (1 + primary_growth)^t
        self.efficiency = np.ones(g)
        self.base_output: np.ndarray | None = None
        self.relative_income = np.ones(n)
        self.income_reference = 1.0  # the first year's world income per head
        self.last: YearResult | None = None
        mode = sc.output.trade_flows
        self.keep_all_flows = mode == "every_year" or (mode == "auto" and n <= 50)
        self._flows: list[tuple[int, tuple[np.ndarray, ...]]] = []
        Country.create_agents(self, n, index=list(range(n)))
        _release_agent_ids(self)
        self.countries: list[Country] = sorted(self.agents, key=lambda a: a.index)
        self.recorder = CountryRecorder(self)
        self.hegemon_row: int | None = self._find_hegemon()
        self.datacollector = mesa.DataCollector(model_reporters=world_reporters(self))

    # -- the scenario ------------------------------------------------------------
    @property  # type: ignore[override]
    def scenario(self) -> Scenario:
        """The tradetiers scenario this run was built from (validated, world resolved)."""
        return self._world_scenario

    @scenario.setter
    def scenario(self, value: Any) -> None:
        # Mesa 3.5 gives every model an experiment scenario of its own and sets it in
        # ``Model.__init__``; keep it apart (``mesa_scenario``) so that ``scenario``
        # stays ours under Mesa 3.3 and 3.5 alike.
        if isinstance(value, Scenario):
            self._world_scenario = value
        else:
            self.mesa_scenario = value
            value.model = self

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

    def set_parameter(self, path: str, value: Any, log: bool = True) -> None:
        """Change a parameter of the running world from the next year (a lever).

        Args:
            path: ``parameters.NAME``, ``technology.NAME`` or ``money.NAME``.
            value: the new value, validated like the scenario file's.
            log: log it as a lever (a scheduled ``parameter`` event logs itself).

        Raises:
            ScenarioError: an unknown parameter or a value that is not allowed.
        """
        table_name, _, name = path.partition(".")
        table = getattr(self.scenario, table_name, None) if table_name in SETTABLE else None
        if table is None or name not in type(table).model_fields or name == "enabled":
            raise ScenarioError(
                "lever", path, value, f"one of {sorted(SETTABLE)}.NAME (not .enabled)"
            )
        try:
            setattr(table, name, value)
        except ValidationError as err:
            raise ScenarioError("lever", path, value, err.errors()[0]["msg"]) from None
        if path in COUNTRY_DEFAULTS:  # a world default reaches every country without its own
            array, field = COUNTRY_DEFAULTS[path]
            own = [getattr(c, field) is not None for c in self.scenario.countries]
            getattr(self.state, array)[~np.array(own, dtype=bool)] = value
        self.tech_params = _tech_params(self.scenario)
        self.decision_rules = list(default_rules(self.scenario))
        self._kernel_key = None  # trade costs may have changed
        if log:
            self.log("lever", f"{path} set to {value}")

    def add_barrier(self, barrier: gravity.Barrier) -> None:
        """Put a trade barrier (a factor on some trade weights) in place from this year."""
        self.barriers.append(barrier)
        self._barrier_version += 1

    def remove_barrier(self, barrier: gravity.Barrier) -> None:
        """Lift a barrier."""
        self.barriers.remove(barrier)
        self._barrier_version += 1

    def impose_export_control(
        self,
        controllers: list[int],
        targets: list[int],
        goods: list[int],
        penalty: float,
        source: str = "event",
        blocks_trade: bool = True,
    ) -> ExportControlInForce:
        """Controllers stop exporting these rungs to the targets and penalise their imitation.

        Takes effect in this year's markets (the barrier) and in next year's imitation.
        With ``blocks_trade`` off only the know-how is banned (Britain's 1774 ban on
        exporting spinning machines and on its artisans emigrating, while its cloth sold
        everywhere): the goods still flow, and only the imitation penalty applies.
        """
        ctrl_idx, tgt_idx = np.asarray(controllers), np.asarray(targets)
        barrier = gravity.Barrier(list(goods), ctrl_idx, tgt_idx, 0.0) if blocks_trade else None
        control = ExportControlInForce(ctrl_idx, tgt_idx, list(goods), penalty, barrier, source)
        self.controls.append(control)
        if barrier is not None:
            self.add_barrier(barrier)
        else:
            self._barrier_version += 1  # the set of controls in force changed
        codes = self.state.codes
        what = "exports" if blocks_trade else "know-how (machines, artisans)"
        self.log(
            "export_control",
            f"{', '.join(codes[i] for i in ctrl_idx)} control "
            f"{', '.join(self.goods[g] for g in goods)} {what} to "
            f"{', '.join(codes[i] for i in tgt_idx)} (penalty {penalty:g}, {source})",
            ",".join(codes[i] for i in tgt_idx),
        )
        return control

    def lift_export_control(self, control: ExportControlInForce) -> None:
        """End an export control."""
        if control in self.controls:
            self.controls.remove(control)
            if control.barrier is not None:
                self.remove_barrier(control.barrier)
            else:
                self._barrier_version += 1
            self.log("export_control_lifted", f"controls on {control.goods} lifted")

    def impose_tariff(
        self,
        imposer: int,
        targets: list[int],
        goods: list[int],
        rate: float,
        source: str = "event",
        answers: TariffInForce | None = None,
    ) -> TariffInForce:
        """The imposer taxes its imports of these goods from the targets, from this year.

        The tariff divides the targets' trade weights toward the imposer by
        ``(1 + rate) ** trade_elasticity``; its revenue goes to the imposer's budget.
        """
        tgt = np.asarray(targets)
        factor = (1.0 + rate) ** (-self.scenario.money.trade_elasticity)
        barrier = gravity.Barrier(list(goods), tgt, np.array([imposer]), factor)
        tariff = TariffInForce(imposer, tgt, list(goods), rate, barrier, source, answers)
        self.tariffs.append(tariff)
        self.add_barrier(barrier)
        codes = self.state.codes
        self.log(
            "tariff",
            f"{codes[imposer]} puts a {rate:.0%} tariff on "
            f"{', '.join(self.goods[g] for g in goods)} from "
            f"{', '.join(codes[i] for i in tgt)} ({source})",
            codes[imposer],
        )
        return tariff

    def lift_tariff(self, tariff: TariffInForce) -> None:
        """End a tariff, and the retaliations that answered it."""
        if tariff in self.tariffs:
            self.tariffs.remove(tariff)
            self.remove_barrier(tariff.barrier)
            self.log("tariff_lifted", f"{self.state.codes[tariff.imposer]} lifts a tariff")
            for answer in [t for t in self.tariffs if t.answers is tariff]:
                self.lift_tariff(answer)

    def is_controlled(self, controller: int, target: int, good: int) -> bool:
        """Whether ``controller`` already controls exports of ``good`` to ``target``."""
        return (controller, target, good) in self._controlled

    @property
    def _controlled(self) -> set[tuple[int, int, int]]:
        """(controller, target, good) triples in force, rebuilt when controls change."""
        key = len(self.controls), self._barrier_version
        if self._controlled_cache[0] != key:
            triples = {
                (int(a), int(b), g)
                for c in self.controls
                for a in c.controllers
                for b in c.targets
                for g in c.goods
            }
            self._controlled_cache = (key, triples)
        return self._controlled_cache[1]

    def relative_capability(self) -> np.ndarray:
        """Capability on each rung relative to the frontier, (N, K)."""
        return technology.relative_capability(self.state.productivity[:, FIRST_RUNG:])[1]

    def index_of(self, code: str) -> int:
        """Row index of a country code."""
        return self._code_index[code]

    def _find_hegemon(self) -> int | None:
        idx = np.flatnonzero(self.state.is_hegemon)
        return int(idx[0]) if idx.size else None

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
        """Advance one year, in the order of DESIGN.md §2.

        Money is planned before the markets (what each country may spend beyond its
        income, and what it pays the reserve issuer) and settled after them (step 6).
        """
        for ev in self.timeline.fire(self, self.year):
            self.log("event", ev.describe())
        # what the agents see when they decide: this year's capability relative to the frontier
        self.relative_now = self.relative_capability()
        self.leads_now = (self.relative_now >= 1.0).any(axis=1)
        self.agents.shuffle_do("decide")
        self._technology()
        output = self._produce()
        transfers = self._plan_money(output)
        self._trade(output, transfers)
        self._settle_money()
        self._restructure()
        self.hegemon_row = self._find_hegemon()
        self.datacollector.collect(self)
        self.recorder.record()
        self._grow()
        self.year += 1

    def run(self, years: int | None = None) -> TradeModel:
        """Run for ``years`` (default: the scenario's horizon) and return self."""
        for _ in range(self.scenario.years if years is None else years):
            self.step()
        return self

    def _grow(self) -> None:
        """Into next year: populations grow at their rates, output per worker at the trend."""
        self.state.population *= 1.0 + self.state.population_growth
        p = self.scenario.parameters
        self.efficiency *= 1.0 + p.productivity_growth
        self.efficiency[: production.FIRST_RUNG] *= 1.0 + p.primary_growth

    def _technology(self) -> None:
        """Step 3: technology (see technology_step)."""
        technology_step.advance(self)

    def _produce(self) -> np.ndarray:
        s, p = self.state, self.scenario.parameters
        workers = production.labour_input(self.goods_workers, s.labour_shares)
        output = production.produce(
            s.productivity, workers, s.land, s.deposits, p.land_elasticity, p.deposit_elasticity
        )
        output *= self.efficiency[None, :]
        s.output = output
        if self.base_output is None:
            self.base_output = output.sum(axis=0)
        return output

    @property
    def goods_workers(self) -> np.ndarray:
        """Workers (millions) outside the finance and home-services sectors, (N,)."""
        s = self.state
        return s.population * (1.0 - s.finance_labour - s.services_labour)

    def kernel(self, producers: np.ndarray) -> gravity.Kernel:
        """Gravity kernel, cached until the producers, graph or barriers change.

        Only the goods whose producers or barriers changed (an entrant on a rung, an
        export control on two rungs) are rebuilt, and only their stalls are forgotten;
        the result is the same as a full rebuild.
        """
        key = (producers.tobytes(), self._barrier_version, tuple(self.barriers))
        last = self._kernel_key
        if self._kernel is not None and last is not None and key[:2] == last[:2]:
            return self._kernel
        if self._distances is None:
            self._distances = path_distances(self._graph, self.state.n, self.dense)
        gs, p = self.scenario.graph, self.scenario.parameters
        changed = None  # not known: rebuild every good
        if self._kernel is not None and last is not None and len(last[0]) == len(key[0]):
            before = np.frombuffer(last[0], dtype=bool).reshape(producers.shape)
            moved = (before != producers).any(axis=0)
            # barriers are added and lifted, never altered: compare them by identity
            kept, now = {id(b) for b in last[2]}, {id(b) for b in self.barriers}
            lifted = [b for b in last[2] if id(b) not in now]
            for bar in lifted + [b for b in self.barriers if id(b) not in kept]:
                moved[bar.goods] = True
            changed = np.flatnonzero(moved).tolist()
        self._kernel_key = key
        if changed is None or len(changed) == producers.shape[1]:
            self._kernel = gravity.build_kernel(
                self._distances, producers, p.distance_decay, gs.suppliers_per_buyer, self.barriers
            )
            self._stalled = set()
        elif changed:
            barriers = [
                gravity.Barrier(
                    [i for i, g in enumerate(changed) if g in b.goods],
                    b.suppliers,
                    b.buyers,
                    b.factor,
                )
                for b in self.barriers
            ]
            part = gravity.build_kernel(
                self._distances,
                producers[:, changed],
                p.distance_decay,
                gs.suppliers_per_buyer,
                barriers,
            )
            assert self._kernel is not None
            self._kernel = self._kernel.replaced(changed, part)
            self._stalled -= set(changed)
        return self._kernel

    def gdp_at_last_prices(self, output: np.ndarray) -> np.ndarray:
        """GDP per country valued at last year's prices (starting prices in the first year).

        What the first year's plans rest on, before any market has cleared: goods value
        added plus the home services that go with it.
        """
        _, va_share = trade.value_added_shares(
            output, self.scenario.parameters.resource_input_share
        )
        goods = (output * (self.prices * va_share)[None, :]).sum(axis=1)
        return goods + services.value_added(goods, self.state.services_base)

    def _trade(self, output: np.ndarray, transfers: np.ndarray | None = None) -> None:
        s, p = self.state, self.scenario.parameters
        if self.last is None:  # the first year: demand follows incomes at starting prices
            gdp = self.gdp_at_last_prices(output)
            self.income_reference = gdp.sum() / s.population.sum()
            self.relative_income = np.maximum(gdp / s.population / self.income_reference, 1e-6)
        kernel = self.kernel(output > 0)
        allowed = kernel.buyer_reach()
        budget = demand.budget_shares(
            self.relative_income, self.base_shares, self.elasticities, allowed
        )
        assert self.base_output is not None
        self.input_share = trade.input_share_in_use(output, p.resource_input_share)
        self.prices, active = trade.clear_prices(
            output, budget, p.resource_input_share, self.base_output, self.prices, transfers
        )
        market = trade.market_flows(
            self.prices, output, budget, p.resource_input_share, active, transfers
        )
        lost, blocked = trade.blocked_trade(
            output,
            market.purchases,
            [(c.controllers, c.targets, c.goods) for c in self.controls if c.barrier is not None],
        )
        if (self.state.import_factor < 1).any() and self.last is not None:
            # import compression: a buyer without reserves cannot settle all its imports
            unsold, unpaid = trade.unpaid_imports(
                kernel,
                self.last.allocation.u,
                self.last.allocation.v,
                market.purchases - blocked,
                market.revenue - lost,
                self.state.import_factor,
                sorted(self._stalled),
            )
            lost, blocked = lost + unsold, blocked + unpaid
        alloc = gravity.allocate(
            kernel,
            (market.revenue - lost).T,
            (market.purchases - blocked).T,
            p.sinkhorn_tolerance,
            p.sinkhorn_max_iter,
            p.unmet_weight,
            warm=self.last.allocation if self.last is not None else None,
            known_stalled=self._stalled,
        )
        alloc.unsold += lost.T  # controlled sales count as unsold, blocked purchases as unmet
        alloc.unmet += blocked.T
        for g in sorted(set(alloc.stalled) - self._stalled):
            self.log("market_stall", f"{self.goods[g]}: not all demand can reach a supplier")
        for g in alloc.unconverged:
            self.log("allocation_not_converged", f"{self.goods[g]}: flows off by more than tol")
        self._stalled = set(alloc.stalled)
        m = trade.margins(output, p.margin_floor, p.margin_ceiling)
        m[self.open_rungs] = p.margin_floor  # an open-sourced rung earns no rent
        s.revenue = market.revenue
        s.absorption = market.spending - alloc.unmet.sum(axis=0)  # what was actually spent
        s.value_added = market.value_added
        s.rents = (market.revenue - alloc.unsold.T) * m[None, :]  # on what was actually sold
        self._home_services(market.value_added.sum(axis=1) + s.finance_va)
        s.gdp = market.value_added.sum(axis=1) - alloc.unsold.sum(axis=0) + s.other_va
        s.exports = alloc.exports.sum(axis=0)
        s.imports = alloc.imports.sum(axis=0)
        self.last = YearResult(market, m, alloc, budget)
        self.exposure_weights = technology.exposure(
            *kernel.cross_border(alloc.u, alloc.v), alloc.imports.sum(axis=0)
        )
        if self.state.mastered_year.size and self.year == self.scenario.start_year:
            _, rel = technology.relative_capability(s.productivity[:, FIRST_RUNG:])
            s.mastered_year = technology.mastery_update(
                s.mastered_year, rel, self.year, self.tech_params.mastery_share
            )
        if not s.income_start.any():
            s.income_start = s.gdp_per_capita.copy()
        # Engel curves: income per head against today's world mean, or (with
        # ``engel_income = "absolute"``) against the first year's, so that a world
        # growing richer spends a smaller share on food
        if p.engel_income == "relative":
            mean_pc = s.gdp.sum() / s.population.sum()
        else:
            mean_pc = self.income_reference
        self.relative_income = np.maximum(s.gdp_per_capita / mean_pc, 1e-6)
        if self.keep_all_flows:
            self._flows.append((self.year, self._flow_arrays()))

    def _home_services(self, other_income: np.ndarray) -> None:
        """Home services' share of GDP (on last year's income) and their value added."""
        s, p = self.state, self.scenario.parameters
        s.services_share = services.spending_share(
            s.services_base, s.gdp_per_capita, s.income_start, p.services_income_elasticity
        )
        s.services_va = services.value_added(other_income, s.services_share)

    def _plan_money(self, output: np.ndarray) -> np.ndarray | None:
        """Step 6, first half: what each country pays the issuer and may spend (see money_step)."""
        return money_step.plan(self, output)

    def _settle_money(self) -> None:
        """Step 6, second half: settlement, budgets, debt, credibility and runs."""
        money_step.settle(self)

    def _restructure(self) -> None:
        """Step 7: labour reallocation and tiers (see structure_step)."""
        structure_step.restructure(self)

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

    def catch_up_frame(self) -> pd.DataFrame:
        """Per country and rung: the year it mastered the rung and the years that took.

        Mastery is capability at least ``mastery_share`` (80%) of the frontier; catch-up
        time counts from the first year. Countries that held it from the start show 0.
        """
        s, start = self.state, self.scenario.start_year
        n, k = s.mastered_year.shape
        year = s.mastered_year.ravel()
        return pd.DataFrame(
            {
                "country": np.repeat(np.array(s.codes, dtype=object), k),
                "rung": np.tile(np.array(self.rungs, dtype=object), n),
                "mastered_year": year,
                "catch_up_years": year - start,
            }
        )

    def event_frame(self) -> pd.DataFrame:
        """The log of notable events (tier changes, scheduled events, stalls)."""
        return pd.DataFrame(self.event_log, columns=["year", "kind", "country", "message"])


def _release_agent_ids(model: mesa.Model) -> None:
    """Drop the model from Mesa 3.3's class-level counter of agent ids.

    ``mesa.Agent._ids`` is a class attribute keyed by model (mesa issue #3179, fixed in
    later Mesa by counting ids on the model), so every model ever built stays in memory:
    about 6 MB per run of the historical world, 11 GB per worker over a calibration.
    The countries are all created in ``__init__``, so the counter is not needed after.
    """
    ids = getattr(mesa.Agent, "_ids", None)
    if isinstance(ids, dict):
        ids.pop(model, None)


def _tech_params(scenario: Scenario) -> technology.TechParams:
    t = scenario.technology
    return technology.TechParams(
        **{name: getattr(t, name) for name in technology.TechParams.__dataclass_fields__}
    )

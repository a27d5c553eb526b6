"""Country: a Mesa agent that is a thin view of its row in the model's arrays.

Reading ``country.gdp`` reads ``model.state.gdp[country.index]``; nothing is copied,
so the vectorised economy and the agent never disagree. The agent's own logic is its
behaviour rules in :meth:`Country.decide`, activated each year in random order
through Mesa's ``AgentSet``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import mesa
import numpy as np

from tradetiers.economy.production import FIRST_RUNG
from tradetiers.metrics import manufacturing_share

if TYPE_CHECKING:
    from tradetiers.config import Scenario
    from tradetiers.model import TradeModel

#: A behaviour rule: called with the agent during step 2 (decisions).
DecisionRule = Callable[["Country"], None]


def hegemon_export_controls(country: Country) -> None:
    """The hegemon controls exports of a top rung to any challenger that gets close.

    When another country's capability on a controlled rung passes ``control_trigger``
    of the frontier, the hegemon blocks its exports of that rung to it and divides its
    weight in the challenger's imitation by ``control_penalty`` (DESIGN.md M4).
    """
    if not country.is_hegemon:
        return
    m = country.model
    t = m.scenario.technology
    rungs = t.controlled_rungs or m.rungs[-2:]
    rel = m.relative_now
    for name in rungs:
        k = m.rungs.index(name)
        good = FIRST_RUNG + k
        close = np.flatnonzero(rel[:, k] >= t.control_trigger)
        targets = [
            int(i)
            for i in close
            if i != country.index and not m.is_controlled(country.index, i, good)
        ]
        if targets:
            m.impose_export_control([country.index], targets, [good], t.control_penalty, "rule")


def frontier_defence(country: Country) -> None:
    """A leader whose lead on its best rung narrows spends more on R&D, from the budget.

    If the country holds the frontier of the highest rung it has mastered (the rung its
    R&D pushes) and a rival is within ``defence_trigger`` of it, it raises its public
    R&D so that total R&D grows by ``defence_growth`` a year, up to ``defence_cap`` of
    GDP. Where innovation works the lead is restored and the race calms down; under a
    siege (a top rung too hard to push) rivals keep closing in, so spending keeps
    rising while the frontier stalls (M6). Public R&D is paid from the budget.
    """
    m = country.model
    i = country.index
    if not m.leads_now[i]:  # most countries lead nothing: decide at once
        return
    t = m.scenario.technology
    rel = m.relative_now
    mine = rel[i]
    mastered = np.flatnonzero(mine >= t.mastery_share)
    if mastered.size == 0:
        return
    best = mastered[-1]
    if mine[best] < 1.0:
        return
    rivals = np.delete(rel[:, best], i)
    if rivals.size == 0 or rivals.max() < t.defence_trigger:
        return
    s = m.state
    gdp = s.gdp[i]
    if gdp <= 0:
        return
    target = s.rd_spending[i] * (1.0 + t.defence_growth)
    from_profits = s.rd_profit_share[i] * max(s.rents[i, FIRST_RUNG:].sum(), 0.0)
    needed = (target - from_profits) / gdp
    s.rd_public_share[i] = min(t.defence_cap, max(s.rd_public_share[i], needed))


def tariff_retaliation(country: Country) -> None:
    """A country hit by a tariff answers with the same tariff on the imposer's goods.

    Once per tariff, and never in answer to a retaliation (no endless spiral); the
    rule is ``money.tariff_retaliation``.
    """
    m = country.model
    i = country.index
    for t in list(m.tariffs):
        if t.source == "retaliation" or i not in t.targets or i == t.imposer:
            continue
        key = (id(t), i)
        if key in m.retaliated:
            continue
        m.retaliated.add(key)
        m.impose_tariff(i, [t.imposer], list(t.goods), t.rate, "retaliation", answers=t)


def default_rules(scenario: Scenario) -> list[DecisionRule]:
    """The behaviour rules switched on by the scenario."""
    t = scenario.technology
    rules: list[DecisionRule] = []
    if scenario.money.enabled and scenario.money.tariff_retaliation:
        rules.append(tariff_retaliation)
    if t.enabled and t.hegemon_export_controls:
        rules.append(hegemon_export_controls)
    if t.enabled and t.frontier_defence:
        rules.append(frontier_defence)
    return rules


class Country(mesa.Agent):
    """One country; attributes are views of its row in ``model.state``."""

    model: TradeModel

    def __init__(self, model: TradeModel, index: int) -> None:
        """Create the view of row ``index``.

        Args:
            model: the owning model.
            index: the country's row in the state arrays.
        """
        super().__init__(model)
        self.index = index

    # -- identity -------------------------------------------------------------
    @property
    def code(self) -> str:
        """ISO-like code."""
        return self.model.state.codes[self.index]

    @property
    def name(self) -> str:
        """Display name."""
        return self.model.state.names[self.index]

    @property
    def is_hegemon(self) -> bool:
        """Whether this country issues the reserve currency."""
        return bool(self.model.state.is_hegemon[self.index])

    # -- views of the row -------------------------------------------------------
    @property
    def tier(self) -> int:
        """Current tier (1-4)."""
        return int(self.model.state.tier[self.index])

    @property
    def population(self) -> float:
        """Population, millions."""
        return float(self.model.state.population[self.index])

    @property
    def gdp(self) -> float:
        """GDP in numeraire units."""
        return float(self.model.state.gdp[self.index])

    @property
    def gdp_per_capita(self) -> float:
        """GDP per person."""
        return self.gdp / self.population

    @property
    def exports(self) -> float:
        """Exports, numeraire units."""
        return float(self.model.state.exports[self.index])

    @property
    def imports(self) -> float:
        """Imports, numeraire units."""
        return float(self.model.state.imports[self.index])

    @property
    def trade_balance(self) -> float:
        """Exports minus imports."""
        return self.exports - self.imports

    @property
    def productivity(self) -> np.ndarray:
        """Capability per good: a writable view of the row."""
        return self.model.state.productivity[self.index]

    @property
    def labour_shares(self) -> np.ndarray:
        """Labour share per sector: a writable view of the row."""
        return self.model.state.labour_shares[self.index]

    @property
    def manufacturing_share(self) -> float:
        """Manufacturing's share of value added, finance and services included (the frame's)."""
        s, i = self.model.state, self.index
        return float(manufacturing_share(s.value_added[i : i + 1], s.other_va[i : i + 1])[0])

    @property
    def debt(self) -> float:
        """Government debt, numeraire units."""
        return float(self.model.state.debt[self.index])

    @property
    def reserves(self) -> float:
        """Reserves: claims on the reserve issuer."""
        return float(self.model.state.reserves[self.index])

    @property
    def current_account(self) -> float:
        """Realised current account this year."""
        return float(self.model.state.current_account[self.index])

    # -- behaviour ----------------------------------------------------------------
    def decide(self) -> None:
        """Apply this country's behaviour rules (step 2 of the year).

        Rules are functions registered on the model (``model.decision_rules``); each
        reads the world through the model and sets this country's policies.
        """
        for rule in self.model.decision_rules:
            rule(self)

    def __repr__(self) -> str:
        return f"Country({self.code}, tier={self.tier}, gdp={self.gdp:.1f})"

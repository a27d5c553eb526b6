"""Indicators: what the frames record each year.

World indicators go through Mesa's ``DataCollector`` as model reporters that return
plain Python scalars. Country indicators are recorded straight from the arrays, a
whole column at a time: Mesa's agent reporters call Python once per agent per
reporter per year, which at 5,000 countries would dominate the step.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from tradetiers.economy.production import AGRICULTURE, FIRST_RUNG, RESOURCES

if TYPE_CHECKING:
    from tradetiers.model import TradeModel


def manufacturing_share(value_added: np.ndarray, other_va: np.ndarray | None = None) -> np.ndarray:
    """Manufacturing value added over total value added, per country.

    ``other_va`` is the value added outside the traded goods (finance and home services,
    ``CountryState.other_va``), which counts in the total.
    """
    total = value_added.sum(axis=1) + (0.0 if other_va is None else other_va)
    manu = value_added[:, FIRST_RUNG:].sum(axis=1)
    return np.divide(manu, total, out=np.zeros_like(total), where=total > 0)


def sector_share(
    value_added: np.ndarray, good: int, other_va: np.ndarray | None = None
) -> np.ndarray:
    """One traded sector's value added over total (finance and services included), per country."""
    total = value_added.sum(axis=1) + (0.0 if other_va is None else other_va)
    return np.divide(value_added[:, good], total, out=np.zeros_like(total), where=total > 0)


def other_sector_share(
    value_added: np.ndarray, part: np.ndarray, other_va: np.ndarray
) -> np.ndarray:
    """A sector outside the traded goods (finance or services) over total value added."""
    total = value_added.sum(axis=1) + other_va
    return np.divide(part, total, out=np.zeros_like(total), where=total > 0)


def world_reporters(model: TradeModel) -> dict[str, Callable[[Any], Any]]:
    """Model reporters for the world frame (each returns a plain Python scalar)."""

    def heg_index() -> int | None:
        return model.hegemon_row  # found once a year, before collection

    def heg_manu(m: TradeModel) -> float:
        i = heg_index()
        if i is None:
            return float("nan")
        return float(manufacturing_share(m.state.value_added, m.state.other_va)[i])

    def heg(values: np.ndarray) -> float:
        i = heg_index()
        return float(values[i]) if i is not None else float("nan")

    reporters: dict[str, Callable[[Any], Any]] = {
        "year": lambda m: int(m.year),
        "world_gdp": lambda m: float(m.state.gdp.sum()),
        "world_trade": lambda m: float(m.state.exports.sum()),
        "hegemon": lambda m: m.state.codes[heg_index()] if heg_index() is not None else "",
        "hegemon_manufacturing_share": heg_manu,
        "unmet_demand": lambda m: float(m.last.allocation.unmet.sum()),
        "unsold_output": lambda m: float(m.last.allocation.unsold.sum()),
        "sinkhorn_iterations": lambda m: int(m.last.allocation.iterations),
    }
    for t in (1, 2, 3, 4):
        reporters[f"countries_tier_{t}"] = lambda m, t=t: int((m.state.tier == t).sum())
    reporters["world_rd"] = lambda m: float(m.state.rd_spending.sum())
    reporters["export_controls"] = lambda m: len(m.controls)
    for g, name in enumerate(model.goods):
        reporters[f"price_{name}"] = lambda m, g=g: float(m.prices[g])
        reporters[f"margin_{name}"] = lambda m, g=g: float(m.last.margins[g])
    for k, name in enumerate(model.rungs):
        g = FIRST_RUNG + k
        reporters[f"rents_{name}"] = lambda m, g=g: float(m.state.rents[:, g].sum())
        reporters[f"frontier_{name}"] = lambda m, g=g: float(m.state.productivity[:, g].max())
    if model.scenario.money.enabled:
        reporters.update(
            {
                "reserve_credibility": lambda m: float(m.money.credibility),
                "world_reserves": lambda m: float(m.state.reserves.sum()),
                "world_portfolio": lambda m: float(m.state.portfolio.sum()),
                "policy_rate": lambda m: float(m.money.policy_rate),
                "reserve_run": lambda m: int(m.money.run_left > 0),
                "hegemon_debt_to_gdp": lambda m: heg(m.state.debt_to_gdp),
                "hegemon_deficit_to_gdp": lambda m: heg(_ratio(m.state.deficit, m.state.gdp)),
                "hegemon_interest_bill": lambda m: heg(m.state.interest_bill),
                "hegemon_interest_rate": lambda m: heg(m.state.interest_rate),
                "hegemon_current_account": lambda m: heg(m.state.current_account),
                "hegemon_finance_share": lambda m: heg(
                    other_sector_share(m.state.value_added, m.state.finance_va, m.state.other_va)
                ),
                "hegemon_imports": lambda m: heg(m.state.imports),
                "hegemon_price_index": lambda m: heg(m.state.price_index),
                "tariffs": lambda m: len(m.tariffs),
            }
        )
        for t in (2, 3, 4):
            reporters[f"reserves_tier_{t}"] = lambda m, t=t: float(
                m.state.reserves[m.state.tier == t].sum()
            )
    return reporters


def _ratio(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.divide(a, b, out=np.zeros_like(a), where=b > 0)


class CountryRecorder:
    """Collects the country panel as whole columns each year; builds a tidy frame on demand."""

    def __init__(self, model: TradeModel) -> None:
        self.model = model
        self._years: list[dict[str, np.ndarray]] = []

    def record(self) -> None:
        """Record this year's columns."""
        m, s = self.model, self.model.state
        n = s.n
        va, other = s.value_added, s.other_va
        cols: dict[str, np.ndarray] = {
            "year": np.full(n, m.year, dtype=np.int64),
            "tier": s.tier.copy(),
            "population": s.population.copy(),
            "gdp": s.gdp.copy(),
            "gdp_per_capita": s.gdp_per_capita,
            "manufacturing_share": manufacturing_share(va, other),
            "resources_share": sector_share(va, RESOURCES, other),
            "agriculture_share": sector_share(va, AGRICULTURE, other),
            "finance_share": other_sector_share(va, s.finance_va, other),
            "services_share": other_sector_share(va, s.services_va, other),
            "exports": s.exports.copy(),
            "imports": s.imports.copy(),
            "trade_balance": s.trade_balance,
            "absorption": s.absorption.copy(),
            "rents": s.rents.sum(axis=1),
        }
        if m.scenario.money.enabled:
            money_cols = {
                "debt": s.debt,
                "debt_to_gdp": s.debt_to_gdp,
                "deficit": s.deficit,
                "tax_rate": s.tax_rate,
                "interest_rate": s.interest_rate,
                "interest_bill": s.interest_bill,
                "reserves": s.reserves,
                "portfolio": s.portfolio,
                "capital_inflow": s.capital_inflow,
                "current_account": s.current_account,
                "primary_income": s.primary_income,
                "finance_labour": s.finance_labour,
                "import_factor": s.import_factor,
                "import_compression": s.compression,
                "price_index": s.price_index,
                "issuer": s.is_hegemon,
            }
            cols.update({k: np.array(v, copy=True) for k, v in money_cols.items()})
        cols["rd_spending"] = s.rd_spending.copy()
        cols["rd_public_share"] = s.rd_public_share.copy()
        cols["challenger"] = s.challenger.copy()
        rel = m.relative_capability()
        for k, rung in enumerate(m.rungs):
            cols[f"capability_{rung}"] = s.productivity[:, FIRST_RUNG + k].copy()
            cols[f"relcap_{rung}"] = rel[:, k]
            cols[f"mastered_{rung}"] = s.mastered_year[:, k].copy()
            cols[f"rents_{rung}"] = s.rents[:, FIRST_RUNG + k].copy()
        assert m.last is not None
        exports = m.last.allocation.exports  # (G, N)
        for g, good in enumerate(m.goods):
            cols[f"labour_{good}"] = s.labour_shares[:, g].copy()
            cols[f"exports_{good}"] = exports[g].copy()
        cols["labour_services"] = s.services_labour.copy()
        self._years.append(cols)

    def frame(self) -> pd.DataFrame:
        """Tidy frame: one row per (year, country)."""
        s = self.model.state
        if not self._years:
            return pd.DataFrame(columns=["year", "country"])
        keys = self._years[0].keys()
        data = {k: np.concatenate([y[k] for y in self._years]) for k in keys}
        reps = len(self._years)
        df = pd.DataFrame(data)
        df.insert(1, "country", np.tile(np.array(s.codes, dtype=object), reps))
        df.insert(2, "name", np.tile(np.array(s.names, dtype=object), reps))
        return df

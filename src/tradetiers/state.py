"""The model's state: numpy arrays, one row per country, owned by the model.

A ``Country`` agent is a view of row ``i`` of these arrays. Economy functions take
arrays and return arrays; only the model writes them back here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

TIER_HEGEMON, TIER_MANUFACTURER, TIER_RESOURCE, TIER_AGRARIAN = 1, 2, 3, 4
TIER_NAMES = {1: "hegemon", 2: "manufacturer", 3: "resource exporter", 4: "agrarian"}


@dataclass
class CountryState:
    """Per-country arrays (N rows; goods in columns where two-dimensional).

    Units: population in millions; value in units of the numeraire (the world price
    index on base-year output is 1).
    """

    codes: list[str]
    names: list[str]
    population: np.ndarray  # (N,)
    land: np.ndarray  # (N,)
    deposits: np.ndarray  # (N,)
    productivity: np.ndarray  # (N, G) capability A_ig
    labour_shares: np.ndarray  # (N, G) s_ig, rows sum to 1
    expected_pay: np.ndarray  # (N, G) smoothed value added per worker
    lat: np.ndarray  # (N,)
    lon: np.ndarray  # (N,)
    is_hegemon: np.ndarray  # (N,) bool
    tier: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    output: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))  # (N, G) real output
    revenue: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))  # (N, G) p*Y
    value_added: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))  # (N, G)
    gdp: np.ndarray = field(default_factory=lambda: np.zeros(0))  # (N,)
    exports: np.ndarray = field(default_factory=lambda: np.zeros(0))  # (N,)
    imports: np.ndarray = field(default_factory=lambda: np.zeros(0))  # (N,)
    rents: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))  # (N, G) profits
    rd_public_share: np.ndarray = field(default_factory=lambda: np.zeros(0))  # (N,) of GDP
    rd_profit_share: np.ndarray = field(default_factory=lambda: np.zeros(0))  # (N,) of rents
    rd_spending: np.ndarray = field(default_factory=lambda: np.zeros(0))  # (N,)
    rd_by_rung: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))  # (N, K)
    mastered_year: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))  # (N, K), NaN
    challenger: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))  # (N,)
    # money (values in numeraire units, shares of GDP where named)
    debt: np.ndarray = field(default_factory=lambda: np.zeros(0))  # (N,) government debt
    deficit: np.ndarray = field(default_factory=lambda: np.zeros(0))  # (N,) this year
    gov_revenue: np.ndarray = field(default_factory=lambda: np.zeros(0))  # (N,)
    gov_spending: np.ndarray = field(default_factory=lambda: np.zeros(0))  # (N,) incl. interest
    tax_rate: np.ndarray = field(default_factory=lambda: np.zeros(0))  # (N,)
    interest_rate: np.ndarray = field(default_factory=lambda: np.zeros(0))  # (N,)
    interest_bill: np.ndarray = field(default_factory=lambda: np.zeros(0))  # (N,)
    military_share: np.ndarray = field(default_factory=lambda: np.zeros(0))  # (N,) of GDP
    tax_base: np.ndarray = field(default_factory=lambda: np.zeros(0))  # (N,) fiscal rule's base
    base_spending: np.ndarray = field(default_factory=lambda: np.zeros(0))  # (N,) of GDP
    extra_spending: np.ndarray = field(default_factory=lambda: np.zeros(0))  # (N,) of GDP
    revenue_loss: np.ndarray = field(default_factory=lambda: np.zeros(0))  # (N,) of GDP
    reserves: np.ndarray = field(default_factory=lambda: np.zeros(0))  # (N,) claims on issuer
    portfolio: np.ndarray = field(default_factory=lambda: np.zeros(0))  # (N,) owed to issuer
    capital_inflow: np.ndarray = field(default_factory=lambda: np.zeros(0))  # (N,) this year
    current_account: np.ndarray = field(default_factory=lambda: np.zeros(0))  # (N,) realised
    planned_current_account: np.ndarray = field(default_factory=lambda: np.zeros(0))  # (N,)
    primary_income: np.ndarray = field(default_factory=lambda: np.zeros(0))  # (N,) net
    finance_va: np.ndarray = field(default_factory=lambda: np.zeros(0))  # (N,) finance sector
    finance_labour: np.ndarray = field(default_factory=lambda: np.zeros(0))  # (N,) share
    compression: np.ndarray = field(default_factory=lambda: np.zeros(0))  # (N,) unpaid deficit
    import_factor: np.ndarray = field(default_factory=lambda: np.zeros(0))  # (N,) 1 = free
    tariff_revenue: np.ndarray = field(default_factory=lambda: np.zeros(0))  # (N,)
    subsidy_cost: np.ndarray = field(default_factory=lambda: np.zeros(0))  # (N,)
    price_index: np.ndarray = field(default_factory=lambda: np.zeros(0))  # (N,) 1 = world
    expected_finance_pay: np.ndarray = field(default_factory=lambda: np.zeros(0))  # (N,)
    absorption: np.ndarray = field(default_factory=lambda: np.zeros(0))  # (N,) final spending
    debt_write_off: np.ndarray = field(default_factory=lambda: np.zeros(0))  # (N,) restructuring
    # home services (non-traded) and growth
    population_growth: np.ndarray = field(default_factory=lambda: np.zeros(0))  # (N,) a year
    services_base: np.ndarray = field(default_factory=lambda: np.zeros(0))  # (N,) ω
    services_share: np.ndarray = field(default_factory=lambda: np.zeros(0))  # (N,) σ this year
    services_labour: np.ndarray = field(default_factory=lambda: np.zeros(0))  # (N,) of workers
    services_va: np.ndarray = field(default_factory=lambda: np.zeros(0))  # (N,)
    income_start: np.ndarray = field(default_factory=lambda: np.zeros(0))  # (N,) first GDP/head
    subsidy: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))  # (N, G) pay uplift
    tariff_wedge: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))  # (N, G)

    def __post_init__(self) -> None:
        n, g = self.productivity.shape
        if self.tier.size == 0:
            self.tier = np.zeros(n, dtype=np.int64)
        for name in ("output", "revenue", "value_added", "rents"):
            if getattr(self, name).size == 0:
                setattr(self, name, np.zeros((n, g)))
        for name in (
            "gdp",
            "exports",
            "imports",
            "rd_public_share",
            "rd_profit_share",
            "rd_spending",
            *MONEY_VECTORS,
            *SERVICE_VECTORS,
        ):
            if getattr(self, name).size == 0:
                setattr(self, name, np.zeros(n))
        k = g - 2
        if self.rd_by_rung.size == 0:
            self.rd_by_rung = np.zeros((n, k))
        if self.mastered_year.size == 0:
            self.mastered_year = np.full((n, k), np.nan)
        if self.challenger.size == 0:
            self.challenger = np.zeros(n, dtype=bool)
        if self.subsidy.size == 0:
            self.subsidy = np.zeros((n, g))
        if self.tariff_wedge.size == 0:
            self.tariff_wedge = np.zeros((n, g))
        for name in ("import_factor", "price_index"):
            if not getattr(self, name).any():
                setattr(self, name, np.ones(n))

    @property
    def n(self) -> int:
        """Number of countries."""
        return len(self.codes)

    @property
    def gdp_per_capita(self) -> np.ndarray:
        """GDP per person (numeraire units per million people = per-capita index)."""
        return self.gdp / self.population

    @property
    def trade_balance(self) -> np.ndarray:
        """Exports minus imports."""
        return self.exports - self.imports

    @property
    def debt_to_gdp(self) -> np.ndarray:
        """Government debt over GDP (0 where GDP is 0)."""
        return np.divide(self.debt, self.gdp, out=np.zeros_like(self.debt), where=self.gdp > 0)

    @property
    def finance_share(self) -> np.ndarray:
        """The finance sector's value added over GDP."""
        return np.divide(self.finance_va, self.gdp, out=np.zeros_like(self.gdp), where=self.gdp > 0)

    @property
    def other_va(self) -> np.ndarray:
        """Value added outside the traded goods: finance plus home services (N,)."""
        return self.finance_va + self.services_va


@dataclass
class MoneyWorld:
    """World money state: the issuer's policy rate, credibility and any run under way."""

    policy_rate: float = 0.0
    rate_path: dict[int, float] = field(default_factory=dict)  # year -> rate (events)
    credibility: float = 1.0
    share_start: float = 0.0  # the issuer's first economic weight
    liabilities_start: float = 0.0  # its first foreign liabilities / GDP
    years_below: int = 0  # consecutive years of credibility below the threshold
    run_left: int = 0  # years of run still to go
    candidate: int = -1  # the country the reserve role may pass to
    candidate_years: int = 0
    hegemon_shortfall: float = 0.0
    compressed: np.ndarray = field(
        default_factory=lambda: np.zeros(0, dtype=bool)
    )  # (N,) logged as compressed
    started: bool = False  # stocks set from the first year's GDP
    # start-of-year stocks, for the identities
    debt_before: np.ndarray = field(default_factory=lambda: np.zeros(0))
    reserves_before: float = 0.0
    handover: float = 0.0  # reserves extinguished when the reserve role passes on
    settled_by: int = 0  # the issuer that settled this year's accounts


SERVICE_VECTORS = (
    "population_growth",
    "services_base",
    "services_share",
    "services_labour",
    "services_va",
    "income_start",
)

MONEY_VECTORS = (
    "debt",
    "deficit",
    "gov_revenue",
    "gov_spending",
    "tax_rate",
    "interest_rate",
    "interest_bill",
    "military_share",
    "tax_base",
    "base_spending",
    "extra_spending",
    "revenue_loss",
    "reserves",
    "portfolio",
    "capital_inflow",
    "current_account",
    "planned_current_account",
    "primary_income",
    "finance_va",
    "finance_labour",
    "compression",
    "tariff_revenue",
    "subsidy_cost",
    "expected_finance_pay",
    "absorption",
    "debt_write_off",
)

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

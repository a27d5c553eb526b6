"""The outcome language: named scalars and time series read from a run's frames.

An outcome picks one column of the world frame (``model.world_frame()``) or of the
country frame (``model.country_frame()``), makes it a series over years, then reduces
it to one number. Columns are named, never coded, so indicators that later mechanisms
add to the frames (capability per rung, debt/GDP, credibility...) are outcomes with no
code change::

    [[outcomes]]
    name = "hegemon_manufacturing_2049"
    column = "hegemon_manufacturing_share"      # a world column
    stat = "at"
    year = 2049

    [[outcomes]]
    name = "man_catch_up_year"
    column = "gdp_per_capita"
    country = "MAN"                             # a country column, for one country...
    relative_to = "HEG"                         # ...as a ratio to another country's
    stat = "first_year_above"
    threshold = 0.5

The series is a world column; a country's column (``country``), optionally divided by
another country's (``relative_to``); or a column aggregated over all countries each
year (``across``). ``from_year``/``to_year`` restrict it to a window. Statistics:
``at`` (the value in ``year``), ``first``, ``last``, ``max``, ``min``, ``mean``,
``sum``, ``change`` (last minus first), ``year_of_max``, ``year_of_min``,
``first_year_above`` and ``first_year_below`` (the first year the value is at or past
``threshold``; ``never`` when it never is, default NaN).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator

from tradetiers.experiments.errors import FieldProblem

Stat = Literal[
    "at",
    "first",
    "last",
    "max",
    "min",
    "mean",
    "sum",
    "change",
    "year_of_max",
    "year_of_min",
    "first_year_above",
    "first_year_below",
]
Across = Literal["sum", "mean", "median", "max", "min"]
NAME = r"^[A-Za-z_][A-Za-z0-9_]{0,62}$"
WORLD = "world"  #: the ``country`` of world indicators in the series table


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class Outcome(_Strict):
    """A named scalar computed from one run (see the module docstring)."""

    name: Annotated[str, Field(pattern=NAME)]
    column: Annotated[str, Field(min_length=1)]
    description: str = ""
    country: str | None = None
    relative_to: str | None = None
    across: Across | None = None
    stat: Stat = "last"
    year: int | None = None
    threshold: float | None = None
    never: float | None = None
    from_year: int | None = None
    to_year: int | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Outcome:
        if self.stat == "at" and self.year is None:
            raise FieldProblem("year", self.year, "stat 'at' needs the year to read")
        if self.stat != "at" and self.year is not None:
            raise FieldProblem("year", self.year, "only stat 'at' reads one year")
        threshold_stat = self.stat.startswith("first_year_")
        if threshold_stat and self.threshold is None:
            raise FieldProblem("threshold", None, f"stat {self.stat!r} needs a threshold")
        if not threshold_stat and self.threshold is not None:
            raise FieldProblem("threshold", self.threshold, "only first_year_* stats use it")
        if not threshold_stat and self.never is not None:
            raise FieldProblem("never", self.never, "only first_year_* stats use it")
        if self.country is not None and self.across is not None:
            raise FieldProblem("across", self.across, "give country or across, not both")
        if self.relative_to is not None and self.country is None:
            raise FieldProblem("relative_to", self.relative_to, "needs a country to compare")
        if None not in (self.from_year, self.to_year) and self.to_year < self.from_year:  # type: ignore[operator]
            raise FieldProblem("to_year", self.to_year, f"must be >= from_year {self.from_year}")
        return self

    @property
    def table(self) -> str:
        """``world`` or ``countries``: the frame the column is read from."""
        return "world" if self.country is None and self.across is None else "countries"


class Series(_Strict):
    """Time series to keep from every run, in the tidy ``series`` table.

    ``columns`` of the world frame, or of the country frame for the listed
    ``countries`` (``"all"`` for every country); ``every`` keeps one year in n.
    """

    columns: Annotated[list[Annotated[str, Field(min_length=1)]], Field(min_length=1)]
    countries: list[str] | Literal["all"] | None = None
    every: Annotated[int, Field(ge=1, le=1000)] = 1


class Frames:
    """A run's frames, indexed once so that many outcomes read them cheaply."""

    def __init__(self, world: pd.DataFrame, countries: pd.DataFrame) -> None:
        self.world = world.set_index("year", drop=False)
        self.countries = countries
        self._by_country: dict[str, pd.DataFrame] | None = None

    def country(self, code: str) -> pd.DataFrame:
        """One country's rows, indexed by year."""
        if self._by_country is None:
            self._by_country = {
                str(c): f.set_index("year", drop=False)
                for c, f in self.countries.groupby("country", sort=False)
            }
        return self._by_country[code]

    @property
    def codes(self) -> list[str]:
        """Country codes present in the country frame."""
        return [str(c) for c in pd.unique(self.countries["country"])]


def series_of(outcome: Outcome, frames: Frames) -> pd.Series:
    """The outcome's series over years (float), before its statistic."""
    col = outcome.column
    if outcome.table == "world":
        s = frames.world[col]
    elif outcome.country is not None:
        s = frames.country(outcome.country)[col]
        if outcome.relative_to is not None:
            ref = frames.country(outcome.relative_to)[col].to_numpy(dtype=float)
            num = s.to_numpy(dtype=float)
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio = np.where(ref != 0, num / ref, np.nan)
            s = pd.Series(ratio, index=s.index)
    else:
        s = frames.countries.groupby("year")[col].agg(outcome.across)
    s = s.astype(float)
    if outcome.from_year is not None:
        s = s[s.index >= outcome.from_year]
    if outcome.to_year is not None:
        s = s[s.index <= outcome.to_year]
    return s


def reduce(outcome: Outcome, s: pd.Series) -> float:
    """Apply the outcome's statistic to its series (NaN when there is nothing to reduce)."""
    stat = outcome.stat
    if stat == "at":
        return float(s.get(outcome.year, np.nan))
    if s.empty:
        return float("nan")
    if stat.startswith("first_year_"):
        hit = s >= outcome.threshold if stat == "first_year_above" else s <= outcome.threshold
        years = s.index[hit.to_numpy()]
        never = np.nan if outcome.never is None else outcome.never
        return float(years[0]) if len(years) else float(never)
    values = s.to_numpy()
    if stat == "first":
        return float(values[0])
    if stat == "last":
        return float(values[-1])
    if stat == "change":
        return float(values[-1] - values[0])
    if stat in ("year_of_max", "year_of_min"):
        if np.isnan(values).all():
            return float("nan")
        pick = np.nanargmax(values) if stat == "year_of_max" else np.nanargmin(values)
        return float(s.index[pick])
    return float(getattr(s, stat)())


def evaluate(outcomes: Sequence[Outcome], frames: Frames) -> dict[str, float]:
    """Every outcome of one run, by name."""
    return {o.name: reduce(o, series_of(o, frames)) for o in outcomes}


def collect_series(specs: Sequence[Series], frames: Frames) -> pd.DataFrame:
    """Tidy rows ``year, country, indicator, value`` for the series to keep."""
    parts: list[pd.DataFrame] = []
    for spec in specs:
        if spec.countries is None:
            src = frames.world
            years = src["year"].to_numpy()
            for col in spec.columns:
                parts.append(_tidy(years, WORLD, col, src[col], spec.every))
            continue
        codes = frames.codes if spec.countries == "all" else spec.countries
        for code in codes:
            src = frames.country(code)
            years = src["year"].to_numpy()
            for col in spec.columns:
                parts.append(_tidy(years, code, col, src[col], spec.every))
    if not parts:
        return pd.DataFrame(
            {
                "year": pd.Series([], dtype="int64"),
                "country": pd.Series([], dtype="str"),
                "indicator": pd.Series([], dtype="str"),
                "value": pd.Series([], dtype="float64"),
            }
        )
    return pd.concat(parts, ignore_index=True)


def _tidy(years: np.ndarray, country: str, column: str, values: Any, every: int) -> pd.DataFrame:
    keep = slice(None, None, every)
    y = np.asarray(years, dtype=np.int64)[keep]
    return pd.DataFrame(
        {
            "year": y,
            "country": np.full(y.size, country, dtype=object),
            "indicator": np.full(y.size, column, dtype=object),
            "value": np.asarray(values, dtype=float)[keep],
        }
    )


def check(
    outcomes: Sequence[Outcome], series: Sequence[Series], frames: Frames, first: int, last: int
) -> tuple[str, Any, str] | None:
    """Check outcomes and series against a sample run's frames.

    Returns:
        ``(field, value, allowed)`` for the first problem, or None.
    """
    world_cols = _numeric(frames.world)
    country_cols = _numeric(frames.countries)
    codes = frames.codes
    for i, o in enumerate(outcomes):
        cols = world_cols if o.table == "world" else country_cols
        if o.column not in cols:
            which = "world" if o.table == "world" else "country"
            return f"outcomes[{i}].column", o.column, f"not a numeric {which} column; one of {cols}"
        for field in ("country", "relative_to"):
            code = getattr(o, field)
            if code is not None and code not in codes:
                return f"outcomes[{i}].{field}", code, f"unknown country; one of {codes}"
        for field in ("year", "from_year", "to_year"):
            year = getattr(o, field)
            if year is not None and not first <= year <= last:
                return f"outcomes[{i}].{field}", year, f"must be a simulated year, {first}..{last}"
    for i, s in enumerate(series):
        cols = world_cols if s.countries is None else country_cols
        for col in s.columns:
            if col not in cols:
                return f"series[{i}].columns", col, f"not a numeric column; one of {cols}"
        if isinstance(s.countries, list):
            for code in s.countries:
                if code not in codes:
                    return f"series[{i}].countries", code, f"unknown country; one of {codes}"
    return None


def _numeric(frame: pd.DataFrame) -> list[str]:
    return [
        str(c)
        for c in frame.columns
        if c != "year" and pd.api.types.is_numeric_dtype(frame[c]) and frame[c].dtype != bool
    ]

"""The ``[validation]`` table of a scenario: sourced figures its output should reproduce.

A target names an indicator (an id shared by the figures of one quantity), the frame
column that measures it (a column of ``model.country_frame()`` for a ``country``, or
of ``model.world_frame()`` without one), a year, the figure and where it comes from
(``set = "seed"`` for the seed essay, ``"official"`` for official statistics) and a
tolerance, absolute (``tolerance``, in the figure's unit) or relative
(``tolerance_relative``, a share of the figure)::

    [validation]
    seeds = 20
    band = 0.9

    [[validation.targets]]
    indicator = "manufacturing_va_share"
    label = "US manufacturing value added, % of GDP"
    country = "USA"
    column = "manufacturing_share"
    year = 2001
    scale = 100.0
    value = 15.1
    unit = "% of GDP"
    set = "seed"
    source = "seed essay"
    tolerance = 1.5

The simulated figure is ``column * scale``. The model has no price level, so a money
figure is converted through the country's own GDP: with ``convert = "usd_trillion"``
it is ``column / model GDP * nominal GDP`` of that country and year, the nominal GDP (in
US$ trillion) read from the CSV named by ``nominal_gdp`` (``usd_billion``: times 1000).
A world target converts with ``world_gdp`` and the nominal GDP row of country ``WLD``.

What can be checked from the scenario alone (the schema, the tolerances, the years and
the country codes) is checked whenever a scenario loads, with the one-line errors of
:class:`tradetiers.config.ScenarioError`; the columns and the nominal GDP rows are
checked before a validation runs (:func:`check_columns`, :mod:`.nominal`).

This module is imported by :mod:`tradetiers.config`, so it imports config only inside
functions.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, model_validator

if TYPE_CHECKING:
    from tradetiers.config import Scenario

#: the sets of figures and how tables name them
SET_LABELS = {"seed": "seed essay", "official": "official"}
#: conversions of a money column to US dollars: the multiple of US$ trillion
CONVERSIONS = {"usd_trillion": 1.0, "usd_billion": 1000.0}
#: the code of the world's row in the nominal GDP table (for world targets)
WORLD_CODE = "WLD"
#: what result tables give as the ``country`` of a world-frame indicator
WORLD = "world"
CODE_PATTERN = r"^[A-Z][A-Z0-9_]{1,7}$"  # as in tradetiers.config
NAME_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]{0,62}$"

Finite = Annotated[float, Field(allow_inf_nan=False)]


def _problem(field: str, value: Any, allowed: str) -> ValueError:
    """A precise field error, reported by ``Scenario.load`` as one line."""
    from tradetiers.config import _FieldError

    return _FieldError(field, value, allowed)


def _missing() -> Any:
    from tradetiers.config import MISSING

    return MISSING


class _Strict(BaseModel):
    """Like the scenario's settings: unknown keys are errors and types are strict."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, strict=True)


class Target(_Strict):
    """One sourced figure the model's output should reproduce within a tolerance."""

    indicator: Annotated[str, Field(pattern=NAME_PATTERN)]
    label: str = ""
    country: Annotated[str, Field(pattern=CODE_PATTERN)] | None = None
    column: Annotated[str, Field(min_length=1)]
    year: int
    scale: Finite = 1.0
    convert: Literal["none", "usd_trillion", "usd_billion"] = "none"
    #: the country whose GDP converts the figure (default: the target's own country);
    #: the reserve issuer's, for a country whose model GDP is on another basis
    convert_via: Annotated[str, Field(pattern=CODE_PATTERN)] | None = None
    #: ``near``: within the tolerance; ``below``/``above``: under/over the figure
    #: (a figure given as a bound, such as "less than 10%"), give or take the tolerance
    bound: Literal["near", "below", "above"] = "near"
    value: Finite
    unit: str = ""
    set: Literal["seed", "official"]
    source: Annotated[str, Field(min_length=1)]
    tolerance: Annotated[Finite, Field(ge=0)] | None = None
    tolerance_relative: Annotated[Finite, Field(ge=0)] | None = None
    required: bool = True

    @model_validator(mode="after")
    def _one_tolerance(self) -> Target:
        if self.tolerance is not None and self.tolerance_relative is not None:
            raise _problem(
                "tolerance_relative",
                self.tolerance_relative,
                "give tolerance (absolute) or tolerance_relative, not both",
            )
        if self.tolerance is None and self.tolerance_relative is None and self.bound == "near":
            raise _problem(
                "tolerance",
                _missing(),
                "give tolerance (absolute, in the unit) or tolerance_relative "
                "(a share of the value)",
            )
        if self.scale == 0:
            raise _problem("scale", self.scale, "must not be 0")
        if self.convert_via is not None and self.convert == "none":
            raise _problem(
                "convert_via", self.convert_via, "needs convert = usd_trillion/usd_billion"
            )
        return self

    @property
    def where(self) -> str:
        """The country's code, or ``world`` for a world-frame column."""
        return self.country or WORLD

    @property
    def title(self) -> str:
        """The label, or the indicator's id when there is none."""
        return self.label or self.indicator

    @property
    def allowed_error(self) -> float:
        """The largest distance from the figure that passes, in the figure's unit."""
        if self.tolerance is not None:
            return self.tolerance
        return float(self.tolerance_relative or 0.0) * abs(self.value)

    def passes(self, simulated: float) -> bool:
        """True when ``simulated`` (a mean over seeds) is within the tolerance or bound."""
        if not math.isfinite(simulated):
            return False
        slack = self.allowed_error * (1 + 1e-12)
        if self.bound == "below":
            return simulated < self.value + slack
        if self.bound == "above":
            return simulated > self.value - slack
        return abs(simulated - self.value) <= slack

    def tolerance_text(self) -> str:
        """``± 1.5``, ``± 20%``, or for a bound ``(a bound)`` / ``(+ 0.5)``."""
        if self.bound != "near":
            word = "an upper" if self.bound == "below" else "a lower"
            extra = f", {self._plain_tolerance()}" if self.allowed_error else ""
            return f"({word} bound{extra})"
        return self._plain_tolerance()

    def _plain_tolerance(self) -> str:
        if self.tolerance is not None:
            return f"± {self.tolerance:g}"
        return f"± {100 * float(self.tolerance_relative or 0.0):g}%"


class ValidationSettings(_Strict):
    """The ``[validation]`` table: default seeds, band width, nominal GDP data, targets."""

    seeds: Annotated[int, Field(ge=1, le=10_000)] = 20
    band: Annotated[float, Field(gt=0, lt=1)] = 0.9
    nominal_gdp: Annotated[str, Field(min_length=1)] = "nominal_gdp.csv"
    targets: Annotated[list[Target], Field(min_length=1)]

    @model_validator(mode="after")
    def _consistent(self) -> ValidationSettings:
        first: dict[tuple[str, str | None], int] = {}
        given: dict[tuple[str, str | None, int, str], int] = {}
        for i, t in enumerate(self.targets):
            j = first.setdefault((t.indicator, t.country), i)
            for name in ("column", "scale", "convert", "convert_via"):
                mine, theirs = getattr(t, name), getattr(self.targets[j], name)
                if mine != theirs:
                    raise _problem(
                        f"targets[{i}].{name}",
                        mine,
                        f"the targets of {t.indicator} for {t.where} measure one quantity; "
                        f"targets[{j}] has {name} = {theirs!r}",
                    )
            k = given.setdefault((t.indicator, t.country, t.year, t.set), i)
            if k != i:
                raise _problem(
                    f"targets[{i}].set",
                    t.set,
                    f"targets[{k}] already gives the {SET_LABELS[t.set]} figure of "
                    f"{t.indicator} for {t.where} in {t.year}",
                )
        return self

    @property
    def quantiles(self) -> tuple[float, float]:
        """The band's lower and upper quantiles, e.g. (0.05, 0.95) for a band of 0.9."""
        tail = (1 - self.band) / 2
        return tail, 1 - tail

    @property
    def last_year(self) -> int:
        """The latest target year: how far a validation must run."""
        return max(t.year for t in self.targets)


def _check_against_scenario(
    settings: ValidationSettings | None, info: ValidationInfo
) -> ValidationSettings | None:
    """Target years within the scenario's span, countries among its countries."""
    if settings is None:
        return None
    data = info.data  # the scenario's fields validated so far (declared before this one)
    start, years = data.get("start_year"), data.get("years")
    codes = _codes(data)
    for i, t in enumerate(settings.targets):
        if start is not None and years is not None and not start <= t.year <= start + years - 1:
            raise _problem(
                f"targets[{i}].year",
                t.year,
                f"must be a year the scenario runs, {start}..{start + years - 1}",
            )
        if t.country is not None and codes is not None and t.country not in codes:
            raise _problem(
                f"targets[{i}].country",
                t.country,
                f"unknown country; one of {listing(codes)}, or leave it out for a world column",
            )
        if t.convert_via is not None and codes is not None and t.convert_via not in codes:
            raise _problem(
                f"targets[{i}].convert_via",
                t.convert_via,
                f"unknown country; one of {listing(codes)}",
            )
    return settings


def _codes(data: dict[str, Any]) -> list[str] | None:
    synthetic = data.get("synthetic")
    if synthetic is not None:
        return list(synthetic.codes)
    countries = data.get("countries")
    if not countries:
        return None
    return [c.code for c in countries]


def listing(items: Iterable[Any], limit: int = 30) -> str:
    """Items as ``a, b, c`` (sorted), cut after ``limit`` of them."""
    shown = sorted(str(x) for x in items)
    more = len(shown) - limit
    text = ", ".join(shown[:limit])
    return text + (f", ... ({more} more)" if more > 0 else "")


#: the annotation of ``Scenario.validation``: the table, checked against the scenario
ScenarioValidation = Annotated[ValidationSettings | None, AfterValidator(_check_against_scenario)]


def check_columns(
    scenario: Scenario,
    source: str,
    world_columns: Iterable[str],
    country_columns: Iterable[str],
) -> None:
    """Check each target's column against the frames of a one-year run.

    Args:
        scenario: the scenario, with a ``[validation]`` table.
        source: the file named in errors.
        world_columns: the numeric columns of ``model.world_frame()``.
        country_columns: the numeric columns of ``model.country_frame()``.

    Raises:
        ScenarioError: a column the frames do not have, in one line.
    """
    from tradetiers.config import ScenarioError

    settings = scenario.validation
    if settings is None:
        return
    world, country = set(world_columns), set(country_columns)
    for i, t in enumerate(settings.targets):
        have, which = (country, "country") if t.country is not None else (world, "world")
        if t.column not in have:
            frame = "country_frame()" if t.country is not None else "world_frame()"
            raise ScenarioError(
                source,
                f"validation.targets[{i}].column",
                t.column,
                f"not a numeric column of model.{frame} ({which} targets); "
                f"one of {listing(have, limit=80)}",
            )

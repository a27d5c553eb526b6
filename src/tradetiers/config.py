"""Scenario files (TOML) -> validated, typed settings, with one-line errors.

A scenario names the goods, the countries (or a synthetic-world generator), the
parameters, the trade graph, an events timeline and a seed. Everything a run needs
is in it, so that a scenario and a seed reproduce a run anywhere.
"""

from __future__ import annotations

import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from tradetiers.events import EventSpec
from tradetiers.validation.spec import ScenarioValidation

DEFAULT_LADDER = ["textiles", "machinery", "cars_appliances", "semiconductors", "ai"]
PRIMARY_GOODS = ["agriculture", "resources"]
CODE_PATTERN = r"^[A-Z][A-Z0-9_]{1,7}$"


MISSING = object()  #: marks a field that is absent (no value to show)


class ScenarioError(ValueError):
    """A user error in a scenario file: one line naming file, field, value and what is allowed."""

    def __init__(self, source: str, field: str, value: Any, allowed: str) -> None:
        self.source, self.field, self.value, self.allowed = source, field, value, allowed
        if value is MISSING:
            super().__init__(f"{source}: {field}: {allowed}")
            return
        shown = repr(value)
        if len(shown) > 60:
            shown = shown[:57] + "..."
        super().__init__(f"{source}: {field} = {shown}: {allowed}")


class _Strict(BaseModel):
    """Base for all settings: unknown keys are errors and types are strict.

    TOML has real numbers and booleans, so ``population = true`` or ``"70"`` is a
    mistake, not something to coerce. Values are checked on assignment too.
    """

    model_config = ConfigDict(extra="forbid", validate_assignment=True, strict=True)


class InfoText(_Strict):
    """The NetLogo 'Info tab', in its order; shown beside every scenario and lesson."""

    what_is_it: str = ""
    how_it_works: str = ""
    how_to_use_it: str = ""
    things_to_notice: str = ""
    things_to_try: str = ""
    extending_the_model: str = ""
    related_models: str = ""
    credits: str = ""


class GoodsSettings(_Strict):
    """The goods: agriculture, resources and a manufacturing ladder of K rungs (low to high)."""

    ladder: Annotated[list[str], Field(min_length=1, max_length=12)] = Field(
        default_factory=lambda: list(DEFAULT_LADDER)
    )

    @model_validator(mode="after")
    def _unique(self) -> GoodsSettings:
        names = PRIMARY_GOODS + self.ladder
        if len(set(names)) != len(names):
            raise _FieldError(
                "ladder", self.ladder, "rungs must be unique and differ from agriculture/resources"
            )
        return self

    @property
    def names(self) -> list[str]:
        """All traded goods in array order."""
        return PRIMARY_GOODS + self.ladder


class CountrySpec(_Strict):
    """One country's starting data.

    Units: population in millions, land and deposits in arbitrary endowment units,
    productivity in output per million workers per year.
    """

    code: Annotated[str, Field(pattern=CODE_PATTERN)]
    name: Annotated[str, Field(min_length=1, max_length=80)]
    population: Annotated[float, Field(gt=0, le=5000)]
    productivity: dict[str, Annotated[float, Field(ge=0, le=1e6)]] = Field(default_factory=dict)
    labour_shares: dict[str, Annotated[float, Field(ge=0, le=1)]] | None = None
    land: Annotated[float, Field(ge=0, le=1e6)] = 0.0
    deposits: Annotated[float, Field(ge=0, le=1e6)] = 0.0
    lat: Annotated[float, Field(ge=-90, le=90)] = 0.0
    lon: Annotated[float, Field(ge=-180, le=180)] = 0.0
    region: str = ""
    source: str = ""
    rd_public_share: Annotated[float, Field(ge=0, le=0.2)] | None = None
    # home services' share of spending at the start (None: the world's parameter)
    services_share: Annotated[float, Field(ge=0, lt=1)] | None = None
    population_growth: Annotated[float, Field(ge=-0.05, le=0.1)] = 0.0  # a year
    # money: starting stocks as shares of the first year's GDP, and upkeep (None: defaults)
    debt_to_gdp: Annotated[float, Field(ge=0, le=5)] | None = None
    reserves_to_gdp: Annotated[float, Field(ge=0, le=2)] | None = None
    military_share: Annotated[float, Field(ge=0, le=0.3)] | None = None
    # its own fiscal settings, shares of GDP (None: the world's [money] values)
    tax_base: Annotated[float, Field(ge=0, le=0.8)] | None = None
    base_spending: Annotated[float, Field(ge=0, le=0.8)] | None = None


class SyntheticSettings(_Strict):
    """Generator for a synthetic world of any size, with given tier proportions."""

    countries: Annotated[int, Field(ge=4, le=5000)] = 8
    hegemons: Annotated[int, Field(ge=1, le=1)] = 1
    manufacturers: Annotated[float, Field(gt=0, lt=1)] = 0.4
    resource_exporters: Annotated[float, Field(gt=0, lt=1)] = 0.25
    agrarian: Annotated[float, Field(gt=0, lt=1)] = 0.35
    seed: Annotated[int, Field(ge=0)] = 0

    @model_validator(mode="after")
    def _shares(self) -> SyntheticSettings:
        total = self.manufacturers + self.resource_exporters + self.agrarian
        if abs(total - 1.0) > 1e-6:
            raise _FieldError(
                "agrarian",
                self.agrarian,
                f"manufacturers + resource_exporters + agrarian must be 1, is {total:g}",
            )
        return self

    @property
    def codes(self) -> list[str]:
        """The codes the generator gives its countries (country 0 is the hegemon)."""
        width = 4 if self.countries > 999 else 3
        return [f"C{i:0{width}d}" for i in range(self.countries)]


class GraphSettings(_Strict):
    """The trade network: complete, or each country linked to its k nearest and the hubs."""

    kind: Literal["complete", "sparse", "auto"] = "auto"
    k: Annotated[int, Field(ge=1, le=100)] = 10
    hubs: Annotated[int, Field(ge=0, le=200)] = 50
    suppliers_per_buyer: Annotated[int, Field(ge=1, le=200)] = 24
    dense_limit: Annotated[int, Field(ge=4, le=2000)] = 500


class Parameters(_Strict):
    """Model parameters; defaults are the stable values found by the design prototype."""

    # production
    land_elasticity: Annotated[float, Field(gt=0, lt=1)] = 0.4
    deposit_elasticity: Annotated[float, Field(gt=0, lt=1)] = 0.5
    resource_input_share: Annotated[float, Field(ge=0, le=0.5)] = 0.15
    # demand: base budget shares and income elasticities, keyed by good
    budget_shares: dict[str, Annotated[float, Field(gt=0)]] = Field(default_factory=dict)
    income_elasticities: dict[str, Annotated[float, Field(ge=-3, le=3)]] = Field(
        default_factory=dict
    )
    # what income the Engel curves compare: today's world mean ("relative") or the first
    # year's ("absolute": as the world grows richer it spends less of its income on food)
    engel_income: Literal["relative", "absolute"] = "relative"
    # margins (M3): profit share of revenue = floor + (ceiling - floor) * normalised HHI
    margin_floor: Annotated[float, Field(ge=0, lt=1)] = 0.05
    margin_ceiling: Annotated[float, Field(gt=0, lt=1)] = 0.53
    # trade costs: gravity weight exp(-distance_decay * path km / 1000)
    distance_decay: Annotated[float, Field(ge=0, le=20)] = 0.5
    # structure: labour moves toward better pay
    reallocation_speed: Annotated[float, Field(gt=0, le=1)] = 0.2
    pay_elasticity: Annotated[float, Field(ge=0, le=20)] = 3.0
    pay_smoothing: Annotated[float, Field(gt=0, le=1)] = 0.5
    sector_floor: Annotated[float, Field(ge=0, le=0.05)] = 0.01
    # non-traded home services (economy/services.py): their base share of spending
    # (0: no services sector) and how fast it rises with income per person
    services_share: Annotated[float, Field(ge=0, lt=1)] = 0.0
    services_income_elasticity: Annotated[float, Field(ge=0, le=5)] = 0.0
    # growth outside the ladder: output per worker in every sector rises this much a year
    productivity_growth: Annotated[float, Field(ge=-0.05, le=0.1)] = 0.0
    # and on top of it in agriculture and resources (seeds, machines, fracking), whose
    # land and deposits are fixed
    primary_growth: Annotated[float, Field(ge=-0.05, le=0.1)] = 0.0
    # tiers
    poorest_income_share: Annotated[float, Field(ge=0, le=1)] = 0.1
    # numerics
    sinkhorn_tolerance: Annotated[float, Field(gt=0, le=1e-6)] = 1e-11
    sinkhorn_max_iter: Annotated[int, Field(ge=10, le=100000)] = 2000
    unmet_weight: Annotated[float, Field(gt=0, le=1e-2)] = 1e-2

    @model_validator(mode="after")
    def _margins(self) -> Parameters:
        if self.margin_ceiling <= self.margin_floor:
            raise _FieldError(
                "margin_ceiling",
                self.margin_ceiling,
                f"must exceed margin_floor ({self.margin_floor})",
            )
        if self.margin_ceiling + self.resource_input_share >= 1:
            raise _FieldError(
                "margin_ceiling",
                self.margin_ceiling,
                f"plus resource_input_share ({self.resource_input_share}) must be below 1",
            )
        return self


class TechnologySettings(_Strict):
    """Technology (M3-M7): R&D, innovation, imitation, controls, open source.

    Costs are in units of mean world GDP, rates are per year, shares are fractions.
    """

    enabled: bool = True
    # R&D funding and its split
    rd_profit_share: Annotated[float, Field(ge=0, le=1)] = 0.3
    rd_public_share: Annotated[float, Field(ge=0, le=0.2)] = 0.005
    climb_share: Annotated[float, Field(ge=0, le=1)] = 0.4
    # innovation: p = 1 - exp(-efficiency * RD / cost_k), cost_k = scale * growth^k * mean GDP
    innovation_efficiency: Annotated[float, Field(gt=0, le=100)] = 2.0
    cost_scale: Annotated[float, Field(gt=0, le=100)] = 0.05
    cost_growth: Annotated[float, Field(ge=1, le=10)] = 2.0
    top_rung_difficulty: Annotated[float, Field(ge=1, le=1e6)] = 1.0
    maturity: Annotated[float, Field(ge=0, le=20)] = 6.0  # cost ∝ (frontier / initial)^this
    step_scale: Annotated[float, Field(gt=0, le=1)] = 0.08
    step_tail: Annotated[float, Field(gt=1, le=20)] = 2.5
    step_cap: Annotated[float, Field(gt=0, le=5)] = 0.5
    # imitation, pyramid, leakage, open source
    imitation_rate: Annotated[float, Field(ge=0, le=1)] = 0.06
    imitation_rd_boost: Annotated[float, Field(ge=0, le=10)] = 1.0
    imitation_cost_ratio: Annotated[float, Field(gt=0, le=1)] = 0.25
    backwardness: Annotated[float, Field(ge=0, le=10)] = 1.0
    pyramid_threshold: Annotated[float, Field(gt=0, le=1)] = 0.4
    leakage_rate: Annotated[float, Field(ge=0, le=1)] = 0.01
    open_source_rate: Annotated[float, Field(ge=0, le=1)] = 0.5
    absorption: bool = True
    # social capability: imitation and leakage scale with (income / richest income)^this
    # (0: every country absorbs alike)
    social_capability: Annotated[float, Field(ge=0, le=5)] = 0.0
    mastery_share: Annotated[float, Field(gt=0, le=1)] = 0.8
    # the hegemon's export-control rule
    hegemon_export_controls: bool = True
    control_trigger: Annotated[float, Field(gt=0, le=1)] = 0.7
    control_penalty: Annotated[float, Field(ge=1, le=1000)] = 4.0
    controlled_rungs: list[str] | None = None  # default: the top two rungs
    # frontier defence: a leader whose lead narrows grows its R&D with public money
    frontier_defence: bool = True
    defence_trigger: Annotated[float, Field(gt=0, le=1)] = 0.6
    defence_growth: Annotated[float, Field(ge=0, le=1)] = 0.05
    defence_cap: Annotated[float, Field(ge=0, le=0.3)] = 0.15


class MoneySettings(_Strict):
    """Money (M2, M8, M9): settlement, reserves, finance, budgets, credibility and runs.

    Rates are per year, shares are of GDP unless named otherwise, stocks are in
    numeraire units.
    """

    enabled: bool = True
    # settlement (M8): a contested claim, so a switch
    regime: Literal["reserve_currency", "balanced"] = "reserve_currency"
    hegemon_surplus: Annotated[float, Field(ge=-0.2, le=0.2)] | None = None
    reserve_months: Annotated[float, Field(ge=0, le=36)] = 3.0
    reserve_adjustment: Annotated[float, Field(gt=0, le=1)] = 0.2
    max_surplus: Annotated[float, Field(ge=0, le=0.5)] = 0.1
    working_months: Annotated[float, Field(ge=0, le=12)] = 1.0
    compression_minimum: Annotated[float, Field(gt=0, le=1)] = 0.2
    willingness: Annotated[float, Field(gt=0, le=10)] = 0.5  # max world reserves / world GDP
    start_reserves: Annotated[float, Field(ge=0, le=2)] = 0.08  # of GDP, unless given
    # the issuer's finance sector (M2): it earns the spread on H + P
    finance_spread: Annotated[float, Field(ge=0, le=0.2)] = 0.03
    start_finance_labour: Annotated[float, Field(ge=0, lt=0.5)] = 0.02
    # the dollar tide: policy rate and the capital-flow rule for tiers 3 and 4
    policy_rate: Annotated[float, Field(ge=-0.05, le=0.3)] = 0.03
    neutral_rate: Annotated[float, Field(ge=-0.05, le=0.3)] = 0.03
    rate_rule: Literal["fixed", "credibility"] = "fixed"
    rate_response: Annotated[float, Field(ge=0, le=1)] = 0.1
    portfolio_share: Annotated[float, Field(ge=0, le=2)] = 0.15  # of exposed GDP at neutral
    portfolio_sensitivity: Annotated[float, Field(ge=0, le=200)] = 20.0
    portfolio_speed: Annotated[float, Field(gt=0, le=1)] = 0.5
    inflow_spending: Annotated[float, Field(ge=0, le=1)] = 0.5
    # government budgets (shares of GDP) and the fiscal rule
    tax_base: Annotated[float, Field(ge=0, le=0.8)] = 0.26
    fiscal_response: Annotated[float, Field(ge=0, le=1)] = 0.05
    hegemon_fiscal_response: Annotated[float, Field(ge=0, le=1)] = 0.025
    debt_anchor: Annotated[float, Field(ge=0, le=5)] = 0.6
    tax_floor: Annotated[float, Field(ge=0, le=1)] = 0.05
    tax_ceiling: Annotated[float, Field(ge=0, le=1)] = 0.6
    base_spending: Annotated[float, Field(ge=0, le=0.8)] = 0.22
    military_share: Annotated[float, Field(ge=0, le=0.3)] = 0.015
    hegemon_military_share: Annotated[float, Field(ge=0, le=0.3)] = 0.035
    start_debt: Annotated[float, Field(ge=0, le=5)] = 0.5  # of GDP, unless given
    # interest on government debt
    term_premium: Annotated[float, Field(ge=0, le=0.2)] = 0.01
    debt_spread: Annotated[float, Field(ge=0, le=1)] = 0.01
    debt_spread_threshold: Annotated[float, Field(ge=0, le=5)] = 0.9
    debt_spread_cap: Annotated[float, Field(ge=0, le=1)] = 0.04
    # beyond this debt/GDP a government restructures, writing off a share of its debt
    restructuring_threshold: Annotated[float, Field(gt=0, le=20)] = 4.0
    restructuring_haircut: Annotated[float, Field(ge=0, le=1)] = 0.5
    # the rate a government pays on its whole debt moves toward the market rate as the
    # debt rolls over: by 1/maturity a year (1: all of it reprices every year)
    debt_maturity: Annotated[float, Field(ge=1, le=30)] = 1.0
    # the lowest rate on government debt (below 0: a real rate that inflation made negative)
    rate_floor: Annotated[float, Field(ge=-0.1, le=0.1)] = 0.0
    privilege_scale: Annotated[float, Field(ge=0, le=1)] = 0.05
    privilege_cap: Annotated[float, Field(ge=0, le=0.1)] = 0.015
    # credibility (M9) and runs
    credibility_smoothing: Annotated[float, Field(gt=0, le=1)] = 0.3
    # years before credibility moves: the world settles from its hand-written start, and
    # the issuer's baseline weight and liabilities are taken when they end
    credibility_burn_in: Annotated[int, Field(ge=0, le=50)] = 5
    credibility_debt_weight: Annotated[float, Field(ge=0, le=5)] = 0.2
    credibility_debt_reference: Annotated[float, Field(ge=0, le=5)] = 1.0
    # foreign liabilities / GDP as a multiple of the issuer's starting ratio
    credibility_liability_weight: Annotated[float, Field(ge=0, le=5)] = 0.1
    credibility_liability_reference: Annotated[float, Field(ge=0, le=50)] = 2.0
    credibility_share_weight: Annotated[float, Field(ge=0, le=5)] = 0.5
    run_threshold: Annotated[float, Field(ge=0, le=1)] = 0.35
    run_patience: Annotated[int, Field(ge=1, le=50)] = 3
    run_years: Annotated[int, Field(ge=1, le=50)] = 5
    run_sell_share: Annotated[float, Field(ge=0, le=1)] = 0.3
    run_premium: Annotated[float, Field(ge=0, le=0.3)] = 0.02
    reserve_transition: bool = False
    transition_years: Annotated[int, Field(ge=1, le=50)] = 5
    # trade policy
    trade_elasticity: Annotated[float, Field(ge=0, le=20)] = 4.0
    tariff_retaliation: bool = True


class OutputSettings(_Strict):
    """What a run keeps; bilateral flows every year are big for large worlds."""

    trade_flows: Literal["every_year", "final_year", "auto"] = "auto"


class Scenario(_Strict):
    """A complete, validated scenario."""

    name: Annotated[str, Field(pattern=r"^[a-z0-9_\-]+$")] = "scenario"
    title: str = ""
    summary: str = ""
    info: InfoText = Field(default_factory=InfoText)
    start_year: Annotated[int, Field(ge=1000, le=3000)] = 2000
    years: Annotated[int, Field(ge=1, le=1000)] = 50
    seed: Annotated[int, Field(ge=0)] = 0
    hegemon: Annotated[str, Field(pattern=CODE_PATTERN)] | None = None
    goods: GoodsSettings = Field(default_factory=GoodsSettings)
    parameters: Parameters = Field(default_factory=Parameters)
    graph: GraphSettings = Field(default_factory=GraphSettings)
    technology: TechnologySettings = Field(default_factory=TechnologySettings)
    money: MoneySettings = Field(default_factory=MoneySettings)
    output: OutputSettings = Field(default_factory=OutputSettings)
    synthetic: SyntheticSettings | None = None
    countries: list[CountrySpec] = Field(default_factory=list)
    events: list[EventSpec] = Field(default_factory=list)
    validation: ScenarioValidation = None  # [validation]: targets for `tradetiers validate`

    @model_validator(mode="after")
    def _world(self) -> Scenario:
        if self.synthetic is None and self.countries:
            _check_countries(self)
            _cross_check(self, {c.code for c in self.countries})
        elif self.synthetic is None:
            raise _FieldError(
                "countries", MISSING, "give either [[countries]] or a [synthetic] generator"
            )
        elif self.countries:
            raise _FieldError("synthetic", MISSING, "give [[countries]] or [synthetic], not both")
        else:
            codes = self.synthetic.codes
            if self.hegemon is not None and self.hegemon != codes[0]:
                raise _FieldError(
                    "hegemon",
                    self.hegemon,
                    f"a synthetic world's hegemon is the generated {codes[0]} (or leave it out)",
                )
            _cross_check(self, set(codes))
        return self

    # -- loading ---------------------------------------------------------------
    @classmethod
    def load(cls, path: str | Path) -> Scenario:
        """Load and validate a scenario file (or a shipped scenario by name).

        Raises:
            ScenarioError: one line naming the file, the field, the value and what is allowed.
        """
        source = str(path)
        raw = _read_toml(path, source)
        raw = _with_base(raw, path, source, depth=0)
        return cls.from_dict(raw, source=source)

    @classmethod
    def from_dict(cls, raw: dict[str, Any], source: str = "<scenario>") -> Scenario:
        """Validate a dict (as parsed from TOML) into a Scenario, raising ScenarioError."""
        raw = _apply_country_overrides(raw, source)
        try:
            return cls.model_validate(raw)
        except ValidationError as err:
            raise _as_scenario_error(err, raw, source) from None

    def with_countries(self, countries: list[CountrySpec]) -> Scenario:
        """Return a copy whose world is the given explicit country list."""
        data = self.model_dump()
        data["synthetic"] = None
        data["countries"] = [c.model_dump() for c in countries]
        return Scenario.from_dict(data, source=f"<{self.name}>")

    def resolved(self) -> Scenario:
        """Return the scenario with a synthetic world expanded to explicit countries."""
        if self.synthetic is None:
            return self
        from tradetiers.world import synthetic_countries

        countries = synthetic_countries(self.synthetic, self.goods.names)
        out = self.with_countries(countries)
        if out.hegemon is None:
            out = out.model_copy(update={"hegemon": countries[0].code})
        return out


def _check_countries(sc: Scenario) -> None:
    """Checks of an explicit country list: unique codes, known goods, some capability."""
    goods = set(sc.goods.names)
    codes: set[str] = set()
    for i, c in enumerate(sc.countries):
        if c.code in codes:
            raise _FieldError(
                f"countries[{i}].code", c.code, "duplicate code; codes must be unique"
            )
        codes.add(c.code)
        for key in c.productivity:
            if key not in goods:
                raise _FieldError(
                    f"countries[{i}].productivity.{key}",
                    key,
                    f"unknown good; one of {sorted(goods)}",
                )
        for key in c.labour_shares or {}:
            if key not in goods:
                raise _FieldError(
                    f"countries[{i}].labour_shares.{key}",
                    key,
                    f"unknown good; one of {sorted(goods)}",
                )
        if not any(v > 0 for v in c.productivity.values()):
            raise _FieldError(
                f"countries[{i}].productivity", c.productivity, "at least one good must be > 0"
            )
    if len(sc.countries) < 2:
        raise _FieldError("countries", len(sc.countries), "a world needs at least 2 countries")
    if sc.hegemon is not None and sc.hegemon not in codes:
        raise _FieldError("hegemon", sc.hegemon, "must be the code of a listed country")


def _cross_check(sc: Scenario, codes: set[str]) -> None:
    """Checks that tie parameters and events to the world's goods and countries."""
    goods = set(sc.goods.names)
    for j, rung in enumerate(sc.technology.controlled_rungs or []):
        if rung not in sc.goods.ladder:
            raise _FieldError(
                f"technology.controlled_rungs[{j}]", rung, f"unknown rung; one of {sc.goods.ladder}"
            )
    for table in ("budget_shares", "income_elasticities"):
        for key in getattr(sc.parameters, table):
            if key not in goods:
                raise _FieldError(
                    f"parameters.{table}.{key}", key, f"unknown good; one of {sorted(goods)}"
                )
    for i, ev in enumerate(sc.events):
        problem = ev.check(codes, sc.goods.names, sc.start_year, sc.start_year + sc.years)
        if problem is not None:
            field, value, allowed = problem
            raise _FieldError(f"events[{i}].{field}", value, allowed)


class _FieldError(ValueError):
    """Raised inside validators to report a precise field (turned into ScenarioError)."""

    def __init__(self, field: str, value: Any, allowed: str) -> None:
        super().__init__(allowed)
        self.field, self.value, self.allowed = field, value, allowed


def _as_scenario_error(err: ValidationError, raw: dict[str, Any], source: str) -> ScenarioError:
    first = err.errors(include_url=False)[0]
    ctx = first.get("ctx") or {}
    inner = ctx.get("error")
    loc = _strip_tags(first["loc"])
    path = loc_to_path(loc)
    if isinstance(inner, _FieldError):
        field = ".".join(p for p in (path, inner.field) if p)
        return ScenarioError(source, field, inner.value, inner.allowed)
    value = first.get("input")
    kind = first["type"]
    if kind == "extra_forbidden":
        allowed = _allowed_keys(loc[:-1], raw)
        return ScenarioError(source, path, value, f"unknown key; allowed keys: {allowed}")
    if kind == "missing":
        return ScenarioError(source, path, MISSING, "missing required field")
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        from tradetiers.events import EVENT_KINDS

        kinds = ", ".join(EVENT_KINDS)
        tag = ctx.get("tag", MISSING)
        what = "unknown event kind" if kind == "union_tag_invalid" else "missing event kind"
        return ScenarioError(source, f"{path}.kind", tag, f"{what}; one of {kinds}")
    message = first["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    if isinstance(value, dict | list):
        value = MISSING  # a whole table: the field path says where
    return ScenarioError(source, path or "scenario", value, message)


def _strip_tags(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """Drop the tagged-union tag pydantic puts in locations (``events[0].trade_link_cut.x``)."""
    from tradetiers.events import EVENT_KINDS

    out: list[Any] = []
    for i, item in enumerate(loc):
        after_index = i > 0 and isinstance(loc[i - 1], int)
        if after_index and isinstance(item, str) and item in EVENT_KINDS:
            continue
        out.append(item)
    return tuple(out)


def loc_to_path(loc: tuple[Any, ...]) -> str:
    """A pydantic location as a field path: ``("events", 0, "year")`` -> ``events[0].year``."""
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        elif parts:
            parts.append(f".{item}")
        else:
            parts.append(str(item))
    return "".join(parts)


def _allowed_keys(loc: tuple[Any, ...], raw: dict[str, Any]) -> str:
    """List the keys the settings table at ``loc`` accepts, to tell the user what is allowed."""
    from tradetiers.events import event_model_for

    model: Any = Scenario
    node: Any = raw
    for item in loc:
        if isinstance(item, int):
            node = node[item] if isinstance(node, list) and item < len(node) else {}
            if model == "events":  # a tagged union: the event's kind says which model
                model = event_model_for(node.get("kind") if isinstance(node, dict) else None)
            continue
        node = node.get(item, {}) if isinstance(node, dict) else {}
        if item == "events":
            model = "events"
        elif isinstance(model, type) and item in model.model_fields:
            model = table_model(model.model_fields[item].annotation)
        else:
            model = None
    if isinstance(model, type) and issubclass(model, BaseModel):
        return ", ".join(model.model_fields)
    return "see the scenario documentation"


def table_model(annotation: Any) -> type[BaseModel] | None:
    """The settings model inside an annotation such as ``X | None`` or ``list[X]``."""
    from typing import get_args

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = table_model(arg)
        if found is not None:
            return found
    return None


def _read_toml(path: str | Path, source: str) -> dict[str, Any]:
    """Parse a scenario file, turning every I/O and syntax problem into a ScenarioError."""
    file = resolve_scenario_path(path)
    try:
        raw = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ScenarioError(source, "file", str(path), "no such file") from None
    except IsADirectoryError:
        raise ScenarioError(
            source, "file", str(path), "is a directory, not a scenario file"
        ) from None
    except PermissionError:
        raise ScenarioError(
            source, "file", str(path), "cannot be read (permission denied)"
        ) from None
    except OSError as err:
        raise ScenarioError(source, "file", str(path), f"cannot be read ({err.strerror})") from None
    except tomllib.TOMLDecodeError as err:
        message = str(err)
        where = re.search(r"\(at (line \d+, column \d+)\)", message)
        what = re.sub(r"\s*\(at line \d+, column \d+\)", "", message)
        location = where.group(1) if where else "end of file"
        raise ScenarioError(source, "TOML syntax", MISSING, f"{what} at {location}") from None
    except UnicodeDecodeError:
        raise ScenarioError(source, "file", "binary", "must be UTF-8 TOML text") from None
    return raw


def _with_base(raw: dict[str, Any], path: str | Path, source: str, depth: int) -> dict[str, Any]:
    """Resolve ``extends = "NAME"``: the named scenario's tables, overridden by this file's.

    Tables merge key by key; arrays (countries, events) and values are replaced whole,
    except ``[[added_events]]``, which are appended to the events it extends.
    """
    base_name = raw.pop("extends", None)
    if base_name is None:
        return raw
    if not isinstance(base_name, str) or depth > 5:
        raise ScenarioError(source, "extends", base_name, "the name or path of one scenario")
    base_path = resolve_scenario_path(base_name)
    if not base_path.exists() and not Path(base_name).is_absolute():
        sibling = Path(path).parent / base_name
        base_path = sibling if sibling.exists() else sibling.with_suffix(".toml")
    if not base_path.exists():
        raise ScenarioError(source, "extends", base_name, "no such scenario")
    base = _with_base(_read_toml(base_path, str(base_path)), base_path, source, depth + 1)
    added = raw.pop("added_events", None)
    merged = _merge(base, raw)
    if added is not None:  # appended to the events of the scenario it extends
        if not isinstance(added, list):
            raise ScenarioError(source, "added_events", added, "an array of [[added_events]]")
        merged["events"] = list(merged.get("events", [])) + added
    return merged


def _apply_country_overrides(raw: dict[str, Any], source: str) -> dict[str, Any]:
    """Apply ``[country_overrides.CODE]`` tables to the listed countries, key by key.

    A scenario that ``extends`` another can change one country's settings without
    repeating the whole country list (arrays are otherwise replaced whole).
    """
    overrides = raw.get("country_overrides")
    if overrides is None:
        return raw
    raw = dict(raw)
    del raw["country_overrides"]
    if not isinstance(overrides, dict):
        raise ScenarioError(source, "country_overrides", overrides, "a table of CODE = {...}")
    countries = raw.get("countries")
    if not isinstance(countries, list):
        raise ScenarioError(
            source, "country_overrides", MISSING, "needs a [[countries]] list to override"
        )
    by_code = {c.get("code"): k for k, c in enumerate(countries) if isinstance(c, dict)}
    countries = list(countries)
    for code, values in overrides.items():
        if code not in by_code:
            raise ScenarioError(
                source,
                f"country_overrides.{code}",
                code,
                f"unknown country; one of {sorted(by_code)}",
            )
        if not isinstance(values, dict):
            raise ScenarioError(
                source, f"country_overrides.{code}", values, "a table of country settings"
            )
        k = by_code[code]
        countries[k] = _merge(countries[k], values)
    raw["countries"] = countries
    return raw


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def shipped_configs_dir() -> Path:
    """The folder of scenarios shipped with the package (the repo's configs/)."""
    return Path(str(resources.files("tradetiers") / "configs"))


def resolve_scenario_path(path: str | Path) -> Path:
    """Accept a file path or the name of a shipped scenario (e.g. ``teaching``)."""
    p = Path(path)
    if p.exists() or p.suffix == ".toml" or "/" in str(path):
        return p
    shipped = shipped_configs_dir() / f"{path}.toml"
    return shipped if shipped.exists() else p


def default_scenario() -> Scenario:
    """The teaching world, the default everywhere."""
    return Scenario.load(shipped_configs_dir() / "teaching.toml")

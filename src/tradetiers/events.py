"""The scenario timeline: scheduled policies and shocks.

Every event has a ``year`` (when it starts), an optional ``until`` (the first year it
no longer holds) and a ``kind``. Each kind is a pydantic model in the tagged union
``EventSpec``; later mechanisms add kinds here. An event acts on the model only
through the model's public state and methods, in step 1 of the year.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

if TYPE_CHECKING:
    from tradetiers.model import TradeModel

Problem = tuple[str, Any, str] | None


class _Event(BaseModel):
    """Fields shared by every event kind."""

    model_config = ConfigDict(extra="forbid")
    info: ClassVar[str] = ""

    year: Annotated[int, Field(ge=1000, le=3000)]
    until: Annotated[int, Field(ge=1000, le=3000)] | None = None
    note: str = ""

    def check(self, codes: set[str], goods: list[str], start: int, end: int) -> Problem:
        """Cross-check against the scenario; return (field, value, allowed) or None."""
        if self.year < start:
            return "year", self.year, f"must not be before the scenario's start_year ({start})"
        if self.until is not None and self.until <= self.year:
            return "until", self.until, f"must be after year ({self.year})"
        return None

    def apply(self, model: TradeModel) -> None:
        """Start the event (called in the event's year)."""
        raise NotImplementedError

    def revert(self, model: TradeModel) -> None:
        """End the event (called in year ``until``); default: nothing to undo."""

    def describe(self) -> str:
        """One line for event feeds and logs."""
        span = f"{self.year}" + (f"–{self.until - 1}" if self.until else "")
        return f"{span} {self.kind}: {self.note or self.info}"  # type: ignore[attr-defined]


def _check_codes(field: str, values: list[str], codes: set[str]) -> Problem:
    for v in values:
        if v not in codes:
            return field, v, f"unknown country; one of {sorted(codes)}"
    return None


def _check_goods(field: str, values: list[str], goods: list[str]) -> Problem:
    for v in values:
        if v != "all" and v not in goods:
            return field, v, f"unknown good; one of {[*goods, 'all']}"
    return None


def goods_indices(names: list[str], goods: list[str]) -> list[int]:
    """Indices of the named goods ('all' means every good)."""
    if "all" in names:
        return list(range(len(goods)))
    return [goods.index(n) for n in names]


class ProductivityShock(_Event):
    """Multiply a country's productivity in some goods (a harvest failure, a war, a boom)."""

    info: ClassVar[str] = "A country's productivity in some goods is multiplied by a factor."
    kind: Literal["productivity_shock"] = "productivity_shock"
    country: str
    goods: Annotated[list[str], Field(min_length=1)] = Field(default_factory=lambda: ["all"])
    factor: Annotated[float, Field(gt=0, le=100)]

    def check(self, codes: set[str], goods: list[str], start: int, end: int) -> Problem:
        """Check the country and goods exist."""
        return (
            super().check(codes, goods, start, end)
            or _check_codes("country", [self.country], codes)
            or _check_goods("goods", self.goods, goods)
        )

    def apply(self, model: TradeModel) -> None:
        """Scale the productivity row."""
        i = model.index_of(self.country)
        g = goods_indices(self.goods, model.goods)
        model.state.productivity[i, g] *= self.factor

    def revert(self, model: TradeModel) -> None:
        """Undo the scaling."""
        i = model.index_of(self.country)
        g = goods_indices(self.goods, model.goods)
        model.state.productivity[i, g] /= self.factor


class TradeLink(_Event):
    """Cut the direct trade link between two countries (a war, a closed strait)."""

    info: ClassVar[str] = "The direct trade link between two countries is cut; trade reroutes."
    kind: Literal["trade_link_cut"] = "trade_link_cut"
    between: Annotated[list[str], Field(min_length=2, max_length=2)]
    _saved: dict[str, Any] | None = PrivateAttr(default=None)

    def check(self, codes: set[str], goods: list[str], start: int, end: int) -> Problem:
        """Check both countries exist and differ."""
        problem = super().check(codes, goods, start, end) or _check_codes(
            "between", self.between, codes
        )
        if problem is None and self.between[0] == self.between[1]:
            return "between", self.between, "two different countries"
        return problem

    def apply(self, model: TradeModel) -> None:
        """Remove the edge (if present) and keep it to restore later."""
        a, b = (model.index_of(c) for c in self.between)
        graph = model.graph.copy()
        if graph.has_edge(a, b):
            self._saved = dict(graph.edges[a, b])
            graph.remove_edge(a, b)
        model.graph = graph

    def revert(self, model: TradeModel) -> None:
        """Restore the edge with its attributes."""
        saved = self._saved
        if saved is None:
            return
        a, b = (model.index_of(c) for c in self.between)
        graph = model.graph.copy()
        graph.add_edge(a, b, **saved)
        model.graph = graph


def _check_rungs(field: str, values: list[str], goods: list[str]) -> Problem:
    ladder = goods[2:]
    for v in values:
        if v not in ladder:
            return field, v, f"unknown rung; one of {ladder}"
    return None


class ExportControl(_Event):
    """Controllers block exports of some rungs to targets and penalise their imitation."""

    info: ClassVar[str] = (
        "Export controls: the controllers stop selling some rungs to the targets, and the "
        "targets learn less from them (their imitation weight is divided by a penalty)."
    )
    kind: Literal["export_control"] = "export_control"
    controllers: Annotated[list[str], Field(min_length=1)]
    targets: Annotated[list[str], Field(min_length=1)]
    rungs: Annotated[list[str], Field(min_length=1)]
    penalty: Annotated[float, Field(ge=1, le=1000)] = 4.0
    #: false: only the know-how is banned (machines, artisans); the goods still flow
    blocks_trade: bool = True
    _control: Any = PrivateAttr(default=None)

    def check(self, codes: set[str], goods: list[str], start: int, end: int) -> Problem:
        """Check the countries and rungs exist and nobody controls itself."""
        problem = (
            super().check(codes, goods, start, end)
            or _check_codes("controllers", self.controllers, codes)
            or _check_codes("targets", self.targets, codes)
            or _check_rungs("rungs", self.rungs, goods)
        )
        if problem is None and set(self.controllers) & set(self.targets):
            return "targets", self.targets, "a country cannot control exports to itself"
        return problem

    def apply(self, model: TradeModel) -> None:
        """Impose the control from this year."""
        self._control = model.impose_export_control(
            [model.index_of(c) for c in self.controllers],
            [model.index_of(c) for c in self.targets],
            [model.goods.index(r) for r in self.rungs],
            self.penalty,
            blocks_trade=self.blocks_trade,
        )

    def revert(self, model: TradeModel) -> None:
        """Lift the control."""
        if self._control is not None:
            model.lift_export_control(self._control)


class OpenSource(_Event):
    """A rung's frontier is published: everyone can imitate it; its margin hits the floor."""

    info: ClassVar[str] = (
        "Open source: a rung's frontier comes within everyone's reach and its margin is "
        "capped at the floor."
    )
    kind: Literal["open_source"] = "open_source"
    rung: str

    def check(self, codes: set[str], goods: list[str], start: int, end: int) -> Problem:
        """Check the rung exists."""
        return super().check(codes, goods, start, end) or _check_rungs("rung", [self.rung], goods)

    def apply(self, model: TradeModel) -> None:
        """Open the rung."""
        model.open_rungs[model.goods.index(self.rung)] = True

    def revert(self, model: TradeModel) -> None:
        """Close it again (a licence change)."""
        model.open_rungs[model.goods.index(self.rung)] = False


class RdPush(_Event):
    """A country sets its public R&D share of GDP (and optionally its profit share) for a while."""

    info: ClassVar[str] = "R&D push: a country raises (or cuts) its public R&D spending."
    kind: Literal["rd_push"] = "rd_push"
    country: str
    share: Annotated[float, Field(ge=0, le=0.2)]
    profit_share: Annotated[float, Field(ge=0, le=1)] | None = None
    _saved: tuple[float, float] | None = PrivateAttr(default=None)

    def check(self, codes: set[str], goods: list[str], start: int, end: int) -> Problem:
        """Check the country exists."""
        return super().check(codes, goods, start, end) or _check_codes(
            "country", [self.country], codes
        )

    def apply(self, model: TradeModel) -> None:
        """Set the shares, keeping the old ones to restore."""
        s, i = model.state, model.index_of(self.country)
        self._saved = (float(s.rd_public_share[i]), float(s.rd_profit_share[i]))
        s.rd_public_share[i] = self.share
        if self.profit_share is not None:
            s.rd_profit_share[i] = self.profit_share

    def revert(self, model: TradeModel) -> None:
        """Restore the shares."""
        if self._saved is not None:
            i = model.index_of(self.country)
            model.state.rd_public_share[i], model.state.rd_profit_share[i] = self._saved


def _countries(names: list[str], model: TradeModel) -> list[int]:
    """Row indices of the named countries ('all' means every country)."""
    if "all" in names:
        return list(range(model.state.n))
    return [model.index_of(c) for c in names]


def _check_countries(field: str, values: list[str], codes: set[str]) -> Problem:
    return _check_codes(field, [v for v in values if v != "all"], codes)


class Tariff(_Event):
    """A country taxes its imports of some goods from some partners (2018's tariffs)."""

    info: ClassVar[str] = (
        "Tariff: the imposer taxes imports of some goods from its targets; trade diverts, "
        "home producers of those goods earn more, prices at home rise, the revenue goes to "
        "the budget, and the targets may retaliate."
    )
    kind: Literal["tariff"] = "tariff"
    imposer: str
    targets: Annotated[list[str], Field(min_length=1)]
    goods: Annotated[list[str], Field(min_length=1)] = Field(default_factory=lambda: ["all"])
    rate: Annotated[float, Field(gt=0, le=5)]
    _tariff: Any = PrivateAttr(default=None)

    def check(self, codes: set[str], goods: list[str], start: int, end: int) -> Problem:
        """Check the countries and goods exist and nobody taxes itself."""
        problem = (
            super().check(codes, goods, start, end)
            or _check_codes("imposer", [self.imposer], codes)
            or _check_countries("targets", self.targets, codes)
            or _check_goods("goods", self.goods, goods)
        )
        if problem is None and self.imposer in self.targets:
            return "targets", self.targets, "a country cannot put a tariff on itself"
        return problem

    def apply(self, model: TradeModel) -> None:
        """Impose the tariff from this year."""
        imposer = model.index_of(self.imposer)
        targets = [i for i in _countries(self.targets, model) if i != imposer]
        goods = goods_indices(self.goods, model.goods)
        self._tariff = model.impose_tariff(imposer, targets, goods, self.rate)

    def revert(self, model: TradeModel) -> None:
        """Lift it."""
        if self._tariff is not None:
            model.lift_tariff(self._tariff)


class RatePath(_Event):
    """The issuer's policy rate follows a path: one rate per year from ``year`` on."""

    info: ClassVar[str] = (
        "Rate path: the reserve issuer's policy rate is set year by year (hikes pull money "
        "out of tiers 3 and 4; cuts push it back: the dollar tide)."
    )
    kind: Literal["rate_path"] = "rate_path"
    rates: Annotated[list[Annotated[float, Field(ge=-0.05, le=0.3)]], Field(min_length=1)]

    def _years(self) -> dict[int, float]:
        last = self.until if self.until is not None else self.year + len(self.rates)
        return {
            year: self.rates[min(k, len(self.rates) - 1)]
            for k, year in enumerate(range(self.year, last))
        }

    def apply(self, model: TradeModel) -> None:
        """Schedule the rates (the last one holds until ``until``, if given)."""
        model.money.rate_path.update(self._years())

    def revert(self, model: TradeModel) -> None:
        """Drop the rates still to come that this path set (the rule or level takes over)."""
        for year, rate in self._years().items():
            if year >= model.year and model.money.rate_path.get(year) == rate:
                del model.money.rate_path[year]


class MilitarySpending(_Event):
    """A country's military or global-order upkeep becomes a share of GDP (war on terror)."""

    info: ClassVar[str] = (
        "Military spending: a country's military or global-order upkeep is set to a share "
        "of GDP, paid from its budget."
    )
    kind: Literal["military_spending"] = "military_spending"
    country: str
    share: Annotated[float, Field(ge=0, le=0.3)]
    _saved: float | None = PrivateAttr(default=None)

    def check(self, codes: set[str], goods: list[str], start: int, end: int) -> Problem:
        """Check the country exists."""
        return super().check(codes, goods, start, end) or _check_codes(
            "country", [self.country], codes
        )

    def apply(self, model: TradeModel) -> None:
        """Set the share, keeping the old one."""
        i = model.index_of(self.country)
        self._saved = float(model.state.military_share[i])
        model.state.military_share[i] = self.share

    def revert(self, model: TradeModel) -> None:
        """Restore the old share."""
        if self._saved is not None:
            model.state.military_share[model.index_of(self.country)] = self._saved


class FiscalShock(_Event):
    """Extra public spending and lost revenue for some years (2008's crisis, 2020's pandemic)."""

    info: ClassVar[str] = (
        "Fiscal shock: governments spend more and collect less for a while (a financial "
        "crisis, a pandemic); the deficit goes to debt."
    )
    kind: Literal["fiscal_shock"] = "fiscal_shock"
    countries: Annotated[list[str], Field(min_length=1)] = Field(default_factory=lambda: ["all"])
    extra_spending: Annotated[float, Field(ge=0, le=0.5)] = 0.0
    revenue_loss: Annotated[float, Field(ge=0, le=0.5)] = 0.0

    def check(self, codes: set[str], goods: list[str], start: int, end: int) -> Problem:
        """Check the countries exist."""
        return super().check(codes, goods, start, end) or _check_countries(
            "countries", self.countries, codes
        )

    def apply(self, model: TradeModel) -> None:
        """Add the shock."""
        rows = _countries(self.countries, model)
        model.state.extra_spending[rows] += self.extra_spending
        model.state.revenue_loss[rows] += self.revenue_loss

    def revert(self, model: TradeModel) -> None:
        """Remove it."""
        rows = _countries(self.countries, model)
        model.state.extra_spending[rows] -= self.extra_spending
        model.state.revenue_loss[rows] -= self.revenue_loss


class ReshoringSubsidy(_Event):
    """A country pays its producers of some goods a share of their value added to stay home."""

    info: ClassVar[str] = (
        "Reshoring subsidy: a country pays its producers of some goods a share of their "
        "value added; workers move toward them, and the budget pays."
    )
    kind: Literal["reshoring_subsidy"] = "reshoring_subsidy"
    country: str
    goods: Annotated[list[str], Field(min_length=1)] = Field(default_factory=lambda: ["all"])
    rate: Annotated[float, Field(gt=0, le=1)]

    def check(self, codes: set[str], goods: list[str], start: int, end: int) -> Problem:
        """Check the country and goods exist."""
        return (
            super().check(codes, goods, start, end)
            or _check_codes("country", [self.country], codes)
            or _check_goods("goods", self.goods, goods)
        )

    def _cells(self, model: TradeModel) -> tuple[int, list[int]]:
        names = model.rungs if "all" in self.goods else self.goods
        return model.index_of(self.country), [model.goods.index(g) for g in names]

    def apply(self, model: TradeModel) -> None:
        """Start paying ('all' means every manufacturing rung)."""
        i, goods = self._cells(model)
        model.state.subsidy[i, goods] += self.rate

    def revert(self, model: TradeModel) -> None:
        """Stop paying."""
        i, goods = self._cells(model)
        model.state.subsidy[i, goods] -= self.rate


class ReserveRun(_Event):
    """Holders run on the reserve currency, whatever its credibility (a forced run)."""

    info: ClassVar[str] = (
        "Reserve run: holders sell the reserve currency for some years; the issuer's "
        "interest rate spikes and its absorption falls."
    )
    kind: Literal["reserve_run"] = "reserve_run"
    years: Annotated[int, Field(ge=1, le=50)] = 5

    def apply(self, model: TradeModel) -> None:
        """Start the run (the note, if any, says why; e.g. a lever)."""
        from tradetiers.money_step import start_run

        start_run(model, self.years, self.note or "forced by the scenario")


class SetParameter(_Event):
    """A parameter of the running world changes in a year (and back at ``until``)."""

    info: ClassVar[str] = (
        "Parameter: a setting of the world changes from this year, as a lever would "
        "(e.g. the top rung made much harder, or the issuer forced to run a surplus)."
    )
    kind: Literal["parameter"] = "parameter"
    path: Annotated[str, Field(pattern=r"^(parameters|technology|money)\.[a-z_]+$")]
    value: bool | int | float | str | None
    _saved: Any = PrivateAttr(default=None)
    _applied: bool = PrivateAttr(default=False)

    def check(self, codes: set[str], goods: list[str], start: int, end: int) -> Problem:
        """Check the path names a setting and the value is one it allows."""
        from pydantic import ValidationError

        from tradetiers.config import MoneySettings, Parameters, TechnologySettings

        problem = super().check(codes, goods, start, end)
        if problem is not None:
            return problem
        table, _, name = self.path.partition(".")
        model = {"parameters": Parameters, "technology": TechnologySettings}.get(
            table, MoneySettings
        )
        if name not in model.model_fields or name == "enabled":
            allowed = ", ".join(f for f in model.model_fields if f != "enabled")
            return "path", self.path, f"unknown setting; {table}.NAME with NAME one of {allowed}"
        try:
            model.model_validate({name: self.value})
        except ValidationError as err:
            return "value", self.value, err.errors()[0]["msg"]
        return None

    def apply(self, model: TradeModel) -> None:
        """Set the value, keeping the old one to restore."""
        table, _, name = self.path.partition(".")
        self._saved = getattr(getattr(model.scenario, table), name)
        model.set_parameter(self.path, self.value, log=False)
        self._applied = True

    def revert(self, model: TradeModel) -> None:
        """Restore the old value."""
        if self._applied:
            model.set_parameter(self.path, self._saved, log=False)


EventSpec = Annotated[
    ProductivityShock
    | TradeLink
    | ExportControl
    | OpenSource
    | RdPush
    | Tariff
    | RatePath
    | MilitarySpending
    | FiscalShock
    | ReshoringSubsidy
    | ReserveRun
    | SetParameter,
    Field(discriminator="kind"),
]
EVENT_KINDS: dict[str, type[_Event]] = {
    "productivity_shock": ProductivityShock,
    "trade_link_cut": TradeLink,
    "export_control": ExportControl,
    "open_source": OpenSource,
    "rd_push": RdPush,
    "tariff": Tariff,
    "rate_path": RatePath,
    "military_spending": MilitarySpending,
    "fiscal_shock": FiscalShock,
    "reshoring_subsidy": ReshoringSubsidy,
    "reserve_run": ReserveRun,
    "parameter": SetParameter,
}


def event_model_for(kind: str | None) -> type[BaseModel] | None:
    """The model class of an event kind (for error messages), if the kind is known."""
    return EVENT_KINDS.get(kind or "")


class Timeline:
    """Schedules a scenario's events by year and applies them in step 1."""

    def __init__(self, events: list[_Event]) -> None:
        self._starts: dict[int, list[_Event]] = {}
        self._ends: dict[int, list[_Event]] = {}
        for ev in events:
            ev = ev.model_copy(deep=True)  # each run owns its copies (they may keep state)
            self._starts.setdefault(ev.year, []).append(ev)
            if ev.until is not None:
                self._ends.setdefault(ev.until, []).append(ev)

    def fire(self, model: TradeModel, year: int) -> list[_Event]:
        """End the events whose ``until`` is this year, then start this year's; return started."""
        for ev in self._ends.get(year, []):
            ev.revert(model)
        started = self._starts.get(year, [])
        for ev in started:
            ev.apply(model)
        return started

    def remove(self, event: _Event, model: TradeModel | None = None) -> None:
        """Unschedule an event; if it has started and a model is given, end it now."""
        for table in (self._starts, self._ends):
            for events in table.values():
                if event in events:
                    events.remove(event)
        if model is not None and event.year < model.year:
            event.revert(model)

    def scheduled(self, after: int | None = None) -> list[_Event]:
        """Events still to start (after year ``after``, if given), in start order."""
        return [
            ev
            for year in sorted(self._starts)
            if after is None or year > after
            for ev in self._starts[year]
        ]

    def add(self, event: _Event) -> None:
        """Schedule an event at run time (used by the UI's levers)."""
        self._starts.setdefault(event.year, []).append(event)
        if event.until is not None:
            self._ends.setdefault(event.until, []).append(event)

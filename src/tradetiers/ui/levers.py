"""The lever framework: what a user can change while a world runs.

A lever has a unit, a tooltip and a range. A change applies between two years, so it
takes effect from the next simulated year, and the session marks it on every time
series. Only levers backed by a real model parameter or event are listed.

Groups: trade (distance decay, a cut link, a productivity shock), technology (public
R&D share, export controls with their year and penalty, the hegemon's control rule,
the open-source year), money (the finance return premium, the settlement regime and a
hegemon's surplus target, a policy-rate path, a tariff by the hegemon on its partners'
manufactures, a forced run on the reserve currency). The panel in
``components/controls.py`` shows each group.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from tradetiers.events import (
    ExportControl,
    OpenSource,
    ProductivityShock,
    RatePath,
    ReserveRun,
    TradeLink,
)

if TYPE_CHECKING:
    from tradetiers.model import TariffInForce, TradeModel


@dataclass(frozen=True)
class Lever:
    """A lever's description: the translation keys of its label, unit and tooltip, its range.

    Attributes:
        key: identifier; ``lever_<key>``, ``unit_<key>`` and ``tip_<key>`` are in the
            translation table.
        minimum: smallest value (sliders).
        maximum: largest value (sliders).
        step: slider step.
    """

    key: str
    minimum: float = 0.0
    maximum: float = 1.0
    step: float = 0.1

    @property
    def label_key(self) -> str:
        """Translation key of the label."""
        return f"lever_{self.key}"

    @property
    def unit_key(self) -> str:
        """Translation key of the unit."""
        return f"unit_{self.key}"

    @property
    def tip_key(self) -> str:
        """Translation key of the tooltip."""
        return f"tip_{self.key}"


DISTANCE_DECAY = Lever("distance_decay", 0.0, 3.0, 0.1)
LINK_CUT = Lever("link_cut")
SHOCK = Lever("shock", 0.25, 2.0, 0.05)
RD_PUBLIC_SHARE = Lever("rd_public_share", 0.0, 0.2, 0.0025)  # share of GDP (model range)
EXPORT_CONTROL = Lever("export_control")
CONTROL_PENALTY = Lever("control_penalty", 1.0, 20.0, 0.5)  # divides imitation (model: ≤ 1000)
HEGEMON_RULE = Lever("hegemon_rule")
OPEN_SOURCE = Lever("open_source")

#: the groups the lever panel shows, in order
TRADE = (DISTANCE_DECAY, LINK_CUT, SHOCK)
TECHNOLOGY = (RD_PUBLIC_SHARE, EXPORT_CONTROL, CONTROL_PENALTY, HEGEMON_RULE, OPEN_SOURCE)
FINANCE_SPREAD = Lever("finance_spread", 0.0, 0.2, 0.005)  # per year (model range)
REGIME = Lever("regime")
HEGEMON_SURPLUS = Lever("hegemon_surplus", 0.0, 0.1, 0.005)  # of GDP (model: −0.2…0.2)
RATE_PATH = Lever("rate_path", 0.0, 0.2, 0.0025)  # per year (model: −0.05…0.3)
RATE_YEARS = Lever("rate_years", 1, 30, 1)
TARIFF = Lever("tariff", 0.0, 1.0, 0.05)  # ad valorem (model: ≤ 5)
RESERVE_RUN = Lever("reserve_run", 1, 10, 1)  # years the holders sell

#: the money mechanism's levers
MONEY: tuple[Lever, ...] = (
    FINANCE_SPREAD,
    REGIME,
    HEGEMON_SURPLUS,
    RATE_PATH,
    RATE_YEARS,
    TARIFF,
    RESERVE_RUN,
)
LEVERS: dict[str, Lever] = {lv.key: lv for lv in (*TRADE, *TECHNOLOGY, *MONEY)}
#: the settlement regimes (``money.regime``)
REGIMES = ("reserve_currency", "balanced")


Scheduled = ExportControl | OpenSource | RatePath


def set_distance_decay(model: TradeModel, value: float) -> None:
    """Set the gravity distance decay; trade routes are re-weighted from the next year."""
    model.set_parameter("parameters.distance_decay", float(value))


def cut_link(model: TradeModel, a: str, b: str) -> TradeLink:
    """Cut the direct link between two countries from the next year; return the event."""
    event = TradeLink(year=model.year, between=[a, b], note=f"{a}–{b} cut in the browser app")
    event.apply(model)
    model.log("lever", event.describe())
    return event


def restore_link(model: TradeModel, event: TradeLink) -> None:
    """Restore a link cut by :func:`cut_link`, from the next year."""
    event.revert(model)
    model.log("lever", f"{model.year} trade link {'–'.join(event.between)} restored")


def schedule_shock(model: TradeModel, country: str, good: str, factor: float) -> None:
    """Schedule a productivity shock for the next year through the model's timeline."""
    event = ProductivityShock(
        year=model.year,
        country=country,
        goods=[good],
        factor=float(factor),
        note=f"{country} productivity in {good} × {factor:g} (browser app)",
    )
    model.timeline.add(event)


def set_rd_public_share(model: TradeModel, value: float, country: str | None = None) -> None:
    """Set the public R&D share of GDP of one country (None: all) for next year's R&D.

    The technology step of the next year reads ``state.rd_public_share``; a leader's
    frontier-defence rule may still raise its own share above this.
    """
    s = model.state
    if country is None:
        s.rd_public_share[:] = float(value)
    else:
        s.rd_public_share[model.index_of(country)] = float(value)
    model.log("lever", f"public R&D share {100 * value:g}% of GDP", country or "")


def controlled_rungs(model: TradeModel) -> list[str]:
    """The rungs an export control covers: the scenario's, else the top two."""
    return list(model.scenario.technology.controlled_rungs or model.rungs[-2:])


def schedule_export_control(
    model: TradeModel, controller: str, target: str, year: int, penalty: float
) -> ExportControl:
    """Schedule an export control from ``year`` (at the earliest the next year)."""
    event = ExportControl(
        year=max(int(year), model.year),
        controllers=[controller],
        targets=[target],
        rungs=controlled_rungs(model),
        penalty=float(penalty),
        note=f"{controller} controls exports to {target} (browser app)",
    )
    model.timeline.add(event)
    model.log(
        "lever",
        f"export control {controller}→{target} from {event.year}, penalty {penalty:g}",
        target,
    )
    return event


def schedule_open_source(model: TradeModel, rung: str, year: int) -> OpenSource:
    """Schedule the publication of a rung's frontier from ``year`` (at the earliest next year)."""
    event = OpenSource(
        year=max(int(year), model.year), rung=rung, note=f"{rung} open-sourced (browser app)"
    )
    model.timeline.add(event)
    model.log("lever", f"{rung} open source from {event.year}")
    return event


def cancel(model: TradeModel, event: Scheduled) -> None:
    """Unschedule an event; if it already acts, end it from the next year."""
    model.timeline.remove(event, model)
    model.log("lever", f"cancelled: {event.describe()}")


def started(event: Scheduled, model: TradeModel) -> bool:
    """Whether a scheduled event has already started."""
    return event.year < model.year


def set_hegemon_rule(model: TradeModel, on: bool) -> None:
    """Switch the hegemon's export-control rule (``technology.hegemon_export_controls``)."""
    model.set_parameter("technology.hegemon_export_controls", bool(on))


def lift_all_controls(model: TradeModel) -> int:
    """Lift every export control in force; return how many."""
    controls = list(model.controls)
    for c in controls:
        model.lift_export_control(c)
    if controls:
        model.log("lever", f"{len(controls)} export control(s) lifted")
    return len(controls)


# -- money -------------------------------------------------------------------------
def set_finance_spread(model: TradeModel, value: float) -> None:
    """Set the finance return premium (``money.finance_spread``) from the next year."""
    model.set_parameter("money.finance_spread", float(value))


def set_regime(model: TradeModel, regime: str) -> None:
    """Set the settlement regime (``money.regime``) from the next year."""
    model.set_parameter("money.regime", regime)


def set_hegemon_surplus(model: TradeModel, target: float | None) -> None:
    """Let the hegemon target a surplus (share of GDP), or not (None), from the next year."""
    model.set_parameter("money.hegemon_surplus", None if target is None else float(target))


def schedule_rate_path(model: TradeModel, rate: float, year: int, years: int) -> RatePath:
    """The issuer's policy rate is ``rate`` for ``years`` years from ``year`` (≥ next year).

    Afterwards it returns to the scenario's rate (or rule).
    """
    start = max(int(year), model.year)
    event = RatePath(
        year=start,
        until=start + max(1, int(years)),
        rates=[float(rate)],
        note=f"policy rate {100 * rate:g}% for {years} years (browser app)",
    )
    model.timeline.add(event)
    model.log("lever", f"policy rate {100 * rate:g}% {start}–{start + int(years) - 1}")
    return event


def cancel_rate_path(model: TradeModel, event: RatePath) -> None:
    """Unschedule a rate path; if it acts already, the rate returns from the next year."""
    model.timeline.remove(event, model)
    assert event.until is not None
    for year in range(max(event.year, model.year), event.until):
        model.money.rate_path.pop(year, None)
    model.log("lever", f"cancelled: {event.describe()}")


def impose_tariff(model: TradeModel, targets: list[str], rate: float) -> TariffInForce | None:
    """The hegemon taxes its imports of manufactures from ``targets`` from the next year.

    Returns the tariff in force, or None when there is no hegemon or no target.
    """
    heg = model.hegemon
    rows = [model.index_of(c) for c in targets if heg is None or c != heg.code]
    if heg is None or not rows or rate <= 0:
        return None
    goods = [model.goods.index(r) for r in model.rungs]
    return model.impose_tariff(heg.index, rows, goods, float(rate), source="lever")


def lift_tariff(model: TradeModel, tariff: TariffInForce) -> None:
    """Lift a tariff from the next year."""
    model.lift_tariff(tariff)


def schedule_reserve_run(model: TradeModel, years: int) -> ReserveRun:
    """Force a run on the reserve currency from the next year, for ``years`` years."""
    event = ReserveRun(
        year=model.year, years=int(years), note=f"forced run, {years} years (browser app)"
    )
    model.timeline.add(event)
    model.log("lever", f"reserve run forced from {model.year} for {years} years")
    return event

"""The lever framework: what a user can change while a world runs.

A lever has a unit, a tooltip and a range. A change applies between two years, so it
takes effect from the next simulated year, and the session marks it on every time
series. Only levers backed by a real model parameter or event are listed; the others
named in issue 6 (public R&D share, export controls, tariff rate, open-source year,
finance return premium, settlement regime, policy-rate path) arrive with the
technology and money mechanisms.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from tradetiers.events import ProductivityShock, TradeLink

if TYPE_CHECKING:
    from tradetiers.model import TradeModel


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
LEVERS: dict[str, Lever] = {lv.key: lv for lv in (DISTANCE_DECAY, LINK_CUT, SHOCK)}


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

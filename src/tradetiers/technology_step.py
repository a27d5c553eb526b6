"""Step 3 of the year, technology: R&D, innovation, imitation, leakage, open source.

The arithmetic is in :mod:`tradetiers.economy.technology` (pure functions fed by the
model's seeded generator); this module reads and writes the model's arrays in order
and updates the year each country masters each rung.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tradetiers.economy import technology
from tradetiers.economy.production import FIRST_RUNG

if TYPE_CHECKING:
    from tradetiers.model import TradeModel


def advance(model: TradeModel) -> None:
    """R&D, innovation, imitation, leakage and open source move capability; mastery years."""
    if not model.scenario.technology.enabled or model.last is None:
        return  # fixed productivity, or no market year yet to fund R&D from
    s, tp = model.state, model.tech_params
    cap = s.productivity[:, FIRST_RUNG:]
    _, rel = technology.relative_capability(cap)
    # firms reinvest technology rents (manufacturing profits); oil rents fund no labs
    tech_rents = s.rents[:, FIRST_RUNG:].sum(axis=1)
    rd = technology.rd_budget(tech_rents, s.gdp, s.rd_public_share, s.rd_profit_share)
    rd_rung = technology.split_rd(
        rd, rel, tp.mastery_share, tp.climb_share, s.revenue[:, FIRST_RUNG:]
    )
    frontier = cap.max(axis=0)
    if model.frontier_start is None:
        model.frontier_start = frontier.copy()
    costs = technology.rung_costs(float(s.gdp.mean()), frontier, model.frontier_start, tp)
    innovated, _ = technology.innovate(cap, rd_rung, costs, tp, model.rng)
    penalties = [
        (c.controllers, c.targets, [g - FIRST_RUNG for g in c.goods], c.penalty)
        for c in model.controls
    ]
    social = technology.social_capability(s.gdp_per_capita, tp.social_capability)
    gains = technology.imitate(
        cap,
        rd_rung,
        costs,
        model.exposure_weights,
        penalties,
        model.open_rungs[FIRST_RUNG:],
        tp,
        social,
    )
    s.productivity[:, FIRST_RUNG:] = innovated + gains
    s.rd_spending, s.rd_by_rung = rd, rd_rung
    _, rel = technology.relative_capability(s.productivity[:, FIRST_RUNG:])
    s.mastered_year = technology.mastery_update(s.mastered_year, rel, model.year, tp.mastery_share)

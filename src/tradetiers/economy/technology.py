"""Technology: R&D, innovation, imitation, export controls and open source (M3-M7).

Pure, vectorised functions over (N, K) arrays of capability on the K rungs of the
manufacturing ladder, fed by the model's seeded generator.

- **R&D** is funded from profits (a share of rents) and by the state (a share of
  GDP), and split between pushing the country's best rung and climbing the next.
- **Innovation** on rung k succeeds with probability ``1 - exp(-ζ RD / cost_k)``, the
  cost rising steeply up the ladder (and the top rung can be made very hard: the
  siege); a success multiplies capability by ``1 + step``, a heavy-tailed draw.
- **Imitation** pulls a country toward better producers it buys from (learning by
  importing, weighted by its import shares), more strongly the further behind it is,
  but only with absorptive capacity: rung k needs capability on rung k-1 (the
  pyramid). Export controls divide the controller's weight by a penalty; the weight
  never reaches zero. A separate leakage toward the frontier, which no control
  touches, sets how long a blockade can delay catch-up.
- **Open source** puts a rung's frontier within everyone's reach.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class TechParams:
    """Technology parameters (see ``config.TechnologySettings`` for meanings and units)."""

    rd_profit_share: float
    climb_share: float
    innovation_efficiency: float
    cost_scale: float
    cost_growth: float
    top_rung_difficulty: float
    step_scale: float
    step_tail: float
    step_cap: float
    imitation_rate: float
    imitation_rd_boost: float
    imitation_cost_ratio: float
    backwardness: float
    pyramid_threshold: float
    leakage_rate: float
    open_source_rate: float
    mastery_share: float
    absorption: bool
    maturity: float
    social_capability: float = 0.0


def relative_capability(capability: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Frontier per rung (K,) and capability relative to it (N, K), 0 where no frontier."""
    frontier = capability.max(axis=0)
    rel = np.divide(
        capability, frontier[None, :], out=np.zeros_like(capability), where=frontier > 0
    )
    return frontier, rel


def rd_budget(
    rents: np.ndarray, gdp: np.ndarray, public_share: np.ndarray, profit_share: np.ndarray
) -> np.ndarray:
    """R&D spending per country (N,): a share of its rents plus a public share of GDP."""
    return profit_share * np.maximum(rents, 0.0) + public_share * np.maximum(gdp, 0.0)


def split_rd(
    rd: np.ndarray,
    relative: np.ndarray,
    mastery: float,
    climb_share: float,
    revenue: np.ndarray | None = None,
) -> np.ndarray:
    """Spending per rung (N, K): push the rungs it has mastered, climb to the next one.

    The push goes to the rungs the country has mastered (≥ ``mastery`` of the frontier),
    in proportion to what it earns on each, so its best rung gets most; with none
    mastered, to the rungs it makes, in proportion to what it earns on each (and with
    no revenue at all, to its highest rung with any capability). The rung above its
    highest mastered rung gets ``climb_share`` of the budget; at the top of the ladder
    all of it goes to pushing.

    Args:
        rd: R&D budget per country (N,).
        relative: capability relative to the frontier (N, K).
        mastery: share of the frontier that counts as mastery.
        climb_share: share of the budget spent on climbing.
        revenue: revenue per rung (N, K), the push weights; None weighs mastered
            rungs equally.
    """
    n, k = relative.shape
    rungs = np.arange(k)
    mastered = relative >= mastery
    has_any = relative > 0
    top = np.where(mastered, rungs, -1).max(axis=1)
    best = np.where(top >= 0, top, np.where(has_any, rungs, -1).max(axis=1))
    earned = np.ones((n, k)) if revenue is None else np.maximum(revenue, 0.0)
    weights = np.where(mastered, earned, 0.0)
    unmastered = weights.sum(axis=1) <= 0
    weights[unmastered] = np.where(has_any, earned, 0.0)[unmastered]
    fallback = (weights.sum(axis=1) <= 0) & (best >= 0)
    weights[fallback, best[fallback]] = 1.0
    total = weights.sum(axis=1, keepdims=True)
    shares = np.divide(weights, total, out=np.zeros_like(weights), where=total > 0)
    climb = np.minimum(best + 1, k - 1)
    climbing = (best >= 0) & (climb != best)
    out = (np.where(climbing, 1.0 - climb_share, 1.0) * rd)[:, None] * shares
    rows = np.flatnonzero(climbing)
    out[rows, climb[rows]] += climb_share * rd[rows]
    # countries with no manufacturing capability at all try to enter the first rung
    out[best < 0, 0] += rd[best < 0]
    return out


def rung_costs(
    mean_gdp: float, frontier: np.ndarray, frontier0: np.ndarray, params: TechParams
) -> np.ndarray:
    """Innovation cost per rung (K,): ``cost_scale * growth^k * mean GDP * (F/F0)^e``.

    Scale-free (proportional to mean GDP), so the same parameters work at any world
    size. Pushing a rung gets harder as its frontier ``F`` moves past where it started
    (``F0``; the easy ideas go first), which keeps a mature rung's frontier from running
    away. The top rung is multiplied by ``top_rung_difficulty`` (the siege).
    """
    k = frontier.size
    progress = np.divide(frontier, frontier0, out=np.ones(k), where=frontier0 > 0)
    cost = params.cost_scale * params.cost_growth ** np.arange(k) * max(mean_gdp, 1e-12)
    cost = cost * np.maximum(progress, 1.0) ** params.maturity
    cost[-1] *= params.top_rung_difficulty
    return cost


def innovate(
    capability: np.ndarray,
    rd_by_rung: np.ndarray,
    costs: np.ndarray,
    params: TechParams,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Innovation draws: returns new capability and the (N, K) bool of successes.

    Only rungs a country already has capability on can be pushed by innovation;
    entering a rung is imitation. Steps are Pareto (Lomax) draws, heavy-tailed and
    capped, so that most successes are small and a few are large.
    """
    prob = 1.0 - np.exp(-params.innovation_efficiency * rd_by_rung / costs[None, :])
    draws = rng.random(capability.shape)
    steps = np.minimum(
        params.step_scale * rng.pareto(params.step_tail, capability.shape), params.step_cap
    )
    success = (draws < prob) & (capability > 0)
    return np.where(success, capability * (1.0 + steps), capability), success


def exposure(
    exporter: np.ndarray, importer: np.ndarray, value: np.ndarray, imports: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Import shares as (exporter, importer, share of the importer's imports) entries."""
    total = imports[importer]
    share = np.divide(value, total, out=np.zeros_like(value), where=total > 0)
    return exporter, importer, share


def imitate(
    capability: np.ndarray,
    rd_by_rung: np.ndarray,
    costs: np.ndarray,
    weights: tuple[np.ndarray, np.ndarray, np.ndarray],
    penalties: list[tuple[np.ndarray, np.ndarray, list[int], float]],
    open_rungs: np.ndarray,
    params: TechParams,
    social: np.ndarray | None = None,
) -> np.ndarray:
    """Capability gains from imitation, leakage and open source, (N, K).

    Args:
        capability: capability A (N, K).
        rd_by_rung: R&D spending per rung (N, K); it raises absorption on that rung.
        costs: innovation cost per rung (K,); imitation costs ``imitation_cost_ratio`` of it.
        weights: import shares as (exporter j, importer i, share of i's imports from j)
            entries; repeated pairs add up.
        penalties: export controls as (controllers, targets, rungs, penalty): the
            controllers' weight in the targets' imitation of those rungs is divided by
            the penalty (it never reaches zero).
        open_rungs: (K,) bool, rungs whose frontier is open to everyone.
        params: technology parameters.
        social: each country's social capability in [0, 1] (N,), a factor on what it can
            learn by imitation and leakage (see :func:`social_capability`); None is 1.
    """
    n, k = capability.shape
    if not params.absorption:
        return np.zeros_like(capability)
    frontier, rel = relative_capability(capability)
    # the pyramid: absorbing rung k needs capability on rung k-1 above a threshold
    below = np.concatenate([np.ones((n, 1)), rel[:, :-1]], axis=1)
    gate = np.clip(below / params.pyramid_threshold, 0.0, 1.0) ** 2
    imitation_cost = params.imitation_cost_ratio * costs
    effort = np.minimum(1.0, rd_by_rung / imitation_cost[None, :])
    absorb = gate * (1.0 + params.imitation_rd_boost * effort)
    gap_rel = 1.0 - rel  # advantage of backwardness: stronger pull the further behind
    src, dst, share = weights
    pull = np.zeros((n, k))
    # per-rung weight factors, only where controls are in force (memory grows with pairs)
    factors = np.ones((k, share.size)) if penalties else np.ones((k, 1))
    for controllers, targets, rungs, penalty in penalties:
        is_controller = np.zeros(n, dtype=bool)
        is_target = np.zeros(n, dtype=bool)
        is_controller[controllers] = True
        is_target[targets] = True
        hit = is_controller[src] & is_target[dst]
        factors[np.ix_(rungs, np.flatnonzero(hit))] /= penalty
    for r in range(k):
        gap = np.maximum(capability[src, r] - capability[dst, r], 0.0)
        pull[:, r] = np.bincount(dst, weights=share * factors[r] * gap, minlength=n)
    if social is not None:
        absorb = absorb * social[:, None]
        gate = gate * social[:, None]
    learned = params.imitation_rate * absorb * (1.0 + params.backwardness * gap_rel) * pull
    to_frontier = np.maximum(frontier[None, :] - capability, 0.0)
    leaked = params.leakage_rate * gate * to_frontier
    opened = params.open_source_rate * open_rungs[None, :] * to_frontier
    # nobody passes the frontier by imitating it
    return np.minimum(learned + leaked + opened, to_frontier)


def social_capability(income: np.ndarray, exponent: float) -> np.ndarray | None:
    """How much of what it sees a country can absorb (N,), from its income per person.

    Abramovitz's social capability: schools, firms and institutions that can use a
    foreign technique grow with development, so the poorest learn least from the
    same imports. ``(y / y_max) ** exponent``; an exponent of 0 gives None (everyone
    absorbs alike), the model's default.
    """
    if exponent <= 0 or income.size == 0:
        return None
    top = float(income.max())
    if top <= 0:
        return None
    return np.clip(income / top, 0.0, 1.0) ** exponent


def mastery_update(
    mastered_year: np.ndarray, relative: np.ndarray, year: int, mastery: float
) -> np.ndarray:
    """Record the first year each country reaches ``mastery`` of the frontier (NaN before)."""
    new = np.isnan(mastered_year) & (relative >= mastery)
    return np.where(new, float(year), mastered_year)

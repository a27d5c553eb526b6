"""``mesa.batch_run`` for users who know it: a TradeModel that takes settings as keywords.

``TradeModel`` itself works with ``mesa.batch_run`` (it accepts ``rng=``), with the
batch runner's quirks:

- ``batch_run`` builds every model as ``model_cls(**kwargs)`` from the product of the
  parameter values. Mesa 3.3 runs it ``while model.running and steps <= max_steps``:
  one step more than ``max_steps``; Mesa 3.4 and later stop at ``steps < max_steps``
  (:func:`batch_run_steps` says which). Forever-running models only stop there.
- Mesa 3.3's ``iterations`` repeats the same keywords, so every iteration of a model
  seeded from its scenario is the same run; seeds must be a parameter (``"rng": [...]``).
- Mesa 3.4 and later (3.5 included) deprecate ``iterations`` for ``batch_run(rng=seeds)``
  and set the model's ``rng=`` keyword themselves (``seed=`` if the model's signature
  names ``seed``), overwriting an ``"rng"`` parameter, with None by default: there,
  seeds go to ``batch_run(rng=...)``. :func:`seed_arguments` gives the right place for
  the installed Mesa.
- A value that is iterable but not a string (a ``Scenario`` object, a dict) is iterated
  as a set of values: pass scenarios by name or path, or wrap one in a list.
- Importing Mesa sets the multiprocessing start method to ``spawn``, so with
  ``number_processes > 1`` the model class must be importable (it is).

``BatchTradeModel`` smooths these: any scenario value is a keyword by dotted path
(``**{"parameters.distance_decay": 0.3}``, or ``parameters__distance_decay=0.3``),
``years`` sets a horizon after which ``running`` turns False, and ``seed=`` is
accepted as an alias of ``rng=`` (through ``**settings``, so that Mesa 3.4+ still
passes ``rng=``). :func:`batch_seeds` gives seeds from
``SeedSequence(root).spawn``, the same ones a sweep with common seeding uses.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

from tradetiers.config import Scenario
from tradetiers.experiments import paths
from tradetiers.experiments.sampling import seed_of
from tradetiers.model import TradeModel


def batch_seeds(root: int, n: int) -> list[int]:
    """``n`` seeds from ``SeedSequence(root).spawn(n)`` (replication r of a sweep)."""
    return [seed_of(c) for c in np.random.SeedSequence(root).spawn(n)]


def batch_run_steps(max_steps: int) -> int:
    """How many steps ``mesa.batch_run`` runs for ``max_steps`` with the installed Mesa."""
    return max_steps if batch_run_takes_rng() else max_steps + 1


def batch_run_takes_rng() -> bool:
    """True if the installed ``mesa.batch_run`` has its own ``rng`` keyword (Mesa >= 3.4)."""
    import mesa

    return "rng" in inspect.signature(mesa.batch_run).parameters


def seed_arguments(seeds: Iterable[Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Where ``batch_run`` takes seeds: ``(extra parameters, extra batch_run keywords)``.

    ``{"rng": seeds}`` as a parameter on Mesa 3.3; ``batch_run(rng=seeds)`` on Mesa 3.4+
    (which would overwrite the parameter). Either way each seed is one run per setting
    and the rows carry it as ``rng``::

        params, kwargs = seed_arguments(batch_seeds(7, 4))
        mesa.batch_run(BatchTradeModel, parameters={**settings, **params}, **kwargs)
    """
    seeds = list(seeds)
    return ({}, {"rng": seeds}) if batch_run_takes_rng() else ({"rng": seeds}, {})


class BatchTradeModel(TradeModel):
    """TradeModel whose scenario settings and horizon are keyword arguments.

    Args:
        scenario: a shipped scenario name, a path, or a Scenario.
        rng: seed (or Generator); None uses the scenario's seed.
        years: horizon; ``running`` turns False after this many years (default: the
            scenario's ``years``).
        seed: alias of ``rng`` for code written for older Mesa versions.
        **settings: scenario values by dotted path; ``__`` may stand for a dot.
    """

    def __init__(
        self,
        scenario: Scenario | str | Path = "teaching",
        rng: Any = None,
        years: int | None = None,
        **settings: Any,
    ) -> None:
        seed = settings.pop("seed", None)  # not in the signature: Mesa 3.4+ would use it
        if rng is None:
            rng = seed
        sc = scenario if isinstance(scenario, Scenario) else Scenario.load(scenario)
        if settings:
            dotted = {key.replace("__", "."): value for key, value in settings.items()}
            base = sc.model_dump(mode="python")
            for path in dotted:
                paths.resolve(base, path)
            sc = Scenario.from_dict(paths.apply(base, dotted), source=f"<{sc.name}>")
        super().__init__(scenario=sc, rng=rng)
        self.horizon = self.scenario.years if years is None else years
        self.running = self.horizon > 0

    def step(self) -> None:
        """One year; stop running at the horizon."""
        super().step()
        if self.year - self.scenario.start_year >= self.horizon:
            self.running = False

    def run(self, years: int | None = None) -> TradeModel:
        """Run for ``years`` (default: the horizon) and return self."""
        return super().run(self.horizon if years is None else years)

"""One browser session's world: a TradeModel, its lever marks and its caps.

Nothing here imports Solara, so the logic is testable on its own. The app builds one
``Session`` per browser session inside the page (never at module level).
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from tradetiers.config import Scenario, shipped_configs_dir
from tradetiers.model import TradeModel
from tradetiers.ui import levers
from tradetiers.ui.i18n import tr

#: the largest world the browser app builds (bigger ones: ``tradetiers run``)
MAX_COUNTRIES = 200
#: the most years one browser run simulates
MAX_YEARS = 200


class CapError(ValueError):
    """A request beyond the app's resource caps; ``key`` and ``fields`` translate it."""

    def __init__(self, key: str, **fields: object) -> None:
        super().__init__(tr(key, "en", **fields))
        self.key = key
        self.fields = fields

    def message(self, lang: str) -> str:
        """The message in a language."""
        return tr(self.key, lang, **self.fields)


@dataclass(frozen=True)
class Mark:
    """A lever change, drawn on the time series at ``year`` (the first year it acts in)."""

    year: int
    text: str


#: the scenario the app opens on: the teaching world, the default everywhere
DEFAULT_SCENARIO = "teaching"


def library() -> dict[str, Path]:
    """The shipped scenarios by name, the default first, the rest alphabetically."""
    paths = sorted(
        shipped_configs_dir().glob("*.toml"), key=lambda p: (p.stem != DEFAULT_SCENARIO, p.stem)
    )
    return {p.stem: p for p in paths}


def world_size(scenario: Scenario) -> int:
    """Number of countries a scenario builds (without building it)."""
    if scenario.synthetic is not None:
        return scenario.synthetic.countries
    return len(scenario.countries)


def load_scenario(source: str | Path | Scenario) -> Scenario:
    """Load a scenario (name or file) and check it against the app's caps.

    Raises:
        CapError: the world is bigger than :data:`MAX_COUNTRIES`.
        ScenarioError: the scenario is invalid.
    """
    sc = source if isinstance(source, Scenario) else Scenario.load(source)
    n = world_size(sc)
    if n > MAX_COUNTRIES:
        raise CapError("cap_countries", n=n, cap=MAX_COUNTRIES)
    return sc


class Session:
    """A browser session's running world.

    Args:
        scenario: a scenario name, file or Scenario.
        seed: the seed; None uses the scenario's.
    """

    def __init__(self, scenario: str | Path | Scenario = "teaching", seed: int | None = None):
        self.scenario = load_scenario(scenario)
        self.model = TradeModel(scenario=self.scenario, rng=seed)
        self.seed = int(self.model.seed)
        self.marks: list[Mark] = []
        self.cut_links: dict[tuple[str, str], object] = {}
        self.lock = threading.RLock()
        self._frames: tuple[int, dict[str, pd.DataFrame]] | None = None

    # -- time ----------------------------------------------------------------------
    @property
    def name(self) -> str:
        """The scenario's name."""
        return self.model.scenario.name

    @property
    def years_run(self) -> int:
        """Years simulated so far."""
        return self.model.year - self.model.scenario.start_year

    @property
    def last_year(self) -> int | None:
        """The latest simulated year, or None before the first step."""
        return self.model.year - 1 if self.years_run else None

    @property
    def at_cap(self) -> bool:
        """True when the run has reached :data:`MAX_YEARS`."""
        return self.years_run >= MAX_YEARS

    def step(self, years: int = 1) -> None:
        """Simulate ``years`` more years.

        Raises:
            CapError: the run would pass :data:`MAX_YEARS`.
        """
        with self.lock:
            for _ in range(years):
                if self.at_cap:
                    raise CapError("cap_years", cap=MAX_YEARS)
                self.model.step()

    # -- levers --------------------------------------------------------------------
    def _mark(self, text: str) -> None:
        self.marks.append(Mark(self.model.year, text))

    @property
    def distance_decay(self) -> float:
        """The current gravity distance decay."""
        return float(self.model.scenario.parameters.distance_decay)

    def set_distance_decay(self, value: float) -> None:
        """Change trade costs from the next year and mark it."""
        lv = levers.DISTANCE_DECAY
        value = min(max(float(value), lv.minimum), lv.maximum)
        with self.lock:
            old = self.distance_decay
            if abs(old - value) < 1e-12:
                return
            levers.set_distance_decay(self.model, value)  # validated and logged by the model
            self._mark(f"distance decay {old:g}→{value:g}")

    def cut_link(self, a: str, b: str) -> bool:
        """Cut the link a–b from the next year (False if already cut or a == b)."""
        key = (min(a, b), max(a, b))
        if a == b or key in self.cut_links:
            return False
        with self.lock:
            self.cut_links[key] = levers.cut_link(self.model, *key)
            self._mark(f"cut {key[0]}–{key[1]}")
        return True

    def restore_link(self, a: str, b: str) -> bool:
        """Restore a link this session cut (False if it was not cut here)."""
        key = (min(a, b), max(a, b))
        event = self.cut_links.pop(key, None)
        if event is None:
            return False
        with self.lock:
            levers.restore_link(self.model, event)  # type: ignore[arg-type]
            self._mark(f"restore {key[0]}–{key[1]}")
        return True

    def shock(self, country: str, good: str, factor: float) -> None:
        """Multiply a country's productivity in a good ('all' for every good) next year."""
        lv = levers.SHOCK
        factor = min(max(float(factor), lv.minimum), lv.maximum)
        with self.lock:
            levers.schedule_shock(self.model, country, good, factor)
            self._mark(f"{country} {good} ×{factor:g}")

    # -- results -------------------------------------------------------------------
    def frames(self) -> dict[str, pd.DataFrame]:
        """The run's world, countries, trade and events frames (cached per year)."""
        with self.lock:
            year = self.model.year
            if self._frames is None or self._frames[0] != year:
                m = self.model
                self._frames = (
                    year,
                    {
                        "world": m.world_frame(),
                        "countries": m.country_frame(),
                        "trade": m.trade_frame(),
                        "events": m.event_frame(),
                    },
                )
            return self._frames[1]

    def provenance(self, lang: str = "en") -> str:
        """The label every number carries: model output, scenario, seed, latest year."""
        text = (
            f"{tr('model_output', lang)} · {tr('scenario_lc', lang)} {self.name} · "
            f"{tr('seed_lc', lang)} {self.seed}"
        )
        if self.last_year is not None:
            text += f" · {tr('through_year', lang)} {self.last_year}"
        return text

    def csv(self, table: str = "countries") -> bytes:
        """A table of the current run as CSV, each row labelled with its provenance."""
        df = self.frames()[table].copy()
        df.insert(0, "source", "model output")
        df.insert(1, "scenario", self.name)
        df.insert(2, "seed", self.seed)
        buf = io.StringIO()
        df.to_csv(buf, index=False)
        return buf.getvalue().encode("utf-8")

"""One browser session's world: a TradeModel, its lever marks and its caps.

Nothing here imports Solara, so the logic is testable on its own. The app builds one
``Session`` per browser session inside the page (never at module level).
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
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


def top_exports(trade: pd.DataFrame, codes: Any, n: int = 3) -> list[str]:
    """Each country's largest exports in the latest year, e.g. ``ai 41% · cars 30%``."""
    codes = list(codes)
    if trade.empty:
        return ["" for _ in codes]
    years = trade["year"].to_numpy()
    rows = np.flatnonzero(years == years.max())
    exporter = trade["exporter"].to_numpy()[rows]
    importer = trade["importer"].to_numpy()[rows]
    rows = rows[exporter != importer]
    ex_codes, ex = np.unique(trade["exporter"].to_numpy()[rows], return_inverse=True)
    goods, gi = np.unique(trade["good"].to_numpy()[rows], return_inverse=True)
    table = np.zeros((len(ex_codes), len(goods)))
    np.add.at(table, (ex, gi), trade["value"].to_numpy(float)[rows])
    where = {c: k for k, c in enumerate(ex_codes)}
    out = []
    for c in codes:
        k = where.get(c)
        if k is None:
            out.append("")
            continue
        total = float(table[k].sum()) or 1.0
        order = np.argsort(-table[k], kind="stable")[:n]
        out.append(" · ".join(f"{goods[g]} {100 * table[k, g] / total:.0f}%" for g in order))
    return out


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
        self._views: dict[str, tuple[Any, pd.DataFrame]] = {}
        #: the export control and open-source release this session scheduled, if any
        self.export_control: levers.Scheduled | None = None
        self.open_source: levers.Scheduled | None = None
        #: the rate path, tariff and forced runs this session set, if any
        self.rate_path: levers.RatePath | None = None
        self.tariff: Any = None  # a TariffInForce
        self.tariff_targets: list[str] = []

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

    @property
    def rd_public_share(self) -> float:
        """The mean public R&D share of GDP over the countries (what the slider shows)."""
        return float(np.mean(self.model.state.rd_public_share))

    def set_rd_public_share(self, value: float, country: str = "all") -> None:
        """Set the public R&D share of GDP (of one country or all) from the next year."""
        lv = levers.RD_PUBLIC_SHARE
        value = min(max(float(value), lv.minimum), lv.maximum)
        with self.lock:
            levers.set_rd_public_share(self.model, value, None if country == "all" else country)
            who = "" if country == "all" else f"{country} "
            self._mark(f"{who}R&D {100 * value:g}% GDP")

    def set_export_control(
        self, on: bool, controller: str = "", target: str = "", year: int = 0, penalty: float = 4.0
    ) -> None:
        """Schedule (on) or cancel (off) this session's export control, and mark it.

        Switching on again with other settings replaces the scheduled control. The control
        acts from ``year`` (at the earliest the next year): ``controller`` stops exporting
        the controlled rungs to ``target``, whose imitation is divided by ``penalty``.
        """
        with self.lock:
            if self.export_control is not None:
                levers.cancel(self.model, self.export_control)
                self.export_control = None
                if not on:
                    self._mark("export control off")
            if on:
                year = max(int(year), self.model.year)
                pen = min(max(float(penalty), 1.0), levers.CONTROL_PENALTY.maximum)
                self.export_control = levers.schedule_export_control(
                    self.model, controller, target, year, pen
                )
                self.marks.append(Mark(year, f"{controller}→{target} control ×{pen:g}"))

    def set_hegemon_rule(self, on: bool) -> None:
        """Switch the hegemon's export-control rule on or off from the next year."""
        with self.lock:
            if bool(self.model.scenario.technology.hegemon_export_controls) == on:
                return
            levers.set_hegemon_rule(self.model, on)
            self._mark(f"hegemon control rule {'on' if on else 'off'}")

    def lift_controls(self) -> int:
        """Lift every export control in force (the scenario's, the rule's, this session's)."""
        with self.lock:
            n = levers.lift_all_controls(self.model)
            if self.export_control is not None and levers.started(self.export_control, self.model):
                self.export_control = None
            if n:
                self._mark(f"{n} export control(s) lifted")
            return n

    def set_open_source(self, rung: str | None, year: int = 0) -> None:
        """Publish a rung's frontier from ``year`` (None: cancel the scheduled release)."""
        with self.lock:
            if self.open_source is not None:
                levers.cancel(self.model, self.open_source)
                self.open_source = None
                if rung is None:
                    self._mark("open source cancelled")
            if rung is not None:
                year = max(int(year), self.model.year)
                self.open_source = levers.schedule_open_source(self.model, rung, year)
                self.marks.append(Mark(year, f"{rung} open source"))

    # -- money levers --------------------------------------------------------------
    @property
    def money_enabled(self) -> bool:
        """Whether the scenario runs the money mechanism (else the money levers are hidden)."""
        return bool(self.model.scenario.money.enabled)

    @property
    def finance_spread(self) -> float:
        """The finance return premium (per year)."""
        return float(self.model.scenario.money.finance_spread)

    def set_finance_spread(self, value: float) -> None:
        """Change the finance return premium from the next year and mark it."""
        lv = levers.FINANCE_SPREAD
        value = round(min(max(float(value), lv.minimum), lv.maximum), 6)
        with self.lock:
            old = self.finance_spread
            if abs(old - value) < 1e-12:
                return
            levers.set_finance_spread(self.model, value)
            self._mark(f"finance premium {100 * old:g}→{100 * value:g}%")

    @property
    def regime(self) -> str:
        """The settlement regime."""
        return str(self.model.scenario.money.regime)

    def set_regime(self, regime: str) -> None:
        """Switch the settlement regime from the next year and mark it."""
        if regime not in levers.REGIMES or regime == self.regime:
            return
        with self.lock:
            levers.set_regime(self.model, regime)
            self._mark(f"settlement {regime.replace('_', ' ')}")

    @property
    def hegemon_surplus(self) -> float | None:
        """The hegemon's surplus target (share of GDP), or None."""
        v = self.model.scenario.money.hegemon_surplus
        return None if v is None else float(v)

    def set_hegemon_surplus(self, target: float | None) -> None:
        """Let the hegemon target a surplus (share of GDP) or not (None), from the next year."""
        lv = levers.HEGEMON_SURPLUS
        if target is not None:
            target = round(min(max(float(target), lv.minimum), lv.maximum), 6)
        if target == self.hegemon_surplus:
            return
        with self.lock:
            levers.set_hegemon_surplus(self.model, target)
            text = "off" if target is None else f"{100 * target:g}% GDP"
            self._mark(f"hegemon surplus target {text}")

    @property
    def policy_rate(self) -> float:
        """The issuer's policy rate in the latest simulated year."""
        return float(self.model.money.policy_rate)

    def set_rate_path(self, on: bool, rate: float = 0.08, year: int = 0, years: int = 5) -> None:
        """Schedule (on) or cancel (off) this session's policy-rate path, and mark it.

        The issuer's policy rate is ``rate`` for ``years`` years from ``year`` (at the
        earliest the next year), then returns to the scenario's. Switching on again with
        other settings replaces the path.
        """
        with self.lock:
            if self.rate_path is not None:
                levers.cancel_rate_path(self.model, self.rate_path)
                self.rate_path = None
                if not on:
                    self._mark("rate path cancelled")
            if on:
                lv = levers.RATE_PATH
                rate = round(min(max(float(rate), lv.minimum), lv.maximum), 6)
                years = int(min(max(int(years), 1), levers.RATE_YEARS.maximum))
                self.rate_path = levers.schedule_rate_path(self.model, rate, year, years)
                self.marks.append(
                    Mark(self.rate_path.year, f"policy rate {100 * rate:g}% × {years}y")
                )
                self.marks.append(Mark(self.rate_path.year + years, "rate path ends"))

    @property
    def tariff_rate(self) -> float:
        """The rate of this session's tariff in force (0 if none)."""
        return float(self.tariff.rate) if self.tariff is not None else 0.0

    def set_tariff(self, targets: list[str], rate: float) -> None:
        """The hegemon's tariff on the targets' manufactures from the next year (0: lift)."""
        lv = levers.TARIFF
        rate = round(min(max(float(rate), lv.minimum), lv.maximum), 6)
        targets = [c for c in targets if c in self.model.state.codes]
        if rate == self.tariff_rate and targets == self.tariff_targets:
            return
        with self.lock:
            if self.tariff is not None:
                levers.lift_tariff(self.model, self.tariff)
                self.tariff = None
            self.tariff_targets = targets
            if rate > 0 and targets:
                self.tariff = levers.impose_tariff(self.model, targets, rate)
            if self.tariff is not None:
                self._mark(f"tariff {100 * rate:g}% on {','.join(targets)}")
            else:
                self._mark("tariff lifted")

    def force_run(self, years: int = 5) -> None:
        """Force a run on the reserve currency from the next year, and mark it."""
        years = int(min(max(int(years), 1), levers.RESERVE_RUN.maximum))
        with self.lock:
            levers.schedule_reserve_run(self.model, years)
            self._mark(f"reserve run × {years}y")

    def lever_state(self) -> tuple:
        """What the lever panel shows that the model itself may change in a year.

        The app re-renders the lever panel after a step only when this changes (a
        scenario event that sets a lever, a control the hegemon's rule imposes, a
        hand-over of the reserve currency), not every year.
        """
        m = self.model
        heg = m.hegemon
        state = (
            self.distance_decay,
            tuple(np.round(np.asarray(m.state.rd_public_share, float), 8)),
            bool(m.scenario.technology.hegemon_export_controls),
            len(m.controls),
            heg.code if heg is not None else None,
            len(self.marks),
        )
        if self.money_enabled:
            state += (self.finance_spread, self.regime, self.hegemon_surplus, self.tariff_rate)
        return state

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

    def _view(self, name: str, build: Any) -> pd.DataFrame:
        with self.lock:
            key = (self.model.year, len(self.cut_links))
            hit = self._views.get(name)
            if hit is None or hit[0] != key:
                hit = (key, build())
                self._views[name] = hit
            return hit[1]

    def cached(self, name: str, build: Any) -> Any:
        """``build()``, computed once per simulated year (and cut link) under ``name``."""
        return self._view(name, build)

    def nodes(self) -> pd.DataFrame:
        """The latest year's countries for the network and the cards (cached per year).

        Columns: code, name, tier, gdp, population, top_exports, capability, lon, lat,
        changed (the tier changed in the latest year).
        """
        return self._view("nodes", self._nodes)

    def edges(self) -> pd.DataFrame:
        """The latest year's bilateral trade per linked pair (cached per year)."""
        return self._view("edges", self._edges)

    def _nodes(self) -> pd.DataFrame:
        m, f = self.model, self.frames()
        st = m.state
        cf, trade, ev = f["countries"], f["trade"], f["events"]
        out = pd.DataFrame(
            {
                "code": list(st.codes),
                "lon": np.asarray(st.lon, float),
                "lat": np.asarray(st.lat, float),
            }
        )
        if cf.empty:
            out["name"] = out["code"]
            out["tier"] = np.asarray(getattr(st, "tier", np.zeros(st.n)), int)
            out["gdp"] = np.asarray(st.gdp, float) if len(getattr(st, "gdp", [])) else 1.0
            out["population"] = np.asarray(st.population, float)
            out["top_exports"] = ""
            out["capability"] = ""
            out["changed"] = False
            return out
        years = cf["year"].to_numpy()
        rows = np.flatnonzero(years == years.max())
        where = {c: k for k, c in enumerate(cf["country"].iloc[rows].tolist())}
        now = cf.iloc[rows[[where[c] for c in out["code"]]]]  # in the state's order
        for col in ("name", "tier", "gdp", "population"):
            out[col] = now[col].to_numpy()
        out["top_exports"] = top_exports(trade, out["code"])
        rungs = [r for r in m.rungs if f"relcap_{r}" in now]
        rel = now[[f"relcap_{r}" for r in rungs]].to_numpy(float)
        out["capability"] = [
            " · ".join(f"{r} {v:.2f}" for r, v in zip(rungs, row, strict=True)) for row in rel
        ]
        year = self.last_year
        changed = np.zeros(len(out), bool)
        if not ev.empty and year is not None:
            kind, when = ev["kind"].to_numpy(), ev["year"].to_numpy()
            hits = set(ev["country"].to_numpy()[(kind == "tier_change") & (when == year)])
            changed = np.array([c in hits for c in out["code"]], bool)
        out["changed"] = changed
        return out

    def _edges(self) -> pd.DataFrame:
        m, trade = self.model, self.frames()["trade"]
        codes = list(m.state.codes)
        lon, lat = np.asarray(m.state.lon, float), np.asarray(m.state.lat, float)
        n = len(codes)
        flows = np.zeros((n, n))
        if len(trade):
            years = trade["year"].to_numpy()
            rows = np.flatnonzero(years == years.max())
            idx = {c: i for i, c in enumerate(codes)}
            ex = np.array([idx[c] for c in trade["exporter"].iloc[rows].tolist()], int)
            im = np.array([idx[c] for c in trade["importer"].iloc[rows].tolist()], int)
            value = trade["value"].to_numpy(float)[rows]
            keep = ex != im
            np.add.at(flows, (ex[keep], im[keep]), value[keep])
            flows = flows + flows.T  # both directions of a pair
        pairs = {(min(a, b), max(a, b)) for a, b in m.graph.edges() if a != b}
        cut = {(m.index_of(a), m.index_of(b)) for a, b in self.cut_links}
        cut = {(min(a, b), max(a, b)) for a, b in cut}
        rows = [
            (lon[a], lat[a], lon[b], lat[b], flows[a, b], (a, b) in cut, f"{codes[a]}–{codes[b]}")
            for a, b in sorted(pairs | cut)
        ]
        return pd.DataFrame(rows, columns=["x", "y", "x2", "y2", "value", "cut", "pair"])

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

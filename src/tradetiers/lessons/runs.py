"""Running a lesson: its scenario (with a thing to try), the baseline, the reveal, the view.

Runs are cached in this process (a small LRU keyed by lesson, change and seed), so a
class of browsers opening the same lesson builds it once. Everything is model output
from the lesson's scenario and seed; nothing is written in.
"""

from __future__ import annotations

import copy
import math
import string
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from tradetiers.config import Scenario, ScenarioError
from tradetiers.lessons.measures import MEASURES, Run, tier_sales

if TYPE_CHECKING:
    from tradetiers.lessons.schema import Change, Lesson

#: how many (lesson, change, seed) results the process keeps
CACHE_SIZE = 24
_cache: OrderedDict[tuple, Result] = OrderedDict()
_lock = threading.Lock()
_building: dict[tuple, threading.Lock] = {}

#: country names in Chinese, by their English name (the same code can name different
#: countries in different worlds: IND is Industria in the teaching world, India in
#: Britain's); a name not here is shown as it is
NAMES_ZH = {
    # the teaching world
    "Hegemonia": "霸权尼亚",
    "Manufactura": "制造尼亚",
    "Fabrica": "法布里卡",
    "Industria": "工业尼亚",
    "Petrolia": "石油尼亚",
    "Mineralia": "矿产尼亚",
    "Agraria": "农业尼亚",
    "Campania": "田园尼亚",
    # britain_1770
    "Britain": "英国",
    "United States": "美国",
    "France": "法国",
    "German lands": "德意志诸邦",
    "Low Countries": "低地国家",
    "India": "印度",
    "Russia": "俄国",
    "Plantation Americas": "美洲种植园经济体",
    # flying_geese
    "Western Europe": "西欧",
    "Japan": "日本",
    "South Korea": "韩国",
    "Taiwan": "中国台湾",
    "Hong Kong and Singapore": "中国香港和新加坡",
    "ASEAN-4": "东盟四国",
    "China": "中国",
    "Middle East oil exporters": "中东石油出口国",
    "Australia": "澳大利亚",
    # historical (the countries the lessons show)
    "Germany": "德国",
    "Korea, Rep.": "韩国",
    "United Kingdom": "英国",
}


def country_name(code: str, name: str, lang: str) -> str:
    """A country's name in a language (the lessons' worlds have Chinese names)."""
    return NAMES_ZH.get(name, name) if lang == "zh" else name


def _set_path(data: dict[str, Any], path: str, value: Any) -> None:
    """Set one value by dotted path (``events.0.penalty``, ``countries.MAN.land``).

    Raises:
        KeyError: the path names nothing (the message says what is there).
    """
    node: Any = data
    tokens = path.split(".")
    for i, tok in enumerate(tokens):
        last = i == len(tokens) - 1
        if isinstance(node, list):
            idx = next(
                (k for k, x in enumerate(node) if isinstance(x, dict) and x.get("code") == tok),
                None,
            )
            if idx is None and tok.isdigit() and int(tok) < len(node):
                idx = int(tok)
            if idx is None:
                raise KeyError(f"no entry {tok!r} (an index below {len(node)} or a country code)")
            if last:
                node[idx] = value
                return
            node = node[idx]
        elif isinstance(node, dict):
            if tok not in node and not (last or isinstance(node.get(tok), dict)):
                raise KeyError(f"no key {tok!r}; keys: {', '.join(map(str, node))}")
            if last:
                node[tok] = value
                return
            if node.get(tok) is None:
                node[tok] = {}
            node = node[tok]
        else:
            raise KeyError(f"{'.'.join(tokens[:i])} is a value, not a table")


def _apply(raw: dict[str, Any], change: Change, source: str, field: str) -> dict[str, Any]:
    data = copy.deepcopy(raw)
    if change.drop_events is True:
        data["events"] = []
    elif change.drop_events:
        from tradetiers.events import EVENT_KINDS

        for kind in change.drop_events:
            if kind not in EVENT_KINDS:
                raise ScenarioError(
                    source, f"{field}.drop_events", kind, f"an event kind: {', '.join(EVENT_KINDS)}"
                )
        data["events"] = [
            e for e in data.get("events", []) if e.get("kind") not in change.drop_events
        ]
    data["events"] = list(data.get("events", [])) + [dict(e) for e in change.events]
    items = [*((p, None) for p in change.unset), *change.set.items()]
    for path, value in items:
        try:
            _set_path(data, path, value)
        except KeyError as err:
            raise ScenarioError(source, f"{field}.set.{path}", value, err.args[0]) from None
    return data


def scenario_for(
    lesson: Lesson,
    try_id: str | None,
    baseline: bool,
    source: str | None = None,
    field: str = "change",
) -> Scenario:
    """The lesson's scenario with a thing to try applied, and the baseline change on top.

    Raises:
        ScenarioError: the change does not give a valid scenario (one line).
    """
    source = source or str(lesson.folder / "lesson.toml")
    raw = lesson.scenario.model_dump()
    if try_id is not None:
        t = next((t for t in lesson.spec.tries if t.id == try_id), None)
        if t is None:
            ids = ", ".join(t.id for t in lesson.spec.tries)
            raise ScenarioError(source, "try", try_id, f"one of {ids}")
        raw = _apply(raw, t.change, source, field)
    if baseline and lesson.spec.reveal.baseline is not None:
        raw = _apply(raw, lesson.spec.reveal.baseline, source, "reveal.baseline")
    try:
        return Scenario.from_dict(raw, source=f"{source} ({field})")
    except ScenarioError:
        raise
    except ValueError as err:  # pragma: no cover - from_dict turns errors into ScenarioError
        raise ScenarioError(source, field, None, str(err)) from None


def run_scenario(scenario: Scenario, seed: int) -> Run:
    """Run a scenario over its years and keep its tables."""
    from tradetiers.model import TradeModel

    m = TradeModel(scenario=scenario, rng=seed)
    m.run()
    return Run(
        world=m.world_frame(),
        countries=m.country_frame(),
        trade=m.trade_frame(),
        events=m.event_frame(),
        scenario=scenario.name,
        seed=int(seed),
        rungs=tuple(m.rungs),
        start_year=int(scenario.start_year),
    )


@dataclass(frozen=True)
class Result:
    """A lesson's run, its baseline, the reveal values and the answer the run gives."""

    lesson_id: str
    try_id: str | None
    seed: int
    run: Run
    baseline: Run | None
    values: dict[str, float]
    answer: str | None

    @property
    def provenance(self) -> str:
        """Where the numbers come from (English; the UI translates its parts)."""
        return f"model output · scenario {self.run.scenario} · seed {self.seed}"


def compute(lesson: Lesson, seed: int | None = None, try_id: str | None = None) -> Result:
    """Run the lesson (and its baseline) on a seed, compute the reveal; cached per process."""
    seed = lesson.spec.seed if seed is None else int(seed)
    key = (str(lesson.folder), try_id, seed)
    with _lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
            return hit
        building = _building.setdefault(key, threading.Lock())
    with building:  # two browsers asking at once build it once
        with _lock:
            hit = _cache.get(key)
        if hit is not None:
            return hit
        result = _compute(lesson, seed, try_id)
        with _lock:
            _cache[key] = result
            _building.pop(key, None)
            while len(_cache) > CACHE_SIZE:
                _cache.popitem(last=False)
        return result


def _compute(lesson: Lesson, seed: int, try_id: str | None) -> Result:
    run = run_scenario(scenario_for(lesson, try_id, baseline=False), seed)
    base = None
    if lesson.spec.reveal.baseline is not None:
        base = run_scenario(scenario_for(lesson, try_id, baseline=True), seed)
    measure = MEASURES[lesson.spec.reveal.measure]
    values = {k: float(v) for k, v in measure.compute(run, base, lesson.args).items()}
    return Result(lesson.id, try_id, seed, run, base, values, lesson.answer(values))


class _Formatter(string.Formatter):
    def __init__(self, lang: str) -> None:
        self.lang = lang

    def format_field(self, value: Any, format_spec: str) -> str:
        if isinstance(value, float) and math.isinf(value):
            return "从未" if self.lang == "zh" else "never"
        return super().format_field(value, format_spec)


def reveal_text(lesson: Lesson, values: dict[str, float], lang: str) -> str:
    """The lesson's reveal text with this run's numbers filled in."""
    return _Formatter(lang).format(lesson.text("reveal", lang), **values)


def view_frame(lesson: Lesson, result: Result, lang: str) -> pd.DataFrame:
    """The highlighted view's data, tidy: ``year, series, value, run`` (run or baseline).

    ``run`` is ``"run"`` for the lesson's run and ``"baseline"`` for the comparison; the
    series labels are in the language asked for.
    """
    from tradetiers.ui.i18n import tier_label

    v = lesson.spec.view
    parts = []
    runs = [("run", result.run)]
    if v.baseline and result.baseline is not None:
        runs.append(("baseline", result.baseline))
    suffix = (
        {"run": "", "baseline": f" ({lesson.text('baseline', lang)})"}
        if len(runs) > 1
        else {"run": "", "baseline": ""}
    )
    scale = 100.0 if v.percent else 1.0
    for tag, r in runs:
        if v.kind == "world_series":
            wf = r.world
            for col in v.columns:
                label = lesson.text(f"label.{col}", lang) + suffix[tag]
                parts.append(
                    pd.DataFrame(
                        {"year": wf["year"], "series": label, "value": scale * wf[col], "run": tag}
                    )
                )
        elif v.kind == "country_series":
            cf = r.countries
            codes = v.countries
            if tag == "baseline" and v.baseline_countries is not None:
                codes = v.baseline_countries
            for code in codes:
                rows = cf[cf["country"] == code]
                name = country_name(code, str(rows["name"].iloc[0]) if len(rows) else code, lang)
                for col in v.columns:
                    label = (
                        name
                        if len(v.columns) == 1
                        else (
                            lesson.text(f"label.{col}", lang)
                            if len(v.countries) == 1
                            else f"{name} · {lesson.text(f'label.{col}', lang)}"
                        )
                    )
                    parts.append(
                        pd.DataFrame(
                            {
                                "year": rows["year"],
                                "series": label + suffix[tag],
                                "value": scale * rows[col],
                                "run": tag,
                            }
                        )
                    )
        else:  # tier_buyers: who buys the exporter tier's goods, share by buyer tier
            shares = tier_buyer_shares(r, v.exporter_tier, v.goods)
            for tier in shares.columns:
                label = tier_label(int(tier), lang) + suffix[tag]
                parts.append(
                    pd.DataFrame(
                        {
                            "year": shares.index,
                            "series": label,
                            "value": 100.0 * shares[tier].to_numpy(),
                            "run": tag,
                        }
                    )
                )
    out = (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame(columns=["year", "series", "value", "run"])
    )
    out["year"] = out["year"].astype(int)
    # the series' name without the baseline's suffix: a run and its baseline share a colour
    tail = suffix["baseline"]
    out["group"] = [x[: -len(tail)] if tail and x.endswith(tail) else x for x in out["series"]]
    return out


def tier_buyer_shares(run: Run, exporter_tier: int, goods: list[str]) -> pd.DataFrame:
    """Per year, the share of the exporter tier's cross-border sales bought by each tier."""
    table = tier_sales(run, exporter_tier, goods)
    table = table.div(table.sum(axis=1).where(lambda s: s > 0, 1.0), axis=0)
    return table.loc[:, (table > 0).any()]

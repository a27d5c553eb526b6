"""Vega-Lite specs (built with Altair) of the charts the app shows on screen.

The browser draws these (:class:`tradetiers.ui.livevega.LiveVega`, which swaps a chart's
data in place), so a step costs the server a small JSON payload instead of a rendered
image, and every mark has a hover tooltip. The PNG downloads are drawn on demand by
:mod:`tradetiers.ui.charts` (matplotlib), only when a user asks for one.

Each function is pure: frames in, a spec (a dict) out. Building a spec with Altair costs
tens of milliseconds, so each chart's *shape* (its layers, encodings, language) is built
once and cached, with its data as named datasets; a step only fills in this year's rows
(``datasets``). Templates are built without schema validation (the tests validate them).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from tradetiers.ui.charts import TIER_COLOURS
from tradetiers.ui.fonts import vega_config
from tradetiers.ui.i18n import tier_label, tr
from tradetiers.ui.session import Mark

Spec = dict[str, Any]

WIDTH, HEIGHT = 360, 220
MARK_COLOUR = "#6a1b9a"
#: the model's own events (a reserve run, a hand-over...) and thresholds
EVENT_COLOUR = "#b71c1c"
#: the name of the layer of rings around countries whose tier changed this year; the
#: World page animates ``.tt_flash_marks`` with CSS so the rings flash
FLASH = "tt_flash"


#: vega-embed options carried in the spec: SVG (so CSS can animate marks, and the tests
#: can find them), no action menu (its links need the internet)
EMBED = {"embedOptions": {"renderer": "svg", "actions": False}}


def spec(chart: alt.TopLevelMixin, lang: str = "en") -> Spec:
    """The chart's Vega-Lite spec without schema validation (fast).

    In Chinese its text uses the packaged CJK font the page declares (:mod:`.fonts`).
    """
    out = chart.to_dict(validate=False)
    out["usermeta"] = EMBED
    font = vega_config(lang)
    if font:
        out["config"] = {**out.get("config", {}), **font}
    return out


Rows = list[dict[str, Any]]


def column(values: Any) -> list[Any]:
    """A column as JSON-safe Python values: floats rounded to 6 decimals, NaN/inf as None."""
    a = np.asarray(values)
    if a.dtype.kind == "f":
        a = np.round(a, 6)
        finite = np.isfinite(a)
        out = a.tolist()
        if not finite.all():
            for i in np.flatnonzero(~finite):
                out[i] = None
        return out
    if a.dtype.kind in "iub":
        return a.tolist()
    return [None if v is None or (isinstance(v, float) and not np.isfinite(v)) else v for v in a]


def records(df: pd.DataFrame) -> Rows:
    """Rows as JSON-safe dicts (numpy types and NaN converted, as ``to_json`` gives them).

    Built from the columns directly, without the round trip through a JSON string.
    """
    names = [str(c) for c in df.columns]
    cols = [column(df[c].to_numpy()) for c in df.columns]
    return [dict(zip(names, row, strict=True)) for row in zip(*cols, strict=True)]


def fill(template: Spec, title: str | None = None, **data: pd.DataFrame | Rows) -> Spec:
    """A cached template with this step's named datasets (and title) filled in."""
    out = dict(template)
    out["datasets"] = {
        name: df if isinstance(df, list) else records(df) for name, df in data.items()
    }
    if title is not None:
        out["title"] = title
    return out


def _data(name: str) -> alt.NamedData:
    return alt.NamedData(name=name)


def _empty(text: str, lang: str = "en") -> Spec:
    return spec(
        alt.Chart(pd.DataFrame({"t": [text]}))
        .mark_text(color="#777")
        .encode(text="t:N")
        .properties(width=WIDTH, height=60),
        lang,
    )


def _tier_scale(lang: str, tiers: Sequence[int] = (1, 2, 3, 4)) -> alt.Scale:
    return alt.Scale(
        domain=[tier_label(t, lang) for t in tiers], range=[TIER_COLOURS[t] for t in tiers]
    )


def _marks_layer(lang: str, dataset: str = "marks") -> list[alt.Chart]:
    """Vertical rules at marks, with their text and a tooltip.

    Lever changes (dataset ``marks``) are dashed, text at the top; the model's own events
    (``events``) are dotted red, text at the bottom. Labels of marks in the same year sit
    side by side (``off``, see :func:`mark_rows`).
    """
    lever = dataset == "marks"
    colour = MARK_COLOUR if lever else EVENT_COLOUR
    base = alt.Chart(_data(dataset))
    tooltip = [
        alt.Tooltip("when:Q", title=tr("year", lang)),
        alt.Tooltip("change:N", title=tr("marked" if lever else "events_marked", lang)),
    ]
    rule = base.mark_rule(
        color=colour, strokeDash=[4, 3] if lever else [1, 2], strokeWidth=1.2 if lever else 1.6
    ).encode(
        x="year:Q",
        # a mark of a later year has only its label (→year) at the axis's end, no rule
        strokeOpacity=alt.condition(alt.datum.when > alt.datum.year, alt.value(0), alt.value(1)),
        tooltip=tooltip,
    )
    # the text is turned 270°, so its dy moves it sideways (left for negative values)
    text = base.mark_text(
        color=colour,
        angle=270,
        align="right" if lever else "left",
        baseline="bottom",
        dy=alt.ExprRef(expr="datum.off"),
        fontSize=9,
    ).encode(x="year:Q", y=alt.value(2 if lever else HEIGHT - 2), text="label:N", tooltip=tooltip)
    return [rule, text]


#: the sideways step between the labels of marks drawn in the same year (pixels)
MARK_LABEL_STEP = 11


def mark_rows(marks: Sequence[Mark], last_year: int | None = None) -> Rows:
    """The rows of a marks dataset, with their labels placed.

    Each row: ``year`` (where drawn), ``when`` (when it acts), ``change``, ``label`` and
    ``off`` (the label's sideways offset).
    Marks of the same year get labels side by side instead of on top of each other. A
    mark after ``last_year`` (a lever that acts next year, the end of a rate path) does
    not stretch the time axis into the future: it is drawn at ``last_year``, its label
    saying when it acts (``→2035 rate path ends``).
    """
    seen: set[tuple[int, str]] = set()
    slots: dict[int, int] = {}
    out: Rows = []
    for m in marks:
        if (m.year, m.text) in seen:
            continue
        seen.add((m.year, m.text))
        later = last_year is not None and m.year > last_year
        year = last_year if later else m.year
        slot = slots.get(year, 0)  # type: ignore[arg-type]
        slots[year] = slot + 1  # type: ignore[index]
        out.append(
            {
                "year": year,
                "when": m.year,
                "change": m.text,
                "label": f"→{m.year} {m.text}" if later else m.text,
                "off": -2 - MARK_LABEL_STEP * slot,
            }
        )
    return out


def _threshold_layer(lang: str) -> list[alt.Chart]:
    """A horizontal rule at a threshold (dataset ``threshold``: ``value``, ``label``)."""
    base = alt.Chart(_data("threshold"))
    rule = base.mark_rule(color=EVENT_COLOUR, strokeWidth=1.2).encode(
        y="value:Q", tooltip=[alt.Tooltip("label:N", title=""), alt.Tooltip("value:Q")]
    )
    text = base.mark_text(
        color=EVENT_COLOUR, align="left", baseline="bottom", dx=2, dy=-2, fontSize=9
    ).encode(x=alt.value(0), y="value:Q", text="label:N")
    return [rule, text]


@functools.lru_cache(maxsize=256)
def _time_series_template(
    percent: bool, points: bool, lang: str, events: bool = False, threshold: bool = False
) -> Spec:
    lines = (
        alt.Chart(_data("main"))
        .mark_line(point=points, strokeWidth=1.8)
        .encode(
            x=alt.X("year:Q", title=tr("year", lang), axis=alt.Axis(format="d")),
            y=alt.Y("value:Q", title="%" if percent else ""),
            color=alt.Color("series:N", title=None, sort=None, legend=alt.Legend(orient="bottom")),
            tooltip=[
                alt.Tooltip("year:Q", title=tr("year", lang)),
                alt.Tooltip("series:N", title=""),
                alt.Tooltip("value:Q", format=".3~g"),
            ],
        )
    )
    layers = [lines, *_marks_layer(lang)]
    if events:
        layers += _marks_layer(lang, "events")
    if threshold:
        layers += _threshold_layer(lang)
    return spec(alt.layer(*layers).properties(width=WIDTH, height=HEIGHT), lang)


def time_series(
    df: pd.DataFrame,
    columns: dict[str, str],
    title: str,
    marks: Sequence[Mark] = (),
    lang: str = "en",
    percent: bool = False,
    events: Sequence[Mark] | None = None,
    threshold: tuple[float, str] | None = None,
) -> Spec:
    """Lines over ``year`` for the given columns ({column: legend label}), lever marks drawn.

    Args:
        df: ``year`` and the columns.
        columns: {column: legend label}.
        title: the chart's title (the card above the chart carries it).
        marks: lever changes (dashed).
        lang: language.
        percent: show shares as percent.
        events: the model's own events to mark (dotted), e.g. a reserve run.
        threshold: (value, label) of a horizontal rule, in the columns' own units.
    """
    cols = [c for c in columns if c in df]
    if df.empty or not cols:
        return _empty(tr("no_years_yet", lang), lang)
    years = column(df["year"].to_numpy())
    main: Rows = []
    for c in cols:
        values = df[c].to_numpy(float) * (100 if percent else 1)
        label = columns[c]
        main += [
            {"year": y, "series": label, "value": v}
            for y, v in zip(years, column(values), strict=True)
        ]
    template = _time_series_template(
        percent, len(df) < 40, lang, events is not None, threshold is not None
    )
    del title  # the card above the chart carries it (the PNG draws it)
    last = max(years)
    data: dict[str, Rows] = {"main": main, "marks": mark_rows(marks, last)}
    if events is not None:
        data["events"] = mark_rows(events, last)
    if threshold is not None:
        scale = 100 if percent else 1
        data["threshold"] = [{"value": threshold[0] * scale, "label": threshold[1]}]
    return fill(template, **data)


@functools.lru_cache(maxsize=16)
def _tier_template(lang: str) -> Spec:
    area = (
        alt.Chart(_data("main"))
        .mark_area(opacity=0.85)
        .encode(
            x=alt.X("year:Q", title=tr("year", lang), axis=alt.Axis(format="d")),
            y=alt.Y("countries:Q", stack="zero", title=""),
            color=alt.Color(
                "tier:N", scale=_tier_scale(lang), title=None, legend=alt.Legend(orient="bottom")
            ),
            order=alt.Order("col:N"),
            tooltip=["year:Q", "tier:N", "countries:Q"],
        )
    )
    chart = alt.layer(area, *_marks_layer(lang))
    return spec(chart.properties(width=WIDTH, height=HEIGHT), lang)


def tier_series(world: pd.DataFrame, marks: Sequence[Mark], lang: str) -> Spec:
    """Countries per tier over time (stacked areas), lever marks drawn."""
    cols = [f"countries_tier_{t}" for t in (1, 2, 3, 4) if f"countries_tier_{t}" in world]
    if world.empty or not cols:
        return _empty(tr("no_years_yet", lang), lang)
    years = column(world["year"].to_numpy())
    main: Rows = []
    for c in cols:
        tier = tier_label(int(c[-1]), lang)
        main += [
            {"year": y, "col": c, "countries": n, "tier": tier}
            for y, n in zip(years, column(world[c].to_numpy()), strict=True)
        ]
    return fill(_tier_template(lang), main=main, marks=mark_rows(marks, max(years)))


@functools.lru_cache(maxsize=64)
def _network_template(lang: str, domain: tuple[float, float, float, float], labels: bool) -> Spec:
    t = lambda k: tr(k, lang)  # noqa: E731
    xs = alt.Scale(domain=[domain[0], domain[1]], nice=False)
    ys = alt.Scale(domain=[domain[2], domain[3]], nice=False)
    x = alt.X("lon:Q", scale=xs, axis=None)
    y = alt.Y("lat:Q", scale=ys, axis=None)
    edges = (
        alt.Chart(_data("edges"))
        .mark_rule(color="#607d8b")
        .encode(
            x=alt.X("x:Q", scale=xs, axis=None),
            y=alt.Y("y:Q", scale=ys, axis=None),
            x2="x2:Q",
            y2="y2:Q",
            strokeWidth=alt.StrokeWidth("w:Q", scale=None),
            opacity=alt.Opacity("o:Q", scale=None),
            tooltip=[alt.Tooltip("pair:N", title=""), alt.Tooltip("value:Q", format=".3~g")],
        )
    )
    cut = (
        alt.Chart(_data("cut"))
        .mark_rule(color="#c62828", strokeDash=[5, 4], strokeWidth=1.5)
        .encode(
            x=alt.X("x:Q", scale=xs, axis=None),
            y=alt.Y("y:Q", scale=ys, axis=None),
            x2="x2:Q",
            y2="y2:Q",
            tooltip=[alt.Tooltip("pair:N", title=t("cut_link"))],
        )
    )
    tooltip = [
        alt.Tooltip("name:N", title=t("country")),
        alt.Tooltip("code:N", title=""),
        alt.Tooltip("tier_name:N", title=t("tier")),
        alt.Tooltip("gdp:Q", title=t("gdp"), format=".4~g"),
        alt.Tooltip("population:Q", title=t("population"), format=".4~g"),
        alt.Tooltip("top_exports:N", title=t("top_exports")),
        alt.Tooltip("capability:N", title=t("capability")),
    ]
    nodes = (
        alt.Chart(_data("nodes"))
        .mark_circle(opacity=0.95, stroke="white", strokeWidth=1)
        .encode(
            x=x,
            y=y,
            size=alt.Size("size:Q", scale=None, legend=None),
            color=alt.Color(
                "tier_name:N",
                scale=_tier_scale(lang),
                title=None,
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=tooltip,
        )
    )
    flash = (
        alt.Chart(_data("flash"), name=FLASH)
        .mark_circle(fill=None, stroke="#ffd600", strokeWidth=5)
        .encode(x=x, y=y, size=alt.Size("size:Q", scale=None, legend=None), tooltip=tooltip)
    )
    layers = [edges, cut, nodes, flash]
    if labels:
        layers.append(
            alt.Chart(_data("nodes"))
            .mark_text(color="white", fontWeight="bold", fontSize=9)
            .encode(x=x, y=y, text="code:N", tooltip=tooltip)
        )
    chart = alt.layer(*layers).properties(width=640, height=340)
    return spec(chart.configure_view(stroke=None), lang)


def network(nodes: pd.DataFrame, edges: pd.DataFrame, lang: str, max_edges: int = 400) -> Spec:
    """The trade network: nodes at the scenario's coordinates, coloured by tier, sized by GDP.

    Hovering a node shows its card (tooltip); countries whose tier changed in the latest
    year get a ring (layer :data:`FLASH`) that the World page makes flash.

    Args:
        nodes: one row per country (``code``, ``name``, ``tier``, ``gdp``, ``population``,
            ``top_exports``, ``capability``, ``lon``, ``lat``, ``changed``).
        edges: ``x``, ``y``, ``x2``, ``y2``, ``value``, ``cut``, ``pair`` per linked pair.
        lang: language.
        max_edges: draw only the largest flows (a big world stays light in the browser).
    """
    lon, lat = nodes["lon"].to_numpy(float), nodes["lat"].to_numpy(float)
    pad_x = max(1.0, 0.08 * float(np.ptp(lon))) if len(lon) else 1.0
    pad_y = max(1.0, 0.08 * float(np.ptp(lat))) if len(lat) else 1.0
    domain = (
        (
            float(lon.min() - pad_x),
            float(lon.max() + pad_x),
            float(lat.min() - pad_y),
            float(lat.max() + pad_y),
        )
        if len(lon)
        else (0.0, 1.0, 0.0, 1.0)
    )
    gdp = nodes["gdp"].to_numpy(float)
    top_gdp = float(gdp.max()) if len(gdp) else 0.0
    node_cols = {c: column(nodes[c].to_numpy()) for c in _NODE if c in nodes}
    node_cols["tier_name"] = [tier_label(int(k), lang) for k in nodes["tier"].to_numpy()]
    node_cols["size"] = column(80 + 1600 * gdp / (top_gdp if top_gdp > 0 else 1.0))
    names = list(node_cols)
    node_rows = [
        dict(zip(names, row, strict=True)) for row in zip(*node_cols.values(), strict=True)
    ]
    changed = np.flatnonzero(nodes["changed"].to_numpy(bool))
    flash = [{k: node_rows[i][k] for k in ("lon", "lat", "size", *_CARD)} for i in changed]

    cut = edges["cut"].to_numpy(bool)
    value = edges["value"].to_numpy(float)
    live = np.flatnonzero(~cut)
    if len(live) > max_edges:
        live = live[np.argsort(-value[live], kind="stable")[:max_edges]]
    top = float(value[live].max()) if len(live) else 0.0
    top = top if top > 0 else 1.0
    ecols = {c: edges[c].to_numpy() for c in ("x", "y", "x2", "y2", "value", "pair")}

    def edge_rows(idx: np.ndarray, extra: dict[str, np.ndarray]) -> Rows:
        cols = {c: column(ecols[c][idx]) for c in ("x", "y", "x2", "y2", "value", "pair")}
        cols.update({k: column(v) for k, v in extra.items()})
        keys = list(cols)
        return [dict(zip(keys, row, strict=True)) for row in zip(*cols.values(), strict=True)]

    live_v = value[live]
    return fill(
        _network_template(lang, domain, len(nodes) <= 40),
        nodes=node_rows,
        flash=flash,
        edges=edge_rows(live, {"w": 0.4 + 6 * live_v / top, "o": 0.2 + 0.6 * live_v / top}),
        cut=edge_rows(np.flatnonzero(cut), {}),
    )


#: the node columns the network sends (its position and card)
_NODE = ["code", "name", "tier", "gdp", "population", "top_exports", "capability", "lon", "lat"]
_CARD = ["name", "code", "tier_name", "gdp", "population", "top_exports", "capability"]


@functools.lru_cache(maxsize=64)
def _heatmap_template(rows: tuple[str, ...], cols: tuple[str, ...], lang: str, text: bool) -> Spec:
    base = alt.Chart(_data("main")).encode(
        x=alt.X("rung:N", sort=list(cols), title=None, axis=alt.Axis(labelAngle=-30)),
        y=alt.Y("country:N", sort=list(rows), title=None),
    )
    rect = base.mark_rect().encode(
        color=alt.Color("value:Q", scale=alt.Scale(scheme="viridis", domain=[0, 1]), title=""),
        tooltip=[
            "country:N",
            "rung:N",
            alt.Tooltip("value:Q", format=".3f", title=tr("relative_to_frontier", lang)),
            alt.Tooltip("mastered:N", title=tr("mastered_in", lang)),
        ],
    )
    layers = [rect]
    if text:
        layers.append(
            base.mark_text(fontSize=9).encode(
                text="label:N",
                color=alt.condition(alt.datum.value < 0.6, alt.value("white"), alt.value("black")),
            )
        )
    height = max(120, 22 * len(rows))
    return spec(alt.layer(*layers).properties(width=520, height=height), lang)


def heatmap(
    matrix: np.ndarray,
    rows: Sequence[str],
    cols: Sequence[str],
    title: str,
    lang: str,
    mastered: np.ndarray | None = None,
) -> Spec:
    """Countries × rungs heatmap of capability relative to the frontier (0–1), mastery years."""
    r, c = np.meshgrid(np.arange(len(rows)), np.arange(len(cols)), indexing="ij")
    df = pd.DataFrame(
        {
            "country": np.asarray(rows, dtype=object)[r.ravel()],
            "rung": np.asarray(cols, dtype=object)[c.ravel()],
            "value": matrix.ravel(),
        }
    )
    m = mastered.ravel() if mastered is not None else np.full(df.shape[0], np.nan)
    df["mastered"] = [str(int(v)) if np.isfinite(v) else "" for v in m]
    df["label"] = [
        f"{v:.2f}" + (f" ★{y}" if y else "")
        for v, y in zip(df["value"], df["mastered"], strict=True)
    ]
    template = _heatmap_template(tuple(rows), tuple(cols), lang, len(rows) <= 30)
    return fill(template, title, main=df)


@functools.lru_cache(maxsize=128)
def _bubbles_template(
    x: str, y: str, size: str, colour: str, trails: bool, labels: bool, lang: str
) -> Spec:
    sx = alt.Scale(zero=False)
    sy = alt.Scale(zero=False)
    layers: list[alt.Chart] = []
    if trails:
        layers.append(
            alt.Chart(_data("past"))
            .mark_line(color="#90a4ae", strokeWidth=1, opacity=0.7)
            .encode(
                x=alt.X(f"{x}:Q", scale=sx),
                y=alt.Y(f"{y}:Q", scale=sy),
                detail="country:N",
                order="year:Q",
            )
        )
    if colour == "tier":
        col = alt.Color("tier_name:N", scale=_tier_scale(lang), title=None)
    else:
        col = alt.Color(f"{colour}:Q", scale=alt.Scale(scheme="plasma"), title=colour)
    layers.append(
        alt.Chart(_data("now"))
        .mark_circle(opacity=0.8, stroke="white")
        .encode(
            x=alt.X(f"{x}:Q", scale=sx, title=x),
            y=alt.Y(f"{y}:Q", scale=sy, title=y),
            size=alt.Size(f"{size}:Q", scale=alt.Scale(range=[30, 1500]), title=size),
            color=col,
            tooltip=["name:N", "country:N", f"{x}:Q", f"{y}:Q", f"{size}:Q", f"{colour}:Q"],
        )
    )
    if labels:
        layers.append(
            alt.Chart(_data("now"))
            .mark_text(dy=-10, fontSize=9)
            .encode(x=f"{x}:Q", y=f"{y}:Q", text="country:N")
        )
    return spec(alt.layer(*layers).properties(width=600, height=360), lang)


def bubbles(
    countries: pd.DataFrame,
    x: str,
    y: str,
    size: str,
    colour: str,
    year: int,
    trails: bool,
    lang: str,
) -> Spec:
    """Gapminder-style scatter of countries in one year, with optional trails."""
    now = countries[countries["year"] == year]
    if now.empty:
        return _empty(tr("no_years_yet", lang), lang)
    cols = list(dict.fromkeys(["year", "country", "name", "tier", x, y, size, colour]))
    now = now[cols].assign(tier_name=[tier_label(int(k), lang) for k in now["tier"]])
    data = {"now": now}
    if trails:
        data["past"] = countries.loc[countries["year"] <= year, ["year", "country", x, y]]
    template = _bubbles_template(x, y, size, colour, trails, len(now) <= 40, lang)
    return fill(template, f"{tr('bubbles_title', lang)} · {year}", **data)

"""Matplotlib figures of the app's charts: pure functions of the run's frames.

Each function takes frames (and the lever marks) and returns a ``Figure`` that the
page shows and offers as PNG. Columns are checked before use: a chart whose columns
are absent is not drawn (the page says which mechanism brings it).
"""

from __future__ import annotations

import functools
import io
from collections.abc import Sequence

import matplotlib
import networkx as nx
import numpy as np
import pandas as pd
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from tradetiers.ui.fonts import packaged_font
from tradetiers.ui.i18n import tier_label, tr
from tradetiers.ui.session import Mark

TIER_COLOURS = {0: "#9e9e9e", 1: "#c62828", 2: "#1565c0", 3: "#ef6c00", 4: "#2e7d32"}
_CJK_FONTS = [
    "Noto Sans SC",
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Droid Sans Fallback",
]


def _register_packaged_fonts() -> None:
    """Add the CJK font shipped by a pip package to matplotlib's font list (offline)."""
    found = packaged_font()  # the ``ui`` extra installs pylopdf-fonts-zh-cn
    if found is not None:
        font_manager.fontManager.addfont(str(found[1]))


@functools.cache
def _cjk_font() -> str | None:
    """The first CJK font matplotlib can use: installed system fonts, then packaged ones."""
    names = {f.name for f in font_manager.fontManager.ttflist}
    found = next((f for f in _CJK_FONTS if f in names), None)
    if found is None:
        _register_packaged_fonts()
        names = {f.name for f in font_manager.fontManager.ttflist}
        found = next((f for f in _CJK_FONTS if f in names), None)
    return found


def figure_lang(lang: str) -> str:
    """The language for text inside figures: Chinese only if a CJK font is installed."""
    return lang if lang != "zh" or _cjk_font() else "en"


def _fig(width: float = 6.4, height: float = 3.4, lang: str = "en") -> tuple[Figure, Axes]:
    cjk = _cjk_font() if lang == "zh" else None
    matplotlib.rcParams["font.sans-serif"] = [cjk, "DejaVu Sans"] if cjk else ["DejaVu Sans"]
    fig = Figure(figsize=(width, height), dpi=90, layout="constrained")
    return fig, fig.add_subplot()


def png(fig: Figure) -> bytes:
    """The figure as PNG bytes (for downloads)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    return buf.getvalue()


def mark_events(ax: Axes, marks: Sequence[Mark], label: str, model_events: bool = False) -> None:
    """Draw each lever change as a dashed vertical line at the first year it acts in.

    With ``model_events`` the marks are the model's own events: dotted red, text below.
    """
    colour = "#b71c1c" if model_events else "#6a1b9a"
    for k, m in enumerate(marks):
        ls = ":" if model_events else "--"
        ax.axvline(m.year, color=colour, ls=ls, lw=1, label=label if k == 0 else None)
        ax.annotate(
            m.text,
            (m.year, 0 if model_events else 1),
            xycoords=("data", "axes fraction"),
            rotation=90,
            va="bottom" if model_events else "top",
            ha="right",
            fontsize=7,
            color=colour,
        )


def time_series(
    df: pd.DataFrame,
    columns: dict[str, str],
    title: str,
    marks: Sequence[Mark] = (),
    lang: str = "en",
    percent: bool = False,
    events: Sequence[Mark] | None = None,
    threshold: tuple[float, str] | None = None,
) -> Figure:
    """Lines over ``year`` for the given columns ({column: legend label}), lever marks drawn.

    ``events`` (the model's own, dotted) and a ``threshold`` (value, label) as in
    :func:`tradetiers.ui.vega.time_series`.
    """
    lang = figure_lang(lang)
    fig, ax = _fig(lang=lang)
    scale = 100 if percent else 1
    for col, label in columns.items():
        if col in df:
            ax.plot(df["year"], df[col] * scale, label=label, lw=1.6)
    mark_events(ax, marks, tr("marked", lang))
    mark_events(ax, events or (), tr("events_marked", lang), model_events=True)
    if threshold is not None:
        ax.axhline(threshold[0] * scale, color="#b71c1c", lw=1, label=threshold[1])
    ax.set_title(title, fontsize=10)
    ax.set_xlabel(tr("year", lang))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    if percent:
        ax.set_ylabel("%")
    ax.grid(alpha=0.3)
    if columns:
        ax.legend(fontsize=7, ncol=2)
    return fig


def tier_series(world: pd.DataFrame, marks: Sequence[Mark], lang: str) -> Figure:
    """Countries per tier over time (stacked)."""
    lang = figure_lang(lang)
    fig, ax = _fig(lang=lang)
    cols = [f"countries_tier_{t}" for t in (1, 2, 3, 4) if f"countries_tier_{t}" in world]
    ax.stackplot(
        world["year"],
        [world[c] for c in cols],
        labels=[tier_label(int(c[-1]), lang) for c in cols],
        colors=[TIER_COLOURS[int(c[-1])] for c in cols],
        alpha=0.85,
    )
    mark_events(ax, marks, tr("marked", lang))
    ax.set_title(tr("tier_counts", lang), fontsize=10)
    ax.set_xlabel(tr("year", lang))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(fontsize=7, loc="upper left")
    return fig


def network(
    countries: pd.DataFrame,
    trade: pd.DataFrame,
    graph: nx.Graph,
    codes: Sequence[str],
    lon: np.ndarray,
    lat: np.ndarray,
    lang: str,
) -> Figure:
    """The trade network at the latest year, nodes at the scenario's coordinates (stable)."""
    lang = figure_lang(lang)
    fig, ax = _fig(7.2, 4.0, lang)
    pos = {i: (float(lon[i]), float(lat[i])) for i in range(len(codes))}
    last = countries[countries["year"] == countries["year"].max()] if len(countries) else None
    gdp = np.ones(len(codes))
    tier = np.zeros(len(codes), dtype=int)
    if last is not None:
        gdp = last["gdp"].to_numpy(float)
        tier = last["tier"].to_numpy(int)
    idx = {c: i for i, c in enumerate(codes)}
    flows: dict[tuple[int, int], float] = {}
    if len(trade):
        t = trade[trade["year"] == trade["year"].max()]
        pair = t.groupby(["exporter", "importer"])["value"].sum()
        for (e, i), v in pair.items():
            a, b = sorted((idx[e], idx[i]))
            flows[(a, b)] = flows.get((a, b), 0.0) + float(v)
    top = max(flows.values(), default=1.0) or 1.0
    for a, b in graph.edges():
        if a == b:
            continue
        v = flows.get((min(a, b), max(a, b)), 0.0)
        (x0, y0), (x1, y1) = pos[a], pos[b]
        ax.plot(
            [x0, x1],
            [y0, y1],
            color="#607d8b",
            lw=0.3 + 5 * v / top,
            alpha=0.25 + 0.6 * v / top,
            zorder=1,
        )
    size = 60 + 1400 * gdp / max(gdp.max(), 1e-12)
    ax.scatter(
        lon,
        lat,
        s=size,
        c=[TIER_COLOURS.get(int(k), "#9e9e9e") for k in tier],
        edgecolors="white",
        linewidths=1,
        zorder=2,
    )
    if len(codes) <= 40:
        for i, c in enumerate(codes):
            ax.annotate(
                c,
                pos[i],
                ha="center",
                va="center",
                fontsize=7,
                color="white",
                weight="bold",
                zorder=3,
            )
    for t in sorted(set(TIER_COLOURS) - {0}):
        ax.scatter([], [], c=TIER_COLOURS[t], label=tier_label(t, lang), s=40)
    ax.legend(fontsize=7, loc="lower left")
    ax.set_title(tr("network_title", lang), fontsize=10)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.margins(0.08)
    return fig


def heatmap(
    matrix: np.ndarray,
    rows: Sequence[str],
    cols: Sequence[str],
    title: str,
    lang: str,
    mastered: np.ndarray | None = None,
) -> Figure:
    """Countries × rungs heatmap of capability relative to the frontier (0–1)."""
    lang = figure_lang(lang)
    fig, ax = _fig(6.4, 0.6 + 0.32 * len(rows) + 1.2, lang)
    im = ax.imshow(matrix, cmap="viridis", vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(range(len(cols)), cols, rotation=30, ha="right", fontsize=8)
    ax.set_yticks(range(len(rows)), rows, fontsize=8)
    if len(rows) <= 30:
        for i in range(len(rows)):
            for j in range(len(cols)):
                text = f"{matrix[i, j]:.2f}"
                if mastered is not None and np.isfinite(mastered[i, j]):
                    text += f"\n★{int(mastered[i, j])}"
                ax.text(
                    j,
                    i,
                    text,
                    ha="center",
                    va="center",
                    fontsize=6,
                    color="white" if matrix[i, j] < 0.6 else "black",
                )
    fig.colorbar(im, ax=ax, shrink=0.8)
    ax.set_title(title, fontsize=10)
    return fig


def bubbles(
    countries: pd.DataFrame,
    x: str,
    y: str,
    size: str,
    colour: str,
    year: int,
    trails: bool,
    lang: str,
) -> Figure:
    """Gapminder-style scatter of countries in one year, with optional trails."""
    lang = figure_lang(lang)
    fig, ax = _fig(6.4, 4.0, lang)
    now = countries[countries["year"] == year]
    if trails:
        past = countries[countries["year"] <= year]
        for _, g in past.groupby("country"):
            ax.plot(g[x], g[y], color="#90a4ae", lw=0.8, alpha=0.7, zorder=1)
    s = now[size].to_numpy(float)
    s = 30 + 900 * np.abs(s) / max(np.abs(s).max(), 1e-12) if s.size else s
    if colour == "tier":
        c = [TIER_COLOURS.get(int(k), "#9e9e9e") for k in now["tier"]]
        sc = ax.scatter(now[x], now[y], s=s, c=c, alpha=0.8, edgecolors="white", zorder=2)
    else:
        sc = ax.scatter(
            now[x],
            now[y],
            s=s,
            c=now[colour],
            cmap="plasma",
            alpha=0.8,
            edgecolors="white",
            zorder=2,
        )
        fig.colorbar(sc, ax=ax, label=colour, shrink=0.8)
    if len(now) <= 40:
        for _, r in now.iterrows():
            ax.annotate(r["country"], (r[x], r[y]), fontsize=7, ha="center", va="bottom")
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    ax.set_title(f"{tr('bubbles_title', lang)} · {year}", fontsize=10)
    ax.grid(alpha=0.3)
    return fig

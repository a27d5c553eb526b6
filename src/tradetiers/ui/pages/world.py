"""The World page: the trade network, world series, country card and event feed."""

from __future__ import annotations

from typing import Any

import solara

from tradetiers.ui import charts, vega
from tradetiers.ui.components.common import ChartCard, Provenance, use_app
from tradetiers.ui.i18n import tier_label

#: the rings around countries whose tier changed this year pulse a few times
FLASH_CSS = f"""
@keyframes tt-flash {{ 0% {{ opacity: 1; }} 50% {{ opacity: 0.1; }} 100% {{ opacity: 1; }} }}
.{vega.FLASH}_marks path {{ animation: tt-flash 0.7s ease-in-out 6; }}
.tt-tier-flash {{ animation: tt-flash 0.7s ease-in-out 4; }}
"""


@solara.component
def CountryCard(code: str) -> None:
    """A country's latest numbers (model output): tier, GDP, population, exports, capability."""
    app = use_app()
    app.world_version()  # re-render every year
    s = app.session
    assert s is not None
    nodes = s.nodes()
    rows = nodes[nodes["code"] == code]
    if rows.empty or s.last_year is None:
        return
    r = rows.iloc[0]
    cf = s.frames()["countries"]
    full = cf[(cf["year"] == s.last_year) & (cf["country"] == code)].iloc[0]
    lines = [
        f"**{r['name']} ({code})** · {app.t('tier')} {tier_label(int(r['tier']), app.lang)}\n",
        f"- {app.t('gdp')}: {r['gdp']:.1f}",
        f"- {app.t('population')}: {r['population']:.0f}",
        f"- {app.t('top_exports')}: {r['top_exports'] or '—'}",
        f"- {app.t('capability')}: {r['capability'] or '—'}",
        f"- {app.t('exports')}: {full['exports']:.1f} · {app.t('imports')}: {full['imports']:.1f}",
        f"- {app.t('manufacturing_share')}: {100 * full['manufacturing_share']:.1f}%",
    ]
    with solara.Card(app.t("country_card"), margin=1, classes=["tt-country-card"]):
        solara.Markdown("\n".join(lines))
        Provenance(s.provenance(app.lang))


@solara.component
def EventFeed() -> None:
    """The latest events; this year's tier changes are highlighted (and flash)."""
    app = use_app()
    app.world_version()
    s = app.session
    assert s is not None
    ev = s.frames()["events"]
    with solara.Card(app.t("event_feed"), margin=1, classes=["tt-events"]):
        if ev.empty:
            solara.Text(app.t("no_events"))
            return
        now = ev[(ev["kind"] == "tier_change") & (ev["year"] == s.last_year)]
        for _, e in now.iterrows():
            solara.Warning(
                f"{app.t('tier_changes_now')}: {e['message']}",
                dense=True,
                classes=["tt-tier-flash", "tt-tier-change"],
            )
        rows = ev.tail(20).iloc[::-1]
        solara.Markdown(
            "\n".join(f"- {e['year']} · {e['kind']} · {e['message']}" for _, e in rows.iterrows())
        )
        Provenance(s.provenance(app.lang))


@solara.component
def Page() -> None:
    """The World page."""
    app = use_app()
    v = app.world_version()  # re-render every year (and on each lever change)
    s = app.session
    code = solara.use_reactive("")
    if s is None:
        return
    solara.Title(f"tradetiers · {app.t('page_world')}")
    solara.Style(FLASH_CSS)
    prov = s.provenance(app.lang)
    f = s.frames()
    if f["world"].empty:
        solara.Info(app.t("no_years_yet"))
    m, lang = s.model, app.lang
    codes = list(m.state.codes)

    def hover(datum: Any) -> None:
        if isinstance(datum, dict) and datum.get("code") in codes:
            code.set(datum["code"])

    with solara.Columns([3, 1]):
        ChartCard(
            app.t("network_title"),
            lambda: vega.network(s.nodes(), s.edges(), lang),
            [v, lang, id(s)],
            f"{s.name}-s{s.seed}-network.png",
            prov,
            png=lambda: charts.network(
                f["countries"], f["trade"], m.graph, codes, m.state.lon, m.state.lat, lang
            ),
            on_hover=hover,
        )
        with solara.Column():
            solara.Text(app.t("hover_hint"), style={"font-size": "0.8em"})
            if code.value in codes and not f["countries"].empty:
                CountryCard(code.value)
    solara.Text(app.t("network_caption"), style={"font-size": "0.8em"})
    with solara.Row(style={"flex-wrap": "wrap", "align-items": "center"}):
        solara.Text(app.t("country_card") + ":")
        for c in codes[:40]:
            solara.Button(
                c,
                text=code.value != c,
                dense=True,
                on_click=lambda c=c: code.set(c),
                small=True,
                classes=[f"tt-card-{c}"],
            )
    world_cols = {"world_gdp": app.t("world_gdp"), "world_trade": app.t("world_trade")}
    with solara.Columns([1, 1]):
        ChartCard(
            app.t("world_series"),
            lambda: vega.time_series(f["world"], world_cols, app.t("world_series"), s.marks, lang),
            [v, lang, id(s)],
            f"{s.name}-s{s.seed}-world.png",
            prov,
            png=lambda: charts.time_series(
                f["world"],
                {"world_gdp": app.ft("world_gdp"), "world_trade": app.ft("world_trade")},
                app.ft("world_series"),
                s.marks,
                lang,
            ),
        )
        ChartCard(
            app.t("tier_counts"),
            lambda: vega.tier_series(f["world"], s.marks, lang),
            [v, lang, id(s)],
            f"{s.name}-s{s.seed}-tiers.png",
            prov,
            png=lambda: charts.tier_series(f["world"], s.marks, lang),
        )
    EventFeed()

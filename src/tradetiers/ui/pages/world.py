"""The World page: the trade network, world series, country card and event feed."""

from __future__ import annotations

import solara

from tradetiers.ui import charts
from tradetiers.ui.components.common import ChartCard, Provenance, use_app
from tradetiers.ui.i18n import tier_label


@solara.component
def CountryCard(code: str) -> None:
    """A country's latest numbers (model output)."""
    app = use_app()
    s = app.session
    assert s is not None
    cf = s.frames()["countries"]
    row = cf[(cf["year"] == cf["year"].max()) & (cf["country"] == code)]
    if row.empty:
        return
    r = row.iloc[0]
    lines = [
        f"**{r['name']} ({code})** · {app.t('tier')} {tier_label(int(r['tier']), app.lang)}",
        f"- {app.t('gdp')}: {r['gdp']:.1f}",
        f"- {app.t('exports')}: {r['exports']:.1f} · {app.t('imports')}: {r['imports']:.1f}",
        f"- {app.t('population')}: {r['population']:.0f}",
        f"- {app.t('manufacturing_share')}: {100 * r['manufacturing_share']:.1f}%",
    ]
    with solara.Card(app.t("country_card"), margin=1, classes=["tt-country-card"]):
        solara.Markdown("\n".join(lines))
        Provenance(s.provenance(app.lang))


@solara.component
def EventFeed() -> None:
    """The latest events; tier changes of the latest year are highlighted."""
    app = use_app()
    s = app.session
    assert s is not None
    ev = s.frames()["events"]
    with solara.Card(app.t("event_feed"), margin=1, classes=["tt-events"]):
        if ev.empty:
            solara.Text(app.t("no_events"))
            return
        now = ev[(ev["kind"] == "tier_change") & (ev["year"] == s.last_year)]
        for _, e in now.iterrows():
            solara.Warning(f"{app.t('tier_changes_now')}: {e['message']}", dense=True)
        rows = ev.tail(20).iloc[::-1]
        solara.Markdown(
            "\n".join(f"- {e['year']} · {e['kind']} · {e['message']}" for _, e in rows.iterrows())
        )
        Provenance(s.provenance(app.lang))


@solara.component
def Page() -> None:
    """The World page."""
    app = use_app()
    s = app.session
    code = solara.use_reactive("")
    if s is None:
        return
    solara.Title(f"tradetiers · {app.t('page_world')}")
    prov = s.provenance(app.lang)
    f = s.frames()
    if f["world"].empty:
        solara.Info(app.t("no_years_yet"))
    m, lang, v = s.model, app.lang, app.version
    ChartCard(
        app.t("network_title"),
        lambda: charts.network(
            f["countries"], f["trade"], m.graph, m.state.codes, m.state.lon, m.state.lat, lang
        ),
        [v, lang, id(s)],
        f"{s.name}-s{s.seed}-network.png",
        prov,
    )
    solara.Text(app.t("network_caption"), style={"font-size": "0.8em"})
    codes = list(m.state.codes)
    with solara.Row(style={"flex-wrap": "wrap", "align-items": "center"}):
        solara.Text(app.t("country_card") + ":")
        for c in codes[:40]:
            solara.Button(
                c, text=code.value != c, dense=True, on_click=lambda c=c: code.set(c), small=True
            )
    if code.value in codes and not f["countries"].empty:
        CountryCard(code.value)
    with solara.Columns([1, 1]):
        ChartCard(
            app.t("world_series"),
            lambda: charts.time_series(
                f["world"],
                {"world_gdp": app.ft("world_gdp"), "world_trade": app.ft("world_trade")},
                app.ft("world_series"),
                s.marks,
                lang,
            ),
            [v, lang, id(s)],
            f"{s.name}-s{s.seed}-world.png",
            prov,
        )
        ChartCard(
            app.t("tier_counts"),
            lambda: charts.tier_series(f["world"], s.marks, lang),
            [v, lang, id(s)],
            f"{s.name}-s{s.seed}-tiers.png",
            prov,
        )
    EventFeed()

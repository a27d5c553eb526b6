"""The Bubbles page: a Gapminder-style animated bubble chart of the countries."""

from __future__ import annotations

import threading

import pandas as pd
import solara

from tradetiers.ui import vega
from tradetiers.ui.components.common import ChartCard, use_app

#: preferred defaults for the axes, size and colour
DEFAULTS = ("gdp_per_capita", "manufacturing_share", "population", "tier")


def indicators(cf: pd.DataFrame) -> list[str]:
    """The numeric country columns a user can put on an axis."""
    skip = {"year"}
    return [c for c in cf.columns if c not in skip and pd.api.types.is_numeric_dtype(cf[c])]


@solara.component
def Page() -> None:
    """The Bubbles page."""
    app = use_app()
    v = app.world_version()  # re-render every year (and on each lever change)
    s = app.session
    x = solara.use_reactive(DEFAULTS[0])
    y = solara.use_reactive(DEFAULTS[1])
    size = solara.use_reactive(DEFAULTS[2])
    colour = solara.use_reactive(DEFAULTS[3])
    trails = solara.use_reactive(True)
    animate = solara.use_reactive(False)
    shown = solara.use_reactive(0)  # 0: follow the latest year
    cf = s.frames()["countries"] if s is not None else None
    years = sorted(int(yr) for yr in cf["year"].unique()) if cf is not None else []

    def play(cancel: threading.Event) -> None:
        if not animate.value:
            return
        for yr in years:
            if cancel.is_set() or not animate.value:
                return
            shown.set(yr)
            cancel.wait(0.4)
        animate.set(False)

    solara.use_thread(play, dependencies=[animate.value], intrusive_cancel=False)
    if s is None or cf is None:
        return
    solara.Title(f"tradetiers · {app.t('page_bubbles')}")
    if cf.empty:
        solara.Info(app.t("no_years_yet"))
        return
    year = shown.value if shown.value in years else years[-1]
    options = indicators(cf)
    with solara.Row(style={"flex-wrap": "wrap"}):
        solara.Select(app.t("x_axis"), values=options, value=x, classes=["tt-bubble-x"])
        solara.Select(app.t("y_axis"), values=options, value=y)
        solara.Select(app.t("size_by"), values=options, value=size)
        solara.Select(app.t("colour_by"), values=options, value=colour)
        solara.Checkbox(label=app.t("trails"), value=trails)
        solara.Button(
            app.t("pause") if animate.value else app.t("animate"),
            on_click=lambda: animate.set(not animate.value),
            icon_name="mdi-play",
            classes=["tt-bubble-play"],
        )
    if len(years) > 1:
        solara.SliderInt(
            app.t("bubble_year"),
            value=year,
            min=years[0],
            max=years[-1],
            on_value=shown.set,
        )
    ChartCard(
        app.t("bubbles_title"),
        lambda lib=vega: lib.bubbles(
            cf, x.value, y.value, size.value, colour.value, year, trails.value, app.lang
        ),
        [
            v,
            app.lang,
            id(s),
            x.value,
            y.value,
            size.value,
            colour.value,
            year,
            trails.value,
        ],
        f"{s.name}-s{s.seed}-bubbles-{year}.png",
        s.provenance(app.lang),
    )

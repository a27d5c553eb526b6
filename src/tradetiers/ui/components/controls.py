"""The control panel: scenario, seed, play/pause/step/reset, speed, year, levers, export."""

from __future__ import annotations

from collections.abc import Callable

import solara

from tradetiers.ui import levers
from tradetiers.ui.components.common import use_app
from tradetiers.ui.i18n import tr
from tradetiers.ui.session import CapError, Session


@solara.component
def YearDisplay() -> None:
    """The current year and how many years have been simulated."""
    app = use_app()
    s = app.session
    if s is None:
        return
    year = s.last_year if s.last_year is not None else s.model.scenario.start_year
    solara.Markdown(f"## {app.t('year')} {year}", style={"margin": "0"})
    solara.Text(
        f"{app.t('years_run')}: {s.years_run}", classes=["tt-year"], style={"font-size": "0.9em"}
    )
    solara.Text(str(year), classes=["tt-year-value"], style={"display": "none"})


@solara.component
def RunControls(
    playing: bool,
    toggle_play: Callable[[], None],
    speed: solara.Reactive[float],
    scenario: solara.Reactive[str],
    scenarios: list[str],
    seed: solara.Reactive[int],
    reset: Callable[[int | None], None],
) -> None:
    """Scenario and seed choice, play/pause/step/reset and speed."""
    app = use_app()
    s = app.session

    def step() -> None:
        if s is None:
            return
        try:
            s.step()
        except CapError as err:
            app.set_message(err.message(app.lang))
        app.bump()

    solara.Select(app.t("scenario"), values=scenarios, value=scenario, classes=["tt-scenario"])
    with solara.Row(style={"align-items": "center"}):
        solara.InputInt(app.t("seed"), value=seed, classes=["tt-seed"], dense=True)
    with solara.Row(gap="4px", style={"flex-wrap": "wrap"}):
        solara.Button(
            app.t("pause") if playing else app.t("play"),
            icon_name="mdi-pause" if playing else "mdi-play",
            on_click=toggle_play,
            color="primary",
            classes=["tt-play"],
            disabled=s is None,
        )
        solara.Button(
            app.t("step"),
            icon_name="mdi-step-forward",
            on_click=step,
            classes=["tt-step"],
            disabled=s is None or playing,
        )
        solara.Button(
            app.t("reset"),
            icon_name="mdi-restore",
            on_click=lambda: reset(None),
            classes=["tt-reset"],
        )
        solara.Button(
            app.t("new_seed"),
            icon_name="mdi-dice-multiple",
            on_click=lambda: reset(seed.value + 1),
            classes=["tt-new-seed"],
            text=True,
        )
    solara.SliderFloat(app.t("speed"), value=speed, min=0.5, max=20, step=0.5)


@solara.component
def LeverLabel(lever: levers.Lever) -> None:
    """A lever's label with its unit, and its tooltip on hover."""
    app = use_app()
    with solara.Tooltip(app.t(lever.tip_key)):
        with solara.Row(gap="2px", style={"align-items": "center"}):
            solara.Text(
                f"{app.t(lever.label_key)} ({app.t(lever.unit_key)})",
                classes=[f"tt-lever-{lever.key}"],
                style={"font-weight": "500"},
            )
            solara.v.Icon(children=["mdi-information-outline"], small=True)


@solara.component
def LeverPanel() -> None:
    """The levers backed by the model today; each change is marked from the next year."""
    app = use_app()
    s = app.session
    codes = list(s.model.state.codes) if s is not None else []
    goods = list(s.model.goods) if s is not None else []
    link_a = solara.use_reactive(codes[0] if codes else "")
    link_b = solara.use_reactive(codes[1] if len(codes) > 1 else "")
    shock_country = solara.use_reactive(codes[0] if codes else "")
    shock_good = solara.use_reactive("all")
    shock_factor = solara.use_reactive(0.8)
    if s is None:
        return

    def decay(value: float) -> None:
        s.set_distance_decay(value)
        app.bump()

    def cut() -> None:
        if s.cut_link(link_a.value, link_b.value):
            app.bump()

    def restore() -> None:
        if s.restore_link(link_a.value, link_b.value):
            app.bump()

    def shock() -> None:
        s.shock(shock_country.value, shock_good.value, shock_factor.value)
        app.bump()

    solara.Markdown(f"### {app.t('levers')}")
    solara.Text(app.t("lever_effect_note"), style={"font-size": "0.8em"})
    lv = levers.DISTANCE_DECAY
    LeverLabel(lv)
    solara.SliderFloat(
        f"{s.distance_decay:g}",
        value=s.distance_decay,
        min=lv.minimum,
        max=lv.maximum,
        step=lv.step,
        on_value=decay,
    )
    LeverLabel(levers.LINK_CUT)
    with solara.Row(gap="4px"):
        solara.Select("A", values=codes, value=link_a, dense=True, classes=["tt-link-a"])
        solara.Select("B", values=codes, value=link_b, dense=True, classes=["tt-link-b"])
    with solara.Row(gap="4px"):
        solara.Button(app.t("cut_link"), on_click=cut, outlined=True, classes=["tt-cut"])
        solara.Button(app.t("restore_link"), on_click=restore, text=True, classes=["tt-restore"])
    lv = levers.SHOCK
    LeverLabel(lv)
    with solara.Row(gap="4px"):
        solara.Select(app.t("country"), values=codes, value=shock_country, dense=True)
        solara.Select(app.t("good"), values=["all", *goods], value=shock_good, dense=True)
    solara.SliderFloat(
        f"× {shock_factor.value:g}",
        value=shock_factor,
        min=lv.minimum,
        max=lv.maximum,
        step=lv.step,
    )
    solara.Button(app.t("apply"), on_click=shock, outlined=True, classes=["tt-shock"])
    if s.marks:
        solara.Markdown(
            f"**{app.t('marked')}**\n\n" + "\n".join(f"- {m.year}: {m.text}" for m in s.marks),
            style={"font-size": "0.85em"},
        )
    solara.Text(app.t("levers_to_come"), style={"font-size": "0.75em", "color": "#666"})


@solara.component
def Downloads() -> None:
    """CSV downloads of the current run (each row labelled with its provenance)."""
    app = use_app()
    s: Session | None = app.session
    if s is None:
        return
    with solara.Row(gap="4px", style={"flex-wrap": "wrap"}):
        solara.FileDownload(
            lambda: s.csv("countries"),
            filename=f"{s.name}-s{s.seed}-countries.csv",
            label=app.t("download_csv"),
            mime_type="text/csv",
        )
        solara.FileDownload(
            lambda: s.csv("world"),
            filename=f"{s.name}-s{s.seed}-world.csv",
            label=app.t("download_world_csv"),
            mime_type="text/csv",
        )


def language_label(lang: str) -> str:
    """The label of the language switch (names the other language)."""
    return tr("language_switch", lang)

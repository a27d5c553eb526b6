"""The Compare page: two scenarios or two lever settings side by side, on the same seed."""

from __future__ import annotations

import pandas as pd
import solara

from tradetiers.ui import levers, vega
from tradetiers.ui.components.common import ChartCard, use_app
from tradetiers.ui.i18n import tr
from tradetiers.ui.session import MAX_YEARS, CapError, Session, library

#: the Compare page runs both worlds synchronously, so it caps their length lower
MAX_COMPARE_YEARS = min(MAX_YEARS, 100)


def run_pair(
    scenarios: tuple[str, str], decays: tuple[float, float], seed: int, years: int
) -> dict[str, pd.DataFrame]:
    """Run two worlds on the same seed and return their world frames labelled A and B.

    Raises:
        CapError: ``years`` is beyond :data:`MAX_COMPARE_YEARS` or a world is too big.
    """
    if not 1 <= years <= MAX_COMPARE_YEARS:
        raise CapError("cap_years", cap=MAX_COMPARE_YEARS)
    out = {}
    for label, sc, decay in zip("AB", scenarios, decays, strict=True):
        session = Session(library().get(sc, sc), seed=seed)
        session.set_distance_decay(decay)
        session.step(years)
        out[label] = session.frames()["world"]
    return out


@solara.component
def SettingPicker(label: str, scenario: solara.Reactive[str], decay: solara.Reactive[float]):
    """One side's scenario and trade-cost setting."""
    app = use_app()
    lv = levers.DISTANCE_DECAY
    with solara.Card(label, margin=1):
        solara.Select(app.t("scenario"), values=list(library()), value=scenario)
        solara.SliderFloat(
            f"{app.t(lv.label_key)} ({app.t(lv.unit_key)})",
            value=decay,
            min=lv.minimum,
            max=lv.maximum,
            step=lv.step,
        )


@solara.component
def Page() -> None:
    """The Compare page."""
    app = use_app()
    s = app.session
    name = s.name if s is not None and s.name in library() else "teaching"
    sc_a, sc_b = solara.use_reactive(name), solara.use_reactive(name)
    decay_a, decay_b = solara.use_reactive(0.5), solara.use_reactive(1.5)
    years = solara.use_reactive(50)
    result = solara.use_reactive(None)
    error = solara.use_reactive("")
    seed = s.seed if s is not None else 0
    solara.Title(f"tradetiers · {app.t('page_compare')}")
    solara.Markdown(f"### {app.t('compare_title')}")

    def run() -> None:
        try:
            result.set(
                run_pair(
                    (sc_a.value, sc_b.value), (decay_a.value, decay_b.value), seed, years.value
                )
            )
            error.set("")
        except CapError as err:
            error.set(err.message(app.lang))

    with solara.Row(style={"flex-wrap": "wrap"}):
        SettingPicker(app.t("setting_a"), sc_a, decay_a)
        SettingPicker(app.t("setting_b"), sc_b, decay_b)
    with solara.Row(style={"align-items": "center"}):
        solara.InputInt(f"{app.t('years')} (≤ {MAX_COMPARE_YEARS})", value=years, dense=True)
        solara.Text(f"{app.t('seed')}: {seed}")
        solara.Button(
            app.t("run_compare"), on_click=run, color="primary", classes=["tt-compare-run"]
        )
    if error.value:
        solara.Error(error.value, classes=["tt-cap"])
    frames = result.value
    if frames is None:
        solara.Info(app.t("compare_hint"))
        return
    joined = frames["A"][["year"]].copy()
    for side in "AB":
        for col in ("world_gdp", "world_trade"):
            joined[f"{col}_{side}"] = frames[side][col].to_numpy()
    prov = (
        f"{tr('model_output', app.lang)} · A: {sc_a.value}, decay {decay_a.value:g} · "
        f"B: {sc_b.value}, decay {decay_b.value:g} · {tr('seed_lc', app.lang)} {seed}"
    )
    with solara.Columns([1, 1]):
        for col in ("world_gdp", "world_trade"):
            ChartCard(
                app.t(col),
                lambda col=col, lib=vega: lib.time_series(
                    joined,
                    {f"{col}_A": f"A · {app.ft(col)}", f"{col}_B": f"B · {app.ft(col)}"},
                    app.ft(col),
                    (),
                    app.lang,
                ),
                [id(frames), app.lang, col],
                f"compare-{col}.png",
                prov,
            )

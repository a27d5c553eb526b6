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
#: world columns compared (those both runs have), with their label key and percent flag
COMPARED = {
    "world_gdp": ("world_gdp", False),
    "world_trade": ("world_trade", False),
    "hegemon_manufacturing_share": ("manufacturing_share", True),
    "hegemon_finance_share": ("finance_share", True),
    "hegemon_debt_to_gdp": ("debt_to_gdp", True),
    "reserve_credibility": ("credibility", False),
    "policy_rate": ("policy_rate", True),
    "world_reserves": ("world_reserves", False),
}


def run_pair(
    scenarios: tuple[str, str],
    decays: tuple[float, float],
    seed: int,
    years: int,
    spreads: tuple[float | None, float | None] = (None, None),
) -> dict[str, pd.DataFrame]:
    """Run two worlds on the same seed and return their world frames labelled A and B.

    ``spreads`` sets each side's finance return premium (None: the scenario's).

    Raises:
        CapError: ``years`` is beyond :data:`MAX_COMPARE_YEARS` or a world is too big.
    """
    if not 1 <= years <= MAX_COMPARE_YEARS:
        raise CapError("cap_years", cap=MAX_COMPARE_YEARS)
    out = {}
    for label, sc, decay, spread in zip("AB", scenarios, decays, spreads, strict=True):
        session = Session(library().get(sc, sc), seed=seed)
        session.set_distance_decay(decay)
        if spread is not None and session.money_enabled:
            session.set_finance_spread(spread)
        session.step(years)
        out[label] = session.frames()["world"]
    return out


@solara.component
def SettingPicker(
    label: str,
    scenario: solara.Reactive[str],
    decay: solara.Reactive[float],
    spread: solara.Reactive[float],
):
    """One side's scenario, trade-cost setting and finance return premium."""
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
        lv = levers.FINANCE_SPREAD
        solara.SliderFloat(
            f"{app.t(lv.label_key)} ({app.t(lv.unit_key)})",
            value=spread,
            min=100 * lv.minimum,
            max=100 * lv.maximum,
            step=100 * lv.step,
        )


@solara.component
def Page() -> None:
    """The Compare page."""
    app = use_app()
    s = app.session
    name = s.name if s is not None and s.name in library() else "teaching"
    sc_a, sc_b = solara.use_reactive(name), solara.use_reactive(name)
    decay_a, decay_b = solara.use_reactive(0.5), solara.use_reactive(1.5)
    spread_a, spread_b = solara.use_reactive(3.0), solara.use_reactive(3.0)  # % per year
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
                    (sc_a.value, sc_b.value),
                    (decay_a.value, decay_b.value),
                    seed,
                    years.value,
                    (spread_a.value / 100, spread_b.value / 100),
                )
            )
            error.set("")
        except CapError as err:
            error.set(err.message(app.lang))

    with solara.Row(style={"flex-wrap": "wrap"}):
        SettingPicker(app.t("setting_a"), sc_a, decay_a, spread_a)
        SettingPicker(app.t("setting_b"), sc_b, decay_b, spread_b)
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
    n = min(len(frames["A"]), len(frames["B"]))
    joined = frames["A"][["year"]].iloc[:n].copy()
    compared = [c for c in COMPARED if c in frames["A"] and c in frames["B"]]
    for side in "AB":
        for col in compared:
            joined[f"{col}_{side}"] = frames[side][col].to_numpy()[:n]
    prov = (
        f"{tr('model_output', app.lang)} · "
        f"A: {sc_a.value}, decay {decay_a.value:g}, finance {spread_a.value:g}% · "
        f"B: {sc_b.value}, decay {decay_b.value:g}, finance {spread_b.value:g}% · "
        f"{tr('seed_lc', app.lang)} {seed}"
    )
    for pair in range(0, len(compared), 2):
        with solara.Columns([1, 1]):
            for col in compared[pair : pair + 2]:
                label, percent = COMPARED[col]
                ChartCard(
                    app.t(label),
                    lambda col=col, label=label, percent=percent, lib=vega: lib.time_series(
                        joined,
                        {f"{col}_A": f"A · {app.ft(label)}", f"{col}_B": f"B · {app.ft(label)}"},
                        app.ft(label),
                        (),
                        app.lang,
                        percent,
                    ),
                    [id(frames), app.lang, col],
                    f"compare-{col}.png",
                    prov,
                )

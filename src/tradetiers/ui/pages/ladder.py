"""The Ladder page: capability relative to the frontier, catch-up, markups and rents per rung."""

from __future__ import annotations

import numpy as np
import pandas as pd
import solara

from tradetiers.ui import vega
from tradetiers.ui.components.common import ArrivesNote, ChartCard, use_app


def relative_capability(cf: pd.DataFrame, rungs: list[str], year: int) -> np.ndarray:
    """Countries × rungs capability over the frontier in ``year`` (from ``relcap_*`` if recorded).

    Without ``relcap_<rung>`` columns the ratio is computed from ``capability_<rung>``
    over the best country's.
    """
    now = cf[cf["year"] == year]
    out = np.zeros((len(now), len(rungs)))
    for k, r in enumerate(rungs):
        if f"relcap_{r}" in now:
            out[:, k] = now[f"relcap_{r}"].to_numpy(float)
        else:
            cap = now[f"capability_{r}"].to_numpy(float)
            top = cap.max() if cap.size else 0.0
            out[:, k] = cap / top if top > 0 else 0.0
    return np.nan_to_num(out)


def capabilities_moved(cf: pd.DataFrame, rungs: list[str]) -> bool:
    """True if any capability changed over the run so far."""
    cols = [f"capability_{r}" for r in rungs if f"capability_{r}" in cf]
    if not cols or cf.empty:
        return False
    return bool((cf.groupby("country")[cols].nunique() > 1).to_numpy().any())


@solara.component
def Page() -> None:
    """The Ladder page."""
    app = use_app()
    v = app.world_version()  # re-render every year (and on each lever change)
    s = app.session
    if s is None:
        return
    solara.Title(f"tradetiers · {app.t('page_ladder')}")
    f = s.frames()
    cf, world = f["countries"], f["world"]
    rungs = list(s.model.rungs)
    prov = s.provenance(app.lang)
    lang, key = app.lang, id(s)
    if cf.empty:
        solara.Info(app.t("no_years_yet"))
        return
    if not capabilities_moved(cf, rungs):
        solara.Info(app.t("capabilities_constant"), dense=True)
    year = int(cf["year"].max())
    now = cf[cf["year"] == year]
    has_mastery = all(f"mastered_{r}" in cf for r in rungs)
    mastered = now[[f"mastered_{r}" for r in rungs]].to_numpy(float) if has_mastery else None
    labels = [f"{n} ({c})" for n, c in zip(now["name"], now["country"], strict=True)]
    ChartCard(
        app.t("ladder_heatmap"),
        lambda lib=vega: lib.heatmap(
            relative_capability(cf, rungs, year),
            labels,
            rungs,
            f"{app.ft('ladder_heatmap')} · {year}",
            lang,
            mastered,
        ),
        [v, lang, key],
        f"{s.name}-s{s.seed}-ladder.png",
        prov,
    )
    solara.Text(app.t("ladder_caption"), style={"font-size": "0.8em"})
    if has_mastery:
        counts = pd.DataFrame({"year": sorted(cf["year"].unique())})
        for r in rungs:
            col = cf.groupby("year")[f"mastered_{r}"].apply(lambda x: int(np.isfinite(x).sum()))
            counts[r] = counts["year"].map(col).fillna(0)
        ChartCard(
            app.t("catchup_title"),
            lambda lib=vega: lib.time_series(
                counts, {r: r for r in rungs}, app.ft("catchup_title"), s.marks, lang
            ),
            [v, lang, key],
            f"{s.name}-s{s.seed}-catchup.png",
            prov,
        )
    else:
        ArrivesNote(app.t("catchup_title"), app.t("arrives_tech"))
    with solara.Columns([1, 1]):
        margins = {f"margin_{r}": r for r in rungs if f"margin_{r}" in world}
        ChartCard(
            app.t("margins_title"),
            lambda lib=vega: lib.time_series(
                world, margins, app.ft("margins_title"), s.marks, lang, percent=True
            ),
            [v, lang, key],
            f"{s.name}-s{s.seed}-markups.png",
            prov,
        )
        rents = {f"rents_{r}": r for r in rungs if f"rents_{r}" in world}
        if rents:
            ChartCard(
                "rents",
                lambda lib=vega: lib.time_series(world, rents, "rents", s.marks, lang),
                [v, lang, key],
                f"{s.name}-s{s.seed}-rents.png",
                prov,
            )
        else:
            prices = {f"price_{r}": r for r in rungs if f"price_{r}" in world}
            ChartCard(
                app.t("prices_title"),
                lambda lib=vega: lib.time_series(
                    world, prices, app.ft("prices_title"), s.marks, lang
                ),
                [v, lang, key],
                f"{s.name}-s{s.seed}-prices.png",
                prov,
            )

"""The Money page: the hegemon's shares, debt, interest, deficits, reserves, credibility, rate.

Every chart checks that its columns are in the run; the money mechanism (reserves,
debt, credibility, the policy rate) adds them. Until then the page says so plainly.
"""

from __future__ import annotations

import pandas as pd
import solara

from tradetiers.ui import vega
from tradetiers.ui.components.common import ArrivesNote, ChartCard, use_app
from tradetiers.ui.session import Session

#: chart title key -> candidate columns (world frame first, else the hegemon's country rows)
MONEY_CHARTS: dict[str, list[str]] = {
    "debt_to_gdp": ["debt_to_gdp", "hegemon_debt_to_gdp"],
    "interest_bill": ["interest_bill", "hegemon_interest_bill"],
    "deficits": ["deficit", "fiscal_deficit", "hegemon_deficit"],
    "credibility": ["reserve_credibility"],
    "policy_rate": ["policy_rate"],
}


def hegemon_series(s: Session, columns: list[str]) -> pd.DataFrame:
    """``year`` plus those columns that exist: from the world frame, else the hegemon's rows."""
    f = s.frames()
    world, cf = f["world"], f["countries"]
    out = pd.DataFrame({"year": world["year"]}) if not world.empty else pd.DataFrame()
    heg = s.model.hegemon
    for col in columns:
        if col in world:
            out[col] = world[col].to_numpy()
        elif col in cf and heg is not None and not cf.empty:
            rows = cf[cf["country"] == heg.code]
            out[col] = out["year"].map(rows.set_index("year")[col])
    return out


def by_tier(cf: pd.DataFrame, column: str) -> pd.DataFrame:
    """A country column summed by tier per year (columns ``tier_1``...)."""
    table = cf.pivot_table(index="year", columns="tier", values=column, aggfunc="sum").fillna(0)
    table.columns = [f"tier_{int(c)}" for c in table.columns]
    return table.reset_index()


@solara.component
def Page() -> None:
    """The Money page."""
    app = use_app()
    s = app.session
    if s is None:
        return
    solara.Title(f"tradetiers · {app.t('page_money')}")
    f = s.frames()
    cf, world = f["countries"], f["world"]
    prov = s.provenance(app.lang)
    lang, v, key = app.lang, app.version, id(s)
    if world.empty:
        solara.Info(app.t("no_years_yet"))
        return
    if s.model.hegemon is None:
        solara.Info(app.t("no_hegemon"))
    shares = hegemon_series(
        s, ["hegemon_manufacturing_share", "hegemon_finance_share", "finance_share"]
    )
    labels = {
        "hegemon_manufacturing_share": app.t("manufacturing_share"),
        "hegemon_finance_share": app.t("finance_share"),
        "finance_share": app.t("finance_share"),
    }
    present = {c: labels[c] for c in labels if c in shares}
    with solara.Columns([1, 1]):
        ChartCard(
            app.t("hegemon_shares"),
            lambda lib=vega: lib.time_series(
                shares, present, app.ft("hegemon_shares"), s.marks, lang, percent=True
            ),
            [v, lang, key],
            f"{s.name}-s{s.seed}-hegemon-shares.png",
            prov,
        )
        tb = by_tier(cf, "trade_balance")
        ChartCard(
            app.t("trade_balance_tier"),
            lambda lib=vega: lib.time_series(
                tb,
                {c: c.replace("_", " ") for c in tb.columns if c.startswith("tier_")},
                app.ft("trade_balance_tier"),
                s.marks,
                lang,
            ),
            [v, lang, key],
            f"{s.name}-s{s.seed}-trade-balance.png",
            prov,
        )
    if "finance_share" not in present and "hegemon_finance_share" not in present:
        ArrivesNote(app.t("finance_share"), app.t("arrives_money"))
    if "reserves" in cf:
        res = by_tier(cf, "reserves")
        ChartCard(
            app.t("reserves_tier"),
            lambda lib=vega: lib.time_series(
                res,
                {c: c.replace("_", " ") for c in res.columns if c.startswith("tier_")},
                app.ft("reserves_tier"),
                s.marks,
                lang,
            ),
            [v, lang, key],
            f"{s.name}-s{s.seed}-reserves.png",
            prov,
        )
    else:
        ArrivesNote(app.t("reserves_tier"), app.t("arrives_money"))
    for title, candidates in MONEY_CHARTS.items():
        data = hegemon_series(s, candidates)
        cols = {c: app.t(title) for c in candidates if c in data}
        if cols:
            ChartCard(
                app.t(title),
                lambda data=data, cols=cols, title=title, lib=vega: lib.time_series(
                    data, cols, app.ft(title), s.marks, lang
                ),
                [v, lang, key],
                f"{s.name}-s{s.seed}-{title}.png",
                prov,
            )
        else:
            ArrivesNote(app.t(title), app.t("arrives_money"))

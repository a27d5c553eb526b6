"""The Money page: the hegemon's shares, debt, interest, deficits, reserves, credibility, rate.

Monitors answer the seed's questions for the latest year (who issues the reserve
currency, its manufacturing share, debt/GDP, interest bill, credibility against the run
threshold, the policy rate); the charts show their history with the lever changes
(dashed) and the model's money events (dotted: a run, a hand-over, a restructuring,
import compression, a tariff) marked. Every number carries its provenance.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import solara

from tradetiers.ui import vega
from tradetiers.ui.components.common import ChartCard, Provenance, use_app
from tradetiers.ui.session import Mark, Session

#: event kinds of the model marked on the Money page's charts, with their label key
MONEY_EVENTS = {
    "reserve_run": "ev_reserve_run",
    "reserve_handover": "ev_reserve_handover",
    "debt_restructuring": "ev_debt_restructuring",
    "import_compression": "ev_import_compression",
    "tariff": "ev_tariff",
}


def money_events(events: pd.DataFrame, lang: str = "en") -> list[Mark]:
    """The run's money events, one mark per year and kind (``reserve run HEG``, ...)."""
    from tradetiers.ui.i18n import tr

    if events.empty:
        return []
    ev = events[events["kind"].isin(list(MONEY_EVENTS))]
    out = []
    for (year, kind), rows in ev.groupby(["year", "kind"], sort=True):
        who = sorted({c for c in rows["country"] if c})
        names = ",".join(who[:3]) + ("…" if len(who) > 3 else "")
        out.append(Mark(int(year), f"{tr(MONEY_EVENTS[str(kind)], lang)} {names}".strip()))
    return out


def issuer_rows(s: Session) -> pd.DataFrame:
    """Per year, the country rows of the reserve issuer of that year (``issuer`` column)."""

    def build() -> pd.DataFrame:
        cf = s.frames()["countries"]
        if cf.empty or "issuer" not in cf:
            return pd.DataFrame()
        return cf[cf["issuer"].astype(bool)].drop_duplicates("year").set_index("year")

    return s.cached("issuer_rows", build)


def hegemon_series(s: Session, columns: list[str]) -> pd.DataFrame:
    """``year`` plus those columns that exist: from the world frame, else the issuer's rows."""
    world = s.frames()["world"]
    out = pd.DataFrame({"year": world["year"]}) if not world.empty else pd.DataFrame()
    rows = None
    for col in columns:
        if col in world:
            out[col] = world[col].to_numpy()
        else:
            rows = issuer_rows(s) if rows is None else rows
            if col in rows:
                out[col] = out["year"].map(rows[col]).to_numpy()
    return out


def interest_series(s: Session) -> pd.DataFrame:
    """The issuer's interest bill as a share of its GDP, its rate and the policy rate."""
    return s.cached("interest_series", lambda: _interest_series(s))


def _interest_series(s: Session) -> pd.DataFrame:
    out = hegemon_series(s, ["hegemon_interest_rate", "policy_rate"])
    world, rows = s.frames()["world"], issuer_rows(s)
    if "hegemon_interest_bill" in world and "gdp" in rows:
        gdp = out["year"].map(rows["gdp"]).to_numpy(float)
        bill = world["hegemon_interest_bill"].to_numpy(float)
        out["interest_bill_gdp"] = np.divide(
            bill, gdp, out=np.full_like(bill, np.nan), where=gdp > 0
        )
    return out


def by_tier(cf: pd.DataFrame, column: str) -> pd.DataFrame:
    """A country column summed by tier per year (columns ``tier_1``...)."""
    years, yi = np.unique(cf["year"].to_numpy(), return_inverse=True)
    tiers, ti = np.unique(cf["tier"].to_numpy(), return_inverse=True)
    table = np.zeros((len(years), len(tiers)))
    values = cf[column].to_numpy(float)
    np.add.at(table, (yi, ti), np.nan_to_num(values))
    out = pd.DataFrame(table, columns=[f"tier_{int(t)}" for t in tiers])
    out.insert(0, "year", years)
    return out


def world_by_tier(world: pd.DataFrame, prefix: str) -> pd.DataFrame:
    """``year`` and the world columns ``<prefix><t>`` renamed ``tier_<t>``."""
    cols = [c for c in world.columns if c.startswith(prefix)]
    out = world[["year", *cols]].copy()
    out.columns = ["year", *[f"tier_{c[len(prefix) :]}" for c in cols]]
    return out


def monitors(s: Session) -> dict[str, float | str]:
    """The latest year's answers: issuer, shares, debt/GDP, interest, credibility, rate."""
    world = s.frames()["world"]
    if world.empty:
        return {}
    last = world.iloc[-1]
    out: dict[str, float | str] = {"hegemon": str(last.get("hegemon", "") or "–")}
    for key in (
        "hegemon_manufacturing_share",
        "hegemon_finance_share",
        "hegemon_debt_to_gdp",
        "hegemon_deficit_to_gdp",
        "hegemon_interest_rate",
        "reserve_credibility",
        "policy_rate",
    ):
        if key in world:
            out[key] = float(last[key])
    bill = interest_series(s)
    if "interest_bill_gdp" in bill and len(bill):
        out["interest_bill_gdp"] = float(bill["interest_bill_gdp"].iloc[-1])
    return out


#: the style of a monitor's label (above its value)
LABEL = {"font-size": "0.8em", "color": "#555", "display": "block"}
#: monitor key -> (label key, percent?)
MONITORS = {
    "hegemon_manufacturing_share": ("manufacturing_share", True),
    "hegemon_finance_share": ("finance_share", True),
    "hegemon_debt_to_gdp": ("debt_to_gdp", True),
    "hegemon_deficit_to_gdp": ("deficit_to_gdp", True),
    "interest_bill_gdp": ("interest_bill_gdp", True),
    "hegemon_interest_rate": ("interest_rate", True),
    "policy_rate": ("policy_rate", True),
}


@solara.component
def Monitors(s: Session) -> None:
    """The latest year's answers as tiles, and the credibility gauge."""
    app = use_app()
    app.world_version()
    values = monitors(s)
    if not values:
        return
    threshold = float(s.model.scenario.money.run_threshold)
    with solara.Row(gap="6px", style={"flex-wrap": "wrap"}, classes=["tt-monitors"]):
        with solara.Card(margin=0, style={"min-width": "110px", "padding": "6px"}):
            solara.Text(app.t("issuer"), style=LABEL)
            solara.Text(
                str(values["hegemon"]), classes=["tt-mon-issuer"], style={"font-weight": "600"}
            )
        for key, (label, percent) in MONITORS.items():
            if key not in values:
                continue
            value = values[key]
            text = f"{100 * value:.1f}%" if percent else f"{value:.3g}"  # type: ignore[operator]
            with solara.Card(margin=0, style={"min-width": "110px", "padding": "6px"}):
                solara.Text(app.t(label), style=LABEL)
                solara.Text(text, classes=[f"tt-mon-{key}"], style={"font-weight": "600"})
    if "reserve_credibility" in values:
        cred = float(values["reserve_credibility"])
        below = cred < threshold
        with solara.Row(style={"align-items": "center"}, classes=["tt-credibility-gauge"]):
            solara.Text(f"{app.t('credibility')}: {cred:.2f}", style={"font-weight": "500"})
            solara.v.ProgressLinear(
                value=100 * max(0.0, min(1.0, cred)),
                color="error" if below else "success",
                height=14,
                style_="width: 220px",
            )
            solara.Text(
                app.t("run_threshold", value=f"{threshold:.2f}")
                + (f" · {app.t('below_threshold')}" if below else ""),
                style={"font-size": "0.85em", "color": "#b71c1c" if below else "#555"},
            )


@solara.component
def Page() -> None:
    """The Money page."""
    app = use_app()
    v = app.world_version()  # re-render every year (and on each lever change)
    s = app.session
    if s is None:
        return
    solara.Title(f"tradetiers · {app.t('page_money')}")
    f = s.frames()
    cf, world = f["countries"], f["world"]
    prov = s.provenance(app.lang)
    lang, key = app.lang, id(s)
    if world.empty:
        solara.Info(app.t("no_years_yet"))
        return
    if not s.money_enabled or "reserve_credibility" not in world:
        solara.Info(app.t("money_off"), classes=["tt-money-off"])
    elif s.model.hegemon is None:
        solara.Info(app.t("no_hegemon"))
    events = money_events(f["events"], lang)
    threshold = (float(s.model.scenario.money.run_threshold), app.ft("run_threshold_short"))
    Monitors(s)
    Provenance(prov)

    def card(title: str, data: pd.DataFrame, columns: dict[str, str], **opts: object) -> None:
        present = {c: label for c, label in columns.items() if c in data}
        if not present:
            return
        ChartCard(
            app.t(title),
            lambda lib=vega: lib.time_series(
                data, present, app.ft(title), s.marks, lang, events=events, **opts
            ),
            [v, lang, key],
            f"{s.name}-s{s.seed}-{title.replace('_', '-')}.png",
            prov,
        )

    tier_labels = lambda df: {c: app.ft(c) for c in df.columns if c.startswith("tier_")}  # noqa: E731
    with solara.Columns([1, 1]):
        card(
            "hegemon_shares",
            hegemon_series(
                s, ["hegemon_manufacturing_share", "hegemon_finance_share", "finance_share"]
            ),
            {
                "hegemon_manufacturing_share": app.ft("manufacturing_share"),
                "hegemon_finance_share": app.ft("finance_share"),
            },
            percent=True,
        )
        card(
            "credibility",
            hegemon_series(s, ["reserve_credibility"]),
            {"reserve_credibility": app.ft("credibility")},
            threshold=threshold,
        )
    with solara.Columns([1, 1]):
        card(
            "debt_deficit",
            hegemon_series(s, ["hegemon_debt_to_gdp", "hegemon_deficit_to_gdp"]),
            {
                "hegemon_debt_to_gdp": app.ft("debt_to_gdp"),
                "hegemon_deficit_to_gdp": app.ft("deficit_to_gdp"),
            },
            percent=True,
        )
        card(
            "interest",
            interest_series(s),
            {
                "interest_bill_gdp": app.ft("interest_bill_gdp"),
                "hegemon_interest_rate": app.ft("interest_rate"),
                "policy_rate": app.ft("policy_rate"),
            },
            percent=True,
        )
    with solara.Columns([1, 1]):
        reserves = world_by_tier(world, "reserves_tier_")
        card("reserves_tier", reserves, tier_labels(reserves))
        if "current_account" in cf:
            ca = by_tier(cf, "current_account")
            card("current_account_tier", ca, tier_labels(ca))
    tb = by_tier(cf, "trade_balance")
    with solara.Columns([1, 1]):
        card("trade_balance_tier", tb, tier_labels(tb))

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
    app.world_version()  # re-render every year
    s = app.session
    if s is None:
        return
    year = s.last_year if s.last_year is not None else s.model.scenario.start_year
    # a plain heading: a Markdown widget would be a new Vue template (compiled by the
    # browser) every year
    solara.v.Html(
        tag="h2", children=[f"{app.t('year')} {year}"], class_="tt-year-heading", style_="margin: 0"
    )
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
        app.after_step()

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
def LeverLabel(lever: levers.Lever, **fields: object) -> None:
    """A lever's label with its unit, and its tooltip on hover."""
    app = use_app()
    with solara.Tooltip(app.t(lever.tip_key, **fields)):
        with solara.Row(gap="2px", style={"align-items": "center"}):
            solara.Text(
                f"{app.t(lever.label_key)} ({app.t(lever.unit_key)})",
                classes=[f"tt-lever-{lever.key}"],
                style={"font-weight": "500"},
            )
            solara.v.Icon(children=["mdi-information-outline"], small=True)


@solara.component
def TradeLevers() -> None:
    """Trade costs, a cut link, a productivity shock."""
    app = use_app()
    app.lever_version()  # re-render when a lever changes, not every year
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

    solara.Markdown(f"#### {app.t('levers_trade')}")
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


def _default_target(s: Session, controller: str) -> str:
    """The first manufacturer (tier 2) other than the controller, else another country."""
    st = s.model.state
    codes = list(st.codes)
    tiers = list(st.tier) if len(st.tier) else [0] * len(codes)
    others = [c for c in codes if c != controller]
    return next(
        (c for c, t in zip(codes, tiers, strict=True) if t == 2 and c != controller),
        others[0] if others else "",
    )


@solara.component
def TechnologyLevers() -> None:
    """Public R&D share, export controls (year, penalty, the hegemon's rule), open source."""
    app = use_app()
    app.lever_version()
    s = app.session
    codes = list(s.model.state.codes) if s is not None else []
    heg = s.model.hegemon if s is not None else None
    first = heg.code if heg is not None else (codes[0] if codes else "")
    rd_country = solara.use_reactive("all")
    controller = solara.use_reactive(first)
    target = solara.use_reactive(_default_target(s, first) if s is not None else "")
    ec_year = solara.use_reactive(0)
    penalty = solara.use_reactive(4.0)
    os_rung = solara.use_reactive("")
    os_year = solara.use_reactive(0)
    if s is None or not s.model.scenario.technology.enabled:
        return
    m = s.model
    rungs = list(m.rungs)

    def first_year() -> int:
        return m.year  # the next simulated year: the earliest a change can act

    def rd(value: float) -> None:
        s.set_rd_public_share(value / 100, rd_country.value)
        app.bump()

    def control(on: bool, **change: object) -> None:
        settings = {
            "controller": controller.value,
            "target": target.value,
            "year": max(ec_year.value, first_year()),
            "penalty": penalty.value,
        }
        settings.update(change)
        if settings["controller"] == settings["target"]:
            app.set_message(app.t("same_country"))
            return
        s.set_export_control(on, **settings)  # type: ignore[arg-type]
        app.bump()

    def setting(reactive: solara.Reactive, key: str):
        def update(value: object) -> None:
            reactive.set(value)
            if s.export_control is not None:
                control(True, **{key: value})

        return update

    def hegemon_rule(on: bool) -> None:
        s.set_hegemon_rule(on)
        app.bump()

    def lift() -> None:
        s.lift_controls()
        app.bump()

    def open_source(rung: str, year: int) -> None:
        os_rung.set(rung)
        os_year.set(year)
        s.set_open_source(rung or None, max(year, first_year()))
        app.bump()

    solara.Markdown(f"#### {app.t('levers_technology')}")
    # public R&D share
    LeverLabel(levers.RD_PUBLIC_SHARE)
    country = rd_country.value
    share = (
        s.rd_public_share
        if country == "all"
        else float(m.state.rd_public_share[m.index_of(country)])
    )
    solara.Select(
        app.t("country"),
        values=["all", *codes],
        value=rd_country,
        dense=True,
        classes=["tt-rd-country"],
    )
    lv = levers.RD_PUBLIC_SHARE
    with solara.Div(classes=["tt-rd-share"]):
        solara.SliderFloat(
            f"{100 * share:.2f}%",
            value=round(100 * share, 4),
            min=100 * lv.minimum,
            max=100 * lv.maximum,
            step=100 * lv.step,
            on_value=rd,
        )
    # export controls
    LeverLabel(levers.EXPORT_CONTROL, rungs=", ".join(levers.controlled_rungs(m)))
    on = s.export_control is not None
    solara.Switch(
        label=app.t("switch_on"),
        value=on,
        on_value=lambda v: control(bool(v)),
        classes=["tt-export-control"],
    )
    with solara.Row(gap="4px"):
        solara.Select(
            app.t("controller"),
            values=codes,
            value=controller.value,
            on_value=setting(controller, "controller"),
            dense=True,
        )
        solara.Select(
            app.t("target"),
            values=codes,
            value=target.value,
            on_value=setting(target, "target"),
            dense=True,
            classes=["tt-control-target"],
        )
    FromYearSlider(None, ec_year.value, setting(ec_year, "year"), "tt-control-year")
    lv = levers.CONTROL_PENALTY
    LeverLabel(lv)
    with solara.Div(classes=["tt-control-penalty"]):
        solara.SliderFloat(
            f"÷ {penalty.value:g}",
            value=penalty.value,
            min=lv.minimum,
            max=lv.maximum,
            step=lv.step,
            on_value=setting(penalty, "penalty"),
        )
    LeverLabel(levers.HEGEMON_RULE)
    solara.Switch(
        label=app.t("switch_on"),
        value=bool(m.scenario.technology.hegemon_export_controls),
        on_value=lambda v: hegemon_rule(bool(v)),
        classes=["tt-hegemon-rule"],
    )
    with solara.Row(gap="4px", style={"align-items": "center"}):
        solara.Text(app.t("controls_in_force", n=len(m.controls)), style={"font-size": "0.85em"})
        solara.Button(
            app.t("lift_controls"), on_click=lift, text=True, small=True, classes=["tt-lift"]
        )
    # open source
    LeverLabel(levers.OPEN_SOURCE)
    scheduled = s.open_source
    rung_now = scheduled.rung if scheduled is not None else ""
    year_now = scheduled.year if scheduled is not None else os_year.value
    solara.Select(
        app.t("rung"),
        values=[app.t("none"), *rungs],
        value=rung_now or app.t("none"),
        on_value=lambda r: open_source("" if r not in rungs else r, year_now),
        dense=True,
        classes=["tt-open-rung"],
    )
    FromYearSlider(
        scheduled.year if scheduled is not None else None,
        os_year.value,
        lambda y: open_source(rung_now, int(y)) if rung_now else os_year.set(int(y)),
        "tt-open-year",
    )


@solara.component
def FromYearSlider(
    scheduled: int | None, chosen: int, on_value: Callable[[int], object], cls: str
) -> None:
    """The "from year" slider of a scheduled lever; it follows the year, unlike the panel.

    It shows the scheduled year, else the chosen one, at the earliest the next simulated
    year.
    """
    app = use_app()
    app.world_version()
    s = app.session
    if s is None:
        return
    first = s.model.year
    last = s.model.scenario.start_year + session_cap_years() - 1
    if last <= first:
        return
    shown = scheduled if scheduled is not None else max(chosen, first)
    with solara.Div(classes=[cls]):
        solara.SliderInt(
            f"{app.t('from_year')} {shown}",
            value=shown,
            min=min(first, shown),
            max=last,
            on_value=on_value,
        )


@solara.component
def PolicyRateLabel() -> None:
    """The policy-rate path's label; its tooltip gives this year's rate."""
    app = use_app()
    app.world_version()
    s = app.session
    if s is not None:
        LeverLabel(levers.RATE_PATH, now=f"{100 * s.policy_rate:g}")


def _default_partners(s: Session) -> list[str]:
    """The manufacturers (tier 2) other than the hegemon: who a tariff hits by default."""
    st, heg = s.model.state, s.model.hegemon
    tiers = list(st.tier) if len(st.tier) else [0] * st.n
    return [
        c for c, t in zip(st.codes, tiers, strict=True) if t == 2 and (heg is None or c != heg.code)
    ]


def percent_slider(
    lv: levers.Lever, share: float, on_share: Callable[[float], object], note: str = ""
) -> None:
    """A slider in percent of a lever whose model value is a share (0.05 → 5%)."""
    solara.SliderFloat(
        f"{100 * share:g}%" + note,
        value=round(100 * share, 4),
        min=100 * lv.minimum,
        max=100 * lv.maximum,
        step=100 * lv.step,
        on_value=lambda x: on_share(x / 100),
    )


@solara.component
def MoneyLevers() -> None:
    """Finance return premium, settlement regime, policy-rate path, tariff, a forced run."""
    app = use_app()
    app.lever_version()
    s = app.session
    rate = solara.use_reactive(0.08)
    rate_year = solara.use_reactive(0)
    rate_years = solara.use_reactive(5)
    partners = solara.use_reactive(_default_partners(s) if s is not None else [])
    tariff_rate = solara.use_reactive(0.25)
    surplus = solara.use_reactive(0.05)
    run_years = solara.use_reactive(5)
    if s is None or not s.money_enabled:
        return
    m = s.model
    heg = m.hegemon
    codes = [c for c in m.state.codes if heg is None or c != heg.code]

    def done(change: Callable[[], None]) -> None:
        change()
        app.bump()

    def path(on: bool, **change: object) -> None:
        settings = {
            "rate": rate.value,
            "year": max(rate_year.value, m.year),
            "years": rate_years.value,
        }
        settings.update(change)
        done(lambda: s.set_rate_path(on, **settings))  # type: ignore[arg-type]

    def path_setting(reactive: solara.Reactive, key: str):
        def update(value: object) -> None:
            reactive.set(value)
            if s.rate_path is not None:
                path(True, **{key: value})

        return update

    def tariff(targets: list[str] | None = None, value: float | None = None) -> None:
        if targets is not None:
            partners.set(list(targets))
        if value is not None:
            tariff_rate.set(value)
        if s.tariff is not None or value is not None:  # a new rate, or new partners
            done(lambda: s.set_tariff(partners.value, tariff_rate.value))

    solara.Markdown(f"#### {app.t('levers_money')}")
    # finance return premium
    lv = levers.FINANCE_SPREAD
    LeverLabel(lv)
    with solara.Div(classes=["tt-finance-spread"]):
        percent_slider(lv, s.finance_spread, lambda x: done(lambda: s.set_finance_spread(x)))
    # settlement regime, and a hegemon that targets a surplus
    LeverLabel(levers.REGIME)
    names = {r: app.t(f"regime_{r}") for r in levers.REGIMES}
    solara.Select(
        app.t("regime"),
        values=list(names.values()),
        value=names[s.regime],
        on_value=lambda label: done(
            lambda: s.set_regime(next(r for r, n in names.items() if n == label))
        ),
        dense=True,
        classes=["tt-regime"],
    )
    lv = levers.HEGEMON_SURPLUS
    LeverLabel(lv)
    target = s.hegemon_surplus
    solara.Switch(
        label=app.t("switch_on"),
        value=target is not None,
        on_value=lambda on: done(lambda: s.set_hegemon_surplus(surplus.value if on else None)),
        classes=["tt-hegemon-surplus"],
    )
    shown = surplus.value if target is None else target
    percent_slider(
        lv,
        shown,
        lambda x: (
            surplus.set(x),
            target is not None and done(lambda: s.set_hegemon_surplus(x)),
        ),
    )
    # policy-rate path
    lv = levers.RATE_PATH
    PolicyRateLabel()
    scheduled = s.rate_path
    solara.Switch(
        label=app.t("switch_on"),
        value=scheduled is not None,
        on_value=lambda on: path(bool(on)),
        classes=["tt-rate-path"],
    )
    with solara.Div(classes=["tt-rate-level"]):
        percent_slider(lv, rate.value, path_setting(rate, "rate"))
    FromYearSlider(
        scheduled.year if scheduled is not None else None,
        rate_year.value,
        path_setting(rate_year, "year"),
        "tt-rate-year",
    )
    lv = levers.RATE_YEARS
    solara.SliderInt(
        f"{app.t('for_years', n=rate_years.value)}",
        value=rate_years.value,
        min=int(lv.minimum),
        max=int(lv.maximum),
        on_value=path_setting(rate_years, "years"),
    )
    # tariff by the hegemon on its partners' manufactures
    lv = levers.TARIFF
    LeverLabel(lv, hegemon=heg.code if heg is not None else "–")
    solara.SelectMultiple(
        app.t("partners"),
        values=partners.value,
        all_values=codes,
        on_value=lambda targets: tariff(targets=targets),
        dense=True,
        classes=["tt-tariff-partners"],
    )
    shown_rate = s.tariff_rate if s.tariff is not None else tariff_rate.value
    with solara.Div(classes=["tt-tariff-rate"]):
        note = "" if s.tariff is not None else f" ({app.t('not_set')})"
        percent_slider(lv, shown_rate, lambda x: tariff(value=x), note)
    with solara.Row(gap="4px"):
        solara.Button(
            app.t("apply"),
            on_click=lambda: tariff(value=tariff_rate.value),
            outlined=True,
            small=True,
            classes=["tt-tariff-apply"],
        )
        solara.Button(
            app.t("lift_tariff"),
            on_click=lambda: done(lambda: s.set_tariff(partners.value, 0.0)),
            text=True,
            small=True,
            disabled=s.tariff is None,
            classes=["tt-tariff-lift"],
        )
    # a forced run on the reserve currency
    lv = levers.RESERVE_RUN
    LeverLabel(lv)
    with solara.Row(gap="4px", style={"align-items": "center"}):
        solara.SliderInt(
            app.t("for_years", n=run_years.value),
            value=run_years,
            min=int(lv.minimum),
            max=int(lv.maximum),
        )
        solara.Button(
            app.t("force_run"),
            on_click=lambda: done(lambda: s.force_run(run_years.value)),
            outlined=True,
            small=True,
            color="error",
            classes=["tt-reserve-run"],
        )


def session_cap_years() -> int:
    """The most years a browser run simulates (read at call time; tests may lower it)."""
    from tradetiers.ui import session

    return session.MAX_YEARS


@solara.component
def LeverPanel() -> None:
    """The levers backed by the model today; each change is marked from the next year.

    It re-renders when a lever changes (or a step changes what it shows), not every
    year; the few parts that follow the year (the first year a change can act, the
    policy rate) are components of their own.
    """
    app = use_app()
    app.lever_version()
    s = app.session
    if s is None:
        return
    solara.Markdown(f"### {app.t('levers')}")
    solara.Text(app.t("lever_effect_note"), style={"font-size": "0.8em"})
    TradeLevers()
    TechnologyLevers()
    MoneyLevers()
    if s.marks:
        solara.Markdown(
            f"**{app.t('marked')}**\n\n" + "\n".join(f"- {m.year}: {m.text}" for m in s.marks),
            style={"font-size": "0.85em"},
        )


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

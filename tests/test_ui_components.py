"""Component tests of the browser app with ``solara.render`` (no browser)."""

import time

import ipyvuetify as v
import pytest
import solara

from tradetiers.ui.app import Layout, build_session
from tradetiers.ui.components.common import AppContext, AppState
from tradetiers.ui.pages import bubbles, compare, ladder, money, world
from tradetiers.ui.session import MAX_COUNTRIES, Session


def texts(rc) -> str:
    """All text of the rendered tree (Html children, markdown, button labels)."""
    out, seen = [], set()

    def walk(w):
        if id(w) in seen:
            return
        seen.add(id(w))
        for name in ("md", "label", "template", "value"):
            value = getattr(w, name, None)
            if isinstance(value, str):
                out.append(value)
        for child in getattr(w, "children", None) or []:
            if isinstance(child, str):
                out.append(child)
            else:
                walk(child)

    walk(rc.find().widget)
    return "\n".join(out)


def click(rc, cls):
    rc.find(v.Btn, class_=cls).widget.click()


@pytest.fixture
def app():
    _box, rc = solara.render(Layout(children=[world.Page()]), handle_error=False)
    yield rc
    rc.close()


def test_step_advances_the_year(app):
    assert "Years simulated: 0" in texts(app)
    click(app, "tt-step")
    click(app, "tt-step")
    assert "Years simulated: 2" in texts(app)
    assert "model output · scenario teaching · seed 42 · through year 2001" in texts(app)


def test_reset_and_new_seed(app):
    click(app, "tt-step")
    click(app, "tt-new-seed")
    assert "Years simulated: 0" in texts(app)
    click(app, "tt-step")
    assert "seed 43" in texts(app)
    click(app, "tt-reset")
    assert "Years simulated: 0" in texts(app)


def test_language_switch(app):
    click(app, "tt-lang")
    t = texts(app)
    assert "单步" in t and "已模拟年数: 0" in t and "Step" not in t
    click(app, "tt-lang")
    assert "Step" in texts(app)


def test_lever_is_marked(app):
    click(app, "tt-step")
    click(app, "tt-cut")
    t = texts(app)
    assert "2001: cut FAB–HEG" in t or "2001: cut HEG–MAN" in t


def test_play_runs_until_the_cap(app, monkeypatch):
    # solara.render runs the play thread to its end, so cap the run at 3 years
    monkeypatch.setattr("tradetiers.ui.session.MAX_YEARS", 3)
    click(app, "tt-play")
    for _ in range(100):  # the play thread may still be finishing its last render
        t = texts(app)
        if "at most 3 years" in t and "Play" in t:
            break
        time.sleep(0.1)
    assert "Years simulated: 3" in t
    assert "The browser app simulates at most 3 years per run" in t
    assert "Play" in t  # stopped by itself at the cap


def harness(page, session, lang="en"):
    @solara.component
    def Harness():
        solara.provide_context(AppContext, AppState(session=session, lang=lang, version=0))
        page()

    return Harness()


@pytest.fixture(scope="module")
def session():
    s = Session()
    s.step(5)
    s.set_distance_decay(1.0)
    s.step(2)
    return s


@pytest.mark.parametrize("page", [world.Page, ladder.Page, money.Page, bubbles.Page])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_each_page_renders_with_provenance(page, lang, session):
    _box, rc = solara.render(harness(page, session, lang), handle_error=False)
    t = texts(rc)
    assert ("model output · scenario teaching · seed 42" in t) or ("模型输出" in t)
    assert rc.find(v.Img).widgets or rc.find(v.Html, tag="img").widgets or "PNG" in t
    rc.close()


def test_money_page_shows_money_with_provenance_and_events():
    s = Session("dollar_run")
    s.step(2)
    s.force_run(2)
    s.step(3)
    _box, rc = solara.render(harness(money.Page, s), handle_error=False)
    t = texts(rc)
    assert "arrives with" not in t
    for title in (
        "The hegemon's manufacturing and finance shares",
        "Reserve credibility",
        "The hegemon's debt and deficit (% of GDP)",
        "The hegemon's interest bill, its rate and the policy rate (%)",
        "Reserves by tier",
        "Current account by tier",
    ):
        assert title in t, title
    assert "model output · scenario dollar_run · seed" in t
    assert "run threshold 0.35" in t
    assert rc.find(v.Html, class_="tt-mon-hegemon_debt_to_gdp").widgets
    rc.close()
    from tradetiers.ui import vega

    events = money.money_events(s.frames()["events"])
    assert any(e.year == 2002 and e.text.startswith("reserve run") for e in events)
    spec = vega.time_series(
        money.hegemon_series(s, ["reserve_credibility"]),
        {"reserve_credibility": "c"},
        "t",
        s.marks,
        events=events,
        threshold=(0.35, "run threshold"),
    )
    assert spec["datasets"]["threshold"] == [{"value": 0.35, "label": "run threshold"}]
    assert any(r["change"].startswith("reserve run") for r in spec["datasets"]["events"])


def test_compare_page_runs_both_and_caps_years(session):
    _box, rc = solara.render(harness(compare.Page, session), handle_error=False)
    click(rc, "tt-compare-run")
    t = texts(rc)
    assert "A: teaching, decay 0.5, finance 3% · B: teaching, decay 1.5, finance 3%" in t
    assert "Reserve credibility" in t and "Debt / GDP" in t  # money columns compared
    rc.close()


def test_compare_runs_money_levers_and_the_dollar_run():
    frames = compare.run_pair(("teaching", "dollar_run"), (0.5, 0.5), 42, 5, (0.0, 0.1))
    assert (
        frames["A"]["hegemon_finance_share"].iloc[-1]
        < frames["B"]["hegemon_finance_share"].iloc[-1]
    )
    assert "dollar_run" in compare.library()


def test_world_size_cap_message():
    from tradetiers.config import Scenario

    big = Scenario.from_dict(
        {"name": "big", "synthetic": {"countries": MAX_COUNTRIES + 1, "seed": 1}}
    )
    s, err = build_session(big, None)
    assert s is None and err.startswith("cap_countries")


def test_technology_levers_in_the_panel(app):
    click(app, "tt-step")
    rc_switch = app.find(v.Switch, class_="tt-export-control").widget
    rc_switch.v_model = True
    t = texts(app)
    assert "2001: HEG→MAN control ×4" in t or "control ×4" in t
    for key in ("rd_public_share", "export_control", "control_penalty", "open_source"):
        assert app.find(v.Html, class_=f"tt-lever-{key}").widgets, key
    rc_switch.v_model = False
    assert "export control off" in texts(app)


def test_vega_specs_are_valid_vega_lite(session):
    import altair as alt

    from tradetiers.ui import vega

    f = session.frames()
    specs = [
        vega.network(session.nodes(), session.edges(), "zh"),
        vega.time_series(f["world"], {"world_gdp": "GDP"}, "t", session.marks, "en"),
        vega.tier_series(f["world"], session.marks, "en"),
        vega.bubbles(f["countries"], "gdp", "population", "gdp", "tier", 2003, True, "en"),
    ]
    for spec in specs:
        alt.Chart.from_dict({k: v for k, v in spec.items() if k != "usermeta"})  # validates


def test_png_export_draws_chinese_with_a_cjk_font(session):
    from tradetiers.ui import charts

    assert charts.figure_lang("zh") == "zh", "no CJK font (pip install pylopdf-fonts-zh-cn)"
    fig = charts.tier_series(session.frames()["world"], session.marks, "zh")
    assert charts.png(fig).startswith(b"\x89PNG")


def test_money_levers_in_the_panel(app):
    click(app, "tt-step")
    for key in ("finance_spread", "regime", "hegemon_surplus", "rate_path", "tariff"):
        assert app.find(v.Html, class_=f"tt-lever-{key}").widgets, key
    app.find(v.Switch, class_="tt-rate-path").widget.v_model = True
    click(app, "tt-tariff-apply")
    click(app, "tt-reserve-run")
    t = texts(app)
    assert "2001: policy rate 8% × 5y" in t
    assert "2001: tariff 25% on" in t
    assert "2001: reserve run × 5y" in t
    click(app, "tt-tariff-lift")
    assert "2001: tariff lifted" in texts(app)

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


def test_a_step_re_renders_what_follows_the_year_not_the_lever_panel(app, monkeypatch):
    renders = {"levers": 0, "year": 0}

    def counting(name, read):
        def wrapped(self):
            renders[name] += 1
            return read(self)

        return wrapped

    monkeypatch.setattr(AppState, "lever_version", counting("levers", AppState.lever_version))
    monkeypatch.setattr(AppState, "world_version", counting("year", AppState.world_version))
    click(app, "tt-step")
    click(app, "tt-step")
    renders.update(levers=0, year=0)
    click(app, "tt-step")
    assert renders["levers"] == 0, "a step re-rendered the lever panel"
    assert renders["year"] > 0  # the page, the year, the "from year" sliders
    t = texts(app)
    assert "Years simulated: 3" in t
    assert "from year 2003" in t  # the sliders of scheduled levers follow the year
    click(app, "tt-cut")  # a lever re-renders the panel (its list of marks)
    assert renders["levers"] > 0
    assert "2003: cut" in texts(app)


def test_a_lever_the_model_changes_re_renders_the_panel(app, monkeypatch):
    from tradetiers.ui.session import Session

    click(app, "tt-step")
    state = Session.lever_state
    monkeypatch.setattr(Session, "lever_state", lambda self: (*state(self), self.model.year))
    renders = []
    read = AppState.lever_version
    monkeypatch.setattr(AppState, "lever_version", lambda self: renders.append(1) or read(self))
    click(app, "tt-step")
    assert renders  # what the panel shows changed during the year


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


def test_marks_of_a_year_sit_side_by_side_and_future_ones_stay_on_the_axis():
    from tradetiers.ui import vega

    s = Session()
    s.step(3)  # data for 2000-2002
    s.set_rate_path(True, 0.08, 2003, 5)  # starts next year, ends in 2008
    s.shock("HEG", "all", 0.9)  # also next year
    s.step()  # data through 2003
    f = s.frames()
    spec = vega.time_series(f["world"], {"world_gdp": "GDP"}, "t", s.marks, "en")
    rows = spec["datasets"]["marks"]
    years = [r["year"] for r in spec["datasets"]["main"]]
    assert max(r["year"] for r in rows) <= max(years) == 2003  # the axis ends at the data
    ends = next(r for r in rows if r["change"] == "rate path ends")
    assert ends["when"] == 2008 and ends["label"] == "→2008 rate path ends"
    same_year = [r["off"] for r in rows if r["year"] == 2003]
    assert len(same_year) == 3 and len(set(same_year)) == 3  # labels side by side
    assert all(r["label"] == r["change"] for r in rows if r["when"] <= 2003)
    layers = [layer for layer in spec["layer"] if layer.get("data", {}).get("name") == "marks"]
    assert any(layer["mark"].get("dy") == {"expr": "datum.off"} for layer in layers)
    # a duplicate mark is drawn once
    assert len(vega.mark_rows([*s.marks, s.marks[0]], 2003)) == len(rows)

"""The browser app's logic without Solara: sessions, levers, caps, export, translations."""

import io
import re
from pathlib import Path

import pandas as pd
import pytest

from tradetiers.ui import i18n
from tradetiers.ui.session import MAX_COUNTRIES, MAX_YEARS, CapError, Session, load_scenario

UI = Path(__file__).resolve().parents[1] / "src" / "tradetiers" / "ui"


def test_every_string_has_english_and_chinese():
    for key, (en, zh) in i18n.TEXT.items():
        assert en.strip() and zh.strip(), key
        assert set(re.findall(r"{(\w+)}", en)) == set(re.findall(r"{(\w+)}", zh)), key


def test_every_key_used_in_the_app_is_in_the_table():
    used = set()
    for path in UI.rglob("*.py"):
        used |= set(re.findall(r"""\b(?:t|tr)\(\s*["']([a-z0-9_]+)["']""", path.read_text()))
    assert used, "no translated strings found"
    assert used <= set(i18n.TEXT), used - set(i18n.TEXT)


def test_sessions_are_independent():
    a, b = Session(), Session()
    a.step(3)
    a.set_distance_decay(2.0)
    assert b.years_run == 0 and b.distance_decay == 0.5
    assert a.model is not b.model and a.model.scenario is not b.model.scenario


def test_lever_changes_act_from_the_next_year_and_are_marked():
    s = Session()
    s.step(3)
    s.set_distance_decay(2.0)
    assert s.marks[-1].year == s.model.year == 2003
    s.cut_link("HEG", "MAN")
    assert not s.model.graph.has_edge(s.model.index_of("HEG"), s.model.index_of("MAN"))
    assert s.restore_link("MAN", "HEG")
    s.shock("PET", "resources", 0.5)
    before = s.model.state.productivity[s.model.index_of("PET")].copy()
    s.step()
    after = s.model.state.productivity[s.model.index_of("PET")]
    assert after[1] == pytest.approx(0.5 * before[1])
    assert [m.year for m in s.marks] == [2003] * 4
    assert (s.frames()["events"]["year"] == 2003).sum() >= 3


def test_trade_costs_change_the_next_years_flows():
    base, high = Session(), Session()
    base.step(2)
    high.step(1)
    high.set_distance_decay(3.0)
    high.step(1)
    assert high.frames()["world"]["world_trade"].iloc[-1] != pytest.approx(
        base.frames()["world"]["world_trade"].iloc[-1]
    )


def test_caps_give_clear_messages():
    with pytest.raises(CapError, match=f"at most {MAX_COUNTRIES}"):
        load_scenario(_synthetic(MAX_COUNTRIES + 1))
    s = Session()
    s.model.year = s.model.scenario.start_year + MAX_YEARS  # as if the run had reached the cap
    with pytest.raises(CapError, match=f"at most {MAX_YEARS} years"):
        s.step()
    assert "最多" in CapError("cap_years", cap=MAX_YEARS).message("zh")


def _synthetic(n):
    from tradetiers.config import Scenario

    return Scenario.from_dict({"name": "big", "synthetic": {"countries": n, "seed": 1}})


def test_csv_carries_provenance():
    s = Session(seed=7)
    s.step(2)
    df = pd.read_csv(io.BytesIO(s.csv("countries")))
    assert set(df["source"]) == {"model output"}
    assert set(df["scenario"]) == {"teaching"} and set(df["seed"]) == {7}
    assert len(df) == 2 * s.model.state.n
    assert "seed 7" in s.provenance() and "种子 7" in s.provenance("zh")


def test_technology_levers_act_from_the_next_year_and_are_marked():
    s = Session()
    s.step(2)
    s.set_rd_public_share(0.02)
    assert s.rd_public_share == pytest.approx(0.02)
    s.set_rd_public_share(0.05, "FAB")
    assert s.model.state.rd_public_share[s.model.index_of("FAB")] == pytest.approx(0.05)
    s.set_hegemon_rule(False)
    assert not s.model.scenario.technology.hegemon_export_controls
    s.lift_controls()
    assert not s.model.controls
    s.set_export_control(True, "HEG", "FAB", year=2004, penalty=8)
    s.set_open_source("textiles", 2003)
    s.step()  # 2002: nothing scheduled acts yet
    assert not s.model.controls and not s.model.open_rungs.any()
    s.step()  # 2003: open source
    assert s.model.open_rungs[s.model.goods.index("textiles")]
    s.step()  # 2004: the control
    (control,) = s.model.controls
    assert control.penalty == 8 and control.source == "event"
    s.set_export_control(False)
    assert not s.model.controls  # lifted before the next year
    years = {m.text: m.year for m in s.marks}
    assert years["R&D 2% GDP"] == 2002 and years["HEG→FAB control ×8"] == 2004
    assert years["textiles open source"] == 2003 and years["export control off"] == 2005
    levers_logged = s.frames()["events"].query("kind == 'lever'")
    assert len(levers_logged) >= 5


def test_rescheduling_a_control_before_it_acts_replaces_it():
    s = Session()
    s.set_hegemon_rule(False)
    s.set_export_control(True, "HEG", "MAN", year=2003, penalty=2)
    s.set_export_control(True, "HEG", "MAN", year=2004, penalty=3)
    s.step(4)
    assert not s.model.controls  # the 2003 control was unscheduled
    s.step()
    assert [c.penalty for c in s.model.controls] == [3]


def test_network_nodes_cards_and_flash():
    s = Session()
    s.step(3)
    nodes = s.nodes()
    assert list(nodes["code"]) == list(s.model.state.codes)
    heg = nodes.set_index("code").loc["HEG"]
    assert heg["top_exports"] and "%" in heg["top_exports"]
    assert "ai" in heg["capability"]
    changes = s.frames()["events"].query("kind == 'tier_change' and year == @s.last_year")
    assert set(nodes.loc[nodes["changed"], "code"]) == set(changes["country"])
    s.cut_link("HEG", "MAN")
    assert s.edges()["cut"].sum() == 1


def test_money_levers_act_from_the_next_year_and_are_marked():
    s = Session()
    s.step(2)
    s.set_finance_spread(0.08)
    s.set_rate_path(True, rate=0.08, year=2004, years=5)
    s.set_tariff(["MAN", "FAB"], 0.25)
    s.force_run(3)
    texts = [m.text for m in s.marks]
    assert "finance premium 3→8%" in texts and "tariff 25% on MAN,FAB" in texts
    assert any(m.year == 2004 and "policy rate 8%" in m.text for m in s.marks)
    s.step(8)
    w = s.frames()["world"].set_index("year")
    assert w.loc[2003, "policy_rate"] == pytest.approx(0.03)
    assert w.loc[2004:2008, "policy_rate"].eq(0.08).all()
    assert w.loc[2009, "policy_rate"] == pytest.approx(0.03)
    assert w.loc[2002, "reserve_run"] == 1 and w.loc[2001, "reserve_run"] == 0
    assert w.loc[2002, "tariffs"] >= 1 and w.loc[2001, "tariffs"] == 0
    assert s.model.scenario.money.finance_spread == 0.08
    ev = s.frames()["events"]
    assert ((ev["kind"] == "tariff") & (ev["year"] == 2002)).any()
    # lifting and cancelling act from the next year
    s.set_tariff(["MAN", "FAB"], 0.0)
    assert s.tariff is None and "tariff lifted" in s.marks[-1].text
    s.set_regime("balanced")
    s.set_hegemon_surplus(0.05)
    assert s.model.scenario.money.regime == "balanced"
    assert s.model.scenario.money.hegemon_surplus == 0.05


def test_a_rate_path_cancelled_while_it_acts_ends_next_year():
    s = Session()
    s.step(1)
    s.set_rate_path(True, rate=0.1, year=0, years=10)
    s.step(3)
    s.set_rate_path(False)
    s.step(2)
    w = s.frames()["world"].set_index("year")
    assert w.loc[2001:2003, "policy_rate"].eq(0.1).all()
    assert w.loc[2004:, "policy_rate"].eq(0.03).all()
    assert s.marks[-1].text == "rate path cancelled"

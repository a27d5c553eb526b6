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

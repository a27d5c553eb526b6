"""Every shipped scenario runs its whole horizon with no NaN and no broken identity (#5),
has its info text, and is listed by `tradetiers scenarios`."""

import pytest

from tradetiers import Scenario, TradeModel
from tradetiers.cli import main
from tradetiers.config import InfoText, shipped_configs_dir
from tradetiers.identities import identity_errors, state_problems

SHIPPED = sorted(shipped_configs_dir().glob("*.toml"))
INFO_FIELDS = list(InfoText.model_fields)  # the NetLogo Info tab, in its order


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_runs_its_horizon_with_identities(path):
    scenario = Scenario.load(path)
    model = TradeModel(scenario)
    for _ in range(scenario.years):
        model.step()
        errors = identity_errors(model)
        worst = max(errors, key=errors.get)
        assert errors[worst] <= 1e-9, f"{model.year - 1}: {worst} = {errors[worst]:.2e}"
        assert state_problems(model) == [], model.year - 1
    frame = model.world_frame()
    assert len(frame) == scenario.years
    assert frame.select_dtypes("number").notna().all().all()


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_has_a_summary_and_a_full_info_text(path):
    scenario = Scenario.load(path)
    assert scenario.title and scenario.summary
    for field in INFO_FIELDS:
        assert len(getattr(scenario.info, field)) > 20, field


def test_scenarios_command_lists_every_one(capsys):
    assert main(["scenarios"]) == 0
    out = capsys.readouterr().out
    for path in SHIPPED:
        assert Scenario.load(path).name in out


def test_added_events_append_to_the_base(tmp_path):
    path = tmp_path / "more.toml"
    path.write_text(
        'extends = "blockade"\nname = "more"\n'
        '[[added_events]]\nkind = "open_source"\nyear = 2010\nrung = "ai"\n',
        encoding="utf-8",
    )
    scenario = Scenario.load(path)
    assert [e.kind for e in scenario.events] == ["export_control", "open_source"]

"""Every shipped scenario builds with defaults and steps (Mesa's convention)."""

from tradetiers import TradeModel
from tradetiers.config import shipped_configs_dir


def test_default_model_builds_and_steps():
    model = TradeModel()
    model.step()
    assert model.year == model.scenario.start_year + 1
    assert len(model.world_frame()) == 1


def test_every_shipped_scenario_steps():
    for path in sorted(shipped_configs_dir().glob("*.toml")):
        model = TradeModel(scenario=path)
        model.step()
        model.step()
        assert len(model.country_frame()) == 2 * model.state.n

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


def test_finished_models_are_released():
    """No run stays in memory once dropped (Mesa 3.3 kept every model: mesa#3179)."""
    import gc

    for seed in range(3):
        TradeModel(rng=seed).run(2)
    gc.collect()
    assert not [o for o in gc.get_objects() if isinstance(o, TradeModel)]

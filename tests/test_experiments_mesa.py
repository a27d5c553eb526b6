"""TradeModel works with ``mesa.batch_run``, quirks included, and agrees with a sweep."""

from __future__ import annotations

import mesa
import pytest
from experiment_specs import write

from tradetiers import TradeModel
from tradetiers.experiments.mesa_compat import (
    BatchTradeModel,
    batch_run_steps,
    batch_run_takes_rng,
    batch_seeds,
    seed_arguments,
)
from tradetiers.experiments.runner import run_sweep
from tradetiers.experiments.spec import load_spec
from tradetiers.experiments.store import Store


def test_plain_trade_model_runs_the_batch_runners_steps():
    params, kwargs = seed_arguments([1, 2])  # a parameter on Mesa 3.3, rng= on 3.4+
    rows = mesa.batch_run(
        TradeModel, parameters=params, max_steps=3, display_progress=False, **kwargs
    )
    assert len(rows) == 2
    # Mesa 3.3 loops while steps <= max_steps: four years, 2000..2003; Mesa 3.4+ three
    last = 2000 + batch_run_steps(3) - 1
    assert [r["year"] for r in rows] == [last, last]
    assert batch_run_steps(3) == (3 if mesa.__version__ >= "3.4" else 4)
    assert [r["rng"] for r in rows] == [1, 2]
    assert all(r["world_gdp"] > 0 for r in rows)


@pytest.mark.filterwarnings("ignore:The `iterations` keyword argument is deprecated")
def test_iterations_without_seeds_repeat_the_same_run():
    """Iterations repeat identical keywords (Mesa 3.4+: rng=None each): give seeds."""
    rows = mesa.batch_run(
        TradeModel, parameters={"scenario": "teaching"}, iterations=2, max_steps=2,
        display_progress=False,
    )  # fmt: skip
    assert rows[0]["world_trade"] == rows[1]["world_trade"]


def test_seed_arguments_follow_the_installed_batch_run():
    params, kwargs = seed_arguments(iter([4, 5]))
    if batch_run_takes_rng():  # Mesa >= 3.4
        assert (params, kwargs) == ({}, {"rng": [4, 5]})
    else:  # Mesa 3.3
        assert mesa.__version__.startswith("3.3")
        assert (params, kwargs) == ({"rng": [4, 5]}, {})
    # BatchTradeModel's signature names rng, not seed, so Mesa 3.4+ passes rng=
    import inspect

    assert "seed" not in inspect.signature(BatchTradeModel).parameters


def test_batch_model_takes_dotted_settings_a_horizon_and_sweep_seeds(tmp_path):
    seeds = batch_seeds(7, 2)
    params, kwargs = seed_arguments(seeds)
    rows = mesa.batch_run(
        BatchTradeModel,
        parameters={
            "scenario": "teaching",
            "parameters.distance_decay": [0.3, 1.0],
            "years": 5,
            **params,
        },
        max_steps=1000,
        display_progress=False,
        **kwargs,
    )
    assert len(rows) == 4
    assert {r["year"] for r in rows} == {2004}  # stopped at the horizon, not max_steps
    by = {(r["parameters.distance_decay"], r["rng"]): r["world_trade"] for r in rows}
    assert by[(0.3, seeds[0])] > by[(1.0, seeds[0])]

    # the same settings and seeds in a sweep give the same numbers
    spec = write(
        tmp_path,
        """
name = "mesa"
years = 5
seed = 7
replications = 2
[[levers]]
path = "parameters.distance_decay"
values = [0.3, 1.0]
[[outcomes]]
name = "trade"
column = "world_trade"
""",
    )
    run_sweep(load_spec(spec), tmp_path / "sweep", workers=0)
    store = Store(tmp_path / "sweep")
    merged = store.read("runs").merge(store.read("outcomes"), on="run_id")
    for _, row in merged.iterrows():
        assert row["trade"] == by[(row["distance_decay"], row["seed"])]


def test_batch_model_accepts_double_underscores_and_seed_alias():
    model = BatchTradeModel(parameters__distance_decay=0.7, seed=3, years=2)
    assert model.scenario.parameters.distance_decay == 0.7
    model.run()
    assert not model.running and model.year == 2002
    with pytest.raises(ValueError, match="no field 'distance_dcay'"):
        BatchTradeModel(parameters__distance_dcay=0.7)

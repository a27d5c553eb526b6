"""FAST designs end to end: ``tradetiers sweep`` on worker processes, then ``tradetiers
analyze`` computes SALib's FAST indices (S1, ST) per lever setting; a FAST setting that
SALib cannot sample is a one-line error with exit code 2."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from experiment_specs import DECAY_AND_DUMMY, write

from tradetiers import cli
from tradetiers.experiments.analysis import load, sensitivity
from tradetiers.experiments.spec import SpecError, load_spec
from tradetiers.experiments.store import Store

# 2 lever settings x (17 samples x 2 uncertainties) = 68 runs of 3 years. SALib's FAST
# needs N > 4 M^2: with M = 2, N = 17 is the smallest design. sinkhorn_max_iter is a
# dummy (the allocation converges long before either bound).
FAST = (
    """
name = "fast-small"
description = "Which uncertainty drives world trade, by reallocation speed?"
years = 3
seed = 13

[[levers]]
path = "parameters.reallocation_speed"
name = "speed"
values = [0.25, 0.5]

"""
    + DECAY_AND_DUMMY
    + """

[sampling]
method = "fast"
samples = 17
fast_m = 2

[[outcomes]]
name = "trade"
column = "world_trade"
stat = "last"

[[outcomes]]
name = "heg_tier"
column = "tier"
country = "HEG"
stat = "last"
"""
)
N, FACTORS, SETTINGS = 17, ["distance_decay", "max_iter"], [0.25, 0.5]
RUNS = len(SETTINGS) * N * len(FACTORS)


@pytest.fixture(scope="module")
def fast_sweep(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fast")
    spec = write(folder, FAST)
    out = folder / "sweep"
    assert cli.main(["sweep", str(spec), "--out", str(out), "--workers", "1", "--quiet"]) == 0
    return out


def test_fast_design_runs_end_to_end(fast_sweep):
    runs = Store(fast_sweep).read("runs")
    assert len(runs) == RUNS and (runs["status"] == "ok").all()
    assert runs["run_id"].tolist() == list(range(RUNS))
    # each lever setting holds the same intact SALib sample, in SALib's order
    from SALib.sample import fast_sampler

    problem = {"num_vars": 2, "names": FACTORS, "bounds": [[0.1, 2.0], [1500, 3000]]}
    x = fast_sampler.sample(problem, N, M=2, seed=13)
    for speed in SETTINGS:
        block = runs[runs["speed"] == speed].sort_values("run_id")
        np.testing.assert_allclose(block["distance_decay"], x[:, 0], rtol=1e-12)
        np.testing.assert_allclose(block["max_iter"], x[:, 1], atol=0.5)  # an int setting


def test_analyze_computes_fast_indices_per_lever_setting(fast_sweep, tmp_path, capsys):
    out = tmp_path / "analysis"
    assert cli.main(["analyze", str(fast_sweep), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "fast sensitivity indices (SALib)" in printed
    names = {p.name for p in out.iterdir()}
    assert {"summary.csv", "sensitivity.csv", "outcomes.png", "sensitivity.png"} <= names

    table = pd.read_csv(out / "sensitivity.csv", keep_default_na=False, na_values=[""])
    # one row per lever setting, outcome and factor; a flat outcome gets one note row
    assert list(table.columns) == [
        "speed", "outcome", "factor", "S1", "S1_conf", "ST", "ST_conf", "note",
    ]  # fmt: skip
    trade = table[table["outcome"] == "trade"]
    assert trade[["speed", "factor"]].values.tolist() == [[s, f] for s in SETTINGS for f in FACTORS]
    indices = trade[["S1", "ST"]].to_numpy()
    assert np.isfinite(indices).all()
    assert ((indices >= 0) & (indices <= 1)).all()
    assert (trade["S1"] <= trade["ST"] + 1e-9).all()
    for _, block in trade.groupby("speed"):
        block = block.set_index("factor")
        assert block.loc["distance_decay", "S1"] > 0.5
        assert block.loc["distance_decay", "ST"] > 0.8
        # the dummy: near zero, up to the leakage of so small a FAST design (N = 17)
        assert block.loc["max_iter", "S1"] < 0.1 and block.loc["max_iter", "ST"] < 0.3
    flat = table[table["outcome"] == "heg_tier"]
    assert flat["note"].tolist() == ["the outcome does not vary"] * len(SETTINGS)


@pytest.mark.filterwarnings("ignore:FAST confidence intervals")
def test_fast_indices_agree_with_salib_on_the_same_outputs(fast_sweep):
    from SALib.analyze import fast

    res = load(fast_sweep)
    ours = sensitivity(res)
    problem = {"num_vars": 2, "names": FACTORS, "bounds": [[0.1, 2.0], [1500, 3000]]}
    for speed in SETTINGS:
        y = res.outcomes[res.outcomes["speed"] == speed].sort_values("run_id")["trade"]
        direct = fast.analyze(problem, y.to_numpy(), M=2, seed=13)
        mine = ours[(ours["outcome"] == "trade") & (ours["speed"] == speed)]
        np.testing.assert_allclose(mine["S1"], direct["S1"], rtol=1e-12)
        np.testing.assert_allclose(mine["ST"], direct["ST"], rtol=1e-12)


BAD_FAST = [
    # SALib's fast_sampler needs N > 4 M^2 (it raises a multi-line ValueError otherwise)
    ("samples = 17", "samples = 16", "sampling.samples = 16", "more than 4 * fast_m^2 = 16"),
    ("fast_m = 2", "fast_m = 3", "sampling.samples = 17", "more than 4 * fast_m^2 = 36"),
    ("fast_m = 2", "fast_m = 0", "sampling.fast_m = 0", "should be greater than or equal to 1"),
    ("samples = 17\n", "", "sampling.samples", "a fast design needs samples"),
    ("low = 0.1\nhigh = 2.0", "values = [0.1, 2.0]", "uncertainties[0].values = [0.1, 2.0]",
     "a fast design needs a range (low and high)"),
]  # fmt: skip


@pytest.mark.parametrize(("old", "new", "field", "allowed"), BAD_FAST)
def test_bad_fast_setting_is_one_line_naming_file_field_and_allowed(
    tmp_path, old, new, field, allowed
):
    assert FAST.count(old) == 1
    path = write(tmp_path, FAST.replace(old, new))
    with pytest.raises(SpecError) as info:
        load_spec(path, check_outcomes=False)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: {field}"), message
    assert allowed in message, message


def test_cli_bad_fast_samples_exit_2_one_line_and_nothing_written(tmp_path, capsys):
    path = write(tmp_path, FAST.replace("samples = 17", "samples = 16"))
    out = tmp_path / "out"
    code = cli.main(["sweep", str(path), "--out", str(out), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.splitlines() == [
        f"tradetiers: error: {path}: sampling.samples = 16: "
        "FAST needs more than 4 * fast_m^2 = 16 samples (SALib's N > 4M^2); "
        "raise samples or lower fast_m"
    ]
    assert not out.exists()

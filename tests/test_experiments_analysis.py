"""Analysis: SALib indices for a small Sobol design, Morris screening, the summary table,
and the plots and tables that ``tradetiers analyze`` writes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from experiment_specs import DECAY_AND_DUMMY, write

from tradetiers import cli
from tradetiers.experiments.analysis import analyze, load, sensitivity, summary
from tradetiers.experiments.runner import run_sweep
from tradetiers.experiments.spec import load_spec

# 16 x (2 + 2) = 64 runs of 4 years. sinkhorn_max_iter is a dummy: the allocation
# converges long before either bound, so it cannot matter.
SOBOL = (
    """
name = "sobol-small"
description = "Which uncertainty drives world trade?"
years = 4
seed = 21

"""
    + DECAY_AND_DUMMY
    + """

[sampling]
method = "sobol"
samples = 16

[[outcomes]]
name = "trade"
column = "world_trade"
stat = "last"

[[outcomes]]
name = "tier_changes"
column = "countries_tier_1"
stat = "last"

[[series]]
columns = ["world_trade"]

[[series]]
columns = ["gdp"]
countries = ["MAN", "HEG"]
"""
)


@pytest.fixture(scope="module")
def sobol_sweep(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sobol")
    exp = load_spec(write(folder, SOBOL))
    result = run_sweep(exp, folder / "sweep", workers=0)
    assert result.done == 64 and result.failed == 0
    return folder / "sweep"


def test_sobol_indices_find_the_factor_that_matters(sobol_sweep):
    table = sensitivity(load(sobol_sweep))
    trade = table[table["outcome"] == "trade"].set_index("factor")
    assert list(trade.index) == ["distance_decay", "max_iter"]
    assert np.isfinite(trade[["S1", "ST", "S1_conf", "ST_conf"]].to_numpy()).all()
    assert trade.loc["distance_decay", "ST"] > 0.8
    assert trade.loc["distance_decay", "S1"] > 0.5
    assert trade.loc["max_iter", "ST"] == 0 and trade.loc["max_iter", "S1"] == 0  # a dummy
    # the hegemon stays tier 1 in every run: no variance, no indices, a note instead
    flat = table[table["outcome"] == "tier_changes"]
    assert flat["note"].tolist() == ["the outcome does not vary"]


def test_sobol_indices_agree_with_salib_on_the_same_sample(sobol_sweep):
    from SALib.analyze import sobol

    res = load(sobol_sweep)
    y = res.outcomes.sort_values("point_id")["trade"].to_numpy()
    problem = {
        "num_vars": 2,
        "names": ["distance_decay", "max_iter"],
        "bounds": [[0.1, 2.0], [1500, 3000]],
    }
    direct = sobol.analyze(problem, y, calc_second_order=False, seed=21)
    ours = sensitivity(res)
    ours = ours[ours["outcome"] == "trade"]
    np.testing.assert_allclose(ours["ST"], direct["ST"], rtol=1e-12)
    np.testing.assert_allclose(ours["S1"], direct["S1"], rtol=1e-12)


def test_analyze_command_prints_and_writes_tables_and_plots(sobol_sweep, tmp_path, capsys):
    out = tmp_path / "analysis"
    assert cli.main(["analyze", str(sobol_sweep), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "sobol sensitivity indices" in printed and "distance_decay" in printed
    assert "model output: spec sobol-small" in printed
    names = {p.name for p in out.iterdir()}
    assert {"summary.csv", "sensitivity.csv", "outcomes.png", "sensitivity.png"} <= names
    assert {"fan_world_trade.png", "fan_gdp.png"} <= names
    for png in out.glob("*.png"):
        data = png.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
    table = pd.read_csv(out / "summary.csv")
    assert table["outcome"].tolist() == ["trade", "tier_changes"]
    assert (table["runs"] == 64).all()


MORRIS = (
    """
name = "morris-small"
years = 4
seed = 2
replications = 2

[[levers]]
path = "graph.kind"
values = ["complete", "sparse"]

"""
    + DECAY_AND_DUMMY
    + """

[sampling]
method = "morris"
samples = 3

[[outcomes]]
name = "trade"
column = "world_trade"
"""
)


def test_morris_per_lever_setting_and_summary_by_lever(tmp_path):
    exp = load_spec(write(tmp_path, MORRIS))
    result = run_sweep(exp, tmp_path / "sweep", workers=0)
    assert result.done == 2 * 9 * 2
    res = load(tmp_path / "sweep")
    table = sensitivity(res)
    assert set(table["kind"]) == {"complete", "sparse"}
    for _, block in table.groupby("kind"):
        block = block.set_index("factor")
        assert block.loc["distance_decay", "mu_star"] > 10 * block.loc["max_iter", "mu_star"]
    s = summary(res)
    assert s["kind"].tolist() == ["complete", "sparse"]
    assert (s["runs"] == 18).all()
    report = analyze(tmp_path / "sweep", plots=False)
    assert [p.name for p in report.files] == ["summary.csv", "sensitivity.csv"]

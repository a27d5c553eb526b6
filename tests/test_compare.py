"""``tradetiers compare A B``: two scenarios over the same seeds, paired by seed."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tradetiers import cli
from tradetiers.config import Scenario, ScenarioError
from tradetiers.model import TradeModel
from tradetiers.validation import compare
from tradetiers.validation.comparison import choose, key_indicators
from tradetiers.validation.runs import Probe

SEEDS = 3
YEARS = 12
COLUMNS = ["hegemon_finance_share", "world_gdp", ("MAN", "gdp"), "FAB.manufacturing_share"]
NO_SPREAD = """extends = "teaching"
name = "no_spread"
[money]
finance_spread = 0.0
"""


@pytest.fixture(scope="module")
def no_spread(tmp_path_factory):
    path = tmp_path_factory.mktemp("compare") / "no_spread.toml"
    path.write_text(NO_SPREAD, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def result(no_spread):
    return compare("teaching", no_spread, seeds=SEEDS, years=YEARS, workers=0, columns=COLUMNS)


def direct(scenario, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    model = TradeModel(scenario=Scenario.load(scenario), rng=seed).run(YEARS)
    return model.world_frame(), model.country_frame()


def test_paired_differences_equal_direct_runs(result, no_spread):
    assert result.names == [
        "hegemon_finance_share",
        "world_gdp",
        "MAN.gdp",
        "FAB.manufacturing_share",
    ]
    assert result.seeds == [0, 1, 2] and result.years == YEARS
    for seed in range(SEEDS):
        wa, ca = direct("teaching", seed)
        wb, cb = direct(no_spread, seed)
        rows = result.per_seed[result.per_seed["seed"] == seed]
        for name, a, b in [
            ("hegemon_finance_share", wa["hegemon_finance_share"], wb["hegemon_finance_share"]),
            ("world_gdp", wa["world_gdp"], wb["world_gdp"]),
            ("MAN.gdp", ca[ca["country"] == "MAN"]["gdp"], cb[cb["country"] == "MAN"]["gdp"]),
        ]:
            got = rows[rows["indicator"] == name]
            assert list(got["year"]) == list(range(2000, 2000 + YEARS))
            np.testing.assert_array_equal(got["a"].to_numpy(), a.to_numpy(dtype=float))
            np.testing.assert_array_equal(got["b"].to_numpy(), b.to_numpy(dtype=float))
            np.testing.assert_array_equal(got["diff"].to_numpy(), (b - a).to_numpy(dtype=float))


def test_statistics_summarise_the_seeds(result):
    last = 2000 + YEARS - 1
    rows = result.at("world_gdp", last)
    stat = result.stats[(result.stats["indicator"] == "world_gdp") & (result.stats["year"] == last)]
    stat = stat.iloc[0]
    assert stat["a_mean"] == pytest.approx(rows["a"].mean(), rel=1e-12)
    assert stat["diff_mean"] == pytest.approx(rows["diff"].mean(), rel=1e-12)
    assert stat["diff_low"] == pytest.approx(np.quantile(rows["diff"], 0.05), rel=1e-12)
    assert stat["diff_high"] == pytest.approx(np.quantile(rows["diff"], 0.95), rel=1e-12)
    assert stat["b_greater"] == int((rows["diff"] > 0).sum()) and stat["n"] == SEEDS
    assert result.table_years() == [2006, 2010, 2011]  # 12 years: the middle, 10 in, the end


def test_no_finance_spread_lowers_the_hegemon_finance_share(result):
    for year in result.table_years():
        assert result.b_greater("hegemon_finance_share", year) == 0
        assert (result.at("hegemon_finance_share", year)["diff"] < 0).all()


def test_identical_scenarios_differ_by_nothing():
    same = compare("teaching", "teaching", seeds=2, years=6, workers=0)
    assert "hegemon_debt_to_gdp" in same.names and "margin_ai" in same.names
    assert (same.per_seed["diff"].fillna(0) == 0).all()
    assert (same.stats["b_greater"] == 0).all()


def test_dollar_run_raises_the_hegemon_debt_in_every_seed():
    res = compare("teaching", "dollar_run", seeds=SEEDS, years=15, workers=0)
    assert res.b_greater("hegemon_debt_to_gdp", 2014) == SEEDS
    assert res.b_greater("reserve_credibility", 2014) == 0


def test_different_start_years_pair_by_years_since_the_start(tmp_path):
    late = tmp_path / "late.toml"
    late.write_text('extends = "teaching"\nname = "late"\nstart_year = 2010\n', encoding="utf-8")
    res = compare("teaching", late, seeds=1, years=4, workers=0, columns=["world_gdp"])
    assert list(res.per_seed["year"]) == [2000, 2001, 2002, 2003]
    assert list(res.per_seed["year_b"]) == [2010, 2011, 2012, 2013]
    assert "years since the start (A from 2000, B from 2010)" in res.caption


def test_nothing_in_common_is_a_one_line_error():
    sc = Scenario.load("teaching")
    a = Probe(["world_gdp"], ["gdp"], ["HEG"])
    b = Probe(["world_trade"], ["gdp"], ["HEG"])
    with pytest.raises(ScenarioError, match="have no key indicator in common"):
        choose(sc, sc, a, b, None)
    assert [i.column for i in key_indicators(sc)][-2:] == ["margin_ai", "frontier_ai"]


# -- the command -----------------------------------------------------------------------------
def test_cli_writes_csv_and_png(tmp_path, capsys, no_spread):
    out = tmp_path / "out"
    args = ["compare", "teaching", str(no_spread), "--seeds", "2", "--years", "6"]
    code = cli.main([*args, "--workers", "0", "--out", str(out)])
    assert code == 0
    printed = capsys.readouterr().out
    assert "A = scenario teaching, B = scenario no_spread, seeds 0–1, paired by seed" in printed
    assert "hegemon finance share of GDP" in printed
    stats = pd.read_csv(out / "compare.csv")
    assert {"indicator", "year", "a_mean", "b_mean", "diff_mean", "b_greater"} <= set(stats)
    assert (out / "compare.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert sorted(p.name for p in out.iterdir()) == ["compare.csv", "compare.png"]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            ["--columns", "world_gdpp"],
            "compare: columns = 'world_gdpp': not a numeric column of scenario teaching's "
            "world_frame()",
        ),
        (
            ["--columns", "USA.gdp"],
            "compare: columns = 'USA.gdp': scenario teaching has no country USA",
        ),
        (["--years", "0"], "--years: years = 0: must be between 1 and 1000"),
        (["--seeds", "0"], "--seeds: seeds = 0: must be between 1 and 10,000"),
        (["--workers", "-2"], "--workers: workers = -2: must be 0 or more"),
    ],
)
def test_cli_errors_are_one_line_exit_2_nothing_written(tmp_path, capsys, extra, message):
    out = tmp_path / "out"
    code = cli.main(["compare", "teaching", "dollar_run", "--out", str(out), *extra])
    assert code == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines == [f"tradetiers: error: {message}"] or (
        len(lines) == 1 and lines[0].startswith(f"tradetiers: error: {message}")
    )
    assert not out.exists()


def test_a_bad_scenario_is_a_user_error(tmp_path, capsys):
    out = tmp_path / "out"
    assert cli.main(["compare", "teaching", "no_such_world", "--out", str(out)]) == 2
    assert "no_such_world" in capsys.readouterr().err
    assert not out.exists()

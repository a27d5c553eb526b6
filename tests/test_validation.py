"""``tradetiers validate``: targets in a scenario, checked against runs over seeds.

The scenario is the teaching world (``extends = "teaching"``) run for nine years over
three seeds. The targets are placed relative to the model's own output, computed here
from direct runs, so that some pass and some fail by a clear margin whatever the model's
numbers are: the tests check the arithmetic, the verdicts, the files and the errors, not
the model.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tradetiers import cli
from tradetiers.config import Scenario, ScenarioError
from tradetiers.model import TradeModel
from tradetiers.validation import validate
from tradetiers.validation.spec import Target

SEEDS = [0, 1, 2]
YEARS = 9  # 2000..2008: the latest target year is 2008
HEADER = """extends = "teaching"
name = "probe"
years = 10

[validation]
seeds = 3
nominal_gdp = "{nominal}"
"""
NOMINAL = """country,year,value,unit,source
HEG,2005,8.0,US$ trillion,made up for a test
HEG,2006,10.0,US$ trillion,made up for a test
WLD,2005,50.0,US$ trillion,made up for a test
"""


def target(**fields: object) -> str:
    lines = ["", "[[validation.targets]]"]
    for key, value in fields.items():
        if isinstance(value, bool):
            shown = "true" if value else "false"
        elif isinstance(value, str):
            shown = f'"{value}"'
        else:
            shown = repr(float(value)) if isinstance(value, float) else str(value)
        lines.append(f"{key} = {shown}")
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> dict:
    """The scenario's header (no targets yet) and the direct runs' figures targets sit by."""
    folder = tmp_path_factory.mktemp("validation")
    nominal = folder / "nominal.csv"
    nominal.write_text(NOMINAL, encoding="utf-8")
    header = HEADER.format(nominal=nominal)
    scenario = Scenario.load(
        write(folder, "runs", header + target(**SHARE, value=1.0, set="seed", tolerance=1.0))
    )
    worlds, countries = [], []
    for seed in SEEDS:
        model = TradeModel(scenario=scenario, rng=seed).run(YEARS)
        worlds.append(model.world_frame())
        countries.append(model.country_frame())
    share = np.array(
        [
            float(c.query("country == 'HEG' and year == 2005")["manufacturing_share"].iloc[0])
            for c in countries
        ]
    )
    trade = np.array([float(w.query("year == 2008")["world_trade"].iloc[0]) for w in worlds])
    heg_2006 = [c.query("country == 'HEG' and year == 2006").iloc[0] for c in countries]
    debt = np.array([float(r["debt"]) / float(r["gdp"]) * 10.0 for r in heg_2006])
    world_2005 = [w.query("year == 2005").iloc[0] for w in worlds]  # US$ bn via WLD's GDP
    usd = np.array([float(r["world_trade"]) / float(r["world_gdp"]) * 50_000 for r in world_2005])
    return {
        "folder": folder,
        "header": header,
        "share": 100 * share,
        "trade": trade,
        "debt": debt,
        "trade_usd": usd,
    }


SHARE = {
    "indicator": "man_share",
    "label": "Hegemonia manufacturing, % of GDP",
    "country": "HEG",
    "column": "manufacturing_share",
    "year": 2005,
    "scale": 100.0,
    "unit": "% of GDP",
    "source": "test: direct run",
}
TRADE = {"indicator": "trade", "column": "world_trade", "year": 2008, "source": "test"}
TRADE_USD = {
    "indicator": "trade_usd",
    "column": "world_trade",
    "year": 2005,
    "convert": "usd_billion",
    "unit": "US$ billion",
    "source": "test",
}
DEBT = {
    "indicator": "debt",
    "country": "HEG",
    "column": "debt",
    "year": 2006,
    "convert": "usd_trillion",
    "unit": "US$ trillion",
    "source": "test",
}


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def mixed(base: dict) -> str:
    """Five targets: three pass, a required one fails, an indicative one fails."""
    share, trade, debt = base["share"].mean(), base["trade"].mean(), base["debt"].mean()
    return (
        base["header"]
        + target(**SHARE, value=share + 0.5, set="seed", tolerance=1.0)  # pass
        + target(**SHARE, value=share + 3.0, set="official", tolerance=1.0)  # fail
        + target(**TRADE, value=trade * 1.05, set="seed", tolerance_relative=0.1)  # pass
        + target(**TRADE, value=trade * 1.5, set="official", tolerance_relative=0.2, required=False)
        + target(**DEBT, value=debt, set="official", tolerance=0.01)  # pass
    )


def passing(base: dict) -> str:
    share, trade = base["share"].mean(), base["trade"].mean()
    return (
        base["header"]
        + target(**SHARE, value=share - 0.5, set="seed", tolerance=1.0)
        + target(**TRADE, value=trade * 0.95, set="official", tolerance_relative=0.1)
        # run with --seeds 2: the mean of seeds 0 and 1
        + target(**TRADE_USD, value=base["trade_usd"][:2].mean(), set="seed", tolerance=1e-6)
    )


@pytest.fixture(scope="module")
def result(base):
    return validate(write(base["folder"], "mixed", mixed(base)), workers=0)


# -- the numbers -----------------------------------------------------------------------------
def test_table_numbers_equal_a_direct_computation(base, result):
    t = result.targets
    assert result.seeds == SEEDS and result.band == 0.9
    for i, values in enumerate([base["share"], base["share"], base["trade"], base["trade"]]):
        assert t["mean"][i] == pytest.approx(values.mean(), rel=1e-12)
        assert t["band_low"][i] == pytest.approx(np.quantile(values, 0.05), rel=1e-12)
        assert t["band_high"][i] == pytest.approx(np.quantile(values, 0.95), rel=1e-12)
    # converted: debt / model GDP x nominal GDP (10 US$ trillion for HEG in 2006)
    assert t["mean"][4] == pytest.approx(base["debt"].mean(), rel=1e-12)
    assert list(t["pass"]) == [True, False, True, False, True]
    assert not result.passed  # the required official share fails
    assert list(result.failures["set"]) == ["official"]


def test_lines_put_the_two_sets_side_by_side(result):
    lines = result.lines
    assert list(zip(lines["indicator"], lines["country"], lines["year"], strict=True)) == [
        ("man_share", "HEG", 2005),
        ("trade", "world", 2008),
        ("debt", "HEG", 2006),
    ]
    first = lines.iloc[0]
    assert first["seed_pass"] and not first["official_pass"]
    assert first["seed_tolerance"] == "± 1" and first["official_required"]
    assert lines.iloc[1]["official_tolerance"] == "± 20%"
    assert pd.isna(lines.iloc[2]["seed_value"])  # no seed essay figure: a dash in the table


def test_series_covers_every_year_run_and_converted_years_only_with_data(result):
    s = result.series
    share = s[s["indicator"] == "man_share"]
    assert sorted(share["year"].unique()) == list(range(2000, 2000 + YEARS))
    assert sorted(share["seed"].unique()) == SEEDS
    debt = s[s["indicator"] == "debt"]
    assert sorted(debt["year"].unique()) == [2005, 2006]  # the nominal GDP rows


def test_relative_and_absolute_tolerances():
    rel = Target(
        indicator="x", column="c", year=2000, value=-100.0, set="seed", source="s",
        tolerance_relative=0.1,
    )  # fmt: skip
    assert rel.allowed_error == pytest.approx(10.0)
    assert rel.passes(-110.0) and rel.passes(-90.0) and not rel.passes(-110.5)
    assert not rel.passes(float("nan"))
    absolute = Target(
        indicator="x", column="c", year=2000, value=5.0, set="official", source="s",
        tolerance=0.5,
    )  # fmt: skip
    assert absolute.passes(5.5) and absolute.passes(4.5) and not absolute.passes(5.51)


def test_two_workers_give_the_numbers_of_one_process(base, result):
    path = write(base["folder"], "mixed2", mixed(base))
    parallel = validate(path, workers=2)
    pd.testing.assert_frame_equal(parallel.series, result.series)
    pd.testing.assert_frame_equal(parallel.targets, result.targets)


# -- the command -----------------------------------------------------------------------------
def test_cli_writes_csv_and_png_and_exits_1_when_a_required_target_fails(base, tmp_path, capsys):
    path = write(tmp_path, "mixed", mixed(base))
    out = tmp_path / "out"
    assert cli.main(["validate", str(path), "--workers", "0", "--out", str(out)]) == 1
    printed = capsys.readouterr().out
    assert "model output: scenario probe, seeds 0–2" in printed
    assert "seed essay" in printed and "official" in printed and "FAIL" in printed
    assert "test: direct run" in printed  # the sources under the table
    table = pd.read_csv(out / "validation.csv")
    assert len(table) == 5
    for col in ("indicator", "set", "source", "tolerance_relative", "mean", "band_low", "pass"):
        assert col in table.columns
    assert list(table["pass"]) == [True, False, True, False, True]
    assert (out / "validation.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert sorted(p.name for p in out.iterdir()) == ["validation.csv", "validation.png"]


def test_cli_exits_0_when_every_required_target_passes(base, tmp_path, capsys):
    path = write(tmp_path, "passing", passing(base))
    out = tmp_path / "out"
    code = cli.main(["validate", str(path), "--seeds", "2", "--workers", "0", "--out", str(out)])
    assert code == 0
    assert "seeds 0–1" in capsys.readouterr().out
    table = pd.read_csv(out / "validation.csv")
    assert len(table) == 3 and table["pass"].all()
    # a world figure converts with the world's row (WLD) of the nominal GDP table
    assert table["mean"][2] == pytest.approx(base["trade_usd"][:2].mean(), rel=1e-12)


# -- one-line errors -------------------------------------------------------------------------
def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def replace_nth(text: str, old: str, new: str, n: int) -> str:
    """``text`` with the ``n``-th (from 0) occurrence of ``old`` replaced."""
    at = -1
    for _ in range(n + 1):
        at = text.index(old, at + 1)
    return text[:at] + new + text[at + len(old) :]


BAD = [
    (
        "unknown-set",
        lambda t: replace_once(
            t, 'set = "seed"\ntolerance = 1.0', 'set = "essay"\ntolerance = 1.0'
        ),
        "validation.targets[0].set = 'essay': Input should be 'seed' or 'official'",
    ),
    (
        "both-tolerances",
        lambda t: replace_once(t, "tolerance = 0.01", "tolerance = 0.01\ntolerance_relative = 0.1"),
        "validation.targets[4].tolerance_relative = 0.1: give tolerance (absolute) or "
        "tolerance_relative, not both",
    ),
    (
        "no-tolerance",
        lambda t: replace_once(t, "tolerance = 0.01\n", ""),
        "validation.targets[4].tolerance: give tolerance (absolute, in the unit) or "
        "tolerance_relative",
    ),
    (
        "year-outside-span",
        lambda t: replace_nth(t, "year = 2008", "year = 2010", 0),
        "validation.targets[2].year = 2010: must be a year the scenario runs, 2000..2009",
    ),
    (
        "unknown-country",
        lambda t: t.replace('country = "HEG"\ncolumn = "debt"', 'country = "USA"\ncolumn = "debt"'),
        "validation.targets[4].country = 'USA': unknown country; one of AGR, CAM, FAB, HEG",
    ),
    (
        "unknown-column",
        lambda t: t.replace('column = "world_trade"', 'column = "world_trades"'),
        "validation.targets[2].column = 'world_trades': not a numeric column of "
        "model.world_frame() (world targets); one of ",
    ),
    (
        "missing-nominal-gdp",
        lambda t: t.replace("year = 2006", "year = 2007"),
        "validation.targets[4].convert = 'usd_trillion': needs the nominal GDP of HEG in "
        "2007, which nominal.csv does not have",
    ),
    (
        "measures-one-quantity",
        lambda t: replace_nth(t, "scale = 100.0", "scale = 10.0", 1),
        "validation.targets[1].scale = 10.0: the targets of man_share for HEG measure one "
        "quantity; targets[0] has scale = 100.0",
    ),
]


@pytest.mark.parametrize(("case", "breaking", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_target_is_a_one_line_error_exit_2_nothing_written(
    base, tmp_path, capsys, case, breaking, message
):
    path = write(tmp_path, case, breaking(mixed(base)))
    with pytest.raises(ScenarioError) as err:
        validate(path, workers=0)
    assert f"{path}: {message}" in str(err.value)
    out = tmp_path / "out"
    assert cli.main(["validate", str(path), "--workers", "0", "--out", str(out)]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"tradetiers: error: {path}: {message}")
    assert not out.exists()


def test_a_scenario_without_targets_or_bad_options_is_a_user_error(base, tmp_path, capsys):
    out = tmp_path / "out"
    assert cli.main(["validate", "teaching", "--out", str(out)]) == 2
    assert capsys.readouterr().err.strip() == (
        "tradetiers: error: teaching: validation: the scenario has no [validation] table of targets"
    )
    path = write(tmp_path, "ok", passing(base))
    assert cli.main(["validate", str(path), "--seeds", "0", "--out", str(out)]) == 2
    assert "--seeds: seeds = 0: must be between 1 and 10,000" in capsys.readouterr().err
    assert cli.main(["validate", str(path), "--workers", "-1", "--out", str(out)]) == 2
    assert "--workers: workers = -1: must be 0 or more" in capsys.readouterr().err
    assert not out.exists()


def test_error_has_no_traceback_in_a_real_process(base, tmp_path):
    path = write(tmp_path, "bad", mixed(base).replace('set = "official"', 'set = "data"', 1))
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "tradetiers.cli", "validate", str(path), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert "validation.targets[1].set = 'data'" in proc.stderr
    assert not out.exists()


def test_a_bound_passes_on_its_side_only():
    """``bound = "below"``: a figure given as "under 10%" (the seed essay's 2024 share)."""
    common = {"indicator": "x", "column": "c", "year": 2001, "set": "seed", "source": "t"}
    below = Target(**common, value=10.0, bound="below")
    assert below.passes(9.9) and not below.passes(10.1)
    assert "upper bound" in below.tolerance_text()
    slack = Target(**common, value=10.0, bound="below", tolerance=0.5)
    assert slack.passes(10.4) and not slack.passes(10.6)
    above = Target(**common, value=10.0, bound="above")
    assert above.passes(10.1) and not above.passes(9.9)
    with pytest.raises(ScenarioError):  # a near target still needs a tolerance
        Scenario.from_dict(
            {
                **Scenario.load("teaching").model_dump(),
                "validation": {"targets": [{**common, "column": "world_gdp", "value": 1.0}]},
            }
        )


def test_convert_via_uses_that_countrys_gdp(base):
    """A money figure converted through another country's GDP (China's chips via the US)."""
    fields = {**DEBT, "country": "MAN", "convert_via": "HEG", "indicator": "man_debt"}
    text = base["header"] + target(**fields, value=1.0, set="seed", tolerance=100.0)
    path = write(base["folder"], "via", text)
    result = validate(path, seeds=SEEDS, workers=0)
    got = float(result.targets["mean"].iloc[0])
    expected = []
    for seed in SEEDS:
        frame = TradeModel(scenario=Scenario.load(path), rng=seed).run(YEARS).country_frame()
        year = frame[frame["year"] == 2006].set_index("country")
        expected.append(year.loc["MAN", "debt"] / year.loc["HEG", "gdp"] * 10.0)
    assert got == pytest.approx(np.mean(expected), rel=1e-12)
    bad = base["header"] + target(**{**fields, "convert_via": "XYZ"}, value=1.0, set="seed")
    with pytest.raises(ScenarioError, match="convert_via"):
        Scenario.load(write(base["folder"], "via_bad", bad + "tolerance = 1.0\n"))

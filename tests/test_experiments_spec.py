"""Experiment specs: valid ones load, bad ones give one-line errors (library and CLI)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from experiment_specs import IDENTITY, write

from tradetiers import cli
from tradetiers.config import Scenario
from tradetiers.experiments import paths, sampling
from tradetiers.experiments.spec import SpecError, from_dict, load_spec

BASE = """
name = "probe"
scenario = "teaching"
years = 5

[[levers]]
path = "parameters.distance_decay"
values = [0.3, 1.0]

[[uncertainties]]
path = "parameters.reallocation_speed"
low = 0.1
high = 0.4

[sampling]
method = "lhs"
samples = 4

[[outcomes]]
name = "trade"
column = "world_trade"
stat = "last"
"""


def replace_once(old: str, new: str, text: str = BASE) -> str:
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


# (id, spec text, field named in the error, text of the allowed part)
BAD = [
    ("unknown-top-key", 'colour = "red"\n' + BASE, "colour", "unknown key; allowed keys: name"),
    (
        "unknown-outcome-key",
        BASE + 'colour = "red"\n',
        "outcomes[0].colour = 'red'",
        "unknown key; allowed keys: name, column, description, country",
    ),
    (
        "unknown-parameter",
        replace_once('"parameters.distance_decay"', '"parameters.distance_dcay"'),
        "levers[0].path = 'parameters.distance_dcay'",
        "parameters has no field 'distance_dcay'; allowed: land_elasticity",
    ),
    (
        "unknown-country",
        replace_once('"parameters.distance_decay"', '"countries.XXX.productivity.textiles"'),
        "levers[0].path",
        "countries has no entry 'XXX'; country codes: HEG, MAN",
    ),
    (
        "whole-table",
        replace_once('"parameters.distance_decay"', '"graph"'),
        "levers[0].path = 'graph'",
        "names a whole table",
    ),
    (
        "value-out-of-range",
        replace_once("high = 0.4", "high = 1.5"),
        "uncertainties[0].high = 1.5",
        "makes parameters.reallocation_speed invalid: Input should be less than or equal to 1",
    ),
    (
        "lever-value-out-of-range",
        replace_once("values = [0.3, 1.0]", "values = [0.3, 25.0]"),
        "levers[0].values[1] = 25.0",
        "makes parameters.distance_decay invalid",
    ),
    (
        "low-without-high",
        replace_once("high = 0.4\n", ""),
        "uncertainties[0].high",
        "a range needs both low and high",
    ),
    (
        "high-below-low",
        replace_once("high = 0.4", "high = 0.05"),
        "uncertainties[0].high = 0.05",
        "must be greater than low (0.1)",
    ),
    (
        "text-for-number",
        replace_once("low = 0.1", 'low = "0.1"'),
        "uncertainties[0].low = '0.1'",
        "Input should be a valid number",
    ),
    (
        "sobol-not-power-of-two",
        replace_once('method = "lhs"\nsamples = 4', 'method = "sobol"\nsamples = 12'),
        "sampling.samples = 12",
        "power of 2",
    ),
    (
        "sobol-needs-ranges",
        replace_once(
            "low = 0.1\nhigh = 0.4", "values = [0.1, 0.4]", BASE.replace('"lhs"', '"sobol"')
        ),
        "uncertainties[0].values",
        "a sobol design needs a range",
    ),
    (
        "factorial-with-samples",
        replace_once('method = "lhs"', 'method = "factorial"'),
        "sampling.samples = 4",
        "factorial designs take every combination",
    ),
    (
        "unknown-method",
        replace_once('method = "lhs"', 'method = "latin"'),
        "sampling.method = 'latin'",
        "Input should be 'factorial', 'lhs', 'sobol', 'morris' or 'fast'",
    ),
    (
        "unknown-column",
        replace_once('column = "world_trade"', 'column = "world_trades"'),
        "outcomes[0].column = 'world_trades'",
        "not a numeric world column; one of ['world_gdp', 'world_trade'",
    ),
    (
        "country-column-unknown-country",
        replace_once('column = "world_trade"', 'column = "gdp"\ncountry = "ZZZ"'),
        "outcomes[0].country = 'ZZZ'",
        "unknown country",
    ),
    (
        "at-without-year",
        replace_once('stat = "last"', 'stat = "at"'),
        "outcomes[0].year",
        "stat 'at' needs the year to read",
    ),
    (
        "year-outside-horizon",
        replace_once('stat = "last"', 'stat = "at"\nyear = 2010'),
        "outcomes[0].year = 2010",
        "must be a simulated year, 2000..2004",
    ),
    (
        "threshold-missing",
        replace_once('stat = "last"', 'stat = "first_year_above"'),
        "outcomes[0].threshold",
        "needs a threshold",
    ),
    (
        "duplicate-names",
        replace_once(
            '"parameters.reallocation_speed"',
            '"parameters.reallocation_speed"\nname = "distance_decay"',
        ),
        "uncertainties[0].name = 'distance_decay'",
        "already names levers[0]",
    ),
    (
        "reserved-name",
        replace_once('name = "trade"', 'name = "seed"'),
        "outcomes[0].name = 'seed'",
        "is a result column",
    ),
    (
        "no-outcomes",
        BASE[: BASE.index("[[outcomes]]")],
        "outcomes",
        "missing required field",
    ),
    (
        "model-not-importable",
        'model = "nowhere.models:Thing"\n' + BASE,
        "model = 'nowhere.models:Thing'",
        "cannot be imported",
    ),
    (
        "scenario-missing",
        replace_once('scenario = "teaching"', 'scenario = "atlantis"'),
        "scenario = 'atlantis'",
        "no such scenario file",
    ),
    (
        "fixed-unknown",
        BASE + "[fixed.parameters]\nspeed = 1.0\n",
        "fixed.parameters.speed",
        "has no field 'speed'",
    ),
    (
        "bad-event",
        BASE + '[[events]]\nkind = "trade_link_cut"\nyear = 2001\nbetween = ["HEG", "XXX"]\n',
        "events",
        "makes events[0].between invalid: unknown country",
    ),
    (
        "toml-syntax",
        BASE + "[[levers]\n",
        "TOML syntax",
        "line",
    ),
]


@pytest.mark.parametrize(
    ("text", "field", "allowed"), [b[1:] for b in BAD], ids=[b[0] for b in BAD]
)
def test_bad_spec_is_one_line_naming_file_field_and_allowed(tmp_path, text, field, allowed):
    path = write(tmp_path, text)
    with pytest.raises(SpecError) as info:
        load_spec(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: {field}"), message
    assert allowed in message, message


def test_cli_prints_one_line_exits_2_and_writes_nothing(tmp_path, capsys):
    path = write(tmp_path, replace_once("high = 0.4", "high = 1.5"))
    out = tmp_path / "out"
    code = cli.main(["sweep", str(path), "--out", str(out), "--quiet"])
    captured = capsys.readouterr()
    assert code == 2
    lines = captured.err.strip().splitlines()
    assert lines == [
        f"tradetiers: error: {path}: uncertainties[0].high = 1.5: makes "
        "parameters.reallocation_speed invalid: Input should be less than or equal to 1"
    ]
    assert not out.exists()


def test_cli_error_has_no_traceback_in_a_real_process(tmp_path):
    path = write(tmp_path, replace_once('"parameters.distance_decay"', '"graph.kk"'))
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "tradetiers.cli", "sweep", str(path), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert "levers[0].path = 'graph.kk': graph has no field 'kk'; allowed: kind, k" in proc.stderr
    assert not out.exists()


def test_analyze_of_a_folder_without_a_sweep_is_a_user_error(tmp_path, capsys):
    assert cli.main(["analyze", str(tmp_path)]) == 2
    assert "holds no sweep" in capsys.readouterr().err


def test_bad_worker_count_is_a_user_error(tmp_path, capsys):
    path = write(tmp_path, BASE)
    assert cli.main(["sweep", str(path), "--workers", "-1"]) == 2
    assert "--workers: workers = -1: must be 0 or more" in capsys.readouterr().err


# -- paths -------------------------------------------------------------------------------
def teaching_dump():
    return Scenario.load("teaching").model_dump()


def test_paths_set_parameters_countries_graph_and_new_goods():
    base = teaching_dump()
    settings = {
        "parameters.distance_decay": 0.9,
        "countries.MAN.productivity.textiles": 4,  # an int for a float: stored as float
        "countries.1.land": 31.0,
        "graph.k": 3.6,  # a float for an int: rounded
        "countries.PET.productivity.semiconductors": 0.2,  # a key the country did not have
    }
    data = paths.apply(base, settings)
    sc = Scenario.from_dict(data)
    man = next(c for c in sc.countries if c.code == "MAN")
    pet = next(c for c in sc.countries if c.code == "PET")
    assert sc.parameters.distance_decay == 0.9
    assert man.productivity["textiles"] == 4.0 and isinstance(man.productivity["textiles"], float)
    assert sc.countries[1].land == 31.0
    assert sc.graph.k == 4
    assert pet.productivity["semiconductors"] == 0.2
    # the base is not changed
    assert base["parameters"]["distance_decay"] == 0.5
    assert paths.resolve(base, "graph.k").kind == "int"
    assert paths.resolve(base, "graph.kind").kind == "str"


def test_paths_into_a_synthetic_world_say_how_to_vary_it():
    sc = Scenario.from_dict(
        {"name": "syn", "synthetic": {"countries": 12}, "graph": {"kind": "complete"}}
    )
    base = sc.model_dump()
    assert paths.resolve(base, "synthetic.countries").kind == "int"
    with pytest.raises(paths.PathProblem, match="vary synthetic"):
        paths.resolve(base, "countries.C001.land")


def test_fixed_settings_reach_every_run_and_the_fingerprint(tmp_path):
    exp = load_spec(write(tmp_path, IDENTITY))
    assert exp.base["parameters"]["reallocation_speed"] == 0.25
    assert exp.paths == {
        "distance_decay": "parameters.distance_decay",
        "man_machinery": "countries.MAN.productivity.machinery",
    }
    other = load_spec(write(tmp_path, IDENTITY.replace("0.25", "0.3"), "b.toml"))
    assert exp.fingerprint() != other.fingerprint()


# -- designs and seeds ---------------------------------------------------------------------
def design_of(extra: str, method: str, uncertainties: str) -> object:
    text = f"""
name = "d"
years = 3
replications = 2
seed = 5
{uncertainties}
[sampling]
method = "{method}"
{extra}
[[outcomes]]
name = "t"
column = "world_trade"
"""
    exp = from_dict(__import__("tomllib").loads(text), check_outcomes=False)
    design = sampling.build_design(exp)
    return exp, design, sampling.plan(exp, design)


TWO_RANGES = """
[[levers]]
path = "graph.kind"
values = ["complete", "sparse"]
[[uncertainties]]
path = "parameters.distance_decay"
low = 0.2
high = 1.0
[[uncertainties]]
path = "graph.k"
low = 2
high = 7
"""


@pytest.mark.parametrize(
    ("method", "extra", "per_setting"),
    [
        ("factorial", "levels = 3", 9),
        ("lhs", "samples = 5", 5),
        ("sobol", "samples = 8", 8 * (2 + 2)),
        ("sobol", "samples = 8\nsecond_order = true", 8 * (2 * 2 + 2)),
        ("morris", "samples = 3", 3 * (2 + 1)),
        ("fast", "samples = 70", 70 * 2),
    ],
)
def test_design_sizes_and_types(method, extra, per_setting):
    _exp, design, plan = design_of(extra, method, TWO_RANGES)
    assert design.settings == 2 and design.per_setting == per_setting
    assert len(plan) == 2 * per_setting * 2
    assert plan["run_id"].tolist() == list(range(len(plan)))
    assert plan["k"].dtype == np.int64 and plan["k"].between(2, 7).all()
    assert plan["distance_decay"].between(0.2, 1.0).all()
    assert set(plan["kind"]) == {"complete", "sparse"}
    # both lever settings see the same uncertainty sample
    first = plan[plan["kind"] == "complete"]["distance_decay"].to_numpy()
    second = plan[plan["kind"] == "sparse"]["distance_decay"].to_numpy()
    assert np.array_equal(first, second)


def test_lhs_stratifies_each_uncertainty():
    _, design, _ = design_of("samples = 10", "lhs", TWO_RANGES)
    x = design.points[design.points["setting"] == 0]["distance_decay"].to_numpy()
    strata = np.floor((x - 0.2) / 0.8 * 10).astype(int)
    assert sorted(strata) == list(range(10))


def test_seeds_come_from_seed_sequence_spawn():
    _exp, _design, plan = design_of("samples = 3", "lhs", TWO_RANGES)
    kids = np.random.SeedSequence(5).spawn(2)
    expected = [int(k.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1)) for k in kids]
    assert plan["seed"].tolist() == expected * (len(plan) // 2)  # common random numbers
    independent = sampling.run_seeds(5, 6, 2, "independent")
    assert len(set(independent.tolist())) == 12
    assert independent[:2].tolist() == expected  # spawn's first children are the same


# -- the shipped example specs ----------------------------------------------------------------
EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "experiments").glob("*.toml"))


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_specs_load_and_have_a_readme_line(path):
    exp = load_spec(path)  # runs the base scenario a year to check every outcome column
    assert exp.spec.description
    readme = (path.parent / "README.md").read_text(encoding="utf-8")
    assert f"[`{path.name}`]({path.name})" in readme
    assert sampling.design_size(exp.spec) * exp.spec.replications <= 500


def test_there_are_example_specs_for_the_three_questions():
    assert {p.stem for p in EXAMPLES} >= {"blockade_delay", "rentier_drift", "sobol_catchup"}

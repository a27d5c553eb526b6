"""Bad scenario files give one-line errors, in the library and on the command line.

Each case is the teaching scenario with one thing broken. ``Scenario.load`` must raise a
``ScenarioError`` whose single line names the file, the field and what is allowed; the
CLI must print exactly that one line (no traceback), exit with code 2 and write nothing.

The CLI is run as a separate process per case. Starting Python and importing the
package costs about two seconds, so the runs are started together, in a thread pool.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from tradetiers import cli
from tradetiers.config import Scenario, ScenarioError

REPO = Path(__file__).resolve().parents[1]
TEACHING = REPO / "configs" / "teaching.toml"
BASE = TEACHING.read_text(encoding="utf-8")
ERROR_PREFIX = "tradetiers: error: "


# -- building bad scenarios ----------------------------------------------------------------
def replace_once(old: str, new: str, text: str = BASE) -> str:
    """The text with ``old`` (which must occur exactly once) replaced by ``new``."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def with_event(text: str = BASE, **fields: object) -> str:
    """The text with one ``[[events]]`` table appended."""
    lines = ["", "[[events]]"]
    for key, value in fields.items():
        if isinstance(value, str):
            shown = f'"{value}"'
        elif isinstance(value, list):
            shown = "[" + ", ".join(f'"{v}"' for v in value) + "]"
        else:
            shown = str(value)
        lines.append(f"{key} = {shown}")
    return text + "\n".join(lines) + "\n"


def synthetic(body: str, keep_hegemon: bool = False) -> str:
    """The teaching header (no [[countries]]) with a [synthetic] table instead."""
    head = BASE[: BASE.index("[[countries]]")]
    if not keep_hegemon:
        head = replace_once('hegemon = "HEG"\n', "", head)
    return head + "[synthetic]\n" + body


def with_parameters(body: str) -> str:
    """The text with a [parameters] table inserted before [graph]."""
    return replace_once("[graph]", f"[parameters]\n{body}\n\n[graph]")


@dataclass(frozen=True)
class CliResult:
    """A CLI run on a bad scenario."""

    path: Path
    out: Path
    proc: subprocess.CompletedProcess[str]


@dataclass(frozen=True)
class Bad:
    """A broken scenario and what its error must say."""

    id: str
    text: str | None  # None: the file does not exist
    field: str  # the field path, exactly as in ScenarioError.field
    allowed: tuple[str, ...]  # words of what is allowed that the message must contain
    in_subprocess: bool = True  # CLI checked in its own process (else in-process, to save time)


CASES = [
    Bad(
        "toml_syntax_unclosed_string",
        replace_once('name = "Hegemonia"', 'name = "Hegemonia'),
        "TOML syntax",
        ("line 26, column",),
    ),
    Bad(
        "unknown_top_level_key",
        replace_once("seed = 42\n", 'seed = 42\ncolour = "red"\n'),
        "colour",
        ("unknown key", "allowed keys", "hegemon", "countries"),
    ),
    Bad(
        "unknown_key_in_country",
        replace_once('name = "Manufactura"', 'name = "Manufactura"\ncapital = "Xian"'),
        "countries[1].capital",
        ("unknown key", "allowed keys", "population", "productivity"),
    ),
    Bad(
        "population_is_a_string",
        replace_once("population = 70", 'population = "seventy"'),
        "countries[2].population",
        ("valid number",),
    ),
    Bad(
        "population_negative",
        replace_once("population = 70", "population = -70"),
        "countries[2].population",
        ("greater than 0",),
    ),
    Bad(
        "margin_floor_above_ceiling",
        with_parameters("margin_floor = 0.6\nmargin_ceiling = 0.3"),
        "parameters.margin_ceiling",
        ("must exceed margin_floor (0.6)",),
    ),
    Bad(
        "event_unknown_country",
        with_event(kind="productivity_shock", year=2010, country="XYZ", factor=0.5),
        "events[0].country",
        ("unknown country", "HEG", "AGR"),
    ),
    Bad(
        "duplicate_country_code",
        replace_once('code = "FAB"', 'code = "MAN"'),
        "countries[2].code",
        ("duplicate code", "unique"),
    ),
    Bad(
        "productivity_unknown_good",
        replace_once("textiles = 1.2 }", "textiles = 1.2, coffee = 2.0 }"),
        "countries[6].productivity.coffee",
        ("unknown good", "agriculture", "semiconductors"),
    ),
    Bad(
        "hegemon_not_a_country",
        replace_once('hegemon = "HEG"', 'hegemon = "USA"'),
        "hegemon",
        ("code of a listed country",),
    ),
    Bad(
        "synthetic_shares_not_one",
        synthetic(
            "countries = 10\nmanufacturers = 0.5\nresource_exporters = 0.3\nagrarian = 0.3\n"
        ),
        "synthetic.agrarian",
        ("manufacturers + resource_exporters + agrarian must be 1",),
    ),
    Bad(
        "event_until_before_year",
        with_event(kind="productivity_shock", year=2010, until=2005, country="MAN", factor=0.5),
        "events[0].until",
        ("must be after year", "2010"),
    ),
    Bad(
        "event_unknown_kind",
        with_event(kind="meteor_strike", year=2010),
        "events[0].kind",
        ("meteor_strike", "unknown event kind", "productivity_shock", "trade_link_cut"),
    ),
    Bad(
        "country_without_name",
        replace_once('name = "Fabrica"\n', ""),
        "countries[2].name",
        ("missing required field",),
    ),
    Bad(
        "code_lower_case",
        replace_once('code = "FAB"', 'code = "fab"'),
        "countries[2].code",
        ("pattern", "[A-Z]"),
    ),
    Bad(
        "code_one_letter",
        replace_once('code = "FAB"', 'code = "F"'),
        "countries[2].code",
        ("pattern",),
        in_subprocess=False,
    ),
    Bad(
        "latitude_out_of_range",
        replace_once("lat = 24.0", "lat = 124.0"),
        "countries[4].lat",
        ("less than or equal to 90",),
        in_subprocess=False,
    ),
    Bad(
        "graph_kind_unknown",
        replace_once('kind = "complete"', 'kind = "ring"'),
        "graph.kind",
        ("complete", "sparse", "auto"),
        in_subprocess=False,
    ),
    Bad(
        "unknown_parameter",
        with_parameters("speed_of_light = 1"),
        "parameters.speed_of_light",
        ("unknown key", "distance_decay"),
        in_subprocess=False,
    ),
    Bad(
        "country_with_no_productivity",
        replace_once(
            "productivity = { agriculture = 3.0, resources = 0.5, textiles = 0.8 }",
            "productivity = { agriculture = 0.0 }",
        ),
        "countries[7].productivity",
        ("at least one good must be > 0",),
        in_subprocess=False,
    ),
    Bad(
        "event_unknown_good",
        with_event(
            kind="productivity_shock", year=2010, country="MAN", goods=["coffee"], factor=0.5
        ),
        "events[0].goods",
        ("unknown good", "textiles", "all"),
        in_subprocess=False,
    ),
    Bad(
        "link_cut_same_country_twice",
        with_event(kind="trade_link_cut", year=2010, between=["MAN", "MAN"]),
        "events[0].between",
        ("two different countries",),
        in_subprocess=False,
    ),
    Bad(
        "scenario_name_with_spaces",
        replace_once('name = "teaching"', 'name = "Teaching World"'),
        "name",
        ("pattern",),
        in_subprocess=False,
    ),
    Bad(
        "no_world",
        BASE[: BASE.index("[[countries]]")].replace('hegemon = "HEG"\n', ""),
        "countries",
        ("[[countries]]", "[synthetic]"),
        in_subprocess=False,
    ),
    Bad(
        "synthetic_too_many_countries",
        synthetic("countries = 6000\n"),
        "synthetic.countries",
        ("less than or equal to 5000",),
        in_subprocess=False,
    ),
    Bad(
        "event_before_the_start",
        with_event(kind="productivity_shock", year=1990, country="MAN", factor=0.5),
        "events[0].year",
        ("start_year (2000)",),
        in_subprocess=False,
    ),
    Bad(
        "population_is_a_boolean",
        replace_once("population = 70", "population = true"),
        "countries[2].population",
        ("valid number",),
        in_subprocess=False,
    ),
    Bad("file_missing", None, "file", ("no such file",), in_subprocess=False),
]


def write_case(case: Bad, folder: Path) -> Path:
    """Write the case's scenario (unless it is the missing-file case); return its path."""
    path = folder / f"{case.id}.toml"
    if case.text is not None:
        path.write_text(case.text, encoding="utf-8")
    return path


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run ``python -m tradetiers.cli ARGS`` in ``cwd``."""
    return subprocess.run(
        [sys.executable, "-m", "tradetiers.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


def assert_one_line_error(proc: subprocess.CompletedProcess[str]) -> str:
    """Exit code 2, no traceback, stderr exactly one ``tradetiers: error:`` line; return it."""
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert proc.stderr.endswith("\n")
    assert lines[0].startswith(ERROR_PREFIX), lines[0]
    return lines[0]


@pytest.fixture(scope="module")
def cli_results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, CliResult]:
    """Run the CLI process on every ``in_subprocess`` case (and the bad options) at once.

    Keyed by case id; ``--years 0`` and an unknown option are keyed ``years_zero`` and
    ``unknown_option``.
    """
    folder = tmp_path_factory.mktemp("cli_cases")
    jobs: dict[str, tuple[Path, Path, list[str]]] = {}
    for case in CASES:
        if case.in_subprocess:
            path, out = write_case(case, folder), folder / f"out_{case.id}"
            jobs[case.id] = (path, out, [])
    for key, extra in (("years_zero", ["--years", "0"]), ("unknown_option", ["--colour", "red"])):
        jobs[key] = (TEACHING, folder / f"out_{key}", extra)
    workers = max(2, min(8, os.cpu_count() or 2))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {
            key: pool.submit(
                run_cli, "run", str(path), *extra, "--out", str(out), "--quiet", cwd=folder
            )
            for key, (path, out, extra) in jobs.items()
        }
        return {
            key: CliResult(jobs[key][0], jobs[key][1], fut.result()) for key, fut in futures.items()
        }


def run_cli_in_process(case: Bad, folder: Path, capsys: pytest.CaptureFixture[str]) -> CliResult:
    """``tradetiers.cli.main`` on the case, in this process (same code path, no start-up)."""
    path = write_case(case, folder)
    out = folder / "out"
    code = cli.main(["run", str(path), "--out", str(out), "--quiet"])
    captured = capsys.readouterr()
    return CliResult(path, out, subprocess.CompletedProcess([], code, captured.out, captured.err))


# -- the cases --------------------------------------------------------------------------------
def test_case_ids_are_unique_and_cover_the_brief():
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids))
    assert len(ids) >= 12


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_load_raises_one_line_scenario_error(case: Bad, tmp_path: Path):
    path = write_case(case, tmp_path)
    with pytest.raises(ScenarioError) as info:
        Scenario.load(path)
    err = info.value
    message = str(err)
    assert "\n" not in message
    assert err.field == case.field
    assert err.source == str(path)
    assert message.startswith(f"{path}: {case.field}"), message
    assert path.name in message
    for words in case.allowed:
        assert words in message, f"{words!r} not in {message!r}"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_cli_prints_one_line_and_exits_2(
    case: Bad, request: pytest.FixtureRequest, tmp_path: Path, capsys
):
    if case.in_subprocess:
        result = request.getfixturevalue("cli_results")[case.id]
    else:
        result = run_cli_in_process(case, tmp_path, capsys)
    path, out, proc = result.path, result.out, result.proc
    line = assert_one_line_error(proc)
    assert path.name in line
    assert f": {case.field}" in line
    for words in case.allowed:
        assert words in line
    # the CLI line is the library's message, verbatim
    with pytest.raises(ScenarioError) as info:
        Scenario.load(path)
    assert line == ERROR_PREFIX + str(info.value)
    assert not out.exists(), "nothing may be written for a bad scenario"


def test_cli_years_zero(cli_results):
    result = cli_results["years_zero"]
    line = assert_one_line_error(result.proc)
    assert "--years" in line
    assert "between 1 and 1000" in line
    assert not result.out.exists()


def test_cli_unknown_option(cli_results):
    result = cli_results["unknown_option"]
    line = assert_one_line_error(result.proc)
    assert "unrecognized arguments" in line
    assert "--colour" in line
    assert not result.out.exists()


# -- defects found and fixed: kept as regression tests ---------------------------------------
@pytest.mark.parametrize(
    ("kind", "fields", "must_list", "must_not_list"),
    [
        pytest.param(
            "productivity_shock",
            {"country": "MAN", "factor": 0.5},
            "factor",
            "between",
            id="productivity_shock",
        ),
        pytest.param(
            "trade_link_cut", {"between": ["MAN", "PET"]}, "between", "factor", id="trade_link_cut"
        ),
    ],
)
def test_event_unknown_key_names_the_event_fields(
    tmp_path: Path, kind: str, fields: dict, must_list: str, must_not_list: str
):
    path = tmp_path / "bad.toml"
    path.write_text(with_event(kind=kind, year=2010, strength=2, **fields), encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        Scenario.load(path)
    err = info.value
    assert err.field == "events[0].strength"
    allowed = err.allowed.split("allowed keys:")[1]
    assert must_list in allowed
    assert must_not_list not in allowed


SYNTHETIC_CROSS_CHECKS = [
    pytest.param(True, "", "hegemon", id="hegemon_not_the_generated_one"),
    pytest.param(
        False,
        with_event("", kind="productivity_shock", year=2010, country="XYZ", factor=0.5),
        "events[0].country",
        id="event_unknown_country",
    ),
    pytest.param(
        False,
        with_event("", kind="productivity_shock", year=2010, until=2001, country="C001", factor=2),
        "events[0].until",
        id="event_until_before_year",
    ),
    pytest.param(
        False,
        "\n[parameters]\nbudget_shares = { coffee = 0.2 }\n",
        "parameters.budget_shares.coffee",
        id="budget_share_unknown_good",
    ),
]


@pytest.mark.parametrize(("keep_hegemon", "tail", "field"), SYNTHETIC_CROSS_CHECKS)
def test_synthetic_scenario_cross_checks_raise_scenario_error(
    tmp_path: Path, keep_hegemon: bool, tail: str, field: str
):
    path = tmp_path / "bad.toml"
    path.write_text(synthetic("countries = 10\n" + tail, keep_hegemon), encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        Scenario.load(path)  # caught at load, before the world is generated
    assert info.value.field == field


def test_cli_synthetic_with_unknown_hegemon(tmp_path: Path, capsys):
    case = Bad(
        "synthetic_unknown_hegemon",
        synthetic("countries = 10\n", keep_hegemon=True),  # hegemon = "HEG", codes C000...
        "hegemon",
        ("code of a listed country",),
    )
    result = run_cli_in_process(case, tmp_path, capsys)
    assert_one_line_error(result.proc)
    assert not result.out.exists()


def test_load_of_a_directory_is_a_scenario_error(tmp_path: Path):
    with pytest.raises(ScenarioError):
        Scenario.load(tmp_path)


def test_boolean_population_is_rejected(tmp_path: Path):
    path = tmp_path / "bad.toml"
    path.write_text(replace_once("population = 70", "population = true"), encoding="utf-8")
    with pytest.raises(ScenarioError):
        Scenario.load(path)


def test_toml_error_keeps_its_line_number(tmp_path: Path):
    path = tmp_path / "bad.toml"
    # `countries = [...]` followed by [[countries]] tables: a long tomllib message
    path.write_text(replace_once("seed = 42\n", "seed = 42\ncountries = [1, 2]\n"), "utf-8")
    with pytest.raises(ScenarioError) as info:
        Scenario.load(path)
    assert info.value.field == "TOML syntax"
    assert re.search(r"line \d+", str(info.value)), str(info.value)

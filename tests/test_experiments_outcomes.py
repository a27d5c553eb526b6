"""The outcome language on hand-made frames: every statistic against a known answer."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from tradetiers.experiments.outcomes import Frames, Outcome, Series, collect_series, evaluate

YEARS = [2000, 2001, 2002, 2003, 2004]


@pytest.fixture
def frames():
    world = pd.DataFrame(
        {
            "year": YEARS,
            "world_gdp": [10.0, 12.0, 15.0, 14.0, 13.0],
            "debt_to_gdp": [0.5, 0.7, 0.9, 1.1, 1.0],  # a column a later mechanism adds
        }
    )
    countries = pd.DataFrame(
        {
            "year": np.repeat(YEARS, 2),
            "country": ["AAA", "BBB"] * 5,
            "gdp_per_capita": [1.0, 4.0, 1.5, 4.0, 2.2, 4.4, 3.0, 5.0, 4.0, 5.0],
            "capability_semiconductors": [0.1, 1.0, 0.2, 1.0, 0.6, 1.0, 1.2, 1.0, 1.3, 1.0],
        }
    )
    return Frames(world, countries)


def value(frames, **fields):
    return evaluate([Outcome(name="x", **fields)], frames)["x"]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"column": "world_gdp", "stat": "at", "year": 2002}, 15.0),
        ({"column": "world_gdp", "stat": "first"}, 10.0),
        ({"column": "world_gdp", "stat": "last"}, 13.0),
        ({"column": "world_gdp", "stat": "max"}, 15.0),
        ({"column": "world_gdp", "stat": "min"}, 10.0),
        ({"column": "world_gdp", "stat": "mean"}, 12.8),
        ({"column": "world_gdp", "stat": "sum"}, 64.0),
        ({"column": "world_gdp", "stat": "change"}, 3.0),
        ({"column": "world_gdp", "stat": "year_of_max"}, 2002.0),
        ({"column": "world_gdp", "stat": "year_of_min"}, 2000.0),
        ({"column": "debt_to_gdp", "stat": "max"}, 1.1),
        ({"column": "debt_to_gdp", "stat": "first_year_above", "threshold": 0.9}, 2002.0),
        ({"column": "world_gdp", "stat": "first_year_below", "threshold": 14.0}, 2000.0),
        (
            {
                "column": "world_gdp",
                "stat": "first_year_below",
                "threshold": 14.0,
                "from_year": 2002,
            },
            2003.0,
        ),
        ({"column": "world_gdp", "stat": "max", "from_year": 2003}, 14.0),
        ({"column": "world_gdp", "stat": "mean", "to_year": 2001}, 11.0),
        ({"column": "gdp_per_capita", "country": "AAA", "stat": "last"}, 4.0),
        (
            {
                "column": "capability_semiconductors",
                "country": "AAA",
                "stat": "first_year_above",
                "threshold": 1.0,
            },
            2003.0,
        ),
        (
            {
                "column": "gdp_per_capita",
                "country": "AAA",
                "relative_to": "BBB",
                "stat": "first_year_above",
                "threshold": 0.5,
            },
            2002.0,
        ),
        ({"column": "gdp_per_capita", "country": "AAA", "relative_to": "BBB", "stat": "max"}, 0.8),
        ({"column": "gdp_per_capita", "across": "sum", "stat": "first"}, 5.0),
        ({"column": "gdp_per_capita", "across": "max", "stat": "min"}, 4.0),
    ],
)
def test_statistics(frames, fields, expected):
    assert value(frames, **fields) == pytest.approx(expected)


def test_never_crossed_is_nan_or_the_given_value(frames):
    assert math.isnan(value(frames, column="world_gdp", stat="first_year_above", threshold=99))
    got = value(frames, column="world_gdp", stat="first_year_above", threshold=99, never=2100)
    assert got == 2100.0


def test_at_a_year_outside_the_frame_is_nan(frames):
    assert math.isnan(value(frames, column="world_gdp", stat="at", year=1999))


def test_series_are_tidy(frames):
    tidy = collect_series(
        [
            Series(columns=["world_gdp"], every=2),
            Series(columns=["gdp_per_capita"], countries="all"),
            Series(columns=["capability_semiconductors"], countries=["BBB"]),
        ],
        frames,
    )
    assert list(tidy.columns) == ["year", "country", "indicator", "value"]
    world = tidy[tidy["country"] == "world"]
    assert world["year"].tolist() == [2000, 2002, 2004]
    assert world["value"].tolist() == [10.0, 15.0, 13.0]
    assert len(tidy[tidy["indicator"] == "gdp_per_capita"]) == 10
    bbb = tidy[(tidy["country"] == "BBB") & (tidy["indicator"] == "capability_semiconductors")]
    assert bbb["value"].tolist() == [1.0] * 5


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"column": "a", "stat": "at"}, "needs the year"),
        ({"column": "a", "year": 2000}, "only stat 'at'"),
        ({"column": "a", "threshold": 1.0}, "only first_year_"),
        ({"column": "a", "country": "A", "across": "sum"}, "not both"),
        ({"column": "a", "relative_to": "A"}, "needs a country"),
        ({"column": "a", "from_year": 2005, "to_year": 2001}, "must be >= from_year"),
        ({"column": "a", "stat": "median"}, "Input should be"),
    ],
)
def test_inconsistent_outcomes_are_rejected(fields, message):
    with pytest.raises(ValueError, match=message):
        Outcome(name="x", **fields)

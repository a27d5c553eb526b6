"""Nominal GDP data, to express the model's money figures in US dollars.

The model is real: its money figures are in units of a numeraire, with no price level.
A target in US dollars (federal debt, a deficit) is compared through the country's own
GDP: ``simulated = column / model GDP * nominal GDP``, both in the target's year. The
nominal GDP comes from a CSV with columns ``country,year,value,unit,source`` (value in
US$ trillion), by default ``nominal_gdp.csv`` in the package's data folder; the
``[validation] nominal_gdp`` setting names another (relative to that folder, or an
absolute path).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pandas as pd

from tradetiers.config import ScenarioError
from tradetiers.validation.spec import WORLD_CODE, Target, ValidationSettings

COLUMNS = ("country", "year", "value", "unit", "source")


def data_dir() -> Path:
    """The folder of data files shipped with the package."""
    return Path(str(resources.files("tradetiers") / "data"))


def resolve(setting: str) -> Path:
    """The ``nominal_gdp`` setting as a path (relative ones are in :func:`data_dir`)."""
    path = Path(setting)
    return path if path.is_absolute() else data_dir() / path


@dataclass(frozen=True)
class NominalGDP:
    """Nominal GDP by country and year, in US$ trillion, with its sources."""

    path: Path
    table: pd.DataFrame  #: indexed by (country, year): value, unit, source

    def value(self, country: str, year: int) -> float | None:
        """US$ trillion for ``country`` in ``year``, or None when there is no row."""
        key = (country, int(year))
        if key not in self.table.index:
            return None
        return float(self.table.at[key, "value"])

    def series(self, country: str) -> pd.Series:
        """The country's nominal GDP by year (empty when it has none)."""
        if country not in self.table.index.get_level_values(0):
            return pd.Series(dtype=float)
        return self.table.xs(country, level="country")["value"].astype(float)

    def source(self, country: str, year: int) -> str:
        """Where the row for ``country`` in ``year`` comes from."""
        return str(self.table.at[(country, int(year)), "source"])


def nominal_code(target: Target) -> str:
    """The nominal GDP row a target converts with (``convert_via``, its country, the world)."""
    return target.convert_via or target.country or WORLD_CODE


def load(settings: ValidationSettings, source: str) -> NominalGDP | None:
    """Read the nominal GDP table a validation needs and check it has every row.

    Args:
        settings: the ``[validation]`` table.
        source: the scenario file named in errors.

    Returns:
        The table, or None when no target converts money.

    Raises:
        ScenarioError: a missing or malformed file, or a missing row, in one line.
    """
    converted = [(i, t) for i, t in enumerate(settings.targets) if t.convert != "none"]
    if not converted:
        return None
    path = resolve(settings.nominal_gdp)
    field = "validation.nominal_gdp"
    try:
        frame = pd.read_csv(path, dtype={"country": str, "unit": str, "source": str})
    except FileNotFoundError:
        raise ScenarioError(source, field, settings.nominal_gdp, f"no such file ({path})") from None
    except (OSError, ValueError, pd.errors.ParserError) as err:
        raise ScenarioError(
            source, field, settings.nominal_gdp, f"cannot be read as CSV ({err})"
        ) from None
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise ScenarioError(
            source,
            field,
            settings.nominal_gdp,
            f"needs the columns {', '.join(COLUMNS)}; missing {', '.join(missing)}",
        )
    values = pd.to_numeric(frame["value"], errors="coerce")
    years = pd.to_numeric(frame["year"], errors="coerce")
    bad = frame.index[values.isna() | ~(values > 0) | years.isna()]
    if len(bad):
        row = int(bad[0])
        raise ScenarioError(
            source,
            field,
            settings.nominal_gdp,
            f"row {row + 2} needs a year and a positive value in US$ trillion",
        )
    frame = frame.assign(value=values, year=years.astype(int))
    table = frame.drop_duplicates(["country", "year"], keep="last").set_index(["country", "year"])
    nominal = NominalGDP(path, table.sort_index())
    for i, t in converted:
        code = nominal_code(t)
        if nominal.value(code, t.year) is None:
            raise ScenarioError(
                source,
                f"validation.targets[{i}].convert",
                t.convert,
                f"needs the nominal GDP of {code} in {t.year}, which {path.name} does not have; "
                "add a row country,year,value,unit,source",
            )
    return nominal

"""Rich tables of a validation and of a comparison, and the lines printed under them."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
from rich.table import Table

from tradetiers.validation.check import ValidationResult
from tradetiers.validation.comparison import CompareResult
from tradetiers.validation.spec import SET_LABELS, WORLD_CODE

DASH = "–"


def number(value: Any) -> str:
    """A figure in four significant digits (thousands separated), or a dash."""
    if value is None:
        return DASH
    x = float(value)
    if not math.isfinite(x):
        return DASH
    if abs(x) >= 10_000:
        return f"{x:,.0f}"
    return f"{x:.4g}"


def band_title(band: float) -> str:
    """``90% band``."""
    return f"{100 * band:g}% band"


def validation_table(result: ValidationResult) -> Table:
    """One line per (indicator, country, year): both sets' figures, the model, verdicts.

    The seed essay's and the official figure side by side (a dash where a set has
    none), the simulated mean and band, and each set's pass/fail (``*``: indicative).
    """
    table = Table(title=f"{result.title}: model output against data\n{result.caption}")
    columns = ["indicator", "country", "year"]
    columns += [f"{SET_LABELS[s]} target" for s in SET_LABELS]
    columns += ["simulated mean", band_title(result.band)]
    columns += [f"{s}: pass/fail" for s in SET_LABELS]
    for col in columns:
        table.add_column(col, justify="left" if col in ("indicator", "country") else "right")
    for _, line in result.lines.iterrows():
        cells = [_indicator_cell(line), str(line["country"]), str(line["year"])]
        for s in SET_LABELS:
            value = line[f"{s}_value"]
            tolerance = line[f"{s}_tolerance"]
            cells.append(DASH if _absent(value) else f"{number(value)} {tolerance}")
        cells += [number(line["mean"]), f"{number(line['band_low'])} – {number(line['band_high'])}"]
        for s in SET_LABELS:
            cells.append(_verdict(line[f"{s}_pass"], line[f"{s}_required"]))
        table.add_row(*cells)
    return table


def _indicator_cell(line: pd.Series) -> str:
    label = str(line["label"])
    unit = str(line["unit"] or "")
    return f"{label} ({unit})" if unit and unit not in label else label


def _absent(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _verdict(passed: Any, required: Any) -> str:
    if _absent(passed):
        return DASH
    mark = "" if bool(required) else "*"
    return f"[green]pass{mark}[/green]" if bool(passed) else f"[red]FAIL{mark}[/red]"


def validation_notes(result: ValidationResult) -> list[str]:
    """The lines under the table: the verdict, the sources, what indicative means."""
    t = result.targets
    required = t[t["required"]]
    lines = [
        f"{int(required['pass'].sum())} of {len(required)} required targets pass"
        + "".join(
            f"; {SET_LABELS[s]} {int(g['pass'].sum())}/{len(g)}"
            for s, g in required.groupby("set", sort=False)
        )
        + (
            f"; indicative (*, not required): {int(t[~t['required']]['pass'].sum())}"
            f"/{int((~t['required']).sum())} pass"
            if (~t["required"]).any()
            else ""
        )
    ]
    lines.append(
        f"simulated: mean over {len(result.seeds)} seeds and the {band_title(result.band)} "
        "(quantiles over seeds); pass: |mean - target| within the tolerance"
    )
    lines.append("data sources:")
    for _, line in result.lines.iterrows():
        given = [
            f"{SET_LABELS[s]}: {line[f'{s}_source']}"
            for s in SET_LABELS
            if not _absent(line[f"{s}_source"])
        ]
        lines.append(f"  {line['indicator']} {line['country']} {line['year']}: " + "; ".join(given))
    if result.nominal is not None:
        used = result.targets[result.targets["convert"] != "none"]
        sources = sorted(
            {result.nominal.source(_via(row), row["year"]) for _, row in used.iterrows()}
        )
        lines.append(
            "money figures in US$: model value / model GDP x nominal GDP, of the country "
            "or of convert_via "
            f"({result.nominal.path.name}: {'; '.join(sources)})"
        )
    return lines


def _via(row: pd.Series) -> str:
    """The country whose nominal GDP converts a target's row (see ``nominal_code``)."""
    for key in ("convert_via", "country"):
        if isinstance(row.get(key), str):
            return str(row[key])
    return WORLD_CODE


def compare_table(result: CompareResult) -> Table:
    """Per indicator, at a few years: A's and B's means, B - A (mean and band), B > A."""
    table = Table(title=f"{result.a} (A) vs {result.b} (B)\n{result.caption}")
    columns = ["indicator", "year", "A mean", "B mean", "B − A"]
    columns += [f"{band_title(result.band)} of B − A", "B > A"]
    for col in columns:
        table.add_column(col, justify="left" if col == "indicator" else "right")
    years = result.table_years()
    stats = result.stats
    for k, ind in enumerate(result.indicators):
        rows = stats[(stats["indicator"] == ind.name) & stats["year"].isin(years)]
        if k and len(rows):
            table.add_section()
        for j, (_, row) in enumerate(rows.iterrows()):
            year = str(row["year"])
            if row["year_b"] != row["year"]:
                year += f" (B {row['year_b']})"
            table.add_row(
                ind.title if j == 0 else "",
                year,
                number(row["a_mean"]),
                number(row["b_mean"]),
                _signed(row["diff_mean"]),
                f"{_signed(row['diff_low'])} – {_signed(row['diff_high'])}",
                f"{row['b_greater']}/{row['n']}",
            )
    return table


def _signed(value: Any) -> str:
    text = number(value)
    if text == DASH or text.startswith("-") or float(value) == 0:
        return text
    return f"+{text}"

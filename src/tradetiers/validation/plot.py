"""Figures of a validation and of a comparison (matplotlib, no display needed).

Every panel says what is model output (lines and shading, with the scenario and the
seeds) and what is data (markers, with their tolerance).
"""

from __future__ import annotations

import math
import textwrap

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from tradetiers.validation.check import ValidationResult
from tradetiers.validation.comparison import CompareResult
from tradetiers.validation.spec import WORLD
from tradetiers.validation.table import band_title

#: set -> (marker, colour, legend name, offset in years so both sets of a year show)
MARKERS = {
    "seed": ("o", "tab:orange", "seed essay", -0.12),
    "official": ("D", "tab:green", "official", 0.12),
}


def _caption(fig: Figure, text: str) -> None:
    """A caption under the panels, wrapped to the figure's width."""
    width = int(fig.get_figwidth() * 15)
    fig.supxlabel(textwrap.fill(text, width), fontsize=8)


def _grid(n: int, width: float = 4.6, height: float = 3.3) -> tuple[Figure, list]:
    cols = min(3, n)
    rows = math.ceil(n / cols)
    fig = Figure(figsize=(width * cols, height * rows + 1.2), layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False).ravel().tolist()
    for ax in axes[n:]:
        ax.set_visible(False)
    return fig, axes[:n]


def _band(values: pd.DataFrame, column: str, band: float) -> pd.DataFrame:
    """Mean and band over seeds, by year."""
    low, high = (1 - band) / 2, 1 - (1 - band) / 2
    grouped = values.groupby("year")[column]
    return pd.DataFrame(
        {"mean": grouped.mean(), "low": grouped.quantile(low), "high": grouped.quantile(high)}
    )


def validation_figure(result: ValidationResult) -> Figure:
    """One panel per indicator and country: simulated mean and band against the targets.

    The seed essay's targets are circles and the official ones diamonds, each with its
    tolerance as an error bar; hollow markers are indicative (not required) targets.
    """
    panels = list(
        dict.fromkeys(zip(result.lines["indicator"], result.lines["country"], strict=True))
    )
    fig, axes = _grid(len(panels))
    for ax, (indicator, country) in zip(axes, panels, strict=True):
        series = result.series[
            (result.series["indicator"] == indicator) & (result.series["country"] == country)
        ]
        stats = _band(series, "value", result.band)
        sparse = len(stats) < 8  # a converted figure: only the years with nominal GDP
        ax.plot(
            stats.index,
            stats["mean"],
            color="tab:blue",
            marker="." if sparse else None,
            label="model: mean over seeds",
        )
        ax.fill_between(
            stats.index,
            stats["low"],
            stats["high"],
            color="tab:blue",
            alpha=0.2,
            label=f"model: {band_title(result.band)}",
        )
        rows = result.targets[
            (result.targets["indicator"] == indicator)
            & (result.targets["country"].fillna(WORLD) == country)
        ]
        for _, row in rows.iterrows():
            marker, color, name, offset = MARKERS[row["set"]]
            tol, rel = row["tolerance"], row["tolerance_relative"]
            error = tol if pd.notna(tol) else (float(rel) if pd.notna(rel) else 0.0)
            error = error if pd.notna(tol) else error * abs(row["value"])
            bound = row.get("bound", "near")
            # a bound is a caret pointing where the model may be, its slack a one-sided bar
            yerr = {
                "near": [[error], [error]],
                "below": [[0.0], [error]],
                "above": [[error], [0.0]],
            }[bound]
            marker = {"near": marker, "below": "v", "above": "^"}[bound]
            ax.errorbar(
                [row["year"] + offset],
                [row["value"]],
                yerr=yerr,
                fmt=marker,
                color=color,
                mfc=color if row["required"] else "white",
                capsize=4,
                label=f"data: {name}" + ("" if row["required"] else " (indicative)"),
            )
        line = result.lines[
            (result.lines["indicator"] == indicator) & (result.lines["country"] == country)
        ].iloc[0]
        where = "" if country == WORLD else f" — {country}"
        ax.set_title(f"{line['label']}{where}", fontsize=9)
        ax.set_xlabel("year")
        ax.set_ylabel(str(line["unit"] or rows.iloc[0]["column"]))
        ax.grid(alpha=0.3)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        _dedup_legend(ax)
    fig.suptitle(f"{result.title}: model output against data")
    _caption(
        fig,
        f"Lines and shading: {result.caption} (mean and {band_title(result.band)} over seeds). "
        "Markers: data (circles: seed essay, diamonds: official statistics; hollow: "
        "indicative), bars: tolerance.",
    )
    return fig


def compare_figure(result: CompareResult) -> Figure:
    """One panel per indicator: A's and B's means over time with their bands."""
    fig, axes = _grid(len(result.indicators))
    for ax, ind in zip(axes, result.indicators, strict=True):
        stats = result.stats[result.stats["indicator"] == ind.name]
        for side, color in (("a", "tab:blue"), ("b", "tab:red")):
            name = result.a if side == "a" else result.b
            ax.plot(
                stats["year"], stats[f"{side}_mean"], color=color, label=f"{side.upper()}: {name}"
            )
            ax.fill_between(
                stats["year"], stats[f"{side}_low"], stats[f"{side}_high"], color=color, alpha=0.15
            )
        ax.set_title(ind.title, fontsize=9)
        ax.set_xlabel(
            "year" if result.a_start == result.b_start else f"year (A; B from {result.b_start})"
        )
        ax.grid(alpha=0.3)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        if not np.isfinite(stats[["a_mean", "b_mean"]].to_numpy(dtype=float)).any():
            ax.text(0.5, 0.5, "no values", transform=ax.transAxes, ha="center")
        ax.legend(fontsize=7)
    fig.suptitle(f"{result.a} (A) vs {result.b} (B)")
    _caption(
        fig,
        f"{result.caption}. Lines: means over seeds; "
        f"shading: {band_title(result.band)} over seeds.",
    )
    return fig


def _dedup_legend(ax: object) -> None:
    handles, labels = ax.get_legend_handles_labels()  # type: ignore[attr-defined]
    seen: dict[str, object] = {}
    for h, label in zip(handles, labels, strict=True):
        seen.setdefault(label, h)
    ax.legend(seen.values(), seen.keys(), fontsize=7)  # type: ignore[attr-defined]

"""The lesson's highlighted view as a Vega-Lite spec, drawn up to the presenter's year."""

from __future__ import annotations

import altair as alt
import pandas as pd

from tradetiers.ui.i18n import tr
from tradetiers.ui.vega import Spec, records, spec


def view_spec(
    data: pd.DataFrame,
    title: str,
    lang: str,
    years: tuple[int, int],
    cursor: int,
    baseline_label: str,
    large: bool = False,
) -> Spec:
    """Lines of the run (solid) and the baseline (dashed) up to ``cursor``, a rule at it.

    The x axis always spans the whole run, so the lines grow as the year advances.
    """
    shown = data[data["year"] <= cursor].copy()
    this_run = tr("lesson_this_run", lang)
    shown["line"] = [this_run if r == "run" else baseline_label for r in shown["run"]]
    width, height, font = (900, 420, 18) if large else (620, 300, 12)
    x = alt.X(
        "year:Q",
        title=tr("year", lang),
        scale=alt.Scale(domain=list(years)),
        axis=alt.Axis(format="d", labelFontSize=font, titleFontSize=font),
    )
    y = alt.Y("value:Q", title=None, axis=alt.Axis(labelFontSize=font))
    lines = (
        alt.Chart(alt.Data(values=records(shown)))
        .mark_line(strokeWidth=3 if large else 2)
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "group:N",
                title=None,
                scale=alt.Scale(domain=list(dict.fromkeys(data["group"]))),
                legend=alt.Legend(labelFontSize=font, labelLimit=400, orient="bottom"),
            ),
            strokeDash=alt.StrokeDash(
                "line:N",
                title=None,
                scale=alt.Scale(
                    domain=[this_run, baseline_label] if baseline_label else [this_run],
                    range=[[1, 0], [6, 4]] if baseline_label else [[1, 0]],
                ),
                legend=alt.Legend(labelFontSize=font, orient="bottom"),
            ),
            detail="series:N",
            tooltip=[
                alt.Tooltip("series:N", title=tr("lesson_series", lang)),
                alt.Tooltip("year:Q", title=tr("year", lang)),
                alt.Tooltip("value:Q", title=tr("lesson_value", lang), format=".3~g"),
            ],
        )
    )
    rule = (
        alt.Chart(alt.Data(values=[{"year": cursor}]))
        .mark_rule(color="#6a1b9a", strokeDash=[4, 3])
        .encode(x="year:Q")
    )
    chart = (lines + rule).properties(
        width=width, height=height, title=alt.TitleParams(title, fontSize=font + 2)
    )
    return spec(chart, lang)

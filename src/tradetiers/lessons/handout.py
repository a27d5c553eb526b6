"""Printable handouts: a lesson's text, questions and figures from its fixed seed.

``tradetiers lessons export N --lang zh|en [--out DIR]`` writes ``DIR/lesson-N-LANG.html``
and its PNG figures. Each file is written to a temporary file and renamed, so an
interrupted export never leaves half a file. Chinese text in figures uses the CJK font
the app uses (Noto Sans SC from the ``pylopdf-fonts-zh-cn`` package).
"""

from __future__ import annotations

import html
import os
import tempfile
from pathlib import Path

import markdown
from matplotlib.figure import Figure

from tradetiers.lessons.runs import Result, compute, reveal_text, view_frame
from tradetiers.lessons.schema import Lesson

#: handout headings per language
HEADINGS = {
    "en": {
        "predict": "1. Predict",
        "prediction": "My prediction:",
        "observe": "2. Observe",
        "explain": "3. What happened, and why",
        "answer": "The run's answer:",
        "try": "Things to try (in the app)",
        "discuss": "Discussion",
        "leaves_out": "What the model leaves out",
        "contested": "What is contested",
        "source": "Model output · scenario {scenario} · seed {seed}. Not data.",
        "lesson": "Lesson",
    },
    "zh": {
        "predict": "一、预测",
        "prediction": "我的预测：",
        "observe": "二、观察",
        "explain": "三、发生了什么，为什么",
        "answer": "模型运行的答案：",
        "try": "试一试（在应用中）",
        "discuss": "讨论",
        "leaves_out": "模型遗漏了什么",
        "contested": "有争议之处",
        "source": "模型输出 · 情景 {scenario} · 种子 {seed}。并非真实数据。",
        "lesson": "第{n}课",
    },
}

CSS = """
body { font-family: 'Noto Sans SC', 'Noto Sans CJK SC', sans-serif; max-width: 46em;
       margin: 2em auto; line-height: 1.5; color: #111; }
h1 { font-size: 1.6em; } h2 { border-bottom: 1px solid #999; margin-top: 1.6em; }
.choice { margin: 0.3em 0; } .box { display: inline-block; width: 0.9em; height: 0.9em;
       border: 1px solid #000; margin-right: 0.5em; vertical-align: -0.1em; }
.answer { background: #eef; padding: 0.5em; } .source { color: #555; font-size: 0.85em; }
img { max-width: 100%; } .break { page-break-before: always; }
@media print { body { margin: 0; } }
"""


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def figure(lesson: Lesson, result: Result, lang: str) -> Figure:
    """The lesson's highlighted view as a matplotlib figure (run solid, baseline dashed)."""
    from tradetiers.ui import charts

    lang = charts.figure_lang(lang)
    fig, ax = charts._fig(7.0, 3.8, lang)
    data = view_frame(lesson, result, lang)
    colours = {}
    for (series, tag), part in data.groupby(["series", "run"], sort=False):
        base = series.split(" (")[0]
        colour = colours.setdefault(base, f"C{len(colours) % 10}")
        ax.plot(
            part["year"],
            part["value"],
            color=colour,
            linestyle="--" if tag == "baseline" else "-",
            label=series,
        )
    ax.set_title(lesson.text("view", lang), fontsize=10)
    ax.set_xlabel("year" if lang == "en" else "年份")
    ax.legend(fontsize=7, loc="best")
    ax.grid(alpha=0.3)
    return fig


def _md(text: str) -> str:
    return markdown.markdown(text)


def render(lesson: Lesson, result: Result, lang: str, figure_name: str) -> str:
    """The handout as an HTML page."""
    h = HEADINGS[lang]
    t = lambda key: lesson.text(key, lang)  # noqa: E731
    label = (
        h["lesson"].format(n=lesson.number) if lang == "zh" else f"{h['lesson']} {lesson.number}"
    )
    parts = [
        f"<!doctype html><html lang='{lang}'><head><meta charset='utf-8'>",
        f"<title>{html.escape(lesson.title(lang))}</title><style>{CSS}</style></head><body>",
        f"<p class='source'>{html.escape(label)} · tradetiers</p>",
        f"<h1>{html.escape(lesson.title(lang))}</h1>",
        _md(t("framing")),
        f"<h2>{h['predict']}</h2>",
        _md(t("question")),
    ]
    for cid in lesson.choice_ids:
        text = markdown.markdown(t(f"choice.{cid}"))[3:-4]
        parts.append(f"<p class='choice'><span class='box'></span>{text}</p>")
    parts.append(f"<p>{h['prediction']} ______________________________</p>")
    parts.append(f"<h2 class='break'>{h['observe']}</h2>")
    parts.append(f"<img src='{figure_name}' alt='{html.escape(t('view'))}'>")
    src = h["source"].format(scenario=result.run.scenario, seed=result.seed)
    parts.append(f"<p class='source'>{html.escape(src)}</p>")
    parts.append(f"<h2>{h['explain']}</h2>")
    answer = t(f"choice.{result.answer}") if result.answer else "—"
    parts.append(f"<p class='answer'><b>{h['answer']}</b> {html.escape(answer)}</p>")
    parts.append(_md(reveal_text(lesson, result.values, lang)))
    parts.append(_md(t("explanation")))
    parts.append(f"<h2>{h['try']}</h2><ul>")
    parts += [f"<li>{_md(t(f'try.{x.id}'))}</li>" for x in lesson.spec.tries]
    parts.append(f"</ul><h2>{h['discuss']}</h2><ol>")
    parts += [f"<li>{_md(t(f'discussion.{k}'))}</li>" for k in range(1, lesson.spec.discussion + 1)]
    parts.append(f"</ol><h2>{h['leaves_out']}</h2>{_md(t('leaves_out'))}")
    parts.append(f"<h2>{h['contested']}</h2>{_md(t('contested'))}")
    parts.append("</body></html>")
    return "\n".join(parts)


def export(lesson: Lesson, lang: str, out: Path, seed: int | None = None) -> list[Path]:
    """Write the handout (HTML) and its figure (PNG) to ``out``; return the paths."""
    from tradetiers.ui import charts

    result = compute(lesson, seed)
    stem = f"lesson-{lesson.number:02d}-{lang}"
    png = out / f"{stem}-view.png"
    page = out / f"{stem}.html"
    _atomic_write(png, charts.png(figure(lesson, result, lang)))
    _atomic_write(page, render(lesson, result, lang, png.name).encode("utf-8"))
    return [page, png]

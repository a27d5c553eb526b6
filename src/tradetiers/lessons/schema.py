"""Lesson files: ``lesson.toml`` plus ``en.md`` and ``zh.md``, validated with pydantic.

A lesson is a folder. ``lesson.toml`` holds the structure (the question's choices and
the conditions that pick the run's answer, the reveal measure, the baseline run, the
view, the things to try, the claim checked over seeds); the Markdown files hold the
words, one ``## section`` per piece of text, the same sections in both languages. A bad
file gives one line naming the file, the field, the value and what is allowed, like a
bad scenario.
"""

from __future__ import annotations

import re
import string
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from tradetiers.config import MISSING, Scenario, ScenarioError, loc_to_path, table_model
from tradetiers.lessons.measures import MEASURES

LANGS = ("en", "zh")
ID = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_]{0,30}$")]
CODE = Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9_]{1,7}$")]
#: the app pages a lesson may send students to for more
PAGES = ("world", "ladder", "money", "bubbles", "compare")


class LessonError(ScenarioError):
    """A user error in a lesson: one line naming file, field, value and what is allowed."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class Condition(_Strict):
    """A condition on one reveal value; every bound given must hold."""

    above: float | None = None
    below: float | None = None
    at_least: float | None = None
    at_most: float | None = None
    equals: float | None = None
    infinite: bool | None = None

    def holds(self, value: float) -> bool:
        """True if ``value`` meets every bound given."""
        inf = value in (float("inf"), float("-inf"))
        if self.infinite is not None and inf != self.infinite:
            return False
        checks = [
            (self.above, lambda b: value > b),
            (self.below, lambda b: value < b),
            (self.at_least, lambda b: value >= b),
            (self.at_most, lambda b: value <= b),
            (self.equals, lambda b: abs(value - b) < 1e-9),
        ]
        return all(test(bound) for bound, test in checks if bound is not None)


class Choice(_Strict):
    """One answer to the prediction question and when the run gives it."""

    id: ID
    when: dict[str, Condition] = Field(default_factory=dict)


class Question(_Strict):
    """The multiple-choice prediction question (its words are in the Markdown)."""

    choices: Annotated[list[Choice], Field(min_length=2, max_length=6)]


class Change(_Strict):
    """A change to the lesson's scenario: dotted-path settings and events."""

    set: dict[str, Any] = Field(default_factory=dict)
    unset: list[str] = Field(default_factory=list)  # back to the default (TOML has no null)
    events: list[dict[str, Any]] = Field(default_factory=list)
    #: true: drop every event of the scenario; a list of kinds: drop the events of those kinds
    drop_events: bool | list[str] = False


class Reveal(_Strict):
    """Which model output answers the question: a measure, its arguments, the baseline."""

    measure: str
    args: dict[str, Any] = Field(default_factory=dict)
    baseline: Change | None = None


class View(_Strict):
    """The chart the lesson highlights: time series of columns from the run (and baseline)."""

    kind: Literal["country_series", "world_series", "tier_buyers"] = "country_series"
    columns: list[str] = Field(default_factory=list)
    countries: list[CODE] = Field(default_factory=list)
    exporter_tier: Annotated[int, Field(ge=1, le=4)] = 3
    goods: list[str] = Field(default_factory=list)
    baseline: bool = True
    baseline_countries: list[CODE] | None = None  # None: every country in the view
    percent: bool = False
    page: Literal["world", "ladder", "money", "bubbles", "compare"] | None = None


class Try(_Strict):
    """A thing to try: a lever change, run against the same baseline."""

    id: ID
    change: Change


class Claim(_Strict):
    """The headline claim, checked over seeds: the run's answer is ``expected`` often enough."""

    expected: ID
    seeds: Annotated[int, Field(ge=1, le=200)] = 20
    min_share: Annotated[float, Field(gt=0, le=1)] = 0.8


class LessonSpec(_Strict):
    """``lesson.toml``."""

    number: Annotated[int, Field(ge=1, le=99)]
    scenario: str = "scenario.toml"
    seed: Annotated[int, Field(ge=0)] = 42
    mechanisms: list[Annotated[str, Field(pattern=r"^M[1-9]$")]] = Field(default_factory=list)
    question: Question
    reveal: Reveal
    view: View
    tries: list[Try] = Field(default_factory=list, alias="try")
    discussion: Annotated[int, Field(ge=1, le=10)] = 3
    claim: Claim


#: the sections every lesson text has, in the order the presenter shows them
FIXED_SECTIONS = (
    "summary",
    "framing",
    "question",
    "view",
    "reveal",
    "explanation",
    "leaves_out",
    "contested",
)


def required_sections(spec: LessonSpec) -> list[str]:
    """Every ``## section`` the lesson's Markdown files must have."""
    out = list(FIXED_SECTIONS)
    out += [f"choice.{c.id}" for c in spec.question.choices]
    if spec.reveal.baseline is not None:
        out.append("baseline")
    if spec.view.kind != "tier_buyers":
        out += [f"label.{c}" for c in spec.view.columns]
    out += [f"try.{t.id}" for t in spec.tries]
    out += [f"discussion.{k}" for k in range(1, spec.discussion + 1)]
    return out


def parse_markdown(text: str, source: str) -> tuple[str, dict[str, str]]:
    """Split a lesson text into its ``# title`` and its ``## sections``.

    Raises:
        LessonError: no title, two titles, text before the first section, a repeated
            or empty section.
    """
    title = ""
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for n, line in enumerate(text.splitlines(), 1):
        if line.startswith("# "):
            if title:
                raise LessonError(source, f"line {n}", line[:40], "one '# title' per file")
            title = line[2:].strip()
            current = None
            continue
        if line.startswith("## "):
            key = line[3:].strip()
            if key in sections:
                raise LessonError(source, f"line {n}", key, "each section once")
            sections[key] = current = []
            continue
        if current is None:
            if line.strip() and not line.startswith("<!--"):
                raise LessonError(
                    source, f"line {n}", line[:40], "text must follow a '## section' heading"
                )
            continue
        current.append(line)
    if not title:
        raise LessonError(source, "title", MISSING, "the file must start with '# title'")
    out = {k: "\n".join(v).strip() for k, v in sections.items()}
    for key, body in out.items():
        if not body:
            raise LessonError(source, f"## {key}", "", "must not be empty")
    return title, out


def _pydantic_error(err: ValidationError, raw: dict[str, Any], source: str) -> LessonError:
    first = err.errors(include_url=False)[0]
    loc = tuple(first["loc"])
    path = loc_to_path(loc).replace("try", "try", 1)
    value = first.get("input")
    if first["type"] == "extra_forbidden":
        model: Any = LessonSpec
        for item in loc[:-1]:
            if isinstance(item, int) or model is None:
                continue
            fields = model.model_fields
            name = next((n for n, f in fields.items() if (f.alias or n) == item), item)
            model = table_model(fields[name].annotation) if name in fields else None
        if model is not None:
            keys = ", ".join(f.alias or n for n, f in model.model_fields.items())
        else:
            keys = "see the lesson documentation"
        return LessonError(source, path, value, f"unknown key; allowed keys: {keys}")
    if first["type"] == "missing":
        return LessonError(source, path, MISSING, "missing required field")
    if isinstance(value, dict | list):
        value = MISSING
    message = first["msg"].removeprefix("Value error, ")
    return LessonError(source, path or "lesson", value, message)


class Lesson:
    """A loaded, validated lesson: its spec, scenario, texts in every language.

    Attributes:
        folder: the lesson's folder.
        id: the folder's name.
        spec: the validated ``lesson.toml``.
        scenario: the validated scenario.
        titles: the title per language.
        texts: the sections per language.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.id = self.folder.name
        toml = self.folder / "lesson.toml"
        source = str(toml)
        try:
            raw = tomllib.loads(toml.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise LessonError(str(self.folder), "lesson.toml", MISSING, "no such file") from None
        except tomllib.TOMLDecodeError as err:
            raise LessonError(source, "TOML syntax", MISSING, str(err)) from None
        try:
            self.spec = LessonSpec.model_validate(raw)
        except ValidationError as err:
            raise _pydantic_error(err, raw, source) from None
        self.scenario = Scenario.load(self.folder / self.spec.scenario)
        self._check(source)
        self.titles: dict[str, str] = {}
        self.texts: dict[str, dict[str, str]] = {}
        for lang in LANGS:
            md = self.folder / f"{lang}.md"
            if not md.exists():
                raise LessonError(
                    str(md),
                    "file",
                    MISSING,
                    f"every lesson needs {', '.join(f'{x}.md' for x in LANGS)}",
                )
            title, sections = parse_markdown(md.read_text(encoding="utf-8"), str(md))
            self._check_texts(sections, str(md))
            self.titles[lang], self.texts[lang] = title, sections

    # -- checks --------------------------------------------------------------------------
    def _check(self, source: str) -> None:
        spec = self.spec
        measure = MEASURES.get(spec.reveal.measure)
        if measure is None:
            raise LessonError(
                source, "reveal.measure", spec.reveal.measure, f"one of {', '.join(MEASURES)}"
            )
        try:
            self.args = measure.args.model_validate(spec.reveal.args)
        except ValidationError as err:
            first = err.errors(include_url=False)[0]
            field = "reveal.args." + loc_to_path(tuple(first["loc"]))
            value = first.get("input")
            value = MISSING if isinstance(value, dict | list) else value
            raise LessonError(source, field, value, first["msg"]) from None
        if measure.needs_baseline and spec.reveal.baseline is None:
            raise LessonError(
                source,
                "reveal.baseline",
                MISSING,
                f"measure {measure.name} compares with a baseline run",
            )
        codes = {c.code for c in self.scenario.countries} if self.scenario.countries else set()
        rungs = list(self.scenario.goods.ladder)
        for name, value in self.args.model_dump().items():
            if (
                name in ("country", "controller", "issuer")
                and value is not None
                and codes
                and value not in codes
            ):
                raise LessonError(
                    source, f"reveal.args.{name}", value, f"one of {', '.join(sorted(codes))}"
                )
            if name == "rung" and value not in rungs:
                raise LessonError(source, "reveal.args.rung", value, f"one of {', '.join(rungs)}")
        self.values = measure.names(self.args)
        ids = [c.id for c in spec.question.choices]
        if len(set(ids)) != len(ids):
            raise LessonError(source, "question.choices", ids, "choice ids must be unique")
        for i, c in enumerate(spec.question.choices):
            for key in c.when:
                if key not in self.values:
                    raise LessonError(
                        source,
                        f"question.choices[{i}].when.{key}",
                        key,
                        f"a value of {measure.name}: {', '.join(self.values)}",
                    )
        if spec.claim.expected not in ids:
            raise LessonError(
                source, "claim.expected", spec.claim.expected, f"one of {', '.join(ids)}"
            )
        for k, country in enumerate(spec.view.countries):
            if codes and country not in codes:
                raise LessonError(
                    source, f"view.countries[{k}]", country, f"one of {', '.join(sorted(codes))}"
                )
        if spec.view.kind == "tier_buyers" and not spec.view.goods:
            raise LessonError(source, "view.goods", MISSING, "the goods whose buyers are shown")
        if spec.view.kind != "tier_buyers" and not spec.view.columns:
            raise LessonError(source, "view.columns", MISSING, "at least one column to draw")
        tries = [t.id for t in spec.tries]
        if len(set(tries)) != len(tries):
            raise LessonError(source, "try", tries, "ids must be unique")
        from tradetiers.lessons.runs import scenario_for  # the changes must give valid scenarios

        if spec.reveal.baseline is not None:
            scenario_for(self, None, baseline=True, source=source, field="reveal.baseline")
        for i, t in enumerate(spec.tries):
            scenario_for(self, t.id, baseline=False, source=source, field=f"try[{i}].change")

    def _check_texts(self, sections: dict[str, str], source: str) -> None:
        need = required_sections(self.spec)
        for key in need:
            if key not in sections:
                raise LessonError(source, f"## {key}", MISSING, "missing section")
        for key in sections:
            if key not in need:
                raise LessonError(
                    source, f"## {key}", key, f"unknown section; allowed: {', '.join(need)}"
                )
        fields = set(self.values)
        for _lit, name, _spec, _conv in string.Formatter().parse(sections["reveal"]):
            if name is None:
                continue
            if name not in fields:
                raise LessonError(
                    source,
                    "## reveal",
                    "{" + name + "}",
                    f"placeholders: {', '.join(sorted(fields))}",
                )
        try:
            sections["reveal"].format(**{f: 1.5 for f in fields})
        except (ValueError, IndexError) as err:
            raise LessonError(
                source, "## reveal", MISSING, f"bad placeholder format ({err})"
            ) from None

    # -- reading ---------------------------------------------------------------------------
    @property
    def number(self) -> int:
        """The lesson's number (its place in the list)."""
        return self.spec.number

    @property
    def choice_ids(self) -> list[str]:
        """The ids of the question's choices, in order."""
        return [c.id for c in self.spec.question.choices]

    def title(self, lang: str) -> str:
        """The title in a language."""
        return self.titles[_lang(lang)]

    def text(self, key: str, lang: str) -> str:
        """A section in a language."""
        return self.texts[_lang(lang)][key]

    def answer(self, values: dict[str, float]) -> str | None:
        """The first choice whose conditions the run's values meet (None: no choice fits)."""
        for c in self.spec.question.choices:
            if all(cond.holds(values[k]) for k, cond in c.when.items()):
                return c.id
        return None


def _lang(lang: str) -> str:
    return lang if lang in LANGS else "en"


def slug_number(folder: Path) -> int | None:
    """The number in a folder name such as ``04_blockades`` (None if it has none)."""
    m = re.match(r"^(\d+)", folder.name)
    return int(m.group(1)) if m else None

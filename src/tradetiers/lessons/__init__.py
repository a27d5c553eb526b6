"""Classroom lessons: predict, observe, explain, in English and Chinese.

Each lesson is a folder of data: ``lesson.toml`` (the question, the reveal measure, the
baseline, the view, things to try, the claim), a scenario, and ``en.md``/``zh.md``.
The shipped lessons live beside this file; a teacher's own lessons are folders in any
directory named by ``TRADETIERS_LESSONS`` (several separated by the path separator) or
``--dir`` on the command line. No code is needed for a new lesson.
"""

from __future__ import annotations

import os
from pathlib import Path

from tradetiers.lessons.schema import LANGS, Lesson, LessonError

#: directories of extra lesson folders (os.pathsep-separated)
LESSONS_ENV = "TRADETIERS_LESSONS"

__all__ = ["LANGS", "LESSONS_ENV", "Lesson", "LessonError", "find", "lesson_dirs", "load_all"]


def shipped_dir() -> Path:
    """The folder of the shipped lessons."""
    return Path(__file__).resolve().parent


def lesson_dirs(extra: list[Path] | None = None) -> list[Path]:
    """Every lesson folder: the shipped ones, then those under the extra directories."""
    roots = [shipped_dir()]
    roots += [Path(p) for p in os.environ.get(LESSONS_ENV, "").split(os.pathsep) if p]
    roots += list(extra or [])
    out = []
    for root in roots:
        if (root / "lesson.toml").exists():
            out.append(root)
            continue
        if root.is_dir():
            out += sorted(p for p in root.iterdir() if (p / "lesson.toml").exists())
    return out


def load_all(extra: list[Path] | None = None) -> list[Lesson]:
    """Load and validate every lesson, ordered by number.

    Raises:
        LessonError: a lesson is invalid, or two lessons share a number.
    """
    lessons = [Lesson(folder) for folder in lesson_dirs(extra)]
    seen: dict[int, Lesson] = {}
    for lesson in lessons:
        other = seen.get(lesson.number)
        if other is not None:
            raise LessonError(
                str(lesson.folder / "lesson.toml"),
                "number",
                lesson.number,
                f"already used by {other.folder}; pick a free number",
            )
        seen[lesson.number] = lesson
    return sorted(lessons, key=lambda x: x.number)


def find(key: str | int, lessons: list[Lesson] | None = None) -> Lesson:
    """A lesson by number or folder name.

    Raises:
        LessonError: no such lesson.
    """
    lessons = load_all() if lessons is None else lessons
    for lesson in lessons:
        if str(lesson.number) == str(key).lstrip("0") or lesson.id == str(key):
            return lesson
    known = ", ".join(f"{x.number} ({x.id})" for x in lessons)
    raise LessonError("lessons", "lesson", key, f"one of {known}")

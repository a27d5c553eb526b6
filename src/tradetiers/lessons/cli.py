"""``tradetiers lessons`` (list) and ``tradetiers lessons export N --lang zh|en [--out DIR]``."""

from __future__ import annotations

import argparse
from pathlib import Path

from tradetiers.config import ScenarioError


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Add ``lessons`` to the CLI's subcommands; it sets ``handler``."""
    p = sub.add_parser("lessons", help="list the classroom lessons, or export a handout")
    p.add_argument(
        "--dir", type=Path, action="append", default=[], help="a folder of extra lessons"
    )
    actions = p.add_subparsers(dest="action", parser_class=type(p))
    ex = actions.add_parser("export", help="write a printable handout (HTML + PNG)")
    ex.add_argument("lesson", help="lesson number or folder name")
    ex.add_argument("--lang", choices=["en", "zh"], default="en", help="language (default en)")
    ex.add_argument("--out", type=Path, default=None, help="folder (default: handouts/)")
    ex.add_argument("--seed", type=int, default=None, help="seed (default: the lesson's)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """List the lessons, or export one."""
    from rich.console import Console
    from rich.table import Table

    from tradetiers.lessons import find, load_all

    lessons = load_all(args.dir)
    console = Console()
    if args.action != "export":
        table = Table(title="Lessons")
        for col in ("#", "folder", "title", "标题", "mechanisms"):
            table.add_column(col)
        for x in lessons:
            table.add_row(
                str(x.number), x.id, x.title("en"), x.title("zh"), " ".join(x.spec.mechanisms)
            )
        console.print(table)
        return 0
    if args.seed is not None and args.seed < 0:
        raise ScenarioError("--seed", "seed", args.seed, "must be a non-negative integer")
    from tradetiers.lessons.handout import export

    lesson = find(args.lesson, lessons)
    out = args.out or Path("handouts")
    paths = export(lesson, args.lang, out, args.seed)
    console.print("wrote " + ", ".join(str(p) for p in paths))
    return 0

"""The ``validate`` and ``compare`` commands, registered into the main parser.

``tradetiers.cli`` calls :func:`add_commands` with its subparsers; each command sets a
``handler(args) -> exit code``. User errors raise ``ScenarioError``, which the main
CLI prints as one line with exit code 2; everything is checked before any run starts,
and files are written only at the end, so a user error writes nothing.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tradetiers.config import ScenarioError

EXIT_FAILED = 1  #: a required target fails
EXIT_INTERRUPTED = 130


def add_commands(sub: Any) -> None:
    """Add ``validate`` and ``compare`` to the CLI's subparsers."""
    val = sub.add_parser(
        "validate", help="run a scenario over seeds and check it against its [validation] targets"
    )
    val.add_argument(
        "scenario",
        nargs="?",
        default="historical",
        help="scenario file or shipped name (default: historical)",
    )
    val.add_argument(
        "--seeds", type=int, default=None, help="seeds 0..N-1 (default: the table's seeds)"
    )
    _workers(val)
    val.add_argument(
        "--out", type=Path, default=None, help="output folder (default: results/validate-NAME)"
    )
    val.add_argument("--quiet", action="store_true", help="no progress bar or table")
    val.set_defaults(handler=validate_command)

    cmp = sub.add_parser("compare", help="run two scenarios over the same seeds and compare them")
    cmp.add_argument("a", help="scenario A (file or shipped name)")
    cmp.add_argument("b", help="scenario B (file or shipped name)")
    cmp.add_argument("--seeds", type=int, default=20, help="seeds 0..N-1 (default 20)")
    cmp.add_argument(
        "--years", type=int, default=None, help="years to run (default: the shorter horizon)"
    )
    cmp.add_argument(
        "--columns",
        default=None,
        metavar="LIST",
        help="indicators, comma-separated: world columns or CODE.column "
        "(default: the key indicators)",
    )
    _workers(cmp)
    cmp.add_argument(
        "--out", type=Path, default=None, help="output folder (default: results/compare-A-vs-B)"
    )
    cmp.add_argument("--quiet", action="store_true", help="no progress bar or table")
    cmp.set_defaults(handler=compare_command)


def _workers(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="worker processes (default: one per core; 0 runs in this process)",
    )


def _console(quiet: bool = False) -> Any:
    from rich.console import Console

    return Console(width=None if sys.stdout.isatty() else 160, quiet=quiet)


@contextmanager
def _progress(name: str, quiet: bool) -> Iterator[Callable[[int, int], None]]:
    """A progress bar of runs on stderr, on a terminal only.

    It appears with the first run, so a user error found before any run prints
    nothing but its one line.
    """
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    console = Console(stderr=True)
    bar = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} runs"),
        TimeRemainingColumn(),
        console=console,
        disable=quiet or not console.is_terminal,
        transient=True,
    )
    task: list[Any] = []

    def update(done: int, total: int) -> None:
        if not task:
            bar.start()
            task.append(bar.add_task(name, total=total))
        bar.update(task[0], completed=done, total=total)

    try:
        yield update
    finally:
        if task:
            bar.stop()


def validate_command(args: argparse.Namespace) -> int:
    """``tradetiers validate``: 0 when every required target passes, 1 when one fails."""
    from tradetiers.validation.check import validate
    from tradetiers.validation.output import write_csv, write_png
    from tradetiers.validation.plot import validation_figure
    from tradetiers.validation.table import validation_notes, validation_table

    try:
        with _progress(f"validate {args.scenario}", args.quiet) as progress:
            result = validate(args.scenario, args.seeds, args.workers, progress=progress)
    except KeyboardInterrupt:
        print("tradetiers: interrupted; nothing written", file=sys.stderr)
        return EXIT_INTERRUPTED
    out = args.out or Path("results") / f"validate-{result.scenario}"
    written = [
        write_csv(result.targets, out / "validation.csv"),
        write_png(validation_figure(result), out / "validation.png"),
    ]
    console = _console(args.quiet)
    console.print(validation_table(result))
    for line in validation_notes(result):
        console.print(line, highlight=False)
    console.print("wrote " + ", ".join(str(p) for p in written), highlight=False)
    return 0 if result.passed else EXIT_FAILED


def compare_command(args: argparse.Namespace) -> int:
    """``tradetiers compare A B``: tables, plot and CSV of the paired differences."""
    from tradetiers.validation.comparison import compare
    from tradetiers.validation.output import write_csv, write_png
    from tradetiers.validation.plot import compare_figure
    from tradetiers.validation.table import compare_table

    columns = None
    if args.columns is not None:
        columns = [c.strip() for c in args.columns.split(",") if c.strip()]
        if not columns:
            raise ScenarioError("--columns", "columns", args.columns, "a comma-separated list")
    try:
        with _progress(f"compare {args.a} vs {args.b}", args.quiet) as progress:
            result = compare(
                args.a,
                args.b,
                seeds=args.seeds,
                years=args.years,
                workers=args.workers,
                columns=columns,
                progress=progress,
            )
    except KeyboardInterrupt:
        print("tradetiers: interrupted; nothing written", file=sys.stderr)
        return EXIT_INTERRUPTED
    out = args.out or Path("results") / f"compare-{result.a}-vs-{result.b}"
    written = [
        write_csv(result.stats, out / "compare.csv"),
        write_png(compare_figure(result), out / "compare.png"),
    ]
    console = _console(args.quiet)
    console.print(compare_table(result))
    console.print("wrote " + ", ".join(str(p) for p in written), highlight=False)
    return 0

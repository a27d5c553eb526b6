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


def _exit_130_on_interrupt(command: Callable[[argparse.Namespace], int]) -> Callable[..., int]:
    """Ctrl-C during a command's runs: one line, exit 130, nothing written."""

    def run(args: argparse.Namespace) -> int:
        try:
            return command(args)
        except _Interrupted:
            print("tradetiers: interrupted; nothing written", file=sys.stderr)
            return EXIT_INTERRUPTED

    run.__doc__ = command.__doc__
    return run


@_exit_130_on_interrupt
def validate_command(args: argparse.Namespace) -> int:
    """``tradetiers validate``: 0 when every required target passes, 1 when one fails."""
    from tradetiers.validation.check import validate
    from tradetiers.validation.plot import validation_figure
    from tradetiers.validation.table import validation_notes, validation_table

    with _interruptible(f"validate {args.scenario}", args.quiet) as progress:
        result = validate(args.scenario, args.seeds, args.workers, progress=progress)
    _report(
        args,
        args.out or Path("results") / f"validate-{result.scenario}",
        ("validation", result.targets, validation_figure(result)),
        [validation_table(result), *validation_notes(result)],
    )
    return 0 if result.passed else EXIT_FAILED


@_exit_130_on_interrupt
def compare_command(args: argparse.Namespace) -> int:
    """``tradetiers compare A B``: tables, plot and CSV of the paired differences."""
    from tradetiers.validation.comparison import compare
    from tradetiers.validation.plot import compare_figure
    from tradetiers.validation.table import compare_table

    columns = None
    if args.columns is not None:
        columns = [c.strip() for c in args.columns.split(",") if c.strip()]
        if not columns:
            raise ScenarioError("--columns", "columns", args.columns, "a comma-separated list")
    with _interruptible(f"compare {args.a} vs {args.b}", args.quiet) as progress:
        result = compare(
            args.a,
            args.b,
            seeds=args.seeds,
            years=args.years,
            workers=args.workers,
            columns=columns,
            progress=progress,
        )
    _report(
        args,
        args.out or Path("results") / f"compare-{result.a}-vs-{result.b}",
        ("compare", result.stats, compare_figure(result)),
        [compare_table(result)],
    )
    return 0


class _Interrupted(Exception):
    """Ctrl-C during the runs: nothing was written."""


@contextmanager
def _interruptible(name: str, quiet: bool) -> Iterator[Any]:
    """The runs' progress bar; Ctrl-C becomes :class:`_Interrupted` (exit 130)."""
    try:
        with _progress(name, quiet) as progress:
            yield progress
    except KeyboardInterrupt:
        raise _Interrupted from None


def _report(args: argparse.Namespace, out: Path, files: tuple[str, Any, Any], shown: list) -> None:
    """Write ``NAME.csv`` and ``NAME.png`` atomically, then print the tables and notes."""
    from tradetiers.validation.output import write_csv, write_png

    name, frame, figure = files
    written = [write_csv(frame, out / f"{name}.csv"), write_png(figure, out / f"{name}.png")]
    console = _console(args.quiet)
    for item in shown:
        console.print(item, highlight=False)
    console.print("wrote " + ", ".join(str(p) for p in written), highlight=False)

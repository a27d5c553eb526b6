"""The ``sweep``, ``analyze`` and ``cluster`` commands, registered into the main parser.

``tradetiers.cli`` calls :func:`add_commands` with its subparsers; each command sets a
``handler(args) -> exit code``. Heavy imports (dask, SALib, matplotlib) happen only
when a command runs, so ``tradetiers --help`` stays fast.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path
from typing import Any

from rich.console import Console

from tradetiers.experiments.errors import SpecError

EXIT_INTERRUPTED = 130
EXIT_RUNS_LOST = 1


def add_commands(sub: Any) -> None:
    """Add ``sweep``, ``analyze`` and ``cluster`` to the CLI's subparsers."""
    sweep = sub.add_parser(
        "sweep", help="run an experiment spec: sweeps, replications, sensitivity designs"
    )
    sweep.add_argument("spec", type=Path, help="experiment spec (TOML)")
    sweep.add_argument(
        "--workers",
        type=int,
        default=None,
        help="local worker processes (default: one per core; 0 runs in this process)",
    )
    sweep.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="address of a running Dask scheduler, e.g. tcp://10.0.0.5:8786",
    )
    sweep.add_argument(
        "--out", type=Path, default=None, help="sweep folder (default: results/sweeps/NAME)"
    )
    sweep.add_argument(
        "--resume", action="store_true", help="continue the sweep in --out; finished runs are kept"
    )
    sweep.add_argument("--chunk", type=int, default=None, help="runs per task (default: automatic)")
    sweep.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    sweep.set_defaults(handler=sweep_command)

    analyze = sub.add_parser(
        "analyze", help="summary table, plots and sensitivity indices of a sweep folder"
    )
    analyze.add_argument("dir", type=Path, help="a sweep folder written by `tradetiers sweep`")
    analyze.add_argument(
        "--out", type=Path, default=None, help="where to write (default: DIR/analysis)"
    )
    analyze.add_argument("--no-plots", action="store_true", help="tables only")
    analyze.set_defaults(handler=analyze_command)

    from tradetiers.experiments.cluster import add_command as add_cluster_command

    add_cluster_command(sub)  # cluster: Dask workers as SLURM or PBS jobs


def _raise_interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def sweep_command(args: argparse.Namespace) -> int:
    """``tradetiers sweep``: validate the spec, run what is left, report the totals."""
    from tradetiers.experiments.runner import SweepInterrupted, run_sweep
    from tradetiers.experiments.spec import load_spec

    if args.workers is not None and args.workers < 0:
        raise SpecError("--workers", "workers", args.workers, "must be 0 or more")
    if args.chunk is not None and args.chunk < 1:
        raise SpecError("--chunk", "chunk", args.chunk, "must be 1 or more")
    exp = load_spec(args.spec)
    out = args.out or Path("results") / "sweeps" / exp.spec.name
    console = Console(stderr=True)
    # SIGTERM (kill, a batch system's time limit) stops the sweep like Ctrl-C does
    main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _raise_interrupt) if main_thread else None
    try:
        with _SweepProgress(console, exp.spec.name, disable=args.quiet) as bar:
            result = run_sweep(
                exp,
                out,
                workers=args.workers,
                scheduler=args.scheduler,
                resume=args.resume,
                chunk=args.chunk,
                progress=bar.update,
            )
    except SweepInterrupted as stop:
        r = stop.result
        print(
            f"tradetiers: interrupted: {r.skipped + r.done} of {r.total} runs are stored in "
            f"{out}; run the same command with --resume to finish",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    finally:
        if main_thread:
            signal.signal(signal.SIGTERM, previous)
    if not args.quiet:
        rate = result.done / result.seconds if result.seconds > 0 else 0.0
        console.print(
            f"{result.total} runs: {result.skipped} already done, {result.done} run now "
            f"({result.failed} failed) in {result.seconds:.1f} s, {rate:.2f} runs/s; "
            f"store overhead {_overhead(result)}; results in {out}"
        )
        if result.failed:
            console.print(
                f"[yellow]{result.failed} runs raised; their errors are in the runs table "
                f"(status = 'failed')[/yellow]"
            )
    if result.lost:
        first = result.errors[0] if result.errors else "no error text"
        print(
            f"tradetiers: error: {result.lost} runs did not finish ({first}); "
            "run the same command with --resume to finish them",
            file=sys.stderr,
        )
        return EXIT_RUNS_LOST
    return 0


def _overhead(result: Any) -> str:
    if result.run_seconds <= 0:
        return "n/a"
    return f"{100 * result.store_seconds / result.run_seconds:.1f}% of run time"


class _SweepProgress:
    """A rich progress bar: runs done, failed and left, and the time remaining."""

    def __init__(self, console: Console, name: str, disable: bool) -> None:
        from rich.progress import (
            BarColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            TextColumn("{task.fields[done]} done · {task.fields[failed]} failed · "),
            TextColumn("{task.fields[left]} left"),
            TimeElapsedColumn(),
            TextColumn("eta"),
            TimeRemainingColumn(),
            console=console,
            disable=disable,
            transient=False,
        )
        self.task = self.progress.add_task(name, total=None, done=0, failed=0, left="?")

    def __enter__(self) -> _SweepProgress:
        self.progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.__exit__(*exc)  # type: ignore[arg-type]

    def update(self, result: Any, left: int) -> None:
        """Called by the runner after each chunk."""
        todo = result.total - result.skipped
        self.progress.update(
            self.task,
            total=todo,
            completed=todo - left,
            done=result.done,
            failed=result.failed,
            left=left,
        )


def analyze_command(args: argparse.Namespace) -> int:
    """``tradetiers analyze``: print the summary and indices; write tables and plots."""
    from rich.table import Table

    from tradetiers.experiments.analysis import analyze
    from tradetiers.experiments.store import Store, StoreError

    if not Store(args.dir).exists:
        raise SpecError(
            str(args.dir),
            "dir",
            str(args.dir),
            "holds no sweep (no sweep.json); give a --out of sweep",
        )
    try:
        report = analyze(args.dir, out=args.out, plots=not args.no_plots)
    except StoreError as err:
        raise SpecError(str(args.dir), "dir", str(args.dir), str(err)) from None
    console = Console() if sys.stdout.isatty() else Console(width=160)
    res = report.results
    table = Table(title=f"{res.spec.name}: outcomes by lever setting\n{res.caption()}")
    show = [c for c in report.summary.columns if c not in ("std",)]
    for col in show:
        table.add_column(col, justify="left" if col == "outcome" else "right")
    for _, row in report.summary.iterrows():
        table.add_row(*(_fmt(row[c]) for c in show))
    console.print(table)
    if report.sensitivity is not None:
        sens = report.sensitivity
        method = res.spec.sampling.method
        t2 = Table(title=f"{method} sensitivity indices (SALib)")
        for col in sens.columns:
            t2.add_column(col, justify="left" if col in ("outcome", "factor", "note") else "right")
        for _, row in sens.iterrows():
            t2.add_row(*(_fmt(row[c]) for c in sens.columns))
        console.print(t2)
    console.print("wrote " + ", ".join(str(p) for p in report.files))
    return 0


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        return f"{value:.4g}"
    return str(value)

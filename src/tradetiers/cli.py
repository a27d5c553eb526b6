"""Command line: ``tradetiers run | scenarios``.

User errors (a bad scenario, a bad option) print one line and exit with code 2,
without a traceback and without writing anything.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from tradetiers.config import Scenario, ScenarioError, shipped_configs_dir
from tradetiers.io import FORMATS, write_frame
from tradetiers.state import TIER_NAMES

EXIT_USER_ERROR = 2


class _Parser(argparse.ArgumentParser):
    """argparse that reports errors in one line with exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_USER_ERROR, f"tradetiers: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """The CLI's argument parser."""
    parser = _Parser(prog="tradetiers", description="Agent-based simulator of trade in four tiers.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    run = sub.add_parser("run", help="run a scenario and write world, countries and trade tables")
    run.add_argument(
        "scenario", nargs="?", default="teaching", help="scenario file or shipped name"
    )
    run.add_argument(
        "--years", type=int, default=None, help="years to run (default: the scenario's)"
    )
    run.add_argument("--seed", type=int, default=None, help="random seed (default: the scenario's)")
    run.add_argument(
        "--out", type=Path, default=None, help="output folder (default: results/NAME-sSEED)"
    )
    run.add_argument("--format", choices=FORMATS, default="parquet", help="table format")
    run.add_argument("--quiet", action="store_true", help="no progress bar or summary")

    sub.add_parser("scenarios", help="list the shipped scenarios")
    from tradetiers.ui import add_commands as add_ui_commands

    add_ui_commands(sub)  # ui, assets: the browser app
    from tradetiers.experiments.cli import add_commands as add_experiment_commands

    add_experiment_commands(sub)  # sweep, analyze: batch experiments
    from tradetiers.lessons.cli import add_commands as add_lesson_commands

    add_lesson_commands(sub)  # lessons: classroom lessons and handouts
    from tradetiers.validation.cli import add_commands as add_validation_commands

    add_validation_commands(sub)  # validate, compare: model output against data, A vs B
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``tradetiers`` command."""
    args = build_parser().parse_args(argv)
    console = Console(stderr=False)
    try:
        if getattr(args, "handler", None) is not None:
            return args.handler(args)
        if args.command == "run":
            return _run(args, console)
        if args.command == "scenarios":
            return _scenarios(console)
    except ScenarioError as err:
        print(f"tradetiers: error: {err}", file=sys.stderr)
        return EXIT_USER_ERROR
    return 0


def _run(args: argparse.Namespace, console: Console) -> int:
    from tradetiers.model import TradeModel

    scenario = Scenario.load(args.scenario)
    if args.years is not None and not 1 <= args.years <= 1000:
        raise ScenarioError("--years", "years", args.years, "must be between 1 and 1000")
    if args.seed is not None and args.seed < 0:
        raise ScenarioError("--seed", "seed", args.seed, "must be a non-negative integer")
    seed = scenario.seed if args.seed is None else args.seed
    years = scenario.years if args.years is None else args.years
    out = args.out or Path("results") / f"{scenario.name}-s{seed}"
    model = TradeModel(scenario=scenario, rng=seed)
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} years"),
        TimeRemainingColumn(),
        console=console,
        disable=args.quiet,
        transient=True,
    ) as progress:
        task = progress.add_task(f"{scenario.name} seed {seed}", total=years)
        for _ in range(years):
            model.step()
            progress.advance(task)
    written = [
        write_frame(model.world_frame(), out / "world", args.format),
        write_frame(model.country_frame(), out / "countries", args.format),
        write_frame(model.trade_frame(), out / "trade", args.format),
        write_frame(model.event_frame(), out / "events", args.format),
    ]
    if not args.quiet:
        _summary(model, console)
        console.print("wrote " + ", ".join(str(p) for p in written))
    return 0


def _summary(model: object, console: Console) -> None:
    from tradetiers.model import TradeModel

    assert isinstance(model, TradeModel)
    cf = model.country_frame()
    last = cf[cf["year"] == cf["year"].max()].sort_values("exports", ascending=False)
    sc = model.scenario
    table = Table(
        title=f"{sc.title or sc.name}, year {int(last['year'].iloc[0])}\n"
        f"model output: scenario {sc.name}, seed {model.seed}"
    )
    money = sc.money.enabled
    columns = ["country", "tier", "GDP", "exports", "manufacturing share"]
    columns += ["debt/GDP", "reserves"] if money else []
    for col in columns:
        table.add_column(col, justify="left" if col == "country" else "right")
    for _, row in last.head(10).iterrows():
        cells = [
            f"{row['name']} ({row['country']})",
            f"{int(row['tier'])} {TIER_NAMES[int(row['tier'])]}",
            f"{row['gdp']:.1f}",
            f"{row['exports']:.1f}",
            f"{100 * row['manufacturing_share']:.1f}%",
        ]
        if money:
            cells += [f"{100 * row['debt_to_gdp']:.0f}%", f"{row['reserves']:.1f}"]
        table.add_row(*cells)
    console.print(table)
    tiers = last["tier"].value_counts().sort_index()
    console.print("countries per tier: " + ", ".join(f"tier {t}: {c}" for t, c in tiers.items()))
    heg = model.hegemon
    if heg is not None:
        line = (
            f"hegemon {heg.name}: manufacturing share {100 * heg.manufacturing_share:.1f}% of GDP"
        )
        if money:
            s = model.state
            i = heg.index
            line += (
                f", finance {100 * float(s.finance_share[i]):.1f}%, "
                f"debt {100 * float(s.debt_to_gdp[i]):.0f}% of GDP, "
                f"reserve credibility {model.money.credibility:.2f}"
            )
        console.print(line)


def _scenarios(console: Console) -> int:
    table = Table(title="Shipped scenarios")
    table.add_column("name")
    table.add_column("summary")
    for path in sorted(shipped_configs_dir().glob("*.toml")):
        sc = Scenario.load(path)
        table.add_row(sc.name, sc.summary or sc.title)
    console.print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

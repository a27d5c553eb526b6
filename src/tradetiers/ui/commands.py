"""The ``tradetiers ui`` and ``tradetiers assets`` commands.

``cli.py`` registers them with :func:`add_commands`; nothing here imports Solara, so
the rest of the command line stays fast.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from tradetiers.config import ScenarioError

EXIT_USER_ERROR = 2


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Add ``ui`` and ``assets`` to the CLI's subcommands; each sets ``handler``."""
    ui = sub.add_parser("ui", help="serve the browser app (Solara)")
    ui.add_argument("scenario", nargs="?", default="teaching", help="scenario file or shipped name")
    ui.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    ui.add_argument("--host", default="localhost", help="host (default localhost)")
    ui.add_argument(
        "--offline-assets",
        type=Path,
        default=None,
        metavar="DIR",
        help="serve the front-end from this asset cache (fill it with `tradetiers assets DIR`)",
    )
    ui.set_defaults(handler=run_ui)
    assets = sub.add_parser("assets", help="download the browser app's front-end for offline use")
    assets.add_argument("dir", nargs="?", type=Path, default=None, help="cache folder")
    assets.set_defaults(handler=run_assets)


def _error(message: str) -> int:
    print(f"tradetiers: error: {message}", file=sys.stderr)
    return EXIT_USER_ERROR


def server_env(scenario: str, offline_assets: Path | None) -> dict[str, str]:
    """The environment the Solara server runs with (no telemetry, the scenario, the cache)."""
    from tradetiers.ui.assets import CACHE_ENV

    env = dict(os.environ)
    env["TRADETIERS_UI_SCENARIO"] = scenario
    env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "False"
    if offline_assets is not None:
        env[CACHE_ENV] = str(offline_assets.resolve())
        env["SOLARA_ASSETS_PROXY"] = "True"
    return env


def run_ui(args: argparse.Namespace) -> int:
    """Check the scenario and the cache, then replace this process with the Solara server."""
    from tradetiers.ui.assets import missing
    from tradetiers.ui.session import CapError, library, load_scenario

    shipped = args.scenario in library()
    scenario = str(library()[args.scenario] if shipped else Path(args.scenario).resolve())
    try:
        load_scenario(scenario)
    except CapError as err:
        return _error(f"{args.scenario}: {err}")
    if not 1 <= args.port <= 65535:
        raise ScenarioError("--port", "port", args.port, "must be between 1 and 65535")
    if args.offline_assets is not None:
        gone = missing(args.offline_assets)
        if gone:
            return _error(
                f"--offline-assets {args.offline_assets}: missing {', '.join(gone)}; "
                f"run `tradetiers assets {args.offline_assets}` once (needs the npm registry)"
            )
    cmd = [
        sys.executable,
        "-m",
        "solara",
        "run",
        "tradetiers.ui.app",
        "--host",
        args.host,
        "--port",
        str(args.port),
        "--production",
        "--no-open",
    ]
    sys.stdout.flush()
    os.execve(
        sys.executable, cmd, server_env(args.scenario if shipped else scenario, args.offline_assets)
    )
    return 0  # not reached


def run_assets(args: argparse.Namespace) -> int:
    """Fill the asset cache (the only command that downloads)."""
    from tradetiers.ui.assets import AssetError, default_dir, fill

    cache = args.dir or default_dir()
    try:
        fetched = fill(cache)
    except AssetError as err:
        return _error(str(err))
    print(f"asset cache {cache}: {len(fetched)} fetched, all present")
    print(f"serve offline with: tradetiers ui --offline-assets {cache}")
    return 0

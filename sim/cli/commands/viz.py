"""``run.py viz [--port P] [--host H] [--sectors]``: the browser app (Mesa's SolaraViz) on
127.0.0.1:8765; ``--sectors``: the several-sector app."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import NoReturn

from sim.cli.options import port

APP = Path(__file__).resolve().parents[2] / "app" / "app.py"
SECTORS_APP = APP.with_name("sectors.py")  # the several-sector app (--sectors)
HOST, PORT = "127.0.0.1", 8765
OFFLINE = {"SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False"}  # Solara's telemetry is on by default


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("viz", help="explore the model in the browser (Mesa's SolaraViz)")
    p.add_argument("--port", type=port, default=PORT, help=f"port, 1 to 65535 (default {PORT})")
    p.add_argument("--host", default=HOST,
                   help=f"address to listen on (default {HOST}: this machine only)")
    p.add_argument("--sectors", action="store_true",
                   help="the several-sector app: each sector's share and incumbent")
    p.set_defaults(func=viz)


def solara_command(host: str, port: int, app: Path = APP) -> list[str]:
    """The command that serves the app."""
    return [sys.executable, "-m", "solara", "run", str(app), "--host", host,
            "--port", str(port), "--no-open"]


def solara_environment() -> dict[str, str]:
    """This process's environment, with Solara's telemetry off."""
    return {**os.environ, **OFFLINE}


def viz(args: argparse.Namespace) -> NoReturn:
    """Print the address, then become the Solara server (one process: SIGTERM stops it)."""
    shown = f"[{args.host}]" if ":" in args.host else args.host
    print(f"The app will be at http://{shown}:{args.port}/ (Ctrl-C stops it)", flush=True)
    command = solara_command(args.host, args.port,
                             SECTORS_APP if args.sectors else APP)
    os.execve(command[0], command, solara_environment())

"""The command line: ``python run.py COMMAND ...``. Bad input exits with status 2.

The library reports progress through :mod:`logging` (one logger per module, under ``sim``);
the command line shows its messages as they are: INFO on stdout, warnings on stderr.
"""

from __future__ import annotations

import argparse
import errno
import importlib
import logging
import os
import sys
from pathlib import Path

from sim.cli.options import ROOT, Parser
from sim.errors import UserError

MAIN_SCENARIO = ROOT / "scenarios" / "essay_claim.toml"  # `python run.py`: its verdict study
MAIN_OUT = ROOT / "results" / "essay_claim"
# Modules that each add one sub-command through ``add_parser(subparsers)``.
COMMANDS = ["sim.cli.commands.run", "sim.cli.commands.viz", "sim.cli.commands.sweep",
            "sim.cli.commands.tipping", "sim.cli.commands.verdict",
            "sim.cli.commands.sensitivity", "sim.cli.commands.analyze", "sim.cli.commands.figures",
            "sim.cli.commands.validate", "sim.cli.commands.cascade", "sim.cli.commands.worlds",
            "sim.cli.commands.forks"]
WORLDS_RESULT = ROOT / "results" / "worlds" / "worlds.json"  # `python run.py` ends with it


# A full, read-only or forbidden output folder: the user's to fix, so one line and status 2.
STORAGE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM,
                  errno.ENAMETOOLONG, errno.EFBIG}


class Console(logging.Handler):
    """The library's log messages, bare: INFO and below to stdout, warnings and errors to
    stderr (the streams of the moment, so a redirected stream gets them), flushed at once."""

    def emit(self, record: logging.LogRecord) -> None:
        stream = sys.stdout if record.levelno < logging.WARNING else sys.stderr
        try:
            stream.write(self.format(record) + "\n")
            stream.flush()
        except Exception:
            self.handleError(record)


def show_log() -> None:
    """Send the ``sim`` loggers' INFO and above to the terminal (once per process)."""
    logger = logging.getLogger("sim")
    logger.setLevel(logging.INFO)
    if not any(isinstance(h, Console) for h in logger.handlers):
        logger.addHandler(Console())


def one_line(text: str) -> str:
    """``text`` with every unprintable character (a newline in a key, say) escaped."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def worlds_paragraph(path: Path) -> None:
    """Print the worlds study's paragraph when a stored result of it exists."""
    if path.is_file():
        from sim.outputs.worlds import paragraph_from

        print(f"\nAcross plausible worlds ({path}):\n{paragraph_from(path)}")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="run.py", description="trust-tipping: do trust platforms tip mass-production "
        "incumbents? With no command, runs the main study.")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMANDS:
        importlib.import_module(module).add_parser(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    show_log()
    parser = build_parser()
    if not argv:  # the main study, its figures, then the worlds paragraph if one is stored
        status = main(["verdict", str(MAIN_SCENARIO), "--out", str(MAIN_OUT)])
        if not status and "sim.cli.commands.figures" in COMMANDS:
            status = main(["figures", str(MAIN_OUT)])
        if not status:
            worlds_paragraph(WORLDS_RESULT)
        return status
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        return args.func(args) or 0
    except UserError as error:
        print(f"error: {one_line(str(error))}", file=sys.stderr)
        return 2
    except OSError as error:
        if error.errno not in STORAGE_ERRNOS:
            raise
        where = f"{error.filename}: " if error.filename else ""
        print(one_line(f"error: {where}cannot write ({os.strerror(error.errno)}); results "
                       "already stored are kept"), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130

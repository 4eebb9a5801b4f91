"""What the commands share: the checkout's folders, the usage error, argument types, the
batch options, ``--set`` parsing and the ``--out`` check. The commands import this module,
never ``sim.cli.main`` (which imports them)."""

from __future__ import annotations

import argparse
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

from sim.errors import UserError
from sim.model.parameters import ParameterError, parse_value

ROOT = Path(__file__).resolve().parents[2]
PORTS = (1, 65535)
MAX_WORKERS = 1024  # local processes; a larger pool is a Dask cluster's (--dask)


class UsageError(UserError):
    """A command-line mistake the user can fix (exit status 2)."""


class Parser(argparse.ArgumentParser):
    """argparse's parser, whose mistakes (an unknown option, a bad value) are one line,
    ``error: run.py COMMAND: ...``, and exit status 2, like every other usage error."""

    def error(self, message: str) -> NoReturn:
        text = " ".join(f"error: {self.prog}: {message}".split())
        self.exit(2, f"{text} (see {self.prog} --help)\n")


def parse_sets(items: list[str], model: str = "trust_market") -> dict:
    """``["NAME=VALUE", ...]`` into checked parameter values (of ``model``: a reference
    model's, all numbers, are checked when the model resolves them)."""
    overrides = {}
    for item in items or []:
        if "=" not in item:
            raise UsageError(f"--set {item!r}: expected NAME=VALUE")
        name, value = (part.strip() for part in item.split("=", 1))
        try:
            if model not in ("trust_market", "sector_market"):
                number = _number(name, value)
                overrides[name] = int(number) if number.is_integer() else number
            elif name in ("sectors", "spillover"):  # the several-sector model's own
                overrides[name] = value if name == "sectors" else _number(name, value)
            else:  # a sector's parameter (news__need_rate) has its base's type
                overrides[name] = parse_value(name.partition("__")[2] or name, value)
        except ParameterError as error:
            raise UsageError(f"--set {item}: {error}") from None
    return overrides


def _number(name: str, text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ParameterError(f"parameter '{name}': got {text!r}, allowed: a number") from None


def at_least_one(text: str) -> int:
    """An argparse type: a whole number of at least 1 (bad values exit with status 2)."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: must be a whole number, at least 1")
    return value


def worker_count(text: str) -> int:
    """An argparse type: a number of local worker processes, 1 to :data:`MAX_WORKERS`."""
    value = at_least_one(text)
    if value > MAX_WORKERS:
        raise argparse.ArgumentTypeError(f"{text!r}: at most {MAX_WORKERS} local workers; "
                                         "for more, use --dask")
    return value


def port(text: str) -> int:
    """An argparse type: a TCP port, a whole number from 1 to 65535."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not PORTS[0] <= value <= PORTS[1]:
        raise argparse.ArgumentTypeError(f"{text!r}: a port is a whole number from "
                                         f"{PORTS[0]} to {PORTS[1]}")
    return value


def add_batch_options(parser: argparse.ArgumentParser,
                      out_default: str = "results/<scenario name>") -> None:
    """``--workers N | --dask ADDRESS``, ``--out DIR`` and ``--no-progress``: the options of
    every command that runs a batch."""
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--workers", type=worker_count, metavar="N",
                       help="local worker processes (default: one per core)")
    where.add_argument("--dask", metavar="ADDRESS",
                       help="run on a Dask cluster instead, e.g. tcp://HOST:8786")
    parser.add_argument("--out", type=Path, help=f"results folder (default: {out_default})")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


def out_folder(args: argparse.Namespace, default: Path, kind: str) -> Path:
    """The results folder of this command (``--out`` or ``default``), checked before
    anything is computed: see :func:`sim.experiments.destination.check_out`."""
    from sim.experiments.destination import check_out

    return check_out(args.out or default, kind)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


@contextmanager
def batch_guard(args: argparse.Namespace) -> Iterator[None]:
    """Around a batch: SIGTERM (a killed job) stops it like Ctrl-C, keeping what is stored,
    and an unreachable Dask scheduler is a usage error."""
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    except ConnectionError as error:
        raise UsageError(f"--dask {args.dask}: {error}") from None
    finally:
        signal.signal(signal.SIGTERM, previous)

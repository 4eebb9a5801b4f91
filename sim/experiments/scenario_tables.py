"""Checking a scenario's tables against a declaration of their fields.

A table is declared as a dict of key to :class:`Field` (what is allowed, in words, and the
kind and range that the words say); :func:`check_table` checks a table read from TOML
against it and fills in the defaults. Every error is one line, ``FILE: TABLE.KEY: got
VALUE, allowed: WORDS``, with a did-you-mean hint for a misspelled key or name, and raises
:class:`ScenarioError`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.errors import UserError
from sim.model.parameters import ParameterError, suggest
from sim.model.registry import resolve_value


class ScenarioError(UserError):
    """A scenario file that cannot be used (one line: file, key, what is allowed)."""


@dataclass(frozen=True)
class Field:
    """One key of a table: ``allowed`` (the words an error shows) and what they say.

    ``kind``: ``int`` (a whole number), ``float`` (a number; whole numbers become floats),
    ``str``, ``list``, ``dict``, or ``object`` (anything: the caller checks it). Numbers
    must lie in ``[low, high]`` and pass ``test``; a ``required`` key has no default.
    """

    allowed: str
    kind: type = object
    low: float = -math.inf
    high: float = math.inf
    test: Callable[[Any], bool] | None = None
    required: bool = False


RANGE = Field("[low, high] with low < high", list, test=lambda v: len(v) == 2 and all(
    map(is_number, v)) and v[0] < v[1])


def fail(path: Path | str | None, key: str, message: str) -> ScenarioError:
    """The error ``FILE: KEY: message``."""
    return ScenarioError(f"{path}: {key}: {message}")


def is_number(value: Any) -> bool:
    """A TOML integer or float (not a boolean)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def known_keys(path: Path | str | None, prefix: str, data: dict, allowed: dict[str, Any]
               ) -> None:
    """Refuse a key of ``data`` that ``allowed`` does not name (with a did-you-mean hint)."""
    for key in data:
        if key not in allowed:
            raise fail(path, prefix + key, f"unknown key{suggest(key, list(allowed))}; "
                       f"allowed: {', '.join(allowed)}")


def check_value(path: Path | str | None, key: str, value: Any, field: Field) -> Any:
    """``value`` checked against ``field``; a float field's whole number made a float."""
    kinds = {int: lambda v: isinstance(v, int) and not isinstance(v, bool), float: is_number,
             object: lambda v: True}
    fits = kinds.get(field.kind, lambda v: isinstance(v, field.kind))(value)
    if fits and field.kind in (int, float):
        fits = field.low <= value <= field.high
    if not fits or (field.test is not None and not field.test(value)):
        raise fail(path, key, f"got {value!r}, allowed: {field.allowed}")
    return float(value) if field.kind is float else value


def check_table(path: Path | str | None, name: str, raw: Any, fields: dict[str, Field],
                defaults: dict[str, Any]) -> dict[str, Any]:
    """The table ``name`` (``raw``) checked against ``fields`` and filled in from
    ``defaults``: unknown keys, missing required keys, kinds and ranges."""
    prefix = f"{name}." if name else ""
    if not isinstance(raw, dict):
        raise fail(path, name, f"got {raw!r}, allowed: a table")
    known_keys(path, prefix, raw, fields)
    values = dict(defaults)
    for key, field in fields.items():
        if key in raw:
            values[key] = check_value(path, prefix + key, raw[key], field)
        elif field.required:
            raise fail(path, prefix + key, f"missing; allowed: {field.allowed}")
    return values


def choice(path: Path | str | None, key: str, value: Any, options: list[str]) -> str:
    """``value`` if it is one of ``options``, else an error listing them (with a hint)."""
    if value not in options:
        hint = suggest(value, options) if isinstance(value, str) else ""
        raise fail(path, key, f"got {value!r}{hint}, allowed: one of " + ", ".join(options))
    return value


def parameter_value(path: Path | str | None, key: str, model: str, name: str, value: Any
                    ) -> Any:
    """``value`` checked as parameter ``name`` of ``model`` (the parameter's own error; rules
    between parameters wait until the whole point is known)."""
    try:
        return resolve_value(model, name, value)
    except ParameterError as error:
        raise fail(path, key, str(error)) from None


def parameter(path: Path | str | None, key: str, defaults: dict[str, Any], name: Any,
              kinds: tuple[type, ...] | None = None) -> str:
    """``name`` if it names a parameter (``defaults``: the model's) of one of ``kinds``."""
    if not isinstance(name, str) or name not in defaults:
        hint = suggest(name, list(defaults)) if isinstance(name, str) else ""
        raise fail(path, key, f"unknown parameter {name!r}{hint}")
    if kinds is not None and type(defaults[name]) not in kinds:
        raise fail(path, key, f"'{name}' is not a number parameter")
    return name

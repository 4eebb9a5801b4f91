"""Checking a scenario's tables against a declaration of their settings.

Every table a scenario holds (its top level, ``[sample]``, ``[output]``, and each study's own
table: ``[tipping]``, ``[verdict]``, ``[forks]``, ``[worlds]``, ``[cascade]``,
``[sensitivity]``) is declared once as :class:`Setting` records, the model's
:class:`sim.model.parameters.Param` extended to the kinds a table holds (lists, tables, a
value the caller checks). A setting carries its default, its range or choices and its
description, which says in words what is allowed. :func:`check_table` checks a table read
from TOML against the declaration and fills in the defaults: numbers, switches and choices
are checked by :meth:`Param.check`, as the model's parameters are, and a misspelled key or
choice gets the same did-you-mean hint (:func:`sim.model.parameters.suggest`). Every error is
one line, ``FILE: TABLE.KEY: got VALUE, allowed: WORDS``, and raises :class:`ScenarioError`.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.errors import UserError
from sim.model.parameters import Param, ParameterError, suggest
from sim.model.registry import resolve_value


class ScenarioError(UserError):
    """A scenario file that cannot be used (one line: file, key, what is allowed)."""


@dataclass(frozen=True)
class Setting(Param):
    """One setting of a scenario table: a :class:`Param` whose ``description`` says what is
    allowed (the words an error shows).

    ``form``: the kind when the default does not say it (``float`` for a default of None,
    ``list``, ``dict``, ``str`` without choices, or ``object``: anything, the caller checks
    it). Numbers must lie in ``[low, high]`` and pass ``test``; a ``required`` setting must
    be given (its default is only what the plan holds when the table is absent).
    """

    low: float | None = -math.inf
    high: float | None = math.inf
    form: type | None = None
    test: Callable[[Any], bool] | None = None
    required: bool = False

    @property
    def kind(self) -> type:
        return self.form or type(self.default)

    def allowed(self) -> str:
        """What values are allowed, in words: the description, else the parameter's words."""
        return self.description or super().allowed()


def declare(*settings: Setting) -> dict[str, Setting]:
    """A table's declaration: its settings by name, in the order given."""
    return {s.name: s for s in settings}


def defaults_of(settings: dict[str, Setting]) -> dict[str, Any]:
    """Each setting's default, by name (a table or list default copied, so that no caller
    shares it)."""
    return {name: copy.copy(s.default) if isinstance(s.default, dict | list) else s.default
            for name, s in settings.items()}


RANGE = Setting("range", None, form=list, description="[low, high] with low < high",
                test=lambda v: len(v) == 2 and all(map(is_number, v)) and v[0] < v[1])


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


def _fits(value: Any, setting: Setting) -> tuple[bool, Any]:
    """Whether ``value`` is of ``setting``'s kind and range, and the value as stored."""
    kind = setting.kind
    if kind is int:  # exact: a seed near 2**63 has no float of its own
        return (isinstance(value, int) and not isinstance(value, bool)
                and setting.low <= value <= setting.high), value
    if kind in (list, dict, object) or (kind is str and not setting.choices):
        return kind is object or isinstance(value, kind), value
    try:  # a number, a switch or a choice: checked as the model checks its parameters
        return True, setting.check(value)
    except ParameterError:
        return False, value


def check_value(path: Path | str | None, key: str, value: Any, setting: Setting) -> Any:
    """``value`` checked against ``setting``; a float setting's whole number made a float."""
    fits, checked = _fits(value, setting)
    if not fits or (setting.test is not None and not setting.test(checked)):
        hint = suggest(value, list(setting.choices)) if (
            setting.choices and isinstance(value, str)) else ""
        raise fail(path, key, f"got {value!r}{hint}, allowed: {setting.allowed()}")
    return checked


def check_table(path: Path | str | None, name: str, raw: Any, settings: dict[str, Setting],
                defaults: dict[str, Any] | None = None) -> dict[str, Any]:
    """The table ``name`` (``raw``) checked against ``settings`` and filled in from their
    defaults (updated by ``defaults``, for those that depend on the scenario): unknown
    keys, missing required keys, kinds and ranges."""
    prefix = f"{name}." if name else ""
    if not isinstance(raw, dict):
        raise fail(path, name, f"got {raw!r}, allowed: a table")
    known_keys(path, prefix, raw, settings)
    values = {**defaults_of(settings), **(defaults or {})}
    for key, setting in settings.items():
        if key in raw:
            values[key] = check_value(path, prefix + key, raw[key], setting)
        elif setting.required:
            raise fail(path, prefix + key, f"missing; allowed: {setting.allowed()}")
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

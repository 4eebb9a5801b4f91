"""Scenario files: small TOML files that say only what differs from the defaults.

A scenario is data, never executed. It is checked against one schema when loaded; every
error names the file, the key and what is allowed, and raises :class:`ScenarioError`.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.parameters import ParameterError, resolve, suggest


class ScenarioError(ValueError):
    """A scenario file that cannot be used (one line: file, key, what is allowed)."""


TOP_KEYS = {
    "name": "a string",
    "description": "a string",
    "steps": "a whole number of weeks, 1 to 100000",
    "seed": "a whole number >= 0 (the root seed)",
    "params": "a table of parameter overrides",
}


@dataclass
class Scenario:
    """A loaded, checked scenario."""

    name: str
    path: Path | None = None
    description: str = ""
    steps: int = 520
    seed: int = 0
    params: dict[str, Any] = field(default_factory=dict)
    text: str = ""

    def resolved(self) -> dict[str, Any]:
        """Every model parameter: defaults updated by this scenario's overrides."""
        return resolve(self.params)


def _fail(path: Path | str, key: str, message: str) -> ScenarioError:
    return ScenarioError(f"{path}: {key}: {message}")


def _whole(path, key, value, low, high) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _fail(path, key, f"got {value!r}, allowed: {TOP_KEYS[key]}")
    return value


def parse(text: str, path: Path | str = "<scenario>") -> Scenario:
    """Check a scenario's TOML text and return it as a :class:`Scenario`."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise _fail(path, "TOML", f"not valid TOML ({error})") from None
    for key in data:
        if key not in TOP_KEYS:
            allowed = ", ".join(TOP_KEYS)
            raise _fail(path, key, f"unknown key{suggest(key, list(TOP_KEYS))}; allowed: "
                        f"{allowed}")
    name = data.get("name", Path(str(path)).stem)
    if not isinstance(name, str) or not name.strip():
        raise _fail(path, "name", f"got {name!r}, allowed: {TOP_KEYS['name']}")
    description = data.get("description", "")
    if not isinstance(description, str):
        raise _fail(path, "description", f"got {description!r}, allowed: a string")
    steps = _whole(path, "steps", data.get("steps", 520), 1, 100_000)
    seed = _whole(path, "seed", data.get("seed", 0), 0, 2**63 - 1)
    params = data.get("params", {})
    if not isinstance(params, dict):
        raise _fail(path, "params", f"got {params!r}, allowed: {TOP_KEYS['params']}")
    try:
        resolve(params)
    except ParameterError as error:
        raise _fail(path, "params", str(error)) from None
    return Scenario(name=name, path=Path(str(path)), description=description, steps=steps,
                    seed=seed, params=dict(params), text=text)


def load(path: str | Path) -> Scenario:
    """Read and check a scenario file."""
    path = Path(path)
    if not path.is_file():
        raise _fail(path, "file", "no such file")
    return parse(path.read_text(encoding="utf-8"), path)

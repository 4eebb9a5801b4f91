"""Scenario files: small TOML files that say only what differs from the defaults.

A scenario is data, never executed. It is checked against one schema when loaded; every
error names the file, the key and what is allowed, and raises :class:`ScenarioError`.

Besides fixed ``[params]`` a scenario may vary parameters: ``[sweep]`` gives each a list of
values or ``{start, stop, num}`` (the points are the full product), ``[sample]`` draws points
from ``[sample.ranges]`` with ``lhs``, ``sobol`` (scipy.stats.qmc) or ``morris`` (SALib).
With both, every sweep point is crossed with every sample point.
"""

from __future__ import annotations

import itertools
import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sim.errors import UserError
from sim.model.parameters import ParameterError, suggest
from sim.model.registry import MODELS, reporters, resolve_params


class ScenarioError(UserError):
    """A scenario file that cannot be used (one line: file, key, what is allowed)."""


TOP_KEYS = {
    "name": "a string",
    "description": "a string",
    "model": "a model name",
    "steps": "a whole number of weeks, 1 to 100000",
    "replicates": "a whole number of runs per point, 1 to 100000",
    "seed": "a whole number >= 0 (the root seed)",
    "params": "a table of parameter overrides",
    "sweep": "a table: each parameter a non-empty list of values or {start, stop, num}",
    "sample": "a table: method, n, levels, and [sample.ranges]",
    "output": "a table: every, reporters",
    "snapshots": "a table: at (weeks) and params (overrides, at most 500 consumers)",
    "tipping": "a table (checked by sim.studies.tipping)",
    "sensitivity": "a table (checked by sim.studies.tipping)",
}
SAMPLE_KEYS = {
    "method": 'one of "lhs", "sobol", "morris"',
    "n": "a whole number of points, 1 to 1000000 (sobol: a power of 2; morris: trajectories)",
    "levels": "an even whole number of grid levels, 2 to 100 (morris only)",
    "ranges": "a table: each parameter [low, high]",
}
OUTPUT_KEYS = {
    "every": "a whole number k >= 1: keep every k-th step of the series (and the last)",
    "reporters": "a non-empty list of reporter names",
}
SNAPSHOT_KEYS = {
    "at": "a non-empty list of weeks, 1 to steps",
    "params": "a table of parameter overrides on top of [params] (n_consumers at most 500)",
}
MAX_NODES = 500  # the network figure's spring layout and drawing stay legible up to here
SAMPLERS = ("lhs", "sobol", "morris")
SWEEP_ALLOWED = "a non-empty list of values or {start, stop, num}"


@dataclass(frozen=True)
class Sample:
    """Points drawn from parameter ranges by a quasi-random or Morris sampler."""

    method: str
    n: int
    ranges: dict[str, tuple[Any, Any]]
    levels: int = 4

    @property
    def size(self) -> int:
        """Number of points: ``n``, or ``n * (parameters + 1)`` for Morris trajectories."""
        return self.n * (len(self.ranges) + 1) if self.method == "morris" else self.n

    def unit_points(self, seed: int) -> np.ndarray:
        """The sampler's points in the unit cube, one row per point."""
        from scipy.stats import qmc  # imported here: only sampling needs it

        d = len(self.ranges)
        if self.method == "lhs":
            return qmc.LatinHypercube(d, rng=np.random.default_rng(seed)).random(self.n)
        if self.method == "sobol":
            sobol = qmc.Sobol(d, rng=np.random.default_rng(seed))
            return sobol.random_base2(int(math.log2(self.n)))
        return morris_unit(list(self.ranges), self.n, self.levels, seed)

    def points(self, seed: int) -> list[dict[str, Any]]:
        """Parameter values of each point, scaled into the ranges (:func:`scale`)."""
        return scale(self.ranges, self.unit_points(seed))


def morris_unit(names: list[str], trajectories: int, levels: int, seed: int) -> np.ndarray:
    """Morris trajectories (SALib) in the unit cube, one row per point: the one Morris
    sampler, of ``[sample]`` method "morris" and of the sensitivity study."""
    from SALib.sample import morris  # imported here: only sampling needs it (about 1 s)

    problem = {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}
    return morris.sample(problem, trajectories, num_levels=levels, seed=seed)


def scale(ranges: dict[str, tuple[Any, Any]], unit: np.ndarray) -> list[dict[str, Any]]:
    """Rows of the unit cube as parameter values in ``ranges`` (one column per range).

    Number parameters map linearly onto ``[low, high]``; integer parameters (integer
    bounds) take each whole number in ``[low, high]`` with equal chance (``low + floor(u
    (high - low + 1))``, the top one at ``u = 1`` too).
    """
    columns = {}
    for (name, (low, high)), u in zip(ranges.items(), np.asarray(unit).T, strict=True):
        if isinstance(low, int):
            columns[name] = [int(v) for v in np.minimum(low + np.floor(u * (high - low + 1)),
                                                        high)]
        else:
            columns[name] = [float(v) for v in np.clip(low + u * (high - low), low, high)]
    return [dict(zip(columns, row, strict=True)) for row in zip(*columns.values(), strict=True)]


@dataclass(frozen=True)
class Snapshots:
    """One illustrative run whose network is stored for the network figure: the scenario's
    parameters updated by ``params``, its root seed, and the weeks ``at`` to store."""

    at: tuple[int, ...]
    params: dict[str, Any]


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
    model: str = "trust_market"
    replicates: int = 1
    sweep: dict[str, list[Any]] = field(default_factory=dict)
    sample: Sample | None = None
    every: int = 1
    reporters: tuple[str, ...] | None = None
    tipping: dict[str, Any] | None = None
    sensitivity: dict[str, Any] | None = None
    snapshots: Snapshots | None = None

    def resolved(self) -> dict[str, Any]:
        """Every model parameter: defaults updated by this scenario's overrides."""
        return resolve_params(self.model, self.params)

    @property
    def n_points(self) -> int:
        """Number of parameter points: the sweep's product times the sample's size."""
        return math.prod(len(v) for v in self.sweep.values()) * (
            self.sample.size if self.sample else 1)

    def points(self) -> list[dict[str, Any]]:
        """The varied parameters of each point, in point order (sweep outer, sample inner).

        A scenario with neither ``[sweep]`` nor ``[sample]`` has one point, ``{}``.
        """
        grid = [dict(zip(self.sweep, combo, strict=True))
                for combo in itertools.product(*self.sweep.values())]
        sampled = self.sample.points(self.seed) if self.sample else [{}]
        return [{**g, **s} for g in grid for s in sampled]


def _fail(path: Path | str, key: str, message: str) -> ScenarioError:
    return ScenarioError(f"{path}: {key}: {message}")


def _whole(path, key, value, low, high, allowed) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _fail(path, key, f"got {value!r}, allowed: {allowed}")
    return value


def _table(path, key, value, allowed: str | None = None) -> dict:
    if not isinstance(value, dict):
        raise _fail(path, key, f"got {value!r}, allowed: {allowed or TOP_KEYS[key]}")
    return value


def _known_keys(path, prefix: str, data: dict, allowed: dict[str, str]) -> None:
    for key in data:
        if key not in allowed:
            raise _fail(path, prefix + key, f"unknown key{suggest(key, list(allowed))}; "
                        f"allowed: {', '.join(allowed)}")


def _known(path, key: str, defaults: dict, name: str) -> None:
    if name not in defaults:
        raise _fail(path, key, f"unknown parameter '{name}'{suggest(name, list(defaults))}")


def _param(path, key: str, model: str, defaults: dict, name: str, value: Any) -> Any:
    """``value`` checked as parameter ``name`` of ``model``; errors name the table ``key``."""
    _known(path, key, defaults, name)
    try:
        return resolve_params(model, {name: value})[name]
    except ParameterError as error:
        raise _fail(path, key, str(error)) from None


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _sweep(path, model, defaults, table, fixed) -> dict[str, list[Any]]:
    sweep = {}
    for name, spec in _table(path, "sweep", table).items():
        key = f"sweep.{name}"
        _known(path, "sweep", defaults, name)
        if name in fixed:
            raise _fail(path, key, "also set in [params]; set it in one place")
        if isinstance(spec, dict):
            _known_keys(path, key + ".", spec, dict.fromkeys(("start", "stop", "num"), ""))
            if not (_number(spec.get("start")) and _number(spec.get("stop"))):
                raise _fail(path, key, f"got {spec!r}, allowed: {SWEEP_ALLOWED}")
            num = _whole(path, key + ".num", spec.get("num"), 1, 100_000,
                         "a whole number of values, 1 to 100000")
            spec = np.linspace(spec["start"], spec["stop"], num).tolist()
        if not isinstance(spec, list):
            raise _fail(path, key, f"got {spec!r}, allowed: {SWEEP_ALLOWED}")
        if not spec:
            raise _fail(path, key, f"empty list; allowed: {SWEEP_ALLOWED}")
        sweep[name] = [_param(path, "sweep", model, defaults, name, v) for v in spec]
    return sweep


def _sample(path, model, defaults, table, taken) -> Sample:
    table = _table(path, "sample", table)
    _known_keys(path, "sample.", table, SAMPLE_KEYS)
    method = table.get("method")
    if method not in SAMPLERS:
        hint = suggest(method, list(SAMPLERS)) if isinstance(method, str) else ""
        raise _fail(path, "sample.method", f"got {method!r}{hint}, allowed: "
                    f"{SAMPLE_KEYS['method']}")
    n = _whole(path, "sample.n", table.get("n"), 1, 1_000_000, SAMPLE_KEYS["n"])
    if method == "sobol" and n & (n - 1):
        raise _fail(path, "sample.n", f"got {n}, allowed: a power of 2 for sobol (e.g. "
                    f"{2 ** round(math.log2(n))})")
    if "levels" in table and method != "morris":
        raise _fail(path, "sample.levels", f"only for morris, not {method}")
    levels = _whole(path, "sample.levels", table.get("levels", 4), 2, 100,
                    SAMPLE_KEYS["levels"])
    if levels % 2:
        raise _fail(path, "sample.levels", f"got {levels}, allowed: {SAMPLE_KEYS['levels']}")
    ranges = _table(path, "sample.ranges", table.get("ranges", {}), SAMPLE_KEYS["ranges"])
    if not ranges:
        raise _fail(path, "sample.ranges", f"empty; allowed: {SAMPLE_KEYS['ranges']}")
    checked = {}
    for name, bounds in ranges.items():
        key = f"sample.ranges.{name}"
        _known(path, "sample.ranges", defaults, name)
        if name in taken:
            raise _fail(path, key, "also set in [params] or [sweep]; set it in one place")
        kind = type(defaults[name])
        if kind not in (int, float):
            raise _fail(path, key, f"a {kind.__name__} parameter cannot be sampled; "
                        "put its values in [sweep]")
        if not (isinstance(bounds, list) and len(bounds) == 2 and all(map(_number, bounds))
                and bounds[0] < bounds[1]):
            raise _fail(path, key, f"got {bounds!r}, allowed: [low, high] with low < high")
        checked[name] = tuple(_param(path, "sample.ranges", model, defaults, name, b)
                              for b in bounds)
    return Sample(method, n, checked, levels)


def _output(path, model, table) -> tuple[int, tuple[str, ...] | None]:
    table = _table(path, "output", table)
    _known_keys(path, "output.", table, OUTPUT_KEYS)
    every = _whole(path, "output.every", table.get("every", 1), 1, 100_000,
                   OUTPUT_KEYS["every"])
    if "reporters" not in table:
        return every, None
    names = table["reporters"]
    if not (isinstance(names, list) and names and all(isinstance(n, str) for n in names)):
        raise _fail(path, "output.reporters", f"got {names!r}, allowed: "
                    f"{OUTPUT_KEYS['reporters']}")
    known = reporters(model)
    for name in names:
        if name not in known:
            raise _fail(path, "output.reporters", f"unknown reporter '{name}'"
                        f"{suggest(name, list(known))}; allowed: {', '.join(known)}")
    return every, tuple(dict.fromkeys(names))


def _snapshots(path, model, defaults, table, steps, fixed) -> Snapshots:
    table = _table(path, "snapshots", table)
    _known_keys(path, "snapshots.", table, SNAPSHOT_KEYS)
    at = table.get("at")
    if not (isinstance(at, list) and at and all(
            isinstance(w, int) and not isinstance(w, bool) and 1 <= w <= steps for w in at)):
        raise _fail(path, "snapshots.at", f"got {at!r}, allowed: a non-empty list of weeks, "
                    f"1 to {steps}")
    params = _table(path, "snapshots.params", table.get("params", {}),
                    SNAPSHOT_KEYS["params"])
    for key, value in params.items():
        _param(path, "snapshots.params", model, defaults, key, value)
    n = {**defaults, **fixed, **params}.get("n_consumers", 0)
    if n > MAX_NODES:
        raise _fail(path, "snapshots.params", f"n_consumers is {n}, allowed: at most "
                    f"{MAX_NODES} for the network figure")
    return Snapshots(tuple(sorted(set(at))), dict(params))


def parse(text: str, path: Path | str = "<scenario>") -> Scenario:
    """Check a scenario's TOML text and return it as a :class:`Scenario`."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise _fail(path, "TOML", f"not valid TOML ({error})") from None
    _known_keys(path, "", data, TOP_KEYS)
    name = data.get("name", Path(str(path)).stem)
    if not isinstance(name, str) or not name.strip():
        raise _fail(path, "name", f"got {name!r}, allowed: {TOP_KEYS['name']}")
    description = data.get("description", "")
    if not isinstance(description, str):
        raise _fail(path, "description", f"got {description!r}, allowed: a string")
    model = data.get("model", "trust_market")
    if model not in MODELS:
        hint = suggest(model, list(MODELS)) if isinstance(model, str) else ""
        raise _fail(path, "model", f"got {model!r}{hint}, allowed: one of "
                    + ", ".join(f'"{m}"' for m in MODELS))
    steps = _whole(path, "steps", data.get("steps", 520), 1, 100_000, TOP_KEYS["steps"])
    replicates = _whole(path, "replicates", data.get("replicates", 1), 1, 100_000,
                        TOP_KEYS["replicates"])
    seed = _whole(path, "seed", data.get("seed", 0), 0, 2**63 - 1, TOP_KEYS["seed"])
    defaults = resolve_params(model, {})
    params = _table(path, "params", data.get("params", {}))
    for key, value in params.items():
        _param(path, "params", model, defaults, key, value)
    sweep = _sweep(path, model, defaults, data.get("sweep", {}), params)
    sample = (_sample(path, model, defaults, data["sample"], {**params, **sweep})
              if "sample" in data else None)
    every, kept = _output(path, model, data.get("output", {}))
    tipping, sensitivity = (_table(path, k, data[k]) if k in data else None
                            for k in ("tipping", "sensitivity"))
    snapshots = (_snapshots(path, model, defaults, data["snapshots"], steps, params)
                 if "snapshots" in data else None)
    return Scenario(name=name, path=Path(str(path)), description=description, steps=steps,
                    seed=seed, params=dict(params), text=text, model=model,
                    replicates=replicates, sweep=sweep, sample=sample, every=every,
                    reporters=kept, tipping=tipping, sensitivity=sensitivity,
                    snapshots=snapshots)


def load(path: str | Path) -> Scenario:
    """Read and check a scenario file."""
    path = Path(path)
    if not path.is_file():
        raise _fail(path, "file", "no such file")
    return parse(path.read_text(encoding="utf-8"), path)

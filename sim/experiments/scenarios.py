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

from sim.experiments import sector_tables
from sim.experiments.scenario_tables import (
    RANGE,
    Setting,
    check_table,
    check_value,
    declare,
    fail,
    is_number,
    parameter,
    parameter_value,
)
from sim.experiments.scenario_tables import ScenarioError as ScenarioError  # raised by parse, load
from sim.model.parameters import ParameterError, suggest
from sim.model.registry import MODELS, reporters, resolve_params

NAME_RULE = ("1 to 100 characters from A-Z a-z 0-9 . _ - (the POSIX portable file name set), "
             "not starting with '.' or '-'")
TOP_FIELDS = declare(
    Setting("name", "", form=object, description=NAME_RULE),  # default: the file's stem
    Setting("description", "", description="a string"),
    Setting("model", "trust_market", form=object, description="a model name"),
    Setting("steps", 520, 1, 100_000, description="a whole number of weeks, 1 to 100000"),
    Setting("replicates", 1, 1, 100_000, description="a whole number of runs per point, 1 to "
            "100000"),
    Setting("seed", 0, 0, 2**63 - 1, description="a whole number >= 0 (the root seed)"),
    Setting("params", {}, description="a table of parameter overrides"),
    Setting("sweep", {}, description="a table: each parameter a non-empty list of values or "
            "{start, stop, num}"),
    Setting("sample", None, form=dict, description="a table: method, n, levels, and "
            "[sample.ranges]"),
    Setting("output", {}, description="a table: every, reporters"),
    Setting("snapshots", None, form=dict, description="a table: at (weeks) and params "
            "(overrides, at most 500 consumers)"),
    Setting("tipping", None, form=dict, description="a table (checked by sim.studies.tipping)"),
    Setting("sensitivity", None, form=dict, description="a table (checked by "
            "sim.studies.sensitivity)"),
    Setting("sectors", None, form=object, description=sector_tables.ALLOWED),
    Setting("spillover", None, form=object, description='a number in [0, 1] (model = '
            '"sector_market" only)'),
    Setting("cascade", None, form=dict, description="a table (checked by sim.studies.cascade)"),
    Setting("arms", None, form=dict, description="a table of arms, each a table of switches "
            "(checked by sim.studies.verdict)"),
    Setting("forks", None, form=dict, description="a table: every, copies, runs, ramp, "
            "committed_share (checked by sim.studies.fork_study)"),
    Setting("verdict", None, form=dict, description="a table: horizons, boot (checked by "
            "sim.studies.verdict)"),
    Setting("worlds", None, form=dict, description="a table (checked by "
            "sim.studies.worlds.plan)"),
    Setting("analysis", None, form=dict, description="a table: control, top, levels, hold, "
            "burn_in (checked by sim.studies.analysis_study)"),
)
SAMPLE_FIELDS = declare(
    Setting("method", None, form=object, description='one of "lhs", "sobol", "morris"'),
    Setting("n", None, 1, 1_000_000, form=int, description="a whole number of points, 1 to "
            "1000000 (sobol: a power of 2; morris: trajectories)"),
    Setting("levels", 4, 2, 100, description="an even whole number of grid levels, 2 to 100 "
            "(morris only)", test=lambda v: v % 2 == 0),
    Setting("ranges", None, form=dict, description="a table: each parameter [low, high]",
            test=bool),
)
OUTPUT_FIELDS = declare(
    Setting("every", 1, 1, 100_000, description="a whole number k >= 1: keep every k-th step "
            "of the series (and the last)"),
    Setting("reporters", None, form=list, description="a non-empty list of reporter names",
            test=lambda v: bool(v) and all(isinstance(n, str) for n in v)),
)
SNAPSHOT_FIELDS = declare(
    Setting("at", None, form=object, description="a non-empty list of weeks, 1 to steps"),
    Setting("params", {}, description="a table of parameter overrides on top of [params] "
            "(n_consumers at most 500)"),
)
MAX_POINTS = 1_000_000  # each point is checked at load; more would not run in a lifetime
MAX_NODES = 500  # the network figure's spring layout and drawing stay legible up to here
SAMPLERS = ("lhs", "sobol", "morris")
SWEEP_ALLOWED = "a non-empty list of values or {start, stop, num}"
LINSPACE = declare(Setting("start", None, form=object, description="a number"),
                   Setting("stop", None, form=object, description="a number"),
                   Setting("num", None, 1, 100_000, form=int,
                           description="a whole number of values, 1 to 100000"))


@dataclass(frozen=True)
class Sample:
    """Points drawn from parameter ranges by a quasi-random or Morris sampler."""

    method: str
    n: int
    ranges: dict[str, tuple[Any, Any]]
    levels: int = SAMPLE_FIELDS["levels"].default

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
    steps: int = TOP_FIELDS["steps"].default
    seed: int = TOP_FIELDS["seed"].default
    params: dict[str, Any] = field(default_factory=dict)
    text: str = ""
    model: str = "trust_market"
    replicates: int = TOP_FIELDS["replicates"].default
    sweep: dict[str, list[Any]] = field(default_factory=dict)
    sample: Sample | None = None
    every: int = OUTPUT_FIELDS["every"].default
    reporters: tuple[str, ...] | None = None
    tipping: dict[str, Any] | None = None
    sensitivity: dict[str, Any] | None = None
    snapshots: Snapshots | None = None
    cascade: dict[str, Any] | None = None
    arms: dict[str, Any] | None = None
    forks: dict[str, Any] | None = None
    verdict: dict[str, Any] | None = None
    worlds: dict[str, Any] | None = None
    analysis: dict[str, Any] | None = None

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


def _sweep(path, model, defaults, table, fixed) -> dict[str, list[Any]]:
    sweep = {}
    for name, spec in table.items():
        key = f"sweep.{name}"
        parameter(path, "sweep", defaults, name)
        if name in fixed:
            raise fail(path, key, "also set in [params]; set it in one place")
        if isinstance(spec, dict):
            check_table(path, key, spec, LINSPACE)
            if not (is_number(spec.get("start")) and is_number(spec.get("stop"))):
                raise fail(path, key, f"got {spec!r}, allowed: {SWEEP_ALLOWED}")
            num = check_value(path, key + ".num", spec.get("num"), LINSPACE["num"])
            spec = np.linspace(spec["start"], spec["stop"], num).tolist()
        if not isinstance(spec, list):
            raise fail(path, key, f"got {spec!r}, allowed: {SWEEP_ALLOWED}")
        if not spec:
            raise fail(path, key, f"empty list; allowed: {SWEEP_ALLOWED}")
        sweep[name] = [parameter_value(path, "sweep", model, name, v) for v in spec]
    return sweep


def _sample(path, model, defaults, table, taken) -> Sample:
    method = table.get("method")
    if method not in SAMPLERS:
        hint = suggest(method, list(SAMPLERS)) if isinstance(method, str) else ""
        raise fail(path, "sample.method", f"got {method!r}{hint}, allowed: "
                   f"{SAMPLE_FIELDS['method'].allowed()}")
    if "levels" in table and method != "morris":
        raise fail(path, "sample.levels", f"only for morris, not {method}")
    if not table.get("ranges"):
        raise fail(path, "sample.ranges", f"empty; allowed: {SAMPLE_FIELDS['ranges'].allowed()}")
    values = check_table(path, "sample", table, SAMPLE_FIELDS)
    n = check_value(path, "sample.n", table.get("n"), SAMPLE_FIELDS["n"])
    if method == "sobol" and n & (n - 1):
        raise fail(path, "sample.n", f"got {n}, allowed: a power of 2 for sobol (e.g. "
                   f"{2 ** round(math.log2(n))})")
    checked = {}
    for name, bounds in values["ranges"].items():
        key = f"sample.ranges.{name}"
        parameter(path, "sample.ranges", defaults, name)
        if name in taken:
            raise fail(path, key, "also set in [params] or [sweep]; set it in one place")
        kind = type(defaults[name])
        if kind not in (int, float):
            raise fail(path, key, f"a {kind.__name__} parameter cannot be sampled; "
                       "put its values in [sweep]")
        check_value(path, key, bounds, RANGE)
        checked[name] = tuple(parameter_value(path, "sample.ranges", model, name, b)
                              for b in bounds)
    return Sample(method, n, checked, values["levels"])


def _output(path, model, table) -> tuple[int, tuple[str, ...] | None]:
    values = check_table(path, "output", table, OUTPUT_FIELDS)
    if values["reporters"] is None:
        return values["every"], None
    known = reporters(model)
    for name in values["reporters"]:
        if name not in known:
            raise fail(path, "output.reporters", f"unknown reporter '{name}'"
                       f"{suggest(name, list(known))}; allowed: {', '.join(known)}")
    return values["every"], tuple(dict.fromkeys(values["reporters"]))


def _snapshots(path, model, defaults, table, steps, fixed) -> Snapshots:
    values = check_table(path, "snapshots", table, SNAPSHOT_FIELDS)
    at = values.get("at")
    if not (isinstance(at, list) and at and all(
            isinstance(w, int) and not isinstance(w, bool) and 1 <= w <= steps for w in at)):
        raise fail(path, "snapshots.at", f"got {at!r}, allowed: a non-empty list of weeks, "
                   f"1 to {steps}")
    for key, value in values["params"].items():
        parameter(path, "snapshots.params", defaults, key)
        parameter_value(path, "snapshots.params", model, key, value)
    n = {**defaults, **fixed, **values["params"]}.get("n_consumers", 0)
    if n > MAX_NODES:
        raise fail(path, "snapshots.params", f"n_consumers is {n}, allowed: at most "
                   f"{MAX_NODES} for the network figure")
    return Snapshots(tuple(sorted(set(at))), dict(values["params"]))


def _check_name(path, name: Any) -> str:
    """A scenario's name becomes a folder under ``results/``: only a plain file name."""
    ok = (isinstance(name, str) and 1 <= len(name) <= 100 and name[0] not in ".-"
          and all(c.isascii() and (c.isalnum() or c in "._-") for c in name))
    if not ok:
        raise fail(path, "name", f"got {name!r}, allowed: {NAME_RULE}")
    return name


def _combinations(path, scenario: Scenario) -> None:
    """Every point's parameters checked together (rules between parameters)."""
    try:
        scenario.resolved()
    except ParameterError as error:
        raise fail(path, "params", str(error)) from None
    if scenario.n_points > MAX_POINTS:
        raise fail(path, "sweep", f"{scenario.n_points} points, allowed: at most "
                   f"{MAX_POINTS} (sweep values times sample points)")
    varied = scenario.sweep or scenario.sample
    for point_id, point in enumerate(scenario.points() if varied else []):
        try:
            resolve_params(scenario.model, {**scenario.params, **point})
        except ParameterError as error:
            shown = ", ".join(f"{k} = {v!r}" for k, v in point.items())
            raise fail(path, "sweep" if scenario.sweep else "sample",
                       f"point {point_id} ({shown}): {error}") from None
    if scenario.snapshots:
        try:
            resolve_params(scenario.model, {**scenario.params, **scenario.snapshots.params})
        except ParameterError as error:
            raise fail(path, "snapshots.params", str(error)) from None


def parse(text: str, path: Path | str = "<scenario>") -> Scenario:
    """Check a scenario's TOML text and return it as a :class:`Scenario`."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise fail(path, "TOML", f"not valid TOML ({error})") from None
    v = check_table(path, "", data, TOP_FIELDS, {"name": Path(str(path)).stem})
    _check_name(path, v["name"])
    model = v["model"]
    if model not in MODELS:
        hint = suggest(model, list(MODELS)) if isinstance(model, str) else ""
        raise fail(path, "model", f"got {model!r}{hint}, allowed: one of "
                   + ", ".join(f'"{m}"' for m in MODELS))
    defaults = resolve_params(model, {})
    for key, value in v["params"].items():
        parameter(path, "params", defaults, key)
        parameter_value(path, "params", model, key, value)
    v["params"] = {**v["params"], **sector_tables.flat_params(path, model, data)}
    sweep = _sweep(path, model, defaults, v["sweep"], v["params"])
    sample = (_sample(path, model, defaults, v["sample"], {**v["params"], **sweep})
              if "sample" in data else None)
    every, kept = _output(path, model, v["output"])
    snapshots = (_snapshots(path, model, defaults, v["snapshots"], v["steps"], v["params"])
                 if "snapshots" in data else None)
    scenario = Scenario(name=v["name"], path=Path(str(path)), description=v["description"],
                        steps=v["steps"], seed=v["seed"], params=dict(v["params"]),
                        text=text, model=model, replicates=v["replicates"], sweep=sweep,
                        sample=sample, every=every, reporters=kept, tipping=v.get("tipping"),
                        sensitivity=v.get("sensitivity"), snapshots=snapshots,
                        cascade=v.get("cascade"), arms=v.get("arms"), forks=v.get("forks"),
                        verdict=v["verdict"], worlds=v["worlds"], analysis=v["analysis"])
    _combinations(path, scenario)
    return scenario


def load(path: str | Path) -> Scenario:
    """Read and check a scenario file."""
    path = Path(path)
    if not path.is_file():
        raise fail(path, "file", "no such file")
    return parse(path.read_text(encoding="utf-8"), path)

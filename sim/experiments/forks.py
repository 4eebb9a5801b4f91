"""The fork experiment: from which share is the incumbent's fall inevitable?

The tipping share is measured by experiment, as basin stability is (Menck et al. 2013,
Nature Physics 9:89: perturb the state, keep the dynamics). A run is pushed (its committed
share starts at the model's value and gains ``fork_ramp`` at each checkpoint). Every
``fork_every`` weeks, while the incumbent stands, the running market is copied and, in each
copy, an intervention is applied before the copy runs on to the horizon:

* ``release`` (the headline): the push is withdrawn. Committed consumers become ordinary
  consumers, keeping what they learnt, their ties and their habits; every mechanism runs as
  on the natural course, newcomers to the platform and the factory's repricing included.
* ``hold``: the push is frozen at its level (is the current push enough?).
* ``stall``: the push is frozen and the platform wins no one who has not used it yet (does
  the current clientele alone suffice?).
* ``none``: the control. The copy goes on exactly as the original does (the ramp included),
  so the copies' outcomes must have the original runs' distribution.

The point of no return is the first checkpoint from which at least half of the copies still
fall by the horizon; the first checkpoint is tried first (in a world where the fall is
inevitable from the start, one probe answers), then the others by bisection (a fall
once inevitable is taken to stay so). The point is interval-censored: it lies after the
last checkpoint found not past and at or before the first found past, so a run reports both shares
(``share_before``, ``tipping_share_gross``). A run whose incumbent falls before any
checkpoint is past has its point at the fall. A run whose first checkpoint is already past
has no lower end (``share_before`` is open): the fall was inevitable from the start.

One seed rule: copy ``j`` made at week ``w`` of the run with seed ``s`` draws from
``SeedSequence(s, spawn_key=(w, j))``. One stopping rule: copies at a checkpoint are made one
at a time until the answer (past or not) can no longer change, so the count of copies made
varies but the answer never depends on the copies not made.

Any model the registry declares forkable (:func:`sim.model.registry.forkable`) is run here
as ``MODEL_forks``, its parameters extended by :data:`SETTINGS`.
"""

from __future__ import annotations

import copy
import functools
import json
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.model import registry
from sim.model.parameters import Param, ParameterError, suggest
from sim.model.proportions import wilson
from sim.model.series import every_kth_week

if TYPE_CHECKING:  # pandas loads with the first run, not with the command line
    import pandas as pd

INTERVENTIONS = ("release", "hold", "stall", "none")
START_WEEKS = 13  # "at the start": the mean share over the first quarter
YEAR_WEEKS = 52

SETTINGS = {p.name: p for p in (
    Param("fork_every", 4, 0, 520, unit="weeks", description="Weeks between checkpoints "
          "(0: no forks; the run only adds its covariates)."),
    Param("fork_copies", 8, 1, 1000, unit="copies", description="Copies made at most at "
          "each checkpoint, each with its own seed."),
    Param("fork_ramp", 0.0, 0, 1, unit="share", description="Committed share added to the "
          "run at each checkpoint (the push's ramp)."),
    Param("fork_intervention", "release", choices=INTERVENTIONS, description="What is done "
          "to the copies: release (push withdrawn), hold (push frozen), stall (push frozen, "
          "no newcomers), none (the control)."),
)}

OUTCOME_TYPES = {
    "share_start": "float64",        # mean tracked share, weeks 1-13 (to the fall)
    "share_year1": "float64",        # mean tracked share, weeks 1-52 (to the fall)
    "share_max": "float64",          # the largest share held while the incumbent stood
    "tipping_reached": "bool",       # a point of no return was found before the horizon
    "tipping_by": "string",          # "forks", "fall" (fell before a checkpoint was past), "none"
    "tipping_step": "int64",         # the week of the first checkpoint past (or of the fall)
    "tipping_share_gross": "float64",  # the tracked share that week: the interval's upper end
    "share_before": "float64",       # the share at the last checkpoint not past: its lower end
    "step_before": "int64",
    "fork_falls": "int64",           # copies that fell at the point
    "fork_runs": "int64",            # copies made there
    "fork_ci_low": "float64",        # Wilson 95% interval of fork_falls / fork_runs
    "fork_ci_high": "float64",
    "point_ever_used": "float64",    # the state at the point (Forkable.state)
    "point_committed": "float64",
    "point_factory_profit": "float64",
    "point_factory_cash": "float64",
    "point_factory_reserve": "float64",
    "checkpoints": "string",         # JSON [[week, share, falls, copies], ...]
}
_STATE = ("ever_used", "committed", "factory_profit", "factory_cash", "factory_reserve")


def resolve(model: str, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """``model``'s parameters and the fork settings, each checked against its declaration
    (an unknown name gets a did-you-mean over both)."""
    overrides = dict(overrides or {})
    settings = {name: p.default for name, p in SETTINGS.items()}
    for name in list(overrides):
        if name in SETTINGS:
            settings[name] = SETTINGS[name].check(overrides.pop(name))
    try:
        return {**registry.resolve_params(model, overrides), **settings}
    except ParameterError as error:
        if "unknown parameter" in str(error):
            name = str(error).split("'")[1]
            known = [*registry.resolve_params(model, {}), *SETTINGS]
            raise ParameterError(f"unknown parameter '{name}'{suggest(name, known)}") from None
        raise


def fork_seed(run_seed: int, week: int, copy: int) -> np.random.SeedSequence:
    """The seed of copy ``copy`` made at ``week``: a child of the run's seed."""
    return np.random.SeedSequence(run_seed, spawn_key=(week, copy))


@dataclass(frozen=True)
class Course:
    """How a run is pushed: its horizon, checkpoint gap and ramp."""

    horizon: int
    every: int
    ramp: float = 0.0

    def checkpoint(self, week: int) -> bool:
        """Whether ``week`` is a checkpoint (a fork, then the ramp's step)."""
        return bool(self.every) and week % self.every == 0 and week < self.horizon

    def advance(self, market: Any, ramping: bool) -> None:
        """Run ``market`` to the horizon or to the fall, ramping the push at checkpoints
        if ``ramping``."""
        while market.steps < self.horizon and not market.fallen:
            market.step()
            if ramping and self.ramp and self.checkpoint(market.steps):
                market.push(market.pushed + self.ramp)


def copy_falls(snapshot: Any, course: Course, intervention: str,
               seed: np.random.SeedSequence) -> bool:
    """Whether the incumbent falls by the horizon in a copy of ``snapshot`` (a market at a
    checkpoint, before that checkpoint's ramp step) under ``intervention``."""
    twin = snapshot.fork(seed)
    go_on(twin, course, intervention)
    return bool(twin.fallen)


def go_on(twin: Any, course: Course, intervention: str) -> None:
    """Apply ``intervention`` to ``twin`` (a copy made at a checkpoint, before that
    checkpoint's ramp step) and run it to the horizon or the fall."""
    if intervention == "release":
        twin.release()
    elif intervention == "stall":
        twin.stall()
    elif intervention == "none" and course.ramp:
        twin.push(twin.pushed + course.ramp)  # the step the original took at this checkpoint
    course.advance(twin, ramping=intervention == "none")


def checkpoint(snapshot: Any, course: Course, intervention: str, run_seed: int, copies: int
               ) -> tuple[int, int, bool]:
    """Copy ``snapshot`` and count the copies that fall: (falls, copies made, past). Copies
    are made until at least half of ``copies`` have fallen (past) or can no longer."""
    need = math.ceil(copies / 2)
    falls = made = 0
    while made < copies:
        falls += copy_falls(snapshot, course, intervention, fork_seed(run_seed, snapshot.steps,
                                                                      made))
        made += 1
        if falls >= need:
            return falls, made, True
        if made - falls > copies - need:
            return falls, made, False
    return falls, made, falls >= need


KEYFRAME_WEEKS = 52  # an exact copy of a pushed run is kept about once a year


@dataclass
class Run:
    """A pushed run to its horizon: weekly shares, the weeks of its checkpoints with their
    states, the state at the fall, and exact copies of the run (keyframes) from which the
    market at any checkpoint is rebuilt (:meth:`snapshot`).

    Copying a market costs about twenty of its weeks, so a run keeps one copy a year
    rather than one per checkpoint and replays the weeks between: the week is
    deterministic given the market's state (its random streams included), so the rebuilt
    market is the one the run had at that checkpoint, to the bit.
    """

    course: Course
    shares: list[float] = field(default_factory=list)
    weeks: list[int] = field(default_factory=list)
    states: list[dict[str, float]] = field(default_factory=list)
    keyframes: dict[int, Any] = field(default_factory=dict)
    fall_state: dict[str, float] | None = None
    fall_step: int | None = None

    def snapshot(self, index: int) -> Any:
        """The market at checkpoint ``index`` (before that checkpoint's ramp step)."""
        start = max(k for k in self.keyframes if k <= index)
        market = copy.deepcopy(self.keyframes[start])
        for j in range(start, index):  # the run's steps from checkpoint j to the next
            if self.course.ramp:
                market.push(market.pushed + self.course.ramp)
            while market.steps < self.weeks[j + 1]:
                market.step()
        return market


def run_pushed(market: Any, course: Course, keyframe_weeks: int = KEYFRAME_WEEKS) -> Run:
    """Run ``market`` to the horizon, ramping its push at each checkpoint while the
    incumbent stands, keeping an exact copy of it every ``keyframe_weeks`` (at a
    checkpoint, before its ramp step)."""
    run = Run(course)
    spacing = max(1, keyframe_weeks // course.every) if course.every else 1
    while market.steps < course.horizon:
        market.step()
        run.shares.append(market.tracked_share)
        if market.fallen:
            if run.fall_step is None:
                run.fall_step, run.fall_state = market.steps, market.state()
            continue
        if course.checkpoint(market.steps):
            if len(run.weeks) % spacing == 0:
                run.keyframes[len(run.weeks)] = copy.deepcopy(market)
            run.weeks.append(market.steps)
            run.states.append(market.state())
            if course.ramp:
                market.push(market.pushed + course.ramp)
    return run


def first_past(run: Run, course: Course, intervention: str, run_seed: int, copies: int
               ) -> tuple[int | None, dict[int, tuple[int, int]]]:
    """Index of the first checkpoint past the point of no return, by bisection:
    ``len(run.weeks)`` for the fall itself, ``None`` if no checkpoint is past and the
    run did not fall; and per checkpoint tried, (copies that fell, copies made)."""
    tried: dict[int, tuple[int, int]] = {}

    def past(i: int) -> bool:
        falls, made, answer = checkpoint(run.snapshot(i), course, intervention, run_seed,
                                         copies)
        tried[i] = (falls, made)
        return answer

    n = len(run.weeks)
    if n and past(0):  # the fall inevitable from the first checkpoint on: one probe
        return 0, tried
    low, high = 0 if n else -1, n
    if run.fall_step is None:
        if not n or not past(n - 1):
            return None, tried
        high = n - 1
    while high - low > 1:
        middle = (low + high) // 2
        if past(middle):
            high = middle
        else:
            low = middle
    return high, tried


def measure(run: Run, course: Course, intervention: str, run_seed: int, copies: int
            ) -> dict[str, Any]:
    """The fork experiment's outcomes (:data:`OUTCOME_TYPES`) of a finished pushed run."""
    shares = run.shares
    alive = run.fall_step or len(shares)
    out: dict[str, Any] = {**dict.fromkeys(OUTCOME_TYPES), "tipping_reached": False,
                           "tipping_by": "none",
                           "share_start": float(np.mean(shares[:min(START_WEEKS, alive)])),
                           "share_year1": float(np.mean(shares[:min(YEAR_WEEKS, alive)])),
                           "share_max": float(max(shares[:alive], default=0.0))}
    if not course.every:
        return out
    index, tried = first_past(run, course, intervention, run_seed, copies)
    weeks = run.weeks
    out["checkpoints"] = json.dumps(
        [[w, shares[w - 1], *tried.get(i, (None, None))] for i, w in enumerate(weeks)])
    if index is None:
        return out
    by_fall = index == len(weeks)
    week = run.fall_step if by_fall else weeks[index]
    state = run.fall_state if by_fall else run.states[index]
    falls, made = (copies, copies) if by_fall else tried[index]
    out |= {"tipping_reached": True, "tipping_by": "fall" if by_fall else "forks",
            "tipping_step": week, "tipping_share_gross": shares[week - 1],
            "fork_falls": falls, "fork_runs": made,
            **{f"point_{k}": state.get(k) for k in _STATE}}
    if index > 0:
        out["step_before"] = weeks[index - 1]
        out["share_before"] = shares[weeks[index - 1] - 1]
    out["fork_ci_low"], out["fork_ci_high"] = wilson(falls, made)
    return out


def simulate_forked(model: str, params: dict[str, Any], steps: int, seed: int,
                    every: int = 1) -> tuple[pd.DataFrame, dict[str, Any]]:
    """One pushed run of ``model`` with the fork experiment: (series, outcomes) as the
    model's own ``simulate``, the outcomes with :data:`OUTCOME_TYPES` added."""
    model_params = {k: v for k, v in params.items() if k not in SETTINGS}
    course = Course(steps, params["fork_every"], params["fork_ramp"])
    market = registry.build_market(model, model_params, seed)
    run = run_pushed(market, course)
    series = market.datacollector.get_model_vars_dataframe().reset_index(drop=True)
    series.insert(0, "step", np.arange(1, len(series) + 1))
    series = every_kth_week(series, every)
    outcomes = {**market.outcomes(),
                **measure(run, course, params["fork_intervention"], seed,
                          params["fork_copies"])}
    return series, outcomes


def point_of_no_return(market: Any, steps: int, seed: int, every: int, copies: int,
                       ramp: float = 0.0, intervention: str = "release") -> dict[str, Any]:
    """One run's point of no return (for the app): ``market`` (a Forkable at week 0) run to
    ``steps`` with the fork experiment; the outcomes of :func:`measure` and the run's weekly
    shares."""
    course = Course(steps, every, ramp)
    run = run_pushed(market, course)
    return {**measure(run, course, intervention, seed, copies), "shares": run.shares,
            "fall_step": run.fall_step}


def model_name(model: str) -> str:
    """The name under which ``model`` runs with the fork experiment."""
    return f"{model}_forks"


def _register() -> None:
    for model in registry.forkable():
        registry.register(
            model_name(model), functools.partial(simulate_forked, model),
            functools.partial(resolve, model), registry.reporters(model),
            {**registry.outcome_types(model), **OUTCOME_TYPES},
            functools.partial(registry.comparators, model))


_register()

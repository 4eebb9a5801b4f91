"""The app's inputs: one slider, select or checkbox per declared parameter (from
:data:`sim.model.parameters.PARAMETERS`), the seed, and the parameter table."""

from __future__ import annotations

import math
from html import escape
from typing import Any

from sim.model.parameters import PARAMETERS, Param

APP_CONSUMERS = 300  # the app's population; the model's default is much larger
APP_MAX_CONSUMERS = 2000  # the network is drawn and laid out; more would be slow to watch
APP_SEED = 8  # at 300 consumers the platform takes off on its own in some runs: here, and wins
QUIET_SEED = 1  # and here it dies out


def label(param: Param) -> str:
    """A slider's label: the parameter's name (as on the command line) and its unit."""
    return f"{param.name} ({param.unit})" if param.unit else param.name


def slider_step(param: Param) -> int | float:
    """1 for integers; for floats about a hundredth of the range, with the default on it."""
    if param.kind is int:
        return 1
    step = 10.0 ** math.floor(math.log10((param.high - param.low) / 100))
    while not all(abs(x / step - round(x / step)) < 1e-6
                  for x in (param.low, param.default)):
        step /= 10
    return step


def user_param(param: Param) -> dict[str, Any]:
    """Mesa's user-parameter dict for one declared parameter."""
    spec: dict[str, Any] = {"label": label(param), "value": param.default}
    if param.choices:
        return {**spec, "type": "Select", "values": list(param.choices)}
    if param.kind is bool:
        return {**spec, "type": "Checkbox"}
    return {**spec, "type": "SliderInt" if param.kind is int else "SliderFloat",
            "min": param.low, "max": param.high, "step": slider_step(param)}


def user_params() -> dict[str, dict[str, Any]]:
    """Every declared parameter as a slider, select or checkbox, plus the seed.

    The one difference from the declaration: the population starts at APP_CONSUMERS and
    goes up to APP_MAX_CONSUMERS.
    """
    params = {"seed": {"type": "InputText", "label": "seed (integer)", "value": str(APP_SEED)}}
    params.update({name: user_param(param) for name, param in PARAMETERS.items()})
    n = PARAMETERS["n_consumers"]
    params["n_consumers"].update(
        value=APP_CONSUMERS, max=min(n.high, APP_MAX_CONSUMERS),
        label=f"{label(n)}: app starts at {APP_CONSUMERS}, not {n.default}")
    return params


def parse_seed(text: int | str) -> tuple[int, str | None]:
    """The seed typed in the app; APP_SEED and a note saying so if it is not an integer >= 0."""
    try:
        seed = int(str(text))
    except ValueError:
        seed = -1
    if seed >= 0:
        return seed, None
    return APP_SEED, (f"The seed must be a whole number, 0 or more; {str(text)!r} is not, so "
                      f"this run uses seed {APP_SEED}.")


def help_table(values: dict[str, Any]) -> str:
    """Every parameter as an HTML table row (escaped text): its value in ``values`` (bold
    where it differs from the default), default, allowed values, unit and description."""
    head = "".join(f"<th>{h}</th>" for h in ("parameter", "this run", "default",
                                              "allowed (unit)", "description"))
    rows = []
    for name, param in PARAMETERS.items():
        value = escape(str(values[name]))
        unit = f" ({param.unit})" if param.unit else ""
        cells = [f"<code>{name}</code>",
                 value if values[name] == param.default else f"<strong>{value}</strong>",
                 escape(str(param.default)), escape(param.allowed() + unit),
                 escape(param.description)]
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>"

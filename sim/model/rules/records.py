"""The named records the weekly rules take (numba compiles named tuples of arrays and scalars).

Each compiled rule takes a few of these instead of a long list of positional arrays, so a
swapped argument is a wrong field name, not a silent mix-up. Arrays are shared with the
model's state, never copied: a rule that writes a field writes the model's array.
"""


from __future__ import annotations

import functools
import inspect
import typing
import zlib
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
from numba import njit


def rule(function: Callable) -> Callable:
    """Compile a rule over records (numba, cached on disk) without reference counting.

    A rule only borrows the arrays of the records it is given, never makes one; counted,
    every call for one consumer would count a reference to each array of its records (16
    for the consumers), which costs many times the rule itself.

    A rule called by another rule (a consumer's rule inside the loop over consumers) is
    written into its caller (numba's ``inline="always"``) rather than called: a call passes
    each of its records' arrays, and the loop over consumers would pay that once per
    consumer. The arithmetic is the same, so the results are the same to the bit (the
    golden baseline); what it saves is measured in ``docs/performance.md``, "A fourth
    round".

    The week calls a rule from Python through its ``entry`` (:func:`entry`), which takes
    the same arguments.
    """
    compiled = njit(cache=True, _nrt=False, inline="always")(function)
    function.entry = function  # under ``python_source``, the Python source is its own entry
    compiled.entry = entry(compiled)
    return compiled


def entry(compiled: Callable) -> Callable:
    """The compiled rule ``compiled`` as Python calls it, taking the same arguments: each
    record is handed to numba as a plain tuple and made a record again inside.

    Numba works out the type of each argument on every call from Python, and a record (a
    named tuple) costs it more than the plain tuple of the same fields: 0.4 microseconds
    for one array, 1.1 for the consumers' 16 (numba 0.68), and a week passes some 40
    records (``docs/performance.md``, "A fifth round"). Inside, the rule is written into
    its entry as into any rule that calls it (``inline="always"``), so the arithmetic is the
    rule's own, to the bit (the golden baseline; ``tests/model/test_entries.py``). A rule
    that takes no record is its own entry. The entry and its Python wrapper are written
    from the rule's signature and compiled as if they stood in the rule's own file, where
    numba caches the entry beside the rule.
    """
    function = compiled.py_func
    hints = typing.get_type_hints(function)
    names = list(inspect.signature(function).parameters)
    kinds = {name: hints[name] for name in names if _is_record(hints.get(name))}
    if not kinds:
        return compiled
    arguments = ", ".join(names)
    rebuilt = ", ".join(f"{kinds[k].__name__}(*{k})" if k in kinds else k for k in names)
    flattened = ", ".join(f"tuple({k})" if k in kinds else k for k in names)
    # Numba keys a cached entry on its arguments' types, which as plain tuples do not name
    # the fields, and checks it against the rule's file only: the records' fields are in
    # the entry's name, so that a record changed in this file is never read by an entry
    # cached for its old fields.
    fields = repr([(kind.__name__, typing.get_type_hints(kind)) for kind in kinds.values()])
    name = f"{function.__name__}_entry_{zlib.crc32(fields.encode()):08x}"
    source = (f"def {name}({arguments}):\n    return RULE({rebuilt})\n\n\n"
              f"def {function.__name__}({arguments}):\n    return ENTRY({flattened})\n")
    namespace = {"__name__": function.__module__, "RULE": compiled,
                 **{kind.__name__: kind for kind in kinds.values()}}
    exec(compile(source, inspect.getsourcefile(function), "exec"), namespace)
    namespace["ENTRY"] = njit(cache=True, _nrt=False)(namespace[name])
    wrapper = namespace[function.__name__]
    wrapper.__doc__, wrapper.__qualname__ = function.__doc__, f"{function.__qualname__}.entry"
    return wrapper


def _is_record(kind: object) -> bool:
    return isinstance(kind, type) and issubclass(kind, tuple) and hasattr(kind, "_fields")


class ConsumerArrays(NamedTuple):
    """Per-consumer state, one row per consumer."""

    committed: np.ndarray
    ever_used: np.ndarray
    platform_good: np.ndarray  # own evidence about the platform (decays, M5)
    platform_bad: np.ndarray
    fav: np.ndarray  # favourite vendor, -1 none
    fav_good: np.ndarray  # direct evidence about the favourite vendor
    fav_bad: np.ndarray
    tied: np.ndarray  # mediated trust became a direct tie (M4)
    helped: np.ndarray  # referrals it acted on that went well (decaying, M12)
    thanked: np.ndarray  # its own referrals acted on with a good outcome (M12)
    blamed: np.ndarray  # its own referrals that went wrong (M12)
    owns: np.ndarray  # vendor this consumer runs, -1 none (M7)
    choice: np.ndarray  # 0 nothing, 1 factory, 2 platform, this week
    last: np.ndarray  # where it last bought (0: never bought)
    bought_from: np.ndarray  # vendor bought from this week, -1 none
    last_bad: np.ndarray  # its last platform purchase went wrong (it looks around, M2)

    @classmethod
    def empty(cls, n: int) -> ConsumerArrays:
        """``n`` consumers who know nothing yet, own nothing and last bought at the factory."""
        def zeros() -> np.ndarray:
            return np.zeros(n)

        def falses() -> np.ndarray:
            return np.zeros(n, bool)

        def nobody() -> np.ndarray:
            return np.full(n, -1, np.int64)

        return cls(committed=falses(), ever_used=falses(), platform_good=zeros(),
                   platform_bad=zeros(), fav=nobody(), fav_good=zeros(), fav_bad=zeros(),
                   tied=falses(), helped=zeros(), thanked=zeros(), blamed=zeros(),
                   owns=nobody(), choice=np.zeros(n, np.int8), last=np.full(n, 1, np.int8),
                   bought_from=nobody(), last_bad=falses())


class Referral(NamedTuple):
    """Per consumer: the referred vendor (-1 none), its discounted evidence, the tie it came
    through and the consumer who first recommended it."""

    vendor: np.ndarray
    good: np.ndarray
    bad: np.ndarray
    via: np.ndarray
    source: np.ndarray


class Recommendation(NamedTuple):
    """Per consumer: the vendor it would recommend (-1 none), its evidence about it, and how
    strongly it speaks this week (the recommendation's trust; 0: silent)."""

    vendor: np.ndarray
    good: np.ndarray
    bad: np.ndarray
    strength: np.ndarray


class Listing(NamedTuple):
    """The vendors as the week's buyers see them: open or not, price, quality, shown rating,
    and what a buyer expects of a vendor before any evidence (``prior_mean``)."""

    active: np.ndarray
    price: np.ndarray
    quality: np.ndarray
    rating: np.ndarray
    prior_mean: float


class Adoption(NamedTuple):
    """Per consumer, what the choice's gates read of the platform (M6): whether it counts as
    having used it, and its evidence about it (good, bad outcomes)."""

    used: np.ndarray
    good: np.ndarray
    bad: np.ndarray


class Adjacency(NamedTuple):
    """A tie layer's graph as CSR arrays (``data``: 1 per tie): whom each consumer hears."""

    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray


class Offer(NamedTuple):
    """The factory's offer and the platform's gates this week (M6, M9): the factory open or
    not, its quality, its prices to captive and to contested consumers, its advertising
    (``factory_advertising`` times its reach), and the parameters ``endorsements_needed``,
    ``consumer_switching`` and ``platform_open_to_new``."""

    factory_open: bool
    quality: float
    price: float
    price_contested: float
    advertising: float
    endorsements_needed: float
    switching: bool
    open_to_new: bool


class Sales(NamedTuple):
    """Per consumer, this week: the vendor it bought from (-1 none), whether it was served,
    whether the purchase went well, and what it spent."""

    vendor: np.ndarray
    served: np.ndarray
    good: np.ndarray
    spent: np.ndarray


class VendorBooks(NamedTuple):
    """Per vendor, this week: units sold, those that went well, and revenue."""

    sales: np.ndarray
    good_sales: np.ndarray
    revenue: np.ndarray


class Accounts(NamedTuple):
    """Per vendor, what its week's sales change: open or not, its unit cost, its cash, the
    weeks since its last sale, and its public rating evidence (good, bad)."""

    active: np.ndarray
    unit_cost: np.ndarray
    cash: np.ndarray
    idle: np.ndarray
    good: np.ndarray
    bad: np.ndarray


class TieLayer(NamedTuple):
    """One layer of ties as CSR arrays: a tie's trust is ``max(stored * scale, floor)``;
    ``peak`` bounds the stored entries from above."""

    indptr: np.ndarray
    indices: np.ndarray
    stored: np.ndarray
    scale: float
    floor: float
    peak: float

    @classmethod
    def of(cls, layer: object) -> TieLayer:
        """The record of a :class:`~sim.model.rules.network.Layer` as it stands (its arrays
        shared, not copied)."""
        stored = layer.stored
        return cls(indptr=stored.indptr, indices=stored.indices, stored=stored.data,
                   scale=float(layer.scale), floor=float(layer.floor), peak=float(layer.peak))


class Talk(NamedTuple):
    """Why and how consumers refer (M2, M12): the parameters of the same names."""

    founder_vouch: float
    referral_withhold: float
    referral_reciprocity: float
    referral_status: float
    referral_reputation_cost: float


class Tastes(NamedTuple):
    """How consumers weigh an offer (M6, M8): the parameters of the same names."""

    beta_quality: float
    beta_price: float
    beta_risk: float
    habit: float
    rating_weight: float
    payment_guarantee: float
    trust_channels: bool


class Learning(NamedTuple):
    """How consumers learn from their purchases (M3-M5): the parameters of the same names."""

    tie_threshold: float
    trust_channels: bool
    evidence_decay: float


def from_params(record: type, p: dict) -> NamedTuple:
    """A parameter record (``Talk``, ``Tastes``, ``Learning``) read from the parameters ``p``
    by its field names, each as a float or a bool, so that numba compiles one version.

    Built once for each set of values and reused (the rules read their records every week,
    and ``p`` may change between weeks: the values are looked up each time)."""
    return _record_of(record, tuple(map(p.__getitem__, record._fields)))


@functools.lru_cache(maxsize=256)
def _record_of(record: type, values: tuple) -> NamedTuple:
    kinds = typing.get_type_hints(record).values()  # the classes (annotations are strings)
    return record(*((bool if kind is bool else float)(value)
                    for kind, value in zip(kinds, values, strict=True)))

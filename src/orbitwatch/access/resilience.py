"""Ground-segment resilience: visibility single points of failure and optimal capacity loss.

Two different questions, each named for what it means (issue 12 part 2):

Visibility (no scheduling)
    A satellite *loses contact* in an outage when none of the stations that ever see it
    in the interval remains.  :func:`visibility_matrix` is the satellite x station
    "has at least one window" table; an outage of stations ``X`` cuts satellite ``i``
    off iff its visible set is a subset of ``X``.

Capacity (optimal assignment)
    The best achievable total contact time when each station serves at most
    ``antennas[s]`` satellites at once and each satellite talks to at most one station
    at once.  Window boundaries cut the interval into elementary slots in which the
    visibility pattern is constant; in each slot the best assignment is a maximum
    bipartite b-matching (max-flow source -> satellite (1) -> visible station (1) ->
    sink (antennas)), solved by augmenting paths once per distinct pattern (patterns are
    cached across outage scenarios; a slot whose stations are not over-subscribed needs no
    solve).  The
    capacity is the sum over slots of matched satellites x slot length (preemptive: a
    link may hand over between slots, no set-up time), an upper bound on what any
    schedule achieves, so it is >= the greedy schedule of :mod:`orbitwatch.access.contacts`.
    Removing stations only removes edges, so the capacity cannot grow: every capacity
    loss is >= 0 by construction (not by clipping).

Per satellite, the loss table gives the time the satellite is visible from at least one
remaining station (its capacity if it had the network to itself, also monotone) and the
loss of it; the network total comes from the max-flow.  ``k``: every combination of 1..k
stations is evaluated (:func:`outage_combinations`; refused beyond
:data:`MAX_COMBINATIONS`, code ``CONTACTS_TOO_MANY_COMBINATIONS``) and the count is
reported.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from orbitwatch.errors import InputError

__all__ = [
    "MAX_COMBINATIONS",
    "CapacityResult",
    "OutageScenario",
    "ResilienceReport",
    "optimal_capacity",
    "outage_combinations",
    "resilience_report",
    "visibility_matrix",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

#: Most outage combinations evaluated in one report.
MAX_COMBINATIONS = 20_000


def visibility_matrix(sat: npt.ArrayLike, station: npt.ArrayLike, n_sat: int, n_station: int) -> BoolArray:
    """``(n_sat, n_station)``: True where the satellite has at least one window at the station."""
    m = np.zeros((n_sat, n_station), dtype=bool)
    m[np.asarray(sat, np.int64), np.asarray(station, np.int64)] = True
    return m


def outage_combinations(n_station: int, k: int, *, limit: int = MAX_COMBINATIONS) -> list[tuple[int, ...]]:
    """Every set of 1..k of ``n_station`` stations (``CONTACTS_K`` / ``CONTACTS_TOO_MANY_COMBINATIONS``)."""
    if k < 1 or k > n_station:
        raise InputError(f"k = {k} stations to drop must be between 1 and {n_station}", code="CONTACTS_K",
                         field="k")
    total = sum(math.comb(n_station, j) for j in range(1, k + 1))
    if total > limit:
        raise InputError(f"k = {k} over {n_station} stations is {total:,} combinations, more than {limit:,}",
                         code="CONTACTS_TOO_MANY_COMBINATIONS", field="k")
    return [c for j in range(1, k + 1) for c in itertools.combinations(range(n_station), j)]


@dataclass(frozen=True)
class CapacityResult:
    """Optimal contact time: ``total_s`` and one optimal split ``per_sat_s (n_sat,)``."""

    total_s: float
    per_sat_s: FloatArray
    patterns_solved: int


class _Slots:
    """Elementary slots of a window set and, per slot, the windows covering it."""

    def __init__(self, sat: IntArray, station: IntArray, a: FloatArray, b: FloatArray) -> None:
        edges = np.unique(np.concatenate([a, b]))
        self.length = np.diff(edges)
        mid = 0.5 * (edges[:-1] + edges[1:]) if edges.size > 1 else np.zeros(0)
        # windows covering each slot: slots i with a <= mid_i < b
        lo = np.searchsorted(mid, a, side="left")
        hi = np.searchsorted(mid, b, side="left")
        cnt = np.maximum(hi - lo, 0)
        self.win = np.repeat(np.arange(a.size), cnt)
        self.slot = np.repeat(lo, cnt) + (np.arange(self.win.size) - np.repeat(np.cumsum(cnt) - cnt, cnt))
        self.sat = sat
        self.station = station


def _max_matching(pairs: Sequence[tuple[int, int]], antennas: IntArray) -> set[int]:
    """Maximum b-matching of (sat, station) pairs -> the satellites matched.

    Ford-Fulkerson with unit augmenting paths (Kuhn's algorithm with station capacities
    ``antennas``): each satellite in turn looks for a free antenna along an alternating
    path; the result is a maximum flow of the source -> satellite -> station -> sink
    network (Kleinberg & Tardos, *Algorithm Design*, sec. 7.5).
    """
    adj: dict[int, list[int]] = {}
    for s, t in pairs:
        adj.setdefault(s, []).append(t)
    holders: dict[int, list[int]] = {}  # station -> satellites assigned to it

    def augment(s: int, seen: set[int]) -> bool:
        for t in adj[s]:
            if t in seen:
                continue
            seen.add(t)
            h = holders.setdefault(t, [])
            if len(h) < int(antennas[t]):
                h.append(s)
                return True
            for i, other in enumerate(h):
                if augment(other, seen):
                    h[i] = s
                    return True
        return False

    matched: set[int] = set()
    for s in sorted(adj):
        if augment(s, set()):
            matched.add(s)
    return matched


def optimal_capacity(sat: npt.ArrayLike, station: npt.ArrayLike, start_s: npt.ArrayLike, end_s: npt.ArrayLike,
                     antennas: npt.ArrayLike, n_sat: int, *, exclude: Sequence[int] = ()) -> CapacityResult:
    """Optimal (preemptive) contact time of windows ``(W,)`` with ``exclude``d stations removed."""
    sat_a = np.asarray(sat, np.int64)
    st_a = np.asarray(station, np.int64)
    a = np.asarray(start_s, np.float64)
    b = np.asarray(end_s, np.float64)
    slots = _Slots(sat_a, st_a, a, b)
    drop = np.zeros(int(st_a.max(initial=-1)) + 1 + len(exclude), bool)
    drop[list(exclude)] = True
    return _capacity(slots, ~drop[slots.station[slots.win]], np.asarray(antennas, np.int64), n_sat)[0]


def _capacity(slots: _Slots, use: BoolArray, antennas: IntArray, n_sat: int,
              cache: dict[frozenset[tuple[int, int]], tuple[int, ...]] | None = None
              ) -> tuple[CapacityResult, FloatArray]:
    """Capacity from the entries ``use`` of the slot table, and per satellite the visible time.

    All sums run over the same slots in the same order with per-slot counts that can only
    fall when entries are removed, so results of a subset never exceed the full set's
    (floating-point addition is monotone).
    """
    n_slots = slots.length.shape[0]
    served = np.zeros(n_slots)
    per_sat = np.zeros(n_sat)
    seen = np.zeros((n_sat, n_slots), bool)
    e = np.nonzero(use)[0]
    if e.size == 0:
        return CapacityResult(0.0, per_sat, 0), np.zeros(n_sat)
    w = slots.win[e]
    sl = slots.slot[e]
    s_sat, s_st = slots.sat[w], slots.station[w]
    seen[s_sat, sl] = True
    # A slot needs a matching only when some station sees more satellites than it has antennas.
    n_st = int(max(int(s_st.max()) + 1, antennas.shape[0]))
    triple = np.unique((sl * n_st + s_st) * n_sat + s_sat)
    slot_station, count = np.unique(triple // n_sat, return_counts=True)
    over = count > antennas[slot_station % n_st]
    contended = np.zeros(n_slots, bool)
    contended[slot_station[over] // n_st] = True
    free = ~contended
    served[free] = seen[:, free].sum(axis=0)
    per_sat += np.where(seen & free[None, :], slots.length[None, :], 0.0).sum(axis=1)
    pick = contended[sl]
    sl, s_sat, s_st = sl[pick], s_sat[pick], s_st[pick]
    order = np.argsort(sl, kind="stable")
    slot_sorted = sl[order]
    bounds = np.flatnonzero(np.diff(slot_sorted)) + 1
    starts = np.concatenate(([0], bounds)) if order.size else np.zeros(0, np.int64)
    ends = np.concatenate((bounds, [order.size])) if order.size else np.zeros(0, np.int64)
    cache = {} if cache is None else cache
    solved = 0
    for i0, i1 in zip(starts.tolist(), ends.tolist(), strict=True):
        idx = order[i0:i1]
        j = int(slot_sorted[i0])
        pairs = frozenset(zip(s_sat[idx].tolist(), s_st[idx].tolist(), strict=True))
        got = cache.get(pairs)
        if got is None:
            got = tuple(sorted(_max_matching(sorted(pairs), antennas)))
            solved += 1
            cache[pairs] = got
        served[j] = len(got)
        per_sat[list(got)] += slots.length[j]
    total = float(np.sum(served * slots.length))
    visible = np.sum(np.where(seen, slots.length[None, :], 0.0), axis=1)
    return CapacityResult(total, per_sat, solved), visible


@dataclass(frozen=True)
class OutageScenario:
    """Losing ``stations``: who loses contact, and the capacity lost (network and per satellite)."""

    stations: tuple[str, ...]
    capacity_s: float
    capacity_loss_s: float
    satellites_losing_contact: tuple[int, ...]
    visible_s: FloatArray  # per satellite, time visible from a remaining station
    visible_loss_s: FloatArray
    stations_left: IntArray  # per satellite, visible stations remaining

    def to_dict(self, sat_ids: Sequence[int]) -> dict[str, Any]:
        return {
            "stations": list(self.stations),
            "capacity_s": round(self.capacity_s, 3),
            "capacity_loss_s": round(self.capacity_loss_s, 3),
            "satellites_losing_contact": list(self.satellites_losing_contact),
            "per_satellite": [
                {"norad": int(n), "visible_stations_left": int(self.stations_left[i]),
                 "visible_s": round(float(self.visible_s[i]), 3),
                 "visible_loss_s": round(float(self.visible_loss_s[i]), 3)}
                for i, n in enumerate(sat_ids)
            ],
        }


@dataclass(frozen=True)
class ResilienceReport:
    """Baseline capacity and visibility, and every outage scenario of 1..k stations."""

    station_names: tuple[str, ...]
    sat_ids: tuple[int, ...]
    k: int
    visible: BoolArray
    capacity_s: float
    capacity_per_sat_s: FloatArray
    visible_s: FloatArray
    scenarios: tuple[OutageScenario, ...]

    @property
    def combinations_evaluated(self) -> int:
        return len(self.scenarios)

    def single_points_of_failure(self) -> list[OutageScenario]:
        """Scenarios in which at least one satellite loses all contact."""
        return [s for s in self.scenarios if s.satellites_losing_contact]

    def to_dict(self) -> dict[str, Any]:
        worst = sorted(self.scenarios, key=lambda s: (-len(s.satellites_losing_contact), -s.capacity_loss_s))
        return {
            "k": self.k,
            "combinations_evaluated": self.combinations_evaluated,
            "optimal_capacity_s": round(self.capacity_s, 3),
            "visibility": [
                {"norad": int(n), "visible_stations": [self.station_names[j] for j in np.nonzero(self.visible[i])[0]],
                 "visible_s": round(float(self.visible_s[i]), 3),
                 "optimal_share_s": round(float(self.capacity_per_sat_s[i]), 3)}
                for i, n in enumerate(self.sat_ids)
            ],
            "single_points_of_failure": [
                {"stations": list(s.stations), "satellites_losing_contact": list(s.satellites_losing_contact)}
                for s in self.single_points_of_failure()
            ],
            "outages": [s.to_dict(self.sat_ids) for s in worst],
        }


def resilience_report(sat: npt.ArrayLike, station: npt.ArrayLike, start_s: npt.ArrayLike, end_s: npt.ArrayLike,
                      antennas: npt.ArrayLike, *, station_names: Sequence[str], sat_ids: Sequence[int],
                      k: int = 1) -> ResilienceReport:
    """Visibility single points of failure and optimal capacity loss for every 1..k outage."""
    sat_a = np.asarray(sat, np.int64)
    st_a = np.asarray(station, np.int64)
    a = np.asarray(start_s, np.float64)
    b = np.asarray(end_s, np.float64)
    ant = np.asarray(antennas, np.int64)
    n_st, n_sat = len(station_names), len(sat_ids)
    combos = outage_combinations(n_st, k)
    vis = visibility_matrix(sat_a, st_a, n_sat, n_st)
    slots = _Slots(sat_a, st_a, a, b)
    entry_station = st_a[slots.win]
    cache: dict[frozenset[tuple[int, int]], tuple[int, ...]] = {}
    base, seen_s = _capacity(slots, np.ones(slots.win.size, bool), ant, n_sat, cache)
    scenarios = []
    for combo in combos:
        drop = np.zeros(n_st, bool)
        drop[list(combo)] = True
        left = (vis & ~drop[None, :]).sum(axis=1)
        lost = tuple(int(sat_ids[int(i)]) for i in np.nonzero((left == 0) & vis.any(axis=1))[0])
        cap, seen = _capacity(slots, ~drop[entry_station], ant, n_sat, cache)
        scenarios.append(OutageScenario(
            stations=tuple(station_names[i] for i in combo), capacity_s=cap.total_s,
            capacity_loss_s=base.total_s - cap.total_s, satellites_losing_contact=lost,
            visible_s=seen, visible_loss_s=seen_s - seen, stations_left=left.astype(np.int64)))
    return ResilienceReport(tuple(station_names), tuple(int(x) for x in sat_ids), k, vis, base.total_s,
                            base.per_sat_s, seen_s, tuple(scenarios))

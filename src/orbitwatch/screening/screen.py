"""Conjunction screening of a catalog: all-vs-all, primaries-vs-all and one-vs-all.

:func:`screen` finds every pair of objects whose SGP4 range has a local minimum at most
``threshold_km`` inside ``[start, end]``, with its time of closest approach (TCA), miss
distance, relative speed, the miss vector in the primary's RIC frame (Vallado, 4th ed.,
sec. 3.3) and the approach angle.  The pipeline:

1. **Sampling** (:mod:`.sampling`): SGP4 at knots every 600 s (finer for objects that
   need it), quintic Hermite interpolation with a measured per-object error bound
   ``e_i <= 0.1 km`` (and a velocity bound ``ev_i``).
2. **Candidates** (:mod:`.candidates`): a uniform spatial grid per sub-step
   (``dt = 120 s``), a radial-band filter and a straight-line closest-approach test
   with rigorous pads.
3. **Model minima** (:mod:`.refine`): local minima of the interpolated range near each
   candidate; pairs whose model range exceeds ``D + e_i + e_j`` are dropped.
4. **SGP4 refinement** (:mod:`.refine`): Newton's method on the SGP4 range rate to
   10 µs; records are built from SGP4 states at the TCA.

Completeness guarantee.  Every pair whose SGP4 range has a local minimum ``<= D``
inside the window and whose relative speed at the nearest sub-step is at most 16 km/s is
reported, given the per-object interpolation bounds: (a) a minimum at ``t*`` lies within
``w = dt/2`` of a sub-step; by Taylor's theorem with the gravity-gradient bound ``A`` on
the relative acceleration, the straight-line test at that sub-step passes when
``|Δp(t*)| <= D`` (the interpolation errors ``e``, ``ev w`` are added to the bound);
(b) a pair passing the test is at most ``bound + 16 w`` apart, which is at most the grid
cell size, so it lies in neighbouring cells, and its radii differ by at most
``D + ρ_i + ρ_j`` (the radial band searched, :mod:`.candidates`); (c) the model range at
``t*`` is at most ``D + e_i + e_j`` and the model minimum search covers ``t* ± 2w``;
for pairs slower than ``max(10 m/s, 10 (ev_i + ev_j))``, whose model range rate is not
trustworthy, the SGP4 range rate is also sampled every 60 s; (d) Newton's method
converges to the SGP4 root nearest its start.  The interpolation bound is measured
(twice the largest midpoint error over one orbit), not derived, and it is the one
empirical input; the tests check completeness against an independent dense brute-force
search.  Minima at the window edges whose true TCA is outside ``[start, end]`` are not
conjunctions of the window and are excluded.

Memory is bounded: the window is cut into sub-windows whose knots fit a fixed budget
(512 MiB, at most 24 h), and results are independent of the sub-window size and the thread count.
Objects whose propagation fails are screened up to the failure and listed in
``ScreeningResult.failures``.
"""

from __future__ import annotations

import itertools
import math
import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from orbitwatch.catalog.history import latest_per_object
from orbitwatch.catalog.model import ElementTable
from orbitwatch.errors import InputError
from orbitwatch.frames import to_ric
from orbitwatch.propagation import SGP4_ERROR_MESSAGES, Sgp4Model, sgp4_model
from orbitwatch.screening._parallel import default_workers, fork_map
from orbitwatch.screening.candidates import cell_size_km, find_candidates
from orbitwatch.screening.conjunction import Conjunction
from orbitwatch.screening.exclusions import CO_MOVING_MIN_SPEED_KM_S, Exclusions, split_co_moving
from orbitwatch.screening.prefilter import (
    CONSTELLATION_PREFIXES,
    constellation_groups,
    mean_shells_km,
    period_s,
    radial_accel_bound_km_s2,
    shells_overlap,
)
from orbitwatch.screening.refine import model_minima, refine_sgp4
from orbitwatch.screening.sampling import CODE_NOT_PHYSICAL, sample_knots
from orbitwatch.times import US_PER_DAY, as_utc, format_utc

__all__ = ["Conjunction", "PropagationFailure", "ScreeningResult", "screen"]

MAX_THRESHOLD_KM = 1000.0
MAX_WINDOW_DAYS = 366.0
_KNOT_BUDGET_BYTES = 512 * 1024 * 1024
_BYTES_PER_KNOT = 9 * 8


@dataclass(frozen=True, slots=True)
class PropagationFailure:
    """An object whose SGP4 propagation failed in the window (screened up to the failure)."""

    norad: int
    name: str | None
    code: int
    message: str
    first_failure: np.datetime64

    @property
    def first_failure_utc(self) -> str:
        return str(format_utc(self.first_failure, digits=3))

    def to_dict(self) -> dict[str, Any]:
        return {
            "norad": self.norad,
            "name": self.name,
            "code": self.code,
            "message": self.message,
            "first_failure_utc": self.first_failure_utc,
        }


@dataclass(frozen=True)
class ScreeningResult:
    """Conjunctions sorted by TCA, the propagation failures, and counts per stage."""

    conjunctions: list[Conjunction]
    failures: list[PropagationFailure]
    start: np.datetime64
    end: np.datetime64
    threshold_km: float
    stats: dict[str, Any] = field(default_factory=dict)
    #: docked / co-moving records left out (``screen(exclude_co_moving=True)``), else empty
    excluded: Exclusions = field(default_factory=Exclusions)

    def to_dicts(self) -> list[dict[str, Any]]:
        return [c.to_dict() for c in self.conjunctions]


def _validate(
    elements: ElementTable, start: Any, end: Any, threshold_km: float
) -> tuple[np.datetime64, np.datetime64]:
    if len(elements) == 0:
        raise InputError("the catalog holds no element sets", code="INPUT_EMPTY_CATALOG")
    t0 = as_utc(start, what="start")
    t1 = as_utc(end, what="end")
    span = (t1 - t0).astype("timedelta64[us]").astype(np.int64) / 1e6
    if span <= 0:
        raise InputError(
            f"the window {format_utc(t0)} .. {format_utc(t1)} has {'zero' if span == 0 else 'negative'} length",
            code="INPUT_WINDOW", field="end",
        )
    if span > MAX_WINDOW_DAYS * 86400.0:
        raise InputError(f"the window is longer than {MAX_WINDOW_DAYS:g} days", code="INPUT_WINDOW", field="end")
    if not (isinstance(threshold_km, int | float) and math.isfinite(threshold_km)):
        raise InputError(f"threshold {threshold_km!r} is not a number", code="INPUT_THRESHOLD",
                         field="threshold_km")
    if threshold_km <= 0:
        raise InputError(f"threshold must be positive, not {threshold_km} km", code="INPUT_THRESHOLD",
                         field="threshold_km")
    if threshold_km > MAX_THRESHOLD_KM:
        raise InputError(f"threshold {threshold_km} km is above the {MAX_THRESHOLD_KM:g} km limit",
                         code="INPUT_THRESHOLD", field="threshold_km")
    return t0, t1


def _cpu_s() -> float:
    """CPU seconds of this process (all threads) and of its finished worker processes."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def screen(
    elements: ElementTable,
    start: Any,
    end: Any,
    threshold_km: float,
    *,
    primaries: Iterable[int] | None = None,
    exclude_same_constellation: bool = False,
    constellation_prefixes: Sequence[str] = CONSTELLATION_PREFIXES,
    min_relative_speed_km_s: float = 0.0,
    exclude_co_moving: bool = False,
    co_moving_min_speed_km_s: float = CO_MOVING_MIN_SPEED_KM_S,
    knot_step_s: float = 600.0,
    sub_step_s: float = 120.0,
    error_cap_km: float = 0.1,
    sub_window_s: float | None = None,
    sgp4_workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ScreeningResult:
    """Screen ``elements`` for approaches within ``threshold_km`` over ``[start, end]``.

    ``primaries``: NORAD ids; pairs must include at least one of them (one id = one-vs-all;
    ``None`` = all-vs-all).  ``exclude_same_constellation``: skip pairs of payloads of the
    same constellation (name prefixes ``constellation_prefixes``).
    ``min_relative_speed_km_s``: drop approaches slower than this (formation flying,
    docked objects).  ``exclude_co_moving``: move docked and co-moving pairs (identical
    element sets, or slower than ``co_moving_min_speed_km_s``) out of the conjunctions
    into ``ScreeningResult.excluded``, counted by reason (:mod:`.exclusions`).
    Element sets with the same catalog number: the latest is used.
    ``sgp4_workers``: processes for the SGP4 sampling (``None``: automatic; see
    :func:`.sampling.sample_knots`).  The compiled stages use numba's threads.

    Raises :class:`InputError` with codes ``INPUT_EMPTY_CATALOG``, ``INPUT_WINDOW``,
    ``INPUT_THRESHOLD``, ``INPUT_UNKNOWN_NORAD``, ``INPUT_STEP``.
    """
    clock = time.perf_counter()
    t_start, t_end = _validate(elements, start, end, threshold_km)
    if not (math.isfinite(min_relative_speed_km_s) and min_relative_speed_km_s >= 0):
        raise InputError(f"min_relative_speed_km_s must be >= 0, not {min_relative_speed_km_s}",
                         code="INPUT_INVALID", field="min_relative_speed_km_s")
    if not (0 < sub_step_s <= 120 and 0 < knot_step_s <= 3600):
        raise InputError("sub_step_s must be in (0, 120] s and knot_step_s in (0, 3600] s", code="INPUT_STEP")
    table = latest_per_object(elements)
    n = len(table)
    norad = table.norad_id
    if primaries is None:
        primary = np.ones(n, dtype=bool)
    else:
        wanted = np.unique(np.asarray(list(primaries), dtype=np.int64))
        if wanted.size == 0:
            raise InputError("the list of primaries is empty", code="INPUT_UNKNOWN_NORAD", field="primaries")
        missing = np.setdiff1d(wanted, norad)
        if missing.size:
            shown = ", ".join(str(x) for x in missing[:10].tolist())
            raise InputError(f"NORAD id(s) not in the catalog: {shown}", code="INPUT_UNKNOWN_NORAD",
                             field="primaries")
        primary = np.isin(norad, wanted)
    span_s = float((t_end - t_start).astype(np.int64)) / 1e6

    # Prefilter: objects that cannot come near any primary (perigee/apogee shells).
    lo_km, hi_km = mean_shells_km(table)
    active = shells_overlap(lo_km, hi_km, primary, threshold_km) | primary
    group = (constellation_groups(table.names, constellation_prefixes) if exclude_same_constellation
             else np.full(n, -1, dtype=np.int64))
    sats = sgp4_model(table)  # the one SGP4 doorway (compiled kernel or ORBITWATCH_SGP4=reference)
    workers = default_workers() if sgp4_workers is None else max(1, int(sgp4_workers))
    periods = period_s(table)
    radial_accel = radial_accel_bound_km_s2(table)

    w = 0.5 * sub_step_s
    n_sub_total = math.ceil(span_s / sub_step_s)
    pad_s = max(knot_step_s, 2.0 * sub_step_s)
    if sub_window_s is None:
        per_s = max(1, int(active.sum())) * _BYTES_PER_KNOT / knot_step_s * 1.2
        sub_window_s = max(3600.0, min(86400.0, _KNOT_BUDGET_BYTES / per_s))
    subs_per_window = max(1, int(sub_window_s // sub_step_s))
    n_windows = max(1, math.ceil(n_sub_total / subs_per_window))

    stats: dict[str, Any] = {
        "objects": n, "objects_screened": int(active.sum()), "pairs_grid": 0, "pairs_model": 0,
        "pairs_refined": 0, "conjunctions": 0, "sgp4_calls": 0, "sub_windows": n_windows,
        "sub_step_s": sub_step_s, "knot_step_s": knot_step_s, "cell_km": 0.0,
        "seconds": {"sampling": 0.0, "grid": 0.0, "model": 0.0, "sgp4_refine": 0.0},
        "cpu_seconds": {"sampling": 0.0, "grid": 0.0, "model": 0.0, "sgp4_refine": 0.0},
    }
    first_fail: dict[int, tuple[np.datetime64, int]] = {}
    rows: list[dict[str, npt.NDArray[Any]]] = []
    for wk in range(n_windows):
        s_lo = wk * subs_per_window
        s_hi = min(n_sub_total, (wk + 1) * subs_per_window)
        own_lo = s_lo * sub_step_s
        own_hi = span_s if wk == n_windows - 1 else s_hi * sub_step_s
        k_t0_s = own_lo - pad_s
        k_t0 = t_start + np.timedelta64(round(k_t0_s * 1e6), "us")
        c0 = time.perf_counter()
        u0 = _cpu_s()
        knots = None  # the previous sub-window's knots go before the next ones are made
        knots = sample_knots(
            sats, periods, k_t0, (own_hi - own_lo) + 2 * pad_s, base_step_s=knot_step_s,
            error_cap_km=error_cap_km, workers=sgp4_workers,
        )
        sub = active.copy()
        stats["sgp4_calls"] += knots.sgp4_calls
        for i in np.flatnonzero(knots.fail_code).tolist():
            ft = knots.fail_time[i]
            if ft > t_end:
                continue
            if i not in first_fail or ft < first_fail[i][0]:
                first_fail[i] = (max(ft, t_start), int(knots.fail_code[i]))
        c1 = time.perf_counter()
        u1 = _cpu_s()
        if progress is not None:
            progress(3 * wk + 1, 3 * n_windows)
        # sub-step times relative to the knots' t0
        t_sub = (np.arange(s_lo, s_hi + 1) * sub_step_s - k_t0_s).astype(np.float64)
        usable = knots.valid_until_s > 0
        if not usable.any():
            continue
        cell = cell_size_km(threshold_km, w, float(knots.error_km[usable].max()),
                            float(knots.error_v_km_s[usable].max()))
        stats["cell_km"] = max(stats["cell_km"], cell)
        ci, cj, cs = find_candidates(knots, t_sub, w, threshold_km, cell, primary=primary, group=group,
                                     active=sub, radial_accel_km_s2=radial_accel)
        stats["pairs_grid"] += int(ci.size)
        c2 = time.perf_counter()
        u2 = _cpu_s()
        tm, dm, is_root = model_minima(knots, ci, cj, t_sub[cs], half_width_s=2 * w, lo_s=-k_t0_s, hi_s=span_s - k_t0_s)
        slow_i, slow_j, slow_t = _slow_pair_starts(sats, knots, ci, cj, t_sub[cs], w=w, lo_s=-k_t0_s,
                                                   hi_s=span_s - k_t0_s, stats=stats, workers=workers)
        ci, cj, tm = _one_start_per_minimum(ci, cj, cs, tm, dm, is_root,
                                            limit_km=threshold_km + knots.error_km[ci] + knots.error_km[cj])
        ci = np.concatenate((ci, slow_i))
        cj = np.concatenate((cj, slow_j))
        tm = np.concatenate((tm, slow_t))
        stats["pairs_model"] += int(ci.size)
        c3 = time.perf_counter()
        u3 = _cpu_s()
        if progress is not None:
            progress(3 * wk + 2, 3 * n_windows)
        res = _refine(sats, k_t0, ci, cj, tm, max_step_s=sub_step_s, workers=workers)
        stats["sgp4_calls"] += int(res["sgp4_calls"])
        stats["pairs_refined"] += int(ci.size)
        t_abs = res["t_s"] + k_t0_s  # seconds after start
        r1, v1, r2, v2 = res["r1"], res["v1"], res["r2"], res["v2"]
        miss = np.linalg.norm(r2 - r1, axis=1)
        ok = (
            res["converged"] & (res["err"] == 0) & (res["range_accel"] > 0)
            & (miss <= threshold_km) & (t_abs >= own_lo) & (t_abs <= span_s)
            & ((t_abs < own_hi) | (wk == n_windows - 1))
        )
        rows.append({"i": ci[ok], "j": cj[ok], "t": t_abs[ok], "r1": r1[ok], "v1": v1[ok], "r2": r2[ok],
                     "v2": v2[ok]})
        c4 = time.perf_counter()
        u4 = _cpu_s()
        secs = stats["seconds"]
        secs["sampling"] += c1 - c0
        secs["grid"] += c2 - c1
        secs["model"] += c3 - c2
        secs["sgp4_refine"] += c4 - c3
        cpu = stats["cpu_seconds"]
        cpu["sampling"] += u1 - u0
        cpu["grid"] += u2 - u1
        cpu["model"] += u3 - u2
        cpu["sgp4_refine"] += u4 - u3
        if progress is not None:
            progress(3 * wk + 3, 3 * n_windows)

    c5 = time.perf_counter()
    conj = _records(table, primary, rows, t_start, threshold_km, min_relative_speed_km_s)
    stats["seconds"]["records"] = time.perf_counter() - c5
    excluded = Exclusions(min_speed_km_s=co_moving_min_speed_km_s)
    if exclude_co_moving:
        conj, excluded = split_co_moving(conj, table, co_moving_min_speed_km_s)
        stats["excluded"] = excluded.to_dict()
    failures = [
        PropagationFailure(
            norad=int(norad[i]), name=table.names[i], code=code,
            message=SGP4_ERROR_MESSAGES.get(code, "states are not a physical orbit (non-finite, "
                                            "beyond 2e6 km, or not interpolable)")
            if code != CODE_NOT_PHYSICAL else "states are not a physical orbit",
            first_failure=ft,
        )
        for i, (ft, code) in sorted(first_fail.items(), key=lambda kv: (kv[1][0], int(norad[kv[0]])))
    ]
    stats["conjunctions"] = len(conj)
    stats["seconds"]["total"] = time.perf_counter() - clock
    return ScreeningResult(conjunctions=conj, failures=failures, start=t_start, end=t_end,
                           threshold_km=float(threshold_km), stats=stats, excluded=excluded)


SLOW_SCAN_STEP_S = 60.0
#: fewer pairs than this are refined in this process (forking costs more than it saves)
_PARALLEL_MIN_PAIRS = 4000
_PARALLEL_MIN_SLOW_PAIRS = 8


def _refine_job(sats: Sgp4Model, job: tuple[Any, ...]) -> dict[str, Any]:
    t0, ci, cj, tm, max_step_s = job
    return refine_sgp4(sats, t0, ci, cj, tm, max_step_s=max_step_s)


def _refine(
    sats: Sgp4Model, t0: np.datetime64, ci: npt.NDArray[np.int64], cj: npt.NDArray[np.int64],
    tm: npt.NDArray[np.float64], *, max_step_s: float, workers: int,
) -> dict[str, Any]:
    """:func:`.refine.refine_sgp4` of all starts, split over forked worker processes.

    The refinement of each start is independent of the others, so the concatenated
    result is the serial one.
    """
    m = ci.size
    n_parts = 1 if workers <= 1 or m < _PARALLEL_MIN_PAIRS else 2 * workers
    cut = np.linspace(0, m, n_parts + 1).round().astype(np.int64)
    jobs = [(t0, ci[a:b], cj[a:b], tm[a:b], max_step_s) for a, b in itertools.pairwise(cut.tolist())]
    parts = fork_map(_refine_job, sats, jobs, workers)
    if len(parts) == 1:
        return parts[0]
    out: dict[str, Any] = {k: np.concatenate([p[k] for p in parts]) for k in parts[0] if k != "sgp4_calls"}
    out["sgp4_calls"] = sum(int(p["sgp4_calls"]) for p in parts)
    return out


def _slow_scan_job(
    sats: Sgp4Model, job: tuple[np.datetime64, list[tuple[int, int, float, float]]],
) -> tuple[list[int], list[int], list[float], int]:
    """Sign changes (- to +) of the SGP4 range rate sampled every 60 s, for pairs ``(i, j, a, b)``."""
    from orbitwatch.screening.sampling import sgp4_at

    t0, pairs = job
    out_i: list[int] = []
    out_j: list[int] = []
    out_t: list[float] = []
    calls = 0
    for i, j, a, b in pairs:
        ts = np.arange(a, b + SLOW_SCAN_STEP_S, SLOW_SCAN_STEP_S)
        k = ts.size
        e, r, v = sgp4_at(sats, np.concatenate((np.full(k, i), np.full(k, j))), t0, np.concatenate((ts, ts)))
        calls += 2 * k
        g = np.einsum("ij,ij->i", r[k:] - r[:k], v[k:] - v[:k])
        ok = (e[:k] == 0) & (e[k:] == 0)
        up = np.flatnonzero((g[:-1] < 0) & (g[1:] >= 0) & ok[:-1] & ok[1:])
        for u in up.tolist():
            out_i.append(i)
            out_j.append(j)
            out_t.append(0.5 * (ts[u] + ts[u + 1]))
    return out_i, out_j, out_t, calls


def _slow_pair_starts(
    sats: Sgp4Model, knots: Any, ci: npt.NDArray[np.int64], cj: npt.NDArray[np.int64],
    t_c: npt.NDArray[np.float64], *, w: float, lo_s: float, hi_s: float, stats: dict[str, Any],
    workers: int = 1,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """Newton starts for slow pairs, from the SGP4 range rate itself.

    When two objects move at a few m/s relative to each other, the velocity error of the
    interpolation (``ev``, up to ~1 m/s) is not small against their relative velocity,
    so the model's range-rate roots can be missing or misplaced.  For every candidate
    pair slower than ``max(10 m/s, 10 (ev_i + ev_j))`` the SGP4 range rate is sampled
    every 60 s over the span of its candidates (± 2w) and every sign change from - to +
    starts a refinement.  Formation flyers are few; their scans are spread over
    ``workers`` processes (the result does not depend on it).
    """
    empty = (np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64), np.empty(0))
    if ci.size == 0:
        return empty
    from orbitwatch.screening.sampling import hermite_eval

    _, va = hermite_eval(knots, ci, t_c)
    _, vb = hermite_eval(knots, cj, t_c)
    speed = np.linalg.norm(vb - va, axis=1)
    slow = speed < np.maximum(0.01, 10.0 * (knots.error_v_km_s[ci] + knots.error_v_km_s[cj]))
    if not slow.any():
        return empty
    pairs, inv = np.unique(np.stack((ci[slow], cj[slow]), axis=1), axis=0, return_inverse=True)
    inv = inv.reshape(-1)
    # the span of every slow pair's candidates (all its candidates, not only the slow ones)
    mine = np.zeros(ci.size, dtype=np.int64) - 1
    key_all = ci * (int(cj.max()) + 1) + cj
    key_p = pairs[:, 0] * (int(cj.max()) + 1) + pairs[:, 1]
    pos = np.searchsorted(key_p, key_all)
    hit = (pos < key_p.size) & (key_p[np.minimum(pos, key_p.size - 1)] == key_all)
    mine[hit] = pos[hit]
    t_lo = np.full(pairs.shape[0], np.inf)
    t_hi = np.full(pairs.shape[0], -np.inf)
    np.minimum.at(t_lo, mine[hit], t_c[hit])
    np.maximum.at(t_hi, mine[hit], t_c[hit])
    spans = [
        (int(i), int(j), max(float(a) - 2.0 * w, lo_s), min(float(b) + 2.0 * w, hi_s))
        for (i, j), a, b in zip(pairs.tolist(), t_lo.tolist(), t_hi.tolist(), strict=True)
    ]
    n_parts = 1 if workers <= 1 or len(spans) < _PARALLEL_MIN_SLOW_PAIRS else 2 * workers
    cut = np.linspace(0, len(spans), n_parts + 1).round().astype(np.int64)
    jobs = [(knots.t0, spans[a:b]) for a, b in itertools.pairwise(cut.tolist())]
    out_i: list[int] = []
    out_j: list[int] = []
    out_t: list[float] = []
    for oi, oj, ot, calls in fork_map(_slow_scan_job, sats, jobs, workers):
        out_i += oi
        out_j += oj
        out_t += ot
        stats["sgp4_calls"] += calls
    stats["slow_pairs"] = stats.get("slow_pairs", 0) + int(pairs.shape[0])
    return np.array(out_i, dtype=np.int64), np.array(out_j, dtype=np.int64), np.array(out_t)


def _one_start_per_minimum(
    ci: npt.NDArray[np.int64], cj: npt.NDArray[np.int64], cs: npt.NDArray[np.int64],
    tm: npt.NDArray[np.float64], dm: npt.NDArray[np.float64], is_root: npt.NDArray[np.bool_], *,
    limit_km: npt.NDArray[np.float64],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """Starting times for the SGP4 refinement: one per model minimum.

    Candidates (sorted by pair and sub-step) form runs of consecutive sub-steps of one
    pair.  Every model root whose range is within ``limit_km`` starts a refinement (the
    same root seen from overlapping sub-steps once); a run without such a root (a slow
    pair whose model minimum lies outside the run) starts one refinement from its
    closest sample.
    """
    if ci.size == 0:
        return ci, cj, tm
    new_run = np.ones(ci.size, dtype=bool)
    new_run[1:] = (ci[1:] != ci[:-1]) | (cj[1:] != cj[:-1]) | (cs[1:] != cs[:-1] + 1)
    run = np.cumsum(new_run) - 1
    near = np.isfinite(tm) & (dm <= limit_km)
    run_has_root = np.zeros(run[-1] + 1, dtype=bool)
    take = near & is_root
    np.logical_or.at(run_has_root, run[take], True)
    # runs without a root close enough: the closest sample
    no_root = ~run_has_root[run] & near
    if no_root.any():
        idx = np.flatnonzero(no_root)
        order = idx[np.lexsort((dm[idx], run[idx]))]
        first = np.ones(order.size, dtype=bool)
        first[1:] = run[order][1:] != run[order][:-1]
        take[order[first]] = True
    ci, cj, tm = ci[take], cj[take], tm[take]
    order = np.lexsort((tm, cj, ci))
    ci, cj, tm = ci[order], cj[order], tm[order]
    keep = np.ones(ci.size, dtype=bool)
    keep[1:] = (ci[1:] != ci[:-1]) | (cj[1:] != cj[:-1]) | (np.abs(tm[1:] - tm[:-1]) > 1e-3)
    return ci[keep], cj[keep], tm[keep]


def _records(
    table: ElementTable,
    primary: npt.NDArray[np.bool_],
    rows: list[dict[str, npt.NDArray[Any]]],
    t_start: np.datetime64,
    threshold_km: float,
    min_speed: float,
) -> list[Conjunction]:
    """Conjunction records from the refined minima of all sub-windows (vectorised)."""
    if not rows:
        return []
    cat = {k: np.concatenate([r[k] for r in rows]) for k in rows[0]}
    order = np.lexsort((cat["t"], cat["j"], cat["i"]))
    cat = {k: v[order] for k, v in cat.items()}
    i, j, t = cat["i"], cat["j"], cat["t"]
    # the same minimum reached from two starts: for slow pairs Newton stops within the
    # rounding noise of the range (milliseconds), so starts 1 s apart are one minimum
    # (two distinct minima of a pair's range are a good part of an orbit apart)
    keep = np.ones(i.size, dtype=bool)
    keep[1:] = (i[1:] != i[:-1]) | (j[1:] != j[:-1]) | (np.abs(t[1:] - t[:-1]) >= 1.0)
    cat = {k: v[keep] for k, v in cat.items()}
    i, j, t = cat["i"], cat["j"], cat["t"]
    # object 1: the primary, else the lower catalog number
    norad = table.norad_id
    swap = (primary[j] & ~primary[i]) | ((primary[i] == primary[j]) & (norad[j] < norad[i]))
    a = np.where(swap, j, i)
    b = np.where(swap, i, j)
    ra = np.where(swap[:, None], cat["r2"], cat["r1"])
    va = np.where(swap[:, None], cat["v2"], cat["v1"])
    rb = np.where(swap[:, None], cat["r1"], cat["r2"])
    vb = np.where(swap[:, None], cat["v1"], cat["v2"])
    d = rb - ra
    dv = vb - va
    speed = np.linalg.norm(dv, axis=1)
    fast = speed >= min_speed
    ric = to_ric(d, ra, va)
    cosang = np.einsum("ij,ij->i", va, vb) / (np.linalg.norm(va, axis=1) * np.linalg.norm(vb, axis=1))
    angle = np.degrees(np.arccos(np.clip(cosang, -1.0, 1.0)))
    tca = t_start + np.round(t * 1e6).astype(np.int64).astype("timedelta64[us]")
    age_a = (tca - table.epoch[a]).astype("timedelta64[us]").astype(np.int64) / US_PER_DAY
    age_b = (tca - table.epoch[b]).astype("timedelta64[us]").astype(np.int64) / US_PER_DAY
    miss = np.linalg.norm(d, axis=1)
    # Python scalars column by column (``tolist``), not element by element: the records of a
    # full-catalog day are tens of thousands
    # sorted by (TCA, norad_1, norad_2) as arrays (a stable sort, as ``list.sort`` was)
    sel = np.flatnonzero(fast)
    tca_us = tca.astype(np.int64)
    sel = sel[np.lexsort((norad[b[sel]], norad[a[sel]], tca_us[sel]))]
    names = table.names
    ia, ib = a[sel].tolist(), b[sel].tolist()
    cols = zip(
        norad[a[sel]].tolist(), norad[b[sel]].tolist(), list(tca[sel]), miss[sel].tolist(), speed[sel].tolist(),
        ric[sel, 0].tolist(), ric[sel, 1].tolist(), ric[sel, 2].tolist(), angle[sel].tolist(),
        age_a[sel].tolist(), age_b[sel].tolist(), ia, ib, strict=True,
    )
    out = [
        Conjunction(
            norad_1=n1, name_1=names[ka], norad_2=n2, name_2=names[kb], tca=tc, miss_distance_km=md,
            relative_speed_km_s=sp, radial_km=rr, in_track_km=it, cross_track_km=ct, approach_angle_deg=an,
            epoch_age_1_d=g1, epoch_age_2_d=g2,
        )
        for n1, n2, tc, md, sp, rr, it, ct, an, g1, g2, ka, kb in cols
    ]
    return out

"""SGP4 knots and quintic Hermite interpolation of a catalog, with per-object error bounds.

Screening does not call SGP4 at every sub-step.  Each object is sampled with SGP4 at
*knots* every ``h`` seconds (position and velocity, TEME), an acceleration is attached to
each knot from the two-body + J2 gravity model (WGS-72, the constants SGP4 uses), and the
trajectory between knots is the quintic Hermite polynomial matching position, velocity
and acceleration at both ends (the scheme of SIMPLETON and of most catalog screeners is
cubic Hermite; matching the acceleration makes the same accuracy reachable with knots
about four times further apart, and SGP4 calls are the dominant cost).

Error bound.  The remainder of Hermite interpolation on ``[0, h]`` is
``f^(6)(xi)/6! * t^3 (t-h)^3`` (plus a term of the same shape from the acceleration
model's difference to SGP4), largest at the middle of the interval.  For every object
the interpolant is compared with SGP4 at the middles of the intervals spanning one full
orbit (more than one period of every periodic term of SGP4 for that object), and the
object's bound is ``error_km = 2 x (largest midpoint difference) + 2 m``.  The velocity
error of the same polynomial is at most ``3.43 x error_km / h`` (the derivative of
``t^3 (t-h)^3`` relative to its peak).  An object whose bound exceeds ``error_cap_km``
(0.1 km) is resampled with half the step (down to ``h / 2**max_level``); at the finest
step a bound up to ``hard_cap_km`` (2 km) is accepted and carried into the pads of the
screening; an object above that, or whose states are not physical, is reported as a
failure and not screened.

Failures.  A knot with an SGP4 error code ends the object's model three knots earlier
(the last minutes of a decaying object are not smooth enough to interpolate): the
object is screened up to there and reported with its code and the first failing time
(bisected with SGP4 to 1 s).  Code 7 is orbitwatch's own: states that SGP4 returns
without an error code but that are not a physical orbit (radius above 2,000,000 km or an
interpolation error above the cap even at the finest step).

Shapes: ``N`` objects; the knots of all objects are concatenated in one array ``rva``
of shape ``(M, 9)`` (position km, velocity km/s, acceleration km/s², TEME; views
``r_km``, ``v_km_s``, ``a_km_s2``); object ``i`` owns rows ``offset[i] : offset[i] +
count[i]`` at times ``t0 + k * step_s[i]``.
"""

from __future__ import annotations

import math
import mmap
import multiprocessing
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numba
import numpy as np
import numpy.typing as npt

from orbitwatch.constants import SECONDS_PER_DAY, WGS72_J2, WGS72_MU_KM3_S2, WGS72_RADIUS_KM
from orbitwatch.propagation import Sgp4Model
from orbitwatch.times import UTC_DTYPE, jd_utc

__all__ = [
    "CODE_NOT_PHYSICAL",
    "Knots",
    "gravity_j2_km_s2",
    "hermite_eval",
    "sample_knots",
    "sgp4_at",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

CODE_NOT_PHYSICAL = 7
_MAX_RADIUS_KM = 2.0e6
_ERROR_FLOOR_KM = 0.002
_SAFETY = 2.0
# knots dropped before an SGP4 failure: the last orbits of a decaying object are not smooth
_FAIL_MARGIN = 2
#: velocity error of the quintic Hermite remainder relative to its peak position error, x h
VELOCITY_ERROR_FACTOR = 3.43


@dataclass(frozen=True)
class Knots:
    """Knots of N objects over one time span (see the module docstring for the layout).

    ``valid_until_s[i]``: seconds after ``t0`` up to which object ``i``'s model is valid
    (``-1`` if it is not usable at all).  ``error_km[i]``: interpolation bound in
    position, ``error_v_km_s[i]`` in velocity.  ``fail_code[i]`` (0 = none) and
    ``fail_time`` (UTC, ``NaT`` if none) describe the first failure in the span.
    """

    t0: np.datetime64
    step_s: FloatArray
    offset: IntArray
    count: IntArray
    rva: FloatArray
    valid_until_s: FloatArray
    error_km: FloatArray
    error_v_km_s: FloatArray
    fail_code: npt.NDArray[np.int64]
    fail_time: npt.NDArray[np.datetime64]
    sgp4_calls: int

    @property
    def r_km(self) -> FloatArray:
        """Knot positions ``(M, 3)`` (a view of ``rva``)."""
        return self.rva[:, 0:3]

    @property
    def v_km_s(self) -> FloatArray:
        return self.rva[:, 3:6]

    @property
    def a_km_s2(self) -> FloatArray:
        return self.rva[:, 6:9]


def gravity_j2_km_s2(r_km: FloatArray) -> FloatArray:
    """Two-body + J2 acceleration (WGS-72) at TEME positions ``(..., 3)`` -> ``(..., 3)`` km/s^2.

    TEME's z axis is the true pole of date, close enough to the J2 axis for an
    interpolation aid (the error bound is measured, not assumed).
    """
    r = np.asarray(r_km, dtype=np.float64)
    rn = np.linalg.norm(r, axis=-1, keepdims=True)
    z2 = (r[..., 2:3] / rn) ** 2
    k = 1.5 * WGS72_J2 * (WGS72_RADIUS_KM / rn) ** 2
    base = -WGS72_MU_KM3_S2 / rn**3
    out = np.empty_like(r)
    out[..., 0:2] = base * r[..., 0:2] * (1.0 + k * (1.0 - 5.0 * z2))
    out[..., 2:3] = base * r[..., 2:3] * (1.0 + k * (3.0 - 5.0 * z2))
    return out


@numba.njit(cache=True, inline="always")
def _basis(u: float) -> tuple[float, float, float, float, float, float]:
    u2 = u * u
    u3 = u2 * u
    u4 = u3 * u
    u5 = u4 * u
    h0 = 1.0 - 10.0 * u3 + 15.0 * u4 - 6.0 * u5
    h1 = u - 6.0 * u3 + 8.0 * u4 - 3.0 * u5
    h2 = 0.5 * u2 - 1.5 * u3 + 1.5 * u4 - 0.5 * u5
    h3 = 1.0 - h0
    h4 = -4.0 * u3 + 7.0 * u4 - 3.0 * u5
    h5 = 0.5 * u3 - u4 + 0.5 * u5
    return h0, h1, h2, h3, h4, h5


@numba.njit(cache=True, inline="always")
def _dbasis(u: float) -> tuple[float, float, float, float, float, float]:
    u2 = u * u
    u3 = u2 * u
    u4 = u3 * u
    d0 = -30.0 * u2 + 60.0 * u3 - 30.0 * u4
    d1 = 1.0 - 18.0 * u2 + 32.0 * u3 - 15.0 * u4
    d2 = u - 4.5 * u2 + 6.0 * u3 - 2.5 * u4
    d4 = -12.0 * u2 + 28.0 * u3 - 15.0 * u4
    d5 = 1.5 * u2 - 4.0 * u3 + 2.5 * u4
    return d0, d1, d2, -d0, d4, d5


@numba.njit(cache=True)
def hermite_state(
    knots: tuple[FloatArray, IntArray, IntArray, FloatArray], i: int, t_s: float, out_p: FloatArray,
    out_v: FloatArray,
) -> None:
    """Interpolated position/velocity of object ``i`` at ``t_s`` (seconds after ``t0``), into ``out_p``, ``out_v``.

    ``knots``: the knot table as one tuple ``(kn, off, cnt, step)`` (numba passes it
    without cost): ``kn (M, 9)`` knot rows ``x y z vx vy vz ax ay az``, object ``i``'s
    knots are ``kn[off[i] : off[i] + cnt[i]]`` at ``step[i]`` seconds, so one interval
    reads two 72-byte rows.
    """
    kn, off_a, cnt_a, step_a = knots
    off = off_a[i]
    cnt = cnt_a[i]
    h = step_a[i]
    k = math.floor(t_s / h)
    if k < 0:
        k = 0
    if k > cnt - 2:
        k = cnt - 2
    u = (t_s - k * h) / h
    h0, h1, h2, h3, h4, h5 = _basis(u)
    d0, d1, d2, d3, d4, d5 = _dbasis(u)
    i0 = off + k
    i1 = i0 + 1
    hh = h * h
    for c in range(3):
        p0 = kn[i0, c]
        p1 = kn[i1, c]
        v0 = kn[i0, 3 + c] * h
        v1 = kn[i1, 3 + c] * h
        a0 = kn[i0, 6 + c] * hh
        a1 = kn[i1, 6 + c] * hh
        out_p[c] = h0 * p0 + h1 * v0 + h2 * a0 + h3 * p1 + h4 * v1 + h5 * a1
        out_v[c] = (d0 * p0 + d1 * v0 + d2 * a0 + d3 * p1 + d4 * v1 + d5 * a1) / h


@numba.njit(cache=True)
def _hermite_many(
    kn: FloatArray, off: IntArray, cnt: IntArray, h: FloatArray, obj: IntArray, t_s: FloatArray,
) -> tuple[FloatArray, FloatArray]:
    n = obj.shape[0]
    p_out = np.empty((n, 3))
    v_out = np.empty((n, 3))
    knots = (kn, off, cnt, h)
    for m in range(n):
        hermite_state(knots, obj[m], t_s[m], p_out[m], v_out[m])
    return p_out, v_out


def hermite_eval(knots: Knots, obj: IntArray, t_s: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Interpolated TEME states of objects ``obj (K,)`` at ``t_s (K,)`` seconds after ``knots.t0``.

    Returns ``r_km (K, 3)``, ``v_km_s (K, 3)``.
    """
    return _hermite_many(
        knots.rva, knots.offset, knots.count, knots.step_s,
        np.ascontiguousarray(obj, dtype=np.int64), np.ascontiguousarray(t_s, dtype=np.float64),
    )


def _jd_after(t0: np.datetime64, seconds: FloatArray) -> tuple[FloatArray, FloatArray]:
    jd0, fr0 = jd_utc(t0)
    fr = float(fr0) + np.asarray(seconds, dtype=np.float64) / SECONDS_PER_DAY
    whole = np.floor(fr)
    return np.full(fr.shape, float(jd0)) + whole, fr - whole


def sgp4_at(
    sats: Sgp4Model, obj: IntArray, t0: np.datetime64, t_s: FloatArray
) -> tuple[npt.NDArray[np.int64], FloatArray, FloatArray]:
    """SGP4 states of object ``obj[k]`` of ``sats`` at ``t0 + t_s[k]`` seconds, for K (object, time) pairs.

    Through the one SGP4 doorway (:meth:`orbitwatch.propagation.Sgp4Model.at`).  Returns
    ``err (K,)``, ``r_km (K, 3)``, ``v_km_s (K, 3)`` (TEME; NaN where ``err != 0``).
    """
    obj = np.asarray(obj, dtype=np.int64)
    k = obj.shape[0]
    if k == 0:
        return np.zeros(0, dtype=np.int64), np.empty((0, 3)), np.empty((0, 3))
    jd, fr = _jd_after(t0, np.asarray(t_s, dtype=np.float64))
    err, r, v = sats.at(obj, jd, fr)
    return err.astype(np.int64), r, v


def _propagate_grid(
    model: Sgp4Model, t0: np.datetime64, t_s: FloatArray
) -> tuple[npt.NDArray[np.uint8], FloatArray, FloatArray]:
    jd, fr = _jd_after(t0, t_s)
    return model.grid(jd, fr)


# The SGP4 model of the current sample_knots call, inherited by forked SGP4 workers.
_FORK_SATS: Sgp4Model | None = None
# The knot buffer of the current level, in shared memory: workers write their rows there.
_FORK_OUT: FloatArray = np.empty((0, 0, 9))
_PARALLEL_MIN_EVALS = 200_000

_Job = tuple[IntArray, np.datetime64, FloatArray, IntArray, int]
_JobResult = tuple[IntArray, IntArray, FloatArray, int]


def _shared_array(shape: tuple[int, int, int]) -> FloatArray:
    """A float64 array in anonymous shared memory (``MAP_SHARED``): forked workers write into it."""
    size = max(1, shape[0] * shape[1] * shape[2]) * 8
    buf = mmap.mmap(-1, size)
    return np.frombuffer(buf, dtype=np.float64, count=shape[0] * shape[1] * shape[2]).reshape(shape)


def _sgp4_job(job: _Job) -> _JobResult:
    """SGP4 of one chunk of objects at the knots and at interval middles, and the error check.

    ``job = (objs (n,), t0, tk (K,), n_mid (n,), row0)``: knot times, how many interval
    middles to check per object (one orbit), and the first row of the chunk in the level's
    knot buffer, where the knots ``(n, K, 9)`` (with the two-body + J2 acceleration) are
    written.  Returns ``first_bad (n,)`` (first knot that failed or is not physical, ``K``
    if none), ``code (n,)`` (SGP4 error code there), ``bound (n,)`` (interpolation bound,
    km) and the number of SGP4 calls.  Runs in a worker process when the sampling is
    parallel, so that all the per-chunk array work is spread over the cores and only
    small arrays go back through the pipe.
    """
    objs, t0, tk, n_mid, row0 = job
    nk = tk.shape[0]
    h = float(tk[1] - tk[0])
    k_mid = int(n_mid.max())
    assert _FORK_SATS is not None
    arr = _FORK_SATS.take(objs)
    e, r, v = _propagate_grid(arr, t0, tk)
    em, rm, _ = _propagate_grid(arr, t0, np.asarray((np.arange(k_mid) + 0.5) * h, dtype=np.float64))
    a = gravity_j2_km_s2(r)
    radius = np.linalg.norm(r, axis=-1)
    bad = (e != 0) | ~np.isfinite(radius) | (radius > _MAX_RADIUS_KM)
    first_bad = np.where(bad.any(axis=1), bad.argmax(axis=1), nk)
    code = e[np.arange(e.shape[0]), np.minimum(first_bad, nk - 1)].astype(np.int64)
    hm = _midpoint_hermite(r[:, : k_mid + 1], v[:, : k_mid + 1], a[:, : k_mid + 1], h)
    diff = np.linalg.norm(hm - rm, axis=-1)
    use = (np.arange(k_mid)[None, :] < n_mid[:, None]) & (
        np.arange(k_mid)[None, :] + 1 < first_bad[:, None] - _FAIL_MARGIN
    ) & (em == 0)
    diff = np.where(use, diff, 0.0)
    diff = np.where(np.isfinite(diff), diff, np.inf)
    bound = _SAFETY * diff.max(axis=1) + _ERROR_FLOOR_KM
    out = _FORK_OUT[row0 : row0 + objs.shape[0]]
    out[:, :, 0:3] = r
    out[:, :, 3:6] = v
    out[:, :, 6:9] = a
    return first_bad, code, bound, int(e.size + em.size)


def _sgp4_jobs(
    sats: Sgp4Model, out: FloatArray, jobs: list[_Job], workers: int | None
) -> Iterator[_JobResult]:
    """Results of :func:`_sgp4_job` in order; in forked worker processes when that pays."""
    global _FORK_SATS, _FORK_OUT
    evals = sum(len(j[0]) * (len(j[2]) + int(j[3].max())) for j in jobs)
    if workers is None:
        workers = min(4, os.cpu_count() or 1) if evals >= _PARALLEL_MIN_EVALS else 1
    _FORK_SATS = sats
    _FORK_OUT = out
    try:
        if workers <= 1 or len(jobs) < 2 or "fork" not in multiprocessing.get_all_start_methods():
            for job in jobs:
                yield _sgp4_job(job)
            return
        with multiprocessing.get_context("fork").Pool(min(workers, len(jobs))) as pool:
            yield from pool.imap(_sgp4_job, jobs)
    finally:
        _FORK_SATS = None
        _FORK_OUT = np.empty((0, 0, 9))


@numba.njit(cache=True, parallel=True)
def _gather_rows(buf: FloatArray, rows: IntArray, out: FloatArray) -> None:
    """``out[k] = buf[rows[k]]`` for ``(R, K, 9)`` blocks, one copy, on all threads."""
    for k in numba.prange(rows.shape[0]):
        out[k] = buf[rows[k]]


def _midpoint_hermite(r: FloatArray, v: FloatArray, a: FloatArray, h: float) -> FloatArray:
    """Quintic Hermite at the middle of each interval: ``(n, K, 3)`` knots -> ``(n, K-1, 3)``."""
    return (
        0.5 * (r[:, :-1] + r[:, 1:])
        + (5.0 * h / 32.0) * (v[:, :-1] - v[:, 1:])
        + (h * h / 64.0) * (a[:, :-1] + a[:, 1:])
    )


def sample_knots(
    sats: Sgp4Model,
    period_s: FloatArray,
    t0: np.datetime64,
    span_s: float,
    *,
    base_step_s: float = 600.0,
    error_cap_km: float = 0.1,
    hard_cap_km: float = 2.0,
    max_level: int = 4,
    chunk_objects: int = 1024,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Knots:
    """Sample ``sats`` with SGP4 at knots over ``[t0, t0 + span_s]`` and bound the interpolation error.

    ``period_s (N,)``: orbital period of each object (sets how many interval middles are
    checked: one full orbit, at least two intervals).  Objects are sampled every
    ``base_step_s``; those whose bound exceeds ``error_cap_km`` every ``base_step_s / 2**l``
    (``l <= max_level``).  At the finest step a bound up to ``hard_cap_km`` is accepted
    (objects with unmodelled accelerations, e.g. hours before re-entry); above it the
    object is a failure with code 7.  ``workers``: processes for SGP4 (``None``: one per
    CPU, at most 4, when the work is large enough; 1: in this process).  The reference
    SGP4 holds the GIL, so a second core needs a second process; results do not depend on it.
    """
    n = len(sats)
    level = np.zeros(n, dtype=np.int64)
    # objects in order of period, so that a chunk's midpoint checks (one orbit) are alike
    pending = np.argsort(period_s, kind="stable")
    blocks: list[tuple[FloatArray, IntArray]] = []  # (level buffer, its rows kept)
    block_objs: list[IntArray] = []
    step_s = np.zeros(n)
    count = np.zeros(n, dtype=np.int64)
    valid_until = np.full(n, -1.0)
    error_km = np.full(n, np.inf)
    fail_code = np.zeros(n, dtype=np.int64)
    fail_time_s = np.full(n, np.nan)
    calls = 0
    total = n
    done = 0
    for lev in range(max_level + 1):
        if pending.size == 0:
            break
        h = base_step_s / 2**lev
        nk = math.ceil(span_s / h) + 1
        tk = np.arange(nk) * h
        redo: list[IntArray] = []
        # at least ~8 chunks when there are enough objects, so that the worker processes
        # stay busy on the short finer levels too
        size = max(128, min(chunk_objects, math.ceil(pending.size / 8)))
        chunks = [pending[c0 : c0 + size] for c0 in range(0, pending.size, size)]
        # Midpoint check over one orbit (at least two intervals), on good knots only.
        n_mids = [np.maximum(np.minimum(np.ceil(period_s[objs] / h).astype(np.int64) + 1, nk - 1), 1)
                  for objs in chunks]
        buf = _shared_array((pending.size, nk, 9))
        jobs = [(objs, t0, tk, nm, c * size) for c, (objs, nm) in enumerate(zip(chunks, n_mids, strict=True))]
        for (objs, _, _, _, row0), (first_bad, code_at_bad, bound, n_calls) in zip(
            jobs, _sgp4_jobs(sats, buf, jobs, workers), strict=True
        ):
            calls += n_calls
            ok = bound <= error_cap_km
            if lev == max_level:
                ok = bound <= hard_cap_km
            # objects whose bound is too large (and that did not fail at once): resampled
            # at the next level, or at the last level failures with code 7
            misfit = ~ok & (first_bad > 1 + _FAIL_MARGIN)
            if lev == max_level:
                f = objs[misfit]
                fail_code[f] = CODE_NOT_PHYSICAL
                fail_time_s[f] = 0.0
                valid_until[f] = -1.0
                level[f] = lev
                done += f.size
            g = objs[~misfit]
            fb = first_bad[~misfit]
            level[g] = lev
            step_s[g] = h
            error_km[g] = bound[~misfit]
            cut_short = fb < nk
            gf = g[cut_short]
            fbf = fb[cut_short]
            codes = code_at_bad[~misfit][cut_short]
            fail_code[gf] = np.where(codes != 0, codes, CODE_NOT_PHYSICAL)
            fail_time_s[gf] = tk[fbf]
            valid_until[gf] = np.where(fbf > 1 + _FAIL_MARGIN, tk[np.maximum(fbf - 1 - _FAIL_MARGIN, 0)], -1.0)
            valid_until[g[~cut_short]] = tk[-1]
            done += g.size
            keep = ok | (first_bad <= 1 + _FAIL_MARGIN) | (lev == max_level)
            stored = objs[keep]
            redo.append(objs[~keep])
            if stored.size:
                blocks.append((buf, row0 + np.flatnonzero(keep)))
                block_objs.append(stored)
                count[stored] = nk
            if progress is not None:
                progress(done, total)
        pending = np.concatenate(redo) if redo else np.empty(0, dtype=np.int64)

    offset = np.zeros(n, dtype=np.int64)
    pos = 0
    for objs in block_objs:
        for i in objs.tolist():
            offset[i] = pos
            pos += int(count[i])
    # one array for all knots, filled block by block so that the blocks are freed as it fills
    rva = np.empty((sum(rows.size * buf.shape[1] for buf, rows in blocks), 9))
    pos = 0
    blocks.reverse()
    while blocks:  # a level's shared buffer is unmapped once its last block is copied
        buf, rows = blocks.pop()
        m = rows.size * buf.shape[1]
        _gather_rows(buf, rows, rva[pos : pos + m].reshape(rows.size, buf.shape[1], 9))
        pos += m
        del buf
    usable = valid_until > 0
    error_v = np.where(usable, VELOCITY_ERROR_FACTOR * error_km / np.where(step_s > 0, step_s, 1.0), np.inf)
    fail_time = np.full(n, np.datetime64("NaT"), dtype=UTC_DTYPE)
    has_fail = fail_code != 0
    if has_fail.any():
        fail_time_s[has_fail] = _bisect_failures(
            sats, t0, np.flatnonzero(has_fail), fail_time_s[has_fail], step_s[has_fail]
        )
        us = np.round(fail_time_s[has_fail] * 1e6).astype(np.int64)
        fail_time[has_fail] = t0 + us.astype("timedelta64[us]")
    return Knots(
        t0=t0, step_s=step_s, offset=offset, count=count, rva=rva,
        valid_until_s=valid_until, error_km=np.where(usable, error_km, np.inf), error_v_km_s=error_v,
        fail_code=fail_code, fail_time=fail_time, sgp4_calls=calls,
    )


def _bisect_failures(
    sats: Sgp4Model, t0: np.datetime64, objs: IntArray, t_fail_s: FloatArray, step: FloatArray
) -> FloatArray:
    """Earliest failing time to 1 s, between the last good knot and the first bad one."""
    out = np.array(t_fail_s, dtype=np.float64)
    for m, i in enumerate(objs.tolist()):
        hi = float(out[m])
        lo = hi - float(step[m]) if step[m] > 0 else hi
        if lo < 0 or hi <= 0:
            continue
        while hi - lo > 1.0:
            mid = 0.5 * (lo + hi)
            e, r, _ = sgp4_at(sats, np.array([i]), t0, np.array([mid]))
            rad = float(np.linalg.norm(r[0]))
            if e[0] != 0 or not math.isfinite(rad) or rad > _MAX_RADIUS_KM:
                hi = mid
            else:
                lo = mid
        out[m] = hi
    return out

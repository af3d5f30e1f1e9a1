"""Time of closest approach: first on the interpolated model, then with SGP4 states.

Stage 1 (compiled, on the quintic Hermite model of :mod:`.sampling`): around each
candidate sub-step ``t_s`` the range rate ``g(t) = Δr · Δv`` is sampled on
``[t_s - 2w, t_s + 2w]`` (twice the sub-step's own span, so that a model minimum that
sits just across a sub-step boundary from the true one is not lost); every sign change
from negative to positive is a local minimum of the range, found by bisection to 10 µs.
The candidate keeps the smallest model range found (a root, or the best sample).  It
goes on to stage 2 only if that range is at most ``D + e_i + e_j`` (the model is within
``e_i + e_j`` of SGP4, so no true approach below ``D`` is dropped).

Stage 2 (SGP4): Newton's method on the SGP4 range rate, started from the model's time,
every iterate evaluated with SGP4 itself, steps limited to the sub-step.  A first phase
uses SGP4's velocities (``g = Δr·Δv``, ``g' = |Δv|² + Δr·Δa`` with ``Δa`` from two-body
+ J2; an approximate derivative only slows convergence) down to 1 ms; a second phase
differentiates SGP4 *positions* by central differences, because SGP4's velocity is not
exactly the derivative of its position (cm/s), which shifts the range-rate root of slow
encounters by up to a second.  It stops when a step is below 10 µs (typically after 3-5
iterations), so TCA and miss distance are those of SGP4 to far better than 1 ms / 1 m
(for encounters slower than ~50 m/s the TCA is only defined to about a millisecond:
SGP4's positions carry ~1e-10 km of rounding noise and the range is that flat).  The
formulation as a root of the range rate follows Alfano & Negron (1993), "Determining
satellite close approaches", J. Astronautical Sciences 41(2).
"""

from __future__ import annotations

import math
from typing import Any

import numba
import numpy as np
import numpy.typing as npt
from numba import prange

from orbitwatch.propagation import Sgp4Model
from orbitwatch.screening.sampling import Knots, gravity_j2_km_s2, hermite_state, sgp4_at

__all__ = ["model_minima", "refine_sgp4"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

_SAMPLES = 9


@numba.njit(cache=True, inline="always")
def _range_rate(
    knots: tuple[FloatArray, IntArray, IntArray, FloatArray], i: int, j: int, t: float,
    work: tuple[FloatArray, FloatArray, FloatArray, FloatArray],
) -> tuple[float, float]:
    """Model range rate numerator ``Δr·Δv`` and range of the pair ``(i, j)`` at ``t``.

    ``knots``: the knot table ``(kn, off, cnt, step)`` of :func:`hermite_state`;
    ``work``: scratch ``(pi, vi, pj, vj)``, four 3-vectors that receive both states
    (read by index: this is inlined into a ``prange`` loop, see :func:`_model_minima`).
    """
    pi = work[0]
    vi = work[1]
    pj = work[2]
    vj = work[3]
    hermite_state(knots, i, t, pi, vi)
    hermite_state(knots, j, t, pj, vj)
    g = 0.0
    d2 = 0.0
    for c in range(3):
        dp = pj[c] - pi[c]
        g += dp * (vj[c] - vi[c])
        d2 += dp * dp
    return g, math.sqrt(d2)


@numba.njit(cache=True, parallel=True)
def _model_minima(
    knots: tuple[FloatArray, IntArray, IntArray, FloatArray],
    valid: FloatArray,
    pairs: tuple[IntArray, IntArray, FloatArray],
    span: tuple[float, float, float],
    out: tuple[FloatArray, FloatArray, npt.NDArray[np.bool_]],
) -> None:
    """Kernel of :func:`model_minima`, one pair per parallel iteration.

    Tuples (numba passes them without cost): ``knots`` = ``(kn, off, cnt, step)``, the
    knot table; ``pairs`` = ``(ci, cj, t_center)``; ``span`` = ``(half_width, lo_limit,
    hi_limit)`` (s); ``out`` = ``(out_t, out_d, out_root)``, filled per pair.  The
    tuples are read by index, not unpacked: numba 0.68's parfors lose the writes of a
    ``prange`` loop to arrays that a parallel function unpacked from a tuple (``a, b = t``).
    """
    ci = pairs[0]
    cj = pairs[1]
    t_center = pairs[2]
    half_width = span[0]
    lo_limit = span[1]
    hi_limit = span[2]
    out_t = out[0]
    out_d = out[1]
    out_root = out[2]
    m = ci.shape[0]
    for k in prange(m):
        i = ci[k]
        j = cj[k]
        pi = np.empty(3)
        vi = np.empty(3)
        pj = np.empty(3)
        vj = np.empty(3)
        work = (pi, vi, pj, vj)
        lo = max(t_center[k] - half_width, lo_limit)
        hi = min(t_center[k] + half_width, hi_limit, valid[i], valid[j])
        best_t = np.nan
        best_d = np.inf
        root = False
        if hi <= lo:
            out_t[k] = best_t
            out_d[k] = best_d
            out_root[k] = False
            continue
        ts = np.empty(_SAMPLES)
        gs = np.empty(_SAMPLES)
        for q in range(_SAMPLES):
            t = lo + (hi - lo) * q / (_SAMPLES - 1)
            g, d = _range_rate(knots, i, j, t, work)
            ts[q] = t
            gs[q] = g
            if d < best_d:
                best_d = d
                best_t = t
        for q in range(_SAMPLES - 1):
            if gs[q] < 0.0 and gs[q + 1] >= 0.0:
                a0 = ts[q]
                b0 = ts[q + 1]
                while b0 - a0 > 1e-5:
                    mid = 0.5 * (a0 + b0)
                    g, d = _range_rate(knots, i, j, mid, work)
                    if g < 0.0:
                        a0 = mid
                    else:
                        b0 = mid
                tm = 0.5 * (a0 + b0)
                g, d = _range_rate(knots, i, j, tm, work)
                if d < best_d or not root:
                    best_d = d
                    best_t = tm
                    root = True
        out_t[k] = best_t
        out_d[k] = best_d
        out_root[k] = root


def model_minima(
    knots: Knots, ci: IntArray, cj: IntArray, t_center_s: FloatArray, *, half_width_s: float,
    lo_s: float, hi_s: float,
) -> tuple[FloatArray, FloatArray, npt.NDArray[np.bool_]]:
    """Model minimum of the range of each candidate pair on ``t_center ± half_width`` (within ``[lo, hi]``).

    Returns ``t_s (M,)`` (seconds after ``knots.t0``; NaN when the span is empty),
    ``range_km (M,)`` and ``is_root (M,)``: True when ``t_s`` is a root of the model range
    rate (the smallest such), False when no root lies in the span and ``t_s`` is the
    sample with the smallest range.
    """
    m = ci.shape[0]
    out_t = np.empty(m)
    out_d = np.empty(m)
    out_root = np.zeros(m, dtype=np.bool_)
    if m:
        _model_minima(
            (knots.rva, knots.offset, knots.count, knots.step_s),
            knots.valid_until_s,
            (np.ascontiguousarray(ci), np.ascontiguousarray(cj), np.ascontiguousarray(t_center_s, dtype=np.float64)),
            (float(half_width_s), float(lo_s), float(hi_s)),
            (out_t, out_d, out_root),
        )
    return out_t, out_d, out_root


def _relative(
    sats: Sgp4Model, t0: np.datetime64, ci: IntArray, cj: IntArray, t: FloatArray
) -> tuple[npt.NDArray[np.int64], FloatArray, FloatArray, FloatArray, FloatArray]:
    """SGP4 states of both objects of each pair at ``t``: ``err, r1, v1, r2, v2``."""
    k = ci.shape[0]
    e, rr, vv = sgp4_at(sats, np.concatenate((ci, cj)), t0, np.concatenate((t, t)))
    err = np.where(e[:k] != 0, e[:k], e[k:])
    return err, rr[:k], vv[:k], rr[k:], vv[k:]


def refine_sgp4(
    sats: Sgp4Model,
    t0: np.datetime64,
    ci: IntArray,
    cj: IntArray,
    t_guess_s: FloatArray,
    *,
    max_step_s: float,
    tol_s: float = 1e-5,
    max_iter: int = 20,
    fd_step_s: float = 0.5,
) -> dict[str, Any]:
    """The SGP4 minimum of the range nearest ``t_guess_s`` for M pairs, all at once.

    Two Newton phases on the range rate.  The first uses SGP4's velocities
    (``g = Δr·Δv``, ``g' = |Δv|² + Δr·Δa`` with ``Δa`` from two-body + J2) until a step
    is below 1 ms.  SGP4's velocity is not exactly the derivative of its position (the
    difference is of the order of cm/s), which would move the root of ``g`` away from
    the minimum of the range by up to a second in slow encounters; so the second phase
    differentiates the SGP4 *positions* (central differences over ``±fd_step_s``:
    truncation error ~1e-8 km/s) until a step is below ``tol_s`` (10 µs), or below the
    time the rounding noise of the positions makes uncertain (~50 ulp of ``|r|`` over
    ``fd_step_s``, divided by ``g'``: milliseconds for a GEO pair drifting at 1 m/s).
    An iterate that still hops after ``max_iter`` steps (seen for slow pairs, tens of µs
    around a flat minimum) counts as converged when its last step was below 1 ms at a
    minimum (``g' > 0``): that is as well as such a TCA is defined.

    Returns ``t_s (M,)`` (seconds after ``t0``), ``converged (M,)``, ``err (M,)`` (an SGP4
    error code of either object, 0 if none), ``r1, v1, r2, v2 (M, 3)`` (TEME states at
    ``t``), ``range_accel (M,)`` (``g'``, positive at a minimum) and ``sgp4_calls``.
    """
    m = ci.shape[0]
    calls = 2 * m
    t = np.array(t_guess_s, dtype=np.float64)
    converged = np.zeros(m, dtype=bool)
    err = np.zeros(m, dtype=np.int64)
    gp = np.full(m, np.nan)
    todo = np.arange(m)
    for _ in range(max_iter):
        if todo.size == 0:
            break
        e, ra, va, rb, vb = _relative(sats, t0, ci[todo], cj[todo], t[todo])
        calls += 2 * todo.size
        err[todo] = e
        dr = rb - ra
        dv = vb - va
        da = gravity_j2_km_s2(rb) - gravity_j2_km_s2(ra)
        g = np.einsum("ij,ij->i", dr, dv)
        gprime = np.einsum("ij,ij->i", dv, dv) + np.einsum("ij,ij->i", dr, da)
        with np.errstate(divide="ignore", invalid="ignore"):
            stp = np.where(gprime > 0, -g / gprime, -np.sign(g) * max_step_s)
        stp = np.clip(stp, -max_step_s, max_step_s)
        stop = (np.abs(stp) < 1e-3) | (e != 0) | ~np.isfinite(stp)
        t[todo[~stop]] += stp[~stop]
        todo = todo[~stop & (e == 0)]
    # second phase, on positions only
    todo = np.flatnonzero(err == 0)
    h = fd_step_s
    last_step = np.full(m, np.inf)
    for _ in range(max_iter):
        if todo.size == 0:
            break
        k = todo.size
        tt = np.concatenate((t[todo] - h, t[todo], t[todo] + h))
        e, ra, _, rb, _ = _relative(sats, t0, np.tile(ci[todo], 3), np.tile(cj[todo], 3), tt)
        calls += 6 * k
        e = np.maximum(np.maximum(e[:k], e[k : 2 * k]), e[2 * k :])
        d_minus, d0, d_plus = (rb - ra)[:k], (rb - ra)[k : 2 * k], (rb - ra)[2 * k :]
        dv = (d_plus - d_minus) / (2.0 * h)
        da = (d_plus - 2.0 * d0 + d_minus) / (h * h)
        g = np.einsum("ij,ij->i", d0, dv)
        gprime = np.einsum("ij,ij->i", dv, dv) + np.einsum("ij,ij->i", d0, da)
        gp[todo] = gprime
        err[todo] = e
        with np.errstate(divide="ignore", invalid="ignore"):
            stp = np.where(gprime > 0, -g / gprime, -np.sign(g) * max_step_s)
        stp = np.clip(stp, -max_step_s, max_step_s)
        ok = (e == 0) & np.isfinite(stp)
        # below the rounding noise of the differenced positions a step means nothing:
        # ~50 ulp of the position, over the difference step, through g'
        with np.errstate(divide="ignore", invalid="ignore"):
            noise_s = (50.0 * np.finfo(float).eps * np.linalg.norm(ra[k : 2 * k], axis=1)
                       * np.linalg.norm(d0, axis=1) / (h * np.abs(gprime)))
        done = ok & (np.abs(stp) < np.maximum(tol_s, np.nan_to_num(noise_s, nan=np.inf)))
        converged[todo[done]] = True
        last_step[todo[ok]] = np.abs(stp[ok])
        move = ok & ~done
        t[todo[move]] += stp[move]
        todo = todo[move]
    # A slow pair's iterate can hop by tens of µs around a flat minimum without a step
    # below the tolerance (SGP4's positions are not smooth to that level): a last step
    # under 1 ms at a minimum (g' > 0) is as converged as the TCA of such a pair is defined.
    converged |= (err == 0) & (last_step < 1e-3) & (gp > 0)
    err_f, r1, v1, r2, v2 = _relative(sats, t0, ci, cj, t)
    err = np.where(err != 0, err, err_f)
    return {"t_s": t, "converged": converged & (err == 0), "err": err, "r1": r1, "v1": v1, "r2": r2,
            "v2": v2, "range_accel": gp, "sgp4_calls": calls}

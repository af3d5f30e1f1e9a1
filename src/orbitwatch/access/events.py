"""One event finder for every access question: rises, sets, culminations, eclipses, dusk.

An *event* is a sign change of a g-function (the event-detector idea of Orekit and of
Skyfield's ``searchlib.find_discrete`` / ``find_maxima``): ``g > 0`` means "condition
holds" (above the mask, in sunlight, site dark ...).  ``S`` independent series (e.g.
satellite x site pairs) are sampled on one grid of ``T`` times; then

1. every sign change between neighbouring samples is refined by a bracketing root
   finder (Illinois-modified regula falsi with periodic bisection, so the bracket
   always shrinks) to ``tol_s``;
2. a sign change that hides *between* two samples (a grazing pass: g rises above zero
   and falls back within one or two steps) is caught by refining each sampled local
   maximum of a negative g (and each local minimum of a positive g) with a golden-
   section search; a refined extremum of the other sign splits the interval into two
   brackets, refined as in 1.

The caller supplies ``g_at(series, segment, t_s)``, which evaluates g for given series at
arbitrary times (``segment`` = index of the grid interval containing ``t_s``, so that a
caller can interpolate its samples, e.g. cubic Hermite on positions and velocities).
The guarantee: an excursion of g is found whenever the sampled extremum of its grid
neighbourhood lies within ``graze_margin`` of zero and the function has at most one
extremum per two grid steps — callers choose the step and the margin from the physics
(see :mod:`orbitwatch.access.passes`).

Shapes: ``t_s (T,)`` seconds from a reference time, ``g (S, T)``; results are flat
arrays of events ``(E,)``.  NaN samples (e.g. a decayed satellite) are "no data": an
interval with g > 0 that runs into them ends at the last good sample.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = [
    "Crossings",
    "GFunction",
    "find_crossings",
    "golden_maximum",
    "intervals_from_crossings",
    "segment_index",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

GFunction = Callable[[IntArray, IntArray, FloatArray], FloatArray]

_GOLD = (np.sqrt(5.0) - 1.0) / 2.0


@dataclass(frozen=True)
class Crossings:
    """Refined sign changes, sorted by (series, time).

    ``series (E,)``, ``t_s (E,)`` seconds, ``rising (E,)`` True where g goes from
    ``<= 0`` to ``> 0``.
    """

    series: IntArray
    t_s: FloatArray
    rising: BoolArray


def segment_index(t_grid_s: FloatArray, t_s: FloatArray) -> IntArray:
    """Index ``k`` of the grid interval ``[t_k, t_k+1]`` holding each time, clipped to ``0..T-2``.

    A uniform grid (the usual case) is indexed by division, any other by binary search.
    """
    T = t_grid_s.shape[0]
    if T < 2:
        return np.zeros(np.shape(t_s), np.int64)
    step = (t_grid_s[-1] - t_grid_s[0]) / (T - 1)
    k = np.floor((t_s - t_grid_s[0]) / step).astype(np.int64)
    k = np.clip(k, 0, T - 2)
    # exact on a uniform grid; otherwise fall back to a search
    if not (t_grid_s[k] <= t_s).all() or not (t_s <= t_grid_s[k + 1]).all():
        k = np.clip(np.searchsorted(t_grid_s, t_s, side="right") - 1, 0, T - 2).astype(np.int64)
    return k


def _refine_roots(
    series: IntArray, a: FloatArray, b: FloatArray, fa: FloatArray, fb: FloatArray,
    t_grid_s: FloatArray, *, g_at: GFunction, tol_s: float, max_iter: int,
) -> FloatArray:
    """Roots of g in brackets ``[a, b]`` (``fa``, ``fb`` of opposite sign, fa <= 0 < fb or reverse).

    Returns the end of the final bracket on the side where the condition holds
    (``g > 0``), so that a refined window never includes time where g <= 0 by more
    than ``tol_s``.
    """
    a, b, fa, fb = a.copy(), b.copy(), fa.copy(), fb.copy()
    for it in range(max_iter):
        active = np.abs(b - a) > tol_s
        if not active.any():
            break
        idx = np.nonzero(active)[0]
        aa, bb, ffa, ffb = a[idx], b[idx], fa[idx], fb[idx]
        denom = ffb - ffa
        with np.errstate(divide="ignore", invalid="ignore"):
            c = bb - ffb * (bb - aa) / denom
        mid = 0.5 * (aa + bb)
        lo, hi = np.minimum(aa, bb), np.maximum(aa, bb)
        bad = ~np.isfinite(c) | (c <= lo) | (c >= hi) | (it % 4 == 3)
        c = np.where(bad, mid, c)
        fc = g_at(series[idx], segment_index(t_grid_s, c), c)
        fc = np.where(np.isnan(fc), -1.0, fc)
        # Keep the bracket: the new point replaces the end with the same sign.
        same_as_b = (fc > 0) == (ffb > 0)
        # Illinois: halve the retained end's value when the same end is replaced twice.
        new_a = np.where(same_as_b, aa, bb)
        new_fa = np.where(same_as_b, ffa * 0.5, ffb)
        a[idx], fa[idx] = new_a, new_fa
        b[idx], fb[idx] = c, fc
    # The root lies in [min(a,b), max(a,b)]; report the point on the g > 0 side.
    return np.where(fb > 0, b, a)


def golden_maximum(
    series: IntArray, lo: FloatArray, hi: FloatArray, t_grid_s: FloatArray, g_at: GFunction,
    *, tol_s: float = 1e-3, max_iter: int = 80,
) -> tuple[FloatArray, FloatArray]:
    """Maximum of g on ``[lo, hi]`` per series by golden-section search -> ``(t_s, g)``.

    Assumes g unimodal on the interval (the callers pass two grid steps around a
    sampled maximum, or a short window); the end points are candidates too.
    """
    a, b = lo.astype(np.float64).copy(), hi.astype(np.float64).copy()
    c = b - _GOLD * (b - a)
    d = a + _GOLD * (b - a)
    fc = g_at(series, segment_index(t_grid_s, c), c)
    fd = g_at(series, segment_index(t_grid_s, d), d)
    for _ in range(max_iter):
        if not (np.abs(b - a) > tol_s).any():
            break
        left = fc >= fd  # the maximum lies in [a, d]
        b = np.where(left, d, b)
        a = np.where(left, a, c)
        new_c = b - _GOLD * (b - a)
        new_d = a + _GOLD * (b - a)
        t_eval = np.where(left, new_c, new_d)
        f_eval = g_at(series, segment_index(t_grid_s, t_eval), t_eval)
        c, d, fc, fd = (np.where(left, new_c, d), np.where(left, c, new_d),
                        np.where(left, f_eval, fd), np.where(left, fc, f_eval))
    t_best = 0.5 * (a + b)
    f_best = g_at(series, segment_index(t_grid_s, t_best), t_best)
    # End points (a monotonic function inside the interval peaks at an end).
    f_lo = g_at(series, segment_index(t_grid_s, lo), lo)
    f_hi = g_at(series, segment_index(t_grid_s, hi), hi)
    t_out = np.where(f_lo > f_best, lo, t_best)
    f_out = np.maximum(f_lo, f_best)
    t_out = np.where(f_hi > f_out, hi, t_out)
    f_out = np.maximum(f_hi, f_out)
    return t_out, f_out


def find_crossings(
    t_grid_s: npt.ArrayLike,
    g: npt.ArrayLike,
    g_at: GFunction,
    *,
    tol_s: float = 1e-3,
    graze_margin: float = np.inf,
    vertex_margin: float = np.inf,
    max_iter: int = 200,
) -> Crossings:
    """All sign changes of g for ``S`` series sampled at ``T`` times, refined.

    ``t_grid_s (T,)`` increasing seconds; ``g (S, T)`` samples; ``g_at`` evaluates g
    anywhere (see module docstring); ``graze_margin``: only sampled extrema within this
    distance of zero are searched for hidden crossings (same unit as g);
    ``vertex_margin``: and only those whose parabola through the three samples peaks
    within this distance of zero (for smooth g, where a parabola fits two grid steps).
    """
    t = np.asarray(t_grid_s, dtype=np.float64)
    G = np.asarray(g, dtype=np.float64)
    if G.ndim != 2 or G.shape[1] != t.shape[0]:
        raise ValueError(f"g must have shape (S, {t.shape[0]}), not {G.shape}")
    _S, T = G.shape
    pos = G > 0  # NaN compares False
    series_parts: list[IntArray] = []
    a_parts: list[FloatArray] = []
    b_parts: list[FloatArray] = []
    fa_parts: list[FloatArray] = []
    fb_parts: list[FloatArray] = []
    if T >= 2:
        # 1. sign changes between samples
        ch = pos[:, :-1] != pos[:, 1:]
        s_idx, k_idx = np.nonzero(ch)
        ok = np.isfinite(G[s_idx, k_idx]) & np.isfinite(G[s_idx, k_idx + 1])
        # Data ending (NaN, e.g. a decayed satellite) while g > 0 closes the interval at
        # the last good sample; data resuming with g > 0 opens one at the first.
        s_nan, k_nan = s_idx[~ok], k_idx[~ok]
        s_idx, k_idx = s_idx[ok], k_idx[ok]
        ends = pos[s_nan, k_nan]
        nan_series = np.concatenate([s_nan[ends], s_nan[~ends]]).astype(np.int64)
        nan_t = np.concatenate([t[k_nan[ends]], t[k_nan[~ends] + 1]])
        nan_rising = np.concatenate([np.zeros(int(ends.sum()), bool), np.ones(int((~ends).sum()), bool)])
        series_parts.append(s_idx.astype(np.int64))
        a_parts.append(t[k_idx])
        b_parts.append(t[k_idx + 1])
        fa_parts.append(G[s_idx, k_idx])
        fb_parts.append(G[s_idx, k_idx + 1])
    if T >= 3:
        # 2. hidden excursions around sampled extrema of one sign; candidates are
        # screened on the sampled value first, everything else on the sparse subset.
        g0 = G[:, 1:-1]
        with np.errstate(invalid="ignore"):
            near = np.abs(g0) < graze_margin if np.isfinite(graze_margin) else np.isfinite(g0)
        s_near, k_near = np.nonzero(near)
        v_near = G[s_near, k_near + 1]
        for sign in (1.0, -1.0):
            pick = (v_near <= 0) if sign > 0 else (v_near > 0)
            s_idx, k_idx = s_near[pick], k_near[pick]
            if s_idx.size == 0:
                continue
            gm, gc, gp = G[s_idx, k_idx] * sign, G[s_idx, k_idx + 1] * sign, G[s_idx, k_idx + 2] * sign
            with np.errstate(invalid="ignore", divide="ignore"):
                keep = (gc > gm) & (gc >= gp)
                keep &= (gm <= 0) & (gp <= 0) if sign > 0 else (gm < 0) & (gp < 0)
                keep &= np.isfinite(gm) & np.isfinite(gp)
                if np.isfinite(vertex_margin):
                    curv = 2.0 * gc - gm - gp
                    vertex = np.where(curv > 0, gc + (gp - gm) ** 2 / (8.0 * curv), gc)
                    keep &= vertex > -vertex_margin
            s_idx, k_idx = s_idx[keep], k_idx[keep]
            if s_idx.size == 0:
                continue
            s_idx = s_idx.astype(np.int64)
            lo, hi = t[k_idx], t[k_idx + 2]

            def signed(ss: IntArray, kk: IntArray, tt: FloatArray, sign: float = sign) -> FloatArray:
                return sign * g_at(ss, kk, tt)

            # Only the sign of the extremum matters (it becomes a bracket end): coarse tolerance.
            t_ext, f_ext = golden_maximum(s_idx, lo, hi, t, signed, tol_s=max(tol_s, 0.05))
            crosses = (f_ext > 0) if sign > 0 else (-f_ext <= 0)
            if not crosses.any():
                continue
            s_c, lo_c, hi_c, te = s_idx[crosses], lo[crosses], hi[crosses], t_ext[crosses]
            f_ext_c = sign * f_ext[crosses]
            f_lo = G[s_c, k_idx[crosses]]
            f_hi = G[s_c, k_idx[crosses] + 2]
            series_parts += [s_c, s_c]
            a_parts += [lo_c, te]
            b_parts += [te, hi_c]
            fa_parts += [f_lo, f_ext_c]
            fb_parts += [f_ext_c, f_hi]
    if T < 2:
        nan_series, nan_t, nan_rising = np.zeros(0, np.int64), np.zeros(0), np.zeros(0, bool)
    if not series_parts:
        series_parts, a_parts, b_parts, fa_parts, fb_parts = [np.zeros(0, np.int64)], [np.zeros(0)], \
            [np.zeros(0)], [np.zeros(0)], [np.zeros(0)]
    series = np.concatenate(series_parts)
    a = np.concatenate(a_parts)
    b = np.concatenate(b_parts)
    fa = np.concatenate(fa_parts)
    fb = np.concatenate(fb_parts)
    rising = fb > 0
    roots = _refine_roots(series, a, b, fa, fb, t, g_at=g_at, tol_s=tol_s, max_iter=max_iter) if series.size else a
    series = np.concatenate([series, nan_series])
    roots = np.concatenate([roots, nan_t])
    rising = np.concatenate([rising, nan_rising])
    order = np.lexsort((roots, series))
    return Crossings(series[order], roots[order], rising[order])


def intervals_from_crossings(
    crossings: Crossings, n_series: int, t_start_s: float, t_end_s: float, positive_at_start: BoolArray,
) -> tuple[IntArray, FloatArray, FloatArray, IntArray]:
    """Turn crossings into intervals where g > 0, clipped to ``[t_start_s, t_end_s]``.

    ``positive_at_start (S,)``: whether g > 0 at the start.  Returns ``series (W,)``,
    ``start_s (W,)``, ``end_s (W,)`` and ``flags (W,)``: bit 1 = the interval began
    before the window (clipped start), bit 2 = it ends after the window (clipped end).
    Consecutive crossings of one series alternate in direction by construction; a
    crossing that does not alternate (numerical coincidence) is dropped.
    """
    s_all, t_all, r_all = crossings.series, crossings.t_s, crossings.rising
    # A virtual rising crossing at the start for each series positive at the start.
    starts_virtual = np.nonzero(np.asarray(positive_at_start, bool))[0].astype(np.int64)
    s_ext = np.concatenate([s_all, starts_virtual])
    t_ext = np.concatenate([t_all, np.full(starts_virtual.size, float(t_start_s))])
    r_ext = np.concatenate([r_all, np.ones(starts_virtual.size, bool)])
    v_ext = np.concatenate([np.zeros(s_all.size, bool), np.ones(starts_virtual.size, bool)])
    order = np.lexsort((~v_ext, t_ext, s_ext))  # the virtual start first at equal times
    s_ext, t_ext, r_ext, v_ext = s_ext[order], t_ext[order], r_ext[order], v_ext[order]
    # Keep alternating rise/set sequences per series, starting with a rise.
    keep = np.ones(s_ext.size, bool)
    if s_ext.size:
        same = np.zeros(s_ext.size, bool)
        same[1:] = s_ext[1:] == s_ext[:-1]
        prev_r = np.zeros(s_ext.size, bool)
        prev_r[1:] = r_ext[:-1]
        keep &= ~(~same & ~r_ext)
        keep &= ~(same & (prev_r == r_ext))
    s_ext, t_ext, r_ext, v_ext = s_ext[keep], t_ext[keep], r_ext[keep], v_ext[keep]
    rises = np.nonzero(r_ext)[0]
    nxt = rises + 1
    has_set = nxt < s_ext.size
    nxt_c = np.minimum(nxt, max(0, s_ext.size - 1))
    has_set &= (s_ext[nxt_c] == s_ext[rises]) & ~r_ext[nxt_c]
    start = t_ext[rises]
    end = np.where(has_set, t_ext[nxt_c], float(t_end_s))
    flags = np.where(v_ext[rises], 1, 0) | np.where(has_set, 0, 2)
    return s_ext[rises].astype(np.int64), start, end, flags.astype(np.int64)

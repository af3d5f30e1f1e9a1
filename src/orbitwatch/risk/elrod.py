"""Fast 2D collision probability: a compiled error-function quadrature with an error estimate.

Reference: the "error function" / Chebyshev-Gauss method of C. Elrod (Baylor University,
2019) as used by NASA CARA's ``PcElrod.m`` (nasa/CARA_Analysis_Tools,
``DistributedMatlab/ProbabilityOfCollision``): the 2D Pc over a circular hard-body region
is reduced to a one-dimensional integral whose inner integral is a difference of error
functions, and the outer integral is taken on fixed nodes.  The result is the same
quantity as :func:`orbitwatch.risk.foster.pc_foster` (Foster 1992, circle), which stays
the reference.

Formulation (orbitwatch's own; not CARA's code).  In the principal axes of the combined
encounter-plane covariance (``sx >= sz``, miss ``(xm, zm)``), with the outer variable
along the major axis written ``x = xm + R sin(t)`` and the chord half-height
``h = R cos(t)``::

    Pc = Int_{t_lo}^{t_hi} phi(x / sx) / sx * [Phi((|zm| + h) / sz) - Phi((|zm| - h) / sz)] * h dt

The substitution removes the square-root end-point behaviour of the chord, so the integrand
is analytic in ``t``; on the full disc ``t`` spans ``[-pi/2, pi/2]`` (the Chebyshev-Gauss
substitution of Elrod).  The ``t`` range is cut to the part of the disc within
``sqrt(d2 + 100)`` sigma of the major axis, where ``d2`` is the squared Mahalanobis distance
of the disc point nearest the origin: the part cut away carries less than ``e^-50`` of the
integrand's peak, so the cut is relative, not absolute, and tiny probabilities keep full
relative precision.  The normal-CDF difference is formed from ``erfc`` on the far side.

Quadrature: nested Clenshaw-Curtis rules of order 8, 16, ..., 2048 on that range.  Each
order reuses all nodes of the previous one, and the estimate of the error is the difference
between the last two orders; the rule stops at the first order where that difference is
at most ``rtol`` times the result (default ``1e-9``), and reports it (``error_estimate``).
On the full disc the nodes are symmetric about the chord ``t = 0``, so each pair of nodes
shares one normal-CDF difference (two ``erfc`` calls for two nodes).  For the typical
conjunction (HBR a fraction of the sigmas) order 16 already agrees with order 8 to
``1e-12``: 17 integrand evaluations.

Everything runs in one numba-compiled loop (``cache=True``) over M conjunctions, from the
inertial states and covariances (encounter frame, covariance projection, eigenvalue
clipping at ``(Fclip HBR)^2`` as :mod:`orbitwatch.risk.encounter`) to the Pc, single
threaded.  Agreement with an adaptive integral of the same Gaussian over the disc
(``scipy.integrate.quad``, ``tests/risk/test_elrod.py``) is better than ``1e-6`` relative
for HBR/sigma from 1e-3 to 300; throughput is in ``bench/pc.py``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numba
import numpy as np
import numpy.typing as npt

from orbitwatch.errors import InputError
from orbitwatch.risk.encounter import FCLIP, hbr_array

__all__ = ["ElrodPc", "pc_elrod", "pc_elrod_plane"]

FloatArray = npt.NDArray[np.float64]

_LEVELS = 9  # orders 8 .. 2048
_NMAX = 8 << (_LEVELS - 1)
_CUT_D2 = 100.0  # e^-50 of the peak: the ignored part of the disc
_INV_SQRT2 = 1.0 / math.sqrt(2.0)
_INV_SQRT2PI = 1.0 / math.sqrt(2.0 * math.pi)

# Integer codes of the kernel -> orbitwatch error codes.
_CODES = ("", "INPUT_NOT_FINITE", "INPUT_HBR", "INPUT_NEGATIVE_VARIANCE", "INPUT_ZERO_RELATIVE_VELOCITY")


def _cc_tables() -> tuple[FloatArray, FloatArray]:
    """Clenshaw-Curtis nodes ``cos(k pi / N)`` on the finest grid and weights per level.

    ``weights[l, j]`` is the weight of finest-grid node ``j`` in the rule of order
    ``8 * 2**l`` (zero for nodes not in that rule); nodes and weights on [-1, 1].
    """
    nodes = np.cos(np.arange(_NMAX + 1) * np.pi / _NMAX)
    weights = np.zeros((_LEVELS, _NMAX + 1))
    for lev in range(_LEVELS):
        n = 8 << lev
        k = np.arange(n + 1)
        j = np.arange(1, n // 2 + 1)
        b = np.where(j == n // 2, 1.0, 2.0)
        c = np.where((k == 0) | (k == n), 1.0, 2.0)
        s = np.cos(2.0 * np.outer(k, j) * np.pi / n) @ (b / (4.0 * j * j - 1.0))
        weights[lev, k * (_NMAX // n)] = c / n * (1.0 - s)
    return nodes, weights


_NODES, _WEIGHTS = _cc_tables()
_TRAP_T = 0.5 * np.pi * np.arange(_NMAX // 2 + 1) / (_NMAX // 2)  # 2 pi k / (2 NMAX), k <= NMAX / 2
_FULL_SIN = np.sin(_TRAP_T)
_FULL_COS = np.cos(_TRAP_T)


@numba.njit(cache=True, inline="always")
def _dphi(zm: float, h: float, sz: float) -> float:
    """Phi((zm + h) / sz) - Phi((zm - h) / sz) for zm >= 0, h >= 0, accurate in the tail."""
    a = (zm - h) / sz
    b = (zm + h) / sz
    if a >= 0.0:
        return 0.5 * (math.erfc(a * _INV_SQRT2) - math.erfc(b * _INV_SQRT2))
    return 1.0 - 0.5 * (math.erfc(-a * _INV_SQRT2) + math.erfc(b * _INV_SQRT2))


@numba.njit(cache=True)
def _circle(  # noqa: PLR0917 - numba kernel: njit takes flat positional arrays
    xm: float,
    zm: float,
    sx: float,
    sz: float,
    r: float,
    rtol: float,
    nodes: FloatArray,
    weights: FloatArray,
    trap_sin: FloatArray,
    trap_cos: FloatArray,
    buf: FloatArray,
) -> tuple[float, float, int]:
    """P(|X - (xm, zm)| <= r), X ~ N(0, diag(sx^2, sz^2)): (pc, error estimate, nodes used)."""
    zm = abs(zm)
    # Disc point nearest the origin (Euclidean) bounds the least Mahalanobis distance.
    dm = math.sqrt(xm * xm + zm * zm)
    if dm > r:
        f = 1.0 - r / dm
        px, pz = xm * f, zm * f
    else:
        px, pz = 0.0, 0.0
    d2 = (px / sx) ** 2 + (pz / sz) ** 2
    xcut = sx * math.sqrt(d2 + _CUT_D2)
    u_lo = max(-r, -xcut - xm)
    u_hi = min(r, xcut - xm)
    if not u_hi > u_lo:
        return 0.0, 0.0, 0
    norm = _INV_SQRT2PI / sx
    inv2sx2 = 0.5 / (sx * sx)
    prev = 0.0
    q = 0.0
    err = math.inf
    used = 0
    if u_lo <= -r and u_hi >= r:
        # Whole disc: periodic trapezoid rule in t over the full circle (g(t) = g(pi - t)),
        # i.e. nodes 2 pi k / N in (-pi/2, pi/2); N = 8, 16, ... nested.
        nmax = trap_sin.shape[0] - 1  # finest N / 4
        total = 0.0
        for lev in range(weights.shape[0] + 1):
            n4 = 2 << lev  # N / 4
            stride = nmax // n4
            k0 = 0 if lev == 0 else 1
            kstep = 1 if lev == 0 else 2
            for k in range(k0, n4, kstep):
                j = k * stride
                h = r * trap_cos[j]
                dp = _dphi(zm, h, sz) * h * norm
                if k == 0:
                    total += math.exp(-xm * xm * inv2sx2) * dp
                else:
                    s = r * trap_sin[j]
                    xa = xm + s
                    xb = xm - s
                    total += (math.exp(-xa * xa * inv2sx2) + math.exp(-xb * xb * inv2sx2)) * dp
            used = 2 * n4 - 1
            q = total * (0.5 * math.pi / n4)
            if lev > 0:
                err = abs(q - prev)
                if err <= rtol * abs(q) or (q == 0.0 and prev == 0.0):
                    break
            prev = q
        return min(max(q, 0.0), 1.0), err, used
    # Part of the disc: nested Clenshaw-Curtis rules on [t_lo, t_hi].
    t_lo = math.asin(max(-1.0, min(1.0, u_lo / r)))
    t_hi = math.asin(max(-1.0, min(1.0, u_hi / r)))
    t_mid, t_half = 0.5 * (t_lo + t_hi), 0.5 * (t_hi - t_lo)
    nmax = nodes.shape[0] - 1
    for lev in range(weights.shape[0]):
        n = 8 << lev
        stride = nmax // n
        k0 = 0 if lev == 0 else 1
        kstep = 1 if lev == 0 else 2
        for k in range(k0, n + 1, kstep):
            j = k * stride
            t = t_mid + t_half * nodes[j]
            h = r * math.cos(t)
            if h <= 0.0:
                buf[j] = 0.0
                continue
            x = xm + r * math.sin(t)
            buf[j] = math.exp(-x * x * inv2sx2) * _dphi(zm, h, sz) * h * norm
        used = n + 1
        q = 0.0
        for k in range(n + 1):
            j = k * stride
            q += weights[lev, j] * buf[j]
        q *= t_half
        if lev > 0:
            err = abs(q - prev)
            if err <= rtol * abs(q) or (q == 0.0 and prev == 0.0):
                break
        prev = q
    return min(max(q, 0.0), 1.0), err, used


@numba.njit(cache=True)
def _eig_clip(a: float, b: float, c: float, lclip: float) -> tuple[float, float, float, bool, bool]:
    """(sigma_major, sigma_minor, angle, remediated, npd) of [[a, b], [b, c]] clipped at lclip."""
    mean = 0.5 * (a + c)
    rad = math.hypot(0.5 * (a - c), b)
    lam1 = mean + rad
    det = a * c - b * b
    lam2 = det / lam1 if lam1 > 0.0 else mean - rad
    if abs(lam2) > abs(mean - rad) * 1e3 + 1e-300:
        lam2 = mean - rad
    theta = 0.5 * math.atan2(2.0 * b, a - c)
    npd = not lam2 > 0.0
    rem = lam1 < lclip or lam2 < lclip
    return math.sqrt(max(lam1, lclip)), math.sqrt(max(lam2, lclip)), theta, rem, npd


@numba.njit(cache=True)
def _plane_kernel(  # noqa: PLR0917 - numba kernel: njit takes flat positional arrays
    miss: FloatArray,
    cov: FloatArray,
    hbr: FloatArray,
    rtol: float,
    fclip: float,
    nodes: FloatArray,
    weights: FloatArray,
    full_sin: FloatArray,
    full_cos: FloatArray,
    pc: FloatArray,
    err: FloatArray,
    used: npt.NDArray[np.int32],
    rem: npt.NDArray[np.bool_],
    npd: npt.NDArray[np.bool_],
    code: npt.NDArray[np.int8],
) -> None:
    buf = np.empty(nodes.shape[0])
    for i in range(miss.shape[0]):
        mx, mz, r = miss[i, 0], miss[i, 1], hbr[i]
        a, b, c = cov[i, 0, 0], 0.5 * (cov[i, 0, 1] + cov[i, 1, 0]), cov[i, 1, 1]
        if not (math.isfinite(mx) and math.isfinite(mz) and math.isfinite(r)
                and math.isfinite(a) and math.isfinite(b) and math.isfinite(c)):
            code[i] = 1
        elif not r > 0.0:
            code[i] = 2
        elif a < 0.0 or c < 0.0:
            code[i] = 3
        if code[i] != 0:
            pc[i] = math.nan
            err[i] = math.nan
            continue
        s1, s2, th, rem[i], npd[i] = _eig_clip(a, b, c, (fclip * r) ** 2)
        ct, st = math.cos(th), math.sin(th)
        xm = ct * mx + st * mz
        zm = -st * mx + ct * mz
        pc[i], err[i], used[i] = _circle(xm, zm, s1, s2, r, rtol, nodes, weights, full_sin, full_cos, buf)


@numba.njit(cache=True)
def _states_kernel(  # noqa: PLR0917 - numba kernel: njit takes flat positional arrays
    r1: FloatArray,
    v1: FloatArray,
    c1: FloatArray,
    r2: FloatArray,
    v2: FloatArray,
    c2: FloatArray,
    hbr: FloatArray,
    rtol: float,
    fclip: float,
    nodes: FloatArray,
    weights: FloatArray,
    full_sin: FloatArray,
    full_cos: FloatArray,
    pc: FloatArray,
    err: FloatArray,
    used: npt.NDArray[np.int32],
    rem: npt.NDArray[np.bool_],
    npd: npt.NDArray[np.bool_],
    code: npt.NDArray[np.int8],
) -> None:
    buf = np.empty(nodes.shape[0])
    comb = np.empty((3, 3))
    for i in range(r1.shape[0]):
        finite = math.isfinite(hbr[i])
        for p in range(3):
            finite = finite and math.isfinite(r1[i, p]) and math.isfinite(v1[i, p])
            finite = finite and math.isfinite(r2[i, p]) and math.isfinite(v2[i, p])
            for q in range(3):
                comb[p, q] = c1[i, p, q] + c2[i, p, q]
                finite = finite and math.isfinite(comb[p, q])
        rx, ry, rz = r1[i, 0] - r2[i, 0], r1[i, 1] - r2[i, 1], r1[i, 2] - r2[i, 2]
        vx, vy, vz = v1[i, 0] - v2[i, 0], v1[i, 1] - v2[i, 1], v1[i, 2] - v2[i, 2]
        vn = math.sqrt(vx * vx + vy * vy + vz * vz)
        if not finite:
            code[i] = 1
        elif not hbr[i] > 0.0:
            code[i] = 2
        elif min(c1[i, 0, 0], c1[i, 1, 1], c1[i, 2, 2], c2[i, 0, 0], c2[i, 1, 1], c2[i, 2, 2]) < 0.0:
            code[i] = 3
        elif vn == 0.0:
            code[i] = 4
        if code[i] != 0:
            pc[i] = math.nan
            err[i] = math.nan
            continue
        # encounter frame: y = v/|v|, z = r x v / |r x v|, x = y x z
        yx, yy, yz = vx / vn, vy / vn, vz / vn
        hx, hy, hz = ry * vz - rz * vy, rz * vx - rx * vz, rx * vy - ry * vx
        hn = math.sqrt(hx * hx + hy * hy + hz * hz)
        rn = math.sqrt(rx * rx + ry * ry + rz * rz)
        if not hn > 1e-12 * max(rn * vn, 1e-300):
            # r parallel to v (or zero): any unit normal to y, from the axis least aligned with y
            ax, ay, az = abs(yx), abs(yy), abs(yz)
            if ax <= ay and ax <= az:
                hx, hy, hz = 0.0, yz, -yy
            elif ay <= az:
                hx, hy, hz = -yz, 0.0, yx
            else:
                hx, hy, hz = yy, -yx, 0.0
            hn = math.sqrt(hx * hx + hy * hy + hz * hz)
        zx, zy, zz = hx / hn, hy / hn, hz / hn
        xx, xy, xz = yy * zz - yz * zy, yz * zx - yx * zz, yx * zy - yy * zx
        mx = xx * rx + xy * ry + xz * rz
        mz = zx * rx + zy * ry + zz * rz
        # x^T C x, x^T C z, z^T C z
        a = 0.0
        b = 0.0
        c = 0.0
        ex = (xx, xy, xz)
        ez = (zx, zy, zz)
        for p in range(3):
            for q in range(3):
                cpq = 0.5 * (comb[p, q] + comb[q, p])
                a += ex[p] * cpq * ex[q]
                b += ex[p] * cpq * ez[q]
                c += ez[p] * cpq * ez[q]
        if a < 0.0 or c < 0.0:
            code[i] = 3
            pc[i] = math.nan
            err[i] = math.nan
            continue
        s1, s2, th, rem[i], npd[i] = _eig_clip(a, b, c, (fclip * hbr[i]) ** 2)
        ct, st = math.cos(th), math.sin(th)
        xm = ct * mx + st * mz
        zm = -st * mx + ct * mz
        pc[i], err[i], used[i] = _circle(xm, zm, s1, s2, hbr[i], rtol, nodes, weights, full_sin, full_cos, buf)


@dataclass(frozen=True)
class ElrodPc:
    """Fast 2D Pc of M conjunctions (circle).

    ``pc`` (M,); ``error_estimate`` (M,) absolute, the difference between the last two
    Clenshaw-Curtis orders; ``nodes`` (M,) integrand evaluations used (0: the disc holds no
    Gaussian mass above ``e^-50`` of its peak, Pc 0); ``remediated``, ``npd`` (M,) as
    :class:`orbitwatch.risk.foster.PlanePc`; ``codes`` (M,) ``""`` or an ``INPUT_*`` code
    (Pc NaN there), returned only with ``raise_errors=False``.
    """

    pc: FloatArray
    error_estimate: FloatArray
    nodes: npt.NDArray[np.int32]
    remediated: npt.NDArray[np.bool_]
    npd: npt.NDArray[np.bool_]
    codes: npt.NDArray[np.str_]


def _outputs(m: int) -> tuple[FloatArray, FloatArray, Any, Any, Any, Any]:
    return (
        np.empty(m),
        np.empty(m),
        np.zeros(m, dtype=np.int32),
        np.zeros(m, dtype=np.bool_),
        np.zeros(m, dtype=np.bool_),
        np.zeros(m, dtype=np.int8),
    )


def _finish(out: tuple[FloatArray, FloatArray, Any, Any, Any, Any], raise_errors: bool) -> ElrodPc:
    pc, err, used, rem, npd, code = out
    codes = np.asarray(_CODES, dtype="<U32")[code]
    bad = np.flatnonzero(code)
    if raise_errors and bad.size:
        i = int(bad[0])
        raise InputError(
            f"conjunction {i}: {codes[i]} ({bad.size} of {code.size} conjunctions bad)", code=str(codes[i]), record=i
        )
    return ElrodPc(pc=pc, error_estimate=err, nodes=used, remediated=rem, npd=npd, codes=codes)


def _rows(a: Any, shape: tuple[int, ...], name: str) -> FloatArray:
    arr = np.asarray(a, dtype=np.float64)
    if arr.ndim == len(shape) - 1:
        arr = arr[None]
    if arr.ndim != len(shape) or arr.shape[1:] != shape[1:]:
        raise InputError(f"{name} must have shape (M, {', '.join(map(str, shape[1:]))}), not {arr.shape}", field=name)
    return np.ascontiguousarray(arr)


def pc_elrod_plane(
    miss_km: Any, cov_km2: Any, hbr_km: Any, *, rtol: float = 1e-9, fclip: float = FCLIP, raise_errors: bool = True
) -> ElrodPc:
    """Fast 2D Pc from encounter-plane quantities (same inputs as ``pc_foster_plane``, circle).

    ``miss_km`` (M, 2), ``cov_km2`` (M, 2, 2), ``hbr_km`` (M,) or scalar.  Bad
    conjunctions raise :class:`InputError` (``INPUT_NOT_FINITE``, ``INPUT_HBR``,
    ``INPUT_NEGATIVE_VARIANCE``) unless ``raise_errors=False`` (then codes, Pc NaN).
    """
    miss = _rows(miss_km, (0, 2), "miss_km")
    m = miss.shape[0]
    cov = _rows(cov_km2, (0, 2, 2), "cov_km2")
    if cov.shape[0] != m:
        raise InputError(f"cov_km2 has {cov.shape[0]} rows, expected {m}", field="cov_km2")
    hbr = hbr_array(hbr_km, m)
    out = _outputs(m)
    _plane_kernel(miss, cov, hbr, float(rtol), float(fclip), _NODES, _WEIGHTS, _FULL_SIN, _FULL_COS, *out)
    return _finish(out, raise_errors)


def pc_elrod(
    r1_km: Any,
    v1_km_s: Any,
    cov1_km2: Any,
    r2_km: Any,
    v2_km_s: Any,
    cov2_km2: Any,
    *,
    hbr_km: Any,
    rtol: float = 1e-9,
    fclip: float = FCLIP,
    raise_errors: bool = True,
) -> ElrodPc:
    """Fast 2D Pc (circle) for M conjunctions from inertial TCA states, in one compiled loop.

    ``r1_km, r2_km`` (M, 3), ``v1_km_s, v2_km_s`` (M, 3), ``cov1_km2, cov2_km2`` (M, 3, 3)
    or (M, 6, 6) (position block used), ``hbr_km`` (M,) or scalar.  Same encounter plane,
    miss vector and remediation as :func:`orbitwatch.risk.foster.pc_foster`.  Bad
    conjunctions raise :class:`InputError` (codes of
    :func:`orbitwatch.risk.encounter.check_inputs`) unless ``raise_errors=False``.
    """
    r1 = _rows(r1_km, (0, 3), "r1_km")
    m = r1.shape[0]
    v1 = _rows(v1_km_s, (0, 3), "v1_km_s")
    r2 = _rows(r2_km, (0, 3), "r2_km")
    v2 = _rows(v2_km_s, (0, 3), "v2_km_s")
    covs = []
    for name, c in (("cov1_km2", cov1_km2), ("cov2_km2", cov2_km2)):
        arr = np.asarray(c, dtype=np.float64)
        if arr.ndim == 2:
            arr = arr[None]
        if arr.ndim != 3 or arr.shape[1] < 3 or arr.shape[1] != arr.shape[2]:
            raise InputError(f"{name} must have shape (M, 3, 3) or (M, 6, 6), not {arr.shape}", field=name)
        covs.append(np.ascontiguousarray(np.broadcast_to(arr[:, :3, :3], (m, 3, 3))))
    for name, arr in (("v1_km_s", v1), ("r2_km", r2), ("v2_km_s", v2)):
        if arr.shape[0] != m:
            raise InputError(f"{name} has {arr.shape[0]} rows, expected {m}", field=name)
    hbr = hbr_array(hbr_km, m)
    out = _outputs(m)
    _states_kernel(
        r1, v1, covs[0], r2, v2, covs[1], hbr, float(rtol), float(fclip), _NODES, _WEIGHTS, _FULL_SIN, _FULL_COS, *out
    )
    return _finish(out, raise_errors)

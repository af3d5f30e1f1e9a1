"""Hall (2021) 3D-Nc collision probability as NASA CARA implements it (``Pc3D_Hall``).

Reference: D. T. Hall, "Expected collision rates for tracked satellites", *Journal of
Spacecraft and Rockets* 58(3), 2021, 715-728; NASA CARA's ``Pc3D_Hall.m`` with
``PeakOverlapPos.m``, ``EquinoctialMatrices.m`` and ``conj_bounds_Coppola.m``
(nasa/CARA_Analysis_Tools, ``DistributedMatlab/ProbabilityOfCollision``); V. T. Coppola,
"Evaluating the short encounter assumption of the probability of collision formula",
AAS 12-248 (2012) for the conjunction bounds.  The method is re-implemented here from
those descriptions (vectorised over time points), not translated.

What is computed, per conjunction:

1. Each object's TCA state and 6x6 covariance are mapped to equinoctial elements
   (:mod:`orbitwatch.risk.equinoctial`): ``Q = K P K^T`` with ``K = (dX/dE)^-1`` at the mean
   state, so the Gaussian lives in element space and moves with two-body motion (only the
   mean longitude advances): it follows the curved orbit.  Exactly retrograde orbits are
   first rotated by CARA's fixed axis permutation.
2. The linear-motion conjunction bounds ``(tau0, tau1)`` of Coppola (2012b) with
   ``gamma = 1e-16``, and the encounter segment ``[Tmin_limit, Tmax_limit]``: the maxima of
   the two-body mean separation that bracket TCA (else +- half the shorter period), or
   +- ``window_s`` when given.
3. At each time ``t`` the *peak overlap position* (POP) of the two position densities is
   found by iteration: the Cartesian density of each object is the linearisation of its
   element-space Gaussian about the current expansion point (``x_u = x_s + J_s (E0 - E_s)``,
   ``P_s = J_s Q J_s^T``), the POP is the product-density peak
   ``mu_p = (A1^-1 + A2^-1)^-1 (A1^-1 r_u1 + A2^-1 r_u2)`` and the expansion points move to
   ``(mu_p, v_u + B A^-1 (mu_p - r_u))``, until the POP moves by less than
   ``1e-6`` in Mahalanobis distance (with CARA's averaging after 35 iterations and its
   oscillation test).  An unbound expansion state stops the iteration unconverged.
4. The collision rate ``Ncdot(t) = R^2 Int_S2 nu(u) N3(R u; r_u, A) d2u`` with the expected
   inward speed ``nu`` of the conditional relative-velocity Gaussian, integrated on the
   5810-point Lebedev sphere (degree 131, ``scipy.integrate.lebedev_rule``), skipped where
   the Mahalanobis distance to the HBR sphere exceeds ``1491`` (``exp(-MD2/2) == 0``).
5. ``Nc = Int Ncdot dt`` over the refined time grid: 101 points over the Coppola bounds
   (1001 over an explicit window), the grid extended toward the segment limits while the end
   values exceed ``2.5e-6`` of the peak (CARA's ``Ncdotred`` for ``gamma = 1e-6``) and
   intervals bisected until every Simpson-vs-trapezoid difference is below ``1e-5`` of
   ``Nc``; trapezoid sum on the final grid.  ``pc = min(Nc, 1)``.

Outputs carry ``nc``, the bounds, the effective conjunction span (``ta``/``tb``: points
where ``Ncdot`` is above the cutoff), the number of time points, and ``converged``
(False, with ``pc`` NaN, when a POP failed next to a significant time point), as CARA does.
Units km, km/s, s; ``mu`` is CARA's EGM-96 value.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numba
import numpy as np
import numpy.typing as npt
from scipy.integrate import lebedev_rule
from scipy.optimize import minimize_scalar
from scipy.special import erfcinv

from orbitwatch.constants import wrap_2pi
from orbitwatch.errors import InputError
from orbitwatch.risk.encounter import FCLIP, hbr_array
from orbitwatch.risk.equinoctial import (
    CARA_MU_KM3_S2,
    cartesian_to_equinoctial,
    equinoctial_jacobian,
    equinoctial_to_cartesian,
)

__all__ = ["Hall3DPc", "coppola_bounds", "pc_hall3d"]

FloatArray = npt.NDArray[np.float64]

_LEB_X, _LEB_W = lebedev_rule(131)
_LEB_U = np.ascontiguousarray(_LEB_X.T)  # (5810, 3)
_LEB_W = np.ascontiguousarray(_LEB_W)
_MD2_CUT = 1491.0
_NCDOT_TINY = 1e-300
_NCDOT_RED = math.exp(-((math.sqrt(2.0) * float(erfcinv(1e-6))) ** 2) / 2.0) / math.sqrt(2.0 * math.pi)
_GAMMA = 1e-16
_REFINE_TOL = 1e-5
_MAX_PASSES = 40
_POP_TOL = (1e-6, 1e-3)
_POP_MAXITER = 100
_PERM = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, 0.0, 0.0]])


@dataclass(frozen=True)
class Hall3DPc:
    """3D-Nc result for M conjunctions (all (M,)).

    ``pc = min(nc, 1)`` (NaN where not converged); ``nc``; ``tau0_s``/``tau1_s`` Coppola
    bounds (gamma 1e-16); ``t_start_s``/``t_end_s`` the time span integrated;
    ``ta_s``/``tb_s`` the span where ``Ncdot`` exceeds the cutoff; ``n_times`` time points;
    ``converged``; ``remediated`` a relative position covariance was eigenvalue-clipped.
    """

    pc: FloatArray
    nc: FloatArray
    tau0_s: FloatArray
    tau1_s: FloatArray
    t_start_s: FloatArray
    t_end_s: FloatArray
    ta_s: FloatArray
    tb_s: FloatArray
    n_times: npt.NDArray[np.int64]
    converged: npt.NDArray[np.bool_]
    remediated: npt.NDArray[np.bool_]


def coppola_bounds(r_km: FloatArray, v_km_s: FloatArray, cov_km2: FloatArray, hbr_km: float,
                   gamma: float = _GAMMA) -> tuple[float, float]:
    """Linear-motion conjunction bounds (tau0, tau1) of Coppola (2012b) eqs 12-16.

    ``r, v`` relative (secondary minus primary) TCA position and velocity, ``cov`` their
    combined covariance (position block used).
    """
    speed = float(np.linalg.norm(v_km_s))
    if speed < 1e-12:
        return -math.inf, math.inf
    xh = v_km_s / speed
    yh = r_km - xh * float(xh @ r_km)
    yn = float(np.linalg.norm(yh))
    if yn == 0.0:
        axis = np.eye(3)[int(np.argmin(np.abs(xh)))]
        yh = np.cross(xh, axis)
        yn = float(np.linalg.norm(yh))
    yh = yh / yn
    zh = np.cross(xh, yh)
    rot = np.stack([xh, yh, zh])
    re = rot @ r_km
    ae = rot @ cov_km2[:3, :3] @ rot.T
    eta2 = ae[0, 0]
    w = ae[1:, 0]
    b = np.linalg.solve(ae[1:, 1:], w)
    sv2 = math.sqrt(max(0.0, 2.0 * (eta2 - float(b @ w))))
    q0 = float(b @ re[1:])
    btb = float(b @ b)
    dmin = -hbr_km * math.sqrt(btb)
    dmax = hbr_km * math.sqrt(1.0 + btb)
    temp = float(erfcinv(gamma)) * sv2
    return (-temp + q0 - dmax) / speed, (temp + q0 - dmin) / speed


def _period(state: FloatArray, mu: float) -> float:
    rn = float(np.linalg.norm(state[:3]))
    energy = 0.5 * float(state[3:] @ state[3:]) - mu / rn
    return math.inf if energy >= 0 else 2 * math.pi * math.sqrt((-mu / (2 * energy)) ** 3 / mu)


def _clip_inv(a: FloatArray, lclip: float) -> tuple[FloatArray, FloatArray, npt.NDArray[np.bool_]]:
    """Inverse and determinant of (K,3,3) covariances with eigenvalues clipped at lclip."""
    w, v = np.linalg.eigh(0.5 * (a + np.swapaxes(a, -1, -2)))
    clipped = (w < lclip).any(-1)
    w = np.maximum(w, lclip)
    inv = v @ (np.swapaxes(v, -1, -2) / w[..., :, None])
    return inv, np.prod(w, axis=-1), np.asarray(clipped, dtype=np.bool_)


def _wrap(d: FloatArray) -> FloatArray:
    return np.arcsin(np.sin(d))


@dataclass
class _Object:
    e0: FloatArray  # epoch (TCA) equinoctial elements (6,)
    q: FloatArray  # equinoctial covariance (6, 6)


def _pop(t: FloatArray, o1: _Object, o2: _Object, hbr: float, fclip: float, mu: float) -> dict[str, Any]:
    """Peak-overlap iteration at times t (K,), vectorised; returns the expansion quantities."""
    k = t.size
    lclip = (fclip * hbr) ** 2
    objs = (o1, o2)
    xs = []
    js = []
    for o in objs:
        x, j = equinoctial_jacobian(o.e0[None, :], t, mu)
        xs.append(x)
        js.append(j)
    es0 = [np.broadcast_to(o.e0, (k, 6)).copy() for o in objs]
    active = np.ones(k, dtype=bool)
    converged = np.zeros(k, dtype=bool)
    failed = np.zeros(k, dtype=bool)
    mup_old = np.full((k, 3), np.nan)
    mup_old2 = np.full((k, 3), np.nan)
    xu = [x.copy() for x in xs]
    ps: list[FloatArray] = [np.zeros((k, 6, 6)), np.zeros((k, 6, 6))]
    avgiter, acciter, osciter = 35, 25, 15
    for it in range(_POP_MAXITER + 1):
        idx = np.flatnonzero(active)
        if idx.size == 0:
            break
        ru, vu, ainv, bmat = [], [], [], []
        for q in range(2):
            de = objs[q].e0[None, :] - es0[q][idx]
            de[:, 5] = _wrap(de[:, 5])
            xq = xs[q][idx] + np.einsum("kij,kj->ki", js[q][idx], de) if it > 0 else xs[q][idx]
            xu[q][idx] = xq
            p = js[q][idx] @ objs[q].q @ np.swapaxes(js[q][idx], 1, 2)
            p = 0.5 * (p + np.swapaxes(p, 1, 2))
            ps[q][idx] = p
            inv, _, _ = _clip_inv(p[:, :3, :3], lclip)
            ru.append(xq[:, :3])
            vu.append(xq[:, 3:])
            ainv.append(inv)
            bmat.append(p[:, 3:, :3])
        sig_inv = ainv[0] + ainv[1]
        sig = np.linalg.inv(sig_inv)
        weighted = np.einsum("kij,kj->ki", ainv[0], ru[0]) + np.einsum("kij,kj->ki", ainv[1], ru[1])
        mup = np.einsum("kij,kj->ki", sig, weighted)
        sig_rem_inv = np.linalg.inv(sig + hbr * hbr * np.eye(3))
        if it > avgiter:
            mup = 0.5 * (mup + mup_old[idx])
        vnew = [vu[q] + np.einsum("kij,kj->ki", bmat[q] @ ainv[q], mup - ru[q]) for q in range(2)]
        rmag = np.linalg.norm(mup, axis=1)
        energy = [0.5 * np.sum(vn * vn, axis=1) - mu / rmag for vn in vnew]
        unbound = (energy[0] >= 0) | (energy[1] >= 0)
        done = np.zeros(idx.size, dtype=bool)
        conv_now = np.zeros(idx.size, dtype=bool)
        if it > 0:
            dm = mup_old[idx] - mup
            dmd2 = np.einsum("ki,kij,kj->k", dm, sig_rem_inv, dm)
            conv_now = dmd2 <= _POP_TOL[0]
            if it >= _POP_MAXITER:
                done |= True
            elif it > osciter:
                do = mup_old2[idx] - mup
                osc = np.einsum("ki,kij,kj->k", do, sig_rem_inv, do) <= _POP_TOL[0]
                if it > avgiter:
                    cut = _POP_TOL[1]
                elif it <= acciter:
                    cut = _POP_TOL[0]
                else:
                    frc = (it - acciter) / (avgiter - acciter)
                    cut = math.exp((1 - frc) * math.log(_POP_TOL[0]) + frc * math.log(_POP_TOL[1]))
                conv_now |= osc | (dmd2 <= cut)
        # unbound expansion states: stop, unconverged
        failed[idx[unbound]] = True
        done |= unbound
        # converged points keep the expansion of this iteration (as CARA)
        conv_pts = conv_now & ~unbound
        converged[idx[conv_pts]] = True
        done |= conv_pts
        # new expansion centres and their Jacobians for the points still iterating
        go = ~done
        gi = idx[go]
        if gi.size:
            for q in range(2):
                xnew = np.concatenate([mup[go], vnew[q][go]], axis=1)
                es = cartesian_to_equinoctial(xnew, mu)
                bad = ~np.isfinite(es).all(1)
                failed[gi[bad]] = True
                es0q = es.copy()
                es0q[:, 5] = wrap_2pi(es[:, 5] - es[:, 0] * t[gi])
                es0[q][gi] = es0q
                xx, jj = equinoctial_jacobian(np.where(bad[:, None], objs[q].e0, es0q), t[gi], mu)
                xs[q][gi] = xx
                js[q][gi] = jj
            mup_old2[gi] = mup_old[gi]
            mup_old[gi] = mup[go]
            bad_any = failed[gi]
            active[gi[bad_any]] = False
        active[idx[done]] = False
    return {"converged": converged & ~failed, "xu1": xu[0], "xu2": xu[1], "ps1": ps[0], "ps2": ps[1]}


@numba.njit(cache=True)
def _sphere_rates(  # noqa: PLR0917 - numba kernel: njit takes flat positional arrays
    u: FloatArray, w: FloatArray, ainv: FloatArray, bs: FloatArray, csp: FloatArray, ru: FloatArray,
    vu: FloatArray, log_n0: FloatArray, hbr: float,
) -> FloatArray:
    """Ncdot = R^2 sum_j w_j nu(u_j) N3(R u_j; ru, A) for each time k (the unit-sphere integral)."""
    k_n = ru.shape[0]
    out = np.zeros(k_n)
    sq2 = math.sqrt(2.0)
    sqpi = math.sqrt(math.pi)
    sq2pi = math.sqrt(2.0 * math.pi)
    for k in range(k_n):
        acc = 0.0
        for j in range(u.shape[0]):
            d0 = hbr * u[j, 0] - ru[k, 0]
            d1 = hbr * u[j, 1] - ru[k, 1]
            d2 = hbr * u[j, 2] - ru[k, 2]
            maha = 0.0
            s2 = 0.0
            nu0 = 0.0
            for p in range(3):
                dp = d0 if p == 0 else (d1 if p == 1 else d2)
                arow = ainv[k, p, 0] * d0 + ainv[k, p, 1] * d1 + ainv[k, p, 2] * d2
                maha += dp * arow
                crow = csp[k, p, 0] * u[j, 0] + csp[k, p, 1] * u[j, 1] + csp[k, p, 2] * u[j, 2]
                s2 += u[j, p] * crow
                vrow = vu[k, p] + bs[k, p, 0] * d0 + bs[k, p, 1] * d1 + bs[k, p, 2] * d2
                nu0 += u[j, p] * vrow
            if s2 > 0.0:
                sig = math.sqrt(s2)
                x = nu0 / (sig * sq2)
                nu = sig * (math.exp(-x * x) - sqpi * x * math.erfc(x)) / sq2pi
            else:
                nu = max(-nu0, 0.0)
            acc += w[j] * nu * math.exp(log_n0[k] - 0.5 * maha)
        out[k] = hbr * hbr * acc
    return out


def _ncdot(t: FloatArray, o1: _Object, o2: _Object, hbr: float, fclip: float, mu: float
           ) -> tuple[FloatArray, FloatArray, npt.NDArray[np.bool_], bool]:
    """Collision rate at times t (K,): (ncdot, MD2eff, POP converged, any clipping)."""
    pop = _pop(t, o1, o2, hbr, fclip, mu)
    ru = pop["xu2"][:, :3] - pop["xu1"][:, :3]
    vu = pop["xu2"][:, 3:] - pop["xu1"][:, 3:]
    ps = pop["ps1"] + pop["ps2"]
    a = ps[:, :3, :3]
    b = ps[:, 3:, :3]
    c = ps[:, 3:, 3:]
    ainv, adet, clipped = _clip_inv(a, (fclip * hbr) ** 2)
    bs = b @ ainv
    csp = c - bs @ np.swapaxes(b, 1, 2)
    ai_ru = np.einsum("kij,kj->ki", ainv, ru)
    md2 = np.einsum("ki,ki->k", ru, ai_ru)
    ms2 = md2 - 2.0 * hbr * np.linalg.norm(ai_ru, axis=1)
    conv = pop["converged"]
    out = np.zeros(t.size)
    log_n0 = -0.5 * np.log((2 * np.pi) ** 3 * adet)
    todo = np.flatnonzero(conv & (ms2 <= _MD2_CUT))
    if todo.size:
        out[todo] = _sphere_rates(
            _LEB_U, _LEB_W, np.ascontiguousarray(ainv[todo]), np.ascontiguousarray(bs[todo]),
            np.ascontiguousarray(csp[todo]), np.ascontiguousarray(ru[todo]), np.ascontiguousarray(vu[todo]),
            np.ascontiguousarray(log_n0[todo]), hbr,
        )
    out[out <= _NCDOT_TINY] = 0.0
    return out, md2, conv, bool(clipped.any())


def _segment_limits(o1: _Object, o2: _Object, taum: float, p1: float, p2: float, mu: float) -> tuple[float, float]:
    """Maxima of the two-body mean separation bracketing TCA (CARA's encounter segment)."""
    p0 = min(p1, p2)
    half = 0.5 * p0
    if not math.isfinite(p0):
        return -math.inf, math.inf
    ts_max = min(1.10 * max(p1, p2), 2.20 * p0)
    ts = np.linspace(-ts_max, ts_max, 51)

    def dr2(tt: Any) -> Any:
        x1 = equinoctial_to_cartesian(o1.e0, np.asarray(tt), mu)
        x2 = equinoctial_to_cartesian(o2.e0, np.asarray(tt), mu)
        d = x2[..., :3] - x1[..., :3]
        return np.sum(d * d, axis=-1)

    d = np.asarray(dr2(ts))
    imax = [i for i in range(1, 50) if d[i] >= d[i - 1] and d[i] >= d[i + 1]]
    before = [i for i in imax if ts[i] < min(0.0, taum)]
    after = [i for i in imax if ts[i] > max(0.0, taum)]
    if not before or not after:
        return -half, half
    lims = []
    for i in (max(before), min(after)):
        res = minimize_scalar(lambda tt: -float(dr2(tt)), bounds=(ts[i - 1], ts[i + 1]), method="bounded",
                              options={"xatol": p0 / 100})
        lims.append(float(res.x))
    return min(lims), max(lims)


def _integrate(o1: _Object, o2: _Object, hbr: float, *, fclip: float, mu: float, lo: float, hi: float,
               a: float, b: float, n0: int) -> tuple[float, FloatArray, FloatArray, bool, bool]:
    """Adaptive time integration of Ncdot, starting on [a, b], never beyond [lo, hi].

    Each pass: extend the grid toward the limits while an end value is above the cutoff;
    bisect every interval next to a value above the cutoff that is not yet resolved, where
    an interval is resolved once its Simpson and trapezoid estimates differ by at most
    ``_REFINE_TOL * Nc`` (both halves are then resolved).  Without any collision rate the
    grid is refined around the least Mahalanobis distance instead.
    """
    t = np.linspace(a, b, n0)
    f, md2, conv, clip = _ncdot(t, o1, o2, hbr, fclip, mu)
    span0 = max(b - a, 1e-9)
    resolved: set[float] = set()
    for _ in range(_MAX_PASSES):
        fmax = float(f.max())
        cut = fmax * _NCDOT_RED
        ext: list[float] = []
        mids: list[int] = []
        if fmax == 0.0:
            i = int(np.argmin(md2))
            if i == 0 and t[0] > lo:
                ext.append(max(t[0] - span0, lo))
            elif i == t.size - 1 and t[-1] < hi:
                ext.append(min(t[-1] + span0, hi))
            elif t.size < 2000:
                mids = [j for j in (i - 1, i) if 0 <= j < t.size - 1 and t[j + 1] - t[j] > 1e-6 * span0]
        else:
            for end, inside in ((0, t[0] > lo), (-1, t[-1] < hi)):
                if f[end] > cut and inside:
                    step = max(abs(t[end] - t[end + (1 if end == 0 else -1)]), 0.05 * (t[-1] - t[0]))
                    if end == 0:
                        ext += list(np.linspace(max(t[0] - 4 * step, lo), t[0], 5)[:-1])
                    else:
                        ext += list(np.linspace(t[-1], min(t[-1] + 4 * step, hi), 5)[1:])
            sig = np.maximum(f[1:], f[:-1]) > cut
            mids = [
                int(j) for j in np.flatnonzero(sig) if float(t[j]) not in resolved and t[j + 1] - t[j] > 1e-9 * span0
            ]
        if not ext and not mids:
            break
        mid_t = 0.5 * (t[mids] + t[np.array(mids, dtype=int) + 1]) if mids else np.zeros(0)
        tn = np.concatenate([np.array(ext, dtype=float), mid_t])
        fn, md2n, convn, cl = _ncdot(tn, o1, o2, hbr, fclip, mu)
        clip |= cl
        if mids and fmax > 0:
            total = float(np.sum(0.5 * (f[1:] + f[:-1]) * np.diff(t)))
            jj = np.array(mids, dtype=int)
            fm = fn[len(ext):]
            h = t[jj + 1] - t[jj]
            err = np.abs(h / 6 * (f[jj] + 4 * fm + f[jj + 1]) - h / 2 * (f[jj] + f[jj + 1]))
            for j, e, tm in zip(jj, err, mid_t, strict=True):
                if e <= _REFINE_TOL * total:
                    resolved.add(float(t[j]))
                    resolved.add(float(tm))
        t, f, md2, conv = _merge((t, f, md2, conv), (tn, fn, md2n, convn))
    fmax = float(f.max())
    cut = fmax * _NCDOT_RED
    converged = True
    if fmax > 0:
        sig = f >= cut
        near = sig.copy()
        near[1:] |= sig[:-1]
        near[:-1] |= sig[1:]
        converged = not bool((~conv & near).any())
    elif not conv.any():
        # No POP converged.  CARA calls that unconverged; when even the last expansion puts
        # the HBR sphere beyond MD2 = 1491 at every time the rate is zero there whatever the
        # expansion, so orbitwatch reports Nc = 0 (CARA's non-PD unit test expects 0).
        converged = bool(np.all(md2 > _MD2_CUT))
    return float(np.sum(0.5 * (f[1:] + f[:-1]) * np.diff(t))), t, f, converged, clip


_Grid = tuple[FloatArray, FloatArray, FloatArray, Any]  # times, Ncdot, MD2, POP converged


def _merge(old: _Grid, new: _Grid) -> _Grid:
    """The union of two time grids with their values, sorted, each time once."""
    t, f, md2, conv = old
    tn, fn, md2n, convn = new
    tt = np.concatenate([t, tn])
    order = np.argsort(tt, kind="stable")
    tt = tt[order]
    uniq = np.concatenate([[True], np.diff(tt) > 0])
    sel = order[uniq]
    return tt[uniq], np.concatenate([f, fn])[sel], np.concatenate([md2, md2n])[sel], np.concatenate([conv, convn])[sel]


def _one(s1: FloatArray, c1: FloatArray, s2: FloatArray, c2: FloatArray, hbr: float, *, window: float | None,
         fclip: float, mu: float) -> tuple[float, ...]:
    # CARA's retrograde reorientation (only for orbits within 1e-6 of i = 180 deg)
    def retro(s: FloatArray) -> bool:
        h = np.cross(s[:3], s[3:])
        return bool(1.0 + h[2] / np.linalg.norm(h) < 1e-6)

    if retro(s1) or retro(s2):
        m6 = np.zeros((6, 6))
        m6[:3, :3] = _PERM
        m6[3:, 3:] = _PERM
        s1, s2 = m6 @ s1, m6 @ s2
        c1, c2 = m6 @ c1 @ m6.T, m6 @ c2 @ m6.T
    objs = []
    for s, c in ((s1, c1), (s2, c2)):
        e0 = cartesian_to_equinoctial(s, mu)
        if not np.isfinite(e0).all():  # unbound orbit: no equinoctial elements, no result
            return (math.nan,) * 7 + (0.0, 0.0, 0.0)
        _, j = equinoctial_jacobian(e0, 0.0, mu)
        kmat = np.linalg.inv(j)
        q = kmat @ c @ kmat.T
        objs.append(_Object(e0=e0, q=0.5 * (q + q.T)))
    r = s2[:3] - s1[:3]
    v = s2[3:] - s1[3:]
    tau0, tau1 = coppola_bounds(r, v, c1 + c2, hbr)
    taum = 0.5 * (tau0 + tau1) if math.isfinite(tau0 + tau1) else 0.0
    p1, p2 = _period(s1, mu), _period(s2, mu)
    if window is not None:
        lo, hi = -window, window
        a, b, n0 = lo, hi, 1001
    else:
        lo, hi = _segment_limits(objs[0], objs[1], taum, p1, p2, mu)
        if math.isfinite(tau0) and math.isfinite(tau1) and tau1 > lo and tau0 < hi:
            a, b = max(tau0, lo), min(tau1, hi)
        else:
            a, b = lo, hi
        n0 = 101
    nc, t, f, converged, clip = _integrate(objs[0], objs[1], hbr, fclip=fclip, mu=mu, lo=lo, hi=hi, a=a, b=b, n0=n0)
    if nc <= 1e-300:
        nc = 0.0
    cut = float(f.max()) * _NCDOT_RED
    above = t[f >= cut] if f.max() > 0 else t[:0]
    ta = float(above.min()) if above.size else math.nan
    tb = float(above.max()) if above.size else math.nan
    return nc, tau0, tau1, float(t[0]), float(t[-1]), ta, tb, float(t.size), float(converged), float(clip)


def pc_hall3d(
    state1_km: Any,
    cov1_km2: Any,
    state2_km: Any,
    cov2_km2: Any,
    hbr_km: Any,
    *,
    window_s: Any = None,
    fclip: float = FCLIP,
    mu: float = CARA_MU_KM3_S2,
) -> Hall3DPc:
    """CARA 3D-Nc Pc for M conjunctions from inertial TCA states and 6x6 covariances.

    ``state1_km, state2_km`` (M, 6) km, km/s; ``cov1_km2, cov2_km2`` (M, 6, 6); ``hbr_km``
    (M,) or scalar; ``window_s`` (M,) or scalar half-width of an explicit integration window
    about TCA (CARA's ``Tmin/Tmax_initial = Tmin/Tmax_limit``), or None for CARA's default
    (Coppola bounds refined inside the encounter segment).  Raises :class:`InputError`
    (``INPUT_COVARIANCE_SHAPE``, ``INPUT_NOT_FINITE``, ``INPUT_HBR``); an unbound orbit gives
    ``converged`` False and NaN.
    """
    s1 = np.atleast_2d(np.asarray(state1_km, dtype=np.float64))
    s2 = np.atleast_2d(np.asarray(state2_km, dtype=np.float64))
    m = s1.shape[0]
    try:
        c1 = np.asarray(cov1_km2, dtype=np.float64).reshape(m, 6, 6)
        c2 = np.asarray(cov2_km2, dtype=np.float64).reshape(m, 6, 6)
    except ValueError:
        raise InputError("3D-Nc needs 6x6 position-velocity covariances", code="INPUT_COVARIANCE_SHAPE") from None
    hbr = hbr_array(hbr_km, m)
    for name, arr in (("state1_km", s1), ("state2_km", s2), ("cov1_km2", c1), ("cov2_km2", c2), ("hbr_km", hbr)):
        if not np.isfinite(arr).all():
            raise InputError(f"{name} has NaN or infinite values", code="INPUT_NOT_FINITE", field=name)
    if (hbr <= 0).any():
        raise InputError("hard-body radius must be > 0", code="INPUT_HBR", field="hbr_km")
    wins = None if window_s is None else np.broadcast_to(np.asarray(window_s, dtype=np.float64), (m,))
    rows = np.array([
        _one(s1[i], c1[i], s2[i], c2[i], float(hbr[i]), window=None if wins is None else float(wins[i]), fclip=fclip,
             mu=mu)
        for i in range(m)
    ]).reshape(m, 10)
    conv = rows[:, 8] > 0.5
    nc = rows[:, 0]
    return Hall3DPc(
        pc=np.where(conv, np.minimum(nc, 1.0), np.nan),
        nc=nc,
        tau0_s=rows[:, 1],
        tau1_s=rows[:, 2],
        t_start_s=rows[:, 3],
        t_end_s=rows[:, 4],
        ta_s=rows[:, 5],
        tb_s=rows[:, 6],
        n_times=rows[:, 7].astype(np.int64),
        converged=conv,
        remediated=rows[:, 9] > 0.5,
    )

"""Cartesian 3D collision rate (Nc): a linear-covariance simplification of Hall (2021).

This is *not* CARA's ``Pc3D_Hall`` (that is :mod:`orbitwatch.risk.hall3d`): it moves each
object's 6x6 *Cartesian* covariance with the conic's state-transition matrix, so the
Gaussian stays on the tangent of the orbit.  Where a 1-sigma in-track displacement leaves
the orbit by more than the HBR (large in-track uncertainty) it collapses by many orders of
magnitude (CARA CDM 25994/26980: CARA and Foster 1.08e-4, this method 4e-20).  Kept as a
documented comparison for the equinoctial method, not offered as a Pc method.

Reference: D. T. Hall, "Expected collision rates for tracked satellites", *Journal of
Spacecraft and Rockets* 58(3), 2021, 715-728 (the "3D-Nc" method behind CARA's
``Pc3D_Hall.m``).  The expected number of entries of the secondary into the
primary's hard-body sphere (radius R) over a time window is

    Nc = Int dt  R^2 Int_{|u|=1} E[ (-u . dv)_+ | dr = R u ] p_dr(R u) d^2u

where ``(dr, dv)`` is the relative (secondary minus primary) position and velocity
at time t, Gaussian with mean and covariance propagated from TCA.  The inner
expectation has the closed form ``m Phi(m/s) + s phi(m/s)`` for the conditional
Gaussian of ``-u . dv`` given ``dr``.  For small Pc, ``Pc ~= Nc``; orbitwatch reports
``pc = min(Nc, 1)`` and ``nc``.

Equivalent, documented simplification of Hall's algorithm: each object's mean state
moves on its two-body conic from TCA and its 6x6 covariance is mapped *linearly*
with the conic's state-transition matrix (Hall instead maps equinoctial-element
covariances and refines each time's "peak-overlap" point).  The unit sphere is
integrated with a product Gauss-Legendre (cos colatitude) x trapezoid (longitude)
rule of 48 x 96 nodes (Hall uses a 5810-point Lebedev rule); time with composite
Gauss-Legendre panels over the window, densest over the rectilinear conjunction
bounds ``T +- sigma_T sqrt(2) erfcinv(1e-16)``.  Valid when the encounter is long
or slow and the 2D method is not (see
:func:`orbitwatch.risk.encounter.usage_violations`).  Relative position covariances
are eigenvalue-clipped at ``(Fclip * R)^2`` as in CARA.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.special import erfc, erfcinv

from orbitwatch.errors import InputError
from orbitwatch.risk._kepler import MU, kepler_stm
from orbitwatch.risk.encounter import FCLIP, hbr_array

__all__ = ["CartesianNc3D", "pc_nc3d_cartesian"]

FloatArray = npt.NDArray[np.float64]

_N_THETA = 48
_N_PHI = 96
_PANELS_WINDOW = 32
_PANELS_PEAK = 32
_GL_NODES = 12


def _sphere() -> tuple[FloatArray, FloatArray]:
    x, w = np.polynomial.legendre.leggauss(_N_THETA)  # cos(colatitude)
    phi = (np.arange(_N_PHI) + 0.5) * 2 * np.pi / _N_PHI
    ct = np.repeat(x, _N_PHI)
    st = np.sqrt(1 - ct**2)
    ph = np.tile(phi, _N_THETA)
    u = np.stack([st * np.cos(ph), st * np.sin(ph), ct], axis=1)
    wt = np.repeat(w, _N_PHI) * (2 * np.pi / _N_PHI)
    return u, wt


_U, _W = _sphere()
_GLX, _GLW = np.polynomial.legendre.leggauss(_GL_NODES)


def _panels(edges: FloatArray) -> tuple[FloatArray, FloatArray]:
    a = edges[:-1]
    b = edges[1:]
    half = 0.5 * (b - a)
    mid = 0.5 * (a + b)
    t = (mid[:, None] + half[:, None] * _GLX[None, :]).ravel()
    w = (half[:, None] * _GLW[None, :]).ravel()
    return t, w


@dataclass(frozen=True)
class CartesianNc3D:
    """3D-Nc result per conjunction (M,): ``pc = min(nc, 1)``, the time window used (s)."""

    pc: FloatArray
    nc: FloatArray
    t_start_s: FloatArray
    t_end_s: FloatArray
    remediated: npt.NDArray[np.bool_]


def _rate(
    t: FloatArray, s1: FloatArray, c1: FloatArray, s2: FloatArray, c2: FloatArray, *, r: float, mu: float, fclip: float
) -> tuple[FloatArray, bool]:
    m1, f1 = kepler_stm(s1, t, mu)
    m2, f2 = kepler_stm(s2, t, mu)
    p = f1 @ c1 @ np.swapaxes(f1, 1, 2) + f2 @ c2 @ np.swapaxes(f2, 1, 2)
    p = 0.5 * (p + np.swapaxes(p, 1, 2))
    mr = m2[:, :3] - m1[:, :3]
    mv = m2[:, 3:] - m1[:, 3:]
    a = p[:, :3, :3]
    b = p[:, 3:, :3]  # cov(v, r)
    cv = p[:, 3:, 3:]
    w, v = np.linalg.eigh(a)
    lclip = (fclip * r) ** 2
    remediated = bool((w < lclip).any())
    w = np.maximum(w, lclip)
    ainv = v @ (np.swapaxes(v, 1, 2) / w[:, :, None])
    logdet = np.sum(np.log(w), axis=1)
    gain = b @ ainv  # (K,3,3)
    cond = cv - gain @ np.swapaxes(b, 1, 2)
    s = r * _U  # (J,3)
    d = s[None, :, :] - mr[:, None, :]  # (K,J,3)
    maha = np.einsum("kji,kil,kjl->kj", d, ainv, d)
    dens = np.exp(-0.5 * maha - 0.5 * logdet[:, None] - 1.5 * math.log(2 * math.pi))
    vmean = mv[:, None, :] + np.einsum("kil,kjl->kji", gain, d)
    mw = -np.einsum("ji,kji->kj", _U, vmean)
    var = np.einsum("ji,kil,jl->kj", _U, cond, _U)
    sw = np.sqrt(np.maximum(var, 0.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = mw / sw
        ew = np.where(
            sw > 0,
            mw * 0.5 * erfc(-z / math.sqrt(2)) + sw * np.exp(-0.5 * z * z) / math.sqrt(2 * math.pi),
            np.maximum(mw, 0.0),
        )
    ndot = r * r * np.sum(_W[None, :] * ew * dens, axis=1)
    return ndot, remediated


def _bounds(
    s1: FloatArray, c1: FloatArray, s2: FloatArray, c2: FloatArray, r: float, fclip: float
) -> tuple[float, float, float, float]:
    a = c1[:3, :3] + c2[:3, :3]
    w, v = np.linalg.eigh(0.5 * (a + a.T))
    w = np.maximum(w, (fclip * r) ** 2)
    ainv = v @ np.diag(1 / w) @ v.T
    dr = s2[:3] - s1[:3]
    dv = s2[3:] - s1[3:]
    vav = float(dv @ ainv @ dv)
    speed = float(np.linalg.norm(dv))
    if vav <= 0 or speed == 0:
        return -math.inf, math.inf, 0.0, math.inf
    t0 = -float(dr @ ainv @ dv) / vav
    dtau = math.sqrt(2.0) * float(erfcinv(1e-16)) / math.sqrt(vav)
    # time to cross the sphere plus the thinnest 3-sigma extent: the sharpest feature of Ndot(t)
    crossing = (2.0 * r + 6.0 * math.sqrt(float(w.min()))) / speed
    return t0 - dtau, t0 + dtau, t0, crossing


def _period(state: FloatArray, mu: float) -> float:
    rn = float(np.linalg.norm(state[:3]))
    energy = 0.5 * float(state[3:] @ state[3:]) - mu / rn
    if energy >= 0:
        return math.inf
    return 2 * math.pi * math.sqrt((-mu / (2 * energy)) ** 3 / mu)


def pc_nc3d_cartesian(
    state1_km: Any,
    cov1_km2: Any,
    state2_km: Any,
    cov2_km2: Any,
    hbr_km: Any,
    *,
    window_s: Any = None,
    fclip: float = FCLIP,
    mu: float = MU,
) -> CartesianNc3D:
    """3D-Nc collision probability for M conjunctions.

    ``state1_km, state2_km`` (M, 6) inertial TCA states (km, km/s); ``cov1_km2,
    cov2_km2`` (M, 6, 6) inertial covariances; ``hbr_km`` (M,) or scalar; ``window_s``
    (M,) or scalar half-width of the time window about TCA, or None for half the
    shorter orbital period (one full relative revolution).
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
    nc = np.zeros(m)
    t_lo = np.zeros(m)
    t_hi = np.zeros(m)
    rem = np.zeros(m, dtype=bool)
    for i in range(m):
        ta, tb, t0, crossing = _bounds(s1[i], c1[i], s2[i], c2[i], float(hbr[i]), fclip)
        half_p = 0.5 * min(_period(s1[i], mu), _period(s2[i], mu))
        if wins is None:
            lo, hi = -half_p, half_p
        else:
            lo, hi = -float(wins[i]), float(wins[i])
        if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
            lo, hi = -half_p, half_p
        edges = np.linspace(lo, hi, _PANELS_WINDOW + 1)
        plo, phi = max(ta, lo), min(tb, hi)
        if phi > plo:
            edges = np.union1d(edges, np.linspace(plo, phi, _PANELS_PEAK + 1))
        if math.isfinite(crossing) and lo < t0 < hi:
            fine = np.clip(t0 + crossing * np.linspace(-3.0, 3.0, _PANELS_PEAK + 1), lo, hi)
            edges = np.union1d(edges, fine)
        t, w = _panels(edges)
        total = 0.0
        for start in range(0, t.size, 256):
            ndot, r_flag = _rate(
                t[start : start + 256], s1[i], c1[i], s2[i], c2[i], r=float(hbr[i]), mu=mu, fclip=fclip
            )
            total += float(np.sum(w[start : start + 256] * ndot))
            rem[i] |= r_flag
        nc[i] = total
        t_lo[i], t_hi[i] = lo, hi
    return CartesianNc3D(pc=np.minimum(nc, 1.0), nc=nc, t_start_s=t_lo, t_end_s=t_hi, remediated=rem)

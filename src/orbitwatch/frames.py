"""Reference frames: TEME -> ITRF / EME2000 / GCRS, geodetic WGS-84, and RIC.

* TEME -> ITRF follows Vallado, Crawford, Hujsak & Kelso (2006), "Revisiting Spacetrack
  Report #3", AIAA 2006-6753, sec. on coordinate systems and Appendix C: TEME -> PEF
  by GMST (IAU 1982, from UT1), PEF -> ITRF by the polar-motion matrix W; velocity with
  the Earth-rotation term (rate corrected by LOD).
* TEME -> GCRS / EME2000 are exact to the IAU 2006/2000A precession-nutation, by ERFA
  (``pyerfa``, the IAU SOFA library): TEME is tied to the Earth by GMST82 (Vallado et
  al. 2006), the terrestrial intermediate frame to the GCRS by the Earth rotation angle
  and the CIP X, Y, s of the IERS Conventions (2010), ch. 5; EME2000 is the GCRS rotated
  by the IAU 2006 frame bias.  Checked against Vallado (2013) Example 3-14, Skyfield
  (0.3 mm in LEO over a day) and ERFA's equinox-based route (``tests/frames/test_gcrs.py``).
  The older IAU-76/FK5 reduction (Vallado 2013, sec. 3.7) is kept as
  ``teme_to_eme2000_iau76`` for comparison with FK5 examples.  CCSDS names these frames
  ``TEME``, ``ITRF`` (here the IERS realisation tied to the installed EOP series),
  ``EME2000`` and ``GCRF`` (SANA reference-frame registry, CCSDS 502.0-B-3).
* Geodetic latitude/longitude/altitude on WGS-84 (NIMA TR8350.2) by the closed form of
  Vermeille (2002).
* RIC follows Vallado, *Fundamentals of Astrodynamics and Applications*, 4th ed., sec. 3.3
("RSW" / "RIC" satellite coordinate system): R along the position vector, C along the
orbit normal r x v, I = C x R completing the right-handed triad (along the velocity for a
circular orbit).

Design (Skyfield's ``design/sgp4_parallel.py``): rotations are computed once per time,
shape ``(T, 3, 3)``, and broadcast over the object axis of ``(N, T, 3)`` states.  All
functions take arrays and return arrays; shapes are in the docstrings.
"""

from __future__ import annotations

import warnings
from typing import Any

import erfa
import numpy as np
import numpy.typing as npt

from orbitwatch.constants import (
    ARCSEC,
    DEG,
    EARTH_ROTATION_RAD_S,
    SECONDS_PER_DAY,
    TWO_PI,
    WGS84_A_KM,
    WGS84_E2,
    ric_basis,
    wrap_2pi,
)
from orbitwatch.eop import EarthOrientation, EOPRangeWarning, earth_orientation, tt_jd, ut1_jd, ut1_minus_utc_s
from orbitwatch.errors import InputError
from orbitwatch.times import UTC_DTYPE, jd_utc

__all__ = [
    "eme2000_to_teme",
    "frame_bias_matrix",
    "gcrs_to_teme",
    "geodetic_to_itrf",
    "gmst82_rad",
    "itrf_to_geodetic",
    "itrf_to_teme",
    "nutation80_rad",
    "polar_motion_matrix",
    "precession76_matrix",
    "ric_basis",
    "teme_to_eme2000",
    "teme_to_eme2000_iau76",
    "teme_to_eme2000_iau76_matrix",
    "teme_to_eme2000_matrix",
    "teme_to_gcrs",
    "teme_to_gcrs_matrix",
    "teme_to_geodetic",
    "teme_to_itrf",
    "to_ric",
]

FloatArray = npt.NDArray[np.float64]


def to_ric(d_km: npt.ArrayLike, r_ref_km: npt.ArrayLike, v_ref_km_s: npt.ArrayLike) -> Any:
    """Project a relative vector on the reference object's RIC axes.

    ``d_km`` ``(..., 3)`` (e.g. secondary minus primary position, same frame as the
    reference state), ``r_ref_km`` / ``v_ref_km_s`` ``(..., 3)`` -> ``(..., 3)``
    components (radial, in-track, cross-track), in the unit of ``d``.
    """
    basis = ric_basis(r_ref_km, v_ref_km_s)
    d = np.asarray(d_km, dtype=np.float64)
    return np.einsum("...ij,...j->...i", basis, d)


# ---------------------------------------------------------------------------
# Elementary rotations (passive, as in Vallado and the IERS Conventions).
# ---------------------------------------------------------------------------


def _rot1(a: Any) -> FloatArray:
    a = np.asarray(a, dtype=np.float64)
    c, s = np.cos(a), np.sin(a)
    o, z = np.ones_like(a), np.zeros_like(a)
    return np.stack([np.stack([o, z, z], -1), np.stack([z, c, s], -1), np.stack([z, -s, c], -1)], -2)


def _rot2(a: Any) -> FloatArray:
    a = np.asarray(a, dtype=np.float64)
    c, s = np.cos(a), np.sin(a)
    o, z = np.ones_like(a), np.zeros_like(a)
    return np.stack([np.stack([c, z, -s], -1), np.stack([z, o, z], -1), np.stack([s, z, c], -1)], -2)


def _rot3(a: Any) -> FloatArray:
    a = np.asarray(a, dtype=np.float64)
    c, s = np.cos(a), np.sin(a)
    o, z = np.ones_like(a), np.zeros_like(a)
    return np.stack([np.stack([c, s, z], -1), np.stack([-s, c, z], -1), np.stack([z, z, o], -1)], -2)


def _transpose(m: FloatArray) -> FloatArray:
    return np.swapaxes(m, -1, -2)


def _apply(m: FloatArray, x: FloatArray) -> FloatArray:
    """``m`` ``(*tshape, 3, 3)`` applied to ``x`` ``(..., *tshape, 3)``."""
    out: FloatArray = np.einsum("...ij,...j->...i", m, x)
    return out


def _times(t_utc: Any) -> npt.NDArray[np.datetime64]:
    t = np.asarray(t_utc)
    if not np.issubdtype(t.dtype, np.datetime64):
        raise InputError("t_utc must be UTC datetime64 values (see orbitwatch.times)", field="t_utc")
    return t.astype(UTC_DTYPE)


def _check_state(r: Any, name: str, t_shape: tuple[int, ...]) -> FloatArray:
    x = np.asarray(r, dtype=np.float64)
    if x.shape[-1:] != (3,) or (t_shape and x.shape[-1 - len(t_shape):-1] != t_shape):
        raise InputError(
            f"{name} must have shape (..., {', '.join(map(str, (*t_shape, 3)))}) to match the times, "
            f"not {x.shape}",
            field=name,
        )
    return x


def _eop_at(t: npt.NDArray[np.datetime64], eop: EarthOrientation | None) -> EarthOrientation:
    return earth_orientation(t) if eop is None else eop


# ---------------------------------------------------------------------------
# Sidereal time and TEME <-> ITRF (Vallado et al. 2006, sec. "Coordinate systems",
# Appendix C): r_PEF = ROT3(GMST82) r_TEME, r_ITRF = W^T r_PEF.
# ---------------------------------------------------------------------------


def gmst82_rad(jd_ut1: Any, fr_ut1: Any = 0.0) -> Any:
    """Greenwich mean sidereal time, IAU 1982 (Aoki et al. 1982), radians in [0, 2 pi).

    ``jd_ut1 + fr_ut1`` is a two-part UT1 Julian date (any shape).  The whole-turn-
    per-day term is evaluated on the day fraction so no precision is lost.
    """
    jd = np.asarray(jd_ut1, dtype=np.float64)
    fr = np.asarray(fr_ut1, dtype=np.float64)
    du = (jd - 2451545.0) + fr
    t = du / 36525.0
    # 876600 h/century = 24 h/day: that term is 86400 s x (day fraction).
    frac = np.mod(jd - 2451545.0, 1.0) + np.mod(fr, 1.0)
    secs = 67310.54841 + (8640184.812866 + (0.093104 - 6.2e-6 * t) * t) * t + SECONDS_PER_DAY * frac
    return wrap_2pi(secs * (TWO_PI / SECONDS_PER_DAY))


def polar_motion_matrix(xp_rad: Any, yp_rad: Any) -> FloatArray:
    """W with ``r_PEF = W r_ITRF`` (IAU-76/FK5 form ROT1(yp) ROT2(xp), Vallado 2013 eq. 3-77).

    ``xp_rad``, ``yp_rad`` any shape ``S`` -> ``S + (3, 3)``.
    """
    return _rot1(yp_rad) @ _rot2(xp_rad)


def teme_to_itrf(
    r_teme_km: npt.ArrayLike,
    v_teme_km_s: npt.ArrayLike,
    t_utc: Any,
    *,
    eop: EarthOrientation | None = None,
) -> tuple[FloatArray, FloatArray]:
    """TEME -> ITRF position and velocity (Vallado et al. 2006, AIAA 2006-6753, App. C).

    ``t_utc`` ``(T,)`` (or scalar ``()``); ``r_teme_km``, ``v_teme_km_s``
    ``(..., T, 3)`` (e.g. ``(N, T, 3)`` from :func:`orbitwatch.propagation.propagate`)
    -> ITRF ``r_km``, ``v_km_s`` of the same shape.  The rotation per time is built once
    and broadcast over the leading (object) axes.  ``eop`` overrides the installed IERS
    tables (UT1-UTC, polar motion, LOD; see :mod:`orbitwatch.eop`).  The velocity
    includes the Earth-rotation term ``-omega x r_PEF`` with omega scaled by
    ``1 - LOD/86400``.
    """
    t = _times(t_utc)
    r = _check_state(r_teme_km, "r_teme_km", t.shape)
    v = _check_state(v_teme_km_s, "v_teme_km_s", t.shape)
    e = _eop_at(t, eop)
    jd, fr = ut1_jd(t, e.ut1_minus_utc_s)
    theta = gmst82_rad(jd, fr)
    r_pef = _rot3_apply(theta, r)
    v_pef = _rot3_apply(theta, v) - _omega_cross(e.lod_s, r_pef)
    w_t = np.broadcast_to(_transpose(polar_motion_matrix(e.xp_rad, e.yp_rad)), (*t.shape, 3, 3))
    return _apply(w_t, r_pef), _apply(w_t, v_pef)


def _rot3_apply(theta: Any, x: FloatArray) -> FloatArray:
    """ROT3(theta) with ``theta`` ``(*tshape)`` applied to ``x`` ``(..., *tshape, 3)``."""
    c, s = np.cos(theta), np.sin(theta)
    return np.stack([c * x[..., 0] + s * x[..., 1], -s * x[..., 0] + c * x[..., 1], x[..., 2]], axis=-1)


def _omega_cross(lod_s: Any, r_pef: FloatArray) -> FloatArray:
    """Earth rotation vector (0, 0, omega (1 - LOD/86400)) x r."""
    om = EARTH_ROTATION_RAD_S * (1.0 - np.asarray(lod_s, dtype=np.float64) / SECONDS_PER_DAY)
    return np.stack([-om * r_pef[..., 1], om * r_pef[..., 0], np.zeros_like(r_pef[..., 2])], axis=-1)


def itrf_to_teme(
    r_itrf_km: npt.ArrayLike,
    v_itrf_km_s: npt.ArrayLike,
    t_utc: Any,
    *,
    eop: EarthOrientation | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Inverse of :func:`teme_to_itrf` (same shapes)."""
    t = _times(t_utc)
    r = _check_state(r_itrf_km, "r_itrf_km", t.shape)
    v = _check_state(v_itrf_km_s, "v_itrf_km_s", t.shape)
    e = _eop_at(t, eop)
    w = np.broadcast_to(polar_motion_matrix(e.xp_rad, e.yp_rad), (*t.shape, 3, 3))
    r_pef = _apply(w, r)
    v_pef = _apply(w, v) + _omega_cross(e.lod_s, r_pef)
    jd, fr = ut1_jd(t, e.ut1_minus_utc_s)
    theta = -gmst82_rad(jd, fr)
    return _rot3_apply(theta, r_pef), _rot3_apply(theta, v_pef)


# ---------------------------------------------------------------------------
# TEME -> EME2000 / GCRS: IAU-76 precession, IAU-80 nutation (Vallado 2013 sec. 3.7,
# "IAU-76/FK5 reduction"; Vallado et al. 2006 on TEME), IERS 2010 frame bias.
# ---------------------------------------------------------------------------

# IAU 1980 nutation series, terms with |amplitude| >= 0.0003" (63 of 106), as tabulated
# in Meeus, *Astronomical Algorithms*, 2nd ed. (1998), Table 22.A, from Seidelmann (1982).
# Columns: multipliers of D, M, M', F, Omega; dpsi = (a + b T) sin(arg), deps = (c + d T)
# cos(arg); a, c in 0.0001", b, d in 0.0001"/century.  Omitted terms are <= 0.0002" each.
_NUT80 = np.array([
    [0, 0, 0, 0, 1, -171996, -174.2, 92025, 8.9],
    [-2, 0, 0, 2, 2, -13187, -1.6, 5736, -3.1],
    [0, 0, 0, 2, 2, -2274, -0.2, 977, -0.5],
    [0, 0, 0, 0, 2, 2062, 0.2, -895, 0.5],
    [0, 1, 0, 0, 0, 1426, -3.4, 54, -0.1],
    [0, 0, 1, 0, 0, 712, 0.1, -7, 0],
    [-2, 1, 0, 2, 2, -517, 1.2, 224, -0.6],
    [0, 0, 0, 2, 1, -386, -0.4, 200, 0],
    [0, 0, 1, 2, 2, -301, 0, 129, -0.1],
    [-2, -1, 0, 2, 2, 217, -0.5, -95, 0.3],
    [-2, 0, 1, 0, 0, -158, 0, 0, 0],
    [-2, 0, 0, 2, 1, 129, 0.1, -70, 0],
    [0, 0, -1, 2, 2, 123, 0, -53, 0],
    [2, 0, 0, 0, 0, 63, 0, 0, 0],
    [0, 0, 1, 0, 1, 63, 0.1, -33, 0],
    [2, 0, -1, 2, 2, -59, 0, 26, 0],
    [0, 0, -1, 0, 1, -58, -0.1, 32, 0],
    [0, 0, 1, 2, 1, -51, 0, 27, 0],
    [-2, 0, 2, 0, 0, 48, 0, 0, 0],
    [0, 0, -2, 2, 1, 46, 0, -24, 0],
    [2, 0, 0, 2, 2, -38, 0, 16, 0],
    [0, 0, 2, 2, 2, -31, 0, 13, 0],
    [0, 0, 2, 0, 0, 29, 0, 0, 0],
    [-2, 0, 1, 2, 2, 29, 0, -12, 0],
    [0, 0, 0, 2, 0, 26, 0, 0, 0],
    [-2, 0, 0, 2, 0, -22, 0, 0, 0],
    [0, 0, -1, 2, 1, 21, 0, -10, 0],
    [0, 2, 0, 0, 0, 17, -0.1, 0, 0],
    [2, 0, -1, 0, 1, 16, 0, -8, 0],
    [-2, 2, 0, 2, 2, -16, 0.1, 7, 0],
    [0, 1, 0, 0, 1, -15, 0, 9, 0],
    [-2, 0, 1, 0, 1, -13, 0, 7, 0],
    [0, -1, 0, 0, 1, -12, 0, 6, 0],
    [0, 0, 2, -2, 0, 11, 0, 0, 0],
    [2, 0, -1, 2, 1, -10, 0, 5, 0],
    [2, 0, 1, 2, 2, -8, 0, 3, 0],
    [0, 1, 0, 2, 2, 7, 0, -3, 0],
    [-2, 1, 1, 0, 0, -7, 0, 0, 0],
    [0, -1, 0, 2, 2, -7, 0, 3, 0],
    [2, 0, 0, 2, 1, -7, 0, 3, 0],
    [2, 0, 1, 0, 0, 6, 0, 0, 0],
    [-2, 0, 2, 2, 2, 6, 0, -3, 0],
    [-2, 0, 1, 2, 1, 6, 0, -3, 0],
    [2, 0, -2, 0, 1, -6, 0, 3, 0],
    [2, 0, 0, 0, 1, -6, 0, 3, 0],
    [0, -1, 1, 0, 0, 5, 0, 0, 0],
    [-2, -1, 0, 2, 1, -5, 0, 3, 0],
    [-2, 0, 0, 0, 1, -5, 0, 3, 0],
    [0, 0, 2, 2, 1, -5, 0, 3, 0],
    [-2, 0, 2, 0, 1, 4, 0, 0, 0],
    [-2, 1, 0, 2, 1, 4, 0, 0, 0],
    [0, 0, 1, -2, 0, 4, 0, 0, 0],
    [-1, 0, 1, 0, 0, -4, 0, 0, 0],
    [-2, 1, 0, 0, 0, -4, 0, 0, 0],
    [1, 0, 0, 0, 0, -4, 0, 0, 0],
    [0, 0, 1, 2, 0, 3, 0, 0, 0],
    [0, 0, -2, 2, 2, -3, 0, 0, 0],
    [-1, -1, 1, 0, 0, -3, 0, 0, 0],
    [0, 1, 1, 0, 0, -3, 0, 0, 0],
    [0, -1, 1, 2, 2, -3, 0, 0, 0],
    [2, -1, -1, 2, 2, -3, 0, 0, 0],
    [0, 0, 3, 2, 2, -3, 0, 0, 0],
    [2, -1, 0, 2, 2, -3, 0, 0, 0],
], dtype=np.float64)

def frame_bias_matrix() -> FloatArray:
    """B with ``r_EME2000 = B r_GCRS``: the IAU 2006 frame bias (``erfa.bp06`` at J2000.0;
    IERS Conventions 2010, sec. 5.5.4, eq. 5.21-5.22, xi0 = -16.617 mas, eta0 = -6.8192 mas,
    da0 = -14.6 mas).  Time independent."""
    rb, _, _ = erfa.bp06(2451545.0, 0.0)
    return np.asarray(rb, dtype=np.float64)


def _tt_centuries(t: npt.NDArray[np.datetime64]) -> Any:
    jd, fr = tt_jd(t)
    return ((jd - 2451545.0) + fr) / 36525.0


def nutation80_rad(tt_centuries: Any) -> tuple[Any, Any, Any, Any]:
    """IAU 1980 nutation: ``(dpsi, deps, mean_obliquity, omega_moon)`` radians, shape of input.

    Fundamental arguments and mean obliquity of Seidelmann (1982) as used by Vallado
    (2013, eq. 3-82, 3-68); series: :data:`_NUT80` (terms >= 0.0003").
    """
    t = np.asarray(tt_centuries, dtype=np.float64)
    deg = DEG
    mm = (134.96298139 + (1717915922.6330 + (31.310 + 0.064 * t) * t) * t / 3600.0) * deg
    ms = (357.52772333 + (129596581.2240 + (-0.577 - 0.012 * t) * t) * t / 3600.0) * deg
    ff = (93.27191028 + (1739527263.1370 + (-13.257 + 0.011 * t) * t) * t / 3600.0) * deg
    dd = (297.85036306 + (1602961601.3280 + (-6.891 + 0.019 * t) * t) * t / 3600.0) * deg
    om = (125.04452222 + (-6962890.5390 + (7.455 + 0.008 * t) * t) * t / 3600.0) * deg
    args = (
        np.multiply.outer(dd, _NUT80[:, 0]) + np.multiply.outer(ms, _NUT80[:, 1])
        + np.multiply.outer(mm, _NUT80[:, 2]) + np.multiply.outer(ff, _NUT80[:, 3])
        + np.multiply.outer(om, _NUT80[:, 4])
    )
    tt = t[..., None]
    dpsi = np.sum((_NUT80[:, 5] + _NUT80[:, 6] * tt) * np.sin(args), axis=-1) * 1e-4 * ARCSEC
    deps = np.sum((_NUT80[:, 7] + _NUT80[:, 8] * tt) * np.cos(args), axis=-1) * 1e-4 * ARCSEC
    eps0 = (84381.448 + (-46.8150 + (-0.00059 + 0.001813 * t) * t) * t) * ARCSEC
    return dpsi, deps, eps0, om


def precession76_matrix(tt_centuries: Any) -> FloatArray:
    """P with ``r_MOD = P r_J2000``: ROT3(-z) ROT2(theta) ROT3(-zeta), IAU 1976 (Lieske 1977)."""
    t = np.asarray(tt_centuries, dtype=np.float64)
    zeta = (2306.2181 + (0.30188 + 0.017998 * t) * t) * t * ARCSEC
    theta = (2004.3109 + (-0.42665 - 0.041833 * t) * t) * t * ARCSEC
    z = (2306.2181 + (1.09468 + 0.018203 * t) * t) * t * ARCSEC
    return _rot3(-z) @ _rot2(theta) @ _rot3(-zeta)


def teme_to_eme2000_iau76_matrix(
    t_utc: Any, *, ddpsi_rad: Any = 0.0, ddeps_rad: Any = 0.0
) -> FloatArray:
    """M with ``r_J2000(FK5) = M r_TEME``, ``(*t.shape, 3, 3)``: the IAU-76/FK5 reduction.

    TEME -> TOD by the equation of the equinoxes (IAU-80 nutation in longitude times
    cos(mean obliquity) plus the post-1997 kinematic terms, Vallado 2013 eq. 3-79, so
    that TEME -> PEF by GMST and TOD -> PEF by GAST agree), TOD -> MOD by IAU-80
    nutation, MOD -> mean equator and equinox of J2000 by IAU-76 precession.
    ``ddpsi_rad`` / ``ddeps_rad`` are the IERS celestial-pole corrections to IAU-80.
    Kept for comparison with Vallado's FK5 examples; :func:`teme_to_eme2000_matrix` is
    the exact (IAU 2006/2000A) transform, which this one misses by 0.03"-0.05" in the
    2020s without the corrections.
    """
    t = _times(t_utc)
    tc = _tt_centuries(t)
    dpsi, deps, eps0, om = nutation80_rad(tc)
    dpsi = dpsi + ddpsi_rad
    deps = deps + ddeps_rad
    eqe = dpsi * np.cos(eps0)
    jd, fr = jd_utc(t)
    kin = (jd + fr) > 2450449.5
    eqe = eqe + np.where(kin, (0.00264 * np.sin(om) + 0.000063 * np.sin(2.0 * om)) * ARCSEC, 0.0)
    nut = _rot1(-(eps0 + deps)) @ _rot3(-dpsi) @ _rot1(eps0)  # r_TOD = N r_MOD
    prec = precession76_matrix(tc)
    return _transpose(prec) @ _transpose(nut) @ _rot3(-eqe)


def teme_to_eme2000_iau76(
    r_teme_km: npt.ArrayLike,
    v_teme_km_s: npt.ArrayLike,
    t_utc: Any,
    *,
    ddpsi_rad: Any = 0.0,
    ddeps_rad: Any = 0.0,
) -> tuple[FloatArray, FloatArray]:
    """TEME -> J2000 by the IAU-76/FK5 reduction (:func:`teme_to_eme2000_iau76_matrix`),
    shapes as :func:`teme_to_itrf`.  With the IERS corrections ``ddpsi``/``ddeps`` this is
    what Vallado (2013, sec. 3.7.3) calls GCRF."""
    t = _times(t_utc)
    r = _check_state(r_teme_km, "r_teme_km", t.shape)
    v = _check_state(v_teme_km_s, "v_teme_km_s", t.shape)
    m = teme_to_eme2000_iau76_matrix(t, ddpsi_rad=ddpsi_rad, ddeps_rad=ddeps_rad)
    return _apply(m, r), _apply(m, v)


# ---------------------------------------------------------------------------
# TEME -> GCRS / EME2000, exact: IAU 2006/2000A by ERFA (the IAU SOFA library).
# ---------------------------------------------------------------------------


def _ut1_minus_utc_quiet(t: npt.NDArray[np.datetime64]) -> Any:
    # The TEME -> GCRS rotation depends on UT1 only through GMST82 - ERA, which drifts
    # by 7e-12 rad per second of UT1 error: outside the tables the nearest value is
    # more than good enough, so no EOPRangeWarning here.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", EOPRangeWarning)
        return ut1_minus_utc_s(t)


def teme_to_gcrs_matrix(
    t_utc: Any,
    *,
    eop: EarthOrientation | None = None,
    dx_rad: Any = 0.0,
    dy_rad: Any = 0.0,
) -> FloatArray:
    """M with ``r_GCRS = M r_TEME``, ``(*t.shape, 3, 3)``, IAU 2006/2000A (ERFA).

    TEME is tied to the Earth by GMST82 (Vallado et al. 2006, App. C: ``r_PEF =
    ROT3(GMST82) r_TEME``); PEF is the terrestrial intermediate frame of the IERS
    Conventions (2010, ch. 5) up to the TIO locator s' (< 1 micro-arcsecond this
    century).  Hence ``r_GCRS = Q R3(-ERA) R3(GMST82) r_TEME`` with the Earth rotation
    angle ``ERA`` (``erfa.era00``, UT1) and the celestial-to-intermediate matrix
    ``Q^T = erfa.c2ixys(X, Y, s)`` from the CIP coordinates of IAU 2006/2000A
    (``erfa.xy06``, TT) plus the IERS celestial-pole offsets ``dx_rad``/``dy_rad``
    (zero by default, as in Skyfield and astropy; IERS Bulletin A gives them, a few
    tenths of a milliarcsecond, i.e. <= 1 cm in LEO) and ``s`` (``erfa.s06``).
    Polar motion cancels out of TEME -> GCRS.  UT1 comes from ``eop`` or the installed
    tables; an error of one second in UT1 moves the result by 7e-12 rad only.
    """
    t = _times(t_utc)
    dut = _ut1_minus_utc_quiet(t) if eop is None else np.asarray(eop.ut1_minus_utc_s, dtype=np.float64)
    jd_u, fr_u = ut1_jd(t, dut)
    jd_t, fr_t = tt_jd(t)
    theta = gmst82_rad(jd_u, fr_u) - erfa.era00(jd_u, fr_u)
    x, y = erfa.xy06(jd_t, fr_t)
    x = x + dx_rad
    y = y + dy_rad
    c2i = erfa.c2ixys(x, y, erfa.s06(jd_t, fr_t, x, y))  # r_CIRS = c2i r_GCRS
    return np.asarray(_transpose(c2i) @ _rot3(theta), dtype=np.float64)


def teme_to_eme2000_matrix(
    t_utc: Any,
    *,
    eop: EarthOrientation | None = None,
    dx_rad: Any = 0.0,
    dy_rad: Any = 0.0,
) -> FloatArray:
    """M with ``r_EME2000 = M r_TEME``: :func:`frame_bias_matrix` times
    :func:`teme_to_gcrs_matrix` (EME2000 = mean equator and equinox of J2000.0, the
    GCRS rotated by the IAU 2006 frame bias; the frame CCSDS CDMs and OEMs name
    ``EME2000``).  Arguments and shape as :func:`teme_to_gcrs_matrix`."""
    out: FloatArray = frame_bias_matrix() @ teme_to_gcrs_matrix(t_utc, eop=eop, dx_rad=dx_rad, dy_rad=dy_rad)
    return out


def teme_to_gcrs(
    r_teme_km: npt.ArrayLike,
    v_teme_km_s: npt.ArrayLike,
    t_utc: Any,
    *,
    eop: EarthOrientation | None = None,
    dx_rad: Any = 0.0,
    dy_rad: Any = 0.0,
) -> tuple[FloatArray, FloatArray]:
    """TEME -> GCRS (IAU 2006/2000A, :func:`teme_to_gcrs_matrix`), shapes as
    :func:`teme_to_itrf`.  The velocity is rotated with the same matrix (the rotation
    rate of TEME against the GCRS is below 1e-11 rad/s, i.e. < 1e-7 km/s at GEO)."""
    t = _times(t_utc)
    r = _check_state(r_teme_km, "r_teme_km", t.shape)
    v = _check_state(v_teme_km_s, "v_teme_km_s", t.shape)
    m = teme_to_gcrs_matrix(t, eop=eop, dx_rad=dx_rad, dy_rad=dy_rad)
    return _apply(m, r), _apply(m, v)


def teme_to_eme2000(
    r_teme_km: npt.ArrayLike,
    v_teme_km_s: npt.ArrayLike,
    t_utc: Any,
    *,
    eop: EarthOrientation | None = None,
    dx_rad: Any = 0.0,
    dy_rad: Any = 0.0,
) -> tuple[FloatArray, FloatArray]:
    """TEME -> EME2000 (IAU 2006/2000A plus the frame bias, :func:`teme_to_eme2000_matrix`),
    shapes as :func:`teme_to_itrf`; velocity as in :func:`teme_to_gcrs`."""
    t = _times(t_utc)
    r = _check_state(r_teme_km, "r_teme_km", t.shape)
    v = _check_state(v_teme_km_s, "v_teme_km_s", t.shape)
    m = teme_to_eme2000_matrix(t, eop=eop, dx_rad=dx_rad, dy_rad=dy_rad)
    return _apply(m, r), _apply(m, v)


def gcrs_to_teme(
    r_gcrs_km: npt.ArrayLike,
    v_gcrs_km_s: npt.ArrayLike,
    t_utc: Any,
    *,
    eop: EarthOrientation | None = None,
    dx_rad: Any = 0.0,
    dy_rad: Any = 0.0,
) -> tuple[FloatArray, FloatArray]:
    """Inverse of :func:`teme_to_gcrs` (same shapes)."""
    t = _times(t_utc)
    r = _check_state(r_gcrs_km, "r_gcrs_km", t.shape)
    v = _check_state(v_gcrs_km_s, "v_gcrs_km_s", t.shape)
    m = _transpose(teme_to_gcrs_matrix(t, eop=eop, dx_rad=dx_rad, dy_rad=dy_rad))
    return _apply(m, r), _apply(m, v)


def eme2000_to_teme(
    r_eme2000_km: npt.ArrayLike,
    v_eme2000_km_s: npt.ArrayLike,
    t_utc: Any,
    *,
    eop: EarthOrientation | None = None,
    dx_rad: Any = 0.0,
    dy_rad: Any = 0.0,
) -> tuple[FloatArray, FloatArray]:
    """Inverse of :func:`teme_to_eme2000` (same shapes)."""
    t = _times(t_utc)
    r = _check_state(r_eme2000_km, "r_eme2000_km", t.shape)
    v = _check_state(v_eme2000_km_s, "v_eme2000_km_s", t.shape)
    m = _transpose(teme_to_eme2000_matrix(t, eop=eop, dx_rad=dx_rad, dy_rad=dy_rad))
    return _apply(m, r), _apply(m, v)


# ---------------------------------------------------------------------------
# Geodetic coordinates on the WGS-84 ellipsoid.
# ---------------------------------------------------------------------------


def itrf_to_geodetic(r_itrf_km: npt.ArrayLike) -> tuple[Any, Any, Any]:
    """ITRF ``(..., 3)`` km -> geodetic ``(lat_deg, lon_deg, alt_km)``, each ``(...)``, WGS-84.

    Closed form of Vermeille (2002), "Direct transformation from geocentric coordinates
    to geodetic coordinates", J. Geodesy 76:451-454 (exact, no iteration; valid outside
    the evolute of the ellipsoid, i.e. anywhere more than ~50 km from Earth's centre).
    Longitude in (-180, 180].  NaN in, NaN out.
    """
    x = np.asarray(r_itrf_km, dtype=np.float64)
    a, e2 = WGS84_A_KM, WGS84_E2
    e4 = e2 * e2
    px, py, pz = x[..., 0], x[..., 1], x[..., 2]
    rho2 = px * px + py * py
    rho = np.sqrt(rho2)
    p = rho2 / (a * a)
    q = (1.0 - e2) * pz * pz / (a * a)
    r = (p + q - e4) / 6.0
    s = e4 * p * q / (4.0 * r**3)
    tt = np.cbrt(1.0 + s + np.sqrt(s * (2.0 + s)))
    u = r * (1.0 + tt + 1.0 / tt)
    v = np.sqrt(u * u + e4 * q)
    w = e2 * (u + v - q) / (2.0 * v)
    k = np.sqrt(u + v + w * w) - w
    d = k * rho / (k + e2)
    dz = np.sqrt(d * d + pz * pz)
    lat = 2.0 * np.arctan2(pz, d + dz)
    alt = (k + e2 - 1.0) / k * dz
    lon = np.arctan2(py, px)
    return np.degrees(lat), np.degrees(lon), alt


def geodetic_to_itrf(lat_deg: npt.ArrayLike, lon_deg: npt.ArrayLike, alt_km: npt.ArrayLike) -> FloatArray:
    """Geodetic WGS-84 latitude/longitude (deg) and ellipsoidal height (km) -> ITRF ``(..., 3)`` km.

    Standard closed form (NIMA TR8350.2, sec. 4.1.1): N = a / sqrt(1 - e^2 sin^2 lat).
    """
    lat = np.radians(np.asarray(lat_deg, dtype=np.float64))
    lon = np.radians(np.asarray(lon_deg, dtype=np.float64))
    h = np.asarray(alt_km, dtype=np.float64)
    sl, cl = np.sin(lat), np.cos(lat)
    n = WGS84_A_KM / np.sqrt(1.0 - WGS84_E2 * sl * sl)
    return np.stack(
        [(n + h) * cl * np.cos(lon), (n + h) * cl * np.sin(lon), (n * (1.0 - WGS84_E2) + h) * sl], axis=-1
    )


def teme_to_geodetic(
    r_teme_km: npt.ArrayLike, t_utc: Any, *, eop: EarthOrientation | None = None
) -> tuple[Any, Any, Any]:
    """TEME ``(..., T, 3)`` -> ``(lat_deg, lon_deg, alt_km)`` each ``(..., T)`` via ITRF."""
    r = np.asarray(r_teme_km, dtype=np.float64)
    r_itrf, _ = teme_to_itrf(r, np.zeros_like(r), t_utc, eop=eop)
    return itrf_to_geodetic(r_itrf)

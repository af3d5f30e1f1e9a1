"""Mean-element helpers shared by the detectors (manoeuvres, proximity, fragmentation).

Everything here works on numpy arrays of SGP4 mean elements (TLE / OMM, Kozai mean
motion, TEME of epoch) and returns arrays of the same shape.  The formulas are those
of the SGP4 initialisation in Vallado, Crawford, Hujsak & Kelso (2006), "Revisiting
Spacetrack Report #3", AIAA 2006-6753, routine ``initl`` and the secular part of
``sgp4init`` (WGS-72 constants, J2 and J4 secular rates), so that the quantities are
consistent with what SGP4 itself does with the element set:

* :func:`brouwer_mean_motion_rad_min` / :func:`semi_major_axis_km` — the "un-Kozai"
  step (Kozai mean motion -> Brouwer mean motion -> semi-major axis), re-exported from
  the one orbit-maths module :mod:`orbitwatch.constants` (``brouwer_semi_major_axis_km``);
* :func:`secular_rates_rad_min` — J2/J4 secular rates of mean anomaly, argument of
  perigee and right ascension of the ascending node (``mdot``, ``argpdot``, ``nodedot``);
* :func:`apogee_perigee_altitude_km`, :func:`eccentricity_vector`, :func:`orbit_normal`;
* :func:`gmst_rad` (IAU-82 GMST, Vallado 4th ed. eq. 3-47, the angle SGP4 uses to go
  from TEME to a pseudo Earth-fixed frame), :func:`geo_longitude_deg` (mean
  sub-satellite longitude) and :func:`longitude_drift_deg_day` (GEO drift rate);
* :func:`mean_position_km` — a cheap secular-only (J2/J4 + mean-motion derivative)
  Keplerian position for prefilters (tens of km from SGP4 in LEO within a day);
* :func:`regime` — LEO / MEO / GEO / HEO classification from mean elements.

Units are in the names; angles in degrees unless the name says ``_rad``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from orbitwatch.constants import (
    DEG,
    EARTH_ROTATION_RAD_S,
    MINUTES_PER_DAY,
    SECONDS_PER_DAY,
    TWO_PI,
    WGS72_J2,
    WGS72_J4,
    WGS72_MU_KM3_S2,
    WGS72_RADIUS_KM,
    brouwer_mean_motion_rad_min,
    eccentric_anomaly_rad,
    sgp4_semi_major_axis_er,
    wrap_2pi,
    wrap_180_deg,
)
from orbitwatch.constants import brouwer_semi_major_axis_km as semi_major_axis_km
from orbitwatch.frames import gmst82_rad
from orbitwatch.times import jd_utc

__all__ = [
    "REGIMES",
    "SIDEREAL_REV_PER_DAY",
    "WGS72_J2",
    "WGS72_J4",
    "apogee_perigee_altitude_km",
    "brouwer_mean_motion_rad_min",
    "circular_speed_km_s",
    "eccentricity_vector",
    "geo_longitude_deg",
    "gmst_rad",
    "longitude_drift_deg_day",
    "mean_position_km",
    "orbit_normal",
    "regime",
    "secular_rates_rad_min",
    "semi_major_axis_km",
]

FloatArray = npt.NDArray[np.float64]

_DEG = DEG
# Earth's sidereal rotation in rev/day: the mean motion of a geosynchronous orbit.
SIDEREAL_REV_PER_DAY = EARTH_ROTATION_RAD_S * SECONDS_PER_DAY / TWO_PI

REGIMES = ("leo", "meo", "geo", "heo")


def _f(x: Any) -> FloatArray:
    return np.asarray(x, dtype=np.float64)


def apogee_perigee_altitude_km(
    mean_motion_rev_per_day: Any, eccentricity: Any, inclination_deg: Any
) -> tuple[FloatArray, FloatArray]:
    """(apogee, perigee) altitude above the WGS-72 equatorial radius, km: ``a (1 +- e) - R``."""
    a = semi_major_axis_km(mean_motion_rev_per_day, eccentricity, inclination_deg)
    e = _f(eccentricity)
    return a * (1.0 + e) - WGS72_RADIUS_KM, a * (1.0 - e) - WGS72_RADIUS_KM


def circular_speed_km_s(semi_major_axis_km: Any) -> FloatArray:
    """``sqrt(mu / a)``, km/s (the ``v`` of the Gauss variational equations, near-circular)."""
    return np.sqrt(WGS72_MU_KM3_S2 / _f(semi_major_axis_km))


def secular_rates_rad_min(
    mean_motion_rev_per_day: Any, eccentricity: Any, inclination_deg: Any
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """SGP4's secular rates ``(mdot, argpdot, nodedot)`` in rad/min (J2 and J4 terms).

    Vallado et al. (2006), ``sgp4init``: with ``p^-2 = 1/(a0^2 (1-e^2)^2)`` (Earth radii),
    ``t1 = 1.5 J2 p^-2 n''``, ``t2 = 0.5 t1 J2 p^-2``, ``t3 = -0.46875 J4 p^-4 n''``.
    Lunar-solar (deep-space) secular terms are not included.
    """
    n = brouwer_mean_motion_rad_min(mean_motion_rev_per_day, eccentricity, inclination_deg)
    e = _f(eccentricity)
    cosi = np.cos(_f(inclination_deg) * _DEG)
    c2 = cosi * cosi
    c4 = c2 * c2
    omeosq = 1.0 - e * e
    rteosq = np.sqrt(omeosq)
    ao = sgp4_semi_major_axis_er(n)
    with np.errstate(divide="ignore", invalid="ignore"):
        posq = (ao * omeosq) ** 2
        pinvsq = 1.0 / posq
    temp1 = 1.5 * WGS72_J2 * pinvsq * n
    temp2 = 0.5 * temp1 * WGS72_J2 * pinvsq
    temp3 = -0.46875 * WGS72_J4 * pinvsq * pinvsq * n
    con41 = 3.0 * c2 - 1.0
    con42 = 1.0 - 5.0 * c2
    mdot = n + 0.5 * temp1 * rteosq * con41 + 0.0625 * temp2 * rteosq * (13.0 - 78.0 * c2 + 137.0 * c4)
    argpdot = (
        -0.5 * temp1 * con42
        + 0.0625 * temp2 * (7.0 - 114.0 * c2 + 395.0 * c4)
        + temp3 * (3.0 - 36.0 * c2 + 49.0 * c4)
    )
    nodedot = -temp1 * cosi + (0.5 * temp2 * (4.0 - 19.0 * c2) + 2.0 * temp3 * (3.0 - 7.0 * c2)) * cosi
    return mdot, argpdot, nodedot


def eccentricity_vector(eccentricity: Any, arg_perigee_deg: Any) -> tuple[FloatArray, FloatArray]:
    """``(e cos w, e sin w)``: the in-plane eccentricity vector (nodal frame)."""
    e = _f(eccentricity)
    w = _f(arg_perigee_deg) * _DEG
    return e * np.cos(w), e * np.sin(w)


def orbit_normal(inclination_deg: Any, raan_deg: Any) -> FloatArray:
    """Unit orbit normal in TEME, shape ``(..., 3)``: ``(sin i sin O, -sin i cos O, cos i)``."""
    i = _f(inclination_deg) * _DEG
    o = _f(raan_deg) * _DEG
    return np.stack([np.sin(i) * np.sin(o), -np.sin(i) * np.cos(o), np.cos(i)], axis=-1)


def gmst_rad(times: Any) -> FloatArray:
    """Greenwich mean sidereal time (IAU-82, Vallado 4th ed. eq. 3-47) of UTC times, rad in [0, 2pi).

    This is the angle SGP4 (``gstime``) uses between TEME and the pseudo Earth-fixed
    frame; UT1 is approximated by UTC (|UT1-UTC| < 0.9 s, < 0.004 deg).  The one GMST of
    orbitwatch is :func:`orbitwatch.frames.gmst82_rad`; this is it on UTC times.
    """
    jd, fr = jd_utc(np.asarray(times))
    theta: FloatArray = np.asarray(gmst82_rad(jd, fr), dtype=np.float64)
    return theta


def _true_anomaly_rad(mean_anomaly_rad: FloatArray, e: FloatArray) -> FloatArray:
    # Equation of the centre to second order in e (ample for near-circular GEO).
    m = mean_anomaly_rad
    out: FloatArray = m + 2.0 * e * np.sin(m) + 1.25 * e * e * np.sin(2.0 * m)
    return out


def geo_longitude_deg(
    epoch: Any, raan_deg: Any, arg_perigee_deg: Any, mean_anomaly_deg: Any, eccentricity: Any
) -> FloatArray:
    """Mean sub-satellite longitude at the element-set epoch, deg East in [-180, 180).

    ``lambda = O + w + nu - GMST``: right ascension of the satellite measured along the
    equator (exact for zero inclination; for inclination ``i`` the error is below
    ``i^2/4`` rad, 0.002 deg at i = 0.5 deg).
    """
    e = _f(eccentricity)
    nu = _true_anomaly_rad(_f(mean_anomaly_deg) * _DEG, e)
    lam = _f(raan_deg) * _DEG + _f(arg_perigee_deg) * _DEG + nu - gmst_rad(epoch)
    out: FloatArray = wrap_180_deg(np.degrees(lam))
    return out


def longitude_drift_deg_day(mean_motion_rev_per_day: Any, eccentricity: Any, inclination_deg: Any) -> FloatArray:
    """Mean longitude drift rate, deg/day East: ``mdot + argpdot + nodedot - omega_Earth``.

    Uses SGP4's J2/J4 secular rates so that the drift of a station-kept GEO satellite is
    near zero (the plain ``360 (n - 1.0027379)`` differs by about 0.01 deg/day).
    """
    mdot, argpdot, nodedot = secular_rates_rad_min(mean_motion_rev_per_day, eccentricity, inclination_deg)
    rate_rev_day = (mdot + argpdot + nodedot) * MINUTES_PER_DAY / TWO_PI
    out: FloatArray = (rate_rev_day - SIDEREAL_REV_PER_DAY) * 360.0
    return out


def regime(mean_motion_rev_per_day: Any, eccentricity: Any) -> npt.NDArray[np.str_]:
    """'leo' / 'meo' / 'geo' / 'heo' per element set.

    GEO: 0.9 < n < 1.1 rev/day and e < 0.1 (the MANIFEST's GEO-like cut); HEO: e >= 0.25;
    LEO: perigee-based period under 225 min (n > 6.4 rev/day); MEO otherwise.
    """
    n = _f(mean_motion_rev_per_day)
    e = _f(eccentricity)
    out = np.full(n.shape, "meo", dtype="<U3")
    out[n > 6.4] = "leo"
    out[(n > 0.9) & (n < 1.1) & (e < 0.1)] = "geo"
    out[e >= 0.25] = "heo"
    return out


def mean_position_km(  # noqa: PLR0917 - issue 10: still to refactor
    mean_motion_rev_per_day: Any,
    eccentricity: Any,
    inclination_deg: Any,
    raan_deg: Any,
    arg_perigee_deg: Any,
    mean_anomaly_deg: Any,
    mean_motion_dot_rev_per_day2: Any,
    dt_min: Any,
) -> FloatArray:
    """Approximate TEME position (km, shape ``(..., 3)``) ``dt_min`` minutes after the epoch.

    Secular theory only: SGP4's J2/J4 rates of M, w and O (:func:`secular_rates_rad_min`),
    the TLE's first mean-motion derivative (``ndot/2`` in rev/day^2, so
    ``dM = 2 pi ndot2 dt^2``), Kepler's equation for the eccentric anomaly; no short-period
    or drag-on-a terms.  For prefilters and coarse trends, never as an ephemeris.
    """
    n = _f(mean_motion_rev_per_day)
    e = _f(eccentricity)
    inc = _f(inclination_deg) * _DEG
    dt = _f(dt_min)
    mdot, argpdot, nodedot = secular_rates_rad_min(n, e, _f(inclination_deg))
    a = semi_major_axis_km(n, e, _f(inclination_deg))
    dt_day = dt / MINUTES_PER_DAY
    m = _f(mean_anomaly_deg) * _DEG + mdot * dt + TWO_PI * _f(mean_motion_dot_rev_per_day2) * dt_day**2
    w = _f(arg_perigee_deg) * _DEG + argpdot * dt
    o = _f(raan_deg) * _DEG + nodedot * dt
    big_e = eccentric_anomaly_rad(wrap_2pi(m), e)
    r = a * (1.0 - e * np.cos(big_e))
    nu = 2.0 * np.arctan2(np.sqrt(1.0 + e) * np.sin(big_e / 2.0), np.sqrt(1.0 - e) * np.cos(big_e / 2.0))
    u = w + nu
    cu, su, co, so, ci, si = np.cos(u), np.sin(u), np.cos(o), np.sin(o), np.cos(inc), np.sin(inc)
    out: FloatArray = np.stack(
        [r * (co * cu - so * su * ci), r * (so * cu + co * su * ci), r * su * si], axis=-1
    )
    return out

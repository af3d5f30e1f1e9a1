"""Physical constants, the internal unit convention and the orbit maths, declared once.

Internal units: kilometres, kilometres per second, seconds, radians (``_deg`` where a
name says so), UTC times as ``datetime64[us]`` (:mod:`orbitwatch.times`).

SGP4 uses the WGS-72 gravity model (Vallado et al. 2006, "Revisiting Spacetrack
Report #3", AIAA 2006-6753, sec. "Constants"); geodetic conversions use WGS-84
(NIMA TR8350.2).

Below the constants, the one implementation of each piece of orbit maths the package
uses: mean motion <-> semi-major axis (two-body, and SGP4's Brouwer "un-Kozai" one),
orbital period, angle wrapping, the RIC/RTN basis and Kepler's equation (elliptic, in classical and
equinoctial form, and the universal-variable form compiled for kernels).  References
are in each docstring; the tests pin them to Vallado's worked example and python-sgp4.
"""

from __future__ import annotations

import math
from typing import Any

import numba
import numpy as np

# WGS-72 as used by SGP4 (sgp4.api.WGS72).
WGS72_MU_KM3_S2 = 398600.8
WGS72_RADIUS_KM = 6378.135
# WGS-72 zonal harmonics as used by SGP4 (sgp4.api.WGS72; Vallado et al. 2006, getgravconst).
WGS72_J2 = 0.001082616
WGS72_J4 = -0.00000165597

# WGS-84 ellipsoid for geodetic latitude/longitude/altitude.
WGS84_A_KM = 6378.137
WGS84_F = 1.0 / 298.257223563
WGS84_E2 = WGS84_F * (2.0 - WGS84_F)

# Earth's rotation rate (IERS conventions), rad/s.
EARTH_ROTATION_RAD_S = 7.292115146706979e-5

SECONDS_PER_DAY = 86400.0
MINUTES_PER_DAY = 1440.0
TWO_PI = 2.0 * math.pi
DEG = math.pi / 180.0
ARCSEC = DEG / 3600.0


# --------------------------------------------------------------------------------------
# Orbit maths: the one place for mean motion <-> semi-major axis, period, angle wrap and
# Kepler's equation.  Every function takes numpy arrays (or scalars) and broadcasts; the
# elliptic solver also accepts complex input (the complex-step Jacobians of
# :mod:`orbitwatch.risk.equinoctial`), the universal-variable solver is compiled with
# numba so that kernels can call it.
# --------------------------------------------------------------------------------------

#: SGP4's ``xke = sqrt(mu / R^3)`` in 1/min (Earth radii, minutes; Vallado et al. 2006, getgravconst).
SGP4_XKE = 60.0 / math.sqrt(WGS72_RADIUS_KM**3 / WGS72_MU_KM3_S2)
_TWO_THIRDS = 2.0 / 3.0


def mean_motion_rad_s(mean_motion_rev_per_day: Any) -> Any:
    """Mean motion in rad/s from rev/day (``n 2 pi / 86400``)."""
    return np.asarray(mean_motion_rev_per_day, dtype=np.float64) * TWO_PI / SECONDS_PER_DAY


def mean_motion_rev_per_day(mean_motion_rad_s: Any) -> Any:
    """Mean motion in rev/day from rad/s (``n 86400 / 2 pi``)."""
    return np.asarray(mean_motion_rad_s, dtype=np.float64) * SECONDS_PER_DAY / TWO_PI


def kepler_semi_major_axis_km(mean_motion_rad_s: Any, mu: float = WGS72_MU_KM3_S2) -> Any:
    """Two-body semi-major axis ``a = (mu / n^2)^(1/3)`` (Kepler's third law), km; n in rad/s.

    Accepts complex input (complex step).  For the semi-major axis SGP4 itself derives
    from a TLE's Kozai mean motion use :func:`brouwer_semi_major_axis_km`.
    """
    n = np.asarray(mean_motion_rad_s)
    with np.errstate(divide="ignore", invalid="ignore"):
        return (mu / (n * n)) ** (1.0 / 3.0)


def kepler_mean_motion_rad_s(semi_major_axis_km: Any, mu: float = WGS72_MU_KM3_S2) -> Any:
    """Two-body mean motion ``n = sqrt(mu / |a|^3)``, rad/s (``|a|`` so hyperbolae give their rate)."""
    a = np.asarray(semi_major_axis_km, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.sqrt(mu / np.abs(a) ** 3)


def kepler_period_s(semi_major_axis_km: Any, mu: float = WGS72_MU_KM3_S2) -> Any:
    """Two-body orbital period ``T = 2 pi sqrt(a^3 / mu)``, s (NaN for a < 0)."""
    a = np.asarray(semi_major_axis_km, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        return TWO_PI * np.sqrt(a**3 / mu)


def period_s(mean_motion_rev_per_day: Any) -> Any:
    """Orbital period from the mean motion, s (``86400 / n``; ``inf`` where ``n <= 0``)."""
    n = np.asarray(mean_motion_rev_per_day, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(n > 0, SECONDS_PER_DAY / n, np.inf)


def period_min(mean_motion_rev_per_day: Any) -> Any:
    """Orbital period from the mean motion, minutes (``1440 / n``; ``inf`` where ``n <= 0``)."""
    n = np.asarray(mean_motion_rev_per_day, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(n > 0, MINUTES_PER_DAY / n, np.inf)


def sgp4_semi_major_axis_er(mean_motion_rad_min: Any) -> Any:
    """``(xke / n)^(2/3)``: two-body semi-major axis in Earth radii, SGP4's canonical units (n in rad/min)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return (SGP4_XKE / np.asarray(mean_motion_rad_min, dtype=np.float64)) ** _TWO_THIRDS


def brouwer_mean_motion_rad_min(mean_motion_rev_per_day: Any, eccentricity: Any, inclination_deg: Any) -> Any:
    """Brouwer ("un-Kozai") mean motion in rad/min from the Kozai mean motion of a TLE/OMM.

    Vallado et al. (2006), ``initl``: ``a1 = (xke/n)^(2/3)``, ``d1 = 0.75 J2 (3cos^2 i - 1) /
    (1-e^2)^(3/2)``, ``delta = d1/a1^2``, ``a0 = a1 (1 - delta^2 - delta (1/3 + 134 delta^2/81))``,
    ``n'' = n / (1 + d1/a0^2)``.
    """
    n_kozai = np.asarray(mean_motion_rev_per_day, dtype=np.float64) * (TWO_PI / MINUTES_PER_DAY)
    e = np.asarray(eccentricity, dtype=np.float64)
    cosi = np.cos(np.asarray(inclination_deg, dtype=np.float64) * DEG)
    omeosq = 1.0 - e * e
    d1 = 0.75 * WGS72_J2 * (3.0 * cosi * cosi - 1.0) / (np.sqrt(omeosq) * omeosq)
    with np.errstate(divide="ignore", invalid="ignore"):
        ak = sgp4_semi_major_axis_er(n_kozai)
        delta = d1 / (ak * ak)
        adel = ak * (1.0 - delta * delta - delta * (1.0 / 3.0 + 134.0 * delta * delta / 81.0))
        delta = d1 / (adel * adel)
        return n_kozai / (1.0 + delta)


def brouwer_semi_major_axis_km(mean_motion_rev_per_day: Any, eccentricity: Any, inclination_deg: Any) -> Any:
    """Brouwer mean semi-major axis (km) from a TLE/OMM's Kozai mean motion, as SGP4 computes it (``ao``)."""
    n = brouwer_mean_motion_rad_min(mean_motion_rev_per_day, eccentricity, inclination_deg)
    return sgp4_semi_major_axis_er(n) * WGS72_RADIUS_KM


def wrap_2pi(angle_rad: Any) -> Any:
    """Angle wrapped into ``[0, 2 pi)``, rad.

    Real input: ``np.mod``.  Complex input (complex step): the turn count comes from the
    real part, ``x - 2 pi floor(Re x / 2 pi)``, so the perturbation passes through.
    """
    x = np.asarray(angle_rad)
    if np.iscomplexobj(x):
        return x - TWO_PI * np.floor(np.real(x) / TWO_PI)
    return np.mod(x, TWO_PI)


def wrap_pi(angle_rad: Any) -> Any:
    """Angle wrapped into ``[-pi, pi)``, rad (``(x + pi) mod 2 pi - pi``)."""
    return (np.asarray(angle_rad, dtype=np.float64) + math.pi) % TWO_PI - math.pi


def wrap_360_deg(angle_deg: Any) -> Any:
    """Angle wrapped into ``[0, 360)``, deg."""
    return np.mod(np.asarray(angle_deg, dtype=np.float64), 360.0)


def wrap_180_deg(angle_deg: Any) -> Any:
    """Angle wrapped into ``[-180, 180)``, deg (``(x + 180) mod 360 - 180``)."""
    return (np.asarray(angle_deg, dtype=np.float64) + 180.0) % 360.0 - 180.0


def ric_basis(r_km: Any, v_km_s: Any) -> Any:
    """Rotation matrices whose rows are the unit R, I, C (CCSDS: R, T, N) axes of a reference orbit.

    ``r_km`` ``(..., 3)`` and ``v_km_s`` ``(..., 3)`` (any frame, broadcast together)
    -> ``(..., 3, 3)``: row 0 radial ``r/|r|``, row 2 cross-track ``(r x v)/|r x v|``,
    row 1 in-track ``C x R`` (CCSDS 508.0-B-1 sec. 3.2).  ``basis @ d`` expresses a vector
    ``d`` in RIC, ``basis.T @ d_ric`` goes back.  NaN inputs give NaN rows.  The one local
    orbital frame of orbitwatch (:func:`orbitwatch.frames.ric_basis` is this function).
    """
    r = np.asarray(r_km, dtype=np.float64)
    v = np.asarray(v_km_s, dtype=np.float64)
    r, v = np.broadcast_arrays(r, v)
    radial = r / np.linalg.norm(r, axis=-1, keepdims=True)
    h = np.cross(r, v)
    cross = h / np.linalg.norm(h, axis=-1, keepdims=True)
    in_track = np.cross(cross, radial)
    return np.stack([radial, in_track, cross], axis=-2)


def solve_kepler_equinoctial(
    mean_longitude_rad: Any, af: Any, ag: Any, *, start: Any = None, tol: float = 1e-15, max_iter: int = 60
) -> Any:
    """Eccentric longitude ``F`` of ``lam = F + ag cos F - af sin F`` (Kepler's equation), rad.

    Newton's method from ``start`` (default ``lam``) until every step is below ``tol``
    (at most ``max_iter`` steps).  With ``af = e, ag = 0`` this is the classical
    ``M = E - e sin E`` (:func:`eccentric_anomaly_rad`).  Elliptic orbits only
    (``af^2 + ag^2 < 1``); accepts complex input (complex step: the real parts decide
    convergence).  Reference: Vallado, *Fundamentals of Astrodynamics and Applications*,
    4th ed., Algorithm 2 (KepEqtnE); equinoctial form as in Vallado and Alfano (2015).
    """
    lam = np.asarray(mean_longitude_rad)
    big_f = lam + 0.0 * af if start is None else np.asarray(start)
    for _ in range(max_iter):
        c_f, s_f = np.cos(big_f), np.sin(big_f)
        step = (big_f + ag * c_f - af * s_f - lam) / (1.0 - ag * s_f - af * c_f)
        big_f = big_f - step
        if not np.any(np.abs(np.real(step)) >= tol):  # NaN entries (bad elements) do not hold it up
            break
    return big_f


def eccentric_anomaly_rad(mean_anomaly_rad: Any, eccentricity: Any) -> Any:
    """Eccentric anomaly ``E`` of ``M = E - e sin E`` (elliptic), rad; start ``M + e sin M``.

    Vallado 4th ed. Example 2-1: ``M = 235.4 deg, e = 0.4`` gives ``E = 220.512074767522 deg``.
    """
    m = np.asarray(mean_anomaly_rad, dtype=np.float64)
    e = np.asarray(eccentricity, dtype=np.float64)
    return solve_kepler_equinoctial(m, e, 0.0 * e, start=m + e * np.sin(m))


@numba.njit(cache=True, fastmath=False)
def _stumpff(z: float) -> tuple[float, float]:
    if z > 1e-6:
        s = math.sqrt(z)
        return (1.0 - math.cos(s)) / z, (s - math.sin(s)) / (s * z)
    if z < -1e-6:
        s = math.sqrt(-z)
        return (math.cosh(s) - 1.0) / (-z), (math.sinh(s) - s) / (s * -z)
    return 0.5 - z / 24.0 + z * z / 720.0, 1.0 / 6.0 - z / 120.0 + z * z / 5040.0


@numba.njit(cache=True, fastmath=False)
def kepler_universal(  # noqa: PLR0917 - numba kernel: njit takes flat positional scalars
    x: float, y: float, z: float, vx: float, vy: float, vz: float, dt: float, mu: float
) -> tuple[float, float, float, float, float, float]:
    """Propagate one state (km, km/s) by ``dt`` seconds on its conic; compiled, callable from kernels.

    Universal-variable Kepler's equation: Vallado, *Fundamentals of Astrodynamics and
    Applications*, 4th ed., Algorithm 8 (KEPLER, Stumpff functions, Newton iteration on
    ``chi``), with the elliptic time reduced modulo the period.
    """
    r0 = math.sqrt(x * x + y * y + z * z)
    v2 = vx * vx + vy * vy + vz * vz
    rv = x * vx + y * vy + z * vz
    alpha = 2.0 / r0 - v2 / mu
    smu = math.sqrt(mu)
    if alpha > 1e-12:
        period = 2.0 * math.pi / (smu * alpha**1.5)
        dt = dt - period * math.trunc(dt / period)
        chi = smu * dt * alpha
    else:
        chi = smu * dt / r0
    r = r0
    c = 0.5
    s = 1.0 / 6.0
    for _ in range(60):
        zz = alpha * chi * chi
        c, s = _stumpff(zz)
        r = chi * chi * c + rv / smu * chi * (1.0 - zz * s) + r0 * (1.0 - zz * c)
        f = rv / smu * chi * chi * c + (1.0 - alpha * r0) * chi**3 * s + r0 * chi - smu * dt
        step = f / r
        chi -= step
        if abs(step) < 1e-13 * (1.0 + abs(chi)):
            break
    zz = alpha * chi * chi
    c, s = _stumpff(zz)
    f = 1.0 - chi * chi / r0 * c
    g = dt - chi**3 / smu * s
    nx = f * x + g * vx
    ny = f * y + g * vy
    nz = f * z + g * vz
    r = math.sqrt(nx * nx + ny * ny + nz * nz)
    fd = smu / (r * r0) * (zz * chi * s - chi)
    gd = 1.0 - chi * chi / r * c
    return nx, ny, nz, fd * x + gd * vx, fd * y + gd * vy, fd * z + gd * vz

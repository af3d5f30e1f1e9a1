"""The Sun's position and Earth's shadow: sunlit / penumbra / umbra, and site twilight.

Sun position
    Geometric geocentric Sun from the JPL DE421 ephemeris (Folkner, Williams & Boggs
    2009, IPN Progress Report 42-178), read with ``jplephem`` from the ``de421.bsp`` file
    that the ``skyfield-data`` package installs: nothing is downloaded.  DE421 covers
    1900-2050.  Axes are ICRF (= GCRS).  The ephemeris time argument is TDB ~ TT
    (:func:`orbitwatch.eop.tt_jd`; TDB-TT < 2 ms moves the Sun by < 1e-4").  An
    analytic Sun (e.g. the Astronomical Almanac's 0.01 deg formula) was not chosen: 36"
    of error is ~0.2 s of eclipse timing at a LEO shadow edge and more at grazing
    geometry; DE421 costs one 17 MB package and is exact at this scale.

GCRS -> TEME
    The transpose of :mod:`orbitwatch.frames`' TEME -> GCRS rotation (IAU 2006/2000A
    through pyerfa, the TEME equinox from the equation of the equinoxes).  Measured against
    Skyfield's ``TEME`` frame (IAU 2000A) in ``tests/access/test_sun.py``: < 0.5" on the
    Sun's direction, i.e. < 0.01 s of eclipse timing for a LEO satellite (whose shadow
    edge moves by ~0.06 deg/s).

Shadow
    The conical model of Montenbruck & Gill, *Satellite Orbits* (2000), sec. 3.4.2:
    apparent radii ``a`` of the Sun and ``b`` of a spherical Earth and their angular
    separation ``c`` seen from the satellite.  Fully sunlit when ``c >= a + b``, umbra
    when ``c <= b - a``, penumbra in between with the visible fraction of the solar disc
    from the area of overlap of two discs.  ``g`` functions for the event finder
    (radians, > 0 = condition holds): ``c - (a + b)`` (no shadow at all),
    ``c - b`` (the Sun's centre visible: Skyfield's ``is_sunlit`` criterion, a point
    Sun and a spherical Earth) and ``c - (b - a)`` (outside the umbra).

Site twilight
    Solar elevation at a site (geometric, no refraction) against thresholds:
    sunrise/sunset -0.833 deg, civil -6, nautical -12, astronomical -18.
"""

from __future__ import annotations

import atexit
import importlib.util
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from orbitwatch.constants import WGS84_A_KM
from orbitwatch.eop import tt_jd
from orbitwatch.errors import DataError, InputError
from orbitwatch.frames import frame_bias_matrix, teme_to_eme2000_matrix
from orbitwatch.times import UTC_DTYPE

__all__ = [
    "PENUMBRA",
    "SHADOW_CRITERIA",
    "SUNLIT",
    "SUN_RADIUS_KM",
    "TWILIGHT_DEG",
    "UMBRA",
    "de421_path",
    "gcrs_to_teme_matrix",
    "illumination",
    "shadow_g",
    "sun_gcrs_km",
    "sun_teme_km",
]

FloatArray = npt.NDArray[np.float64]

SUN_RADIUS_KM = 695_700.0  # IAU 2015 Resolution B3 nominal solar radius
TWILIGHT_DEG = {"sunset": -0.833, "civil": -6.0, "nautical": -12.0, "astronomical": -18.0}

SUNLIT, PENUMBRA, UMBRA = 0, 1, 2
ShadowCriterion = Literal["penumbra", "center", "umbra"]
SHADOW_CRITERIA: tuple[str, ...] = ("penumbra", "center", "umbra")


def de421_path() -> Path:
    """The ``de421.bsp`` file of the installed ``skyfield-data`` package (not imported: it warns)."""
    spec = importlib.util.find_spec("skyfield_data")
    if spec is None or not spec.submodule_search_locations:
        raise DataError("the skyfield-data package (JPL DE421) is not installed", code="DATA_EPHEMERIS")
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / "de421.bsp"
    if not path.is_file():
        raise DataError(f"{path} is missing", code="DATA_EPHEMERIS")
    return path


@lru_cache(maxsize=1)
def _kernel() -> Any:
    """The DE421 kernel, opened once and closed at interpreter exit (no unclosed-file warning)."""
    from jplephem.spk import SPK

    kernel = SPK.open(str(de421_path()))
    atexit.register(_close_kernel, kernel)
    return kernel


def _close_kernel(kernel: Any) -> None:
    kernel.close()
    _kernel.cache_clear()


def _jd_tt(times: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    t = np.atleast_1d(np.asarray(times, dtype=UTC_DTYPE))
    jd, fr = tt_jd(t)
    return np.asarray(jd, dtype=np.float64), np.asarray(fr, dtype=np.float64)


def sun_gcrs_km(times: npt.ArrayLike) -> FloatArray:
    """Geometric geocentric Sun position, ICRF axes, km: ``times (T,)`` UTC -> ``(T, 3)``."""
    jd, fr = _jd_tt(times)
    if np.any(jd + fr < 2414992.5) or np.any(jd + fr > 2471184.5):
        raise InputError("the Sun ephemeris (DE421) covers 1900-2050 only", code="SUN_RANGE")
    k = _kernel()
    # Sun - Earth = (SSB->Sun) - (SSB->EMB) - (EMB->Earth)
    sun = k[0, 10].compute(jd, fr) - k[0, 3].compute(jd, fr) - k[3, 399].compute(jd, fr)
    return np.ascontiguousarray(np.asarray(sun, dtype=np.float64).T)


def gcrs_to_teme_matrix(times: npt.ArrayLike) -> FloatArray:
    """Rotation matrices ``(T, 3, 3)`` with ``r_teme = M @ r_gcrs``.

    The transpose of :func:`orbitwatch.frames.teme_to_gcrs`'s rotation (IAU 2006/2000A
    via pyerfa; EME2000 undone by the frame bias).
    """
    t = np.atleast_1d(np.asarray(times, dtype=UTC_DTYPE))
    m = np.swapaxes(frame_bias_matrix(), -1, -2) @ teme_to_eme2000_matrix(t)  # r_gcrs = m r_teme
    return np.ascontiguousarray(np.swapaxes(m, -1, -2))


def sun_teme_km(times: npt.ArrayLike) -> FloatArray:
    """Geometric geocentric Sun in TEME of date, km: ``times (T,)`` -> ``(T, 3)``."""
    return np.einsum("tij,tj->ti", gcrs_to_teme_matrix(times), sun_gcrs_km(times))


def _angles(r_km: FloatArray, sun_km: FloatArray, earth_radius_km: float
            ) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Apparent radii of Sun (a) and Earth (b) and their separation (c), rad; shapes broadcast."""
    d = sun_km - r_km
    dn = np.linalg.norm(d, axis=-1)
    rn = np.linalg.norm(r_km, axis=-1)
    a = np.arcsin(np.clip(SUN_RADIUS_KM / dn, -1.0, 1.0))
    b = np.arcsin(np.clip(earth_radius_km / rn, -1.0, 1.0))
    cosc = -np.einsum("...i,...i->...", r_km, d) / (rn * dn)
    c = np.arccos(np.clip(cosc, -1.0, 1.0))
    return a, b, c


def shadow_g(r_km: npt.ArrayLike, sun_km: npt.ArrayLike, criterion: ShadowCriterion = "center",
             *, earth_radius_km: float = WGS84_A_KM) -> FloatArray:
    """Shadow g-function (rad, > 0 = lit by that criterion) for positions ``(..., 3)``.

    ``r_km`` and ``sun_km`` in the same geocentric frame, broadcast together.
    """
    a, b, c = _angles(np.asarray(r_km, np.float64), np.asarray(sun_km, np.float64), earth_radius_km)
    if criterion == "penumbra":
        return np.asarray(c - (a + b))
    if criterion == "center":
        return np.asarray(c - b)
    if criterion == "umbra":
        return np.asarray(c - (b - a))
    raise InputError(f"unknown shadow criterion {criterion!r}; use one of {SHADOW_CRITERIA}",
                     code="INPUT_INVALID", field="criterion")


def illumination(r_km: npt.ArrayLike, sun_km: npt.ArrayLike, *, earth_radius_km: float = WGS84_A_KM
                 ) -> tuple[npt.NDArray[np.int8], FloatArray]:
    """Conical shadow state and visible fraction of the solar disc.

    ``r_km (..., 3)``, ``sun_km`` broadcastable -> ``state (...)`` int8
    (:data:`SUNLIT` 0, :data:`PENUMBRA` 1, :data:`UMBRA` 2) and ``fraction (...)`` in 0..1.
    """
    a, b, c = _angles(np.asarray(r_km, np.float64), np.asarray(sun_km, np.float64), earth_radius_km)
    lit = c >= a + b
    umbra = c <= b - a
    state = np.where(lit, SUNLIT, np.where(umbra, UMBRA, PENUMBRA)).astype(np.int8)
    with np.errstate(invalid="ignore", divide="ignore"):
        x = (c * c + a * a - b * b) / (2.0 * c)
        y = np.sqrt(np.clip(a * a - x * x, 0.0, None))
        area = a * a * np.arccos(np.clip(x / a, -1, 1)) + b * b * np.arccos(np.clip((c - x) / b, -1, 1)) \
            - c * y
        frac = 1.0 - area / (np.pi * a * a)
    frac = np.where(lit, 1.0, np.where(umbra, 0.0, np.clip(frac, 0.0, 1.0)))
    nan = ~np.isfinite(c)
    return np.where(nan, -1, state).astype(np.int8), np.where(nan, np.nan, frac)

"""TEME -> GCRS / EME2000 against Vallado's worked example, Skyfield and a second ERFA route.

1. Vallado, Crawford, Hujsak & Kelso (2006), AIAA 2006-6753, App. C gives the TEME
   state of the worked example (2004-04-06 07:51:28.386009 UTC); Vallado,
   *Fundamentals of Astrodynamics and Applications*, 4th ed. (2013), Example 3-14 gives
   the GCRF of the same instant by the IAU-2006/2000 CIO reduction, with
   xp = -0.140682", yp = 0.333309", UT1-UTC = -0.4399619 s, LOD = 1.5563 ms,
   dX = -0.000205", dY = -0.000136":
   r_GCRF = (5102.508959, 6123.011403, 6378.136925) km,
   v_GCRF = (-4.743220156, 0.790536497, 5.533755728) km/s.
   Vallado's own test program (his public astrodynamics library) prints beside it the
   SOFA result from the example's ITRF state, "SOFA ECI CIO" (5102.508959486507,
   6123.011392959787, 6378.136934384333) km, which the test recomputes from the ITRF
   state through ERFA's terrestrial chain (polar motion, ERA, CIP; no TEME, no GMST82).
   The book value and SOFA differ by 1.4 cm, and the App. C TEME state reproduces the
   App. C ITRF state only to 0.85 cm (GMST82 + polar motion), so this example checks to
   1 cm against SOFA and 1.5 cm against the book, not better.
2. Skyfield 1.55 (its own IAU 2000A nutation and IAU 2006 precession, its own TEME
   rotation ``sgp4lib.TEME``), which applies no celestial-pole offsets: over one day of
   real catalog objects, <= 1 cm in position (we see 0.3 mm) and 1e-8 km/s.
3. The equinox-based ERFA route (``pnm06a``, ``gst06a``) against the CIO-based one that
   orbitwatch uses: 3e-11 rad (1.3 mm at GEO; the two series differ by ~2 micro-arcseconds).
4. The IAU-76/FK5 reduction kept for comparison (``teme_to_eme2000_iau76``): Vallado
   (2013) Example 3-15 / Table 3-6 with dPsi = -0.052195", dEps = -0.003875":
   r = (5102.508958, 6123.011401, 6378.136928) km, v = (-4.74322016, 0.79053650,
   5.53375573) km/s, to 5 cm and 1e-6 km/s (our IAU-80 series keeps the 63 terms >=
   0.0003", Meeus Table 22.A).
"""

from __future__ import annotations

from typing import Any

import erfa
import numpy as np

from orbitwatch.catalog.model import ElementSet
from orbitwatch.constants import ARCSEC
from orbitwatch.eop import EarthOrientation, tt_jd, ut1_jd
from orbitwatch.frames import (
    eme2000_to_teme,
    frame_bias_matrix,
    gcrs_to_teme,
    gmst82_rad,
    nutation80_rad,
    teme_to_eme2000,
    teme_to_eme2000_iau76,
    teme_to_gcrs,
    teme_to_gcrs_matrix,
)
from orbitwatch.propagation import propagate
from orbitwatch.times import parse_utc, time_grid

T_EX = np.datetime64("2004-04-06T07:51:28.386009", "us")
R_TEME = np.array([5094.18016210, 6127.64465950, 6380.34453270])
V_TEME = np.array([-4.746131487, 0.785818041, 5.531931288])
EOP_EX = EarthOrientation(ut1_minus_utc_s=-0.4399619, xp_rad=-0.140682 * ARCSEC, yp_rad=0.333309 * ARCSEC,
                          lod_s=0.0015563)
DX_EX, DY_EX = -0.000205 * ARCSEC, -0.000136 * ARCSEC
R_GCRF_CIO = np.array([5102.508959, 6123.011403, 6378.136925])
V_GCRF_CIO = np.array([-4.743220156, 0.790536497, 5.533755728])
R_GCRF_SOFA = np.array([5102.508959486507, 6123.011392959787, 6378.136934384333])
R_GCRF_FK5 = np.array([5102.508958, 6123.011401, 6378.136928])
V_GCRF_FK5 = np.array([-4.74322016, 0.79053650, 5.53375573])


def test_vallado_example_3_14_iau2006_cio() -> None:
    # The SOFA row, recomputed from the ITRF state of the example (a route without TEME).
    r_itrf = np.array([-1033.4793830, 7901.2952754, 6380.3565958])
    jd_t, fr_t = tt_jd(T_EX)
    jd_u, fr_u = ut1_jd(T_EX, EOP_EX.ut1_minus_utc_s)
    x, y = erfa.xy06(jd_t, fr_t)
    x, y = x + DX_EX, y + DY_EX
    c2i = erfa.c2ixys(x, y, erfa.s06(jd_t, fr_t, x, y))
    pom = erfa.pom00(EOP_EX.xp_rad, EOP_EX.yp_rad, erfa.sp00(jd_t, fr_t))
    np.testing.assert_allclose(erfa.c2tcio(c2i, erfa.era00(jd_u, fr_u), pom).T @ r_itrf, R_GCRF_SOFA, atol=1e-8)
    r, v = teme_to_gcrs(R_TEME, V_TEME, T_EX, eop=EOP_EX, dx_rad=DX_EX, dy_rad=DY_EX)
    assert np.linalg.norm(r - R_GCRF_SOFA) < 1e-5  # 1 cm (we see 0.87 cm, the App. C TEME/ITRF spread)
    assert np.linalg.norm(r - R_GCRF_CIO) < 1.5e-5  # 1.5 cm (we see 1.2 cm)
    assert np.abs(v - V_GCRF_CIO).max() < 1e-8
    # The celestial-pole offsets matter at this level: without them the result moves by ~1 cm.
    r0, _ = teme_to_gcrs(R_TEME, V_TEME, T_EX, eop=EOP_EX)
    assert 5e-6 < np.linalg.norm(r0 - r) < 2e-5


def test_vallado_example_3_15_fk5() -> None:
    r, v = teme_to_eme2000_iau76(R_TEME, V_TEME, T_EX, ddpsi_rad=-0.052195 * ARCSEC,
                                 ddeps_rad=-0.003875 * ARCSEC)
    assert np.linalg.norm(r - R_GCRF_FK5) < 5e-5  # 5 cm
    assert np.abs(v - V_GCRF_FK5).max() < 1e-6


def _day() -> tuple[np.ndarray, np.ndarray]:
    times = time_grid(parse_utc("2025-04-15T00:00:00Z"), parse_utc("2025-04-16T00:00:00Z"), 1200.0)
    return times, (times - times[0]).astype(np.int64) / 1e6


def test_skyfield_gcrs_within_a_centimetre(sample_elements: list[ElementSet], sample_tles: list[tuple[str, str]],
                                           skyfield_ts: Any) -> None:
    from skyfield.api import EarthSatellite

    times, secs = _day()
    eph = propagate(sample_elements, times)
    r, v = teme_to_gcrs(eph.r_km, eph.v_km_s, times)
    t = skyfield_ts.utc(2025, 4, 15, 0, 0, secs)
    for k, (l1, l2) in enumerate(sample_tles):
        p = EarthSatellite(l1, l2, ts=skyfield_ts).at(t)
        assert np.linalg.norm(p.position.km.T - r[k], axis=-1).max() < 1e-5  # 1 cm
        assert np.linalg.norm(p.velocity.km_per_s.T - v[k], axis=-1).max() < 1e-8


def test_skyfield_rotation_at_geo_radius(skyfield_ts: Any) -> None:
    """The rotation itself against Skyfield's ``TEME.rotation_at``: <= 1 cm at GEO radius
    (42,164 km) means <= 2.4e-10 rad; EME2000 = Skyfield's ``ICRS_to_J2000`` times GCRS."""
    from skyfield.framelib import ICRS_to_J2000
    from skyfield.sgp4lib import TEME

    times, secs = _day()
    sky = np.moveaxis(TEME.rotation_at(skyfield_ts.utc(2025, 4, 15, 0, 0, secs)), -1, 0)  # r_TEME = sky r_GCRS
    ours = teme_to_gcrs_matrix(times)
    assert np.abs(ours - np.swapaxes(sky, 1, 2)).max() * 42164.0 < 1e-5
    x = np.array([42164.0, 0.0, 0.0])
    r_eme, _ = teme_to_eme2000(np.broadcast_to(x, (times.size, 3)), np.zeros((times.size, 3)), times)
    expected = np.einsum("ij,tkj,k->ti", ICRS_to_J2000, sky, x)
    assert np.linalg.norm(r_eme - expected, axis=-1).max() < 1e-5


def test_equinox_route_agrees_with_cio_route() -> None:
    """ERFA's equinox-based route, r_GCRS = NPB^T R3(GMST82 - GAST) r_TEME (``pnm06a``,
    ``gst06a``), against the CIO-based one of :func:`teme_to_gcrs_matrix`, 1963-2026
    (inside the installed Earth-orientation tables)."""
    times = np.datetime64("1963-01-01T00:00:00", "us") + np.arange(0, 64 * 365, 97).astype("timedelta64[D]")
    jd_t, fr_t = tt_jd(times)
    jd_u, fr_u = ut1_jd(times)
    npb = erfa.pnm06a(jd_t, fr_t)
    theta = gmst82_rad(jd_u, fr_u) - erfa.gst06a(jd_u, fr_u, jd_t, fr_t)
    c, s = np.cos(theta), np.sin(theta)
    rot3 = np.zeros((times.size, 3, 3))
    rot3[:, 0, 0], rot3[:, 0, 1], rot3[:, 1, 0], rot3[:, 1, 1], rot3[:, 2, 2] = c, s, -s, c, 1.0
    expected = np.swapaxes(npb, 1, 2) @ rot3
    np.testing.assert_allclose(teme_to_gcrs_matrix(times), expected, rtol=0, atol=3e-11)  # we see 1.1e-11


def test_inverses_round_trip() -> None:
    times, _ = _day()
    rng = np.random.default_rng(3)
    r = rng.normal(size=(4, times.size, 3)) * 7000.0
    v = rng.normal(size=(4, times.size, 3)) * 7.0
    for fwd, inv in ((teme_to_gcrs, gcrs_to_teme), (teme_to_eme2000, eme2000_to_teme)):
        r1, v1 = fwd(r, v, times)
        r2, v2 = inv(r1, v1, times)
        np.testing.assert_allclose(r2, r, atol=1e-9)
        np.testing.assert_allclose(v2, v, atol=1e-12)


def test_new_and_old_reductions_differ_by_the_iau76_model_error(sample_elements: list[ElementSet]) -> None:
    """IAU-76/80 without pole corrections against IAU 2006/2000A: tens of mas in 2025,
    never 0.1" (a larger gap would mean a wrong term in one of them)."""
    times, _ = _day()
    eph = propagate(sample_elements, times)
    r_new, _ = teme_to_eme2000(eph.r_km, eph.v_km_s, times)
    r_old, _ = teme_to_eme2000_iau76(eph.r_km, eph.v_km_s, times)
    ang = np.linalg.norm(r_new - r_old, axis=-1) / np.linalg.norm(r_new, axis=-1)
    assert 0.005 * ARCSEC < ang.max() < 0.1 * ARCSEC


def test_nutation_close_to_iau2000a() -> None:
    """Our IAU-80 (truncated) nutation against Skyfield's IAU 2000A series: the models
    differ by tens of milliarcseconds at most; a wrong large term would show as 0.1"+."""
    from skyfield.api import load
    from skyfield.nutationlib import iau2000a_radians

    ts = load.timescale(builtin=True)
    t = ts.tt_jd(2451545.0 + np.linspace(-9000.0, 12000.0, 400))
    dpsi_a, deps_a = iau2000a_radians(t)
    dpsi, deps, _, _ = nutation80_rad((t.tt - 2451545.0) / 36525.0)
    assert np.abs(dpsi - dpsi_a).max() < 0.03 * ARCSEC  # we see 0.018"
    assert np.abs(deps - deps_a).max() < 0.015 * ARCSEC  # we see 0.0074"


def test_frame_bias_matches_skyfield() -> None:
    """IAU 2006 frame bias (ERFA) against Skyfield's ICRS-to-J2000 matrix (to 1e-12 rad)."""
    from skyfield.framelib import ICRS_to_J2000

    np.testing.assert_allclose(frame_bias_matrix(), ICRS_to_J2000, rtol=0, atol=1e-12)

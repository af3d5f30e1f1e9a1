"""Mean-element helpers against the ``sgp4`` package (an independent implementation).

References: the ``sgp4`` package (Vallado's C++ SGP4 wrapped by Brandon Rhodes) exposes,
after ``twoline2rv``, the Brouwer semi-major axis ``a`` (Earth radii), the secular rates
``mdot``, ``argpdot``, ``nodedot`` (rad/min) and GMST at epoch ``gsto`` (rad);
``sgp4.propagation.gstime`` is its IAU-82 GMST.  Skyfield gives the sub-satellite
longitude of a GEO satellite.
"""

from __future__ import annotations

import gzip
import math
from pathlib import Path

import numpy as np
import pytest
from sgp4.api import Satrec
from sgp4.propagation import gstime

from orbitwatch.detection import elements as el

# Jason-3 (LEO, 66 deg) and TDRS 3 (GEO) from the shared histories (see MANIFEST.md).
LINES = [
    (
        "1 41240U 16002A   16028.08165291 -.00000062  00000-0  00000+0 0  9997",
        "2 41240  66.0420  93.3583 0013810 225.5980 134.3889 12.87301079  1326",
    ),
    (
        "1 19548U 88091B   26143.32273126 -.00000312  00000+0  00000+0 0  9990",
        "2 19548  12.6208 341.1717 0039473 357.5480 329.3274  1.00264833125139",
    ),
]


def _fields(l2: str) -> tuple[float, float, float]:
    return float(l2[52:63]), float("." + l2[26:33]), float(l2[8:16])


@pytest.mark.parametrize("l1,l2", LINES)
def test_semi_major_axis_and_rates_match_sgp4(l1: str, l2: str) -> None:
    """Tolerance: 1 mm on a; 1e-12 relative on the rates (same formulas, double precision)."""
    sat = Satrec.twoline2rv(l1, l2)
    n, e, i = _fields(l2)
    assert abs(el.semi_major_axis_km(n, e, i) - sat.a * sat.radiusearthkm) < 1e-6
    mdot, argpdot, nodedot = el.secular_rates_rad_min(n, e, i)
    assert mdot == pytest.approx(sat.mdot, rel=1e-12)
    assert argpdot == pytest.approx(sat.argpdot, rel=1e-10)
    assert nodedot == pytest.approx(sat.nodedot, rel=1e-10)


def test_gmst_matches_sgp4_gstime() -> None:
    """IAU-82 GMST vs sgp4.propagation.gstime at 1000 times 1990..2030.

    Tolerance 1e-8 rad (the reference takes the JD as one double)."""
    rng = np.random.default_rng(1)
    us = rng.integers(631152000, 1893456000, 1000) * 1_000_000
    t = us.astype("datetime64[us]")
    jd = us / 86_400e6 + 2440587.5
    ref = np.array([gstime(x) for x in jd])
    got = el.gmst_rad(t)
    diff = np.angle(np.exp(1j * (got - ref)))
    assert np.max(np.abs(diff)) < 1e-8


def test_apogee_perigee_and_circular_speed() -> None:
    """a(1+-e) - R against sgp4's ``alta``/``altp`` (Earth radii above R); tolerance 1 mm."""
    l1, l2 = LINES[0]
    sat = Satrec.twoline2rv(l1, l2)
    n, e, i = _fields(l2)
    apo, peri = el.apogee_perigee_altitude_km(n, e, i)
    assert abs(apo - sat.alta * sat.radiusearthkm) < 1e-6
    assert abs(peri - sat.altp * sat.radiusearthkm) < 1e-6
    a = sat.a * sat.radiusearthkm
    assert float(el.circular_speed_km_s(a)) == pytest.approx(math.sqrt(398600.8 / a), rel=1e-12)


def test_orbit_normal_matches_r_cross_v() -> None:
    """Mean-element normal vs the SGP4 state's r x v at epoch; within 0.05 deg (short-period terms)."""
    l1, l2 = LINES[0]
    sat = Satrec.twoline2rv(l1, l2)
    _, r, v = sat.sgp4_tsince(0.0)
    h = np.cross(r, v)
    h /= np.linalg.norm(h)
    nrm = el.orbit_normal(66.0420, 93.3583)
    assert math.degrees(math.acos(min(1.0, float(nrm @ h)))) < 0.05


def test_geo_longitude_and_drift_against_sgp4_states(shared_data: Path) -> None:
    """GEO mean longitude vs atan2(y, x) - GMST of the SGP4 TEME state, and the drift rate vs
    the longitude change of SGP4 states one day apart, for the first 40 objects of the
    2026-05 GEO history.  Tolerances: 0.05 deg in longitude (mean vs osculating, e < 0.005,
    i < 0.5 deg only), 0.01 deg/day in drift."""
    path = shared_data / "history/celestrak-groups-2026-05-24_30/geo-history-2026-05-24_30.tle.gz"
    with gzip.open(path, "rt") as fh:
        lines = [ln.rstrip("\n") for ln in fh]
    seen: set[str] = set()
    checked = 0
    for k in range(len(lines) - 1):
        l1, l2 = lines[k], lines[k + 1]
        if not (l1.startswith("1 ") and l2.startswith("2 ")) or l1[2:7] in seen:
            continue
        seen.add(l1[2:7])
        sat = Satrec.twoline2rv(l1, l2)
        n, e, i = _fields(l2)
        if not (0.99 < n < 1.01 and e < 0.005 and i < 0.5):
            continue
        epoch_us = round((sat.jdsatepoch - 2440587.5) * 86_400e6 + sat.jdsatepochF * 86_400e6)
        t0 = np.datetime64(epoch_us, "us")
        lon = el.geo_longitude_deg(t0, float(l2[17:25]), float(l2[34:42]), float(l2[43:51]), e)
        _, r0, _ = sat.sgp4_tsince(0.0)
        _, r1, _ = sat.sgp4_tsince(1440.0)
        g0 = gstime(sat.jdsatepoch + sat.jdsatepochF)
        g1 = gstime(sat.jdsatepoch + sat.jdsatepochF + 1.0)
        ref0 = math.degrees(math.atan2(r0[1], r0[0]) - g0)
        ref1 = math.degrees(math.atan2(r1[1], r1[0]) - g1)
        assert abs((lon - ref0 + 180) % 360 - 180) < 0.05
        drift_ref = (ref1 - ref0 + 180) % 360 - 180
        assert abs(el.longitude_drift_deg_day(n, e, i) - drift_ref) < 0.01
        checked += 1
        if checked >= 40:
            break
    assert checked >= 20


def test_regime() -> None:
    got = el.regime([15.5, 2.0, 1.0027, 2.0], [0.001, 0.01, 0.0002, 0.7])
    assert list(got) == ["leo", "meo", "geo", "heo"]


def test_mean_position_close_to_sgp4() -> None:
    """Secular-only position vs SGP4 over one day: within 25 km (LEO, short-period J2 terms
    and no drag) and 15 km (GEO); the sgp4 package is the reference."""
    for (l1, l2), tol in zip(LINES, (25.0, 15.0), strict=True):
        sat = Satrec.twoline2rv(l1, l2)
        n, e, i = _fields(l2)
        ndot2 = float(l1[33:43])
        for t_min in (0.0, 100.0, 720.0, 1440.0):
            _, r, _ = sat.sgp4_tsince(t_min)
            got = el.mean_position_km(n, e, i, float(l2[17:25]), float(l2[34:42]), float(l2[43:51]), ndot2, t_min)
            assert np.linalg.norm(got - np.array(r)) < tol

"""The orbit maths of :mod:`orbitwatch.constants` against independent references.

References:

* Vallado, *Fundamentals of Astrodynamics and Applications*, 4th ed., Example 2-1
  (Kepler's equation: ``M = 235.4 deg, e = 0.4`` gives ``E = 220.512074767522 deg``) and
  Example 2-4 (KEPLER, universal variables: ``r0, v0`` moved 40 min, ``mu = 398600.4418``);
* python-sgp4 (Vallado's C++ SGP4 wrapped by Brandon Rhodes): after ``twoline2rv`` a
  ``Satrec`` holds the Brouwer semi-major axis ``a`` (Earth radii), and its pure-Python
  ``sgp4.model.Satrec`` the Brouwer mean motion ``no_unkozai`` (rad/min), of every
  element set of the official ``SGP4-VER.TLE``;
* the geostationary radius 42164.1696 km and the sidereal day 86164.0905 s (Vallado 4th
  ed., sec. 1.3 and Appendix D, ``mu = 398600.4418``) for Kepler's third law and the period.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from sgp4.api import Satrec
from sgp4.model import Satrec as PySatrec

from orbitwatch import constants as c

EGM96_MU = 398600.4418  # km^3/s^2, the value of Vallado's examples
VALLADO_OMEGA_EARTH = 7.2921158553e-5  # rad/s, Vallado 4th ed. Appendix D


def _verification_tles(shared_data: Path) -> list[tuple[str, str]]:
    lines = [ln.rstrip("\n") for ln in (shared_data / "sgp4-verification" / "SGP4-VER.TLE").read_text().splitlines()]
    pairs = []
    for k, ln in enumerate(lines[:-1]):
        if ln.startswith("1 ") and lines[k + 1].startswith("2 "):
            pairs.append((ln[:69], lines[k + 1][:69]))
    return pairs


def test_eccentric_anomaly_vallado_example_2_1() -> None:
    """Tolerance 1e-10 deg (the book quotes 12 decimals)."""
    big_e = c.eccentric_anomaly_rad(math.radians(235.4), 0.4)
    assert math.degrees(float(big_e)) == pytest.approx(220.512074767522, abs=1e-10)


def test_equinoctial_kepler_is_the_classical_one_rotated() -> None:
    """``F = E + varpi`` with ``af + i ag = e exp(i varpi)``; Vallado Example 2-1 again, 1e-12 rad."""
    e, varpi = 0.4, math.radians(37.0)
    m = math.radians(235.4)
    big_f = c.solve_kepler_equinoctial(m + varpi, e * math.cos(varpi), e * math.sin(varpi))
    assert float(big_f) - varpi == pytest.approx(math.radians(220.512074767522), abs=1e-12)


def test_eccentric_anomaly_arrays_solve_keplers_equation() -> None:
    """Residual of ``E - e sin E - M`` below 1e-13 rad up to e = 0.95, NaN passes through."""
    m = np.linspace(0.0, 2.0 * math.pi, 361)[:, None]
    e = np.array([0.0, 0.001, 0.1, 0.5, 0.8, 0.95, np.nan])[None, :]
    big_e = c.eccentric_anomaly_rad(m, e)
    resid = big_e - e * np.sin(big_e) - m
    assert np.nanmax(np.abs(resid)) < 1e-13
    assert np.isnan(big_e[:, -1]).all()


def test_universal_kepler_vallado_example_2_4() -> None:
    """Vallado Example 2-4 to the book's 0.1 m / 1 mm/s (it quotes 4 and 6 decimals)."""
    r = c.kepler_universal(1131.340, -2282.343, 6672.423, -5.64305, 4.30333, 2.42879, 40.0 * 60.0, EGM96_MU)
    assert np.allclose(r[:3], [-4219.7527, 4363.0292, -3958.7666], atol=1e-4)
    assert np.allclose(r[3:], [3.689866, -1.916735, -6.112511], atol=1e-6)


def test_brouwer_semi_major_axis_and_mean_motion_match_sgp4(shared_data: Path) -> None:
    """Every SGP4-VER element set: 1 mm on ``a``, 1e-12 relative on the Brouwer mean motion."""
    pairs = _verification_tles(shared_data)
    assert len(pairs) > 25
    for l1, l2 in pairs:
        sat = Satrec.twoline2rv(l1, l2)
        n, e, i = float(l2[52:63]), float("." + l2[26:33]), float(l2[8:16])
        no_unkozai = PySatrec.twoline2rv(l1, l2).no_unkozai
        assert float(c.brouwer_mean_motion_rad_min(n, e, i)) == pytest.approx(no_unkozai, rel=1e-12), l1
        assert abs(float(c.brouwer_semi_major_axis_km(n, e, i)) - sat.a * sat.radiusearthkm) < 1e-6, l1


def test_kepler_third_law_geostationary() -> None:
    """Earth's rotation rate (Vallado: 7.2921158553e-5 rad/s) gives the geostationary radius (1 m) and back."""
    a = float(c.kepler_semi_major_axis_km(VALLADO_OMEGA_EARTH, EGM96_MU))
    assert a == pytest.approx(42164.1696, abs=1e-3)
    assert float(c.kepler_mean_motion_rad_s(a, EGM96_MU)) == pytest.approx(VALLADO_OMEGA_EARTH, rel=1e-14)


def test_periods() -> None:
    """``2 pi sqrt(a^3/mu)`` of the geostationary radius is the sidereal day (0.01 s); rev/day forms."""
    assert float(c.kepler_period_s(42164.1696, EGM96_MU)) == pytest.approx(86164.0905, abs=1e-2)
    n = np.array([15.5, 1.0027, 0.0, -1.0])
    assert np.allclose(c.period_s(n)[:2], 86400.0 / n[:2], rtol=0, atol=0)
    assert np.allclose(c.period_min(n)[:2], 1440.0 / n[:2], rtol=0, atol=0)
    assert np.isinf(c.period_s(n)[2:]).all() and np.isinf(c.period_min(n)[2:]).all()
    # the two-body period of the mean motion's semi-major axis is the mean motion's period
    a = c.kepler_semi_major_axis_km(c.mean_motion_rad_s(n[:2]))
    assert np.allclose(c.kepler_period_s(a), c.period_s(n[:2]), rtol=1e-14)
    assert np.allclose(c.mean_motion_rev_per_day(c.mean_motion_rad_s(n)), n, rtol=1e-15)


def test_angle_wraps() -> None:
    x = np.array([-540.0, -180.0, -0.5, 0.0, 179.999, 180.0, 359.5, 360.0, 725.0])
    assert np.array_equal(c.wrap_360_deg(x), [180.0, 180.0, 359.5, 0.0, 179.999, 180.0, 359.5, 0.0, 5.0])
    assert np.allclose(c.wrap_180_deg(x), [-180.0, -180.0, -0.5, 0.0, 179.999, -180.0, -0.5, 0.0, 5.0], atol=1e-12)
    r = np.radians(x)
    w2 = c.wrap_2pi(r)
    assert (w2 >= 0).all() and (w2 < 2 * math.pi).all()
    assert np.allclose(np.cos(w2), np.cos(r)) and np.allclose(np.sin(w2), np.sin(r))
    wp = c.wrap_pi(r)
    assert (wp >= -math.pi).all() and (wp < math.pi).all()
    assert np.allclose(np.exp(1j * wp), np.exp(1j * r))
    # complex step: the perturbation passes through the wrap unchanged
    z = c.wrap_2pi(np.array([7.0 + 1e-30j]))
    assert z.real[0] == pytest.approx(7.0 - 2 * math.pi) and z.imag[0] == 1e-30

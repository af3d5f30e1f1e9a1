"""Earth orientation and leap seconds from the installed IERS files (orbitwatch.eop).

References:
* IERS Bulletin C (leap seconds): TAI-UTC = 32 s from 1999-01-01, 33 s from 2006-01-01,
  36 s from 2015-07-01, 37 s from 2017-01-01 (the 2016-12-31 leap second).
* Skyfield 1.55's builtin UT1 table (Bulletin A values, its own parser): UT1-UTC within
  0.2 ms over 2000-2026 (we use the C04 final series there; we see up to 0.11 ms).
* Vallado et al. (2006), AIAA 2006-6753, App. C: dUT1 = -0.4399619 s and
  xp = -0.140682", yp = 0.333309" on 2004-04-06 (values of that time; the current
  C04 re-reduction differs by ~0.5 ms and ~1 mas: tolerance 1 ms, 2 mas).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from orbitwatch import eop
from orbitwatch.constants import ARCSEC


def _t(*iso: str) -> np.ndarray:
    return np.array(iso, dtype="datetime64[us]")


def test_leap_seconds_bulletin_c() -> None:
    t = _t("1999-01-01T00:00:00", "2005-12-31T23:59:59.999999", "2006-01-01T00:00:00",
           "2015-07-01T00:00:00", "2016-12-31T23:59:59.999999", "2017-01-01T00:00:00", "2025-04-15T00:00:00")
    np.testing.assert_array_equal(eop.tai_minus_utc_s(t), [32, 32, 33, 36, 36, 37, 37])


def test_ut1_stays_continuous_across_a_leap_second() -> None:
    # UT1 itself is continuous, so UT1-UTC jumps by +1 s when UTC inserts 23:59:60.
    before, after = eop.ut1_minus_utc_s(_t("2016-12-31T23:59:59.999999", "2017-01-01T00:00:00"))
    assert after - before == pytest.approx(1.0, abs=1e-6)


def test_ut1_against_skyfield() -> None:
    from skyfield.api import load

    ts = load.timescale(builtin=True)
    days = np.arange(0, 26 * 365, 17)
    t = np.datetime64("2000-01-01T06:00:00", "us") + (days * 86400).astype("timedelta64[s]")
    sky = ts.utc(2000, 1, 1 + days, 6).dut1
    assert np.abs(eop.ut1_minus_utc_s(t) - sky).max() < 2e-4


def test_vallado_2004_values() -> None:
    t = _t("2004-04-06T07:51:28.386009")
    assert abs(eop.ut1_minus_utc_s(t)[0] - -0.4399619) < 1e-3
    xp, yp = eop.polar_motion_rad(t)
    assert abs(xp[0] / ARCSEC - -0.140682) < 0.002
    assert abs(yp[0] / ARCSEC - 0.333309) < 0.002


def test_tt_and_ut1_julian_dates() -> None:
    t = _t("2025-04-15T00:00:00")
    jd, fr = eop.tt_jd(t)
    assert jd[0] == 2460780.5
    assert (fr[0] * 86400.0) == pytest.approx(69.184, abs=1e-9)  # TT-UTC = 37 + 32.184 s
    jd1, fr1 = eop.ut1_jd(t, 0.25)
    assert jd1[0] == 2460780.5 and fr1[0] * 86400.0 == pytest.approx(0.25, abs=1e-9)


def test_outside_the_tables_uses_nearest_and_warns() -> None:
    first, last = eop.eop_span_utc()
    far = _t("2100-01-01T00:00:00")
    assert eop.outside_eop_span(far).all()
    assert not eop.outside_eop_span(_t("2025-04-15T00:00:00")).any()
    with pytest.warns(eop.EOPRangeWarning):
        v = eop.ut1_minus_utc_s(far)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", eop.EOPRangeWarning)
        assert v[0] == pytest.approx(eop.ut1_minus_utc_s(np.array([last]))[0], abs=1e-12)
    assert first < last


def test_vectorised_shapes() -> None:
    t = np.datetime64("2025-04-15T00:00:00", "us") + np.arange(12).reshape(3, 4).astype("timedelta64[h]")
    e = eop.earth_orientation(t)
    assert e.ut1_minus_utc_s.shape == e.xp_rad.shape == e.lod_s.shape == (3, 4)
    assert np.isfinite(e.lod_s).all()

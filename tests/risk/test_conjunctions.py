"""Pc of screened conjunctions: states at TCA, TLE covariances, HBRs, Foster Pc.

Reference case: Iridium 33 / Cosmos 2251 (2009-02-10), screened from the last
pre-event TLEs (``fragmentation/parent-objects-pre-event.tle``).  The expected values
come from independent computations written here: the TCA states from the ``sgp4``
package directly, rotated to EME2000 by Skyfield (its TEME rotation and its
ICRS-to-J2000 frame bias: the exact frame, 1 cm), the Pc as a scipy double integral of the bivariate normal over the
hard-body disk in the encounter plane (Foster 1992's definition), built from the same
covariances with a separately written projection.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy import integrate
from sgp4.api import Satrec

from orbitwatch.errors import InputError
from orbitwatch.risk.conjunctions import conjunction_risk
from orbitwatch.screening import screen
from orbitwatch.sources.files import read_catalog_files
from orbitwatch.times import jd_utc, parse_utc

IRIDIUM_33, COSMOS_2251 = 24946, 22675


@pytest.fixture(scope="module")
def collision(shared_data: Path) -> tuple:  # type: ignore[type-arg]
    path = shared_data / "fragmentation/parent-objects-pre-event.tle"
    table, _ = read_catalog_files([path])
    keep = np.isin(table.norad_id, [IRIDIUM_33, COSMOS_2251])
    table = table.take(keep)
    result = screen(table, parse_utc("2009-02-10T16:00:00Z"), parse_utc("2009-02-10T18:00:00Z"), 5.0)
    (c,) = result.conjunctions
    lines = path.read_text().splitlines()
    return table, c, lines


def _independent_state(lines: list[str], norad: int, t: np.datetime64) -> np.ndarray:
    i = next(k for k, line in enumerate(lines) if line.startswith(f"1 {norad:5d}"))
    sat = Satrec.twoline2rv(lines[i], lines[i + 1])
    jd, fr = jd_utc(t)
    e, r, v = sat.sgp4(float(jd), float(fr))
    assert e == 0
    from skyfield.api import load
    from skyfield.framelib import ICRS_to_J2000
    from skyfield.sgp4lib import TEME

    stamp = str(t)
    ts = load.timescale(builtin=True)
    tt = ts.utc(int(stamp[:4]), int(stamp[5:7]), int(stamp[8:10]), int(stamp[11:13]), int(stamp[14:16]),
                float(stamp[17:]))
    m = ICRS_to_J2000 @ TEME.rotation_at(tt).T  # r_EME2000 = m r_TEME
    return np.concatenate([m @ np.array(r), m @ np.array(v)])


def _foster_by_quadrature(s1: np.ndarray, c1: np.ndarray, s2: np.ndarray, c2: np.ndarray, hbr_km: float) -> float:
    dr, dv = s2[:3] - s1[:3], s2[3:] - s1[3:]
    x = dr - dv * (dr @ dv) / (dv @ dv)  # miss vector at linear TCA, in the encounter plane
    e1 = x / np.linalg.norm(x)
    e2 = np.cross(dv / np.linalg.norm(dv), e1)
    proj = np.stack([e1, e2])
    cov = proj @ (c1[:3, :3] + c2[:3, :3]) @ proj.T
    inv = np.linalg.inv(cov)
    norm = 1.0 / (2 * np.pi * np.sqrt(np.linalg.det(cov)))
    miss = np.linalg.norm(x)

    def density(y: float, z: float) -> float:
        d = np.array([z - miss, y])
        return float(norm * np.exp(-0.5 * d @ inv @ d))

    value, _ = integrate.dblquad(density, -hbr_km, hbr_km, lambda z: -np.sqrt(max(hbr_km**2 - z**2, 0.0)),
                                 lambda z: np.sqrt(max(hbr_km**2 - z**2, 0.0)), epsabs=1e-14, epsrel=1e-10)
    return float(value)


def test_iridium_cosmos_pc_matches_an_independent_integral(collision: tuple) -> None:  # type: ignore[type-arg]
    table, c, lines = collision
    risk = conjunction_risk(table, [c.norad_1], [c.norad_2], [c.tca], method="foster")
    assert risk.sgp4_error.tolist() == [0]
    # States at TCA: the sgp4 package directly, Skyfield's rotation to EME2000; 1 cm.
    for k, norad in enumerate((c.norad_1, c.norad_2)):
        expected = _independent_state(lines, norad, c.tca)
        assert np.linalg.norm(risk.states_km[0, k, :3] - expected[:3]) < 1e-5
        assert np.linalg.norm(risk.states_km[0, k, 3:] - expected[3:]) < 1e-8
    # The Pc module and the screener see the same encounter: miss distance within 1 m.
    assert risk.pc.miss_distance_km[0] == pytest.approx(c.miss_distance_km, abs=1e-3)
    # Both payloads: 5 m + 5 m by default (risk/hbr.py DEFAULT_HBR_M).
    assert risk.hbr_m.tolist() == [10.0]
    assert risk.covariance_source == [("default", "default")]
    expected_pc = _foster_by_quadrature(risk.states_km[0, 0], risk.covariances_km2[0, 0], risk.states_km[0, 1],
                                        risk.covariances_km2[0, 1], 0.010)
    assert risk.pc.pc[0] == pytest.approx(expected_pc, rel=1e-3)
    assert 1e-7 < risk.pc.pc[0] < 1e-1


def test_imposed_hbr_and_unknown_objects(collision: tuple) -> None:  # type: ignore[type-arg]
    table, c, _ = collision
    small = conjunction_risk(table, [c.norad_1], [c.norad_2], [c.tca], combined_hbr_m=2.0)
    large = conjunction_risk(table, [c.norad_1], [c.norad_2], [c.tca], combined_hbr_m=20.0)
    assert small.pc.pc[0] < large.pc.pc[0]
    with pytest.raises(InputError) as exc:
        conjunction_risk(table, [99999], [c.norad_2], [c.tca])
    assert exc.value.code == "INPUT_UNKNOWN_NORAD"
    with pytest.raises(InputError) as exc:
        conjunction_risk(table, [c.norad_1], [c.norad_2], [c.tca], combined_hbr_m=0.0)
    assert exc.value.code == "INPUT_HBR"

"""Maximum Pc / dilution, the HBR table, and the TLE-history covariance estimate."""

from __future__ import annotations

import gzip
import math

import numpy as np
import pytest
from sgp4.api import Satrec, jday

from orbitwatch.catalog.reader import read_element_sets
from orbitwatch.errors import InputError
from orbitwatch.risk.covariance import default_uncertainty, estimate_tle_uncertainty, tle_covariance_inertial
from orbitwatch.risk.foster import pc_foster_plane
from orbitwatch.risk.hbr import DEFAULT_HBR_M, combined_hbr_m, read_hbr_table
from orbitwatch.risk.maxpc import pc_max_isotropic, pc_max_scaled


def test_isotropic_max_small_hbr_closed_form() -> None:
    """Small-HBR limit (Alfano 2005): Pc(s) ~ R^2/(2 s^2) exp(-d^2/(2 s^2)), max at s = d/sqrt2: R^2/(e d^2)."""
    d, r = 1.0, 0.002
    res = pc_max_isotropic(d, r)
    assert res.pc_max[0] == pytest.approx(r**2 / (math.e * d**2), rel=1e-5)
    assert res.scale[0] == pytest.approx(d / math.sqrt(2), rel=1e-3)


def test_isotropic_dilution_flag_and_inside_hbr() -> None:
    res = pc_max_isotropic([1.0, 1.0, 0.001], 0.01, sigma_km=[5.0, 0.1, 1.0])
    # sigma 5 km > worst-case 0.71 km: diluted; 0.1 km < 0.71 km: not; miss inside the hard body:
    # the worst case is sigma -> 0 (certain collision), so any finite sigma dilutes.
    assert res.dilution.tolist() == [True, False, True]
    assert res.pc_max[2] == 1.0


def test_scaled_max_is_a_maximum_of_foster() -> None:
    """The maximum over k of Foster(kC) matches a dense scan of k (independent brute force) to 1e-5 relative."""
    miss = np.array([0.3, 0.1])
    cov = np.array([[0.04, 0.01], [0.01, 0.01]])
    res = pc_max_scaled(miss, cov, 0.02)
    ks = np.exp(np.linspace(np.log(1e-3), np.log(1e3), 4001))
    scan = pc_foster_plane(np.tile(miss, (ks.size, 1)), cov[None] * ks[:, None, None], np.full(ks.size, 0.02)).pc
    assert res.pc_max[0] == pytest.approx(scan.max(), rel=1e-5)
    assert res.pc_max[0] >= scan.max() * (1 - 1e-9)
    assert res.scale[0] == pytest.approx(ks[scan.argmax()], rel=5e-3)
    assert bool(res.dilution[0]) == (res.scale[0] < 1)


def test_hbr_table_lookup(shared_data) -> None:
    """CARA HBR table 2026-06-01: HST (20580) 8.4 m 'CARA Protected Primary';
    IRIDIUM 33 DEB 37558 0.05 m (sigma 0.03)."""
    path = shared_data / "cdm" / "cara-hbr-mass-estimates-20260601.csv.gz"
    with gzip.open(path, "rt") as fh:
        table = read_hbr_table(fh, source=path.name)
    assert table.hbr_m[20580] == 8.4 and table.source[20580] == "CARA Protected Primary"
    assert table.hbr_m[37558] == 0.05 and table.sigma_m[37558] == 0.03
    assert 22015 not in table.hbr_m  # DISCOS row, blank for licensing: default applies
    got = table.lookup([20580, 22015, 999999], ["PAYLOAD", "ROCKET BODY", "DEBRIS"])
    np.testing.assert_allclose(got, [8.4, DEFAULT_HBR_M["ROCKET BODY"], DEFAULT_HBR_M["DEBRIS"]])
    # Baars & Hall (2022) eq. 8
    assert combined_hbr_m(8.4, 0.05, 0.0, 0.03)[()] == pytest.approx(math.sqrt(8.45**2 + 0.03**2))
    with pytest.raises(InputError):
        read_hbr_table(["a,b", "1,2"])


def test_tle_history_covariance(shared_data) -> None:
    """Jason-3 TLE history (history/maneuver-benchmark): the fitted model reproduces the in-track
    differences computed independently with the sgp4 package (Satrec.twoline2rv on the raw lines),
    within a factor 2 in RMS at the median age, and in-track grows fastest."""
    path = shared_data / "history" / "maneuver-benchmark" / "Jason-3.tle.gz"
    with gzip.open(path, "rt") as fh:
        lines = [ln.rstrip("\n") for ln in fh if ln.strip()]
    pairs = [(lines[i], lines[i + 1]) for i in range(0, len(lines) - 1, 2) if lines[i].startswith("1 ")]
    window = pairs[1000:1025]
    sets = list(read_element_sets([x for p in window for x in p], source=path.name))
    model = estimate_tle_uncertainty(sets)
    assert model.source == "history" and model.n_pairs >= 10
    assert model.growth_km_per_day[1] > model.growth_km_per_day[0]
    assert model.growth_km_per_day[1] > model.growth_km_per_day[2]
    # independent reference: raw sgp4, RIC by hand
    sats = [Satrec.twoline2rv(a, b) for a, b in window]
    newest = sats[-1]
    jd, fr = newest.jdsatepoch, newest.jdsatepochF
    _, r0, v0 = newest.sgp4(jd, fr)
    r0, v0 = np.array(r0), np.array(v0)
    that = np.cross(np.cross(r0, v0), r0)
    that /= np.linalg.norm(that)
    ages, intrack = [], []
    for s in sats[:-1]:
        age = (jd - s.jdsatepoch) + (fr - s.jdsatepochF)
        if 0 < age <= 14.0:
            _, r, _ = s.sgp4(jd, fr)
            ages.append(age)
            intrack.append(float((np.array(r) - r0) @ that))
    ages_a = np.array(ages)
    rms = math.sqrt(float(np.mean(np.square(intrack))))
    predicted = float(model.sigma_ric_km(np.median(ages_a), realism=False)[1])
    assert 0.5 * rms <= predicted <= 2.0 * rms
    assert jday(2000, 1, 1, 0, 0, 0)[0] > 0


def test_default_uncertainty_and_inertial_covariance() -> None:
    from orbitwatch.catalog.model import ElementSet

    es = ElementSet(
        norad_id=1,
        epoch=np.datetime64("2025-01-01T00:00:00", "us"),
        mean_motion_rev_per_day=15.5,
        eccentricity=0.001,
        inclination_deg=51.6,
        raan_deg=0.0,
        arg_perigee_deg=0.0,
        mean_anomaly_deg=0.0,
    )
    model = default_uncertainty(es)
    assert model.source == "default"
    sig = model.sigma_ric_km(2.0)
    cov = tle_covariance_inertial(sig[None], [[7000.0, 0, 0]], [[0, 7.5, 0]])
    np.testing.assert_allclose(np.diag(cov[0])[:3], sig**2)  # RIC = xyz for this state

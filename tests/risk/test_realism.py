"""Covariance realism of the TLE error model (``risk.realism``, CARA CovarianceRealism style).

References: the differences are recomputed here with the ``sgp4`` package directly
(``Satrec.twoline2rv`` on the raw lines, RIC axes by hand); the default model's sigmas
from the formula and constants documented in ``risk/covariance.py`` (LEO: a = (0.1, 0.5,
0.2) km, b = (0.05, 1.0, 0.05) km/day, sigma = sqrt(a^2 + (b dt)^2)); the fitted model
against :func:`estimate_tle_uncertainty` on the same older sets; the chi-square
constants against scipy; the scale fit on synthetic Gaussian samples of known scale.
"""

from __future__ import annotations

import gzip
import itertools
from pathlib import Path

import numpy as np
import pytest
from scipy.stats import chi2
from sgp4.api import Satrec

from orbitwatch.catalog.reader import read_element_sets
from orbitwatch.risk.covariance import (
    REALISM_SCALE_LIMITS,
    SPAN_EDGES_DAYS,
    TLEUncertainty,
    estimate_tle_uncertainty,
    fit_floor_km,
)
from orbitwatch.risk.realism import (
    CHI2_3_INSIDE,
    CHI2_3_MEDIAN,
    RealismSamples,
    fit_realism_scale,
    realism_samples,
    realism_summary,
)


def _iss_lines(shared_data: Path) -> list[tuple[str, str]]:
    path = shared_data / "history" / "celestrak-groups-2026-05-24_30" / "stations-history-2026-05-24_30.tle.gz"
    with gzip.open(path, "rt") as fh:
        lines = [ln.rstrip("\n") for ln in fh]
    return [(a, b) for a, b in itertools.pairwise(lines) if a.startswith("1 25544")]


def test_samples_against_raw_sgp4(shared_data: Path) -> None:
    pairs = _iss_lines(shared_data)
    sets = list(read_element_sets([x for p in pairs for x in p], source="iss"))
    smp = realism_samples(sets)
    sats = sorted((Satrec.twoline2rv(a, b) for a, b in pairs), key=lambda s: s.jdsatepoch + s.jdsatepochF)
    assert smp.span_days.size == len(sats) - 1
    a0, b0 = np.array([0.1, 0.5, 0.2]), np.array([0.05, 1.0, 0.05])
    for k, (old, new) in enumerate(itertools.pairwise(sats)):
        e, r0, v0 = new.sgp4(new.jdsatepoch, new.jdsatepochF)
        e2, r1, _ = old.sgp4(new.jdsatepoch, new.jdsatepochF)
        assert e == e2 == 0
        r0, v0, r1 = np.array(r0), np.array(v0), np.array(r1)
        rad = r0 / np.linalg.norm(r0)
        crs = np.cross(r0, v0) / np.linalg.norm(np.cross(r0, v0))
        d = np.array([rad, np.cross(crs, rad), crs]) @ (r1 - r0)
        dt = (new.jdsatepoch - old.jdsatepoch) + (new.jdsatepochF - old.jdsatepochF)
        np.testing.assert_allclose(smp.diff_ric_km[k], d, atol=1e-6)
        assert smp.span_days[k] == pytest.approx(dt, abs=1e-8)
        sig = np.sqrt(a0**2 + (b0 * dt) ** 2)
        np.testing.assert_allclose(smp.sigma_default_km[k], sig, rtol=1e-9)
        assert smp.mahalanobis2("default")[k] == pytest.approx(float(np.sum((d / sig) ** 2)), rel=1e-6)
    assert set(smp.regime.tolist()) == {"LEO"}


def test_fitted_sigmas_are_the_estimate_from_the_older_sets(shared_data: Path) -> None:
    path = shared_data / "history" / "maneuver-benchmark" / "Jason-3.tle.gz"
    with gzip.open(path, "rt") as fh:
        sets = list(itertools.islice(read_element_sets(fh, source="jason3"), 1000, 1080))
    smp = realism_samples(sets, block=32)  # several blocks
    by_epoch = {e.epoch: e for e in sets}
    ordered = [by_epoch[t] for t in sorted(by_epoch)]
    fitted = np.isfinite(smp.sigma_fitted_km[:, 0])
    assert fitted.sum() > 60
    for k in np.flatnonzero(fitted):
        model = estimate_tle_uncertainty(ordered[: k + 1], floor=False)  # set k newest; sample k predicts k+1
        assert model.source == "history"
        np.testing.assert_allclose(smp.sigma_fitted_km[k], model.sigma_ric_km(smp.span_days[k], realism=False),
                                   rtol=1e-9)


def test_chi2_constants() -> None:
    for k, p in CHI2_3_INSIDE.items():
        assert p == pytest.approx(chi2.cdf(k * k, 3), abs=1e-6)
    assert pytest.approx(chi2.ppf(0.5, 3), abs=1e-6) == CHI2_3_MEDIAN


def test_scale_fit_recovers_a_known_scale() -> None:
    """Differences drawn from N(0, (3 sigma)^2) in one span bin: the fitted factor is 3
    (to 3 %), the empty bins after it carry it forward; after scaling the statistics are chi-square 3-dof; a
    factor beyond the limits is clipped."""
    rng = np.random.default_rng(5)
    n = 20_000
    sig = rng.uniform(0.1, 2.0, (n, 3))
    smp = RealismSamples(
        norad_id=np.zeros(n, dtype=np.int64), regime=np.full(n, "LEO"), span_days=np.full(n, 0.5),
        diff_ric_km=3.0 * sig * rng.standard_normal((n, 3)), sigma_default_km=sig,
        fit_sigma0_km=sig, fit_growth_km_per_day=np.zeros((n, 3)),
    )
    k = fit_realism_scale(smp, "default", "LEO")
    assert len(k) == len(SPAN_EDGES_DAYS) + 1
    assert k[0] == pytest.approx(3.0, rel=0.03) and k[1:] == (k[0],) * len(SPAN_EDGES_DAYS)
    early = RealismSamples(**{**smp.__dict__, "span_days": np.full(n, 2.0)})  # only the 1-3 d bin
    assert fit_realism_scale(early, "default", "LEO")[:2] == (1.0, pytest.approx(3.0, rel=0.03))
    after = realism_summary(smp.mahalanobis2("default") / k[0] ** 2)
    assert after["median_m2"] == pytest.approx(CHI2_3_MEDIAN, rel=0.05)
    assert after["in3"] == pytest.approx(CHI2_3_INSIDE[3], abs=0.01)
    wide = RealismSamples(**{**smp.__dict__, "diff_ric_km": 30.0 * smp.diff_ric_km})
    assert fit_realism_scale(wide, "default", "LEO")[0] == REALISM_SCALE_LIMITS[1]


def test_floor_and_factors_as_the_model_uses_them() -> None:
    """``sigmas(floor, scale)`` is what ``TLEUncertainty.sigma_ric_km`` gives for the same
    fit: a zero-variance axis of a raw fit gets the floor, then the factor of its bin."""
    a = np.array([[0.0, 0.3, 0.001]])
    b = np.array([[0.01, 0.2, 0.0]])
    smp = RealismSamples(np.array([7]), np.array(["LEO"]), np.array([0.5]), np.ones((1, 3)),
                         np.ones((1, 3)), a, b)
    model = TLEUncertainty(norad_id=7, epoch=np.datetime64("2026-01-01T00:00:00", "us"),
                           sigma0_km=np.maximum(a[0], fit_floor_km("LEO")), growth_km_per_day=b[0], n_pairs=9,
                           source="history", regime="LEO")
    np.testing.assert_allclose(smp.sigmas("history", floor=True, scale=True)[0], model.sigma_ric_km(0.5))
    np.testing.assert_allclose(fit_floor_km("LEO"), [0.01, 0.05, 0.02])
    assert (smp.sigmas("history")[0] < smp.sigmas("history", floor=True)[0]).any()

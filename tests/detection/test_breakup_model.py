"""NASA Standard Breakup Model: the sampled distributions against the published formulas.

Reference: Johnson, Krisko, Liou & Anz-Meador (2001), "NASA's new breakup model of
EVOLVE 4.0", Adv. Space Res. 28(9) 1377-1384 (J2001), eqs. 2, 4 (size), 5-7 (A/M),
8 (area), 11-12 (delta-v); Krisko (2011), ODQN 15(4) (the 8-11 cm bridge).  The
analytic CDFs below are written out again here from the paper, independently of the
module.  Statistical checks use fixed seeds; a KS test at p > 0.001 fails wrongly once in
a thousand seeds, and the samples are large enough (>= 1000) that a wrong coefficient
(e.g. exponent 1.6 vs 1.71, a mean shifted by 0.1 dex) is rejected with p << 1e-6.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from scipy import integrate, stats
from sgp4.api import Satrec

from orbitwatch.catalog.reader import read_element_sets
from orbitwatch.catalog.tle import format_tle
from orbitwatch.detection import breakup_model as bm
from orbitwatch.errors import InputError
from orbitwatch.times import jd_utc, parse_utc


# ----------------------------------------------------------------------------- reference formulas (J2001)
def _lin(lam: np.ndarray, x0: float, x1: float, y0: float, y1: float) -> np.ndarray:
    out = y0 + (y1 - y0) * (lam - x0) / (x1 - x0)
    return np.where(lam <= x0, y0, np.where(lam >= x1, y1, out))


def _am_cdf_reference(chi: np.ndarray, lc: np.ndarray, parent: str) -> np.ndarray:
    """CDF of log10(A/M) given Lc, J2001 eqs. 5-7 with the K2011 linear 8-11 cm bridge."""
    lam = np.log10(lc)
    if parent == "spacecraft":
        alpha = _lin(lam, -1.95, 0.55, 0.0, 1.0)  # 0.3 + 0.4 (lam + 1.2)
        mu1 = _lin(lam, -1.1, 0.0, -0.6, -0.95)  # -0.6 - 0.318 (lam + 1.1)
        s1 = _lin(lam, -1.3, -0.3, 0.1, 0.3)  # 0.1 + 0.2 (lam + 1.3)
        mu2 = _lin(lam, -0.7, -0.1, -1.2, -2.0)  # -1.2 - 1.333 (lam + 0.7)
        s2 = _lin(lam, -0.5, -0.3, 0.5, 0.3)  # 0.5 - (lam + 0.5)
    else:
        alpha = _lin(lam, -1.4, 0.0, 1.0, 0.5)  # 1 - 0.3571 (lam + 1.4)
        mu1 = _lin(lam, -0.5, 0.0, -0.45, -0.9)  # -0.45 - 0.9 (lam + 0.5)
        s1 = np.full_like(lam, 0.55)
        mu2 = np.full_like(lam, -0.9)
        s2 = _lin(lam, -1.0, 0.1, 0.28, 0.1)  # 0.28 - 0.1636 (lam + 1)
    mu_s = _lin(lam, -1.75, -1.25, -0.3, -1.0)  # -0.3 - 1.4 (lam + 1.75)
    s_s = np.where(lam <= -3.5, 0.2, 0.2 + 0.1333 * (lam + 3.5))
    big = alpha * stats.norm.cdf(chi, mu1, s1) + (1 - alpha) * stats.norm.cdf(chi, mu2, s2)
    small = stats.norm.cdf(chi, mu_s, s_s)
    w = np.clip((lc - 0.08) / 0.03, 0.0, 1.0)
    return w * big + (1 - w) * small


def test_published_coefficient_examples() -> None:
    """Spot values of the piecewise-linear A/M coefficients from J2001's formulas."""
    p = bm.am_parameters(np.array([1.0]), "spacecraft")  # lambda = 0
    assert p["alpha"][0] == pytest.approx(0.3 + 0.4 * 1.2)
    assert p["mu1"][0] == pytest.approx(-0.95)
    assert p["mu2"][0] == pytest.approx(-2.0)
    q = bm.am_parameters(np.array([0.1]), "rocket_body")  # lambda = -1
    assert q["alpha"][0] == pytest.approx(1 - 0.3571 * 0.4, abs=1e-4)
    assert q["sigma2"][0] == pytest.approx(0.28)
    assert bm.area_from_lc_m2(1.0) == pytest.approx(0.556945)
    assert bm.area_from_lc_m2(0.001) == pytest.approx(0.540424e-6)


@pytest.mark.parametrize(
    ("kind", "mass", "beta", "n_ref"),
    [
        # N(>Lc) = 6 S Lc^-1.6 (S = 1), 5 cm .. 10 m
        ("explosion", 0.0, 1.6, 6.0 * (0.05**-1.6 - 10.0**-1.6)),
        # N(>Lc) = 0.1 M^0.75 Lc^-1.71, M = 1750 kg, 10 cm .. 10 m
        ("collision", 1750.0, 1.71, 0.1 * 1750.0**0.75 * (0.1**-1.71 - 10.0**-1.71)),
    ],
)
def test_size_distribution_matches_power_law(kind: str, mass: float, beta: float, n_ref: float) -> None:
    lc_min = 0.05 if kind == "explosion" else 0.1
    f = bm.sample_fragments(kind, mass_kg=mass, lc_min_m=lc_min, seed=11)  # type: ignore[arg-type]
    assert len(f) == round(n_ref)  # count: the published cumulative law, exactly
    a, c = lc_min**-beta, 10.0**-beta

    def cdf(x: np.ndarray) -> np.ndarray:
        return (a - np.asarray(x) ** -beta) / (a - c)

    assert stats.kstest(f.lc_m, cdf).pvalue > 1e-3
    # Moment: E[ln(Lc / Lmin)] of the truncated power law, integrated numerically.
    pdf = lambda x: beta * x ** (-beta - 1) / (a - c)  # noqa: E731
    mean_ref = integrate.quad(lambda x: math.log(x / lc_min) * pdf(x), lc_min, 10.0)[0]
    logs = np.log(f.lc_m / lc_min)
    assert abs(logs.mean() - mean_ref) < 4 * logs.std() / math.sqrt(logs.size)


@pytest.mark.parametrize("parent", ["spacecraft", "rocket_body"])
def test_area_to_mass_distribution(parent: str) -> None:
    """Probability integral transform: F(chi | Lc) of each fragment must be uniform."""
    f = bm.sample_fragments("explosion", scale=3.0, lc_min_m=0.01, lc_max_m=1.0, parent_type=parent, seed=5)
    assert len(f) > 5000
    u = _am_cdf_reference(np.log10(f.am_m2_kg), f.lc_m, parent)
    assert stats.kstest(u, "uniform").pvalue > 1e-3
    # Mass from area and A/M (J2001 eq. 8).
    assert np.allclose(f.mass_kg, bm.area_from_lc_m2(f.lc_m) / f.am_m2_kg)


@pytest.mark.parametrize(("kind", "slope", "offset"), [("explosion", 0.2, 1.85), ("collision", 0.9, 2.9)])
def test_delta_v_distribution(kind: str, slope: float, offset: float) -> None:
    f = bm.sample_fragments(kind, mass_kg=1000.0, scale=1.0, lc_min_m=0.02, seed=7)  # type: ignore[arg-type]
    z = (np.log10(f.dv_m_s) - (slope * np.log10(f.am_m2_kg) + offset)) / 0.4
    assert stats.kstest(z, "norm").pvalue > 1e-3
    # Moments: mean 0, sd 1 within 4 standard errors.
    se = 1 / math.sqrt(z.size)
    assert abs(z.mean()) < 4 * se
    assert abs(z.std() - 1) < 4 * se * math.sqrt(0.5) + 0.01


def test_directions_are_isotropic() -> None:
    f = bm.sample_fragments("collision", mass_kg=2000.0, lc_min_m=0.05, seed=3)
    d = f.dv_dir
    assert np.allclose(np.linalg.norm(d, axis=1), 1.0)
    # Each component of a uniform unit vector is uniform on [-1, 1] (Archimedes).
    for k in range(3):
        assert stats.kstest(d[:, k], stats.uniform(-1, 2).cdf).pvalue > 1e-3
    assert np.linalg.norm(d.mean(axis=0)) < 4 * math.sqrt(1 / 3 / len(f)) * math.sqrt(3)


def test_catastrophic_rule() -> None:
    """J2001: catastrophic when E* = m_p v^2 / (2 m_t) >= 40 J/g."""
    # 1 kg at 10 km/s on 1000 kg: 50 J/g -> catastrophic, M = 1001 kg.
    assert bm.is_catastrophic(1000.0, 1.0, 10.0)
    assert bm.collision_mass_kg(1000.0, 1.0, 10.0) == pytest.approx(1001.0)
    # 1 kg at 5 km/s on 1000 kg: 12.5 J/g -> not; M = m_p v^2 = 25 (kg, km/s).
    assert not bm.is_catastrophic(1000.0, 1.0, 5.0)
    assert bm.collision_mass_kg(1000.0, 1.0, 5.0) == pytest.approx(25.0)


def test_bad_input_codes() -> None:
    with pytest.raises(InputError) as e:
        bm.sample_fragments("implosion")  # type: ignore[arg-type]
    assert e.value.code == "INPUT_INVALID"
    with pytest.raises(InputError):
        bm.sample_fragments("collision", mass_kg=0.0)


def _parent(shared_data: Path):  # type: ignore[no-untyped-def]
    path = shared_data / "fragmentation" / "parent-objects-pre-event.tle"
    with path.open() as fh:
        sets = [e for e in read_element_sets(fh, source=str(path)) if e.norad_id == 13552]
    return sets[-1]  # epoch 2021-11-15 00:55 UTC


def test_synthetic_catalog_reproduces_states_in_sgp4(shared_data: Path) -> None:
    """The TLEs written for the cloud, parsed by the sgp4 package itself, put every piece
    at the breakup point with the parent's velocity plus its delta-v (tolerance 0.3 km,
    3 m/s: TLE fields are rounded to 1e-4 deg and 1e-7 in e, i.e. ~10-100 m)."""
    parent = _parent(shared_data)
    t0 = parse_utc("2021-11-15T02:47:00Z")
    cloud = bm.simulate_breakup(parent, t0, 1750.0, "collision", seed=1, lc_min_m=0.3)
    assert len(cloud.elements) > 50
    jd, fr = jd_utc(t0)
    f = cloud.fragments
    for i in range(0, len(cloud.elements), 7):
        l1, l2 = format_tle(cloud.elements.element_set(i))
        sat = Satrec.twoline2rv(l1, l2)
        e, r, v = sat.sgp4(float(jd), float(fr))
        assert e == 0
        k = cloud.kept[i]
        v_expected = cloud.parent_v_km_s + f.dv_dir[k] * f.dv_m_s[k] / 1000.0
        assert np.linalg.norm(np.array(r) - cloud.parent_r_km) < 0.3
        assert np.linalg.norm(np.array(v) - v_expected) * 1000.0 < 3.0
    # Same seed, same cloud; B* follows A/M.
    again = bm.simulate_breakup(parent, t0, 1750.0, "collision", seed=1, lc_min_m=0.3)
    assert np.array_equal(again.elements.mean_motion_rev_per_day, cloud.elements.mean_motion_rev_per_day)
    am = f.am_m2_kg[cloud.kept]
    assert np.allclose(cloud.elements.bstar_per_earth_radius, 2.2 * am * 0.15696615 / 2)

"""Fast 2D Pc kernel (orbitwatch.risk.elrod) against CARA's PcElrod unit tests and adaptive references.

CARA values: ``PcElrod_UnitTest.m`` (nasa/CARA_Analysis_Tools @ 753a672,
DistributedMatlab/ProbabilityOfCollision/UnitTests), each at CARA's own tolerance (1e-3
relative).  Independent references: an adaptive 1D Gauss-Kronrod integral
(``pc_circle_adaptive``, scipy ``quad``) and scipy's adaptive 2D ``dblquad`` of the Gaussian
over the disc.
"""

from __future__ import annotations

import numpy as np
import pytest
from _risk_data import SIMILAR_2D, alfano_case
from scipy import integrate

from orbitwatch.ccsds.cdm import read_cdm
from orbitwatch.errors import InputError
from orbitwatch.risk.elrod import pc_elrod, pc_elrod_plane
from orbitwatch.risk.foster import pc_circle_adaptive, pc_foster

# Omitron test case 01 (PcElrod_UnitTest testOmitronCase1), km, km/s, km^2
R1 = [378.39559, 4305.721887, 5752.767554]
V1 = [2.360800244, 5.580331936, -4.322349039]
C1 = [
    [44.5757544811362, 81.6751751052616, -67.8687662707124],
    [81.6751751052616, 158.453402956163, -128.616921644857],
    [-67.8687662707124, -128.616921644858, 105.490542562701],
]
R2 = [374.5180598, 4307.560983, 5751.130418]
V2 = [-5.388125081, -3.946827739, 3.322820358]
C2 = [
    [2.31067077720423, 1.69905293875632, -1.4170164577661],
    [1.69905293875632, 1.24957388457206, -1.04174164279599],
    [-1.4170164577661, -1.04174164279599, 0.869260558223714],
]

# Omitron test case 02 (testOmitronCase2)
R1B = [-3239.128337196251, 2404.575152356222, 5703.228541709001]
V1B = [-3.745768373154199, 5.012339015927846, -4.231864565717194]
R2B = [-3239.138264917246, 2404.568320465936, 5703.235605231182]
V2B = [6.110192790100711, -1.767321407894830, 4.140369261741708]
C1B = np.array([
    [0.342072996423899, -0.412677096778269, 0.371500417511149],
    [-0.412677096778269, 0.609905946319294, -0.540401385544286],
    [0.371500417511149, -0.540401385544286, 0.521238634755377],
]) * 1e-3  # fmt: skip
C2B = np.array([
    [0.028351300975134, -0.008204103437377, 0.019253747960155],
    [-0.008204103437377, 0.002404377774847, -0.005586512197914],
    [0.019253747960155, -0.005586512197914, 0.013289250260317],
])  # fmt: skip

# PcElrod_UnitTest AlfanoExpSolution (cases 1..11, AlfanoHBR, 1e-3 relative)
ALFANO_ELROD = [
    1.46749549e-01, 6.22226700e-03, 1.00351176e-01, 4.93234060e-02, 4.44873860e-02, 4.33545500e-03,
    1.58147000e-04, 3.69480080e-02, 2.90146291e-01, 2.90146291e-01, 2.67202600e-03,
]  # fmt: skip


def test_omitron_cases_1_and_2() -> None:
    """testOmitronCase1 2.70601573490125e-05 and testOmitronCase2 0.180736305849476, HBR 20 m, 1e-3 relative."""
    a = pc_elrod(R1, V1, C1, R2, V2, C2, hbr_km=0.020)
    assert a.pc[0] == pytest.approx(2.70601573490125e-05, rel=1e-3)
    b = pc_elrod(R1B, V1B, C1B, R2B, V2B, C2B, hbr_km=0.020)
    assert b.pc[0] == pytest.approx(0.180736305849476, rel=1e-3)
    both = pc_elrod(np.array([R1, R1B]), np.array([V1, V1B]), np.array([C1, C1B]), np.array([R2, R2B]),
                    np.array([V2, V2B]), np.array([C2, C2B]), hbr_km=np.array([0.020, 0.020]))  # fmt: skip
    np.testing.assert_array_equal(both.pc, [a.pc[0], b.pc[0]])
    # the same Pc as the Foster reference of orbitwatch (identical plane and remediation)
    assert a.pc[0] == pytest.approx(pc_foster(R1, V1, C1, R2, V2, C2, hbr_km=0.020).pc[0], rel=1e-8)


@pytest.mark.parametrize("case", range(1, 12))
def test_alfano_cases(shared_data, case: int) -> None:
    """PcElrod_UnitTest Alfano cases 1-11 (AlfanoExpSolution, AlfanoHBR), 1e-3 relative."""
    s1, c1, s2, c2, hbr, _ = alfano_case(shared_data, case)
    assert pc_elrod(s1[:3], s1[3:], c1, s2[:3], s2[3:], c2, hbr_km=hbr).pc[0] == pytest.approx(
        ALFANO_ELROD[case - 1], rel=1e-3
    )


def test_similar_to_3d_case() -> None:
    """testSimilarTo3D (inline m, m/s, m^2; HBR 20 m): 1.0281653e-02 within 1e-3 relative."""
    r1, v1, cov1, r2, v2, cov2 = SIMILAR_2D
    res = pc_elrod(r1 / 1e3, v1 / 1e3, cov1 / 1e6, r2 / 1e3, v2 / 1e3, cov2 / 1e6, hbr_km=0.020)
    assert res.pc[0] == pytest.approx(1.0281653e-02, rel=1e-3)


def test_non_positive_definite_case(shared_data) -> None:
    """testNonPositiveDefinite2: OmitronTestCase_Test07_NonPDCovariance.cdm, HBR 20 m -> 0 (abs 1e-10), remediated."""
    path = shared_data / "cdm" / "cara-sample-cdms" / "OmitronTestCase_Test07_NonPDCovariance.cdm"
    cdm = read_cdm(path.read_text())
    s1, s2 = cdm.state(1), cdm.state(2)
    c1, c2 = cdm.covariance_inertial_km(1), cdm.covariance_inertial_km(2)
    res = pc_elrod(s1[:3], s1[3:], c1, s2[:3], s2[3:], c2, hbr_km=0.020)
    assert res.pc[0] == pytest.approx(0.0, abs=1e-10)
    assert res.remediated[0] and res.npd[0]


def _grid(n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Random plane geometries: HBR/sigma_minor 1e-3..300, aspect 1..1e3, miss up to ~8 sigma + 2 HBR."""
    rng = np.random.default_rng(seed)
    ratio = 10 ** rng.uniform(-3, np.log10(300), n)
    aspect = 10 ** rng.uniform(0, 3, n)
    hbr = ratio.copy()
    ang = rng.uniform(0, np.pi, n)
    d = rng.uniform(0, 1, n) * (np.sqrt(aspect) * rng.uniform(0, 8, n) + hbr * rng.uniform(0, 2, n))
    phi = rng.uniform(0, 2 * np.pi, n)
    miss = np.stack([d * np.cos(phi), d * np.sin(phi)], 1)
    c, s = np.cos(ang), np.sin(ang)
    rot = np.stack([np.stack([c, -s], -1), np.stack([s, c], -1)], -2)
    cov = rot @ (np.stack([aspect**2, np.ones(n)], -1)[:, :, None] * np.swapaxes(rot, 1, 2))
    scale = 10 ** rng.uniform(-3, 1, n)  # sigma_minor from 1 m to 10 km
    return miss * scale[:, None], cov * (scale**2)[:, None, None], hbr * scale, ratio


def test_agrees_with_adaptive_quadrature_over_hbr_sigma_1e_3_to_300() -> None:
    """400 random geometries: <= 1e-6 relative to the adaptive integral (measured: ~2e-10), and the
    reported error estimate bounds the actual error (to the reference's own 1e-12 rounding floor)."""
    miss, cov, hbr, ratio = _grid(400, seed=11)
    assert ratio.min() < 2e-3 and ratio.max() > 150
    ref = pc_circle_adaptive(miss, cov, hbr)
    got = pc_elrod_plane(miss, cov, hbr)
    ok = ref > 1e-290  # below that the reference itself underflows
    assert ok.sum() > 350
    np.testing.assert_allclose(got.pc[ok], ref[ok], rtol=1e-6, atol=0)
    assert np.all(np.abs(got.pc[ok] - ref[ok]) <= got.error_estimate[ok] + 1e-12 * ref[ok])
    assert np.all(got.pc[~ok] < 1e-280)


def _dblquad_circle(mx: float, mz: float, cov: np.ndarray, r: float) -> float:
    inv = np.linalg.inv(cov)
    norm = 1.0 / (2 * np.pi * np.sqrt(np.linalg.det(cov)))

    def f(z: float, x: float) -> float:
        d = np.array([x, z])
        return float(norm * np.exp(-0.5 * d @ inv @ d))

    def half(x: float) -> float:
        return float(np.sqrt(max(r * r - (x - mx) ** 2, 0.0)))

    val, _ = integrate.dblquad(
        f, mx - r, mx + r, lambda x: mz - half(x), lambda x: mz + half(x), epsabs=0, epsrel=1e-11
    )
    return float(val)


@pytest.mark.parametrize(
    ("ratio", "miss_sigma", "aspect", "angle"),
    [(1e-3, 1.0, 1.0, 0.3), (0.05, 2.0, 5.0, 1.0), (1.0, 0.5, 20.0, -0.7), (10.0, 3.0, 3.0, 0.2),
     (300.0, 100.0, 2.0, 2.0)],
)
def test_against_independent_double_integral(ratio: float, miss_sigma: float, aspect: float, angle: float) -> None:
    """scipy dblquad of the 2D Gaussian over the disc (no 1D reduction): 1e-8 relative."""
    sig = 0.1
    rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    cov = rot @ np.diag([(sig * aspect) ** 2, sig**2]) @ rot.T
    miss = np.array([miss_sigma * sig, 0.3 * miss_sigma * sig])
    ref = _dblquad_circle(miss[0], miss[1], cov, ratio * sig)
    assert pc_elrod_plane(miss, cov, ratio * sig).pc[0] == pytest.approx(ref, rel=1e-8)


def test_far_tail_keeps_relative_precision() -> None:
    """A disc 30 sigma away (Pc ~ 1e-198): same as the adaptive reference to 1e-8 (no absolute sigma cut)."""
    cov = np.array([[0.2**2, 0.0], [0.0, 0.05**2]])
    miss = np.array([0.0, 1.5])
    ref = pc_circle_adaptive(miss, cov, 0.01)[0]
    assert 1e-210 < ref < 1e-190
    assert pc_elrod_plane(miss, cov, 0.01).pc[0] == pytest.approx(ref, rel=1e-8)


@pytest.mark.parametrize(
    ("index", "code"),
    [("c1", "INPUT_NOT_FINITE"), ("negvar", "INPUT_NEGATIVE_VARIANCE"), ("v2", "INPUT_ZERO_RELATIVE_VELOCITY"),
     ("hbr", "INPUT_HBR")],
)  # fmt: skip
def test_bad_inputs(index: str, code: str) -> None:
    """Bad conjunctions raise the same codes as pc_foster, or come back as codes with Pc NaN."""
    r1, v1, c1 = np.array([R1, R1]), np.array([V1, V1]), np.array([C1, C1])
    r2, v2, c2 = np.array([R2, R2]), np.array([V2, V2]), np.array([C2, C2])
    hbr = np.array([0.02, 0.02])
    if index == "c1":
        c1[1, 0, 0] = np.nan
    elif index == "negvar":
        c1[1, 2, 2] = -1.0
    elif index == "v2":
        v2[1] = v1[1]
    else:
        hbr[1] = 0.0
    with pytest.raises(InputError) as info:
        pc_elrod(r1, v1, c1, r2, v2, c2, hbr_km=hbr)
    assert info.value.code == code and info.value.record == 1
    res = pc_elrod(r1, v1, c1, r2, v2, c2, hbr_km=hbr, raise_errors=False)
    assert list(res.codes) == ["", code] and np.isnan(res.pc[1]) and res.pc[0] > 0

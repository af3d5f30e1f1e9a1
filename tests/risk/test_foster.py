"""Foster 2D Pc (and the Chan and Alfano series) against published and independent values."""

from __future__ import annotations

import numpy as np
import pytest
from _risk_data import CARA_ALFANO_2009, alfano_case
from scipy import integrate

from orbitwatch.ccsds.cdm import read_cdm
from orbitwatch.errors import InputError
from orbitwatch.risk.alfano import pc_alfano, pc_alfano_plane
from orbitwatch.risk.chan import pc_chan_plane
from orbitwatch.risk.foster import pc_foster, pc_foster_plane

# NASA CARA Omitron test case 01: inline vectors of Pc2D_Foster_UnitTest.m
# (nasa/CARA_Analysis_Tools, DistributedMatlab/ProbabilityOfCollision/UnitTests), km, km/s, km^2.
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
HBR_KM = 0.020


@pytest.mark.parametrize(
    ("shape", "expected"),
    [
        ("circle", 2.70601573490125e-05),  # testCircularHBR
        ("square", 3.44534649703584e-05),  # testSquareHBR
        ("square_equal_area", 2.70601573490111e-05),  # testEqAreaSquareHBR
    ],
)
def test_omitron_case_01(shape: str, expected: float) -> None:
    """CARA's expected Pc within CARA's own tolerance, 1e-3 relative."""
    res = pc_foster(R1, V1, C1, R2, V2, C2, hbr_km=HBR_KM, shape=shape)
    assert res.pc[0] == pytest.approx(expected, rel=1e-3)
    assert not res.remediated[0]


def test_non_positive_definite_case_gives_zero_with_remediation(shared_data) -> None:
    """CARA testNonPositiveDefinite: OmitronTestCase_Test07_NonPDCovariance.cdm, HBR 20 m -> Pc 0 (abs 1e-10)."""
    path = shared_data / "cdm" / "cara-sample-cdms" / "OmitronTestCase_Test07_NonPDCovariance.cdm"
    cdm = read_cdm(path.read_text())
    s1, s2 = cdm.state(1), cdm.state(2)
    res = pc_foster(
        s1[:3], s1[3:], cdm.covariance_inertial_km(1), s2[:3], s2[3:], cdm.covariance_inertial_km(2), hbr_km=0.020
    )
    assert res.pc[0] == pytest.approx(0.0, abs=1e-10)
    assert res.remediated[0]
    assert res.npd[0]


@pytest.mark.parametrize("case", range(1, 12))
def test_alfano_2009_foster_matches_cara(shared_data, case: int) -> None:
    """Alfano (2009) cases at TCA vs CARA_Pc2D (A09TestCases_01_12_Distributed.csv), 1e-3 relative as CARA's test."""
    s1, c1, s2, c2, hbr, _ = alfano_case(shared_data, case)
    pc = pc_foster(s1[:3], s1[3:], c1, s2[:3], s2[3:], c2, hbr_km=hbr).pc[0]
    assert pc == pytest.approx(CARA_ALFANO_2009[case][0], rel=1e-3)


def _dblquad_circle(mx: float, mz: float, cov: np.ndarray, r: float) -> float:
    """Independent reference: adaptive 2-D quadrature of the Gaussian over the disc (scipy)."""
    inv = np.linalg.inv(cov)
    norm = 1.0 / (2 * np.pi * np.sqrt(np.linalg.det(cov)))

    def f(z: float, x: float) -> float:
        d = np.array([x, z])
        return float(norm * np.exp(-0.5 * d @ inv @ d))

    val, _ = integrate.dblquad(
        f,
        mx - r,
        mx + r,
        lambda x: mz - np.sqrt(max(r * r - (x - mx) ** 2, 0.0)),
        lambda x: mz + np.sqrt(max(r * r - (x - mx) ** 2, 0.0)),
        epsabs=0,
        epsrel=1e-11,
    )
    return float(val)


@pytest.mark.parametrize(
    ("ratio", "miss_sigma", "aspect", "angle"),
    [
        (1e-3, 1.0, 1.0, 0.3),
        (0.05, 2.0, 5.0, 1.0),
        (1.0, 0.5, 20.0, -0.7),
        (10.0, 3.0, 3.0, 0.2),
        (300.0, 100.0, 2.0, 2.0),
    ],
)
def test_foster_against_adaptive_double_integral(ratio: float, miss_sigma: float, aspect: float, angle: float) -> None:
    """Composite Gauss-Legendre vs scipy dblquad over HBR/sigma from 1e-3 to 300: 1e-8 relative."""
    sig = 0.1  # km
    rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    cov = rot @ np.diag([(sig * aspect) ** 2, sig**2]) @ rot.T
    miss = np.array([miss_sigma * sig, 0.3 * miss_sigma * sig])
    r = ratio * sig
    ref = _dblquad_circle(miss[0], miss[1], cov, r)
    got = pc_foster_plane(miss, cov, r).pc[0]
    assert got == pytest.approx(ref, rel=1e-8, abs=1e-300)


def test_chan_exact_for_isotropic_covariance() -> None:
    """Chan's series is exact for an isotropic covariance (Chan 2008 ch. 5): agrees with Foster to 1e-9."""
    cov = np.diag([0.05**2, 0.05**2])
    for miss, r in [((0.0, 0.0), 0.01), ((0.1, 0.05), 0.02), ((0.3, 0.0), 0.005)]:
        f = pc_foster_plane(np.array(miss), cov, r).pc[0]
        c = pc_chan_plane(np.array(miss), cov, r).pc[0]
        assert c == pytest.approx(f, rel=1e-9)


def test_alfano_series_close_to_foster_on_omitron_case() -> None:
    """Alfano (2005) Simpson series vs Foster on Omitron case 01: within 0.5 % (Simpson at order 10)."""
    f = pc_foster(R1, V1, C1, R2, V2, C2, hbr_km=HBR_KM).pc[0]
    a = pc_alfano(R1, V1, C1, R2, V2, C2, hbr_km=HBR_KM).pc[0]
    assert a == pytest.approx(f, rel=5e-3)


def test_alfano_series_converges_to_foster_when_sigma_small() -> None:
    """With HBR/sigma = 5 Alfano's order is 25; result within 1e-4 of the Foster integral."""
    cov = np.diag([0.004**2, 0.002**2])
    f = pc_foster_plane(np.array([0.003, 0.001]), cov, 0.01).pc[0]
    a = pc_alfano_plane(np.array([0.003, 0.001]), cov, 0.01).pc[0]
    assert a == pytest.approx(f, rel=1e-4)


def test_vectorised_equals_loop() -> None:
    rng = np.random.default_rng(1)
    m = 50
    miss = rng.normal(size=(m, 2)) * 0.2
    a = rng.normal(size=(m, 2, 2)) * 0.1
    cov = a @ np.swapaxes(a, 1, 2) + 1e-4 * np.eye(2)
    hbr = rng.uniform(0.005, 0.05, m)
    batch = pc_foster_plane(miss, cov, hbr).pc
    loop = np.array([pc_foster_plane(miss[i], cov[i], hbr[i]).pc[0] for i in range(m)])
    np.testing.assert_allclose(batch, loop, rtol=1e-12, atol=0)


@pytest.mark.parametrize(
    ("mutate", "code"),
    [
        (lambda a: a["c1"].__setitem__((0, 0), np.nan), "INPUT_NOT_FINITE"),
        (lambda a: a["c1"].__setitem__((1, 1), -1.0), "INPUT_NEGATIVE_VARIANCE"),
        (lambda a: a["v2"].__setitem__(slice(None), a["v1"]), "INPUT_ZERO_RELATIVE_VELOCITY"),
        (lambda a: a.__setitem__("hbr", 0.0), "INPUT_HBR"),
        (lambda a: a.__setitem__("hbr", -0.01), "INPUT_HBR"),
    ],
)
def test_bad_inputs_raise_with_code(mutate, code: str) -> None:
    args = {
        "r1": np.array(R1),
        "v1": np.array(V1),
        "c1": np.array(C1),
        "r2": np.array(R2),
        "v2": np.array(V2),
        "c2": np.array(C2),
        "hbr": HBR_KM,
    }
    mutate(args)
    with pytest.raises(InputError) as info:
        pc_foster(args["r1"], args["v1"], args["c1"], args["r2"], args["v2"], args["c2"], hbr_km=args["hbr"])
    assert info.value.code == code


def test_unknown_shape_rejected() -> None:
    with pytest.raises(InputError) as info:
        pc_foster(R1, V1, C1, R2, V2, C2, hbr_km=HBR_KM, shape="ellipse")
    assert info.value.code == "INPUT_HBR_SHAPE"

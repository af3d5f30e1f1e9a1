"""The remaining cases of CARA's 2D and 3D Pc unit tests, each named by file and case.

Source: nasa/CARA_Analysis_Tools, ``DistributedMatlab/ProbabilityOfCollision/UnitTests/``
(``PcElrod_UnitTest.m`` and ``PcCircle_UnitTest.m`` @ 753a672, ``Pc2D_Foster_UnitTest.m`` @
20116e3, ``Pc3D_Hall_UnitTest.m`` @ 5636151).  Values are CARA's expected solutions, at CARA's
own tolerance where orbitwatch computes the same quantity (``RelTol`` 1e-3 for PcElrod,
Pc2D_Foster and Pc3D_Hall; 1e-10 for PcCircle where the miss vector is the same, see
``test_pccircle_cases.py``).  Where orbitwatch deliberately differs (a negative or zero HBR
is bad input here, CARA clips it to 0), the test says so and checks orbitwatch's error code.
The other cases (Omitron 1/2, Alfano, NPD CDM, similar 2D/3D, 2D/3D disagreement, output
struct) are in ``test_foster.py``, ``test_elrod.py``, ``test_pccircle_cases.py`` and
``test_montecarlo_hall3d.py``.

``Pc_TestSetup.m`` returns CDM positions in km and covariances in m^2 (``Pc_ObjectSetup``
multiplies the state by 1000 and divides the position back); ``PcCircle_UnitTest``'s
zero-miss / zero-relative-velocity cases pass those unchanged with HBR 0.010, i.e. the
covariance numbers in m^2 are read as km^2.  The tests below reproduce exactly that input.
"""

from __future__ import annotations

import numpy as np
import pytest
from _risk_data import alfano_case

from orbitwatch.ccsds.cdm import read_cdm
from orbitwatch.errors import InputError
from orbitwatch.risk.elrod import pc_elrod
from orbitwatch.risk.foster import pc_circle_adaptive, pc_foster
from orbitwatch.risk.hall3d import pc_hall3d

# Omitron test case 02 (PcElrod testOmitronCase2 / PcCircle testOmitronCase2), km, km/s, km^2, HBR 20 m
OMI2 = (
    np.array([-3239.128337196251, 2404.575152356222, 5703.228541709001]),
    np.array([-3.745768373154199, 5.012339015927846, -4.231864565717194]),
    np.array([[0.342072996423899, -0.412677096778269, 0.371500417511149],
              [-0.412677096778269, 0.609905946319294, -0.540401385544286],
              [0.371500417511149, -0.540401385544286, 0.521238634755377]]) * 1e-3,
    np.array([-3239.138264917246, 2404.568320465936, 5703.235605231182]),
    np.array([6.110192790100711, -1.767321407894830, 4.140369261741708]),
    np.array([[0.028351300975134, -0.008204103437377, 0.019253747960155],
              [-0.008204103437377, 0.002404377774847, -0.005586512197914],
              [0.019253747960155, -0.005586512197914, 0.013289250260317]]),
)  # fmt: skip
OMI2_PC = 0.180736305849476

# Omitron test case 03 (PcElrod testNonPositiveDefinite, PcCircle testNPDCovariance), m, m/s, m^2
NPD_R1 = np.array([-6711923.276204407, 2115987.639388162, 596903.033311516])
NPD_V1 = np.array([-3633.024009735033, -8343.876216289187, 1529.269073307224])
NPD_R2 = np.array([-6703689.997789211, 2066645.266249834, 601175.621383896])
NPD_V2 = np.array([-499.951545210059, -8271.763735723972, -3673.287518932014])
NPD_C1 = np.array([[10651.06865424844, 25162.51806981900, -4653.47179860534],
                   [25162.51806981901, 61873.55078822979, -11370.63814221593],
                   [-4653.47179860534, -11370.63814221593, 2108.71780971058]])  # fmt: skip
NPD_C2 = np.array([[38324418857.201, 409236977944.646, 182366534533.406],
                   [409236977944.646, 4369926131386.673, 1947351616381.380],
                   [182366534533.406, 1947351616381.380, 867790027954.990]])  # fmt: skip

# Omitron test case 01 (Pc3D_Hall testBadCovariance: 3x3 covariances), km, km/s, km^2
OMI1_R1, OMI1_V1 = np.array([378.39559, 4305.721887, 5752.767554]), np.array([2.360800244, 5.580331936, -4.322349039])
OMI1_R2 = np.array([374.5180598, 4307.560983, 5751.130418])
OMI1_V2 = np.array([-5.388125081, -3.946827739, 3.322820358])
OMI1_C1 = np.array([[44.5757544811362, 81.6751751052616, -67.8687662707124],
                    [81.6751751052616, 158.453402956163, -128.616921644857],
                    [-67.8687662707124, -128.616921644858, 105.490542562701]])  # fmt: skip
OMI1_C2 = np.array([[2.31067077720423, 1.69905293875632, -1.4170164577661],
                    [1.69905293875632, 1.24957388457206, -1.04174164279599],
                    [-1.4170164577661, -1.04174164279599, 0.869260558223714]])  # fmt: skip

# Pc2D_Foster_UnitTest / PcElrod_UnitTest / PcCircle_UnitTest AlfanoExpSolution (cases 1-11; PcCircle adds 12: NaN)
ALFANO_2D = [
    1.46749549e-01, 6.22226700e-03, 1.00351176e-01, 4.93234060e-02, 4.44873860e-02, 4.33545500e-03,
    1.58147000e-04, 3.69480080e-02, 2.90146291e-01, 2.90146291e-01, 2.67202600e-03,
]  # fmt: skip

# PcCircle_UnitTest testZeroMissRelVelSingly / testZeroMissRelVelVectorized: Omitron 2, then
# AlfanoTestCase01..06.cdm with HBR 0.010 (cases 2, 4: r2 = r1; cases 3, 5: v2 = v1 -> NaN)
ZERO_MISS_RELVEL = [OMI2_PC, 4.24233551288858e-07, 4.2421193442297e-07, np.nan, 1.56178901385447e-06, np.nan,
                    1.27770802292292e-08]  # fmt: skip


def _pc_test_setup(shared_data, name: str) -> tuple[np.ndarray, ...]:
    """CARA's ``Pc_TestSetup``: positions km, velocities km/s, covariances (6x6) in m^2."""
    cdm = read_cdm((shared_data / "cdm" / "cara-sample-cdms" / name).read_text())
    s1, s2 = cdm.state(1), cdm.state(2)
    return (s1[:3], s1[3:], cdm.covariance_inertial_km(1)[:6, :6] * 1e6, s2[:3], s2[3:],
            cdm.covariance_inertial_km(2)[:6, :6] * 1e6)  # fmt: skip


# --- PcElrod_UnitTest.m / PcCircle_UnitTest.m: Omitron case 03 (NPD), case 04/05 -------------------------


@pytest.mark.parametrize("fn", [pc_foster, pc_elrod])
def test_npd_omitron_case_03(fn) -> None:
    """PcElrod testNonPositiveDefinite and PcCircle testNPDCovariance (m units, HBR 52.84 m): Pc = 0 exactly
    (CARA: RelTol 1e-3 / 1e-10 on an expected 0), after eigenvalue clipping of the NPD plane covariance."""
    res = fn(NPD_R1, NPD_V1, NPD_C1, NPD_R2, NPD_V2, NPD_C2, hbr_km=52.84)
    assert res.pc[0] == 0.0
    assert res.remediated[0] and res.npd[0]


@pytest.mark.parametrize("fn", [pc_foster, pc_elrod])
def test_two_element_npd(fn) -> None:
    """PcCircle testTwoElementNPDCovariance: [Omitron 2 (km, HBR 0.020); Omitron 3 (m, HBR 52.84)] -> [0.1807; 0]."""
    res = fn(np.stack([OMI2[0], NPD_R1]), np.stack([OMI2[1], NPD_V1]), np.stack([OMI2[2], NPD_C1]),
             np.stack([OMI2[3], NPD_R2]), np.stack([OMI2[4], NPD_V2]), np.stack([OMI2[5], NPD_C2]),
             hbr_km=np.array([0.020, 52.84]))  # fmt: skip
    assert res.pc[0] == pytest.approx(1.807363058494765e-01, rel=1e-3)
    assert res.pc[1] == 0.0


@pytest.mark.parametrize("fn", [pc_foster, pc_elrod])
def test_npd_that_cara_cannot_remediate(fn) -> None:
    """PcElrod testNPDNoRemediation (Omitron 04: cov1(1,1) = 1.065e-3 m^2 against off-diagonals ~2.5e4, HBR
    0.05284 m) and testMultiCalcNPD ([Omitron 2; Omitron 04]): CARA expects NaN (resp. [0.1807; NaN]).

    Deliberate difference: CARA's RemediateCovariance2x2 clips the eigenvalues at (Fclip HBR)^2 with Fclip up
    to 3e-2, rebuilds the 2x2 matrix and gives up (NaN) when its floating-point Cholesky pivots still fail
    (condition ~1e23 here).  orbitwatch integrates in the clipped principal axes directly (no rebuilt matrix),
    so the remediated problem is well posed: a line-like Gaussian (sigma_minor = Fclip HBR = 5 um) whose
    axis passes 23 km from the 5 cm disc gives Pc = 0, flagged npd and remediated.  The independent adaptive
    quadrature of the same clipped plane agrees."""
    c1 = NPD_C1.copy()
    c1[0, 0] = 1.065106865424844e-3
    res = fn(NPD_R1, NPD_V1, c1, NPD_R2, NPD_V2, NPD_C2, hbr_km=0.05284)
    assert res.pc[0] == 0.0 and res.npd[0] and res.remediated[0]
    from orbitwatch.risk.encounter import encounter_plane

    plane = encounter_plane(NPD_R1[None], NPD_V1[None], c1[None], NPD_R2[None], NPD_V2[None], NPD_C2[None])
    assert pc_circle_adaptive(plane.miss_km, plane.cov_km2, 0.05284)[0] == pytest.approx(0.0, abs=1e-300)
    both = fn(np.stack([OMI2[0], NPD_R1]), np.stack([OMI2[1], NPD_V1]), np.stack([OMI2[2], c1]),
              np.stack([OMI2[3], NPD_R2]), np.stack([OMI2[4], NPD_V2]), np.stack([OMI2[5], NPD_C2]),
              hbr_km=np.array([0.020, 0.05284]))  # fmt: skip
    assert both.pc[0] == pytest.approx(OMI2_PC, rel=1e-3) and both.pc[1] == 0.0


@pytest.mark.parametrize("fn", [pc_foster, pc_elrod])
def test_negative_and_zero_hbr_are_bad_input(fn) -> None:
    """PcElrod testNegativeHBR (Omitron 01, HBR -0.020 -> CARA 0) and PcCircle testMultipleElements' HBR 0 -> 0
    and Inf -> 1: deliberate difference, orbitwatch rejects a non-positive or infinite HBR (INPUT_HBR,
    INPUT_NOT_FINITE) instead of clipping it."""
    for hbr, code in ((-0.020, "INPUT_HBR"), (0.0, "INPUT_HBR"), (np.inf, "INPUT_NOT_FINITE")):
        with pytest.raises(InputError) as info:
            fn(OMI1_R1, OMI1_V1, OMI1_C1, OMI1_R2, OMI1_V2, OMI1_C2, hbr_km=hbr)
        assert info.value.code == code


def test_unequal_position_count_and_hbr_shape(shared_data) -> None:
    """PcElrod / PcCircle testUnequalPositionCount (AlfanoTestCase01.cdm, r2 given twice) and
    testInvalidHBRDimensions (an n x n HBR): InputError with a catalogued code, as CARA errors."""
    r1, v1, c1, r2, v2, c2 = _pc_test_setup(shared_data, "AlfanoTestCase01.cdm")
    for fn in (pc_foster, pc_elrod):
        with pytest.raises(InputError) as info:
            fn(r1, v1, c1 / 1e6, np.stack([r2, r2]), v2, c2 / 1e6, hbr_km=0.015)
        assert info.value.code == "INPUT_INVALID" and info.value.field == "r2_km"
    two = [np.stack([x, x]) for x in (r1, v1, c1 / 1e6, r2, v2, c2 / 1e6)]
    for fn in (pc_foster, pc_elrod):
        with pytest.raises(InputError) as info:
            fn(*two, hbr_km=np.array([[0.015, 0.015], [0.004, 0.004]]))
        assert info.value.field == "hbr_km"


# --- PcCircle_UnitTest.m ------------------------------------------------------------------------------------


@pytest.mark.parametrize("fn", [pc_foster, pc_elrod])
def test_pccircle_omitron_case_1b(fn) -> None:
    """PcCircle testOmitronCase1b (highest-accuracy mode): 2.706023476569786e-05, 1e-3 (|r| vs projected miss:
    the two differ by 1.9e-8 here, see test_pccircle_cases.py)."""
    res = fn(OMI1_R1, OMI1_V1, OMI1_C1, OMI1_R2, OMI1_V2, OMI1_C2, hbr_km=0.020)
    assert res.pc[0] == pytest.approx(2.706023476569786e-05, rel=1e-3)


@pytest.mark.parametrize("fn", [pc_foster, pc_elrod])
def test_pccircle_zero_miss_and_zero_relative_velocity_singly(shared_data, fn) -> None:
    """PcCircle testZeroMissRelVelSingly: Omitron 2, then AlfanoTestCase01..06.cdm as Pc_TestSetup returns them
    (km, m^2) with HBR 0.010; cases 2 and 4 with r2 = r1 (zero miss), 3 and 5 with v2 = v1 (zero relative
    velocity: CARA NaN, orbitwatch INPUT_ZERO_RELATIVE_VELOCITY).  CARA's 1e-10 relative: the miss vector
    of a zero-miss case and the states at TCA leave no room for the |r| / projection difference."""
    assert fn(*OMI2, hbr_km=0.020).pc[0] == pytest.approx(ZERO_MISS_RELVEL[0], rel=1e-3)
    for i in range(1, 7):
        r1, v1, c1, r2, v2, c2 = _pc_test_setup(shared_data, f"AlfanoTestCase{i:02d}.cdm")
        if i in (2, 4):
            r2 = r1
        elif i in (3, 5):
            v2 = v1
        if i in (3, 5):
            with pytest.raises(InputError) as info:
                fn(r1, v1, c1[:3, :3], r2, v2, c2[:3, :3], hbr_km=0.010)
            assert info.value.code == "INPUT_ZERO_RELATIVE_VELOCITY"
        else:
            pc = fn(r1, v1, c1[:3, :3], r2, v2, c2[:3, :3], hbr_km=0.010).pc[0]
            assert pc == pytest.approx(ZERO_MISS_RELVEL[i], rel=1e-10), i


def test_pccircle_zero_miss_and_zero_relative_velocity_vectorized(shared_data) -> None:
    """PcCircle testZeroMissRelVelVectorized: the same seven in one call; the two zero-velocity rows come back
    as NaN with their code (raise_errors=False), the others at CARA's 1e-10 (Omitron 2: 1e-3)."""
    rows = [OMI2]
    for i in range(1, 7):
        r1, v1, c1, r2, v2, c2 = _pc_test_setup(shared_data, f"AlfanoTestCase{i:02d}.cdm")
        r2 = r1 if i in (2, 4) else r2
        v2 = v1 if i in (3, 5) else v2
        rows.append((r1, v1, c1[:3, :3], r2, v2, c2[:3, :3]))
    cols = [np.stack([row[k] for row in rows]) for k in range(6)]
    res = pc_elrod(*cols, hbr_km=np.array([0.020] + [0.010] * 6), raise_errors=False)
    exp = np.array(ZERO_MISS_RELVEL)
    assert list(res.codes) == ["", "", "", "INPUT_ZERO_RELATIVE_VELOCITY", "", "INPUT_ZERO_RELATIVE_VELOCITY", ""]
    np.testing.assert_array_equal(np.isnan(res.pc), np.isnan(exp))
    ok = ~np.isnan(exp)
    assert res.pc[0] == pytest.approx(exp[0], rel=1e-3)
    np.testing.assert_allclose(res.pc[ok][1:], exp[ok][1:], rtol=1e-10)


def test_pccircle_alfano_vectorized_with_case_12(shared_data) -> None:
    """PcCircle testAlfano / testAlfanoVectorized: Alfano 2009 cases 1-12 at TCA in one call, 1e-3 relative;
    case 12 (zero relative velocity) is NaN in CARA, NaN with INPUT_ZERO_RELATIVE_VELOCITY here.
    (testAlfanoVectorizedWithSpecialCases compares PcCircle with itself: no published value to reproduce.)"""
    cases = [alfano_case(shared_data, c) for c in range(1, 13)]
    cols = [np.stack([c[0][:3] for c in cases]), np.stack([c[0][3:] for c in cases]), np.stack([c[1] for c in cases]),
            np.stack([c[2][:3] for c in cases]), np.stack([c[2][3:] for c in cases]), np.stack([c[3] for c in cases])]
    res = pc_elrod(*cols, hbr_km=np.array([c[4] for c in cases]), raise_errors=False)
    np.testing.assert_allclose(res.pc[:11], ALFANO_2D, rtol=1e-3)
    assert np.isnan(res.pc[11]) and res.codes[11] == "INPUT_ZERO_RELATIVE_VELOCITY"


# --- Pc2D_Foster_UnitTest.m ---------------------------------------------------------------------------------


@pytest.mark.parametrize("case", range(1, 12))
def test_pc2d_foster_alfano(shared_data, case: int) -> None:
    """Pc2D_Foster_UnitTest testAlfano (circle, AlfanoHBR): AlfanoExpSolution within CARA's 1e-3."""
    s1, c1, s2, c2, hbr, _ = alfano_case(shared_data, case)
    assert pc_foster(s1[:3], s1[3:], c1, s2[:3], s2[3:], c2, hbr_km=hbr).pc[0] == pytest.approx(
        ALFANO_2D[case - 1], rel=1e-3
    )


# --- Pc3D_Hall_UnitTest.m -----------------------------------------------------------------------------------


def test_pc3d_hall_bad_and_invalid_covariances(shared_data) -> None:
    """testBadCovariance (Omitron 01 with 3x3 covariances) and testInvalidCovarianceDimensions
    (AlfanoTestCase05.cdm with a scalar covariance for either object): CARA errors 'badCovariance',
    orbitwatch INPUT_COVARIANCE_SHAPE."""
    with pytest.raises(InputError) as info:
        pc_hall3d(np.r_[OMI1_R1, OMI1_V1], OMI1_C1, np.r_[OMI1_R2, OMI1_V2], OMI1_C2, 0.020)
    assert info.value.code == "INPUT_COVARIANCE_SHAPE"
    r1, v1, c1, r2, v2, c2 = _pc_test_setup(shared_data, "AlfanoTestCase05.cdm")
    s1, s2 = np.r_[r1, v1], np.r_[r2, v2]
    for a, b in ((1.0, c2 / 1e6), (c1 / 1e6, 2.0)):
        with pytest.raises(InputError) as info:
            pc_hall3d(s1, a, s2, b, 0.010)
        assert info.value.code == "INPUT_COVARIANCE_SHAPE"


def test_pc3d_hall_invalid_hbrs(shared_data) -> None:
    """testInvalidHBRs (AlfanoTestCase05.cdm): a negative combined HBR and a wrong number of HBRs are errors
    in CARA ('InvalidHBR') and InputError here (INPUT_HBR; INPUT_INVALID on hbr_km).  CARA also accepts a
    pair [HBR1 HBR2]; orbitwatch takes the combined HBR only (``risk.hbr.pair_hbr_m`` sums a pair)."""
    r1, v1, c1, r2, v2, c2 = _pc_test_setup(shared_data, "AlfanoTestCase05.cdm")
    args = (np.r_[r1, v1], c1 / 1e6, np.r_[r2, v2], c2 / 1e6)
    with pytest.raises(InputError) as info:
        pc_hall3d(*args, -0.010)
    assert info.value.code == "INPUT_HBR"
    with pytest.raises(InputError) as info:
        pc_hall3d(*args, np.array([0.005, 0.010, 0.015]))
    assert info.value.field == "hbr_km"


def test_pc3d_hall_invalid_time_bounds_and_orbits(shared_data) -> None:
    """testInvalidTimeBoundsAndOrbits (AlfanoTestCase05.cdm): zero relative velocity (v2 = v1) is only a
    warning for CARA ('InvalidTimeBounds': no linear conjunction bounds) and Pc3D_Hall still integrates over
    its orbital limits; orbitwatch does the same and returns a converged Nc in [0, 1].  A NaN velocity is
    CARA's 'EquinoctialMatrices:CalculationFailure', INPUT_NOT_FINITE here."""
    r1, v1, c1, r2, _, c2 = _pc_test_setup(shared_data, "AlfanoTestCase05.cdm")
    res = pc_hall3d(np.r_[r1, v1], c1 / 1e6, np.r_[r2, v1], c2 / 1e6, 0.010)
    assert res.converged[0] and 0.0 <= res.pc[0] <= 1.0
    assert not (np.isfinite(res.tau0_s[0]) and np.isfinite(res.tau1_s[0]))  # no linear bounds: -inf, inf
    with pytest.raises(InputError) as info:
        pc_hall3d(np.r_[r1, v1], c1 / 1e6, np.r_[r2, [np.nan] * 3], c2 / 1e6, 0.010)
    assert info.value.code == "INPUT_NOT_FINITE"

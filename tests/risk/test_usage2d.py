"""CARA's curvilinear 2D usage-violation analysis (``UsageViolationPc2D``) and ``auto``.

The indicator estimates ln(Nc2D / Pc2D) from the curved and the straight-line encounter;
where the 2D method is valid, Nc2D = Nc3D, so CARA's published 3D and 2D values give the
expected ratio (``Pc3D_Hall_UnitTest.m`` / ``PcElrod_UnitTest.m``, nasa/CARA_Analysis_Tools):

* testSimilarTo2D / testSimilarTo3D (inline vectors, HBR 20 m): 3D 1.0289973e-2, 2D
  1.0281653e-2, ln ratio 8.1e-4: the 2D method is accurate, the indicator must stay below
  CARA's cutoff 0.02;
* test2D3DDisagreementCase (``OmitronTestCase_Test08_3DNc.cdm``, HBR 20 m): 3D 1.9271201e-5,
  2D 2.2660816e-20, ln ratio 34.4: the indicator must be ~1 (flagged), and the small-HBR
  estimate within 10 % of the log ratio (we see 36.5, 6 %).  ``auto`` must then take
  CARA's 3D value (1e-3 relative).
CARA's own indicator values for these cases are not published, so only the side of the
cutoff and the size of the log ratio are checked.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from _risk_data import SIMILAR_2D

from orbitwatch.ccsds.cdm import read_cdm
from orbitwatch.risk.pc import pc_for_states, pc_from_cdm
from orbitwatch.risk.usage2d import INACCURATE_CUTOFF, curvilinear_usage


def test_similar_2d_case_is_not_inaccurate() -> None:
    r1, v1, c1, r2, v2, c2 = SIMILAR_2D
    u = curvilinear_usage(np.r_[r1, v1] / 1e3, c1 / 1e6, np.r_[r2, v2] / 1e3, c2 / 1e6, 0.020)
    assert u.converged[0]
    assert u.inaccurate[0] < INACCURATE_CUTOFF and not u.inaccurate_2d[0]
    assert abs(u.log_pc_correction[0] - math.log(1.0289973e-2 / 1.0281653e-2)) < 0.01
    res = pc_for_states(r1 / 1e3, v1 / 1e3, c1 / 1e6, r2 / 1e3, v2 / 1e3, c2 / 1e6, hbr_km=0.020, method="auto")
    assert res.method == ["foster"] and "INACCURATE_2D" not in res.usage_violations[0]


def test_2d_3d_disagreement_case_is_inaccurate(shared_data) -> None:
    path = shared_data / "cdm" / "cara-sample-cdms" / "OmitronTestCase_Test08_3DNc.cdm"
    cdm = read_cdm(path.read_text())
    s1, s2 = cdm.state(1), cdm.state(2)
    c1, c2 = cdm.covariance_inertial_km(1)[:6, :6], cdm.covariance_inertial_km(2)[:6, :6]
    u = curvilinear_usage(s1, c1, s2, c2, 0.020)
    assert u.converged[0] and u.inaccurate[0] > 0.99 and u.inaccurate_2d[0]
    expected = math.log(1.9271201e-5 / 2.2660816e-20)
    assert abs(u.log_pc_correction[0] / expected - 1) < 0.10
    # the rectilinear tests pass here: only the curvilinear test sends auto to 3D-Nc
    out = pc_from_cdm(cdm, method="auto", hbr_m=20.0)
    assert out["method"] == "hall3d"
    assert "INACCURATE_2D" in out["usage_violations"]
    assert out["auto_reason"].startswith("3D-Nc: 2D inaccurate on the curved encounter (INACCURATE_2D")
    assert out["pc"] == pytest.approx(1.9271201e-5, rel=1e-3)


def test_unconverged_usage_analysis_counts_as_a_violation(shared_data) -> None:
    """``SingleCovTestCase1-11.cdm``: Q(t) curves downward at the three initial times, so the
    curvilinear analysis does not converge (NaN indicators, as in ``UsageViolationPc2D``);
    ``PcMultiStep`` then sets ``AllIndicatorsConverged = false`` and ``AnyPc2DViolations = true``,
    so ``auto`` must not report the 2D Pc."""
    cdm = read_cdm((shared_data / "cdm" / "cara-sample-cdms" / "SingleCovTestCase1-11.cdm").read_text())
    u = curvilinear_usage(cdm.state(1), cdm.covariance_inertial_km(1)[:6, :6], cdm.state(2),
                          cdm.covariance_inertial_km(2)[:6, :6], 0.007)
    assert not u.converged[0] and np.isnan(u.inaccurate[0]) and not u.inaccurate_2d[0]
    out = pc_from_cdm(cdm, method="auto", hbr_m=7.0)
    assert out["method"] == "hall3d" and "USAGE_NOT_CONVERGED" in out["usage_violations"]

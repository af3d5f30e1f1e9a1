"""Monte Carlo and 3D-Nc against NASA CARA's published Alfano (2009) results and against each other.

Reference values: CARA's A09TestCases_01_12_Distributed.csv (see _risk_data.py), which
holds CARA's 3D-Nc (Pc3D_Hall) and a 1e8-trial Monte Carlo with its 95 % interval, per
case, with the HBR and time limits of alfano2009-case-parameters.csv.
"""

from __future__ import annotations

import numpy as np
import pytest
from _risk_data import CARA_ALFANO_2009, SIMILAR_2D, alfano_case
from scipy.stats import binom

from orbitwatch.errors import InputError
from orbitwatch.risk.foster import pc_foster
from orbitwatch.risk.hall3d import pc_hall3d
from orbitwatch.risk.montecarlo import clopper_pearson, pc_montecarlo


def test_clopper_pearson_closed_forms() -> None:
    """Exact limits: hits=0 -> upper = 1 - (a/2)^(1/n); hits=n -> lower = (a/2)^(1/n)."""
    lo, hi = clopper_pearson(0, 100, 0.95)
    assert lo == 0.0 and hi == pytest.approx(1 - 0.025 ** (1 / 100), rel=1e-12)
    lo, hi = clopper_pearson(100, 100, 0.95)
    assert hi == 1.0 and lo == pytest.approx(0.025 ** (1 / 100), rel=1e-12)
    lo, hi = clopper_pearson(30, 200, 0.95)
    assert binom.sf(29, 200, lo) == pytest.approx(0.025, rel=1e-6)
    assert binom.cdf(30, 200, hi) == pytest.approx(0.025, rel=1e-6)


@pytest.mark.parametrize("case", [3, 5, 8, 10])
def test_montecarlo_matches_cara_monte_carlo(shared_data, case: int) -> None:
    """6,000 two-body trials from TCA over +-time_limit: CARA's 1e8-trial MC lies in our 99.9 % interval."""
    s1, c1, s2, c2, hbr, tlimit = alfano_case(shared_data, case)
    res = pc_montecarlo(s1, c1, s2, c2, hbr, window_s=tlimit, n_samples=6000, seed=7, confidence=0.999)
    assert res.ci_low[0] <= CARA_ALFANO_2009[case][2] <= res.ci_high[0]


def test_montecarlo_agrees_with_foster_on_a_fast_short_encounter() -> None:
    """LEO head-on-ish crossing at 14 km/s (2D assumptions hold): MC (20,000 trials) brackets Foster (99.9 %)."""
    r1 = np.array([7000.0, 0.0, 0.0])
    v1 = np.array([0.0, 7.5, 0.0])
    r2 = r1 + np.array([0.01, 0.0, 0.005])
    v2 = np.array([0.0, -7.0, 1.5])
    c1 = np.diag([0.02**2, 0.1**2, 0.02**2, 1e-8, 1e-8, 1e-8])
    c2 = np.diag([0.03**2, 0.05**2, 0.04**2, 1e-8, 1e-8, 1e-8])
    hbr = 0.02
    foster = pc_foster(r1, v1, c1, r2, v2, c2, hbr).pc[0]
    mc = pc_montecarlo(
        np.r_[r1, v1], c1, np.r_[r2, v2], c2, hbr, window_s=60.0, n_samples=20000, seed=3, confidence=0.999
    )
    assert mc.ci_low[0] <= foster <= mc.ci_high[0]
    assert 0.01 < foster < 0.2


def test_montecarlo_rejects_bad_inputs() -> None:
    s = np.array([7000.0, 0, 0, 0, 7.5, 0])
    c = np.eye(6) * 1e-4
    with pytest.raises(InputError) as info:
        pc_montecarlo(s, c * np.nan, s, c, 0.01, window_s=10)
    assert info.value.code == "INPUT_NONFINITE"
    with pytest.raises(InputError) as info:
        pc_montecarlo(s, c, s, c, 0.0, window_s=10)
    assert info.value.code == "INPUT_HBR"


@pytest.mark.parametrize("case", [3, 7, 9])
def test_hall3d_matches_cara_pc3d(shared_data, case: int) -> None:
    """3D-Nc over +-time_limit vs CARA_Pc3D: within 1 % (all 12 cases agree within 0.6 %, docs/risk.md)."""
    s1, c1, s2, c2, hbr, tlimit = alfano_case(shared_data, case)
    res = pc_hall3d(s1, c1, s2, c2, hbr, window_s=tlimit)
    assert res.pc[0] == pytest.approx(CARA_ALFANO_2009[case][1], rel=1e-2)


def test_hall3d_similar_to_2d_case() -> None:
    """CARA Pc3D_Hall_UnitTest testSimilarTo2D (inline m, m/s vectors, HBR 20 m): 1.0289973e-02 within 1e-3."""
    r1, v1, cov1, r2, v2, cov2 = SIMILAR_2D
    s1 = np.r_[r1, v1] / 1e3
    s2 = np.r_[r2, v2] / 1e3
    res = pc_hall3d(s1, cov1 / 1e6, s2, cov2 / 1e6, 0.020, window_s=600.0)
    assert res.pc[0] == pytest.approx(1.0289973e-02, rel=1e-3)


def test_hall3d_requires_6x6() -> None:
    s = np.array([7000.0, 0, 0, 0, 7.5, 0])
    with pytest.raises(InputError) as info:
        pc_hall3d(s, np.eye(3), s, np.eye(3), 0.01)
    assert info.value.code == "INPUT_COVARIANCE_SHAPE"


def test_montecarlo_from_epoch_states(shared_data) -> None:
    """Alfano (2009) case 5 'at epoch' table (TCA 172800 s later): sampling at the epoch and moving the
    samples on conics to the window about TCA still brackets CARA's 1e8-trial MC (99.9 % interval)."""
    import csv

    with open(shared_data / "cdm" / "alfano-2009" / "alfano2009-states-covariances-tidy.csv", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["case"] == "5" and r["time"] == "epoch"]
    states, covs = [], []
    for obj in ("primary", "secondary"):
        (row,) = [r for r in rows if r["object"] == obj]
        states.append(np.array([float(row[k]) for k in ("x_m", "y_m", "z_m", "vx_mps", "vy_mps", "vz_mps")]) / 1e3)
        covs.append(np.array([[float(row[f"cov_{i}{j}"]) for j in range(1, 7)] for i in range(1, 7)]) / 1e6)
    res = pc_montecarlo(
        states[0], covs[0], states[1], covs[1], 0.010, window_s=1419.0, n_samples=6000, seed=5,
        confidence=0.999, tca_offset_s=172800.0,
    )
    assert res.ci_low[0] <= CARA_ALFANO_2009[5][2] <= res.ci_high[0]

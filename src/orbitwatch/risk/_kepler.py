"""Two-body (Keplerian) propagation with universal variables, compiled with numba.

Used by the Monte Carlo and 3D-Nc methods to move states away from TCA along
curvilinear (conic) trajectories.  The solver itself is
:func:`orbitwatch.constants.kepler_universal` (the one orbit-maths module); this module
broadcasts it over states and offsets and builds state-transition matrices.  Algorithm:
Vallado, *Fundamentals of Astrodynamics and Applications*, 4th ed., Algorithm 8 (KEPLER,
universal-variable formulation with Stumpff functions and Newton iteration on chi), with
the elliptic time reduced modulo the period.  Units km, km/s, s; ``mu`` defaults to WGS-72 (the catalog's model).
"""

from __future__ import annotations

import numba
import numpy as np
import numpy.typing as npt

from orbitwatch.constants import WGS72_MU_KM3_S2, kepler_universal

__all__ = ["kepler_propagate", "kepler_stm"]

FloatArray = npt.NDArray[np.float64]
MU = WGS72_MU_KM3_S2


@numba.njit(cache=True)
def _propagate_many(states: FloatArray, dts: FloatArray, mu: float, out: FloatArray) -> None:
    n = states.shape[0]
    k = dts.shape[0]
    for i in range(n):
        for j in range(k):
            a = kepler_universal(
                states[i, 0], states[i, 1], states[i, 2], states[i, 3], states[i, 4], states[i, 5], dts[j], mu
            )
            for q in range(6):
                out[i, j, q] = a[q]


def kepler_propagate(states_km: FloatArray, dt_s: FloatArray, mu: float = MU) -> FloatArray:
    """States (N, 6) km, km/s propagated to each offset ``dt_s`` (K,) -> (N, K, 6)."""
    states = np.ascontiguousarray(np.atleast_2d(states_km), dtype=np.float64)
    dts = np.ascontiguousarray(np.atleast_1d(dt_s), dtype=np.float64)
    out = np.empty((states.shape[0], dts.shape[0], 6))
    _propagate_many(states, dts, mu, out)
    return out


def kepler_stm(state_km: FloatArray, dt_s: FloatArray, mu: float = MU) -> tuple[FloatArray, FloatArray]:
    """Mean states (K, 6) and state-transition matrices (K, 6, 6) of one state at offsets (K,).

    The STM is by central differences (position step 1e-3 km, velocity 1e-6 km/s),
    accurate to ~1e-7 relative for the conic; enough for covariance mapping.
    """
    steps = np.array([1e-3, 1e-3, 1e-3, 1e-6, 1e-6, 1e-6])
    base = np.asarray(state_km, dtype=np.float64)
    pert = np.empty((13, 6))
    pert[0] = base
    for q in range(6):
        pert[1 + 2 * q] = base
        pert[2 + 2 * q] = base
        pert[1 + 2 * q, q] += steps[q]
        pert[2 + 2 * q, q] -= steps[q]
    prop = kepler_propagate(pert, dt_s, mu)  # (13, K, 6)
    mean = prop[0]
    stm = np.empty((mean.shape[0], 6, 6))
    for q in range(6):
        stm[:, :, q] = (prop[1 + 2 * q] - prop[2 + 2 * q]) / (2.0 * steps[q])
    return mean, stm

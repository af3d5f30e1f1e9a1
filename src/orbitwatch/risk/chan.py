"""Chan's series for the 2D collision probability.

Reference: F. K. Chan, *Spacecraft Collision Probability*, The Aerospace Press /
AIAA, 2008, ch. 5 (and Chan 1997, "Collision probability analyses for Earth-orbiting
satellites", Adv. Astronaut. Sci. 96).  The elliptic Gaussian in the encounter plane
is replaced by an isotropic one of equal area (``u = HBR^2 / (sigma_x sigma_z)``,
``v = x_m^2/sigma_x^2 + z_m^2/sigma_z^2`` in principal axes), which gives the
convergent series

    Pc = exp(-v/2) sum_m (v/2)^m / m! * [1 - exp(-u/2) sum_{k<=m} (u/2)^k / k!]

Each bracket is a regularised lower incomplete gamma function ``P(m+1, u/2)`` and each
weight a Poisson probability of mean ``v/2``; the sum runs over the Poisson weights
that matter (``v/2 +- 12 sqrt(v/2)`` plus margin).  Exact for an isotropic
covariance; an approximation otherwise (good when HBR is small against sigma).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.special import gammainc, gammaln

from orbitwatch.risk.encounter import FCLIP, check_inputs, encounter_plane, raise_on_codes, remediate_covariance_2x2
from orbitwatch.risk.foster import PlanePc, _plane_inputs

__all__ = ["pc_chan", "pc_chan_plane"]

FloatArray = npt.NDArray[np.float64]


def _chan_uv(u: FloatArray, v: FloatArray) -> FloatArray:
    half_v = 0.5 * v
    half_u = 0.5 * u
    lo = np.floor(np.maximum(0.0, half_v - 12.0 * np.sqrt(half_v) - 10.0))
    span = int(np.max(np.ceil(24.0 * np.sqrt(half_v) + 60.0))) if v.size else 1
    span = min(span, 20000)
    out = np.zeros_like(u)
    chunk = max(1, 2_000_000 // span)
    k = np.arange(span, dtype=np.float64)
    for s in range(0, u.size, chunk):
        sl = slice(s, s + chunk)
        m = lo[sl, None] + k[None, :]
        hv = half_v[sl, None]
        with np.errstate(divide="ignore", invalid="ignore"):
            logw = np.where(hv > 0, m * np.log(np.where(hv > 0, hv, 1.0)), np.where(m == 0, 0.0, -np.inf))
        logw = logw - hv - gammaln(m + 1.0)
        out[sl] = np.sum(np.exp(logw) * gammainc(m + 1.0, half_u[sl, None]), axis=1)
    return np.clip(out, 0.0, 1.0)


def pc_chan_plane(miss_km: Any, cov_km2: Any, hbr_km: Any, *, fclip: float = FCLIP) -> PlanePc:
    """Chan's series from encounter-plane miss (M, 2) km, covariance (M, 2, 2) km^2, HBR (M,) km."""
    miss, cov, hbr = _plane_inputs(miss_km, cov_km2, hbr_km)
    s1, s2, theta, remediated, npd = remediate_covariance_2x2(cov, hbr, fclip=fclip)
    c, s = np.cos(theta), np.sin(theta)
    xm = c * miss[:, 0] + s * miss[:, 1]
    zm = -s * miss[:, 0] + c * miss[:, 1]
    u = hbr**2 / (s1 * s2)
    v = (xm / s1) ** 2 + (zm / s2) ** 2
    return PlanePc(pc=_chan_uv(u, v), remediated=remediated, npd=npd)


def pc_chan(
    r1_km: Any, v1_km_s: Any, cov1_km2: Any, r2_km: Any, v2_km_s: Any, cov2_km2: Any, *, hbr_km: Any
) -> PlanePc:
    """Chan's series for M conjunctions from TCA states (shapes as :func:`~orbitwatch.risk.foster.pc_foster`)."""
    arrays, codes = check_inputs(r1_km, v1_km_s, cov1_km2, r2_km, v2_km_s, cov2_km2, hbr_km=hbr_km)
    raise_on_codes(codes)
    r1, v1, c1, r2, v2, c2, hbr = arrays
    plane = encounter_plane(r1, v1, c1, r2, v2, c2)
    return pc_chan_plane(plane.miss_km, plane.cov_km2, hbr)

"""Alfano's (2005) series for the 2D collision probability.

Reference: S. Alfano, "A numerical implementation of spherical object collision
probability", *Journal of the Astronautical Sciences* 53(1), 2005, pp. 103-109.
In the principal axes of the encounter-plane covariance, with x along the *minor*
axis, the circle integral is folded about x = 0 and evaluated with Simpson's rule
over ``2M`` intervals of [-HBR, 0]::

    Pc = 1 / (sqrt(8 pi) sigma_x) * Int_{-R}^{0} [erf((-z_m + w)/(sqrt2 sigma_z))
         - erf((-z_m - w)/(sqrt2 sigma_z))] [exp(-(x-x_m)^2/2sigma_x^2)
         + exp(-(x+x_m)^2/2sigma_x^2)] dx,   w = sqrt(R^2 - x^2)

with Alfano's order ``M = 5 R / min(sigma_x, sigma_z, |miss|)`` clipped to [10, 2000]
(Alfano allows up to 1e5; 2000 bounds the cost of a vectorised batch).  The error
function difference is computed in the tail-safe form of
:func:`orbitwatch.risk.foster.normal_cdf_diff`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from orbitwatch.risk.encounter import FCLIP, check_inputs, encounter_plane, raise_on_codes, remediate_covariance_2x2
from orbitwatch.risk.foster import PlanePc, _plane_inputs, normal_cdf_diff

__all__ = ["ALFANO_MAX_ORDER", "pc_alfano", "pc_alfano_plane"]

FloatArray = npt.NDArray[np.float64]

ALFANO_MAX_ORDER = 2000


def _alfano(xm: FloatArray, zm: FloatArray, sx: FloatArray, sz: FloatArray, r: FloatArray) -> FloatArray:
    miss = np.hypot(xm, zm)
    with np.errstate(divide="ignore", invalid="ignore"):
        order = 5.0 * r / np.minimum(np.minimum(sx, sz), np.where(miss > 0, miss, np.inf))
    order = np.clip(np.nan_to_num(order, nan=10.0, posinf=ALFANO_MAX_ORDER), 10, ALFANO_MAX_ORDER).astype(np.int64)
    out = np.empty_like(xm)
    for mo in np.unique(order):
        sel = order == mo
        n = 2 * int(mo)
        j = np.arange(n + 1, dtype=np.float64)
        simpson = np.where((j == 0) | (j == n), 1.0, np.where(j % 2 == 1, 4.0, 2.0))
        step = r[sel] / n
        x = -r[sel][:, None] + step[:, None] * j[None, :]
        w = np.sqrt(np.maximum(r[sel][:, None] ** 2 - x**2, 0.0))
        z = zm[sel][:, None]
        s_z = sz[sel][:, None]
        erf_diff = 2.0 * normal_cdf_diff((z - w) / s_z, (z + w) / s_z)
        s_x = sx[sel][:, None]
        xmm = xm[sel][:, None]
        g = np.exp(-0.5 * ((x - xmm) / s_x) ** 2) + np.exp(-0.5 * ((x + xmm) / s_x) ** 2)
        integral = step / 3.0 * np.sum(simpson[None, :] * erf_diff * g, axis=1)
        out[sel] = integral / (np.sqrt(8.0 * np.pi) * sx[sel])
    return np.clip(out, 0.0, 1.0)


def pc_alfano_plane(miss_km: Any, cov_km2: Any, hbr_km: Any, *, fclip: float = FCLIP) -> PlanePc:
    """Alfano (2005) from encounter-plane miss (M, 2) km, covariance (M, 2, 2) km^2, HBR (M,) km."""
    miss, cov, hbr = _plane_inputs(miss_km, cov_km2, hbr_km)
    s_major, s_minor, theta, remediated, npd = remediate_covariance_2x2(cov, hbr, fclip=fclip)
    # x along the minor axis (theta + 90 deg), z along the major axis.
    c, s = np.cos(theta), np.sin(theta)
    z_major = c * miss[:, 0] + s * miss[:, 1]
    x_minor = -s * miss[:, 0] + c * miss[:, 1]
    pc = _alfano(x_minor, z_major, s_minor, s_major, hbr)
    return PlanePc(pc=pc, remediated=remediated, npd=npd)


def pc_alfano(
    r1_km: Any, v1_km_s: Any, cov1_km2: Any, r2_km: Any, v2_km_s: Any, cov2_km2: Any, *, hbr_km: Any
) -> PlanePc:
    """Alfano (2005) for M conjunctions from TCA states (shapes as :func:`~orbitwatch.risk.foster.pc_foster`)."""
    arrays, codes = check_inputs(r1_km, v1_km_s, cov1_km2, r2_km, v2_km_s, cov2_km2, hbr_km=hbr_km)
    raise_on_codes(codes)
    r1, v1, c1, r2, v2, c2, hbr = arrays
    plane = encounter_plane(r1, v1, c1, r2, v2, c2)
    return pc_alfano_plane(plane.miss_km, plane.cov_km2, hbr)

"""Maximum collision probability when the covariance is unknown or untrusted, and the dilution region.

References: S. Alfano, "Relating position uncertainty to maximum conjunction
probability", *Journal of the Astronautical Sciences* 53(2), 2005, 193-205 (the
worst-case isotropic sigma, ``Pc_max`` for a known miss distance); J. Frisbee,
"An upper bound on high speed satellite collision probability when only one object
has position uncertainty information", AAS 15-717, 2015, and CARA's ``FrisbeeMaxPc``
(the worst case over a scale of the covariance); the dilution region as discussed by
Alfano (2005) and Hejduk & Snow (2018, "The effect of covariance realism on
conjunction assessment", AAS 18-272): when the Pc-maximising covariance is *smaller*
than the actual one, the actual Pc is low because the uncertainty is large, not
because the objects are far apart ("diluted").

Two functions:

* :func:`pc_max_isotropic`: covariance wholly unknown; maximise the circular-HBR Pc
  of an isotropic 2D Gaussian ``sigma^2 I`` over sigma.  The isotropic Pc is exact:
  ``P(chi'^2_2(d^2/sigma^2) <= R^2/sigma^2)`` (noncentral chi-square, Chan 2008).
* :func:`pc_max_scaled`: covariance shape known, size not; maximise the Foster Pc of
  ``k * C`` over k > 0.  Returns the maximum, the maximising k, and
  ``dilution = k_max < 1`` (shrinking the covariance would raise the Pc).

The maximisation is a vectorised golden-section search in ``log(scale)`` over
[1e-8, 1e8] (the Pc is unimodal in the scale for a circle not containing the mean).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.stats import ncx2

from orbitwatch.errors import InputError
from orbitwatch.risk.foster import _plane_inputs, pc_foster_plane

__all__ = ["MaxPc", "pc_max_isotropic", "pc_max_scaled"]

FloatArray = npt.NDArray[np.float64]

_GOLD = (np.sqrt(5.0) - 1.0) / 2.0


@dataclass(frozen=True)
class MaxPc:
    """Per conjunction (M,): the maximum Pc, the maximising scale, the dilution flag.

    For :func:`pc_max_isotropic` ``scale`` is the worst-case sigma in km; for
    :func:`pc_max_scaled` it is the covariance multiplier k.
    """

    pc_max: FloatArray
    scale: FloatArray
    dilution: npt.NDArray[np.bool_]


def _golden_max(f: Any, lo: FloatArray, hi: FloatArray, iters: int = 80) -> tuple[FloatArray, FloatArray]:
    a, b = lo.copy(), hi.copy()
    c = b - _GOLD * (b - a)
    d = a + _GOLD * (b - a)
    fc, fd = f(c), f(d)
    for _ in range(iters):
        left = fc >= fd
        b = np.where(left, d, b)
        a = np.where(left, a, c)
        nc = b - _GOLD * (b - a)
        nd = a + _GOLD * (b - a)
        c_new = np.where(left, nc, d)
        d_new = np.where(left, c, nd)
        fc_new = np.where(left, f(nc), fd)
        fd_new = np.where(left, fc, f(nd))
        c, d, fc, fd = c_new, d_new, fc_new, fd_new
    x = 0.5 * (a + b)
    return x, f(x)


def _iso_pc(miss_km: FloatArray, hbr_km: FloatArray, sigma_km: FloatArray) -> FloatArray:
    return np.asarray(ncx2.cdf((hbr_km / sigma_km) ** 2, 2, (miss_km / sigma_km) ** 2), dtype=np.float64)


def pc_max_isotropic(miss_distance_km: Any, hbr_km: Any, *, sigma_km: Any = None) -> MaxPc:
    """Worst-case Pc over an unknown isotropic plane sigma (Alfano 2005).

    ``miss_distance_km`` (M,), ``hbr_km`` (M,) or scalar; optional ``sigma_km`` (M,)
    the actual isotropic sigma, to flag the dilution region (``sigma > sigma_max``).
    When the miss is inside the HBR the maximum is 1 at sigma -> 0.
    """
    miss = np.atleast_1d(np.asarray(miss_distance_km, dtype=np.float64))
    hbr = np.broadcast_to(np.asarray(hbr_km, dtype=np.float64), miss.shape).copy()
    if not (np.isfinite(miss).all() and np.isfinite(hbr).all()):
        raise InputError("miss distance and HBR must be finite", code="INPUT_NOT_FINITE")
    if (hbr <= 0).any():
        raise InputError("hard-body radius must be > 0", code="INPUT_HBR")
    if (miss < 0).any():
        raise InputError("miss distance must be >= 0", field="miss_distance_km")
    inside = miss <= hbr
    scale = np.maximum(miss, hbr)
    lo = np.log(scale * 1e-4)
    hi = np.log(scale * 1e4)
    x, pc = _golden_max(lambda lg: _iso_pc(miss, hbr, np.exp(lg)), lo, hi)
    sig = np.exp(x)
    pc = np.where(inside, 1.0, pc)
    sig = np.where(inside, 0.0, sig)
    dil = np.zeros(miss.shape, dtype=bool) if sigma_km is None else np.asarray(sigma_km, dtype=np.float64) > sig
    return MaxPc(pc_max=pc, scale=sig, dilution=dil)


def pc_max_scaled(miss_km: Any, cov_km2: Any, hbr_km: Any) -> MaxPc:
    """Worst-case Foster Pc over a scale k of the plane covariance ``k * C``.

    ``miss_km`` (M, 2), ``cov_km2`` (M, 2, 2), ``hbr_km`` (M,); ``dilution`` is True
    where the maximising k < 1, i.e. the actual covariance is larger than the worst
    case and the computed Pc understates the risk the geometry allows.
    """
    miss, cov, hbr = _plane_inputs(miss_km, cov_km2, hbr_km)

    def f(logk: FloatArray) -> FloatArray:
        return pc_foster_plane(miss, cov * np.exp(logk)[:, None, None], hbr).pc

    m = miss.shape[0]
    x, pc = _golden_max(f, np.full(m, np.log(1e-8)), np.full(m, np.log(1e8)))
    k = np.exp(x)
    return MaxPc(pc_max=pc, scale=k, dilution=k < 1.0)

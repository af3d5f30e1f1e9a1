"""Position covariance for TLE-only objects, estimated from the object's own element-set history.

TLEs carry no covariance.  Following the approach of Osweiler (2006, "Covariance
estimation and autocorrelation of NORAD two-line element sets", AFIT thesis
AFIT/GSS/ENY/06-M09) and Flohrer, Krag & Klinkrad (2008, "Assessment and
categorization of TLE orbit errors for the US SSN catalogue", AMOS), the error of a
TLE propagated over an age ``dt`` is measured by propagating *older* element sets of
the same object to the epoch of the newest one and differencing the SGP4 positions
there, in the radial / in-track / cross-track (RIC) axes of the newest state.

Model (per axis ``k``): ``sigma_k(dt)^2 = a_k^2 + (b_k dt)^2``, fitted by linear least
squares of the squared differences on ``(1, dt^2)`` (coefficients clipped at 0), so
``a`` is the error at epoch (which includes the newest set's own error) and ``b`` the
growth rate in km/day (in-track grows fastest, from drag and mean-motion error).  The
covariance at ``dt`` days after the newest epoch is ``diag(sigma_R^2, sigma_I^2,
sigma_C^2)`` in RIC, rotated to the inertial frame of the state; the velocity block is
the position sigma times the mean motion (a rough, documented choice: only the 3D and
Monte Carlo methods use it) and the position/velocity correlation is zero.

Defaults when an object has fewer than :data:`MIN_PAIRS` usable pairs (no history):
``a = (0.1, 0.5, 0.2) km`` and ``b = (0.05, 1.0, 0.05) km/day`` in (R, I, C) for
LEO, ``a = (1, 5, 1) km``, ``b = (0.5, 5, 0.5) km/day`` otherwise.  These are
orbitwatch's conservative round numbers of the order of the errors reported by
Flohrer et al. (2008), not values from their tables.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from orbitwatch.catalog.model import ElementSet, ElementTable
from orbitwatch.errors import InputError
from orbitwatch.frames import ric_basis, to_ric
from orbitwatch.propagation import propagate
from orbitwatch.times import days_between

__all__ = [
    "DEFAULT_GEO_MEO",
    "DEFAULT_LEO",
    "LEO_MIN_MEAN_MOTION_REV_PER_DAY",
    "MIN_PAIRS",
    "TLEUncertainty",
    "default_sigma_ric_km",
    "default_uncertainty",
    "estimate_tle_uncertainty",
    "tle_covariance_inertial",
]

FloatArray = npt.NDArray[np.float64]

MIN_PAIRS = 4
DEFAULT_LEO = ((0.1, 0.5, 0.2), (0.05, 1.0, 0.05))
DEFAULT_GEO_MEO = ((1.0, 5.0, 1.0), (0.5, 5.0, 0.5))
LEO_MIN_MEAN_MOTION_REV_PER_DAY = 11.25  # period < 128 min


def default_sigma_ric_km(mean_motion_rev_per_day: npt.ArrayLike, age_days: npt.ArrayLike) -> FloatArray:
    """RIC sigmas (N, 3) km of the default model (:func:`default_uncertainty`) for N objects
    at ``age_days`` (N,) after their epochs, on arrays."""
    leo = (np.asarray(mean_motion_rev_per_day, dtype=np.float64) > LEO_MIN_MEAN_MOTION_REV_PER_DAY)[:, None]
    sigma0 = np.where(leo, np.array(DEFAULT_LEO[0]), np.array(DEFAULT_GEO_MEO[0]))
    growth = np.where(leo, np.array(DEFAULT_LEO[1]), np.array(DEFAULT_GEO_MEO[1]))
    age = np.asarray(age_days, dtype=np.float64)[:, None]
    return np.asarray(np.sqrt(sigma0**2 + (growth * age) ** 2), dtype=np.float64)


@dataclass(frozen=True)
class TLEUncertainty:
    """Fitted (or default) TLE error model of one object.

    ``sigma0_km`` (3,) RIC error at the newest epoch, ``growth_km_per_day`` (3,), the
    newest ``epoch``, ``n_pairs`` used, ``source`` ``"history"`` or ``"default"``.
    """

    norad_id: int
    epoch: np.datetime64
    sigma0_km: FloatArray
    growth_km_per_day: FloatArray
    n_pairs: int
    source: str

    def sigma_ric_km(self, age_days: npt.ArrayLike) -> FloatArray:
        """RIC sigmas (..., 3) at ``age_days`` after the newest epoch."""
        age = np.asarray(age_days, dtype=np.float64)[..., None]
        return np.asarray(np.sqrt(self.sigma0_km**2 + (self.growth_km_per_day * age) ** 2), dtype=np.float64)


def default_uncertainty(element_set: ElementSet) -> TLEUncertainty:
    """The documented default model for an object without usable history."""
    leo = element_set.mean_motion_rev_per_day > LEO_MIN_MEAN_MOTION_REV_PER_DAY
    a, b = DEFAULT_LEO if leo else DEFAULT_GEO_MEO
    return TLEUncertainty(
        norad_id=element_set.norad_id,
        epoch=element_set.epoch,
        sigma0_km=np.array(a),
        growth_km_per_day=np.array(b),
        n_pairs=0,
        source="default",
    )


def estimate_tle_uncertainty(history: Sequence[ElementSet], *, max_age_days: float = 14.0) -> TLEUncertainty:
    """Fit the RIC error model from one object's element sets (any order, one NORAD id).

    Older sets within ``max_age_days`` of the newest are propagated (SGP4) to the
    newest epoch; sets that fail to propagate are skipped.  Falls back to
    :func:`default_uncertainty` with fewer than :data:`MIN_PAIRS` pairs.
    """
    if not history:
        raise InputError("no element sets given", field="history")
    ids = {e.norad_id for e in history}
    if len(ids) != 1:
        raise InputError(f"history mixes objects {sorted(ids)[:5]}", field="history")
    sets = sorted(history, key=lambda e: e.epoch)
    newest = sets[-1]
    older = [e for e in sets[:-1] if 0 < days_between(e.epoch, newest.epoch) <= max_age_days]
    if len(older) < MIN_PAIRS:
        return default_uncertainty(newest)
    table = ElementTable.from_element_sets([newest, *older])
    eph = propagate(table, np.array([newest.epoch]))
    ok = eph.err[:, 0] == 0
    if not ok[0]:
        return default_uncertainty(newest)
    r0 = eph.r_km[0, 0]
    v0 = eph.v_km_s[0, 0]
    sel = np.flatnonzero(ok[1:]) + 1
    if sel.size < MIN_PAIRS:
        return default_uncertainty(newest)
    d = eph.r_km[sel, 0] - r0
    ric = to_ric(d, r0, v0)  # (n, 3)
    age = np.array([days_between(older[i - 1].epoch, newest.epoch) for i in sel], dtype=np.float64)
    design = np.stack([np.ones_like(age), age**2], axis=1)
    coef, *_ = np.linalg.lstsq(design, ric**2, rcond=None)  # (2, 3)
    coef = np.maximum(coef, 0.0)
    return TLEUncertainty(
        norad_id=newest.norad_id,
        epoch=newest.epoch,
        sigma0_km=np.sqrt(coef[0]),
        growth_km_per_day=np.sqrt(coef[1]),
        n_pairs=int(sel.size),
        source="history",
    )


def tle_covariance_inertial(sigma_ric_km: npt.ArrayLike, r_km: npt.ArrayLike, v_km_s: npt.ArrayLike) -> FloatArray:
    """6x6 inertial covariances (M, 6, 6) km, km/s from RIC sigmas (M, 3) at states r, v (M, 3)."""
    sig = np.atleast_2d(np.asarray(sigma_ric_km, dtype=np.float64))
    r = np.atleast_2d(np.asarray(r_km, dtype=np.float64))
    v = np.atleast_2d(np.asarray(v_km_s, dtype=np.float64))
    basis = ric_basis(r, v)  # rows R, I, C
    pos = np.swapaxes(basis, 1, 2) @ (sig[:, :, None] ** 2 * basis)
    n_rad_s = np.linalg.norm(v, axis=1) / np.linalg.norm(r, axis=1)
    cov = np.zeros((sig.shape[0], 6, 6))
    cov[:, :3, :3] = pos
    cov[:, 3:, 3:] = pos * (n_rad_s**2)[:, None, None]
    return cov

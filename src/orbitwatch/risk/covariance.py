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

Realism (:mod:`orbitwatch.risk.realism`, ``docs/risk.md``): a fitted ``a`` is floored
per axis at :data:`FIT_FLOOR_FRACTION` of the regime's default ``a`` (2 % of the raw fits
on the staged histories have an axis with zero variance, clipped coefficients), and each
sigma is multiplied by a factor per model source (history fit or default), orbit regime
(:func:`orbit_regime`) and age bin (:data:`SPAN_EDGES_DAYS`), :data:`REALISM_SCALE`,
chosen so that 97.07 % of the Mahalanobis distances of the next element set (the
chi-square 3-dof fraction inside the 3-sigma ellipsoid) fall inside 3 sigma on the
training histories, within :data:`REALISM_SCALE_LIMITS`; pass ``realism=False`` for the
raw model.

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
    "FIT_FLOOR_FRACTION",
    "LEO_MIN_MEAN_MOTION_REV_PER_DAY",
    "MIN_PAIRS",
    "REALISM_SCALE",
    "REALISM_SCALE_LIMITS",
    "REGIMES",
    "SPAN_EDGES_DAYS",
    "TLEUncertainty",
    "default_sigma_ric_km",
    "default_uncertainty",
    "estimate_tle_uncertainty",
    "fit_error_growth",
    "fit_floor_km",
    "orbit_regime",
    "realism_scale",
    "tle_covariance_inertial",
]

FloatArray = npt.NDArray[np.float64]

MIN_PAIRS = 4
DEFAULT_LEO = ((0.1, 0.5, 0.2), (0.05, 1.0, 0.05))
DEFAULT_GEO_MEO = ((1.0, 5.0, 1.0), (0.5, 5.0, 0.5))
LEO_MIN_MEAN_MOTION_REV_PER_DAY = 11.25  # period < 128 min

REGIMES = ("LEO", "MEO/HEO", "GEO")
FIT_FLOOR_FRACTION = 0.1
REALISM_SCALE_LIMITS = (0.5, 10.0)
SPAN_EDGES_DAYS = (1.0, 3.0, 7.0, 14.0)  # age bins (0, 1], (1, 3], (3, 7], (7, 14], > 14 d

# Realism factors k per (model source, regime), one per age bin of SPAN_EDGES_DAYS: the
# sigma is multiplied by k.  k^2 = (97.07th percentile of the Mahalanobis distance
# squared of the next element set) / 9 on the training histories (the 2026-06..08
# CelesTrak active OMM histories in shared/data/history/celestrak-active-omm-2026-07-19_08-22),
# measured by ``bench/pc.py --realism``, which also gives the held-out figures; clipped to
# REALISM_SCALE_LIMITS (the default LEO model would need 32x at 1-3 d and 815x at 3-7 d:
# outliers, not Gaussian errors, see docs/risk.md); a bin with fewer than 200 training
# samples takes the factor of the bin before it.
REALISM_SCALE: dict[tuple[str, str], tuple[float, ...]] = {
    ("history", "LEO"): (0.79, 1.24, 1.24, 1.24, 1.24),
    ("history", "MEO/HEO"): (0.64, 1.06, 2.27, 2.27, 2.27),
    ("history", "GEO"): (2.31, 6.0, 6.0, 6.0, 6.0),
    ("default", "LEO"): (0.74, 10.0, 10.0, 10.0, 10.0),
    ("default", "MEO/HEO"): (1.33, 1.6, 3.55, 3.55, 3.55),
    ("default", "GEO"): (2.65, 6.2, 6.2, 6.2, 6.2),
}


def orbit_regime(mean_motion_rev_per_day: npt.ArrayLike, eccentricity: npt.ArrayLike = 0.0) -> npt.NDArray[np.str_]:
    """Regime per object: ``LEO`` (more than 11.25 rev/day), ``GEO`` (0.9-1.1 rev/day,
    e < 0.1), else ``MEO/HEO``; arrays of any (broadcast) shape."""
    n = np.asarray(mean_motion_rev_per_day, dtype=np.float64)
    e = np.asarray(eccentricity, dtype=np.float64)
    geo = (n > 0.9) & (n < 1.1) & (e < 0.1)
    return np.where(n > LEO_MIN_MEAN_MOTION_REV_PER_DAY, "LEO", np.where(geo, "GEO", "MEO/HEO"))


def fit_floor_km(regime: npt.ArrayLike) -> FloatArray:
    """Floor (..., 3) km of a fitted ``a``: :data:`FIT_FLOOR_FRACTION` times the regime's default."""
    reg = np.asarray(regime)
    leo = (reg == "LEO")[..., None]
    return np.asarray(FIT_FLOOR_FRACTION * np.where(leo, np.array(DEFAULT_LEO[0]), np.array(DEFAULT_GEO_MEO[0])),
                      dtype=np.float64)


def realism_scale(
    source: npt.ArrayLike,
    regime: npt.ArrayLike,
    age_days: npt.ArrayLike,
    table: dict[tuple[str, str], tuple[float, ...]] | None = None,
) -> FloatArray:
    """The factor of :data:`REALISM_SCALE` (or ``table``) for each (source, regime, age),
    broadcast together."""
    src, reg, age = np.broadcast_arrays(np.asarray(source), np.asarray(regime),
                                        np.abs(np.asarray(age_days, dtype=np.float64)))
    out = np.ones(age.shape)
    bins = np.searchsorted(np.asarray(SPAN_EDGES_DAYS), age, side="left")
    for (s_name, r_name), factors in (REALISM_SCALE if table is None else table).items():
        sel = (src == s_name) & (reg == r_name)
        if sel.any():
            out[sel] = np.asarray(factors)[bins[sel]]
    return out


def default_sigma_ric_km(
    mean_motion_rev_per_day: npt.ArrayLike,
    age_days: npt.ArrayLike,
    eccentricity: npt.ArrayLike = 0.0,
    *,
    realism: bool = True,
) -> FloatArray:
    """RIC sigmas (N, 3) km of the default model (:func:`default_uncertainty`) for N objects
    at ``age_days`` (N,) after their epochs, on arrays; times the realism factor unless
    ``realism=False``."""
    n = np.asarray(mean_motion_rev_per_day, dtype=np.float64)
    leo = (n > LEO_MIN_MEAN_MOTION_REV_PER_DAY)[:, None]
    sigma0 = np.where(leo, np.array(DEFAULT_LEO[0]), np.array(DEFAULT_GEO_MEO[0]))
    growth = np.where(leo, np.array(DEFAULT_LEO[1]), np.array(DEFAULT_GEO_MEO[1]))
    age = np.asarray(age_days, dtype=np.float64)
    sig = np.sqrt(sigma0**2 + (growth * age[:, None]) ** 2)
    if realism:
        sig = sig * realism_scale("default", orbit_regime(n, np.broadcast_to(eccentricity, n.shape)), age)[:, None]
    return np.asarray(sig, dtype=np.float64)


def fit_error_growth(
    age_days: npt.ArrayLike, diff_ric_km: npt.ArrayLike, mask: npt.ArrayLike | None = None
) -> tuple[FloatArray, FloatArray, npt.NDArray[np.int64]]:
    """Least-squares fit of ``d_k^2 = a_k^2 + (b_k age)^2`` per axis, for K fits at once.

    ``age_days`` (K, n), ``diff_ric_km`` (K, n, 3), ``mask`` (K, n) of the pairs to use
    -> ``a`` (K, 3) km, ``b`` (K, 3) km/day (negative squared coefficients clipped to 0)
    and the pair counts (K,).  The normal equations are solved by pseudo-inverse, i.e.
    the minimum-norm least-squares solution.
    """
    age = np.asarray(age_days, dtype=np.float64)
    d2 = np.asarray(diff_ric_km, dtype=np.float64) ** 2
    w = np.ones(age.shape) if mask is None else np.asarray(mask, dtype=np.float64)
    age = np.where(w > 0, age, 0.0)
    d2 = np.where(w[..., None] > 0, d2, 0.0)
    a2 = age**2
    normal = np.empty((*age.shape[:-1], 2, 2))
    normal[..., 0, 0] = w.sum(-1)
    normal[..., 0, 1] = normal[..., 1, 0] = (w * a2).sum(-1)
    normal[..., 1, 1] = (w * a2 * a2).sum(-1)
    rhs = np.stack([(w[..., None] * d2).sum(-2), (w[..., None] * a2[..., None] * d2).sum(-2)], axis=-2)
    coef = np.maximum(np.linalg.pinv(normal) @ rhs, 0.0)  # (K, 2, 3)
    return np.sqrt(coef[..., 0, :]), np.sqrt(coef[..., 1, :]), w.sum(-1).astype(np.int64)


@dataclass(frozen=True)
class TLEUncertainty:
    """Fitted (or default) TLE error model of one object.

    ``sigma0_km`` (3,) RIC error at the newest epoch, ``growth_km_per_day`` (3,), the
    newest ``epoch``, ``n_pairs`` used, ``source`` ``"history"`` or ``"default"``, the
    orbit ``regime`` (:func:`orbit_regime`) that selects the realism factors.
    """

    norad_id: int
    epoch: np.datetime64
    sigma0_km: FloatArray
    growth_km_per_day: FloatArray
    n_pairs: int
    source: str
    regime: str = "LEO"

    def sigma_ric_km(self, age_days: npt.ArrayLike, *, realism: bool = True) -> FloatArray:
        """RIC sigmas (..., 3) at ``age_days`` after the newest epoch, times the realism
        factor of :data:`REALISM_SCALE` unless ``realism=False``."""
        age = np.asarray(age_days, dtype=np.float64)
        sig = np.sqrt(self.sigma0_km**2 + (self.growth_km_per_day * age[..., None]) ** 2)
        if realism:
            sig = sig * realism_scale(self.source, self.regime, age)[..., None]
        return np.asarray(sig, dtype=np.float64)


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
        regime=str(orbit_regime(element_set.mean_motion_rev_per_day, element_set.eccentricity)),
    )


def estimate_tle_uncertainty(
    history: Sequence[ElementSet], *, max_age_days: float = 14.0, floor: bool = True
) -> TLEUncertainty:
    """Fit the RIC error model from one object's element sets (any order, one NORAD id).

    Older sets within ``max_age_days`` of the newest are propagated (SGP4) to the
    newest epoch; sets that fail to propagate are skipped.  Falls back to
    :func:`default_uncertainty` with fewer than :data:`MIN_PAIRS` pairs.  ``a`` is
    floored at :func:`fit_floor_km` unless ``floor=False`` (the raw fit).
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
    sigma0, growth, _ = fit_error_growth(age[None], ric[None])
    regime = str(orbit_regime(newest.mean_motion_rev_per_day, newest.eccentricity))
    return TLEUncertainty(
        norad_id=newest.norad_id,
        epoch=newest.epoch,
        sigma0_km=sigma0[0] if not floor else np.maximum(sigma0[0], fit_floor_km(regime)),
        growth_km_per_day=growth[0],
        n_pairs=int(sel.size),
        source="history",
        regime=regime,
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

"""Covariance realism of the TLE error model, tested the way CARA's CovarianceRealism tools do.

Each element set of an object's history is propagated (SGP4) to the epoch of the next
one, and the difference to the next set there, in that set's radial / in-track /
cross-track axes, is compared with the error model's covariance at that prediction span:
the squared Mahalanobis distance ``m^2 = sum_k (d_k / sigma_k)^2`` (the model's
covariance is diagonal in RIC).  For a realistic Gaussian model ``m^2`` follows a
chi-square distribution with 3 degrees of freedom: median 2.366, 19.9 % inside the
1-sigma ellipsoid, 73.8 % inside 2 sigma, 97.07 % inside 3 sigma (Zaidi & Hejduk 2016,
"Earth Observing System covariance realism", AIAA 2016-5628; CARA's
``CovarianceRealism`` tools in nasa/CARA_Analysis_Tools).

Two models are tested per sample: the documented default
(:func:`orbitwatch.risk.covariance.default_sigma_ric_km`) and, where the set has at least
:data:`~orbitwatch.risk.covariance.MIN_PAIRS` older sets within ``max_age_days``, the fit
from those older sets only (:func:`~orbitwatch.risk.covariance.fit_error_growth`, the
same fit as :func:`~orbitwatch.risk.covariance.estimate_tle_uncertainty` with that set
as the newest), so every prediction is out of sample.

Shapes: K samples -> ``(K,)`` and ``(K, 3)`` arrays on :class:`RealismSamples`.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from orbitwatch.catalog.model import ElementSet, ElementTable
from orbitwatch.errors import ElementAgeWarning
from orbitwatch.frames import ric_basis
from orbitwatch.propagation import propagate
from orbitwatch.risk.covariance import (
    MIN_PAIRS,
    REALISM_SCALE_LIMITS,
    SPAN_EDGES_DAYS,
    default_sigma_ric_km,
    fit_error_growth,
    fit_floor_km,
    orbit_regime,
    realism_scale,
)
from orbitwatch.times import US_PER_DAY

__all__ = [
    "CHI2_3_INSIDE",
    "CHI2_3_MEDIAN",
    "RealismSamples",
    "fit_realism_scale",
    "realism_samples",
    "realism_samples_many",
    "realism_summary",
]

FloatArray = npt.NDArray[np.float64]

# chi-square, 3 degrees of freedom: P(m^2 <= k^2) for the k-sigma ellipsoid, and the median.
CHI2_3_INSIDE = {1: 0.198748, 2: 0.738536, 3: 0.970709}
CHI2_3_MEDIAN = 2.365974


_FIELDS = ("norad_id", "regime", "span_days", "diff_ric_km", "sigma_default_km", "fit_sigma0_km",
           "fit_growth_km_per_day")


@dataclass(frozen=True)
class RealismSamples:
    """K prediction samples: object, regime, span (days), the RIC difference (km) of the
    propagated set from the next one, the RIC sigmas (km) of the raw default model at that
    span, and the raw fitted model's ``a`` (km) and ``b`` (km/day) (NaN where no fit)."""

    norad_id: npt.NDArray[np.int64]
    regime: npt.NDArray[np.str_]
    span_days: FloatArray
    diff_ric_km: FloatArray
    sigma_default_km: FloatArray
    fit_sigma0_km: FloatArray
    fit_growth_km_per_day: FloatArray

    @property
    def sigma_fitted_km(self) -> FloatArray:
        """The raw fitted model's RIC sigmas (K, 3) at each span."""
        return np.asarray(np.sqrt(self.fit_sigma0_km**2 + (self.fit_growth_km_per_day * self.span_days[:, None]) ** 2),
                          dtype=np.float64)

    def sigmas(self, model: str = "default", *, floor: bool = False, scale: bool = False,
               table: dict[tuple[str, str], tuple[float, ...]] | None = None) -> FloatArray:
        """RIC sigmas (K, 3) of ``model`` (``"default"`` or ``"history"``) as
        :mod:`orbitwatch.risk.covariance` uses them: with the floor of the fitted ``a``
        (``floor``) and the realism factors (``scale``; of ``table`` if given)."""
        if model == "default":
            sig = self.sigma_default_km
        else:
            a = np.maximum(self.fit_sigma0_km, fit_floor_km(self.regime)) if floor else self.fit_sigma0_km
            sig = np.sqrt(a**2 + (self.fit_growth_km_per_day * self.span_days[:, None]) ** 2)
        if scale:
            sig = sig * realism_scale(model, self.regime, self.span_days, table)[:, None]
        return np.asarray(sig, dtype=np.float64)

    def mahalanobis2(self, model: str = "default", *, realism: bool = False,
                     table: dict[tuple[str, str], tuple[float, ...]] | None = None) -> FloatArray:
        """``m^2`` (K,) for ``model`` (NaN where no fit): the raw model, or with
        ``realism`` the model as used (floor and factors of ``table`` or
        :data:`~orbitwatch.risk.covariance.REALISM_SCALE`)."""
        sig = self.sigmas(model, floor=realism, scale=realism, table=table)
        return np.asarray(np.sum((self.diff_ric_km / sig) ** 2, axis=1), dtype=np.float64)

    @staticmethod
    def concat(parts: Sequence[RealismSamples]) -> RealismSamples:
        return RealismSamples(*(np.concatenate([getattr(p, f) for p in parts]) for f in _FIELDS))


def _empty() -> RealismSamples:
    z = np.zeros((0, 3))
    return RealismSamples(np.zeros(0, np.int64), np.zeros(0, "<U7"), np.zeros(0), z, z, z, z)


def realism_samples(history: Sequence[ElementSet], *, max_age_days: float = 14.0,
                    block: int = 256) -> RealismSamples:
    """Samples of one object's history (one NORAD id, any order; duplicate epochs keep the
    last set).  Sets that fail to propagate are skipped.  Work is in blocks of ``block``
    target sets, so memory stays bounded for histories of thousands of sets."""
    by_epoch = {e.epoch: e for e in history}
    sets = [by_epoch[t] for t in sorted(by_epoch)]
    n = len(sets)
    if n < 2:
        return _empty()
    table = ElementTable.from_element_sets(sets)
    ep = table.epoch
    t_days = (ep - ep[0]).astype("timedelta64[us]").astype(np.int64) / US_PER_DAY
    parts = []
    for a in range(1, n, block):
        b = min(n, a + block)
        # times: epochs of sets a-1 .. b-1 (set a-1 is the newest of the first fit);
        # sources: every set within max_age_days before set a-1, up to b-1
        t0 = a - 1
        lo = int(np.searchsorted(t_days, t_days[t0] - max_age_days, side="left"))
        with warnings.catch_warnings():  # sources far from some of the block's times: unused there
            warnings.simplefilter("ignore", ElementAgeWarning)
            eph = propagate(table.take(np.arange(lo, b)), ep[t0:b])  # (S, T)
        tt = np.arange(t0, b)  # the sets whose epochs are the times
        own = eph.err[tt - lo, tt - t0] == 0
        r0 = eph.r_km[tt - lo, tt - t0]  # each set at its own epoch, (T, 3)
        basis = ric_basis(r0, eph.v_km_s[tt - lo, tt - t0])
        diff = np.einsum("tij,stj->tsi", basis, eph.r_km - r0[None])  # (T, S, 3): source s at time t
        age = t_days[tt][:, None] - t_days[lo:b][None, :]  # (T, S)
        ok = (eph.err.T == 0) & own[:, None]
        # test pairs: set j (a <= j < b) predicted from set j-1; the fit at set j-1 uses the
        # pairs (i, j-1), i < j-1, within max_age_days
        j = np.arange(a, b)
        row, prev_row, prev_src = j - t0, j - 1 - t0, j - 1 - lo
        d_test = diff[row, prev_src]
        span = age[row, prev_src]
        good = ok[row, prev_src] & (span > 0)
        f_age = age[prev_row]
        f_ok = ok[prev_row] & (f_age > 0) & (f_age <= max_age_days)
        a0, g, npairs = fit_error_growth(f_age, diff[prev_row], f_ok)
        a0[npairs < MIN_PAIRS] = np.nan
        g[npairs < MIN_PAIRS] = np.nan
        prev_sets = table.take(j - 1)
        sig_def = default_sigma_ric_km(prev_sets.mean_motion_rev_per_day, span, prev_sets.eccentricity,
                                       realism=False)
        parts.append(RealismSamples(
            norad_id=prev_sets.norad_id[good].astype(np.int64),
            regime=orbit_regime(prev_sets.mean_motion_rev_per_day, prev_sets.eccentricity)[good],
            span_days=span[good],
            diff_ric_km=d_test[good],
            sigma_default_km=sig_def[good],
            fit_sigma0_km=a0[good],
            fit_growth_km_per_day=g[good],
        ))
    return RealismSamples.concat(parts)


def realism_samples_many(element_sets: Iterable[ElementSet], *, max_age_days: float = 14.0) -> RealismSamples:
    """:func:`realism_samples` of every object in a mixed history (grouped by NORAD id)."""
    groups: dict[int, list[ElementSet]] = {}
    for e in element_sets:
        groups.setdefault(e.norad_id, []).append(e)
    parts = [realism_samples(h, max_age_days=max_age_days) for _, h in sorted(groups.items())]
    return RealismSamples.concat(parts) if parts else _empty()


def realism_summary(m2: npt.ArrayLike) -> dict[str, float]:
    """Count, median ``m^2`` and the fractions inside the 1/2/3-sigma ellipsoids (NaN dropped)."""
    x = np.asarray(m2, dtype=np.float64)
    x = x[np.isfinite(x)]
    if x.size == 0:
        return {"n": 0, "median_m2": float("nan"), "in1": float("nan"), "in2": float("nan"),
                "in3": float("nan")}
    return {"n": int(x.size), "median_m2": float(np.median(x)), "in1": float(np.mean(x <= 1.0)),
            "in2": float(np.mean(x <= 4.0)), "in3": float(np.mean(x <= 9.0))}


def fit_realism_scale(samples: RealismSamples, model: str, regime: str, *, min_samples: int = 200
                      ) -> tuple[float, ...]:
    """Per age bin of :data:`~orbitwatch.risk.covariance.SPAN_EDGES_DAYS`: ``k`` with
    ``k^2 = q_0.9707(m^2) / 9`` (97.07 % inside 3 sigma after scaling) for the floored
    model, clipped to :data:`~orbitwatch.risk.covariance.REALISM_SCALE_LIMITS`; a bin with
    fewer than ``min_samples`` samples takes the factor of the bin before it (1.0 for the
    first)."""
    sig = samples.sigmas(model, floor=True)
    m2 = np.sum((samples.diff_ric_km / sig) ** 2, axis=1)
    bins = np.searchsorted(np.asarray(SPAN_EDGES_DAYS), samples.span_days, side="left")
    out = []
    for k in range(len(SPAN_EDGES_DAYS) + 1):
        x = m2[(bins == k) & (samples.regime == regime) & np.isfinite(m2)]
        if x.size >= min_samples:
            out.append(float(np.clip(np.sqrt(np.quantile(x, CHI2_3_INSIDE[3]) / 9.0), *REALISM_SCALE_LIMITS)))
        else:  # beyond the trained spans: the factor of the longest trained span
            out.append(out[-1] if out else 1.0)
    return tuple(out)

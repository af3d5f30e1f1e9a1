"""Monte Carlo collision probability from TCA states and covariances (the arbiter).

Method (after Alfano 2009, "Satellite conjunction Monte Carlo analysis", AAS 09-233,
and CARA's SDMC "from TCA" mode): draw ``n`` joint samples of both objects' 6-D
states at TCA from their Gaussian covariances, move each sample on its own two-body
(Keplerian) trajectory over the window ``[-window_s, +window_s]`` about TCA, and count
a hit when the sample pair's minimum separation in that window is below the combined
hard-body radius.  The minimum is found per sample on a time grid (step = 1/200 of
the shorter orbital period), then refined with Newton's method on
``d/dt |dr|^2 = 0`` from the three smallest grid minima, so fast (LEO) and slow (GEO,
long-encounter) conjunctions are both resolved.  The confidence interval is the
exact Clopper-Pearson binomial interval.

Curvilinear but two-body: drag, J2 and other perturbations over the window are
ignored, as in Alfano's (2009) test cases.  Non-positive-definite 6x6 covariances
are sampled with negative eigenvalues clipped to zero (reported).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numba
import numpy as np
import numpy.typing as npt
from scipy.stats import beta

from orbitwatch.constants import kepler_universal
from orbitwatch.errors import InputError
from orbitwatch.risk._kepler import MU
from orbitwatch.risk.encounter import hbr_array

__all__ = ["MonteCarloPc", "clopper_pearson", "pc_montecarlo"]

FloatArray = npt.NDArray[np.float64]


def clopper_pearson(hits: Any, trials: Any, confidence: float = 0.95) -> tuple[Any, Any]:
    """Exact two-sided binomial confidence interval (lower, upper) for ``hits / trials``."""
    hits = np.asarray(hits, dtype=np.float64)
    trials = np.asarray(trials, dtype=np.float64)
    a = 1.0 - confidence
    lo = np.where(hits > 0, beta.ppf(a / 2, hits, trials - hits + 1), 0.0)
    hi = np.where(hits < trials, beta.ppf(1 - a / 2, hits + 1, trials - hits), 1.0)
    return lo, hi


@numba.njit(cache=True)
def _rel(s1: FloatArray, s2: FloatArray, t: float, mu: float) -> tuple[float, float, float]:
    a = kepler_universal(s1[0], s1[1], s1[2], s1[3], s1[4], s1[5], t, mu)
    b = kepler_universal(s2[0], s2[1], s2[2], s2[3], s2[4], s2[5], t, mu)
    dx = b[0] - a[0]
    dy = b[1] - a[1]
    dz = b[2] - a[2]
    dvx = b[3] - a[3]
    dvy = b[4] - a[4]
    dvz = b[5] - a[5]
    d2 = dx * dx + dy * dy + dz * dz
    g = dx * dvx + dy * dvy + dz * dvz
    ra = math.sqrt(a[0] ** 2 + a[1] ** 2 + a[2] ** 2) ** 3
    rb = math.sqrt(b[0] ** 2 + b[1] ** 2 + b[2] ** 2) ** 3
    dax = -mu * (b[0] / rb - a[0] / ra)
    day = -mu * (b[1] / rb - a[1] / ra)
    daz = -mu * (b[2] / rb - a[2] / ra)
    gp = dvx * dvx + dvy * dvy + dvz * dvz + dx * dax + dy * day + dz * daz
    return d2, g, gp


@numba.njit(cache=True)
def _min_distance(x1: FloatArray, x2: FloatArray, grid: FloatArray, mu: float, out: FloatArray) -> None:
    n = x1.shape[0]
    k = grid.shape[0]
    d2 = np.empty(k)
    for i in range(n):
        s1 = x1[i]
        s2 = x2[i]
        for j in range(k):
            d2[j] = _rel(s1, s2, grid[j], mu)[0]
        best = d2.min()
        # up to three smallest local minima on the grid
        cand = np.full(3, -1)
        cval = np.full(3, np.inf)
        for j in range(k):
            left = d2[j - 1] if j > 0 else np.inf
            right = d2[j + 1] if j < k - 1 else np.inf
            if d2[j] <= left and d2[j] <= right:
                worst = 0
                for q in range(1, 3):
                    if cval[q] > cval[worst]:
                        worst = q
                if d2[j] < cval[worst]:
                    cval[worst] = d2[j]
                    cand[worst] = j
        for q in range(3):
            j = cand[q]
            if j < 0:
                continue
            lo = grid[j - 1] if j > 0 else grid[0]
            hi = grid[j + 1] if j < k - 1 else grid[k - 1]
            t = grid[j]
            for _ in range(12):
                dd, g, gp = _rel(s1, s2, t, mu)
                if dd < best:
                    best = dd
                if gp <= 0.0:
                    break
                tn = t - g / gp
                if tn < lo:
                    tn = lo
                if tn > hi:
                    tn = hi
                if abs(tn - t) < 1e-7:
                    t = tn
                    break
                t = tn
            dd = _rel(s1, s2, t, mu)[0]
            if dd < best:
                best = dd
        out[i] = math.sqrt(best)


@dataclass(frozen=True)
class MonteCarloPc:
    """Monte Carlo result per conjunction (M,): ``pc = hits / trials`` with a Clopper-Pearson interval."""

    pc: FloatArray
    hits: npt.NDArray[np.int64]
    trials: npt.NDArray[np.int64]
    ci_low: FloatArray
    ci_high: FloatArray
    confidence: float
    window_s: FloatArray
    covariance_clipped: npt.NDArray[np.bool_]


def _sampler(cov: FloatArray) -> tuple[FloatArray, bool]:
    c = 0.5 * (cov + cov.T)
    w, v = np.linalg.eigh(c)
    clipped = bool((w < 0).any())
    return v * np.sqrt(np.maximum(w, 0.0)), clipped


def _period(state: FloatArray, mu: float) -> float:
    r = float(np.linalg.norm(state[:3]))
    energy = 0.5 * float(state[3:] @ state[3:]) - mu / r
    if energy >= 0:
        return math.inf
    a = -mu / (2 * energy)
    return 2 * math.pi * math.sqrt(a**3 / mu)


def pc_montecarlo(
    state1_km: Any,
    cov1_km2: Any,
    state2_km: Any,
    cov2_km2: Any,
    hbr_km: Any,
    *,
    window_s: Any,
    n_samples: int = 100_000,
    seed: int | None = 0,
    confidence: float = 0.95,
    chunk: int = 20_000,
    mu: float = MU,
    tca_offset_s: Any = 0.0,
) -> MonteCarloPc:
    """Monte Carlo Pc for M conjunctions.

    ``state1_km, state2_km`` (M, 6) TCA states (km, km/s, inertial), ``cov1_km2,
    cov2_km2`` (M, 6, 6) inertial covariances (km, km/s), ``hbr_km`` (M,) combined
    hard-body radius, ``window_s`` (M,) or scalar half-width of the time window
    about TCA.  ``n_samples`` trials per conjunction from ``numpy.random.default_rng(seed)``.
    ``tca_offset_s`` (M,) or scalar: when the states and covariances are given at an
    epoch before TCA (as in Alfano's "at epoch" tables), the time from that epoch to
    TCA; the samples are then drawn at the epoch and the window is centred on TCA.
    """
    s1 = np.atleast_2d(np.asarray(state1_km, dtype=np.float64))
    s2 = np.atleast_2d(np.asarray(state2_km, dtype=np.float64))
    m = s1.shape[0]
    c1 = np.asarray(cov1_km2, dtype=np.float64).reshape(m, 6, 6)
    c2 = np.asarray(cov2_km2, dtype=np.float64).reshape(m, 6, 6)
    hbr = hbr_array(hbr_km, m)
    win = np.broadcast_to(np.asarray(window_s, dtype=np.float64), (m,))
    offset = np.broadcast_to(np.asarray(tca_offset_s, dtype=np.float64), (m,))
    if s2.shape != (m, 6) or s1.shape != (m, 6):
        raise InputError("states must have shape (M, 6)", field="state_km")
    for name, arr in (("state1_km", s1), ("state2_km", s2), ("cov1_km2", c1), ("cov2_km2", c2), ("hbr_km", hbr)):
        if not np.isfinite(arr).all():
            raise InputError(f"{name} has NaN or infinite values", code="INPUT_NOT_FINITE", field=name)
    if (hbr <= 0).any():
        raise InputError("hard-body radius must be > 0", code="INPUT_HBR", field="hbr_km")
    if not (win > 0).all():
        raise InputError("window_s must be > 0", field="window_s")
    if n_samples < 1:
        raise InputError("n_samples must be >= 1", field="n_samples")
    rng = np.random.default_rng(seed)
    hits = np.zeros(m, dtype=np.int64)
    clipped = np.zeros(m, dtype=bool)
    for i in range(m):
        l1, k1 = _sampler(c1[i])
        l2, k2 = _sampler(c2[i])
        clipped[i] = k1 or k2
        pmin = min(_period(s1[i], mu), _period(s2[i], mu))
        step = min(pmin / 200.0, win[i] / 8.0)
        k = math.ceil(2 * win[i] / step) + 1
        grid = offset[i] + np.linspace(-win[i], win[i], k)
        done = 0
        while done < n_samples:
            n = min(chunk, n_samples - done)
            x1 = s1[i] + rng.standard_normal((n, 6)) @ l1.T
            x2 = s2[i] + rng.standard_normal((n, 6)) @ l2.T
            dmin = np.empty(n)
            _min_distance(np.ascontiguousarray(x1), np.ascontiguousarray(x2), grid, mu, dmin)
            hits[i] += int(np.count_nonzero(dmin < hbr[i]))
            done += n
    trials = np.full(m, n_samples, dtype=np.int64)
    lo, hi = clopper_pearson(hits, trials, confidence)
    return MonteCarloPc(
        pc=hits / trials,
        hits=hits,
        trials=trials,
        ci_low=np.asarray(lo, dtype=np.float64),
        ci_high=np.asarray(hi, dtype=np.float64),
        confidence=confidence,
        window_s=np.array(win, dtype=np.float64),
        covariance_clipped=clipped,
    )

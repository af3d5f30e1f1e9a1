"""An independent, deliberately simple conjunction finder used as the reference in tests.

It shares no code with ``orbitwatch.screening`` (nor with orbitwatch's TLE parser or
propagation): TLE lines go to ``sgp4.api.Satrec.twoline2rv``, every object is
propagated with ``SatrecArray`` every ``step_s`` seconds over the whole window, and for
every pair of objects (apart from pairs whose sampled radius ranges are more than
``threshold + 100 km`` apart, which by the triangle inequality cannot meet) every
sampled local minimum of the range that could hide a true minimum below the threshold
(sampled range <= threshold + (sampled relative speed + 0.2 km/s) x step) is refined by
scipy's bounded Brent minimisation of the SGP4 range on the two neighbouring intervals.
A refined minimum counts if it is at most ``threshold`` and strictly inside the window.
Each minimum is polished by a least-squares parabola through the squared range over
+-2 s (see ``_polish``), which matters only for encounters slower than ~10 m/s.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize_scalar
from sgp4.api import Satrec, SatrecArray

US_PER_DAY = 86_400_000_000
JD_UNIX = 2440587.5


def jd_pair(us: int) -> tuple[float, float]:
    days, rem = divmod(us, US_PER_DAY)
    return days + JD_UNIX, rem / US_PER_DAY


def satrecs_from_tle(records: list[tuple[str, str]]) -> list[Satrec]:
    return [Satrec.twoline2rv(l1, l2) for l1, l2 in records]


def range_km(a: Satrec, b: Satrec, start_us: int, t_s: float) -> float:
    jd, fr = jd_pair(start_us)
    fr = fr + t_s / 86400.0
    ea, ra, _ = a.sgp4(jd, fr)
    eb, rb, _ = b.sgp4(jd, fr)
    if ea or eb:
        return float("inf")
    return float(np.linalg.norm(np.subtract(rb, ra)))


def _polish(a: Satrec, b: Satrec, start_us: int, tca: float, miss: float) -> tuple[float, float]:
    """Least-squares parabola through the squared range at 41 points within +-2 s of ``tca``.

    Near a slow minimum the range is flat to the ~1e-10 km rounding noise of SGP4's
    positions over milliseconds, which limits a scalar minimiser; a fit over 4 s averages
    the noise.  Kept only if its vertex lies inside the fitted span.
    """
    ts = tca + np.linspace(-2.0, 2.0, 41)
    d2 = np.array([range_km(a, b, start_us, x) ** 2 for x in ts])
    if not np.all(np.isfinite(d2)):
        return tca, miss
    c2, c1, _ = np.polyfit(ts - tca, d2 - d2[20], 2)
    if c2 <= 0:
        return tca, miss
    vertex = tca - c1 / (2.0 * c2)
    if abs(vertex - tca) > 2.0:
        return tca, miss
    return vertex, range_km(a, b, start_us, vertex)


def brute_force(
    sats: list[Satrec], start_us: int, span_s: float, threshold_km: float, step_s: float = 10.0
) -> list[tuple[int, int, float, float]]:
    """``(i, j, tca_s_after_start, miss_km)`` of every minimum <= threshold, i < j."""
    n_t = int(np.ceil(span_s / step_s)) + 1
    t = np.minimum(np.arange(n_t) * step_s, span_s)
    jd0, fr0 = jd_pair(start_us)
    jd = np.full(n_t, jd0)
    fr = fr0 + t / 86400.0
    e, r, v = SatrecArray(sats).sgp4(jd, fr)
    r[e != 0] = np.nan
    radius = np.linalg.norm(r, axis=2)
    # objects that fail throughout have no radius range and meet nothing
    rmin = np.min(np.where(np.isnan(radius), np.inf, radius), axis=1)
    rmax = np.max(np.where(np.isnan(radius), -np.inf, radius), axis=1)
    found = []
    n = len(sats)
    for i in range(n - 1):
        js = np.arange(i + 1, n)
        js = js[(rmin[js] <= rmax[i] + threshold_km + 100.0) & (rmax[js] >= rmin[i] - threshold_km - 100.0)]
        if js.size == 0:
            continue
        d = np.linalg.norm(r[js] - r[i][None], axis=2)  # (J, T)
        s = np.linalg.norm(v[js] - v[i][None], axis=2)
        d = np.where(np.isfinite(d), d, np.inf)
        left = np.concatenate([np.full((js.size, 1), np.inf), d[:, :-1]], axis=1)
        right = np.concatenate([d[:, 1:], np.full((js.size, 1), np.inf)], axis=1)
        is_min = (d <= left) & (d <= right) & (d <= threshold_km + (s + 0.2) * step_s)
        for jj, k in zip(*np.nonzero(is_min), strict=True):
            j = int(js[jj])
            lo = t[max(k - 1, 0)]
            hi = t[min(k + 1, n_t - 1)]
            res = minimize_scalar(
                lambda x, a=sats[i], b=sats[j]: range_km(a, b, start_us, x),
                bounds=(lo, hi), method="bounded", options={"xatol": 1e-7},
            )
            tca, miss = float(res.x), float(res.fun)
            tca, miss = _polish(sats[i], sats[j], start_us, tca, miss)
            interior = lo + 1e-4 < tca < hi - 1e-4
            if interior and miss <= threshold_km and 1e-3 < tca < span_s - 1e-3:
                found.append((i, j, tca, miss))
    # two sampled minima can refine to the same minimum
    found.sort()
    out: list[tuple[int, int, float, float]] = []
    for f in found:
        if out and out[-1][:2] == f[:2] and abs(out[-1][2] - f[2]) < 1e-2:
            continue
        out.append(f)
    return out

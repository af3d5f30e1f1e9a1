"""Visibility passes of N satellites over M sites: rise, culmination, set, azimuths, range.

Method (the structure of Skyfield's ``EarthSatellite.find_events``, vectorised as in
Skyfield's ``design/sgp4_parallel.py``):

1. SGP4 (:func:`orbitwatch.propagation.propagate`) on one time grid for a chunk of
   satellites; TEME -> ITRF once per time (:func:`orbitwatch.frames.teme_to_itrf`),
   broadcast over satellites.  Between grid points positions are cubic Hermite
   interpolations of the ITRF positions and velocities (error ~ h^4 |r''''| / 384:
   about 2 m for a 90 s step in low orbit, i.e. < 0.001 deg of elevation).
2. ``g = elevation - mask(azimuth)`` (and, where a site has a range limit, the smaller
   of that and a scaled ``range_max - range``) on the grid for every satellite x site
   pair; sign changes and hidden grazing passes are refined by the one event finder
   :func:`orbitwatch.access.events.find_crossings` to 1 ms.
3. Culmination: the largest sampled elevation inside each pass, refined by golden-
   section search over the two grid steps around it (or over the whole pass when it
   holds no sample).

Step: the time grid's step is derived from the fastest angular motion of the set (the
perigee of the most eccentric/lowest orbit): ``T_perigee / 60`` clamped to 10..300 s,
i.e. ~90 s for the ISS; the grazing search covers every sampled elevation maximum
within ``1.5 x rate x step / 2`` of the mask, where ``rate`` bounds the elevation rate
of a satellite seen near the mask (perigee speed over the slant range at the mask),
and whose parabola through the three samples peaks within 2 deg of the mask (skipped
where a range limit or an azimuth mask makes g piecewise).  A pass
visible at the start or end of the interval is clipped there and flagged (``flags`` bit
1 / bit 2); an always-visible pair (GEO) gets one pass spanning the whole interval with
both bits set; a never-visible pair has no pass.

Elevations are geometric (no refraction) from the WGS-84 geodetic normal of the site,
like Skyfield's ``altaz()`` without a temperature.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from orbitwatch.access.events import (
    Crossings,
    find_crossings,
    golden_maximum,
    intervals_from_crossings,
)
from orbitwatch.access.sites import Site, SiteTable
from orbitwatch.access.sun import shadow_g, sun_teme_km
from orbitwatch.catalog.model import ElementSet, ElementTable
from orbitwatch.constants import (
    WGS72_MU_KM3_S2,
    WGS84_A_KM,
    kepler_semi_major_axis_km,
    mean_motion_rad_s,
    wrap_360_deg,
)
from orbitwatch.errors import InputError
from orbitwatch.frames import teme_to_itrf
from orbitwatch.propagation import propagate
from orbitwatch.times import UTC_DTYPE, as_utc, format_utc

__all__ = [
    "DEFAULT_MIN_ELEVATION_DEG",
    "PASS_CLIPPED_END",
    "PASS_CLIPPED_START",
    "PASS_CONDITION_CLIPPED",
    "Conditions",
    "PassTable",
    "Track",
    "WindowTable",
    "choose_step_s",
    "find_passes",
    "intersect_windows",
    "make_track",
    "site_dark_windows",
    "sunlit_windows",
    "topocentric",
    "visibility_windows",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Progress = Callable[[int, int], None] | None

PASS_CLIPPED_START = 1
PASS_CLIPPED_END = 2

#: The one default minimum elevation (deg) of the passes, exposure and contacts commands
#: (issue 19): a floor on each site's own mask, low enough for tracking and contacts,
#: above the horizon clutter and refraction of the first degrees.
DEFAULT_MIN_ELEVATION_DEG = 10.0

_RAD2DEG = 180.0 / math.pi
_GRID_BYTES = 96 * 1024 * 1024  # per (n x M x T) float64 work array
_VERTEX_MARGIN_DEG = 2.0


# ----------------------------------------------------------------------------- track


@dataclass(frozen=True)
class Track:
    """ITRF states of N satellites (and the Sun) on a time grid, with Hermite interpolation.

    ``t0`` UTC reference; ``t_s (T,)`` seconds from ``t0``; ``r_km``/``v_km_s``
    ``(N, T, 3)`` ITRF (NaN where SGP4 failed); ``sun_km``/``sun_v_km_s`` ``(T, 3)``
    the Sun in ITRF.  ``sat_offset``: index of satellite 0 of this chunk in the caller's
    full set.
    """

    t0: np.datetime64
    t_s: FloatArray
    r_km: FloatArray
    v_km_s: FloatArray
    sun_km: FloatArray
    sun_v_km_s: FloatArray
    sat_offset: int = 0

    @property
    def n_sats(self) -> int:
        return int(self.r_km.shape[0])

    def times(self) -> npt.NDArray[np.datetime64]:
        return to_utc(self.t0, self.t_s)

    def _hermite(self, p: FloatArray, v: FloatArray, i: IntArray | None, k: IntArray, t: FloatArray
                 ) -> FloatArray:
        h = self.t_s[k + 1] - self.t_s[k]
        s = ((t - self.t_s[k]) / h)[:, None]
        h = h[:, None]
        s2 = s * s
        s3 = s2 * s
        h01 = 3 * s2 - 2 * s3
        h00 = 1 - h01
        h10 = (s3 - 2 * s2 + s) * h
        h11 = (s3 - s2) * h
        if i is None:
            return h00 * p[k] + h10 * v[k] + h01 * p[k + 1] + h11 * v[k + 1]
        T = p.shape[1]
        flat = i * T + k
        pf, vf = p.reshape(-1, 3), v.reshape(-1, 3)
        return (h00 * np.take(pf, flat, axis=0) + h10 * np.take(vf, flat, axis=0)
                + h01 * np.take(pf, flat + 1, axis=0) + h11 * np.take(vf, flat + 1, axis=0))

    def _segment(self, t_s: FloatArray) -> IntArray:
        T = self.t_s.shape[0]
        # The grid is uniform (make_track): the segment is a division, not a search.
        step = (self.t_s[-1] - self.t_s[0]) / (T - 1)
        k = np.floor((t_s - self.t_s[0]) / step).astype(np.int64)
        return np.clip(k, 0, T - 2)

    def position_at(self, sat: IntArray, t_s: FloatArray) -> FloatArray:
        """ITRF positions ``(K, 3)`` of local satellites ``sat (K,)`` at ``t_s (K,)``."""
        if self.t_s.shape[0] < 2:
            return self.r_km[sat, 0]
        return self._hermite(self.r_km, self.v_km_s, sat, self._segment(t_s), t_s)

    def sun_at(self, t_s: FloatArray) -> FloatArray:
        if self.t_s.shape[0] < 2:
            return np.broadcast_to(self.sun_km[0], (t_s.shape[0], 3)).copy()
        k = self._segment(t_s)
        return self._hermite(self.sun_km, self.sun_v_km_s, None, k, t_s)


def to_utc(t0: np.datetime64, t_s: npt.ArrayLike) -> npt.NDArray[np.datetime64]:
    """``t0 + t_s`` seconds, rounded to the microsecond."""
    us = np.rint(np.asarray(t_s, dtype=np.float64) * 1e6).astype(np.int64)
    return np.asarray(np.asarray(t0, dtype=UTC_DTYPE) + us.astype("timedelta64[us]"), dtype=UTC_DTYPE)


def _table(elements: ElementTable | Sequence[ElementSet]) -> ElementTable:
    return elements if isinstance(elements, ElementTable) else ElementTable.from_element_sets(elements)


def _perigee(table: ElementTable) -> tuple[FloatArray, FloatArray]:
    """Perigee radius (km) and speed (km/s) from the mean elements."""
    a = kepler_semi_major_axis_km(np.maximum(mean_motion_rad_s(table.mean_motion_rev_per_day), 1e-12))
    e = np.clip(table.eccentricity, 0.0, 0.999)
    rp = a * (1 - e)
    vp = np.sqrt(WGS72_MU_KM3_S2 * (1 + e) / rp)
    return rp, vp


def choose_step_s(elements: ElementTable | Sequence[ElementSet]) -> float:
    """Grid step (s) for a set: the fastest perigee's angular period / 60, clamped to 10..300 s."""
    table = _table(elements)
    if len(table) == 0:
        return 300.0
    rp, vp = _perigee(table)
    period_at_perigee = float(np.min(2 * math.pi * rp / vp))
    return float(np.clip(period_at_perigee / 60.0, 10.0, 300.0))


def _graze_margin_deg(table: ElementTable, sites: SiteTable, step_s: float) -> float:
    """Bound on how far a sampled elevation maximum can lie below the true one (deg)."""
    rp, vp = _perigee(table)
    alt = max(float(np.min(rp)) - WGS84_A_KM, 150.0)
    mask = float(np.clip(np.min(sites.min_elevation_deg), 0.0, 89.0)) * math.pi / 180
    r_e = WGS84_A_KM
    # slant range to altitude `alt` at elevation `mask`
    slant = -r_e * math.sin(mask) + math.sqrt((r_e * math.sin(mask)) ** 2 + 2 * r_e * alt + alt * alt)
    rate_deg_s = float(np.max(vp)) / slant * _RAD2DEG
    return min(180.0, rate_deg_s * step_s / 2.0 * 1.5)


def make_track(
    elements: ElementTable | Sequence[ElementSet],
    start: Any,
    end: Any,
    step_s: float,
    *,
    sat_offset: int = 0,
) -> Track:
    """Propagate ``elements`` on ``start .. end`` every ``step_s`` (end included) into a Track."""
    t0, t1 = as_utc(start, what="start"), as_utc(end, what="end")
    if not t1 > t0:
        raise InputError(f"empty time window: end {format_utc(t1)} is not after start {format_utc(t0)}",
                         code="ACCESS_EMPTY_WINDOW", field="end")
    span_s = float((t1 - t0).astype(np.int64)) / 1e6
    n = max(2, math.ceil(span_s / step_s) + 1)
    t_s = np.linspace(0.0, span_s, n)
    times = to_utc(t0, t_s)
    eph = propagate(_table(elements), times)
    r, v = teme_to_itrf(eph.r_km, eph.v_km_s, times)
    sun_teme = sun_teme_km(times)
    sun_r, sun_v = teme_to_itrf(sun_teme, np.zeros_like(sun_teme), times)
    return Track(t0=t0, t_s=t_s, r_km=np.asarray(r), v_km_s=np.asarray(v), sun_km=np.asarray(sun_r),
                 sun_v_km_s=np.asarray(sun_v), sat_offset=sat_offset)


# ----------------------------------------------------------------------------- geometry


def topocentric(r_km: npt.ArrayLike, site_ecef_km: npt.ArrayLike, enu: npt.ArrayLike
                ) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Azimuth (deg, from north through east, 0..360), elevation (deg), range (km).

    ``r_km (..., 3)`` ITRF, ``site_ecef_km (..., 3)`` and ``enu (..., 3, 3)`` (rows east,
    north, up) broadcast with it.
    """
    rho = np.asarray(r_km, np.float64) - np.asarray(site_ecef_km, np.float64)
    local = np.einsum("...ij,...j->...i", np.asarray(enu, np.float64), rho)
    rng = np.linalg.norm(rho, axis=-1)
    el = np.arcsin(np.clip(local[..., 2] / rng, -1.0, 1.0)) * _RAD2DEG
    az = wrap_360_deg(np.arctan2(local[..., 0], local[..., 1]) * _RAD2DEG)
    return az, el, rng


@dataclass
class _Geometry:
    """Per-chunk visibility g-function over series = local_sat * M + site."""

    track: Track
    sites: SiteTable
    min_elevation_deg: float
    max_range_km: float
    ecef: FloatArray = field(init=False)
    enu: FloatArray = field(init=False)
    floor: FloatArray = field(init=False)
    rmax: FloatArray = field(init=False)

    def __post_init__(self) -> None:
        self.ecef = self.sites.ecef_km()
        self.enu = self.sites.enu_basis()
        self.floor = np.maximum(self.sites.min_elevation_deg, self.min_elevation_deg)
        rmax = self.sites.max_range_km.copy()
        if math.isfinite(self.max_range_km):
            rmax = np.fmin(rmax, self.max_range_km)
        self.rmax = rmax

    @property
    def n_sites(self) -> int:
        return len(self.sites)

    def _mask(self, site: IntArray, az: FloatArray) -> FloatArray:
        if not self.sites.has_azimuth_mask:
            return self.floor[site]
        return np.maximum(self.sites.mask_at(site, az), self.floor[site])

    def _g(self, az: FloatArray, el: FloatArray, rng: FloatArray, site: IntArray) -> FloatArray:
        g = el - self._mask(site, az)
        rmax = self.rmax[site]
        limited = np.isfinite(rmax)
        if limited.any():
            g_rng = (rmax - rng) / rng * _RAD2DEG
            g = np.where(limited, np.minimum(g, g_rng), g)
        return g

    def grid(self) -> tuple[FloatArray, FloatArray, FloatArray]:
        """``g``, elevation (deg) and range (km) on the grid, each ``(n*M, T)``.

        Dot products are matrix products ``(M, 3) @ (n, 3, T)`` so that the arrays come
        out directly in the ``(sat, site, time)`` layout of the series.
        """
        r = self.track.r_km  # (n, T, 3)
        n, T, _ = r.shape
        M = self.n_sites
        rt = np.ascontiguousarray(r.transpose(0, 2, 1))  # (n, 3, T)
        up = self.enu[:, 2, :]  # (M, 3)
        s2 = np.einsum("mk,mk->m", self.ecef, self.ecef)[:, None]
        us = np.einsum("mk,mk->m", up, self.ecef)[:, None]
        r2 = np.einsum("nkt,nkt->nt", rt, rt)[:, None, :]
        rng = np.matmul(self.ecef, rt)  # (n, M, T): r . s
        rng *= -2.0
        rng += r2
        rng += s2
        np.sqrt(np.maximum(rng, 0.0, out=rng), out=rng)
        el = np.matmul(up, rt)
        el -= us
        el /= rng
        np.clip(el, -1.0, 1.0, out=el)
        np.arcsin(el, out=el)
        el *= _RAD2DEG
        if self.sites.has_azimuth_mask:
            east, north = self.enu[:, 0, :], self.enu[:, 1, :]
            e_c = np.matmul(east, rt) - np.einsum("mk,mk->m", east, self.ecef)[:, None]
            n_c = np.matmul(north, rt) - np.einsum("mk,mk->m", north, self.ecef)[:, None]
            az = wrap_360_deg(np.arctan2(e_c, n_c) * _RAD2DEG)
            site_idx = np.broadcast_to(np.arange(M)[:, None], el.shape)
            g = el - self._mask(site_idx.reshape(-1), az.reshape(-1)).reshape(el.shape)
        else:
            g = el - self.floor[:, None]
        rmax = self.rmax[:, None]
        if np.isfinite(rmax).any():
            g_rng = np.where(np.isfinite(rmax), (rmax - rng) / rng * _RAD2DEG, np.inf)
            g = np.minimum(g, g_rng)
        return g.reshape(n * M, T), el.reshape(n * M, T), rng.reshape(n * M, T)

    def geometry_at(self, series: IntArray, t_s: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
        sat, site = np.divmod(series, self.n_sites)
        r = self.track.position_at(sat, t_s)
        return topocentric(r, self.ecef[site], self.enu[site])

    def g_at(self, series: IntArray, seg: IntArray, t_s: FloatArray) -> FloatArray:
        az, el, rng = self.geometry_at(series, t_s)
        return self._g(az, el, rng, series % self.n_sites)

    def el_at(self, series: IntArray, seg: IntArray, t_s: FloatArray) -> FloatArray:
        sat, site = np.divmod(series, self.n_sites)
        rho = self.track.position_at(sat, t_s) - self.ecef[site]
        up = self.enu[site, 2, :]
        sin_el = np.einsum("ij,ij->i", rho, up) / np.sqrt(np.einsum("ij,ij->i", rho, rho))
        return np.asarray(np.arcsin(np.clip(sin_el, -1.0, 1.0)) * _RAD2DEG)


# ----------------------------------------------------------------------------- windows


@dataclass(frozen=True)
class WindowTable:
    """Intervals keyed by an integer ``key (W,)`` with ``start_s``/``end_s`` from ``t0``.

    ``flags``: bit 1 clipped at the start, bit 2 clipped at the end of the interval.
    """

    t0: np.datetime64
    key: IntArray
    start_s: FloatArray
    end_s: FloatArray
    flags: IntArray

    def __len__(self) -> int:
        return int(self.key.shape[0])

    @property
    def duration_s(self) -> FloatArray:
        return self.end_s - self.start_s

    def take(self, index: Any) -> WindowTable:
        return WindowTable(self.t0, self.key[index], self.start_s[index], self.end_s[index], self.flags[index])

    @staticmethod
    def concat(t0: np.datetime64, parts: Sequence[WindowTable]) -> WindowTable:
        if not parts:
            z = np.zeros(0)
            return WindowTable(t0, z.astype(np.int64), z, z, z.astype(np.int64))
        return WindowTable(t0, np.concatenate([p.key for p in parts]),
                           np.concatenate([p.start_s for p in parts]),
                           np.concatenate([p.end_s for p in parts]), np.concatenate([p.flags for p in parts]))


def _windows_from_g(t_s: FloatArray, g: FloatArray, g_at: Any, graze_margin: float, t0: np.datetime64, *,
                    tol_s: float = 1e-3, vertex_margin: float = np.inf) -> WindowTable:
    cr: Crossings = find_crossings(t_s, g, g_at, tol_s=tol_s, graze_margin=graze_margin,
                                   vertex_margin=vertex_margin)
    pos0 = np.isfinite(g[:, 0]) & (g[:, 0] > 0)
    key, a, b, flags = intervals_from_crossings(cr, g.shape[0], float(t_s[0]), float(t_s[-1]), pos0)
    return WindowTable(t0, key, a, b, flags)


def sunlit_windows(track: Track, *, criterion: str = "center", earth_radius_km: float = WGS84_A_KM
                   ) -> WindowTable:
    """Intervals when each satellite of the track is lit (``key`` = local satellite index).

    ``criterion``: ``"center"`` (Sun's centre visible, Skyfield's ``is_sunlit``),
    ``"penumbra"`` (no shadow at all) or ``"umbra"`` (outside the umbra); see
    :mod:`orbitwatch.access.sun`.
    """
    g = shadow_g(track.r_km, track.sun_km[None], criterion, earth_radius_km=earth_radius_km)  # type: ignore[arg-type]

    def g_at(series: IntArray, seg: IntArray, t_s: FloatArray) -> FloatArray:
        return shadow_g(track.position_at(series, t_s), track.sun_at(t_s), criterion,  # type: ignore[arg-type]
                        earth_radius_km=earth_radius_km)

    return _windows_from_g(track.t_s, g, g_at, 0.05, track.t0)


def site_dark_windows(track: Track, sites: SiteTable, *, sun_elevation_max_deg: float = -6.0) -> WindowTable:
    """Intervals when the Sun is below ``sun_elevation_max_deg`` at each site (``key`` = site index)."""
    ecef, enu = sites.ecef_km(), sites.enu_basis()

    def g_of(sun: FloatArray, site: IntArray) -> FloatArray:
        _, el, _ = topocentric(sun, ecef[site], enu[site])
        return sun_elevation_max_deg - el

    M, T = len(sites), track.t_s.shape[0]
    site_idx = np.repeat(np.arange(M), T)
    sun = np.tile(track.sun_km, (M, 1))
    g = g_of(sun, site_idx).reshape(M, T)

    def g_at(series: IntArray, seg: IntArray, t_s: FloatArray) -> FloatArray:
        return g_of(track.sun_at(t_s), series)

    return _windows_from_g(track.t_s, g, g_at, 5.0, track.t0)


def intersect_windows(a: WindowTable, a_group: IntArray, b: WindowTable) -> tuple[IntArray, FloatArray, FloatArray]:
    """Pieces of the windows of ``a`` that lie inside windows of ``b`` with key ``a_group``.

    ``a_group (len(a),)``: for each window of ``a``, the key in ``b`` to intersect with
    (e.g. the satellite of a pass, to intersect with that satellite's sunlit windows).
    Windows of ``b`` with one key must be disjoint.  Returns ``(index into a, start_s,
    end_s)`` of each non-empty piece, sorted by index.
    """
    if len(a) == 0 or len(b) == 0:
        z = np.zeros(0)
        return z.astype(np.int64), z, z
    span = float(max(np.max(a.end_s), np.max(b.end_s))) + 1.0
    # Sort b by (key, start) and search with key*span + t (exact enough: keys and
    # times are small and span > all times).
    ob = np.lexsort((b.start_s, b.key))
    bk, b0, b1 = b.key[ob].astype(np.float64), b.start_s[ob], b.end_s[ob]
    enc_b0, enc_b1 = bk * span + b0, bk * span + b1
    g = a_group.astype(np.float64)
    lo = np.searchsorted(enc_b1, g * span + a.start_s, side="right")
    hi = np.searchsorted(enc_b0, g * span + a.end_s, side="left")
    count = np.maximum(hi - lo, 0)
    idx_a = np.repeat(np.arange(len(a)), count)
    offs = np.arange(idx_a.size) - np.repeat(np.cumsum(count) - count, count)
    j = np.repeat(lo, count) + offs
    start = np.maximum(a.start_s[idx_a], b0[j])
    end = np.minimum(a.end_s[idx_a], b1[j])
    ok = end > start
    return idx_a[ok], start[ok], end[ok]


def _window_max(geom: _Geometry, series: IntArray, start: FloatArray, end: FloatArray, grid: FloatArray,
                f_at: Any) -> tuple[FloatArray, FloatArray]:
    """Maximum of a function over each window: the largest interior sample refined by golden search."""
    t = geom.track.t_s
    T = t.shape[0]
    k_lo = np.searchsorted(t, start, side="right")
    k_hi = np.searchsorted(t, end, side="left")
    count = np.maximum(k_hi - k_lo, 0)
    lo = start.copy()
    hi = end.copy()
    inner = count > 0
    if inner.any():
        w = np.nonzero(inner)[0]
        cnt = count[w]
        wid = np.repeat(w, cnt)
        k = np.repeat(k_lo[w], cnt) + (np.arange(wid.size) - np.repeat(np.cumsum(cnt) - cnt, cnt))
        vals = grid[series[wid], k]
        vals = np.where(np.isnan(vals), -np.inf, vals)
        order = np.lexsort((vals, wid))
        last = np.ones(order.size, bool)
        last[:-1] = wid[order][1:] != wid[order][:-1]
        best_w, best_k = wid[order][last], k[order][last]
        lo[best_w] = np.maximum(start[best_w], t[np.maximum(best_k - 1, 0)])
        hi[best_w] = np.minimum(end[best_w], t[np.minimum(best_k + 1, T - 1)])
    return golden_maximum(series, lo, hi, t, f_at, tol_s=1e-2)


# ----------------------------------------------------------------------------- passes


@dataclass(frozen=True)
class PassTable:
    """Passes (one row per pass), arrays of shape ``(P,)``.

    ``sat`` / ``site`` index the caller's element table and site list; times are UTC
    ``datetime64[us]``; ``flags`` bit 1 = visible at the start of the interval (rise
    clipped), bit 2 = visible at its end (set clipped); both = visible throughout;
    bit 4 = cut by a condition (sunlit / site dark), not by the horizon.
    ``sunlit_fraction``: share of the pass with the satellite's Sun centre visible
    (NaN when not computed).  ``min_range_km`` is the range at culmination: the range
    to a satellite at a given altitude falls monotonically with elevation, so this is
    the window's minimum to within the satellite's altitude change over the pass.
    """

    norad_id: IntArray
    sat: IntArray
    site: IntArray
    site_names: tuple[str, ...]
    rise: npt.NDArray[np.datetime64]
    culmination: npt.NDArray[np.datetime64]
    set: npt.NDArray[np.datetime64]
    max_elevation_deg: FloatArray
    rise_azimuth_deg: FloatArray
    culmination_azimuth_deg: FloatArray
    set_azimuth_deg: FloatArray
    culmination_range_km: FloatArray
    min_range_km: FloatArray
    sunlit_fraction: FloatArray
    flags: IntArray

    def __len__(self) -> int:
        return int(self.sat.shape[0])

    @property
    def duration_s(self) -> FloatArray:
        return (self.set - self.rise).astype(np.int64) / 1e6

    def to_records(self) -> list[dict[str, Any]]:
        """JSON-ready rows (the CLI's ``--json`` contract)."""
        rows = []
        for i in range(len(self)):
            sf = float(self.sunlit_fraction[i])
            rows.append({
                "norad": int(self.norad_id[i]),
                "site": self.site_names[int(self.site[i])],
                "rise_utc": str(format_utc(self.rise[i])),
                "culmination_utc": str(format_utc(self.culmination[i])),
                "set_utc": str(format_utc(self.set[i])),
                "max_elevation_deg": round(float(self.max_elevation_deg[i]), 4),
                "rise_azimuth_deg": round(float(self.rise_azimuth_deg[i]), 3),
                "set_azimuth_deg": round(float(self.set_azimuth_deg[i]), 3),
                "culmination_range_km": round(float(self.culmination_range_km[i]), 3),
                "sunlit_fraction": None if math.isnan(sf) else round(sf, 4),
                "rise_clipped": bool(self.flags[i] & PASS_CLIPPED_START),
                "set_clipped": bool(self.flags[i] & PASS_CLIPPED_END),
            })
        return rows

    @staticmethod
    def concat(parts: Sequence[PassTable], site_names: tuple[str, ...]) -> PassTable:
        if not parts:
            zi, zf = np.zeros(0, np.int64), np.zeros(0)
            zt = np.zeros(0, dtype=UTC_DTYPE)
            return PassTable(zi, zi, zi, site_names, zt, zt, zt, zf, zf, zf, zf, zf, zf, zf, zi)
        names = [f.name for f in PassTable.__dataclass_fields__.values()]
        kw = {n: np.concatenate([getattr(p, n) for p in parts]) for n in names if n != "site_names"}
        return PassTable(site_names=site_names, **kw)


def _chunk_size(n_sites: int, n_times: int) -> int:
    return max(1, _GRID_BYTES // (8 * max(1, n_sites) * max(1, n_times)))


def _sites_table(sites: SiteTable | Sequence[Site]) -> SiteTable:
    return sites if isinstance(sites, SiteTable) else SiteTable.from_sites(sites)


def visibility_windows(
    track: Track,
    sites: SiteTable,
    *,
    min_elevation_deg: float = -90.0,
    max_range_km: float = math.nan,
    graze_margin_deg: float = 30.0,
) -> tuple[_Geometry, WindowTable, FloatArray, FloatArray]:
    """Line-of-sight windows for one track chunk: ``key`` = local_sat * M + site.

    Returns the geometry helper, the windows, and the elevation (deg) and range (km)
    grids ``(n*M, T)``.
    """
    geom = _Geometry(track, sites, min_elevation_deg, max_range_km)
    g, el, rng = geom.grid()
    # g is smooth (a parabola fits two steps of elevation to << 1 deg) unless a range
    # limit or an azimuth mask makes it piecewise: then every candidate is searched.
    smooth = not sites.has_azimuth_mask and not np.isfinite(geom.rmax).any()
    win = _windows_from_g(track.t_s, g, geom.g_at, graze_margin_deg, track.t0,
                          vertex_margin=_VERTEX_MARGIN_DEG if smooth else np.inf)
    return geom, win, el, rng


@dataclass(frozen=True)
class Conditions:
    """Extra conditions a window must meet besides line of sight.

    ``sunlit``: the satellite's Sun centre is visible (:func:`sunlit_windows`,
    ``"center"`` criterion); ``site_dark``: the Sun is below ``dark_sun_elevation_deg``
    at the site (default -6 deg, the end of civil twilight).
    """

    sunlit: bool = False
    site_dark: bool = False
    dark_sun_elevation_deg: float = -6.0

    @property
    def any(self) -> bool:
        return self.sunlit or self.site_dark


def find_passes(
    elements: ElementTable | Sequence[ElementSet],
    sites: SiteTable | Sequence[Site],
    start: Any,
    end: Any,
    *,
    min_elevation_deg: float = -90.0,
    max_range_km: float = math.nan,
    conditions: Conditions | None = None,
    step_s: float | None = None,
    sunlit_fraction: bool = True,
    progress: Progress = None,
    chunk_objects: int | None = None,
) -> PassTable:
    """All passes of N satellites over M sites between ``start`` and ``end`` (UTC).

    ``min_elevation_deg`` is a floor on every site's mask; ``max_range_km`` caps every
    site's range limit.  With ``conditions`` each pass is cut to the parts where they
    hold (flag bit 4 marks a bound set by a condition, not by the horizon).
    Satellites are processed in chunks (bounded memory); SGP4 failures give no passes
    for the failed times.  Raises ``ACCESS_EMPTY_WINDOW`` for an empty interval and
    ``SITE_EMPTY`` for no sites.
    """
    table = _table(elements)
    site_table = _sites_table(sites)
    t0, t1 = as_utc(start, what="start"), as_utc(end, what="end")
    if not t1 > t0:
        raise InputError(f"empty time window: end {format_utc(t1)} is not after start {format_utc(t0)}",
                         code="ACCESS_EMPTY_WINDOW", field="end")
    if len(table) == 0:
        raise InputError("no satellites to compute passes for", code="ACCESS_NO_OBJECTS")
    N, M = len(table), len(site_table)
    step = float(step_s) if step_s else choose_step_s(table)
    n_times = math.ceil(float((t1 - t0).astype(np.int64)) / 1e6 / step) + 1
    chunk = chunk_objects or _chunk_size(M, n_times)
    cond = conditions or Conditions()
    dark = None
    parts: list[PassTable] = []
    for c0 in range(0, N, chunk):
        sl = slice(c0, min(N, c0 + chunk))
        sub = table.take(sl)
        track = make_track(sub, t0, t1, step, sat_offset=c0)
        if cond.site_dark and dark is None:
            dark = site_dark_windows(track, site_table, sun_elevation_max_deg=cond.dark_sun_elevation_deg)
        margin = _graze_margin_deg(sub, site_table, step)
        parts.append(_passes_for_track(track, sub, site_table, min_el=min_elevation_deg, max_range=max_range_km,
                                       margin=margin, with_sunlit=sunlit_fraction, cond=cond, dark=dark))
        if progress is not None:
            progress(sl.stop, N)
    return PassTable.concat(parts, tuple(site_table.names))


PASS_CONDITION_CLIPPED = 4


def _cut(win: WindowTable, group: IntArray, other: WindowTable) -> WindowTable:
    """Pieces of ``win`` inside ``other`` (keyed by ``group``), with flags recomputed."""
    idx, a, b = intersect_windows(win, group, other)
    f = win.flags[idx]
    same_a = a == win.start_s[idx]
    same_b = b == win.end_s[idx]
    flags = np.where(same_a, f & PASS_CLIPPED_START, 0) | np.where(same_b, f & PASS_CLIPPED_END, 0) \
        | np.where(same_a & same_b, f & PASS_CONDITION_CLIPPED, PASS_CONDITION_CLIPPED)
    return WindowTable(win.t0, win.key[idx], a, b, flags.astype(np.int64))


def _passes_for_track(track: Track, sub: ElementTable, sites: SiteTable, *, min_el: float, max_range: float,
                      margin: float, with_sunlit: bool, cond: Conditions | None = None,
                      dark: WindowTable | None = None) -> PassTable:
    geom, win, el, _ = visibility_windows(track, sites, min_elevation_deg=min_el, max_range_km=max_range,
                                          graze_margin_deg=margin)
    M = len(sites)
    lit = sunlit_windows(track) if (with_sunlit or (cond is not None and cond.sunlit)) else None
    if cond is not None and cond.sunlit and lit is not None:
        win = _cut(win, win.key // M, lit)
    if cond is not None and cond.site_dark and dark is not None:
        win = _cut(win, win.key % M, dark)
    series, a, b = win.key, win.start_s, win.end_s
    t_cul, el_max = _window_max(geom, series, a, b, el, geom.el_at)
    az_r, _, _ = geom.geometry_at(series, a)
    az_s, _, _ = geom.geometry_at(series, b)
    az_c, _, rng_c = geom.geometry_at(series, t_cul)
    sat_local, site = np.divmod(series, M)
    frac = np.full(series.shape, np.nan)
    if lit is not None:
        idx, p0, p1 = intersect_windows(win, sat_local, lit)
        lit_s = np.bincount(idx, weights=p1 - p0, minlength=series.size)
        dur = b - a
        frac = np.where(dur > 0, np.clip(lit_s / np.where(dur > 0, dur, 1.0), 0.0, 1.0), 0.0)
    return PassTable(
        norad_id=sub.norad_id[sat_local].astype(np.int64),
        sat=(sat_local + track.sat_offset).astype(np.int64),
        site=site.astype(np.int64),
        site_names=tuple(sites.names),
        rise=to_utc(track.t0, a),
        culmination=to_utc(track.t0, t_cul),
        set=to_utc(track.t0, b),
        max_elevation_deg=el_max,
        rise_azimuth_deg=az_r,
        culmination_azimuth_deg=az_c,
        set_azimuth_deg=az_s,
        culmination_range_km=rng_c,
        min_range_km=rng_c,
        sunlit_fraction=frac,
        flags=win.flags,
    )

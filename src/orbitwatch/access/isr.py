"""Dazzling exposure: when an imaging (ISR) satellite looks at a site that can reach it.

A ground laser matters to an imaging satellite when the site lies inside the sensor's
*field of regard* (the off-nadir angle from the satellite to the site is below the
sensor's limit), the scene is imageable (ground sunlit for an optical sensor; any time
for a night-capable one: radar, thermal infrared), and the site can reach the satellite
(above the site's mask and ``min_elevation_deg``, within ``max_range_km``).

Which satellites are ISR comes from data, the UCS Satellite Database
(:mod:`orbitwatch.catalog.ucs`): purpose ``Earth Observation``, detailed purpose an
imaging one, users in ``users`` (Military and Government by default).  The detailed
purpose maps to a sensor class (:func:`sensor_class_for`), each with a default field of
regard (:data:`SENSOR_CLASSES`); a small CSV (``norad,field_of_regard_deg[,class]``)
overrides them per object (:func:`read_overrides`).  The defaults are round, documented
assumptions of this module, not vendor figures: agile optical imagers collect up to about
45 deg off nadir (e.g. WorldView/Pleiades-class), SAR incidence angles run to about 50-55
deg off nadir, thermal-infrared imagers as optical.

Geometry (per satellite x site window, times UTC):

* off-nadir angle: the angle at the satellite between its geocentric nadir ``-r`` and
  the line to the site ``s - r`` (ITRF; an angle, so frame independent);
* windows: the line-of-sight passes of :func:`orbitwatch.access.passes.visibility_windows`
  (robust rise/set search), and inside each the part where the off-nadir angle is at most
  the field of regard.  Within one pass the off-nadir angle has one minimum (for a
  near-circular orbit it falls monotonically with the site's elevation), so the minimum
  is found by golden-section search and the two edges by bisection to < 1 ms;
* optical sensors: windows cut to the parts where the Sun's geometric elevation at the
  site is above ``day_sun_elevation_deg`` (0 deg by default);
* reported per window at the time of minimum off-nadir angle: that angle, look azimuth /
  elevation and slant range from the site, the Sun's elevation at the site, whether the
  satellite is sunlit (Sun centre visible, :mod:`orbitwatch.access.sun`), and the epoch of
  the element set used; flags are named strings (:data:`FLAG_NAMES`).

With several element sets per object (a history), each grid time uses the set in force
then (the latest with epoch at or before it, else the earliest), so a 30-day window does
not propagate one set 30 days.  The Skyfield cross-check is ``tests/access/test_isr.py``.

Error codes (:class:`~orbitwatch.errors.InputError`): ``ISR_OVERRIDE`` (a bad override
CSV row; ``line`` and ``field`` say where), ``ISR_NO_SENSOR`` (an object with no sensor
class), ``ISR_UNKNOWN_CLASS`` (a class name not in :data:`SENSOR_CLASSES`).
"""

from __future__ import annotations

import csv
import gzip
import io
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from orbitwatch.access.passes import (
    PASS_CLIPPED_END,
    PASS_CLIPPED_START,
    Progress,
    Track,
    WindowTable,
    _chunk_size,
    _graze_margin_deg,
    _windows_from_g,
    choose_step_s,
    intersect_windows,
    make_track,
    to_utc,
    topocentric,
    visibility_windows,
)
from orbitwatch.access.sites import Site, SiteTable
from orbitwatch.access.sun import shadow_g
from orbitwatch.catalog.model import ElementSet, ElementTable
from orbitwatch.catalog.ucs import UcsRecord, iter_ucs_csv
from orbitwatch.errors import InputError
from orbitwatch.frames import teme_to_itrf
from orbitwatch.propagation import sgp4_model
from orbitwatch.times import UTC_DTYPE, as_utc, format_utc, jd_utc

__all__ = [
    "DEFAULT_ISR_USERS",
    "FLAG_NAMES",
    "SENSOR_CLASSES",
    "DazzleReport",
    "DazzleWindows",
    "IsrSatellite",
    "SensorClass",
    "dazzle_exposure",
    "off_nadir_deg",
    "read_overrides",
    "read_ucs",
    "select_isr",
    "sensor_class_for",
    "track_in_force",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

_RAD2DEG = 180.0 / math.pi


@dataclass(frozen=True)
class SensorClass:
    """A sensor class: default field of regard (max off-nadir, deg) and night capability."""

    name: str
    field_of_regard_deg: float
    night_capable: bool
    description: str


#: Default sensor classes (assumed round values, see the module docstring).
SENSOR_CLASSES: dict[str, SensorClass] = {
    "optical": SensorClass("optical", 45.0, False, "visible/multispectral/hyperspectral/video imager"),
    "infrared": SensorClass("infrared", 45.0, True, "thermal-infrared imager (images at night)"),
    "radar": SensorClass("radar", 55.0, True, "synthetic-aperture radar (day and night)"),
}

#: UCS ``Users`` communities selected by default.
DEFAULT_ISR_USERS = ("Military", "Government")

#: Window flags: bit -> name (JSON carries the names).
FLAG_NAMES: dict[int, str] = {
    1: "clipped_start",
    2: "clipped_end",
    4: "cut_by_daylight",
    8: "ground_sunlit",
    16: "ground_dark",
    32: "satellite_sunlit",
    64: "night_capable_sensor",
    128: "field_of_regard_override",
}
_CUT = 4
_SUNLIT_GROUND, _DARK_GROUND, _SAT_LIT, _NIGHT, _OVERRIDE = 8, 16, 32, 64, 128
_DARK_SUN_EL_DEG = -6.0  # "ground_dark" below civil twilight


def sensor_class_for(detailed_purpose: str | None) -> str | None:
    """The sensor class of a UCS detailed purpose, or ``None`` when it is not imaging.

    Radar words (radar, SAR, synthetic aperture) -> ``radar``; infrared/thermal without an
    optical word -> ``infrared``; optical, multispectral, hyperspectral, video or stereo
    imaging -> ``optical``.
    """
    if not detailed_purpose:
        return None
    text = detailed_purpose.lower()
    words = set(text.replace("/", " ").replace("(", " ").replace(")", " ").replace(",", " ").split())
    if "radar" in words or "sar" in words or "synthetic aperture" in text:
        return "radar"
    optical = any(w in text for w in ("optical", "multispectral", "hyperspectral", "video", "stereo"))
    if ("infrared" in text or "thermal" in text) and not optical:
        return "infrared"
    if optical and "imag" in text:
        return "optical"
    return None


@dataclass(frozen=True)
class IsrSatellite:
    """One imaging satellite: its sensor class and the field of regard used."""

    norad_id: int
    name: str
    sensor_class: str
    field_of_regard_deg: float
    night_capable: bool
    users: str | None = None
    detailed_purpose: str | None = None
    overridden: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"norad": self.norad_id, "name": self.name, "sensor_class": self.sensor_class,
                "field_of_regard_deg": self.field_of_regard_deg, "night_capable": self.night_capable,
                "users": self.users, "detailed_purpose": self.detailed_purpose,
                "field_of_regard_source": "override" if self.overridden else "class default"}


def _open_text(path: Path) -> io.TextIOBase:
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8", errors="replace", newline="")
    return open(path, encoding="utf-8", errors="replace", newline="")


def read_ucs(path: str | Path) -> list[UcsRecord]:
    """UCS records of a CSV (optionally gzipped) file, lenient (bad rows skipped)."""
    p = Path(path)
    with _open_text(p) as f:
        return list(iter_ucs_csv(f, source=str(p), lenient=True, rejects=[]))


def select_isr(records: Iterable[UcsRecord], *, users: Sequence[str] | None = DEFAULT_ISR_USERS,
               classes: Mapping[str, SensorClass] = SENSOR_CLASSES) -> list[IsrSatellite]:
    """ISR satellites of the UCS records: Earth Observation, imaging, users in ``users``.

    ``users=None`` keeps every user community.  Ordered by NORAD id (one row per id).
    """
    out: dict[int, IsrSatellite] = {}
    want = None if users is None else frozenset(users)
    for r in records:
        if not r.purpose or "Earth Observation" not in r.purpose:
            continue
        cls = sensor_class_for(r.detailed_purpose)
        if cls is None or cls not in classes:
            continue
        if want is not None and not (r.user_set & want):
            continue
        c = classes[cls]
        out[r.norad_id] = IsrSatellite(r.norad_id, r.name or str(r.norad_id), cls, c.field_of_regard_deg,
                                       c.night_capable, r.users, r.detailed_purpose)
    return [out[k] for k in sorted(out)]


def read_overrides(path: str | Path) -> dict[int, tuple[float, str | None]]:
    """Per-object overrides from a CSV with header ``norad,field_of_regard_deg[,class]``.

    Returns ``{norad: (field_of_regard_deg, class or None)}``; a bad row raises
    ``ISR_OVERRIDE`` with its line and field.
    """
    p = Path(path)
    out: dict[int, tuple[float, str | None]] = {}
    with open(p, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        fields = [h.strip() for h in (reader.fieldnames or [])]
        if "norad" not in fields or "field_of_regard_deg" not in fields:
            raise InputError("the override CSV needs the columns norad,field_of_regard_deg[,class]",
                             code="ISR_OVERRIDE", source=str(p), line=1, field="header")
        for row in reader:
            cells = {k.strip(): (v or "").strip() for k, v in row.items() if k is not None}
            ln = reader.line_num
            try:
                norad = int(cells["norad"])
            except ValueError:
                raise InputError(f"norad {cells['norad']!r} is not an integer", code="ISR_OVERRIDE",
                                 source=str(p), line=ln, field="norad") from None
            try:
                fov = float(cells["field_of_regard_deg"])
            except ValueError:
                fov = math.nan
            if not 0.0 < fov < 90.0:
                raise InputError(f"field_of_regard_deg {cells['field_of_regard_deg']!r} must be in (0, 90)",
                                 code="ISR_OVERRIDE", source=str(p), line=ln, record=norad,
                                 field="field_of_regard_deg")
            cls = cells.get("class") or None
            if cls is not None and cls not in SENSOR_CLASSES:
                raise InputError(f"class {cls!r} is not one of {', '.join(SENSOR_CLASSES)}", code="ISR_OVERRIDE",
                                 source=str(p), line=ln, record=norad, field="class")
            out[norad] = (fov, cls)
    return out


def apply_overrides(sats: Sequence[IsrSatellite], overrides: Mapping[int, tuple[float, str | None]]
                    ) -> list[IsrSatellite]:
    """``sats`` with each overridden object's field of regard (and class) replaced."""
    out = []
    for s in sats:
        if s.norad_id in overrides:
            fov, cls = overrides[s.norad_id]
            c = SENSOR_CLASSES[cls or s.sensor_class]
            s = replace(s, field_of_regard_deg=fov, sensor_class=c.name, night_capable=c.night_capable,
                        overridden=True)
        out.append(s)
    return out


# ----------------------------------------------------------------------------- geometry


def off_nadir_deg(r_km: npt.ArrayLike, site_km: npt.ArrayLike) -> FloatArray:
    """Angle (deg) at the satellite between geocentric nadir and the site: ``(..., 3)`` each."""
    r = np.asarray(r_km, np.float64)
    d = np.asarray(site_km, np.float64) - r
    c = -np.einsum("...i,...i->...", r, d) / (np.linalg.norm(r, axis=-1) * np.linalg.norm(d, axis=-1))
    return np.asarray(np.arccos(np.clip(c, -1.0, 1.0)) * _RAD2DEG)


def _objects(table: ElementTable) -> tuple[IntArray, list[IntArray]]:
    """Unique NORAD ids in order of first appearance and, per id, its set rows by epoch."""
    ids, first = np.unique(table.norad_id, return_index=True)
    order = np.argsort(first)
    ids = ids[order]
    rows = []
    for n in ids:
        idx = np.nonzero(table.norad_id == n)[0]
        rows.append(idx[np.argsort(table.epoch[idx], kind="stable")])
    return ids.astype(np.int64), rows


def track_in_force(history: ElementTable, rows: Sequence[IntArray], start: np.datetime64, end: np.datetime64,
                   step_s: float, *, sat_offset: int = 0) -> tuple[Track, IntArray]:
    """A :class:`Track` of ``len(rows)`` objects, each time from the set in force then.

    ``rows[k]``: row indices of object ``k``'s sets in ``history``, sorted by epoch.
    Returns the track and ``set_row (N, T)``, the history row used at each grid time.
    """
    t0, t1 = as_utc(start, what="start"), as_utc(end, what="end")
    span_s = float((t1 - t0).astype(np.int64)) / 1e6
    n_t = max(2, math.ceil(span_s / step_s) + 1)
    t_s = np.linspace(0.0, span_s, n_t)
    times = to_utc(t0, t_s)
    used = np.concatenate(list(rows))
    local = {int(r): i for i, r in enumerate(used)}
    model = sgp4_model(history.take(used))
    set_row = np.empty((len(rows), n_t), dtype=np.int64)
    for k, idx in enumerate(rows):
        j = np.searchsorted(history.epoch[idx], times, side="right") - 1
        set_row[k] = idx[np.clip(j, 0, idx.size - 1)]
    obj = np.vectorize(local.__getitem__, otypes=[np.int64])(set_row.reshape(-1)) if set_row.size else \
        np.zeros(0, np.int64)
    jd, fr = jd_utc(times)
    jd_f = np.broadcast_to(np.asarray(jd, np.float64), set_row.shape).reshape(-1)
    fr_f = np.broadcast_to(np.asarray(fr, np.float64), set_row.shape).reshape(-1)
    _, r, v = model.at(obj, jd_f, fr_f)
    r_itrf, v_itrf = teme_to_itrf(r.reshape(len(rows), n_t, 3), v.reshape(len(rows), n_t, 3), times)
    base = make_track(history.take(used[:1]), t0, t1, step_s)  # the Sun on the same grid
    track = Track(t0=t0, t_s=t_s, r_km=np.asarray(r_itrf), v_km_s=np.asarray(v_itrf), sun_km=base.sun_km,
                  sun_v_km_s=base.sun_v_km_s, sat_offset=sat_offset)
    return track, set_row


# ----------------------------------------------------------------------------- windows


@dataclass(frozen=True)
class DazzleWindows:
    """Dazzling windows, arrays ``(W,)``; times UTC ``datetime64[us]``.

    ``sat`` indexes :attr:`DazzleReport.satellites`; ``site`` the site names;
    ``flags``: bits of :data:`FLAG_NAMES`.  Angles, ranges and the Sun's elevation are
    at ``min_off_nadir_time``.
    """

    sat: IntArray
    site: IntArray
    start: npt.NDArray[np.datetime64]
    end: npt.NDArray[np.datetime64]
    min_off_nadir_time: npt.NDArray[np.datetime64]
    off_nadir_min_deg: FloatArray
    field_of_regard_deg: FloatArray
    azimuth_deg: FloatArray
    elevation_deg: FloatArray
    range_km: FloatArray
    sun_elevation_deg: FloatArray
    element_epoch: npt.NDArray[np.datetime64]
    flags: IntArray

    def __len__(self) -> int:
        return int(self.sat.shape[0])

    @property
    def duration_s(self) -> FloatArray:
        return (self.end - self.start).astype(np.int64) / 1e6

    @staticmethod
    def concat(parts: Sequence[DazzleWindows]) -> DazzleWindows:
        names = list(DazzleWindows.__dataclass_fields__)
        if not parts:
            z = {"sat", "site", "flags"}
            t = {"start", "end", "min_off_nadir_time", "element_epoch"}
            empty: dict[str, Any] = {n: np.zeros(0, np.int64) if n in z else np.zeros(0, UTC_DTYPE) if n in t
                                     else np.zeros(0) for n in names}
            return DazzleWindows(**empty)
        joined: dict[str, Any] = {n: np.concatenate([getattr(p, n) for p in parts]) for n in names}
        return DazzleWindows(**joined)


def flag_names(bits: int) -> list[str]:
    return [name for bit, name in FLAG_NAMES.items() if bits & bit]


@dataclass(frozen=True)
class DazzleReport:
    """Windows and the satellites (sensor, field of regard) and sites they refer to."""

    windows: DazzleWindows
    satellites: tuple[IsrSatellite, ...]
    site_names: tuple[str, ...]
    start: np.datetime64
    end: np.datetime64
    min_elevation_deg: float
    day_sun_elevation_deg: float

    def window_records(self) -> list[dict[str, Any]]:
        w = self.windows
        dur = w.duration_s
        rows = []
        for i in np.lexsort((w.start.astype(np.int64), w.sat)):
            s = self.satellites[int(w.sat[i])]
            rows.append({
                "norad": s.norad_id,
                "name": s.name,
                "sensor_class": s.sensor_class,
                "site": self.site_names[int(w.site[i])],
                "start_utc": str(format_utc(w.start[i])),
                "end_utc": str(format_utc(w.end[i])),
                "duration_s": round(float(dur[i]), 3),
                "min_off_nadir_utc": str(format_utc(w.min_off_nadir_time[i])),
                "off_nadir_min_deg": round(float(w.off_nadir_min_deg[i]), 4),
                "field_of_regard_deg": round(float(w.field_of_regard_deg[i]), 4),
                "azimuth_deg": round(float(w.azimuth_deg[i]), 3),
                "elevation_deg": round(float(w.elevation_deg[i]), 4),
                "slant_range_km": round(float(w.range_km[i]), 3),
                "site_sun_elevation_deg": round(float(w.sun_elevation_deg[i]), 3),
                "satellite_sunlit": bool(w.flags[i] & _SAT_LIT),
                "element_epoch_utc": str(format_utc(w.element_epoch[i], digits=0)),
                "flags": flag_names(int(w.flags[i])),
            })
        return rows

    def summary_records(self) -> list[dict[str, Any]]:
        w = self.windows
        dur = w.duration_s
        out = []
        for k, s in enumerate(self.satellites):
            sel = w.sat == k
            out.append({**s.to_dict(), "windows": int(sel.sum()),
                        "sites": int(np.unique(w.site[sel]).size),
                        "exposed_site_seconds": round(float(dur[sel].sum()), 3),
                        "off_nadir_min_deg": round(float(w.off_nadir_min_deg[sel].min()), 4) if sel.any()
                        else None})
        return out


def _bisect_edge(f: Any, series: IntArray, lo: FloatArray, hi: FloatArray, iters: int = 40) -> FloatArray:
    """Root of ``f`` between ``lo`` (f > 0) and ``hi`` (f <= 0), vectorised bisection."""
    a, b = lo.copy(), hi.copy()
    for _ in range(iters):
        m = 0.5 * (a + b)
        pos = f(series, m) > 0
        a = np.where(pos, m, a)
        b = np.where(pos, b, m)
    return 0.5 * (a + b)


def _day_windows(track: Track, sites: SiteTable, sun_el_min_deg: float) -> WindowTable:
    ecef, enu = sites.ecef_km(), sites.enu_basis()

    def g_of(sun: FloatArray, site: IntArray) -> FloatArray:
        _, el, _ = topocentric(sun, ecef[site], enu[site])
        return el - sun_el_min_deg

    M, T = len(sites), track.t_s.shape[0]
    g = g_of(np.tile(track.sun_km, (M, 1)), np.repeat(np.arange(M), T)).reshape(M, T)

    def g_at(series: IntArray, seg: IntArray, t_s: FloatArray) -> FloatArray:
        return g_of(track.sun_at(t_s), series)

    return _windows_from_g(track.t_s, g, g_at, 5.0, track.t0)


def _chunk_windows(track: Track, sites: SiteTable, fov: FloatArray, night: FloatArray, override: FloatArray, *,
                   min_el: float, max_range: float, margin: float, day_sun_el: float,
                   epochs: npt.NDArray[np.datetime64]) -> DazzleWindows:
    """Windows of one chunk; ``fov``/``night``/``override`` per local satellite, ``epochs (n, T)``."""
    M = len(sites)
    geom, vis, _, rng = visibility_windows(track, sites, min_elevation_deg=min_el, max_range_km=max_range,
                                           graze_margin_deg=margin)
    ecef = sites.ecef_km()
    rt = np.ascontiguousarray(track.r_km.transpose(0, 2, 1))  # (n, 3, T)
    r2 = np.einsum("nkt,nkt->nt", rt, rt)[:, None, :]
    cos_eta = (r2 - np.matmul(ecef, rt)) / (np.sqrt(r2) * rng.reshape(r2.shape[0], M, -1))
    neg_eta = (-np.arccos(np.clip(cos_eta, -1.0, 1.0)) * _RAD2DEG).reshape(-1, track.t_s.shape[0])

    def eta_at(series: IntArray, t_s: FloatArray) -> FloatArray:
        sat, site = np.divmod(series, M)
        return off_nadir_deg(track.position_at(sat, t_s), ecef[site])

    def neg_eta_at(series: IntArray, seg: IntArray, t_s: FloatArray) -> FloatArray:
        return -eta_at(series, t_s)

    def t_min_of(series: IntArray, a: FloatArray, b: FloatArray) -> tuple[FloatArray, FloatArray]:
        from orbitwatch.access.passes import _window_max

        t, v = _window_max(geom, series, a, b, neg_eta, neg_eta_at)
        return t, -v

    # 1. inside each line-of-sight window, the part within the field of regard
    s, a, b = vis.key, vis.start_s, vis.end_s
    t_min, eta_min = t_min_of(s, a, b)
    lim = fov[s // M]
    ok = eta_min <= lim
    s, a, b, t_min, lim, flags = s[ok], a[ok], b[ok], t_min[ok], lim[ok], vis.flags[ok]

    def f(series: IntArray, t: FloatArray) -> FloatArray:
        return eta_at(series, t) - fov[series // M]

    out_a = eta_at(s, a) > lim
    out_b = eta_at(s, b) > lim
    a2 = a.copy()
    b2 = b.copy()
    if out_a.any():
        a2[out_a] = _bisect_edge(f, s[out_a], a[out_a], t_min[out_a])
    if out_b.any():
        b2[out_b] = _bisect_edge(f, s[out_b], b[out_b], t_min[out_b])
    flags = np.where(out_a, flags & ~PASS_CLIPPED_START, flags)
    flags = np.where(out_b, flags & ~PASS_CLIPPED_END, flags)
    win = WindowTable(track.t0, s, a2, b2, flags.astype(np.int64))
    # 2. optical sensors: only while the ground is sunlit
    day_only = night[win.key // M] == 0
    if day_only.any():
        day = _day_windows(track, sites, day_sun_el)
        opt = win.take(day_only)
        idx, pa, pb = intersect_windows(opt, opt.key % M, day)
        same_a, same_b = pa == opt.start_s[idx], pb == opt.end_s[idx]
        fl = np.where(same_a, opt.flags[idx] & PASS_CLIPPED_START, 0) | \
            np.where(same_b, opt.flags[idx] & PASS_CLIPPED_END, 0) | np.where(same_a & same_b, 0, _CUT)
        keep = win.take(~day_only)
        win = WindowTable(track.t0, np.concatenate([keep.key, opt.key[idx]]),
                          np.concatenate([keep.start_s, pa]), np.concatenate([keep.end_s, pb]),
                          np.concatenate([keep.flags, fl]).astype(np.int64))
    # 3. the geometry at the minimum off-nadir angle of each final window
    s, a, b = win.key, win.start_s, win.end_s
    t_min, eta_min = t_min_of(s, a, b)
    sat, site = np.divmod(s, M)
    r = track.position_at(sat, t_min)
    az, el, rg = topocentric(r, ecef[site], sites.enu_basis()[site])
    sun = track.sun_at(t_min)
    _, sun_el, _ = topocentric(sun, ecef[site], sites.enu_basis()[site])
    lit = shadow_g(r, sun, "center") > 0
    flags = win.flags | np.where(sun_el > day_sun_el, _SUNLIT_GROUND, 0) \
        | np.where(sun_el < _DARK_SUN_EL_DEG, _DARK_GROUND, 0) | np.where(lit, _SAT_LIT, 0) \
        | np.where(night[sat] > 0, _NIGHT, 0) | np.where(override[sat] > 0, _OVERRIDE, 0)
    T = track.t_s.shape[0]
    step = (track.t_s[-1] - track.t_s[0]) / (T - 1)
    k = np.clip(np.rint(t_min / step).astype(np.int64), 0, T - 1)
    return DazzleWindows(
        sat=(sat + track.sat_offset).astype(np.int64), site=site.astype(np.int64),
        start=to_utc(track.t0, a), end=to_utc(track.t0, b), min_off_nadir_time=to_utc(track.t0, t_min),
        off_nadir_min_deg=eta_min, field_of_regard_deg=fov[sat], azimuth_deg=az, elevation_deg=el,
        range_km=rg, sun_elevation_deg=sun_el, element_epoch=epochs[sat, k],
        flags=flags.astype(np.int64),
    )


def dazzle_exposure(
    elements: ElementTable | Sequence[ElementSet],
    satellites: Sequence[IsrSatellite],
    sites: SiteTable | Sequence[Site],
    start: Any,
    end: Any,
    *,
    min_elevation_deg: float = 10.0,
    max_range_km: float = math.nan,
    day_sun_elevation_deg: float = 0.0,
    step_s: float | None = None,
    progress: Progress = None,
) -> DazzleReport:
    """Dazzling windows of ``satellites`` over ``sites`` between ``start`` and ``end`` (UTC).

    ``elements`` holds one or more element sets per satellite (a history: the set in force
    at each time is used); every satellite needs at least one (``ISR_NO_SENSOR`` lists an
    element set's object that has no entry in ``satellites``; an entry without element
    sets raises ``INPUT_UNKNOWN_NORAD``).
    """
    table = elements if isinstance(elements, ElementTable) else ElementTable.from_element_sets(elements)
    site_table = sites if isinstance(sites, SiteTable) else SiteTable.from_sites(sites)
    t0, t1 = as_utc(start, what="start"), as_utc(end, what="end")
    if not t1 > t0:
        raise InputError(f"empty time window: end {format_utc(t1)} is not after start {format_utc(t0)}",
                         code="ACCESS_EMPTY_WINDOW", field="end")
    by_id = {s.norad_id: s for s in satellites}
    if not by_id:
        raise InputError("no satellites to compute dazzling windows for", code="ACCESS_NO_OBJECTS")
    ids, rows = _objects(table)
    missing_sensor = [int(n) for n in ids if int(n) not in by_id]
    if missing_sensor:
        raise InputError(f"no sensor class for {', '.join(map(str, missing_sensor[:10]))}", code="ISR_NO_SENSOR",
                         record=missing_sensor[0])
    have = set(int(n) for n in ids)
    missing = [n for n in by_id if n not in have]
    if missing:
        raise InputError(f"no element set for {', '.join(map(str, missing[:10]))}", code="INPUT_UNKNOWN_NORAD",
                         record=missing[0])
    sats = tuple(by_id[int(n)] for n in ids)
    for s in sats:
        if s.sensor_class not in SENSOR_CLASSES:
            raise InputError(f"sensor class {s.sensor_class!r} of {s.norad_id} is unknown",
                             code="ISR_UNKNOWN_CLASS", record=s.norad_id)
    fov = np.array([s.field_of_regard_deg for s in sats], np.float64)
    night = np.array([1.0 if s.night_capable else 0.0 for s in sats])
    over = np.array([1.0 if s.overridden else 0.0 for s in sats])
    latest = table.take(np.array([r[-1] for r in rows], np.int64))
    step = float(step_s) if step_s else choose_step_s(latest)
    N, M = len(sats), len(site_table)
    n_times = math.ceil(float((t1 - t0).astype(np.int64)) / 1e6 / step) + 1
    chunk = max(1, _chunk_size(M, n_times) // 2)
    history = any(r.size > 1 for r in rows)
    parts = []
    for c0 in range(0, N, chunk):
        sl = slice(c0, min(N, c0 + chunk))
        sub_rows = rows[sl]
        if history:
            track, set_row = track_in_force(table, sub_rows, t0, t1, step)
            epochs = table.epoch[set_row]
        else:
            sub = table.take(np.array([r[0] for r in sub_rows], np.int64))
            track = make_track(sub, t0, t1, step)
            epochs = np.repeat(sub.epoch[:, None], track.t_s.shape[0], axis=1)
        margin = _graze_margin_deg(latest.take(sl), site_table, step)
        w = _chunk_windows(track, site_table, fov[sl], night[sl], over[sl], min_el=min_elevation_deg,
                           max_range=max_range_km, margin=margin, day_sun_el=day_sun_elevation_deg, epochs=epochs)
        parts.append(replace(w, sat=w.sat + c0))
        if progress is not None:
            progress(sl.stop, N)
    return DazzleReport(windows=DazzleWindows.concat(parts), satellites=sats, site_names=tuple(site_table.names),
                        start=t0, end=t1, min_elevation_deg=min_elevation_deg,
                        day_sun_elevation_deg=day_sun_elevation_deg)

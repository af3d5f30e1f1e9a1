"""SGP4 propagation of whole catalogs over arrays of times.

Follows Vallado, Crawford, Hujsak & Kelso (2006), "Revisiting Spacetrack Report #3",
AIAA 2006-6753, through the reference C++ implementation wrapped by the ``sgp4``
package (``sgp4.api.SatrecArray``), with the WGS-72 constants and the 'improved'
operation mode used by that paper's verification run.

Shapes: ``N`` objects x ``T`` times ->

* ``err``  ``(N, T)`` uint8 SGP4 error codes (0 = ok; 1..6 as in ``sgp4.api.SGP4_ERRORS``),
* ``r_km`` ``(N, T, 3)`` TEME position, km,
* ``v_km_s`` ``(N, T, 3)`` TEME velocity, km/s.

A failed object-time is a code plus NaN, never an exception (STYLE.md habit 7).
Work is chunked over objects so that memory stays bounded for any ``N x T``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sgp4.api import WGS72, SatrecArray
from sgp4.api import Satrec as _Satrec

from orbitwatch.catalog.model import ElementSet, ElementTable
from orbitwatch.errors import InputError
from orbitwatch.times import UTC_DTYPE, jd_utc

__all__ = [
    "FRAMES",
    "SGP4_ERROR_MESSAGES",
    "Ephemeris",
    "FrameEphemeris",
    "ephemeris_in_frame",
    "iter_propagate",
    "propagate",
    "propagate_each",
    "propagate_tsince",
    "satrec_from_elements",
    "satrecs",
]

SGP4_ERROR_MESSAGES = {
    0: "ok",
    1: "mean eccentricity out of range 0 <= e < 1",
    2: "mean motion fell below zero",
    3: "perturbed eccentricity out of range 0 <= e <= 1",
    4: "semi-latus rectum below zero",
    5: "(unused code in the reference SGP4)",
    6: "satellite has decayed",
}

_JD_1949_12_31 = 2433281.5
_JD_J2000 = 2451545.0
_XPDOTP = 1440.0 / (2.0 * math.pi)  # rev/day -> rad/min
_DEG = math.pi / 180.0

# Default object chunk: N_chunk x T x 3 x 8 bytes x 2 arrays stays near 256 MiB.
_CHUNK_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class Ephemeris:
    """Result of :func:`propagate` (TEME of date)."""

    err: npt.NDArray[np.uint8]
    r_km: npt.NDArray[np.float64]
    v_km_s: npt.NDArray[np.float64]
    times: npt.NDArray[np.datetime64]


def satrec_from_elements(
    norad_id: int,
    epoch: np.datetime64,
    mean_motion_rev_per_day: float,
    eccentricity: float,
    inclination_deg: float,
    raan_deg: float,
    arg_perigee_deg: float,
    mean_anomaly_deg: float,
    bstar_per_earth_radius: float,
    mean_motion_dot_rev_per_day2: float,
    mean_motion_ddot_rev_per_day3: float,
) -> _Satrec:
    """Initialise one SGP4 record (WGS-72, improved mode) from mean elements.

    The epoch is set as an exact two-part Julian date after ``sgp4init`` so that the
    time since epoch is computed without rounding the epoch to one double.  The epoch
    handed to ``sgp4init`` (days since 1949-12-31, used by the deep-space lunar-solar
    terms) is formed exactly as the reference ``twoline2rv`` forms it,
    ``(jdsatepoch + jdsatepochF) - 2433281.5``, so that deep-space records match the
    reference run of tcppver.out to its printed precision.
    """
    jd, fr = jd_utc(epoch)
    sat = _Satrec()
    # Units as in Vallado's twoline2rv: rad, rad/min, rad/min^2, rad/min^3.
    sat.sgp4init(
        WGS72,
        "i",
        norad_id if norad_id < 339999 else 0,
        (float(jd) + float(fr)) - _JD_1949_12_31,
        bstar_per_earth_radius,
        mean_motion_dot_rev_per_day2 / (_XPDOTP * 1440.0),
        mean_motion_ddot_rev_per_day3 / (_XPDOTP * 1440.0 * 1440.0),
        eccentricity,
        arg_perigee_deg * _DEG,
        inclination_deg * _DEG,
        mean_anomaly_deg * _DEG,
        mean_motion_rev_per_day / _XPDOTP,
        raan_deg * _DEG,
    )
    sat.jdsatepoch = float(jd)
    sat.jdsatepochF = float(fr)
    return sat


def satrecs(elements: ElementTable | Sequence[ElementSet]) -> list[_Satrec]:
    """SGP4 records for a table or a sequence of element sets, in order.

    Each record is the one :func:`satrec_from_elements` builds (same units, same
    ``sgp4init`` epoch, same exact two-part epoch); the unit conversions are done on
    arrays once instead of per record.
    """
    table = elements if isinstance(elements, ElementTable) else ElementTable.from_element_sets(elements)
    jd, fr = jd_utc(table.epoch)
    norad = table.norad_id
    cols = zip(
        np.where(norad < 339999, norad, 0).tolist(),
        jd.tolist(),
        fr.tolist(),
        table.bstar_per_earth_radius.tolist(),
        (table.mean_motion_dot_rev_per_day2 / (_XPDOTP * 1440.0)).tolist(),
        (table.mean_motion_ddot_rev_per_day3 / (_XPDOTP * 1440.0 * 1440.0)).tolist(),
        table.eccentricity.tolist(),
        (table.arg_perigee_deg * _DEG).tolist(),
        (table.inclination_deg * _DEG).tolist(),
        (table.mean_anomaly_deg * _DEG).tolist(),
        (table.mean_motion_rev_per_day / _XPDOTP).tolist(),
        (table.raan_deg * _DEG).tolist(),
        strict=True,
    )
    out = []
    for nid, jd_i, fr_i, bstar, ndot, nddot, ecc, argp, inc, mo, no, node in cols:
        sat = _Satrec()
        sat.sgp4init(WGS72, "i", nid, (jd_i + fr_i) - _JD_1949_12_31, bstar, ndot, nddot, ecc, argp, inc, mo, no, node)
        sat.jdsatepoch = jd_i
        sat.jdsatepochF = fr_i
        out.append(sat)
    return out


def propagate_each(
    elements: ElementTable | Sequence[ElementSet], times: npt.ArrayLike
) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """SGP4 of object ``k`` at its own UTC time ``times[k]``, in one array call.

    ``times`` ``(N,)`` -> ``err (N,)``, ``r_km (N, 3)``, ``v_km_s (N, 3)`` TEME; failed
    objects are NaN.  ``SatrecArray`` evaluates an N x T grid; to get the diagonal each
    record's epoch is re-expressed so that one common instant (J2000) lies at that
    record's own time since epoch (``sgp4`` computes ``tsince`` from ``jdsatepoch`` and
    ``jdsatepochF`` only), so N objects cost N evaluations, not N^2.
    """
    table = elements if isinstance(elements, ElementTable) else ElementTable.from_element_sets(elements)
    t = np.atleast_1d(np.asarray(times, dtype=UTC_DTYPE))
    n = len(table)
    if t.shape != (n,):
        raise InputError(f"times must have shape ({n},), one per object, not {t.shape}", field="times")
    if n == 0:
        return np.zeros(0, dtype=np.uint8), np.zeros((0, 3)), np.zeros((0, 3))
    jd_e, fr_e = jd_utc(table.epoch)
    jd_t, fr_t = jd_utc(t)
    tsince_day = (jd_t - jd_e) + (fr_t - fr_e)
    records = satrecs(table)
    for sat, days in zip(records, tsince_day.tolist(), strict=True):
        sat.jdsatepoch = _JD_J2000
        sat.jdsatepochF = -days
    err, r, v = SatrecArray(records).sgp4(np.array([_JD_J2000]), np.array([0.0]))
    failed = err[:, 0] != 0
    r[failed] = np.nan
    v[failed] = np.nan
    return err[:, 0].astype(np.uint8), r[:, 0, :], v[:, 0, :]


def _times_array(times: npt.ArrayLike) -> npt.NDArray[np.datetime64]:
    t = np.atleast_1d(np.asarray(times))
    if not np.issubdtype(t.dtype, np.datetime64):
        raise InputError("times must be UTC datetime64 values (see orbitwatch.times)")
    if t.ndim != 1:
        raise InputError(f"times must be one-dimensional, not shape {t.shape}")
    return t.astype(UTC_DTYPE)


def default_chunk_objects(n_times: int) -> int:
    """Objects per chunk so one chunk's output stays near 256 MiB."""
    per_object = max(1, n_times) * 3 * 8 * 2 + max(1, n_times)
    return max(1, _CHUNK_BYTES // per_object)


def iter_propagate(
    elements: ElementTable | Sequence[ElementSet],
    times: npt.ArrayLike,
    *,
    chunk_objects: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[tuple[slice, Ephemeris]]:
    """Propagate chunk by chunk: yields ``(object_slice, Ephemeris of that chunk)``.

    Memory is bounded by ``chunk_objects x T`` whatever ``N`` is.  ``progress(done,
    total)`` is called with objects done after each chunk.
    """
    t = _times_array(times)
    table = elements if isinstance(elements, ElementTable) else ElementTable.from_element_sets(elements)
    n = len(table)
    chunk = chunk_objects or default_chunk_objects(t.shape[0])
    jd, fr = jd_utc(t)
    jd = np.ascontiguousarray(jd, dtype=np.float64)
    fr = np.ascontiguousarray(fr, dtype=np.float64)
    for start in range(0, n, chunk):
        sl = slice(start, min(n, start + chunk))
        sats = satrecs(table.take(sl))
        err, r, v = SatrecArray(sats).sgp4(jd, fr)
        # The reference SGP4 still returns a state with some codes (e.g. 6, decayed);
        # orbitwatch's contract is code + NaN for every failed object-time.
        bad = err != 0
        if bad.any():
            r[bad] = np.nan
            v[bad] = np.nan
        if progress is not None:
            progress(sl.stop, n)
        yield sl, Ephemeris(err=err.astype(np.uint8), r_km=r, v_km_s=v, times=t)


def propagate(
    elements: ElementTable | Sequence[ElementSet],
    times: npt.ArrayLike,
    *,
    chunk_objects: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Ephemeris:
    """SGP4 for N objects x T UTC times -> ``Ephemeris`` with shapes ``(N,T)``, ``(N,T,3)``.

    Failed object-times carry their SGP4 error code and NaN states.
    """
    t = _times_array(times)
    table = elements if isinstance(elements, ElementTable) else ElementTable.from_element_sets(elements)
    n, nt = len(table), t.shape[0]
    err = np.zeros((n, nt), dtype=np.uint8)
    r = np.empty((n, nt, 3), dtype=np.float64)
    v = np.empty((n, nt, 3), dtype=np.float64)
    for sl, eph in iter_propagate(table, t, chunk_objects=chunk_objects, progress=progress):
        err[sl] = eph.err
        r[sl] = eph.r_km
        v[sl] = eph.v_km_s
    return Ephemeris(err=err, r_km=r, v_km_s=v, times=t)



def propagate_tsince(
    elements: ElementTable | Sequence[ElementSet],
    tsince_min: npt.ArrayLike,
) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """SGP4 at minutes since each object's own epoch -> ``err (N,T)``, ``r_km``, ``v_km_s (N,T,3)``.

    ``tsince_min`` is ``(T,)`` (same offsets for every object) or ``(N, T)``.  This is
    the path for offsets that are not whole microseconds after the epoch, such as the
    floating-point accumulated grids of the SGP4 verification run (Vallado et al. 2006,
    ``tcppver.out``); it calls ``Satrec.sgp4_tsince`` per object and time, so it is
    meant for small N x T.  For UTC times use :func:`propagate`.
    """
    table = elements if isinstance(elements, ElementTable) else ElementTable.from_element_sets(elements)
    n = len(table)
    ts = np.asarray(tsince_min, dtype=np.float64)
    if ts.ndim == 1:
        ts = np.broadcast_to(ts, (n, ts.shape[0]))
    if ts.ndim != 2 or ts.shape[0] != n:
        raise InputError(f"tsince_min must have shape (T,) or ({n}, T), not {ts.shape}", field="tsince_min")
    err = np.zeros(ts.shape, dtype=np.uint8)
    r = np.full((*ts.shape, 3), np.nan)
    v = np.full((*ts.shape, 3), np.nan)
    for i, sat in enumerate(satrecs(table)):
        for j in range(ts.shape[1]):
            e, ri, vi = sat.sgp4_tsince(float(ts[i, j]))
            err[i, j] = e
            if e == 0:  # failed object-times stay NaN, as in propagate()
                r[i, j] = ri
                v[i, j] = vi
    return err, r, v


FRAMES = ("teme", "itrf", "gcrs", "geodetic")


@dataclass(frozen=True)
class FrameEphemeris:
    """Ephemeris in one output frame (see :func:`ephemeris_in_frame`).

    ``frame`` is one of :data:`FRAMES`.  Cartesian frames fill ``r_km``/``v_km_s``
    ``(N, T, 3)``; ``geodetic`` fills ``latitude_deg``, ``longitude_deg``,
    ``altitude_km`` ``(N, T)`` (WGS-84).  ``err (N, T)`` as in :class:`Ephemeris`;
    failed object-times are NaN.
    """

    frame: str
    err: npt.NDArray[np.uint8]
    times: npt.NDArray[np.datetime64]
    r_km: npt.NDArray[np.float64] | None = None
    v_km_s: npt.NDArray[np.float64] | None = None
    latitude_deg: npt.NDArray[np.float64] | None = None
    longitude_deg: npt.NDArray[np.float64] | None = None
    altitude_km: npt.NDArray[np.float64] | None = None


def ephemeris_in_frame(
    elements: ElementTable | Sequence[ElementSet],
    times: npt.ArrayLike,
    frame: str = "teme",
    *,
    chunk_objects: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> FrameEphemeris:
    """SGP4 states of N objects at T UTC times, expressed in ``frame``.

    ``teme`` (SGP4's own), ``itrf`` (:func:`orbitwatch.frames.teme_to_itrf`), ``gcrs``
    (:func:`orbitwatch.frames.teme_to_gcrs`) or ``geodetic`` (WGS-84 latitude,
    longitude, altitude via ITRF).  Earth-orientation data come from the installed IERS
    tables (:mod:`orbitwatch.eop`); the per-time rotations are computed once and
    broadcast over the objects.
    """
    from orbitwatch import frames

    if frame not in FRAMES:
        raise InputError(f"unknown frame {frame!r}; use one of {', '.join(FRAMES)}", field="frame")
    eph = propagate(elements, times, chunk_objects=chunk_objects, progress=progress)
    if frame == "teme":
        return FrameEphemeris(frame, eph.err, eph.times, r_km=eph.r_km, v_km_s=eph.v_km_s)
    if frame == "gcrs":
        r, v = frames.teme_to_gcrs(eph.r_km, eph.v_km_s, eph.times)
        return FrameEphemeris(frame, eph.err, eph.times, r_km=r, v_km_s=v)
    r, v = frames.teme_to_itrf(eph.r_km, eph.v_km_s, eph.times)
    if frame == "itrf":
        return FrameEphemeris(frame, eph.err, eph.times, r_km=r, v_km_s=v)
    lat, lon, alt = frames.itrf_to_geodetic(r)
    return FrameEphemeris(frame, eph.err, eph.times, latitude_deg=lat, longitude_deg=lon, altitude_km=alt)

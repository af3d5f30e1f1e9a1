"""SGP4 propagation of whole catalogs over arrays of times: orbitwatch's one SGP4 doorway.

Follows Vallado, Crawford, Hujsak & Kelso (2006), "Revisiting Spacetrack Report #3",
AIAA 2006-6753, with the WGS-72 constants and the 'improved' operation mode used by
that paper's verification run.  Two interchangeable back ends compute it:

* ``compiled`` (default): :mod:`orbitwatch._sgp4_kernel`, the reference C++'s ``sgp4``
  step compiled with numba over a structure of arrays of initialised constants
  (agrees with the reference to rounding, ~1e-9 km; see ``tests/propagation``);
* ``reference``: the ``sgp4`` package's C++ (``sgp4.api.SatrecArray``), selected with
  ``ORBITWATCH_SGP4=reference`` (or ``backend="reference"``).

Every capability that propagates goes through :func:`sgp4_model` /
:class:`Sgp4Model` or the functions built on it here (:func:`propagate`,
:func:`iter_propagate`, :func:`propagate_each`, :func:`propagate_tsince`).

Shapes: ``N`` objects x ``T`` times ->

* ``err``  ``(N, T)`` uint8 error codes (0 = ok; 1..6 as in ``sgp4.api.SGP4_ERRORS``;
  7 = implausible state, orbitwatch's own, see below),
* ``r_km`` ``(N, T, 3)`` TEME position, km,
* ``v_km_s`` ``(N, T, 3)`` TEME velocity, km/s.

A failed object-time is a code plus NaN, never an exception (STYLE.md habit 7).
Code 7: SGP4 returned a state without an error code, but it is not an Earth orbit: its
radius exceeds :data:`MAX_RADIUS_KM` (1.5e6 km, Earth's Hill-sphere radius) or its
speed exceeds the escape speed ``sqrt(2 mu / r)`` at that radius.  Propagating an
element set more than :data:`USEFUL_LIFE_DAYS` from its epoch warns with
:class:`orbitwatch.errors.ElementAgeWarning` (the states are still returned: SGP4's
error grows by about 1-3 km/day in LEO, so such states are not usable for screening).
Work is chunked over objects so that memory stays bounded for any ``N x T``.
"""

from __future__ import annotations

import math
import os
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sgp4.api import WGS72, SatrecArray
from sgp4.api import Satrec as _Satrec

from orbitwatch import _sgp4_kernel as _kernel
from orbitwatch.catalog.model import ElementSet, ElementTable
from orbitwatch.constants import MINUTES_PER_DAY, TWO_PI, WGS72_MU_KM3_S2
from orbitwatch.errors import ElementAgeWarning, InputError
from orbitwatch.times import US_PER_DAY, UTC_DTYPE, jd_utc

__all__ = [
    "BACKENDS",
    "CODE_IMPLAUSIBLE",
    "FRAMES",
    "MAX_RADIUS_KM",
    "SGP4_ERROR_MESSAGES",
    "USEFUL_LIFE_DAYS",
    "Ephemeris",
    "FrameEphemeris",
    "Sgp4Model",
    "ephemeris_in_frame",
    "iter_propagate",
    "propagate",
    "propagate_each",
    "propagate_tsince",
    "satrec_from_elements",
    "satrecs",
    "sgp4_backend",
    "sgp4_model",
]

CODE_IMPLAUSIBLE = _kernel.CODE_IMPLAUSIBLE
MAX_RADIUS_KM = _kernel.MAX_RADIUS_KM
#: Propagating further than this from an element set's epoch warns (ElementAgeWarning).
#: 60 days: the catalog's own limit for an element set in force
#: (``orbitwatch.catalog.history.MAX_SCREENING_AGE_DAYS``), beyond which an object is
#: treated as decayed, lost or not yet catalogued.
USEFUL_LIFE_DAYS = 60.0

SGP4_ERROR_MESSAGES = {
    0: "ok",
    1: "mean eccentricity out of range 0 <= e < 1",
    2: "mean motion fell below zero",
    3: "perturbed eccentricity out of range 0 <= e <= 1",
    4: "semi-latus rectum below zero",
    5: "(unused code in the reference SGP4)",
    6: "satellite has decayed",
    7: "implausible state: radius above 1.5e6 km or speed above escape speed",
}

#: SGP4 back ends (``ORBITWATCH_SGP4``): the compiled kernel or the ``sgp4`` package's C++.
BACKENDS = ("compiled", "reference")

_JD_1949_12_31 = 2433281.5
_JD_J2000 = 2451545.0
_XPDOTP = MINUTES_PER_DAY / TWO_PI  # rev/day -> rad/min
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


def sgp4_backend(backend: str | None = None) -> str:
    """The back end to use: ``backend`` if given, else ``$ORBITWATCH_SGP4``, else ``compiled``."""
    name = backend if backend is not None else os.environ.get("ORBITWATCH_SGP4", "compiled").strip() or "compiled"
    if name not in BACKENDS:
        raise InputError(f"unknown SGP4 back end {name!r}; use one of {', '.join(BACKENDS)}",
                         code="INPUT_SGP4_BACKEND", field="ORBITWATCH_SGP4")
    return name


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
        mean_motion_dot_rev_per_day2 / (_XPDOTP * MINUTES_PER_DAY),
        mean_motion_ddot_rev_per_day3 / (_XPDOTP * MINUTES_PER_DAY * MINUTES_PER_DAY),
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


def _table(elements: ElementTable | Sequence[ElementSet]) -> ElementTable:
    return elements if isinstance(elements, ElementTable) else ElementTable.from_element_sets(elements)


def _init_args(table: ElementTable) -> tuple[npt.NDArray[np.float64], ...]:
    """``sgp4init`` arguments of every object as arrays, in the reference's units.

    ``(satnum, jd, fr, bstar, ndot, nddot, ecco, argpo, inclo, mo, no_kozai, nodeo)``.
    """
    jd, fr = jd_utc(table.epoch)
    norad = table.norad_id
    return (
        np.where(norad < 339999, norad, 0).astype(np.float64),
        np.asarray(jd, dtype=np.float64),
        np.asarray(fr, dtype=np.float64),
        np.asarray(table.bstar_per_earth_radius, dtype=np.float64),
        table.mean_motion_dot_rev_per_day2 / (_XPDOTP * MINUTES_PER_DAY),
        table.mean_motion_ddot_rev_per_day3 / (_XPDOTP * MINUTES_PER_DAY * MINUTES_PER_DAY),
        np.asarray(table.eccentricity, dtype=np.float64),
        table.arg_perigee_deg * _DEG,
        table.inclination_deg * _DEG,
        table.mean_anomaly_deg * _DEG,
        table.mean_motion_rev_per_day / _XPDOTP,
        table.raan_deg * _DEG,
    )


def satrecs(elements: ElementTable | Sequence[ElementSet]) -> list[_Satrec]:
    """SGP4 records (``sgp4.api.Satrec``) for a table or a sequence of element sets, in order.

    Each record is the one :func:`satrec_from_elements` builds (same units, same
    ``sgp4init`` epoch, same exact two-part epoch); the unit conversions are done on
    arrays once instead of per record.  This is the reference back end's
    initialisation; prefer :func:`sgp4_model`, which follows ``ORBITWATCH_SGP4``.
    """
    table = _table(elements)
    args = _init_args(table)
    out = []
    for nid, jd_i, fr_i, bstar, ndot, nddot, ecc, argp, inc, mo, no, node in zip(
        *(a.tolist() for a in args), strict=True
    ):
        sat = _Satrec()
        sat.sgp4init(WGS72, "i", int(nid), (jd_i + fr_i) - _JD_1949_12_31, bstar, ndot, nddot, ecc, argp, inc,
                     mo, no, node)
        sat.jdsatepoch = jd_i
        sat.jdsatepochF = fr_i
        out.append(sat)
    return out


def _implausible(err: npt.NDArray[np.uint8], r: npt.NDArray[np.float64], v: npt.NDArray[np.float64]) -> None:
    """Code 7 and NaN, in place, where a state without an SGP4 code is not an Earth orbit."""
    radius = np.sqrt(np.einsum("...i,...i->...", r, r))
    v2 = np.einsum("...i,...i->...", v, v)
    with np.errstate(invalid="ignore"):
        bad = (err == 0) & ~((radius <= MAX_RADIUS_KM) & (v2 * radius <= 2.0 * WGS72_MU_KM3_S2))
    err[bad] = CODE_IMPLAUSIBLE
    failed = err != 0
    if failed.any():
        r[failed] = np.nan
        v[failed] = np.nan


@dataclass(frozen=True, eq=False)
class Sgp4Model:
    """Initialised SGP4 of N objects, on one back end (make it with :func:`sgp4_model`).

    ``consts (NF, N)``: the compiled kernel's structure of arrays (``compiled``);
    ``records``: ``sgp4.api.Satrec`` per object (``reference``).  Methods take UTC
    Julian dates as two parts ``jd + fr`` (as :func:`orbitwatch.times.jd_utc` gives),
    return ``err`` uint8, ``r_km``, ``v_km_s`` TEME with NaN and a code where failed.
    """

    backend: str
    consts: npt.NDArray[np.float64] | None
    records: tuple[_Satrec, ...] | None

    def __len__(self) -> int:
        return int(self.consts.shape[1]) if self.consts is not None else len(self.records or ())

    def take(self, index: npt.ArrayLike | slice) -> Sgp4Model:
        """The model of a subset of the objects (index array or slice), in that order."""
        if self.consts is not None:
            cols = index if isinstance(index, slice) else np.asarray(index, dtype=np.intp)
            return Sgp4Model(self.backend, np.ascontiguousarray(self.consts[:, cols]), None)
        recs = self.records or ()
        idx = range(len(recs))[index] if isinstance(index, slice) else np.asarray(index).tolist()
        return Sgp4Model(self.backend, None, tuple(recs[i] for i in idx))

    def grid(
        self, jd: npt.ArrayLike, fr: npt.ArrayLike,
    ) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """Every object at every time ``jd + fr (T,)`` -> ``err (N, T)``, ``r_km``, ``v_km_s (N, T, 3)``."""
        jd = np.ascontiguousarray(np.atleast_1d(jd), dtype=np.float64)
        fr = np.ascontiguousarray(np.atleast_1d(fr), dtype=np.float64)
        n, nt = len(self), jd.shape[0]
        if self.consts is not None:
            err = np.empty((n, nt), dtype=np.uint8)
            r = np.empty((n, nt, 3))
            v = np.empty((n, nt, 3))
            if n and nt:
                _kernel.note_compiling(_kernel.sgp4_grid)
                _kernel.sgp4_grid(self.consts, jd, fr, err, r, v)
            return err, r, v
        if n == 0:
            return np.zeros((0, nt), dtype=np.uint8), np.zeros((0, nt, 3)), np.zeros((0, nt, 3))
        e, r, v = SatrecArray(list(self.records or ())).sgp4(jd, fr)
        err = e.astype(np.uint8)
        _implausible(err, r, v)
        return err, r, v

    def at(
        self, obj: npt.ArrayLike, jd: npt.ArrayLike, fr: npt.ArrayLike,
    ) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """Object ``obj[k]`` at ``jd[k] + fr[k]``, K pairs -> ``err (K,)``, ``r_km``, ``v_km_s (K, 3)``."""
        obj = np.ascontiguousarray(np.atleast_1d(obj), dtype=np.int64)
        jd = np.ascontiguousarray(np.broadcast_to(np.asarray(jd, dtype=np.float64), obj.shape))
        fr = np.ascontiguousarray(np.broadcast_to(np.asarray(fr, dtype=np.float64), obj.shape))
        k = obj.shape[0]
        err = np.zeros(k, dtype=np.uint8)
        r = np.empty((k, 3))
        v = np.empty((k, 3))
        if k == 0:
            return err, r, v
        if self.consts is not None:
            _kernel.note_compiling(_kernel.sgp4_pairs)
            _kernel.sgp4_pairs(self.consts, obj, jd, fr, err, r, v)
            return err, r, v
        recs = self.records or ()
        order = np.argsort(obj, kind="stable")
        sorted_obj = obj[order]
        bounds = np.flatnonzero(np.diff(sorted_obj)) + 1
        for a, b in zip(np.concatenate(([0], bounds)).tolist(), np.concatenate((bounds, [k])).tolist(),
                        strict=True):
            idx = order[a:b]
            e, rr, vv = recs[int(sorted_obj[a])].sgp4_array(jd[idx], fr[idx])
            err[idx] = e
            r[idx] = rr
            v[idx] = vv
        _implausible(err, r, v)
        return err, r, v

    def tsince(
        self, tsince_min: npt.ArrayLike,
    ) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """At minutes since each object's own epoch ``(N, T)`` -> ``err (N, T)``, ``r_km``, ``v_km_s``."""
        ts = np.ascontiguousarray(tsince_min, dtype=np.float64)
        err = np.zeros(ts.shape, dtype=np.uint8)
        r = np.full((*ts.shape, 3), np.nan)
        v = np.full((*ts.shape, 3), np.nan)
        if ts.size == 0:
            return err, r, v
        if self.consts is not None:
            _kernel.note_compiling(_kernel.sgp4_tsince)
            _kernel.sgp4_tsince(self.consts, ts, err, r, v)
            return err, r, v
        for i, sat in enumerate(self.records or ()):
            for j in range(ts.shape[1]):
                e, ri, vi = sat.sgp4_tsince(float(ts[i, j]))
                err[i, j] = e
                r[i, j] = ri
                v[i, j] = vi
        _implausible(err, r, v)
        return err, r, v


def sgp4_model(elements: ElementTable | Sequence[ElementSet], *, backend: str | None = None) -> Sgp4Model:
    """Initialise SGP4 (WGS-72, improved mode) for every object of ``elements``, in order.

    ``backend``: ``compiled`` or ``reference`` (default: ``$ORBITWATCH_SGP4``, else
    ``compiled``).  Both initialise from the same arguments (:func:`satrecs`' units and
    epochs).
    """
    name = sgp4_backend(backend)
    table = _table(elements)
    if name == "reference":
        return Sgp4Model(name, None, tuple(satrecs(table)))
    args = _init_args(table)
    return Sgp4Model(name, _kernel.init_constants(args[0].astype(np.int64), *args[1:]), None)


def warn_useful_life(epochs: npt.ArrayLike, times: npt.ArrayLike) -> int:
    """Warn (:class:`ElementAgeWarning`) if any object is propagated beyond :data:`USEFUL_LIFE_DAYS`.

    ``epochs (N,)``, ``times (T,)`` or ``(N,)`` UTC.  Returns how many objects are.
    """
    e = np.asarray(epochs).astype(UTC_DTYPE).astype(np.int64)
    t = np.asarray(times).astype(UTC_DTYPE).astype(np.int64)
    if e.size == 0 or t.size == 0:
        return 0
    limit_us = USEFUL_LIFE_DAYS * US_PER_DAY
    if t.shape == e.shape and t.ndim == 1 and t.size > 1:
        far = np.abs(t - e) > limit_us
    else:
        far = np.maximum(np.abs(t.max() - e), np.abs(t.min() - e)) > limit_us
    n_far = int(np.count_nonzero(far))
    if n_far:
        warnings.warn(
            f"{n_far} of {e.size} element set(s) propagated more than {USEFUL_LIFE_DAYS:g} days from their epoch "
            "(beyond their useful life; states carry errors of many km)",
            ElementAgeWarning, stacklevel=3,
        )
    return n_far


def propagate_each(
    elements: ElementTable | Sequence[ElementSet], times: npt.ArrayLike
) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """SGP4 of object ``k`` at its own UTC time ``times[k]``, in one array call.

    ``times`` ``(N,)`` -> ``err (N,)``, ``r_km (N, 3)``, ``v_km_s (N, 3)`` TEME; failed
    objects are NaN.  N objects cost N evaluations (:meth:`Sgp4Model.at`).
    """
    table = _table(elements)
    t = np.atleast_1d(np.asarray(times, dtype=UTC_DTYPE))
    n = len(table)
    if t.shape != (n,):
        raise InputError(f"times must have shape ({n},), one per object, not {t.shape}", field="times")
    if n == 0:
        return np.zeros(0, dtype=np.uint8), np.zeros((0, 3)), np.zeros((0, 3))
    warn_useful_life(table.epoch, t)
    jd_t, fr_t = jd_utc(t)
    return sgp4_model(table).at(np.arange(n), jd_t, fr_t)


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
    table = _table(elements)
    n = len(table)
    chunk = chunk_objects or default_chunk_objects(t.shape[0])
    jd, fr = jd_utc(t)
    jd = np.ascontiguousarray(jd, dtype=np.float64)
    fr = np.ascontiguousarray(fr, dtype=np.float64)
    warn_useful_life(table.epoch, t)
    for start in range(0, n, chunk):
        sl = slice(start, min(n, start + chunk))
        err, r, v = sgp4_model(table.take(sl)).grid(jd, fr)
        if progress is not None:
            progress(sl.stop, n)
        yield sl, Ephemeris(err=err, r_km=r, v_km_s=v, times=t)


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
    table = _table(elements)
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
    ``tcppver.out``).  For UTC times use :func:`propagate`.
    """
    table = _table(elements)
    n = len(table)
    ts = np.asarray(tsince_min, dtype=np.float64)
    if ts.ndim == 1:
        ts = np.broadcast_to(ts, (n, ts.shape[0]))
    if ts.ndim != 2 or ts.shape[0] != n:
        raise InputError(f"tsince_min must have shape (T,) or ({n}, T), not {ts.shape}", field="tsince_min")
    if ts.size and float(np.abs(ts).max()) > USEFUL_LIFE_DAYS * MINUTES_PER_DAY:
        warnings.warn(f"propagated more than {USEFUL_LIFE_DAYS:g} days from the epoch (beyond the element "
                      "set's useful life)", ElementAgeWarning, stacklevel=2)
    return sgp4_model(table).tsince(ts)


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

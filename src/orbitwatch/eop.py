"""Earth orientation (UT1-UTC, polar motion, LOD) and leap seconds from installed IERS files.

Data come only from the installed package ``astropy-iers-data`` (never downloaded):

* ``eopc04.1962-now``: IERS EOP 20 C04 series (final values, 0h UTC daily, 1962 to a
  few weeks before the package was built); format in the package's ``ReadMe.eopc04``;
* ``finals2000A.all``: IERS Bulletin A (rapid values and about one year of
  predictions, 1973 onwards); format in ``ReadMe.finals2000A``.  Used after the last
  C04 day;
* ``Leap_Second.dat``: IERS Bulletin C table of TAI-UTC.

The tables are parsed once, lazily, into arrays.  UT1-UTC is interpolated linearly as
the continuous quantity UT1-TAI (so that a leap second between two daily nodes does not
smear over the day), then TAI-UTC at the requested instant is added back.  Polar
motion and LOD are interpolated linearly.  Outside the tables' span the nearest value
is used, :func:`outside_eop_span` says where, and an :class:`EOPRangeWarning` is
issued.  Scales follow the IERS Conventions (2010), ch. 5: TT = TAI + 32.184 s.

All functions take UTC ``datetime64[us]`` scalars or arrays (``(T,)`` or any shape)
and return arrays of the same shape.
"""

from __future__ import annotations

import functools
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from orbitwatch.constants import ARCSEC, SECONDS_PER_DAY
from orbitwatch.times import US_PER_DAY, UTC_DTYPE, jd_utc

__all__ = [
    "TT_MINUS_TAI_S",
    "EOPRangeWarning",
    "EOPTable",
    "EarthOrientation",
    "earth_orientation",
    "eop_span_utc",
    "eop_table",
    "leap_second_table",
    "outside_eop_span",
    "polar_motion_rad",
    "tai_minus_utc_s",
    "tt_jd",
    "ut1_jd",
    "ut1_minus_utc_s",
]

TT_MINUS_TAI_S = 32.184
_MJD_UNIX_EPOCH = 40587.0

FloatArray = npt.NDArray[np.float64]


class EOPRangeWarning(UserWarning):
    """A time lies outside the installed Earth-orientation tables; nearest values were used."""


@dataclass(frozen=True)
class EOPTable:
    """Daily Earth-orientation nodes, shape ``(M,)`` each, sorted by ``mjd_utc``.

    ``ut1_minus_tai_s`` is UT1-UTC minus TAI-UTC at the node (continuous across leap
    seconds); ``final`` is True for C04 rows, False for Bulletin A rapid/prediction rows.
    """

    mjd_utc: FloatArray
    ut1_minus_utc_s: FloatArray
    ut1_minus_tai_s: FloatArray
    xp_arcsec: FloatArray
    yp_arcsec: FloatArray
    lod_s: FloatArray
    final: npt.NDArray[np.bool_]


@dataclass(frozen=True)
class EarthOrientation:
    """Earth-orientation parameters at given instants (each array of the times' shape).

    Build one from the tables with :func:`earth_orientation`, or directly with
    published values (e.g. a worked example) to pass to :mod:`orbitwatch.frames`.
    """

    ut1_minus_utc_s: Any
    xp_rad: Any
    yp_rad: Any
    lod_s: Any = 0.0


def _data_dir() -> Path:
    import astropy_iers_data

    return Path(astropy_iers_data.__file__).resolve().parent / "data"


def _f(text: str) -> float:
    text = text.strip()
    return float(text) if text else np.nan


@functools.cache
def leap_second_table() -> tuple[FloatArray, FloatArray]:
    """``(mjd_utc (L,), tai_minus_utc_s (L,))``: from each MJD on, TAI-UTC is the value."""
    mjd: list[float] = []
    dat: list[float] = []
    with open(_data_dir() / "Leap_Second.dat", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            parts = line.split()
            mjd.append(float(parts[0]))
            dat.append(float(parts[4]))
    return np.array(mjd), np.array(dat)


def _tai_minus_utc_mjd(mjd: Any) -> Any:
    lmjd, dat = leap_second_table()
    idx = np.searchsorted(lmjd, mjd, side="right") - 1
    return dat[np.clip(idx, 0, len(dat) - 1)]


def _parse_c04(path: Path) -> tuple[FloatArray, ...]:
    rows = np.loadtxt(path, comments="#", usecols=(4, 5, 6, 7, 12), dtype=np.float64, ndmin=2)
    return rows[:, 0], rows[:, 1], rows[:, 2], rows[:, 3], rows[:, 4]


def _parse_finals(path: Path) -> tuple[FloatArray, ...]:
    """Bulletin A columns (ReadMe.finals2000A): MJD 8-15, PM-x 19-27, PM-y 38-46,
    UT1-UTC 59-68, LOD 80-86 (ms, not always filled).  Rows without UT1 are dropped."""
    mjd, xp, yp, dut, lod = [], [], [], [], []
    with open(path, encoding="ascii") as fh:
        for line in fh:
            if len(line) < 68 or not line[58:68].strip():
                continue
            mjd.append(float(line[7:15]))
            xp.append(_f(line[18:27]))
            yp.append(_f(line[37:46]))
            dut.append(float(line[58:68]))
            lod.append(_f(line[79:86]) * 1e-3 if len(line) >= 86 else np.nan)
    return tuple(np.array(a, dtype=np.float64) for a in (mjd, xp, yp, dut, lod))


@functools.cache
def eop_table() -> EOPTable:
    """The merged C04 + Bulletin A table (parsed once, cached)."""
    d = _data_dir()
    c_mjd, c_xp, c_yp, c_dut, c_lod = _parse_c04(d / "eopc04.1962-now")
    a_mjd, a_xp, a_yp, a_dut, a_lod = _parse_finals(d / "finals2000A.all")
    after = a_mjd > c_mjd[-1]
    mjd = np.concatenate([c_mjd, a_mjd[after]])
    xp = np.concatenate([c_xp, a_xp[after]])
    yp = np.concatenate([c_yp, a_yp[after]])
    dut = np.concatenate([c_dut, a_dut[after]])
    lod = np.concatenate([c_lod, a_lod[after]])
    final = np.concatenate([np.ones(c_mjd.shape, bool), np.zeros(int(after.sum()), bool)])
    # Unfilled Bulletin A LOD / polar motion: carry the last known value forward.
    for arr in (xp, yp, lod):
        bad = np.isnan(arr)
        if bad.any():
            good = np.flatnonzero(~bad)
            arr[bad] = arr[good[np.clip(np.searchsorted(good, np.flatnonzero(bad)) - 1, 0, None)]]
    return EOPTable(
        mjd_utc=mjd,
        ut1_minus_utc_s=dut,
        ut1_minus_tai_s=dut - _tai_minus_utc_mjd(mjd),
        xp_arcsec=xp,
        yp_arcsec=yp,
        lod_s=lod,
        final=final,
    )


def _mjd_utc(t_utc: Any) -> Any:
    us = np.asarray(t_utc, dtype=UTC_DTYPE).astype(np.int64)
    days, rem = np.divmod(us, US_PER_DAY)
    return days + _MJD_UNIX_EPOCH + rem / US_PER_DAY


def eop_span_utc() -> tuple[np.datetime64, np.datetime64]:
    """First and last instants covered by the installed Earth-orientation tables."""
    mjd = eop_table().mjd_utc
    base = np.datetime64("1970-01-01T00:00:00", "us")
    first = base + np.timedelta64(round((mjd[0] - _MJD_UNIX_EPOCH) * US_PER_DAY), "us")
    last = base + np.timedelta64(round((mjd[-1] - _MJD_UNIX_EPOCH) * US_PER_DAY), "us")
    return first, last


def outside_eop_span(t_utc: Any) -> Any:
    """True where a time lies outside the tables (nearest values are then used)."""
    mjd = _mjd_utc(t_utc)
    tab = eop_table().mjd_utc
    return (mjd < tab[0]) | (mjd > tab[-1])


def _interp(t_utc: Any, values: FloatArray, *, warn: bool = True) -> Any:
    mjd = _mjd_utc(t_utc)
    tab = eop_table().mjd_utc
    if warn and np.any((mjd < tab[0]) | (mjd > tab[-1])):
        warnings.warn(
            "time outside the installed IERS Earth-orientation tables "
            f"(MJD {tab[0]:.0f}..{tab[-1]:.0f}); using the nearest values",
            EOPRangeWarning,
            stacklevel=3,
        )
    return np.interp(mjd, tab, values)


def tai_minus_utc_s(t_utc: Any) -> Any:
    """TAI-UTC in seconds (leap-second table; 10 s before 1972, last value after)."""
    return _tai_minus_utc_mjd(_mjd_utc(t_utc)).astype(np.float64)


def ut1_minus_utc_s(t_utc: Any) -> Any:
    """UT1-UTC in seconds, interpolated as UT1-TAI so leap seconds stay sharp."""
    return _interp(t_utc, eop_table().ut1_minus_tai_s) + tai_minus_utc_s(t_utc)


def polar_motion_rad(t_utc: Any) -> tuple[Any, Any]:
    """Pole coordinates ``(xp, yp)`` in radians."""
    tab = eop_table()
    return _interp(t_utc, tab.xp_arcsec) * ARCSEC, _interp(t_utc, tab.yp_arcsec, warn=False) * ARCSEC


def earth_orientation(t_utc: Any) -> EarthOrientation:
    """UT1-UTC, polar motion and LOD at the given UTC times (arrays of their shape)."""
    tab = eop_table()
    xp, yp = polar_motion_rad(t_utc)
    return EarthOrientation(
        ut1_minus_utc_s=_interp(t_utc, tab.ut1_minus_tai_s, warn=False) + tai_minus_utc_s(t_utc),
        xp_rad=xp,
        yp_rad=yp,
        lod_s=_interp(t_utc, tab.lod_s, warn=False),
    )


def tt_jd(t_utc: Any) -> tuple[Any, Any]:
    """Two-part Julian date in TT: ``(jd, fr)`` with ``jd`` the UTC day (ending .5)."""
    jd, fr = jd_utc(t_utc)
    return jd, fr + (tai_minus_utc_s(t_utc) + TT_MINUS_TAI_S) / SECONDS_PER_DAY


def ut1_jd(t_utc: Any, ut1_minus_utc: Any = None) -> tuple[Any, Any]:
    """Two-part Julian date in UT1 (tables unless ``ut1_minus_utc`` seconds are given)."""
    jd, fr = jd_utc(t_utc)
    dut = ut1_minus_utc_s(t_utc) if ut1_minus_utc is None else np.asarray(ut1_minus_utc, np.float64)
    return jd, fr + dut / SECONDS_PER_DAY

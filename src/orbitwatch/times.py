"""The one time type of orbitwatch: UTC instants as ``numpy.datetime64[us]``.

Every time that crosses a public function is UTC, stored as ``datetime64[us]`` (a
scalar ``np.datetime64`` or an array of them).  Microseconds resolve a TLE epoch
exactly (its 8th decimal of a day is 864 us) and cover 1678..2262 with int64.
Like POSIX time, the type does not count leap seconds; the conversions to TAI/TT
and UT1 in :mod:`orbitwatch.eop` add them from the installed IERS tables.

Rules (STYLE.md habit 5):

* strings are ISO 8601 and must carry a zone (``Z`` or ``+hh:mm``); a zone-less
  string or a naive ``datetime`` raises :class:`~orbitwatch.errors.TimeFormatError`;
* nothing here calls ``now()`` implicitly: :func:`now_utc` exists for shells, and
  library functions take ``now=`` arguments;
* Julian dates for SGP4 are built exactly from integer microseconds as a two-part
  (``jd``, ``fr``) pair, as the ``sgp4`` package expects.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any

import numpy as np
import numpy.typing as npt

from orbitwatch.errors import InputError, TimeFormatError

__all__ = [
    "US_PER_DAY",
    "US_PER_MINUTE",
    "UTC_DTYPE",
    "as_utc",
    "days_between",
    "format_utc",
    "from_datetime",
    "jd_utc",
    "now_utc",
    "parse_ccsds_time",
    "parse_utc",
    "seconds_between",
    "time_grid",
    "to_datetime",
    "unix_us",
    "utc_from_unix_us",
]

UTC_DTYPE = np.dtype("datetime64[us]")
US_PER_DAY = 86_400_000_000
US_PER_MINUTE = 60_000_000
_SECONDS_PER_DAY = US_PER_DAY / 1e6  # 86400.0 (times sits beside constants, not above it)
_JD_UNIX_EPOCH = 2440587.5  # Julian date of 1970-01-01T00:00:00

UTCArray = npt.NDArray[np.datetime64]

_ISO_RE = re.compile(
    r"^\s*(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?"
    r"\s*(Z|z|UTC|[+-]\d{2}:?\d{2})?\s*$"
)


def parse_utc(text: str, *, allow_naive: bool = False, what: str = "time") -> np.datetime64:
    """Parse an ISO 8601 time with a zone into ``datetime64[us]`` UTC.

    ``allow_naive=True`` is for data formats whose standard defines the scale as UTC
    (CCSDS OMM/CDM ``EPOCH``, CelesTrak CSV); user input never sets it.
    """
    m = _ISO_RE.match(text)
    if not m:
        raise TimeFormatError(f"{what} {text!r} is not an ISO 8601 time (e.g. 2025-04-15T00:00:00Z)")
    year, month, day, hh, mm, ss, frac, zone = m.groups()
    if zone is None and hh is not None and not allow_naive:
        raise TimeFormatError(
            f"{what} {text!r} has no time zone; write it in UTC with a 'Z' (e.g. {text.strip()}Z)"
        )
    if zone is None and hh is None and not allow_naive:
        raise TimeFormatError(
            f"{what} {text!r} is a date without a time zone; write e.g. {text.strip()}T00:00:00Z"
        )
    try:
        base = _dt.datetime(
            int(year), int(month), int(day), int(hh or 0), int(mm or 0), int(ss or 0)
        )
    except ValueError as exc:
        raise TimeFormatError(f"{what} {text!r}: {exc}") from None
    us = 0
    if frac:
        digits = (frac + "000000")[:6]
        us = int(digits)
        if len(frac) > 6 and int(frac[6]) >= 5:
            us += 1
    offset_s = 0
    if zone and zone.upper() not in ("Z", "UTC"):
        sign = -1 if zone[0] == "-" else 1
        z = zone[1:].replace(":", "")
        offset_s = sign * (int(z[:2]) * 3600 + int(z[2:]) * 60)
    t = np.datetime64(base, "us") + np.timedelta64(us, "us") - np.timedelta64(offset_s, "s")
    return t.astype(UTC_DTYPE)


_DOY_RE = re.compile(r"^\s*(\d{4})-(\d{3})(?!\d)(.*)$", re.DOTALL)


def parse_ccsds_time(text: str, *, what: str = "time") -> np.datetime64:
    """A CCSDS time to ``datetime64[us]`` UTC: ``YYYY-MM-DDThh:mm:ss[.d][Z]`` or day-of-year ``YYYY-DDDThh:mm:ss[.d]``.

    CCSDS 502.0-B-3 sec. 7.5.10 and 508.0-B-1 sec. 6.3.2.6 (both forms; the scale is the
    message's TIME_SYSTEM, UTC here, so no zone is needed).  The one CCSDS time parser
    (OMM EPOCH, CDM and OEM times); day ``DDD`` must lie in its year (1..365 or 366).
    """
    m = _DOY_RE.match(text)
    if m:
        year, doy = int(m.group(1)), int(m.group(2))
        days_in_year = 366 if (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)) else 365
        if not 1 <= doy <= days_in_year:
            raise TimeFormatError(f"{what} {text[:200]!r}: day of year {doy} is outside {year}")
        day = np.datetime64(f"{year:04d}-01-01") + np.timedelta64(doy - 1, "D")
        text = str(day) + m.group(3)
    return parse_utc(text, allow_naive=True, what=what)


def from_datetime(value: _dt.datetime) -> np.datetime64:
    """An aware ``datetime`` to UTC ``datetime64[us]``; naive datetimes are rejected."""
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        raise TimeFormatError(f"naive datetime {value!r}: attach a time zone (datetime.UTC)")
    utc = value.astimezone(_dt.UTC).replace(tzinfo=None)
    return np.datetime64(utc, "us")


def as_utc(value: Any, *, what: str = "time") -> np.datetime64:
    """Coerce ``str`` / aware ``datetime`` / ``datetime64`` to a UTC ``datetime64[us]``."""
    if isinstance(value, np.datetime64):
        return value.astype(UTC_DTYPE)
    if isinstance(value, _dt.datetime):
        return from_datetime(value)
    if isinstance(value, str):
        return parse_utc(value, what=what)
    raise TimeFormatError(f"{what}: cannot use {type(value).__name__} {value!r} as a UTC time")


def to_datetime(t: np.datetime64) -> _dt.datetime:
    """UTC ``datetime64`` to an aware ``datetime`` (microsecond precision)."""
    us = int(np.asarray(t, dtype=UTC_DTYPE).astype(np.int64))
    return _dt.datetime(1970, 1, 1, tzinfo=_dt.UTC) + _dt.timedelta(microseconds=us)


def format_utc(t: np.datetime64 | UTCArray, *, digits: int = 3) -> Any:
    """ISO 8601 with ``Z``; ``digits`` decimals of seconds (0, 3 or 6). Arrays map elementwise."""
    unit = {0: "s", 3: "ms", 6: "us"}.get(digits)
    if unit is None:
        raise InputError(f"format_utc digits must be 0, 3 or 6, not {digits}")
    arr = np.asarray(t, dtype=UTC_DTYPE)
    # Round half away from zero to the requested unit before formatting.
    if unit != "us":
        step = 1_000_000 if unit == "s" else 1000
        ints = arr.astype(np.int64)
        ints = (np.floor_divide(ints + step // 2, step)) * step
        arr = ints.astype(UTC_DTYPE)
    text = np.datetime_as_string(arr.astype(f"datetime64[{unit}]"), unit=unit)  # type: ignore[call-overload]
    if arr.ndim == 0:
        return str(text) + "Z"
    return np.char.add(text.astype(str), "Z")


def now_utc() -> np.datetime64:
    """The current UTC time. For shells only; library code takes ``now=``."""
    return from_datetime(_dt.datetime.now(_dt.UTC))


def unix_us(t: np.datetime64 | UTCArray) -> Any:
    """Microseconds since 1970-01-01T00:00:00 UTC (int64), the store's column type."""
    return np.asarray(t, dtype=UTC_DTYPE).astype(np.int64)


def utc_from_unix_us(us: Any) -> Any:
    return np.asarray(us, dtype=np.int64).astype(UTC_DTYPE)


def jd_utc(t: np.datetime64 | UTCArray) -> tuple[Any, Any]:
    """Two-part Julian date (``jd``, ``fr``) of UTC times, exact to the microsecond.

    ``jd`` holds the whole day number ending in .5 (midnight), ``fr`` the fraction of
    the day, as ``sgp4.api`` expects.
    """
    us = np.asarray(t, dtype=UTC_DTYPE).astype(np.int64)
    days, rem = np.divmod(us, US_PER_DAY)
    return days + _JD_UNIX_EPOCH, rem / US_PER_DAY


def seconds_between(t0: np.datetime64 | UTCArray, t1: np.datetime64 | UTCArray) -> Any:
    """``t1 - t0`` in seconds (float64), elementwise."""
    a = np.asarray(t0, dtype=UTC_DTYPE).astype(np.int64)
    b = np.asarray(t1, dtype=UTC_DTYPE).astype(np.int64)
    return (b - a) / 1e6


def days_between(t0: np.datetime64 | UTCArray, t1: np.datetime64 | UTCArray) -> Any:
    return seconds_between(t0, t1) / _SECONDS_PER_DAY


def time_grid(start: np.datetime64, end: np.datetime64, step_s: float) -> UTCArray:
    """Times from ``start`` to ``end`` inclusive (when ``end`` falls on the grid) every ``step_s``.

    Raises :class:`InputError` for a non-positive step or an end before the start.
    """
    start = as_utc(start, what="start")
    end = as_utc(end, what="end")
    if not np.isfinite(step_s) or step_s <= 0:
        raise InputError(f"step must be positive, not {step_s} s", field="step_s")
    if end < start:
        raise InputError(f"end {format_utc(end)} is before start {format_utc(start)}", field="end")
    span_us = int((end - start).astype(np.int64))
    step_us = round(step_s * 1e6)
    if step_us <= 0:
        raise InputError(f"step {step_s} s is below one microsecond", field="step_s")
    n = span_us // step_us + 1
    return start + (np.arange(n, dtype=np.int64) * step_us).astype("timedelta64[us]")

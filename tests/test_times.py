"""orbitwatch.times: the one UTC time type.

References: the Julian date of 2000-01-01T12:00:00 is 2451545.0 and of the Unix epoch
2440587.5 (Explanatory Supplement to the Astronomical Almanac, 3rd ed., sec. 15.6).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from orbitwatch.errors import InputError, TimeFormatError
from orbitwatch.times import (
    UTC_DTYPE,
    as_utc,
    format_utc,
    from_datetime,
    jd_utc,
    parse_utc,
    seconds_between,
    time_grid,
    to_datetime,
)


def test_parse_with_zone_and_offsets() -> None:
    assert parse_utc("2025-04-15T00:00:00Z") == np.datetime64("2025-04-15T00:00:00", "us")
    assert parse_utc("2025-04-15T02:30:00+02:30") == np.datetime64("2025-04-15T00:00:00", "us")
    assert parse_utc("2025-04-14T21:00:00-03:00") == np.datetime64("2025-04-15T00:00:00", "us")
    assert parse_utc("2025-04-15T00:00:00.000864Z") == np.datetime64("2025-04-15T00:00:00.000864", "us")


@pytest.mark.parametrize("text", ["2025-04-15T00:00:00", "2025-04-15", "2025-04-15 10:00"])
def test_zone_less_is_an_error_not_a_guess(text: str) -> None:
    with pytest.raises(TimeFormatError) as exc:
        parse_utc(text)
    assert exc.value.code == "TIME_FORMAT"


@pytest.mark.parametrize("text", ["yesterday", "2025-13-01T00:00:00Z", "2025-02-30T00:00:00Z", ""])
def test_garbage_is_an_error(text: str) -> None:
    with pytest.raises(TimeFormatError):
        parse_utc(text)


def test_naive_datetime_rejected_aware_accepted() -> None:
    with pytest.raises(TimeFormatError):
        from_datetime(dt.datetime(2025, 1, 1))
    aware = dt.datetime(2025, 1, 1, 1, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    assert from_datetime(aware) == np.datetime64("2025-01-01T00:00:00", "us")
    assert to_datetime(as_utc(aware)) == aware


def test_julian_dates_match_the_almanac() -> None:
    jd, fr = jd_utc(parse_utc("2000-01-01T12:00:00Z"))
    assert jd + fr == 2451545.0
    jd, fr = jd_utc(np.array(["1970-01-01T00:00:00", "1970-01-01T06:00:00"], dtype=UTC_DTYPE))
    np.testing.assert_array_equal(jd, [2440587.5, 2440587.5])
    np.testing.assert_array_equal(fr, [0.0, 0.25])


def test_format_rounds_to_the_unit() -> None:
    t = parse_utc("2009-02-10T16:55:59.7996Z")
    assert format_utc(t) == "2009-02-10T16:55:59.800Z"
    assert format_utc(t, digits=0) == "2009-02-10T16:56:00Z"
    assert format_utc(t, digits=6) == "2009-02-10T16:55:59.799600Z"


def test_grid_and_differences() -> None:
    g = time_grid(parse_utc("2025-01-01T00:00:00Z"), parse_utc("2025-01-01T00:10:00Z"), 60.0)
    assert g.shape == (11,)
    assert seconds_between(g[0], g[-1]) == 600.0
    with pytest.raises(InputError):
        time_grid(g[1], g[0], 60.0)
    with pytest.raises(InputError):
        time_grid(g[0], g[1], 0.0)


def test_microsecond_counts_per_day_and_minute() -> None:
    from orbitwatch.times import US_PER_DAY, US_PER_MINUTE

    day = np.datetime64("2024-03-01T00:00:00", "us") - np.datetime64("2024-02-29T00:00:00", "us")
    assert day.astype(np.int64) == US_PER_DAY
    assert np.timedelta64(1, "m").astype("timedelta64[us]").astype(np.int64) == US_PER_MINUTE

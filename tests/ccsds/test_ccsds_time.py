"""The one CCSDS time parser (:func:`orbitwatch.times.parse_ccsds_time`) and its users.

Reference: CCSDS 502.0-B-3 (ODM) sec. 7.5.10 and 508.0-B-1 (CDM) sec. 6.3.2.6 allow
``YYYY-MM-DDThh:mm:ss[.d]`` and the day-of-year form ``YYYY-DDDThh:mm:ss[.d]``; the ODM
blue book's OMM example has ``EPOCH = 2007-064T10:34:41.4264`` (day 64 of 2007 = 5 March,
a calendar fact, not a value from the code).  2024 is a leap year (day 366 = 31 December).
"""

from __future__ import annotations

import numpy as np
import pytest

from orbitwatch.ccsds.cdm import parse_ccsds_time as cdm_parse
from orbitwatch.ccsds.oem import OEMSegment, read_oem, write_oem
from orbitwatch.errors import ParseError, TimeFormatError
from orbitwatch.times import parse_ccsds_time


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2007-064T10:34:41.4264", "2007-03-05T10:34:41.426400"),
        ("2024-366T00:00:00Z", "2024-12-31T00:00:00"),
        ("2023-001", "2023-01-01T00:00:00"),
        ("2014-01-30T23:59:59.000", "2014-01-30T23:59:59"),
    ],
)
def test_calendar_and_day_of_year_forms(text: str, expected: str) -> None:
    assert parse_ccsds_time(text) == np.datetime64(expected, "us")


@pytest.mark.parametrize("text", ["2023-366T00:00:00", "2024-000T00:00:00", "2024-13-01T00:00:00", "yesterday"])
def test_bad_times_are_time_format_errors(text: str) -> None:
    with pytest.raises(TimeFormatError):
        parse_ccsds_time(text)


def test_cdm_uses_the_same_parser() -> None:
    assert cdm_parse is parse_ccsds_time


def test_oem_reads_day_of_year_epochs() -> None:
    t = np.datetime64("2025-04-15T00:00:00", "us") + np.arange(3).astype("timedelta64[m]")
    seg = OEMSegment("SAT", "2025-001A", "TEME", t, np.full((3, 3), 7000.0), np.full((3, 3), 1.0))
    text = write_oem([seg], creation_date=t[0])
    doy = text.replace("2025-04-15T00:01:00.000000 ", "2025-105T00:01:00.000000 ")  # 15 April = day 105
    assert doy != text
    _, back = read_oem(doy)
    np.testing.assert_array_equal(back[0].times, t)
    with pytest.raises(ParseError) as err:
        read_oem(text.replace("2025-04-15T00:01:00.000000 ", "2025-366T00:01:00.000000 "))
    assert err.value.code == "OEM_TIME_FORMAT"

"""UCS Satellite Database reader (orbitwatch.catalog.ucs).

The staged release of 2023-05-01 (shared/data/MANIFEST.md, "Object metadata"): expected
values are computed here from the file with the ``csv`` module, from the MANIFEST's counts
(Users, Class of Orbit, Purpose) and, for the launch dates written as odd text, from the
Space-Track SATCAT's LAUNCH of the same NORAD id (an independent publisher).  Hardening
cases build their input here; the property test feeds generated rows and asserts that only
orbitwatch errors escape.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import math
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orbitwatch.catalog.model import Reject
from orbitwatch.catalog.ucs import MAX_CELL_CHARS, UcsRecord, is_ucs_header, iter_ucs_csv
from orbitwatch.errors import OrbitwatchError, ParseError, UCSError

UCS = "satcat/ucs-satellite-database-2023-05-01.csv.gz"
SATCAT_JSON = "satcat/spacetrack-satcat-2026-01-19.json.gz"


@pytest.fixture(scope="module")
def raw_rows(shared_data: Path) -> list[dict[str, str]]:
    """The UCS rows as the csv module reads them (first header occurrence of each name)."""
    with gzip.open(shared_data / UCS, "rt", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    first = {name: header.index(name) for name in header if name}
    return [{name: row[i] for name, i in first.items()} for row in rows[1:]]


@pytest.fixture(scope="module")
def records(shared_data: Path) -> list[UcsRecord]:
    with gzip.open(shared_data / UCS, "rt", encoding="utf-8-sig", newline="") as fh:
        return list(iter_ucs_csv(fh, source=UCS))


def test_every_row_is_read(records: list[UcsRecord], raw_rows: list[dict[str, str]]) -> None:
    assert len(records) == len(raw_rows) == 7_560
    assert [r.norad_id for r in records] == [int(row["NORAD Number"]) for row in raw_rows]
    assert len({r.norad_id for r in records}) == 7_551  # MANIFEST: 9 NORAD numbers repeated
    assert [r.line for r in records[:3]] == [2, 3, 4]


def test_vocabularies_are_normalised(records: list[UcsRecord], raw_rows: list[dict[str, str]]) -> None:
    """MANIFEST counts: Users Commercial 6,080 (+1 'Commercial '), Government 558 (+1), Military 457
    (+1), Civil 160; Class of Orbit LEO 6,767 (+1 'LEo'), GEO 590, MEO 143, Elliptical 59;
    Purpose Earth Observation 1,238 (3 of them 'Earth Observation ')."""
    users = Counter(r.users for r in records)
    assert (users["Commercial"], users["Government"], users["Military"], users["Civil"]) == (6081, 559, 458, 160)
    assert users["Government/Commercial"] == 97 and users["Military/Government"] == 56
    assert Counter(r.class_of_orbit for r in records) == {"LEO": 6768, "GEO": 590, "MEO": 143, "Elliptical": 59}
    assert Counter(r.purpose for r in records)["Earth Observation"] == 1238
    for r, raw in zip(records, raw_rows, strict=True):
        assert r.users == raw["Users"].strip()  # capitalisation is already canonical in Users
        assert r.user_set <= {"Civil", "Commercial", "Government", "Military"}
    eo_mil_gov = [r for r in records if r.purpose == "Earth Observation" and r.user_set & {"Military", "Government"}]
    assert len(eo_mil_gov) == 567  # MANIFEST: Earth Observation with Military or Government users


def test_text_is_cleaned(records: list[UcsRecord], raw_rows: list[dict[str, str]]) -> None:
    """No field keeps a trailing blank or a no-break space; the words are the sheet's."""
    assert any("\xa0" in v for row in raw_rows for v in row.values())  # the quirk is in the file
    texts = ("name", "official_name", "operator", "purpose", "detailed_purpose", "contractor", "cospar_id")
    for r, raw in zip(records, raw_rows, strict=True):
        for f in texts:
            v = getattr(r, f)
            assert v is None or (v == v.strip() and "\xa0" not in v and "  " not in v)
        assert r.operator == (" ".join(raw["Operator/Owner"].split()) or None)
    sj21 = [r for r in records if r.norad_id == 49330]
    assert [(r.name, r.users, r.class_of_orbit) for r in sj21] == [("Shijian 21", "Government", "GEO")]


def test_launch_dates_including_the_text_ones(
    records: list[UcsRecord], raw_rows: list[dict[str, str]], shared_data: Path
) -> None:
    """ISO dates as written; '11/29/018', '1/9//2023' and '' checked against Space-Track's LAUNCH."""
    with gzip.open(shared_data / SATCAT_JSON, "rt", encoding="utf-8") as fh:
        launch = {int(r["NORAD_CAT_ID"]): r["LAUNCH"] for r in json.load(fh)}
    odd = {}
    for r, raw in zip(records, raw_rows, strict=True):
        text = raw["Date of Launch"]
        if len(text) == 10 and text[4] == "-":
            assert r.launch_date == np.datetime64(text + "T00:00:00", "us")
        else:
            odd[text] = r
    assert set(odd) == {"11/29/018", "1/9//2023", ""}  # MANIFEST
    for text in ("11/29/018", "1/9//2023"):
        r = odd[text]
        assert r.launch_date == np.datetime64(f"{launch[r.norad_id]}T00:00:00", "us")
    assert odd[""].launch_date is None


def test_impossible_orbit_numbers_are_dropped_not_kept(
    records: list[UcsRecord], raw_rows: list[dict[str, str]]
) -> None:
    bad_ecc = [i for i, raw in enumerate(raw_rows)
               if raw["Eccentricity"].strip() and not 0.0 <= float(raw["Eccentricity"]) <= 1.0]
    assert len(bad_ecc) == 9
    for i, r in enumerate(records):
        if i in bad_ecc:
            assert math.isnan(r.eccentricity) and "Eccentricity" in r.dropped
        else:
            assert "Eccentricity" not in r.dropped
        assert not r.apogee_km < r.perigee_km
    # a row's operator and users survive a dropped number
    assert all(records[i].operator is not None for i in bad_ecc)


def test_cospar_kept_as_ucs_writes_it(records: list[UcsRecord], raw_rows: list[dict[str, str]]) -> None:
    """MANIFEST: NORAD 62684 is listed as Starlink-4014 2022-053AE (the SATCAT says IRIS-F2 2025-009CD):
    the reader keeps UCS's id; conflicts are the store's to report."""
    r = next(r for r in records if r.norad_id == 62684)
    assert (r.name, r.cospar_id) == ("Starlink-4014", "2022-053AE")
    for r, raw in zip(records, raw_rows, strict=True):
        assert r.cospar_id == (raw["COSPAR Number"].strip() or None)


def test_header_detection(shared_data: Path) -> None:
    with gzip.open(shared_data / UCS, "rt", encoding="utf-8-sig") as fh:
        assert is_ucs_header(fh.readline())
    assert not is_ucs_header("OBJECT_NAME,OBJECT_ID,NORAD_CAT_ID,OBJECT_TYPE")
    assert not is_ucs_header("1 25544U 98067A   25105.5")


# -- hardening ---------------------------------------------------------------------------------

HEADER = ('"Name of Satellite, Alternate Names",Operator/Owner,Users,Purpose,Class of Orbit,Eccentricity,'
          "Date of Launch,COSPAR Number,NORAD Number,,")
GOOD = "Sat A,Op A,Commercial,Communications,LEO,0.001,2020-01-02,2020-001A,45000,,"
GOOD2 = "Sat B,Op B,Military/Government ,Earth Observation ,LEo,,1/9//2020,2020-001B,45001,,"


def _read(rows: list[str], **kw: object) -> list[UcsRecord]:
    return list(iter_ucs_csv([HEADER, *rows], source="ucs.csv", **kw))  # type: ignore[arg-type]


def test_small_file_values() -> None:
    a, b = _read([GOOD, GOOD2])
    assert (a.name, a.operator, a.users, a.class_of_orbit, a.eccentricity) == (
        "Sat A", "Op A", "Commercial", "LEO", 0.001)
    assert (b.users, b.purpose, b.class_of_orbit, b.launch_date) == (
        "Military/Government", "Earth Observation", "LEO", np.datetime64("2020-01-09T00:00:00", "us"))
    assert math.isnan(b.eccentricity) and b.dropped == ()


@pytest.mark.parametrize(
    ("row", "code", "field"),
    [
        (GOOD.replace(",45000,", ",4\u00b2,"), "UCS_FIELD", "NORAD Number"),
        (GOOD.replace(",45000,", ",,"), "UCS_FIELD", "NORAD Number"),
        (GOOD.replace(",Commercial,", ",Alien,"), "UCS_FIELD", "Users"),
        (GOOD.replace(",LEO,", ",HEO,"), "UCS_FIELD", "Class of Orbit"),
        (GOOD.replace(",0.001,", ",inf,"), "UCS_FIELD", "Eccentricity"),
        (GOOD.replace(",0.001,", ",\uff10.1,"), "UCS_FIELD", "Eccentricity"),
        (GOOD.replace("2020-01-02", "13/45/2020"), "UCS_FIELD", "Date of Launch"),
        (GOOD.replace("2020-01-02", "1/2/019"), "UCS_FIELD", "Date of Launch"),  # COSPAR year is 2020
        (GOOD + ",extra", "UCS_ROW", None),
        (GOOD.replace("Sat A", "S" * (MAX_CELL_CHARS + 1)), "UCS_CELL_SIZE", None),
    ],
)
def test_bad_rows_give_codes_and_lenient_mode_goes_on(row: str, code: str, field: str | None) -> None:
    with pytest.raises(UCSError) as err:
        _read([GOOD2, row])
    assert (err.value.code, err.value.field, err.value.line) == (code, field, 3)
    rejects: list[Reject] = []
    got = _read([GOOD2, row, GOOD], lenient=True, rejects=rejects)
    assert [r.norad_id for r in got] == [45001, 45000]
    assert [(r.code, r.line) for r in rejects] == [(code, 3)]


def test_three_digit_year_needs_the_cospar_year() -> None:
    (r,) = _read([GOOD.replace("2020-01-02", "11/29/020")])
    assert r.launch_date == np.datetime64("2020-11-29T00:00:00", "us")


def test_header_and_empty_input() -> None:
    with pytest.raises(UCSError) as err:
        list(iter_ucs_csv(["Operator/Owner,Users", "X,Civil"], source="u"))
    assert (err.value.code, err.value.field) == ("UCS_HEADER", "NORAD Number")
    with pytest.raises(ParseError) as perr:
        list(iter_ucs_csv(["", " "], source="u"))
    assert perr.value.code == "EMPTY_INPUT"


_CELL = st.one_of(
    st.sampled_from(["", "45000", "4\u00b2", "Civil", "Military/", "LEO", "LEo", "inf", "1/9//2023", "11/29/018",
                     "2020-02-30", "0.5", "-1", "\xa0", '"', ",", "\n", "\x00", "9" * 20]),
    st.text(max_size=10),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.lists(_CELL, max_size=12), max_size=6), lenient=st.booleans())
def test_property_ucs_raises_only_orbitwatch_errors(rows: list[list[str]], lenient: bool) -> None:
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    text = buf.getvalue()
    for lines in ([HEADER + "\n", *text.splitlines(True)], text.splitlines(True)):
        try:
            for rec in iter_ucs_csv(lines, lenient=lenient, rejects=[]):
                assert 0 < rec.norad_id <= 999_999_999
                assert rec.class_of_orbit in (None, "LEO", "MEO", "GEO", "Elliptical")
        except OrbitwatchError:
            assert not lenient, "lenient mode turns every problem into a reject"

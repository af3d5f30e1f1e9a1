"""SATCAT CSV reader and the name-based object-type fallback.

No real SATCAT file is staged (shared/data/MANIFEST.md, "Known gaps"), so the SATCAT
tests use a small CSV written here in the column layout of CelesTrak's "SATCAT Format
Documentation" (celestrak.org/satcat/satcat-format.php, CSV format of 2023 May 7);
the expected values are the cells themselves.  The object-type inference is checked on
the staged 2022-07-15 full catalog against the MANIFEST's debris count.
"""

from __future__ import annotations

import gzip
import math
from pathlib import Path

import numpy as np
import pytest

from orbitwatch.catalog.model import Reject, infer_object_type
from orbitwatch.catalog.reader import read_element_sets
from orbitwatch.catalog.satcat import SatcatRecord, iter_satcat_csv, normalise_object_type
from orbitwatch.errors import ParseError, SATCATError

HEADER = ("OBJECT_NAME,OBJECT_ID,NORAD_CAT_ID,OBJECT_TYPE,OPS_STATUS_CODE,OWNER,LAUNCH_DATE,LAUNCH_SITE,"
          "DECAY_DATE,PERIOD,INCLINATION,APOGEE,PERIGEE,RCS,DATA_STATUS_CODE,ORBIT_CENTER,ORBIT_TYPE")
ROWS = [
    "ISS (ZARYA),1998-067A,25544,PAY,+,ISS,1998-11-20,TTMTR,,92.98,51.64,421,415,399.0524,,EA,ORB",
    "SL-16 R/B,1992-093B,22285,R/B,,CIS,1992-12-25,TTMTR,,103.74,71.00,846,825,8.8017,,EA,ORB",
    "COSMOS 1408 DEB,1982-092ABC,50000,DEB,,CIS,1982-09-16,PKMTR,2022-03-01,,,,,,,EA,IMP",
    "OBJECT A,2026-169A,100140,UNK,?,PRC,2026-08-01,XICLF,,1436.1,2.98,35800,35770,,,EA,ORB",
    '"STARLINK-1007, TEST",2019-074A,44713,PAY,+,US,2019-11-11,AFETR,,95.6,53.05,550,548,,,EA,ORB',
]


def _read(rows: list[str], **kw: object) -> list[SatcatRecord]:
    return list(iter_satcat_csv([HEADER, *rows], source="satcat.csv", **kw))  # type: ignore[arg-type]


def test_records_carry_the_cells() -> None:
    iss, rb, deb, obj, sl = _read(ROWS)
    assert (iss.norad_id, iss.name, iss.cospar_id, iss.object_type) == (25544, "ISS (ZARYA)", "1998-067A",
                                                                       "PAYLOAD")
    assert (iss.ops_status, iss.owner, iss.launch_site, iss.orbit_center) == ("+", "ISS", "TTMTR", "EA")
    assert iss.launch_date == np.datetime64("1998-11-20T00:00:00", "us")
    assert iss.decay_date is None and not iss.decayed
    assert (iss.period_min, iss.inclination_deg, iss.apogee_km, iss.perigee_km, iss.rcs_m2) == (
        92.98, 51.64, 421.0, 415.0, 399.0524)
    assert rb.object_type == "ROCKET BODY"
    assert deb.object_type == "DEBRIS" and deb.decayed
    assert deb.decay_date == np.datetime64("2022-03-01T00:00:00", "us")
    assert math.isnan(deb.rcs_m2) and math.isnan(deb.period_min)
    assert (obj.norad_id, obj.object_type) == (100140, "UNKNOWN")  # six-digit catalog number
    assert sl.name == "STARLINK-1007, TEST"  # RFC 4180 quoting
    assert [r.line for r in (iss, rb, deb, obj, sl)] == [2, 3, 4, 5, 6]


def test_space_track_column_names_and_types() -> None:
    header = "INTLDES,NORAD_CAT_ID,OBJECT_TYPE,SATNAME,COUNTRY,LAUNCH,SITE,DECAY,RCSVALUE"
    rows = ["1998-067A,25544,PAYLOAD,ISS (ZARYA),ISS,1998-11-20,TTMTR,,0",
            "2000-001B,26000,TBA,TBA - TO BE ASSIGNED,US,2000-01-01,AFETR,2001-05-02,1.5"]
    a, b = iter_satcat_csv([header, *rows], source="st")
    assert (a.name, a.owner, a.object_type, a.cospar_id) == ("ISS (ZARYA)", "ISS", "PAYLOAD", "1998-067A")
    assert math.isnan(a.rcs_m2)  # Space-Track's 0 means "no value"
    assert (b.object_type, b.rcs_m2, b.decayed) == ("UNKNOWN", 1.5, True)


def test_normalise_object_type() -> None:
    assert [normalise_object_type(c) for c in ("PAY", "R/B", "DEB", "UNK", "", "rocket body")] == [
        "PAYLOAD", "ROCKET BODY", "DEBRIS", "UNKNOWN", "UNKNOWN", "ROCKET BODY"]
    with pytest.raises(ValueError):
        normalise_object_type("SAT")


@pytest.mark.parametrize(
    ("row", "code", "field"),
    [
        (ROWS[0].replace(",25544,", ",25544x,"), "SATCAT_FIELD", "NORAD_CAT_ID"),
        (ROWS[0].replace(",PAY,", ",SAT,"), "SATCAT_FIELD", "OBJECT_TYPE"),
        (ROWS[0].replace(",51.64,", ",251.64,"), "SATCAT_FIELD", "INCLINATION"),
        (ROWS[0].replace(",92.98,", ",fast,"), "SATCAT_FIELD", "PERIOD"),
        (ROWS[0].replace("1998-11-20", "20 Nov 1998"), "SATCAT_FIELD", "LAUNCH_DATE"),
        (ROWS[0] + ",extra", "SATCAT_ROW", None),
    ],
)
def test_bad_rows_give_codes_and_lenient_mode_goes_on(row: str, code: str, field: str | None) -> None:
    with pytest.raises(SATCATError) as err:
        _read([ROWS[1], row])
    assert (err.value.code, err.value.field, err.value.line) == (code, field, 3)
    rejects: list[Reject] = []
    got = _read([ROWS[1], row, ROWS[2]], lenient=True, rejects=rejects)
    assert [r.norad_id for r in got] == [22285, 50000]
    assert [(r.code, r.line) for r in rejects] == [(code, 3)]


def test_header_and_empty_input() -> None:
    with pytest.raises(SATCATError) as err:
        list(iter_satcat_csv(["OBJECT_NAME,OBJECT_ID", "X,1999-001A"], source="s"))
    assert err.value.code == "SATCAT_HEADER"
    with pytest.raises(ParseError) as perr:
        list(iter_satcat_csv(["", ""], source="s"))
    assert perr.value.code == "EMPTY_INPUT"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("VANGUARD 1", "PAYLOAD"),
        ("SL-16 R/B", "ROCKET BODY"),
        ("SL-12 R/B(2)", "ROCKET BODY"),  # R/B(n) = n-th stage (SATCAT format documentation)
        ("GOES 7 AKM", "ROCKET BODY"),
        ("COSMOS 1408 DEB", "DEBRIS"),
        ("USA 180 R/B DEB", "DEBRIS"),  # a piece of a rocket body is debris
        ("ATLAS 5 CENTAUR DEB", "DEBRIS"),
        ("BREEZE-M DEB [TANK]", "DEBRIS"),
        ("OBJECT D", "UNKNOWN"),
        ("TBA - TO BE ASSIGNED", "UNKNOWN"),
        ("DEBUT (ORIZURU)", "PAYLOAD"),  # a satellite, not 'DEB'
        (None, "UNKNOWN"),
    ],
)
def test_infer_object_type_from_names(name: str | None, expected: str) -> None:
    assert infer_object_type(name) == expected


def test_inferred_debris_count_on_the_2022_catalog(shared_data: Path) -> None:
    """MANIFEST: 12,357 debris in the 2022-07-15 full catalog, counted as names containing 'DEB'.

    That substring count includes the payload ``DEBUT (ORIZURU)``; whole-word DEB names are
    12,356, and every one of them must come out DEBRIS.
    """
    path = shared_data / "catalog/spacetrack-3le-full-catalog-2022-07-15.tle.gz"
    with gzip.open(path, "rt") as fh:
        names = [es.name for es in read_element_sets(fh, source=path.name)]
    deb_word = [n for n in names if n and "DEB" in n.replace("(", " ").replace(")", " ").split()]
    assert sum(1 for n in names if n and "DEB" in n) == 12357
    assert len(deb_word) == 12356
    assert all(infer_object_type(n) == "DEBRIS" for n in deb_word)
    rb_word = [n for n in names if n and "R/B" in n.split() and n not in deb_word]
    assert all(infer_object_type(n) == "ROCKET BODY" for n in rb_word)

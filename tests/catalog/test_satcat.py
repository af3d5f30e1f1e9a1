"""SATCAT readers (CelesTrak CSV, Space-Track CSV and JSON), their hardening, and the
name-based object-type fallback.

The CelesTrak layout is tested on a small CSV written here in the column layout of
CelesTrak's "SATCAT Format Documentation" (celestrak.org/satcat/satcat-format.php, CSV
format of 2023 May 7); the expected values are the cells themselves.  The Space-Track
readers are tested on the staged full SATCAT of 2026-01-19 (shared/data/MANIFEST.md,
"Object metadata"), with expected counts computed here by the ``json``/``csv`` modules
and the MANIFEST's examples.  The object-type inference is checked on the staged
2022-07-15 full catalog against the MANIFEST's debris count.  Hardening cases (issue 18)
build their inputs here; the property tests feed generated text and assert that only
orbitwatch errors escape.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orbitwatch.catalog.model import Reject, infer_object_type
from orbitwatch.catalog.reader import read_element_sets
from orbitwatch.catalog.satcat import (
    MAX_CELL_CHARS,
    MAX_JSON_RECORD_CHARS,
    SatcatRecord,
    iter_satcat,
    iter_satcat_csv,
    iter_satcat_json,
    normalise_object_type,
    sniff_satcat,
)
from orbitwatch.errors import OrbitwatchError, ParseError, SATCATError

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


# -- the staged Space-Track SATCAT (2026-01-19) ------------------------------------------

SATCAT_DIR = "satcat"
ST_JSON = "spacetrack-satcat-2026-01-19.json.gz"
ST_CSV = "spacetrack-satcat-2026-01-19.csv.gz"
ST_TYPES = {"PAYLOAD", "ROCKET BODY", "DEBRIS", "UNKNOWN"}


@pytest.fixture(scope="module")
def spacetrack_json(shared_data: Path) -> list[dict[str, str | None]]:
    """The staged SATCAT as the ``json`` module reads it (the independent reference)."""
    with gzip.open(shared_data / SATCAT_DIR / ST_JSON, "rt", encoding="utf-8") as fh:
        data: list[dict[str, str | None]] = json.load(fh)
    return data


@pytest.mark.parametrize("filename", [ST_JSON, ST_CSV])
def test_spacetrack_satcat_read_whole(
    shared_data: Path, spacetrack_json: list[dict[str, str | None]], filename: str
) -> None:
    """Every object of the 2026-01-19 SATCAT (JSON and CSV) is read, with the vocabulary normalised.

    Expected values: the ``json`` module's reading of the same file (MANIFEST: 67,422 objects,
    23,809 PAYLOAD, 35,731 DEBRIS, 6,810 ROCKET BODY, 1,072 UNKNOWN, 32,818 on orbit).
    """
    path = shared_data / SATCAT_DIR / filename
    with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
        records = list(iter_satcat(fh, source=filename))
    assert len(records) == len(spacetrack_json) == 67_422
    ref = {int(str(r["NORAD_CAT_ID"])): r for r in spacetrack_json}
    assert sorted(r.norad_id for r in records) == sorted(ref)  # the CSV is sorted, the JSON as downloaded
    assert Counter(r.object_type for r in records) == Counter(str(r["OBJECT_TYPE"]) for r in spacetrack_json)
    assert set(Counter(r.object_type for r in records)) == ST_TYPES
    assert sum(not r.decayed for r in records) == sum(r["DECAY"] is None for r in spacetrack_json) == 32_818
    assert all(r.vocabulary == "spacetrack" for r in records)
    for r in records:
        src = ref[r.norad_id]
        assert (r.name, r.cospar_id, r.owner, r.launch_site) == (
            src["SATNAME"], src["INTLDES"], src["COUNTRY"], src["SITE"])
        assert r.rcs_size == src["RCS_SIZE"]
        assert math.isnan(r.rcs_m2)  # RCSVALUE is always 0 = "no value" (MANIFEST)
        if src["APOGEE"] is not None and src["PERIGEE"] is not None:
            assert (r.apogee_km, r.perigee_km) == (float(src["APOGEE"]), float(src["PERIGEE"]))
        else:
            assert math.isnan(r.apogee_km) and math.isnan(r.perigee_km)
    by = {r.norad_id: r for r in records}
    # MANIFEST examples
    iss, cosmos, sj21 = by[25544], by[44797], by[49330]
    assert (iss.name, iss.owner, iss.launch_date, iss.launch_site) == (
        "ISS (ZARYA)", "CIS", np.datetime64("1998-11-20T00:00:00", "us"), "TTMTR")
    assert (cosmos.name, cosmos.owner, cosmos.decay_date) == (
        "COSMOS 2542", "CIS", np.datetime64("2023-10-24T00:00:00", "us"))
    assert (sj21.name, sj21.owner, sj21.launch_site, sj21.decayed) == ("SJ-21", "PRC", "XSC", False)


def test_sniff_tells_satcat_from_element_files(shared_data: Path) -> None:
    for filename, expected in ((ST_JSON, "json"), (ST_CSV, "csv")):
        with gzip.open(shared_data / SATCAT_DIR / filename, "rt", encoding="utf-8") as fh:
            assert sniff_satcat(fh.read(100_000)) == expected
    gp_csv = "CCSDS_OMM_VERS,OBJECT_NAME,OBJECT_ID,EPOCH,MEAN_MOTION,ECCENTRICITY,NORAD_CAT_ID,OBJECT_TYPE\n"
    gp_json = '[{"OBJECT_NAME": "ISS", "NORAD_CAT_ID": "25544", "OBJECT_TYPE": "PAYLOAD", "EPOCH": "2025-01-01"}]'
    assert sniff_satcat(gp_csv) is None and sniff_satcat(gp_json) is None
    assert sniff_satcat("1 25544U 98067A   25105.5 ...") is None
    assert sniff_satcat(HEADER) == "csv"


# -- hardening (issue 18) ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "code", "field"),
    [
        (ROWS[0].replace(",25544,", ",2\u00b2,"), "SATCAT_FIELD", "NORAD_CAT_ID"),  # '2²'.isdigit() is True
        (ROWS[0].replace(",25544,", ",\u0662\u0665544,"), "SATCAT_FIELD", "NORAD_CAT_ID"),  # Arabic-Indic digits
        (ROWS[0].replace(",421,", ",inf,"), "SATCAT_NOT_FINITE", "APOGEE"),
        (ROWS[0].replace(",415,", ",-inf,"), "SATCAT_NOT_FINITE", "PERIGEE"),
        (ROWS[0].replace(",92.98,", ",1e999,"), "SATCAT_NOT_FINITE", "PERIOD"),
        (ROWS[0].replace(",92.98,", ",nan,"), "SATCAT_NOT_FINITE", "PERIOD"),
        (ROWS[0].replace(",92.98,", ",\uff19\uff12,"), "SATCAT_FIELD", "PERIOD"),  # float() accepts fullwidth digits
        (ROWS[0].replace(",421,415,", ",400,415,"), "SATCAT_APOGEE_BELOW_PERIGEE", "APOGEE"),
        (ROWS[0].replace(",TTMTR,,", ",TTMTR,1998-11-19,"), "SATCAT_DECAY_BEFORE_LAUNCH", "DECAY_DATE"),
        (ROWS[0].replace("1998-11-20", "1998-02-30"), "SATCAT_FIELD", "LAUNCH_DATE"),
        (ROWS[0].replace("1998-11-20", "\u0661998-11-20"), "SATCAT_FIELD", "LAUNCH_DATE"),
        (ROWS[0].replace(",ISS,", ",I\u00d8S,"), "SATCAT_FIELD", "OWNER"),
    ],
)
def test_nonsense_is_a_field_level_code(row: str, code: str, field: str) -> None:
    with pytest.raises(SATCATError) as err:
        _read([ROWS[1], row])
    assert (err.value.code, err.value.field, err.value.line) == (code, field, 3)
    rejects: list[Reject] = []
    got = _read([ROWS[1], row, ROWS[2]], lenient=True, rejects=rejects)
    assert [r.norad_id for r in got] == [22285, 50000]
    assert [(r.code, r.line) for r in rejects] == [(code, 3)]


def test_decay_on_launch_day_and_equal_apsides_are_accepted() -> None:
    """Launch failures decay the day they launch; a circular orbit has apogee = perigee."""
    row = ROWS[0].replace(",TTMTR,,", ",TTMTR,1998-11-20,").replace(",421,415,", ",415,415,")
    (rec,) = _read([row])
    assert rec.decay_date == rec.launch_date and rec.apogee_km == rec.perigee_km == 415.0


def test_a_cell_over_128_kib_is_a_code_not_a_csv_error() -> None:
    big = ROWS[0].replace("ISS (ZARYA)", "X" * (MAX_CELL_CHARS + 1))
    with pytest.raises(SATCATError) as err:
        _read([ROWS[1], big])
    assert (err.value.code, err.value.line) == ("SATCAT_CELL_SIZE", 3)
    rejects: list[Reject] = []
    got = _read([ROWS[1], big, ROWS[2]], lenient=True, rejects=rejects)
    assert [r.norad_id for r in got] == [22285, 50000]
    assert [(r.code, r.line) for r in rejects] == [("SATCAT_CELL_SIZE", 3)]
    # a cell exactly at the limit is read
    (at_limit,) = _read([ROWS[0].replace("ISS (ZARYA)", "X" * MAX_CELL_CHARS)])
    assert at_limit.name is not None and len(at_limit.name) == MAX_CELL_CHARS


def _json(records: Sequence[Mapping[str, object]]) -> list[str]:
    return [json.dumps(records)]


def test_json_records_and_their_errors() -> None:
    good: dict[str, object] = {
        "NORAD_CAT_ID": "25544", "OBJECT_TYPE": "PAYLOAD", "SATNAME": "ISS (ZARYA)", "COUNTRY": "CIS",
        "LAUNCH": "1998-11-20", "DECAY": None, "APOGEE": "421", "PERIGEE": "415", "RCSVALUE": "0"}
    (rec,) = iter_satcat_json(_json([good]), source="st.json")
    assert (rec.norad_id, rec.name, rec.owner, rec.line, rec.vocabulary) == (25544, "ISS (ZARYA)", "CIS", 1,
                                                                              "spacetrack")
    numbers = {**good, "NORAD_CAT_ID": 25544, "APOGEE": 421.5}  # numbers instead of strings
    assert next(iter_satcat_json(_json([numbers]))).apogee_km == 421.5
    # pretty-printed over many lines, and a lone object
    assert [r.norad_id for r in iter_satcat_json(json.dumps([good, good], indent=2).splitlines(True))] == [25544] * 2
    assert [r.norad_id for r in iter_satcat_json([json.dumps(good)])] == [25544]
    cases: list[tuple[dict[str, object], str, str | None]] = [
        ({**good, "NORAD_CAT_ID": "2\u00b2"}, "SATCAT_FIELD", "NORAD_CAT_ID"),
        ({**good, "NORAD_CAT_ID": [25544]}, "SATCAT_FIELD", "NORAD_CAT_ID"),
        ({**good, "APOGEE": {"km": 1}}, "SATCAT_FIELD", "APOGEE"),
        ({**good, "APOGEE": True}, "SATCAT_FIELD", "APOGEE"),
        ({**good, "APOGEE": 10**400}, "SATCAT_NOT_FINITE", "APOGEE"),
        ({**good, "APOGEE": "400"}, "SATCAT_APOGEE_BELOW_PERIGEE", "APOGEE"),
        ({**good, "DECAY": "1990-01-01"}, "SATCAT_DECAY_BEFORE_LAUNCH", "DECAY_DATE"),
        ({**good, "SATNAME": "X" * (MAX_CELL_CHARS + 1)}, "SATCAT_CELL_SIZE", "SATNAME"),
    ]
    for bad, code, field in cases:
        with pytest.raises(SATCATError) as err:
            list(iter_satcat_json(_json([good, bad]), source="st.json"))
        assert (err.value.code, err.value.field, err.value.line) == (code, field, 2), bad
        rejects: list[Reject] = []
        got = list(iter_satcat_json(_json([good, bad, good]), lenient=True, rejects=rejects))
        assert len(got) == 2 and [(r.code, r.line) for r in rejects] == [(code, 2)]


@pytest.mark.parametrize(
    "text",
    [
        "[" * 50_000,  # nesting thousands deep (RecursionError)
        '[{"NORAD_CAT_ID": ' + "1" * 5000 + ', "OBJECT_TYPE": "PAY"}]',  # int beyond Python's str limit
        '[{"NORAD_CAT_ID": "1", "OBJECT_TYPE": "PAY"} {"NORAD_CAT_ID": "2"}]',
        '[{"NORAD_CAT_ID": "1", "OBJECT_TYPE": "PAY"}',
        '[{"NORAD_CAT_ID": "1", "OBJECT_TYPE": "PAY"}] trailing',
        '[{"NORAD_CAT_ID": "1", "OBJECT_TYPE": "PAY", "COMMENT": "' + "y" * (MAX_JSON_RECORD_CHARS + 10) + '"}]',
        "[1, 2]",
        '"a string"',
        "[{]",
    ],
)
def test_malformed_json_is_satcat_json(text: str) -> None:
    with pytest.raises(SATCATError) as err:
        list(iter_satcat_json([text], source="bad.json"))
    assert err.value.code == "SATCAT_JSON"
    assert err.value.source == "bad.json"
    # lenient: rejects instead (one per non-object element of "[1, 2]", else one that ends the input)
    rejects: list[Reject] = []
    list(iter_satcat_json([text], lenient=True, rejects=rejects))
    assert [r.code for r in rejects] == ["SATCAT_JSON"] * (2 if text == "[1, 2]" else 1)


# -- property tests: only orbitwatch errors escape -------------------------------------------

_CELL = st.one_of(
    st.sampled_from(["", "25544", "2\u00b2", "PAY", "R/B", "DEBRIS", "inf", "-inf", "nan", "1e999", "1998-11-20",
                     "1998-02-30", "0", "-1", "9" * 30, "\uff11", "\x00", '"', ",", "\n", "\xa0"]),
    st.text(max_size=12),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.lists(_CELL, min_size=0, max_size=20), max_size=6), lenient=st.booleans())
def test_property_satcat_csv_raises_only_orbitwatch_errors(rows: list[list[str]], lenient: bool) -> None:
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    text = buf.getvalue()
    for lines in ([HEADER + "\n", *text.splitlines(True)], text.splitlines(True)):
        rejects: list[Reject] = []
        try:
            for rec in iter_satcat_csv(lines, lenient=lenient, rejects=rejects):
                assert 0 < rec.norad_id <= 999_999_999 and rec.object_type in ST_TYPES
                assert not rec.apogee_km < rec.perigee_km
        except OrbitwatchError:
            assert not lenient, "lenient mode turns every problem into a reject"


_JSON_VALUE = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), _CELL),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)
_KEYS = st.sampled_from(["NORAD_CAT_ID", "OBJECT_TYPE", "SATNAME", "COUNTRY", "LAUNCH", "DECAY", "APOGEE",
                         "PERIGEE", "INCLINATION", "PERIOD", "RCS_SIZE", "x"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    records=st.lists(st.dictionaries(_KEYS, _JSON_VALUE, max_size=8), max_size=4),
    cut=st.integers(min_value=0, max_value=400),
    lenient=st.booleans(),
)
def test_property_satcat_json_raises_only_orbitwatch_errors(
    records: list[dict[str, object]], cut: int, lenient: bool
) -> None:
    text = json.dumps(records)
    for variant in (text, text[:cut], text[cut:]):
        try:
            for rec in iter_satcat_json([variant], lenient=lenient, rejects=[]):
                assert 0 < rec.norad_id <= 999_999_999 and rec.object_type in ST_TYPES
        except OrbitwatchError:
            assert not lenient, "lenient mode turns every problem into a reject"

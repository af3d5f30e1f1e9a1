"""CCSDS OMM (502.0-B) in KVN, XML, JSON and CSV: examples, real histories, TLE identity, errors.

References:

* the CCSDS OMM examples staged in shared/data/omm/ccsds-omm-examples (MANIFEST): good
  ones must parse to the values written in them, malformed ones must give their code;
* the CelesTrak GP CSV histories in shared/data/history/celestrak-active-omm-2026-07-19_08-22:
  row counts from the ``csv`` module and MANIFEST, a sample initialised independently
  with ``sgp4.omm.initialize`` (python-sgp4's own OMM reader) -- fields to 1e-15
  relative (double rounding), epoch to 1 microsecond;
* TLE <-> OMM identity: a small writer in this file turns TLE *text* columns into OMM
  decimal strings (no orbitwatch code involved), and the OMM read back must equal the
  TLE's :class:`ElementSet` exactly.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import json
import math
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sgp4 import omm as sgp4_omm
from sgp4.api import Satrec

from orbitwatch.catalog.model import ElementSet, Reject
from orbitwatch.catalog.omm import (
    element_set_from_omm,
    format_omm_kvn,
    format_omm_xml,
    iter_omm_json,
    parse_omm_epoch,
)
from orbitwatch.catalog.reader import detect_format, read_element_sets
from orbitwatch.catalog.tle import format_tle, iter_tle, parse_tle
from orbitwatch.errors import OMMError, TLEError

EXAMPLES = "omm/ccsds-omm-examples"

# Each malformed example and the code it must give (see orbitwatch.catalog.omm's docstring).
BAD_EXAMPLES = {
    "OMM-empty-object-id.txt": ("OMM_EMPTY_VALUE", 6, "OBJECT_ID"),
    "OMM-empty-object-id.xml": ("OMM_EMPTY_VALUE", 11, "OBJECT_ID"),
    "OMM-number-format-error.txt": ("OMM_NUMBER_FORMAT", 15, "ARG_OF_PERICENTER"),
    "OMM-wrong-keyword.txt": ("OMM_UNKNOWN_KEYWORD", 9, "WRONG_KEYWORD"),
    "spurious-metadata.xml": ("OMM_SPURIOUS_METADATA", 17, "metadata"),
    # Theory 'SOME THEORY', frame TOD, time system MRT, SEMI_MAJOR_AXIS: not SGP4 elements.
    "OMMExample3.txt": ("OMM_UNSUPPORTED_THEORY", 14, "MEAN_ELEMENT_THEORY"),
    # SGP4-XP elements (BTERM/AGOM) are not SGP4 mean elements.
    "OMMExample5.txt": ("OMM_UNSUPPORTED_THEORY", 10, "MEAN_ELEMENT_THEORY"),
}
GOOD_EXAMPLES = ("OMMExample1.txt", "OMMExample2.txt", "OMMExample2.xml", "OMM-with-units.xml",
                 "OMMExample4.txt", "OMMExample4.xml")


def _read(path: Path, **kw: object) -> list[ElementSet]:
    with open(path, encoding="utf-8") as fh:
        return list(read_element_sets(fh, source=path.name, **kw))  # type: ignore[arg-type]


def test_every_example_is_classified(shared_data: Path) -> None:
    names = {p.name for p in (shared_data / EXAMPLES).iterdir()}
    assert names == set(BAD_EXAMPLES) | set(GOOD_EXAMPLES)


@pytest.mark.parametrize("name", sorted(BAD_EXAMPLES))
def test_malformed_examples_give_their_code(shared_data: Path, name: str) -> None:
    code, line, field = BAD_EXAMPLES[name]
    with pytest.raises(OMMError) as err:
        _read(shared_data / EXAMPLES / name)
    assert (err.value.code, err.value.line, err.value.field) == (code, line, field)
    assert err.value.source == name
    rejects: list[Reject] = []
    assert _read(shared_data / EXAMPLES / name, lenient=True, rejects=rejects) == []
    assert [r.code for r in rejects] == [code]


@pytest.mark.parametrize("name", GOOD_EXAMPLES)
def test_good_examples_parse_to_their_written_values(shared_data: Path, name: str) -> None:
    (es,) = _read(shared_data / EXAMPLES / name)
    if es.norad_id == 23581:  # GOES 9, values as written in OMMExample1/2 and OMM-with-units
        # EPOCH 2007-064T10:34:41.4264: day 64 of 2007 = 5 March.
        assert es.epoch == np.datetime64("2007-03-05T10:34:41.426400", "us")
        assert (es.mean_motion_rev_per_day, es.eccentricity, es.inclination_deg) == (1.00273272, 0.0005013, 3.0539)
        assert (es.raan_deg, es.arg_perigee_deg, es.mean_anomaly_deg) == (81.7939, 249.2363, 150.1602)
        assert (es.bstar_per_earth_radius, es.mean_motion_dot_rev_per_day2) == (0.0001, -0.00000113)
        assert (es.element_set_no, es.rev_at_epoch, es.cospar_id) == (925, 4316, "1995-025A")
        assert es.name in ("GOES 9", "GOES-9")
    else:  # STARLETTE, OMMExample4
        assert es.norad_id == 7646
        assert es.epoch == np.datetime64("2021-03-22T13:21:09.224928", "us")
        assert (es.mean_motion_rev_per_day, es.eccentricity, es.bstar_per_earth_radius) == (
            13.82309053, 0.0205751, -0.47102e-5)
        assert (es.mean_motion_dot_rev_per_day2, es.element_set_no, es.rev_at_epoch) == (-0.147e-5, 999, 32997)
        assert (es.name, es.cospar_id) == ("STARLETTE", "1975-010A")
    assert es.source == name


def test_kvn_and_xml_twins_agree(shared_data: Path) -> None:
    ex = shared_data / EXAMPLES
    assert _read(ex / "OMMExample4.txt") == _read(ex / "OMMExample4.xml")
    kvn, xml = _read(ex / "OMMExample1.txt")[0], _read(ex / "OMMExample2.xml")[0]
    assert kvn == xml.replace(name="GOES 9")  # the XML twin spells the name GOES-9


def test_example4_xml_agrees_with_sgp4_omm_reader(shared_data: Path) -> None:
    path = shared_data / EXAMPLES / "OMMExample4.xml"
    (fields,) = list(sgp4_omm.parse_xml(str(path)))
    sat = Satrec()
    sgp4_omm.initialize(sat, fields)
    (es,) = _read(path)
    _assert_matches_satrec(es, sat, f"{path.name}")


def _assert_matches_satrec(es: ElementSet, sat: Satrec, where: str) -> None:
    xpdotp = 1440.0 / (2.0 * math.pi)
    assert es.norad_id == sat.satnum, where
    for ours, ref in (
        (math.radians(es.inclination_deg), sat.inclo),
        (math.radians(es.raan_deg), sat.nodeo),
        (math.radians(es.arg_perigee_deg), sat.argpo),
        (math.radians(es.mean_anomaly_deg), sat.mo),
        (es.eccentricity, sat.ecco),
        (es.mean_motion_rev_per_day / xpdotp, sat.no_kozai),
        (es.bstar_per_earth_radius, sat.bstar),
        (es.mean_motion_dot_rev_per_day2 / (xpdotp * 1440.0), sat.ndot),
        (es.mean_motion_ddot_rev_per_day3 / (xpdotp * 1440.0 * 1440.0), sat.nddot),
    ):
        assert ours == pytest.approx(ref, rel=1e-14, abs=1e-300), where
    us = int(np.datetime64(es.epoch, "us").astype(np.int64))
    jd_ours = us / 86400e6 + 2440587.5
    assert abs(jd_ours - (sat.jdsatepoch + sat.jdsatepochF)) * 86400e6 < 1.0, where  # 1 us


# ------------------------------------------------------------------ CelesTrak CSV histories


@pytest.mark.parametrize(
    ("name", "rows", "objects"),
    [
        ("active-omm-geo-history.csv.gz", 45563, 592),
        ("active-omm-leo-meo-noconstellations-history.csv.gz", 255716, 3198),
    ],
)
def test_celestrak_csv_history_ingests(shared_data: Path, name: str, rows: int, objects: int) -> None:
    path = shared_data / "history/celestrak-active-omm-2026-07-19_08-22" / name
    sample: dict[int, dict[str, str]] = {}
    ref_ids = set()
    n_rows = 0
    with gzip.open(path, "rt", newline="") as fh:  # independent reading with the csv module
        reader = csv.DictReader(fh)
        for row in reader:
            n_rows += 1
            ref_ids.add(row["NORAD_CAT_ID"])
            if reader.line_num % 997 == 0:
                sample[reader.line_num] = row
    assert n_rows == rows  # MANIFEST count
    rejects: list[Reject] = []
    got = []
    with gzip.open(path, "rt", newline="") as fh:
        for es in read_element_sets(fh, source=name, lenient=True, rejects=rejects):
            got.append((es.norad_id, es.line))
            if es.line in sample:
                fields = sample[es.line]
                sat = Satrec()
                sgp4_omm.initialize(sat, fields)
                _assert_matches_satrec(es, sat, f"{name}:{es.line}")
                assert es.name == fields["OBJECT_NAME"] and es.cospar_id == fields["OBJECT_ID"]
                # A REF_FRAME keyword sends the row through the full keyword-by-keyword path.
                assert es == element_set_from_omm({**fields, "REF_FRAME": "TEME"})
    assert rejects == []
    assert len(got) == rows
    ids = {n for n, _ in got}
    assert len(ids) == objects == len(ref_ids)
    assert len(sample) == (rows + 1) // 997  # every sampled row was cross-checked above
    assert any(n > 99999 for n in ids)  # six-digit catalog numbers travel through


# ------------------------------------------------------------------ TLE <-> OMM identity

_A5 = {c: 10 + i for i, c in enumerate("ABCDEFGHJKLMNPQRSTUVWXYZ")}


def _independent_omm_fields(name: str | None, l1: str, l2: str) -> dict[str, str]:
    """OMM keyword strings made from TLE text columns (CelesTrak's GP conventions)."""
    cat = l1[2:7].strip()
    norad = _A5[cat[0]] * 10000 + int(cat[1:]) if cat[0].isalpha() else int(cat)
    yy = int(l1[18:20])
    year = 1900 + yy if yy >= 57 else 2000 + yy
    frac = l1[24:32]
    epoch = dt.datetime(year, 1, 1) + dt.timedelta(days=int(l1[20:23]) - 1, microseconds=int(frac) * 864)

    def implied(s: str) -> str:
        exp = s[6:8].replace(" ", "+")
        return f"{'-' if s[0] == '-' else ''}0.{s[1:6]}E{exp}"

    intl = l1[9:17].strip()
    yy2 = int(intl[:2]) if intl else 0
    object_id = (f"{1900 + yy2 if yy2 >= 57 else 2000 + yy2}-{intl[2:5]}{intl[5:].strip()}" if intl else "")
    return {
        "OBJECT_NAME": (name or "").removeprefix("0 ").strip(),
        "OBJECT_ID": object_id,
        "EPOCH": epoch.strftime("%Y-%m-%dT%H:%M:%S.%f"),
        "MEAN_MOTION": l2[52:63].strip(),
        "ECCENTRICITY": "." + l2[26:33],
        "INCLINATION": l2[8:16].strip(),
        "RA_OF_ASC_NODE": l2[17:25].strip(),
        "ARG_OF_PERICENTER": l2[34:42].strip(),
        "MEAN_ANOMALY": l2[43:51].strip(),
        "EPHEMERIS_TYPE": l1[62].strip() or "0",
        "CLASSIFICATION_TYPE": l1[7],
        "NORAD_CAT_ID": str(norad),
        "ELEMENT_SET_NO": l1[64:68].strip(),
        "REV_AT_EPOCH": l2[63:68].strip(),
        "BSTAR": implied(l1[53:61]),
        "MEAN_MOTION_DOT": l1[33:43].strip(),
        "MEAN_MOTION_DDOT": implied(l1[44:52]),
    }


def _kvn(f: dict[str, str]) -> str:
    head = ["CCSDS_OMM_VERS = 2.0", "CREATION_DATE = 2025-04-15T00:00:00", "ORIGINATOR = TEST",
            "CENTER_NAME = EARTH", "REF_FRAME = TEME", "TIME_SYSTEM = UTC", "MEAN_ELEMENT_THEORY = SGP4"]
    order = ["OBJECT_NAME", "OBJECT_ID"]
    return "\n".join(head[:3] + [f"{k} = {f[k]}" for k in order] + head[3:]
                     + [f"{k} = {v}" for k, v in f.items() if k not in order]) + "\n"


def _xml(fs: list[dict[str, str]]) -> str:
    meta = ("OBJECT_NAME", "OBJECT_ID")
    mean = ("EPOCH", "MEAN_MOTION", "ECCENTRICITY", "INCLINATION", "RA_OF_ASC_NODE", "ARG_OF_PERICENTER",
            "MEAN_ANOMALY")
    out = ['<?xml version="1.0" encoding="UTF-8"?>', '<ndm xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">']
    for f in fs:
        out += ['<omm id="CCSDS_OMM_VERS" version="2.0">',
                "<header><CREATION_DATE>2025-04-15T00:00:00</CREATION_DATE><ORIGINATOR>T</ORIGINATOR></header>",
                "<body><segment><metadata>"]
        out += [f"<{k}>{f[k]}</{k}>" for k in meta]
        out += ["<CENTER_NAME>EARTH</CENTER_NAME><REF_FRAME>TEME</REF_FRAME><TIME_SYSTEM>UTC</TIME_SYSTEM>",
                "<MEAN_ELEMENT_THEORY>SGP4</MEAN_ELEMENT_THEORY></metadata><data><meanElements>"]
        out += [f'<{k} units="deg">{f[k]}</{k}>' if k in mean[3:] else f"<{k}>{f[k]}</{k}>" for k in mean]
        out += ["</meanElements><tleParameters>"]
        out += [f"<{k}>{v}</{k}>" for k, v in f.items() if k not in meta and k not in mean]
        out += ["</tleParameters></data></segment></body></omm>"]
    out.append("</ndm>")
    return "\n".join(out) + "\n"


def _csv(fs: list[dict[str, str]]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(fs[0]))
    w.writeheader()
    w.writerows(fs)
    return buf.getvalue()


def _json_celestrak(fs: list[dict[str, str]]) -> str:
    ints = {"EPHEMERIS_TYPE", "NORAD_CAT_ID", "ELEMENT_SET_NO", "REV_AT_EPOCH"}
    texts = {"OBJECT_NAME", "OBJECT_ID", "EPOCH", "CLASSIFICATION_TYPE"}
    rows = [{k: (v if k in texts else int(v) if k in ints else float(v)) for k, v in f.items()} for f in fs]
    return json.dumps(rows, indent=4)  # numbers as JSON numbers, pretty-printed like CelesTrak


def _json_spacetrack(fs: list[dict[str, str]]) -> str:
    extra = {"CCSDS_OMM_VERS": "2.0", "OBJECT_TYPE": "PAYLOAD", "RCS_SIZE": None, "DECAY_DATE": None,
             "GP_ID": "123", "TLE_LINE0": "0 X", "SEMIMAJOR_AXIS": "7000.0", "MEAN_ELEMENT_THEORY": "SGP4"}
    return json.dumps([{**extra, **f} for f in fs], separators=(",", ":"))  # all strings, one line


@pytest.fixture(scope="module")
def tle_sample(shared_data: Path) -> list[tuple[str | None, str, str]]:
    """Every 40th 3LE of CelesTrak active 2025-04-15 and the Alpha-5 records of the full catalog."""
    out: list[tuple[str | None, str, str]] = []
    with gzip.open(shared_data / "catalog/celestrak-active-2025-04-15.tle.gz", "rt") as fh:
        lines = [ln.rstrip("\n") for ln in fh]
    for i in range(0, len(lines), 3 * 40):
        out.append((lines[i], lines[i + 1], lines[i + 2]))
    with gzip.open(shared_data / "catalog/spacetrack-tle-full-catalog-2025-04-15.tle.gz", "rt") as fh:
        lines = [ln.rstrip("\n") for ln in fh]
    for i in range(0, len(lines), 2):
        if lines[i][2].isalpha() and int(lines[i][3:7]) % 10 == 0:
            out.append((None, lines[i], lines[i + 1]))
    with open(shared_data / "fragmentation/parent-objects-pre-event.tle") as fh:
        lines = [ln.rstrip("\n") for ln in fh]
    for i in range(0, len(lines), 3):
        out.append((lines[i], lines[i + 1], lines[i + 2]))
    return out


def test_tle_and_omm_of_the_same_element_set_are_identical(
    tle_sample: list[tuple[str | None, str, str]],
) -> None:
    from_tle = []
    for name, l1, l2 in tle_sample:
        (es,) = list(iter_tle([name, l1, l2] if name else [l1, l2], source="t"))
        from_tle.append(es if name else es.replace(name=None))
    assert len(from_tle) > 100 and any(e.norad_id > 99999 for e in from_tle)
    fields = [_independent_omm_fields(n, l1, l2) for n, l1, l2 in tle_sample]
    for f, es in zip(fields, from_tle, strict=True):
        if es.name is None:
            del f["OBJECT_NAME"]
        if es.cospar_id is None:
            del f["OBJECT_ID"]

    def same(got: list[ElementSet], fmt: str) -> None:
        assert len(got) == len(from_tle), fmt
        for a, b in zip(got, from_tle, strict=True):
            assert a == b, (fmt, a, b)

    named = [(f, e) for f, e in zip(fields, from_tle, strict=True) if e.name and e.cospar_id]
    kvn = "".join(_kvn(f) for f, _ in named)
    got = list(read_element_sets(io.StringIO(kvn), source="k"))
    assert got == [e for _, e in named]
    got = list(read_element_sets(io.StringIO(_xml([f for f, _ in named])), source="x"))
    assert got == [e for _, e in named]
    full = [{**f, "OBJECT_NAME": f.get("OBJECT_NAME", ""), "OBJECT_ID": f.get("OBJECT_ID", "")} for f in fields]
    same(list(read_element_sets(io.StringIO(_csv(full)), source="c")), "csv")
    same(list(read_element_sets(io.StringIO(_json_celestrak(fields)), source="j")), "json-celestrak")
    same(list(read_element_sets(io.StringIO(_json_spacetrack(fields)), source="s")), "json-spacetrack")


def test_writers_round_trip_and_match_sgp4_omm(tle_sample: list[tuple[str | None, str, str]]) -> None:
    for name, l1, l2 in tle_sample[:60]:
        (es,) = list(iter_tle([name, l1, l2] if name else [l1, l2], source="t"))
        if es.name is None or es.cospar_id is None:
            continue
        kvn = format_omm_kvn(es, creation_date=np.datetime64("2025-04-15T00:00:00", "us"))
        assert detect_format(kvn.splitlines()) == "omm-kvn"
        assert list(read_element_sets(kvn.splitlines(), source="w")) == [es]
        xml = format_omm_xml(es)
        assert list(read_element_sets(xml.splitlines(keepends=True), source="w")) == [es]
        # python-sgp4's XML reader understands our XML and gives the same Satrec.
        (f,) = list(sgp4_omm.parse_xml(io.StringIO(xml)))
        sat = Satrec()
        sgp4_omm.initialize(sat, f)
        _assert_matches_satrec(es, sat, es.name)


def test_catalog_numbers_above_99999_end_to_end() -> None:
    base = _independent_omm_fields(
        "0 TEST",
        ISS1,
        ISS2,
    )
    for norad in (100140, 339999, 340000, 123456789, 999999999):
        f = {**base, "NORAD_CAT_ID": str(norad)}
        (es,) = list(read_element_sets(io.StringIO(_json_spacetrack([f])), source="j"))
        assert es.norad_id == norad
        again = list(read_element_sets(format_omm_kvn(es).splitlines(), source="k"))
        assert again == [es]
        if norad <= 339999:
            assert iter_tle(format_tle(es), source="t").__next__() == es.replace(name=None)
        else:
            with pytest.raises(TLEError) as err:
                format_tle(es)
            assert err.value.code == "TLE_ID_RANGE"
    with pytest.raises(OMMError) as e:
        element_set_from_omm({**base, "NORAD_CAT_ID": "1000000000"})
    assert e.value.code == "OMM_VALUE_RANGE"


# ------------------------------------------------------------------ errors and quirks

# ISS from history/celestrak-groups-2026-05-24_30/stations-history-2026-05-24_30.tle.gz.
ISS1 = "1 25544U 98067A   26143.80969095  .00007235  00000+0  13771-3 0  9990"
ISS2 = "2 25544  51.6325  60.7811 0007520  90.7634 269.4217 15.49334650567975"

GOES_KVN = """CCSDS_OMM_VERS = 2.0
CREATION_DATE = 2007-065T16:00:00
ORIGINATOR = NOAA/USA
OBJECT_NAME = GOES 9
OBJECT_ID = 1995-025A
CENTER_NAME = EARTH
REF_FRAME = TEME
TIME_SYSTEM = UTC
MEAN_ELEMENT_THEORY = SGP/SGP4
EPOCH = 2007-064T10:34:41.4264
MEAN_MOTION = 1.00273272 [rev/day]
ECCENTRICITY = 0.0005013
INCLINATION = 3.0539 [deg]
RA_OF_ASC_NODE = 81.7939
ARG_OF_PERICENTER = 249.2363
MEAN_ANOMALY = 150.1602
EPHEMERIS_TYPE = 0
CLASSIFICATION_TYPE = U
NORAD_CAT_ID = 23581
ELEMENT_SET_NO = 0925
REV_AT_EPOCH = 4316
BSTAR = 0.0001
MEAN_MOTION_DOT = -0.00000113
MEAN_MOTION_DDOT = 0.0
"""


def _kvn_code(text: str) -> OMMError:
    with pytest.raises(OMMError) as err:
        list(read_element_sets(text.splitlines(), source="t.kvn"))
    return err.value


@pytest.mark.parametrize(
    ("old", "new", "code"),
    [
        ("REF_FRAME = TEME", "REF_FRAME = GCRF", "OMM_UNSUPPORTED_FRAME"),
        ("CENTER_NAME = EARTH", "CENTER_NAME = MOON", "OMM_UNSUPPORTED_FRAME"),
        ("TIME_SYSTEM = UTC", "TIME_SYSTEM = TAI", "OMM_UNSUPPORTED_TIME_SYSTEM"),
        ("MEAN_ELEMENT_THEORY = SGP/SGP4", "MEAN_ELEMENT_THEORY = SGP4-XP", "OMM_UNSUPPORTED_THEORY"),
        ("BSTAR = 0.0001\n", "", "OMM_MISSING_KEYWORD"),
        ("MEAN_ELEMENT_THEORY = SGP/SGP4\n", "", "OMM_MISSING_KEYWORD"),
        ("ECCENTRICITY = 0.0005013", "ECCENTRICITY = 1.2", "OMM_VALUE_RANGE"),
        ("INCLINATION = 3.0539 [deg]", "INCLINATION = 190", "OMM_VALUE_RANGE"),
        ("MEAN_MOTION = 1.00273272 [rev/day]", "MEAN_MOTION = -1", "OMM_VALUE_RANGE"),
        ("MEAN_ANOMALY = 150.1602", "MEAN_ANOMALY = nan", "OMM_NUMBER_FORMAT"),
        ("NORAD_CAT_ID = 23581", "NORAD_CAT_ID = 23581.5", "OMM_NUMBER_FORMAT"),
        ("EPOCH = 2007-064T10:34:41.4264", "EPOCH = 2007-400T10:34:41", "OMM_TIME_FORMAT"),
        ("EPOCH = 2007-064T10:34:41.4264", "EPOCH = yesterday", "OMM_TIME_FORMAT"),
        ("REV_AT_EPOCH = 4316", "REV_AT_EPOCH = 4316\nREV_AT_EPOCH = 4317", "OMM_DUPLICATE_KEYWORD"),
        ("REV_AT_EPOCH = 4316", "REV_AT_EPOCH = 4316\nOBJECT_NAME = X", "OMM_SPURIOUS_METADATA"),
        ("REV_AT_EPOCH = 4316", "REV_AT_EPOCH 4316", "OMM_KVN_SYNTAX"),
    ],
)
def test_kvn_error_codes(old: str, new: str, code: str) -> None:
    assert old in GOES_KVN
    assert _kvn_code(GOES_KVN.replace(old, new)).code == code


def test_kvn_accepts_units_comments_and_user_defined() -> None:
    text = GOES_KVN.replace("EPOCH =", "COMMENT mean elements\nEPOCH =", 1) + "USER_DEFINED_X = 1\n"
    (es,) = list(read_element_sets(text.splitlines(), source="t"))
    assert es.mean_motion_rev_per_day == 1.00273272 and es.inclination_deg == 3.0539


def test_lenient_kvn_keeps_good_messages() -> None:
    bad = GOES_KVN.replace("ECCENTRICITY = 0.0005013", "ECCENTRICITY = x")
    text = GOES_KVN + bad + GOES_KVN.replace("23581", "23582")
    rejects: list[Reject] = []
    got = list(read_element_sets(text.splitlines(), source="m.kvn", lenient=True, rejects=rejects))
    assert [e.norad_id for e in got] == [23581, 23582]
    assert [e.line for e in got] == [1, 49]
    assert [(r.code, r.line, r.norad) for r in rejects] == [("OMM_NUMBER_FORMAT", 36, 23581)]


def test_malformed_xml_json_and_csv() -> None:
    xml = format_omm_xml(element_set_from_omm(_independent_omm_fields(
        "0 ISS", ISS1,
        ISS2)))
    with pytest.raises(OMMError) as err:
        list(read_element_sets(xml.replace("</meanElements>", "").splitlines(), source="x"))
    assert err.value.code == "OMM_XML_MALFORMED"
    with pytest.raises(OMMError) as err:
        list(read_element_sets(xml.replace("<EPOCH>", "<EPOCHE>").replace("</EPOCH>", "</EPOCHE>").splitlines(),
                               source="x"))
    assert err.value.code == "OMM_UNKNOWN_KEYWORD"
    with pytest.raises(OMMError) as err:
        list(read_element_sets(["<html><body>503 Service Unavailable</body></html>"], source="x"))
    assert err.value.code == "OMM_STRUCTURE"
    with pytest.raises(OMMError) as err:
        list(read_element_sets(['[{"NORAD_CAT_ID": 1,', '"EPOCH": '], source="j"))
    assert err.value.code == "OMM_JSON_MALFORMED"
    with pytest.raises(OMMError) as err:
        list(read_element_sets(["[1, 2]"], source="j"))
    assert err.value.code == "OMM_JSON_MALFORMED"
    with pytest.raises(OMMError) as err:
        list(read_element_sets(["OBJECT_NAME,NORAD_CAT_ID,EPOCH", "X,1,2025-01-01T00:00:00"], source="c"))
    assert (err.value.code, err.value.line) == ("OMM_CSV_HEADER", 1)
    f = _independent_omm_fields(None, ISS1,
                                ISS2)
    text = _csv([f, f]).splitlines()
    text[2] += ",extra"
    rejects: list[Reject] = []
    got = list(read_element_sets(text, source="c", lenient=True, rejects=rejects))
    assert len(got) == 1 and [(r.code, r.line, r.norad) for r in rejects] == [("OMM_CSV_ROW", 3, 25544)]


def test_json_streams_object_by_object() -> None:
    f = _independent_omm_fields("0 ISS", ISS1,
                                ISS2)
    record = json.dumps(f, indent=2).splitlines()
    consumed = 0
    n = 5_000

    def lines() -> Iterator[str]:
        nonlocal consumed
        yield "["
        for i in range(n):
            for line in record:
                consumed += 1
                yield line
            if i < n - 1:
                yield ","
        yield "]"

    it = iter_omm_json(lines(), source="gen")
    assert next(it).norad_id == 25544
    assert consumed <= 2 * len(record)
    assert sum(1 for _ in it) == n - 1


def test_space_track_day_of_year_and_zone_epochs() -> None:
    assert parse_omm_epoch("2007-064T10:34:41.4264") == np.datetime64("2007-03-05T10:34:41.426400", "us")
    assert parse_omm_epoch("2024-366T00:00:00Z") == np.datetime64("2024-12-31T00:00:00", "us")
    assert parse_omm_epoch("2020-05-13 19:50:51.999648") == np.datetime64("2020-05-13T19:50:51.999648", "us")


def test_detect_format() -> None:
    assert detect_format(["", "CCSDS_OMM_VERS = 3.0"]) == "omm-kvn"
    assert detect_format(['<?xml version="1.0"?>']) == "omm-xml"
    assert detect_format(["[{"]) == "omm-json"
    assert detect_format(["OBJECT_NAME,OBJECT_ID,EPOCH,MEAN_MOTION,NORAD_CAT_ID"]) == "omm-csv"
    assert detect_format(["ISS (ZARYA)"]) == "tle"
    assert detect_format([ISS1]) == "tle"


def test_omm_fields_and_tle_give_the_same_set() -> None:
    f = _independent_omm_fields("0 ISS", ISS1, ISS2)
    assert element_set_from_omm(f) == parse_tle(ISS1, ISS2, "0 ISS")


def test_lenient_xml_and_json_keep_good_records() -> None:
    good = _independent_omm_fields("0 ISS", ISS1, ISS2)
    bad = {**good, "ECCENTRICITY": "x", "NORAD_CAT_ID": "25545"}
    other = {**good, "NORAD_CAT_ID": "25546"}
    for text, fmt in ((_xml([good, bad, other]), "xml"), (_json_spacetrack([good, bad, other]), "json")):
        rejects: list[Reject] = []
        got = list(read_element_sets(io.StringIO(text), source=fmt, lenient=True, rejects=rejects))
        assert [e.norad_id for e in got] == [25544, 25546], fmt
        assert [(r.code, r.norad) for r in rejects] == [("OMM_NUMBER_FORMAT", 25545)], fmt
        assert rejects[0].line is not None


_names = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), min_size=1, max_size=30).map(
    str.strip).filter(bool)


@settings(max_examples=150, deadline=None)
@given(
    norad=st.integers(1, 999_999_999),
    epoch_us=st.integers(-12 * 365 * 86_400_000_000, 80 * 365 * 86_400_000_000),  # 1958..2049
    floats=st.tuples(st.floats(1e-3, 20.0), st.floats(0.0, 0.999), st.floats(0.0, 180.0),
                     st.floats(0.0, 360.0), st.floats(0.0, 360.0), st.floats(0.0, 360.0),
                     st.floats(-1.0, 1.0), st.floats(-1e-2, 1e-2), st.floats(-1e-5, 1e-5)),
    name=_names,
    cospar=_names,
    ints=st.tuples(st.integers(0, 9), st.integers(0, 9999), st.integers(0, 10**6)),
)
def test_kvn_and_xml_writers_round_trip_any_element_set(
    norad: int, epoch_us: int, floats: tuple[float, ...], name: str, cospar: str, ints: tuple[int, int, int],
) -> None:
    """Names with '&', '<', '=', '[...]' and ids up to nine digits come back unchanged."""
    es = ElementSet(norad, np.datetime64(epoch_us, "us"), *floats, name=name, cospar_id=cospar,
                    ephemeris_type=ints[0], element_set_no=ints[1], rev_at_epoch=ints[2])
    kvn = format_omm_kvn(es)
    assert list(read_element_sets(kvn.splitlines(), source="k")) == [es]
    xml = format_omm_xml(es)
    assert list(read_element_sets(io.StringIO(xml), source="x")) == [es]

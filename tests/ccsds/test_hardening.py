"""Issue 18 regression cases for the CCSDS readers: every input in the issue's "Found" list,
built here (no copied files), must give its coded orbitwatch error when strict and one
counted reject, with the rest of the batch read, when lenient.

The expected codes are the catalogued ones (``orbitwatch.catalog.omm`` / ``cdm`` / ``oem``
docstrings); the good records are ISS 25544 elements written out by hand below.
"""

from __future__ import annotations

import csv
import io
import json
import re
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pytest

from orbitwatch.catalog.model import Reject
from orbitwatch.catalog.reader import read_element_sets
from orbitwatch.ccsds.cdm import CDM, build_cdm, read_cdm, write_cdm_kvn, write_cdm_xml
from orbitwatch.ccsds.oem import read_oem
from orbitwatch.errors import CDMError, OEMError, OMMError

# ISS (ZARYA) elements as a CelesTrak GP record, all values as text.
ISS: dict[str, str] = {
    "OBJECT_NAME": "ISS (ZARYA)", "OBJECT_ID": "1998-067A", "EPOCH": "2026-05-23T19:25:57.298080",
    "MEAN_MOTION": "15.4933465", "ECCENTRICITY": "0.000752", "INCLINATION": "51.6325",
    "RA_OF_ASC_NODE": "60.7811", "ARG_OF_PERICENTER": "90.7634", "MEAN_ANOMALY": "269.4217",
    "EPHEMERIS_TYPE": "0", "CLASSIFICATION_TYPE": "U", "NORAD_CAT_ID": "25544", "ELEMENT_SET_NO": "999",
    "REV_AT_EPOCH": "56797", "BSTAR": "0.00013771", "MEAN_MOTION_DOT": "7.235e-05", "MEAN_MOTION_DDOT": "0.0",
}
_META = ("OBJECT_NAME", "OBJECT_ID")
_MEAN = ("EPOCH", "MEAN_MOTION", "ECCENTRICITY", "INCLINATION", "RA_OF_ASC_NODE", "ARG_OF_PERICENTER",
         "MEAN_ANOMALY")


def _records(bad: dict[str, str]) -> list[dict[str, str]]:
    """Good ISS, the bad record (NORAD 25545 unless it sets its own), good ISS as 25546."""
    return [ISS, {**ISS, "NORAD_CAT_ID": "25545", **bad}, {**ISS, "NORAD_CAT_ID": "25546"}]


def _kvn(fs: list[dict[str, str]]) -> str:
    out = []
    for f in fs:
        out += ["CCSDS_OMM_VERS = 2.0", "CREATION_DATE = 2026-05-24T00:00:00", "ORIGINATOR = TEST"]
        out += [f"{k} = {f[k]}" for k in _META]
        out += ["CENTER_NAME = EARTH", "REF_FRAME = TEME", "TIME_SYSTEM = UTC", "MEAN_ELEMENT_THEORY = SGP4"]
        out += [f"{k} = {v}" for k, v in f.items() if k not in _META]
    return "\n".join(out) + "\n"


def _xml(fs: list[dict[str, str]]) -> str:
    out = ['<?xml version="1.0" encoding="UTF-8"?>', "<ndm>"]
    for f in fs:
        out += ['<omm id="CCSDS_OMM_VERS" version="2.0">',
                "<header><CREATION_DATE>2026-05-24T00:00:00</CREATION_DATE><ORIGINATOR>T</ORIGINATOR></header>",
                "<body><segment><metadata>", *(f"<{k}>{f[k]}</{k}>" for k in _META),
                "<CENTER_NAME>EARTH</CENTER_NAME><REF_FRAME>TEME</REF_FRAME><TIME_SYSTEM>UTC</TIME_SYSTEM>",
                "<MEAN_ELEMENT_THEORY>SGP4</MEAN_ELEMENT_THEORY></metadata><data><meanElements>",
                *(f"<{k}>{f[k]}</{k}>" for k in _MEAN), "</meanElements><tleParameters>",
                *(f"<{k}>{v}</{k}>" for k, v in f.items() if k not in _META and k not in _MEAN),
                "</tleParameters></data></segment></body></omm>"]
    out.append("</ndm>")
    return "\n".join(out) + "\n"


def _csv(fs: list[dict[str, str]]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(ISS))
    w.writeheader()
    w.writerows(fs)
    return buf.getvalue()


def _json(fs: list[dict[str, str]]) -> str:
    return json.dumps(fs, indent=1)


WRITERS: dict[str, Callable[[list[dict[str, str]]], str]] = {"kvn": _kvn, "xml": _xml, "csv": _csv, "json": _json}


def _strict_code(text: str) -> tuple[str, str | None]:
    with pytest.raises(OMMError) as err:
        list(read_element_sets(io.StringIO(text), source="t"))
    return err.value.code, err.value.field


def _lenient(text: str) -> tuple[list[int], list[Reject]]:
    rejects: list[Reject] = []
    got = [es.norad_id for es in read_element_sets(io.StringIO(text), source="t", lenient=True, rejects=rejects)]
    return got, rejects


# ------------------------------------------------------------------ OMM: every encoding

FIVE_THOUSAND_DIGITS = "7" * 5000

FIELD_CASES = [
    # (bad fields, code, field)
    ({"NORAD_CAT_ID": FIVE_THOUSAND_DIGITS}, "OMM_VALUE_RANGE", "NORAD_CAT_ID"),
    ({"EPOCH": "1066-10-14T09:00:00.000000"}, "OMM_VALUE_RANGE", "EPOCH"),
    ({"EPOCH": "9999-12-31T23:59:59.000000"}, "OMM_VALUE_RANGE", "EPOCH"),
    ({"EPOCH": "-999-05-23T19:25:57.298080"}, "OMM_VALUE_RANGE", "EPOCH"),  # numpy reads year -999
    ({"EPOCH": "-999-01-01T00:00:00"}, "OMM_TIME_FORMAT", "EPOCH"),  # not a CCSDS time at all
    ({"MEAN_MOTION": "500.0"}, "OMM_VALUE_RANGE", "MEAN_MOTION"),
    ({"BSTAR": "1e300"}, "OMM_VALUE_RANGE", "BSTAR"),
    ({"MEAN_MOTION_DOT": "3.5"}, "OMM_VALUE_RANGE", "MEAN_MOTION_DOT"),
]


@pytest.mark.parametrize("fmt", list(WRITERS))
@pytest.mark.parametrize(("bad", "code", "field"), FIELD_CASES)
def test_omm_nonsense_values_are_field_level_codes(fmt: str, bad: dict[str, str], code: str, field: str) -> None:
    text = WRITERS[fmt](_records(bad))
    assert _strict_code(text) == (code, field)
    got, rejects = _lenient(text)
    assert got == [25544, 25546]
    assert [(r.code, r.norad) for r in rejects] == [(code, 25545 if field != "NORAD_CAT_ID" else None)]
    assert all(len(r.message) < 600 for r in rejects)  # a 5,000-digit value is not kept whole


def test_omm_epoch_range_edges_are_inclusive_exclusive() -> None:
    ok = _kvn([{**ISS, "EPOCH": "1957-01-01T00:00:00"}, {**ISS, "EPOCH": "2099-12-31T23:59:59.999999"}])
    assert len(list(read_element_sets(io.StringIO(ok), source="t"))) == 2
    assert _strict_code(_kvn([{**ISS, "EPOCH": "2100-01-01T00:00:00"}])) == ("OMM_VALUE_RANGE", "EPOCH")
    assert _strict_code(_kvn([{**ISS, "EPOCH": "1956-12-31T23:59:59"}])) == ("OMM_VALUE_RANGE", "EPOCH")


def _json_records(middle: str) -> str:
    good = json.dumps(ISS)
    return "[" + good + ",\n" + middle + ",\n" + json.dumps({**ISS, "NORAD_CAT_ID": "25546"}) + "]"


def _json_with(key: str, raw_value: str) -> str:
    rec = {**ISS, "NORAD_CAT_ID": 25545, key: 0}
    return json.dumps(rec).replace(f'"{key}": 0', f'"{key}": {raw_value}')


@pytest.mark.parametrize(("middle", "code", "field"), [
    (_json_with("MEAN_MOTION", "[15.5]"), "OMM_NUMBER_FORMAT", "MEAN_MOTION"),  # was TypeError
    (_json_with("MEAN_MOTION", '{"value": 15.5}'), "OMM_NUMBER_FORMAT", "MEAN_MOTION"),
    (_json_with("NORAD_CAT_ID", FIVE_THOUSAND_DIGITS), "OMM_VALUE_RANGE", "NORAD_CAT_ID"),  # was ValueError
    (_json_with("REV_AT_EPOCH", FIVE_THOUSAND_DIGITS), "OMM_VALUE_RANGE", "REV_AT_EPOCH"),
    (_json_with("MEAN_MOTION", "1" + "0" * 400), "OMM_NUMBER_FORMAT", "MEAN_MOTION"),  # 10^400: was OverflowError
    (_json_with("ECCENTRICITY", "1e400"), "OMM_NUMBER_FORMAT", "ECCENTRICITY"),
    (_json_with("BSTAR", "NaN"), "OMM_NUMBER_FORMAT", "BSTAR"),
])
def test_omm_json_values_of_the_wrong_kind(middle: str, code: str, field: str) -> None:
    text = _json_records(middle)
    assert _strict_code(text) == (code, field)
    got, rejects = _lenient(text)
    assert got == [25544, 25546]
    assert [r.code for r in rejects] == [code]


def test_omm_json_nesting_thousands_deep_is_malformed_not_recursion_error() -> None:
    for deep in ('{"a": ' * 5000 + "1" + "}" * 5000, "[" * 100_000):
        text = "[" + json.dumps(ISS) + ",\n" + deep
        assert _strict_code(text)[0] == "OMM_JSON_MALFORMED"
        got, rejects = _lenient(text)
        assert got == [25544]  # the record before it was read; the list cannot be resynchronised
        assert [r.code for r in rejects] == ["OMM_JSON_MALFORMED"]


def test_omm_json_record_over_the_limit_is_malformed_and_bounded() -> None:
    lines = ["[", json.dumps(ISS) + ",", '{"OBJECT_NAME": "'] + ["x" * 1000] * 2000  # 2 MB unterminated string
    with pytest.raises(OMMError) as err:
        list(read_element_sets(lines, source="j"))
    assert err.value.code == "OMM_JSON_MALFORMED"


def test_omm_json_decoding_is_linear_however_the_text_is_split() -> None:
    # One 600 kB record delivered one character per line: retrying the decode on every line
    # would scan 600k x 300 kB; doubling the buffer between tries keeps it to a few passes.
    rec = json.dumps({**ISS, "OBJECT_NAME": "N" * 600_000})
    lines = iter(["[", *rec, "]"])
    with _time_limit(60):
        got = list(read_element_sets(lines, source="j"))
    assert [es.norad_id for es in got] == [25544] and got[0].name == "N" * 600_000


def test_omm_csv_cell_over_128_kib_is_a_row_error() -> None:
    text = _csv(_records({"OBJECT_NAME": "X" * (200 * 1024)}))
    assert _strict_code(text)[0] == "OMM_CSV_ROW"  # was _csv.Error
    got, rejects = _lenient(text)
    assert got == [25544, 25546]
    assert [(r.code, r.line) for r in rejects] == [("OMM_CSV_ROW", 3)]


# ------------------------------------------------------------------ OMM XML safety


def test_omm_xml_dtd_and_entities_are_refused() -> None:
    body = _xml([ISS]).split("\n", 1)[1]
    bomb = ('<?xml version="1.0"?>\n<!DOCTYPE ndm [<!ENTITY a "aaaaaaaaaa">'
            + "".join(f'<!ENTITY {c} "{("&" + p + ";") * 10}">' for p, c in zip("abcdefg", "bcdefgh", strict=True))
            + "]>\n")
    for prolog in (bomb, '<?xml version="1.0"?>\n<!DOCTYPE ndm SYSTEM "file:///etc/passwd">\n'):
        text = prolog + body.replace("<ORIGINATOR>T", "<ORIGINATOR>&h;" if prolog is bomb else "<ORIGINATOR>T")
        assert _strict_code(text)[0] == "OMM_XML_FORBIDDEN"
        got, rejects = _lenient(text)
        assert got == [] and [r.code for r in rejects] == ["OMM_XML_FORBIDDEN"]


def test_omm_xml_deep_nesting_unknown_encoding_and_endless_text() -> None:
    assert _strict_code("<ndm>" + "<omm>" * 100_000)[0] == "OMM_STRUCTURE"
    assert _strict_code(_xml([ISS]).replace('encoding="UTF-8"', 'encoding="UTF-36"'))[0] == "OMM_XML_MALFORMED"
    assert _strict_code(_xml([ISS]).replace('encoding="UTF-8"', 'encoding="U\x00TF"'))[0] == "OMM_XML_MALFORMED"
    # A text node that never ends (a generated stream, 40 MB): stopped after 1 MiB without an element boundary.
    stream: Iterator[str] = iter(["<omm><header><ORIGINATOR>", *("x" * 65536 + "\n" for _ in range(640))])
    with pytest.raises(OMMError) as err:
        list(read_element_sets(stream, source="x"))
    assert err.value.code == "OMM_XML_MALFORMED"
    assert next(stream, None) is not None  # it stopped reading long before the end


# ------------------------------------------------------------------ CDM


def _cdm_text(xml: bool = False) -> str:
    states = np.array([[7000.0, 0.0, 0.0, 0.0, 7.5, 0.0], [7000.1, 0.0, 0.0, 0.0, 0.0, 7.5]])
    cov = np.stack([np.eye(6) * 1e-3] * 2)
    t = np.datetime64("2025-01-01T00:00:00", "us")
    cdm: CDM = build_cdm(tca=t, creation_date=t, originator="T", message_id="M1", states_km=states,
                         covariances_km2=cov, hbr_m=10.0, collision_probability=1e-4,
                         objects=({"OBJECT_DESIGNATOR": "12345"}, {"OBJECT_DESIGNATOR": "23456"}))
    return write_cdm_xml(cdm) if xml else write_cdm_kvn(cdm)


def _set(text: str, key: str, value: str) -> str:
    new, n = re.subn(rf"^{key}\s*=[^\n]*$", f"{key} = {value}", text, count=1, flags=re.M)
    assert n == 1
    return new


def _cdm_code(text: str) -> tuple[str, str | None]:
    with pytest.raises(CDMError) as err:
        read_cdm(text, source="t.cdm")
    return err.value.code, err.value.field


def test_cdm_reference_input_reads() -> None:
    assert read_cdm(_cdm_text()).hbr_m == 10.0
    assert read_cdm(_cdm_text(xml=True)).hbr_m == 10.0


@pytest.mark.parametrize(("edit", "code", "field"), [
    (lambda t: t.replace("COMMENT HBR = 10 [m]", "COMMENT HBR = 1.2.3 [m]"), "CDM_NUMBER_FORMAT", "HBR"),
    (lambda t: t.replace("OBJECT_DESIGNATOR", "HBR = abc\nOBJECT_DESIGNATOR", 1), "CDM_NUMBER_FORMAT", "HBR"),
    (lambda t: _set(t, "OBJECT_DESIGNATOR", "1\u00b2"), "CDM_NUMBER_FORMAT", "OBJECT_DESIGNATOR"),
    (lambda t: _set(t, "COLLISION_PROBABILITY", "1.5"), "CDM_VALUE_RANGE", "COLLISION_PROBABILITY"),
    (lambda t: _set(t, "COLLISION_PROBABILITY", "-1"), "CDM_VALUE_RANGE", "COLLISION_PROBABILITY"),
    (lambda t: _set(t, "MISS_DISTANCE", "-5.0 [m]"), "CDM_VALUE_RANGE", "MISS_DISTANCE"),
    (lambda t: _set(t, "X", "inf [km]"), "CDM_NUMBER_FORMAT", "X"),
])
def test_cdm_bad_values_are_coded(edit: Callable[[str], str], code: str, field: str) -> None:
    assert _cdm_code(edit(_cdm_text())) == (code, field)


def test_cdm_nan_values_stay_tolerated() -> None:
    cdm = read_cdm(_set(_cdm_text(), "COLLISION_PROBABILITY", "NaN"))
    assert np.isnan(cdm.collision_probability)


@contextmanager
def _time_limit(seconds: int) -> Iterator[None]:
    """A hang guard (SIGALRM), far above the expected time: the issue's quadratic inputs took 44 s at 85 kB."""

    def fail(*_: Any) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    old = signal.signal(signal.SIGALRM, fail)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def test_cdm_kvn_runs_of_blanks_and_brackets_are_linear() -> None:
    # 850 kB runs: ten times the 85 kB (44 s when quadratic, about 4,400 s at this size).
    n = 850_000
    base = _cdm_text()
    with _time_limit(30):
        blanks = "T" + " " * n + "x"
        assert read_cdm(_set(base, "ORIGINATOR", blanks)).get("header", "ORIGINATOR") == blanks
        assert read_cdm(_set(base, "ORIGINATOR", "T" + "[" * n)).get("header", "ORIGINATOR") == "T" + "[" * n
        cdm = read_cdm(_set(base, "ORIGINATOR", "T" + "[ " * (n // 2) + "]"))
        assert cdm.get("header", "ORIGINATOR") == "T"  # the bracketed tail is units, as before
        assert read_cdm(base.replace("COMMENT HBR = 10 [m]", "COMMENT HBR" + " " * n + "x")).comments()
        assert _cdm_code(base.replace("ORIGINATOR", "ORIGINATOR" + " " * n + "x", 1))[0] == "CDM_SYNTAX"
        assert _cdm_code(base.replace("COMMENT HBR = 10 [m]", "COMMENT HBR =" + " " * n + "1.2.3"))[0] == (
            "CDM_NUMBER_FORMAT")


def test_cdm_xml_deep_nesting_encoding_and_entities() -> None:
    xml = _cdm_text(xml=True)
    assert _cdm_code(xml.replace("<header>", "<header>" + "<a>" * 100_000, 1))[0] == "CDM_SYNTAX"  # RecursionError
    assert _cdm_code(xml.replace('encoding="UTF-8"', 'encoding="UTF-36"'))[0] == "CDM_SYNTAX"  # LookupError
    # Found by the atheris campaign: a NUL in the declared encoding made codecs.lookup raise ValueError.
    assert _cdm_code(xml.replace('encoding="UTF-8"', 'encoding="UTF\x00-8"'))[0] == "CDM_SYNTAX"
    body = xml.split("\n", 1)[1]
    laughs = ('<?xml version="1.0"?>\n<!DOCTYPE cdm [<!ENTITY a "aaaaaaaaaa">'
              + "".join(f'<!ENTITY {c} "{("&" + p + ";") * 10}">' for p, c in zip("abcde", "bcdef", strict=True))
              + "]>\n" + body.replace("<ORIGINATOR>T", "<ORIGINATOR>&f;"))
    assert _cdm_code(laughs)[0] == "CDM_XML_FORBIDDEN"
    external = '<?xml version="1.0"?>\n<!DOCTYPE cdm SYSTEM "http://example.invalid/cdm.dtd">\n' + body
    assert _cdm_code(external)[0] == "CDM_XML_FORBIDDEN"


def test_cdm_messages_do_not_echo_huge_values() -> None:
    with pytest.raises(CDMError) as err:
        read_cdm(_set(_cdm_text(), "X", "y" * 100_000))
    assert err.value.code == "CDM_NUMBER_FORMAT" and len(str(err.value)) < 600


# ------------------------------------------------------------------ OEM

OEM = """CCSDS_OEM_VERS = 2.0
CREATION_DATE = 2025-04-15T00:00:00
ORIGINATOR = TEST

META_START
OBJECT_NAME = ISS
OBJECT_ID = 1998-067A
CENTER_NAME = EARTH
REF_FRAME = TEME
TIME_SYSTEM = UTC
START_TIME = 2025-04-15T00:00:00
STOP_TIME = 2025-04-15T00:02:00
META_STOP

2025-04-15T00:00:00 6778.0 0.0 0.0 0.0 7.67 0.0
2025-04-15T00:01:00 6770.2 460.1 0.0 -0.52 7.65 0.0
2025-04-15T00:02:00 6746.9 918.6 0.0 -1.04 7.60 0.0
"""


def test_oem_reference_input_reads() -> None:
    _, (seg,) = read_oem(OEM)
    assert seg.r_km.shape == (3, 3)


@pytest.mark.parametrize(("old", "new", "code", "line"), [
    ("6770.2 460.1", "NaN 460.1", "OEM_NUMBER_FORMAT", 16),
    ("-1.04 7.60", "-1.04 inf", "OEM_NUMBER_FORMAT", 17),
    ("2025-04-15T00:02:00 6746.9", "2025-04-15T00:00:30 6746.9", "OEM_TIME_ORDER", 17),
    ("2025-04-15T00:01:00 6770.2", "2025-04-15T00:00:00 6770.2", "OEM_TIME_ORDER", 16),
])
def test_oem_nan_states_and_decreasing_epochs(old: str, new: str, code: str, line: int) -> None:
    with pytest.raises(OEMError) as err:
        read_oem(OEM.replace(old, new), source="t.oem")
    assert (err.value.code, err.value.line) == (code, line)


# ------------------------------------------------------------------ binary input is reported, not echoed

_BLOB = (bytes(range(256)) * 8).decode("utf-8", "replace")


def _clean(message: str) -> bool:
    return "\ufffd" not in message and not any(ord(c) < 32 or 127 <= ord(c) < 160 for c in message)


@pytest.mark.parametrize("fmt", ["omm-kvn", "omm-xml", "omm-json", "omm-csv"])
def test_binary_input_to_the_omm_readers_is_not_echoed(fmt: str) -> None:
    for text in (_BLOB, "CCSDS_OMM_VERS = 2.0\n" + _BLOB, "<omm>" + _BLOB, '[{"OBJECT_NAME": "' + _BLOB,
                 ",".join(ISS) + "\n" + _BLOB):
        rejects: list[Reject] = []
        list(read_element_sets(io.StringIO(text), source="b", fmt=fmt, lenient=True, rejects=rejects))
        assert all(_clean(r.message) for r in rejects), [r.message for r in rejects]


def test_binary_input_to_the_cdm_and_oem_readers_is_not_echoed() -> None:
    for text in (_BLOB, "CCSDS_CDM_VERS = 1.0\n" + _BLOB, '<?xml version="1.0"?><cdm>' + _BLOB):
        with pytest.raises(CDMError) as err:
            read_cdm(text)
        assert _clean(str(err.value)), str(err.value)
    with pytest.raises(OEMError) as oem_err:
        read_oem(OEM.replace("META_STOP\n", "META_STOP\n" + _BLOB.replace("\n", " ") + "\n"))
    assert _clean(str(oem_err.value)), str(oem_err.value)

"""CCSDS OEM (502.0-B-2 sec. 5, KVN) writer and reader.

Checks: the mandatory header and metadata keywords of 502.0-B-2 Tables 5-2 and 5-3 are
written in order; REF_FRAME carries the SANA names; data lines hold 7 fields; a round
trip through the reader returns the states within the written precision (1 mm,
1 micrometre/s); NaN rows are dropped; a hand-written message in the standard's layout
(comments, optional keywords, a covariance block) is read; malformed input gives the
documented codes.
"""

from __future__ import annotations

import numpy as np
import pytest

from orbitwatch.ccsds.oem import CCSDS_REF_FRAMES, OEMSegment, read_oem, write_oem
from orbitwatch.errors import InputError, ParseError

T0 = np.datetime64("2025-04-15T00:00:00", "us")


def _segment(name: str, n: int = 5, frame: str = "TEME") -> OEMSegment:
    t = T0 + np.arange(n).astype("timedelta64[m]")
    rng = np.random.default_rng(len(name))
    return OEMSegment(object_name=name, object_id="1998-067A", ref_frame=frame, times=t,
                      r_km=rng.normal(size=(n, 3)) * 7000.0, v_km_s=rng.normal(size=(n, 3)) * 7.0)


def test_layout_and_round_trip() -> None:
    segs = [_segment("ISS (ZARYA)"), _segment("OBJECT B", 3, CCSDS_REF_FRAMES["gcrs"])]
    text = write_oem(segs, creation_date=T0, originator="ORBITWATCH")
    lines = text.splitlines()
    assert lines[0] == "CCSDS_OEM_VERS = 2.0"
    assert lines[1] == "CREATION_DATE = 2025-04-15T00:00:00.000000"
    assert lines[2] == "ORIGINATOR = ORBITWATCH"
    i = lines.index("META_START")
    keys = [ln.split(" = ")[0] for ln in lines[i + 1: lines.index("META_STOP")]]
    assert keys == ["OBJECT_NAME", "OBJECT_ID", "CENTER_NAME", "REF_FRAME", "TIME_SYSTEM", "START_TIME",
                    "STOP_TIME"]
    assert "START_TIME = 2025-04-15T00:00:00.000000" in lines
    assert "STOP_TIME = 2025-04-15T00:04:00.000000" in lines
    assert "REF_FRAME = GCRF" in lines
    data = [ln for ln in lines if ln.startswith("2025-04-15T00:01")]
    assert len(data) == 2 and all(len(ln.split()) == 7 for ln in data)
    header, back = read_oem(text)
    assert header.version == "2.0" and header.originator == "ORBITWATCH" and header.creation_date == T0
    assert [s.object_name for s in back] == ["ISS (ZARYA)", "OBJECT B"]
    for a, b in zip(segs, back, strict=True):
        np.testing.assert_array_equal(a.times, b.times)
        np.testing.assert_allclose(b.r_km, a.r_km, rtol=0, atol=5e-7)
        np.testing.assert_allclose(b.v_km_s, a.v_km_s, rtol=0, atol=5e-10)
        assert (b.ref_frame, b.center_name, b.time_system) == (a.ref_frame, "EARTH", "UTC")


def test_nan_rows_and_empty_segments_are_left_out() -> None:
    seg = _segment("DECAYED", 4)
    r = seg.r_km.copy()
    r[2:] = np.nan
    seg = OEMSegment(seg.object_name, seg.object_id, seg.ref_frame, seg.times, r, seg.v_km_s)
    dead = OEMSegment("GONE", "X", "TEME", seg.times, np.full((4, 3), np.nan), np.full((4, 3), np.nan))
    _, back = read_oem(write_oem([seg, dead], creation_date=T0))
    assert len(back) == 1 and len(back[0].times) == 2
    assert back[0].times[-1] == T0 + np.timedelta64(1, "m")


def test_reads_standard_layout() -> None:
    text = """CCSDS_OEM_VERS = 2.0
COMMENT  written by hand in the layout of CCSDS 502.0-B-2 sec. 5
CREATION_DATE = 2025-04-15T12:00:00
ORIGINATOR = TEST

META_START
COMMENT a segment comment
OBJECT_NAME = GOES 9
OBJECT_ID = 1995-025A
CENTER_NAME = EARTH
REF_FRAME = EME2000
TIME_SYSTEM = UTC
START_TIME = 2025-04-15T00:00:00.000
USEABLE_START_TIME = 2025-04-15T00:00:00.000
STOP_TIME = 2025-04-15T00:01:00.000
INTERPOLATION = HERMITE
INTERPOLATION_DEGREE = 7
META_STOP

COMMENT data follow
2025-04-15T00:00:00.000 2789.619 -280.045 -1746.755 4.73372 -2.49586 -1.04195
2025-04-15T00:01:00.000 2783.419 -308.143 -1877.071 5.18604 -2.42124 -1.99608

COVARIANCE_START
EPOCH = 2025-04-15T00:00:00.000
3.3313494e-04
COVARIANCE_STOP
"""
    header, segs = read_oem(text, source="hand.oem")
    assert header.originator == "TEST" and len(header.comments) == 1
    (s,) = segs
    assert s.object_id == "1995-025A" and s.ref_frame == "EME2000" and s.comments == ("a segment comment",)
    np.testing.assert_allclose(s.r_km[1], [2783.419, -308.143, -1877.071])
    np.testing.assert_allclose(s.v_km_s[0], [4.73372, -2.49586, -1.04195])


def test_errors() -> None:
    good = write_oem([_segment("A", 2)], creation_date=T0)
    with pytest.raises(ParseError) as e1:
        read_oem(good.replace("OBJECT_ID = 1998-067A\n", ""))
    assert e1.value.code == "OEM_MISSING_KEYWORD"
    bad_line = good.splitlines()[-1].split()
    bad_line[3] = "x1.0"
    with pytest.raises(ParseError) as e2:
        read_oem("\n".join([*good.splitlines()[:-1], " ".join(bad_line)]))
    assert e2.value.code == "OEM_NUMBER_FORMAT"
    with pytest.raises(ParseError) as e3:
        read_oem(good.replace("TIME_SYSTEM = UTC", "TIME_SYSTEM = TAI"))
    assert e3.value.code == "OEM_FORMAT"
    with pytest.raises(ParseError) as e4:
        read_oem(good.replace("2025-04-15T00:01:00.000000 ", "2025-13-15T00:01:00.000000 "))
    assert e4.value.code == "OEM_TIME_FORMAT"
    seg = _segment("B", 3)
    with pytest.raises(InputError):
        write_oem([OEMSegment("B", "X", "TEME", seg.times[::-1], seg.r_km, seg.v_km_s)], creation_date=T0)

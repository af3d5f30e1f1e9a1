"""Operators' manoeuvre-log readers and the one-to-one scorer.

Samples are written from the published formats (module docstring of
``orbitwatch.detection.maneuver_logs``; IDS/CNES DORIS manoeuvre files, CMA/NSMC Fengyun
logs, the benchmark's YAML).  Expected times are worked by hand: 1992 is a leap year, so its
day 230 is 17 August (31+29+31+30+31+30+31 = 213 days before 1 August); 2010 day 123 is
3 May (31+28+31+30 = 120 before 1 May); China Standard Time is UTC+8.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from orbitwatch.detection.maneuver_logs import (
    merge_close,
    parse_benchmark_yaml,
    parse_cma,
    parse_ids,
    read_log_dir,
    score,
)
from orbitwatch.errors import ParseError

_ZEROS = " ".join(["00.0000000000000e+00"] * 10)
IDS_TWO_BURNS = (f"CRYO2 2010 123 17 55 2010 124 00 35     006 2 2010 123 17 56 05.000 {_ZEROS} "
                 f"2010 124 00 32 47.250 {_ZEROS}")
CMA = ['GEO-EW-STATION-KEEPING 2012-002A "2019-01-15T16:00:00 CST" "2019-01-15T17:00:00 CST"',
       'GEO-NS-STATION-KEEPING 2008-066A "2015-12-22T00:00:00 CST" "2015/12/23T23:59:59 CST"']


def _t(text: str) -> np.datetime64:
    return np.datetime64(text, "us")


def test_ids_header_only_and_burn_blocks() -> None:
    rows = parse_ids(["TOPEX 1992 230 18 22 1992 230 18 22", "", IDS_TWO_BURNS], source="x")
    assert [r.satellite for r in rows] == ["TOPEX", "CRYO2"]
    assert rows[0].start == _t("1992-08-17T18:22") and rows[0].burns == ()
    assert rows[1].start == _t("2010-05-03T17:55") and rows[1].end == _t("2010-05-04T00:35")
    assert rows[1].burns == (_t("2010-05-03T17:56:05"), _t("2010-05-04T00:32:47.25"))
    assert rows[1].line == 3


@pytest.mark.parametrize(("line", "code"), [
    ("CRYO2 2010 123 17 55 2010 124 00 35 006 2 " + "2010 123 17 56 05.000 " + _ZEROS, "MANLOG_FORMAT"),
    ("TOPEX 1993 366 00 00 1993 366 00 00", "MANLOG_TIME"),
    ("TOPEX 1992 230 24 00 1992 230 18 22", "MANLOG_TIME"),
    ("TOPEX 1992 230 18 22", "MANLOG_FORMAT"),
    ("TOPEX 1992 231 18 22 1992 230 18 22", "MANLOG_TIME"),
])
def test_ids_errors_are_coded(line: str, code: str) -> None:
    with pytest.raises(ParseError) as exc:
        parse_ids([line], source="f.txt")
    assert exc.value.code == code and exc.value.line == 1 and exc.value.source == "f.txt"


def test_cma_times_are_cst() -> None:
    rows = parse_cma(CMA)
    assert rows[0].kind == "GEO-EW-STATION-KEEPING" and rows[0].satellite == "2012-002A"
    assert rows[0].start == _t("2019-01-15T08:00") and rows[0].end == _t("2019-01-15T09:00")
    assert rows[1].end == _t("2015-12-23T15:59:59")
    with pytest.raises(ParseError) as exc:
        parse_cma(['GEO-EW-STATION-KEEPING 2012-002A "2019-01-15T16:00:00 CST"'])
    assert exc.value.code == "MANLOG_FORMAT"
    with pytest.raises(ParseError) as exc:
        parse_cma(['GEO-EW-STATION-KEEPING 2012-002A "2019-01-15T16:00:00" "2019-01-15T17:00:00"'])
    assert exc.value.code == "MANLOG_TIME"


def test_benchmark_yaml_undoes_its_conversion() -> None:
    text = ("SATCAT number: 36508\nmanoeuvre_timestamps:\n- 2010-04-16 17:47:00\n- 2010-05-04 17:55:00\n"
            "name: CryoSat-2\n")
    name, satcat, rows = parse_benchmark_yaml(text, origin="ids")
    assert (name, satcat) == ("CryoSat-2", 36508)
    # cs2man.txt: "CRYO2 2010 105 17 47" (day 105 = 15 April) and "2010 123 17 55" (3 May).
    assert [r.start for r in rows] == [_t("2010-04-15T17:47"), _t("2010-05-03T17:55")]
    _, _, fy = parse_benchmark_yaml(text, origin="cma")
    assert fy[0].start == _t("2010-04-16T09:47")
    with pytest.raises(ParseError):
        parse_benchmark_yaml("name: X\nmanoeuvre_timestamps:\n- 2010-04-16 17:47:00\n", origin="ids")
    with pytest.raises(ParseError):
        parse_benchmark_yaml(text, origin="utc")


def test_read_log_dir_prefers_raw_files(tmp_path: Path) -> None:
    (tmp_path / "topman.txt").write_text("TOPEX 1992 230 18 22 1992 230 18 22\nTOPEX 1992 230 18 22 1992 230 18 22\n")
    (tmp_path / "manoeuvres_TOPEX.yaml").write_text(
        "SATCAT number: 22076\nmanoeuvre_timestamps:\n- 1999-01-01 00:00:00\nname: TOPEX\n")
    (tmp_path / "manFY2F.txt.fy").write_text("\n".join(CMA[:1]) + "\n")
    (tmp_path / "manoeuvres_Jason-3.yaml").write_text(
        "SATCAT number: 41240\nmanoeuvre_timestamps:\n- 2017-09-08 16:34:00\nname: Jason-3\n")
    logs = read_log_dir(tmp_path)
    assert sorted(logs) == ["Fengyun-2F", "Jason-3", "TOPEX"]
    assert [m.start for m in logs["TOPEX"]] == [_t("1992-08-17T18:22")]  # raw wins, duplicate dropped
    assert logs["Jason-3"][0].start == _t("2017-09-07T16:34")
    with pytest.raises(ParseError):
        read_log_dir(tmp_path / "missing")


def test_merge_close_does_not_chain() -> None:
    h = np.timedelta64(3600, "s")
    t0 = _t("2020-01-01T00:00")
    got = merge_close([t0 + 20 * h, t0, t0 + 3 * h, t0 + 13 * h], 12.0)
    assert list(got) == [t0, t0 + 13 * h]


def test_score_one_to_one_after_the_burn() -> None:
    d = np.timedelta64(86_400_000_000, "us")
    t0 = _t("2020-01-01T00:00")
    burns = [t0, t0 + 10 * d, t0 + 11 * d]
    dets = [t0 - d // 10, t0 + d // 2, t0 + 10 * d + d // 5, t0 + 13 * d + d // 2, t0 + 20 * d]
    s3 = score(burns, dets, 3.0)
    # t0-0.1 d precedes the burn (no match); 10.2 -> burn 10; 13.5 -> burn 11 (2.5 d after); 20 unmatched.
    assert (s3.matched, s3.logged, s3.detected) == (3, 3, 5)
    assert s3.precision == pytest.approx(0.6) and s3.recall == 1.0 and s3.f1 == pytest.approx(0.75)
    s1 = score(burns, dets, 1.0)
    assert s1.matched == 2 and s1.matched_pairs == [(0, 1), (1, 2)]
    # One detection cannot serve two burns.
    assert score([t0, t0 + d // 4], [t0 + d // 2], 3.0).matched == 1
    assert score([], [], 1.0).f1 == 0.0

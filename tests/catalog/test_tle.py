"""TLE / 3LE reader and writer: formats, quirks, errors, lenient mode and streaming.

Reference lines are real element sets copied from the staged catalogs (file named at
each one, see shared/data/MANIFEST.md).  Expected values are read off the columns by
hand following the CelesTrak "NORAD Two-Line Element Set Format" document, or come
from ``sgp4.api.Satrec.twoline2rv`` (the reference C++ parser of Vallado et al. 2006).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sgp4.api import Satrec

from orbitwatch.catalog.model import ElementSet, Reject
from orbitwatch.catalog.reader import read_element_sets
from orbitwatch.catalog.tle import (
    alpha5_to_int,
    format_tle,
    int_to_alpha5,
    iter_tle,
    parse_tle,
    tle_checksum,
)
from orbitwatch.errors import ParseError, TLEError

# catalog/spacetrack-3le-full-catalog-2022-07-15.tle.gz (Space-Track 3LE, blank-padded id).
VANGUARD = (
    "0 VANGUARD 1",
    "1     5U 58002B   22196.28486465  .00000351  00000-0  43722-3 0  9993",
    "2     5  34.2492  53.6414 1847265 162.8155 204.4542 10.84977341287669",
)
# catalog/spacetrack-3le-full-catalog-2019-12-19.tle.gz: explicit '+' signs, zero-padded angles.
THOR = (
    "0 THOR ABLESTAR DEB",
    "1   132U 61015S   19352.69385856 -.00000068 +00000-0 +78913-5 0  9997",
    "2   132 066.6614 073.5896 0076553 344.7417 015.1353 13.94312323972873",
)
# catalog/spacetrack-tle-full-catalog-2025-04-15.tle.gz: Alpha-5 catalog number, no designator.
ALPHA5 = (
    "1 T0000U          25104.90635117  .00000034  00000-0  93085-4 0  9990",
    "2 T0000  90.2372 338.7855 0029713 160.7018 199.5234 12.95975626254634",
)
# catalog/celestrak-active-2025-04-15.tle.gz (CelesTrak 3LE: bare, blank-padded name line).
CALSPHERE = (
    "CALSPHERE 1             ",
    "1 00900U 64063C   25105.39292433  .00001284  00000+0  13113-2 0  9991",
    "2 00900  90.2142  61.9643 0026290 141.5577 317.1940 13.75977801 12586",
)


def ref_checksum(line: str) -> int:
    """Independent checksum: digits add their value, '-' adds 1, modulo 10."""
    total = 0
    for c in line[:68]:
        if c.isdigit():
            total += int(c)
        elif c == "-":
            total += 1
    return total % 10


def fix_checksum(line: str) -> str:
    return line[:68] + str(ref_checksum(line))


def test_vanguard_fields_read_off_the_columns() -> None:
    es = parse_tle(VANGUARD[1], VANGUARD[2], VANGUARD[0], source="x", line=2)
    assert es.norad_id == 5
    assert es.name == "VANGUARD 1"
    assert es.cospar_id == "1958-002B"
    assert es.classification == "U"
    assert es.inclination_deg == 34.2492
    assert es.raan_deg == 53.6414
    assert es.eccentricity == 0.1847265
    assert es.arg_perigee_deg == 162.8155
    assert es.mean_anomaly_deg == 204.4542
    assert es.mean_motion_rev_per_day == 10.84977341
    assert es.rev_at_epoch == 28766
    assert es.element_set_no == 999
    assert es.mean_motion_dot_rev_per_day2 == 0.00000351
    assert es.mean_motion_ddot_rev_per_day3 == 0.0
    assert es.bstar_per_earth_radius == 0.43722e-3
    assert (es.source, es.line) == ("x", 2)
    # Epoch 22196.28486465: day 196 of 2022 + 0.28486465 day, exact in microseconds.
    expected = dt.datetime(2022, 1, 1) + dt.timedelta(days=195, microseconds=28486465 * 864)
    assert es.epoch == np.datetime64(expected, "us")


def test_plus_signs_zero_padded_angles_and_implied_exponent() -> None:
    es = parse_tle(THOR[1], THOR[2], THOR[0])
    assert es.norad_id == 132
    assert es.inclination_deg == 66.6614
    assert es.raan_deg == 73.5896
    assert es.mean_anomaly_deg == 15.1353
    assert es.bstar_per_earth_radius == 0.78913e-5
    assert es.mean_motion_dot_rev_per_day2 == -0.00000068
    assert es.name == "THOR ABLESTAR DEB"


def test_negative_implied_exponent_field() -> None:
    # '-11606-4' = -0.11606e-4 (a real B* value in the 2025-04-15 Space-Track catalog).
    l1 = fix_checksum(VANGUARD[1][:53] + "-11606-4" + VANGUARD[1][61:])
    es = parse_tle(l1, VANGUARD[2])
    assert es.bstar_per_earth_radius == -0.11606e-4


def test_alpha5_catalog_numbers() -> None:
    es = parse_tle(*ALPHA5)
    assert es.norad_id == 270000  # T = 27 (A=10 ... skipping I and O)
    assert es.cospar_id is None
    assert alpha5_to_int("A0000") == 100000
    assert alpha5_to_int("H9999") == 179999
    assert alpha5_to_int("J0000") == 180000  # I is skipped
    assert alpha5_to_int("P0000") == 230000  # O is skipped
    assert alpha5_to_int("Z9999") == 339999
    assert alpha5_to_int("    5") == 5
    for bad in ("I0000", "O1234", "T000", "T00a0", "     "):
        with pytest.raises(ValueError):
            alpha5_to_int(bad)
    assert int_to_alpha5(270000) == "T0000"
    assert int_to_alpha5(99999) == "99999"
    assert int_to_alpha5(339999) == "Z9999"
    with pytest.raises(ValueError):
        int_to_alpha5(340000)


def test_agrees_with_sgp4_twoline2rv_on_reference_lines() -> None:
    """Each field equals python-sgp4's parse converted to its units (double rounding)."""
    for rec in (VANGUARD, THOR, ALPHA5, CALSPHERE):
        l1, l2 = rec[-2], rec[-1]
        es = parse_tle(l1, l2)
        sat = Satrec.twoline2rv(l1, l2)
        xpdotp = 1440.0 / (2.0 * math.pi)
        assert es.norad_id == sat.satnum
        assert math.radians(es.inclination_deg) == pytest.approx(sat.inclo, rel=1e-15)
        assert math.radians(es.raan_deg) == pytest.approx(sat.nodeo, rel=1e-15)
        assert math.radians(es.arg_perigee_deg) == pytest.approx(sat.argpo, rel=1e-15)
        assert math.radians(es.mean_anomaly_deg) == pytest.approx(sat.mo, rel=1e-15)
        assert es.eccentricity == pytest.approx(sat.ecco, rel=1e-15)
        assert es.mean_motion_rev_per_day / xpdotp == pytest.approx(sat.no_kozai, rel=1e-15)
        assert es.bstar_per_earth_radius == pytest.approx(sat.bstar, rel=1e-15)


def test_year_pivot_and_leap_day() -> None:
    l1 = fix_checksum(VANGUARD[1][:18] + "57001.50000000" + VANGUARD[1][32:])
    assert parse_tle(l1, VANGUARD[2]).epoch == np.datetime64("1957-01-01T12:00:00", "us")
    l1 = fix_checksum(VANGUARD[1][:18] + "56366.00000000" + VANGUARD[1][32:])
    assert parse_tle(l1, VANGUARD[2]).epoch == np.datetime64("2056-12-31T00:00:00", "us")  # leap year
    l1 = fix_checksum(VANGUARD[1][:18] + "25366.00000000" + VANGUARD[1][32:])
    with pytest.raises(TLEError) as err:
        parse_tle(l1, VANGUARD[2])
    assert err.value.code == "TLE_FIELD"


def test_round_trip_format_then_parse_is_identical() -> None:
    for rec in (VANGUARD, THOR, ALPHA5, CALSPHERE):
        name = rec[0] if len(rec) == 3 else None
        es = parse_tle(rec[-2], rec[-1], name)
        l1, l2 = format_tle(es)
        assert len(l1) == len(l2) == 69
        assert int(l1[68]) == ref_checksum(l1) and int(l2[68]) == ref_checksum(l2)
        assert parse_tle(l1, l2, name) == es
    # Lines already in canonical form come back character for character.
    es = parse_tle(CALSPHERE[1], CALSPHERE[2])
    assert format_tle(es)[1] == CALSPHERE[2]


def test_writer_refuses_ids_a_tle_cannot_carry() -> None:
    es = parse_tle(*ALPHA5).replace(norad_id=340000)
    with pytest.raises(TLEError) as err:
        format_tle(es)
    assert err.value.code == "TLE_ID_RANGE"
    l1, l2 = format_tle(es.replace(norad_id=339999))
    assert l1[2:7] == "Z9999" and l2[2:7] == "Z9999"


def test_checksum_function_matches_independent_count() -> None:
    for rec in (VANGUARD, THOR, ALPHA5, CALSPHERE):
        for line in rec[-2:]:
            assert tle_checksum(line) == ref_checksum(line) == int(line[68])


# ------------------------------------------------------------------ corrupted input


def _code(lines: list[str]) -> TLEError:
    with pytest.raises(TLEError) as err:
        list(iter_tle(lines, source="bad.tle"))
    return err.value


def test_bad_checksum() -> None:
    bad = VANGUARD[1][:68] + str((int(VANGUARD[1][68]) + 1) % 10)
    err = _code([VANGUARD[0], bad, VANGUARD[2]])
    assert err.code == "TLE_CHECKSUM"
    assert (err.source, err.line, err.record) == ("bad.tle", 2, 5)
    assert "expected: 1 NNNNNC" in err.message  # the column template beside the line


def test_truncated_line_and_truncated_file() -> None:
    err = _code([VANGUARD[0], VANGUARD[1], VANGUARD[2][:50]])
    assert (err.code, err.line) == ("TLE_TRUNCATED", 3)
    err = _code([VANGUARD[0], VANGUARD[1]])
    assert (err.code, err.line) == ("TLE_TRUNCATED", 2)
    err = _code([*VANGUARD, "0 DANGLING NAME"])
    assert (err.code, err.line) == ("TLE_TRUNCATED", 4)


def test_line_too_long() -> None:
    err = _code([VANGUARD[1] + "7", VANGUARD[2]])
    assert err.code == "TLE_LINE_LENGTH"


def test_wrong_line_order() -> None:
    err = _code([VANGUARD[0], VANGUARD[2], VANGUARD[1]])
    assert (err.code, err.line) == ("TLE_LINE_ORDER", 2)


def test_non_ascii_in_data_and_name() -> None:
    bad = VANGUARD[2][:10] + "４" + VANGUARD[2][11:]  # full-width digit
    assert _code([VANGUARD[0], VANGUARD[1], bad]).code == "TLE_NON_ASCII"
    assert _code(["0 VANGUARD Ī", VANGUARD[1], VANGUARD[2]]).code == "TLE_NON_ASCII"


def test_mismatched_ids() -> None:
    l2 = fix_checksum(VANGUARD[2][:2] + "00006" + VANGUARD[2][7:])
    err = _code([VANGUARD[1], l2])
    assert err.code == "TLE_MISMATCHED_IDS"


@pytest.mark.parametrize(
    ("line", "start", "text", "field"),
    [
        (2, 8, "181.0000", "inclination"),
        (2, 17, "361.0000", "right ascension of node"),
        (2, 34, "-01.0000", "argument of perigee"),
        (2, 43, "360.0001", "mean anomaly"),
        (2, 52, " 0.00000000", "mean motion"),
        (2, 26, "18472 5", "eccentricity"),
        (1, 20, "000", "epoch"),
        (1, 44, " 0000a-0", "numeric fields"),
        (1, 53, " 43722-a", "numeric fields"),
        (1, 7, "X", "classification"),
        (1, 9, "58A02B  ", "international designator"),
        (1, 33, " .000.0351", "mean motion dot"),
    ],
)
def test_out_of_range_and_unreadable_fields(line: int, start: int, text: str, field: str) -> None:
    l1, l2 = VANGUARD[1], VANGUARD[2]
    target = l1 if line == 1 else l2
    changed = fix_checksum(target[:start] + text + target[start + len(text):])
    lines = [changed, l2] if line == 1 else [l1, changed]
    err = _code(lines)
    assert err.code == "TLE_FIELD"
    assert err.field == field


def test_lenient_keeps_good_records_and_reports_each_reject() -> None:
    bad_ck = VANGUARD[1][:68] + str((int(VANGUARD[1][68]) + 1) % 10)
    lines = [
        *THOR,  # lines 1-3 good
        VANGUARD[0], bad_ck, VANGUARD[2],  # lines 4-6: checksum
        CALSPHERE[0], CALSPHERE[2], CALSPHERE[1],  # lines 7-9: swapped
        *ALPHA5,  # lines 10-11 good (2-line record)
        "0 LOST", ALPHA5[0],  # lines 12-13: truncated at end of input
    ]
    rejects: list[Reject] = []
    got = list(iter_tle(lines, source="mix.tle", lenient=True, rejects=rejects))
    assert [e.norad_id for e in got] == [132, 270000]
    assert [e.line for e in got] == [2, 10]
    assert [(r.code, r.line, r.norad) for r in rejects] == [
        ("TLE_CHECKSUM", 5, 5),
        ("TLE_LINE_ORDER", 8, 900),
        ("TLE_TRUNCATED", 13, 270000),
    ]
    assert all(r.source == "mix.tle" for r in rejects)


def test_empty_input_strict_and_lenient() -> None:
    with pytest.raises(ParseError) as err:
        list(read_element_sets([], source="empty.tle"))
    assert err.value.code == "EMPTY_INPUT"
    with pytest.raises(ParseError) as err:
        list(read_element_sets(["", "   \n"], source="blank.tle"))
    assert err.value.code == "EMPTY_INPUT"
    rejects: list[Reject] = []
    assert list(read_element_sets([], source="empty.tle", lenient=True, rejects=rejects)) == []
    assert [(r.code, r.source) for r in rejects] == [("EMPTY_INPUT", "empty.tle")]


def test_streaming_yields_before_the_input_is_exhausted() -> None:
    """Records come out while the generator still has most of its lines to give."""
    consumed = 0
    n_records = 30_000

    def lines() -> Iterator[str]:
        nonlocal consumed
        for _ in range(n_records):
            for line in VANGUARD:
                consumed += 1
                yield line + "\n"

    stream = read_element_sets(lines(), source="gen")
    first = next(stream)
    assert first.norad_id == 5
    assert consumed <= 4
    for _ in range(999):
        next(stream)
    assert consumed <= 3 * 1000 + 1
    assert sum(1 for _ in stream) == n_records - 1000


def test_celestrak_two_digit_exponent_quirk() -> None:
    """starlink-history-2026-05-24_30.tle.gz line 265319 writes B* as '-66000-10'.

    The two-digit exponent shifts the rest of line 1 right by one column and the
    checksum (2, verified over the first 69 columns) sits in column 70; the value is
    -0.66000e-10 per the implied-decimal convention.  (twoline2rv misreads it as
    -0.066, so this record is checked against the digits, not against sgp4.)
    """
    l1 = "1 60069U 24113L   26148.31797007 -.00000588  00000+0 -66000-10 0  9992"
    l2 = "2 60069  53.1579 158.9699 0000891  73.3755 286.7361 15.69699470112067"
    es = parse_tle(l1, l2, "STARLINK-11171 [DTC]")
    assert es.bstar_per_earth_radius == -0.66e-10
    assert es.element_set_no == 999
    f1, f2 = format_tle(es)
    assert f1[53:61] == "-06600-9"  # the same decimal value within the standard columns
    assert parse_tle(f1, f2, es.name) == es
    with pytest.raises(TLEError) as err:
        parse_tle(l1[:69] + "3", l2)
    assert err.value.code == "TLE_CHECKSUM"


def test_from_tle_named_constructor() -> None:
    es = parse_tle(VANGUARD[1], VANGUARD[2], VANGUARD[0])
    assert es == parse_tle(VANGUARD[1], VANGUARD[2], VANGUARD[0])


def test_sgp4_verification_set_parses_without_checksums(shared_data: Path) -> None:
    """Vallado et al. (2006) SGP4-VER.TLE: 33 sets, three error cases with hand-edited checksums.

    Data files are always checksum-verified; ``verify_checksum=False`` reads the reference
    set, and every record then agrees with sgp4's twoline2rv (line 2 carries the test
    run's start/stop/step after column 69, so the lines are cut to 69 columns).
    """
    lines = [ln for ln in (shared_data / "sgp4-verification/SGP4-VER.TLE").read_text().splitlines()
             if ln[:2] in ("1 ", "2 ")]
    pairs = [(lines[i][:69], lines[i + 1][:69]) for i in range(0, len(lines), 2)]
    assert len(pairs) == 33
    bad = []
    for l1, l2 in pairs:
        try:
            parse_tle(l1, l2)
        except TLEError as exc:
            assert exc.code == "TLE_CHECKSUM"
            bad.append(int(l1[2:7]))
        es = parse_tle(l1, l2, verify_checksum=False)
        sat = Satrec.twoline2rv(l1, l2)
        assert es.norad_id == sat.satnum
        assert es.eccentricity == pytest.approx(sat.ecco, rel=1e-15)
        assert math.radians(es.inclination_deg) == pytest.approx(sat.inclo, rel=1e-15)
        assert es.bstar_per_earth_radius == pytest.approx(sat.bstar, rel=1e-15)
    assert bad == [33333, 33334, 33335]


@settings(max_examples=300, deadline=None)
@given(
    norad=st.integers(1, 339999),
    epoch_us=st.integers(-12 * 365 * 86_400_000_000, 86 * 365 * 86_400_000_000),
    n=st.floats(0.05, 17.0),
    e=st.floats(0.0, 0.99),
    i=st.floats(0.0, 180.0),
    angles=st.tuples(st.floats(0.0, 359.9), st.floats(0.0, 359.9), st.floats(0.0, 359.9)),
    bstar=st.floats(-0.9, 0.9),
    ndot=st.floats(-0.5, 0.5),
    nddot=st.floats(-1e-3, 1e-3),
)
def test_writer_output_is_a_fixed_point(
    norad: int, epoch_us: int, n: float, e: float, i: float, angles: tuple[float, float, float],
    bstar: float, ndot: float, nddot: float,
) -> None:
    """Any element set TLE can carry: format -> parse -> format gives the same valid lines."""
    es = ElementSet(norad, np.datetime64(epoch_us, "us"), n, e, i, *angles, bstar, ndot, nddot,
                    name="X", cospar_id="2001-042AB")
    l1, l2 = format_tle(es)
    assert int(l1[68]) == ref_checksum(l1) and int(l2[68]) == ref_checksum(l2)
    again = parse_tle(l1, l2, "X")
    assert format_tle(again) == (l1, l2)
    assert abs(int((again.epoch - es.epoch).astype(np.int64))) <= 432  # half of 1e-8 day
    assert again.inclination_deg == pytest.approx(i, abs=5e-5)
    assert again.eccentricity == pytest.approx(e, abs=5e-8)
    assert again.mean_motion_rev_per_day == pytest.approx(n, abs=5e-9)


# ------------------------------------------------------------------ issue 18: binary input, huge lines


def test_binary_input_is_reported_without_echoing_its_bytes() -> None:
    """A binary file (here: bytes a TLE file never holds, as decoded with U+FFFD replacement)."""
    blob = bytes(range(256)) * 4
    lines = blob.decode("utf-8", "replace").splitlines(keepends=True)
    rejects: list[Reject] = []
    assert list(read_element_sets(lines, source="bin", fmt="tle", lenient=True, rejects=rejects)) == []
    assert rejects and all(r.code in ("TLE_NON_ASCII", "TLE_TRUNCATED", "TLE_LINE_ORDER") for r in rejects)
    for r in rejects:
        assert "\ufffd" not in r.message and "\x1b" not in r.message and not any(
            ord(c) < 32 and c != "\n" for c in r.message), r.message


def test_control_characters_in_names_and_lines_are_refused() -> None:
    _, l1, l2 = VANGUARD
    with pytest.raises(TLEError) as err:
        list(iter_tle(["0 EVIL\x1b]8;;http://x\x1b\\NAME", l1, l2]))
    assert (err.value.code, err.value.field) == ("TLE_NON_ASCII", "name")
    assert "\x1b" not in str(err.value) and "U+001B" in str(err.value)
    with pytest.raises(TLEError) as err:
        parse_tle(l1, l2, "ISS\x07")
    assert err.value.code == "TLE_NON_ASCII"
    bad = l1[:20] + "\x1b" + l1[21:]
    with pytest.raises(TLEError) as err:
        parse_tle(bad, l2)
    assert err.value.code == "TLE_NON_ASCII" and "\x1b" not in str(err.value)


def test_line_over_the_limit_is_line_too_long_and_rejects_are_truncated() -> None:
    from orbitwatch.catalog.reader import MAX_LINE_CHARS, LinePiece

    l0, l1, l2 = VANGUARD
    huge = "X" * (MAX_LINE_CHARS + 10)
    with pytest.raises(ParseError) as err:
        list(read_element_sets([l0, l1, l2, huge, l0, l1, l2], source="t"))
    assert (err.value.code, err.value.line) == ("LINE_TOO_LONG", 4)
    rejects: list[Reject] = []
    got = list(read_element_sets([l0, l1, l2, huge, l0, l1, l2], source="t", lenient=True, rejects=rejects))
    assert [es.line for es in got] == [2, 6]  # line numbers after the long line stay right
    assert [(r.code, r.line) for r in rejects] == [("LINE_TOO_LONG", 4)]
    # The same line handed over in pieces (as sources.files.TextLines does) is never joined.
    pieces = [LinePiece("Y" * 65536)] * (MAX_LINE_CHARS // 65536 + 5) + ["Y\n"]
    rejects = []
    got = list(read_element_sets([l0 + "\n", l1 + "\n", l2 + "\n", *pieces, l0, l1, l2], source="t", lenient=True,
                                 rejects=rejects))
    assert [es.line for es in got] == [2, 6] and [(r.code, r.line) for r in rejects] == [("LINE_TOO_LONG", 4)]
    # A long line just under the limit is read as a line (and rejected by the TLE parser), its text cut.
    rejects = []
    list(read_element_sets([l0, "1 " + "7" * 500_000, l2], source="t", lenient=True, rejects=rejects))
    assert rejects and all(len(r.message) <= 1003 for r in rejects)


def test_leading_blank_lines_are_counted_not_held() -> None:
    l0, l1, l2 = VANGUARD
    n = 300_000

    def stream() -> Iterator[str]:
        yield "\ufeff\n"
        for _ in range(n):
            yield "   \n"
        yield from (l0 + "\n", l1 + "\n", l2 + "\n")

    (es,) = read_element_sets(stream(), source="blank-then-tle")
    assert es.line == n + 3  # line 1 of the element set: after the BOM line, the blanks and the name

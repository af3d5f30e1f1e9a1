"""Two-line element sets (TLE) and three-line element sets (3LE): reader and writer.

Follows the NORAD two-line element format as documented by CelesTrak ("NORAD Two-Line
Element Set Format", T.S. Kelso) and Space-Track, with the conventions used by
Vallado et al. (2006), "Revisiting Spacetrack Report #3", AIAA 2006-6753 (the
reference ``twoline2rv``), and the Alpha-5 catalog-number extension (Space-Track,
"Alpha-5" documentation: the first digit of catalog numbers 100000..339999 is a
letter, A=10 ... Z=33, skipping I and O).

Column template (1-based columns, as in the format documents)::

    1 NNNNNC NNNNNAAA NNNNN.NNNNNNNN +.NNNNNNNN +NNNNN-N +NNNNN-N N NNNNN
    2 NNNNN NNN.NNNN NNN.NNNN NNNNNNN NNN.NNNN NNN.NNNN NN.NNNNNNNNNNNNNN

What the reader accepts: 2-line and 3-line records (a Space-Track ``0 NAME`` line or a
CelesTrak bare name line before line 1), catalog numbers padded with blanks instead
of zeros (``1     5U``), Alpha-5 catalog numbers, explicit ``+`` signs, zero-padded
angles, implied-decimal exponent fields (``-11606-4`` = -0.11606e-4), blank lines
between records, trailing blanks and ``\\r\\n`` line ends.  Two-digit years pivot at
57 (57..99 -> 1957..1999, 00..56 -> 2000..2056).  The epoch is converted to
``datetime64[us]`` exactly, with integer arithmetic on the digits (1e-8 day = 864 us).
Decimal fields are converted with Python's correctly rounded ``float(str)``, so equal
decimal values always give equal doubles (this is what makes the TLE and the OMM of one
element set compare equal).  :attr:`ElementSet.line` is the line number of line 1.

Error codes (all :class:`~orbitwatch.errors.TLEError`; tests assert the code):

``TLE_CHECKSUM``        the modulo-10 checksum (digits, '-' counts 1) disagrees with column 69
``TLE_LINE_LENGTH``     a line is longer than 69 characters (after trailing blanks are removed)
``TLE_TRUNCATED``       a line is shorter than 69 characters, or a record lacks its line 2
                        (or a name line has no element lines after it)
``TLE_LINE_ORDER``      a line 2 without a line 1 before it (lines swapped or missing)
``TLE_MISMATCHED_IDS``  the catalog numbers of line 1 and line 2 differ
``TLE_NON_ASCII``       a line (data or name) holds a non-ASCII or a control character
                        (binary input, terminal escape sequences); the message names the
                        first one as U+XXXX and its column, and never echoes the line
``TLE_FIELD``           a field is unreadable or out of range (eccentricity, inclination,
                        angles, mean motion, day of year, separator columns ...);
                        ``field`` names it
``TLE_ID_RANGE``        (writer) a catalog number above 339999, which TLE cannot carry
                        (use a CCSDS OMM)
"""

from __future__ import annotations

import math
import operator
from collections.abc import Iterable, Iterator
from decimal import Decimal

import numpy as np

from orbitwatch.catalog.model import ElementSet, Reject
from orbitwatch.errors import TLEError
from orbitwatch.times import US_PER_DAY, UTC_DTYPE

__all__ = [
    "TEMPLATE_LINE1",
    "TEMPLATE_LINE2",
    "alpha5_to_int",
    "format_tle",
    "int_to_alpha5",
    "iter_tle",
    "parse_tle",
    "tle_checksum",
]

TEMPLATE_LINE1 = "1 NNNNNC NNNNNAAA NNNNN.NNNNNNNN +.NNNNNNNN +NNNNN-N +NNNNN-N N NNNNN"
TEMPLATE_LINE2 = "2 NNNNN NNN.NNNN NNN.NNNN NNNNNNN NNN.NNNN NNN.NNNN NN.NNNNNNNNNNNNNN"

MAX_TLE_NORAD_ID = 339_999

# Checksum: digits count their value, '-' counts 1, everything else 0.
_CK_TABLE = bytearray(256)
for _i, _c in enumerate(b"0123456789"):
    _CK_TABLE[_c] = _i
_CK_TABLE[ord("-")] = 1
_CHECKSUM_TABLE = bytes(_CK_TABLE)
_NUMERIC_CHARS = b"0123456789 .+-"

# Alpha-5: A=10 ... Z=33 without I and O.
_ALPHA5_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_ALPHA5_VALUE = {c: 10 + i for i, c in enumerate(_ALPHA5_LETTERS)}

# Blank separator columns (0-based indices).
_SEP1 = (1, 8, 17, 32, 43, 52, 61, 63)
_SEP2 = (1, 7, 16, 25, 33, 42, 51)
_SEP1_GET = operator.itemgetter(*_SEP1)
_SEP2_GET = operator.itemgetter(*_SEP2)
_BLANKS1 = (32,) * len(_SEP1)
_BLANKS2 = (32,) * len(_SEP2)

_YEAR_START_US: dict[int, int] = {}


def tle_checksum(line: str) -> int:
    """Modulo-10 checksum of the first 68 columns of a TLE line ('-' counts 1)."""
    return sum(line[:68].encode("ascii", "replace").translate(_CHECKSUM_TABLE)) % 10


def alpha5_to_int(text: str) -> int:
    """Catalog number field (5 characters, digits, blanks or Alpha-5) to an integer.

    Raises ``ValueError`` for anything else.
    """
    s = text.strip()
    if not s:
        raise ValueError("blank catalog number")
    head = s[0]
    if head.isdigit():
        if not s.isdigit():
            raise ValueError(f"catalog number {text!r} is not a number")
        return int(s)
    value = _ALPHA5_VALUE.get(head)
    tail = s[1:]
    if value is None or len(tail) != 4 or not tail.isdigit():
        raise ValueError(f"catalog number {text!r} is neither digits nor Alpha-5 (letter + 4 digits)")
    return value * 10000 + int(tail)


def int_to_alpha5(norad_id: int) -> str:
    """Catalog number to the 5-character TLE field (Alpha-5 above 99999, up to 339999)."""
    if norad_id < 0 or norad_id > MAX_TLE_NORAD_ID:
        raise ValueError(f"catalog number {norad_id} cannot be written in a TLE (0..339999)")
    if norad_id < 100_000:
        return f"{norad_id:05d}"
    head, tail = divmod(norad_id, 10_000)
    return f"{_ALPHA5_LETTERS[head - 10]}{tail:04d}"


def _year_start_us(year: int) -> int:
    us = _YEAR_START_US.get(year)
    if us is None:
        days = int(np.datetime64(f"{year:04d}-01-01", "D").astype(np.int64))
        us = days * US_PER_DAY
        _YEAR_START_US[year] = us
    return us


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


_SHOW_CHARS = 200
_MESSAGE_CHARS = 1000


def _printable(s: str) -> bool:
    """Only printable ASCII (space .. '~')."""
    return s.isascii() and s.isprintable()


def _describe(s: str) -> str:
    """A line for a message: quoted and cut to 200 characters, or not shown at all if it is not printable ASCII."""
    if not _printable(s):
        return f"({len(s)} characters, not printable ASCII: not shown)"
    if len(s) > _SHOW_CHARS:
        return repr(s[:_SHOW_CHARS]) + f"... ({len(s)} characters)"
    return repr(s)


def _first_unprintable(s: str) -> str:
    i = next(i for i, c in enumerate(s) if not (" " <= c <= "~"))
    return f"U+{ord(s[i]):04X} at column {i + 1}"


def _show(line: str, template: str, start: int, stop: int) -> str:
    """The template beside the user's line, with carets under columns start..stop-1."""
    if not _printable(line) or len(line) > _SHOW_CHARS:
        return f"\n  expected: {template}\n  got:      {_describe(line)}"
    marks = " " * start + "^" * max(1, stop - start)
    return f"\n  expected: {template}\n  got:      {line}\n            {marks}"


def _guess_norad(line1: str | None) -> int | None:
    if not line1 or len(line1) < 7:
        return None
    try:
        return alpha5_to_int(line1[2:7])
    except ValueError:
        return None


def _implied(s: str) -> float:
    """An implied-decimal exponent field (``' 43722-3'`` = 0.43722e-3) to a float."""
    sign = s[0]
    mant = s[1:6]
    esign = s[6]
    edigit = s[7]
    if sign not in " +-" or not mant.isdigit() or not edigit.isdigit():
        raise ValueError(s)
    if esign in " +-":
        return float(f"{'-' if sign == '-' else ''}0.{mant}e{'-' if esign == '-' else ''}{edigit}")
    if esign.isdigit():  # an unsigned two-digit exponent (``+0153801`` in 1992 TOPEX sets), as twoline2rv reads it
        return float(f"{'-' if sign == '-' else ''}0.{mant}e{esign}{edigit}")
    raise ValueError(s)


class _PairError(Exception):
    """Internal: (code, message, which line 1/2, field)."""

    def __init__(self, code: str, message: str, which: int, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.which = which
        self.field = field


def _check_line(s: str, which: int, template: str, checksum: bool = True) -> bytes:
    if not _printable(s):
        raise _PairError(
            "TLE_NON_ASCII", f"line {which} holds a character that is not printable ASCII, "
            f"{_first_unprintable(s)} (binary or non-ASCII input?)", which)
    n = len(s)
    if n != 69:
        if n < 69:
            raise _PairError(
                "TLE_TRUNCATED", f"line {which} has {n} characters, expected 69 (truncated)"
                + _show(s, template, n, 69), which)
        raise _PairError(
            "TLE_LINE_LENGTH", f"line {which} has {n} characters, expected 69" + _show(s, template, 69, n),
            which)
    b = s.encode("ascii")
    if not checksum:
        return b
    ck = b[68] - 48
    if not 0 <= ck <= 9:
        raise _PairError(
            "TLE_CHECKSUM", f"line {which} column 69 {s[68]!r} is not a checksum digit"
            + _show(s, template, 68, 69), which, "checksum")
    computed = sum(b[:68].translate(_CHECKSUM_TABLE)) % 10
    if computed != ck:
        raise _PairError(
            "TLE_CHECKSUM", f"line {which} checksum is {ck}, computed {computed}" + _show(s, template, 68, 69),
            which, "checksum")
    return b


def _field(which: int, s: str, start: int, stop: int, field: str, why: str) -> _PairError:
    """A ``TLE_FIELD`` error for columns ``start+1 .. stop`` of line ``which`` (1 or 2), the template beside it."""
    template = TEMPLATE_LINE1 if which == 1 else TEMPLATE_LINE2
    return _PairError(
        "TLE_FIELD", f"line {which} columns {start + 1}-{stop} ({field}) {why}" + _show(s, template, start, stop),
        which, field)


def _cospar(l1: str) -> str | None:
    d = l1[9:17]
    piece = d[5:].rstrip()
    if d[:5].isdigit() and piece.isalpha() and piece.isupper():  # the common left-justified form
        y = int(d[:2])
        return f"{1900 + y if y >= 57 else 2000 + y}-{d[2:5]}{piece}"
    if not d.strip():
        return None
    yy, num, piece = d[0:2], d[2:5], d[5:8].strip()
    # The piece may be missing (analyst objects, ``83075   ``) or right-justified (``92052  A``).
    if not (yy.isdigit() and num.isdigit() and (not piece or (piece.isalpha() and piece.isupper()))
            and " " not in piece):
        raise _field(1, l1, 9, 17, "international designator",
                     "is not YYNNNPPP (launch year, launch number, piece)")
    y = int(yy)
    return f"{1900 + y if y >= 57 else 2000 + y}-{num}{piece}"


def _two_digit_exponent(l1: str) -> tuple[str, float]:
    """Line 1 of 70 characters whose B* has a two-digit exponent: (the 69-column line, B*).

    CelesTrak quirk seen in real files: a two-digit B* exponent (``-66000-10``) shifts the
    rest of line 1 right by one column; the checksum is then in column 70.  The line
    returned has the exponent's first digit removed and a recomputed checksum.
    """
    ck = int(l1[69]) if l1[69].isdigit() else -1
    computed = sum(l1[:69].encode("ascii").translate(_CHECKSUM_TABLE)) % 10
    if computed != ck:
        raise _PairError("TLE_CHECKSUM", f"line 1 checksum is {l1[69]!r}, computed {computed}"
                         + _show(l1, TEMPLATE_LINE1, 69, 70), 1, "checksum")
    mant = l1[54:59]
    if l1[53] not in " +-" or not mant.isdigit():
        raise _field(1, l1, 53, 62, "bstar", "is not an implied-decimal number")
    bstar = float(f"{'-' if l1[53] == '-' else ''}0.{mant}e{l1[59]}{l1[60:62]}")
    norm = l1[:61] + l1[62:69]
    return norm + str(tle_checksum(norm)), bstar


def _bad_columns(l1: str, l2: str, b1: bytes, b2: bytes) -> _PairError:
    """The error of the first non-blank separator column, else of the first non-numeric character."""
    if _SEP1_GET(b1) != _BLANKS1:
        i = next(i for i in _SEP1 if b1[i] != 32)
        return _field(1, l1, i, i + 1, "separator", "should be blank")
    if _SEP2_GET(b2) != _BLANKS2:
        i = next(i for i in _SEP2 if b2[i] != 32)
        return _field(2, l2, i, i + 1, "separator", "should be blank")
    if b1[18:68].translate(None, _NUMERIC_CHARS):
        i = 18 + next(k for k, c in enumerate(b1[18:68]) if c not in _NUMERIC_CHARS)
        return _field(1, l1, i, i + 1, "numeric fields", f"hold the character {l1[i]!r}")
    if b2[7:68].translate(None, _NUMERIC_CHARS):
        i = 7 + next(k for k, c in enumerate(b2[7:68]) if c not in _NUMERIC_CHARS)
        return _field(2, l2, i, i + 1, "numeric fields", f"hold the character {l2[i]!r}")
    raise AssertionError("called only for a line with a bad column")


def _norad(l1: str, l2: str) -> int:
    """The catalog number of both lines (digits or Alpha-5), which must agree."""
    cat1 = l1[2:7]
    if cat1.isdigit():
        norad = int(cat1)
    else:
        try:
            norad = alpha5_to_int(cat1)
        except ValueError as exc:
            raise _field(1, l1, 2, 7, "catalog number", str(exc)) from None
    if l2[2:7] == cat1:
        return norad
    try:
        norad2 = alpha5_to_int(l2[2:7])
    except ValueError as exc:
        raise _field(2, l2, 2, 7, "catalog number", str(exc)) from None
    if norad != norad2:
        raise _PairError(
            "TLE_MISMATCHED_IDS", f"line 1 is for catalog number {norad}, line 2 for {norad2}"
            + _show(l2, TEMPLATE_LINE2, 2, 7), 2, "catalog number")
    return norad


def _epoch_us(l1: str) -> int:
    """The epoch field YYDDD.DDDDDDDD as Unix microseconds, exactly (integer arithmetic on the digits)."""
    yy, ddd, dot, frac = l1[18:20], l1[20:23], l1[23], l1[24:32].rstrip()
    if not yy.isdigit() or dot != "." or not ddd.strip().isdigit() or not frac.isdigit():
        raise _field(1, l1, 18, 32, "epoch", "is not YYDDD.DDDDDDDD")
    y = int(yy)
    year = 1900 + y if y >= 57 else 2000 + y
    day = int(ddd)
    if not 1 <= day <= (366 if _is_leap(year) else 365):
        raise _field(1, l1, 20, 23, "epoch", f"day of year {day} is outside {year}")
    return _year_start_us(year) + (day - 1) * US_PER_DAY + int(frac) * (US_PER_DAY // 10 ** len(frac))


def _line1_terms(l1: str) -> tuple[float, float, float, int, int]:
    """(mean motion dot, mean motion ddot, B*, ephemeris type, element set number) of line 1."""
    try:
        ndot = float(l1[33:43])
    except ValueError:
        raise _field(1, l1, 33, 43, "mean motion dot", "is not a number") from None
    try:
        nddot = _implied(l1[44:52])
    except ValueError:
        raise _field(1, l1, 44, 52, "mean motion ddot", "is not an implied-decimal number") from None
    try:
        bstar = _implied(l1[53:61])
    except ValueError:
        raise _field(1, l1, 53, 61, "bstar", "is not an implied-decimal number") from None
    et = l1[62]
    if et == " ":
        eph_type = 0
    elif et.isdigit():
        eph_type = int(et)
    else:
        raise _field(1, l1, 62, 63, "ephemeris type", "is not a digit")
    es_text = l1[64:68].strip()
    if es_text and not es_text.isdigit():
        raise _field(1, l1, 64, 68, "element set number", "is not a number")
    return ndot, nddot, bstar, eph_type, int(es_text) if es_text else 0


_ANGLES2 = ((17, 25, "right ascension of node"), (34, 42, "argument of perigee"), (43, 51, "mean anomaly"))


def _bad_angle(l2: str) -> _PairError:
    """The error of the angles of line 2 (node, perigee, anomaly): the first that is not a number, else the
    first outside 0..360 deg."""
    for a, b, what in _ANGLES2:
        try:
            float(l2[a:b])
        except ValueError:
            return _field(2, l2, a, b, what, "is not a number")
    for a, b, what in _ANGLES2:
        v = float(l2[a:b])
        if not 0.0 <= v <= 360.0:
            return _field(2, l2, a, b, what, f"{v} is outside 0..360 deg")
    raise AssertionError("called only for a line 2 with a bad angle")


def _line2_elements(l2: str) -> tuple[float, float, float, float, float, float, int]:
    """(inclination, node, eccentricity, perigee, anomaly, mean motion, revolution number) of line 2."""
    try:
        incl = float(l2[8:16])
    except ValueError:
        raise _field(2, l2, 8, 16, "inclination", "is not a number") from None
    if not 0.0 <= incl <= 180.0:
        raise _field(2, l2, 8, 16, "inclination", f"{incl} is outside 0..180 deg")
    try:
        raan = float(l2[17:25])
        argp = float(l2[34:42])
        ma = float(l2[43:51])
    except ValueError:
        raise _bad_angle(l2) from None
    if not (0.0 <= raan <= 360.0 and 0.0 <= argp <= 360.0 and 0.0 <= ma <= 360.0):
        raise _bad_angle(l2)
    e_digits = l2[26:33]
    if not e_digits.isdigit():
        raise _field(2, l2, 26, 33, "eccentricity", "is not 7 digits (implied leading '0.')")
    try:
        n = float(l2[52:63])
    except ValueError:
        raise _field(2, l2, 52, 63, "mean motion", "is not a number") from None
    if not n > 0.0 or not math.isfinite(n):
        raise _field(2, l2, 52, 63, "mean motion", f"{n} rev/day is not positive")
    rev_text = l2[63:68].strip()
    if rev_text and not rev_text.isdigit():
        raise _field(2, l2, 63, 68, "revolution number", "is not a number")
    return incl, raan, float("0." + e_digits), argp, ma, n, int(rev_text) if rev_text else 0


def _parse_pair(
    l1: str, l2: str, name: str | None, source: str | None, ln1: int | None, checksum: bool = True
) -> ElementSet:
    """Parse two stripped lines; raises :class:`_PairError` (the checks in column order)."""
    if l1[:2] != "1 ":
        raise _PairError("TLE_LINE_ORDER", "line 1 does not start with '1 '" + _show(l1, TEMPLATE_LINE1, 0, 2), 1)
    if l2[:2] != "2 ":
        raise _PairError("TLE_LINE_ORDER", "line 2 does not start with '2 '" + _show(l2, TEMPLATE_LINE2, 0, 2), 2)
    bstar_override = None
    if len(l1) == 70 and l1[59] in "+-" and l1[60:62].isdigit() and l1[62] == " " and l1.isascii():
        l1, bstar_override = _two_digit_exponent(l1)
    b1 = _check_line(l1, 1, TEMPLATE_LINE1, checksum)
    b2 = _check_line(l2, 2, TEMPLATE_LINE2, checksum)
    if (_SEP1_GET(b1) != _BLANKS1 or _SEP2_GET(b2) != _BLANKS2 or b1[18:68].translate(None, _NUMERIC_CHARS)
            or b2[7:68].translate(None, _NUMERIC_CHARS)):
        raise _bad_columns(l1, l2, b1, b2)
    norad = _norad(l1, l2)
    cls = l1[7]
    if cls == " ":
        cls = "U"
    elif cls not in "UCS":
        raise _field(1, l1, 7, 8, "classification", "is not U, C or S")
    cospar = _cospar(l1)
    epoch_us = _epoch_us(l1)
    ndot, nddot, bstar, eph_type, set_no = _line1_terms(l1)
    if bstar_override is not None:
        bstar = bstar_override
    incl, raan, ecc, argp, ma, n, rev = _line2_elements(l2)
    return ElementSet(
        norad, np.datetime64(epoch_us, "us"), n, ecc, incl, raan, argp, ma, bstar, ndot, nddot,
        name, cospar, cls, set_no, rev, eph_type, source, ln1,
    )


def _clean_name(text: str) -> str | None:
    s = text.strip()
    if s[:2] == "0 ":
        s = s[2:].strip()
    elif s == "0":
        s = ""
    return s or None


def parse_tle(
    line1: str,
    line2: str,
    name: str | None = None,
    *,
    source: str | None = None,
    line: int | None = None,
    verify_checksum: bool = True,
) -> ElementSet:
    """One element set from TLE line 1 and line 2 (and an optional name / ``0 NAME`` line).

    ``line`` is the 1-based line number of ``line1`` in ``source`` (used in errors and
    stored on the result).  ``verify_checksum=False`` is only for hand-edited reference
    sets such as Vallado's SGP4-VER.TLE, whose error-case records (33333...) carry
    checksums that do not match; data files are always verified.  Raises
    :class:`TLEError` (codes in the module docstring).
    """
    nm = None
    if name is not None:
        if not _printable(name.rstrip("\r\n")):
            raise TLEError(f"name line holds a character that is not printable ASCII, "
                           f"{_first_unprintable(name.rstrip(chr(13) + chr(10)))}", code="TLE_NON_ASCII",
                           source=source, line=None if line is None else line - 1, field="name")
        nm = _clean_name(name)
    try:
        return _parse_pair(line1.rstrip(), line2.rstrip(), nm, source, line, verify_checksum)
    except _PairError as exc:
        ln = None if line is None else line + exc.which - 1
        raise TLEError(exc.message, code=exc.code, source=source, line=ln,
                       record=_guess_norad(line1), field=exc.field) from None


def _clip(message: str) -> str:
    return message if len(message) <= _MESSAGE_CHARS else message[:_MESSAGE_CHARS] + "..."


def _incomplete(*, name: str | None, name_ln: int, l1: str | None, l1_ln: int, l2: str | None,
                l2_ln: int) -> tuple[str, str, int, int | None] | None:
    """(code, message, line, norad) for the pending lines that cannot form a record, or None."""
    if l2 is not None:
        return ("TLE_LINE_ORDER", "line 2 without a line 1 before it" + _show(l2, TEMPLATE_LINE2, 0, 1),
                l2_ln, _guess_norad(l2))
    if l1 is not None:
        return "TLE_TRUNCATED", "line 1 is not followed by a line 2", l1_ln, _guess_norad(l1)
    if name is not None:
        return ("TLE_TRUNCATED", f"name line {_describe(name.strip())} is not followed by element lines",
                name_ln, None)
    return None


def iter_tle(
    lines: Iterable[str],
    *,
    source: str = "<tle>",
    lenient: bool = False,
    rejects: list[Reject] | None = None,
    first_line: int = 1,
) -> Iterator[ElementSet]:
    """Stream element sets from TLE / 3LE text lines (any mix of 2- and 3-line records).

    One record is held at a time, so any file size works.  Strict mode raises the first
    :class:`TLEError`; ``lenient=True`` appends a :class:`Reject` per bad record to
    ``rejects`` and goes on.  ``first_line`` is the line number of the first line.
    """
    name: str | None = None
    name_ln = 0
    l1: str | None = None
    l1_ln = 0
    l2: str | None = None  # a line 2 seen before any line 1
    l2_ln = 0

    def fail(code: str, message: str, ln: int, norad: int | None, field: str | None = None) -> None:
        message = _clip(message)
        if not lenient:
            raise TLEError(message, code=code, source=source, line=ln, record=norad, field=field)
        if rejects is not None:
            rejects.append(Reject(source, ln, norad, code, message))

    def flush_incomplete() -> None:
        pending = _incomplete(name=name, name_ln=name_ln, l1=l1, l1_ln=l1_ln, l2=l2, l2_ln=l2_ln)
        if pending is not None:
            fail(*pending)

    ln = first_line - 1
    for raw in lines:
        ln += 1
        s = raw.rstrip()
        if not s:
            continue
        head = s[:2]
        if head == "1 ":
            if l1 is not None or l2 is not None:
                if l2 is not None and l1 is None:
                    # Swapped lines: report once for the pair, drop both.
                    fail("TLE_LINE_ORDER", "line 2 comes before line 1" + _show(l2, TEMPLATE_LINE2, 0, 1),
                         l2_ln, _guess_norad(s))
                    name = l2 = None
                    continue
                flush_incomplete()
                name = l2 = None
            l1, l1_ln = s, ln
        elif head == "2 ":
            if l1 is None:
                if l2 is not None:
                    flush_incomplete()
                    name = None
                l2, l2_ln = s, ln
                continue
            nm = name
            if nm is not None and not _printable(nm):
                fail("TLE_NON_ASCII", f"name line holds a character that is not printable ASCII, "
                     f"{_first_unprintable(nm)}", name_ln, _guess_norad(l1), "name")
            else:
                try:
                    yield _parse_pair(l1, s, None if nm is None else _clean_name(nm), source, l1_ln)
                except _PairError as exc:
                    fail(exc.code, exc.message, l1_ln if exc.which == 1 else ln, _guess_norad(l1), exc.field)
            name = l1 = None
        else:
            if name is not None or l1 is not None or l2 is not None:
                flush_incomplete()
                l1 = l2 = None
            name, name_ln = s, ln
    if name is not None or l1 is not None or l2 is not None:
        flush_incomplete()


# ----------------------------------------------------------------------------- writer


def _fmt_implied(v: float, what: str) -> str:
    if v == 0.0:
        return " 00000-0"
    s = f"{abs(v):.4e}"  # d.dddde±XX
    exp = int(s[7:]) + 1
    mant = s[0] + s[2:6]
    if exp < -9:
        # Below the exponent's range: shift the mantissa (0.66e-10 = 0.06600e-9), exact in decimal.
        shifted = Decimal(repr(abs(v))).scaleb(9).quantize(Decimal("0.00001"))
        mant = f"{shifted:.5f}"[2:]
        if mant == "00000":
            return " 00000-0"
        exp = -9
    if exp > 9:
        raise TLEError(f"{what} {v} is too large for a TLE field", code="TLE_FIELD", field=what)
    return f"{'-' if v < 0 else ' '}{mant}{'-' if exp < 0 else '+'}{abs(exp)}"


def _with_checksum(body: str) -> str:
    return body + str(tle_checksum(body))


def format_tle(es: ElementSet) -> tuple[str, str]:
    """Write an element set as TLE line 1 and line 2 (with checksums; Alpha-5 above 99999).

    Raises :class:`TLEError` ``TLE_ID_RANGE`` for catalog numbers above 339999 and
    ``TLE_FIELD`` for values a TLE field cannot hold.  The epoch is written to 1e-8 day
    (864 us), exact for epochs read from a TLE.
    """
    try:
        cat = int_to_alpha5(es.norad_id)
    except ValueError as exc:
        raise TLEError(str(exc), code="TLE_ID_RANGE", record=es.norad_id, field="norad_id") from None
    us = int(np.asarray(es.epoch, dtype=UTC_DTYPE).astype(np.int64))
    us = (us + 432) // 864 * 864  # to 1e-8 day (864 us), rounded half up; may roll into the next year
    year = int(str(np.datetime64(us, "us").astype("datetime64[Y]")))
    if not 1957 <= year <= 2056:
        raise TLEError(f"epoch year {year} is outside the TLE range 1957..2056", code="TLE_FIELD",
                       record=es.norad_id, field="epoch")
    day0, rem = divmod(us - _year_start_us(year), US_PER_DAY)
    frac = rem // 864
    intl = ""
    if es.cospar_id and 8 <= len(es.cospar_id) <= 11 and es.cospar_id[4] == "-":
        intl = es.cospar_id[2:4] + es.cospar_id[5:]
    ndot = es.mean_motion_dot_rev_per_day2
    if not abs(ndot) < 1.0:
        raise TLEError(f"mean motion dot {ndot} is too large for a TLE", code="TLE_FIELD",
                       record=es.norad_id, field="mean_motion_dot_rev_per_day2")
    ndot_s = f"{abs(ndot):.8f}"[1:]
    ndot_txt = ("-" if ndot < 0 and ndot_s != ".00000000" else " ") + ndot_s
    cls = es.classification or "U"
    line1 = (
        f"1 {cat}{cls} {intl:<8} {year % 100:02d}{day0 + 1:03d}.{frac:08d} {ndot_txt} "
        f"{_fmt_implied(es.mean_motion_ddot_rev_per_day3, 'mean_motion_ddot_rev_per_day3')} "
        f"{_fmt_implied(es.bstar_per_earth_radius, 'bstar_per_earth_radius')} "
        f"{es.ephemeris_type % 10:1d} {es.element_set_no % 10000:4d}"
    )
    ecc = f"{es.eccentricity:.7f}"
    if not 0.0 <= es.eccentricity < 1.0 or ecc[:2] != "0.":
        raise TLEError(f"eccentricity {es.eccentricity} cannot be written in a TLE", code="TLE_FIELD",
                       record=es.norad_id, field="eccentricity")
    n = f"{es.mean_motion_rev_per_day:11.8f}"
    if len(n) != 11:
        raise TLEError(f"mean motion {es.mean_motion_rev_per_day} is too large for a TLE", code="TLE_FIELD",
                       record=es.norad_id, field="mean_motion_rev_per_day")
    line2 = (
        f"2 {cat} {es.inclination_deg:8.4f} {es.raan_deg:8.4f} {ecc[2:]} {es.arg_perigee_deg:8.4f} "
        f"{es.mean_anomaly_deg:8.4f} {n}{es.rev_at_epoch % 100000:5d}"
    )
    if len(line1) != 68 or len(line2) != 68:
        raise TLEError("element set does not fit the TLE columns", code="TLE_FIELD", record=es.norad_id)
    return _with_checksum(line1), _with_checksum(line2)

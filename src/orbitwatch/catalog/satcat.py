"""SATCAT: the satellite catalog's object records (type, owner, launch and decay, size).

Two publishers, two vocabularies, one record (:class:`SatcatRecord`):

* **CelesTrak** SATCAT CSV (CelesTrak, "SATCAT Format Documentation",
  celestrak.org/satcat/satcat-format.php, CSV format of 2023 May 7, RFC 4180): a header row
  then one row per object with ``OBJECT_NAME, OBJECT_ID, NORAD_CAT_ID, OBJECT_TYPE,
  OPS_STATUS_CODE, OWNER, LAUNCH_DATE, LAUNCH_SITE, DECAY_DATE, PERIOD, INCLINATION, APOGEE,
  PERIGEE, RCS, DATA_STATUS_CODE, ORBIT_CENTER, ORBIT_TYPE``; types ``PAY``, ``R/B``,
  ``DEB``, ``UNK``.
* **Space-Track** ``satcat`` class (space-track.org "SATCAT" class documentation), as CSV
  (:func:`iter_satcat_csv`) or as the JSON array the API returns (:func:`iter_satcat_json`;
  every value a string or null): ``INTLDES, NORAD_CAT_ID, OBJECT_TYPE, SATNAME, COUNTRY,
  LAUNCH, SITE, DECAY, PERIOD, INCLINATION, APOGEE, PERIGEE, COMMENT, COMMENTCODE,
  RCSVALUE, RCS_SIZE, FILE, LAUNCH_YEAR, LAUNCH_NUM, LAUNCH_PIECE, CURRENT, OBJECT_NAME,
  OBJECT_ID, OBJECT_NUMBER``; types ``PAYLOAD``, ``ROCKET BODY``, ``DEBRIS``, ``UNKNOWN``.

Normalisation: ``OBJECT_TYPE`` becomes one of :data:`~orbitwatch.catalog.model.OBJECT_TYPES`
(``PAY`` -> PAYLOAD, ``R/B`` -> ROCKET BODY, ``DEB`` -> DEBRIS, ``UNK``/``TBA`` -> UNKNOWN).
The owner is Space-Track's ``COUNTRY`` or CelesTrak's ``OWNER`` (the same code list, upper
case; CelesTrak's ``ISS`` has no Space-Track equivalent, which files 25544 under ``CIS``).
Launch sites are kept in the publisher's own codes (``TTMTR`` vs ``TYMSC``): there is no
published one-to-one table, so none is guessed.  Space-Track writes ``RCSVALUE`` 0 for "no
value" (only ``RCS_SIZE`` is public): that 0 becomes NaN.  Dates are ``YYYY-MM-DD`` (a time
part is accepted) and become UTC ``datetime64[us]``.  :attr:`SatcatRecord.vocabulary` says
which publisher's column names the input used.

Hardening (every failure is a :class:`~orbitwatch.errors.SATCATError`, never a bare
``ValueError`` or ``_csv.Error``): ids and numbers must be ASCII (``str.isdigit`` accepts
``2²``, ``int`` does not); a CSV cell over :data:`MAX_CELL_CHARS` or a JSON record over
:data:`MAX_JSON_RECORD_CHARS` is refused; numbers must be finite; apogee below perigee and a
decay before the launch are refused.

Error codes (``field`` names the column):

``SATCAT_HEADER``                the header lacks NORAD_CAT_ID or OBJECT_TYPE
``SATCAT_ROW``                   a row with a different number of fields than the header
``SATCAT_FIELD``                 an unreadable or out-of-range value
``SATCAT_NOT_FINITE``            a number that is ±inf or NaN
``SATCAT_APOGEE_BELOW_PERIGEE``  ``APOGEE`` < ``PERIGEE``
``SATCAT_DECAY_BEFORE_LAUNCH``   ``DECAY_DATE`` earlier than ``LAUNCH_DATE``
``SATCAT_CELL_SIZE``             a CSV cell (or JSON value) longer than :data:`MAX_CELL_CHARS`
``SATCAT_JSON``                  malformed JSON (structure, nesting, a record too large)

Empty input is ``EMPTY_INPUT`` as in :func:`orbitwatch.catalog.reader.read_element_sets`.
Strict mode raises the first error; lenient mode turns each bad record into a
:class:`~orbitwatch.catalog.model.Reject` and goes on (a JSON structure error ends that
input: nothing after it can be located).
"""

from __future__ import annotations

import csv
import datetime as _dt
import functools
import itertools
import json
import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from orbitwatch.catalog.model import Reject
from orbitwatch.errors import ParseError, SATCATError
from orbitwatch.times import UTC_DTYPE

__all__ = [
    "MAX_CELL_CHARS",
    "MAX_JSON_RECORD_CHARS",
    "SNIFF_CHARS",
    "SatcatRecord",
    "iter_satcat",
    "iter_satcat_csv",
    "iter_satcat_json",
    "normalise_object_type",
    "normalise_owner",
    "sniff_satcat",
]

#: Longest CSV cell read (characters): Python's ``csv`` default ``field_size_limit``, 128 KiB.
#: The limit is checked by the ``csv`` module itself; this reader turns its error into a code
#: and never changes the process-wide limit.
MAX_CELL_CHARS = 131_072

#: Longest JSON object (characters) accepted for one SATCAT record (a real one is ~700).
MAX_JSON_RECORD_CHARS = 1_048_576

_TYPE_CODES = {
    "PAY": "PAYLOAD", "PAYLOAD": "PAYLOAD",
    "R/B": "ROCKET BODY", "ROCKET BODY": "ROCKET BODY", "RB": "ROCKET BODY",
    "DEB": "DEBRIS", "DEBRIS": "DEBRIS",
    "UNK": "UNKNOWN", "UNKNOWN": "UNKNOWN", "TBA": "UNKNOWN",
}

# Space-Track column -> CelesTrak column (the names the record is built from).
_ALIASES = {
    "SATNAME": "OBJECT_NAME", "INTLDES": "OBJECT_ID", "COUNTRY": "OWNER", "LAUNCH": "LAUNCH_DATE",
    "SITE": "LAUNCH_SITE", "DECAY": "DECAY_DATE", "RCSVALUE": "RCS",
}
_SPACETRACK_ONLY = frozenset({"SATNAME", "INTLDES", "COUNTRY", "LAUNCH", "DECAY", "RCSVALUE", "RCS_SIZE"})

_ASCII_DIGITS = re.compile(r"[0-9]+", re.ASCII)
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[+-]?(?:inf|infinity|nan)",
                     re.ASCII | re.IGNORECASE)
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[T ]([0-9]{2}):([0-9]{2})(?::([0-9]{2}))?(?:\.[0-9]*)?Z?)?",
                   re.ASCII)
_OWNER = re.compile(r"[A-Z0-9/_-]{1,16}", re.ASCII)
_RCS_SIZES = frozenset({"SMALL", "MEDIUM", "LARGE"})
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


@dataclass(frozen=True, slots=True)
class SatcatRecord:
    """One catalogued object.  ``None`` (text, dates) or NaN (numbers) where the catalog has no value."""

    norad_id: int
    name: str | None
    cospar_id: str | None
    object_type: str
    ops_status: str | None = None
    owner: str | None = None
    launch_date: np.datetime64 | None = None
    launch_site: str | None = None
    decay_date: np.datetime64 | None = None
    period_min: float = math.nan
    inclination_deg: float = math.nan
    apogee_km: float = math.nan
    perigee_km: float = math.nan
    rcs_m2: float = math.nan
    data_status: str | None = None
    orbit_center: str | None = None
    orbit_type: str | None = None
    source: str | None = None
    line: int | None = None
    rcs_size: str | None = None
    comment: str | None = None
    vocabulary: str = "celestrak"

    @property
    def decayed(self) -> bool:
        return self.decay_date is not None


def normalise_object_type(code: str | None) -> str:
    """``PAY``/``R/B``/``DEB``/``UNK`` (or the spelled-out names) -> PAYLOAD/ROCKET BODY/DEBRIS/UNKNOWN.

    Raises ``ValueError`` for anything else; an empty code is UNKNOWN.
    """
    key = " ".join((code or "").split()).upper()
    if not key:
        return "UNKNOWN"
    try:
        return _TYPE_CODES[key]
    except KeyError:
        raise ValueError(f"object type {code!r} is not PAY, R/B, DEB or UNK") from None


def normalise_owner(code: str | None) -> str | None:
    """An owner code (Space-Track ``COUNTRY``, CelesTrak ``OWNER``) in upper case; ``None`` if empty.

    Raises ``ValueError`` for a code that is not 1-16 ASCII letters, digits, ``/``, ``_``, ``-``.
    """
    key = (code or "").strip().upper()
    if not key:
        return None
    if not _OWNER.fullmatch(key):
        raise ValueError(f"owner code {code!r} is not 1-16 ASCII letters/digits")
    return key


def _clean(text: str | None) -> str | None:
    """Text with control characters removed and blanks (incl. no-break spaces) collapsed."""
    if text is None:
        return None
    v = text.strip()
    if v.isprintable() and "  " not in v:  # the common case: nothing to clean
        return v or None
    v = " ".join(_CONTROL.sub(" ", text).split())
    return v or None


@functools.lru_cache(maxsize=65_536)
def _parse_date(v: str) -> np.datetime64 | str:
    """``YYYY-MM-DD[Thh:mm[:ss]]`` -> UTC ``datetime64[us]``, or why not (a string)."""
    m = _DATE.fullmatch(v)
    if not m:
        return "is not a YYYY-MM-DD date"
    y, mo, d, hh, mi, ss = (int(g) if g else 0 for g in m.groups())
    try:
        t = _dt.datetime(y, mo, d, hh, mi, ss)
    except ValueError as exc:
        return f"is not a calendar date ({exc})"
    return np.datetime64(t, "us").astype(UTC_DTYPE)


def _bounded_number(text: str, lo: float, hi: float) -> float | tuple[str, str]:
    """A SATCAT number cell in ``lo..hi`` (NaN when empty or N/A), or (why, code) when it is not."""
    v = text.strip()
    if not v or v.upper() in ("N/A", "NULL"):
        return math.nan
    if not _NUMBER.fullmatch(v):
        return "is not a number", "SATCAT_FIELD"
    x = float(v)
    if not math.isfinite(x):
        return "is not a finite number", "SATCAT_NOT_FINITE"
    if not lo <= x <= hi:
        return f"is outside {lo:g}..{hi:g}", "SATCAT_FIELD"
    return x


def _record(row: Mapping[str, str], source: str, ln: int, vocabulary: str) -> SatcatRecord:
    norad_raw = row.get("NORAD_CAT_ID", "")

    def fail(col: str, why: str, code: str = "SATCAT_FIELD") -> SATCATError:
        shown = row.get(col, "")
        shown = shown if len(shown) <= 40 else shown[:40] + "..."
        return SATCATError(f"{col} {shown!r} {why}", code=code, source=source, line=ln,
                           record=_norad_or_none(norad_raw), field=col)

    def text(col: str) -> str | None:
        return _clean(row.get(col))

    def number(col: str, lo: float, hi: float) -> float:
        x = _bounded_number(row.get(col, ""), lo, hi)
        if isinstance(x, tuple):
            raise fail(col, *x)
        return x

    def date(col: str) -> np.datetime64 | None:
        v = row.get(col, "").strip()
        if not v:
            return None
        t = _parse_date(v[:64])
        if isinstance(t, str):
            raise fail(col, t)
        return t

    norad = _norad_or_none(norad_raw)
    if norad is None or not 0 < norad <= 999_999_999:
        raise fail("NORAD_CAT_ID", "is not a catalog number (1..999999999, ASCII digits)")
    try:
        object_type = normalise_object_type(row.get("OBJECT_TYPE"))
    except ValueError:
        raise fail("OBJECT_TYPE", "is not PAY, R/B, DEB, UNK (or PAYLOAD, ROCKET BODY, DEBRIS, UNKNOWN)") from None
    try:
        owner = normalise_owner(row.get("OWNER"))
    except ValueError:
        raise fail("OWNER", "is not an owner code (1-16 ASCII letters, digits)") from None
    rcs = number("RCS", 0.0, 1e9)
    if vocabulary == "spacetrack" and rcs == 0.0:  # Space-Track writes 0 for "no value"
        rcs = math.nan
    rcs_size = text("RCS_SIZE")
    if rcs_size is not None:
        rcs_size = rcs_size.upper()
        if rcs_size not in _RCS_SIZES:
            raise fail("RCS_SIZE", "is not SMALL, MEDIUM or LARGE")
    apogee = number("APOGEE", -7000.0, 1e9)
    perigee = number("PERIGEE", -7000.0, 1e9)
    if apogee < perigee:  # False when either is NaN
        raise fail("APOGEE", f"is below PERIGEE {perigee:g} km", "SATCAT_APOGEE_BELOW_PERIGEE")
    launch = date("LAUNCH_DATE")
    decay = date("DECAY_DATE")
    if launch is not None and decay is not None and decay < launch:
        raise fail("DECAY_DATE", f"is before LAUNCH_DATE {row.get('LAUNCH_DATE', '').strip()}",
                   "SATCAT_DECAY_BEFORE_LAUNCH")
    return SatcatRecord(
        norad_id=norad,
        name=text("OBJECT_NAME"),
        cospar_id=text("OBJECT_ID"),
        object_type=object_type,
        ops_status=text("OPS_STATUS_CODE"),
        owner=owner,
        launch_date=launch,
        launch_site=text("LAUNCH_SITE"),
        decay_date=decay,
        period_min=number("PERIOD", 0.0, 1e9),
        inclination_deg=number("INCLINATION", 0.0, 180.0),
        apogee_km=apogee,
        perigee_km=perigee,
        rcs_m2=rcs,
        data_status=text("DATA_STATUS_CODE"),
        orbit_center=text("ORBIT_CENTER"),
        orbit_type=text("ORBIT_TYPE"),
        source=source,
        line=ln,
        rcs_size=rcs_size,
        comment=text("COMMENT"),
        vocabulary=vocabulary,
    )


def _norad_or_none(text: str | None) -> int | None:
    v = (text or "").strip()
    if not _ASCII_DIGITS.fullmatch(v) or len(v) > 12:
        return None
    return int(v)


def _vocabulary(names: Iterable[str]) -> str:
    return "spacetrack" if _SPACETRACK_ONLY & set(names) else "celestrak"


def _canonical_names(names: Sequence[str]) -> list[str | None]:
    """Each column's CelesTrak name; ``None`` for a Space-Track alias whose CelesTrak column is
    also present (Space-Track repeats SATNAME as OBJECT_NAME, INTLDES as OBJECT_ID)."""
    present = set(names)
    return [None if n in _ALIASES and _ALIASES[n] in present else _ALIASES.get(n, n) for n in names]


def _canonical_row(raw: Mapping[str, str]) -> dict[str, str]:
    """Column names mapped to the CelesTrak ones; an explicit CelesTrak column wins over its alias,
    unless it is empty."""
    out: dict[str, str] = {}
    for k, v in raw.items():
        target = _ALIASES.get(k, k)
        if target == k or target not in raw or not raw.get(target, "").strip():
            out[target] = v
    return out


class _Problems:
    """Strict: raise.  Lenient: append a :class:`Reject` (when a list is given) and go on."""

    def __init__(self, lenient: bool, rejects: list[Reject] | None, source: str) -> None:
        self.lenient = lenient
        self.rejects = rejects
        self.source = source

    def __call__(self, exc: ParseError, norad: int | None) -> None:
        if not self.lenient:
            raise exc
        if self.rejects is not None:
            self.rejects.append(Reject(self.source, exc.line, norad, exc.code, exc.message))


def iter_satcat_csv(
    lines: Iterable[str],
    *,
    source: str = "<satcat>",
    lenient: bool = False,
    rejects: list[Reject] | None = None,
) -> Iterator[SatcatRecord]:
    """Stream :class:`SatcatRecord` rows from SATCAT CSV lines (CelesTrak or Space-Track columns)."""
    problem = _Problems(lenient, rejects, source)
    reader = csv.reader(lines)
    rows = _csv_rows(reader, source)
    header: list[str] | None = None
    for row, err in rows:
        if err is not None:
            problem(err, None)
            continue
        if row and any(c.strip() for c in row):
            header = [h.strip().lstrip("\ufeff").upper() for h in row]
            break
    if header is None:
        problem(ParseError("the SATCAT input holds no data", code="EMPTY_INPUT", source=source), None)
        return
    vocabulary = _vocabulary(header)
    canonical = {_ALIASES.get(h, h) for h in header}
    missing = [c for c in ("NORAD_CAT_ID", "OBJECT_TYPE") if c not in canonical]
    if missing:
        problem(SATCATError(f"the SATCAT header lacks {', '.join(missing)}", code="SATCAT_HEADER",
                            source=source, line=reader.line_num, field=missing[0]), None)
        return
    width = len(header)
    targets = _canonical_names(header)
    keep = [(i, t) for i, t in enumerate(targets) if t is not None]
    norad_at = targets.index("NORAD_CAT_ID")
    for row, err in rows:
        if err is not None:
            problem(err, None)
            continue
        ln = reader.line_num
        if not row or not any(c.strip() for c in row):
            continue
        norad = _norad_or_none(row[norad_at]) if norad_at < len(row) else None
        if len(row) != width:
            problem(SATCATError(f"row has {len(row)} fields, the header {width}", code="SATCAT_ROW",
                                source=source, line=ln, record=norad), norad)
            continue
        try:
            yield _record({t: row[i] for i, t in keep}, source, ln, vocabulary)
        except SATCATError as exc:
            problem(exc, norad)


def _csv_rows(reader: Iterator[list[str]], source: str) -> Iterator[tuple[list[str], SATCATError | None]]:
    """Rows of a ``csv.reader``; its errors (a cell over the field limit, ...) become codes."""
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            line = getattr(reader, "line_num", None)
            text = str(exc)
            if "field larger than field limit" in text:
                yield [], SATCATError(f"a CSV cell is longer than {MAX_CELL_CHARS:,} characters",
                                      code="SATCAT_CELL_SIZE", source=source, line=line)
            else:
                yield [], SATCATError(f"unreadable CSV: {text}", code="SATCAT_ROW", source=source, line=line)
            continue
        yield row, None


# -- JSON -----------------------------------------------------------------------------------

_WS = re.compile(r"[ \t\r\n]*")
_CHUNK_CHARS = 65_536


class _JsonError(Exception):
    """Internal: the JSON text cannot be read on from here."""


class _JsonText:
    """A growing window on JSON text arriving as pieces (lines or one long line)."""

    def __init__(self, pieces: Iterable[str]) -> None:
        self._pieces = iter(pieces)
        self.buf = ""
        self.pos = 0
        self.eof = False

    def more(self) -> bool:
        """Append at least :data:`_CHUNK_CHARS` more characters (fewer at the end); False at EOF."""
        if self.eof:
            return False
        got: list[str] = []
        n = 0
        for piece in self._pieces:
            got.append(piece)
            n += len(piece)
            if n >= _CHUNK_CHARS:
                break
        else:
            self.eof = True
        if self.pos:
            self.buf = self.buf[self.pos:]
            self.pos = 0
        self.buf += "".join(got)
        return n > 0

    def peek(self) -> str:
        """The next non-blank character ('' at the end of the text); blanks are consumed."""
        while True:
            m = _WS.match(self.buf, self.pos)
            assert m is not None  # the pattern matches the empty string
            self.pos = m.end()
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self.more():
                return ""

    def decode(self, decoder: json.JSONDecoder) -> object:
        """The JSON value at the cursor (reading on while it is incomplete)."""
        while True:
            try:
                value, end = decoder.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                # The text may just stop inside the record: read on (within the record limit).
                cut = exc.pos >= len(self.buf) - 1 or exc.msg.startswith("Unterminated string")
                if cut and len(self.buf) - self.pos <= MAX_JSON_RECORD_CHARS and self.more():
                    continue
                if cut and len(self.buf) - self.pos > MAX_JSON_RECORD_CHARS:
                    raise _JsonError(f"a record longer than {MAX_JSON_RECORD_CHARS:,} characters") from None
                raise _JsonError(f"{exc.msg} (character {exc.pos - self.pos} of the record)") from None
            except RecursionError:
                raise _JsonError("nesting too deep") from None
            except ValueError as exc:  # e.g. an integer longer than Python's int-string limit
                raise _JsonError(str(exc)) from None
            if end - self.pos > MAX_JSON_RECORD_CHARS:
                raise _JsonError(f"a record longer than {MAX_JSON_RECORD_CHARS:,} characters")
            self.pos = end
            return value


def iter_satcat_json(
    lines: Iterable[str],
    *,
    source: str = "<satcat>",
    lenient: bool = False,
    rejects: list[Reject] | None = None,
) -> Iterator[SatcatRecord]:
    """Stream :class:`SatcatRecord` objects from a SATCAT JSON array (Space-Track's ``satcat`` class).

    The text may arrive as one long line (Space-Track's API) or many; objects are decoded one
    at a time (``json.JSONDecoder.raw_decode``), so memory holds the text read and one record.
    ``line`` of a record (and of its reject) is its 1-based index in the array.  Values may be
    strings, numbers or null; anything else in a field is ``SATCAT_FIELD``.  A single object
    (not in an array) is read as a one-record catalog.
    """
    problem = _Problems(lenient, rejects, source)
    decoder = json.JSONDecoder()
    text = _JsonText(lines)

    def structure(why: str, index: int | None) -> SATCATError:
        return SATCATError(f"malformed SATCAT JSON: {why}", code="SATCAT_JSON", source=source, line=index)

    first = text.peek()
    if not first:
        problem(ParseError("the SATCAT input holds no data", code="EMPTY_INPUT", source=source), None)
        return
    if first not in "[{":
        problem(structure("expected a JSON array of objects", None), None)
        return
    single = first == "{"
    if not single:
        text.pos += 1
    index = 0
    while True:
        c = text.peek()
        if not single:
            if c == "]":
                text.pos += 1
                if text.peek():
                    problem(structure("text after the closing ']'", index or None), None)
                return
            if index:
                if c != ",":
                    problem(structure("expected ',' or ']' after an object" if c else "the array is not closed",
                                      index), None)
                    return
                text.pos += 1
                c = text.peek()
            if not c:
                problem(structure("the array is not closed", index or None), None)
                return
        index += 1
        try:
            value = text.decode(decoder)
        except _JsonError as exc:
            problem(structure(str(exc), index), None)
            return
        try:
            yield _record_from_json(value, source, index)
        except SATCATError as exc:
            norad = _norad_or_none(str(value.get("NORAD_CAT_ID"))) if isinstance(value, dict) else None
            problem(exc, norad)
        if single:
            if text.peek():
                problem(structure("text after the object", index), None)
            return


def _record_from_json(value: object, source: str, index: int) -> SatcatRecord:
    if not isinstance(value, dict):
        raise SATCATError(f"SATCAT JSON record {index} is not an object", code="SATCAT_JSON",
                          source=source, line=index)
    row: dict[str, str] = {}
    for key, v in value.items():
        col = str(key).strip().upper()
        if v is None:
            row[col] = ""
        elif isinstance(v, str):
            if len(v) > MAX_CELL_CHARS:
                raise SATCATError(f"{col} is longer than {MAX_CELL_CHARS:,} characters", code="SATCAT_CELL_SIZE",
                                  source=source, line=index, field=col)
            row[col] = v
        elif isinstance(v, bool) or not isinstance(v, int | float):
            raise SATCATError(f"{col} is a JSON {type(v).__name__}, not a string or number",
                              code="SATCAT_FIELD", source=source, line=index, field=col)
        elif isinstance(v, float):
            row[col] = repr(v)
        else:
            row[col] = str(v) if abs(v) < 10**18 else "1e999"  # huge integers: out of range below
    missing = [c for c in ("NORAD_CAT_ID", "OBJECT_TYPE") if c not in row]
    if missing:
        raise SATCATError(f"SATCAT JSON record lacks {', '.join(missing)}", code="SATCAT_HEADER",
                          source=source, line=index, field=missing[0])
    return _record(_canonical_row(row), source, index, _vocabulary(row))


# -- detection ------------------------------------------------------------------------------

_JSON_KEY = re.compile(r'"([A-Za-z_]+)"\s*:')
_ELEMENT_COLUMNS = frozenset({"EPOCH", "MEAN_MOTION", "ECCENTRICITY", "TLE_LINE1"})
#: Characters of the start of an input that :func:`sniff_satcat` looks at.
SNIFF_CHARS = 65_536


def sniff_satcat(head: str) -> str | None:
    """``"csv"`` or ``"json"`` when ``head`` (the start of an input) is a SATCAT, else ``None``.

    A SATCAT names ``NORAD_CAT_ID`` and ``OBJECT_TYPE`` (or ``SATNAME``/``INTLDES``) and no
    element column (``EPOCH``, ``MEAN_MOTION``...): that tells it from an OMM/GP file, which
    also carries ``OBJECT_TYPE`` in Space-Track's GP class.  For JSON only the first object's
    keys within the first :data:`SNIFF_CHARS` characters are looked at.
    """
    text = head[:SNIFF_CHARS].lstrip("\ufeff \t\r\n")
    if text[:1] in ("[", "{"):
        end = text.find("}")
        keys = {k.upper() for k in _JSON_KEY.findall(text if end < 0 else text[: end + 1])}
        kind = "json"
    else:
        first = text.splitlines()[0] if text else ""
        keys = {c.strip().strip('"').upper() for c in first.split(",")}
        kind = "csv"
    if "NORAD_CAT_ID" in keys and keys & {"OBJECT_TYPE", "SATNAME", "INTLDES"} and not keys & _ELEMENT_COLUMNS:
        return kind
    return None


def iter_satcat(
    lines: Iterable[str],
    *,
    source: str = "<satcat>",
    lenient: bool = False,
    rejects: list[Reject] | None = None,
) -> Iterator[SatcatRecord]:
    """A SATCAT in either form: JSON (first non-blank character ``[`` or ``{``) or CSV."""
    it = iter(lines)
    head: list[str] = []
    for line in it:
        head.append(line)
        if line.strip():
            break
    stream = itertools.chain(head, it)
    first = head[-1].lstrip("\ufeff \t\r\n")[:1] if head else ""
    if first in ("[", "{"):
        return iter_satcat_json(stream, source=source, lenient=lenient, rejects=rejects)
    return iter_satcat_csv(stream, source=source, lenient=lenient, rejects=rejects)

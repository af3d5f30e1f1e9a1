"""CCSDS Orbit Mean-Elements Message (OMM) in its four encodings: KVN, XML, JSON, CSV.

Follows CCSDS 502.0-B-2 / 502.0-B-3 "Orbit Data Messages", sec. 4 (OMM) and annex on
the KVN syntax, and CCSDS 505.0-B (NDM/XML) for the XML form, restricted to what SGP4
can use: ``MEAN_ELEMENT_THEORY = SGP4`` (``SGP/SGP4`` accepted), ``REF_FRAME = TEME``,
``CENTER_NAME = EARTH``, ``TIME_SYSTEM = UTC``, mean motion in rev/day.  The provider
encodings are those CelesTrak and Space-Track serve as "GP" data:

* **KVN**  ``KEYWORD = value [units]`` lines; several messages may follow each other
  (each starts with ``CCSDS_OMM_VERS``).  Every keyword of the standard is known
  (header, metadata, mean elements, spacecraft parameters, TLE parameters, covariance,
  ``USER_DEFINED_*``); any other keyword is ``OMM_UNKNOWN_KEYWORD``.
* **XML**  ``<omm>`` or ``<ndm>`` holding several ``<omm>``; ``header``, ``body/segment``
  with one ``metadata`` and one ``data`` (``meanElements``, ``spacecraftParameters``,
  ``tleParameters``, ``covarianceMatrix``, ``userDefinedParameters``).  ``units``
  attributes are tolerated; XML namespaces are ignored.  Read with a pull parser, one
  ``<omm>`` at a time.
* **JSON** a list of flat objects, one per element set, keyed by the OMM keywords
  (CelesTrak ``FORMAT=json`` and Space-Track ``gp`` class).  Space-Track gives every value
  as a string and adds catalog fields (``OBJECT_TYPE``, ``TLE_LINE1`` ...); keys that are
  not OMM keywords are ignored here.  Decoded object by object.
* **CSV**  CelesTrak ``FORMAT=csv``: a header row of OMM keywords, one row per element set.

``MEAN_ELEMENT_THEORY`` and the reference frame keywords are mandatory in KVN and XML
(as the standard says); JSON/CSV rows without them are CelesTrak GP data, which is SGP4
in TEME by definition.  ``EPOCH`` is UTC (the standard's scale), so a zone-less time is
accepted; day-of-year dates (``2007-064T10:34:41.4264``) are read too.  NORAD_CAT_ID
may have up to nine digits.  Decimal values go through Python's correctly rounded
``float(str)``, so the OMM of a TLE gives the identical :class:`ElementSet`.

Error codes (:class:`~orbitwatch.errors.OMMError`; ``field`` is the keyword):

``OMM_MISSING_KEYWORD``      a mandatory keyword is absent
``OMM_UNKNOWN_KEYWORD``      a KVN keyword / XML element the standard does not define
``OMM_DUPLICATE_KEYWORD``    a keyword given twice in one message
``OMM_EMPTY_VALUE``          a keyword with no value (e.g. ``OBJECT_ID =``)
``OMM_NUMBER_FORMAT``        a number that does not parse (or is not finite)
``OMM_TIME_FORMAT``          an EPOCH that is not an ISO 8601 / day-of-year time
``OMM_VALUE_RANGE``          a value out of range (eccentricity, inclination, angles,
                             mean motion, NORAD_CAT_ID beyond nine digits ...)
``OMM_UNSUPPORTED_THEORY``   MEAN_ELEMENT_THEORY other than SGP4 (e.g. ``SGP4-XP``, whose
                             elements are not SGP4 mean elements)
``OMM_UNSUPPORTED_FRAME``    REF_FRAME other than TEME or CENTER_NAME other than EARTH
``OMM_UNSUPPORTED_TIME_SYSTEM`` TIME_SYSTEM other than UTC
``OMM_SPURIOUS_METADATA``    a second metadata block in one message (or metadata keywords
                             after the data section began)
``OMM_STRUCTURE``            XML structure other than omm/header/body/segment/...
``OMM_KVN_SYNTAX``           a KVN line that is not ``KEYWORD = value`` or ``COMMENT ...``
``OMM_XML_MALFORMED``        XML that is not well formed
``OMM_JSON_MALFORMED``       JSON that does not decode, or a record that is not an object
``OMM_CSV_HEADER``           a CSV header lacking a mandatory column
``OMM_CSV_ROW``              a CSV row with a different number of fields than the header, or
                             one the CSV reader cannot split (a cell over 128 KiB)
``OMM_XML_FORBIDDEN``        XML with a DTD, an entity declaration or an external reference
                             (refused by ``defusedxml``, see :mod:`orbitwatch.ccsds`)

Plausibility (``OMM_VALUE_RANGE``, strict: raised; lenient: a reject): the EPOCH lies in
:data:`EPOCH_MIN` .. :data:`EPOCH_MAX` (1957-01-01 inclusive, before the first satellite, to
2100-01-01 exclusive); 0 < MEAN_MOTION <= :data:`MAX_MEAN_MOTION_REV_PER_DAY` (20 rev/day, a
72-min period, shorter than any orbit above the Earth's surface: 84.5 min); |BSTAR| <=
:data:`MAX_ABS_BSTAR` (100 /earth radii; the largest in the staged 2019-2025 catalogs is 5.2);
|MEAN_MOTION_DOT| and |MEAN_MOTION_DDOT| below 1 (rev/day^2, rev/day^3; the TLE fields cannot
hold more); integers of more than 18 digits are out of range, not converted.

Bounded input.  JSON is decoded one record at a time and a record over
``max_record_chars`` (1 MiB) is ``OMM_JSON_MALFORMED``, as is nesting deeper than Python's
recursion limit; an XML stretch of ``max_record_chars`` with no element boundary (a huge
text node, attribute or tag) and nesting deeper than :data:`~orbitwatch.ccsds.MAX_XML_DEPTH`
are ``OMM_XML_MALFORMED`` / ``OMM_STRUCTURE``.  Values quoted in messages are cut to 200
characters.
"""

from __future__ import annotations

import csv
import datetime as _dt
import json
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator, Mapping
from typing import Any
from xml.sax.saxutils import escape

import numpy as np
from defusedxml import DefusedXmlException

from orbitwatch.catalog.model import ElementSet, LinePiece, Reject
from orbitwatch.ccsds import MAX_XML_DEPTH, xml_declared_encoding_error, xml_pull_parser
from orbitwatch.errors import OMMError, TimeFormatError
from orbitwatch.times import UTC_DTYPE, format_utc, parse_utc

__all__ = [
    "OMM_KEYWORDS",
    "element_set_from_omm",
    "format_omm_kvn",
    "format_omm_xml",
    "iter_omm_csv",
    "iter_omm_json",
    "iter_omm_kvn",
    "iter_omm_xml",
    "parse_omm_epoch",
]

HEADER_KEYWORDS = frozenset({"CCSDS_OMM_VERS", "CREATION_DATE", "ORIGINATOR", "MESSAGE_ID", "CLASSIFICATION"})
METADATA_KEYWORDS = frozenset({
    "OBJECT_NAME", "OBJECT_ID", "CENTER_NAME", "REF_FRAME", "REF_FRAME_EPOCH", "TIME_SYSTEM",
    "MEAN_ELEMENT_THEORY",
})
MEAN_ELEMENT_KEYWORDS = frozenset({
    "EPOCH", "SEMI_MAJOR_AXIS", "MEAN_MOTION", "ECCENTRICITY", "INCLINATION", "RA_OF_ASC_NODE",
    "ARG_OF_PERICENTER", "MEAN_ANOMALY", "GM",
})
SPACECRAFT_KEYWORDS = frozenset({"MASS", "SOLAR_RAD_AREA", "SOLAR_RAD_COEFF", "DRAG_AREA", "DRAG_COEFF"})
TLE_KEYWORDS = frozenset({
    "EPHEMERIS_TYPE", "CLASSIFICATION_TYPE", "NORAD_CAT_ID", "ELEMENT_SET_NO", "REV_AT_EPOCH", "BSTAR",
    "BTERM", "MEAN_MOTION_DOT", "MEAN_MOTION_DDOT", "AGOM",
})
_COV_AXES = ("X", "Y", "Z", "X_DOT", "Y_DOT", "Z_DOT")
COVARIANCE_KEYWORDS = frozenset(
    {"COV_REF_FRAME"} | {f"C{_COV_AXES[i]}_{_COV_AXES[j]}" for i in range(6) for j in range(i + 1)}
)
DATA_KEYWORDS = MEAN_ELEMENT_KEYWORDS | SPACECRAFT_KEYWORDS | TLE_KEYWORDS | COVARIANCE_KEYWORDS
OMM_KEYWORDS = HEADER_KEYWORDS | METADATA_KEYWORDS | DATA_KEYWORDS

_MANDATORY_ELEMENTS = (
    "EPOCH", "MEAN_MOTION", "ECCENTRICITY", "INCLINATION", "RA_OF_ASC_NODE", "ARG_OF_PERICENTER",
    "MEAN_ANOMALY", "NORAD_CAT_ID", "BSTAR", "MEAN_MOTION_DOT", "MEAN_MOTION_DDOT",
)
_MANDATORY_STANDARD = (
    "CCSDS_OMM_VERS", "CREATION_DATE", "ORIGINATOR", "OBJECT_NAME", "OBJECT_ID", "CENTER_NAME",
    "REF_FRAME", "TIME_SYSTEM", "MEAN_ELEMENT_THEORY",
)
# Keywords whose values are text: a trailing '[...]' is part of the value (e.g. a name), not units.
_TEXT_KEYWORDS = frozenset({
    "CCSDS_OMM_VERS", "CREATION_DATE", "ORIGINATOR", "MESSAGE_ID", "CLASSIFICATION", "OBJECT_NAME",
    "OBJECT_ID", "CENTER_NAME", "REF_FRAME", "REF_FRAME_EPOCH", "TIME_SYSTEM", "MEAN_ELEMENT_THEORY",
    "EPOCH", "CLASSIFICATION_TYPE", "COV_REF_FRAME",
})
_SGP4_THEORIES = frozenset({"SGP4", "SGP/SGP4"})
MAX_NORAD_ID = 999_999_999
EPOCH_MIN = np.datetime64("1957-01-01T00:00:00", "us")
"""Earliest plausible EPOCH (inclusive)."""
EPOCH_MAX = np.datetime64("2100-01-01T00:00:00", "us")
"""Latest plausible EPOCH (exclusive)."""
MAX_MEAN_MOTION_REV_PER_DAY = 20.0
MAX_ABS_BSTAR = 100.0
_MAX_ABS_NDOT = 1.0
_MAX_ABS_NDDOT = 1.0
_MAX_INT_DIGITS = 18
_SHOW_CHARS = 200


def _show(value: Any) -> str:
    """``repr`` of a value for a message, cut to 200 characters; text that is not printable is not shown."""
    if isinstance(value, str):
        if "\ufffd" in value or not value.isprintable():
            return f"({len(value)} characters, not printable text: not shown)"  # binary input is not echoed
        if len(value) <= _SHOW_CHARS:
            return repr(value)
        return repr(value[:_SHOW_CHARS]) + f"... ({len(value)} characters)"
    if isinstance(value, bool | float) or value is None:
        return repr(value)
    if isinstance(value, int):
        return repr(value) if abs(value) < 10**30 else "an integer of more than 30 digits"
    return f"a JSON {type(value).__name__}"


_XML_SECTIONS = frozenset({
    "meanElements", "spacecraftParameters", "tleParameters", "covarianceMatrix", "userDefinedParameters",
})


# ----------------------------------------------------------------------------- values


def parse_omm_epoch(text: str) -> np.datetime64:
    """An OMM EPOCH (UTC; calendar or day-of-year form, zone optional) to ``datetime64[us]``."""
    s = text.strip()
    if len(s) >= 8 and s[4] == "-" and s[5:8].isdigit() and (len(s) == 8 or not s[8].isdigit()):
        year, doy = int(s[:4]), int(s[5:8])
        days_in_year = 366 if (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)) else 365
        if not 1 <= doy <= days_in_year:
            raise TimeFormatError(f"EPOCH {_show(text)}: day of year {doy} is outside {year}")
        date = _dt.date(year, 1, 1) + _dt.timedelta(days=doy - 1)
        s = date.isoformat() + s[8:]
    return parse_utc(s, allow_naive=True, what="EPOCH")


def _err(code: str, message: str, source: str | None, line: int | None, record: Any = None,
         field: str | None = None) -> OMMError:
    return OMMError(message, code=code, source=source, line=line, record=_maybe_int(record), field=field)


class _Fields:
    """Keyword lookups with the error context of one message."""

    __slots__ = ("fields", "line", "lines", "norad", "source")

    def __init__(self, fields: Mapping[str, Any], source: str | None, line: int | None,
                 lines: Mapping[str, int] | None) -> None:
        self.fields = fields
        self.source = source
        self.line = line
        self.lines = lines
        self.norad: Any = None

    def where(self, key: str) -> int | None:
        if self.lines is not None and key in self.lines:
            return self.lines[key]
        return self.line

    def raw(self, key: str, required: bool) -> Any:
        value = self.fields.get(key)
        if isinstance(value, str):
            value = value.strip() or None  # empty cells (CSV/JSON) are absent values
        if value is None and required:
            raise _err("OMM_MISSING_KEYWORD", f"mandatory keyword {key} is missing", self.source,
                       self.line, self.norad, key)
        return value

    def text(self, key: str, required: bool = False) -> str | None:
        value = self.raw(key, required)
        return None if value is None else str(value)

    def number(self, key: str, required: bool = True, default: float = 0.0) -> float:
        value = self.raw(key, required)
        if value is None:
            return default
        try:
            if isinstance(value, bool) or not isinstance(value, str | float | int) or (
                    isinstance(value, str) and "_" in value):
                raise ValueError(key)
            x = float(value)  # an int beyond the double range raises OverflowError
        except (ValueError, OverflowError):
            raise _err("OMM_NUMBER_FORMAT", f"{key} = {_show(value)} is not a number", self.source,
                       self.where(key), self.norad, key) from None
        if not math.isfinite(x):
            raise _err("OMM_NUMBER_FORMAT", f"{key} = {_show(value)} is not finite", self.source,
                       self.where(key), self.norad, key)
        return x

    def integer(self, key: str, required: bool = True, default: int = 0) -> int:
        value = self.raw(key, required)
        if value is None:
            return default
        if isinstance(value, int) and not isinstance(value, bool):
            if abs(value) >= 10**_MAX_INT_DIGITS:
                raise _err("OMM_VALUE_RANGE", f"{key} = {_show(value)} has more than {_MAX_INT_DIGITS} digits",
                           self.source, self.where(key), self.norad, key)
            return value
        if isinstance(value, float) and (math.isinf(value) or value.is_integer()):
            if not abs(value) < 10.0**_MAX_INT_DIGITS:  # a JSON integer of many digits arrives as a float
                raise _err("OMM_VALUE_RANGE", f"{key} = {_show(value)} has more than {_MAX_INT_DIGITS} digits",
                           self.source, self.where(key), self.norad, key)
            return int(value)
        text = value.strip() if isinstance(value, str) else ""
        digits = text[1:] if text[:1] in "+-" else text
        if not digits.isdigit() or not digits.isascii():
            raise _err("OMM_NUMBER_FORMAT", f"{key} = {_show(value)} is not an integer", self.source,
                       self.where(key), self.norad, key)
        if len(digits.lstrip("0")) > _MAX_INT_DIGITS:
            raise _err("OMM_VALUE_RANGE", f"{key} has {len(digits)} digits, more than {_MAX_INT_DIGITS}",
                       self.source, self.where(key), self.norad, key)
        return int(text)


_FAST_FLOATS = (
    "MEAN_MOTION", "ECCENTRICITY", "INCLINATION", "RA_OF_ASC_NODE", "ARG_OF_PERICENTER", "MEAN_ANOMALY",
    "BSTAR", "MEAN_MOTION_DOT", "MEAN_MOTION_DDOT",
)
_FAST_INTS = ("EPHEMERIS_TYPE", "ELEMENT_SET_NO", "REV_AT_EPOCH")


def _fast_element_set(fields: Mapping[str, Any], source: str | None, line: int | None) -> ElementSet | None:
    """The common GP row (CelesTrak CSV/JSON, Space-Track JSON) without per-keyword bookkeeping.

    Returns ``None`` for anything unusual (metadata to check, missing or odd values,
    out-of-range numbers); the full path then gives the same result or the precise error.
    """
    try:
        return _fast_element_set_or_none(fields, source, line)
    except (ValueError, OverflowError, TypeError):
        return None


def _fast_floats(fields: Mapping[str, Any]) -> list[float] | None:
    """The :data:`_FAST_FLOATS` of ``fields`` as finite floats, or None if one is not a plain number."""
    vals: list[float] = []
    for key in _FAST_FLOATS:
        v = fields.get(key)
        if isinstance(v, str):
            if "_" in v:
                return None
            try:
                x = float(v)
            except ValueError:
                return None
        elif isinstance(v, float | int) and not isinstance(v, bool):
            x = float(v)
        else:
            return None
        if not math.isfinite(x):
            return None
        vals.append(x)
    return vals


def _fast_ints(fields: Mapping[str, Any]) -> list[int] | None:
    """NORAD_CAT_ID and the :data:`_FAST_INTS` of ``fields`` (absent optional ones 0), or None."""
    ints: list[int] = []
    for key in ("NORAD_CAT_ID", *_FAST_INTS):
        v = fields.get(key)
        if isinstance(v, int) and not isinstance(v, bool):
            ints.append(v)
        elif isinstance(v, str) and v.isdigit() and v.isascii() and len(v) <= _MAX_INT_DIGITS:
            ints.append(int(v))
        elif key != "NORAD_CAT_ID" and (v is None or v == ""):
            ints.append(0)
        else:
            return None
    return ints


def _fast_element_set_or_none(fields: Mapping[str, Any], source: str | None, line: int | None) -> ElementSet | None:
    get = fields.get
    if get("MEAN_ELEMENT_THEORY") or get("REF_FRAME") or get("CENTER_NAME") or get("TIME_SYSTEM"):
        return None
    vals = _fast_floats(fields)
    if vals is None:
        return None
    n, ecc, incl, raan, argp, ma, bstar, ndot, nddot = vals
    if not (0.0 < n <= MAX_MEAN_MOTION_REV_PER_DAY and 0.0 <= ecc < 1.0 and 0.0 <= incl <= 180.0
            and 0.0 <= raan <= 360.0 and 0.0 <= argp <= 360.0 and 0.0 <= ma <= 360.0
            and abs(bstar) <= MAX_ABS_BSTAR and abs(ndot) < _MAX_ABS_NDOT and abs(nddot) < _MAX_ABS_NDDOT):
        return None
    ints = _fast_ints(fields)
    if ints is None:
        return None
    norad, eph_type, set_no, rev = ints
    if not 0 < norad <= MAX_NORAD_ID:
        return None
    epoch_text = get("EPOCH")
    if not (type(epoch_text) is str and len(epoch_text) == 26 and epoch_text[10] == "T" and epoch_text[4] == "-"
            and epoch_text[19] == "." and epoch_text[20:].isdigit()):
        return None
    epoch = np.datetime64(epoch_text, "us")
    if not EPOCH_MIN <= epoch < EPOCH_MAX:
        return None
    cls = get("CLASSIFICATION_TYPE")
    if cls is None or cls == "":
        cls = "U"
    elif type(cls) is not str or cls.strip().upper() not in ("U", "C", "S"):
        return None
    else:
        cls = cls.strip().upper()
    name = get("OBJECT_NAME")
    cospar = get("OBJECT_ID")
    if not ((name is None or type(name) is str) and (cospar is None or type(cospar) is str)):
        return None
    return ElementSet(
        norad, epoch, n, ecc, incl, raan, argp, ma, bstar, ndot, nddot, (name or "").strip() or None,
        (cospar or "").strip() or None, cls, set_no, rev, eph_type, source, line,
    )


def element_set_from_omm(  # noqa: C901 - issue 10: still to refactor
    fields: Mapping[str, Any],
    *,
    source: str | None = None,
    line: int | None = None,
    lines: Mapping[str, int] | None = None,
    standard: bool = False,
) -> ElementSet:
    """One :class:`ElementSet` from OMM keyword -> value pairs (strings or numbers).

    ``standard=True`` (KVN and XML) also requires the header and metadata keywords the
    standard makes mandatory; otherwise (JSON, CSV, callers' dicts) missing metadata
    means CelesTrak GP defaults (SGP4, TEME, EARTH, UTC) and empty values are absent.
    ``lines`` maps keywords to the line they were read from (KVN) for error messages.
    Raises :class:`OMMError` (codes in the module docstring).
    """
    if not standard:
        fast = _fast_element_set(fields, source, line)
        if fast is not None:
            return fast
    f = _Fields(fields, source, line, lines)
    f.norad = _maybe_int(f.fields.get("NORAD_CAT_ID"))
    if standard:
        for key in _MANDATORY_STANDARD:
            f.raw(key, True)
    theory = f.text("MEAN_ELEMENT_THEORY")
    if theory is not None and theory.upper() not in _SGP4_THEORIES:
        raise _err("OMM_UNSUPPORTED_THEORY",
                   f"MEAN_ELEMENT_THEORY {_show(theory)} is not SGP4: its elements cannot be propagated with SGP4",
                   source, f.where("MEAN_ELEMENT_THEORY"), f.norad, "MEAN_ELEMENT_THEORY")
    frame = f.text("REF_FRAME")
    if frame is not None and frame.upper() != "TEME":
        raise _err("OMM_UNSUPPORTED_FRAME", f"REF_FRAME {_show(frame)} is not TEME (SGP4 mean elements are TEME)",
                   source, f.where("REF_FRAME"), f.norad, "REF_FRAME")
    center = f.text("CENTER_NAME")
    if center is not None and center.upper() != "EARTH":
        raise _err("OMM_UNSUPPORTED_FRAME", f"CENTER_NAME {_show(center)} is not EARTH", source,
                   f.where("CENTER_NAME"), f.norad, "CENTER_NAME")
    scale = f.text("TIME_SYSTEM")
    if scale is not None and scale.upper() != "UTC":
        raise _err("OMM_UNSUPPORTED_TIME_SYSTEM", f"TIME_SYSTEM {_show(scale)} is not UTC", source,
                   f.where("TIME_SYSTEM"), f.norad, "TIME_SYSTEM")
    if f.raw("MEAN_MOTION", False) is None and f.raw("SEMI_MAJOR_AXIS", False) is not None:
        raise _err("OMM_MISSING_KEYWORD", "MEAN_MOTION is missing (SGP4 elements give mean motion, "
                   "not SEMI_MAJOR_AXIS)", source, line, f.norad, "MEAN_MOTION")
    for key in _MANDATORY_ELEMENTS:
        f.raw(key, True)

    norad = f.integer("NORAD_CAT_ID")
    f.norad = norad
    if not 0 < norad <= MAX_NORAD_ID:
        raise _err("OMM_VALUE_RANGE", f"NORAD_CAT_ID {norad} is outside 1..999999999", source,
                   f.where("NORAD_CAT_ID"), norad, "NORAD_CAT_ID")
    epoch_text = f.text("EPOCH", True)
    assert epoch_text is not None
    try:
        if (len(epoch_text) == 26 and epoch_text[10] == "T" and epoch_text[4] == "-" and epoch_text[19] == "."
                and epoch_text[20:].isdigit()):
            epoch: np.datetime64 = np.datetime64(epoch_text, "us")  # the CelesTrak / Space-Track form, fast
        else:
            epoch = parse_omm_epoch(epoch_text)
    except (TimeFormatError, ValueError) as exc:
        msg = exc.message if isinstance(exc, TimeFormatError) else f"EPOCH {_show(epoch_text)} is not a time"
        raise _err("OMM_TIME_FORMAT", msg[:400], source, f.where("EPOCH"), norad, "EPOCH") from None
    if not EPOCH_MIN <= epoch < EPOCH_MAX:
        raise _err("OMM_VALUE_RANGE", f"EPOCH {_show(epoch_text)} is outside the plausible range "
                   f"{str(EPOCH_MIN)[:10]} .. {str(EPOCH_MAX)[:10]}", source, f.where("EPOCH"), norad, "EPOCH")

    n = f.number("MEAN_MOTION")
    ecc = f.number("ECCENTRICITY")
    incl = f.number("INCLINATION")
    raan = f.number("RA_OF_ASC_NODE")
    argp = f.number("ARG_OF_PERICENTER")
    ma = f.number("MEAN_ANOMALY")
    bstar = f.number("BSTAR")
    ndot = f.number("MEAN_MOTION_DOT")
    nddot = f.number("MEAN_MOTION_DDOT")
    if not 0.0 < n <= MAX_MEAN_MOTION_REV_PER_DAY:
        raise _err("OMM_VALUE_RANGE", f"MEAN_MOTION {n} rev/day is outside 0 < n <= "
                   f"{MAX_MEAN_MOTION_REV_PER_DAY:g} (a period shorter than any orbit above the Earth)", source,
                   f.where("MEAN_MOTION"), norad, "MEAN_MOTION")
    for key, v, limit in (("BSTAR", bstar, MAX_ABS_BSTAR), ("MEAN_MOTION_DOT", ndot, _MAX_ABS_NDOT),
                          ("MEAN_MOTION_DDOT", nddot, _MAX_ABS_NDDOT)):
        if not abs(v) <= limit or (key != "BSTAR" and abs(v) == limit):
            raise _err("OMM_VALUE_RANGE", f"{key} {v:g} is outside the plausible range |{key}| "
                       f"{'<=' if key == 'BSTAR' else '<'} {limit:g}", source, f.where(key), norad, key)
    if not 0.0 <= ecc < 1.0:
        raise _err("OMM_VALUE_RANGE", f"ECCENTRICITY {ecc} is outside 0 <= e < 1", source,
                   f.where("ECCENTRICITY"), norad, "ECCENTRICITY")
    if not 0.0 <= incl <= 180.0:
        raise _err("OMM_VALUE_RANGE", f"INCLINATION {incl} is outside 0..180 deg", source,
                   f.where("INCLINATION"), norad, "INCLINATION")
    for key, v in (("RA_OF_ASC_NODE", raan), ("ARG_OF_PERICENTER", argp), ("MEAN_ANOMALY", ma)):
        if not 0.0 <= v <= 360.0:
            raise _err("OMM_VALUE_RANGE", f"{key} {v} is outside 0..360 deg", source, f.where(key), norad, key)
    cls = (f.text("CLASSIFICATION_TYPE") or "U").upper()
    if cls not in ("U", "C", "S"):
        raise _err("OMM_VALUE_RANGE", f"CLASSIFICATION_TYPE {_show(cls)} is not U, C or S", source,
                   f.where("CLASSIFICATION_TYPE"), norad, "CLASSIFICATION_TYPE")
    eph_type = f.integer("EPHEMERIS_TYPE", False)
    set_no = f.integer("ELEMENT_SET_NO", False)
    rev = f.integer("REV_AT_EPOCH", False)
    for key, iv in (("EPHEMERIS_TYPE", eph_type), ("ELEMENT_SET_NO", set_no), ("REV_AT_EPOCH", rev)):
        if iv < 0:
            raise _err("OMM_VALUE_RANGE", f"{key} {iv} is negative", source, f.where(key), norad, key)
    name = f.text("OBJECT_NAME", standard)
    cospar = f.text("OBJECT_ID", standard)
    return ElementSet(
        norad, epoch, n, ecc, incl, raan, argp, ma, bstar, ndot, nddot, name, cospar, cls, set_no, rev,
        eph_type, source, line,
    )


# ----------------------------------------------------------------------------- readers


def _emit(
    build: Any, source: str, line: int | None, norad: Any, lenient: bool, rejects: list[Reject] | None
) -> ElementSet | None:
    """Run ``build()``; in lenient mode turn an OMMError into a Reject."""
    try:
        result: ElementSet = build()
        return result
    except OMMError as exc:
        if not lenient:
            raise
        if rejects is not None:
            rec = exc.record if isinstance(exc.record, int) else _maybe_int(norad)
            rejects.append(Reject(source, exc.line if exc.line is not None else line, rec, exc.code,
                                  exc.message))
        return None


def _add_reject(rejects: list[Reject] | None, err: OMMError, *, source: str, line: int | None,
                norad: int | None = None) -> None:
    """Record ``err`` as a Reject when the caller collects them (lenient mode)."""
    if rejects is not None:
        rejects.append(Reject(source, line, norad, err.code, err.message))


def _maybe_int(value: Any) -> int | None:
    """``value`` as a NORAD id for a reject's ``norad`` (None unless a plain integer of at most 18 digits)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if abs(value) < 10**_MAX_INT_DIGITS else None
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not (0 < len(text) <= _MAX_INT_DIGITS and text.isascii() and text.isdigit()):
        return None
    return int(text)


def _kvn_value(s: str, *, key: str, eq: str, value: str, fields: Mapping[str, str], in_data: bool,
               source: str, ln: int) -> tuple[str, OMMError | None]:
    """The value of one KVN line (units stripped), or the error that ends its message."""
    norad = fields.get("NORAD_CAT_ID")
    if not eq:
        return value, _err("OMM_KVN_SYNTAX", f"line {_show(s[:40])} is not 'KEYWORD = value'", source, ln, norad)
    value = value.strip()
    if value.endswith("]") and "[" in value and key not in _TEXT_KEYWORDS:
        value = value[: value.rindex("[")].strip()  # units, e.g. '1.00273272 [rev/day]'
    if key not in OMM_KEYWORDS and not key.startswith("USER_DEFINED_"):
        return value, _err("OMM_UNKNOWN_KEYWORD", f"unknown keyword {_show(key)}", source, ln, norad, key[:64])
    if key in METADATA_KEYWORDS and in_data:
        return value, _err("OMM_SPURIOUS_METADATA", f"metadata keyword {key} after the data section began",
                           source, ln, norad, key)
    if key in fields:
        return value, _err("OMM_DUPLICATE_KEYWORD", f"keyword {key} given twice", source, ln, norad, key)
    if not value:
        return value, _err("OMM_EMPTY_VALUE", f"{key} has no value", source, ln, norad, key)
    return value, None


def iter_omm_kvn(
    lines: Iterable[str],
    *,
    source: str = "<omm-kvn>",
    lenient: bool = False,
    rejects: list[Reject] | None = None,
) -> Iterator[ElementSet]:
    """Stream element sets from KVN OMM text (one or more messages, each from CCSDS_OMM_VERS)."""
    fields: dict[str, str] = {}
    where: dict[str, int] = {}
    start = 0
    in_data = False
    error: OMMError | None = None

    def finish() -> ElementSet | None:
        def build() -> ElementSet:
            if error is not None:
                raise error
            return element_set_from_omm(fields, source=source, line=start, lines=where, standard=True)

        return _emit(build, source, start, fields.get("NORAD_CAT_ID"), lenient, rejects)

    ln = 0
    for raw in lines:
        ln += 1
        s = raw.strip()
        if not s or (s.startswith("COMMENT") and (len(s) == 7 or s[7] in " \t")):
            continue
        key, eq, value = s.partition("=")
        key = key.strip()
        if key == "CCSDS_OMM_VERS" and (fields or error is not None):
            es = finish()
            if es is not None:
                yield es
            fields, where, in_data, error = {}, {}, False, None
        if not fields and error is None:
            start = ln
        if error is not None:
            continue  # skip the rest of a bad message
        value, error = _kvn_value(s, key=key, eq=eq, value=value, fields=fields, in_data=in_data,
                                  source=source, ln=ln)
        if error is not None:
            continue
        in_data = in_data or key in DATA_KEYWORDS
        fields[key] = value
        where[key] = ln
    if fields or error is not None:
        es = finish()
        if es is not None:
            yield es


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if tag[:1] == "{" else tag


def iter_omm_xml(  # noqa: C901 - issue 10: still to refactor
    lines: Iterable[str],
    *,
    source: str = "<omm-xml>",
    lenient: bool = False,
    rejects: list[Reject] | None = None,
    max_record_chars: int = 1 << 20,
) -> Iterator[ElementSet]:
    """Stream element sets from OMM XML (``<omm>``, or ``<ndm>`` with several), one ``<omm>`` at a time.

    Parsed with ``defusedxml`` (no DTD, entities or external references:
    ``OMM_XML_FORBIDDEN``); a stretch of ``max_record_chars`` input without an element
    boundary is ``OMM_XML_MALFORMED`` and nesting deeper than ``MAX_XML_DEPTH``
    ``OMM_STRUCTURE`` (the whole document is then one reject when lenient).
    """
    parser = xml_pull_parser()
    stack: list[str] = []
    fields: dict[str, str] = {}
    error: OMMError | None = None
    start = 0
    n_metadata = n_segment = 0
    seen_data = False
    n_omm = 0
    ln = 0

    def check_structure(tag: str) -> OMMError | None:
        parent = stack[-2] if len(stack) >= 2 else None
        if tag in ("ndm", "omm") and (parent is None or parent == "ndm"):
            return None
        allowed = {
            "header": ("omm",), "body": ("omm",), "segment": ("body",), "metadata": ("segment",),
            "data": ("segment",), "COMMENT": ("header", "metadata", "data", *_XML_SECTIONS),
        }
        if tag in allowed:
            return None if parent in allowed[tag] else _err(
                "OMM_STRUCTURE", f"<{tag}> inside <{parent}>", source, ln, fields.get("NORAD_CAT_ID"), tag)
        if tag in _XML_SECTIONS:
            return None if parent == "data" else _err(
                "OMM_STRUCTURE", f"<{tag}> inside <{parent}>", source, ln, fields.get("NORAD_CAT_ID"), tag)
        expected = {"header": HEADER_KEYWORDS, "metadata": METADATA_KEYWORDS}.get(parent or "")
        if parent in _XML_SECTIONS:
            if parent == "userDefinedParameters" and tag == "USER_DEFINED":
                return None
            expected = DATA_KEYWORDS
        if expected is None:
            return _err("OMM_STRUCTURE", f"unexpected element <{tag}> inside <{parent}>", source, ln,
                        fields.get("NORAD_CAT_ID"), tag)
        if tag not in expected:
            return _err("OMM_UNKNOWN_KEYWORD", f"unknown keyword <{tag}> in <{parent}>", source, ln,
                        fields.get("NORAD_CAT_ID"), tag)
        return None

    def events() -> Iterator[tuple[str, ET.Element]]:
        nonlocal ln
        quiet = 0  # characters fed since the last event
        try:
            for chunk in lines:
                if type(chunk) is not LinePiece:
                    ln += 1
                if ln <= 1 and quiet == 0:
                    bad = xml_declared_encoding_error(chunk)
                    if bad:
                        raise _err("OMM_XML_MALFORMED", bad, source, 1)
                parser.feed(chunk)
                got = False
                for item in parser.read_events():
                    got = True
                    yield item  # type: ignore[misc]
                quiet = 0 if got else quiet + len(chunk)
                if quiet > max_record_chars:
                    raise _err("OMM_XML_MALFORMED", f"{quiet} characters without an element boundary "
                               f"(more than {max_record_chars})", source, ln)
            parser.close()
            yield from parser.read_events()  # type: ignore[misc]
        except ET.ParseError as exc:
            row = exc.position[0] if getattr(exc, "position", None) else ln
            raise _err("OMM_XML_MALFORMED", f"XML is not well formed: {str(exc)[:200]}", source, row) from None
        except DefusedXmlException as exc:
            raise _err("OMM_XML_FORBIDDEN", f"XML with a DTD, entity or external reference is refused "
                       f"({type(exc).__name__})", source, ln) from None
        except (LookupError, UnicodeError, ValueError) as exc:  # e.g. a str chunk expat cannot take
            raise _err("OMM_XML_MALFORMED", f"XML cannot be read: {str(exc)[:200]}", source, ln) from None

    try:
        for event, elem in events():
            tag = _local(elem.tag)[:100]
            if event == "start":
                stack.append(tag)
                if len(stack) > MAX_XML_DEPTH:
                    raise _err("OMM_STRUCTURE", f"XML nested deeper than {MAX_XML_DEPTH} elements", source, ln,
                               fields.get("NORAD_CAT_ID"), tag[:64])
                if tag == "omm":
                    n_omm += 1
                    fields, error, start, n_metadata, n_segment, seen_data = {}, None, ln, 0, 0, False
                    version = elem.get("version")
                    if version is not None:
                        fields["CCSDS_OMM_VERS"] = version
                    continue
                if error is not None:
                    continue
                error = check_structure(tag)
                if tag == "metadata":
                    n_metadata += 1
                    if n_metadata > 1:
                        error = _err("OMM_SPURIOUS_METADATA", "a second <metadata> block in one OMM",
                                     source, ln, fields.get("NORAD_CAT_ID"), "metadata")
                elif tag == "segment":
                    n_segment += 1
                    if n_segment > 1:
                        error = _err("OMM_STRUCTURE", "an OMM holds exactly one <segment>", source, ln,
                                     fields.get("NORAD_CAT_ID"), "segment")
                continue
            # end event
            stack.pop()
            if tag == "omm":
                if error is None and not seen_data:
                    error = _err("OMM_STRUCTURE", "the OMM has no <data> section", source, start,
                                 fields.get("NORAD_CAT_ID"), "data")
                err_now = error
                snapshot = fields

                def build(err: OMMError | None = err_now, flds: dict[str, str] = snapshot,
                          at: int = start) -> ElementSet:
                    if err is not None:
                        raise err
                    return element_set_from_omm(flds, source=source, line=at, standard=True)

                es = _emit(build, source, start, snapshot.get("NORAD_CAT_ID"), lenient, rejects)
                elem.clear()
                if es is not None:
                    yield es
                continue
            if tag == "data":
                seen_data = True
            if error is not None or not stack:
                continue
            parent = stack[-1]
            if parent in ("header", "metadata", *_XML_SECTIONS) and tag != "COMMENT":
                if tag == "USER_DEFINED":
                    continue
                value = (elem.text or "").strip()
                if not value:
                    error = _err("OMM_EMPTY_VALUE", f"<{tag}> has no value", source, ln,
                                 fields.get("NORAD_CAT_ID"), tag)
                elif tag in fields:
                    error = _err("OMM_DUPLICATE_KEYWORD", f"<{tag}> given twice", source, ln,
                                 fields.get("NORAD_CAT_ID"), tag)
                else:
                    fields[tag] = value
        if n_omm == 0:
            raise _err("OMM_STRUCTURE", "the XML holds no <omm> element", source, 1)
    except OMMError as exc:
        if not lenient:
            raise
        if rejects is not None:
            rejects.append(Reject(source, exc.line, None, exc.code, exc.message))


_JSON_BLANKS = re.compile(r"[ \t\r\n]*")


def _json_int(text: str) -> int | float:
    """JSON integers: exact up to 18 digits, longer ones as a (possibly infinite) float, checked later.

    Python refuses to convert integer strings of more than 4,300 digits (``ValueError``)
    and ``float(10**400)`` overflows; a float of the text does neither.
    """
    return int(text) if len(text) <= _MAX_INT_DIGITS + 1 else float(text)


def iter_omm_json(  # noqa: C901 - issue 10: still to refactor
    lines: Iterable[str],
    *,
    source: str = "<omm-json>",
    lenient: bool = False,
    rejects: list[Reject] | None = None,
    max_record_chars: int = 1 << 20,
) -> Iterator[ElementSet]:
    """Stream element sets from GP JSON (a list of flat OMM objects, or one object).

    Objects are decoded one at a time as the text arrives; ``line`` on each element set
    is the 1-based index of the object in the list.  A record that stays undecodable for
    more than ``max_record_chars`` characters, or at the end of input, is malformed, as
    is one nested deeper than Python's recursion limit.  An incomplete record is tried
    again only once the buffered text has doubled, so decoding is linear in the input
    however it is split into lines, and at most about ``2 * max_record_chars`` is held.
    """
    decoder = json.JSONDecoder(parse_int=_json_int)
    buf = ""
    pos = 0
    state = "start"  # start -> items (after '[') -> after (after an item) -> done
    index = 0
    exhausted = False
    retry_at = 0  # decode an incomplete record again once this many characters are buffered
    it = iter(lines)

    def malformed(message: str) -> OMMError:
        return _err("OMM_JSON_MALFORMED", message, source, index + 1 if state != "start" else None)

    try:
        while True:
            # Work through what is buffered.
            while True:
                n = len(buf)
                pos = _JSON_BLANKS.match(buf, pos).end()  # type: ignore[union-attr]
                if pos >= n:
                    break
                c = buf[pos]
                if state == "start":
                    if c == "[":
                        state, pos = "items", pos + 1
                        continue
                    if c != "{":
                        raise malformed(f"GP JSON starts with {c!r}, expected '[' or '{{'")
                    state = "single"
                if state == "done":
                    raise malformed("text after the end of the JSON list")
                if state == "after":
                    if c == ",":
                        state, pos = "items", pos + 1
                        continue
                    if c == "]":
                        state, pos = "done", pos + 1
                        continue
                    raise malformed(f"expected ',' or ']' after record {index}, found {c!r}")
                if state == "items" and c == "]" and index == 0:
                    state, pos = "done", pos + 1
                    continue
                if n - pos < retry_at and not exhausted:
                    break  # wait for more text before trying this record again
                try:
                    obj, end = decoder.raw_decode(buf, pos)
                except json.JSONDecodeError as exc:
                    if exhausted or n - pos > max_record_chars:
                        raise malformed(f"record {index + 1} does not decode: {exc.msg}") from None
                    retry_at = min(2 * (n - pos) + 64, max_record_chars + 1)
                    break  # need more text
                except RecursionError:
                    raise malformed(f"record {index + 1} is nested too deeply") from None
                except ValueError as exc:  # e.g. a number the decoder cannot take
                    raise malformed(f"record {index + 1} does not decode: {str(exc)[:200]}") from None
                retry_at = 0
                pos = end
                index += 1
                state = "done" if state == "single" else "after"
                if not isinstance(obj, dict):
                    bad = malformed(f"record {index} is a {type(obj).__name__}, not an object")
                    if not lenient:
                        raise bad
                    if rejects is not None:
                        rejects.append(Reject(source, index, None, bad.code, bad.message))
                    continue
                fields = {k: v for k, v in obj.items() if k in OMM_KEYWORDS}
                idx = index

                def build(flds: dict[str, Any] = fields, at: int = idx) -> ElementSet:
                    return element_set_from_omm(flds, source=source, line=at)

                es = _emit(build, source, idx, obj.get("NORAD_CAT_ID"), lenient, rejects)
                if es is not None:
                    yield es
            if exhausted:
                break
            # Read until the retry threshold is reached (at least one chunk), joining once.
            need = retry_at - (len(buf) - pos)
            pending: list[str] = []
            got = 0
            while True:
                try:
                    chunk = next(it)
                except StopIteration:
                    exhausted = True
                    break
                pending.append(chunk)
                got += len(chunk)
                if got >= need:
                    break
            buf = buf[pos:] + "".join(pending)
            pos = 0
        if state not in ("done",):
            raise malformed("the JSON list is not closed" if state != "start" else "no JSON value")
    except OMMError as exc:
        if not lenient:
            raise
        if rejects is not None:
            rejects.append(Reject(source, exc.line, None, exc.code, exc.message))


def iter_omm_csv(
    lines: Iterable[str],
    *,
    source: str = "<omm-csv>",
    lenient: bool = False,
    rejects: list[Reject] | None = None,
) -> Iterator[ElementSet]:
    """Stream element sets from CelesTrak GP CSV (header row of OMM keywords, one row per set).

    ``line`` on each element set is the CSV line number (the header is line 1).  Empty
    cells are absent values.  Columns that are not OMM keywords are ignored.
    """
    reader = csv.reader(lines)
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as exc:
        err = _err("OMM_CSV_HEADER", f"the CSV header cannot be read: {str(exc)[:200]}", source, 1)
        if not lenient:
            raise err from None
        _add_reject(rejects, err, source=source, line=1)
        return
    header = [h.strip().lstrip("\ufeff") for h in header]
    missing = [k for k in _MANDATORY_ELEMENTS if k not in header]
    if missing:
        err = _err("OMM_CSV_HEADER", f"the CSV header lacks column(s) {', '.join(missing)}", source, 1,
                   field=missing[0])
        if not lenient:
            raise err
        _add_reject(rejects, err, source=source, line=1)
        return
    keep = [(i, k) for i, k in enumerate(header) if k in OMM_KEYWORDS]
    width = len(header)
    norad_col = header.index("NORAD_CAT_ID")
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:  # e.g. a cell over the csv module's 128 KiB field limit
            err = _err("OMM_CSV_ROW", f"row cannot be split into cells: {str(exc)[:200]}", source,
                       reader.line_num)
            if not lenient:
                raise err from None
            _add_reject(rejects, err, source=source, line=err.line)
            continue
        ln = reader.line_num
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        if len(row) != width:
            err = _err("OMM_CSV_ROW", f"row has {len(row)} fields, the header {width}", source, ln,
                       _maybe_int(row[norad_col]) if len(row) > norad_col else None)
            if not lenient:
                raise err
            _add_reject(rejects, err, source=source, line=ln, norad=_maybe_int(err.record))
            continue
        fields = {k: row[i] for i, k in keep if row[i]}

        def build(flds: dict[str, str] = fields, at: int = ln) -> ElementSet:
            return element_set_from_omm(flds, source=source, line=at)

        es = _emit(build, source, ln, row[norad_col], lenient, rejects)
        if es is not None:
            yield es


# ----------------------------------------------------------------------------- writers


def _epoch_text(t: np.datetime64) -> str:
    return str(format_utc(np.asarray(t, dtype=UTC_DTYPE), digits=6))[:-1]  # UTC by the standard, no 'Z'


def _omm_items(es: ElementSet, creation_date: np.datetime64 | None, originator: str) -> list[
        tuple[str, list[tuple[str, str]]]]:
    created = _epoch_text(es.epoch if creation_date is None else creation_date)
    return [
        ("header", [("CCSDS_OMM_VERS", "3.0"), ("CREATION_DATE", created), ("ORIGINATOR", originator)]),
        ("metadata", [
            ("OBJECT_NAME", es.name or "UNKNOWN"), ("OBJECT_ID", es.cospar_id or "UNKNOWN"),
            ("CENTER_NAME", "EARTH"), ("REF_FRAME", "TEME"), ("TIME_SYSTEM", "UTC"),
            ("MEAN_ELEMENT_THEORY", "SGP4"),
        ]),
        ("meanElements", [
            ("EPOCH", _epoch_text(es.epoch)), ("MEAN_MOTION", repr(es.mean_motion_rev_per_day)),
            ("ECCENTRICITY", repr(es.eccentricity)), ("INCLINATION", repr(es.inclination_deg)),
            ("RA_OF_ASC_NODE", repr(es.raan_deg)), ("ARG_OF_PERICENTER", repr(es.arg_perigee_deg)),
            ("MEAN_ANOMALY", repr(es.mean_anomaly_deg)),
        ]),
        ("tleParameters", [
            ("EPHEMERIS_TYPE", str(es.ephemeris_type)), ("CLASSIFICATION_TYPE", es.classification or "U"),
            ("NORAD_CAT_ID", str(es.norad_id)), ("ELEMENT_SET_NO", str(es.element_set_no)),
            ("REV_AT_EPOCH", str(es.rev_at_epoch)), ("BSTAR", repr(es.bstar_per_earth_radius)),
            ("MEAN_MOTION_DOT", repr(es.mean_motion_dot_rev_per_day2)),
            ("MEAN_MOTION_DDOT", repr(es.mean_motion_ddot_rev_per_day3)),
        ]),
    ]


def format_omm_kvn(
    es: ElementSet, *, creation_date: np.datetime64 | None = None, originator: str = "orbitwatch"
) -> str:
    """One OMM in KVN (CCSDS 502.0-B-3), values written so they read back identically.

    ``CREATION_DATE`` is ``creation_date`` (UTC ``datetime64``), or the element set's epoch
    when not given (there is no hidden clock).  A missing name or designator is written
    ``UNKNOWN`` (both keywords are mandatory).
    """
    out: list[str] = []
    for _, items in _omm_items(es, creation_date, originator):
        out.extend(f"{k} = {v}" for k, v in items)
        out.append("")
    return "\n".join(out)


def format_omm_xml(
    es: ElementSet, *, creation_date: np.datetime64 | None = None, originator: str = "orbitwatch"
) -> str:
    """One OMM as an XML ``<omm>`` document (CCSDS 505.0-B layout); see :func:`format_omm_kvn`."""
    sections = dict(_omm_items(es, creation_date, originator))

    def block(name: str, indent: str) -> list[str]:
        return [f"{indent}<{k}>{escape(v)}</{k}>" for k, v in sections[name] if k != "CCSDS_OMM_VERS"]

    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<omm id="CCSDS_OMM_VERS" version="3.0">',
        "  <header>", *block("header", "    "), "  </header>",
        "  <body>", "    <segment>",
        "      <metadata>", *block("metadata", "        "), "      </metadata>",
        "      <data>",
        "        <meanElements>", *block("meanElements", "          "), "        </meanElements>",
        "        <tleParameters>", *block("tleParameters", "          "), "        </tleParameters>",
        "      </data>", "    </segment>", "  </body>", "</omm>", "",
    ]
    return "\n".join(lines)

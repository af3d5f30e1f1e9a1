"""SATCAT: the satellite catalog's object records (type, owner, launch and decay, size).

Reads the CelesTrak SATCAT CSV format (CelesTrak, "SATCAT Format Documentation",
celestrak.org/satcat/satcat-format.php, CSV format of 2023 May 7, RFC 4180): a header
row then one row per catalogued object with the columns ``OBJECT_NAME, OBJECT_ID,
NORAD_CAT_ID, OBJECT_TYPE, OPS_STATUS_CODE, OWNER, LAUNCH_DATE, LAUNCH_SITE,
DECAY_DATE, PERIOD, INCLINATION, APOGEE, PERIGEE, RCS, DATA_STATUS_CODE,
ORBIT_CENTER, ORBIT_TYPE``.  Missing numbers are empty cells.  Space-Track's ``satcat``
class column names (``SATNAME``, ``INTLDES``, ``COUNTRY``, ``LAUNCH``, ``SITE``,
``DECAY``, ``RCSVALUE``) are accepted as aliases.

``OBJECT_TYPE`` is normalised to :data:`~orbitwatch.catalog.model.OBJECT_TYPES`:
``PAY`` -> PAYLOAD, ``R/B`` -> ROCKET BODY, ``DEB`` -> DEBRIS, ``UNK`` -> UNKNOWN (the
spelled-out Space-Track values are accepted too; ``TBA`` -> UNKNOWN).  Dates become UTC
``datetime64[us]`` (midnight when only a date is given).

Error codes (:class:`~orbitwatch.errors.SATCATError`):

``SATCAT_HEADER``  the header lacks NORAD_CAT_ID or OBJECT_TYPE
``SATCAT_ROW``     a row with a different number of fields than the header
``SATCAT_FIELD``   an unreadable or out-of-range value (``field`` names the column)

Empty input is ``EMPTY_INPUT`` as in :func:`orbitwatch.catalog.reader.read_element_sets`.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from orbitwatch.catalog.model import Reject
from orbitwatch.errors import ParseError, SATCATError, TimeFormatError
from orbitwatch.times import parse_utc

__all__ = ["SatcatRecord", "iter_satcat_csv", "normalise_object_type"]

_TYPE_CODES = {
    "PAY": "PAYLOAD", "PAYLOAD": "PAYLOAD",
    "R/B": "ROCKET BODY", "ROCKET BODY": "ROCKET BODY",
    "DEB": "DEBRIS", "DEBRIS": "DEBRIS",
    "UNK": "UNKNOWN", "UNKNOWN": "UNKNOWN", "TBA": "UNKNOWN",
}

_ALIASES = {
    "SATNAME": "OBJECT_NAME", "INTLDES": "OBJECT_ID", "COUNTRY": "OWNER", "LAUNCH": "LAUNCH_DATE",
    "SITE": "LAUNCH_SITE", "DECAY": "DECAY_DATE", "RCSVALUE": "RCS",
}


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

    @property
    def decayed(self) -> bool:
        return self.decay_date is not None


def normalise_object_type(code: str | None) -> str:
    """``PAY``/``R/B``/``DEB``/``UNK`` (or the spelled-out names) -> PAYLOAD/ROCKET BODY/DEBRIS/UNKNOWN.

    Raises ``ValueError`` for anything else; an empty code is UNKNOWN.
    """
    key = (code or "").strip().upper()
    if not key:
        return "UNKNOWN"
    try:
        return _TYPE_CODES[key]
    except KeyError:
        raise ValueError(f"object type {code!r} is not PAY, R/B, DEB or UNK") from None


def _record(row: dict[str, str], source: str, ln: int, zero_rcs_is_missing: bool) -> SatcatRecord:
    def fail(col: str, why: str) -> SATCATError:
        return SATCATError(f"{col} {row.get(col)!r} {why}", code="SATCAT_FIELD", source=source, line=ln,
                           record=row.get("NORAD_CAT_ID"), field=col)

    def text(col: str) -> str | None:
        v = row.get(col, "").strip()
        return v or None

    def number(col: str, lo: float, hi: float) -> float:
        v = row.get(col, "").strip()
        if not v or v.upper() in ("N/A", "NULL"):
            return math.nan
        try:
            x = float(v)
        except ValueError:
            raise fail(col, "is not a number") from None
        if not lo <= x <= hi:
            raise fail(col, f"is outside {lo}..{hi}")
        return x

    def date(col: str) -> np.datetime64 | None:
        v = row.get(col, "").strip()
        if not v:
            return None
        try:
            return parse_utc(v, allow_naive=True, what=col)
        except TimeFormatError:
            raise fail(col, "is not an ISO 8601 date") from None

    norad_text = row.get("NORAD_CAT_ID", "").strip()
    if not norad_text.isdigit() or not 0 < int(norad_text) <= 999_999_999:
        raise fail("NORAD_CAT_ID", "is not a catalog number (1..999999999)")
    try:
        object_type = normalise_object_type(row.get("OBJECT_TYPE"))
    except ValueError as exc:
        raise fail("OBJECT_TYPE", str(exc).split(" ", 3)[-1]) from None
    rcs = number("RCS", 0.0, math.inf)
    if zero_rcs_is_missing and rcs == 0.0:  # Space-Track writes 0 for "no value"
        rcs = math.nan
    return SatcatRecord(
        norad_id=int(norad_text),
        name=text("OBJECT_NAME"),
        cospar_id=text("OBJECT_ID"),
        object_type=object_type,
        ops_status=text("OPS_STATUS_CODE"),
        owner=text("OWNER"),
        launch_date=date("LAUNCH_DATE"),
        launch_site=text("LAUNCH_SITE"),
        decay_date=date("DECAY_DATE"),
        period_min=number("PERIOD", 0.0, math.inf),
        inclination_deg=number("INCLINATION", 0.0, 180.0),
        apogee_km=number("APOGEE", -7000.0, math.inf),
        perigee_km=number("PERIGEE", -7000.0, math.inf),
        rcs_m2=rcs,
        data_status=text("DATA_STATUS_CODE"),
        orbit_center=text("ORBIT_CENTER"),
        orbit_type=text("ORBIT_TYPE"),
        source=source,
        line=ln,
    )


def iter_satcat_csv(
    lines: Iterable[str],
    *,
    source: str = "<satcat>",
    lenient: bool = False,
    rejects: list[Reject] | None = None,
) -> Iterator[SatcatRecord]:
    """Stream :class:`SatcatRecord` rows from SATCAT CSV lines (strict, or lenient with rejects)."""

    def problem(exc: ParseError, norad: int | None) -> None:
        if not lenient:
            raise exc
        if rejects is not None:
            rejects.append(Reject(source, exc.line, norad, exc.code, exc.message))

    reader = csv.reader(lines)
    header: list[str] | None = None
    zero_rcs_is_missing = False
    for row in reader:
        if row and any(c.strip() for c in row):
            names = [h.strip().lstrip("\ufeff") for h in row]
            zero_rcs_is_missing = "RCSVALUE" in names
            header = [_ALIASES.get(h, h) for h in names]
            break
    if header is None:
        problem(ParseError("the SATCAT input holds no data", code="EMPTY_INPUT", source=source), None)
        return
    missing = [c for c in ("NORAD_CAT_ID", "OBJECT_TYPE") if c not in header]
    if missing:
        problem(SATCATError(f"the SATCAT header lacks {', '.join(missing)}", code="SATCAT_HEADER",
                            source=source, line=reader.line_num, field=missing[0]), None)
        return
    width = len(header)
    for row in reader:
        ln = reader.line_num
        if not row or not any(c.strip() for c in row):
            continue
        values = dict(zip(header, row, strict=False))
        norad_text = values.get("NORAD_CAT_ID", "").strip()
        norad = int(norad_text) if norad_text.isdigit() else None
        if len(row) != width:
            problem(SATCATError(f"row has {len(row)} fields, the header {width}", code="SATCAT_ROW",
                                source=source, line=ln, record=norad), norad)
            continue
        try:
            yield _record(values, source, ln, zero_rcs_is_missing)
        except SATCATError as exc:
            problem(exc, norad)

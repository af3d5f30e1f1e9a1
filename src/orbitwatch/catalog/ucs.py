"""The UCS Satellite Database: who operates an active satellite, for whom and what for.

Reads the CSV form of the Union of Concerned Scientists' Satellite Database (UCS, "UCS
Satellite Database", ucsusa.org/resources/satellite-database; the spreadsheet's first sheet
saved as RFC 4180 CSV, one row per operational satellite).  The columns used (found by their
header names, so column order and the unnamed trailing columns do not matter) are::

    Name of Satellite, Alternate Names | Current Official Name of Satellite |
    Country/Org of UN Registry | Country of Operator/Owner | Operator/Owner | Users | Purpose |
    Detailed Purpose | Class of Orbit | Type of Orbit | Longitude of GEO (degrees) |
    Perigee (km) | Apogee (km) | Eccentricity | Inclination (degrees) | Period (minutes) |
    Launch Mass (kg.) | Date of Launch | Expected Lifetime (yrs.) | Contractor |
    Country of Contractor | Launch Site | Launch Vehicle | COSPAR Number | NORAD Number

The sheet's quirks, and what the reader does with them:

* trailing and repeated blanks and no-break spaces (``'Earth Observation '``,
  ``'Thales\\xa0Alenia\\xa0Space'``): every text cell is stripped, blanks collapsed to one
  space, control characters removed;
* vocabularies written loosely: ``Users`` is one or more of Civil / Commercial / Government /
  Military joined by ``/`` (canonical capitalisation, order kept); ``Class of Orbit`` is one
  of LEO / MEO / GEO / Elliptical (``'LEo'`` -> LEO);
* ``Date of Launch`` is ISO ``YYYY-MM-DD`` or US ``M/D/YYYY``; repeated slashes
  (``'1/9//2023'``) are collapsed, and a three-digit year (``'11/29/018'``) is accepted only
  when the COSPAR id's launch year ends in those digits (2018-096U -> 2018);
* numbers are plain decimals; a cell that is not (``'1,500-1,900'`` in Dry Mass, ``'2,300
  (EOL)'`` in Power) is only in columns this reader does not interpret;
* physically impossible orbit numbers (Eccentricity ``511`` or ``-0.033`` in 9 rows of the
  2023-05-01 release, one row with apogee below perigee) are not the satellite's: they
  become NaN and the column is named in :attr:`UcsRecord.dropped` (never silently kept, never
  a reason to lose the row's operator and users).

The UCS ``COSPAR Number`` is NOT always the SATCAT's international designator for the same
NORAD number (typos, swaps and malformed ids such as ``'2020--019BK'``, ``'29230991AS'``; the
2023-05-01 release has 125 such rows): the reader keeps what UCS says, the store reports the
disagreements (``orbitwatch.store.metadata``).

Error codes (:class:`~orbitwatch.errors.UCSError`; ``field`` names the column):

``UCS_HEADER``     the header lacks ``NORAD Number`` or ``Name of Satellite...``
``UCS_ROW``        a row with more non-empty fields than the header, or unreadable CSV
``UCS_FIELD``      an unreadable value (id, number, date, users, class of orbit)
``UCS_CELL_SIZE``  a CSV cell longer than :data:`MAX_CELL_CHARS`
"""

from __future__ import annotations

import csv
import datetime as _dt
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

import numpy as np

from orbitwatch.catalog.model import Reject
from orbitwatch.errors import ParseError, UCSError
from orbitwatch.times import UTC_DTYPE

__all__ = [
    "CLASSES_OF_ORBIT",
    "MAX_CELL_CHARS",
    "USERS",
    "UcsRecord",
    "is_ucs_header",
    "iter_ucs_csv",
]

#: Longest CSV cell read: Python's ``csv`` default ``field_size_limit`` (128 KiB).
MAX_CELL_CHARS = 131_072

#: The four user communities of the UCS ``Users`` column.
USERS = ("Civil", "Commercial", "Government", "Military")
#: The UCS ``Class of Orbit`` values.
CLASSES_OF_ORBIT = ("LEO", "MEO", "GEO", "Elliptical")

_NAME = "Name of Satellite, Alternate Names"
_COLUMNS = {
    "name": _NAME,
    "official_name": "Current Official Name of Satellite",
    "un_registry": "Country/Org of UN Registry",
    "operator_country": "Country of Operator/Owner",
    "operator": "Operator/Owner",
    "users": "Users",
    "purpose": "Purpose",
    "detailed_purpose": "Detailed Purpose",
    "class_of_orbit": "Class of Orbit",
    "type_of_orbit": "Type of Orbit",
    "geo_longitude_deg": "Longitude of GEO (degrees)",
    "perigee_km": "Perigee (km)",
    "apogee_km": "Apogee (km)",
    "eccentricity": "Eccentricity",
    "inclination_deg": "Inclination (degrees)",
    "period_min": "Period (minutes)",
    "launch_mass_kg": "Launch Mass (kg.)",
    "launch_date": "Date of Launch",
    "expected_lifetime_yr": "Expected Lifetime (yrs.)",
    "contractor": "Contractor",
    "contractor_country": "Country of Contractor",
    "launch_site": "Launch Site",
    "launch_vehicle": "Launch Vehicle",
    "cospar_id": "COSPAR Number",
    "norad_id": "NORAD Number",
}
_REQUIRED = ("NORAD Number", _NAME)

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_DIGITS = re.compile(r"[0-9]{1,9}", re.ASCII)
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[T ]00:00(?::00)?)?", re.ASCII)
_US_DATE = re.compile(r"([0-9]{1,2})/+([0-9]{1,2})/+([0-9]{3,4})", re.ASCII)
_COSPAR = re.compile(r"([0-9]{4})-([0-9]{3})([A-Z]{0,3})", re.ASCII)
_USERS = {u.upper(): u for u in USERS}
_CLASSES = {c.upper(): c for c in CLASSES_OF_ORBIT}


@dataclass(frozen=True, slots=True)
class UcsRecord:
    """One row of the UCS database (cleaned text; ``None``/NaN where the cell is empty)."""

    norad_id: int
    name: str | None
    cospar_id: str | None = None
    official_name: str | None = None
    un_registry: str | None = None
    operator_country: str | None = None
    operator: str | None = None
    users: str | None = None
    purpose: str | None = None
    detailed_purpose: str | None = None
    class_of_orbit: str | None = None
    type_of_orbit: str | None = None
    geo_longitude_deg: float = math.nan
    perigee_km: float = math.nan
    apogee_km: float = math.nan
    eccentricity: float = math.nan
    inclination_deg: float = math.nan
    period_min: float = math.nan
    launch_mass_kg: float = math.nan
    launch_date: np.datetime64 | None = None
    expected_lifetime_yr: float = math.nan
    contractor: str | None = None
    contractor_country: str | None = None
    launch_site: str | None = None
    launch_vehicle: str | None = None
    source: str | None = None
    line: int | None = None
    dropped: tuple[str, ...] = ()

    @property
    def user_set(self) -> frozenset[str]:
        """The user communities (a subset of :data:`USERS`)."""
        return frozenset(self.users.split("/")) if self.users else frozenset()


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    v = " ".join(_CONTROL.sub(" ", text).split())
    return v or None


def _header_name(text: str) -> str:
    return " ".join(text.replace("\ufeff", "").split())


def is_ucs_header(line: str) -> bool:
    """Whether a CSV header line is the UCS Satellite Database's (it names ``NORAD Number``
    and ``COSPAR Number`` and ``Operator/Owner``)."""
    try:
        names = {_header_name(c) for c in next(csv.reader([line[:65_536]]), [])}
    except csv.Error:
        return False
    return {"NORAD Number", "COSPAR Number", "Operator/Owner"} <= names


def _record(cells: Mapping[str, str], source: str, ln: int) -> UcsRecord:
    norad_raw = (cells.get("norad_id") or "").strip()

    def fail(key: str, why: str) -> UCSError:
        col = _COLUMNS[key]
        shown = cells.get(key) or ""
        shown = shown if len(shown) <= 40 else shown[:40] + "..."
        return UCSError(f"{col} {shown!r} {why}", code="UCS_FIELD", source=source, line=ln,
                        record=int(norad_raw) if _DIGITS.fullmatch(norad_raw) else None, field=col)

    def text(key: str) -> str | None:
        return _clean(cells.get(key))

    dropped: list[str] = []

    def number(key: str, lo: float, hi: float) -> float:
        v = text(key)
        if v is None:
            return math.nan
        if not _NUMBER.fullmatch(v):
            raise fail(key, "is not a number")
        x = float(v)
        if not math.isfinite(x):
            raise fail(key, "is not a finite number")
        if not lo <= x <= hi:
            dropped.append(_COLUMNS[key])
            return math.nan
        return x

    if not _DIGITS.fullmatch(norad_raw) or int(norad_raw) == 0:
        raise fail("norad_id", "is not a NORAD catalog number (1..999999999, ASCII digits)")
    cospar = text("cospar_id")
    cospar_match = None
    if cospar is not None:
        cospar = cospar.upper()
        cospar_match = _COSPAR.fullmatch(cospar)  # kept even when malformed ('2020--019BK'): reported as a conflict
    users = text("users")
    if users is not None:
        parts = [p.strip().upper() for p in users.split("/")]
        if not all(p in _USERS for p in parts):
            raise fail("users", f"is not one or more of {'/'.join(USERS)}")
        users = "/".join(_USERS[p] for p in parts)
    orbit_class = text("class_of_orbit")
    if orbit_class is not None:
        key = orbit_class.upper()
        if key not in _CLASSES:
            raise fail("class_of_orbit", f"is not one of {', '.join(CLASSES_OF_ORBIT)}")
        orbit_class = _CLASSES[key]
    launch = _launch_date(text("launch_date"), cospar_match.group(1) if cospar_match else None)
    if isinstance(launch, bool):
        raise fail("launch_date", "is not a date (YYYY-MM-DD or M/D/YYYY)")
    perigee = number("perigee_km", -7000.0, 1e9)
    apogee = number("apogee_km", -7000.0, 1e9)
    if apogee < perigee:
        dropped.extend((_COLUMNS["apogee_km"], _COLUMNS["perigee_km"]))
        apogee = perigee = math.nan
    return UcsRecord(
        norad_id=int(norad_raw),
        name=text("name"),
        cospar_id=cospar,
        official_name=text("official_name"),
        un_registry=text("un_registry"),
        operator_country=text("operator_country"),
        operator=text("operator"),
        users=users,
        purpose=text("purpose"),
        detailed_purpose=text("detailed_purpose"),
        class_of_orbit=orbit_class,
        type_of_orbit=text("type_of_orbit"),
        geo_longitude_deg=number("geo_longitude_deg", -360.0, 360.0),
        perigee_km=perigee,
        apogee_km=apogee,
        eccentricity=number("eccentricity", 0.0, 1.0),
        inclination_deg=number("inclination_deg", 0.0, 180.0),
        period_min=number("period_min", 0.0, 1e9),
        launch_mass_kg=number("launch_mass_kg", 0.0, 1e7),
        launch_date=launch,
        expected_lifetime_yr=number("expected_lifetime_yr", 0.0, 1000.0),
        contractor=text("contractor"),
        contractor_country=text("contractor_country"),
        launch_site=text("launch_site"),
        launch_vehicle=text("launch_vehicle"),
        source=source,
        line=ln,
        dropped=tuple(dropped),
    )


def _launch_date(text: str | None, cospar_year: str | None) -> np.datetime64 | bool | None:
    """The launch date, ``None`` when empty, ``False`` when unreadable."""
    if text is None:
        return None
    m = _ISO_DATE.fullmatch(text)
    if m:
        y, mo, d = m.groups()
    else:
        m = _US_DATE.fullmatch(text)
        if not m:
            return False
        mo, d, y = m.groups()
        if len(y) == 3:
            if cospar_year is None or cospar_year[1:] != y:
                return False
            y = cospar_year
    try:
        day = _dt.date(int(y), int(mo), int(d))
    except ValueError:
        return False
    return np.datetime64(day, "D").astype(UTC_DTYPE)


def iter_ucs_csv(
    lines: Iterable[str],
    *,
    source: str = "<ucs>",
    lenient: bool = False,
    rejects: list[Reject] | None = None,
) -> Iterator[UcsRecord]:
    """Stream :class:`UcsRecord` rows from the UCS database's CSV lines (strict, or lenient with rejects)."""

    def problem(exc: ParseError, norad: int | None) -> None:
        if not lenient:
            raise exc
        if rejects is not None:
            rejects.append(Reject(source, exc.line, norad, exc.code, exc.message))

    reader = csv.reader(lines)

    def rows() -> Iterator[list[str] | None]:
        while True:
            try:
                yield next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                if "field larger than field limit" in str(exc):
                    problem(UCSError(f"a CSV cell is longer than {MAX_CELL_CHARS:,} characters",
                                     code="UCS_CELL_SIZE", source=source, line=reader.line_num), None)
                else:
                    problem(UCSError(f"unreadable CSV: {exc}", code="UCS_ROW", source=source,
                                     line=reader.line_num), None)
                yield None

    it = rows()
    header: list[str] | None = None
    for row in it:
        if row and any(c.strip() for c in row):
            header = [_header_name(c) for c in row]
            break
    if header is None:
        problem(ParseError("the UCS input holds no data", code="EMPTY_INPUT", source=source), None)
        return
    missing = [c for c in _REQUIRED if c not in header]
    if missing:
        problem(UCSError(f"the UCS header lacks {', '.join(repr(m) for m in missing)}", code="UCS_HEADER",
                         source=source, line=reader.line_num, field=missing[0]), None)
        return
    index = {key: header.index(col) for key, col in _COLUMNS.items() if col in header}
    width = len(header)
    norad_at = index["norad_id"]
    for row in it:
        if row is None or not any(c.strip() for c in row):
            continue
        ln = reader.line_num
        norad_text = row[norad_at].strip() if norad_at < len(row) else ""
        norad = int(norad_text) if _DIGITS.fullmatch(norad_text) else None
        if len(row) > width and any(c.strip() for c in row[width:]):
            problem(UCSError(f"row has {len(row)} fields, the header {width}", code="UCS_ROW",
                             source=source, line=ln, record=norad), norad)
            continue
        cells = {key: row[i] for key, i in index.items() if i < len(row)}
        try:
            yield _record(cells, source, ln)
        except UCSError as exc:
            problem(exc, norad)

"""Object metadata in the store: the SATCAT and the UCS Satellite Database, with their sources.

SQL for the ``satcat`` and ``ucs`` tables of schema version 4 (:mod:`orbitwatch.store.schema`);
every function takes an open ``sqlite3.Connection`` (the :class:`~orbitwatch.store.Store`
methods are thin wrappers, and run these inside their transaction).

What is kept, and how the two are joined:

* **SATCAT** (Space-Track or CelesTrak, :mod:`orbitwatch.catalog.satcat`): one row per NORAD
  id, as published, with the source it came from and the publisher's vocabulary.  The last
  SATCAT ingested wins; an unchanged row is not rewritten (re-ingesting stores nothing).
  It is also the catalog of record for ``objects`` (name, type, owner, dates; see
  :meth:`Store.ingest_satcat <orbitwatch.store.Store.ingest_satcat>`).
* **UCS** (:mod:`orbitwatch.catalog.ucs`): every row, with its source and line; a row is
  identified by the SHA-256 of its cleaned fields and its occurrence in the file, so
  identical rows (the 2023-05-01 release lists nine NORAD ids twice) are all kept and
  re-ingesting stores nothing.
* **Join and conflicts.**  UCS fields are attached to an object by NORAD id.  When the UCS
  row's COSPAR id differs from the SATCAT's international designator for the same NORAD id
  (125 rows of the 2023-05-01 release: typos, swaps, malformed ids), the disagreement is a
  :class:`MetadataConflict` (:func:`conflicts`), never resolved silently: the object's
  metadata still shows the UCS fields, with ``ucs_conflict`` true, so a display can say so.
  Among several UCS rows for one NORAD id, one that agrees with the SATCAT is preferred,
  then the newest source, then the first line.

Metadata is for display and grouping only; nothing in orbitwatch's detectors keys on it.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import re
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "OBJECT_FIELDS",
    "MetadataConflict",
    "ObjectMetadata",
    "conflicts",
    "count_conflicts",
    "lookup",
    "object_fields",
    "search",
    "write_satcat",
    "write_ucs",
]

_SATCAT_COLUMNS = (
    "norad_id", "cospar_id", "name", "object_type", "owner", "launch_date", "launch_site", "decay_date",
    "period_min", "inclination_deg", "apogee_km", "perigee_km", "rcs_m2", "rcs_size", "comment", "vocabulary",
)
_SATCAT_UPSERT = f"""
INSERT INTO satcat ({", ".join(_SATCAT_COLUMNS)}, source_id, line)
VALUES ({", ".join("?" * (len(_SATCAT_COLUMNS) + 2))})
ON CONFLICT (norad_id) DO UPDATE SET
    {", ".join(f"{c} = excluded.{c}" for c in _SATCAT_COLUMNS[1:])},
    source_id = excluded.source_id, line = excluded.line
WHERE ({", ".join(f"satcat.{c}" for c in _SATCAT_COLUMNS[1:])})
      IS NOT ({", ".join(f"excluded.{c}" for c in _SATCAT_COLUMNS[1:])})
"""

_UCS_COLUMNS = (
    "norad_id", "cospar_id", "name", "official_name", "un_registry", "operator_country", "operator", "users",
    "purpose", "detailed_purpose", "class_of_orbit", "type_of_orbit", "geo_longitude_deg", "perigee_km",
    "apogee_km", "eccentricity", "inclination_deg", "period_min", "launch_mass_kg", "launch_date",
    "expected_lifetime_yr", "contractor", "contractor_country", "launch_site", "launch_vehicle", "dropped",
)
_UCS_INSERT = f"""
INSERT INTO ucs ({", ".join(_UCS_COLUMNS)}, record_sha256, occurrence, source_id, line)
VALUES ({", ".join("?" * (len(_UCS_COLUMNS) + 4))})
ON CONFLICT (record_sha256, occurrence) DO NOTHING
"""

_COSPAR_QUERY = re.compile(r"[0-9]{4}-[0-9]{3}[A-Z]{0,3}", re.ASCII)
_NORAD_QUERY = re.compile(r"[0-9]{1,9}", re.ASCII)


@dataclass(frozen=True)
class ObjectMetadata:
    """What the store knows about one object.

    SATCAT-side fields (``name``, ``cospar_id``, ``object_type``, ``owner``, dates) are the
    object's catalog of record (a SATCAT when one was ingested, else what element sets said,
    ``type_source`` telling which); ``operator`` ... ``ucs_cospar_id`` come from the UCS row
    chosen for the NORAD id (``None`` when UCS has none).  ``ucs_conflict`` is true when that
    row's COSPAR id differs from the SATCAT's, ``None`` when there is no UCS row or no SATCAT
    row to compare.  Dates are ISO ``YYYY-MM-DD`` strings.
    """

    norad_id: int
    name: str | None
    cospar_id: str | None
    object_type: str | None
    owner: str | None
    launch_date: str | None
    decay_date: str | None
    type_source: str | None = None
    launch_site: str | None = None
    rcs_size: str | None = None
    satcat_source: str | None = None
    operator: str | None = None
    operator_country: str | None = None
    users: str | None = None
    purpose: str | None = None
    detailed_purpose: str | None = None
    class_of_orbit: str | None = None
    ucs_name: str | None = None
    ucs_cospar_id: str | None = None
    ucs_source: str | None = None
    ucs_conflict: bool | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "norad_id": self.norad_id,
            "name": self.name,
            "cospar_id": self.cospar_id,
            "object_type": self.object_type,
            "owner": self.owner,
            "launch_date": self.launch_date,
            "decay_date": self.decay_date,
            "type_source": self.type_source,
            "launch_site": self.launch_site,
            "rcs_size": self.rcs_size,
            "satcat_source": self.satcat_source,
            "operator": self.operator,
            "operator_country": self.operator_country,
            "users": self.users,
            "purpose": self.purpose,
            "detailed_purpose": self.detailed_purpose,
            "class_of_orbit": self.class_of_orbit,
            "ucs_name": self.ucs_name,
            "ucs_cospar_id": self.ucs_cospar_id,
            "ucs_source": self.ucs_source,
            "ucs_conflict": self.ucs_conflict,
        }


@dataclass(frozen=True)
class MetadataConflict:
    """A UCS row whose COSPAR id is not the SATCAT's international designator for its NORAD id."""

    norad_id: int
    ucs_name: str | None
    ucs_cospar_id: str | None
    satcat_name: str | None
    satcat_cospar_id: str | None
    ucs_source: str
    ucs_line: int | None
    satcat_source: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "norad_id": self.norad_id,
            "ucs_name": self.ucs_name,
            "ucs_cospar_id": self.ucs_cospar_id,
            "satcat_name": self.satcat_name,
            "satcat_cospar_id": self.satcat_cospar_id,
            "ucs_source": self.ucs_source,
            "ucs_line": self.ucs_line,
            "satcat_source": self.satcat_source,
        }


def _date(value: np.datetime64 | None) -> str | None:
    if value is None or np.isnat(value):
        return None
    return _day_text(value)


@functools.lru_cache(maxsize=65_536)
def _day_text(value: np.datetime64) -> str:
    """``YYYY-MM-DD`` (cached: a catalog repeats few launch/decay days, and the numpy call is slow)."""
    return str(np.datetime_as_string(value, unit="D"))


def _real(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


# -- writing ----------------------------------------------------------------------------------


def write_satcat(conn: sqlite3.Connection, records: Sequence[Any], source_id: int) -> int:
    """Upsert :class:`~orbitwatch.catalog.satcat.SatcatRecord` rows; returns the rows changed."""
    rows = [
        (
            int(r.norad_id), r.cospar_id, r.name, r.object_type, r.owner, _date(r.launch_date), r.launch_site,
            _date(r.decay_date), _real(r.period_min), _real(r.inclination_deg), _real(r.apogee_km),
            _real(r.perigee_km), _real(r.rcs_m2), r.rcs_size, r.comment, r.vocabulary, source_id, r.line,
        )
        for r in records
    ]
    before = conn.total_changes
    conn.executemany(_SATCAT_UPSERT, rows)
    return conn.total_changes - before


def write_ucs(
    conn: sqlite3.Connection, records: Sequence[Any], source_id: int, occurrences: dict[str, int]
) -> int:
    """Insert :class:`~orbitwatch.catalog.ucs.UcsRecord` rows; returns the rows stored (new).

    ``occurrences`` counts each row hash seen so far in this input (the caller keeps one
    dict per input), so the k-th identical row of a file is always occurrence k.
    """
    rows = []
    for r in records:
        values = (
            int(r.norad_id), r.cospar_id, r.name, r.official_name, r.un_registry, r.operator_country, r.operator,
            r.users, r.purpose, r.detailed_purpose, r.class_of_orbit, r.type_of_orbit, _real(r.geo_longitude_deg),
            _real(r.perigee_km), _real(r.apogee_km), _real(r.eccentricity), _real(r.inclination_deg),
            _real(r.period_min), _real(r.launch_mass_kg), _date(r.launch_date), _real(r.expected_lifetime_yr),
            r.contractor, r.contractor_country, r.launch_site, r.launch_vehicle,
            "; ".join(r.dropped) if r.dropped else None,
        )
        sha = hashlib.sha256(json.dumps(values, separators=(",", ":")).encode("utf-8", "surrogatepass")).hexdigest()
        k = occurrences.get(sha, 0) + 1
        occurrences[sha] = k
        rows.append((*values, sha, k, source_id, r.line))
    before = conn.total_changes
    conn.executemany(_UCS_INSERT, rows)
    return conn.total_changes - before


# -- reading ----------------------------------------------------------------------------------

_CONFLICT_WHERE = "u.cospar_id IS NOT NULL AND s.cospar_id IS NOT NULL AND u.cospar_id <> s.cospar_id"

_LOOKUP = f"""
SELECT w.norad_id, coalesce(o.name, s.name, u.name), coalesce(o.cospar_id, s.cospar_id),
       coalesce(o.object_type, s.object_type), coalesce(o.owner, s.owner),
       coalesce(o.launch_date, s.launch_date), coalesce(o.decay_date, s.decay_date), o.type_source,
       s.launch_site, s.rcs_size, ss.name,
       u.operator, u.operator_country, u.users, u.purpose, u.detailed_purpose, u.class_of_orbit,
       u.name, u.cospar_id, us.name,
       CASE WHEN u.id IS NULL OR s.norad_id IS NULL THEN NULL WHEN {_CONFLICT_WHERE} THEN 1 ELSE 0 END
FROM (SELECT DISTINCT value AS norad_id FROM json_each(?)) w
LEFT JOIN objects o ON o.norad_id = w.norad_id
LEFT JOIN satcat s ON s.norad_id = w.norad_id
LEFT JOIN sources ss ON ss.source_id = s.source_id
LEFT JOIN ucs u ON u.id = (
    SELECT x.id FROM ucs x LEFT JOIN satcat y ON y.norad_id = x.norad_id WHERE x.norad_id = w.norad_id
    ORDER BY (x.cospar_id IS NOT NULL AND y.cospar_id IS NOT NULL AND x.cospar_id <> y.cospar_id),
             x.source_id DESC, x.line, x.id
    LIMIT 1)
LEFT JOIN sources us ON us.source_id = u.source_id
WHERE o.norad_id IS NOT NULL OR s.norad_id IS NOT NULL OR u.id IS NOT NULL
ORDER BY w.norad_id
"""


def _metadata(row: Sequence[Any]) -> ObjectMetadata:
    return ObjectMetadata(
        norad_id=int(row[0]),
        name=row[1],
        cospar_id=row[2],
        object_type=row[3],
        owner=row[4],
        launch_date=row[5],
        decay_date=row[6],
        type_source=row[7],
        launch_site=row[8],
        rcs_size=row[9],
        satcat_source=row[10],
        operator=row[11],
        operator_country=row[12],
        users=row[13],
        purpose=row[14],
        detailed_purpose=row[15],
        class_of_orbit=row[16],
        ucs_name=row[17],
        ucs_cospar_id=row[18],
        ucs_source=row[19],
        ucs_conflict=None if row[20] is None else bool(row[20]),
    )


def lookup(conn: sqlite3.Connection, norad_ids: Iterable[int]) -> dict[int, ObjectMetadata]:
    """Metadata for many NORAD ids in one query; ids the store knows nothing about are absent."""
    ids = json.dumps(sorted({int(i) for i in norad_ids}))
    return {m.norad_id: m for m in map(_metadata, conn.execute(_LOOKUP, (ids,)))}


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search(conn: sqlite3.Connection, query: str, *, limit: int = 100) -> list[ObjectMetadata]:
    """Objects matching ``query``, by NORAD id, at most ``limit``.

    A number (ASCII digits) is a NORAD id; ``YYYY-NNN`` or ``YYYY-NNNA`` a COSPAR id prefix
    (``1982-092`` is every piece of that launch; SATCAT, element-set and UCS ids all count);
    anything else a case-insensitive substring of a name (SATCAT/element-set name, UCS name or
    official name).
    """
    q = " ".join(query.split())
    if not q or limit <= 0:
        return []
    if _NORAD_QUERY.fullmatch(q):
        return list(lookup(conn, [int(q)]).values())
    if _COSPAR_QUERY.fullmatch(q.upper()):
        pattern = _like(q.upper()) + "%"
        sql = """
            SELECT norad_id FROM objects WHERE cospar_id LIKE :p ESCAPE '\\'
            UNION SELECT norad_id FROM satcat WHERE cospar_id LIKE :p ESCAPE '\\'
            UNION SELECT norad_id FROM ucs WHERE cospar_id LIKE :p ESCAPE '\\'
            ORDER BY 1 LIMIT :n"""
    else:
        pattern = "%" + _like(q) + "%"
        sql = """
            SELECT norad_id FROM objects WHERE name LIKE :p ESCAPE '\\'
            UNION SELECT norad_id FROM satcat WHERE name LIKE :p ESCAPE '\\'
            UNION SELECT norad_id FROM ucs WHERE name LIKE :p ESCAPE '\\' OR official_name LIKE :p ESCAPE '\\'
            ORDER BY 1 LIMIT :n"""
    ids = [int(r[0]) for r in conn.execute(sql, {"p": pattern, "n": int(limit)})]
    found = lookup(conn, ids)
    return [found[i] for i in ids if i in found]


_CONFLICTS = f"""
SELECT u.norad_id, u.name, u.cospar_id, s.name, s.cospar_id, us.name, u.line, ss.name
FROM ucs u
JOIN satcat s ON s.norad_id = u.norad_id
JOIN sources us ON us.source_id = u.source_id
JOIN sources ss ON ss.source_id = s.source_id
WHERE {_CONFLICT_WHERE}
ORDER BY u.norad_id, u.source_id, u.line, u.id
"""


def conflicts(conn: sqlite3.Connection) -> list[MetadataConflict]:
    """Every UCS row whose COSPAR id differs from the SATCAT's for the same NORAD id."""
    return [
        MetadataConflict(
            norad_id=int(r[0]), ucs_name=r[1], ucs_cospar_id=r[2], satcat_name=r[3], satcat_cospar_id=r[4],
            ucs_source=r[5], ucs_line=r[6], satcat_source=r[7],
        )
        for r in conn.execute(_CONFLICTS)
    ]


def count_conflicts(conn: sqlite3.Connection) -> int:
    """How many UCS rows :func:`conflicts` would list."""
    row = conn.execute(
        f"SELECT COUNT(*) FROM ucs u JOIN satcat s ON s.norad_id = u.norad_id WHERE {_CONFLICT_WHERE}"
    ).fetchone()
    return int(row[0])


#: what a result carries per object from the metadata: the SATCAT owner, the UCS operator,
#: users and purpose, and whether the UCS row's COSPAR id disagrees with the SATCAT's
OBJECT_FIELDS = ("owner", "operator", "users", "purpose", "ucs_conflict")


def object_fields(meta: ObjectMetadata | None, suffix: str = "") -> dict[str, Any]:
    """:data:`OBJECT_FIELDS` of one object (``None`` where unknown), keys ending in ``suffix``
    (e.g. ``"_1"`` for the first object of a pair)."""
    return {f"{k}{suffix}": None if meta is None else getattr(meta, k) for k in OBJECT_FIELDS}

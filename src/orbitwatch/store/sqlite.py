"""The element-history store on SQLite (stdlib ``sqlite3``, WAL journal).

One file holds every element set ever ingested, the objects they belong to and the
files they came from (schema and migrations in :mod:`orbitwatch.store.schema`).  This
module is the only code in orbitwatch that touches the database.

Ingest (:meth:`Store.ingest`) streams: lines go through the catalog parsers
(:func:`orbitwatch.catalog.reader.read_element_sets`) and rows are written with
``executemany`` in batches of :data:`BATCH_SIZE`, so memory stays bounded by one batch
(plus one integer per distinct object) whatever the input size.  The whole ingest is
ONE transaction (``BEGIN IMMEDIATE`` ... ``COMMIT``): a strict-mode parse error, an
exception or a killed process leaves the store exactly as it was (SQLite's WAL
ignores frames of a transaction that never committed; see https://sqlite.org/wal.html,
"Atomic commit").  ``INSERT OR IGNORE`` against the UNIQUE identity index makes
re-ingesting idempotent; the rows SQLite reports as changed are the rows stored.

Durability choice: ``PRAGMA synchronous = NORMAL`` in WAL mode, as SQLite documents:
a committed ingest survives a crash of the process; after a power cut the last
transactions may be lost but the database stays consistent.

Concurrency (https://sqlite.org/wal.html, "Concurrency"; https://sqlite.org/lang_transaction.html):
opening a store reads its schema version without a write lock, and takes the write
lock only when a migration is actually due, so readers (``catalog stats``,
``propagate --db``, other processes) keep working on the last committed data while an
ingest of any length runs.  One writer at a time: a second ingest waits for the first
to commit, up to the busy timeout (``timeout_s`` of :meth:`Store.open`, else the
environment variable ``ORBITWATCH_STORE_TIMEOUT_S``, else
:data:`DEFAULT_TIMEOUT_S`), then fails with ``STORE_LOCKED``.

Corruption: opening compares the file with its own SQLite header (magic string, page
size, reserved fields, and the in-header page count against the file size, see
https://sqlite.org/fileformat2.html sec. 1.3); when anything looks wrong it runs
``PRAGMA quick_check`` and refuses a damaged store with ``STORE_CORRUPT`` instead of
writing into it.  :func:`check_store` (``orbitwatch store check``) runs the full
``PRAGMA integrity_check`` on demand; opening never does (it reads the whole file).
Damage that leaves the header and size intact (pages overwritten in place) is found where
a command reads it, cheaply: ``PRAGMA cell_size_check`` sanity-checks every b-tree page as
it is read, SQLite's own "malformed" errors become ``STORE_CORRUPT``, and so does a row
that does not decode as orbitwatch wrote it (a NULL, text, blob or infinity in a number
column), each naming ``orbitwatch store check``.

Time convention: epochs and ingest times are int64 unix microseconds, the column form
of the UTC ``datetime64[us]`` of :mod:`orbitwatch.times`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import itertools
import json
import math
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

import numpy as np

from orbitwatch.catalog.model import (
    OBJECT_TYPES,
    ElementSet,
    ElementTable,
    Reject,
    RejectList,
    infer_object_type,
)
from orbitwatch.errors import InputError, StoreError
from orbitwatch.store import metadata
from orbitwatch.store.metadata import MetadataConflict, ObjectMetadata
from orbitwatch.store.schema import SCHEMA_VERSION, migrate, schema_version
from orbitwatch.times import UTC_DTYPE, as_utc, format_utc

__all__ = [
    "BATCH_SIZE",
    "DEFAULT_TIMEOUT_S",
    "INGEST_KINDS",
    "TIMEOUT_ENV",
    "IngestReport",
    "IntegrityReport",
    "ObjectInfo",
    "Store",
    "check_store",
    "default_db_path",
]

#: Rows per ``executemany``: large enough to amortise the per-call cost, small enough
#: to keep memory flat.
BATCH_SIZE = 4096

#: Seconds a writer waits for another writer's transaction to end before
#: ``STORE_LOCKED`` (readers never wait in WAL mode).
DEFAULT_TIMEOUT_S = 600.0

#: Environment variable overriding :data:`DEFAULT_TIMEOUT_S` (seconds, >= 0).
TIMEOUT_ENV = "ORBITWATCH_STORE_TIMEOUT_S"

_SQLITE_MAGIC = b"SQLite format 3\x00"

_I64_MAX = 2**63 - 1
_T = TypeVar("_T")

_ES_COLUMNS = (
    "norad_id",
    "epoch_us",
    "mean_motion_rev_per_day",
    "eccentricity",
    "inclination_deg",
    "raan_deg",
    "arg_perigee_deg",
    "mean_anomaly_deg",
    "bstar_per_earth_radius",
    "mean_motion_dot_rev_per_day2",
    "mean_motion_ddot_rev_per_day3",
    "name",
    "cospar_id",
    "classification",
    "element_set_no",
    "rev_at_epoch",
    "ephemeris_type",
)
_FLOATS = _ES_COLUMNS[2:11]

_INSERT_ES = (
    f"INSERT OR IGNORE INTO element_sets ({', '.join(_ES_COLUMNS)}, source_id, line, ingested_at_us) "
    f"VALUES ({', '.join('?' * (len(_ES_COLUMNS) + 3))})"
)

# The object's name/COSPAR id/type follow the newest element set that carries a name,
# unless a SATCAT gave them: a SATCAT (the catalog of record) is never overwritten by
# element-set names or a name-based type guess.
_NEWER = (
    "(objects.type_source <> 'SATCAT' AND excluded.name IS NOT NULL AND "
    "(objects.name_epoch_us IS NULL OR excluded.name_epoch_us >= objects.name_epoch_us))"
)
_UPSERT_OBJECT = f"""
INSERT INTO objects (norad_id, cospar_id, name, object_type, name_epoch_us) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (norad_id) DO UPDATE SET
    name = CASE WHEN {_NEWER} THEN excluded.name ELSE objects.name END,
    cospar_id = CASE WHEN {_NEWER} THEN coalesce(excluded.cospar_id, objects.cospar_id)
                     ELSE coalesce(objects.cospar_id, excluded.cospar_id) END,
    object_type = CASE WHEN {_NEWER} THEN excluded.object_type ELSE objects.object_type END,
    name_epoch_us = CASE WHEN {_NEWER} THEN excluded.name_epoch_us ELSE objects.name_epoch_us END
WHERE ({_NEWER} AND (excluded.name IS NOT objects.name OR excluded.name_epoch_us IS NOT objects.name_epoch_us
                     OR excluded.object_type IS NOT objects.object_type
                     OR (excluded.cospar_id IS NOT NULL AND excluded.cospar_id IS NOT objects.cospar_id)))
   OR (objects.cospar_id IS NULL AND excluded.cospar_id IS NOT NULL)
"""

_UPSERT_SATCAT = """
INSERT INTO objects (norad_id, cospar_id, name, object_type, owner, launch_date, decay_date, rcs_m2,
                     type_source)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'SATCAT')
ON CONFLICT (norad_id) DO UPDATE SET
    cospar_id = coalesce(excluded.cospar_id, objects.cospar_id),
    name = coalesce(excluded.name, objects.name),
    object_type = excluded.object_type,
    owner = coalesce(excluded.owner, objects.owner),
    launch_date = coalesce(excluded.launch_date, objects.launch_date),
    decay_date = coalesce(excluded.decay_date, objects.decay_date),
    rcs_m2 = coalesce(excluded.rcs_m2, objects.rcs_m2),
    type_source = 'SATCAT'
"""

# Latest element set per object with epoch <= ?: one index probe per object
# (element_sets_latest orders (norad_id, epoch_us, rowid)), ties on epoch go to the
# set ingested last.
_LATEST_TAIL = """
JOIN element_sets e ON e.id = (
    SELECT x.id FROM element_sets x
    WHERE x.norad_id = w.norad_id AND x.epoch_us <= ?
    ORDER BY x.epoch_us DESC, x.id DESC LIMIT 1)
LEFT JOIN objects o ON o.norad_id = e.norad_id
ORDER BY e.norad_id
"""
# The earliest set after a time (with _LATEST_TAIL's latest at or before it: the set in force).
_EARLIEST_AFTER_TAIL = """
JOIN element_sets e ON e.id = (
    SELECT y.id FROM element_sets y
    WHERE y.norad_id = w.norad_id AND y.epoch_us > ?
    ORDER BY y.epoch_us ASC, y.id DESC LIMIT 1)
LEFT JOIN objects o ON o.norad_id = e.norad_id
ORDER BY e.norad_id
"""
_LATEST_COLUMNS = (
    "e.norad_id, e.epoch_us, "
    + ", ".join(f"e.{c}" for c in _FLOATS)
    + ", coalesce(o.name, e.name), coalesce(o.cospar_id, e.cospar_id), o.object_type, o.owner"
)

_SATCAT_TYPES = {
    "PAY": "PAYLOAD",
    "R/B": "ROCKET BODY",
    "RB": "ROCKET BODY",
    "DEB": "DEBRIS",
    "UNK": "UNKNOWN",
    "TBA": "UNKNOWN",
}


def default_db_path() -> Path:
    """``<user data dir>/orbitwatch/orbitwatch.db`` (``platformdirs.user_data_dir``)."""
    import platformdirs

    return Path(platformdirs.user_data_dir("orbitwatch")) / "orbitwatch.db"


@dataclass(frozen=True)
class IngestReport:
    """What one ingest did.

    ``element_sets_read``: element sets parsed (rejects excluded); ``stored``: new rows;
    ``duplicates``: read but already in the store (or twice in the input);
    ``objects``: distinct NORAD ids among the element sets and SATCAT records read;
    ``rejected`` counts every rejected record, ``rejects`` lists the first
    :data:`MAX_REJECTS_KEPT` of them.  Object metadata inputs (SATCAT, UCS;
    ``metadata_inputs`` of them): ``satcat_read``/``ucs_read`` records read,
    ``satcat_stored``/``ucs_stored`` rows new or changed, ``conflicts`` the UCS rows of the
    whole store whose COSPAR id disagrees with the SATCAT after this ingest.
    """

    files: int
    element_sets_read: int
    stored: int
    duplicates: int
    rejected: int
    objects: int
    rejects: list[Reject] = field(default_factory=list)
    metadata_inputs: int = 0
    satcat_read: int = 0
    satcat_stored: int = 0
    ucs_read: int = 0
    ucs_stored: int = 0
    conflicts: int = 0

    def to_dict(self) -> dict[str, Any]:
        """The ``orbitwatch ingest --json`` object (a fixed contract); a ``metadata`` object
        ``{satcat_read, satcat_stored, ucs_read, ucs_stored, conflicts}`` is added after
        ``rejects`` only when a SATCAT or UCS input was ingested."""
        out: dict[str, Any] = {
            "files": self.files,
            "element_sets_read": self.element_sets_read,
            "stored": self.stored,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
            "objects": self.objects,
            "rejects": [r.to_dict() for r in self.rejects],
        }
        if self.metadata_inputs:
            out["metadata"] = {
                "satcat_read": self.satcat_read,
                "satcat_stored": self.satcat_stored,
                "ucs_read": self.ucs_read,
                "ucs_stored": self.ucs_stored,
                "conflicts": self.conflicts,
            }
        return out


@dataclass
class _MetaTally:
    """Records read and rows stored from one metadata input (kind ``satcat`` or ``ucs``)."""

    kind: str
    read: int = 0
    stored: int = 0


#: What ``Store.ingest(kind=...)`` accepts.
INGEST_KINDS = ("auto", "elements", "satcat", "ucs")


@dataclass(frozen=True)
class ObjectInfo:
    """One object of the store; dates are ISO strings, epochs UTC ``datetime64[us]``."""

    norad_id: int
    name: str | None
    cospar_id: str | None
    object_type: str
    type_source: str
    owner: str | None
    launch_date: str | None
    decay_date: str | None
    rcs_m2: float | None
    element_sets: int
    first_epoch: np.datetime64 | None
    last_epoch: np.datetime64 | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "norad_id": self.norad_id,
            "name": self.name,
            "cospar_id": self.cospar_id,
            "object_type": self.object_type,
            "type_source": self.type_source,
            "owner": self.owner,
            "launch_date": self.launch_date,
            "decay_date": self.decay_date,
            "rcs_m2": self.rcs_m2,
            "element_sets": self.element_sets,
            "first_epoch_utc": None if self.first_epoch is None else format_utc(self.first_epoch, digits=6),
            "last_epoch_utc": None if self.last_epoch is None else format_utc(self.last_epoch, digits=6),
        }


@contextlib.contextmanager
def _db_errors(path: Path) -> Iterator[None]:
    """sqlite3 errors become :class:`StoreError` with a stable code."""
    try:
        yield
    except sqlite3.Error as exc:
        text = str(exc)
        if "locked" in text or "busy" in text:
            code = "STORE_LOCKED"
        elif "not a database" in text or "malformed" in text:
            code = "STORE_CORRUPT"
            text = f"{text}: {_CHECK_HINT.format(db=path)}"
        elif "unable to open" in text or "readonly" in text:
            code = "STORE_OPEN"
        else:
            code = "STORE"
        raise StoreError(text, code=code, source=str(path)) from exc


_CHECK_HINT = (
    "the store is damaged; run 'orbitwatch store check --db {db}', then restore it from a backup "
    "or re-ingest into a new store"
)


def _corrupt(path: Path | str | None, what: str) -> StoreError:
    """``STORE_CORRUPT`` for a value SQLite returned without complaint but orbitwatch never writes."""
    where = "?" if path is None else str(path)
    return StoreError(f"{what}: {_CHECK_HINT.format(db=where)}", code="STORE_CORRUPT",
                      source=None if path is None else str(path))


@contextlib.contextmanager
def _decoding(path: Path | str | None, what: str) -> Iterator[None]:
    """Rows that do not decode (a NULL, text or blob where orbitwatch writes a number: damage
    inside a page that SQLite's own checks do not see) are ``STORE_CORRUPT``, not a traceback."""
    try:
        yield
    except (TypeError, ValueError, OverflowError) as exc:
        raise _corrupt(path, f"the store holds a value orbitwatch never writes in {what} ({exc})") from None


def _us(t: Any) -> int:
    return int(as_utc(t).astype(np.int64))


def _utc(us: int | None) -> np.datetime64 | None:
    return None if us is None else np.datetime64(int(us), "us")


def _date_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, np.datetime64):
        if np.isnat(value):
            return None
        return str(np.datetime_as_string(value, unit="D"))
    if hasattr(value, "isoformat"):
        return str(value.isoformat())[:10]
    text = str(value).strip()
    return text or None


def _timeout_s(value: float | None) -> float:
    """The writer's busy timeout: ``value``, else :data:`TIMEOUT_ENV`, else the default."""
    where = "timeout_s"
    if value is None:
        text = os.environ.get(TIMEOUT_ENV, "").strip()
        if not text:
            return DEFAULT_TIMEOUT_S
        where = TIMEOUT_ENV
        try:
            value = float(text)
        except ValueError:
            value = math.nan
    if not math.isfinite(value) or value < 0:
        raise InputError(
            f"{where} must be a finite number of seconds >= 0, not {value!r}",
            code="INPUT_INVALID",
            field=where,
        )
    return float(value)


def _locked(db: Path, wait_s: float, doing: str) -> StoreError:
    return StoreError(
        f"another process is writing to the store; gave up {doing} after waiting {wait_s:g} s "
        f"for it (set {TIMEOUT_ENV} to wait longer)",
        code="STORE_LOCKED",
        source=str(db),
    )


def _header_findings(db: Path) -> list[str]:
    """What looks wrong in the store file's SQLite header or size ([] when nothing does).

    Checks, from https://sqlite.org/fileformat2.html sec. 1.3: the 16-byte magic string,
    a page size that is a power of two in 512..65536, read/write versions 1 or 2,
    payload fractions 64/32/32, the 20 reserved bytes at offset 72 being zero, the file
    size being a whole number of pages, and, when the in-header page count is valid
    (offset 28, valid when the change counter at 24 equals offset 92), that count times
    the page size equalling the file size.  An empty file is a new store.  These are
    triggers for :func:`_refuse_if_damaged`, not verdicts: a finding on an intact store
    costs one ``quick_check``.
    """
    try:
        size = db.stat().st_size
        if size == 0:
            return []
        with db.open("rb") as f:
            head = f.read(100)
    except OSError as exc:
        raise StoreError(f"cannot read {db}: {exc.strerror or exc}", code="STORE_OPEN", source=str(db)) from None
    if len(head) < 100 or not head.startswith(_SQLITE_MAGIC):
        return ["no SQLite header (not a database file)"]
    found = []
    page = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page == 1 else page
    if page_size < 512 or page_size > 65536 or page_size & (page_size - 1):
        return [f"invalid page size {page} in the header"]
    if head[18] not in (1, 2) or head[19] not in (1, 2):
        found.append(f"invalid file format versions {head[18]}/{head[19]} in the header")
    if (head[21], head[22], head[23]) != (64, 32, 32):
        found.append("invalid payload fractions in the header")
    if any(head[72:92]):
        found.append("non-zero reserved bytes in the header")
    if size % page_size:
        found.append(f"file size {size:,} bytes is not a whole number of {page_size}-byte pages")
    n_pages = int.from_bytes(head[28:32], "big")
    if n_pages and head[24:28] == head[92:96] and n_pages * page_size != size:
        found.append(f"the header says {n_pages:,} pages ({n_pages * page_size:,} bytes) but the file has {size:,}")
    return found


def _integrity_rows(conn: sqlite3.Connection, pragma: str, max_rows: int) -> list[str]:
    """The problems ``PRAGMA quick_check`` / ``integrity_check`` reports, one per line
    ([] for "ok"); an error SQLite raises part-way is the last problem."""
    lines: list[str] = []
    try:
        for (row,) in conn.execute(f"PRAGMA {pragma}({int(max_rows)})"):
            lines.extend(t for t in str(row).splitlines() if t.strip() and not t.startswith("*** in database"))
    except sqlite3.DatabaseError as exc:
        lines.append(str(exc))
    return [] if lines == ["ok"] else lines[:max_rows]


def _refuse_if_damaged(conn: sqlite3.Connection, db: Path, findings: list[str]) -> None:
    """``PRAGMA quick_check``; raise ``STORE_CORRUPT`` naming the findings when it fails."""
    problems = _integrity_rows(conn, "quick_check", 3)
    if problems:
        raise StoreError(
            f"the store is damaged ({'; '.join(findings)}; quick_check: {'; '.join(problems)}); "
            f"refusing to use it: run 'orbitwatch store check --db {db}', then restore it from a backup "
            "or re-ingest into a new store",
            code="STORE_CORRUPT",
            source=str(db),
        )


@dataclass(frozen=True)
class IntegrityReport:
    """What :func:`check_store` found: ``ok`` when SQLite's check and the header agree."""

    path: Path
    ok: bool
    file_bytes: int
    page_size: int | None
    page_count: int | None
    schema_version: int | None
    header_findings: list[str]
    problems: list[str]

    def to_dict(self) -> dict[str, Any]:
        """The ``orbitwatch store check --json`` object."""
        return {
            "path": str(self.path),
            "ok": self.ok,
            "file_bytes": self.file_bytes,
            "page_size": self.page_size,
            "page_count": self.page_count,
            "schema_version": self.schema_version,
            "header_findings": list(self.header_findings),
            "problems": list(self.problems),
        }


def check_store(path: Path | str | None = None, *, max_problems: int = 100) -> IntegrityReport:
    """Run ``PRAGMA integrity_check`` (the full check, https://sqlite.org/pragma.html#pragma_integrity_check)
    on the store at ``path`` without migrating or writing it.

    Reports up to ``max_problems`` problems; a missing store raises ``STORE_NOT_FOUND``.
    A file SQLite cannot read at all is reported (``ok`` false), not raised.  Takes no
    write lock, so it runs beside an ingest (it checks the last committed state).
    """
    db = default_db_path() if path is None else Path(path)
    if not db.is_file():
        raise StoreError(f"no store at {db}", code="STORE_NOT_FOUND", source=str(db))
    findings = _header_findings(db)
    problems: list[str] = []
    page_size = page_count = version = None
    try:
        conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
    except sqlite3.Error as exc:
        raise StoreError(str(exc), code="STORE_OPEN", source=str(db)) from exc
    try:
        try:
            page_size = int(conn.execute("PRAGMA page_size").fetchone()[0])
            page_count = int(conn.execute("PRAGMA page_count").fetchone()[0])
        except sqlite3.DatabaseError as exc:
            problems = [str(exc)]
        else:
            problems = _integrity_rows(conn, "integrity_check", max_problems)
            if len(problems) == 1:
                # The check raises a bare "malformed" when it walks into an unreadable page
                # before reaching its row limit; a smaller limit stops before that page and
                # lists the damage it found so far.
                for limit in (10, 3, 1):
                    details = [p for p in _integrity_rows(conn, "quick_check", limit) if p not in problems]
                    if details:
                        problems += details[: max_problems - 1]
                        break
        if not problems:
            try:
                version = schema_version(conn)
            except (StoreError, sqlite3.DatabaseError) as exc:
                problems = [str(exc)]
    finally:
        conn.close()
    return IntegrityReport(
        path=db,
        ok=not problems,
        file_bytes=db.stat().st_size,
        page_size=page_size,
        page_count=page_count,
        schema_version=version,
        header_findings=findings,
        problems=problems,
    )


def _head(lines: Iterable[str], sniff_chars: int) -> tuple[list[str], Iterator[str]]:
    """The start of an input for format sniffing, and the whole input again as a stream.

    ``head`` is the first non-blank item and, when it opens JSON (``[`` or ``{``), the
    items after it up to the first ``}`` or about ``sniff_chars`` characters.  Leading
    blank lines are counted, not kept (an input of a billion newlines, or of gigabytes of
    blanks without one, is never held): the stream gives them back as ``"\n"`` lines and
    blank :class:`~orbitwatch.catalog.reader.LinePiece` runs of the same length, so line
    numbers and line lengths are as read.
    """
    from orbitwatch.catalog.reader import LinePiece

    it = iter(lines)
    n_blank = 0  # whole blank lines before the first non-blank item
    pending = 0  # characters of blank pieces of the line the first non-blank item ends
    head: list[str] = []
    for line in it:
        if line.strip():
            head.append(line)
            break
        if type(line) is LinePiece:
            pending += len(line)
        else:
            n_blank += 1
            pending = 0
    if head and head[0].lstrip("\ufeff \t\r\n")[:1] in ("[", "{"):
        # JSON may open with a bare '[': read on to the first object's keys
        size = len(head[0])
        for line in it:
            head.append(line)
            size += len(line)
            if size >= sniff_chars or "}" in line:
                break

    def blanks() -> Iterator[str]:
        yield from itertools.repeat("\n", n_blank)
        left = pending
        while left > 0:
            k = min(left, 1 << 20)
            yield LinePiece(" " * k)
            left -= k

    return head, itertools.chain(blanks(), head, it)


class _HashedLines:
    """Pass lines through while hashing their UTF-8 text (the source's sha256).

    Lines are hashed in chunks of about :attr:`_FLUSH_CHARS` characters (one encode per
    chunk, not per line); the chunk is bounded by characters, not by a count of items,
    because an item may be a 1 MiB :class:`~orbitwatch.catalog.reader.LinePiece`.
    """

    _FLUSH_CHARS = 1 << 14  # about 230 TLE lines

    def __init__(self, lines: Iterable[str]) -> None:
        self._lines = lines
        self.sha256 = hashlib.sha256()

    def _update(self, buf: list[str]) -> None:
        self.sha256.update("".join(buf).encode("utf-8", "surrogatepass"))
        buf.clear()

    def __iter__(self) -> Iterator[str]:
        buf: list[str] = []
        append = buf.append
        size = 0
        limit = self._FLUSH_CHARS
        for line in self._lines:
            if len(line) >= limit:  # a long piece: hash it alone, never copied into a chunk
                if buf:
                    self._update(buf)
                    size = 0
                self.sha256.update(line.encode("utf-8", "surrogatepass"))
            else:
                append(line)
                size += len(line)
                if size >= limit:
                    self._update(buf)
                    size = 0
            yield line
        self._update(buf)


class Store:
    """The element-history store: ``with Store.open(path) as store: ...``.

    Not thread-safe; one ``Store`` per thread.  Several processes may read while one
    writes (WAL); a second writer waits for the first to commit, up to ``timeout_s``
    (see :meth:`open`), then gets ``STORE_LOCKED``.
    """

    # Set per input during an ingest: the ``sources`` row being written and the metadata
    # tallies by source id (read by _finish_source).
    _source_id: int = 0
    _tallies: dict[int, _MetaTally] = {}  # noqa: RUF012 (replaced per ingest, never mutated here)

    def __init__(self, conn: sqlite3.Connection, path: Path, timeout_s: float = DEFAULT_TIMEOUT_S) -> None:
        self._conn = conn
        self.path = path
        self.timeout_s = timeout_s

    # -- opening ---------------------------------------------------------------

    @classmethod
    def open(
        cls, path: Path | str | None = None, *, create: bool = True, timeout_s: float | None = None
    ) -> Store:
        """Open (and create or migrate) the store at ``path``; ``None`` is :func:`default_db_path`.

        ``create=False`` raises :class:`StoreError` ``STORE_NOT_FOUND`` when there is no
        store there (query commands must not leave empty databases behind).  A store with
        a newer schema raises :class:`~orbitwatch.errors.SchemaVersionError`.

        Opening takes no write lock unless a migration is due, so it succeeds while
        another process ingests.  ``timeout_s`` is how long a write (an ingest, a
        migration) waits for another process's write transaction to end before
        ``STORE_LOCKED``; ``None`` reads :data:`TIMEOUT_ENV`, else
        :data:`DEFAULT_TIMEOUT_S`.  A file whose header or size looks wrong is checked
        with ``PRAGMA quick_check`` first and refused as ``STORE_CORRUPT`` when damaged.
        """
        wait_s = _timeout_s(timeout_s)
        db = default_db_path() if path is None else Path(path)
        if not db.exists():
            if not create:
                raise StoreError(
                    f"no store at {db}; ingest a catalog first (orbitwatch ingest PATH --db {db})",
                    code="STORE_NOT_FOUND",
                    source=str(db),
                )
            try:
                db.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"cannot create {db.parent}: {exc}", code="STORE_OPEN") from None
        elif db.is_dir():
            raise StoreError(f"{db} is a directory, not a store file", code="STORE_OPEN", source=str(db))
        suspicious = _header_findings(db) if db.exists() else []
        with _db_errors(db):
            conn = sqlite3.connect(db, isolation_level=None, timeout=wait_s)
        try:
            if suspicious:
                _refuse_if_damaged(conn, db, suspicious)
            with _db_errors(db):
                # Sanity-check every b-tree page as it is read (https://sqlite.org/pragma.html#pragma_cell_size_check):
                # damage in a page a command touches is found there (STORE_CORRUPT) and not spread
                # by writing next to it, at a small cost per page read.
                conn.execute("PRAGMA cell_size_check = ON")
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = NORMAL")
                conn.execute("PRAGMA foreign_keys = ON")
                conn.execute("PRAGMA temp_store = MEMORY")
                # 16 MiB page cache: ingest spills dirty pages of a long transaction to the
                # WAL instead of holding the whole ingest in memory.
                conn.execute("PRAGMA cache_size = -16384")
                migrate(conn, source=str(db))
        except StoreError as exc:
            conn.close()
            if exc.code == "STORE_LOCKED":
                raise _locked(db, wait_s, "migrating its schema") from None
            raise
        except BaseException:
            conn.close()
            raise
        return cls(conn, db, wait_s)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        return SCHEMA_VERSION

    # -- writing ---------------------------------------------------------------

    def ingest(
        self,
        inputs: Iterable[tuple[str, Iterable[str]]],
        *,
        lenient: bool = False,
        now: np.datetime64,
        progress: Callable[[int, int], None] | None = None,
        kind: str = "auto",
    ) -> IngestReport:
        """Parse and store every ``(source name, text lines)`` input, in one transaction.

        Formats are detected per input (TLE/3LE, OMM KVN/XML/JSON/CSV; see
        :mod:`orbitwatch.catalog.reader`); a SATCAT (Space-Track JSON or CSV, CelesTrak CSV,
        recognised by its column names: :func:`orbitwatch.catalog.satcat.sniff_satcat`) updates
        the objects as :meth:`ingest_satcat` and is kept with its source in the ``satcat``
        table; a UCS Satellite Database CSV (:func:`orbitwatch.catalog.ucs.is_ucs_header`) is
        kept in the ``ucs`` table (:mod:`orbitwatch.store.metadata`).  ``kind`` (one of
        :data:`INGEST_KINDS`) forces every input to be read as ``elements``, ``satcat`` or
        ``ucs`` instead of detecting it.  Strict mode (default): the first bad record
        raises its :class:`~orbitwatch.errors.ParseError` and nothing is stored.
        ``lenient=True``: bad records become :class:`Reject` entries of the report.
        ``now`` is the ingest time recorded with every row.  ``progress(done, total)`` is
        called after each batch with the element sets read so far and ``total = 0``
        (unknown: the input is a stream).
        """
        from orbitwatch.catalog.reader import read_element_sets
        from orbitwatch.catalog.satcat import SNIFF_CHARS, iter_satcat, sniff_satcat
        from orbitwatch.catalog.ucs import is_ucs_header, iter_ucs_csv
        if kind not in INGEST_KINDS:
            raise InputError(f"kind {kind!r} is not one of {', '.join(INGEST_KINDS)}", code="INPUT_INVALID",
                             field="kind")
        rejects = RejectList()
        tallies: list[_MetaTally] = []
        self._tallies = {}

        def parsed(name: str, lines: Iterable[str], seen: set[int]) -> Iterable[ElementSet]:
            head, stream = _head(lines, SNIFF_CHARS)
            what = kind
            if what == "auto":
                text = "".join(head)
                what = "satcat" if sniff_satcat(text) else "ucs" if head and is_ucs_header(head[-1]) else "elements"
            if what == "elements":
                return read_element_sets(stream, source=name, lenient=lenient, rejects=rejects)
            source_id = self._source_id
            tally = self._tallies[source_id] = _MetaTally(what)
            tallies.append(tally)
            if what == "satcat":
                records = iter_satcat(stream, source=name, lenient=lenient, rejects=rejects)
                for chunk in _chunks(records, BATCH_SIZE):
                    self._upsert_satcat(chunk)
                    tally.stored += metadata.write_satcat(self._conn, chunk, source_id)
                    tally.read += len(chunk)
                    seen.update(int(r.norad_id) for r in chunk)
            else:
                occurrences: dict[str, int] = {}
                for rows in _chunks(iter_ucs_csv(stream, source=name, lenient=lenient, rejects=rejects), BATCH_SIZE):
                    tally.stored += metadata.write_ucs(self._conn, rows, source_id, occurrences)
                    tally.read += len(rows)
            return ()

        report = self._write(inputs, parsed, rejects, now=now, progress=progress)
        if not tallies:
            return report
        with _db_errors(self.path):
            n_conflicts = metadata.count_conflicts(self._conn)
        return dataclasses.replace(
            report,
            metadata_inputs=len(tallies),
            satcat_read=sum(t.read for t in tallies if t.kind == "satcat"),
            satcat_stored=sum(t.stored for t in tallies if t.kind == "satcat"),
            ucs_read=sum(t.read for t in tallies if t.kind == "ucs"),
            ucs_stored=sum(t.stored for t in tallies if t.kind == "ucs"),
            conflicts=n_conflicts,
        )

    def add_element_sets(
        self,
        element_sets: Iterable[ElementSet],
        *,
        source: str,
        now: np.datetime64,
        progress: Callable[[int, int], None] | None = None,
    ) -> IngestReport:
        """Store element sets built in memory (e.g. a synthetic population) as one source."""
        sets = iter(element_sets)

        def parsed(name: str, lines: Iterable[str], seen: set[int]) -> Iterable[ElementSet]:
            return sets

        return self._write([(source, ())], parsed, RejectList(), now=now, progress=progress, hash_input=False)

    def ingest_satcat(self, records: Iterable[Any]) -> int:
        """Upsert SATCAT records (:class:`orbitwatch.catalog.satcat.SatcatRecord`); returns the count.

        A SATCAT is the catalog of record: its object type, name and COSPAR id replace
        the name-based guess for good (later element sets do not rename the object);
        owner, launch/decay dates (ISO dates) and RCS are stored as given.  One
        transaction.  ``orbitwatch ingest`` also accepts SATCAT CSV files (recognised by
        their header) and calls the same code.
        """
        n = 0
        with _db_errors(self.path), self._transaction():
            for chunk in _chunks(iter(records), BATCH_SIZE):
                self._upsert_satcat(chunk)
                n += len(chunk)
        return n

    def _upsert_satcat(self, records: Sequence[Any]) -> None:
        rows = []
        for r in records:
            otype = str(getattr(r, "object_type", None) or "UNKNOWN").strip().upper()
            otype = _SATCAT_TYPES.get(otype, otype)
            if otype not in OBJECT_TYPES:
                otype = "UNKNOWN"
            rcs = getattr(r, "rcs_m2", None)
            rows.append(
                (
                    int(r.norad_id),
                    getattr(r, "cospar_id", None) or None,
                    getattr(r, "name", None) or None,
                    otype,
                    getattr(r, "owner", None) or None,
                    _date_text(getattr(r, "launch_date", None)),
                    _date_text(getattr(r, "decay_date", None)),
                    None if rcs is None or not np.isfinite(rcs) else float(rcs),
                )
            )
        self._conn.executemany(_UPSERT_SATCAT, rows)

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        try:
            self._conn.execute("BEGIN IMMEDIATE")  # waits up to timeout_s for another writer
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise _locked(self.path, self.timeout_s, "writing") from exc
            raise
        try:
            yield
        except BaseException:
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    def _write(
        self,
        inputs: Iterable[tuple[str, Iterable[str]]],
        parse: Callable[[str, Iterable[str], set[int]], Iterable[ElementSet]],
        rejects: RejectList,
        *,
        now: np.datetime64,
        progress: Callable[[int, int], None] | None,
        hash_input: bool = True,
    ) -> IngestReport:
        now_us = _us(now)
        conn = self._conn
        files = read = stored = 0
        seen: set[int] = set()
        iterator = iter(inputs)
        try:
            with _db_errors(self.path), self._transaction():
                for name, lines in iterator:
                    files += 1
                    hashed = _HashedLines(lines) if hash_input else None
                    source_id = conn.execute(
                        "INSERT INTO sources (name, ingested_at_us) VALUES (?, ?)", (name, now_us)
                    ).lastrowid
                    assert source_id is not None
                    f_read = f_stored = 0
                    f_rejects = rejects.total
                    self._source_id = source_id  # for metadata inputs (parse() of ingest)
                    sets = parse(name, hashed if hashed is not None else lines, seen)
                    for batch in _chunks(iter(sets), BATCH_SIZE):
                        f_stored += self._write_batch(batch, source_id, now_us, seen)
                        f_read += len(batch)
                        if progress is not None:
                            progress(read + f_read, 0)
                    read += f_read
                    stored += f_stored
                    f_rejects = rejects.total - f_rejects
                    sha = hashed.sha256.hexdigest() if hashed is not None else None
                    self._finish_source(source_id, name, sha, f_read, f_stored, f_rejects)
        finally:
            close = getattr(iterator, "close", None)
            if close is not None:
                close()
        return IngestReport(
            files=files,
            element_sets_read=read,
            stored=stored,
            duplicates=read - stored,
            rejected=rejects.total,
            objects=len(seen),
            rejects=list(rejects),
        )

    def _finish_source(
        self, source_id: int, name: str, sha: str | None, n_read: int, n_stored: int, n_rejected: int
    ) -> None:
        conn = self._conn
        tally = self._tallies.pop(source_id, None)
        if tally is not None:
            conn.execute(
                "UPDATE sources SET kind = ?, metadata_read = ?, metadata_stored = ? WHERE source_id = ?",
                (tally.kind, tally.read, tally.stored, source_id),
            )
        if n_stored == 0 and n_rejected == 0 and (tally is None or tally.stored == 0):
            # Re-ingesting a known file (same name and content) adds nothing, not even a
            # row in ``sources``; in-memory sets (no hash) are known by name.
            known = conn.execute(
                "SELECT 1 FROM sources WHERE sha256 IS ? AND name = ? AND source_id <> ?",
                (sha, name, source_id),
            ).fetchone()
            if known is not None:
                conn.execute("DELETE FROM sources WHERE source_id = ?", (source_id,))
                return
        conn.execute(
            "UPDATE sources SET sha256 = ?, element_sets_read = ?, stored = ?, duplicates = ?, rejected = ? "
            "WHERE source_id = ?",
            (sha, n_read, n_stored, n_read - n_stored, n_rejected, source_id),
        )

    def _write_batch(self, batch: Sequence[ElementSet], source_id: int, now_us: int, seen: set[int]) -> int:
        conn = self._conn
        epochs = np.array([e.epoch for e in batch], dtype=UTC_DTYPE).astype(np.int64).tolist()
        rows = [
            (
                int(e.norad_id),
                ep,
                float(e.mean_motion_rev_per_day),
                float(e.eccentricity),
                float(e.inclination_deg),
                float(e.raan_deg),
                float(e.arg_perigee_deg),
                float(e.mean_anomaly_deg),
                float(e.bstar_per_earth_radius),
                float(e.mean_motion_dot_rev_per_day2),
                float(e.mean_motion_ddot_rev_per_day3),
                e.name,
                e.cospar_id,
                e.classification,
                int(e.element_set_no),
                int(e.rev_at_epoch),
                int(e.ephemeris_type),
                source_id,
                e.line,
                now_us,
            )
            for e, ep in zip(batch, epochs, strict=True)
        ]
        before = conn.total_changes
        conn.executemany(_INSERT_ES, rows)
        n_stored = conn.total_changes - before
        # One object row per NORAD id of the batch, named after its newest named set.
        objects: dict[int, tuple[str | None, str | None, int | None]] = {}
        for row in rows:
            norad, ep, name, cospar = row[0], row[1], row[11], row[12]
            prev = objects.get(norad)
            if prev is None:
                objects[norad] = (name, cospar, ep if name is not None else None)
            elif name is not None and (prev[2] is None or ep >= prev[2]):
                objects[norad] = (name, cospar or prev[1], ep)
            elif prev[1] is None and cospar is not None:
                objects[norad] = (prev[0], cospar, prev[2])
        seen.update(objects)
        conn.executemany(
            _UPSERT_OBJECT,
            [
                (norad, cospar, name, infer_object_type(name) if name else "UNKNOWN", ep)
                for norad, (name, cospar, ep) in objects.items()
            ],
        )
        return n_stored

    # -- reading ---------------------------------------------------------------

    def latest(
        self, as_of: np.datetime64 | None = None, norad_ids: Iterable[int] | None = None
    ) -> ElementTable:
        """The latest element set per object with ``epoch <= as_of`` (all epochs if ``None``).

        One SQL statement (an index probe per object); rows sorted by NORAD id.  Objects
        with no element set at or before ``as_of``, and unknown ids, are absent: compare
        ``table.norad_id`` with what you asked for.  Names and COSPAR ids are the
        object's (newest known), falling back to the element set's.
        """
        cutoff = _I64_MAX if as_of is None else _us(as_of)
        with _db_errors(self.path):
            if norad_ids is None:
                sql = f"SELECT {_LATEST_COLUMNS} FROM objects w {_LATEST_TAIL}"
                rows = self._conn.execute(sql, (cutoff,)).fetchall()
            else:
                ids = json.dumps(sorted({int(i) for i in norad_ids}))
                sql = (
                    f"SELECT {_LATEST_COLUMNS} FROM (SELECT DISTINCT value AS norad_id FROM json_each(?)) w "
                    f"{_LATEST_TAIL}"
                )
                rows = self._conn.execute(sql, (ids, cutoff)).fetchall()
        return _table(rows, self.path)

    def in_force(self, t: np.datetime64, norad_ids: Iterable[int] | None = None) -> ElementTable:
        """Per object, the element set in force at ``t`` (:mod:`orbitwatch.catalog.history`).

        The latest set with ``epoch <= t``; the earliest set after ``t`` for an object with
        none, or whose latest is stale at ``t`` while a later set lies nearer (callers
        flag those rows: ``table.epoch > t``).  Ties on epoch go to the set ingested last.
        Unknown ids are absent; rows sorted by NORAD id.
        """
        from orbitwatch.catalog.history import merge_in_force

        cutoff = _us(t)
        with _db_errors(self.path):
            if norad_ids is None:
                rows_after = self._conn.execute(
                    f"SELECT {_LATEST_COLUMNS} FROM objects w {_EARLIEST_AFTER_TAIL}", (cutoff,)
                ).fetchall()
            else:
                ids = json.dumps(sorted({int(i) for i in norad_ids}))
                sql = (
                    f"SELECT {_LATEST_COLUMNS} FROM (SELECT DISTINCT value AS norad_id FROM json_each(?)) w "
                    f"{_EARLIEST_AFTER_TAIL}"
                )
                rows_after = self._conn.execute(sql, (ids, cutoff)).fetchall()
        before = self.latest(t, norad_ids=norad_ids)
        return merge_in_force(before, _table(rows_after, self.path), t)

    def history(self, norad_id: int) -> list[ElementSet]:
        """Every stored element set of one object, by epoch (then ingest order)."""
        with _db_errors(self.path):
            rows = self._conn.execute(
                _HISTORY_SQL + " WHERE e.norad_id = ? ORDER BY e.epoch_us, e.id", (int(norad_id),)
            )
            return [_element_set(r, self.path) for r in rows]

    def iter_history(self, norad_ids: Iterable[int] | None = None) -> Iterator[tuple[int, list[ElementSet]]]:
        """``(norad_id, element sets by epoch)`` for each object, in NORAD order.

        Streams from one cursor: memory holds one object's history at a time.
        """
        with _db_errors(self.path):
            if norad_ids is None:
                cur = self._conn.execute(_HISTORY_SQL + " ORDER BY e.norad_id, e.epoch_us, e.id")
            else:
                ids = json.dumps(sorted({int(i) for i in norad_ids}))
                cur = self._conn.execute(
                    _HISTORY_SQL
                    + " WHERE e.norad_id IN (SELECT value FROM json_each(?)) ORDER BY e.norad_id, e.epoch_us, e.id",
                    (ids,),
                )
            for norad, group in itertools.groupby(cur, key=lambda r: r[0]):
                yield int(norad), [_element_set(r, self.path) for r in group]

    def object_info(self, norad_id: int) -> ObjectInfo | None:
        """The object's catalog data and element-set count/epoch span; ``None`` if unknown."""
        with _db_errors(self.path):
            row = self._conn.execute(
                "SELECT o.norad_id, o.name, o.cospar_id, o.object_type, o.type_source, o.owner, "
                "o.launch_date, o.decay_date, o.rcs_m2, "
                "(SELECT COUNT(*) FROM element_sets e WHERE e.norad_id = o.norad_id), "
                "(SELECT MIN(epoch_us) FROM element_sets e WHERE e.norad_id = o.norad_id), "
                "(SELECT MAX(epoch_us) FROM element_sets e WHERE e.norad_id = o.norad_id) "
                "FROM objects o WHERE o.norad_id = ?",
                (int(norad_id),),
            ).fetchone()
        if row is None:
            return None
        with _decoding(self.path, "objects"):
            return _object_info(row)

    # -- object metadata (SATCAT, UCS; SQL in orbitwatch.store.metadata) ---------

    def metadata(self, norad_id: int) -> ObjectMetadata | None:
        """What the store knows about one object (SATCAT, element sets, UCS); ``None`` if nothing."""
        return self.metadata_for([norad_id]).get(int(norad_id))

    def metadata_for(self, norad_ids: Iterable[int]) -> dict[int, ObjectMetadata]:
        """Metadata for many objects in one query; ids the store knows nothing about are absent."""
        with _db_errors(self.path):
            return metadata.lookup(self._conn, norad_ids)

    def object_fields(self, norad_ids: Iterable[int], suffix: str = "") -> dict[int, dict[str, Any]]:
        """NORAD id -> the result fields of each object (:func:`orbitwatch.store.metadata.object_fields`:
        SATCAT owner; UCS operator, users, purpose; ``ucs_conflict``), ``None`` values where the
        store knows nothing; the keys end in ``suffix`` (``"_1"`` for the first object of a pair)."""
        ids = list(norad_ids)
        meta = self.metadata_for(ids)
        return {n: metadata.object_fields(meta.get(n), suffix) for n in ids}

    def search_objects(self, query: str, *, limit: int = 100) -> list[ObjectMetadata]:
        """Objects by NORAD id, COSPAR id prefix or name substring (:func:`orbitwatch.store.metadata.search`)."""
        with _db_errors(self.path):
            return metadata.search(self._conn, query, limit=limit)

    def metadata_conflicts(self) -> list[MetadataConflict]:
        """UCS rows whose COSPAR id differs from the SATCAT's for the same NORAD id (reported, never joined)."""
        with _db_errors(self.path):
            return metadata.conflicts(self._conn)

    def stats(self) -> dict[str, Any]:
        """``objects`` (with at least one element set), ``element_sets``, ``by_type``
        (every type in :data:`OBJECT_TYPES`, zeros included), ``epoch_min_utc`` and
        ``epoch_max_utc`` (ISO, microseconds; ``None`` for an empty store)."""
        with _db_errors(self.path):
            n_sets, lo, hi = self._conn.execute(
                "SELECT COUNT(*), MIN(epoch_us), MAX(epoch_us) FROM element_sets"
            ).fetchone()
            by_type = dict.fromkeys(OBJECT_TYPES, 0)
            for otype, n in self._conn.execute(
                "SELECT o.object_type, COUNT(*) FROM objects o "
                "WHERE EXISTS (SELECT 1 FROM element_sets e WHERE e.norad_id = o.norad_id) "
                "GROUP BY o.object_type"
            ):
                by_type[otype] = by_type.get(otype, 0) + int(n)
        with _decoding(self.path, "element_sets"):
            return {
                "objects": sum(by_type.values()),
                "element_sets": int(n_sets),
                "by_type": by_type,
                "epoch_min_utc": None if lo is None else format_utc(np.datetime64(int(lo), "us"), digits=6),
                "epoch_max_utc": None if hi is None else format_utc(np.datetime64(int(hi), "us"), digits=6),
            }

    def sources(self) -> list[dict[str, Any]]:
        """The ingest log: one dict per ingested input, oldest first."""
        with _db_errors(self.path):
            cur = self._conn.execute(
                "SELECT source_id, name, sha256, ingested_at_us, element_sets_read, stored, duplicates, rejected "
                "FROM sources ORDER BY source_id"
            )
            out = []
            for sid, name, sha, at, n_read, n_stored, n_dup, n_rej in cur:
                with _decoding(self.path, "sources"):
                    at_utc = format_utc(np.datetime64(int(at), "us"), digits=6)
                out.append(
                    {
                        "source_id": sid,
                        "name": name,
                        "sha256": sha,
                        "ingested_at_utc": at_utc,
                        "element_sets_read": n_read,
                        "stored": n_stored,
                        "duplicates": n_dup,
                        "rejected": n_rej,
                    }
                )
        return out

    def require_objects(self, norad_ids: Iterable[int]) -> None:
        """Raise :class:`InputError` ``INPUT_UNKNOWN_NORAD`` listing ids not in the store."""
        ids = sorted({int(i) for i in norad_ids})
        with _db_errors(self.path):
            known = {
                r[0]
                for r in self._conn.execute(
                    "SELECT DISTINCT norad_id FROM element_sets WHERE norad_id IN (SELECT value FROM json_each(?))",
                    (json.dumps(ids),),
                )
            }
        missing = [i for i in ids if i not in known]
        if missing:
            raise InputError(
                f"unknown NORAD id(s) {', '.join(map(str, missing))}: not in the store {self.path}",
                code="INPUT_UNKNOWN_NORAD",
                record=",".join(map(str, missing)),
            )


def _object_info(row: Sequence[Any]) -> ObjectInfo:
    return ObjectInfo(
        norad_id=int(row[0]),
        name=row[1],
        cospar_id=row[2],
        object_type=row[3],
        type_source=row[4],
        owner=row[5],
        launch_date=row[6],
        decay_date=row[7],
        rcs_m2=row[8],
        element_sets=int(row[9]),
        first_epoch=_utc(row[10]),
        last_epoch=_utc(row[11]),
    )


_HISTORY_SQL = (
    "SELECT e.norad_id, e.epoch_us, "
    + ", ".join(f"e.{c}" for c in _ES_COLUMNS[2:])
    + ", s.name, e.line FROM element_sets e JOIN sources s ON s.source_id = e.source_id"
)


def _element_set(r: Sequence[Any], path: Path | str | None = None) -> ElementSet:
    """An :class:`ElementSet` from a row of :data:`_HISTORY_SQL`; ``STORE_CORRUPT`` when the row
    holds what orbitwatch never writes (a NULL, text or blob in a number column)."""
    if not (
        all(type(r[k]) is int for k in (0, 1, 14, 15, 16))
        and all(type(r[k]) is float and math.isfinite(r[k]) for k in range(2, 11))
    ):
        raise _corrupt(path, f"the store returned an element set row that does not decode ({r[:11]!r:.200})")
    return ElementSet(
        norad_id=int(r[0]),
        epoch=np.datetime64(int(r[1]), "us"),
        mean_motion_rev_per_day=r[2],
        eccentricity=r[3],
        inclination_deg=r[4],
        raan_deg=r[5],
        arg_perigee_deg=r[6],
        mean_anomaly_deg=r[7],
        bstar_per_earth_radius=r[8],
        mean_motion_dot_rev_per_day2=r[9],
        mean_motion_ddot_rev_per_day3=r[10],
        name=r[11],
        cospar_id=r[12],
        classification=r[13],
        element_set_no=r[14],
        rev_at_epoch=r[15],
        ephemeris_type=r[16],
        source=r[17],
        line=r[18],
    )


def _table(rows: list[Any], path: Path | str | None = None) -> ElementTable:
    """An :class:`ElementTable` from rows of :data:`_LATEST_COLUMNS`; a row that does not
    decode as orbitwatch wrote it (NULL or text in a number column) is ``STORE_CORRUPT``."""
    with _decoding(path, "element_sets"):
        table = _decode_table(rows)
    if len(table) and not all(np.isfinite(getattr(table, name)).all() for name in _FLOATS):
        # SQLite stores no NaN (it becomes NULL) and the columns are NOT NULL: only damage reads so.
        raise _corrupt(path, "the store returned an element set without its mean elements")
    return table


def _decode_table(rows: list[Any]) -> ElementTable:
    n = len(rows)
    cols: list[Sequence[Any]] = list(zip(*rows, strict=True)) if n else [()] * 15
    for k in (0, 1):
        if not all(type(v) is int for v in cols[k]):
            raise TypeError(f"{'norad_id' if k == 0 else 'epoch_us'} is not an integer")
    floats = {name: np.array(cols[2 + k], dtype=np.float64).reshape(n) for k, name in enumerate(_FLOATS)}
    names = np.empty(n, dtype=object)
    names[:] = cols[11]
    cospars = np.empty(n, dtype=object)
    cospars[:] = cols[12]
    object_types = np.empty(n, dtype=object)
    object_types[:] = cols[13]
    owners = np.empty(n, dtype=object)
    owners[:] = cols[14]
    return ElementTable(
        norad_id=np.array(cols[0], dtype=np.int64).reshape(n),
        epoch=np.array(cols[1], dtype=np.int64).reshape(n).astype(UTC_DTYPE),
        names=names,
        cospar_ids=cospars,
        object_types=object_types,
        owners=owners,
        **floats,
    )


def _chunks(it: Iterator[_T], size: int) -> Iterator[list[_T]]:
    while True:
        chunk = list(itertools.islice(it, size))
        if not chunk:
            return
        yield chunk

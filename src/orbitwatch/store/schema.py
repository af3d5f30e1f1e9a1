"""The element-history store's SQLite schema and its migration path.

``MIGRATIONS[k]`` takes a store from schema version ``k`` to ``k + 1`` (version 0 is an
empty database).  :func:`migrate` applies the missing steps in order inside one
transaction and records the new version in ``meta.schema_version``; a store whose
version is newer than :data:`SCHEMA_VERSION` raises
:class:`~orbitwatch.errors.SchemaVersionError` (an older orbitwatch must not write into
a layout it does not know).

Versions:

1. ``meta``, ``sources`` (one row per ingested file: name, sha256 of its text, ingest
   time, counts), ``objects`` (NORAD id, COSPAR id, name, object type inferred from the
   name) and ``element_sets`` (every SGP4 mean element set ever ingested; epoch as int64
   unix microseconds, the UTC convention of :mod:`orbitwatch.times`) with a UNIQUE index
   over the identity of an element set (:meth:`ElementSet.elements_key`: NORAD id,
   epoch and the mean elements), which makes re-ingesting idempotent.
2. SATCAT columns on ``objects`` (owner, launch/decay dates, RCS, and ``type_source``:
   whether ``object_type`` was inferred from a name or given by a SATCAT), and the
   ``(norad_id, epoch_us)`` index that serves latest-per-object queries (SQLite orders
   index entries by rowid after the key, so "latest epoch, then latest ingested" is an
   index walk).
3. ``screening_runs`` and ``screening_conjunctions`` (:mod:`orbitwatch.store.screening_runs`).
4. Object metadata with its source (:mod:`orbitwatch.store.metadata`): ``satcat`` (the
   SATCAT as published, one row per NORAD id, with ``vocabulary`` space-track/celestrak),
   ``ucs`` (the UCS Satellite Database rows, unique on a hash of the row and its occurrence
   in the file), and ``sources.kind`` (elements/satcat/ucs) with ``metadata_read`` /
   ``metadata_stored`` counts.
5. The watch (:mod:`orbitwatch.store.events`): ``events`` (one row per event, with its
   de-duplication key and time span), ``event_objects`` (NORAD ids per event, for queries
   by object), ``watch_cycles`` (one row per completed cycle: its batch, the element-set
   watermark it saw, its counts) and ``deliveries`` (the alert queue: one row per event
   revision and sink, with attempts and outcome).
6. The HTTP service (:mod:`orbitwatch.store.service`): ``api_keys`` (name, scope, the
   SHA-256 of the key, never the key), ``watchlists`` (a named set of NORAD ids),
   ``subscriptions`` (webhook or e-mail target, filter JSON, the webhook signing secret)
   and ``screening_jobs`` (uploaded screenings: status, request and result JSON).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from orbitwatch.errors import SchemaVersionError, StoreError

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "migrate", "schema_version"]

_V1 = (
    """CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    )""",
    """CREATE TABLE sources (
        source_id         INTEGER PRIMARY KEY,
        name              TEXT NOT NULL,
        sha256            TEXT,
        ingested_at_us    INTEGER NOT NULL,
        element_sets_read INTEGER NOT NULL DEFAULT 0,
        stored            INTEGER NOT NULL DEFAULT 0,
        duplicates        INTEGER NOT NULL DEFAULT 0,
        rejected          INTEGER NOT NULL DEFAULT 0
    )""",
    """CREATE TABLE objects (
        norad_id      INTEGER PRIMARY KEY,
        cospar_id     TEXT,
        name          TEXT,
        object_type   TEXT NOT NULL DEFAULT 'UNKNOWN',
        name_epoch_us INTEGER
    )""",
    """CREATE TABLE element_sets (
        id                            INTEGER PRIMARY KEY,
        norad_id                      INTEGER NOT NULL,
        epoch_us                      INTEGER NOT NULL,
        mean_motion_rev_per_day       REAL NOT NULL,
        eccentricity                  REAL NOT NULL,
        inclination_deg               REAL NOT NULL,
        raan_deg                      REAL NOT NULL,
        arg_perigee_deg               REAL NOT NULL,
        mean_anomaly_deg              REAL NOT NULL,
        bstar_per_earth_radius        REAL NOT NULL,
        mean_motion_dot_rev_per_day2  REAL NOT NULL,
        mean_motion_ddot_rev_per_day3 REAL NOT NULL,
        name                          TEXT,
        cospar_id                     TEXT,
        classification                TEXT NOT NULL DEFAULT 'U',
        element_set_no                INTEGER NOT NULL DEFAULT 0,
        rev_at_epoch                  INTEGER NOT NULL DEFAULT 0,
        ephemeris_type                INTEGER NOT NULL DEFAULT 0,
        source_id                     INTEGER NOT NULL REFERENCES sources (source_id),
        line                          INTEGER,
        ingested_at_us                INTEGER NOT NULL
    )""",
    """CREATE UNIQUE INDEX element_sets_identity ON element_sets (
        norad_id, epoch_us, mean_motion_rev_per_day, eccentricity, inclination_deg, raan_deg,
        arg_perigee_deg, mean_anomaly_deg, bstar_per_earth_radius,
        mean_motion_dot_rev_per_day2, mean_motion_ddot_rev_per_day3
    )""",
)

_V2 = (
    "ALTER TABLE objects ADD COLUMN owner TEXT",
    "ALTER TABLE objects ADD COLUMN launch_date TEXT",
    "ALTER TABLE objects ADD COLUMN decay_date TEXT",
    "ALTER TABLE objects ADD COLUMN rcs_m2 REAL",
    "ALTER TABLE objects ADD COLUMN type_source TEXT NOT NULL DEFAULT 'NAME'",
    "CREATE INDEX element_sets_latest ON element_sets (norad_id, epoch_us)",
    "CREATE INDEX objects_type ON objects (object_type)",
)

# Version 3: screening runs and their conjunctions (orbitwatch.store.screening_runs).
# IF NOT EXISTS: stores written before version 3 may already hold these tables.
_V3 = (
    """CREATE TABLE IF NOT EXISTS screening_runs (
        id INTEGER PRIMARY KEY,
        created_us INTEGER NOT NULL,
        start_us INTEGER NOT NULL,
        end_us INTEGER NOT NULL,
        threshold_km REAL NOT NULL,
        params_json TEXT NOT NULL,
        objects INTEGER NOT NULL,
        conjunctions INTEGER NOT NULL,
        failures INTEGER NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS screening_conjunctions (
        run_id INTEGER NOT NULL REFERENCES screening_runs(id) ON DELETE CASCADE,
        norad_1 INTEGER NOT NULL,
        name_1 TEXT,
        norad_2 INTEGER NOT NULL,
        name_2 TEXT,
        tca_us INTEGER NOT NULL,
        miss_distance_km REAL NOT NULL,
        relative_speed_km_s REAL NOT NULL,
        radial_km REAL NOT NULL,
        in_track_km REAL NOT NULL,
        cross_track_km REAL NOT NULL,
        approach_angle_deg REAL NOT NULL,
        epoch_age_1_d REAL NOT NULL,
        epoch_age_2_d REAL NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS screening_conjunctions_run ON screening_conjunctions(run_id, tca_us)",
)

# Version 4: object metadata with its source (orbitwatch.store.metadata): the SATCAT as
# published (one row per object, last ingested wins) and the UCS Satellite Database (every
# row kept: identical rows are told apart by ``occurrence``, so re-ingesting stores nothing),
# and what kind of input each source was.
_V4 = (
    "ALTER TABLE sources ADD COLUMN kind TEXT NOT NULL DEFAULT 'elements'",
    "ALTER TABLE sources ADD COLUMN metadata_read INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE sources ADD COLUMN metadata_stored INTEGER NOT NULL DEFAULT 0",
    """CREATE TABLE satcat (
        norad_id        INTEGER PRIMARY KEY,
        cospar_id       TEXT,
        name            TEXT,
        object_type     TEXT NOT NULL,
        owner           TEXT,
        launch_date     TEXT,
        launch_site     TEXT,
        decay_date      TEXT,
        period_min      REAL,
        inclination_deg REAL,
        apogee_km       REAL,
        perigee_km      REAL,
        rcs_m2          REAL,
        rcs_size        TEXT,
        comment         TEXT,
        vocabulary      TEXT NOT NULL,
        source_id       INTEGER NOT NULL REFERENCES sources (source_id),
        line            INTEGER
    )""",
    "CREATE INDEX satcat_cospar ON satcat (cospar_id)",
    """CREATE TABLE ucs (
        id                   INTEGER PRIMARY KEY,
        norad_id             INTEGER NOT NULL,
        cospar_id            TEXT,
        name                 TEXT,
        official_name        TEXT,
        un_registry          TEXT,
        operator_country     TEXT,
        operator             TEXT,
        users                TEXT,
        purpose              TEXT,
        detailed_purpose     TEXT,
        class_of_orbit       TEXT,
        type_of_orbit        TEXT,
        geo_longitude_deg    REAL,
        perigee_km           REAL,
        apogee_km            REAL,
        eccentricity         REAL,
        inclination_deg      REAL,
        period_min           REAL,
        launch_mass_kg       REAL,
        launch_date          TEXT,
        expected_lifetime_yr REAL,
        contractor           TEXT,
        contractor_country   TEXT,
        launch_site          TEXT,
        launch_vehicle       TEXT,
        dropped              TEXT,
        record_sha256        TEXT NOT NULL,
        occurrence           INTEGER NOT NULL,
        source_id            INTEGER NOT NULL REFERENCES sources (source_id),
        line                 INTEGER
    )""",
    "CREATE UNIQUE INDEX ucs_identity ON ucs (record_sha256, occurrence)",
    "CREATE INDEX ucs_norad ON ucs (norad_id)",
)

# Version 5: the watch's events, cycles and alert deliveries (orbitwatch.store.events).
# Times are int64 unix microseconds; JSON columns hold strict JSON (no NaN).
_V5 = (
    """CREATE TABLE events (
        id           TEXT PRIMARY KEY,
        type         TEXT NOT NULL,
        dedupe_key   TEXT NOT NULL,
        severity     TEXT NOT NULL,
        created_us   INTEGER NOT NULL,
        updated_us   INTEGER NOT NULL,
        time_us      INTEGER NOT NULL,
        span_lo_us   INTEGER NOT NULL,
        span_hi_us   INTEGER NOT NULL,
        revision     INTEGER NOT NULL,
        objects_json TEXT NOT NULL,
        summary      TEXT NOT NULL,
        details_json TEXT NOT NULL,
        evidence_json TEXT NOT NULL
    )""",
    "CREATE INDEX events_dedupe ON events (type, dedupe_key, span_lo_us)",
    "CREATE INDEX events_time ON events (time_us)",
    "CREATE INDEX events_updated ON events (updated_us)",
    """CREATE TABLE event_objects (
        event_id TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
        norad_id INTEGER NOT NULL,
        PRIMARY KEY (event_id, norad_id)
    ) WITHOUT ROWID""",
    "CREATE INDEX event_objects_norad ON event_objects (norad_id)",
    """CREATE TABLE watch_cycles (
        seq            INTEGER PRIMARY KEY,
        batch_key      TEXT NOT NULL UNIQUE,
        t_us           INTEGER NOT NULL,
        prev_watermark INTEGER NOT NULL,
        watermark      INTEGER NOT NULL,
        finished_us    INTEGER NOT NULL,
        stats_json     TEXT NOT NULL
    )""",
    """CREATE TABLE deliveries (
        id              TEXT PRIMARY KEY,
        event_id        TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
        revision        INTEGER NOT NULL,
        sink            TEXT NOT NULL,
        status          TEXT NOT NULL,
        attempts        INTEGER NOT NULL DEFAULT 0,
        created_us      INTEGER NOT NULL,
        next_attempt_us INTEGER NOT NULL,
        last_attempt_us INTEGER,
        outcome         TEXT
    )""",
    "CREATE UNIQUE INDEX deliveries_identity ON deliveries (event_id, revision, sink)",
    "CREATE INDEX deliveries_due ON deliveries (status, next_attempt_us)",
)

# Version 6: the HTTP service's keys, watch-lists, subscriptions and screening jobs
# (orbitwatch.store.service).  Times are int64 unix microseconds.
_V6 = (
    """CREATE TABLE api_keys (
        id          TEXT PRIMARY KEY,
        name        TEXT NOT NULL,
        scope       TEXT NOT NULL,
        key_sha256  TEXT NOT NULL UNIQUE,
        created_us  INTEGER NOT NULL,
        revoked_us  INTEGER
    )""",
    """CREATE TABLE watchlists (
        id          TEXT PRIMARY KEY,
        name        TEXT NOT NULL,
        norad_json  TEXT NOT NULL,
        created_us  INTEGER NOT NULL,
        key_id      TEXT
    )""",
    """CREATE TABLE subscriptions (
        id          TEXT PRIMARY KEY,
        kind        TEXT NOT NULL,
        target      TEXT NOT NULL,
        filter_json TEXT NOT NULL,
        secret      TEXT,
        created_us  INTEGER NOT NULL,
        deleted_us  INTEGER,
        key_id      TEXT
    )""",
    """CREATE TABLE screening_jobs (
        id           TEXT PRIMARY KEY,
        status       TEXT NOT NULL,
        created_us   INTEGER NOT NULL,
        updated_us   INTEGER NOT NULL,
        request_json TEXT NOT NULL,
        result_json  TEXT,
        error_json   TEXT,
        key_id       TEXT
    )""",
)

#: ``MIGRATIONS[k]``: the SQL statements that take version ``k`` to ``k + 1``.
MIGRATIONS: Sequence[Sequence[str]] = (_V1, _V2, _V3, _V4, _V5, _V6)

SCHEMA_VERSION = len(MIGRATIONS)


def schema_version(conn: sqlite3.Connection) -> int:
    """The store's schema version; 0 for an empty database.

    Raises :class:`StoreError` (``STORE_NOT_ORBITWATCH``) for a database that has
    tables but no orbitwatch ``meta`` table.
    """
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "meta" not in tables:
        if tables:
            raise StoreError(
                "the database is not an orbitwatch store (no meta table)", code="STORE_NOT_ORBITWATCH"
            )
        return 0
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    if row is None:
        raise StoreError("the store has no schema_version", code="STORE_NOT_ORBITWATCH")
    try:
        return int(row[0])
    except ValueError:
        raise StoreError(f"bad schema_version {row[0]!r}", code="STORE_NOT_ORBITWATCH") from None


def _refuse_newer(version: int, source: str | None) -> None:
    if version > SCHEMA_VERSION:
        raise SchemaVersionError(
            f"the store has schema version {version}, newer than this orbitwatch "
            f"understands ({SCHEMA_VERSION}); upgrade orbitwatch",
            source=source,
        )


def migrate(conn: sqlite3.Connection, *, source: str | None = None) -> int:
    """Bring the store to :data:`SCHEMA_VERSION`; returns the version it had before.

    ``conn`` must be in autocommit mode (``isolation_level=None``).  The version is
    first read without any lock beyond a WAL read snapshot, so opening a current store
    never waits for (or blocks) a writer: readers work during a long ingest.  Only
    when steps are missing does it take the write lock (``BEGIN IMMEDIATE``, waiting
    up to the connection's busy timeout), read the version again (another process may
    have migrated meanwhile) and run all missing steps in that one transaction (SQLite
    DDL is transactional), so a failed step leaves the store at the version it had.
    """
    version = schema_version(conn)
    _refuse_newer(version, source)
    if version == SCHEMA_VERSION:
        return version
    conn.execute("BEGIN IMMEDIATE")
    try:
        start = version = schema_version(conn)
        _refuse_newer(version, source)
        while version < SCHEMA_VERSION:
            for sql in MIGRATIONS[version]:
                conn.execute(sql)
            version += 1
            conn.execute(
                "INSERT INTO meta (key, value) VALUES ('schema_version', ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (str(version),),
            )
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return start

"""The element-history store: every element set ever ingested, on SQLite.

The only package of orbitwatch that touches a database (the array core never does;
an import-linter contract pins it).  See :mod:`orbitwatch.store.sqlite` for the
transaction, locking (readers never wait; a writer waits up to ``ORBITWATCH_STORE_TIMEOUT_S``)
and corruption-check model, and :mod:`orbitwatch.store.schema` for the schema and its
migrations.
"""

from orbitwatch.store.schema import SCHEMA_VERSION
from orbitwatch.store.sqlite import (
    BATCH_SIZE,
    DEFAULT_TIMEOUT_S,
    TIMEOUT_ENV,
    IngestReport,
    IntegrityReport,
    ObjectInfo,
    Store,
    check_store,
    default_db_path,
)

__all__ = [
    "BATCH_SIZE",
    "DEFAULT_TIMEOUT_S",
    "SCHEMA_VERSION",
    "TIMEOUT_ENV",
    "IngestReport",
    "IntegrityReport",
    "ObjectInfo",
    "Store",
    "check_store",
    "default_db_path",
]

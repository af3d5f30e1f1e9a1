"""The element-history store: every element set ever ingested, on SQLite.

The only package of orbitwatch that touches a database (the array core never does;
an import-linter contract pins it).  See :mod:`orbitwatch.store.sqlite` for the
transaction and durability model and :mod:`orbitwatch.store.schema` for the schema
and its migrations.
"""

from orbitwatch.store.schema import SCHEMA_VERSION
from orbitwatch.store.sqlite import BATCH_SIZE, IngestReport, ObjectInfo, Store, default_db_path

__all__ = ["BATCH_SIZE", "SCHEMA_VERSION", "IngestReport", "ObjectInfo", "Store", "default_db_path"]

"""The few read-only queries the service needs that the store has no function for yet
(object listing by owner/type after a cursor, the latest screening run's id, counts for
``/metrics``).  Plain SQL on the store's tables (schema in :mod:`orbitwatch.store.schema`),
reads only: every write goes through the store's own functions.
"""

from __future__ import annotations

from typing import Any

from orbitwatch.api import Store
from orbitwatch.store.sqlite import _db_errors

__all__ = ["count_by", "latest_run_id", "object_ids"]


def object_ids(store: Store, *, after: int, limit: int, owner: str | None = None,
               object_type: str | None = None) -> list[int]:
    """NORAD ids of the store's objects above ``after``, ascending, at most ``limit``; the
    owner and type are the SATCAT's where the store has one, else the element sets'."""
    sql = ("SELECT o.norad_id FROM objects o LEFT JOIN satcat s ON s.norad_id = o.norad_id "
           "WHERE o.norad_id > ?")
    args: list[Any] = [int(after)]
    if owner is not None:
        sql += " AND UPPER(COALESCE(s.owner, o.owner)) = ?"
        args.append(owner.upper())
    if object_type is not None:
        sql += " AND UPPER(COALESCE(s.object_type, o.object_type)) = ?"
        args.append(object_type.upper())
    sql += " ORDER BY o.norad_id LIMIT ?"
    args.append(int(limit))
    with _db_errors(store.path):
        return [int(r[0]) for r in store._conn.execute(sql, args)]


def latest_run_id(store: Store) -> int | None:
    with _db_errors(store.path):
        row = store._conn.execute("SELECT MAX(id) FROM screening_runs").fetchone()
    return None if row is None or row[0] is None else int(row[0])


def count_by(store: Store, table: str, column: str) -> dict[str, int]:
    """Row counts of ``table`` by ``column`` (``events``/``type``, ``deliveries``/``status``)."""
    if (table, column) not in {("events", "type"), ("deliveries", "status"), ("screening_jobs", "status")}:
        raise ValueError(f"{table}.{column}")
    with _db_errors(store.path):
        return {str(k): int(n) for k, n in store._conn.execute(
            f"SELECT {column}, COUNT(*) FROM {table} GROUP BY {column}")}


def last_cycle_us(store: Store) -> int | None:
    with _db_errors(store.path):
        row = store._conn.execute("SELECT MAX(finished_us) FROM watch_cycles").fetchone()
    return None if row is None or row[0] is None else int(row[0])


def events_updated_us(store: Store) -> int | None:
    with _db_errors(store.path):
        row = store._conn.execute("SELECT MAX(updated_us) FROM events").fetchone()
    return None if row is None or row[0] is None else int(row[0])

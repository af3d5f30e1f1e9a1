"""Screening runs in the store: a run's parameters and its conjunctions, for later comparison.

Two tables of the store's schema (version 3, :mod:`orbitwatch.store.schema`):

``screening_runs``          one row per run: when, window, threshold, parameters (JSON),
                            counts of objects / conjunctions / failures
``screening_conjunctions``  one row per conjunction, the record of
                            :class:`orbitwatch.screening.Conjunction` (times as integer
                            microseconds, like the rest of the store)

Each save is one transaction on the store's own connection.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

import numpy as np

from orbitwatch.screening import Conjunction, ScreeningResult
from orbitwatch.store.sqlite import Store, _db_errors
from orbitwatch.times import as_utc, format_utc, utc_from_unix_us

__all__ = ["list_runs", "load_conjunctions", "save_run"]

def _conn(store: Store) -> sqlite3.Connection:
    conn: sqlite3.Connection = store._conn  # the store's own connection (same transactions, same file)
    return conn


def save_run(store: Store, result: ScreeningResult, params: dict[str, Any], *, now: np.datetime64) -> int:
    """Store ``result`` with its ``params`` (JSON-able) as one run; returns the run id."""
    conn = _conn(store)
    with _db_errors(store.path):
        conn.execute("BEGIN IMMEDIATE")
        try:
            cur = conn.execute(
                "INSERT INTO screening_runs (created_us, start_us, end_us, threshold_km, params_json, objects,"
                " conjunctions, failures) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    int(as_utc(now).astype(np.int64)), int(result.start.astype(np.int64)),
                    int(result.end.astype(np.int64)), result.threshold_km,
                    json.dumps(params, sort_keys=True, default=str), int(result.stats.get("objects", 0)),
                    len(result.conjunctions), len(result.failures),
                ),
            )
            run_id = int(cur.lastrowid or 0)
            conn.executemany(
                "INSERT INTO screening_conjunctions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (run_id, c.norad_1, c.name_1, c.norad_2, c.name_2, int(c.tca.astype(np.int64)),
                     c.miss_distance_km, c.relative_speed_km_s, c.radial_km, c.in_track_km, c.cross_track_km,
                     c.approach_angle_deg, c.epoch_age_1_d, c.epoch_age_2_d)
                    for c in result.conjunctions
                ],
            )
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    return run_id


def list_runs(store: Store) -> list[dict[str, Any]]:
    """All stored runs, oldest first (JSON-ready dicts)."""
    conn = _conn(store)
    with _db_errors(store.path):
        rows = conn.execute(
            "SELECT id, created_us, start_us, end_us, threshold_km, params_json, objects, conjunctions, failures"
            " FROM screening_runs ORDER BY id"
        ).fetchall()
    return [
        {
            "id": r[0],
            "created_utc": format_utc(utc_from_unix_us(r[1])),
            "start_utc": format_utc(utc_from_unix_us(r[2])),
            "end_utc": format_utc(utc_from_unix_us(r[3])),
            "threshold_km": r[4],
            "params": json.loads(r[5]),
            "objects": r[6], "conjunctions": r[7], "failures": r[8],
        }
        for r in rows
    ]


def load_conjunctions(store: Store, run_id: int) -> list[Conjunction]:
    """The conjunctions of run ``run_id``, by TCA."""
    conn = _conn(store)
    with _db_errors(store.path):
        rows = conn.execute(
            "SELECT norad_1, name_1, norad_2, name_2, tca_us, miss_distance_km, relative_speed_km_s, radial_km,"
            " in_track_km, cross_track_km, approach_angle_deg, epoch_age_1_d, epoch_age_2_d"
            " FROM screening_conjunctions WHERE run_id = ? ORDER BY tca_us, norad_1, norad_2",
            (run_id,),
        ).fetchall()
    return [
        Conjunction(norad_1=r[0], name_1=r[1], norad_2=r[2], name_2=r[3], tca=utc_from_unix_us(r[4]),
                    miss_distance_km=r[5], relative_speed_km_s=r[6], radial_km=r[7], in_track_km=r[8],
                    cross_track_km=r[9], approach_angle_deg=r[10], epoch_age_1_d=r[11], epoch_age_2_d=r[12])
        for r in rows
    ]

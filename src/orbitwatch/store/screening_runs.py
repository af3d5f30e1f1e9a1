"""Screening runs in the store: a run's parameters and its conjunctions, for later comparison.

Two tables of the store's schema (version 3, :mod:`orbitwatch.store.schema`):

``screening_runs``          one row per run: when, window, threshold, parameters (JSON),
                            counts of objects / conjunctions / failures
``screening_conjunctions``  one row per conjunction, the record of
                            :class:`orbitwatch.screening.Conjunction` (times as integer
                            microseconds, like the rest of the store)

Each save is one transaction on the store's own connection.  A run screened with ``--pc``
keeps its collision probabilities in the run's parameters (``params["pc"]``: rows
``[norad_1, norad_2, tca_us, pc]``), so that :func:`diff_runs` can say what got riskier.

:func:`diff_runs` answers the operator's morning question, "what changed since the
previous run": conjunctions of the two runs are matched by object pair and TCA (within
:data:`MATCH_TCA_S`, far less than the half orbit between two encounters of one pair),
and each is ``new`` (only in the later run), ``gone`` (only in the earlier run, with its
TCA inside the later run's window), ``past`` (only in the earlier run, TCA outside the
later window), ``closer`` (miss distance down by at least :data:`CLOSER_KM`),
``riskier`` (Pc up by at least a factor :data:`RISKIER_FACTOR` and above 1e-10), or
``unchanged``.
"""

from __future__ import annotations

import json
import math
import sqlite3
from dataclasses import dataclass
from typing import Any

import numpy as np

from orbitwatch.errors import InputError
from orbitwatch.screening import Conjunction, ScreeningResult
from orbitwatch.store.sqlite import Store, _db_errors
from orbitwatch.times import as_utc, format_utc, utc_from_unix_us

__all__ = ["CLOSER_KM", "MATCH_TCA_S", "RISKIER_FACTOR", "RunDiff", "diff_runs", "get_run", "list_runs",
           "load_conjunctions", "pc_of_run", "previous_run_id", "save_run"]

#: two records of one pair are the same encounter when their TCAs are this close (s)
MATCH_TCA_S = 600.0
#: a matched encounter is "closer" when its miss distance fell by at least this (km)
CLOSER_KM = 0.010
#: ... and "riskier" when its Pc grew by at least this factor (and is above PC_FLOOR)
RISKIER_FACTOR = 2.0
PC_FLOOR = 1e-10

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


def get_run(store: Store, run_id: int) -> dict[str, Any]:
    """One run's summary (as in :func:`list_runs`); ``INPUT_UNKNOWN_RUN`` when absent."""
    for run in list_runs(store):
        if run["id"] == run_id:
            return run
    raise InputError(f"no screening run {run_id} in {store.path}", code="INPUT_UNKNOWN_RUN", field="run_id")


def previous_run_id(store: Store, run_id: int) -> int:
    """The id of the run saved just before ``run_id``; ``INPUT_UNKNOWN_RUN`` when none."""
    ids = [r["id"] for r in list_runs(store)]
    if run_id not in ids:
        raise InputError(f"no screening run {run_id} in {store.path}", code="INPUT_UNKNOWN_RUN", field="run_id")
    k = ids.index(run_id)
    if k == 0:
        raise InputError(f"screening run {run_id} is the first in {store.path}: nothing to compare with",
                         code="INPUT_UNKNOWN_RUN", field="run_id")
    return int(ids[k - 1])


def _key(norad_1: int, norad_2: int) -> tuple[int, int]:
    return (min(norad_1, norad_2), max(norad_1, norad_2))


def pc_of_run(run: dict[str, Any]) -> dict[tuple[int, int, int], float]:
    """``(norad_1, norad_2, tca_us) -> Pc`` from a run's parameters (empty without ``--pc``)."""
    out: dict[tuple[int, int, int], float] = {}
    for n1, n2, tca_us, pc in run["params"].get("pc", []) or []:
        out[(int(n1), int(n2), int(tca_us))] = float("nan") if pc is None else float(pc)
    return out


@dataclass(frozen=True)
class RunDiff:
    """Matched conjunctions of two runs by change class (see the module docstring).

    Each entry of ``items`` is a JSON-ready dict: ``change``, the pair, the record of
    the later run (``after``, or ``None`` for gone/past) and of the earlier (``before``).
    """

    before_id: int
    after_id: int
    items: list[dict[str, Any]]

    @property
    def counts(self) -> dict[str, int]:
        names = ("new", "gone", "past", "closer", "riskier", "unchanged")
        return {k: sum(1 for i in self.items if i["change"] == k) for k in names}

    def to_dict(self) -> dict[str, Any]:
        return {"before_run": self.before_id, "after_run": self.after_id, "counts": self.counts,
                "changes": self.items}


def _record(c: Conjunction, pc: dict[tuple[int, int, int], float]) -> dict[str, Any]:
    d = c.to_dict()
    value = pc.get((c.norad_1, c.norad_2, int(c.tca.astype(np.int64))))
    d["pc"] = None if value is None or not math.isfinite(value) else value
    return d


def diff_runs(store: Store, before_id: int, after_id: int) -> RunDiff:
    """What changed from run ``before_id`` to run ``after_id`` (new, gone, closer, riskier ...)."""
    before, after = get_run(store, before_id), get_run(store, after_id)
    pc_b, pc_a = pc_of_run(before), pc_of_run(after)
    a_start = as_utc(np.datetime64(after["start_utc"].rstrip("Z")))
    a_end = as_utc(np.datetime64(after["end_utc"].rstrip("Z")))
    old: dict[tuple[int, int], list[Conjunction]] = {}
    for c in load_conjunctions(store, before_id):
        old.setdefault(_key(c.norad_1, c.norad_2), []).append(c)
    used: set[int] = set()
    items: list[dict[str, Any]] = []
    for c in load_conjunctions(store, after_id):
        best: Conjunction | None = None
        best_dt = MATCH_TCA_S
        for o in old.get(_key(c.norad_1, c.norad_2), []):
            dt = abs(float((c.tca - o.tca).astype(np.int64)) / 1e6)
            if id(o) not in used and dt <= best_dt:
                best, best_dt = o, dt
        rec = _record(c, pc_a)
        if best is None:
            items.append({"change": "new", "norad_1": c.norad_1, "norad_2": c.norad_2, "after": rec,
                          "before": None})
            continue
        used.add(id(best))
        prev = _record(best, pc_b)
        change = "unchanged"
        p0, p1 = prev["pc"], rec["pc"]
        if p0 is not None and p1 is not None and p1 > PC_FLOOR and p1 >= RISKIER_FACTOR * max(p0, PC_FLOOR):
            change = "riskier"
        elif c.miss_distance_km <= best.miss_distance_km - CLOSER_KM:
            change = "closer"
        items.append({"change": change, "norad_1": c.norad_1, "norad_2": c.norad_2, "after": rec, "before": prev})
    for group in old.values():
        for o in group:
            if id(o) in used:
                continue
            inside = a_start <= o.tca <= a_end
            items.append({"change": "gone" if inside else "past", "norad_1": o.norad_1, "norad_2": o.norad_2,
                          "after": None, "before": _record(o, pc_b)})
    return RunDiff(before_id, after_id, items)

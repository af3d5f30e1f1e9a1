"""The watch's events, cycles and alert deliveries in the store (schema version 5).

An **event** is what the watch tells its users: ``{id, type, severity, created_utc,
updated_utc, time_utc, objects: [{norad, name, owner}], summary, details, evidence}`` with
``type`` one of :data:`EVENT_TYPES`.  A monitor's result for one cycle is a
:class:`Finding`; :func:`upsert_events` turns the findings of a cycle into events, in one
transaction together with the cycle's own record, so a cycle is applied wholly or not at
all (a SIGKILL part-way leaves the store as before the cycle).

**De-duplication** (one rule, :func:`upsert_events`).  A finding is the same event as a
stored one when both have the same ``type`` and ``dedupe_key`` and their time spans meet
within the type's tolerance (:data:`MATCH_TOLERANCE_S`):

* ``conjunction``: key = the object pair, span = the TCA; the same pair whose TCA moved by
  less than 20 minutes since the previous cycle updates its event (Starlink's Space Safety
  API groups CDMs the same way), and each cycle's miss distance and Pc are appended to
  ``details.history``;
* ``maneuver``: key = the object, span = the bracket of element-set epochs; brackets that
  overlap (or estimates less than 6 h apart) are one manoeuvre;
* ``rpo``: key = pair and episode kind, span = the episode; an ongoing episode (spans
  overlapping or less than 12 h apart) extends its event;
* ``fragmentation`` (key = the launch), ``decay`` and ``new_object`` (key = the object):
  one event per key, ever.

A matched event is rewritten only when something changed (then ``updated_utc`` and its
``revision`` move); re-running a cycle therefore changes nothing, and history entries are
keyed by the cycle, never appended twice.  Ids are stable: a hash of the type, the key and
the span at creation, so an interrupted and restarted watch gives the same ids.

**Deliveries** (the alert queue): when an event is created, or its severity rises, one
delivery is queued in the same transaction for each configured sink and for each sink
that the caller's ``route`` gives for that event revision (the watch's router,
:mod:`orbitwatch.watch.subscriptions`, names the live subscriptions whose filter matches),
with a stable id, a hash of event, revision and sink (the ``webhook-id`` of every
attempt); :func:`due_deliveries` and :func:`record_attempt` drive sending and retries
(back-off :data:`RETRY_SCHEDULE_S`; an attempt marked ``final`` fails for good at once).

Object names and owners come from the store's metadata (:func:`orbitwatch.store.metadata.lookup`).
Times are int64 unix microseconds in the tables and ISO 8601 UTC in the records; JSON
columns are strict JSON (NaN and infinities are written as null).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from orbitwatch.catalog.model import ElementTable
from orbitwatch.errors import InputError
from orbitwatch.store import metadata
from orbitwatch.store.sqlite import _LATEST_COLUMNS, Store, _db_errors, _table
from orbitwatch.times import UTC_DTYPE, as_utc, format_utc

__all__ = [
    "EVENT_TYPES",
    "MATCH_TOLERANCE_S",
    "RETRY_SCHEDULE_S",
    "SEVERITIES",
    "CycleRecord",
    "Delivery",
    "Event",
    "EventObject",
    "Finding",
    "Router",
    "UpsertReport",
    "due_deliveries",
    "element_watermark",
    "find_cycle",
    "find_events",
    "get_event",
    "get_events",
    "last_cycle",
    "list_cycles",
    "list_deliveries",
    "list_events",
    "new_set_objects",
    "record_attempt",
    "record_attempts",
    "snapshot",
    "strict_json_value",
    "upsert_events",
]

EVENT_TYPES = ("conjunction", "maneuver", "rpo", "fragmentation", "decay", "new_object")
#: In increasing order; an event's severity rising queues a new alert.
SEVERITIES = ("info", "low", "medium", "high")

#: How far apart (s) a finding's span and a stored event's span may be and still be the
#: same event; ``None``: any time (one event per key).
MATCH_TOLERANCE_S: Mapping[str, float | None] = {
    "conjunction": 20 * 60.0,
    "maneuver": 6 * 3600.0,
    "rpo": 12 * 3600.0,
    "fragmentation": None,
    "decay": None,
    "new_object": None,
}
#: An updated event's span: the new one (``replace``) or the union with the old (``union``).
_SPAN_MODE = {"rpo": "union"}

#: Seconds from a failed attempt to the next (then ``failed`` for good).
RETRY_SCHEDULE_S = (60.0, 300.0, 1800.0, 7200.0, 28800.0)

_I64_MAX = 2**63 - 1


def _us(t: Any) -> int:
    return int(as_utc(t).astype(np.int64))


def _iso(us: int) -> str:
    return str(format_utc(np.datetime64(int(us), "us"), digits=3))


def strict_json_value(value: Any) -> Any:
    """``value`` made JSON-able and strict: numpy scalars/arrays to Python, NaN/inf to None,
    ``datetime64`` to ISO UTC, tuples to lists, mapping keys to strings."""
    if isinstance(value, dict):
        return {str(k): strict_json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [strict_json_value(v) for v in value]
    if isinstance(value, np.ndarray):
        return [strict_json_value(v) for v in value.tolist()]
    if isinstance(value, np.datetime64):
        return None if np.isnat(value) else str(format_utc(value.astype(UTC_DTYPE), digits=3))
    if isinstance(value, np.bool_ | bool):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        x = float(value)
        return x if math.isfinite(x) else None
    if value is None or isinstance(value, str | int):
        return value
    return str(value)


def _dumps(value: Any) -> str:
    return json.dumps(strict_json_value(value), sort_keys=True, allow_nan=False, separators=(",", ":"))


@dataclass(frozen=True)
class EventObject:
    """One object of an event: its name and the fields of :func:`orbitwatch.store.metadata.object_fields`
    (SATCAT owner; UCS operator, users, purpose; ``ucs_conflict``), ``None`` where unknown."""

    norad: int
    name: str | None
    owner: str | None
    operator: str | None = None
    users: str | None = None
    purpose: str | None = None
    ucs_conflict: bool | None = None

    @classmethod
    def from_dict(cls, o: dict[str, Any]) -> EventObject:
        """From a stored ``objects_json`` item (events written before the UCS fields have only the owner)."""
        return cls(int(o["norad"]), o.get("name"), o.get("owner"), **{k: o.get(k) for k in metadata.OBJECT_FIELDS
                                                                       if k != "owner"})

    def to_dict(self) -> dict[str, Any]:
        return {"norad": self.norad, "name": self.name, "owner": self.owner, "operator": self.operator,
                "users": self.users, "purpose": self.purpose, "ucs_conflict": self.ucs_conflict}


@dataclass(frozen=True)
class Finding:
    """What a monitor found in one cycle, before de-duplication.

    ``time``: the event's time (TCA, manoeuvre epoch, episode start, first piece seen,
    last element set); ``span_lo``/``span_hi`` (default ``time``) what the de-duplication
    compares; ``norads``: the objects, primary first; ``names``: fallback names where the
    store has none; ``history_point``: appended (per cycle) to ``details.history``.
    """

    type: str
    dedupe_key: str
    time: np.datetime64
    norads: tuple[int, ...]
    severity: str
    summary: str
    details: dict[str, Any]
    evidence: dict[str, Any]
    span_lo: np.datetime64 | None = None
    span_hi: np.datetime64 | None = None
    names: tuple[str | None, ...] = ()
    history_point: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        if self.type not in EVENT_TYPES:
            raise InputError(f"event type {self.type!r} is not one of {', '.join(EVENT_TYPES)}",
                             code="INPUT_INVALID", field="type")
        if self.severity not in SEVERITIES:
            raise InputError(f"severity {self.severity!r} is not one of {', '.join(SEVERITIES)}",
                             code="INPUT_INVALID", field="severity")
        if not self.norads:
            raise InputError("an event needs at least one object", code="INPUT_INVALID", field="objects")

    def span_us(self) -> tuple[int, int]:
        lo = _us(self.span_lo if self.span_lo is not None else self.time)
        hi = _us(self.span_hi if self.span_hi is not None else self.time)
        return (lo, hi) if lo <= hi else (hi, lo)


@dataclass(frozen=True)
class Event:
    """One stored event (the record of the issue-14 event model)."""

    id: str
    type: str
    severity: str
    created_utc: str
    updated_utc: str
    time_utc: str
    objects: tuple[EventObject, ...]
    summary: str
    details: dict[str, Any]
    evidence: dict[str, Any]
    revision: int
    dedupe_key: str

    def to_dict(self) -> dict[str, Any]:
        """The event as strict-JSON-ready data (the model's fields, plus ``revision``)."""
        return {
            "id": self.id,
            "type": self.type,
            "severity": self.severity,
            "created_utc": self.created_utc,
            "updated_utc": self.updated_utc,
            "time_utc": self.time_utc,
            "objects": [o.to_dict() for o in self.objects],
            "summary": self.summary,
            "details": self.details,
            "evidence": self.evidence,
            "revision": self.revision,
        }


@dataclass(frozen=True)
class CycleRecord:
    """One completed watch cycle: its batch, the time it stands for, the element-set
    watermarks (``element_sets.id``) before and after its batch, and its counts."""

    batch_key: str
    t: np.datetime64
    prev_watermark: int
    watermark: int
    finished: np.datetime64
    stats: dict[str, Any] = field(default_factory=dict)
    seq: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "batch_key": self.batch_key,
            "t_utc": str(format_utc(self.t, digits=3)),
            "prev_watermark": self.prev_watermark,
            "watermark": self.watermark,
            "finished_utc": str(format_utc(self.finished, digits=3)),
            "stats": self.stats,
        }


@dataclass(frozen=True)
class UpsertReport:
    """What :func:`upsert_events` did: ids created, updated, unchanged; deliveries queued."""

    created: list[str]
    updated: list[str]
    unchanged: list[str]
    queued: int

    def to_dict(self) -> dict[str, Any]:
        return {"created": len(self.created), "updated": len(self.updated), "unchanged": len(self.unchanged),
                "deliveries_queued": self.queued}


@dataclass(frozen=True)
class Delivery:
    """One alert of one event revision to one sink; ``id`` is the same on every attempt."""

    id: str
    event_id: str
    revision: int
    sink: str
    status: str
    attempts: int
    created_utc: str
    next_attempt_utc: str
    last_attempt_utc: str | None
    outcome: str | None

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


#: Per-event sinks: called (inside the upsert's transaction) with the event revision being
#: alerted, returns the sinks it goes to besides the configured ones.
Router = Callable[["Event"], Sequence[str]]


def _event_id(kind: str, key: str, lo_us: int) -> str:
    digest = hashlib.sha256(f"{kind}|{key}|{lo_us}".encode()).hexdigest()[:20]
    return f"{kind}-{digest}"


def _delivery_id(event_id: str, revision: int, sink: str) -> str:
    return "msg_" + hashlib.sha256(f"{event_id}|{revision}|{sink}".encode()).hexdigest()[:24]


_EVENT_COLUMNS = ("id, type, dedupe_key, severity, created_us, updated_us, time_us, span_lo_us, span_hi_us, "
                  "revision, objects_json, summary, details_json, evidence_json")


def _event(row: Sequence[Any]) -> Event:
    objects = tuple(EventObject.from_dict(o) for o in json.loads(row[10]))
    return Event(
        id=row[0], type=row[1], dedupe_key=row[2], severity=row[3], created_utc=_iso(row[4]),
        updated_utc=_iso(row[5]), time_utc=_iso(row[6]), revision=int(row[9]), objects=objects,
        summary=row[11], details=json.loads(row[12]), evidence=json.loads(row[13]),
    )


def _objects(conn: Any, finding: Finding) -> list[dict[str, Any]]:
    meta = metadata.lookup(conn, finding.norads)
    out = []
    for k, n in enumerate(finding.norads):
        m = meta.get(int(n))
        fallback = finding.names[k] if k < len(finding.names) else None
        out.append({"norad": int(n), "name": (m.name if m is not None and m.name else fallback),
                    **metadata.object_fields(m)})
    return out


def _with_history(details: dict[str, Any], old_history: list[Any], point: dict[str, Any] | None,
                  cycle_key: str) -> dict[str, Any]:
    if point is None:
        return details
    history = [h for h in old_history if h.get("cycle") != cycle_key]
    history.append({"cycle": cycle_key, **point})
    return {**details, "history": history}


def upsert_events(
    store: Store,
    findings: Iterable[Finding],
    *,
    cycle_key: str,
    now: Any,
    sinks: Sequence[str] = (),
    route: Router | None = None,
    cycle: CycleRecord | None = None,
) -> UpsertReport:
    """Create or update the events of ``findings`` (the de-duplication rule of the module
    docstring) and record ``cycle``, in ONE transaction.

    ``cycle_key`` names the cycle in ``details.history``; ``now`` is the time written into
    ``created_utc`` / ``updated_utc`` (a replay passes the replayed time, so a replay is
    reproducible to the byte).  ``sinks``: one delivery is queued per sink for each event
    created or whose severity rose; ``route`` (called with that event revision, in the
    transaction) adds per-event sinks, e.g. the matching subscriptions.  Raises :class:`~orbitwatch.errors.StoreError`
    (``STORE_LOCKED`` when another writer outlasts the store's timeout).
    """
    now_us = _us(now)
    conn = store._conn
    created: list[str] = []
    updated: list[str] = []
    unchanged: list[str] = []
    touched: set[str] = set()
    queued = 0
    items = list(findings)
    with _db_errors(store.path), store._transaction():
        for f in items:
            lo, hi = f.span_us()
            tol = MATCH_TOLERANCE_S[f.type]
            time_us = _us(f.time)
            if tol is None:
                rows = conn.execute(f"SELECT {_EVENT_COLUMNS} FROM events WHERE type = ? AND dedupe_key = ? "
                                    "ORDER BY created_us, id", (f.type, f.dedupe_key)).fetchall()
            else:
                tol_us = int(tol * 1e6)
                rows = conn.execute(
                    f"SELECT {_EVENT_COLUMNS} FROM events WHERE type = ? AND dedupe_key = ? "
                    "AND span_lo_us < ? AND span_hi_us > ? ORDER BY abs(time_us - ?), id",
                    (f.type, f.dedupe_key, hi + tol_us, lo - tol_us, time_us),
                ).fetchall()
            rows = [r for r in rows if r[0] not in touched]
            objects = _objects(conn, f)
            if not rows:
                event_id = _event_id(f.type, f.dedupe_key, lo)
                details = _with_history(dict(f.details), [], f.history_point, cycle_key)
                conn.execute(
                    f"INSERT INTO events ({_EVENT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (event_id, f.type, f.dedupe_key, f.severity, now_us, now_us, time_us, lo, hi, 1,
                     _dumps(objects), f.summary, _dumps(details), _dumps(f.evidence)),
                )
                conn.executemany("INSERT OR IGNORE INTO event_objects (event_id, norad_id) VALUES (?, ?)",
                                 [(event_id, int(n)) for n in f.norads])
                created.append(event_id)
                touched.add(event_id)
                routed = None if route is None else route(
                    _as_event(event_id, f, objects, details, revision=1, created_us=now_us, updated_us=now_us,
                              time_us=time_us))
                queued += _queue(conn, event_id, 1, _sinks(sinks, routed), now_us)
                continue
            old = rows[0]
            event_id = old[0]
            touched.add(event_id)
            if _SPAN_MODE.get(f.type) == "union":
                lo, hi = min(lo, int(old[7])), max(hi, int(old[8]))
                time_us = min(time_us, int(old[6]))
            old_details = json.loads(old[12])
            details = _with_history(dict(f.details), list(old_details.get("history", [])), f.history_point,
                                    cycle_key)
            new = (f.severity, time_us, lo, hi, _dumps(objects), f.summary, _dumps(details), _dumps(f.evidence))
            before = (old[3], int(old[6]), int(old[7]), int(old[8]), old[10], old[11], old[12], old[13])
            if new == before:
                unchanged.append(event_id)
                continue
            revision = int(old[9]) + 1
            conn.execute(
                "UPDATE events SET severity = ?, time_us = ?, span_lo_us = ?, span_hi_us = ?, objects_json = ?, "
                "summary = ?, details_json = ?, evidence_json = ?, updated_us = ?, revision = ? WHERE id = ?",
                (*new, now_us, revision, event_id),
            )
            conn.executemany("INSERT OR IGNORE INTO event_objects (event_id, norad_id) VALUES (?, ?)",
                             [(event_id, int(n)) for n in f.norads])
            updated.append(event_id)
            if SEVERITIES.index(f.severity) > SEVERITIES.index(old[3]):
                routed = None if route is None else route(
                    _as_event(event_id, f, objects, details, revision=revision, created_us=int(old[4]),
                              updated_us=now_us, time_us=time_us))
                queued += _queue(conn, event_id, revision, _sinks(sinks, routed), now_us)
        if cycle is not None:
            conn.execute(
                "INSERT INTO watch_cycles (batch_key, t_us, prev_watermark, watermark, finished_us, stats_json) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (batch_key) DO UPDATE SET t_us = excluded.t_us, "
                "prev_watermark = excluded.prev_watermark, watermark = excluded.watermark, "
                "finished_us = excluded.finished_us, stats_json = excluded.stats_json",
                (cycle.batch_key, _us(cycle.t), int(cycle.prev_watermark), int(cycle.watermark),
                 _us(cycle.finished), _dumps(cycle.stats)),
            )
    return UpsertReport(created=created, updated=updated, unchanged=unchanged, queued=queued)


def _as_event(event_id: str, f: Finding, objects: list[dict[str, Any]], details: dict[str, Any], *, revision: int,
              created_us: int, updated_us: int, time_us: int) -> Event:
    """The event revision being written, as the router sees it (its JSON made strict)."""
    return Event(id=event_id, type=f.type, severity=f.severity, created_utc=_iso(created_us),
                 updated_utc=_iso(updated_us), time_utc=_iso(time_us),
                 objects=tuple(EventObject.from_dict(o) for o in objects),
                 summary=f.summary, details=strict_json_value(details), evidence=strict_json_value(f.evidence),
                 revision=revision, dedupe_key=f.dedupe_key)


def _sinks(sinks: Sequence[str], routed: Sequence[str] | None) -> list[str]:
    """The configured sinks, then the routed ones, each once, in that order."""
    out = list(dict.fromkeys(sinks))
    out += [s for s in dict.fromkeys(routed or ()) if s not in out]
    return out


def _queue(conn: Any, event_id: str, revision: int, sinks: Sequence[str], now_us: int) -> int:
    before = conn.total_changes
    conn.executemany(
        "INSERT OR IGNORE INTO deliveries (id, event_id, revision, sink, status, attempts, created_us, "
        "next_attempt_us) VALUES (?, ?, ?, ?, 'queued', 0, ?, ?)",
        [(_delivery_id(event_id, revision, s), event_id, revision, s, now_us, now_us) for s in sinks],
    )
    return int(conn.total_changes - before)


# --------------------------------------------------------------------------- reading events


def get_events(store: Store, event_ids: Sequence[str]) -> dict[str, Event]:
    """The stored events of these ids (id -> event; unknown ids left out)."""
    out: dict[str, Event] = {}
    ids = list(dict.fromkeys(event_ids))
    with _db_errors(store.path):
        for k in range(0, len(ids), 500):
            chunk = ids[k:k + 500]
            marks = ",".join("?" * len(chunk))
            for row in store._conn.execute(f"SELECT {_EVENT_COLUMNS} FROM events WHERE id IN ({marks})", chunk):
                out[row[0]] = _event(row)
    return out


def get_event(store: Store, event_id: str) -> Event | None:
    with _db_errors(store.path):
        row = store._conn.execute(f"SELECT {_EVENT_COLUMNS} FROM events WHERE id = ?", (event_id,)).fetchone()
    return None if row is None else _event(row)


def find_events(store: Store, type: str, dedupe_key: str) -> list[Event]:
    """The stored events of one type and de-duplication key, oldest first."""
    with _db_errors(store.path):
        rows = store._conn.execute(f"SELECT {_EVENT_COLUMNS} FROM events WHERE type = ? AND dedupe_key = ? "
                                   "ORDER BY created_us, id", (type, dedupe_key)).fetchall()
    return [_event(r) for r in rows]


def list_events(
    store: Store,
    *,
    type: str | None = None,
    norad: int | None = None,
    since: Any = None,
    limit: int | None = None,
) -> list[Event]:
    """Events by time (then id); ``since`` keeps those updated at or after it."""
    if type is not None and type not in EVENT_TYPES:
        raise InputError(f"event type {type!r} is not one of {', '.join(EVENT_TYPES)}", code="INPUT_INVALID",
                         field="type")
    where: list[str] = []
    args: list[Any] = []
    if type is not None:
        where.append("type = ?")
        args.append(type)
    if norad is not None:
        where.append("id IN (SELECT event_id FROM event_objects WHERE norad_id = ?)")
        args.append(int(norad))
    if since is not None:
        where.append("updated_us >= ?")
        args.append(_us(since))
    sql = f"SELECT {_EVENT_COLUMNS} FROM events"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY time_us, id"
    if limit is not None:
        sql += f" LIMIT {max(0, int(limit))}"
    with _db_errors(store.path):
        return [_event(r) for r in store._conn.execute(sql, args)]


# --------------------------------------------------------------------------- cycles and snapshots


def _cycle(row: Sequence[Any]) -> CycleRecord:
    return CycleRecord(seq=int(row[0]), batch_key=row[1], t=np.datetime64(int(row[2]), "us"),
                       prev_watermark=int(row[3]), watermark=int(row[4]),
                       finished=np.datetime64(int(row[5]), "us"), stats=json.loads(row[6]))


_CYCLE_COLUMNS = "seq, batch_key, t_us, prev_watermark, watermark, finished_us, stats_json"


def find_cycle(store: Store, batch_key: str) -> CycleRecord | None:
    """The completed cycle of this batch, if any."""
    with _db_errors(store.path):
        row = store._conn.execute(f"SELECT {_CYCLE_COLUMNS} FROM watch_cycles WHERE batch_key = ?",
                                  (batch_key,)).fetchone()
    return None if row is None else _cycle(row)


def last_cycle(store: Store) -> CycleRecord | None:
    """The most recently completed cycle (highest watermark, then latest recorded)."""
    with _db_errors(store.path):
        row = store._conn.execute(f"SELECT {_CYCLE_COLUMNS} FROM watch_cycles ORDER BY watermark DESC, seq DESC "
                                  "LIMIT 1").fetchone()
    return None if row is None else _cycle(row)


def list_cycles(store: Store) -> list[CycleRecord]:
    with _db_errors(store.path):
        return [_cycle(r) for r in store._conn.execute(f"SELECT {_CYCLE_COLUMNS} FROM watch_cycles ORDER BY seq")]


def element_watermark(store: Store) -> int:
    """The highest ``element_sets.id``: every set stored so far has an id at or below it."""
    with _db_errors(store.path):
        row = store._conn.execute("SELECT coalesce(max(id), 0) FROM element_sets").fetchone()
    return int(row[0])


def new_set_objects(store: Store, lo: int, hi: int) -> dict[int, np.datetime64]:
    """NORAD id -> earliest epoch among its element sets whose id lies in ``(lo, hi]`` (a
    cycle's batch), in NORAD order."""
    with _db_errors(store.path):
        rows = store._conn.execute(
            "SELECT norad_id, min(epoch_us) FROM element_sets WHERE id > ? AND id <= ? "
            "GROUP BY norad_id ORDER BY norad_id", (int(lo), int(hi))
        ).fetchall()
    return {int(r[0]): np.datetime64(int(r[1]), "us") for r in rows}


_SNAPSHOT_TAIL = """
JOIN element_sets e ON e.id = (
    SELECT x.id FROM element_sets x
    WHERE x.norad_id = w.norad_id AND x.id <= ?
    ORDER BY x.epoch_us DESC, x.id DESC LIMIT 1)
LEFT JOIN objects o ON o.norad_id = e.norad_id
ORDER BY e.norad_id
"""


def snapshot(store: Store, watermark: int | None = None) -> ElementTable:
    """The catalog as it stood after the element sets up to ``watermark`` (all when ``None``):
    per object the latest-epoch set among those with ``id <= watermark``; rows by NORAD id.
    Names/types are the objects' current ones (as :meth:`Store.latest`)."""
    cutoff = _I64_MAX if watermark is None else int(watermark)
    with _db_errors(store.path):
        rows = store._conn.execute(f"SELECT {_LATEST_COLUMNS} FROM objects w {_SNAPSHOT_TAIL}", (cutoff,)).fetchall()
    return _table(rows)


# --------------------------------------------------------------------------- deliveries

_DELIVERY_COLUMNS = ("id, event_id, revision, sink, status, attempts, created_us, next_attempt_us, "
                     "last_attempt_us, outcome")


def _delivery(row: Sequence[Any]) -> Delivery:
    return Delivery(id=row[0], event_id=row[1], revision=int(row[2]), sink=row[3], status=row[4],
                    attempts=int(row[5]), created_utc=_iso(row[6]), next_attempt_utc=_iso(row[7]),
                    last_attempt_utc=None if row[8] is None else _iso(row[8]), outcome=row[9])


def due_deliveries(store: Store, now: Any, *, limit: int = 1000) -> list[Delivery]:
    """Queued deliveries whose next attempt is due at ``now``, oldest first."""
    with _db_errors(store.path):
        rows = store._conn.execute(
            f"SELECT {_DELIVERY_COLUMNS} FROM deliveries WHERE status = 'queued' AND next_attempt_us <= ? "
            "ORDER BY next_attempt_us, created_us, event_id, revision, sink LIMIT ?", (_us(now), int(limit))
        ).fetchall()
    return [_delivery(r) for r in rows]


def list_deliveries(store: Store, *, event_id: str | None = None) -> list[Delivery]:
    sql = f"SELECT {_DELIVERY_COLUMNS} FROM deliveries"
    args: list[Any] = []
    if event_id is not None:
        sql += " WHERE event_id = ?"
        args.append(event_id)
    with _db_errors(store.path):
        return [_delivery(r) for r in store._conn.execute(sql + " ORDER BY created_us, event_id, revision, sink", args)]


def record_attempt(store: Store, delivery_id: str, *, ok: bool, outcome: str, now: Any,
                   final: bool = False) -> Delivery:
    """Record one attempt: ``delivered`` when ``ok``, else queued again after the next back-off
    step (:data:`RETRY_SCHEDULE_S`) or ``failed`` once the schedule is spent (at once when
    ``final``: a failure that no retry can mend, e.g. a refused target).  One transaction."""
    return record_attempts(store, [(delivery_id, ok, outcome, final)], now=now)[0]


def record_attempts(store: Store, attempts: Sequence[tuple[str, bool, str, bool]], *, now: Any) -> list[Delivery]:
    """:func:`record_attempt` for many ``(delivery_id, ok, outcome, final)`` at once, in one
    transaction (a pass of the sender records its attempts together)."""
    now_us = _us(now)
    out: list[Delivery] = []
    with _db_errors(store.path), store._transaction():
        for delivery_id, ok, outcome, final in attempts:
            row = store._conn.execute(f"SELECT {_DELIVERY_COLUMNS} FROM deliveries WHERE id = ?",
                                      (delivery_id,)).fetchone()
            if row is None:
                raise InputError(f"no delivery {delivery_id!r}", code="INPUT_INVALID", field="delivery_id")
            n = int(row[5]) + 1
            if ok:
                status, next_us = "delivered", int(row[7])
            elif n <= len(RETRY_SCHEDULE_S) and not final:
                status, next_us = "queued", now_us + int(RETRY_SCHEDULE_S[n - 1] * 1e6)
            else:
                status, next_us = "failed", int(row[7])
            store._conn.execute(
                "UPDATE deliveries SET status = ?, attempts = ?, next_attempt_us = ?, last_attempt_us = ?, "
                "outcome = ? WHERE id = ?", (status, n, next_us, now_us, outcome[:500], delivery_id))
            out.append(_delivery((*row[:4], status, n, row[6], next_us, now_us, outcome[:500])))
    return out

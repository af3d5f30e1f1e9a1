"""The HTTP service's records in the store (schema version 6): API keys, watch-lists,
subscriptions and uploaded screening jobs.

* **API keys** are random (``owk_`` + 32 URL-safe bytes), shown once by
  :func:`create_key` and stored only as their SHA-256 (as GitHub and Stripe keep tokens);
  :func:`find_key` looks a presented key up by its hash.  A key has one scope of
  :data:`SCOPES`, each of which includes the ones before it (``admin`` can write, ``write``
  can read): :func:`scope_allows`.
* **Watch-lists** are named sets of NORAD ids.
* **Subscriptions** say where alerts go (``webhook`` URL or ``email`` address) and which
  events (a filter mapping: ``types``, ``norad``, ``watchlist``, ``min_pc``,
  ``max_miss_km``).  A webhook subscription gets a signing secret ``whsec_<base64>`` at
  creation, the Standard Webhooks form (https://www.standardwebhooks.com/); it is returned
  by :func:`create_subscription` and kept, since the sender needs it for every delivery.
  Deleting marks the row deleted (its deliveries keep their history).
* **Screening jobs** (``POST /v1/screenings``) keep their request, status and result JSON.

Times are int64 unix microseconds in the tables and ISO 8601 UTC in the records; JSON
columns are strict JSON.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from orbitwatch.errors import InputError
from orbitwatch.store.events import strict_json_value
from orbitwatch.store.sqlite import Store, _db_errors
from orbitwatch.times import format_utc, now_utc

__all__ = [
    "JOB_STATUSES",
    "SCOPES",
    "SUBSCRIPTION_KINDS",
    "ApiKey",
    "Job",
    "Subscription",
    "Watchlist",
    "create_job",
    "create_key",
    "create_subscription",
    "create_watchlist",
    "delete_subscription",
    "delete_watchlist",
    "find_key",
    "get_job",
    "get_subscription",
    "get_watchlist",
    "list_keys",
    "list_subscriptions",
    "list_watchlists",
    "revoke_key",
    "scope_allows",
    "update_job",
]

#: Key scopes, each including the ones before it.
SCOPES = ("read", "write", "admin")
SUBSCRIPTION_KINDS = ("webhook", "email")
JOB_STATUSES = ("queued", "running", "done", "failed")
_FILTER_KEYS = frozenset({"types", "norad", "watchlist", "min_pc", "max_miss_km"})


def _now_us() -> int:
    return int(now_utc().astype("datetime64[us]").astype(np.int64))


def _iso(us: int | None) -> str | None:
    return None if us is None else str(format_utc(np.datetime64(int(us), "us"), digits=3))


def _dumps(value: Any) -> str:
    return json.dumps(strict_json_value(value), sort_keys=True, allow_nan=False, separators=(",", ":"))


def _new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(8)}"


def scope_allows(have: str, need: str) -> bool:
    """Whether a key of scope ``have`` may do what needs ``need``."""
    if have not in SCOPES or need not in SCOPES:
        return False
    return SCOPES.index(have) >= SCOPES.index(need)


# -- API keys ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ApiKey:
    id: str
    name: str
    scope: str
    created_utc: str
    revoked_utc: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "scope": self.scope,
                "created_utc": self.created_utc, "revoked_utc": self.revoked_utc}


def _key_sha256(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


_KEY_COLUMNS = "id, name, scope, created_us, revoked_us"


def _key(row: Sequence[Any]) -> ApiKey:
    return ApiKey(id=row[0], name=row[1], scope=row[2], created_utc=str(_iso(row[3])), revoked_utc=_iso(row[4]))


def create_key(store: Store, name: str, scope: str = "read") -> tuple[ApiKey, str]:
    """A new key: its record and the secret itself (shown once; only its hash is kept)."""
    if scope not in SCOPES:
        raise InputError(f"scope {scope!r}: expected one of {', '.join(SCOPES)}", code="INPUT_INVALID",
                         field="scope")
    if not name or len(name) > 200:
        raise InputError("a key needs a name of 1 to 200 characters", code="INPUT_INVALID", field="name")
    secret = "owk_" + secrets.token_urlsafe(32)
    key_id = _new_id("key")
    now = _now_us()
    with _db_errors(store.path), store._transaction():
        store._conn.execute(
            "INSERT INTO api_keys (id, name, scope, key_sha256, created_us) VALUES (?, ?, ?, ?, ?)",
            (key_id, name, scope, _key_sha256(secret), now))
    return ApiKey(key_id, name, scope, str(_iso(now)), None), secret


def find_key(store: Store, secret: str) -> ApiKey | None:
    """The live (not revoked) key whose secret is ``secret``, or ``None``."""
    with _db_errors(store.path):
        row = store._conn.execute(
            f"SELECT {_KEY_COLUMNS} FROM api_keys WHERE key_sha256 = ? AND revoked_us IS NULL",
            (_key_sha256(secret),)).fetchone()
    return None if row is None else _key(row)


def list_keys(store: Store) -> list[ApiKey]:
    with _db_errors(store.path):
        return [_key(r) for r in store._conn.execute(f"SELECT {_KEY_COLUMNS} FROM api_keys ORDER BY created_us, id")]


def revoke_key(store: Store, key_id: str) -> bool:
    """Revoke a key by id (or name); ``False`` when no live key matched."""
    with _db_errors(store.path), store._transaction():
        cur = store._conn.execute(
            "UPDATE api_keys SET revoked_us = ? WHERE (id = ? OR name = ?) AND revoked_us IS NULL",
            (_now_us(), key_id, key_id))
    return cur.rowcount > 0


# -- watch-lists ------------------------------------------------------------------------


@dataclass(frozen=True)
class Watchlist:
    id: str
    name: str
    norad_ids: tuple[int, ...]
    created_utc: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "norad_ids": list(self.norad_ids), "created_utc": self.created_utc}


def _watchlist(row: Sequence[Any]) -> Watchlist:
    return Watchlist(id=row[0], name=row[1], norad_ids=tuple(json.loads(row[2])), created_utc=str(_iso(row[3])))


def _norad_ids(values: Sequence[Any]) -> tuple[int, ...]:
    out = []
    for v in values:
        if isinstance(v, bool) or not isinstance(v, int) or not 0 < v < 10**9:
            raise InputError(f"NORAD id {v!r} is not a positive integer", code="INPUT_NORAD", field="norad_ids")
        out.append(int(v))
    return tuple(sorted(set(out)))


def create_watchlist(store: Store, name: str, norad_ids: Sequence[int], *, key_id: str | None = None) -> Watchlist:
    if not name or len(name) > 200:
        raise InputError("a watch-list needs a name of 1 to 200 characters", code="INPUT_INVALID", field="name")
    ids = _norad_ids(norad_ids)
    wid, now = _new_id("wl"), _now_us()
    with _db_errors(store.path), store._transaction():
        store._conn.execute("INSERT INTO watchlists (id, name, norad_json, created_us, key_id) VALUES (?, ?, ?, ?, ?)",
                            (wid, name, json.dumps(list(ids)), now, key_id))
    return Watchlist(wid, name, ids, str(_iso(now)))


def list_watchlists(store: Store) -> list[Watchlist]:
    with _db_errors(store.path):
        return [_watchlist(r) for r in store._conn.execute(
            "SELECT id, name, norad_json, created_us FROM watchlists ORDER BY created_us, id")]


def get_watchlist(store: Store, watchlist_id: str) -> Watchlist | None:
    with _db_errors(store.path):
        row = store._conn.execute("SELECT id, name, norad_json, created_us FROM watchlists WHERE id = ? OR name = ?",
                                  (watchlist_id, watchlist_id)).fetchone()
    return None if row is None else _watchlist(row)


def delete_watchlist(store: Store, watchlist_id: str) -> bool:
    with _db_errors(store.path), store._transaction():
        cur = store._conn.execute("DELETE FROM watchlists WHERE id = ?", (watchlist_id,))
    return cur.rowcount > 0


# -- subscriptions ----------------------------------------------------------------------


@dataclass(frozen=True)
class Subscription:
    id: str
    kind: str
    target: str
    filter: Mapping[str, Any] = field(default_factory=dict)
    secret: str | None = None
    created_utc: str = ""
    deleted_utc: str | None = None

    @property
    def sink(self) -> str:
        """The delivery queue's sink name for this subscription."""
        return f"subscription:{self.id}"

    def to_dict(self, *, with_secret: bool = False) -> dict[str, Any]:
        d: dict[str, Any] = {"id": self.id, "kind": self.kind, "target": self.target, "filter": dict(self.filter),
                             "created_utc": self.created_utc, "deleted_utc": self.deleted_utc}
        if with_secret:
            d["secret"] = self.secret
        return d


_SUB_COLUMNS = "id, kind, target, filter_json, secret, created_us, deleted_us"


def _subscription(row: Sequence[Any]) -> Subscription:
    return Subscription(id=row[0], kind=row[1], target=row[2], filter=json.loads(row[3]), secret=row[4],
                        created_utc=str(_iso(row[5])), deleted_utc=_iso(row[6]))


def _check_filter(flt: Mapping[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(flt) - _FILTER_KEYS)
    if unknown:
        raise InputError(f"unknown filter field {unknown[0]!r}: expected {', '.join(sorted(_FILTER_KEYS))}",
                         code="INPUT_INVALID", field=f"filter.{unknown[0]}")
    return {k: v for k, v in flt.items() if v is not None}


def create_subscription(
    store: Store, kind: str, target: str, filter: Mapping[str, Any] | None = None, *, key_id: str | None = None
) -> Subscription:
    """A new subscription; a webhook's carries its new ``whsec_`` signing secret."""
    if kind not in SUBSCRIPTION_KINDS:
        raise InputError(f"kind {kind!r}: expected one of {', '.join(SUBSCRIPTION_KINDS)}", code="INPUT_INVALID",
                         field="kind")
    if not target or len(target) > 2000:
        raise InputError("a subscription needs a target of 1 to 2,000 characters", code="INPUT_INVALID",
                         field="target")
    flt = _check_filter(filter or {})
    secret = "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode("ascii") if kind == "webhook" else None
    sid, now = _new_id("sub"), _now_us()
    with _db_errors(store.path), store._transaction():
        store._conn.execute(
            "INSERT INTO subscriptions (id, kind, target, filter_json, secret, created_us, key_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)", (sid, kind, target, _dumps(flt), secret, now, key_id))
    return Subscription(sid, kind, target, flt, secret, str(_iso(now)), None)


def list_subscriptions(store: Store, *, include_deleted: bool = False) -> list[Subscription]:
    sql = f"SELECT {_SUB_COLUMNS} FROM subscriptions"
    if not include_deleted:
        sql += " WHERE deleted_us IS NULL"
    with _db_errors(store.path):
        return [_subscription(r) for r in store._conn.execute(sql + " ORDER BY created_us, id")]


def get_subscription(store: Store, subscription_id: str) -> Subscription | None:
    with _db_errors(store.path):
        row = store._conn.execute(f"SELECT {_SUB_COLUMNS} FROM subscriptions WHERE id = ?",
                                  (subscription_id,)).fetchone()
    return None if row is None else _subscription(row)


def delete_subscription(store: Store, subscription_id: str) -> bool:
    with _db_errors(store.path), store._transaction():
        cur = store._conn.execute("UPDATE subscriptions SET deleted_us = ? WHERE id = ? AND deleted_us IS NULL",
                                  (_now_us(), subscription_id))
    return cur.rowcount > 0


# -- screening jobs ---------------------------------------------------------------------


@dataclass(frozen=True)
class Job:
    id: str
    status: str
    created_utc: str
    updated_utc: str
    request: Mapping[str, Any]
    result: Any = None
    error: Mapping[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "status": self.status, "created_utc": self.created_utc,
                "updated_utc": self.updated_utc, "request": dict(self.request), "result": self.result,
                "error": None if self.error is None else dict(self.error)}


_JOB_COLUMNS = "id, status, created_us, updated_us, request_json, result_json, error_json"


def _job(row: Sequence[Any]) -> Job:
    return Job(id=row[0], status=row[1], created_utc=str(_iso(row[2])), updated_utc=str(_iso(row[3])),
               request=json.loads(row[4]), result=None if row[5] is None else json.loads(row[5]),
               error=None if row[6] is None else json.loads(row[6]))


def create_job(store: Store, request: Mapping[str, Any], *, key_id: str | None = None) -> Job:
    jid, now = _new_id("job"), _now_us()
    with _db_errors(store.path), store._transaction():
        store._conn.execute(
            "INSERT INTO screening_jobs (id, status, created_us, updated_us, request_json, key_id) "
            "VALUES (?, 'queued', ?, ?, ?, ?)", (jid, now, now, _dumps(request), key_id))
    return Job(jid, "queued", str(_iso(now)), str(_iso(now)), dict(request))


def update_job(store: Store, job_id: str, status: str, *, result: Any = None,
               error: Mapping[str, Any] | None = None) -> Job:
    if status not in JOB_STATUSES:
        raise InputError(f"job status {status!r}", code="INPUT_INVALID", field="status")
    with _db_errors(store.path), store._transaction():
        store._conn.execute(
            "UPDATE screening_jobs SET status = ?, updated_us = ?, result_json = ?, error_json = ? WHERE id = ?",
            (status, _now_us(), None if result is None else _dumps(result),
             None if error is None else _dumps(error), job_id))
    job = get_job(store, job_id)
    if job is None:
        raise InputError(f"no screening job {job_id!r}", code="INPUT_INVALID", field="id")
    return job


def get_job(store: Store, job_id: str) -> Job | None:
    with _db_errors(store.path):
        row = store._conn.execute(f"SELECT {_JOB_COLUMNS} FROM screening_jobs WHERE id = ?", (job_id,)).fetchone()
    return None if row is None else _job(row)

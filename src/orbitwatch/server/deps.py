"""What every route shares: the per-thread store connections, API-key authentication,
the per-key rate limit and the opaque pagination cursors.

* **Stores.**  :class:`orbitwatch.store.Store` is one SQLite connection and not
  thread-safe; each worker thread of the service opens its own (:meth:`State.store`) and
  keeps it.  The store is in WAL mode, so these readers proceed while the watch writes.
* **Keys.**  ``X-API-Key`` is looked up with :func:`orbitwatch.store.service.find_key`
  (only its SHA-256 is stored): missing ``AUTH_MISSING`` 401, unknown or revoked
  ``AUTH_INVALID`` 401, too small a scope ``AUTH_SCOPE`` 403 (``read`` < ``write`` <
  ``admin``, :func:`~orbitwatch.store.service.scope_allows`).
* **Rate limit.**  A token bucket per key (capacity and refill = ``rate_limit_per_min``
  per minute); an empty bucket answers 429 ``RATE_LIMITED`` with ``Retry-After`` seconds.
* **Cursors.**  URL-safe base64 of a small strict-JSON list, the sort key of the last row
  returned; the next page starts strictly after it, so pages never overlap.
"""

from __future__ import annotations

import base64
import contextlib
import json
import math
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader

from orbitwatch.api import InputError, Store
from orbitwatch.server.metrics import Metrics
from orbitwatch.server.problems import ServiceError
from orbitwatch.server.settings import ServerConfig
from orbitwatch.store.service import ApiKey, find_key, scope_allows

__all__ = ["Auth", "State", "decode_cursor", "encode_cursor", "require", "state_of"]


class _Bucket:
    __slots__ = ("stamp", "tokens")

    def __init__(self, tokens: float, stamp: float) -> None:
        self.tokens = tokens
        self.stamp = stamp


@dataclass
class RateLimiter:
    """Token buckets per key id."""

    per_min: float
    clock: Callable[[], float] = time.monotonic
    _buckets: dict[str, _Bucket] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, key_id: str) -> float:
        """0 when the request may go on, else the seconds until a token is back."""
        rate = self.per_min / 60.0
        now = self.clock()
        with self._lock:
            b = self._buckets.get(key_id)
            if b is None:
                b = self._buckets[key_id] = _Bucket(self.per_min, now)
            b.tokens = min(self.per_min, b.tokens + (now - b.stamp) * rate)
            b.stamp = now
            if b.tokens >= 1.0:
                b.tokens -= 1.0
                return 0.0
            return (1.0 - b.tokens) / rate


class State:
    """The service's state for one store (``app.state.orbitwatch``)."""

    def __init__(self, db_path: Path, config: ServerConfig) -> None:
        self.db_path = db_path
        self.config = config
        self.metrics = Metrics()
        self.limiter = RateLimiter(config.rate_limit_per_min)
        self._local = threading.local()
        self._all: list[Store] = []
        self._lock = threading.Lock()
        self.cache: dict[Any, Any] = {}
        self.cache_lock = threading.Lock()
        self.started = time.time()
        #: the screening jobs' thread (one job at a time)
        self.jobs = ThreadPoolExecutor(max_workers=1, thread_name_prefix="orbitwatch-screen")
        #: the screening job processes running (ended at shutdown)
        self.job_processes: set[Any] = set()

    def store(self) -> Store:
        """This thread's connection to the store (opened on first use, kept)."""
        s: Store | None = getattr(self._local, "store", None)
        if s is None:
            s = Store.open(self.db_path, create=False)
            self._local.store = s
            with self._lock:
                self._all.append(s)
        return s

    def close(self) -> None:
        """Close the connections (at shutdown; threads that still hold one must be done)."""
        with self._lock:
            stores, self._all = self._all, []
        for s in stores:
            with contextlib.suppress(Exception):  # a connection of a thread still running
                s.close()


def state_of(request: Request) -> State:
    st: State = request.app.state.orbitwatch
    return st


def authenticate(st: State, presented: str | None, need: str) -> ApiKey:
    if not presented:
        raise ServiceError("this route needs an API key in the X-API-Key header", code="AUTH_MISSING",
                           status=401, headers={"WWW-Authenticate": "ApiKey"}, field="X-API-Key")
    key = find_key(st.store(), presented)
    if key is None:
        raise ServiceError("unknown or revoked API key", code="AUTH_INVALID", status=401,
                           headers={"WWW-Authenticate": "ApiKey"}, field="X-API-Key")
    if not scope_allows(key.scope, need):
        raise ServiceError(f"this route needs a key of scope {need!r}; this key has {key.scope!r}",
                           code="AUTH_SCOPE", status=403, field="X-API-Key")
    wait = st.limiter.take(key.id)
    if wait > 0:
        raise ServiceError(f"rate limit of {st.config.rate_limit_per_min:g} requests per minute reached",
                           code="RATE_LIMITED", status=429, headers={"Retry-After": str(max(1, math.ceil(wait)))})
    return key


#: the OpenAPI security scheme of every keyed route (checked by :func:`authenticate`)
API_KEY_HEADER = APIKeyHeader(name="X-API-Key", auto_error=False, scheme_name="ApiKey",
                              description="API key (orbitwatch keys create); scopes read < write < admin")


def require(need: str) -> Callable[..., ApiKey]:
    """A dependency: the request's key, which must allow ``need``."""

    def dependency(request: Request, x_api_key: Annotated[str | None, Security(API_KEY_HEADER)] = None) -> ApiKey:
        key = authenticate(state_of(request), x_api_key, need)
        request.state.key_id = key.id
        return key

    dependency.__name__ = f"require_{need}"
    return dependency


#: the key of a read route / write route / admin route
ReadKey = Annotated[ApiKey, Depends(require("read"))]
WriteKey = Annotated[ApiKey, Depends(require("write"))]
Auth = ReadKey


def encode_cursor(values: list[Any]) -> str:
    raw = json.dumps(values, separators=(",", ":"), allow_nan=False).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(cursor: str | None, n: int) -> list[Any] | None:
    """The sort key of a cursor (``INPUT_CURSOR`` when it is not one of ours)."""
    if cursor is None or cursor == "":
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        values = None
    if not isinstance(values, list) or len(values) != n:
        raise InputError("not a cursor of this listing (use next_cursor of the previous page)",
                         code="INPUT_CURSOR", field="cursor")
    return values

"""Webhook delivery, the Standard Webhooks way (https://www.standardwebhooks.com/, spec v1).

One alert is one ``POST`` of its JSON body (``Content-Type: application/json``) with three
headers:

* ``webhook-id``: the delivery's id (:mod:`orbitwatch.store.events`), the same on every
  retry, so a receiver de-duplicates by it;
* ``webhook-timestamp``: the attempt's time, integer unix seconds (wall clock: receivers
  compare it with theirs to refuse replayed requests);
* ``webhook-signature``: ``v1,<base64 HMAC-SHA256>`` of the signed content
  ``"{webhook-id}.{webhook-timestamp}.{body}"``, keyed with the base64-decoded part of the
  secret after ``whsec_`` (:func:`signature`).

An attempt succeeds on a 2xx answer; any other status (redirects are not followed), a
timeout or a connection error is a failed attempt, which the queue retries on its back-off
schedule.  Only ``http`` and ``https`` URLs are sent to (:func:`check_url`: ``INPUT_TARGET``
otherwise).  Stdlib only (:mod:`http.client`): no proxies, no redirects, the answer's body
read up to 64 KiB and dropped; a :class:`ConnectionPool` keeps one HTTP/1.1 connection per
host open across a sender's pass (a request on a kept connection that the receiver has
closed meanwhile is sent once more on a new one).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import http.client
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from orbitwatch.errors import InputError

__all__ = ["SECRET_PREFIX", "ConnectionPool", "WebhookResult", "check_url", "post_webhook", "secret_key", "signature"]

SECRET_PREFIX = "whsec_"
_MAX_URL = 2000
_READ_LIMIT = 64 * 1024
_USER_AGENT = "orbitwatch-webhooks/1"


def check_url(url: str) -> str:
    """``url`` when it is an absolute ``http``/``https`` URL with a host; ``INPUT_TARGET`` otherwise."""
    if not isinstance(url, str) or not url or len(url) > _MAX_URL or any(c.isspace() or ord(c) < 32 for c in url):
        raise InputError(f"webhook target {url!r} is not a URL", code="INPUT_TARGET", field="target")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise InputError(f"webhook target {url!r} is not a URL", code="INPUT_TARGET", field="target") from None
    if parts.scheme not in ("http", "https"):
        raise InputError(f"webhook target {url!r}: only http and https URLs are sent to", code="INPUT_TARGET",
                         field="target")
    if not parts.hostname:
        raise InputError(f"webhook target {url!r} has no host", code="INPUT_TARGET", field="target")
    return url


def secret_key(secret: str) -> bytes:
    """The HMAC key of a ``whsec_<base64>`` secret (a secret without the prefix is taken as
    the base64 part itself, as the reference libraries do); ``INPUT_TARGET`` when it does
    not decode."""
    raw = secret[len(SECRET_PREFIX):] if secret.startswith(SECRET_PREFIX) else secret
    try:
        key = base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if not key:
        raise InputError("webhook secret is not whsec_ followed by base64", code="INPUT_TARGET", field="secret")
    return key


def signature(secret: str, msg_id: str, timestamp_s: int, body: bytes) -> str:
    """The ``webhook-signature`` header value: ``v1,`` + base64 HMAC-SHA256 of ``id.timestamp.body``."""
    content = f"{msg_id}.{int(timestamp_s)}.".encode() + body
    mac = hmac.new(secret_key(secret), content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode("ascii")


@dataclass(frozen=True)
class WebhookResult:
    """One attempt: ``ok`` (a 2xx answer), the HTTP ``status`` (``None``: no answer) and the
    outcome text kept in the store (``HTTP 200``, ``TimeoutError: ...``)."""

    ok: bool
    status: int | None
    outcome: str

    @property
    def unreachable(self) -> bool:
        """No HTTP answer at all (connection refused, timeout, TLS failure)."""
        return self.status is None


class ConnectionPool:
    """Open connections by ``(scheme, host, port)``; :meth:`close` them when the pass ends."""

    def __init__(self, timeout_s: float = 10.0) -> None:
        self.timeout_s = timeout_s
        self._conns: dict[tuple[str, str, int | None], http.client.HTTPConnection] = {}

    def get(self, scheme: str, host: str, port: int | None) -> tuple[http.client.HTTPConnection, bool]:
        """A connection and whether it was open before."""
        key = (scheme, host, port)
        conn = self._conns.get(key)
        if conn is not None:
            return conn, True
        conn = _connect(scheme, host, port, self.timeout_s)
        self._conns[key] = conn
        return conn, False

    def drop(self, scheme: str, host: str, port: int | None) -> None:
        conn = self._conns.pop((scheme, host, port), None)
        if conn is not None:
            conn.close()

    def close(self) -> None:
        for conn in self._conns.values():
            conn.close()
        self._conns.clear()


def _connect(scheme: str, host: str, port: int | None, timeout_s: float) -> http.client.HTTPConnection:
    if scheme == "https":
        return http.client.HTTPSConnection(host, port, timeout=timeout_s, context=ssl.create_default_context())
    return http.client.HTTPConnection(host, port, timeout=timeout_s)


def post_webhook(
    url: str,
    secret: str,
    msg_id: str,
    body: bytes,
    *,
    timeout_s: float = 10.0,
    clock: Callable[[], float] = time.time,
    pool: ConnectionPool | None = None,
) -> WebhookResult:
    """POST one signed alert; never raises for network trouble (a failed :class:`WebhookResult`),
    raises ``INPUT_TARGET`` for a URL or secret that no retry can mend.  ``pool``: reuse its
    connections (else one connection for this request)."""
    check_url(url)
    timestamp_s = int(clock())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": _USER_AGENT,
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp_s),
        "webhook-signature": signature(secret, msg_id, timestamp_s, body),
    }
    parts = urlsplit(url)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    where = (parts.scheme, parts.hostname or "", parts.port)
    for _ in range(2):
        if pool is None:
            conn, reused = _connect(*where, timeout_s), False
        else:
            conn, reused = pool.get(*where)
        try:
            conn.request("POST", path, body=body, headers=headers)
            response = conn.getresponse()
            response.read(_READ_LIMIT)
            status = int(response.status)
            keep = pool is not None and not response.will_close
        except (OSError, http.client.HTTPException) as exc:
            if pool is not None:
                pool.drop(*where)
            else:
                conn.close()
            if reused and not isinstance(exc, TimeoutError):
                continue  # the receiver closed the kept connection: once more on a new one
            return WebhookResult(False, None, f"{type(exc).__name__}: {exc}"[:300])
        if not keep:
            if pool is not None:
                pool.drop(*where)
            else:
                conn.close()
        return WebhookResult(200 <= status < 300, status, f"HTTP {status}")
    raise AssertionError("unreachable")  # pragma: no cover

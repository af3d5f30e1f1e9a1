"""Polite, bounded HTTP GET/POST for the live catalog sources (the only network code).

Built on :mod:`http.client` (RFC 9110/9112 semantics) so that every step of a request
is under orbitwatch's control.  What one request (:meth:`HttpClient.get_text`) may do:

* **One overall deadline** (``deadline_s``, default 300 s) covers name resolution,
  connect, TLS handshake, sending, every header and body byte, redirects, Retry-After
  waits and the per-host spacing.  Each socket operation gets ``min(read_timeout_s,
  time left)`` as its timeout, so a server sending one byte every few seconds cannot
  stretch a request beyond its deadline (``SOURCE_DEADLINE``); a server silent for
  ``read_timeout_s`` (default 30 s) is ``SOURCE_TIMEOUT``.
* **A size cap** (``max_bytes``, default 256 MiB): a larger ``Content-Length`` is refused
  before the body is read, and a body without one is streamed to a temporary file in
  the cache directory in 64 KiB chunks and dropped the moment it passes the cap
  (``SOURCE_TOO_LARGE``).  The body is never held in memory while downloading.
* **Redirects** (301, 302, 303, 307, 308; at most 5) are followed only to the same host
  and port with the same scheme (or from ``http`` to ``https`` on the same host name).
  Anything else is ``SOURCE_REDIRECT`` and the other host is never contacted, so
  another host's data is never stored under the original URL.
* **Retry-After** (RFC 9110 §10.2.3) on 429 or 503: the client waits when the delay is
  at most ``max_retry_wait_s`` (default 60 s) and ends inside the deadline (at most 3
  times); otherwise ``SOURCE_RATE_LIMITED`` says when to retry.
* **Only HTTP 200 is data.**  Any other final status is ``SOURCE_HTTP_<status>``.
* **Content is validated before it is cached or returned**: the body must be UTF-8 and
  not an HTML page; each source adds its own check (``validate``), e.g. Space-Track's
  ``{"error": ...}`` answered with 200 is ``SOURCE_REFUSED``.  Only a validated body is
  moved into the cache (atomically); an error body, a non-200 answer or a partial body
  is never cached, and a cached copy is validated again before it is reused.
* **Transport failures are coded**: offline (DNS failure, refused connection, connect
  timeout) ``SOURCE_OFFLINE``; a malformed status line or header ``SOURCE_PROTOCOL``; a
  body shorter than its ``Content-Length`` or chunking ``SOURCE_TRUNCATED``; a connection
  reset or closed before a complete answer ``SOURCE_CONNECTION_RESET``; TLS failures
  ``SOURCE_TLS``; non-UTF-8 data ``SOURCE_ENCODING``; an unusable cache directory
  ``SOURCE_CACHE``.  Nothing is returned on an error, so nothing is stored.

Politeness rules shared by every source:

* a validated response is cached on disk (``platformdirs.user_cache_dir("orbitwatch")``)
  and reused while younger than ``max_age_s`` (CelesTrak asks clients to fetch the same
  GP data at most once every two hours; Space-Track suggests the ``gp`` class at most
  once an hour);
* requests to one host are spaced by at least ``min_interval_s`` in this process.

Limits: HTTP proxies are used for ``https`` URLs only (``HTTPS_PROXY``, as a CONNECT
tunnel); ``http`` URLs are fetched directly.  A body sent without ``Content-Length`` or
chunking that the server cuts short cannot be told from a complete one here; the
sources' content checks (a JSON array must close) and strict ingest catch most such cuts.
"""

from __future__ import annotations

import codecs
import email.utils
import hashlib
import http.client
import http.cookiejar
import io
import itertools
import json
import os
import socket
import ssl
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import platformdirs

from orbitwatch import __version__
from orbitwatch.errors import OrbitwatchError, SourceError

__all__ = [
    "DEFAULT_DEADLINE_S",
    "MAX_BODY_BYTES",
    "Body",
    "Deadline",
    "Fetched",
    "HttpClient",
    "default_cache_dir",
    "expect_catalog",
    "snippet",
]

USER_AGENT = f"orbitwatch/{__version__} (+https://github.com/orbitwatch)"
DEFAULT_DEADLINE_S = 300.0
READ_TIMEOUT_S = 30.0
MAX_BODY_BYTES = 256 * 1024 * 1024
MAX_REDIRECTS = 5
MAX_RETRY_WAIT_S = 60.0
MAX_RETRIES = 3
CHUNK_BYTES = 64 * 1024
HEAD_BYTES = 4096
STALE_PART_S = 3600.0
REDIRECT_STATUSES = (301, 302, 303, 307, 308)


def default_cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir("orbitwatch")) / "http"


def snippet(text: str, limit: int = 80) -> str:
    """The start of ``text`` safe to put in a one-line message (control characters dropped)."""
    clean = "".join(ch if ch.isprintable() else " " for ch in text[: limit * 2])
    clean = " ".join(clean.split())
    return clean[:limit] + ("..." if len(clean) > limit else "")


class Deadline:
    """One overall time limit, shared by every step of a request (or of several)."""

    def __init__(self, seconds: float) -> None:
        if not seconds > 0:
            raise ValueError("a deadline must be positive")
        self.seconds = float(seconds)
        self.end = time.monotonic() + self.seconds

    def remaining_s(self) -> float:
        return self.end - time.monotonic()

    def expired(self) -> bool:
        return self.remaining_s() <= 0.0

    def op_timeout_s(self, read_timeout_s: float) -> float:
        """The timeout for the next socket operation; raises ``TimeoutError`` once expired."""
        left = self.remaining_s()
        if left <= 0.0:
            raise TimeoutError("deadline expired")
        return min(read_timeout_s, left)


@dataclass(frozen=True)
class Body:
    """What a content check sees of a downloaded body (on disk, not in memory)."""

    url: str
    head: str
    tail: str
    size_bytes: int
    content_type: str


Validator = Callable[[Body], None]


@dataclass(frozen=True)
class Fetched:
    """A fetched (or cached) and validated text document.

    A cached body stays on disk (``path``) and is read by :meth:`lines` or :attr:`text`;
    an uncached one (``cache=False``) is held in ``body``.
    """

    url: str
    from_cache: bool
    age_s: float
    size_bytes: int
    path: Path | None = None
    body: str | None = None

    @property
    def text(self) -> str:
        if self.body is not None:
            return self.body
        assert self.path is not None
        return self.path.read_text(encoding="utf-8")

    def lines(self) -> Iterator[str]:
        """The document's lines, line ends kept, for :meth:`orbitwatch.store.Store.ingest`.

        A cached body is streamed from disk in bounded pieces
        (:func:`orbitwatch.sources.files.open_lines`: a line longer than 1 MiB, such as a
        Space-Track JSON reply of one 200 MB line, comes as
        :class:`~orbitwatch.catalog.reader.LinePiece` items), so memory does not follow the
        body's size up to the download cap.
        """
        if self.body is not None:
            yield from self.body.splitlines(keepends=True)
            return
        assert self.path is not None
        from orbitwatch.sources.files import open_lines

        with open_lines(self.path) as lines:
            yield from lines


# --------------------------------------------------------------------------- transport


class _DeadlineReader(io.RawIOBase):
    """Raw reader over a socket that gives every ``recv`` the deadline's time left.

    ``keep`` is the socket's own ``makefile`` reader: holding it open keeps the socket
    alive after ``HTTPConnection`` lets go of it (as ``http.client`` does for a
    response), and closing this reader releases it.
    """

    def __init__(self, sock: socket.socket, keep: Any, conn: _Connection) -> None:
        super().__init__()
        self._sock = sock
        self._keep = keep
        self._conn = conn

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        if not self.closed:
            self._keep.close()
        super().close()

    def readinto(self, buffer: Any) -> int:
        self._sock.settimeout(self._conn.op_timeout_s())
        n = self._sock.recv_into(buffer)
        self._conn.bytes_read += n
        return n


class _DeadlineResponse(http.client.HTTPResponse):
    def __init__(self, sock: socket.socket, *, conn: _Connection, method: str | None = None, **kwargs: Any) -> None:
        super().__init__(sock, method=method, **kwargs)
        self.fp = io.BufferedReader(_DeadlineReader(sock, self.fp, conn), CHUNK_BYTES)


def _resolve(host: str, port: int, deadline: Deadline) -> list[Any]:
    """``getaddrinfo`` bounded by the deadline (it has no timeout of its own)."""
    result: list[Any] = []
    failure: list[BaseException] = []

    def work() -> None:
        try:
            result.extend(socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM))
        except OSError as exc:
            failure.append(exc)

    worker = threading.Thread(target=work, name="orbitwatch-resolve", daemon=True)
    worker.start()
    worker.join(max(deadline.remaining_s(), 0.0))
    if worker.is_alive():
        raise TimeoutError(f"resolving {host} did not finish within the deadline")
    if failure:
        raise failure[0]
    return result


class _Connection(http.client.HTTPConnection):
    """An HTTP connection whose every socket operation honours one :class:`Deadline`."""

    def __init__(self, host: str, port: int | None, *, deadline: Deadline, read_timeout_s: float) -> None:
        super().__init__(host, port, timeout=read_timeout_s)
        self._deadline = deadline
        self._read_timeout_s = read_timeout_s
        self.bytes_read = 0
        self._create_connection = self._open_socket
        self.response_class = self._make_response  # type: ignore[assignment]

    def op_timeout_s(self) -> float:
        return self._deadline.op_timeout_s(self._read_timeout_s)

    def _make_response(self, sock: socket.socket, **kwargs: Any) -> _DeadlineResponse:
        return _DeadlineResponse(sock, conn=self, **kwargs)

    def _open_socket(self, address: tuple[str, int], timeout: Any = None, source_address: Any = None) -> socket.socket:
        host, port = address
        last: OSError | None = None
        for family, kind, proto, _, sockaddr in _resolve(host, port, self._deadline):
            sock = socket.socket(family, kind, proto)
            try:
                sock.settimeout(self._deadline.op_timeout_s(self._read_timeout_s))
                sock.connect(sockaddr)
                return sock
            except OSError as exc:
                sock.close()
                last = exc
                if isinstance(exc, TimeoutError) or self._deadline.expired():
                    raise
        raise last if last is not None else OSError(f"no address for {host}")

    def send(self, data: Any) -> None:
        if self.sock is not None:
            self.sock.settimeout(self._deadline.op_timeout_s(self._read_timeout_s))
        super().send(data)


class _TLSConnection(_Connection):
    default_port = http.client.HTTPS_PORT

    def __init__(self, host: str, port: int | None, *, deadline: Deadline, read_timeout_s: float,
                 context: ssl.SSLContext) -> None:
        super().__init__(host, port, deadline=deadline, read_timeout_s=read_timeout_s)
        self._context = context

    def connect(self) -> None:
        super().connect()
        assert self.sock is not None
        # The whole handshake is one SSL call bounded by the socket's timeout.
        self.sock.settimeout(self._deadline.op_timeout_s(self._read_timeout_s))
        server_hostname = getattr(self, "_tunnel_host", None) or self.host
        self.sock = self._context.wrap_socket(self.sock, server_hostname=server_hostname)


def _parse_retry_after(value: str | None, now_s: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delay-seconds or an HTTP-date)."""
    if value is None:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit() and len(value) <= 9:
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(when.timestamp() - now_s, 0.0)


def _same_origin_or_upgrade(origin: urllib.parse.SplitResult, target: urllib.parse.SplitResult) -> bool:
    if not target.hostname or target.hostname.lower() != (origin.hostname or "").lower():
        return False
    try:
        origin_port, target_port = origin.port, target.port
    except ValueError:
        return False
    if target.scheme == origin.scheme:
        return target_port == origin_port
    return origin.scheme == "http" and target.scheme == "https" and target_port in (None, 443)


def _check_generic(body: Body) -> None:
    """No source serves catalog data as an HTML page.

    Judged by the content, not by ``Content-Type``: servers label data loosely (a PHP
    application may send JSON or TLE text as ``text/html``), and the source's own
    format check catches whatever else is not its data.
    """
    start = body.head.lstrip("\ufeff \t\r\n").lower()
    if start.startswith(("<!doctype html", "<html", "<head", "<body", "<title", "<meta")):
        raise SourceError(
            f"the server answered HTTP 200 with an HTML page, not catalog data "
            f"({snippet(body.head)!r}); nothing cached or stored",
            code="SOURCE_CONTENT",
            source=body.url,
        )


CATALOG_FORMATS = ("tle", "3le", "csv", "json", "xml", "kvn")


def _refusal(body: Body) -> str | None:
    """The message of a JSON error object such as Space-Track's ``{"error": "You must be logged in"}``."""
    start = body.head.lstrip("\ufeff \t\r\n")
    if not start.startswith("{"):
        return None
    try:
        value = json.loads(body.head) if body.size_bytes <= HEAD_BYTES else None
    except ValueError:
        value = None
    if isinstance(value, dict):
        for key, message in value.items():
            if str(key).lower() in ("error", "errors", "login", "message"):
                return snippet(f"{key}: {message}", 160)
        return snippet(json.dumps(value), 160)
    return snippet(start, 160)


def expect_catalog(fmt: str) -> Validator:
    """A content check for element sets served as ``fmt`` (tle, 3le, csv, json, xml, kvn).

    It reads only the head and tail of the body: a TLE/3LE body must open with a
    line 1 / line 2 pair within its first three lines, JSON must be an array that
    closes, CSV must start with an OMM header naming ``NORAD_CAT_ID``, XML must be an
    NDM/OMM document that closes, KVN must carry ``CCSDS_OMM_VERS``.  A JSON object
    where data was expected (an error reply) is ``SOURCE_REFUSED``; anything else that
    does not match is ``SOURCE_CONTENT``.  Record-level checks are the ingest's.
    """
    if fmt not in CATALOG_FORMATS:
        raise ValueError(f"unknown catalog format {fmt!r}")

    def check(body: Body) -> None:
        refusal = _refusal(body)
        if refusal is not None:
            raise SourceError(f"the server answered HTTP 200 with an error object instead of data ({refusal!r}); "
                              "nothing cached or stored", code="SOURCE_REFUSED", source=body.url)
        head = body.head.lstrip("\ufeff \t\r\n")
        tail = body.tail.rstrip(" \t\r\n")
        if fmt in ("tle", "3le"):
            lines = [ln.strip() for ln in head.splitlines() if ln.strip()][:4]
            ok = any(a.startswith("1 ") and b.startswith("2 ") for a, b in itertools.pairwise(lines))
        elif fmt == "json":
            ok = head.startswith("[") and tail.endswith("]")
        elif fmt == "csv":
            ok = "NORAD_CAT_ID" in head.split("\n", 1)[0].upper()
        elif fmt == "xml":
            lowered = head[:1024].lower()
            ok = ("<ndm" in lowered or "<omm" in lowered) and tail.lower().endswith(("</ndm>", "</omm>"))
        else:
            ok = "CCSDS_OMM_VERS" in head
        if not ok:
            raise SourceError(f"the server answered HTTP 200 but the body is not {fmt} element sets "
                              f"(starts {snippet(head)!r}); nothing cached or stored",
                              code="SOURCE_CONTENT", source=body.url)

    return check


class HttpClient:
    """A small bounded HTTP client with an on-disk cache, per-host spacing and cookies.

    ``timeout_s`` is the per-read timeout; ``deadline_s`` bounds each whole request;
    ``max_bytes`` caps a body.  ``tls_context`` replaces the default (system CAs,
    hostname checked).  ``now`` freezes the wall clock used for cache ages.
    """

    def __init__(
        self,
        *,
        cache_dir: Path | None = None,
        timeout_s: float = READ_TIMEOUT_S,
        deadline_s: float = DEFAULT_DEADLINE_S,
        max_bytes: int = MAX_BODY_BYTES,
        min_interval_s: float = 2.0,
        max_retry_wait_s: float = MAX_RETRY_WAIT_S,
        tls_context: ssl.SSLContext | None = None,
        now: float | None = None,
    ) -> None:
        self.cache_dir = cache_dir if cache_dir is not None else default_cache_dir()
        self.timeout_s = timeout_s
        self.deadline_s = deadline_s
        self.max_bytes = max_bytes
        self.min_interval_s = min_interval_s
        self.max_retry_wait_s = max_retry_wait_s
        self.cookies = http.cookiejar.CookieJar()
        self._last_request: dict[str, float] = {}
        self._clock = now
        self._tls = tls_context

    # ----------------------------------------------------------------- public surface

    def cached(self, url: str, *, max_age_s: float, data: bytes | None = None,
               validate: Validator | None = None) -> Fetched | None:
        """The cached copy of ``url`` if it is younger than ``max_age_s`` and still valid."""
        path = self._cache_path(url, data)
        if max_age_s <= 0 or not path.is_file():
            return None
        try:
            age = self._now() - path.stat().st_mtime
            if age > max_age_s:
                return None
            body = self._describe(url, path, "")
            _check_generic(body)
            if validate is not None:
                validate(body)
            with open(path, "rb") as f:
                self._check_utf8(url, f)
        except OrbitwatchError:
            path.unlink(missing_ok=True)  # a bad copy (e.g. from an older orbitwatch) is dropped
            return None
        except OSError:
            return None
        return Fetched(url, True, age, body.size_bytes, path=path)

    def get_text(
        self,
        url: str,
        *,
        max_age_s: float = 0.0,
        data: bytes | None = None,
        cache: bool = True,
        validate: Validator | None = None,
        deadline: Deadline | None = None,
    ) -> Fetched:
        """GET (or POST when ``data`` is given) ``url``; reuse a cached copy younger than ``max_age_s``.

        ``validate(body)`` raises :class:`SourceError` when the content is not what the
        source serves; it runs before anything is cached or returned.  ``deadline``
        (default: a new one of ``deadline_s``) bounds the whole call.
        """
        if cache:
            hit = self.cached(url, max_age_s=max_age_s, data=data, validate=validate)
            if hit is not None:
                return hit
        deadline = deadline if deadline is not None else Deadline(self.deadline_s)
        part = self._download(url, data, deadline, validate)
        try:
            size = part.stat().st_size
            if cache:
                path = self._cache_path(url, data)
                os.replace(part, path)
                return Fetched(url, False, 0.0, size, path=path)
            return Fetched(url, False, 0.0, size, body=part.read_text(encoding="utf-8"))
        except OSError as exc:
            raise SourceError(f"cannot write the download cache in {self.cache_dir}: {exc}",
                              code="SOURCE_CACHE", source=url) from None
        finally:
            part.unlink(missing_ok=True)

    # ----------------------------------------------------------------- internals

    def _now(self) -> float:
        return self._clock if self._clock is not None else time.time()

    def _cache_path(self, url: str, data: bytes | None) -> Path:
        key = hashlib.sha256(url.encode() + b"\0" + (data or b"")).hexdigest()[:32]
        return self.cache_dir / f"{key}.txt"

    def _tls_context(self) -> ssl.SSLContext:
        if self._tls is None:
            self._tls = ssl.create_default_context()
        return self._tls

    def _space_requests(self, url: str, host: str, deadline: Deadline) -> None:
        last = self._last_request.get(host)
        if last is not None:
            wait = self.min_interval_s - (time.monotonic() - last)
            if wait > 0:
                if wait >= deadline.remaining_s():
                    raise SourceError(
                        f"the {self.min_interval_s:g} s spacing between requests to {host} does not fit in "
                        f"the {deadline.seconds:g} s deadline; nothing stored",
                        code="SOURCE_DEADLINE", source=url)
                time.sleep(wait)
        self._last_request[host] = time.monotonic()

    def _new_part(self, url: str) -> Path:
        try:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            cutoff = time.time() - STALE_PART_S
            for old in self.cache_dir.glob("*.part"):
                try:
                    if old.stat().st_mtime < cutoff:
                        old.unlink()
                except OSError:
                    pass
            fd, name = tempfile.mkstemp(dir=self.cache_dir, suffix=".part")
            os.close(fd)
        except OSError as exc:
            raise SourceError(f"cannot use the download cache {self.cache_dir}: {exc}",
                              code="SOURCE_CACHE", source=url) from None
        return Path(name)

    def _describe(self, url: str, path: Path, content_type: str) -> Body:
        size = path.stat().st_size
        with open(path, "rb") as f:
            head = f.read(HEAD_BYTES)
            f.seek(max(size - HEAD_BYTES, 0))
            tail = f.read(HEAD_BYTES)
        return Body(url, head.decode("utf-8", "replace"), tail.decode("utf-8", "replace"), size, content_type)

    @staticmethod
    def _check_utf8(url: str, f: io.BufferedIOBase | Any) -> None:
        decoder = codecs.getincrementaldecoder("utf-8")()
        offset = 0
        try:
            while chunk := f.read(CHUNK_BYTES):
                decoder.decode(chunk)
                offset += len(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            raise SourceError(f"the cached copy has non-UTF-8 data near byte {offset + exc.start:,}: {exc.reason}",
                              code="SOURCE_ENCODING", source=url) from None

    def _proxy_for(self, parts: urllib.parse.SplitResult) -> tuple[str, int] | None:
        if parts.scheme != "https" or not parts.hostname:
            return None
        proxy = urllib.request.getproxies().get("https")
        if not proxy or urllib.request.proxy_bypass(parts.hostname):
            return None
        pp = urllib.parse.urlsplit(proxy if "://" in proxy else "http://" + proxy)
        if not pp.hostname:
            return None
        return pp.hostname, pp.port or 3128

    def _download(self, url: str, data: bytes | None, deadline: Deadline, validate: Validator | None) -> Path:
        """Follow same-origin redirects and Retry-After; the validated body is in the returned file."""
        origin = urllib.parse.urlsplit(url)
        if origin.scheme not in ("http", "https") or not origin.hostname:
            raise SourceError(f"{url!r} is not an http(s) URL", code="SOURCE_URL", source=url)
        current, method, payload = url, "POST" if data is not None else "GET", data
        redirects = retries = 0
        while True:
            status, reason, headers, part = self._exchange(url, current, method, payload, deadline)
            at = "" if current == url else f" (redirected to {current})"
            if status == 200:
                assert part is not None
                try:
                    body = self._describe(url, part, headers.get("Content-Type", ""))
                    _check_generic(body)
                    if validate is not None:
                        validate(body)
                except BaseException:
                    part.unlink(missing_ok=True)
                    raise
                return part
            if status in REDIRECT_STATUSES:
                location = headers.get("Location")
                target = urllib.parse.urljoin(current, location) if location else ""
                if not location or not _same_origin_or_upgrade(origin, urllib.parse.urlsplit(target)):
                    where = urllib.parse.urlsplit(target).netloc if location else "nowhere (no Location)"
                    raise SourceError(
                        f"redirected{at} (HTTP {status}) to {snippet(where)!r}, another host or scheme; "
                        "only same-host redirects are followed; nothing fetched from there, nothing stored",
                        code="SOURCE_REDIRECT", source=url)
                redirects += 1
                if redirects > MAX_REDIRECTS:
                    raise SourceError(f"redirected more than {MAX_REDIRECTS} times; nothing stored",
                                      code="SOURCE_REDIRECT", source=url)
                if status in (301, 302, 303) and method == "POST":
                    method, payload = "GET", None
                current = target
                continue
            if status in (429, 503):
                wait = _parse_retry_after(headers.get("Retry-After"), self._now())
                if wait is not None or status == 429:
                    if (wait is not None and wait <= self.max_retry_wait_s and retries < MAX_RETRIES
                            and wait < deadline.remaining_s()):
                        retries += 1
                        time.sleep(wait)
                        continue
                    if wait is None:
                        hint = "without a Retry-After time; wait a few minutes"
                    else:
                        when = datetime.fromtimestamp(self._now() + wait, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
                        hint = f"asking to retry after {wait:.0f} s (at {when})"
                    raise SourceError(f"answered HTTP {status}{at} {hint}; nothing stored",
                                      code="SOURCE_RATE_LIMITED", source=url)
            raise SourceError(f"answered HTTP {status} {snippet(reason, 60)}{at}; stopped, nothing cached or stored",
                              code=f"SOURCE_HTTP_{status}", source=url)

    def _exchange(self, url: str, current: str, method: str, payload: bytes | None,
                  deadline: Deadline) -> tuple[int, str, http.client.HTTPMessage, Path | None]:
        """One request/response; a 200 body is streamed into a ``.part`` file (capped)."""
        parts = urllib.parse.urlsplit(current)
        host = parts.hostname or ""
        self._space_requests(url, parts.netloc, deadline)
        request = urllib.request.Request(current, data=payload, method=method)
        self.cookies.add_cookie_header(request)
        headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "identity", "Connection": "close"}
        if request.get_header("Cookie"):
            headers["Cookie"] = str(request.get_header("Cookie"))
        if payload is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        conn: _Connection
        proxy = self._proxy_for(parts)
        if parts.scheme == "https":
            conn = _TLSConnection(proxy[0] if proxy else host, proxy[1] if proxy else parts.port,
                                  deadline=deadline, read_timeout_s=self.timeout_s, context=self._tls_context())
            if proxy:
                conn.set_tunnel(host, parts.port)
        else:
            conn = _Connection(host, parts.port, deadline=deadline, read_timeout_s=self.timeout_s)
        phase = "connect"
        part: Path | None = None
        received = 0
        try:
            conn.connect()
            phase = "request"
            conn.request(method, target, body=payload, headers=headers)
            phase = "response"
            response = conn.getresponse()
            self.cookies.extract_cookies(response, request)
            if response.status != 200:
                return response.status, response.reason, response.msg, None
            declared = response.length
            if declared is not None and declared > self.max_bytes:
                raise self._too_large(url, f"declares {declared:,} bytes")
            phase = "body"
            part = self._new_part(url)
            with open(part, "wb") as out:
                decoder = codecs.getincrementaldecoder("utf-8")()
                while chunk := response.read(CHUNK_BYTES):
                    received += len(chunk)
                    if received > self.max_bytes:
                        raise self._too_large(url, f"sent more than {self.max_bytes:,} bytes")
                    try:
                        decoder.decode(chunk)
                    except UnicodeDecodeError as exc:
                        raise SourceError(
                            f"the server sent non-UTF-8 data near byte {received - len(chunk) + exc.start:,}: "
                            f"{exc.reason}; nothing cached or stored", code="SOURCE_ENCODING", source=url) from None
                    out.write(chunk)
                if response.length:  # bytes still owed by Content-Length
                    raise http.client.IncompleteRead(b"", response.length)
                try:
                    decoder.decode(b"", final=True)
                except UnicodeDecodeError:
                    raise SourceError("the server sent non-UTF-8 data (a character cut at the end); nothing stored",
                                      code="SOURCE_ENCODING", source=url) from None
            return 200, response.reason, response.msg, part
        except SourceError:
            if part is not None:
                part.unlink(missing_ok=True)
            raise
        except (OSError, http.client.HTTPException, ValueError) as exc:
            if part is not None:
                part.unlink(missing_ok=True)
            raise self._transport_error(url, current, exc, phase, conn.bytes_read, deadline) from None
        finally:
            conn.close()

    def _too_large(self, url: str, what: str) -> SourceError:
        return SourceError(f"the answer {what}, over the {self.max_bytes:,}-byte limit; download dropped, "
                           "nothing cached or stored", code="SOURCE_TOO_LARGE", source=url)

    def _transport_error(self, url: str, current: str, exc: BaseException, phase: str, received: int,
                         deadline: Deadline) -> SourceError:
        netloc = urllib.parse.urlsplit(current).netloc
        detail = snippet(str(exc) or type(exc).__name__, 120)
        if deadline.expired():
            return SourceError(
                f"{netloc} did not complete the request within its {deadline.seconds:g} s deadline "
                f"(during {phase}, after {received:,} bytes); nothing cached or stored",
                code="SOURCE_DEADLINE", source=url)
        if isinstance(exc, http.client.IncompleteRead):
            owed = f"{exc.expected:,} announced bytes missing" if isinstance(exc.expected, int) else "chunk cut"
            return SourceError(f"{netloc} sent a short body ({owed}, closed after {received:,} bytes); "
                               "nothing cached or stored",
                               code="SOURCE_TRUNCATED", source=url)
        if isinstance(exc, ConnectionError):  # includes RemoteDisconnected
            return SourceError(f"{netloc} reset or closed the connection during {phase} "
                               f"(after {received:,} bytes): {detail}; nothing cached or stored",
                               code="SOURCE_CONNECTION_RESET" if phase != "connect" else "SOURCE_OFFLINE",
                               source=url)
        if isinstance(exc, ssl.SSLError | ssl.CertificateError):
            return SourceError(f"TLS with {netloc} failed: {detail}; nothing stored", code="SOURCE_TLS", source=url)
        if isinstance(exc, http.client.HTTPException | ValueError):
            return SourceError(f"{netloc} sent a malformed HTTP response ({type(exc).__name__}: {detail}); "
                               "nothing cached or stored", code="SOURCE_PROTOCOL", source=url)
        if isinstance(exc, TimeoutError) and phase != "connect":
            return SourceError(f"{netloc} sent nothing for {self.timeout_s:g} s during {phase}; nothing stored",
                               code="SOURCE_TIMEOUT", source=url)
        return SourceError(f"cannot reach {netloc}: {detail} (offline?); nothing stored",
                           code="SOURCE_OFFLINE", source=url)

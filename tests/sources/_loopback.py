"""A misbehaving HTTP server on loopback for the network-client tests.

:class:`Loopback` is a ``ThreadingHTTPServer`` on ``127.0.0.1`` port 0 whose paths
are *routes*: functions of the request handler that answer properly or not at all
(a slow drip, an endless body, a redirect elsewhere, a malformed status line, a short
body, a TCP reset ...).  Only loopback addresses are used; every loop is bounded (by a
byte count and by the server's stop event, set on close).
"""

from __future__ import annotations

import gzip
import http.server
import socket
import ssl
import struct
import subprocess
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

STATIONS = "history/celestrak-groups-2026-05-24_30/stations-history-2026-05-24_30.tle.gz"


def first_3le(shared_data: Path, n_objects: int) -> str:
    """The first element set of each of the first ``n_objects`` objects of a real CelesTrak 3LE file."""
    with gzip.open(shared_data / STATIONS, "rt") as f:
        lines = [line.rstrip("\n") for line in f]
    out: list[str] = []
    seen: set[str] = set()
    i = 0
    while i + 2 < len(lines) and len(seen) < n_objects:
        if lines[i + 1].startswith("1 ") and lines[i + 2].startswith("2 "):
            norad = lines[i + 1][2:7]
            if norad not in seen:
                seen.add(norad)
                out += lines[i : i + 3]
            i += 3
        else:
            i += 1
    return "\n".join(out) + "\n"


Route = Callable[["_Handler"], None]
WRITE_ERRORS = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, OSError)


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def _dispatch(self) -> None:
        parts = urllib.parse.urlsplit(self.path)
        body = b""
        if self.command == "POST":
            body = self.rfile.read(int(self.headers.get("Content-Length", 0) or 0))
        srv = self.server.owner
        with srv.lock:
            srv.hits.append(f"{self.command} {self.path}")
            srv.bodies.append(body)
            srv.cookies.append(self.headers.get("Cookie"))
        route = srv.routes.get(parts.path)
        if route is None:
            status(404, b"no such route")(self)
        else:
            route(self)
        self.close_connection = True

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def log_message(self, *args: object) -> None:
        pass

    def write(self, data: bytes) -> bool:
        """Write and count; False once the client has gone."""
        try:
            self.wfile.write(data)
            self.wfile.flush()
        except WRITE_ERRORS:
            return False
        with self.server.owner.lock:
            self.server.owner.sent_bytes += len(data)
        return True


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    owner: Loopback

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # the routes misbehave on purpose


class Loopback:
    """The server, its routes and what it saw (``hits``: ``"GET /path?query"``)."""

    def __init__(self, host: str = "127.0.0.1", tls: ssl.SSLContext | None = None) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: list[str] = []
        self.bodies: list[bytes] = []
        self.cookies: list[str | None] = []
        self.sent_bytes = 0
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self._httpd = _Server((host, 0), _Handler)
        self._httpd.owner = self
        if tls is not None:
            self._httpd.socket = tls.wrap_socket(self._httpd.socket, server_side=True)
        self.port = int(self._httpd.server_address[1])
        self.base = f"{'https' if tls else 'http'}://{host}:{self.port}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)
        self._thread.start()

    def url(self, path: str) -> str:
        return self.base + path

    def close(self) -> None:
        self.stop.set()
        self._httpd.shutdown()
        self._httpd.server_close()


@contextmanager
def loopback(tls: ssl.SSLContext | None = None) -> Iterator[Loopback]:
    server = Loopback(tls=tls)
    try:
        yield server
    finally:
        server.close()


def self_signed_certificate(directory: Path) -> Path:
    """A throw-away certificate and key for ``127.0.0.1`` (one PEM file), made with the openssl CLI."""
    pem = directory / "loopback.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(pem), "-out", str(directory / "cert.pem")],
        check=True, capture_output=True, timeout=60,
    )
    pem.write_text(pem.read_text() + (directory / "cert.pem").read_text())
    return pem


def server_tls(pem: Path) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(pem)
    return ctx


@contextmanager
def silent_listener() -> Iterator[int]:
    """A port that completes TCP connections (kernel backlog) but never answers or accepts."""
    sock = socket.socket()
    try:
        sock.bind(("127.0.0.1", 0))
        sock.listen(4)
        yield int(sock.getsockname()[1])
    finally:
        sock.close()


# ------------------------------------------------------------------ routes


def _head(code: int, headers: dict[str, str]) -> bytes:
    reason = http.server.BaseHTTPRequestHandler.responses.get(code, ("Unknown",))[0]
    lines = [f"HTTP/1.1 {code} {reason}"] + [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def status(code: int, body: bytes = b"", headers: dict[str, str] | None = None,
           content_type: str = "text/plain; charset=utf-8") -> Route:
    """A well-formed answer with this status, body and headers."""

    def route(h: _Handler) -> None:
        all_headers = {"Content-Type": content_type, "Content-Length": str(len(body)), "Connection": "close"}
        all_headers.update(headers or {})
        h.write(_head(code, all_headers) + body)

    return route


def ok(body: bytes, content_type: str = "text/plain; charset=utf-8", headers: dict[str, str] | None = None) -> Route:
    return status(200, body, headers, content_type)


def redirect(code: int, location: str) -> Route:
    return status(code, b"", {"Location": location})


def sequence(routes: Sequence[Route]) -> Route:
    """The n-th request gets ``routes[n]`` (the last one repeats)."""
    count = [0]
    lock = threading.Lock()

    def route(h: _Handler) -> None:
        with lock:
            n = min(count[0], len(routes) - 1)
            count[0] += 1
        routes[n](h)

    return route


def drip(body: bytes, *, interval_s: float, drip_headers: bool) -> Route:
    """A valid 200 answer sent one byte every ``interval_s`` (headers too if ``drip_headers``)."""

    def route(h: _Handler) -> None:
        head = _head(200, {"Content-Type": "text/plain", "Content-Length": str(len(body)), "Connection": "close"})
        data = head + body
        start = 0
        if not drip_headers:
            if not h.write(head):
                return
            start = len(head)
        for i in range(start, len(data)):
            if h.server.owner.stop.wait(interval_s) or not h.write(data[i : i + 1]):
                return

    return route


def endless(unit: bytes, *, total_bytes: int, declare_length: int | None = None) -> Route:
    """A 200 answer repeating ``unit`` up to ``total_bytes`` (or until the client leaves).

    Without ``declare_length`` the body has no Content-Length and ends when the
    connection closes; with it, that length is announced.
    """

    def route(h: _Handler) -> None:
        headers = {"Content-Type": "text/plain", "Connection": "close"}
        if declare_length is not None:
            headers["Content-Length"] = str(declare_length)
        if not h.write(_head(200, headers)):
            return
        chunk = unit * max(1, 65536 // len(unit))
        sent = 0
        while sent < total_bytes and not h.server.owner.stop.is_set():
            if not h.write(chunk):
                return
            sent += len(chunk)

    return route


def raw(data: bytes) -> Route:
    """Exactly these bytes, then the connection closes (e.g. a malformed status line)."""

    def route(h: _Handler) -> None:
        h.write(data)

    return route


def short_body(body: bytes, *, declared: int) -> Route:
    """Announce ``declared`` bytes, send ``body`` (fewer), close."""
    return raw(_head(200, {"Content-Type": "text/plain", "Content-Length": str(declared),
                           "Connection": "close"}) + body)


def reset(after: bytes = b"") -> Route:
    """Send ``after`` (maybe nothing), then abort the connection with a TCP RST."""

    def route(h: _Handler) -> None:
        if after:
            h.write(after)
            time.sleep(0.05)
        h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        h.connection.close()

    return route

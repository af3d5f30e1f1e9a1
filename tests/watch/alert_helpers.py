"""Shared by the alert tests: a small real replay (two relocating GEO objects of the staged
OMM history, manoeuvres only, about 2 s) and a Standard Webhooks receiver on loopback that
checks every signature itself (hmac + hashlib, as the spec's receivers do)."""

from __future__ import annotations

import base64
import gzip
import hashlib
import hmac
import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from orbitwatch.watch import WatchConfig, parse_config

HISTORY = "history/celestrak-active-omm-2026-07-19_08-22/active-omm-geo-history.csv.gz"
OBJECTS = (36108, 38014)  # two relocating GEO objects: about ten manoeuvre events in 102 cycles


def small_history(shared_data: Path, out: Path) -> Path:
    """The OMM CSV rows of :data:`OBJECTS` from the staged GEO history."""
    with gzip.open(shared_data / HISTORY, "rt", encoding="utf-8") as f, out.open("w", encoding="utf-8") as g:
        header = f.readline()
        g.write(header)
        col = header.strip().split(",").index("NORAD_CAT_ID")
        g.writelines(line for line in f if int(line.split(",")[col]) in OBJECTS)
    return out


def replay_config(alerts: dict[str, Any] | None = None) -> WatchConfig:
    data: dict[str, Any] = {"screening": {"enabled": False}, "rpo": {"enabled": False},
                            "replay": {"step_h": 6.0, "start_utc": "2026-07-19T18:00:00Z"}}
    if alerts:
        data["alerts"] = alerts
    return parse_config(data)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def verify(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """The Standard Webhooks check, written from the spec: HMAC-SHA256 keyed with the base64
    part of ``whsec_...`` over ``id.timestamp.body``, any of the space-separated ``v1,``
    signatures."""
    key = base64.b64decode(secret.split("_", 1)[1])
    content = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    expected = base64.b64encode(hmac.new(key, content, hashlib.sha256).digest()).decode()
    return any(sig.startswith("v1,") and hmac.compare_digest(sig[3:], expected)
               for sig in headers["webhook-signature"].split(" "))


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    body: bytes
    status: int
    verified: bool
    received: float

    @property
    def id(self) -> str:
        return self.headers["webhook-id"]

    def message(self) -> dict[str, Any]:
        return dict(json.loads(self.body))


class Receiver:
    """A webhook endpoint on 127.0.0.1: answers ``fail_first`` requests with 500, then 200."""

    def __init__(self, secret: str, *, fail_first: int = 0) -> None:
        self.secret = secret
        self.fail_first = fail_first
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                headers = {k.lower(): v for k, v in self.headers.items()}
                ok = verify(receiver.secret, headers, body)
                with receiver._lock:
                    status = 500 if len(receiver.requests) < receiver.fail_first else (200 if ok else 401)
                    receiver.requests.append(Request(self.path, headers, body, status, ok, time.time()))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def by_id(self) -> dict[str, list[Request]]:
        out: dict[str, list[Request]] = {}
        for r in self.requests:
            out.setdefault(r.id, []).append(r)
        return out


@contextmanager
def silent_listener() -> Iterator[tuple[str, socket.socket]]:
    """A URL whose TCP port accepts connections but never answers (a hung receiver)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(16)
    try:
        yield f"http://127.0.0.1:{s.getsockname()[1]}/hook", s
    finally:
        s.close()

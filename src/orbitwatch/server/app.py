"""The FastAPI application of ``orbitwatch serve`` (issue 14, "The HTTP API").

:func:`create_app` mounts the routers of :data:`ROUTERS` (everything under ``/v1`` but
``/metrics``), the OpenAPI 3.1 document at ``/openapi.json`` and its docs at ``/docs``,
the dashboard's static files at ``/`` when ``server/static/`` exists (after the API
routes, which take precedence), CORS only for configured origins, and one ASGI middleware
that enforces the body-size limit (413 ``INPUT_TOO_LARGE``, on ``Content-Length`` and on
the bytes actually received) and records request counts and latencies for ``/metrics``.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from orbitwatch import __version__
from orbitwatch.server.background import Background
from orbitwatch.server.deps import State
from orbitwatch.server.metrics import CYCLE_BUCKETS_S, LATENCY_BUCKETS_S
from orbitwatch.server.problems import StrictJSONResponse, install_handlers, problem
from orbitwatch.server.routes import (
    conjunctions,
    events,
    health,
    metrics,
    objects,
    scene,
    screenings,
    subscriptions,
    watchlists,
)
from orbitwatch.server.settings import ServerConfig

__all__ = ["ROUTERS", "STATIC_DIR", "create_app"]

#: the routers the app mounts, in this order
ROUTERS = (
    health.router,
    objects.router,
    conjunctions.router,
    events.router,
    screenings.router,
    watchlists.router,
    scene.router,  # the dashboard's CZML, relative motion and catalog elements
    subscriptions.router,
    metrics.router,
)

#: the dashboard's built files, served at / when present
STATIC_DIR = Path(__file__).parent / "static"

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class ServiceMiddleware:
    """Body-size limit and request metrics (pure ASGI, so streams pass through untouched).

    A request with a body is read whole (at most ``max_body_bytes``) before the app sees
    it, so a chunked upload without ``Content-Length`` is limited too."""

    def __init__(self, app: ASGIApp, state: State) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        t0 = time.perf_counter()
        limit = self.state.config.max_body_bytes
        too_large = problem(413, "INPUT_TOO_LARGE", f"request body over {limit:,} bytes", "body")
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            await too_large(scope, receive, send)
            self._record(scope, 413, time.perf_counter() - t0)
            return
        app_receive = receive
        if scope.get("method") in ("POST", "PUT", "PATCH") or length is not None \
                or headers.get(b"transfer-encoding") is not None:
            chunks: list[bytes] = []
            size = 0
            while True:
                message = await receive()
                if message["type"] != "http.request":  # the client went away
                    return
                chunk = message.get("body", b"")
                size += len(chunk)
                if size > limit:
                    await too_large(scope, receive, send)
                    self._record(scope, 413, time.perf_counter() - t0)
                    return
                chunks.append(chunk)
                if not message.get("more_body", False):
                    break
            body = b"".join(chunks)
            delivered = False

            async def app_receive() -> Message:
                nonlocal delivered
                if not delivered:
                    delivered = True
                    return {"type": "http.request", "body": body, "more_body": False}
                return await receive()

        status = 500

        async def tracking_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, app_receive, tracking_send)
        finally:
            self._record(scope, status, time.perf_counter() - t0)

    def _record(self, scope: Scope, status: int, seconds: float) -> None:
        route = scope.get("route")
        path = getattr(route, "path", None) or "unmatched"
        m = self.state.metrics
        m.inc("orbitwatch_http_requests_total",
              (("method", str(scope.get("method", ""))), ("route", path), ("status", str(status))))
        m.observe("orbitwatch_http_request_duration_seconds", seconds, (("route", path),))


def _register_metrics(st: State) -> None:
    m = st.metrics
    m.counter("orbitwatch_http_requests_total", "HTTP requests by method, route and status")
    m.histogram("orbitwatch_http_request_duration_seconds", "HTTP request latency by route (s)",
                LATENCY_BUCKETS_S)
    m.counter("orbitwatch_watch_cycles_total", "Watch cycles run by serve --watch")
    m.histogram("orbitwatch_watch_cycle_duration_seconds", "Watch cycle duration (s)", CYCLE_BUCKETS_S)
    m.counter("orbitwatch_watch_events_created_total", "Events created by serve --watch cycles")
    m.counter("orbitwatch_watch_events_updated_total", "Events updated by serve --watch cycles")
    m.counter("orbitwatch_deliveries_sent_total", "Alerts delivered by serve --watch")
    m.counter("orbitwatch_delivery_passes_total", "Alert-queue passes by serve --watch")


def create_app(db_path: str | Path, *, config: ServerConfig | None = None) -> FastAPI:
    """The service's application for the store at ``db_path``.  The store must exist
    (``STORE_NOT_FOUND`` otherwise); ``config.watch`` starts the watch threads with the app."""
    from orbitwatch.api import Store

    cfg = config or ServerConfig()
    db = Path(db_path)
    Store.open(db, create=False).close()  # exists, migrated, not damaged
    st = State(db, cfg)
    _register_metrics(st)
    background = Background(st)
    if cfg.watch:
        background.check()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if cfg.watch:
            background.start()
        try:
            yield
        finally:
            background.shutdown()
            st.jobs.shutdown(wait=False, cancel_futures=True)
            for proc in list(st.job_processes):
                proc.terminate()
                proc.join(5)

    app = FastAPI(
        title="orbitwatch", version=__version__, lifespan=lifespan, default_response_class=StrictJSONResponse,
        description="The open watch of the orbital catalog: objects, conjunctions, events, screenings and "
                    "alert subscriptions. Every /v1 route but /v1/health needs an API key in X-API-Key "
                    "(orbitwatch keys create). Errors are {code, message, field} with the library's codes.",
        responses={
            400: {"model": _error_model(), "description": "bad input (INPUT_*, TIME_*)"},
            401: {"model": _error_model(), "description": "AUTH_MISSING, AUTH_INVALID"},
            403: {"model": _error_model(), "description": "AUTH_SCOPE"},
            404: {"model": _error_model(), "description": "NOT_FOUND"},
            413: {"model": _error_model(), "description": "INPUT_TOO_LARGE"},
            422: {"model": _error_model(), "description": "INPUT_INVALID, parse errors"},
            429: {"model": _error_model(), "description": "RATE_LIMITED (Retry-After)"},
            503: {"model": _error_model(), "description": "STORE_LOCKED (Retry-After)"},
        },
    )
    app.state.orbitwatch = st
    install_handlers(app)
    for router in ROUTERS:
        app.include_router(router)
    if cfg.cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(CORSMiddleware, allow_origins=list(cfg.cors_origins), allow_methods=["*"],
                           allow_headers=["X-API-Key", "Content-Type"])
    if STATIC_DIR.is_dir():
        app.mount("/", StaticFiles(directory=STATIC_DIR, html=True), name="static")
    app.add_middleware(ServiceMiddleware, state=st)
    return app


def _error_model() -> Any:
    from orbitwatch.server.models import Error

    return Error

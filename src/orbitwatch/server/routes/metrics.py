"""``GET /metrics``: Prometheus text (:mod:`orbitwatch.server.metrics`): request counts and
latency histograms by route, watch cycles and their durations, alert deliveries sent, and
the store's events by type and deliveries by status (read at scrape time).  No key: bind
the service to loopback, or put it behind a proxy, to keep it private."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse

from orbitwatch.server.deps import state_of
from orbitwatch.server.queries import count_by

router = APIRouter(tags=["metrics"])


@router.get("/metrics", response_class=PlainTextResponse, summary="Prometheus metrics",
            responses={200: {"content": {"text/plain": {}}}})
def metrics(request: Request) -> PlainTextResponse:
    st = state_of(request)
    store = st.store()
    gauges = [("orbitwatch_events", "Events in the store, by type", (("type", k),), float(v))
              for k, v in sorted(count_by(store, "events", "type").items())]
    gauges += [("orbitwatch_deliveries", "Alert deliveries in the store, by status", (("status", k),), float(v))
               for k, v in sorted(count_by(store, "deliveries", "status").items())]
    gauges += [("orbitwatch_screening_jobs", "Uploaded screening jobs, by status", (("status", k),), float(v))
               for k, v in sorted(count_by(store, "screening_jobs", "status").items())]
    return PlainTextResponse(st.metrics.render(gauges), media_type="text/plain; version=0.0.4; charset=utf-8")

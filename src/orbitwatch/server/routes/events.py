"""``/v1/events``: the watch's events (:mod:`orbitwatch.store.events`) as cursor pages, one
event, an Atom 1.0 feed (RFC 4287) of the latest, and a server-sent-events stream (the
WHATWG HTML "server-sent events" format) of events as they are created or updated.

The stream polls the store every ``sse_poll_s`` (default 1 s) for events updated since
the last poll (the store's ``updated_us``); each message is ``event: event``, ``id:
<event id>:<revision>`` and the event's JSON in ``data``.  A ``: keep-alive`` comment goes
out every 15 s of silence.
"""

from __future__ import annotations

import asyncio
import time
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator
from typing import Annotated, Any, Literal

import numpy as np
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response, StreamingResponse
from starlette.concurrency import run_in_threadpool

from orbitwatch import __version__
from orbitwatch.api import format_utc, now_utc, parse_utc
from orbitwatch.server.deps import ReadKey, State, decode_cursor, encode_cursor, state_of
from orbitwatch.server.models import Event, EventPage
from orbitwatch.server.problems import StrictJSONResponse, not_found, strict_json
from orbitwatch.store.events import get_event, list_events

router = APIRouter(prefix="/v1/events", tags=["events"])

EventType = Literal["conjunction", "maneuver", "rpo", "fragmentation", "decay", "new_object"]
ATOM_ENTRIES = 50
ATOM_NS = "http://www.w3.org/2005/Atom"


@router.get("", response_model=EventPage, summary="Events, by time")
def events(
    request: Request, _key: ReadKey,
    type: EventType | None = None,
    norad: Annotated[int | None, Query(ge=1, lt=10**9)] = None,
    since: Annotated[str | None, Query(max_length=64, description="updated at or after (ISO 8601 UTC)")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    cursor: Annotated[str | None, Query(max_length=400)] = None,
) -> Any:
    store = state_of(request).store()
    after = decode_cursor(cursor, 2)
    found = list_events(store, type=type, norad=norad, since=None if since is None else parse_utc(since, what="since"))
    rows = sorted((((e.time_utc, e.id), e) for e in found), key=lambda kr: kr[0])
    if after is not None:
        a = (str(after[0]), str(after[1]))
        rows = [kr for kr in rows if kr[0] > a]
    page = rows[:limit]
    more = len(rows) > limit
    return StrictJSONResponse({"items": [e.to_dict() for _, e in page],
                               "next_cursor": encode_cursor(list(page[-1][0])) if more and page else None})


def _atom(st: State, base: str) -> bytes:
    found = list_events(st.store())
    latest = sorted(found, key=lambda e: (e.updated_utc, e.id), reverse=True)[:ATOM_ENTRIES]
    ET.register_namespace("", ATOM_NS)
    feed = ET.Element(f"{{{ATOM_NS}}}feed")

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        el = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attrs)
        if text is not None:
            el.text = text
        return el

    sub(feed, "id", "urn:orbitwatch:events")
    sub(feed, "title", "orbitwatch events")
    sub(feed, "updated", latest[0].updated_utc if latest else str(format_utc(now_utc(), digits=3)))
    sub(feed, "generator", "orbitwatch", version=__version__)
    sub(feed, "link", rel="self", href=f"{base}v1/events/feed.atom")
    author = sub(feed, "author")
    sub(author, "name", "orbitwatch")
    for e in latest:
        entry = sub(feed, "entry")
        sub(entry, "id", f"urn:orbitwatch:event:{e.id}")
        sub(entry, "title", f"{e.type} ({e.severity}): {e.summary}"[:500])
        sub(entry, "updated", e.updated_utc)
        sub(entry, "published", e.created_utc)
        sub(entry, "category", term=e.type)
        sub(entry, "link", rel="alternate", href=f"{base}v1/events/{e.id}")
        sub(entry, "content", strict_json(e.to_dict()).decode("utf-8"), type="text")
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="utf-8")


@router.get("/feed.atom", summary="The latest events as an Atom feed",
            responses={200: {"content": {"application/atom+xml": {}}}})
def feed(request: Request, _key: ReadKey) -> Response:
    return Response(_atom(state_of(request), str(request.base_url)), media_type="application/atom+xml")


def _poll(st: State, since_us: int) -> list[dict[str, Any]]:
    return [e.to_dict() for e in list_events(st.store(), since=np.datetime64(since_us, "us"))]


async def _stream(request: Request, st: State, since_us: int) -> AsyncIterator[bytes]:
    sent: dict[str, int] = {}
    quiet = time.monotonic()
    yield b"retry: 2000\n\n"
    while True:
        if await request.is_disconnected():
            return
        for e in await run_in_threadpool(_poll, st, since_us):
            if sent.get(e["id"]) == e["revision"]:
                continue
            sent[e["id"]] = e["revision"]
            quiet = time.monotonic()
            yield (f"event: event\nid: {e['id']}:{e['revision']}\n".encode() + b"data: " + strict_json(e) + b"\n\n")
        if time.monotonic() - quiet > 15:
            quiet = time.monotonic()
            yield b": keep-alive\n\n"
        await asyncio.sleep(st.config.sse_poll_s)


@router.get("/stream", summary="New and updated events as server-sent events",
            responses={200: {"content": {"text/event-stream": {}}}})
def stream(
    request: Request, _key: ReadKey,
    since: Annotated[str | None, Query(max_length=64, description="also send events updated since (ISO 8601)")]
    = None,
) -> StreamingResponse:
    st = state_of(request)
    t0 = parse_utc(since, what="since") if since else now_utc()
    return StreamingResponse(_stream(request, st, int(t0.astype(np.int64))), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


@router.get("/{event_id}", response_model=Event, summary="One event")
def event(request: Request, event_id: str, _key: ReadKey) -> Any:
    if len(event_id) > 100:
        raise not_found("event", event_id[:100])
    e = get_event(state_of(request).store(), event_id)
    if e is None:
        raise not_found("event", event_id)
    return StrictJSONResponse(e.to_dict())

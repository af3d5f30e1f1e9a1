"""Alert delivery from the store's queue (:mod:`orbitwatch.store.events`).

A sink is named by a string: ``file:PATH`` appends one JSON line per alert to ``PATH``
(flushed and fsynced before the delivery is marked delivered).  Webhook and e-mail sinks
come with the HTTP service (issue 14); they use the same queue.

Each alert is ``{"id", "type", "timestamp_utc", "data"}``: ``id`` is the delivery's id (the
``webhook-id`` of every attempt), ``type`` ``event.created`` or ``event.updated``, ``data``
the event.  Delivery is at least once: a watch killed after writing an alert but before
marking it delivered writes it again on restart, with the same id, so a receiver
de-duplicates by id.  A failed attempt is retried on the back-off schedule of
:data:`orbitwatch.store.events.RETRY_SCHEDULE_S`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from orbitwatch.api import InputError, Store, format_utc
from orbitwatch.store.events import due_deliveries, get_event, record_attempt
from orbitwatch.watch.config import SINK_KINDS

__all__ = ["check_sink", "deliver_due", "send_to_sink"]


def check_sink(sink: str) -> tuple[str, str]:
    """``(kind, target)`` of a sink string; ``INPUT_CONFIG`` for an unknown kind."""
    kind, sep, target = sink.partition(":")
    if not sep or kind not in SINK_KINDS or not target:
        raise InputError(f"alert sink {sink!r}: expected one of {', '.join(k + ':TARGET' for k in SINK_KINDS)}",
                         code="INPUT_CONFIG", field="alerts.sinks")
    return kind, target


def send_to_sink(sink: str, message: dict[str, Any]) -> None:
    """Send one alert; raises ``OSError`` (or any exception) when it could not be sent."""
    _, target = check_sink(sink)
    line = json.dumps(message, sort_keys=True, allow_nan=False, separators=(",", ":")) + "\n"
    path = Path(target)
    with path.open("a", encoding="utf-8") as f:
        f.write(line)
        f.flush()
        os.fsync(f.fileno())


def deliver_due(
    store: Store, *, now: np.datetime64, sender: Callable[[str, dict[str, Any]], None] | None = None
) -> int:
    """Send every due alert once; returns how many were delivered (the others are queued
    again with back-off, or failed for good)."""
    send = sender or send_to_sink
    sent = 0
    for d in due_deliveries(store, now):
        event = get_event(store, d.event_id)
        if event is None:  # pragma: no cover - events are never deleted
            record_attempt(store, d.id, ok=False, outcome="event missing", now=now)
            continue
        message = {"id": d.id, "type": "event.created" if d.revision == 1 else "event.updated",
                   "timestamp_utc": str(format_utc(now, digits=3)), "data": event.to_dict()}
        try:
            send(d.sink, message)
        except Exception as exc:
            record_attempt(store, d.id, ok=False, outcome=f"{type(exc).__name__}: {exc}", now=now)
            continue
        record_attempt(store, d.id, ok=True, outcome="delivered", now=now)
        sent += 1
    return sent

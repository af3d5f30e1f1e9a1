"""Alert delivery from the store's queue (:mod:`orbitwatch.store.events`), by sink kind.

A sink is named by a string:

* ``file:PATH`` appends one JSON line per alert to ``PATH`` (flushed and fsynced before the
  delivery is marked delivered);
* ``webhook:URL`` POSTs it, signed the Standard Webhooks way (:mod:`.webhooks`) with the
  config's ``[alerts] webhook_secret`` (else ``ORBITWATCH_WEBHOOK_SECRET``);
* ``subscription:<id>`` looks the subscription up in the store
  (:mod:`orbitwatch.store.service`): a webhook one is POSTed to its URL signed with its own
  ``whsec_`` secret, an e-mail one is sent over SMTP (:mod:`.email`, settings from
  ``[alerts.smtp]`` or the environment).  A deleted or unknown subscription's deliveries
  fail for good.

Each alert is ``{"id", "type", "timestamp_utc", "data"}``: ``id`` is the delivery's id (the
``webhook-id`` of every attempt), ``type`` ``event.created`` or ``event.updated``,
``timestamp_utc`` when the alert was queued, ``data`` the event; the body is the same on
every attempt.  Delivery is at least once: a watch killed after sending an alert but before
marking it delivered sends it again on restart, with the same id, so a receiver
de-duplicates by id.  Every attempt's outcome (``HTTP 200``, ``HTTP 500``,
``TimeoutError: ...``, ``SMTP 250``) is kept; a failed attempt is retried on the back-off
schedule of :data:`orbitwatch.store.events.RETRY_SCHEDULE_S`, a target that no retry can
mend (``INPUT_TARGET``: not http(s), not an address) fails at once.  A webhook URL or SMTP
server that does not answer at all fails the pass's other alerts to it with the same
outcome, without waiting for each to time out.  Attempts are recorded 100 at a time (one
transaction each), webhook connections kept open across a pass.
"""

from __future__ import annotations

import json
import os
import smtplib
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from orbitwatch.api import InputError, Store
from orbitwatch.store.events import Delivery, due_deliveries, get_events, record_attempts
from orbitwatch.store.service import get_subscription
from orbitwatch.watch.config import AlertsConfig
from orbitwatch.watch.email import check_address, send_email, smtp_settings
from orbitwatch.watch.webhooks import ConnectionPool, post_webhook

__all__ = ["QUEUE_SINK_KINDS", "alert_body", "alert_message", "check_sink", "deliver_due", "send_to_sink"]

#: The sink kinds of the queue: the config's (``file``, ``webhook``) and the store's subscriptions.
QUEUE_SINK_KINDS = ("file", "webhook", "subscription")

Sender = Callable[[str, dict[str, Any]], None]
_PAGE = 1000
_RECORD_EVERY = 100


def check_sink(sink: str) -> tuple[str, str]:
    """``(kind, target)`` of a sink string; ``INPUT_CONFIG`` for an unknown kind."""
    kind, sep, target = sink.partition(":")
    if not sep or kind not in QUEUE_SINK_KINDS or not target:
        raise InputError(f"alert sink {sink!r}: expected one of {', '.join(k + ':TARGET' for k in QUEUE_SINK_KINDS)}",
                         code="INPUT_CONFIG", field="alerts.sinks")
    return kind, target


def alert_body(message: dict[str, Any]) -> bytes:
    """The alert as strict, compact JSON (the webhook body, the file line)."""
    return json.dumps(message, sort_keys=True, allow_nan=False, separators=(",", ":")).encode("utf-8")


def send_to_sink(sink: str, message: dict[str, Any]) -> None:
    """Append one alert to a ``file:`` sink; raises ``OSError`` when it could not be written."""
    kind, target = check_sink(sink)
    if kind != "file":
        raise InputError(f"send_to_sink writes file: sinks, not {kind}:", code="INPUT_INVALID", field="sink")
    with Path(target).open("ab") as f:
        f.write(alert_body(message) + b"\n")
        f.flush()
        os.fsync(f.fileno())


def alert_message(d: Delivery, event: dict[str, Any]) -> dict[str, Any]:
    """The alert of delivery ``d`` (the same on every attempt)."""
    return {"id": d.id, "type": "event.created" if d.revision == 1 else "event.updated",
            "timestamp_utc": d.created_utc, "data": event}


class _Attempt:
    """One pass's dispatcher: remembers the targets that did not answer."""

    def __init__(self, store: Store, config: AlertsConfig, clock: Callable[[], float]) -> None:
        self.store = store
        self.config = config
        self.clock = clock
        self.down: dict[str, str] = {}
        self.pool = ConnectionPool(config.timeout_s)

    def send(self, sink: str, message: dict[str, Any]) -> tuple[bool, str, bool]:
        """``(ok, outcome, final)``."""
        try:
            kind, target = check_sink(sink)
        except InputError as exc:
            return False, f"{exc.code}: {exc}", True
        if kind == "file":
            try:
                send_to_sink(sink, message)
            except OSError as exc:
                return False, f"{type(exc).__name__}: {exc}", False
            return True, "delivered", False
        if kind == "webhook":
            secret = self.config.webhook_secret or os.environ.get("ORBITWATCH_WEBHOOK_SECRET")
            if not secret:
                return False, "INPUT_CONFIG: no webhook_secret for webhook: sinks", False
            return self._webhook(target, secret, message)
        sub = get_subscription(self.store, target)
        if sub is None or sub.deleted_utc is not None:
            return False, f"subscription {target} {'deleted' if sub is not None else 'unknown'}", True
        if sub.kind == "webhook":
            if not sub.secret:
                return False, "INPUT_TARGET: webhook subscription without a secret", True
            return self._webhook(sub.target, sub.secret, message)
        if sub.kind == "email":
            return self._email(sub.target, message)
        return False, f"INPUT_TARGET: subscription kind {sub.kind!r}", True

    def _webhook(self, url: str, secret: str, message: dict[str, Any]) -> tuple[bool, str, bool]:
        if url in self.down:
            return False, self.down[url], False
        try:
            r = post_webhook(url, secret, message["id"], alert_body(message), timeout_s=self.config.timeout_s,
                             clock=self.clock, pool=self.pool)
        except InputError as exc:
            return False, f"{exc.code}: {exc}", True
        if r.unreachable:
            self.down[url] = r.outcome
        return r.ok, r.outcome, False

    def _email(self, to: str, message: dict[str, Any]) -> tuple[bool, str, bool]:
        try:
            check_address(to)
        except InputError as exc:
            return False, f"{exc.code}: {exc}", True
        if "smtp" in self.down:
            return False, self.down["smtp"], False
        try:
            settings = smtp_settings(self.config.smtp)
            return True, send_email(settings, to, message, base_url=self.config.base_url,
                                    timeout_s=self.config.timeout_s, clock=self.clock), False
        except InputError as exc:
            return False, f"{exc.code}: {exc}", exc.code == "INPUT_TARGET"
        except (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError) as exc:
            self.down["smtp"] = f"{type(exc).__name__}: {exc}"[:300]
            return False, self.down["smtp"], False
        except smtplib.SMTPException as exc:  # the server answered with an error (e.g. a refused recipient)
            return False, f"{type(exc).__name__}: {exc}"[:300], False
        except (OSError, EOFError) as exc:  # no answer, refused, timed out, TLS: the server is down
            self.down["smtp"] = f"{type(exc).__name__}: {exc}"[:300]
            return False, self.down["smtp"], False


def deliver_due(
    store: Store,
    *,
    now: np.datetime64,
    sender: Sender | None = None,
    config: AlertsConfig | None = None,
    clock: Callable[[], float] = time.time,
) -> int:
    """Send every alert due at ``now`` once; returns how many were delivered (the others are
    queued again with back-off, or failed for good).  ``now`` is the queue's clock (a replay
    passes its replayed time); ``clock`` the wall clock of the ``webhook-timestamp`` and the
    e-mail ``Date``.  ``sender(sink, message)``, when given, replaces the dispatch by kind
    (raising is a failed attempt).  Returns when no alert is due any more."""
    cfg = config or AlertsConfig()
    attempt = _Attempt(store, cfg, clock)
    sent = 0
    seen: set[str] = set()
    try:
        while True:
            due = [d for d in due_deliveries(store, now, limit=_PAGE) if d.id not in seen]
            if not due:
                return sent
            events = get_events(store, [d.event_id for d in due])
            done: list[tuple[str, bool, str, bool]] = []
            for d in due:
                seen.add(d.id)
                event = events.get(d.event_id)
                if event is None:  # pragma: no cover - events are never deleted
                    done.append((d.id, False, "event missing", True))
                    continue
                message = alert_message(d, event.to_dict())
                final = False
                if sender is not None:
                    try:
                        sender(d.sink, message)
                        ok, outcome = True, "delivered"
                    except Exception as exc:
                        ok, outcome = False, f"{type(exc).__name__}: {exc}"
                else:
                    ok, outcome, final = attempt.send(d.sink, message)
                done.append((d.id, ok, outcome, final))
                sent += ok
                if len(done) >= _RECORD_EVERY:  # at most this many are sent again after a kill
                    record_attempts(store, done, now=now)
                    done = []
            record_attempts(store, done, now=now)
    finally:
        attempt.pool.close()

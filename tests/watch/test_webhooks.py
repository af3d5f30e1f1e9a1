"""Issue 14, acceptance 3 (webhooks): a receiver on loopback verifies every Standard Webhooks
signature itself, answers 500 at first, and sees the retries under the same ``webhook-id``;
the attempts and their outcomes are kept in the store.

Retries are made due by advancing the queue's clock (``now``), never by sleeping.  The
expected signatures are computed in :mod:`alert_helpers` from the spec (hmac + hashlib),
not by the code under test.
"""

from __future__ import annotations

import base64
import time
from pathlib import Path

import numpy as np
import pytest

from orbitwatch.errors import InputError
from orbitwatch.store import Store
from orbitwatch.store.events import Finding, list_deliveries, list_events, upsert_events
from orbitwatch.store.service import create_subscription, delete_subscription
from orbitwatch.watch import replay
from orbitwatch.watch.alerts import deliver_due
from orbitwatch.watch.config import AlertsConfig
from orbitwatch.watch.subscriptions import SubscriptionRouter, check_target
from orbitwatch.watch.webhooks import check_url, signature

from .alert_helpers import Receiver, replay_config, silent_listener, small_history

T0 = np.datetime64("2026-07-20T00:00:00", "us")


def _s(seconds: float) -> np.timedelta64:
    return np.timedelta64(int(seconds * 1e6), "us")


def _finding(norad: int = 43632, summary: str = "decay") -> Finding:
    return Finding(type="decay", dedupe_key=str(norad), time=T0, norads=(norad,), severity="low",
                   summary=summary, details={"perigee_km": 140.0}, evidence={})


def test_signature_matches_the_spec_example() -> None:
    # The worked example of the Standard Webhooks reference libraries (standard-webhooks/
    # standard-webhooks, libraries/python/tests: "test_sign_function").
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = b'{"test": 2432232314}'
    assert signature(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body) == \
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_retries_after_500_keep_the_webhook_id_on_a_real_replay(shared_data: Path, tmp_path: Path) -> None:
    history = small_history(shared_data, tmp_path / "geo.csv")
    with Store.open(tmp_path / "w.db") as store:
        sub = create_subscription(store, "webhook", "http://placeholder.invalid/", {"types": ["maneuver"],
                                                                                   "norad": [38014]})
        assert sub.secret is not None and sub.secret.startswith("whsec_")
        with Receiver(sub.secret, fail_first=2) as rx:
            store._conn.execute("UPDATE subscriptions SET target = ? WHERE id = ?", (rx.url, sub.id))
            store._conn.commit()
            cfg = replay_config({"sinks": [f"file:{tmp_path / 'all.jsonl'}"]})
            n = sum(1 for _ in replay(store, [history], cfg))
        events = list_events(store)
        deliveries = list_deliveries(store)
    assert n > 50
    expected = {e.id for e in events if e.type == "maneuver" and 38014 in {o.norad for o in e.objects}}
    assert len(expected) >= 4
    mine = [d for d in deliveries if d.sink == sub.sink]
    # the subscription hears of exactly the revisions that the catch-all file sink hears of, for its events
    file_revisions = {(d.event_id, d.revision) for d in deliveries if d.sink.startswith("file:")}
    assert {(d.event_id, d.revision) for d in mine} == {x for x in file_revisions if x[0] in expected}
    assert {d.event_id for d in mine} == expected

    assert rx.requests and all(r.verified for r in rx.requests)
    assert all(abs(int(r.headers["webhook-timestamp"]) - r.received) < 300 for r in rx.requests)
    assert {r.path for r in rx.requests} == {"/hook"}
    assert [r.status for r in rx.requests[:2]] == [500, 500] and {r.status for r in rx.requests[2:]} == {200}
    seen = rx.by_id()
    assert set(seen) == {d.id for d in mine}
    for d in mine:
        attempts = seen[d.id]
        # every delivery ends with one 200; the ones answered 500 came back under the same id, same body
        assert [a.status for a in attempts][-1] == 200 and [a.status for a in attempts].count(200) == 1
        assert len({a.body for a in attempts}) == 1
        m = attempts[0].message()
        assert m["id"] == d.id and m["data"]["id"] == d.event_id
        assert m["type"] == ("event.created" if d.revision == 1 else "event.updated")
        assert (d.status, d.attempts, d.outcome) == ("delivered", len(attempts), "HTTP 200")
    retried = [d for d in mine if d.attempts > 1]
    assert retried and sum(d.attempts - 1 for d in retried) == 2


def test_backoff_schedule_over_http(tmp_path: Path) -> None:
    with Store.open(tmp_path / "w.db") as store:
        sub = create_subscription(store, "webhook", "http://127.0.0.1:9/")
        assert sub.secret is not None
        with Receiver(sub.secret, fail_first=2) as rx:
            store._conn.execute("UPDATE subscriptions SET target = ? WHERE id = ?", (rx.url, sub.id))
            store._conn.commit()
            upsert_events(store, [_finding()], cycle_key="c1", now=T0, route=SubscriptionRouter(store))
            assert deliver_due(store, now=T0) == 0
            assert deliver_due(store, now=T0 + _s(59)) == 0 and len(rx.requests) == 1  # 1 min back-off
            assert deliver_due(store, now=T0 + _s(60)) == 0
            assert deliver_due(store, now=T0 + _s(60 + 299)) == 0 and len(rx.requests) == 2  # then 5 min
            assert deliver_due(store, now=T0 + _s(360)) == 1
            assert deliver_due(store, now=T0 + _s(86400)) == 0
        (d,) = list_deliveries(store)
    assert [r.status for r in rx.requests] == [500, 500, 200]
    assert {r.id for r in rx.requests} == {d.id} and len({r.body for r in rx.requests}) == 1
    assert all(r.verified for r in rx.requests)
    assert (d.status, d.attempts, d.outcome, d.last_attempt_utc) == ("delivered", 3, "HTTP 200",
                                                                     "2026-07-20T00:06:00.000Z")


def test_config_webhook_sink_is_signed_with_the_config_secret(tmp_path: Path) -> None:
    secret = "whsec_" + base64.b64encode(b"orbitwatch test key 0123456789").decode()
    with Receiver(secret) as rx, Store.open(tmp_path / "w.db") as store:
        alerts = AlertsConfig(sinks=(f"webhook:{rx.url}",), webhook_secret=secret)
        upsert_events(store, [_finding(1), _finding(2)], cycle_key="c1", now=T0, sinks=alerts.sinks)
        assert deliver_due(store, now=T0, config=alerts) == 2
        # without the secret, nothing verifies: the receiver answers 401, a failed attempt
        upsert_events(store, [_finding(3)], cycle_key="c2", now=T0, sinks=alerts.sinks)
        wrong = AlertsConfig(sinks=alerts.sinks, webhook_secret="whsec_" + base64.b64encode(b"other").decode())
        assert deliver_due(store, now=T0, config=wrong) == 0
        outcomes = sorted((d.status, d.outcome) for d in list_deliveries(store))
    assert [r.verified for r in rx.requests] == [True, True, False]
    assert {r.message()["data"]["objects"][0]["norad"] for r in rx.requests[:2]} == {1, 2}
    assert outcomes == [("delivered", "HTTP 200"), ("delivered", "HTTP 200"), ("queued", "HTTP 401")]


def test_unreachable_target_fails_once_per_pass_and_is_retried(tmp_path: Path) -> None:
    with silent_listener() as (url, _), Store.open(tmp_path / "w.db") as store:
        sub = create_subscription(store, "webhook", url)
        upsert_events(store, [_finding(1), _finding(2), _finding(3)], cycle_key="c1", now=T0,
                      route=SubscriptionRouter(store))
        t = time.monotonic()
        assert deliver_due(store, now=T0, config=AlertsConfig(timeout_s=1.0)) == 0
        elapsed = time.monotonic() - t
        ds = list_deliveries(store)
    assert 1.0 <= elapsed < 2.6  # one timeout for the pass, not three
    assert {(d.status, d.attempts, d.sink) for d in ds} == {("queued", 1, sub.sink)}
    assert {d.next_attempt_utc for d in ds} == {"2026-07-20T00:01:00.000Z"}
    assert all("timed out" in (d.outcome or "").lower() or "timeout" in (d.outcome or "").lower() for d in ds)


def test_refused_targets_fail_at_once(tmp_path: Path) -> None:
    for url in ("ftp://example.org/x", "file:///etc/passwd", "http://", "javascript:alert(1)", "http://a b/"):
        with pytest.raises(InputError) as info:
            check_target("webhook", url)
        assert info.value.code == "INPUT_TARGET"
    assert check_url("https://example.org:8443/hook?x=1") == "https://example.org:8443/hook?x=1"
    with Store.open(tmp_path / "w.db") as store:
        # store.service takes any target; the delivery refuses what is not http(s)
        bad = create_subscription(store, "webhook", "file:///etc/passwd")
        gone = create_subscription(store, "webhook", "http://127.0.0.1:9/")
        upsert_events(store, [_finding()], cycle_key="c1", now=T0, route=SubscriptionRouter(store))
        assert delete_subscription(store, gone.id)
        assert deliver_due(store, now=T0) == 0
        out = {d.sink: d for d in list_deliveries(store)}
        assert deliver_due(store, now=T0 + _s(86400)) == 0
    assert (out[bad.sink].status, out[bad.sink].attempts) == ("failed", 1)
    assert (out[bad.sink].outcome or "").startswith("INPUT_TARGET")
    assert (out[gone.sink].status, out[gone.sink].outcome) == ("failed", f"subscription {gone.id} deleted")

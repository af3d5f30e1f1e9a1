"""The rest of the live service (tests/server/conftest.py): the Atom feed, the SSE stream,
uploaded screenings (equal to the library's screen of the same input), watch-lists and
subscriptions, the rate limit, the body-size limit, /metrics, /openapi.json and the keys
commands."""

from __future__ import annotations

import gzip
import json
import time
from pathlib import Path

import httpx
import numpy as np
import pytest
from defusedxml import ElementTree as SafeET
from typer.testing import CliRunner

from orbitwatch.catalog import ElementTable
from orbitwatch.catalog.reader import read_element_sets
from orbitwatch.cli import app as cli_app
from orbitwatch.screening import screen
from orbitwatch.store import Store
from orbitwatch.store.events import Finding, list_events, upsert_events
from orbitwatch.store.service import get_subscription, list_watchlists

from .conftest import NEW, Server, start_server, stop_server

ATOM = "{http://www.w3.org/2005/Atom}"


def test_atom_feed_parses(server: Server) -> None:
    with server.client() as c:
        r = c.get("/v1/events/feed.atom")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/atom+xml")
    root = SafeET.fromstring(r.content)
    assert root.tag == f"{ATOM}feed" and root.find(f"{ATOM}id") is not None
    entries = root.findall(f"{ATOM}entry")
    with Store.open(server.db) as store:
        events = sorted(list_events(store), key=lambda e: (e.updated_utc, e.id), reverse=True)[:50]
    assert [e.find(f"{ATOM}id").text for e in entries] == [f"urn:orbitwatch:event:{e.id}" for e in events]
    for entry, ev in zip(entries, events, strict=True):
        assert entry.find(f"{ATOM}updated").text == ev.updated_utc
        content = entry.find(f"{ATOM}content")
        assert json.loads(content.text) == ev.to_dict()


def test_sse_delivers_a_new_event(server: Server) -> None:
    key = f"sse-{time.time_ns()}"
    with server.client() as c, c.stream("GET", "/v1/events/stream", timeout=30) as r:
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        lines = r.iter_lines()
        assert next(lines).startswith("retry:")
        now = np.datetime64(time.time_ns() // 1000, "us")
        with Store.open(server.db) as store:
            report = upsert_events(store, [Finding(
                type="new_object", dedupe_key=key, time=now, norads=(25544,), severity="info",
                summary="SSE test object", details={"test": key}, evidence={})], cycle_key=key, now=now)
        (event_id,) = report.created
        deadline = time.monotonic() + 20
        message: dict[str, str] = {}
        for line in lines:
            if line.startswith(("event:", "id:", "data:")):
                k, _, v = line.partition(":")
                message[k] = v.strip()
            elif line == "" and message:
                if message.get("id", "").startswith(event_id):
                    break
                message = {}
            assert time.monotonic() < deadline, "no SSE message for the new event"
    assert message["event"] == "event" and message["id"] == f"{event_id}:1"
    data = json.loads(message["data"])
    assert data["id"] == event_id and data["details"] == {"test": key} and data["objects"][0]["norad"] == 25544


def _upload_text(shared_data: Path) -> str:
    with gzip.open(shared_data / NEW, "rt", encoding="ascii") as f:
        lines = [ln.rstrip("\n") for ln in f if ln.strip()]
    out = []
    for i in range(0, len(lines) - 2, 3):
        if int(lines[i + 1][2:7]) in (25544, 44714):
            out += lines[i : i + 3]
    assert len(out) == 6
    return "\n".join(out) + "\n"


def test_screening_job_equals_the_library(server: Server, shared_data: Path) -> None:
    text = _upload_text(shared_data)
    body = {"elements": text, "start_utc": "2025-04-15T00:00:00Z", "duration_h": 6, "threshold_km": 20}
    with server.client("write") as c:
        r = c.post("/v1/screenings", json=body)
        assert r.status_code == 202, r.text
        job = r.json()
        assert job["status"] in ("queued", "running", "done")
        deadline = time.monotonic() + 240
        while job["status"] in ("queued", "running"):
            assert time.monotonic() < deadline, job
            time.sleep(0.5)
            job = c.get(f"/v1/screenings/{job['id']}").json()
        bad = c.post("/v1/screenings", json={"elements": "not a TLE\n"})
        oem = c.post("/v1/screenings", json={"elements": "CCSDS_OEM_VERS = 2.0\n"})
        missing = c.get("/v1/screenings/job_nothing")
    assert job["status"] == "done", job
    uploaded = list(read_element_sets(text.splitlines(keepends=True), source="test"))
    with Store.open(server.db) as store:
        catalog = store.latest()
    ids = {s.norad_id for s in uploaded}
    table = ElementTable.from_element_sets(
        [catalog.element_set(i) for i in range(len(catalog)) if int(catalog.norad_id[i]) not in ids] + uploaded)
    t0 = np.datetime64("2025-04-15T00:00:00", "us")
    ref = screen(table, t0, t0 + np.timedelta64(6, "h"), 20.0, primaries=sorted(ids), exclude_co_moving=True)
    assert len(ref.conjunctions) > 0
    assert job["result"]["conjunctions"] == [c.to_dict() for c in ref.conjunctions]
    assert job["result"]["primaries"] == sorted(ids) and job["result"]["objects"] == len(table)
    assert bad.status_code in (400, 422) and bad.json()["code"]
    assert oem.status_code == 400 and oem.json()["code"] == "INPUT_FORMAT"
    assert missing.status_code == 404 and missing.json()["code"] == "NOT_FOUND"


def test_watchlists(server: Server) -> None:
    with server.client("write") as c:
        r = c.post("/v1/watchlists", json={"name": "iss-and-friends", "norad_ids": [44714, 25544, 25544]})
        assert r.status_code == 201, r.text
        wl = r.json()
        listed = c.get("/v1/watchlists").json()
        one = c.get(f"/v1/watchlists/{wl['id']}").json()
        bad = c.post("/v1/watchlists", json={"name": "x", "norad_ids": [0]})
        with Store.open(server.db) as store:
            stored = {w.id: w for w in list_watchlists(store)}
        assert c.delete(f"/v1/watchlists/{wl['id']}").status_code == 204
        gone = c.get(f"/v1/watchlists/{wl['id']}")
    assert wl["norad_ids"] == [25544, 44714] and wl["id"] in stored
    assert list(stored[wl["id"]].norad_ids) == [25544, 44714]
    assert wl in listed and one == wl
    assert bad.status_code == 400 and bad.json()["code"] == "INPUT_NORAD"
    assert gone.status_code == 404 and gone.json()["code"] == "NOT_FOUND"


def test_subscriptions_return_the_secret_once(server: Server) -> None:
    flt = {"types": ["conjunction"], "norad": [25544], "min_pc": 1e-6}
    with server.client("write") as c:
        r = c.post("/v1/subscriptions", json={"kind": "webhook", "target": "http://127.0.0.1:9/hook", "filter": flt})
        assert r.status_code == 201, r.text
        sub = r.json()
        listed = c.get("/v1/subscriptions").json()
        one = c.get(f"/v1/subscriptions/{sub['id']}").json()
        mail = c.post("/v1/subscriptions", json={"kind": "email", "target": "ops@example.org"})
        bad_target = c.post("/v1/subscriptions", json={"kind": "email", "target": "not an address"})
        bad_filter = c.post("/v1/subscriptions", json={"kind": "email", "target": "a@example.org",
                                                       "filter": {"colour": "red"}})
        assert c.delete(f"/v1/subscriptions/{sub['id']}").status_code == 204
        again = c.delete(f"/v1/subscriptions/{sub['id']}")
    with Store.open(server.db) as store:
        stored = get_subscription(store, sub["id"])
    assert sub["secret"].startswith("whsec_") and stored is not None and stored.secret == sub["secret"]
    assert sub["filter"] == {"types": ["conjunction"], "norad": [25544], "min_pc": 1e-6}
    assert "secret" not in one and all("secret" not in s for s in listed)
    assert one["id"] == sub["id"] and stored.deleted_utc is not None
    assert mail.status_code == 201 and mail.json()["secret"] is None
    assert bad_target.status_code == 400 and bad_target.json()["code"] == "INPUT_TARGET"
    assert bad_filter.status_code == 422 and bad_filter.json()["code"] == "INPUT_INVALID"
    assert again.status_code == 404


def test_body_size_limit(server: Server) -> None:
    big = {"elements": "x" * 6_000_000}
    with server.client("write") as c:
        r = c.post("/v1/screenings", json=big)
        chunked = c.post("/v1/screenings", content=(b"x" * 1_000_000 for _ in range(6)),
                         headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and r.json()["code"] == "INPUT_TOO_LARGE"
    assert chunked.status_code == 413 and chunked.json()["code"] == "INPUT_TOO_LARGE"


def test_rate_limit_answers_429_with_retry_after(server: Server) -> None:
    base, proc = start_server(server.db, server.db.parent / "serve-limited.log", "--rate-limit-per-min", "3")
    try:
        headers = {"X-API-Key": server.keys["read"]}
        codes = [httpx.get(base + "/v1/objects", params={"limit": 1}, headers=headers).status_code for _ in range(3)]
        r = httpx.get(base + "/v1/objects", params={"limit": 1}, headers=headers)
        other = httpx.get(base + "/v1/objects", params={"limit": 1}, headers={"X-API-Key": server.keys["write"]})
    finally:
        stop_server(proc)
    assert codes == [200, 200, 200]
    assert r.status_code == 429 and r.json()["code"] == "RATE_LIMITED"
    assert 1 <= int(r.headers["Retry-After"]) <= 20  # one token back at 3/min
    assert other.status_code == 200  # per key


def test_metrics(server: Server) -> None:
    with server.client() as c:
        c.get("/v1/objects", params={"limit": 1})
    text = httpx.get(server.base + "/metrics").text
    samples: dict[str, float] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            samples[name] = float(value)
    with Store.open(server.db) as store:
        n = len(list_events(store, type="conjunction"))
    assert samples['orbitwatch_events{type="conjunction"}'] == n
    assert samples['orbitwatch_http_requests_total{method="GET",route="/v1/objects",status="200"}'] >= 1
    count = samples['orbitwatch_http_request_duration_seconds_count{route="/v1/objects"}']
    assert samples['orbitwatch_http_request_duration_seconds_bucket{route="/v1/objects",le="+Inf"}'] == count
    assert "# TYPE orbitwatch_http_request_duration_seconds histogram" in text


def test_openapi_and_docs(server: Server) -> None:
    spec = httpx.get(server.base + "/openapi.json").json()
    assert spec["openapi"].startswith("3.1")
    assert spec["components"]["securitySchemes"]["ApiKey"] == {
        "type": "apiKey", "in": "header", "name": "X-API-Key",
        "description": "API key (orbitwatch keys create); scopes read < write < admin"}
    paths = set(spec["paths"])
    assert {"/v1/health", "/v1/objects", "/v1/objects/{norad}/ephemeris", "/v1/conjunctions/{conj_id}/cdm",
            "/v1/events/stream", "/v1/screenings", "/v1/subscriptions/{subscription_id}", "/metrics"} <= paths
    assert all(p.startswith("/v1/") or p == "/metrics" for p in paths)
    docs = httpx.get(server.base + "/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()
    assert "access-control-allow-origin" not in httpx.get(server.base + "/v1/health",
                                                          headers={"Origin": "http://evil.example"}).headers


def test_keys_commands(server: Server) -> None:
    runner = CliRunner()
    made = runner.invoke(cli_app, ["keys", "create", "--db", str(server.db), "--name", "cli-key"])
    assert made.exit_code == 0, made.output
    secret = made.stdout.strip().splitlines()[-1]
    assert secret.startswith("owk_")
    assert httpx.get(server.base + "/v1/objects", params={"limit": 1}, headers={"X-API-Key": secret}).status_code \
        == 200
    listed = runner.invoke(cli_app, ["keys", "list", "--db", str(server.db), "--json"])
    assert listed.exit_code == 0 and secret not in listed.stdout
    assert "cli-key" in [k["name"] for k in json.loads(listed.stdout)]
    assert runner.invoke(cli_app, ["keys", "revoke", "--db", str(server.db), "cli-key"]).exit_code == 0
    assert httpx.get(server.base + "/v1/objects", headers={"X-API-Key": secret}).status_code == 401
    again = runner.invoke(cli_app, ["keys", "revoke", "--db", str(server.db), "cli-key"])
    assert again.exit_code != 0 and "NOT_FOUND" in again.output
    bad = runner.invoke(cli_app, ["keys", "create", "--db", str(server.db), "--name", "x", "--scope", "root"])
    assert bad.exit_code != 0


@pytest.mark.parametrize("scope", ["write", "admin"])
def test_higher_scopes_can_read(server: Server, scope: str) -> None:
    with server.client(scope) as c:
        assert c.get("/v1/objects", params={"limit": 1}).status_code == 200

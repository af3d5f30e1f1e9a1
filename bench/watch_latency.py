"""Watch latency (issue 14, acceptance 6): a new full-catalog batch through one watch cycle
to the last alert delivered to a webhook receiver on loopback.

Input: the 2025-04-15 Space-Track full catalog (``shared/data/catalog/
spacetrack-tle-full-catalog-2025-04-15.tle.gz``, 27,485 objects, plain TLEs) dropped as
one file into the watch's drop folder, on a store that already holds the 2026-01-19
Space-Track SATCAT (``shared/data/satcat/spacetrack-satcat-2026-01-19.csv.gz``: the object
types that pick the payloads; loaded before the clock starts).  The watch config is the
default one (payloads against the whole catalog, 7 days, 5 km, Pc by Foster with TLE
error models; manoeuvres and decays; RPO left out unless ``--rpo``: on a first snapshot
it has no history to work on, and over all 27,485 objects' pairs it takes hours) plus
one webhook subscription with an empty filter
(every event), its receiver a ``ThreadingHTTPServer`` on 127.0.0.1 that checks every
Standard Webhooks signature.  The cycle runs at 2025-04-16T00:00Z (the catalog's epochs
reach 2025-04-23), the first cycle of the store: a baseline, so no new-object or
fragmentation events.

Stages (wall seconds): ingest, screen (``screening.screen``), Pc (the TLE error models,
``risk.covariance.estimate_tle_uncertainty``, and ``risk.conjunctions.conjunction_risk``;
``screening_other`` is the rest of the screening monitor: reading histories, building
findings), the other monitors, the
event upsert (one transaction), delivery (every alert POSTed, signed, recorded); total =
from the drop-folder pass's start to the receiver's last request.  Each run starts on a
fresh copy of the SATCAT store.  Run by hand:
``.venv/bin/python bench/watch_latency.py [--runs 3] [--catalog PATH] [--json]``.
"""

from __future__ import annotations

import argparse
import base64
import functools
import gzip
import hashlib
import hmac
import json
import multiprocessing
import os
import shutil
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import numpy as np

from orbitwatch.store import Store
from orbitwatch.store.events import list_deliveries
from orbitwatch.store.service import create_subscription
from orbitwatch.watch import drop_once, monitors
from orbitwatch.watch.config import WatchConfig, parse_config

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("ORBITWATCH_SHARED_DATA", REPO.parent / "shared" / "data"))
CATALOG = SHARED / "catalog" / "spacetrack-tle-full-catalog-2025-04-15.tle.gz"
SATCAT = SHARED / "satcat" / "spacetrack-satcat-2026-01-19.csv.gz"
NOW = np.datetime64("2025-04-16T00:00:00", "us")


def _serve(secret: str, port_q: Any, stop: Any, result_q: Any) -> None:
    """The receiver, in its own process (so it does not share the sender's interpreter lock)."""
    key = base64.b64decode(secret.split("_", 1)[1])
    stats = {"count": 0, "bad": 0, "last": 0.0, "ids": 0}
    ids: set[str] = set()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as a production receiver would

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            content = f"{self.headers['webhook-id']}.{self.headers['webhook-timestamp']}.".encode() + body
            sig = "v1," + base64.b64encode(hmac.new(key, content, hashlib.sha256).digest()).decode()
            ok = sig in self.headers["webhook-signature"].split(" ")
            with lock:
                stats["count"] += 1
                stats["bad"] += not ok
                ids.add(self.headers["webhook-id"])
                stats["last"] = time.monotonic()
            self.send_response(200 if ok else 401)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port_q.put(server.server_address[1])
    stop.wait()
    server.shutdown()
    stats["ids"] = len(ids)
    result_q.put(stats)


class Receiver:
    def __init__(self, secret: str) -> None:
        ctx = multiprocessing.get_context("fork")
        self._port_q, self._result_q, self._stop = ctx.Queue(), ctx.Queue(), ctx.Event()
        self._proc = ctx.Process(target=_serve, args=(secret, self._port_q, self._stop, self._result_q), daemon=True)
        self._proc.start()
        self.url = f"http://127.0.0.1:{self._port_q.get(timeout=30)}/orbitwatch"

    def finish(self) -> dict[str, Any]:
        self._stop.set()
        stats = dict(self._result_q.get(timeout=60))
        self._proc.join(timeout=30)
        return stats


def _timed(name: str, seconds: dict[str, float], fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        t = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            seconds[name] = seconds.get(name, 0.0) + time.perf_counter() - t

    return wrapper


def satcat_store(path: Path) -> None:
    with Store.open(path) as store, gzip.open(SATCAT, "rt", encoding="utf-8") as f:
        store.ingest([(SATCAT.name, f)], now=NOW)


def one_run(base: Path, work: Path, catalog: Path, config: WatchConfig) -> dict[str, Any]:
    db = work / "watch.db"
    shutil.copy(base, db)
    drop = work / "drop"
    drop.mkdir()
    seconds: dict[str, float] = {}
    real_screen, real_risk, real_err = monitors.screen, monitors.conjunction_risk, monitors.estimate_tle_uncertainty
    monitors.screen = _timed("screen", seconds, real_screen)
    monitors.conjunction_risk = _timed("pc", seconds, real_risk)
    monitors.estimate_tle_uncertainty = _timed("pc", seconds, real_err)
    try:
        with Store.open(db) as store:
            sub = create_subscription(store, "webhook", "http://127.0.0.1/", {})
            assert sub.secret is not None
            rx = Receiver(sub.secret)
            store._conn.execute("UPDATE subscriptions SET target = ? WHERE id = ?", (rx.url, sub.id))
            store._conn.commit()
            shutil.copy(catalog, drop / catalog.name)
            t0 = time.monotonic()
            (result,) = drop_once(store, drop, config, now=NOW)
            t_end = time.monotonic()
            deliveries = list_deliveries(store)
            rx_stats = rx.finish()
    finally:
        monitors.screen, monitors.conjunction_risk = real_screen, real_risk
        monitors.estimate_tle_uncertainty = real_err
    st = result.stats
    lap = st["seconds"]
    screening = lap.get("screening", 0.0)
    stages = {
        "ingest": lap.get("ingest", 0.0),
        "screen": round(seconds.get("screen", 0.0), 3),
        "pc": round(seconds.get("pc", 0.0), 3),
        "screening_other": round(screening - seconds.get("screen", 0.0) - seconds.get("pc", 0.0), 3),
        "monitors": round(sum(lap.get(k, 0.0) for k in ("maneuvers", "rpo", "fragmentation", "decay")), 3),
        "upsert": lap.get("events", 0.0),
        "delivery": lap.get("alerts", 0.0),
    }
    stages["monitors_detail"] = {k: lap.get(k, 0.0) for k in ("maneuvers", "rpo", "fragmentation", "decay")}
    delivered = sum(d.status == "delivered" for d in deliveries)
    return {
        "stages_s": stages,
        "total_s": round(max(rx_stats["last"], t_end) - t0, 3),
        "to_last_alert_s": round(rx_stats["last"] - t0, 3) if rx_stats["count"] else None,
        "objects": st.get("catalog_objects"),
        "primaries": st.get("screening", {}).get("primaries"),
        "conjunctions": st.get("screening", {}).get("conjunctions"),
        "events_created": result.upsert.to_dict()["created"] if result.upsert else 0,
        "deliveries": len(deliveries),
        "delivered": delivered,
        "webhook_requests": rx_stats["count"],
        "webhook_ids": rx_stats["ids"],
        "bad_signatures": rx_stats["bad"],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--catalog", type=Path, default=CATALOG)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--rpo", action="store_true", help="keep the RPO monitor (all pairs of the snapshot: hours)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="watch-latency-") as tmp:
        base = Path(tmp) / "satcat.db"
        satcat_store(base)
        runs = []
        for k in range(args.runs):
            work = Path(tmp) / f"run{k}"
            work.mkdir()
            cfg = WatchConfig() if args.rpo else parse_config({"rpo": {"enabled": False}})
            r = one_run(base, work, args.catalog, cfg)
            runs.append(r)
            if args.json:
                print(json.dumps(r, sort_keys=True))
            else:
                stages = "  ".join(f"{name} {v:.1f}" for name, v in r["stages_s"].items() if name != "monitors_detail")
                print(f"run {k + 1}: {stages}  | total {r['total_s']:.1f} s (last alert at {r['to_last_alert_s']} s); "
                      f"{r['objects']} objects, {r['primaries']} primaries, {r['conjunctions']} conjunctions, "
                      f"{r['events_created']} events, {r['delivered']}/{r['deliveries']} alerts delivered, "
                      f"{r['bad_signatures']} bad signatures; monitors {r['stages_s']['monitors_detail']}", flush=True)
        if len(runs) > 1 and not args.json:
            print(f"median total {statistics.median(r['total_s'] for r in runs):.1f} s over {len(runs)} runs")


if __name__ == "__main__":
    main()

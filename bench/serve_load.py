"""Load benchmark of ``orbitwatch serve`` (issue 14, acceptance 5): loopback clients on
per-object conjunction and event queries while a watch cycle writes to the same store.

Setup (skipped when ``--db`` already holds a screening run): the full public catalog
(``catalog/spacetrack-tle-full-catalog-2025-04-15.tle.gz``, 27,485 objects) ingested,
then ``orbitwatch screen --db`` of the CelesTrak active payloads of the same day
(``catalog/celestrak-active-2025-04-15.tle.gz``, as primaries) against the whole catalog
over ``--days`` (default 7) at 5 km with Pc, stored as a screening run.

Run: ``orbitwatch serve`` as a subprocess (rate limit raised so that the load is not
refused), then ``--clients`` asyncio clients (httpx, one connection each) for
``--duration-s`` seconds, each looping over ``GET /v1/conjunctions?norad=N`` and
``GET /v1/events?norad=N`` for objects N drawn from the run's conjunctions; at the same
time ``orbitwatch watch --once`` ingests the active catalog from a drop folder and runs
one cycle (1-day screening of the payloads, events written).  Prints p50/p95/p99 latency,
requests, errors (any non-200 or transport error) and whether the watch cycle overlapped
the load.  Nothing is asserted.

    .venv/bin/python bench/serve_load.py [--db PATH] [--days 7] [--clients 100] [--duration-s 30]
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import os
import random
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

DATA = Path(os.environ.get("ORBITWATCH_SHARED_DATA", Path(__file__).resolve().parents[1] / ".." / "shared" / "data"))
FULL = "catalog/spacetrack-tle-full-catalog-2025-04-15.tle.gz"
ACTIVE = "catalog/celestrak-active-2025-04-15.tle.gz"
CLI = [sys.executable, "-m", "orbitwatch"]


def _run(args: list[str], what: str) -> float:
    t0 = time.perf_counter()
    subprocess.run([*CLI, *args], check=True, stdout=subprocess.DEVNULL)
    dt = time.perf_counter() - t0
    print(f"{what}: {dt:.1f} s", flush=True)
    return dt


def _has_run(db: Path) -> bool:
    if not db.exists():
        return False
    with sqlite3.connect(db) as c:
        try:
            return c.execute("SELECT COUNT(*) FROM screening_runs").fetchone()[0] > 0
        except sqlite3.Error:
            return False


def build(db: Path, work: Path, days: float) -> None:
    _run(["ingest", str(DATA / FULL), "--db", str(db)], "ingest full catalog")
    with gzip.open(DATA / ACTIVE, "rt", encoding="ascii") as f:
        ids = sorted({int(ln[2:7]) for ln in f if ln.startswith("1 ")})
    prim = work / "primaries.txt"
    prim.write_text("\n".join(map(str, ids)) + "\n", encoding="ascii")
    _run(["screen", "--db", str(db), "--start", "2025-04-15T00:00:00Z", "--duration-h", str(24 * days),
          "--threshold-km", "5", "--primaries-file", str(prim), "--pc", "--json"],
         f"screen {len(ids):,} payloads vs all, {days:g} days, 5 km, Pc (stored)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def objects_of_run(db: Path) -> list[int]:
    with sqlite3.connect(db) as c:
        run = c.execute("SELECT MAX(id) FROM screening_runs").fetchone()[0]
        return sorted({n for row in c.execute("SELECT norad_1, norad_2 FROM screening_conjunctions WHERE run_id = ?",
                                              (run,)) for n in row})


async def load(base: str, key: str, norads: list[int], clients: int, duration_s: float) -> tuple[list[float], int]:
    latencies: list[float] = []
    errors = 0
    stop = time.monotonic() + duration_s

    async def client(k: int) -> None:
        nonlocal errors
        rng = random.Random(k)
        async with httpx.AsyncClient(base_url=base, headers={"X-API-Key": key}, timeout=30,
                                     limits=httpx.Limits(max_connections=1)) as c:
            i = 0
            while time.monotonic() < stop:
                n = rng.choice(norads)
                path = "/v1/conjunctions" if i % 2 == 0 else "/v1/events"
                t0 = time.perf_counter()
                try:
                    r = await c.get(path, params={"norad": n, "limit": 50})
                    ok = r.status_code == 200
                except httpx.HTTPError:
                    ok = False
                latencies.append(time.perf_counter() - t0)
                errors += not ok
                i += 1

    await asyncio.gather(*(client(k) for k in range(clients)))
    return latencies, errors


def pct(xs: list[float], q: float) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, round(q / 100 * (len(s) - 1)))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", type=Path, default=None, help="store to use (built when it has no screening run)")
    ap.add_argument("--days", type=float, default=7.0)
    ap.add_argument("--clients", type=int, default=100)
    ap.add_argument("--duration-s", type=float, default=30.0)
    ap.add_argument("--no-watch", action="store_true", help="no watch cycle during the load")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="serve-load-"))
    db = args.db or work / "full.db"
    try:
        if not _has_run(db):
            build(db, work, args.days)
        key = subprocess.run([*CLI, "keys", "create", "--db", str(db), "--name", "bench", "--json"], check=True,
                             capture_output=True, text=True).stdout
        key = json.loads(key)["key"]
        port = free_port()
        log = (work / "serve.log").open("wb")
        server = subprocess.Popen([*CLI, "serve", "--db", str(db), "--port", str(port),
                                   "--rate-limit-per-min", "100000000"], stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                if httpx.get(base + "/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        norads = objects_of_run(db)
        print(f"{len(norads):,} objects in the run's conjunctions", flush=True)
        watch = None
        if not args.no_watch:
            drop = work / "drop"
            drop.mkdir()
            shutil.copy(DATA / ACTIVE, drop / "active.tle.gz")
            cfg = work / "watch.toml"
            cfg.write_text('[screening]\ndays = 1.0\n[rpo]\nenabled = false\n', encoding="utf-8")
            watch = subprocess.Popen([*CLI, "watch", "--db", str(db), "--drop-dir", str(drop), "--once",
                                      "--config", str(cfg)], stdout=subprocess.DEVNULL)
        w0 = time.monotonic()
        latencies, errors = asyncio.run(load(base, key, norads, args.clients, args.duration_s))
        watch_state = "none"
        if watch is not None:
            rc = watch.poll()
            watch_state = f"still running at the end of the load (started {time.monotonic() - w0:.0f} s before)" \
                if rc is None else f"finished during the load (exit {rc})"
            watch.wait()
        server.terminate()
        server.wait(20)
        n = len(latencies)
        print(f"{args.clients} clients x {args.duration_s:g} s: {n:,} requests ({n / args.duration_s:,.0f}/s), "
              f"{errors} errors; latency p50 {pct(latencies, 50) * 1e3:.1f} ms, p95 {pct(latencies, 95) * 1e3:.1f} ms, "
              f"p99 {pct(latencies, 99) * 1e3:.1f} ms; watch cycle: {watch_state}")
    finally:
        if args.db is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

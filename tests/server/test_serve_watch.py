"""``orbitwatch serve --watch``: the watch cycle runs in the server on its drop folder (a
file dropped in is ingested and served) and the alert queue is polled."""

from __future__ import annotations

import gzip
import time
from pathlib import Path

import httpx

from orbitwatch.store import Store
from orbitwatch.store.service import create_key

from .conftest import NEW, start_server, stop_server

IDS = (25544, 44714, 44716)


def _metric(text: str, name: str) -> float:
    total = 0.0
    for line in text.splitlines():
        if line.startswith(name) and not line.startswith("#"):
            total += float(line.rsplit(" ", 1)[1])
    return total


def test_serve_watch_ingests_the_drop_folder(shared_data: Path, tmp_path: Path) -> None:
    db = tmp_path / "w.db"
    with Store.open(db) as store:
        _, key = create_key(store, "watch-test", "read")
    drop = tmp_path / "drop"
    drop.mkdir()
    cfg = tmp_path / "serve.toml"
    cfg.write_text(f'[sources]\ndrop_dir = "{drop}"\n[screening]\nenabled = false\n[rpo]\nenabled = false\n'
                   "[maneuvers]\nenabled = false\n[serve]\nwatch_interval_s = 1\ndeliver_interval_s = 1\n",
                   encoding="utf-8")
    with gzip.open(shared_data / NEW, "rt", encoding="ascii") as f:
        lines = [ln.rstrip("\n") for ln in f if ln.strip()]
    picked = [ln for i in range(0, len(lines) - 2, 3) if int(lines[i + 1][2:7]) in IDS for ln in lines[i : i + 3]]
    base, proc = start_server(db, tmp_path / "serve.log", "--watch", "--config", str(cfg))
    try:
        (drop / "three.tle").write_text("\n".join(picked) + "\n", encoding="ascii")
        deadline = time.monotonic() + 120
        while True:
            objs = httpx.get(base + "/v1/objects", headers={"X-API-Key": key}).json()["items"]
            if len(objs) == len(IDS):
                break
            assert time.monotonic() < deadline, (tmp_path / "serve.log").read_text()
            time.sleep(0.5)
        time.sleep(1.5)
        metrics = httpx.get(base + "/metrics").text
        health = httpx.get(base + "/v1/health").json()
    finally:
        stop_server(proc)
    assert sorted(o["norad_id"] for o in objs) == sorted(IDS)
    assert _metric(metrics, "orbitwatch_watch_cycles_total") >= 1
    assert _metric(metrics, "orbitwatch_delivery_passes_total") >= 1
    assert health["watch"] is True and health["last_cycle_utc"] is not None

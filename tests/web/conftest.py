"""The dashboard in a real browser: one ``orbitwatch serve``, one headless Chromium (session).

The store: the full 2025-04-15 Space-Track catalog (27,485 objects, the globe's count),
then the same day's CelesTrak active file (names) dropped into one watch cycle that
screens the ISS and two Starlinks for 1.2 h at 20 km (conjunction events), and ``orbitwatch
screen --pc`` of the same primaries over 1 h (the conjunction table).  A read key is made
with ``orbitwatch keys create`` and given to the page by ``?key=``.

The browser is Debian's ``/usr/bin/chromium`` driven by the ``playwright`` package (no
browser download), WebGL in SwiftShader.  Every request and console message of the page
is recorded.  Screenshots go to ``tests/web/artifacts/`` (git-ignored).
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
from typer.testing import CliRunner

from orbitwatch.cli import app as cli_app
from orbitwatch.store import Store
from orbitwatch.watch import drop_once, parse_config

FULL = "catalog/spacetrack-tle-full-catalog-2025-04-15.tle.gz"
ACTIVE = "catalog/celestrak-active-2025-04-15.tle.gz"
PRIMARIES = (25544, 44714, 44716)  # ISS (ZARYA), STARLINK-1008, -1010
START = np.datetime64("2025-04-15T00:00:00", "us")
THRESHOLD_KM = 20.0
STATIC = Path(__file__).resolve().parents[2] / "src" / "orbitwatch" / "server" / "static"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run", "--disable-quic", "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Site:
    """The running service and what the page did."""

    base: str
    db: Path
    key: str
    proc: subprocess.Popen[bytes]
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def api(self, path: str, **params: Any) -> Any:
        r = httpx.get(self.base + path, params=params, headers={"X-API-Key": self.key}, timeout=120)
        r.raise_for_status()
        return r.json()


@pytest.fixture(scope="session")
def web_store(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("web")
    db = root / "web.db"
    drop = root / "drop"
    drop.mkdir()
    with gzip.open(shared_data / ACTIVE, "rt", encoding="ascii") as f:
        (drop / "active.tle").write_text(f.read(), encoding="ascii")
    cfg = parse_config({
        "watchlist": list(PRIMARIES),
        "screening": {"primaries": "watchlist", "days": 0.05, "threshold_km": THRESHOLD_KM},
        "rpo": {"enabled": False}, "maneuvers": {"enabled": False}, "fragmentation": {"enabled": False},
        "new_objects": {"enabled": False}, "decay": {"enabled": False},
    })
    with Store.open(db) as store:
        with gzip.open(shared_data / FULL, "rt", encoding="ascii") as f:
            store.ingest([(FULL, f.readlines())], now=START - np.timedelta64(1, "D"))
        (cycle,) = drop_once(store, drop, cfg, now=START)
        assert cycle.upsert is not None
    res = CliRunner().invoke(cli_app, [
        "screen", "--db", str(db), "--start", "2025-04-15T00:00:00Z", "--duration-h", "1",
        "--threshold-km", str(THRESHOLD_KM), "--primary", ",".join(map(str, PRIMARIES)), "--pc", "--json"])
    assert res.exit_code == 0, res.output
    shutil.rmtree(drop)
    return db


@pytest.fixture(scope="session")
def site(web_store: Path) -> Iterator[Site]:
    if not (STATIC / "index.html").is_file():
        raise RuntimeError(f"the dashboard is not built ({STATIC} has no index.html): run `make web`")
    res = CliRunner().invoke(cli_app, ["keys", "create", "--db", str(web_store), "--name", "web-test",
                                       "--scope", "read", "--json"])
    assert res.exit_code == 0, res.output
    key = str(json.loads(res.stdout)["key"])
    port = _free_port()
    log = web_store.parent / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "orbitwatch", "serve", "--db", str(web_store), "--port", str(port),
             "--rate-limit-per-min", "100000"],
            stdout=out, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"serve exited: {log.read_text(errors='replace')}")
        try:
            if httpx.get(base + "/v1/health", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError(f"serve did not come up: {log.read_text(errors='replace')}")
        time.sleep(0.2)
    site = Site(base, web_store, key, proc)
    site.api("/v1/catalog/elements")  # built once per store state: the page then measures a warm server
    try:
        yield site
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()


@pytest.fixture(scope="session")
def page(site: Site) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        pg = context.new_page()
        pg.on("request", lambda r: site.requests.append(r.url))
        pg.on("console", lambda m: site.console_errors.append(m.text) if m.type == "error" else None)
        pg.on("pageerror", lambda e: site.console_errors.append(f"pageerror: {e}"))
        pg.goto(f"{site.base}/?key={site.key}#/globe")
        pg.wait_for_function("window.__orbitwatch && window.__orbitwatch.ready === true", timeout=120_000)
        try:
            yield pg
        finally:
            context.close()
            browser.close()

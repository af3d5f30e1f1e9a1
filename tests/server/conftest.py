"""A real ``orbitwatch serve`` on loopback, over a small real store (session-scoped).

The store: a third of the CelesTrak active catalogs of 2023-08-20 and 2025-04-15 (NORAD
ids divisible by 3, plus the primaries), the first ingested directly, the second dropped
into a watch cycle (screening the primaries over one day at 20 km with Pc: conjunction
events); then ``orbitwatch screen --db --pc`` stores a screening run of the same
primaries.  Keys of each scope are created with ``orbitwatch keys create``.  The server
is a subprocess (uvicorn) on a free port, waited for on ``/v1/health`` and stopped at the
end of the session.
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
from dataclasses import dataclass
from pathlib import Path

import httpx
import numpy as np
import pytest
from typer.testing import CliRunner

from orbitwatch.cli import app as cli_app
from orbitwatch.store import Store
from orbitwatch.watch import drop_once, parse_config

OLD = "catalog/celestrak-active-2023-08-20.tle.gz"
NEW = "catalog/celestrak-active-2025-04-15.tle.gz"
PRIMARIES = (25544, 44714, 44716, 44717)  # ISS (ZARYA), STARLINK-1008, -1010, -1011
START = np.datetime64("2025-04-15T00:00:00", "us")
THRESHOLD_KM = 20.0


def _subset(src: Path, out: Path) -> Path:
    """The 3LE records of ``src`` whose NORAD id is divisible by 3, or a primary."""
    with gzip.open(src, "rt", encoding="ascii") as f:
        lines = [ln.rstrip("\n") for ln in f if ln.strip()]
    kept: list[str] = []
    for i in range(0, len(lines) - 2, 3):
        name, l1, l2 = lines[i : i + 3]
        assert l1.startswith("1 ") and l2.startswith("2 "), (src, i)
        norad = int(l1[2:7])
        if norad % 3 == 0 or norad in PRIMARIES:
            kept += [name, l1, l2]
    out.write_text("\n".join(kept) + "\n", encoding="ascii")
    return out


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """A running ``orbitwatch serve``."""

    base: str
    db: Path
    keys: dict[str, str]
    proc: subprocess.Popen[bytes]
    log: Path

    def client(self, scope: str | None = "read", **kw: object) -> httpx.Client:
        headers = {} if scope is None else {"X-API-Key": self.keys[scope]}
        return httpx.Client(base_url=self.base, headers=headers, timeout=60.0, **kw)  # type: ignore[arg-type]


def start_server(db: Path, log: Path, *extra: str) -> tuple[str, subprocess.Popen[bytes]]:
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "orbitwatch", "serve", "--db", str(db), "--port", str(port), *extra],
            stdout=out, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"serve exited with {proc.returncode}: {log.read_text(errors='replace')}")
        try:
            if httpx.get(base + "/v1/health", timeout=2).status_code == 200:
                return base, proc
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"serve did not come up: {log.read_text(errors='replace')}")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def _key(db: Path, name: str, scope: str) -> str:
    res = CliRunner().invoke(cli_app, ["keys", "create", "--db", str(db), "--name", name, "--scope", scope,
                                       "--json"])
    assert res.exit_code == 0, res.output
    return str(json.loads(res.stdout)["key"])


@pytest.fixture(scope="session")
def built_store(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("serve")
    db = root / "serve.db"
    old = _subset(shared_data / OLD, root / "old.tle")
    drop = root / "drop"
    drop.mkdir()
    _subset(shared_data / NEW, drop / "new.tle")
    cfg = parse_config({
        "watchlist": list(PRIMARIES),
        "screening": {"primaries": "watchlist", "days": 1.0, "threshold_km": THRESHOLD_KM},
        "rpo": {"enabled": False}, "maneuvers": {"enabled": False}, "fragmentation": {"enabled": False},
        "new_objects": {"enabled": False}, "decay": {"enabled": False},
    })
    with Store.open(db) as store:
        store.ingest([(old.name, old.read_text(encoding="ascii").splitlines(keepends=True))],
                     now=START - np.timedelta64(1, "D"))
        (cycle,) = drop_once(store, drop, cfg, now=START)
        assert cycle.upsert is not None and cycle.upsert.created
    res = CliRunner().invoke(cli_app, [
        "screen", "--db", str(db), "--start", "2025-04-15T00:00:00Z", "--duration-h", "24",
        "--threshold-km", str(THRESHOLD_KM), "--primary", ",".join(map(str, PRIMARIES)), "--pc",
        "--json"])
    assert res.exit_code == 0, res.output
    shutil.rmtree(drop)
    return db


@pytest.fixture(scope="session")
def server(built_store: Path) -> Iterator[Server]:
    db = built_store
    keys = {scope: _key(db, f"test-{scope}", scope) for scope in ("read", "write", "admin")}
    log = db.parent / "serve.log"
    base, proc = start_server(db, log)
    try:
        yield Server(base, db, keys, proc, log)
    finally:
        stop_server(proc)

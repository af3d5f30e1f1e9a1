"""Live-source clients against a loopback HTTP server (no outside network).

The server serves a real CelesTrak-style 3LE file (ISS, from the staged stations
history) and can be told to answer with an error status.  Offline behaviour is
checked against a closed loopback port.
"""

from __future__ import annotations

import gzip
import http.server
import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from typer.testing import CliRunner

from orbitwatch.cli import app
from orbitwatch.errors import SourceError
from orbitwatch.sources.celestrak import celestrak_gp_url, fetch_celestrak_group
from orbitwatch.sources.http import HttpClient
from orbitwatch.sources.spacetrack import fetch_spacetrack_gp


def _first_3le(shared_data: Path, n_objects: int) -> str:
    path = shared_data / "history/celestrak-groups-2026-05-24_30/stations-history-2026-05-24_30.tle.gz"
    with gzip.open(path, "rt") as f:
        lines = [line.rstrip("\n") for line in f]
    out: list[str] = []
    seen: set[str] = set()
    i = 0
    while i + 2 < len(lines) and len(seen) < n_objects:
        if lines[i + 1].startswith("1 ") and lines[i + 2].startswith("2 "):
            norad = lines[i + 1][2:7]
            if norad not in seen:
                seen.add(norad)
                out += lines[i : i + 3]
            i += 3
        else:
            i += 1
    return "\n".join(out) + "\n"


class _Handler(http.server.BaseHTTPRequestHandler):
    body = ""
    status = 200
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        type(self).hits.append(self.path)
        data = type(self).body.encode()
        self.send_response(type(self).status)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        type(self).hits.append("POST " + self.path)
        data = b'""'
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def server(shared_data: Path) -> Iterator[tuple[str, type[_Handler]]]:
    handler = type("H", (_Handler,), {"body": _first_3le(shared_data, 3), "status": 200, "hits": []})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", handler
    httpd.shutdown()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_celestrak_url_and_cache(server: tuple[str, type[_Handler]], tmp_path: Path) -> None:
    base, handler = server
    client = HttpClient(cache_dir=tmp_path, min_interval_s=0.0)
    first = fetch_celestrak_group("stations", client=client, base_url=base + "/gp.php")
    again = fetch_celestrak_group("stations", client=client, base_url=base + "/gp.php")
    assert not first.from_cache and again.from_cache
    assert first.text == again.text
    assert handler.hits == ["/gp.php?GROUP=stations&FORMAT=3le"]
    assert celestrak_gp_url("geo", "csv").endswith("gp.php?GROUP=geo&FORMAT=csv")


def test_non_200_stops_and_reports_status(server: tuple[str, type[_Handler]], tmp_path: Path) -> None:
    base, handler = server
    handler.status = 403
    with pytest.raises(SourceError) as exc:
        HttpClient(cache_dir=tmp_path).get_text(base + "/gp.php?GROUP=x")
    assert exc.value.code == "SOURCE_HTTP_403"


def test_offline_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as exc:
        HttpClient(cache_dir=tmp_path, timeout_s=2).get_text(f"http://127.0.0.1:{_closed_port()}/x")
    assert exc.value.code == "SOURCE_OFFLINE"


def test_spacetrack_needs_credentials_from_environment() -> None:
    with pytest.raises(SourceError) as exc:
        fetch_spacetrack_gp([25544], environ={})
    assert exc.value.code == "SOURCE_CREDENTIALS"


def test_fetch_cli_ingests_and_offline_stores_nothing(
    server: tuple[str, type[_Handler]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base, _ = server
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    db = tmp_path / "ow.db"
    runner = CliRunner()
    ok = runner.invoke(app, ["fetch", "celestrak", "--group", "stations", "--db", str(db), "--json",
                             "--base-url", base + "/gp.php"])
    assert ok.exit_code == 0, ok.output
    report = json.loads(ok.stdout)
    assert report["stored"] == 3 and report["objects"] == 3
    offline = runner.invoke(app, ["fetch", "celestrak", "--group", "active", "--db", str(tmp_path / "off.db"),
                                  "--base-url", f"http://127.0.0.1:{_closed_port()}/gp.php"])
    assert offline.exit_code == 6
    assert "SOURCE_OFFLINE" in offline.output
    assert not (tmp_path / "off.db").exists() or _count(tmp_path / "off.db") == 0


def _count(db: Path) -> int:
    import sqlite3

    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM element_sets").fetchone()[0])

"""Live-source clients against a well-behaved loopback server (no outside network).

The server serves a real CelesTrak-style 3LE file (the first objects of the staged
stations history).  Misbehaving servers are in ``test_http_hardening.py``; the command
line in ``tests/cli/test_fetch_cmds.py``.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from orbitwatch.errors import InputError, SourceError
from orbitwatch.sources.celestrak import celestrak_gp_url, fetch_celestrak_group
from orbitwatch.sources.http import HttpClient
from orbitwatch.sources.spacetrack import fetch_spacetrack_gp, spacetrack_gp_query

from . import _loopback as lb


@pytest.fixture()
def server(shared_data: Path) -> Iterator[lb.Loopback]:
    with lb.loopback() as srv:
        srv.routes["/gp.php"] = lb.ok(lb.first_3le(shared_data, 3).encode())
        yield srv


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_celestrak_url_and_cache(server: lb.Loopback, tmp_path: Path) -> None:
    client = HttpClient(cache_dir=tmp_path, min_interval_s=0.0)
    first = fetch_celestrak_group("stations", client=client, base_url=server.url("/gp.php"))
    again = fetch_celestrak_group("stations", client=client, base_url=server.url("/gp.php"))
    assert not first.from_cache and again.from_cache
    assert first.text == again.text and list(again.lines()) == first.text.splitlines(keepends=True)
    assert server.hits == ["GET /gp.php?GROUP=stations&FORMAT=3le"]
    assert celestrak_gp_url("geo", "csv").endswith("gp.php?GROUP=geo&FORMAT=csv")


def test_cache_expires_after_max_age(server: lb.Loopback, tmp_path: Path) -> None:
    client = HttpClient(cache_dir=tmp_path, min_interval_s=0.0)
    first = fetch_celestrak_group("stations", client=client, base_url=server.url("/gp.php"))
    assert first.path is not None
    three_hours_ago = first.path.stat().st_mtime - 3 * 3600
    os.utime(first.path, (three_hours_ago, three_hours_ago))
    again = fetch_celestrak_group("stations", client=client, base_url=server.url("/gp.php"))
    assert not again.from_cache and len(server.hits) == 2


def test_requests_to_one_host_are_spaced(server: lb.Loopback, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import orbitwatch.sources.http as http_mod

    slept: list[float] = []
    monkeypatch.setattr(http_mod.time, "sleep", slept.append)
    client = HttpClient(cache_dir=tmp_path, min_interval_s=30.0)
    client.get_text(server.url("/gp.php?a"), cache=False)
    client.get_text(server.url("/gp.php?b"), cache=False)
    assert len(slept) == 1 and 29.0 < slept[0] <= 30.0
    tight = HttpClient(cache_dir=tmp_path, min_interval_s=30.0, deadline_s=5.0)
    tight.get_text(server.url("/gp.php?c"), cache=False)
    with pytest.raises(SourceError) as exc:  # a spacing that cannot fit in the deadline is refused, not slept
        tight.get_text(server.url("/gp.php?d"), cache=False)
    assert exc.value.code == "SOURCE_DEADLINE" and len(slept) == 1


def test_non_200_stops_and_reports_status(server: lb.Loopback, tmp_path: Path) -> None:
    server.routes["/gp.php"] = lb.status(403, b"forbidden")
    with pytest.raises(SourceError) as exc:
        HttpClient(cache_dir=tmp_path).get_text(server.url("/gp.php?GROUP=x"))
    assert exc.value.code == "SOURCE_HTTP_403"
    assert list(tmp_path.iterdir()) == []


def test_offline_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as exc:
        HttpClient(cache_dir=tmp_path, timeout_s=2).get_text(f"http://127.0.0.1:{_closed_port()}/x")
    assert exc.value.code == "SOURCE_OFFLINE"


def test_not_an_http_url(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as exc:
        HttpClient(cache_dir=tmp_path).get_text("file:///etc/passwd")
    assert exc.value.code == "SOURCE_URL"


def test_spacetrack_needs_credentials_from_environment() -> None:
    with pytest.raises(SourceError) as exc:
        fetch_spacetrack_gp([25544], environ={})
    assert exc.value.code == "SOURCE_CREDENTIALS"


def test_spacetrack_query_paths() -> None:
    assert spacetrack_gp_query([25544, 20580, 25544]) == (
        "/basicspacedata/query/class/gp/NORAD_CAT_ID/20580,25544/orderby/NORAD_CAT_ID%20asc/format/json/"
        "emptyresult/show")
    assert "/decay_date/null-val/epoch/%3Enow-30/" in spacetrack_gp_query(None, fmt="3le")
    with pytest.raises(InputError):
        spacetrack_gp_query([0])

"""``orbitwatch fetch`` against a misbehaving loopback server: coded exits, nothing stored.

Every network case of issue 18 is run through the command line with a small
``--deadline-s``: the command exits 6 (source) or 3 (input) with the coded one-line
error, the store passed with ``--db`` (or ``ORBITWATCH_DB``) holds no element set, and
the download cache (``XDG_CACHE_HOME``) holds no file.  A good answer after a bad one
is then ingested, so nothing bad was cached.  Space-Track's JSON is built from real
TLEs with the ``sgp4`` package (an independent parser) and must store the same
element sets as the 3LE text it came from.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Iterator
from datetime import UTC
from pathlib import Path

import pytest
from sgp4.api import Satrec
from sgp4.conveniences import sat_epoch_datetime
from typer.testing import CliRunner

from orbitwatch.cli import app
from sources import _loopback as lb

runner = CliRunner()
GP = "/gp.php"
ST_QUERY = ("/basicspacedata/query/class/gp/NORAD_CAT_ID/25544/orderby/NORAD_CAT_ID%20asc/format/json/"
            "emptyresult/show")
CREDS = {"SPACETRACK_IDENTITY": "someone@example.org", "SPACETRACK_PASSWORD": "not-a-real-password"}
GOOD_LOGIN = lb.ok(b'""', "application/json", {"Set-Cookie": "chocolatechip=abc123; path=/; HttpOnly"})


@pytest.fixture()
def server() -> Iterator[lb.Loopback]:
    with lb.loopback() as srv:
        yield srv


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.delenv("ORBITWATCH_DB", raising=False)
    return tmp_path / "xdg-cache"


@pytest.fixture(scope="module")
def tle(shared_data: Path) -> str:
    return lb.first_3le(shared_data, 3)


def _count(db: Path) -> int:
    if not db.exists():
        return 0
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM element_sets").fetchone()[0])


def _cached_files(cache: Path) -> list[Path]:
    return sorted(p for p in cache.rglob("*") if p.is_file()) if cache.exists() else []


def _celestrak(server: lb.Loopback, db: Path, *extra: str) -> object:
    return runner.invoke(app, ["fetch", "celestrak", "--group", "stations", "--db", str(db), "--json",
                               "--base-url", server.url(GP), *extra])


def test_db_from_orbitwatch_db_environment(server: lb.Loopback, cache: Path, tmp_path: Path, tle: str,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "from-env.db"
    monkeypatch.setenv("ORBITWATCH_DB", str(db))
    server.routes[GP] = lb.ok(tle.encode())
    result = runner.invoke(app, ["fetch", "celestrak", "--group", "stations", "--json", "--base-url", server.url(GP)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["stored"] == 3
    assert _count(db) == 3


BAD_CASES = {
    "slow-drip-headers": (lambda tle: lb.drip(tle.encode(), interval_s=0.1, drip_headers=True), "SOURCE_DEADLINE"),
    "slow-drip-body": (lambda tle: lb.drip(tle.encode(), interval_s=0.1, drip_headers=False), "SOURCE_DEADLINE"),
    "declared-1-GiB": (lambda tle: lb.endless(tle.encode(), total_bytes=1 << 20, declare_length=1 << 30),
                       "SOURCE_TOO_LARGE"),
    "html-200": (lambda tle: lb.ok(b"<!doctype html><html><body>login</body></html>", "text/html"), "SOURCE_CONTENT"),
    "json-error-200": (lambda tle: lb.ok(b'{"error": "You must be logged in"}', "application/json"),
                       "SOURCE_REFUSED"),
    "429-retry-after-1h": (lambda tle: lb.status(429, b"", {"Retry-After": "3600"}), "SOURCE_RATE_LIMITED"),
    "bad-status-line": (lambda tle: lb.raw(b"HTTP/1.1 OK\r\n\r\n"), "SOURCE_PROTOCOL"),
    "short-body": (lambda tle: lb.short_body(tle.encode()[:200], declared=len(tle.encode())), "SOURCE_TRUNCATED"),
    "reset": (lambda tle: lb.reset(), "SOURCE_CONNECTION_RESET"),
    "reset-mid-body": (lambda tle: lb.reset(f"HTTP/1.1 200 OK\r\nContent-Length: {len(tle)}\r\n\r\n{tle[:90]}"
                                             .encode()), "SOURCE_CONNECTION_RESET"),
    "403": (lambda tle: lb.status(403, b"forbidden"), "SOURCE_HTTP_403"),
}


@pytest.mark.parametrize("case", list(BAD_CASES))
def test_bad_answers_exit_6_store_nothing_cache_nothing(server: lb.Loopback, cache: Path, tmp_path: Path,
                                                        tle: str, case: str) -> None:
    make, code = BAD_CASES[case]
    server.routes[GP] = make(tle)
    db = tmp_path / "ow.db"
    result = _celestrak(server, db, "--deadline-s", "1")
    assert result.exit_code == 6, result.output
    assert f"[{code}]" in result.stderr and "Traceback" not in result.output
    assert _count(db) == 0
    assert _cached_files(cache) == []
    server.routes[GP] = lb.ok(tle.encode())  # the next good answer is fetched, not a cached bad one
    again = _celestrak(server, db)
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["from_cache"] is False and _count(db) == 3


def test_endless_body_over_the_cap_and_cross_host_redirect(server: lb.Loopback, cache: Path, tmp_path: Path,
                                                           tle: str) -> None:
    server.routes[GP] = lb.endless(tle.encode(), total_bytes=1 << 30)  # 1 GiB, no Content-Length
    db = tmp_path / "ow.db"
    result = _celestrak(server, db, "--deadline-s", "20", "--max-mb", "2")
    assert result.exit_code == 6 and "[SOURCE_TOO_LARGE]" in result.stderr, result.output
    with lb.loopback() as other:
        other.routes[GP] = lb.ok(tle.encode())
        server.routes[GP] = lb.redirect(302, other.url(GP))
        result = _celestrak(server, db)
        assert result.exit_code == 6 and "[SOURCE_REDIRECT]" in result.stderr, result.output
        assert other.hits == []
    assert _count(db) == 0 and _cached_files(cache) == []


def test_truncated_last_record_with_a_complete_http_answer_stores_nothing(server: lb.Loopback, cache: Path,
                                                                         tmp_path: Path, tle: str) -> None:
    cut = tle[: tle.rindex("\n", 0, len(tle) - 1) - 20] + "\n"  # last line cut short
    server.routes[GP] = lb.ok(cut.encode())
    db = tmp_path / "ow.db"
    result = _celestrak(server, db)
    assert result.exit_code == 4, result.output  # a parse error: strict ingest, one transaction
    assert _count(db) == 0


def _cospar(line1: str) -> str:
    """TLE international designator ``98067A`` as an OMM OBJECT_ID ``1998-067A``."""
    yy, rest = int(line1[9:11]), line1[11:17].strip()
    return f"{1900 + yy if yy >= 57 else 2000 + yy}-{rest}"


def _omm_json(tle: str) -> bytes:
    """CelesTrak/Space-Track style OMM JSON of a 3LE text, built with the sgp4 package."""
    lines = tle.splitlines()
    records = []
    xpdotp = 1440.0 / (2.0 * math.pi)
    for name, l1, l2 in zip(lines[0::3], lines[1::3], lines[2::3], strict=True):
        sat = Satrec.twoline2rv(l1, l2)
        epoch = sat_epoch_datetime(sat).astimezone(UTC)
        records.append({
            "OBJECT_NAME": name.removeprefix("0 ").strip(),
            "OBJECT_ID": _cospar(l1),
            "EPOCH": epoch.strftime("%Y-%m-%dT%H:%M:%S.%f"),
            "MEAN_MOTION": f"{sat.no_kozai * xpdotp:.8f}",
            "ECCENTRICITY": f"{sat.ecco:.7f}",
            "INCLINATION": f"{math.degrees(sat.inclo):.4f}",
            "RA_OF_ASC_NODE": f"{math.degrees(sat.nodeo):.4f}",
            "ARG_OF_PERICENTER": f"{math.degrees(sat.argpo):.4f}",
            "MEAN_ANOMALY": f"{math.degrees(sat.mo):.4f}",
            "EPHEMERIS_TYPE": "0",
            "CLASSIFICATION_TYPE": sat.classification,
            "NORAD_CAT_ID": str(sat.satnum),
            "ELEMENT_SET_NO": l1[64:68].strip(),
            "REV_AT_EPOCH": str(sat.revnum),
            "BSTAR": f"{sat.bstar:.4e}",
            "MEAN_MOTION_DOT": f"{sat.ndot * xpdotp * 1440.0:.8f}",
            "MEAN_MOTION_DDOT": f"{sat.nddot * xpdotp * 1440.0 * 1440.0:.5e}",
        })
    return json.dumps(records).encode()


def test_spacetrack_json_is_stored_and_a_refusal_stores_nothing(server: lb.Loopback, cache: Path, tmp_path: Path,
                                                                tle: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in CREDS.items():
        monkeypatch.setenv(key, value)
    iss = "\n".join(tle.splitlines()[:3]) + "\n"
    server.routes["/ajaxauth/login"] = GOOD_LOGIN
    server.routes[ST_QUERY] = lb.ok(b'{"error": "You must be logged in"}', "application/json")
    db = tmp_path / "st.db"
    args = ["fetch", "spacetrack", "--norad", "25544", "--db", str(db), "--json", "--base-url", server.base,
            "--deadline-s", "5"]
    refused = runner.invoke(app, args)
    assert refused.exit_code == 6 and "[SOURCE_REFUSED]" in refused.stderr, refused.output
    assert _count(db) == 0 and _cached_files(cache) == []
    assert CREDS["SPACETRACK_PASSWORD"] not in refused.output
    server.routes[ST_QUERY] = lb.ok(_omm_json(iss), "application/json")
    ok = runner.invoke(app, args)
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.stdout)["stored"] == 1 and _count(db) == 1
    sat = Satrec.twoline2rv(*iss.splitlines()[1:3])
    with sqlite3.connect(db) as conn:
        norad, epoch_us, n_rev_day, inc_deg = conn.execute(
            "SELECT norad_id, epoch_us, mean_motion_rev_per_day, inclination_deg FROM element_sets").fetchone()
    assert norad == 25544
    assert epoch_us == pytest.approx(sat_epoch_datetime(sat).timestamp() * 1e6, abs=2.0)  # 2 us
    assert n_rev_day == pytest.approx(sat.no_kozai * 1440.0 / (2.0 * math.pi), abs=1e-8)
    assert inc_deg == pytest.approx(math.degrees(sat.inclo), abs=1e-4)


@pytest.mark.parametrize(("option", "value"), [("--deadline-s", "0"), ("--deadline-s", "-5"), ("--max-mb", "0"),
                                               ("--max-age-h", "-1")])
def test_bad_limits_are_input_errors(server: lb.Loopback, cache: Path, tmp_path: Path, option: str,
                                     value: str) -> None:
    result = _celestrak(server, tmp_path / "ow.db", option, value)
    assert result.exit_code == 3, result.output
    assert "[INPUT_INVALID]" in result.stderr and server.hits == []


def test_offline_exits_6_and_creates_no_store(cache: Path, tmp_path: Path) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])  # closed again when the block ends: nothing listens there
    db = tmp_path / "off.db"
    result = runner.invoke(app, ["fetch", "celestrak", "--group", "active", "--db", str(db),
                                 "--base-url", f"http://127.0.0.1:{port}/gp.php"])
    assert result.exit_code == 6 and "[SOURCE_OFFLINE]" in result.stderr, result.output
    assert _count(db) == 0 and _cached_files(cache) == []

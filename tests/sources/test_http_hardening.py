"""The network client against a misbehaving loopback server (issue 18, acceptance 5).

Every case of the issue: a slow drip (headers and body), a huge body (with and without
``Content-Length``), a redirect to another host, a same-host redirect, an HTML page and
a JSON error answered with 200, 429/503 with ``Retry-After`` (short, long, beyond the
deadline), a malformed status line, a short body, a connection reset (before and during
the body), non-UTF-8 data, and Space-Track's login answers.  Each request must end
with its coded :class:`SourceError` (never a raw ``http.client`` exception), cache
nothing (no cache file, no leftover ``.part``), and a later good answer must be fetched
afresh.  Deadlines in these tests are about a second; the misbehaving routes would take
far longer (a drip of a valid answer lasts tens of seconds), so a coded
``SOURCE_DEADLINE`` shows that the overall deadline, not the per-read timeout or the
server, ended the request.  Only loopback addresses.
"""

from __future__ import annotations

import json
import ssl
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orbitwatch.errors import InputError, SourceError
from orbitwatch.sources.celestrak import fetch_celestrak_group
from orbitwatch.sources.http import Fetched, HttpClient, _parse_retry_after, _same_origin_or_upgrade
from orbitwatch.sources.spacetrack import fetch_spacetrack_gp

from . import _loopback as lb

CREDS = {"SPACETRACK_IDENTITY": "someone@example.org", "SPACETRACK_PASSWORD": "not-a-real-password"}
GP = "/gp.php"


@pytest.fixture()
def server() -> Iterator[lb.Loopback]:
    with lb.loopback() as srv:
        yield srv


@pytest.fixture()
def other_host() -> Iterator[lb.Loopback]:
    with lb.loopback() as srv:
        yield srv


@pytest.fixture(scope="module")
def tle(shared_data: Path) -> str:
    return lb.first_3le(shared_data, 3)


def _client(cache: Path, **kwargs: float) -> HttpClient:
    settings: dict[str, float] = {"timeout_s": 10.0, "deadline_s": 1.5, "min_interval_s": 0.0}
    settings.update(kwargs)
    return HttpClient(cache_dir=cache, **settings)  # type: ignore[arg-type]


def _cache_files(cache: Path) -> list[str]:
    return sorted(p.name for p in cache.glob("*")) if cache.exists() else []


def _celestrak(server: lb.Loopback, cache: Path, **kwargs: float) -> Fetched:
    return fetch_celestrak_group("stations", client=_client(cache, **kwargs), base_url=server.url(GP))


def _fails(server: lb.Loopback, cache: Path, code: str, **kwargs: float) -> SourceError:
    with pytest.raises(SourceError) as exc:
        _celestrak(server, cache, **kwargs)
    assert exc.value.code == code, str(exc.value)
    assert _cache_files(cache) == [], "nothing may be cached, not even a partial file"
    return exc.value


def _then_good_answer_is_fetched_afresh(server: lb.Loopback, cache: Path, tle: str) -> None:
    """Nothing bad was cached: a good answer after a failure comes from the server."""
    before = len(server.hits)
    server.routes[GP] = lb.ok(tle.encode())
    got = fetch_celestrak_group("stations", client=_client(cache), base_url=server.url(GP))
    assert not got.from_cache and got.text == tle
    assert len(server.hits) == before + 1


# ---------------------------------------------------------------- deadline


@pytest.mark.parametrize("drip_headers", [True, False], ids=["status-line-and-headers", "body"])
def test_slow_drip_ends_at_the_overall_deadline(server: lb.Loopback, tmp_path: Path, tle: str,
                                                drip_headers: bool) -> None:
    # One byte every 0.1 s: each read succeeds well inside the 10 s per-read timeout, so
    # only an overall deadline can stop it; the whole valid answer would take > 40 s.
    body = tle.encode()
    server.routes[GP] = lb.drip(body, interval_s=0.1, drip_headers=drip_headers)
    err = _fails(server, tmp_path, "SOURCE_DEADLINE", deadline_s=1.0)
    assert "1 s deadline" in err.message
    assert server.sent_bytes < len(body), "the client must give up before the server finishes"
    _then_good_answer_is_fetched_afresh(server, tmp_path, tle)


def test_silent_server_is_a_read_timeout(server: lb.Loopback, tmp_path: Path) -> None:
    server.routes[GP] = lb.drip(b"x" * 100, interval_s=30.0, drip_headers=True)
    _fails(server, tmp_path, "SOURCE_TIMEOUT", timeout_s=0.3, deadline_s=20.0)


# ---------------------------------------------------------------- size


def test_endless_body_is_capped_streamed_to_disk_and_dropped(server: lb.Loopback, tmp_path: Path,
                                                            tle: str) -> None:
    cap = 4 * 1024 * 1024
    server.routes[GP] = lb.endless(tle.encode(), total_bytes=64 * cap)  # no Content-Length
    tracemalloc.start()
    try:
        err = _fails(server, tmp_path, "SOURCE_TOO_LARGE", max_bytes=cap, deadline_s=30.0)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert f"{cap:,}" in err.message
    # Streamed to a file in 64 KiB chunks: Python allocations stay far below the cap.
    assert peak < cap / 4, f"peak traced allocation {peak:,} bytes for a {cap:,}-byte cap"
    assert server.sent_bytes < 4 * cap
    _then_good_answer_is_fetched_afresh(server, tmp_path, tle)


def test_announced_huge_body_is_refused_before_reading(server: lb.Loopback, tmp_path: Path, tle: str) -> None:
    one_gib = 1 << 30
    server.routes[GP] = lb.endless(tle.encode(), total_bytes=8 << 20, declare_length=one_gib)
    err = _fails(server, tmp_path, "SOURCE_TOO_LARGE", max_bytes=1 << 20)
    assert f"{one_gib:,}" in err.message


# ---------------------------------------------------------------- redirects


def test_redirect_to_another_host_is_refused_and_never_followed(server: lb.Loopback, other_host: lb.Loopback,
                                                                tmp_path: Path, tle: str) -> None:
    other_host.routes[GP] = lb.ok(tle.encode())
    server.routes[GP] = lb.redirect(302, other_host.url(GP))
    err = _fails(server, tmp_path, "SOURCE_REDIRECT")
    assert f"127.0.0.1:{other_host.port}" in err.message
    assert other_host.hits == [], "the other host must never be contacted"
    server.routes[GP] = lb.redirect(301, f"http://localhost:{server.port}{GP}")  # same address, another name
    _fails(server, tmp_path, "SOURCE_REDIRECT")


def test_same_host_redirect_is_followed_and_cached_under_the_original_url(server: lb.Loopback, tmp_path: Path,
                                                                          tle: str) -> None:
    server.routes[GP] = lb.redirect(301, "/moved.php")
    server.routes["/moved.php"] = lb.ok(tle.encode())
    first = _celestrak(server, tmp_path)
    again = _celestrak(server, tmp_path)
    assert first.text == tle and not first.from_cache
    assert again.from_cache and again.url == server.url(GP) + "?GROUP=stations&FORMAT=3le"
    assert server.hits == ["GET /gp.php?GROUP=stations&FORMAT=3le", "GET /moved.php"]


def test_redirect_loop_is_bounded(server: lb.Loopback, tmp_path: Path) -> None:
    server.routes[GP] = lb.redirect(302, GP)
    _fails(server, tmp_path, "SOURCE_REDIRECT")
    assert len(server.hits) == 6


def test_redirect_rule() -> None:
    from urllib.parse import urlsplit as u

    assert _same_origin_or_upgrade(u("https://celestrak.org/a"), u("https://celestrak.org/b"))
    assert _same_origin_or_upgrade(u("http://celestrak.org/a"), u("https://celestrak.org/b"))
    assert not _same_origin_or_upgrade(u("https://celestrak.org/a"), u("http://celestrak.org/b"))
    assert not _same_origin_or_upgrade(u("https://celestrak.org/a"), u("https://celestrak.org:8443/b"))
    assert not _same_origin_or_upgrade(u("https://www.space-track.org/"), u("https://evil.example/"))
    assert not _same_origin_or_upgrade(u("https://www.space-track.org/"), u("https://space-track.org.evil/"))


# ---------------------------------------------------------------- content


def test_html_page_with_200_is_not_data_and_not_cached(server: lb.Loopback, tmp_path: Path, tle: str) -> None:
    page = b"<!DOCTYPE html>\n<html><head><title>Maintenance</title></head><body>back soon</body></html>\n"
    server.routes[GP] = lb.ok(page, content_type="text/html")
    _fails(server, tmp_path, "SOURCE_CONTENT")
    server.routes[GP] = lb.ok(page, content_type="text/plain")  # mislabelled: still an HTML page
    _fails(server, tmp_path, "SOURCE_CONTENT")
    _then_good_answer_is_fetched_afresh(server, tmp_path, tle)


def test_wrong_format_and_no_data_replies(server: lb.Loopback, tmp_path: Path) -> None:
    server.routes[GP] = lb.ok(b"Invalid query: FORMAT must be one of ...\n")
    _fails(server, tmp_path, "SOURCE_CONTENT")
    server.routes[GP] = lb.ok(b"No GP data found\n")
    with pytest.raises(InputError) as exc:
        _celestrak(server, tmp_path)
    assert exc.value.code == "INPUT_GROUP" and _cache_files(tmp_path) == []


def test_non_utf8_body_is_a_coded_error(server: lb.Loopback, tmp_path: Path, tle: str) -> None:
    server.routes[GP] = lb.ok(tle.encode() + b"\xff\xfe broken\n")
    _fails(server, tmp_path, "SOURCE_ENCODING")


def test_a_bad_cached_copy_is_dropped_and_fetched_again(server: lb.Loopback, tmp_path: Path, tle: str) -> None:
    client = _client(tmp_path)
    server.routes[GP] = lb.ok(tle.encode())
    first = fetch_celestrak_group("stations", client=client, base_url=server.url(GP))
    assert first.path is not None
    first.path.write_text("<html><body>error page cached by an older orbitwatch</body></html>")
    again = fetch_celestrak_group("stations", client=client, base_url=server.url(GP))
    assert not again.from_cache and again.text == tle and len(server.hits) == 2


# ---------------------------------------------------------------- Retry-After


def test_short_retry_after_is_honoured_then_data(server: lb.Loopback, tmp_path: Path, tle: str) -> None:
    server.routes[GP] = lb.sequence([lb.status(429, b"slow down", {"Retry-After": "1"}), lb.ok(tle.encode())])
    got = _celestrak(server, tmp_path, deadline_s=10.0)
    assert got.text == tle and len(server.hits) == 2


def test_long_retry_after_is_a_coded_error_saying_when(server: lb.Loopback, tmp_path: Path) -> None:
    server.routes[GP] = lb.status(429, b"slow down", {"Retry-After": "3600"})
    err = _fails(server, tmp_path, "SOURCE_RATE_LIMITED", deadline_s=10.0)
    assert "retry after 3600 s (at 20" in err.message and len(server.hits) == 1


def test_retry_after_beyond_the_deadline_does_not_wait(server: lb.Loopback, tmp_path: Path) -> None:
    server.routes[GP] = lb.status(503, b"", {"Retry-After": "5"})
    _fails(server, tmp_path, "SOURCE_RATE_LIMITED", deadline_s=1.0)
    assert len(server.hits) == 1


def test_503_without_retry_after_is_its_status(server: lb.Loopback, tmp_path: Path) -> None:
    server.routes[GP] = lb.status(503, b"<html>down</html>", content_type="text/html")
    _fails(server, tmp_path, "SOURCE_HTTP_503")


def test_retry_after_forms() -> None:
    now = 1_700_000_000.0  # 2023-11-14T22:13:20Z
    assert _parse_retry_after("120", now) == 120.0
    assert _parse_retry_after("Tue, 14 Nov 2023 22:15:20 GMT", now) == 120.0
    assert _parse_retry_after("Tue, 14 Nov 2023 22:00:00 GMT", now) == 0.0
    assert _parse_retry_after("soon", now) is None
    assert _parse_retry_after("1" * 400, now) is None


# ---------------------------------------------------------------- broken transport


@pytest.mark.parametrize(
    ("route", "code"),
    [
        (lb.raw(b"HTTP/1.1 two hundred OK\r\n\r\n"), "SOURCE_PROTOCOL"),
        (lb.raw(b"SPACE/1.0 200 OK\r\nContent-Length: 2\r\n\r\nhi"), "SOURCE_PROTOCOL"),
        (lb.raw(b"HTTP/1.1 200 OK\r\nX: " + b"y" * 70000 + b"\r\n\r\n"), "SOURCE_PROTOCOL"),
        (lb.raw(b""), "SOURCE_CONNECTION_RESET"),
        (lb.reset(), "SOURCE_CONNECTION_RESET"),
    ],
    ids=["bad-status-code", "bad-protocol", "header-too-long", "closed-without-answer", "reset-before-answer"],
)
def test_broken_answers_are_coded(server: lb.Loopback, tmp_path: Path, tle: str, route: lb.Route,
                                  code: str) -> None:
    server.routes[GP] = route
    _fails(server, tmp_path, code)
    _then_good_answer_is_fetched_afresh(server, tmp_path, tle)


def test_short_body_is_truncated_and_not_cached(server: lb.Loopback, tmp_path: Path, tle: str) -> None:
    body = tle.encode()
    server.routes[GP] = lb.short_body(body[: len(body) // 2], declared=len(body))
    err = _fails(server, tmp_path, "SOURCE_TRUNCATED")
    assert f"{len(body) - len(body) // 2:,} announced bytes missing" in err.message


def test_chunked_body_cut_short_is_truncated(server: lb.Loopback, tmp_path: Path, tle: str) -> None:
    head = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    server.routes[GP] = lb.raw(head + b"%x\r\n" % 4000 + tle.encode()[:100])
    _fails(server, tmp_path, "SOURCE_TRUNCATED")


def test_reset_during_the_body(server: lb.Loopback, tmp_path: Path, tle: str) -> None:
    body = tle.encode()
    head = f"HTTP/1.1 200 OK\r\nContent-Length: {len(body)}\r\n\r\n".encode()
    server.routes[GP] = lb.reset(head + body[:50])
    err = _fails(server, tmp_path, "SOURCE_CONNECTION_RESET")
    assert "during body" in err.message


# ---------------------------------------------------------------- Space-Track


def _spacetrack_routes(server: lb.Loopback, login: lb.Route, query: lb.Route) -> None:
    server.routes["/ajaxauth/login"] = login
    server.routes["/basicspacedata/query/class/gp/NORAD_CAT_ID/25544/orderby/NORAD_CAT_ID%20asc/format/json/"
                  "emptyresult/show"] = query


GOOD_LOGIN = lb.ok(b'""', "application/json", {"Set-Cookie": "chocolatechip=abc123; path=/; HttpOnly"})
DATA = json.dumps([{"NORAD_CAT_ID": "25544", "OBJECT_NAME": "ISS (ZARYA)"}]).encode()


def _spacetrack(server: lb.Loopback, cache: Path, **kwargs: float) -> Fetched:
    return fetch_spacetrack_gp([25544], environ=CREDS, client=_client(cache, **kwargs), base_url=server.base)


def _spacetrack_fails(server: lb.Loopback, cache: Path, code: str) -> SourceError:
    with pytest.raises(SourceError) as exc:
        _spacetrack(server, cache)
    assert exc.value.code == code, str(exc.value)
    assert _cache_files(cache) == []
    assert CREDS["SPACETRACK_PASSWORD"] not in str(exc.value)
    return exc.value


def test_spacetrack_good_login_then_query_sends_the_cookie_and_caches(server: lb.Loopback, tmp_path: Path) -> None:
    _spacetrack_routes(server, GOOD_LOGIN, lb.ok(DATA, "application/json"))
    client = _client(tmp_path)
    got = fetch_spacetrack_gp([25544], environ=CREDS, client=client, base_url=server.base)
    assert got.text == DATA.decode()
    assert server.cookies[1] == "chocolatechip=abc123"
    assert b"identity=someone%40example.org" in server.bodies[0]
    again = fetch_spacetrack_gp([25544], environ=CREDS, client=client, base_url=server.base)
    assert again.from_cache and len(server.hits) == 2, "a cached answer needs no login"


def test_spacetrack_json_error_with_200_is_refused_and_not_cached(server: lb.Loopback, tmp_path: Path) -> None:
    _spacetrack_routes(server, GOOD_LOGIN, lb.ok(b'{"error":"You must be logged in"}', "application/json"))
    err = _spacetrack_fails(server, tmp_path, "SOURCE_REFUSED")
    assert "You must be logged in" in err.message
    _spacetrack_fails(server, tmp_path, "SOURCE_REFUSED")
    assert len(server.hits) == 4, "the refusal was not cached: the second call asked again"


def test_spacetrack_failed_login(server: lb.Loopback, tmp_path: Path) -> None:
    _spacetrack_routes(server, lb.ok(b'{"Login":"Failed"}', "application/json"), lb.ok(DATA))
    _spacetrack_fails(server, tmp_path, "SOURCE_CREDENTIALS")
    assert len(server.hits) == 1, "no query after a failed login"


@pytest.mark.parametrize(
    "login",
    [
        lb.ok(b'{"Login":"OK"}', "application/json", {"Set-Cookie": "chocolatechip=abc; path=/"}),
        lb.ok(b"Welcome!", "text/plain", {"Set-Cookie": "chocolatechip=abc; path=/"}),
        lb.ok(b'""', "application/json"),  # the right body but no session cookie
    ],
    ids=["other-json", "other-text", "no-cookie"],
)
def test_spacetrack_login_must_be_positively_successful(server: lb.Loopback, tmp_path: Path,
                                                        login: lb.Route) -> None:
    _spacetrack_routes(server, login, lb.ok(DATA))
    _spacetrack_fails(server, tmp_path, "SOURCE_LOGIN")
    assert len(server.hits) == 1


def test_spacetrack_login_redirected_to_another_host_is_not_success(server: lb.Loopback, other_host: lb.Loopback,
                                                                     tmp_path: Path) -> None:
    other_host.routes["/ajaxauth/login"] = GOOD_LOGIN  # the other host's reply would look like success
    _spacetrack_routes(server, lb.redirect(307, other_host.url("/ajaxauth/login")), lb.ok(DATA))
    _spacetrack_fails(server, tmp_path, "SOURCE_REDIRECT")
    assert other_host.hits == [] and len(server.hits) == 1


def test_spacetrack_empty_result_and_html(server: lb.Loopback, tmp_path: Path) -> None:
    _spacetrack_routes(server, GOOD_LOGIN, lb.ok(b"[]", "application/json"))
    with pytest.raises(InputError) as exc:
        _spacetrack(server, tmp_path)
    assert exc.value.code == "INPUT_NORAD"
    _spacetrack_routes(server, GOOD_LOGIN, lb.status(500, b"<html>Internal error</html>", content_type="text/html"))
    _spacetrack_fails(server, tmp_path, "SOURCE_HTTP_500")
    _spacetrack_routes(server, GOOD_LOGIN, lb.ok(b'[{"NORAD_CAT_ID": "25544"}, {"NORAD_CAT', "application/json"))
    _spacetrack_fails(server, tmp_path, "SOURCE_CONTENT")  # an array that never closes


# ---------------------------------------------------------------- TLS


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return lb.self_signed_certificate(tmp_path_factory.mktemp("tls"))


def _trusting(certificate: Path) -> ssl.SSLContext:
    ctx = ssl.create_default_context(cafile=str(certificate))
    return ctx


def test_https_with_a_trusted_certificate(certificate: Path, tmp_path: Path, tle: str) -> None:
    with lb.loopback(tls=lb.server_tls(certificate)) as srv:
        srv.routes[GP] = lb.ok(tle.encode())
        client = HttpClient(cache_dir=tmp_path, min_interval_s=0.0, deadline_s=5.0,
                            tls_context=_trusting(certificate))
        got = fetch_celestrak_group("stations", client=client, base_url=srv.url(GP))
        assert got.text == tle and srv.base.startswith("https://")


def test_https_with_an_untrusted_certificate_is_a_tls_error(certificate: Path, tmp_path: Path, tle: str) -> None:
    with lb.loopback(tls=lb.server_tls(certificate)) as srv:
        srv.routes[GP] = lb.ok(tle.encode())
        with pytest.raises(SourceError) as exc:
            fetch_celestrak_group("stations", client=_client(tmp_path), base_url=srv.url(GP))
        assert exc.value.code == "SOURCE_TLS" and srv.hits == []
        assert _cache_files(tmp_path) == []


def test_https_slow_drip_ends_at_the_deadline(certificate: Path, tmp_path: Path, tle: str) -> None:
    with lb.loopback(tls=lb.server_tls(certificate)) as srv:
        srv.routes[GP] = lb.drip(tle.encode(), interval_s=0.1, drip_headers=True)  # one TLS record per byte
        client = HttpClient(cache_dir=tmp_path, min_interval_s=0.0, timeout_s=10.0, deadline_s=1.0,
                            tls_context=_trusting(certificate))
        with pytest.raises(SourceError) as exc:
            fetch_celestrak_group("stations", client=client, base_url=srv.url(GP))
        assert exc.value.code == "SOURCE_DEADLINE" and srv.sent_bytes < len(tle)
        assert _cache_files(tmp_path) == []


def test_tls_handshake_never_answered_ends_at_the_deadline(tmp_path: Path) -> None:
    with lb.silent_listener() as port, pytest.raises(SourceError) as exc:
        _client(tmp_path, timeout_s=10.0, deadline_s=1.0).get_text(f"https://127.0.0.1:{port}/gp.php")
    assert exc.value.code == "SOURCE_DEADLINE"
    assert "during connect" in exc.value.message


# ---------------------------------------------------------------- property: any bytes, a coded answer


_status_lines = st.sampled_from([
    b"HTTP/1.1 200 OK", b"HTTP/1.0 200 OK", b"HTTP/1.1 302 Found", b"HTTP/1.1 429 Too Many", b"HTTP/1.1 999 X",
    b"HTTP/1.1 200", b"HTTP/2 200 OK", b"HTTP/1.1 -1 X", b"ICY 200 OK", b"", b"HTTP/1.1 100 Continue",
])
_headers = st.lists(st.sampled_from([
    b"Content-Length: 10", b"Content-Length: -1", b"Content-Length: abc", b"Content-Length: 99999999999999",
    b"Transfer-Encoding: chunked", b"Location: http://127.0.0.2:1/x", b"Location: /gp.php", b"Location:",
    b"Retry-After: 0", b"Retry-After: 999999999999", b"Retry-After: Wed, 21 Oct 2015 07:28:00 GMT",
    b"Content-Type: text/html", b"Set-Cookie: =; Domain=..", b"X: \xff\xfe", b"no colon here",
]), max_size=5)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(status_line=_status_lines, headers=_headers, body=st.binary(max_size=600),
       noise=st.binary(max_size=40), tle_body=st.booleans())
def test_any_server_answer_is_data_or_a_coded_error(tmp_path: Path, tle: str, status_line: bytes,
                                                    headers: list[bytes], body: bytes, noise: bytes,
                                                    tle_body: bool) -> None:
    payload = tle.encode() if tle_body else body
    answer = status_line + b"\r\n" + b"".join(h + b"\r\n" for h in headers) + b"\r\n" + payload + noise
    cache = tmp_path / "c"
    with lb.loopback() as srv:
        srv.routes[GP] = lb.raw(answer)
        try:
            got = fetch_celestrak_group("stations", client=_client(cache, deadline_s=2.0, max_retry_wait_s=0.0),
                                        base_url=srv.url(GP))
        except (SourceError, InputError) as exc:
            assert exc.code.startswith(("SOURCE_", "INPUT_"))
            assert list(cache.glob("*")) == [] if cache.exists() else True
        else:
            assert got.text.lstrip().startswith(("ISS", "0 ", "1 ")) or "\n1 " in got.text
    for leftover in cache.glob("*.part") if cache.exists() else []:
        raise AssertionError(f"partial download left behind: {leftover}")
    if cache.exists():
        for path in cache.iterdir():
            path.unlink()


def test_data_labelled_text_html_is_still_data(server: lb.Loopback, tmp_path: Path, tle: str) -> None:
    server.routes[GP] = lb.ok(tle.encode(), content_type="text/html; charset=UTF-8")
    assert _celestrak(server, tmp_path).text == tle
    _spacetrack_routes(server, lb.ok(b'""', "text/html; charset=UTF-8", {"Set-Cookie": "chocolatechip=x; path=/"}),
                       lb.ok(DATA, "text/html; charset=UTF-8"))
    assert _spacetrack(server, tmp_path / "st").text == DATA.decode()


def test_a_cached_body_reaches_ingest_in_bounded_pieces(tmp_path: Path, tle: str) -> None:
    """A Space-Track JSON reply is one line (tens of MB, up to the download cap): the ingest
    stream gives it in pieces of at most 1 MiB (it used to be one string the size of the
    body), line ends kept, and the pieces are the body exactly; the store reads both the same."""
    import numpy as np

    from orbitwatch.store import Store

    record = json.dumps({"OBJECT_NAME": "ISS (ZARYA)", "OBJECT_ID": "1998-067A", "EPOCH": "2026-05-23T19:25:57.298080",
                         "MEAN_MOTION": 15.4933465, "ECCENTRICITY": 0.000752, "INCLINATION": 51.6325,
                         "RA_OF_ASC_NODE": 60.7811, "ARG_OF_PERICENTER": 90.7634, "MEAN_ANOMALY": 269.4217,
                         "NORAD_CAT_ID": 25544, "BSTAR": 0.00013771, "MEAN_MOTION_DOT": 7.235e-05,
                         "MEAN_MOTION_DDOT": 0})
    text = "[" + record + "," + " " * (3 << 20) + record.replace("25544", "25545") + "]\n" + "\n"
    path = tmp_path / "cached.json"
    path.write_text(text, encoding="utf-8")
    cached = Fetched("https://example.invalid/gp", True, 0.0, path.stat().st_size, path=path)
    items = list(cached.lines())
    assert max(len(i) for i in items) <= 1 << 20
    assert "".join(items) == text
    held = Fetched("https://example.invalid/gp", False, 0.0, len(text), body=text)
    assert "".join(held.lines()) == text
    now = np.datetime64("2026-09-01T00:00:00", "us")
    for name, doc in (("cached", cached), ("held", held)):
        with Store.open(tmp_path / f"{name}.db") as store:
            report = store.ingest([(doc.url, doc.lines())], now=now)
        assert (report.element_sets_read, report.stored, report.rejected) == (2, 2, 0), name

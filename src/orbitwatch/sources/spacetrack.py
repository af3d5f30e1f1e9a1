"""Space-Track.org GP queries (https://www.space-track.org/documentation#/api).

Credentials come from the environment (``SPACETRACK_IDENTITY``,
``SPACETRACK_PASSWORD``), never from arguments or files in the repository.  One
session logs in (``POST /ajaxauth/login``), runs one ``basicspacedata`` query of class
``gp`` (the latest element set per object) and returns the text.

Limits and politeness: Space-Track's published API limits are 30 requests per minute
and 300 per hour, and the ``gp`` class should be queried at most once an hour.  The
client spaces requests to the host by 2.5 s (at most 24 a minute), a fetch makes at most
two requests (login and query; none at all while the cached answer is younger than
``max_age_s``, default 1 h), and a 429/503 answer's ``Retry-After`` is honoured
(:mod:`orbitwatch.sources.http`).  Login and query share one deadline.

Login success is checked positively: Space-Track answers a good login with HTTP 200,
the JSON empty string ``""`` as the body and a session cookie (``chocolatechip``); a
refused one with HTTP 200 and ``{"Login":"Failed"}`` (``SOURCE_CREDENTIALS``).  Any other
reply, or a reply without a session cookie for the host, is ``SOURCE_LOGIN``; a redirect
to another host is ``SOURCE_REDIRECT`` (never followed).  The query's body must be the
format asked for: ``{"error": "You must be logged in"}`` or any JSON object answered with
200 is ``SOURCE_REFUSED``, an HTML page ``SOURCE_CONTENT``; an empty result ``[]`` is
:class:`InputError` ``INPUT_NORAD``.  None of these is cached.
"""

from __future__ import annotations

import json
import os
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence

from orbitwatch.errors import InputError, SourceError
from orbitwatch.sources.http import Body, Deadline, Fetched, HttpClient, expect_catalog, snippet

__all__ = ["SPACETRACK_BASE_URL", "fetch_spacetrack_gp", "spacetrack_gp_query"]

SPACETRACK_BASE_URL = "https://www.space-track.org"
ONE_HOUR_S = 3600.0
MIN_INTERVAL_S = 2.5
FORMATS = ("json", "3le", "tle", "csv", "xml", "kvn")


def spacetrack_gp_query(norad_ids: Sequence[int] | None = None, *, fmt: str = "json") -> str:
    """The query path of class ``gp``: given objects, or every object still on orbit."""
    if fmt not in FORMATS:
        raise InputError(f"Space-Track format {fmt!r} is not supported", code="INPUT_FORMAT", field="format")
    path = "/basicspacedata/query/class/gp"
    if norad_ids:
        if any(int(n) <= 0 for n in norad_ids):
            raise InputError("NORAD ids must be positive", code="INPUT_NORAD", field="norad")
        path += "/NORAD_CAT_ID/" + ",".join(str(int(n)) for n in sorted(set(norad_ids)))
    else:
        path += "/decay_date/null-val/epoch/%3Enow-30"
    return path + f"/orderby/NORAD_CAT_ID%20asc/format/{fmt}/emptyresult/show"


def _check_login(body: Body) -> None:
    try:
        value = json.loads(body.head) if body.size_bytes <= 1024 else None
    except ValueError:
        value = None
    if value == "":
        return
    if isinstance(value, dict) and str(value.get("Login", "")).lower() == "failed":
        raise SourceError("Space-Track refused the login: check SPACETRACK_IDENTITY / SPACETRACK_PASSWORD",
                          code="SOURCE_CREDENTIALS", source=body.url)
    raise SourceError(f"Space-Track's login reply is not the expected \"\" ({snippet(body.head)!r}); "
                      "not logged in, nothing stored", code="SOURCE_LOGIN", source=body.url)


def fetch_spacetrack_gp(
    norad_ids: Sequence[int] | None = None,
    *,
    fmt: str = "json",
    environ: Mapping[str, str] | None = None,
    client: HttpClient | None = None,
    max_age_s: float = ONE_HOUR_S,
    base_url: str = SPACETRACK_BASE_URL,
    deadline: Deadline | None = None,
) -> Fetched:
    """Log in with the environment's credentials and run one ``gp`` query (cached ``max_age_s``)."""
    query_url = base_url + spacetrack_gp_query(norad_ids, fmt=fmt)
    content = expect_catalog(fmt)

    def validate(body: Body) -> None:
        if body.head.strip() == "[]":
            raise InputError("Space-Track has no GP data for "
                             + (", ".join(str(n) for n in norad_ids) if norad_ids else "the query"),
                             code="INPUT_NORAD", field="norad")
        content(body)

    env = os.environ if environ is None else environ
    identity = env.get("SPACETRACK_IDENTITY")
    password = env.get("SPACETRACK_PASSWORD")
    if not identity or not password:
        raise SourceError(
            "Space-Track needs SPACETRACK_IDENTITY and SPACETRACK_PASSWORD in the environment",
            code="SOURCE_CREDENTIALS",
        )
    http = client or HttpClient(min_interval_s=MIN_INTERVAL_S)
    hit = http.cached(query_url, max_age_s=max_age_s, validate=validate)
    if hit is not None:
        return hit
    deadline = deadline if deadline is not None else Deadline(http.deadline_s)
    login_url = base_url + "/ajaxauth/login"
    login = urllib.parse.urlencode({"identity": identity, "password": password}).encode()
    http.get_text(login_url, data=login, cache=False, validate=_check_login, deadline=deadline)
    probe = urllib.request.Request(query_url)
    http.cookies.add_cookie_header(probe)
    if not probe.get_header("Cookie"):
        raise SourceError("Space-Track's login reply set no session cookie for "
                          f"{urllib.parse.urlsplit(base_url).netloc}; not logged in, nothing stored",
                          code="SOURCE_LOGIN", source=login_url)
    return http.get_text(query_url, max_age_s=max_age_s, validate=validate, deadline=deadline)

"""Space-Track.org GP queries (https://www.space-track.org/documentation#/api).

Credentials come from the environment (``SPACETRACK_IDENTITY``,
``SPACETRACK_PASSWORD``), never from arguments or files in the repository.  One
session logs in (``/ajaxauth/login``), runs one ``basicspacedata`` query of class
``gp`` (the latest element set per object) and returns the text.  Space-Track's
published limits are 30 requests per minute and 300 per hour; the client spaces
requests and caches the answer for ``max_age_s`` (default 1 h, the GP class's
suggested query interval).
"""

from __future__ import annotations

import os
import urllib.parse
from collections.abc import Mapping, Sequence

from orbitwatch.errors import InputError, SourceError
from orbitwatch.sources.http import Fetched, HttpClient

__all__ = ["SPACETRACK_BASE_URL", "fetch_spacetrack_gp", "spacetrack_gp_query"]

SPACETRACK_BASE_URL = "https://www.space-track.org"
ONE_HOUR_S = 3600.0


def spacetrack_gp_query(norad_ids: Sequence[int] | None = None, *, fmt: str = "json") -> str:
    """The query path of class ``gp``: given objects, or every object still on orbit."""
    if fmt not in ("json", "3le", "tle", "csv", "xml", "kvn"):
        raise InputError(f"Space-Track format {fmt!r} is not supported", code="INPUT_FORMAT", field="format")
    path = "/basicspacedata/query/class/gp"
    if norad_ids:
        if any(int(n) <= 0 for n in norad_ids):
            raise InputError("NORAD ids must be positive", code="INPUT_NORAD", field="norad")
        path += "/NORAD_CAT_ID/" + ",".join(str(int(n)) for n in sorted(set(norad_ids)))
    else:
        path += "/decay_date/null-val/epoch/%3Enow-30"
    return path + f"/orderby/NORAD_CAT_ID%20asc/format/{fmt}/emptyresult/show"


def fetch_spacetrack_gp(
    norad_ids: Sequence[int] | None = None,
    *,
    fmt: str = "json",
    environ: Mapping[str, str] | None = None,
    client: HttpClient | None = None,
    max_age_s: float = ONE_HOUR_S,
    base_url: str = SPACETRACK_BASE_URL,
) -> Fetched:
    """Log in with the environment's credentials and run one ``gp`` query."""
    env = os.environ if environ is None else environ
    identity = env.get("SPACETRACK_IDENTITY")
    password = env.get("SPACETRACK_PASSWORD")
    if not identity or not password:
        raise SourceError(
            "Space-Track needs SPACETRACK_IDENTITY and SPACETRACK_PASSWORD in the environment",
            code="SOURCE_CREDENTIALS",
        )
    http = client or HttpClient(min_interval_s=2.5)
    query_url = base_url + spacetrack_gp_query(norad_ids, fmt=fmt)
    login = urllib.parse.urlencode({"identity": identity, "password": password}).encode()
    answer = http.get_text(base_url + "/ajaxauth/login", data=login, cache=False)
    if "failed" in answer.text.lower():
        raise SourceError("Space-Track login failed: check SPACETRACK_IDENTITY / SPACETRACK_PASSWORD",
                          code="SOURCE_CREDENTIALS", source=base_url)
    fetched = http.get_text(query_url, max_age_s=max_age_s)
    if '"error"' in fetched.text[:200].lower() or "login" in fetched.text[:200].lower():
        raise SourceError(f"Space-Track refused the query: {fetched.text[:200]}", code="SOURCE_REFUSED",
                          source=query_url)
    return fetched

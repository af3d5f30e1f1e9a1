"""CelesTrak GP data (https://celestrak.org/NORAD/documentation/gp-data-formats.php).

``gp.php?GROUP=<group>&FORMAT=<tle|3le|csv|json|xml|kvn>`` serves the current
general-perturbations element sets of a named group (``active``, ``stations``,
``geo``, ``starlink`` ...).  CelesTrak updates them a few times a day and asks for no
more than one download of the same data every two hours: the client caches each query
(group and format) for ``max_age_s`` (default 2 h, never less than CelesTrak asks unless
the caller lowers it on purpose) and spaces requests to the host by 2 s.

Every download goes through :class:`orbitwatch.sources.http.HttpClient` with its
deadline, size cap and same-host redirect rule, and is checked before it is cached:
CelesTrak's ``No GP data found`` reply (HTTP 200) or an empty body is
:class:`InputError` ``INPUT_GROUP``; an HTML page or a body that is not the format asked
for is ``SOURCE_CONTENT`` (:func:`orbitwatch.sources.http.expect_catalog`).  Neither is
cached, so the next call asks again.
"""

from __future__ import annotations

import re
import urllib.parse

from orbitwatch.errors import InputError
from orbitwatch.sources.http import Body, Deadline, Fetched, HttpClient, expect_catalog

__all__ = ["CELESTRAK_BASE_URL", "celestrak_gp_url", "fetch_celestrak_group"]

CELESTRAK_BASE_URL = "https://celestrak.org/NORAD/elements/gp.php"
FORMATS = ("tle", "3le", "csv", "json", "xml", "kvn")
TWO_HOURS_S = 7200.0


def celestrak_gp_url(group: str, fmt: str = "3le", *, base_url: str = CELESTRAK_BASE_URL) -> str:
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,40}", group or ""):
        raise InputError(f"CelesTrak group {group!r} is not a group name (e.g. stations, active, geo)",
                         code="INPUT_GROUP", field="group")
    if fmt not in FORMATS:
        raise InputError(f"format {fmt!r} is not one of {', '.join(FORMATS)}", code="INPUT_FORMAT",
                         field="format")
    return base_url + "?" + urllib.parse.urlencode({"GROUP": group, "FORMAT": fmt})


def fetch_celestrak_group(
    group: str,
    *,
    fmt: str = "3le",
    client: HttpClient | None = None,
    max_age_s: float = TWO_HOURS_S,
    base_url: str = CELESTRAK_BASE_URL,
    deadline: Deadline | None = None,
) -> Fetched:
    """Download (or reuse the cached copy of) one CelesTrak GP group, checked before caching."""
    url = celestrak_gp_url(group, fmt, base_url=base_url)
    content = expect_catalog(fmt)

    def validate(body: Body) -> None:
        start = body.head.strip()
        if not start or start.lower().startswith("no gp data found"):
            raise InputError(f"CelesTrak has no GP data for group {group!r}", code="INPUT_GROUP", field="group")
        content(body)

    return (client or HttpClient()).get_text(url, max_age_s=max_age_s, validate=validate, deadline=deadline)

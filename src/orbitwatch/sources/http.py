"""Polite HTTP GET/POST for the live catalog sources (the only network code).

Politeness rules shared by every source:

* a response is cached on disk (``platformdirs.user_cache_dir("orbitwatch")``) and
  reused while younger than ``max_age_s`` (CelesTrak asks clients not to fetch the
  same GP data more than once every two hours);
* requests to one host are spaced by at least ``min_interval_s`` in this process;
* any status other than 200 stops the fetch with a :class:`SourceError` naming the
  URL and status; nothing is returned, so nothing is stored;
* offline (DNS failure, refused connection, timeout) is a one-line
  :class:`SourceError` with code ``SOURCE_OFFLINE``.
"""

from __future__ import annotations

import hashlib
import http.cookiejar
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from orbitwatch import __version__
from orbitwatch.errors import SourceError

__all__ = ["Fetched", "HttpClient", "default_cache_dir"]

USER_AGENT = f"orbitwatch/{__version__} (+https://github.com/orbitwatch)"


def default_cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir("orbitwatch")) / "http"


@dataclass(frozen=True)
class Fetched:
    """A fetched (or cached) text document."""

    url: str
    text: str
    from_cache: bool
    age_s: float


class HttpClient:
    """A small urllib client with an on-disk cache, per-host spacing and cookies."""

    def __init__(
        self,
        *,
        cache_dir: Path | None = None,
        timeout_s: float = 30.0,
        min_interval_s: float = 2.0,
        now: float | None = None,
    ) -> None:
        self.cache_dir = cache_dir if cache_dir is not None else default_cache_dir()
        self.timeout_s = timeout_s
        self.min_interval_s = min_interval_s
        self._last_request: dict[str, float] = {}
        self._clock = now
        self._opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def _now(self) -> float:
        return self._clock if self._clock is not None else time.time()

    def _cache_path(self, url: str, data: bytes | None) -> Path:
        key = hashlib.sha256(url.encode() + b"\0" + (data or b"")).hexdigest()[:32]
        return self.cache_dir / f"{key}.txt"

    def _space_requests(self, url: str) -> None:
        host = urllib.parse.urlsplit(url).netloc
        last = self._last_request.get(host)
        if last is not None:
            wait = self.min_interval_s - (time.monotonic() - last)
            if wait > 0:
                time.sleep(wait)
        self._last_request[host] = time.monotonic()

    def get_text(
        self,
        url: str,
        *,
        max_age_s: float = 0.0,
        data: bytes | None = None,
        cache: bool = True,
    ) -> Fetched:
        """GET (or POST when ``data`` is given) ``url``; reuse a cached copy younger than ``max_age_s``."""
        path = self._cache_path(url, data)
        if cache and max_age_s > 0 and path.is_file():
            age = self._now() - path.stat().st_mtime
            if age <= max_age_s:
                return Fetched(url, path.read_text(encoding="utf-8"), True, age)
        self._space_requests(url)
        request = urllib.request.Request(url, data=data, headers={"User-Agent": USER_AGENT})
        try:
            with self._opener.open(request, timeout=self.timeout_s) as response:
                status = getattr(response, "status", 200)
                body = response.read()
        except urllib.error.HTTPError as exc:
            raise SourceError(
                f"{url} answered HTTP {exc.code} {exc.reason}; stopped, nothing stored",
                code=f"SOURCE_HTTP_{exc.code}",
                source=url,
            ) from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise SourceError(
                f"cannot reach {urllib.parse.urlsplit(url).netloc}: {reason} (offline?); nothing stored",
                code="SOURCE_OFFLINE",
                source=url,
            ) from None
        if status != 200:
            raise SourceError(
                f"{url} answered HTTP {status}; stopped, nothing stored",
                code=f"SOURCE_HTTP_{status}",
                source=url,
            )
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise SourceError(
                f"{url} sent non-UTF-8 data: {exc}", code="SOURCE_ENCODING", source=url
            ) from None
        if cache:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".part")
            tmp.write_text(text, encoding="utf-8")
            tmp.replace(path)
        return Fetched(url, text, False, 0.0)

"""Settings of the HTTP service: the ``[serve]`` section of the watch's TOML config file
(everything else in the file is the watch's, :func:`orbitwatch.watch.load_config`).

    [serve]
    rate_limit_per_min = 6000     # requests per API key per minute (token bucket, 429 + Retry-After)
    max_body_bytes = 5000000      # request bodies larger than this get 413 INPUT_TOO_LARGE
    cors_origins = []             # no CORS headers unless origins are listed
    watch_interval_s = 60         # --watch: seconds between drop-folder passes
    deliver_interval_s = 5        # --watch: seconds between alert-delivery passes
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from orbitwatch.errors import InputError
from orbitwatch.watch.config import WatchConfig, parse_config

__all__ = ["ServerConfig", "load_server_config"]


@dataclass(frozen=True)
class ServerConfig:
    """What :func:`orbitwatch.server.create_app` needs besides the store path."""

    rate_limit_per_min: float = 6000.0
    max_body_bytes: int = 5_000_000
    cors_origins: tuple[str, ...] = ()
    watch: bool = False
    watch_interval_s: float = 60.0
    deliver_interval_s: float = 5.0
    sse_poll_s: float = 1.0
    watch_config: WatchConfig = field(default_factory=WatchConfig)


_NUMBERS = {"rate_limit_per_min", "max_body_bytes", "watch_interval_s", "deliver_interval_s", "sse_poll_s"}


def _bad(key: str, message: str) -> InputError:
    return InputError(f"config [serve] {key}: {message}", code="INPUT_CONFIG", field=f"serve.{key}")


def parse_serve_section(raw: dict[str, Any], base: ServerConfig | None = None) -> ServerConfig:
    """A :class:`ServerConfig` from a parsed ``[serve]`` table (``INPUT_CONFIG`` on a bad key)."""
    cfg = base or ServerConfig()
    known = {f.name for f in fields(ServerConfig)} - {"watch", "watch_config"}
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in known:
            raise _bad(key, f"unknown key (known: {', '.join(sorted(known))})")
        if key in _NUMBERS:
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value <= 0:
                raise _bad(key, f"expected a positive number, not {value!r}")
            values[key] = int(value) if key == "max_body_bytes" else float(value)
        else:  # cors_origins
            if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
                raise _bad(key, "expected a list of origins (strings)")
            values[key] = tuple(value)
    return replace(cfg, **values)


def load_server_config(path: str | Path | None) -> ServerConfig:
    """The service's settings and the watch's configuration from one TOML file (``None``:
    the defaults).  ``INPUT_FILE`` when unreadable, ``INPUT_CONFIG`` when invalid."""
    if path is None:
        return ServerConfig()
    p = Path(path)
    try:
        data = tomllib.loads(p.read_bytes().decode("utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read {p}: {exc.strerror or exc}", code="INPUT_FILE", source=str(p)) from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"{p}: not valid TOML ({exc})", code="INPUT_CONFIG", source=str(p)) from None
    serve = data.pop("serve", {})
    if not isinstance(serve, dict):
        raise _bad("serve", "expected a table ([serve])")
    return parse_serve_section(serve, ServerConfig(watch_config=parse_config(data)))

"""The watch's configuration: a TOML file (``tomllib``) whose every key has a default.

``docs/watch.md`` shows a complete file.  Sections and keys (units in the names)::

    watchlist = [NORAD, ...]          objects of interest (primaries when screening.primaries = "watchlist")

    [sources]
    drop_dir = "PATH"                 folder whose new files are ingested, one batch per file

    [screening]                       conjunctions of the primaries against the whole catalog
    enabled, primaries = "watchlist" | "payloads" | "all", days = 7.0, threshold_km = 5.0,
    pc = true, pc_method = "foster", hbr_table = "PATH", exclude_co_moving = true

    [maneuvers]                       on the objects with new element sets
    enabled, scope = "all" | "watchlist", lookback_days = 60.0, z_threshold = 6.0

    [rpo]
    enabled, scope = "all" | "watchlist", regime = "all" | "leo" | "meo" | "geo", lookback_days = 30.0

    [fragmentation]                   new objects against the previous snapshot
    enabled, min_pieces = 5

    [new_objects]
    enabled

    [decay]
    enabled, perigee_km = 150.0       perigee limit; objects that stop appearing (fresh at the previous
                                      cycle, no set since, stale now: 14 d LEO, 30 d above) are decays too

    [alerts]                          where alerts go besides the store's subscriptions
    sinks = ["file:PATH", "webhook:URL", ...]   a JSON-lines file, or a Standard Webhooks endpoint
    webhook_secret = "whsec_..."      signs the webhook: sinks (else ORBITWATCH_WEBHOOK_SECRET)
    timeout_s = 10.0                  per webhook or SMTP attempt
    base_url = "URL"                  the service's address, for the event links in e-mails

    [alerts.smtp]                     e-mail subscriptions; a key left out takes ORBITWATCH_SMTP_<KEY>
    host, port = 587, user, password, from_addr, starttls = true

    [replay]
    step_h = 6.0 (0: one batch per file), start_utc = "ISO" (first replayed time; default: earliest epoch + step)

An unknown section or key, or a value of the wrong type or range, is an
:class:`~orbitwatch.errors.InputError` with code ``INPUT_CONFIG`` and the dotted key in
``field``: a typo never silently falls back to a default.
"""

from __future__ import annotations

import math
import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from orbitwatch.api import PC_METHODS, InputError, as_utc
from orbitwatch.watch.webhooks import check_url, secret_key

__all__ = [
    "AlertsConfig",
    "DecayConfig",
    "FragmentationConfig",
    "ManeuverWatchConfig",
    "NewObjectsConfig",
    "ReplayConfig",
    "RpoWatchConfig",
    "ScreeningWatchConfig",
    "SmtpConfig",
    "SourcesConfig",
    "WatchConfig",
    "load_config",
    "parse_config",
]

PRIMARIES = ("watchlist", "payloads", "all")
SCOPES = ("all", "watchlist")
REGIMES = ("all", "leo", "meo", "geo")
#: alert sinks a config may name (``kind:target``); subscriptions (webhook or e-mail) live in the store
SINK_KINDS = ("file", "webhook")


@dataclass(frozen=True)
class SourcesConfig:
    drop_dir: str | None = None


@dataclass(frozen=True)
class ScreeningWatchConfig:
    enabled: bool = True
    primaries: str = "payloads"
    days: float = 7.0
    threshold_km: float = 5.0
    pc: bool = True
    pc_method: str = "foster"
    hbr_table: str | None = None
    exclude_co_moving: bool = True


@dataclass(frozen=True)
class ManeuverWatchConfig:
    enabled: bool = True
    scope: str = "all"
    lookback_days: float = 60.0
    z_threshold: float = 6.0


@dataclass(frozen=True)
class RpoWatchConfig:
    enabled: bool = True
    scope: str = "all"
    regime: str = "all"
    lookback_days: float = 30.0


@dataclass(frozen=True)
class FragmentationConfig:
    enabled: bool = True
    min_pieces: int = 5


@dataclass(frozen=True)
class NewObjectsConfig:
    enabled: bool = True


@dataclass(frozen=True)
class DecayConfig:
    enabled: bool = True
    perigee_km: float = 150.0


@dataclass(frozen=True)
class SmtpConfig:
    """``[alerts.smtp]``; ``None``: not in the file (then ``ORBITWATCH_SMTP_<KEY>``, then the
    default: port 587, STARTTLS on; see :func:`orbitwatch.watch.email.smtp_settings`)."""

    host: str | None = None
    port: int | None = None
    user: str | None = None
    password: str | None = None
    from_addr: str | None = None
    starttls: bool | None = None


@dataclass(frozen=True)
class AlertsConfig:
    sinks: tuple[str, ...] = ()
    webhook_secret: str | None = None
    timeout_s: float = 10.0
    base_url: str | None = None
    smtp: SmtpConfig = field(default_factory=SmtpConfig)


@dataclass(frozen=True)
class ReplayConfig:
    step_h: float = 6.0
    start_utc: str | None = None


@dataclass(frozen=True)
class WatchConfig:
    """The whole configuration (all defaults: :data:`WatchConfig()`)."""

    watchlist: tuple[int, ...] = ()
    sources: SourcesConfig = field(default_factory=SourcesConfig)
    screening: ScreeningWatchConfig = field(default_factory=ScreeningWatchConfig)
    maneuvers: ManeuverWatchConfig = field(default_factory=ManeuverWatchConfig)
    rpo: RpoWatchConfig = field(default_factory=RpoWatchConfig)
    fragmentation: FragmentationConfig = field(default_factory=FragmentationConfig)
    new_objects: NewObjectsConfig = field(default_factory=NewObjectsConfig)
    decay: DecayConfig = field(default_factory=DecayConfig)
    alerts: AlertsConfig = field(default_factory=AlertsConfig)
    replay: ReplayConfig = field(default_factory=ReplayConfig)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"watchlist": list(self.watchlist)}
        for f in fields(self):
            if f.name == "watchlist":
                continue
            out[f.name] = _section_dict(getattr(self, f.name))
        return out


_REDACTED = frozenset({"password", "webhook_secret"})


def _section_dict(sec: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for g in fields(sec):
        v = getattr(sec, g.name)
        if g.name in _REDACTED and v is not None:
            v = "***"
        elif isinstance(v, tuple):
            v = list(v)
        elif hasattr(v, "__dataclass_fields__"):
            v = _section_dict(v)
        out[g.name] = v
    return out


_SECTIONS: dict[str, type[Any]] = {
    "sources": SourcesConfig,
    "screening": ScreeningWatchConfig,
    "maneuvers": ManeuverWatchConfig,
    "rpo": RpoWatchConfig,
    "fragmentation": FragmentationConfig,
    "new_objects": NewObjectsConfig,
    "decay": DecayConfig,
    "alerts": AlertsConfig,
    "replay": ReplayConfig,
}

_CHOICES = {
    ("screening", "primaries"): PRIMARIES,
    ("maneuvers", "scope"): SCOPES,
    ("rpo", "scope"): SCOPES,
    ("rpo", "regime"): REGIMES,
    ("screening", "pc_method"): PC_METHODS,
}
#: (section, key) -> (lowest, highest) allowed, both inclusive
_RANGES = {
    ("screening", "days"): (0.01, 30.0),
    ("screening", "threshold_km"): (0.001, 1000.0),
    ("maneuvers", "lookback_days"): (1.0, 3650.0),
    ("maneuvers", "z_threshold"): (1.0, 100.0),
    ("rpo", "lookback_days"): (1.0, 3650.0),
    ("fragmentation", "min_pieces"): (1, 100_000),
    ("decay", "perigee_km"): (0.0, 2000.0),
    ("replay", "step_h"): (0.0, 24.0 * 366),  # 0: one batch per file
    ("alerts", "timeout_s"): (0.1, 300.0),
    ("alerts.smtp", "port"): (1, 65535),
}
#: keys whose default is ``None`` and whose value is a number or a flag, not a string
_TYPED_NONE: dict[tuple[str, str], Any] = {("alerts.smtp", "port"): 0, ("alerts.smtp", "starttls"): False}


def _bad(key: str, message: str) -> InputError:
    return InputError(f"config {key}: {message}", code="INPUT_CONFIG", field=key)


def _value(section: str, key: str, value: Any, default: Any) -> Any:
    where = f"{section}.{key}"
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise _bad(where, f"expected true or false, not {value!r}")
        return value
    if isinstance(default, tuple):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise _bad(where, "expected a list of strings")
        return tuple(value)
    if isinstance(default, int) and not isinstance(default, bool):
        if not isinstance(value, int) or isinstance(value, bool):
            raise _bad(where, f"expected an integer, not {value!r}")
    elif isinstance(default, float):
        if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
            raise _bad(where, f"expected a finite number, not {value!r}")
        value = float(value)
    elif not isinstance(value, str):
        raise _bad(where, f"expected a string, not {value!r}")
    choices = _CHOICES.get((section, key))
    if choices is not None and value not in choices:
        raise _bad(where, f"{value!r} is not one of {', '.join(choices)}")
    bounds = _RANGES.get((section, key))
    if bounds is not None and not bounds[0] <= value <= bounds[1]:
        raise _bad(where, f"{value!r} is outside {bounds[0]:g}..{bounds[1]:g}")
    if (section, key) == ("replay", "start_utc"):
        as_utc(value, what="replay.start_utc")
    return value


def parse_config(data: dict[str, Any]) -> WatchConfig:
    """A :class:`WatchConfig` from parsed TOML (``INPUT_CONFIG`` on any unknown or bad key)."""
    cfg = WatchConfig()
    for name, raw in data.items():
        if name == "watchlist":
            if not isinstance(raw, list) or not all(isinstance(n, int) and not isinstance(n, bool) and 0 < n < 10**9
                                                    for n in raw):
                raise _bad("watchlist", "expected a list of NORAD ids (positive integers)")
            cfg = replace(cfg, watchlist=tuple(sorted(set(raw))))
            continue
        cls = _SECTIONS.get(name)
        if cls is None:
            raise _bad(name, f"unknown section or key (known: watchlist, {', '.join(_SECTIONS)})")
        if not isinstance(raw, dict):
            raise _bad(name, "expected a table ([section])")
        cfg = replace(cfg, **{name: _section(name, getattr(cfg, name), raw)})
    _check_alerts(cfg.alerts)
    if cfg.screening.enabled and cfg.screening.primaries == "watchlist" and not cfg.watchlist:
        raise _bad("screening.primaries", "'watchlist' needs a non-empty watchlist")
    return cfg


def _section(name: str, section: Any, raw: dict[str, Any]) -> Any:
    known = {f.name: getattr(section, f.name) for f in fields(section)}
    values = {}
    for key, value in raw.items():
        if key not in known:
            raise _bad(f"{name}.{key}", f"unknown key (known: {', '.join(known)})")
        default = known[key]
        if hasattr(default, "__dataclass_fields__"):  # a sub-table: [alerts.smtp]
            if not isinstance(value, dict):
                raise _bad(f"{name}.{key}", "expected a table")
            values[key] = _section(f"{name}.{key}", default, value)
            continue
        if default is None:
            default = _TYPED_NONE.get((name, key), "")
        values[key] = _value(name, key, value, default)
    return replace(section, **values)


def _check_alerts(alerts: AlertsConfig) -> None:
    for sink in alerts.sinks:
        kind, sep, target = sink.partition(":")
        if not sep or kind not in SINK_KINDS or not target:
            raise _bad("alerts.sinks", f"{sink!r}: expected one of {', '.join(k + ':TARGET' for k in SINK_KINDS)}")
        if kind == "webhook":
            try:
                check_url(target)
            except InputError as exc:
                raise _bad("alerts.sinks", str(exc)) from None
            if alerts.webhook_secret is None and not os.environ.get("ORBITWATCH_WEBHOOK_SECRET"):
                raise _bad("alerts.webhook_secret",
                           "a webhook: sink needs webhook_secret (or ORBITWATCH_WEBHOOK_SECRET)")
    if alerts.webhook_secret is not None:
        try:
            secret_key(alerts.webhook_secret)
        except InputError as exc:
            raise _bad("alerts.webhook_secret", str(exc)) from None


def load_config(path: str | Path | None) -> WatchConfig:
    """Read a TOML config file; ``None`` gives the defaults.  A missing or unreadable file is
    ``INPUT_FILE``, invalid TOML or a bad key ``INPUT_CONFIG``."""
    if path is None:
        return WatchConfig()
    p = Path(path)
    try:
        text = p.read_bytes().decode("utf-8")
    except OSError as exc:
        raise InputError(f"cannot read {p}: {exc.strerror or exc}", code="INPUT_FILE", source=str(p)) from None
    except UnicodeDecodeError:
        raise InputError(f"{p} is not UTF-8 text", code="INPUT_CONFIG", source=str(p)) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{p} is not valid TOML: {exc}", code="INPUT_CONFIG", source=str(p)) from None
    return parse_config(data)

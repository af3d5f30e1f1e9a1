"""E-mail alerts over SMTP (stdlib :mod:`smtplib`, RFC 5321; messages by :mod:`email`, RFC 5322).

Settings (:func:`smtp_settings`): each key of the watch config's ``[alerts.smtp]`` table
(:class:`orbitwatch.watch.config.SmtpConfig`) that the file sets wins; a key the file
leaves out takes its environment variable, else the default:

==============  ==========================  =============================================
key             environment                 default
==============  ==========================  =============================================
``host``        ``ORBITWATCH_SMTP_HOST``    none: e-mail alerts fail (and are retried)
``port``        ``ORBITWATCH_SMTP_PORT``    587
``user``        ``ORBITWATCH_SMTP_USER``    none: no ``AUTH``
``password``    ``ORBITWATCH_SMTP_PASSWORD``
``from_addr``   ``ORBITWATCH_SMTP_FROM``    ``orbitwatch@localhost``
``starttls``    ``ORBITWATCH_SMTP_STARTTLS`` true (``0``/``false``/``no`` turn it off)
==============  ==========================  =============================================

One alert is one plain-text message (:func:`build_message`): the subject names severity,
type and summary; the body the event's summary, type, severity, time, objects (NORAD id,
name, owner), its id and revision, the conjunction's miss distance and Pc, a link to
``{base_url}/v1/events/{id}`` when the config gives the service's address, and the
delivery id.  ``Message-ID`` is derived from the delivery id, so a retried message is
recognisably the same one.  Text from the data never becomes a header: CR, LF and other
control characters are replaced by spaces (a summary cannot inject ``Bcc:``), and the
recipient is checked to be one plain address (:func:`check_address`, ``INPUT_TARGET``).
"""

from __future__ import annotations

import os
import re
import smtplib
import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from typing import Any

from orbitwatch.errors import InputError

__all__ = ["SmtpSettings", "build_message", "check_address", "send_email", "smtp_settings"]

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\x85]+")
_ADDRESS = re.compile(r"^[^@\s<>(),;:\"\[\]\\]+@[A-Za-z0-9.-]+$")
_FALSE = ("0", "false", "no", "off")


def _clean(text: Any, limit: int = 300) -> str:
    """One line of at most ``limit`` characters, control characters (CR/LF too) made spaces."""
    return _CONTROL.sub(" ", str(text)).strip()[:limit]


def check_address(address: str) -> str:
    """``address`` when it is one plain ``local@domain`` address; ``INPUT_TARGET`` otherwise."""
    if not isinstance(address, str) or len(address) > 320 or _CONTROL.search(address):
        raise InputError(f"e-mail target {address!r} is not an address", code="INPUT_TARGET", field="target")
    name, addr = parseaddr(address)
    if name or addr != address or not _ADDRESS.match(address):
        raise InputError(f"e-mail target {address!r} is not one plain address", code="INPUT_TARGET",
                         field="target")
    return address


@dataclass(frozen=True)
class SmtpSettings:
    host: str | None
    port: int
    user: str | None
    password: str | None
    from_addr: str
    starttls: bool


def smtp_settings(config: Any = None, environ: Mapping[str, str] | None = None) -> SmtpSettings:
    """The SMTP settings of an ``[alerts.smtp]`` table (``SmtpConfig`` or ``None``) filled from
    ``environ`` (default :data:`os.environ`); ``INPUT_CONFIG`` for a bad port or sender."""
    env = os.environ if environ is None else environ

    def pick(key: str, env_name: str) -> Any:
        value = getattr(config, key, None) if config is not None else None
        if value is None:
            value = env.get(env_name) or None
        return value

    port_raw = pick("port", "ORBITWATCH_SMTP_PORT")
    try:
        port = 587 if port_raw is None else int(port_raw)
    except ValueError:
        port = -1
    if not 0 < port < 65536:
        raise InputError(f"SMTP port {port_raw!r}", code="INPUT_CONFIG", field="alerts.smtp.port")
    tls_raw = pick("starttls", "ORBITWATCH_SMTP_STARTTLS")
    starttls = True if tls_raw is None else (tls_raw if isinstance(tls_raw, bool)
                                              else str(tls_raw).strip().lower() not in _FALSE)
    from_addr = pick("from_addr", "ORBITWATCH_SMTP_FROM") or "orbitwatch@localhost"
    try:
        check_address(from_addr)
    except InputError:
        raise InputError(f"SMTP sender {from_addr!r} is not one plain address", code="INPUT_CONFIG",
                         field="alerts.smtp.from_addr") from None
    return SmtpSettings(host=pick("host", "ORBITWATCH_SMTP_HOST"), port=port, user=pick("user", "ORBITWATCH_SMTP_USER"),
                        password=pick("password", "ORBITWATCH_SMTP_PASSWORD"), from_addr=from_addr,
                        starttls=starttls)


def _number(value: Any, fmt: str) -> str:
    return "unknown" if not isinstance(value, int | float) or isinstance(value, bool) else format(value, fmt)


def build_message(
    message: Mapping[str, Any], *, to: str, from_addr: str, base_url: str | None = None,
    clock: Callable[[], float] = time.time,
) -> EmailMessage:
    """The plain-text e-mail of one alert ``{"id", "type", "timestamp_utc", "data": event}``."""
    event = message["data"]
    kind = _clean(event.get("type"), 40)
    severity = _clean(event.get("severity"), 20)
    summary = _clean(event.get("summary"), 500)
    msg = EmailMessage()
    msg["Subject"] = _clean(f"[orbitwatch] {severity} {kind}: {summary}", 200)
    msg["From"] = check_address(from_addr)
    msg["To"] = check_address(to)
    msg["Date"] = formatdate(clock(), usegmt=True)
    delivery = _clean(message["id"], 100)
    msg["Message-ID"] = f"<{re.sub(r'[^A-Za-z0-9_.-]', '', delivery)}@orbitwatch>"
    msg["X-Orbitwatch-Event-Id"] = _clean(event.get("id"), 100)
    objects = [f"  {o.get('norad')}  {_clean(o.get('name') or '(no name)', 80)}"
               + (f"  [{_clean(o['owner'], 40)}]" if o.get("owner") else "")
               for o in event.get("objects", [])]
    lines = [
        summary,
        "",
        f"Type:      {kind} ({_clean(message.get('type'), 40)})",
        f"Severity:  {severity}",
        f"Time:      {_clean(event.get('time_utc'), 40)}",
        "Objects:",
        *objects,
    ]
    details = event.get("details") or {}
    if kind == "conjunction":
        lines.append(f"Miss:      {_number(details.get('miss_distance_km'), '.3f')} km")
        lines.append(f"Pc:        {_number(details.get('pc'), '.2e')}")
    lines += [
        "",
        f"Event:     {_clean(event.get('id'), 100)} (revision {_clean(event.get('revision'), 10)}, "
        f"updated {_clean(event.get('updated_utc'), 40)})",
    ]
    if base_url:
        lines.append(f"Link:      {_clean(base_url, 500).rstrip('/')}/v1/events/{_clean(event.get('id'), 100)}")
    lines += [f"Delivery:  {delivery} (the same on every retry)", "", "-- orbitwatch watch"]
    msg.set_content("\n".join(lines) + "\n")
    return msg


def send_email(
    settings: SmtpSettings, to: str, message: Mapping[str, Any], *, base_url: str | None = None,
    timeout_s: float = 10.0, clock: Callable[[], float] = time.time,
) -> str:
    """Send one alert; returns the outcome text (``SMTP 250``).  Raises ``INPUT_TARGET`` (a bad
    recipient), ``INPUT_CONFIG`` (no SMTP host), or ``OSError``/``smtplib.SMTPException`` (a
    failed attempt, retried by the queue)."""
    check_address(to)
    if not settings.host:
        raise InputError("e-mail alerts need an SMTP host: [alerts.smtp] host or ORBITWATCH_SMTP_HOST",
                         code="INPUT_CONFIG", field="alerts.smtp.host")
    msg = build_message(message, to=to, from_addr=settings.from_addr, base_url=base_url, clock=clock)
    with smtplib.SMTP(settings.host, settings.port, timeout=timeout_s) as smtp:
        smtp.ehlo()
        if settings.starttls:
            smtp.starttls(context=ssl.create_default_context())
            smtp.ehlo()
        if settings.user:
            smtp.login(settings.user, settings.password or "")
        refused = smtp.send_message(msg, from_addr=settings.from_addr, to_addrs=[to])
    if refused:
        raise smtplib.SMTPRecipientsRefused(refused)
    return "SMTP 250"

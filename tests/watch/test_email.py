"""Issue 14, acceptance 3 (e-mail): a real SMTP sink (``aiosmtpd`` on loopback) receives the
alerts of an e-mail subscription; settings come from ``[alerts.smtp]`` or the environment;
text from the data cannot inject headers; a down server is a failed attempt, retried."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from orbitwatch.errors import InputError
from orbitwatch.store import Store
from orbitwatch.store.events import Finding, list_deliveries, list_events, upsert_events
from orbitwatch.store.service import create_subscription
from orbitwatch.watch import replay
from orbitwatch.watch.alerts import deliver_due
from orbitwatch.watch.config import AlertsConfig, SmtpConfig
from orbitwatch.watch.email import check_address, smtp_settings
from orbitwatch.watch.subscriptions import SubscriptionRouter

from .alert_helpers import free_port, replay_config, small_history

T0 = np.datetime64("2026-07-20T00:00:00", "us")


@dataclass
class Sink:
    """What the SMTP server received: ``(mail_from, rcpt_tos, message)`` per message."""

    messages: list[tuple[str, list[str], email.message.EmailMessage]] = field(default_factory=list)
    logins: list[tuple[bytes, bytes]] = field(default_factory=list)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,  # noqa: N802
                          rcpt_options: Any) -> str:
        if address.startswith("nobody@"):
            return "550 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        msg = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), msg))
        return "250 OK"


def _authenticator(sink: Sink) -> Any:
    def check(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
        if isinstance(auth_data, LoginPassword):
            sink.logins.append((auth_data.login, auth_data.password))
            return AuthResult(success=auth_data.password == b"s3cret")
        return AuthResult(success=False)

    return check


@pytest.fixture
def smtp() -> Iterator[tuple[Sink, int]]:
    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port, authenticator=_authenticator(sink),
                            auth_require_tls=False)
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()


def test_email_subscription_on_a_real_replay(shared_data: Path, tmp_path: Path, smtp: tuple[Sink, int],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    sink, port = smtp
    env = {"HOST": "127.0.0.1", "PORT": str(port), "STARTTLS": "0", "FROM": "watch@orbitwatch.test"}
    for key, value in env.items():
        monkeypatch.setenv(f"ORBITWATCH_SMTP_{key}", value)
    monkeypatch.delenv("ORBITWATCH_SMTP_USER", raising=False)
    history = small_history(shared_data, tmp_path / "geo.csv")
    with Store.open(tmp_path / "w.db") as store:
        sub = create_subscription(store, "email", "ops@example.org", {"norad": [36108]})
        cfg = replay_config({"base_url": "http://127.0.0.1:8765/"})
        sum(1 for _ in replay(store, [history], cfg))
        events = {e.id: e for e in list_events(store)}
        mine = [d for d in list_deliveries(store) if d.sink == sub.sink]
    expected = {i for i, e in events.items() if 36108 in {o.norad for o in e.objects}}
    assert len(expected) >= 2 and {d.event_id for d in mine} == expected
    assert {(d.status, d.outcome) for d in mine} == {("delivered", "SMTP 250")}
    assert len(sink.messages) == len(mine)
    by_delivery = {m["Message-ID"]: (frm, to, m) for frm, to, m in sink.messages}
    for d in mine:
        frm, to, msg = by_delivery[f"<{d.id}@orbitwatch>"]
        e = events[d.event_id]
        assert (frm, to, msg["To"], msg["From"]) == ("watch@orbitwatch.test", ["ops@example.org"],
                                                     "ops@example.org", "watch@orbitwatch.test")
        # the message tells the event as it stood when alerted (a later revision may differ)
        assert msg["Subject"].startswith("[orbitwatch] ") and " maneuver: " in msg["Subject"]
        assert msg.get_content_type() == "text/plain"
        body = msg.get_content()
        assert msg["Subject"].split(" maneuver: ", 1)[1] in body and f"(revision {d.revision}," in body
        for text in (d.event_id, d.id, "36108", "Time:      2026-", f"http://127.0.0.1:8765/v1/events/{d.event_id}"):
            assert text in body
        assert any(o.name and o.name in body for o in e.objects)


def test_no_header_injection_and_auth_from_config(tmp_path: Path, smtp: tuple[Sink, int],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    sink, port = smtp
    for key in ("HOST", "PORT", "USER", "PASSWORD", "FROM", "STARTTLS"):
        monkeypatch.delenv(f"ORBITWATCH_SMTP_{key}", raising=False)
    alerts = AlertsConfig(smtp=SmtpConfig(host="127.0.0.1", port=port, user="watch", password="s3cret",
                                          from_addr="watch@orbitwatch.test", starttls=False))
    evil = Finding(type="decay", dedupe_key="1", time=T0, norads=(1,), names=("SAT\r\nBcc: x@evil.test",),
                   severity="low", summary="decayed\r\nBcc: victim@evil.test\r\nX-Injected: 1", details={},
                   evidence={})
    with Store.open(tmp_path / "w.db") as store:
        create_subscription(store, "email", "ops@example.org")
        upsert_events(store, [evil], cycle_key="c", now=T0, route=SubscriptionRouter(store))
        assert deliver_due(store, now=T0, config=alerts) == 1
    ((_, to, msg),) = sink.messages
    assert sink.logins == [(b"watch", b"s3cret")]
    assert to == ["ops@example.org"] and msg["Bcc"] is None and msg["X-Injected"] is None
    assert "\n" not in msg["Subject"] and "\r" not in msg["Subject"]
    assert msg["Subject"] == "[orbitwatch] low decay: decayed Bcc: victim@evil.test X-Injected: 1"
    assert "x@evil.test" not in {a for _, a in email.utils.getaddresses(msg.get_all("To", []))}


def test_down_server_and_bad_addresses(tmp_path: Path) -> None:
    alerts = AlertsConfig(timeout_s=2.0, smtp=SmtpConfig(host="127.0.0.1", port=free_port(), starttls=False))
    with Store.open(tmp_path / "w.db") as store:
        good = create_subscription(store, "email", "ops@example.org")
        bad = create_subscription(store, "email", "ops@example.org, other@example.org")
        f = Finding(type="decay", dedupe_key="1", time=T0, norads=(1,), severity="low", summary="s", details={},
                    evidence={})
        upsert_events(store, [f], cycle_key="c", now=T0, route=SubscriptionRouter(store))
        assert deliver_due(store, now=T0, config=alerts) == 0
        out = {d.sink: d for d in list_deliveries(store)}
    assert (out[good.sink].status, out[good.sink].attempts) == ("queued", 1)
    assert "Connection" in (out[good.sink].outcome or "") or "refused" in (out[good.sink].outcome or "")
    assert (out[bad.sink].status, out[bad.sink].attempts) == ("failed", 1)
    assert (out[bad.sink].outcome or "").startswith("INPUT_TARGET")
    for address in ("a@b.org\r\nBcc: c@d.org", "Name <a@b.org>", "a@b.org, c@d.org", "no-at-sign", ""):
        with pytest.raises(InputError) as info:
            check_address(address)
        assert info.value.code == "INPUT_TARGET"


def test_settings_file_wins_environment_fills(monkeypatch: pytest.MonkeyPatch) -> None:
    env = {"ORBITWATCH_SMTP_HOST": "env.example.org", "ORBITWATCH_SMTP_PORT": "2525",
           "ORBITWATCH_SMTP_PASSWORD": "from-env", "ORBITWATCH_SMTP_STARTTLS": "false"}
    s = smtp_settings(SmtpConfig(host="file.example.org", user="u"), env)
    assert (s.host, s.port, s.user, s.password, s.starttls, s.from_addr) == (
        "file.example.org", 2525, "u", "from-env", False, "orbitwatch@localhost")
    d = smtp_settings(None, {})
    assert (d.host, d.port, d.starttls) == (None, 587, True)  # the submission port, with STARTTLS
    with pytest.raises(InputError) as info:
        smtp_settings(None, {"ORBITWATCH_SMTP_PORT": "smtp"})
    assert (info.value.code, info.value.field) == ("INPUT_CONFIG", "alerts.smtp.port")


def test_refused_recipient_does_not_stop_the_others(tmp_path: Path, smtp: tuple[Sink, int]) -> None:
    sink, port = smtp
    alerts = AlertsConfig(smtp=SmtpConfig(host="127.0.0.1", port=port, starttls=False))
    with Store.open(tmp_path / "w.db") as store:
        refused = create_subscription(store, "email", "nobody@example.org")
        good = create_subscription(store, "email", "ops@example.org")
        f = Finding(type="decay", dedupe_key="1", time=T0, norads=(1,), severity="low", summary="s", details={},
                    evidence={})
        upsert_events(store, [f], cycle_key="c", now=T0, route=SubscriptionRouter(store))
        assert deliver_due(store, now=T0, config=alerts) == 1
        out = {d.sink: d for d in list_deliveries(store)}
    assert [to for _, to, _ in sink.messages] == [["ops@example.org"]]
    assert (out[good.sink].status, out[good.sink].outcome) == ("delivered", "SMTP 250")
    assert out[refused.sink].status == "queued" and "SMTPRecipientsRefused" in (out[refused.sink].outcome or "")

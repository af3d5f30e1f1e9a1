"""The watch's TOML configuration: defaults from the issue, the docs example, coded refusals."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from orbitwatch.errors import InputError
from orbitwatch.watch import WatchConfig, load_config, parse_config

DOCS = Path(__file__).resolve().parents[2] / "docs" / "watch.md"


def test_defaults_are_the_issues() -> None:
    cfg = load_config(None)
    assert cfg == WatchConfig()
    # issue 14: "over the next N days (default 7) at a threshold (default 5 km), with Pc"
    assert (cfg.screening.days, cfg.screening.threshold_km, cfg.screening.pc) == (7.0, 5.0, True)
    assert cfg.alerts.sinks == () and cfg.sources.drop_dir is None


def test_docs_example_is_complete_and_parses() -> None:
    blocks = re.findall(r"```toml\n(.*?)```", DOCS.read_text(encoding="utf-8"), flags=re.S)
    assert len(blocks) == 1
    data = tomllib.loads(blocks[0])
    cfg = parse_config(data)
    # every section and key of the configuration appears in the example
    full = WatchConfig().to_dict()
    assert set(data) == set(full)
    for section, keys in full.items():
        if isinstance(keys, dict):
            assert set(data[section]) == set(keys), section
            for sub, subkeys in keys.items():
                if isinstance(subkeys, dict):
                    assert set(data[section][sub]) == set(subkeys), f"{section}.{sub}"
    assert cfg.watchlist == (25544, 48274, 49330, 55841)
    assert cfg.screening.primaries == "payloads"
    assert cfg.alerts.sinks == ("file:/var/lib/orbitwatch/alerts.jsonl", "webhook:https://ops.example.org/orbitwatch")
    assert (cfg.alerts.smtp.host, cfg.alerts.smtp.port, cfg.alerts.smtp.starttls) == ("smtp.example.org", 587, True)
    assert cfg.to_dict()["alerts"]["smtp"]["password"] == "***"  # secrets are never echoed
    assert cfg.replay.start_utc == "2026-07-19T18:00:00Z"


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("[screening]\ntreshold_km = 2.0\n", "screening.treshold_km"),
        ("[screenings]\n", "screenings"),
        ("[screening]\nthreshold_km = 'five'\n", "screening.threshold_km"),
        ("[screening]\nthreshold_km = -1.0\n", "screening.threshold_km"),
        ("[screening]\nthreshold_km = nan\n", "screening.threshold_km"),
        ("[screening]\nprimaries = 'everything'\n", "screening.primaries"),
        ("[screening]\nprimaries = 'watchlist'\n", "screening.primaries"),
        ("[screening]\npc = 1\n", "screening.pc"),
        ("[fragmentation]\nmin_pieces = 2.5\n", "fragmentation.min_pieces"),
        ("watchlist = [25544, -3]\n", "watchlist"),
        ("[replay]\nstart_utc = '2026-07-19 18:00'\n", "replay.start_utc"),
        ("[alerts]\nsinks = 'file:x'\n", "alerts.sinks"),
        ("[alerts]\nsinks = ['smoke-signal:hill']\n", "alerts.sinks"),
        ("[alerts]\nsinks = ['webhook:ftp://example.org/x']\nwebhook_secret = 'whsec_AAAA'\n", "alerts.sinks"),
        ("[alerts]\nsinks = ['webhook:https://example.org/x']\nwebhook_secret = 'whsec_%%%'\n",
         "alerts.webhook_secret"),
        ("[alerts]\ntimeout_s = 0\n", "alerts.timeout_s"),
        ("[alerts.smtp]\nport = 70000\n", "alerts.smtp.port"),
        ("[alerts.smtp]\nstarttls = 'yes'\n", "alerts.smtp.starttls"),
        ("[alerts.smtp]\nhots = 'x'\n", "alerts.smtp.hots"),
        ("[alerts]\nsmtp = 3\n", "alerts.smtp"),
    ],
)
def test_bad_config_is_refused_with_its_key(tmp_path: Path, text: str, field: str) -> None:
    path = tmp_path / "watch.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_config(path)
    assert info.value.code in ("INPUT_CONFIG", "TIME_FORMAT", "TIME_NAIVE") and info.value.field in (field, None)
    if info.value.code == "INPUT_CONFIG":
        assert info.value.field == field


def test_unreadable_or_invalid_files(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        load_config(tmp_path / "missing.toml")
    assert info.value.code == "INPUT_FILE"
    bad = tmp_path / "bad.toml"
    bad.write_text("[screening\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_config(bad)
    assert info.value.code == "INPUT_CONFIG"


def test_webhook_sink_needs_a_secret(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ORBITWATCH_WEBHOOK_SECRET", raising=False)
    text = {"alerts": {"sinks": ["webhook:http://127.0.0.1:9/hook"]}}
    with pytest.raises(InputError) as info:
        parse_config(text)
    assert (info.value.code, info.value.field) == ("INPUT_CONFIG", "alerts.webhook_secret")
    monkeypatch.setenv("ORBITWATCH_WEBHOOK_SECRET", "whsec_AAAA")
    assert parse_config(text).alerts.sinks == ("webhook:http://127.0.0.1:9/hook",)

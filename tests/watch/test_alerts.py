"""Alert delivery from the queue: a failing sink is retried on the back-off schedule with the
same id, every attempt's outcome kept; a file sink writes one strict JSON line per alert."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from orbitwatch.store import Store
from orbitwatch.store.events import Finding, list_deliveries, upsert_events
from orbitwatch.watch.alerts import deliver_due

T0 = np.datetime64("2026-07-20T00:00:00", "us")


def _finding() -> Finding:
    return Finding(type="decay", dedupe_key="43632", time=T0, norads=(43632,), severity="low",
                   summary="decay", details={"perigee_km": float("nan")}, evidence={})


def test_failing_sink_is_retried_with_the_same_id(tmp_path: Path) -> None:
    sink = f"file:{tmp_path / 'alerts.jsonl'}"
    seen: list[tuple[str, dict[str, Any]]] = []
    answers = iter([OSError("connection refused"), OSError("timeout"), None])

    def sender(target: str, message: dict[str, Any]) -> None:
        seen.append((target, message))
        err = next(answers)
        if err is not None:
            raise err

    with Store.open(tmp_path / "w.db") as store:
        upsert_events(store, [_finding()], cycle_key="c1", now=T0, sinks=(sink,))
        assert deliver_due(store, now=T0, sender=sender) == 0
        assert deliver_due(store, now=T0 + np.timedelta64(59, "s"), sender=sender) == 0  # 1 min back-off
        assert deliver_due(store, now=T0 + np.timedelta64(60, "s"), sender=sender) == 0
        assert deliver_due(store, now=T0 + np.timedelta64(60 + 299, "s"), sender=sender) == 0  # then 5 min
        assert deliver_due(store, now=T0 + np.timedelta64(360, "s"), sender=sender) == 1
        (d,) = list_deliveries(store)
    assert len(seen) == 3 and len({m["id"] for _, m in seen}) == 1 and seen[0][1]["id"] == d.id
    assert (d.status, d.attempts, d.outcome) == ("delivered", 3, "delivered")
    assert {t for t, _ in seen} == {sink} and seen[0][1]["type"] == "event.created"


def test_file_sink_writes_strict_json_lines(tmp_path: Path) -> None:
    path = tmp_path / "alerts.jsonl"
    with Store.open(tmp_path / "w.db") as store:
        upsert_events(store, [_finding()], cycle_key="c1", now=T0, sinks=(f"file:{path}",))
        assert deliver_due(store, now=T0) == 1
        assert deliver_due(store, now=T0 + np.timedelta64(1, "D")) == 0  # delivered once
        (d,) = list_deliveries(store)
    (line,) = path.read_text(encoding="utf-8").splitlines()
    message = json.loads(line, parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c)))
    assert message["id"] == d.id and message["timestamp_utc"] == "2026-07-20T00:00:00.000Z"
    assert message["data"]["objects"] == [{"norad": 43632, "name": None, "owner": None, "operator": None,
                                           "users": None, "purpose": None, "ucs_conflict": None}]
    assert message["data"]["details"] == {"perigee_km": None}

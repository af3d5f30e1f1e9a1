"""The event store (schema v5, orbitwatch.store.events): model, de-duplication, ids,
transactions, deliveries.

Expected values are written out from the rule stated in the issue (same pair, TCA moved
by less than 20 minutes = same event), never read back from the code under test.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import sqlite3
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from orbitwatch.errors import InputError, StoreError
from orbitwatch.store import SCHEMA_VERSION, Store
from orbitwatch.store import events as ev
from orbitwatch.store.schema import MIGRATIONS

T0 = np.datetime64("2026-07-20T00:00:00", "us")


def _minutes(m: float) -> np.timedelta64:
    return np.timedelta64(int(m * 60e6), "us")


def conj(tca: np.datetime64, miss_km: float, pc: float | None, a: int = 25544, b: int = 48274) -> ev.Finding:
    return ev.Finding(
        type="conjunction", dedupe_key=f"{min(a, b)}-{max(a, b)}", time=tca, norads=(a, b),
        severity="medium" if pc and pc >= 1e-6 else "low", summary=f"{a} vs {b} {miss_km} km",
        details={"miss_distance_km": miss_km, "pc": pc}, evidence={"miss_distance_km": miss_km},
        history_point={"miss_distance_km": miss_km, "pc": pc},
    )


def dump(store: Store) -> list[dict[str, Any]]:
    return [e.to_dict() for e in ev.list_events(store)]


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store.open(tmp_path / "w.db")
    yield s
    s.close()


def test_version_4_store_migrates_to_5(tmp_path: Path) -> None:
    db = tmp_path / "v4.db"
    conn = sqlite3.connect(db)
    for step in MIGRATIONS[:4]:
        for sql in step:
            conn.execute(sql)
    conn.execute("INSERT INTO meta (key, value) VALUES ('schema_version', '4')")
    conn.commit()
    conn.close()
    with Store.open(db) as store:
        assert ev.list_events(store) == [] and ev.last_cycle(store) is None
    conn = sqlite3.connect(db)
    try:
        version = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        conn.close()
    assert SCHEMA_VERSION >= 5 and version == str(SCHEMA_VERSION)
    assert {"events", "event_objects", "watch_cycles", "deliveries"} <= tables


def test_conjunction_tca_within_20_min_updates_with_history(store: Store) -> None:
    r1 = ev.upsert_events(store, [conj(T0, 2.0, 1e-7)], cycle_key="c1", now=T0 - _minutes(600))
    r2 = ev.upsert_events(store, [conj(T0 + _minutes(19), 1.5, 2e-6)], cycle_key="c2", now=T0 - _minutes(300))
    assert len(r1.created) == 1 and r2.created == [] and r2.updated == r1.created
    (e,) = ev.list_events(store)
    assert e.id == r1.created[0] and e.revision == 2
    assert e.time_utc == "2026-07-20T00:19:00.000Z"
    assert e.created_utc == "2026-07-19T14:00:00.000Z" and e.updated_utc == "2026-07-19T19:00:00.000Z"
    assert e.severity == "medium" and e.details["miss_distance_km"] == 1.5
    assert e.details["history"] == [
        {"cycle": "c1", "miss_distance_km": 2.0, "pc": 1e-7},
        {"cycle": "c2", "miss_distance_km": 1.5, "pc": 2e-6},
    ]
    # The 20 minutes are counted from the latest TCA: 19 + 19 min from the first is the same event...
    ev.upsert_events(store, [conj(T0 + _minutes(38), 1.4, 2e-6)], cycle_key="c3", now=T0)
    assert len(ev.list_events(store)) == 1
    # ... but a TCA 21 minutes away, or another pair, is another event.
    r4 = ev.upsert_events(store, [conj(T0 + _minutes(38 + 21), 1.4, 2e-6),
                                  conj(T0 + _minutes(38), 1.0, None, a=25544, b=12345)], cycle_key="c4", now=T0)
    assert len(r4.created) == 2 and len(ev.list_events(store)) == 3
    assert [o.norad for o in ev.list_events(store, norad=12345)[0].objects] == [25544, 12345]
    assert len(ev.list_events(store, norad=25544)) == 3 and len(ev.list_events(store, norad=48274)) == 2


def test_same_cycle_twice_changes_nothing(store: Store) -> None:
    findings = [conj(T0, 2.0, 1e-7), conj(T0 + _minutes(95), 3.0, None)]
    first = ev.upsert_events(store, findings, cycle_key="c1", now=T0)
    before = dump(store)
    again = ev.upsert_events(store, findings, cycle_key="c1", now=T0 + _minutes(5))
    assert len(first.created) == 2 and again.created == again.updated == []
    assert sorted(again.unchanged) == sorted(first.created)
    assert dump(store) == before  # same ids, same revision, same updated_utc, history not doubled


def test_ids_are_stable_across_stores(tmp_path: Path) -> None:
    """Two stores fed the same findings independently give the same ids."""
    ids = []
    for name in ("a.db", "b.db"):
        with Store.open(tmp_path / name) as s:
            ev.upsert_events(s, [conj(T0, 2.0, None)], cycle_key="x", now=T0)
            ev.upsert_events(s, [conj(T0 + _minutes(10), 1.0, None)], cycle_key="y", now=T0)
            ids.append([e.id for e in ev.list_events(s)])
    assert ids[0] == ids[1] and len(ids[0]) == 1 and ids[0][0].startswith("conjunction-")


def _maneuver(lo_h: float, hi_h: float, epoch_h: float) -> ev.Finding:
    h = np.timedelta64(3600_000_000, "us")
    return ev.Finding(type="maneuver", dedupe_key="49330", time=T0 + epoch_h * h, span_lo=T0 + lo_h * h,
                      span_hi=T0 + hi_h * h, norads=(49330,), severity="low", summary="burn", details={},
                      evidence={})


def test_maneuver_brackets_and_rpo_episodes(store: Store) -> None:
    ev.upsert_events(store, [_maneuver(0, 10, 5)], cycle_key="c1", now=T0)
    ev.upsert_events(store, [_maneuver(8, 14, 9)], cycle_key="c2", now=T0)  # overlapping bracket: same burn
    ev.upsert_events(store, [_maneuver(30, 40, 35)], cycle_key="c3", now=T0)  # 16 h later: another burn
    events = ev.list_events(store, type="maneuver")
    assert [e.time_utc for e in events] == ["2026-07-20T09:00:00.000Z", "2026-07-21T11:00:00.000Z"]
    day = np.timedelta64(86_400_000_000, "us")
    ep = {"type": "rpo", "dedupe_key": "49330-55841:sustained-proximity", "norads": (49330, 55841),
          "severity": "medium", "summary": "rpo", "details": {}, "evidence": {}}
    ev.upsert_events(store, [ev.Finding(time=T0, span_lo=T0, span_hi=T0 + 2 * day, **ep)], cycle_key="c1", now=T0)
    ev.upsert_events(store, [ev.Finding(time=T0 + day, span_lo=T0 + day, span_hi=T0 + 3 * day, **ep)],
                     cycle_key="c2", now=T0)
    (rpo,) = ev.list_events(store, type="rpo")
    assert rpo.time_utc == "2026-07-20T00:00:00.000Z"  # an ongoing episode keeps its start
    row = store._conn.execute("SELECT span_lo_us, span_hi_us FROM events WHERE id = ?", (rpo.id,)).fetchone()
    assert row[1] - row[0] == 3 * 86_400_000_000


def test_one_event_per_key_for_fragmentation(store: Store) -> None:
    f = {"type": "fragmentation", "dedupe_key": "1982-092", "severity": "high", "summary": "cloud",
         "evidence": {}}
    ev.upsert_events(store, [ev.Finding(time=T0, norads=(13552, 49863), details={"members": [49863]}, **f)],
                     cycle_key="a", now=T0)
    later = T0 + np.timedelta64(400 * 86_400_000_000, "us")
    ev.upsert_events(store, [ev.Finding(time=later, norads=(13552, 49863, 49864), details={"members": [49863, 49864]},
                                        **f)], cycle_key="b", now=later)
    (e,) = ev.list_events(store, type="fragmentation")
    assert [o.norad for o in e.objects] == [13552, 49863, 49864] and e.revision == 2


def test_upsert_is_one_transaction(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    ev.upsert_events(store, [conj(T0, 2.0, None)], cycle_key="c1", now=T0)
    before = dump(store)
    calls = {"n": 0}
    real = ev._objects

    def failing(conn: Any, finding: ev.Finding) -> list[dict[str, Any]]:
        calls["n"] += 1
        if calls["n"] == 2:
            raise sqlite3.OperationalError("disk I/O error")
        return real(conn, finding)

    monkeypatch.setattr(ev, "_objects", failing)
    cycle = ev.CycleRecord(batch_key="c2", t=T0, prev_watermark=0, watermark=0, finished=T0)
    with pytest.raises(StoreError) as info:
        ev.upsert_events(store, [conj(T0 + _minutes(5), 1.0, None), conj(T0 + _minutes(300), 1.0, None)],
                         cycle_key="c2", now=T0, cycle=cycle)
    assert info.value.code == "STORE"
    assert dump(store) == before and ev.find_cycle(store, "c2") is None


def test_bad_findings_are_coded_errors() -> None:
    with pytest.raises(InputError) as info:
        ev.Finding(type="explosion", dedupe_key="x", time=T0, norads=(1,), severity="low", summary="", details={},
                   evidence={})
    assert info.value.code == "INPUT_INVALID" and info.value.field == "type"
    with pytest.raises(InputError) as info:
        ev.Finding(type="decay", dedupe_key="x", time=T0, norads=(1,), severity="severe", summary="", details={},
                   evidence={})
    assert info.value.field == "severity"


def test_json_columns_are_strict(store: Store) -> None:
    f = ev.Finding(type="decay", dedupe_key="1", time=T0, norads=(1,), severity="low", summary="s",
                   details={"x": float("nan"), "y": np.float64(np.inf), "z": np.arange(2)}, evidence={"t": T0})
    ev.upsert_events(store, [f], cycle_key="c", now=T0)
    raw = store._conn.execute("SELECT details_json, evidence_json FROM events").fetchone()
    assert json.loads(raw[0]) == {"x": None, "y": None, "z": [0, 1]}
    assert json.loads(raw[1]) == {"t": "2026-07-20T00:00:00.000Z"}


def test_deliveries_queue_retry_and_outcome(store: Store) -> None:
    sinks = ("file:/tmp/a.jsonl", "file:/tmp/b.jsonl")
    r = ev.upsert_events(store, [conj(T0, 2.0, 1e-8)], cycle_key="c1", now=T0, sinks=sinks)
    assert r.queued == 2
    # An update at the same severity sends nothing; a rise in severity sends again.
    assert ev.upsert_events(store, [conj(T0 + _minutes(1), 1.9, 1e-8)], cycle_key="c2", now=T0, sinks=sinks).queued == 0
    assert ev.upsert_events(store, [conj(T0 + _minutes(2), 0.1, 1e-5)], cycle_key="c3", now=T0, sinks=sinks).queued == 2
    due = ev.due_deliveries(store, T0)
    assert [(d.revision, d.sink) for d in due] == [(1, sinks[0]), (1, sinks[1]), (3, sinks[0]), (3, sinks[1])]
    assert len({d.id for d in due}) == 4
    d = due[0]
    t = T0
    schedule_s = [60, 300, 1800, 7200, 28800]
    for k, wait_s in enumerate(schedule_s, 1):
        after = ev.record_attempt(store, d.id, ok=False, outcome="HTTP 500", now=t)
        assert (after.status, after.attempts, after.id) == ("queued", k, d.id)
        assert d.id not in {x.id for x in ev.due_deliveries(store, t + np.timedelta64(wait_s - 1, "s"))}
        t = t + np.timedelta64(wait_s, "s")
        assert d.id in {x.id for x in ev.due_deliveries(store, t)}
    final = ev.record_attempt(store, d.id, ok=False, outcome="HTTP 500", now=t)
    assert final.status == "failed" and final.attempts == 6 and final.outcome == "HTTP 500"
    ok = ev.record_attempt(store, due[1].id, ok=True, outcome="delivered", now=T0)
    assert ok.status == "delivered" and ok.last_attempt_utc == "2026-07-20T00:00:00.000Z"
    assert {x.status for x in ev.list_deliveries(store)} == {"failed", "delivered", "queued"}


def _satcat_lines(shared_data: Path, ids: set[int]) -> tuple[list[str], dict[int, dict[str, str]]]:
    with gzip.open(shared_data / "satcat" / "spacetrack-satcat-2026-01-19.csv.gz", "rt", encoding="utf-8") as f:
        text = f.read()
    lines = text.splitlines(keepends=True)
    keep = [lines[0]] + [ln for ln in lines[1:] if int(next(csv.reader([ln]))[1]) in ids]
    rows = {int(r["NORAD_CAT_ID"]): r for r in csv.DictReader(io.StringIO("".join(keep)))}
    return keep, rows


def test_objects_carry_store_metadata(store: Store, shared_data: Path) -> None:
    lines, rows = _satcat_lines(shared_data, {25544, 49330})
    store.ingest([("satcat.csv", iter(lines))], now=T0)
    ev.upsert_events(store, [conj(T0, 1.0, None, a=25544, b=49330)], cycle_key="c", now=T0)
    (e,) = ev.list_events(store)
    assert [o.to_dict() for o in e.objects] == [
        {"norad": n, "name": rows[n]["SATNAME"], "owner": rows[n]["COUNTRY"], "operator": None, "users": None,
         "purpose": None, "ucs_conflict": None} for n in (25544, 49330)
    ]


def _ucs_lines(shared_data: Path, ids: set[int]) -> tuple[list[str], dict[int, dict[str, str]]]:
    """The UCS database's header and the rows of ``ids`` (csv module), and those rows by NORAD id."""
    with gzip.open(shared_data / "satcat" / "ucs-satellite-database-2023-05-01.csv.gz", "rt", newline="",
                   encoding="utf-8", errors="replace") as f:
        table = list(csv.reader(f))
    header = [h.strip() for h in table[0]]
    col = header.index("NORAD Number")
    keep = [r for r in table[1:] if r[col].strip().isdigit() and int(r[col]) in ids]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([table[0], *keep])
    return out.getvalue().splitlines(keepends=True), {int(r[col]): dict(zip(header, r, strict=False)) for r in keep}


def test_objects_carry_ucs_fields_and_conflicts(store: Store, shared_data: Path) -> None:
    """Issue 11 acceptance 4 for watch events: SATCAT owner and the UCS operator/users/purpose,
    with ``ucs_conflict`` where the UCS COSPAR id differs from the SATCAT's (28908, COSMOS 2416,
    is such a row in the staged files; 25544 agrees).  Expected values from the csv module."""
    ids = {25544, 28908}
    sat_lines, sat = _satcat_lines(shared_data, ids)
    ucs_lines, ucs = _ucs_lines(shared_data, ids)
    assert set(ucs) == ids
    store.ingest([("satcat.csv", iter(sat_lines))], now=T0)
    store.ingest([("ucs.csv", iter(ucs_lines))], now=T0, kind="ucs")
    ev.upsert_events(store, [conj(T0, 1.0, None, a=25544, b=28908)], cycle_key="c", now=T0)
    (e,) = ev.list_events(store)
    expected = [{"norad": n, "name": sat[n]["SATNAME"], "owner": sat[n]["COUNTRY"],
                 "operator": ucs[n]["Operator/Owner"].strip(), "users": ucs[n]["Users"].strip(),
                 "purpose": ucs[n]["Purpose"].strip(),
                 "ucs_conflict": ucs[n]["COSPAR Number"].strip() != sat[n]["INTLDES"]} for n in (25544, 28908)]
    assert [o.to_dict() for o in e.objects] == expected
    assert [o["ucs_conflict"] for o in expected] == [False, True]

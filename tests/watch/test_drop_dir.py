"""The drop folder and the ``watch`` command: one batch per new file, screening with Pc,
strict JSON per cycle, coded errors.

The conjunction events are checked against a screening run made here with
``orbitwatch.screening.screen`` on the same file and window: the watch must raise one
event per conjunction, with the pair, TCA and miss distance of that run (the science is
pinned by tests/screening; this pins the watch's plumbing).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import shutil
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from orbitwatch.cli.watch_cmds import watch_app
from orbitwatch.screening import screen
from orbitwatch.sources.files import read_catalog_files
from orbitwatch.store import Store
from orbitwatch.store.events import list_deliveries, list_events
from orbitwatch.watch import drop_once, parse_config

ACTIVE = "history/celestrak-active-2023/celestrak-active-2023-08-13.tle.gz"
NOW = np.datetime64("2023-08-14T00:00:00", "us")
PRIMARIES = [25544, 44754, 44760]  # ISS (ZARYA), STARLINK-1049, STARLINK-1055


def test_drop_folder_cycle_screens_with_pc(shared_data: Path, tmp_path: Path) -> None:
    drop = tmp_path / "drop"
    drop.mkdir()
    shutil.copy(shared_data / ACTIVE, drop / "active.tle.gz")
    (drop / "half-written.tle.part").write_text("1 25544U", encoding="ascii")  # ignored until renamed
    alerts = tmp_path / "alerts.jsonl"
    cfg = parse_config({"watchlist": PRIMARIES, "screening": {"primaries": "watchlist", "days": 1.0},
                        "rpo": {"enabled": False}, "alerts": {"sinks": [f"file:{alerts}"]}})
    with Store.open(tmp_path / "w.db") as store:
        (result,) = drop_once(store, drop, cfg, now=NOW)
        assert not result.skipped and result.stats["ingest"]["stored"] > 8000
        events = list_events(store, type="conjunction")
        assert drop_once(store, drop, cfg, now=NOW + np.timedelta64(1, "h"))[0].skipped
        assert [e.to_dict() for e in list_events(store, type="conjunction")] == [e.to_dict() for e in events]
        deliveries = list_deliveries(store)
    table, _ = read_catalog_files([shared_data / ACTIVE], lenient=True)
    ref = screen(table, NOW, NOW + np.timedelta64(1, "D"), 5.0, primaries=PRIMARIES, exclude_co_moving=True)
    assert len(ref.conjunctions) > 0
    got = sorted((tuple(sorted(o.norad for o in e.objects)), e.details["tca_utc"], e.details["miss_distance_km"])
                 for e in events)
    want = sorted((tuple(sorted((c.norad_1, c.norad_2))), c.tca_utc, c.miss_distance_km) for c in ref.conjunctions)
    assert got == want
    for e in events:
        assert e.details["pc"] is not None and 0.0 <= e.details["pc"] <= 1.0
        assert e.evidence["covariance_source_1"] and e.details["history"][0]["cycle"] == result.batch_key
        assert all(o.name for o in e.objects)
    # every event was alerted once, to the one sink, with the delivery's id
    assert {d.status for d in deliveries} == {"delivered"}
    assert len(deliveries) == len(list_events_all(tmp_path / "w.db"))
    sent = [json.loads(line) for line in alerts.read_text(encoding="utf-8").splitlines()]
    assert sorted(m["id"] for m in sent) == sorted(d.id for d in deliveries)
    assert {m["data"]["id"] for m in sent} == {d.event_id for d in deliveries}


def list_events_all(db: Path) -> list[object]:
    with Store.open(db) as store:
        return list(list_events(store))


def _small_geo(shared_data: Path, out: Path, ids: set[int]) -> Path:
    import gzip

    src = shared_data / "history/celestrak-active-omm-2026-07-19_08-22/active-omm-geo-history.csv.gz"
    with gzip.open(src, "rt", encoding="utf-8") as f, out.open("w", encoding="utf-8") as g:
        header = f.readline()
        g.write(header)
        col = header.strip().split(",").index("NORAD_CAT_ID")
        g.writelines(line for line in f if int(line.split(",")[col]) in ids)
    return out


def test_watch_command_replay_and_errors(shared_data: Path, tmp_path: Path) -> None:
    history = _small_geo(shared_data, tmp_path / "geo.csv", {36108, 38014})
    config = tmp_path / "watch.toml"
    config.write_text('[screening]\nenabled = false\n[rpo]\nenabled = false\n', encoding="utf-8")
    runner = CliRunner()
    args = ["--db", str(tmp_path / "w.db"), "--config", str(config), "--replay", str(history),
            "--replay-step-h", "24", "--replay-start", "2026-07-20T00:00:00Z", "--json"]
    out = runner.invoke(watch_app, args)
    assert out.exit_code == 0, out.output
    lines = [json.loads(line, parse_constant=pytest.fail) for line in out.stdout.splitlines()]
    # expected cycle times from the file's EPOCH column: every midnight from the start whose
    # previous day brought at least one set, up to the first midnight after the last epoch
    with history.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    epochs = sorted(dt.datetime.fromisoformat(r["EPOCH"]).replace(tzinfo=dt.UTC) for r in rows)
    start = dt.datetime(2026, 7, 20, tzinfo=dt.UTC)
    days = {max(0, math.ceil((e - start) / dt.timedelta(days=1))) for e in epochs}
    want = [(start + dt.timedelta(days=k)).strftime("%Y-%m-%dT%H:%M:%S.000Z") for k in sorted(days)]
    assert [c["t_utc"] for c in lines] == want and all(not c["skipped"] for c in lines)
    created = sum(c["events"]["created"] for c in lines)
    with Store.open(tmp_path / "w.db") as store:
        assert created == len(list_events(store)) > 0
    again = runner.invoke(watch_app, args)
    assert again.exit_code == 0 and all(json.loads(x)["skipped"] for x in again.stdout.splitlines())
    # no source at all; --replay with --drop-dir; a bad config key
    no_source = runner.invoke(watch_app, ["--db", str(tmp_path / "w.db"), "--once"])
    assert no_source.exit_code == 3 and "[INPUT_MISSING]" in no_source.output
    both = runner.invoke(watch_app, [*args, "--drop-dir", str(tmp_path)])
    assert both.exit_code == 3 and "[INPUT_INVALID]" in both.output
    config.write_text("[screening]\nthreshold = 5\n", encoding="utf-8")
    bad = runner.invoke(watch_app, args)
    assert bad.exit_code == 3 and "[INPUT_CONFIG]" in bad.output and "screening.threshold" in bad.output


def test_default_config_runs_every_monitor(shared_data: Path, tmp_path: Path) -> None:
    """The defaults (payloads vs all for 7 days at 5 km with Pc, manoeuvres, RPO, new objects,
    decays) on a drop folder with two GEO histories: a servicing pair and a co-located pair."""
    drop = tmp_path / "drop"
    drop.mkdir()
    _small_geo(shared_data, drop / "geo-1.csv", {28358, 46113})
    _small_geo(shared_data, drop / "geo-2.csv", {44476, 55841})
    now = np.datetime64("2026-08-23T00:00:00", "us")
    with Store.open(tmp_path / "w.db") as store:
        first, second = drop_once(store, drop, parse_config({}), now=now)
        events = list_events(store)
    assert [first.skipped, second.skipped] == [False, False]
    assert {"screening", "maneuvers", "rpo", "decay"} <= set(first.stats) and "new_objects" in second.stats
    assert second.stats["new_objects"]["new_objects"] == 2  # the second file's two objects are new
    kinds = {e.type for e in events}
    assert {"maneuver", "rpo", "new_object"} <= kinds
    rpo_pairs = {e.dedupe_key.split(":")[0] for e in events if e.type == "rpo"}
    assert {"28358-46113", "44476-55841"} <= rpo_pairs
    for e in events:
        json.dumps(e.to_dict(), allow_nan=False)

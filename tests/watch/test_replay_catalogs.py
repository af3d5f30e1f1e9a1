"""Issue 14, acceptance 1 (fragmentation): replaying the 2019-12-19 then the 2022-01-22 full
catalogs raises one ``fragmentation`` event for the COSMOS 1408 cloud, and no event twice.

The reference set of new COSMOS 1408 pieces is read from the catalog files' own TLE
columns (NORAD id, international designator 82092), independently of orbitwatch's readers:
objects of launch 1982-092 in the 2022 file absent from the 2019 file.  (It differs from
counting names: 49619 is named ``COSMOS 1408 DEB`` but carries designator 20082A.)
"""

from __future__ import annotations

import gzip
from collections import Counter
from pathlib import Path

from orbitwatch.store import Store
from orbitwatch.store.events import list_events
from orbitwatch.watch import parse_config, replay

CATALOGS = ("catalog/spacetrack-3le-full-catalog-2019-12-19.tle.gz",
            "catalog/spacetrack-3le-full-catalog-2022-01-22.tle.gz")


def _line1(path: Path) -> list[str]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [line for line in f if line.startswith("1 ")]


_ALPHA5 = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # Alpha-5 leading letters (no I, O) for 10..33


def _norad(line1: str) -> int:
    """Columns 3-7 of line 1; a leading letter is Alpha-5 (T0000 = 270000)."""
    field = line1[2:7]
    if field[0].isalpha():
        return (_ALPHA5.index(field[0]) + 10) * 10_000 + int(field[1:])
    return int(field)


def _epoch_day(line1: str) -> float:
    """Epoch of line 1 (columns 19-32, YYDDD.DDDDDDDD) as days since 1957-01-01, roughly
    (years of 365.25 days; used only to compare against 14- and 30-day limits)."""
    yy, ddd = int(line1[18:20]), float(line1[20:32])
    return (1900 + yy if yy >= 57 else 2000 + yy) * 365.25 + ddd


def _fresh_at_end(path: Path) -> set[int]:
    """Objects whose element set is within the stale limit (14 d at mean motion > 11.25 rev/day,
    else 30 d) of the file's newest epoch."""
    with gzip.open(path, "rt", encoding="utf-8") as f:
        lines = [ln for ln in f if ln.startswith(("1 ", "2 "))]
    rows = [(lines[k], lines[k + 1]) for k in range(0, len(lines), 2)]
    newest = max(_epoch_day(a) for a, _ in rows)
    return {_norad(a) for a, b in rows
            if newest - _epoch_day(a) <= (14.0 if float(b[52:63]) > 11.25 else 30.0) + 1e-3}


def _new_launch_objects(before: Path, after: Path, designator: str) -> set[int]:
    """Objects of the launch (line 1 columns 10-14, YYNNN) in ``after`` whose NORAD id ``before`` lacks."""
    known = {_norad(line) for line in _line1(before)}
    return {_norad(line) for line in _line1(after) if line[9:14] == designator} - known


def test_cosmos_1408_cloud_is_one_fragmentation_event(shared_data: Path, tmp_path: Path) -> None:
    files = [shared_data / c for c in CATALOGS]
    cfg = parse_config({"screening": {"enabled": False}, "maneuvers": {"enabled": False},
                        "rpo": {"enabled": False}, "replay": {"step_h": 0.0}})
    with Store.open(tmp_path / "w.db") as store:
        results = list(replay(store, files, cfg))
        events = list_events(store)
        again = list(replay(store, files, cfg))
        assert [e.to_dict() for e in list_events(store)] == [e.to_dict() for e in events]
    assert [r.skipped for r in results] == [False, False] and all(r.skipped for r in again)
    # the baseline (first catalog) raises no fragmentation or new-object event
    assert results[0].upsert is not None and not any(
        e.type in ("fragmentation", "new_object") for e in events if e.created_utc == results[0].to_dict()["t_utc"])
    frags = [e for e in events if e.type == "fragmentation" and e.details["launch"] == "1982-092"]
    assert len(frags) == 1
    (cloud,) = frags
    new_pieces = _new_launch_objects(files[0], files[1], "82092")
    assert len(new_pieces) > 1000
    assert set(cloud.details["members"]) == new_pieces and cloud.details["pieces"] == len(new_pieces)
    assert cloud.details["parent_norad"] == 13552  # COSMOS 1408 (SATCAT; intact in the 2019 catalog)
    assert cloud.objects[0].norad == 13552 and cloud.severity == "high"
    # no event raised twice: one event per (type, key) for the once-per-key types
    keys = Counter((e.type, e.dedupe_key) for e in events if e.type in ("fragmentation", "decay", "new_object"))
    assert max(keys.values()) == 1
    assert len({e.id for e in events}) == len(events)
    # no piece of the cloud is also announced as a plain new object; every new object is announced once
    plain = [o.norad for e in events if e.type == "new_object" for o in e.objects]
    fragments = [n for e in events if e.type == "fragmentation" for n in e.details["members"]]
    assert not set(plain) & new_pieces and len(set(plain)) == len(plain)
    new_ids = {_norad(line) for line in _line1(files[1])} - {_norad(line) for line in _line1(files[0])}
    assert sorted(plain + fragments) == sorted(new_ids)
    # decays: objects fresh in the 2019 catalog that the 2022 catalog no longer lists stopped appearing
    gone = _fresh_at_end(files[0]) - {_norad(line) for line in _line1(files[1])}
    stopped = {e.objects[0].norad for e in events if e.type == "decay" and e.details["reason"] == "stopped_appearing"}
    assert len(gone) > 500 and stopped == gone

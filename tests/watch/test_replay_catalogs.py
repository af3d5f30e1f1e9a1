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


def _norad(line1: str) -> int:
    return int(line1[2:7])  # columns 3-7 (these two catalogs hold no Alpha-5 ids)


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
    # no piece of the cloud is also announced as a plain new object
    plain = {o.norad for e in events if e.type == "new_object" for o in e.objects}
    assert not plain & new_pieces

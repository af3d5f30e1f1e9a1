"""Issue 14, acceptance 1 (manoeuvres): replaying the GEO OMM history in 6-hour steps raises
the manoeuvre events that the batch detector finds on the whole history.

The reference is ``detect_maneuvers`` run once on the whole history of the same objects
(what ``orbitwatch maneuvers`` prints; the detector works object by object, so the
subset's result is the full file's for those objects).  The subset: six of the GEO
objects in which the batch run finds a relocation, so the test covers what the issue
singles out ("every batch-found GEO relocation must be an event") in about 15 s.  The
replay starts at 2026-07-19T18:00Z, when the history's snapshots begin (MANIFEST.md).
"""

from __future__ import annotations

import gzip
import itertools
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from orbitwatch.catalog.reader import read_element_sets
from orbitwatch.detection.maneuvers import ManeuverEvent, detect_maneuvers
from orbitwatch.store import Store
from orbitwatch.store.events import Event, list_cycles, list_events
from orbitwatch.watch import parse_config, replay, run_cycle
from orbitwatch.watch.batches import replay_batches

HISTORY = "history/celestrak-active-omm-2026-07-19_08-22/active-omm-geo-history.csv.gz"
#: GEO objects with a batch-found relocation in the history (and their station-keeping)
OBJECTS = (32794, 36108, 36592, 37779, 38014, 38741)
START = "2026-07-19T18:00:00Z"
SIX_HOURS_US = 6 * 3_600_000_000


def _subset(shared_data: Path, out: Path) -> Path:
    with gzip.open(shared_data / HISTORY, "rt", encoding="utf-8") as f, out.open("w", encoding="utf-8") as g:
        header = f.readline()
        g.write(header)
        col = header.strip().split(",").index("NORAD_CAT_ID")
        for line in f:
            if int(line.split(",")[col]) in OBJECTS:
                g.write(line)
    return out


def _t(text: str) -> np.datetime64:
    return np.datetime64(text.rstrip("Z"), "us")


def _same(e: Event, b: ManeuverEvent) -> bool:
    """The watch event is the batch manoeuvre: same object, brackets overlapping or estimates < 6 h apart."""
    if e.objects[0].norad != b.norad_id:
        return False
    lo, hi = _t(e.details["epoch_before_utc"]), _t(e.details["epoch_after_utc"])
    return bool((lo <= b.epoch_after and b.epoch_before <= hi)
                or abs(int((_t(e.time_utc) - b.epoch).astype(np.int64))) < SIX_HOURS_US)


@pytest.fixture(scope="module")
def geo_replay(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    d = tmp_path_factory.mktemp("geo")
    history = _subset(shared_data, d / "geo-subset.csv")
    with history.open(encoding="utf-8") as f:
        sets = list(read_element_sets(f, source=str(history)))
    batch = detect_maneuvers(sets).events
    cfg = parse_config({"watchlist": list(OBJECTS), "screening": {"enabled": False}, "rpo": {"enabled": False},
                        "replay": {"step_h": 6.0, "start_utc": START}})
    with Store.open(d / "watch.db") as store:
        results = list(replay(store, [history], cfg))
        events = list_events(store, type="maneuver")
        dump = [e.to_dict() for e in list_events(store)]
    return {"db": d / "watch.db", "history": history, "cfg": cfg, "batch": batch, "events": events,
            "results": results, "dump": dump, "sets": sets}


def test_replay_raises_the_batch_manoeuvres(geo_replay: dict[str, Any]) -> None:
    batch: list[ManeuverEvent] = geo_replay["batch"]
    events: list[Event] = geo_replay["events"]
    relocations = [b for b in batch if b.kind == "relocation"]
    assert len(relocations) >= len(OBJECTS)  # each object relocates at least once in the batch run
    missed_relocations = [b for b in relocations if not any(_same(e, b) for e in events)]
    assert missed_relocations == []
    matched = sum(any(_same(e, b) for e in events) for b in batch)
    assert matched / len(batch) >= 0.9, (matched, len(batch))


def test_each_manoeuvre_is_raised_once_at_the_cycle_that_shows_it(geo_replay: dict[str, Any]) -> None:
    events: list[Event] = geo_replay["events"]
    assert len({e.id for e in events}) == len(events)
    for n in OBJECTS:
        mine = sorted((e for e in events if e.objects[0].norad == n), key=lambda e: e.time_utc)
        for a, b in itertools.pairwise(mine):  # no two events of one object for the same burn
            assert _t(a.details["epoch_after_utc"]) < _t(b.details["epoch_before_utc"]) or \
                int((_t(b.time_utc) - _t(a.time_utc)).astype(np.int64)) >= SIX_HOURS_US
    # A relocation is raised by the first cycle whose data hold the 3 sets after its gap
    # (the detector's window), from the replayed history itself.
    cycles = np.array([r.t for r in geo_replay["results"]], dtype="datetime64[us]")
    epochs = {n: np.sort(np.array([s.epoch for s in geo_replay["sets"] if s.norad_id == n], dtype="datetime64[us]"))
              for n in OBJECTS}
    on_time = 0
    relocations = [b for b in geo_replay["batch"] if b.kind == "relocation"]
    for b in relocations:
        e = next(e for e in events if _same(e, b))
        obj = epochs[b.norad_id]
        k = int(np.searchsorted(obj, b.epoch_after))
        shows = obj[min(k + 2, len(obj) - 1)]
        first = cycles[int(np.searchsorted(cycles, shows))]
        on_time += _t(e.created_utc) <= first
    assert on_time / len(relocations) >= 0.75, (on_time, len(relocations))


def test_cycles_are_idempotent(geo_replay: dict[str, Any]) -> None:
    with Store.open(geo_replay["db"]) as store:
        # the whole replay again: every cycle is recorded, nothing runs
        again = list(replay(store, [geo_replay["history"]], geo_replay["cfg"]))
        assert all(r.skipped for r in again) and len(again) == len(geo_replay["results"])
        # the last cycle forced to run again on the same watermarks: the same events, same ids
        last = replay_batches([geo_replay["history"]], step_h=6.0, start=START)[-1]
        forced = run_cycle(store, last, geo_replay["cfg"], now=last.t, force=True)
        assert forced.upsert is not None and forced.upsert.created == [] and forced.upsert.updated == []
        assert [e.to_dict() for e in list_events(store)] == geo_replay["dump"]
        cycles = list_cycles(store)
    assert len(cycles) == len(geo_replay["results"])
    assert [c.watermark for c in cycles] == sorted(c.watermark for c in cycles)

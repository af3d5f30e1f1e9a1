"""Measure how the watch's GEO replay matches the batch manoeuvre detector (the figures of
docs/watch.md and the issue 14 closing note).  Not a test: a script kept beside the tests.

    .venv/bin/python tests/watch/geo_replay_match.py [--others N] [--seed S] [--no-relocating]

Objects: every object in which the batch detector (``detect_maneuvers`` on the whole
history, as ``orbitwatch maneuvers``) finds a relocation, plus N others drawn with the seed
(``--others 1000``: all 592).  The replay: 6-hour steps from 2026-07-19T18:00Z, manoeuvres
only.  A watch event matches a batch manoeuvre when it is of the same object and their
epoch brackets overlap or their estimates are less than 6 h apart.  Prints one JSON object.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import tempfile
import time
from pathlib import Path

import numpy as np

from orbitwatch.catalog.reader import read_element_sets
from orbitwatch.detection.maneuvers import detect_maneuvers, sort_history
from orbitwatch.store import Store
from orbitwatch.store.events import list_events
from orbitwatch.watch import parse_config, replay

HISTORY = "history/celestrak-active-omm-2026-07-19_08-22/active-omm-geo-history.csv.gz"


def _t(text: str) -> np.datetime64:
    return np.datetime64(text.rstrip("Z"), "us")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--others", type=int, default=80)
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument("--no-relocating", action="store_true")
    ap.add_argument("--step-h", type=float, default=6.0)
    args = ap.parse_args()
    data = Path(os.environ.get("ORBITWATCH_SHARED_DATA", Path(__file__).resolve().parents[3] / "shared" / "data"))
    src = data / HISTORY
    with gzip.open(src, "rt", encoding="utf-8") as f:
        sets = list(read_element_sets(f, source=str(src)))
    history = sort_history(sets)
    batch_all = detect_maneuvers(history).events
    relocating = sorted({e.norad_id for e in batch_all if e.kind == "relocation"})
    others = [n for n in sorted(set(history.norad_id.tolist())) if n not in relocating]
    rng = np.random.default_rng(args.seed)
    drawn = rng.choice(others, size=min(args.others, len(others)), replace=False).tolist()
    ids = set(drawn) | (set() if args.no_relocating else set(relocating))
    with tempfile.TemporaryDirectory() as tmp:
        sub = Path(tmp) / "geo.csv"
        with gzip.open(src, "rt", encoding="utf-8") as f, sub.open("w", encoding="utf-8") as g:
            header = f.readline()
            g.write(header)
            col = header.strip().split(",").index("NORAD_CAT_ID")
            g.writelines(line for line in f if int(line.split(",")[col]) in ids)
        cfg = parse_config({"screening": {"enabled": False}, "rpo": {"enabled": False},
                            "replay": {"step_h": args.step_h, "start_utc": "2026-07-19T18:00:00Z"}})
        clock = time.perf_counter()
        with Store.open(Path(tmp) / "w.db") as store:
            cycles = np.array([r.t for r in replay(store, [sub], cfg)], dtype="datetime64[us]")
            events = list_events(store, type="maneuver")
        seconds = time.perf_counter() - clock
    batch = [b for b in batch_all if b.norad_id in ids]
    used: set[str] = set()
    matched = on_time = relocations_matched = 0
    delays_h = []
    unmatched = []
    for b in batch:
        hit = next((e for e in events if e.objects[0].norad == b.norad_id and (
            (_t(e.details["epoch_before_utc"]) <= b.epoch_after and b.epoch_before <= _t(e.details["epoch_after_utc"]))
            or abs(int((_t(e.time_utc) - b.epoch).astype(np.int64))) < 6 * 3_600_000_000)), None)
        if hit is None:
            unmatched.append([b.norad_id, b.kind, str(b.epoch)])
            continue
        used.add(hit.id)
        matched += 1
        relocations_matched += int(b.kind == "relocation")
        obj = history.epoch[history.norad_id == b.norad_id]
        shows = obj[min(int(np.searchsorted(obj, b.epoch_after)) + 2, len(obj) - 1)]  # 3rd set after the gap
        if shows <= cycles[-1]:
            on_time += bool(_t(hit.created_utc) <= cycles[int(np.searchsorted(cycles, shows))])
        delays_h.append(float((_t(hit.created_utc) - b.epoch_after).astype(np.int64)) / 3.6e9)
    print(json.dumps({
        "objects": len(ids), "cycles": len(cycles), "seconds": round(seconds, 1),
        "batch_events": len(batch), "matched": matched, "match_rate": round(matched / max(1, len(batch)), 4),
        "relocations": sum(b.kind == "relocation" for b in batch), "relocations_matched": relocations_matched,
        "raised_by_cycle_with_3_sets_after": on_time, "watch_events": len(events),
        "watch_events_not_in_batch": len(events) - len(used),
        "median_delay_h_from_first_set_after": float(np.median(delays_h)) if delays_h else None,
        "unmatched": unmatched,
    }, indent=1))


if __name__ == "__main__":
    main()

"""Issue 14, acceptance 1 (RPO): replaying the GEO OMM history in 6-hour steps raises the RPO
episodes of the batch ``rpo`` run, each as one event.

Reference: ``monitor_rpo`` with ``detect_maneuvers`` on the whole history of the same
objects (what ``orbitwatch rpo`` runs).  Objects: two servicing pairs of the history,
MEV-2 docked to INTELSAT 10-02 all along, and MEV-1 at OPTUS D3 from 2026-08-12 (an
episode that starts during the replay), with LUCH-5X (OLYMP-K 2) beside INTELSAT 39.
Slow (about a minute): the RPO monitor runs on every one of the ~118 cycles.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest

from orbitwatch.catalog.reader import read_element_sets
from orbitwatch.detection.maneuvers import detect_maneuvers
from orbitwatch.detection.proximity import monitor_rpo
from orbitwatch.store import Store
from orbitwatch.store.events import list_events
from orbitwatch.watch import parse_config, replay

HISTORY = "history/celestrak-active-omm-2026-07-19_08-22/active-omm-geo-history.csv.gz"
OBJECTS = {28358, 46113, 35756, 44625, 44476, 55841}


def _t(text: str) -> np.datetime64:
    return np.datetime64(text.rstrip("Z"), "us")


@pytest.mark.slow
def test_replay_raises_the_batch_rpo_episodes(shared_data: Path, tmp_path: Path) -> None:
    history = tmp_path / "geo.csv"
    with gzip.open(shared_data / HISTORY, "rt", encoding="utf-8") as f, history.open("w", encoding="utf-8") as g:
        header = f.readline()
        g.write(header)
        col = header.strip().split(",").index("NORAD_CAT_ID")
        g.writelines(line for line in f if int(line.split(",")[col]) in OBJECTS)
    with history.open(encoding="utf-8") as f:
        sets = list(read_element_sets(f, source=str(history)))
    batch = monitor_rpo(sets, maneuvers=detect_maneuvers(sets)).episodes
    assert {(e.norad_1, e.norad_2) for e in batch} >= {(28358, 46113), (35756, 44625), (44476, 55841)}
    cfg = parse_config({"screening": {"enabled": False}, "maneuvers": {"enabled": False},
                        "replay": {"step_h": 6.0, "start_utc": "2026-07-19T18:00:00Z"}})
    with Store.open(tmp_path / "w.db") as store:
        list(replay(store, [history], cfg))
        events = list_events(store, type="rpo")
    for ep in batch:
        same = [e for e in events if e.dedupe_key == f"{ep.norad_1}-{ep.norad_2}:{ep.kind}"
                and _t(e.time_utc) <= ep.end and ep.start <= _t(e.details["end_utc"])]
        assert len(same) == 1, (ep.norad_1, ep.norad_2, ep.kind, len(same))
        (e,) = same
        # raised once the episode had lasted the monitor's minimum duration (1 day) and grew with it
        assert e.revision > 1 and _t(e.details["end_utc"]) >= ep.end - np.timedelta64(1, "D")
    assert len({e.id for e in events}) == len(events)

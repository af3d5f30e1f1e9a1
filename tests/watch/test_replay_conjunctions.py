"""The conjunction de-duplication rule on real data: a replay whose screening windows overlap
sees the same encounters again from newer element sets; an encounter whose TCA moved by
less than 20 minutes updates its event (with the miss distance of each cycle in its
history), never a second event.

Data: the 2026 LEO/MEO OMM history (constellations excluded), element sets with epochs
2026-07-19 .. 2026-07-24, replayed in 24-hour steps from 2026-07-23 with 2-day windows,
the ISS and the Chinese space station (CSS TIANHE) as primaries.
"""

from __future__ import annotations

import gzip
import itertools
from pathlib import Path

import numpy as np

from orbitwatch.store import Store
from orbitwatch.store.events import list_events
from orbitwatch.watch import parse_config, replay

HISTORY = "history/celestrak-active-omm-2026-07-19_08-22/active-omm-leo-meo-noconstellations-history.csv.gz"
TWENTY_MIN_US = 20 * 60 * 1_000_000


def _t(text: str) -> np.datetime64:
    return np.datetime64(text.rstrip("Z"), "us")


def test_re_sighted_conjunctions_update_their_event(shared_data: Path, tmp_path: Path) -> None:
    history = tmp_path / "leo.csv"
    with gzip.open(shared_data / HISTORY, "rt", encoding="utf-8") as f, history.open("w", encoding="utf-8") as g:
        header = f.readline()
        g.write(header)
        col = header.strip().split(",").index("EPOCH")
        g.writelines(line for line in f if "2026-07-19" <= line.split(",")[col][:10] <= "2026-07-24")
    cfg = parse_config({"watchlist": [25544, 48274], "screening": {"primaries": "watchlist", "days": 2.0},
                        "maneuvers": {"enabled": False}, "rpo": {"enabled": False},
                        "replay": {"step_h": 24.0, "start_utc": "2026-07-23T00:00:00Z"}})
    with Store.open(tmp_path / "w.db") as store:
        results = list(replay(store, [history], cfg))
        events = list_events(store, type="conjunction")
    assert [r.to_dict()["t_utc"][:10] for r in results] == ["2026-07-23", "2026-07-24", "2026-07-25"]
    assert events and all({o.norad for o in e.objects} & {25544, 48274} for e in events)
    updated = [e for e in events if len(e.details["history"]) > 1]
    assert updated, "overlapping windows must see some encounter twice"
    for e in updated:
        tcas = [_t(h["tca_utc"]) for h in e.details["history"]]
        assert all(abs(int((b - a).astype(np.int64))) < TWENTY_MIN_US for a, b in itertools.pairwise(tcas))
        assert e.revision == len(e.details["history"]) and len({h["cycle"] for h in e.details["history"]}) == len(tcas)
    by_pair: dict[str, list[np.datetime64]] = {}
    for e in events:
        by_pair.setdefault(e.dedupe_key, []).append(_t(e.time_utc))
    for tcas in by_pair.values():  # two events of one pair are two encounters, >= 20 min apart
        tcas.sort()
        assert all(int((b - a).astype(np.int64)) >= TWENTY_MIN_US for a, b in itertools.pairwise(tcas))

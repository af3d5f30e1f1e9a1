"""Subscriptions as sinks (orbitwatch.watch.subscriptions): each event revision that is
alerted is queued for every live subscription whose filter matches it, in the event's
transaction; a later subscription gets no old events; re-running a cycle queues nothing.

The expected deliveries are written out from the filter rule on the stored events (set
comprehensions over their types and objects), not read back from the router.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from orbitwatch.errors import InputError
from orbitwatch.store import Store
from orbitwatch.store.events import Event, EventObject, list_deliveries, list_events
from orbitwatch.store.service import create_subscription, create_watchlist, delete_subscription
from orbitwatch.watch import replay
from orbitwatch.watch.batches import replay_batches
from orbitwatch.watch.cycle import run_cycle
from orbitwatch.watch.subscriptions import check_filter, check_target, matches

from .alert_helpers import replay_config, small_history


def _event(type: str = "conjunction", norads: tuple[int, ...] = (25544, 48274), **details: Any) -> Event:
    return Event(id="e", type=type, severity="low", created_utc="", updated_utc="", time_utc="",
                 objects=tuple(EventObject(n, None, None) for n in norads), summary="", details=details, evidence={},
                 revision=1, dedupe_key="k")


def test_filter_rule() -> None:
    lists = {"wl_1": frozenset({48274}), "stations": frozenset({48274})}
    c = _event(pc=2e-5, miss_distance_km=0.8)
    assert matches({}, c, lists)
    assert matches({"types": ["conjunction", "rpo"], "norad": [48274], "min_pc": 1e-5, "max_miss_km": 1.0}, c, lists)
    assert not matches({"types": ["maneuver"]}, c, lists)
    assert not matches({"norad": [12345]}, c, lists)
    assert matches({"watchlist": "stations"}, c, lists) and matches({"watchlist": "wl_1"}, c, lists)
    assert not matches({"watchlist": "deleted-list"}, c, lists)
    assert not matches({"min_pc": 1e-4}, c, lists) and not matches({"max_miss_km": 0.5}, c, lists)
    assert not matches({"min_pc": 1e-9}, _event(pc=None, miss_distance_km=0.8), lists)  # Pc unknown
    # min_pc and max_miss_km select conjunctions: a manoeuvre has neither
    m = _event("maneuver", (25544,))
    assert matches({"norad": [25544]}, m, lists) and not matches({"min_pc": 0.0}, m, lists)
    assert not matches({"max_miss_km": 1e9}, m, lists)


@pytest.mark.parametrize(
    ("flt", "field", "code"),
    [
        ({"types": ["explosion"]}, "filter.types", "INPUT_INVALID"),
        ({"norad": [25544, -1]}, "filter.norad", "INPUT_NORAD"),
        ({"min_pc": 2.0}, "filter.min_pc", "INPUT_INVALID"),
        ({"max_miss_km": float("nan")}, "filter.max_miss_km", "INPUT_INVALID"),
        ({"watchlist": 7}, "filter.watchlist", "INPUT_INVALID"),
        ({"owner": "PRC"}, "filter.owner", "INPUT_INVALID"),
    ],
)
def test_bad_filters_are_coded(flt: dict[str, Any], field: str, code: str) -> None:
    with pytest.raises(InputError) as info:
        check_filter(flt)
    assert (info.value.code, info.value.field) == (code, field)


def test_check_filter_and_target_keep_good_values() -> None:
    assert check_filter({"types": "maneuver", "norad": 25544, "min_pc": 1e-4, "watchlist": None}) == {
        "types": ["maneuver"], "norad": [25544], "min_pc": 1e-4}
    assert check_target("email", "ops@example.org") == "ops@example.org"
    with pytest.raises(InputError) as info:
        check_target("pager", "555")
    assert info.value.code == "INPUT_INVALID"


def _sinks_by_event(store: Store) -> dict[str, set[tuple[str, int]]]:
    out: dict[str, set[tuple[str, int]]] = {}
    for d in list_deliveries(store):
        out.setdefault(d.sink, set()).add((d.event_id, d.revision))
    return out


def test_subscriptions_on_a_real_replay(shared_data: Path, tmp_path: Path) -> None:
    history = small_history(shared_data, tmp_path / "geo.csv")
    cfg = replay_config({"sinks": ["file:all.jsonl"]})
    sent: list[tuple[str, dict[str, Any]]] = []

    def sender(sink: str, message: dict[str, Any]) -> None:
        sent.append((sink, message))

    with Store.open(tmp_path / "w.db") as store:
        wl = create_watchlist(store, "relocators", [38014])
        subs = {
            "all": create_subscription(store, "webhook", "http://127.0.0.1:9/a"),
            "one": create_subscription(store, "email", "ops@example.org", {"norad": [36108]}),
            "wl": create_subscription(store, "webhook", "http://127.0.0.1:9/b", {"watchlist": wl.name}),
            "conj": create_subscription(store, "webhook", "http://127.0.0.1:9/c", {"types": ["conjunction"]}),
            "pc": create_subscription(store, "webhook", "http://127.0.0.1:9/d", {"min_pc": 1e-6}),
            "gone": create_subscription(store, "webhook", "http://127.0.0.1:9/e"),
        }
        cycles = replay(store, [history], cfg, sender=sender)
        first = [next(cycles) for _ in range(40)]
        t_mid = first[-1].t
        late = create_subscription(store, "webhook", "http://127.0.0.1:9/late", {"types": ["maneuver"]})
        assert delete_subscription(store, subs["gone"].id)
        rest = list(cycles)
        events = list_events(store)
        got = _sinks_by_event(store)
        deliveries = list_deliveries(store)
    assert len(first) + len(rest) > 50 and len(events) >= 8

    def on(norad: int) -> set[str]:
        return {e.id for e in events if norad in {o.norad for o in e.objects}}

    alerted = got["file:all.jsonl"]  # the catch-all config sink: every alerted revision
    assert {e for e, _ in alerted} == {e.id for e in events}
    assert got[subs["all"].sink] == alerted
    assert got[subs["one"].sink] == {x for x in alerted if x[0] in on(36108)} and on(36108)
    assert got[subs["wl"].sink] == {x for x in alerted if x[0] in on(38014)} and on(38014)
    assert subs["conj"].sink not in got and subs["pc"].sink not in got  # manoeuvres only: no conjunction
    # the later subscription gets the revisions alerted after it, none before; the deleted one none after
    queued_at = {(d.event_id, d.revision): np.datetime64(d.created_utc.rstrip("Z")) for d in deliveries
                 if d.sink == "file:all.jsonl"}
    after = {x for x in alerted if queued_at[x] > t_mid}
    assert after and got[late.sink] == after
    assert got[subs["gone"].sink] == {x for x in alerted if queued_at[x] <= t_mid}
    # every queued alert was handed to the sender once, under its delivery id
    assert sorted(m["id"] for _, m in sent) == sorted(d.id for d in deliveries if d.sink != subs["gone"].sink
                                                      or np.datetime64(d.created_utc.rstrip("Z")) <= t_mid)


def test_running_a_cycle_twice_queues_nothing_new(shared_data: Path, tmp_path: Path) -> None:
    history = small_history(shared_data, tmp_path / "geo.csv")
    cfg = replay_config()
    with Store.open(tmp_path / "w.db") as store:
        create_subscription(store, "email", "ops@example.org")
        sum(1 for _ in replay(store, [history], cfg, sender=lambda s, m: None))
        before = [d.to_dict() for d in list_deliveries(store)]
        events = [e.to_dict() for e in list_events(store)]
        assert before and len(before) >= len(events)
        again = list(replay(store, [history], cfg, sender=lambda s, m: None))
        assert again and all(r.skipped for r in again)
        batches = replay_batches([history], step_h=6.0, start="2026-07-19T18:00:00Z")
        forced = [run_cycle(store, b, cfg, now=b.t, force=True, sender=lambda s, m: None) for b in batches[-1:]]
        assert all(r.upsert is not None and r.upsert.queued == 0 and not r.upsert.created for r in forced)
        assert [d.to_dict() for d in list_deliveries(store)] == before
        assert [e.to_dict() for e in list_events(store)] == events

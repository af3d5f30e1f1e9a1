"""The watch cycle: one batch of element sets in, events out, all through the store.

:func:`run_cycle` takes one :class:`Batch` (a drop-folder file, or the slice of a replayed
history up to a time ``t``) and

1. ingests it (:meth:`orbitwatch.store.Store.ingest`: one transaction, idempotent);
2. reads the **watermark** (the highest ``element_sets.id``): the cycle's new element sets
   are those with ids between the previous completed cycle's watermark and this one, so a
   cycle restarted after a kill (its batch already ingested, its events not yet written)
   sees exactly the sets it saw the first time;
3. runs the monitors (:mod:`orbitwatch.watch.monitors`): screening of the primaries with
   Pc, manoeuvres of the objects with new sets, RPO, fragmentations and new objects
   (against the snapshot at the previous watermark), decays;
4. writes every finding as an event and the cycle's record in ONE transaction
   (:func:`orbitwatch.store.events.upsert_events`), queueing an alert for each new event
   (or rise in severity) per configured sink and per live subscription whose filter
   matches it (:mod:`orbitwatch.watch.subscriptions`);
5. delivers the due alerts (:mod:`orbitwatch.watch.alerts`), its own and any left from
   before, and returns only when each is delivered or queued for retry.

A batch whose cycle is already recorded is skipped (its key: file name and SHA-256 of
its text, or the replayed files and ``t``), so re-running the watch over the same inputs
does nothing; killed at any moment and restarted, the watch ends with the same events,
ids and deliveries as an uninterrupted run.  The first cycle of an empty store is the
baseline: every object is new there, so it raises no ``new_object``, ``fragmentation`` or
stopped-appearing ``decay`` events.

Clock: ``now`` (the cycle's time ``t`` and the ``created_utc`` / ``updated_utc`` of its
events) is given by the caller: wall-clock time for the drop folder, the replayed ``t``
for a replay, so a replay is reproducible.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from orbitwatch.api import ElementSet, Store, format_utc
from orbitwatch.store.events import (
    CycleRecord,
    Finding,
    UpsertReport,
    element_watermark,
    find_cycle,
    last_cycle,
    new_set_objects,
    snapshot,
    upsert_events,
)
from orbitwatch.watch import monitors
from orbitwatch.watch.alerts import deliver_due
from orbitwatch.watch.config import WatchConfig
from orbitwatch.watch.subscriptions import SubscriptionRouter

__all__ = ["Batch", "CycleResult", "run_cycle"]


@dataclass(frozen=True)
class Batch:
    """One batch: ``key`` (unique, stable), the time it stands for, and its content, either
    text inputs ``(name, lines)`` for :meth:`Store.ingest` or element sets in memory."""

    key: str
    t: np.datetime64
    inputs: tuple[tuple[str, tuple[str, ...]], ...] = ()
    element_sets: tuple[ElementSet, ...] = ()
    source: str = "batch"


@dataclass(frozen=True)
class CycleResult:
    """What one cycle did (``skipped``: its batch had been processed before)."""

    batch_key: str
    t: np.datetime64
    skipped: bool
    record: CycleRecord | None
    upsert: UpsertReport | None
    stats: dict[str, Any] = field(default_factory=dict)
    delivered: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "batch": self.batch_key,
            "t_utc": str(format_utc(self.t, digits=3)),
            "skipped": self.skipped,
            "events": None if self.upsert is None else self.upsert.to_dict(),
            "deliveries_sent": self.delivered,
            "stats": self.stats,
        }


def _ingest(store: Store, batch: Batch, now: np.datetime64) -> dict[str, Any]:
    if batch.element_sets:
        rep = store.add_element_sets(batch.element_sets, source=batch.source, now=now)
    elif batch.inputs:
        rep = store.ingest(((name, iter(lines)) for name, lines in batch.inputs), lenient=True, now=now)
    else:
        return {"read": 0, "stored": 0, "rejected": 0}
    return {"read": rep.element_sets_read, "stored": rep.stored, "rejected": rep.rejected}


def run_cycle(
    store: Store,
    batch: Batch,
    config: WatchConfig,
    *,
    now: np.datetime64,
    force: bool = False,
    sender: Callable[[str, dict[str, Any]], None] | None = None,
) -> CycleResult:
    """Run one cycle on ``batch`` (see the module docstring); ``force`` re-runs a recorded
    cycle against the same watermarks (nothing changes: events are idempotent)."""
    done = find_cycle(store, batch.key)
    if done is not None and not force:
        # A restarted watch still sends what its recorded cycle queued, at the cycle's time.
        delivered = deliver_due(store, now=now, sender=sender, config=config.alerts)
        return CycleResult(batch.key, batch.t, True, done, None, dict(done.stats), delivered)
    clock = time.perf_counter()
    seconds: dict[str, float] = {}

    def lap(name: str) -> None:
        nonlocal clock
        t1 = time.perf_counter()
        seconds[name] = round(t1 - clock, 3)
        clock = t1

    t = batch.t
    if done is not None:
        prev_wm, wm, t_prev = done.prev_watermark, done.watermark, None
        prev = _cycle_before(store, done)
        t_prev = None if prev is None else prev.t
        ingest = {"read": 0, "stored": 0, "rejected": 0}
    else:
        prev = last_cycle(store)
        prev_wm = 0 if prev is None else prev.watermark
        t_prev = None if prev is None else prev.t
        ingest = _ingest(store, batch, now)
        wm = element_watermark(store)
    lap("ingest")
    changed = new_set_objects(store, prev_wm, wm)
    after = snapshot(store, wm)
    # "ingest" is what this run stored (0 when a restarted cycle finds its batch already in the
    # store); "new_element_sets" is the cycle's batch itself, the same on every run.
    stats: dict[str, Any] = {"ingest": ingest, "new_element_sets": wm - prev_wm, "objects_with_new_sets": len(changed),
                             "catalog_objects": len(after)}
    findings: list[Finding] = []
    baseline = prev_wm == 0
    cfg = config
    if changed and cfg.screening.enabled:
        f, s = monitors.conjunction_findings(store, after, t, cfg)
        findings += f
        stats["screening"] = s
        lap("screening")
    if changed and cfg.maneuvers.enabled:
        f, _, s = monitors.maneuver_findings(store, changed, t, cfg)
        findings += f
        stats["maneuvers"] = s
        lap("maneuvers")
    if changed and cfg.rpo.enabled:
        f, s = monitors.rpo_findings(store, changed, after, t, cfg)
        findings += f
        stats["rpo"] = s
        lap("rpo")
    if changed and not baseline and (cfg.fragmentation.enabled or cfg.new_objects.enabled):
        before = snapshot(store, prev_wm)
        f, s = monitors.fragmentation_findings(store, before, after, cfg)
        findings += f
        stats["new_objects"] = s
        lap("fragmentation")
    if cfg.decay.enabled and len(after):
        f, s = monitors.decay_findings(after, changed, t, None if baseline else t_prev, cfg)
        findings += f
        stats["decay"] = s
        lap("decay")
    stats["findings"] = len(findings)
    record = CycleRecord(batch_key=batch.key, t=t, prev_watermark=prev_wm, watermark=wm, finished=now,
                         stats={k: v for k, v in stats.items() if k != "seconds"})
    upsert = upsert_events(store, findings, cycle_key=batch.key, now=now, sinks=cfg.alerts.sinks,
                           route=SubscriptionRouter(store), cycle=record)
    lap("events")
    delivered = deliver_due(store, now=now, sender=sender, config=cfg.alerts)
    lap("alerts")
    stats["seconds"] = seconds
    return CycleResult(batch.key, t, False, find_cycle(store, batch.key), upsert, stats, delivered)


def _cycle_before(store: Store, cycle: CycleRecord) -> CycleRecord | None:
    from orbitwatch.store.events import list_cycles

    earlier = [c for c in list_cycles(store) if c.watermark <= cycle.prev_watermark and c.batch_key != cycle.batch_key]
    return max(earlier, key=lambda c: (c.watermark, c.seq or 0)) if earlier else None

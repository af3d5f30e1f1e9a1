"""The watch: keeps the store's catalog current, runs every monitor on each new batch,
remembers what it found as events and queues their alerts (issue 14).

A workflow layer above the array core: it may use the store and the sources, never the
CLI.  :func:`replay` and :func:`drop_once` are what ``orbitwatch watch --replay`` and
``orbitwatch watch --drop-dir DIR --once`` call; :mod:`.cycle` is one cycle,
:mod:`.monitors` turns library results into findings, :mod:`.batches` makes batches from
a drop folder or a replayed history, :mod:`.alerts` sends queued alerts, :mod:`.config`
reads the TOML configuration.  The event model lives with the store
(:mod:`orbitwatch.store.events`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from orbitwatch.api import Store
from orbitwatch.watch.batches import drop_dir_batches, replay_batches
from orbitwatch.watch.config import WatchConfig, load_config, parse_config
from orbitwatch.watch.cycle import Batch, CycleResult, run_cycle

__all__ = [
    "Batch",
    "CycleResult",
    "WatchConfig",
    "drop_once",
    "load_config",
    "parse_config",
    "replay",
    "run_cycle",
]

Sender = Callable[[str, dict[str, Any]], None]


def replay(
    store: Store,
    paths: Sequence[str | Path],
    config: WatchConfig,
    *,
    step_h: float | None = None,
    start: Any = None,
    sender: Sender | None = None,
    stats: dict[str, Any] | None = None,
) -> Iterator[CycleResult]:
    """Replay history files as successive batches (:func:`.batches.replay_batches`), one
    cycle each, each at its replayed time (``now = t``: the replay is reproducible).
    ``step_h``/``start`` default to the config's ``[replay]``.  Cycles already recorded in
    the store are skipped, so a replay killed part-way and restarted resumes."""
    h = config.replay.step_h if step_h is None else step_h
    t0 = config.replay.start_utc if start is None else start
    for batch in replay_batches(paths, step_h=h, start=t0, stats=stats):
        yield run_cycle(store, batch, config, now=batch.t, sender=sender)


def drop_once(
    store: Store, directory: str | Path, config: WatchConfig, *, now: np.datetime64, sender: Sender | None = None
) -> list[CycleResult]:
    """One pass over the drop folder: a cycle per new file, at ``now``."""
    return [run_cycle(store, b, config, now=now, sender=sender) for b in drop_dir_batches(directory, now=now)]
